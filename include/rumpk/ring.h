/*
 * ring.h - a Disruptor-style ring: a power-of-two array of preallocated
 * fixed-size slots and monotonically increasing 64-bit sequences.
 *
 * Producers claim a range of sequences, write the slots, then publish the
 * range.  Every consumer tracks its own sequence and sees every message
 * (broadcast, as in the LMAX Disruptor); it reads everything published up
 * to the cursor in one batch and then releases it.  Producers are gated
 * by the slowest consumer, so nothing is overwritten before every
 * consumer released it.
 *
 * Single-producer mode publishes by moving a cursor.  Multi-producer mode
 * claims with a CAS on the claim sequence and publishes per slot: each
 * slot records the lap of the sequence last published in it, so a
 * consumer reads the longest run of consecutive published slots.
 *
 * The fast paths are inline here: a message costs a handful of loads and
 * stores.  The producer caches the slowest consumer's sequence and
 * re-reads the consumers only when that cache says the ring looks full;
 * a consumer reads the cursor once per poll and takes the whole batch.
 */
#ifndef RUMPK_RING_H
#define RUMPK_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/sched.h>

#define RK_RING_MAX_CONSUMERS 8

enum rk_ring_mode { RK_RING_SP = 0, RK_RING_MP = 1 };

/* What a producer does when the ring is full, or a consumer when empty. */
enum rk_ring_wait {
	RK_WAIT_SPIN = 0, /* busy-wait (threads on other cores) */
	RK_WAIT_YIELD,    /* rk_yield() between looks */
	RK_WAIT_BLOCK,    /* sleep on a wait queue; publish/release wake */
};

struct rk_ring;

struct rk_ring_consumer {
	/* The next sequence to read.  Written only by this consumer (which
	 * reads it back relaxed), read by producers to gate themselves. */
	alignas(64) _Atomic uint64_t seq;
	struct rk_ring *ring;
};

struct rk_ring {
	/* Read-mostly configuration. */
	alignas(64) uint8_t *slots;
	uint64_t mask;
	uint32_t slot_size;
	uint32_t shift; /* log2(capacity) */
	uint8_t mode, wait;
	_Atomic uint64_t *lap; /* MP: per-slot published sequence+1 */
	struct rk_ring_consumer *consumers[RK_RING_MAX_CONSUMERS];
	_Atomic unsigned nconsumers;
	struct rk_waitq not_empty, not_full;
	_Atomic unsigned waiters; /* fibers blocked on either queue */

	/* Producer side (SP: private; MP: claim is shared). */
	alignas(64) _Atomic uint64_t claim; /* next sequence to hand out */
	uint64_t sp_claim;                  /* SP copy, no atomics */
	_Atomic uint64_t gate;              /* cached slowest consumer seq */

	/* Published cursor (SP): sequences below it are readable. */
	alignas(64) _Atomic uint64_t cursor;
};

/*
 * slots: capacity * slot_size bytes; capacity a power of two >= 2.
 * lap: MP only, capacity entries (NULL for SP).  Returns 0, or -1 for a
 * bad argument.
 */
int rk_ring_init(struct rk_ring *r, void *slots, size_t slot_size,
                 size_t capacity, enum rk_ring_mode mode,
                 enum rk_ring_wait wait, _Atomic uint64_t *lap);
/* The consumer starts at the current claim sequence: it sees what is
 * published from now on.  -1 when RK_RING_MAX_CONSUMERS are attached. */
int rk_ring_attach(struct rk_ring *r, struct rk_ring_consumer *c);

/* Removes a consumer so it no longer gates producers.  Attach and detach
 * while no producer is inside a claim (fibers on one CPU, or before the
 * threads start). */
void rk_ring_detach(struct rk_ring *r, struct rk_ring_consumer *c);

static inline uint64_t rk_ring_capacity(const struct rk_ring *r)
{
	return r->mask + 1;
}

