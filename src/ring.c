/*
 * ring.c - the Disruptor-style ring's slow paths: refreshing the cached
 * gate, multi-producer claims, scanning per-slot publication, and the
 * wait strategies.  The per-message fast paths live in ring.h.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/ring.h>

int rk_ring_init(struct rk_ring *r, void *slots, size_t slot_size,
                 size_t capacity, enum rk_ring_mode mode,
                 enum rk_ring_wait wait, _Atomic uint64_t *lap)
{
	if (!r || !slots || slot_size == 0 || slot_size > UINT32_MAX ||
	    capacity < 2 || (capacity & (capacity - 1)) != 0 ||
	    (mode == RK_RING_MP && !lap) || mode > RK_RING_MP ||
	    wait > RK_WAIT_BLOCK)
		return -1;
	rk_memset(r, 0, sizeof(*r));
	r->slots = slots;
	r->mask = capacity - 1;
	r->slot_size = (uint32_t)slot_size;
	r->mode = (uint8_t)mode;
	r->wait = (uint8_t)wait;
	r->publish_is_store = mode == RK_RING_SP && wait != RK_WAIT_BLOCK;
	r->lap = lap;
	if (lap)
		for (size_t i = 0; i < capacity; i++)
			atomic_init(&lap[i], 0);
	rk_waitq_init(&r->not_empty);
	rk_waitq_init(&r->not_full);
	return 0;
}

int rk_ring_attach(struct rk_ring *r, struct rk_ring_consumer *c)
{
	unsigned n = atomic_load(&r->nconsumers);
	if (n >= RK_RING_MAX_CONSUMERS)
		return -1;
	uint64_t start =
	    r->mode == RK_RING_MP ? atomic_load(&r->claim) : r->sp_claim;
	c->ring = r;
	c->blocking = r->wait == RK_WAIT_BLOCK;
	atomic_store(&c->seq, start);
	r->consumers[n] = c;
	atomic_store(&r->nconsumers, n + 1);
	return 0;
}

void rk_ring_detach(struct rk_ring *r, struct rk_ring_consumer *c)
{
	unsigned n = atomic_load(&r->nconsumers);
	for (unsigned i = 0; i < n; i++) {
		if (r->consumers[i] == c) {
			r->consumers[i] = r->consumers[n - 1];
			atomic_store(&r->nconsumers, n - 1);
			/* The cached gate stays valid: removing a consumer
			 * can only raise the slowest sequence. */
			break;
		}
	}
	if (atomic_load(&r->waiters))
		rk_waitq_wake_all(&r->not_full);
}

/* Re-reads every consumer's sequence.  True when claiming up to `need`
 * fits in the ring now. */
static bool refresh_gate(struct rk_ring *r, uint64_t need)
{
	unsigned n = atomic_load_explicit(&r->nconsumers, memory_order_acquire);
	uint64_t min = UINT64_MAX;

	for (unsigned i = 0; i < n; i++) {
		uint64_t s = atomic_load_explicit(&r->consumers[i]->seq,
		                                  memory_order_acquire);
		if (s < min)
			min = s;
	}
	if (n == 0) /* nobody gates the producers */
		min = need - (r->mask + 1);
	if (r->mode == RK_RING_MP)
		atomic_store_explicit(&r->gate, min, memory_order_release);
	else if (r->publish_is_store) /* blocking rings keep it 0 */
		r->sp_limit = min + r->mask + 1;
	return need - min <= r->mask + 1;
}

/* The inline claim lands here in MP mode and on blocking rings (sp_limit
 * stays 0), and when the SP limit says the ring looks full. */
uint64_t rk__ring_try_claim_slow(struct rk_ring *r, uint32_t n)
{
	if (r->mode == RK_RING_SP) {
		uint64_t first = r->sp_claim;
		if (!refresh_gate(r, first + n))
			return RK_RING_NONE;
		r->sp_claim = first + n;
		return first;
	}
	uint64_t cur = atomic_load_explicit(&r->claim, memory_order_relaxed);
	do {
		uint64_t next = cur + n;
		if (next - atomic_load_explicit(&r->gate,
		                                memory_order_acquire) >
		        r->mask + 1 &&
		    !refresh_gate(r, next))
			return RK_RING_NONE;
	} while (!atomic_compare_exchange_weak_explicit(
	    &r->claim, &cur, cur + n, memory_order_relaxed,
	    memory_order_relaxed));
	return cur;
}

/* MP rings publish per slot; blocking rings also wake sleeping readers. */
void rk__ring_publish_slow(struct rk_ring *r, uint64_t first, uint32_t n)
{
	if (r->mode == RK_RING_MP) {
		for (uint32_t i = 0; i < n; i++)
			atomic_store_explicit(&r->lap[(first + i) & r->mask],
			                      first + i + 1,
			                      memory_order_release);
	} else { /* SP and blocking: the cursor stays 0, see rk_ring_poll */
		atomic_store_explicit(&r->published, first + n,
		                      memory_order_release);
	}
	if (atomic_load_explicit(&r->waiters, memory_order_relaxed))
		rk_waitq_wake_all(&r->not_empty);
}

/* A blocking ring's consumer released room: wake sleeping producers. */
void rk__ring_release_wake(struct rk_ring *r)
{
	if (atomic_load_explicit(&r->waiters, memory_order_relaxed))
		rk_waitq_wake_all(&r->not_full);
}

/* SP: the inline poll found the ring empty, or the ring blocks; look at
 * the cursor.  MP: the longest run of published slots from the
 * consumer's position. */
uint64_t rk__ring_poll_slow(const struct rk_ring_consumer *c, uint64_t next)
{
	const struct rk_ring *r = c->ring;
	if (r->mode == RK_RING_SP)
		return rk_ring_published(r) - next;
	uint64_t s = next, end = next + r->mask + 1;
	while (s < end && atomic_load_explicit(&r->lap[s & r->mask],
	                                       memory_order_acquire) == s + 1)
		s++;
	return s - next;
}

/* One wait step with the ring's strategy.  ready() is checked again with
 * interrupts off before blocking, so a publish cannot slip in between the
 * last look and the sleep. Returns false when the timeout passed. */
static bool wait_step(struct rk_ring *r, struct rk_waitq *q,
                      bool (*ready)(void *), void *arg, uint64_t timeout_ns)
{
	switch (r->wait) {
	case RK_WAIT_SPIN:
		rk_cpu_relax();
		return true;
	case RK_WAIT_YIELD:
		rk_yield();
		return true;
	default: {
		hal_irq_state_t s = hal_irq_save();
		bool ok = true;
		atomic_fetch_add_explicit(&r->waiters, 1, memory_order_relaxed);
		if (!ready(arg))
			ok = rk_waitq_wait(q, timeout_ns) == 0;
		atomic_fetch_sub_explicit(&r->waiters, 1, memory_order_relaxed);
		hal_irq_restore(s);
		return ok;
	}
	}
}

struct claim_arg {
	struct rk_ring *r;
	uint32_t n;
};

static bool claim_ready(void *p)
{
	struct claim_arg *a = p;
	uint64_t next = (a->r->mode == RK_RING_MP ? atomic_load(&a->r->claim)
	                                          : a->r->sp_claim) +
	                a->n;
	return refresh_gate(a->r, next);
}

uint64_t rk_ring_claim(struct rk_ring *r, uint32_t n)
{
	uint64_t first;
	struct claim_arg a = {r, n};

	RK_ASSERT(n >= 1 && n <= r->mask + 1);
	while (!rk_ring_try_claim(r, n, &first))
		(void)wait_step(r, &r->not_full, claim_ready, &a, RK_FOREVER);
	return first;
}

static bool poll_ready(void *p)
{
	uint64_t first;
	return rk_ring_poll(p, &first) != 0;
}

uint64_t rk_ring_wait(struct rk_ring_consumer *c, uint64_t *first,
                      uint64_t timeout_ns)
{
	for (;;) {
		uint64_t n = rk_ring_poll(c, first);
		if (n)
			return n;
		if (!wait_step(c->ring, &c->ring->not_empty, poll_ready, c,
		               timeout_ns))
			return rk_ring_poll(c, first);
	}
}

int rk_ring_send(struct rk_ring *r, const void *msg, size_t len)
{
	if (len > r->slot_size)
		return -1;
	uint64_t seq = rk_ring_claim(r, 1);
	uint8_t *slot = rk_ring_slot(r, seq);
	rk_memcpy(slot, msg, len);
	rk_memset(slot + len, 0, r->slot_size - len);
	rk_ring_publish(r, seq, 1);
	return 0;
}

size_t rk_ring_recv(struct rk_ring_consumer *c, void *buf, size_t cap)
{
	uint64_t first;
	if (rk_ring_wait(c, &first, RK_FOREVER) == 0)
		return 0;
	size_t n = RK_MIN(cap, (size_t)c->ring->slot_size);
	rk_memcpy(buf, rk_ring_slot(c->ring, first), n);
	rk_ring_release(c, 1);
	return n;
}