static inline void *rk_ring_slot(const struct rk_ring *r, uint64_t seq)
{
	return r->slots + (size_t)((seq & r->mask) * r->slot_size);
}

/* Slow paths, in ring.c. */
bool rk__ring_refresh_gate(struct rk_ring *r, uint64_t need);
bool rk__ring_try_claim_mp(struct rk_ring *r, uint32_t n, uint64_t *first);
uint64_t rk__ring_scan(const struct rk_ring_consumer *c, uint64_t from);
void rk__ring_wake(struct rk_waitq *q, struct rk_ring *r);

/* Claims n (1..capacity) consecutive sequences without waiting; false
 * when the slowest consumer has not released enough room. */
static inline bool rk_ring_try_claim(struct rk_ring *r, uint32_t n,
                                     uint64_t *first)
{
	if (r->mode == RK_RING_MP)
		return rk__ring_try_claim_mp(r, n, first);
	uint64_t next = r->sp_claim + n;
	if (next - atomic_load_explicit(&r->gate, memory_order_relaxed) >
	        r->mask + 1 &&
	    !rk__ring_refresh_gate(r, next))
		return false;
	*first = r->sp_claim;
	r->sp_claim = next;
	return true;
}

/* Claims n sequences, waiting with the ring's strategy. */
uint64_t rk_ring_claim(struct rk_ring *r, uint32_t n);

/* Makes [first, first+n) visible to consumers. */
static inline void rk_ring_publish(struct rk_ring *r, uint64_t first,
                                   uint32_t n)
{
	if (r->mode == RK_RING_MP) {
		for (uint32_t i = 0; i < n; i++)
			atomic_store_explicit(&r->lap[(first + i) & r->mask],
			                      first + i + 1,
			                      memory_order_release);
	} else {
		atomic_store_explicit(&r->cursor, first + n,
		                      memory_order_release);
	}
	if (r->wait == RK_WAIT_BLOCK &&
	    atomic_load_explicit(&r->waiters, memory_order_relaxed))
		rk__ring_wake(&r->not_empty, r);
}

/* Number of messages readable now, starting at *first.  Never waits. */
static inline uint64_t rk_ring_poll(struct rk_ring_consumer *c, uint64_t *first)
{
	/* One look at the producers' progress per batch: the consumer keeps
	 * no cache of its own, so a poll costs one shared load. */
	struct rk_ring *r = c->ring;
	uint64_t next = atomic_load_explicit(&c->seq, memory_order_relaxed);
	*first = next;
	if (r->mode == RK_RING_MP)
		return rk__ring_scan(c, next) - next;
	return atomic_load_explicit(&r->cursor, memory_order_acquire) - next;
}

/* Waits with the ring's strategy until at least one message is readable;
 * returns the batch size.  With RK_WAIT_BLOCK and a timeout, 0 means the
 * timeout passed. */
uint64_t rk_ring_wait(struct rk_ring_consumer *c, uint64_t *first,
                      uint64_t timeout_ns);

/* Gives the first n messages of the current batch back to producers. */
static inline void rk_ring_release(struct rk_ring_consumer *c, uint64_t n)
{
	atomic_store_explicit(
	    &c->seq, atomic_load_explicit(&c->seq, memory_order_relaxed) + n,
	    memory_order_release);
	struct rk_ring *r = c->ring;
	if (r->wait == RK_WAIT_BLOCK &&
	    atomic_load_explicit(&r->waiters, memory_order_relaxed))
		rk__ring_wake(&r->not_full, r);
}

/* Copying conveniences for fixed-size messages (len <= slot_size). */
int rk_ring_send(struct rk_ring *r, const void *msg, size_t len);
size_t rk_ring_recv(struct rk_ring_consumer *c, void *buf, size_t cap);

static inline void rk_cpu_relax(void)
{
#if defined(__x86_64__)
	__asm__ volatile("pause" ::: "memory");
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

#endif
