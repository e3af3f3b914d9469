/*
 * bus.c - the payload bus: every running payload receives every message
 * any payload (or the kernel) puts on it, its own included, in order.
 *
 * Each payload has a port: a window of its own memory (ubus.h) that is
 * mapped into it in user mode, with an outbox it fills and an inbox the
 * kernel fills.  A message crosses the boundary in the kernel only, when
 * it takes it from an outbox (rk_bus_flush): it copies the slot into
 * its own memory once, checks the copy (its length, and that it is not
 * one of the kernel's own messages) and only then copies it into every
 * attached inbox.  Delivery is all or nothing: a message waits in its
 * outbox while any inbox is full, as a Disruptor producer waits for its
 * slowest consumer, so no receiver misses one.
 *
 * The window is shared with code that may be hostile (and, on the
 * simulator, with a process that may still be running): the indices the
 * payload owns are read once per look and refused when they claim more
 * than a ring holds, the kernel keeps its own copy of those it owns, and
 * every slot is copied before it is looked at.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/syscall.h>

#include "core.h"

static struct rk_bus_port *ports[RK_MAX_RUNS];
static unsigned nports;
/* Fibers asleep in rk_bus_recv: while there are any, every window says
 * so (kick), and a sender enters the kernel right after it sends. */
static unsigned sleepers;

static struct rk_ubus_ctl *ctl(const struct rk_bus_port *p)
{
	return (struct rk_ubus_ctl *)p->window;
}

static struct rk_ubus_slot *slot(const struct rk_bus_port *p, size_t off,
                                 uint64_t seq)
{
	return (struct rk_ubus_slot *)((uint8_t *)p->window + off) +
	       (seq & (RK_UBUS_SLOTS - 1));
}

/* The payload's index, read once; atomic, since on the simulator the
 * payload's process may be writing it at this instant. */
static uint64_t load_index(const uint64_t *at)
{
	return __atomic_load_n(at, __ATOMIC_ACQUIRE);
}

static void store_index(uint64_t *at, uint64_t v)
{
	__atomic_store_n(at, v, __ATOMIC_RELEASE);
}

int rk_bus_port_init(struct rk_bus_port *p)
{
	rk_memset(p, 0, sizeof(*p));
	p->window = hal_exec_alloc(RK_UBUS_SIZE);
	if (!p->window)
		return -1;
	rk_memset(p->window, 0, RK_UBUS_SIZE);
	rk_waitq_init(&p->nonempty);
	return 0;
}

void rk_bus_port_free(struct rk_bus_port *p)
{
	rk_bus_detach(p);
	if (p->window)
		hal_exec_free(p->window, RK_UBUS_SIZE);
	p->window = NULL;
}

void rk_bus_attach(struct rk_bus_port *p)
{
	if (p->attached)
		return;
	RK_ASSERT(nports < RK_ARRAY_SIZE(ports));
	/* It receives what is sent from now on. */
	ctl(p)->kick = sleepers != 0;
	ports[nports++] = p;
	p->attached = true;
}

void rk_bus_detach(struct rk_bus_port *p)
{
	if (!p->attached)
		return;
	for (unsigned i = 0; i < nports; i++)
		if (ports[i] == p) {
			ports[i] = ports[--nports];
			break;
		}
	p->attached = false;
}

void rk_bus_reset_outbox(struct rk_bus_port *p)
{
	/* A restarted payload starts with an empty outbox: what the crashed
	 * run left there is dropped, never taken as sent.  Its inbox stays
	 * (messages for it are not lost); an inbox index the crashed run
	 * broke is put back to what the kernel wrote. */
	struct rk_ubus_ctl *c = ctl(p);
	store_index(&c->tx_tail, p->tx_head);
	store_index(&c->tx_head, p->tx_head);
	/* The stubs' remembered indices, too: looked up afresh. */
	c->tx_limit = 0;
	c->rx_seen = 0;
	if (p->rx_tail - load_index(&c->rx_head) > RK_UBUS_SLOTS)
		store_index(&c->rx_head, p->rx_tail);
	store_index(&c->rx_tail, p->rx_tail);
}

static void set_kicks(void)
{
	for (unsigned i = 0; i < nports; i++)
		__atomic_store_n(&ctl(ports[i])->kick, sleepers != 0,
		                 __ATOMIC_RELEASE);
}

/* p has mail (or gave up waiting): it no longer counts as asleep at
 * once, not when it next runs, so senders stop kicking the kernel as
 * soon as one message is on its way. */
static void wake(struct rk_bus_port *p)
{
	p->sleeping = false;
	if (--sleepers == 0)
		set_kicks();
	rk_waitq_wake_all(&p->nonempty);
}

/* How many messages every inbox can take now, each reader's index read
 * once (on the simulator the reader may be moving it).  A reader that
 * broke its index (more than a ring behind) is marked skip: it gets
 * nothing, so it cannot hold the bus, and its owner is ended at its next
 * entry (rk_bus_check). */
static uint64_t room_all(bool skip[RK_MAX_RUNS])
{
	uint64_t room = RK_UBUS_SLOTS;
	for (unsigned i = 0; i < nports; i++) {
		const struct rk_bus_port *p = ports[i];
		uint64_t used = p->rx_tail - load_index(&ctl(p)->rx_head);
		skip[i] = used > RK_UBUS_SLOTS;
		if (!skip[i])
			room = RK_MIN(room, RK_UBUS_SLOTS - used);
	}
	return room;
}

/* Puts one checked slot (len at most RK_API_MSG_MAX, the bytes past it
 * zero, so no inbox gets stale bytes of a sender's earlier message) into
 * every inbox not skipped, as whole aligned slots: word copies, not
 * bytes.  The caller made sure of the room; publish() shows it. */
static void put(const struct rk_ubus_slot *m, const bool skip[RK_MAX_RUNS])
{
	for (unsigned i = 0; i < nports; i++) {
		struct rk_bus_port *p = ports[i];
		if (!skip[i])
			__builtin_memcpy(slot(p, RK_UBUS_RX_OFF, p->rx_tail++),
			                 m, sizeof(*m));
	}
}

/* The messages put since the last publish become visible to their
 * readers, one index store per inbox for the whole run of them (the
 * reader's line is taken from it once, not once a message). */
static void publish(void)
{
	for (unsigned i = 0; i < nports; i++) {
		struct rk_bus_port *p = ports[i];
		if (p->rx_shown == p->rx_tail)
			continue;
		p->rx_shown = p->rx_tail;
		store_index(&ctl(p)->rx_tail, p->rx_tail);
		if (p->sleeping)
			wake(p);
	}
}

int rk_bus_send(const void *msg, size_t len)
{
	if (len > RK_API_MSG_MAX || (len && !msg))
		return -RK_EINVAL;
	bool skip[RK_MAX_RUNS];
	if (room_all(skip) == 0)
		return -RK_EAGAIN;
	_Alignas(8) struct rk_ubus_slot m;
	rk_memset(&m, 0, sizeof(m));
	m.len = (uint32_t)len;
	rk_memcpy(m.data, msg, len);
	put(&m, skip);
	publish();
	return 0;
}

bool rk_bus_is_kernel_msg(const void *msg, size_t len)
{
	/* One 8-byte compare: every message the kernel takes from an
	 * outbox comes through here. */
	static const uint8_t magic[8] = RK_BUS_RESTART_MAGIC;
	uint64_t a, b;
	if (len < sizeof(magic))
		return false;
	__builtin_memcpy(&a, msg, sizeof(a));
	__builtin_memcpy(&b, magic, sizeof(b));
	return a == b;
}

/* What the payload broke, said with the values (one payload is in the
 * kernel at a time, so one buffer serves). */
static char why[160];

const char *rk_bus_check(const struct rk_bus_port *p)
{
	const struct rk_ubus_ctl *c = ctl(p);
	uint64_t tail = load_index(&c->tx_tail);
	uint64_t head = load_index(&c->rx_head);
	if (tail - p->tx_head > RK_UBUS_SLOTS) {
		rk_snprintf(why, sizeof(why),
		            "outbox tx_tail held %llu with tx_head %llu, "
		            "expected at most %u ahead",
		            (unsigned long long)tail,
		            (unsigned long long)p->tx_head, RK_UBUS_SLOTS);
		return why;
	}
	if (p->rx_tail - head > RK_UBUS_SLOTS) {
		rk_snprintf(why, sizeof(why),
		            "inbox rx_head held %llu with rx_tail %llu, "
		            "expected at most rx_tail and %u behind it",
		            (unsigned long long)head,
		            (unsigned long long)p->rx_tail, RK_UBUS_SLOTS);
		return why;
	}
	return NULL;
}

/* One message of p's outbox, copied out of the window before it is
 * looked at and checked: NULL, or what is wrong with it. */
static const char *take(struct rk_bus_port *p, struct rk_ubus_slot *m)
{
	__builtin_memcpy(m, slot(p, RK_UBUS_TX_OFF, p->tx_head), sizeof(*m));
	if (m->len > RK_API_MSG_MAX) {
		rk_snprintf(why, sizeof(why),
		            "outbox message %llu: len held %u, expected at "
		            "most %u",
		            (unsigned long long)p->tx_head, m->len,
		            RK_API_MSG_MAX);
		return why;
	}
	if (rk_bus_is_kernel_msg(m->data, m->len)) {
		rk_snprintf(why, sizeof(why),
		            "outbox message %llu is the kernel's restart "
		            "message, which only the kernel sends",
		            (unsigned long long)p->tx_head);
		return why;
	}
	for (size_t i = m->len; i < RK_API_MSG_MAX; i++)
		m->data[i] = 0;
	return NULL;
}

const char *rk_bus_flush(struct rk_bus_port *p)
{
	const char *bad = rk_bus_check(p);
	if (bad)
		return bad;
	uint64_t tail = load_index(&ctl(p)->tx_tail);
	bool skip[RK_MAX_RUNS];
	/* Room is looked up once for as many messages as it allows, and
	 * again only when that runs out: a message waits in its outbox
	 * while some inbox is full. */
	for (uint64_t room = 0; p->tx_head != tail; room--) {
		if (!room && !(room = room_all(skip)))
			break;
		_Alignas(8) struct rk_ubus_slot m;
		bad = take(p, &m);
		if (bad)
			break;
		put(&m, skip);
		p->tx_head++;
	}
	store_index(&ctl(p)->tx_head, p->tx_head);
	publish();
	return bad;
}

/* Moves every outbox with messages waiting, but skip's, onto the bus;
 * true when anything moved.  What is wrong with an outbox (rk_bus_flush
 * checks it first) is left for its owner's next entry, which ends it. */
static bool flush_waiting(const struct rk_bus_port *skip)
{
	bool moved = false;
	for (unsigned i = 0; i < nports; i++) {
		struct rk_bus_port *p = ports[i];
		if (p == skip)
			continue;
		uint64_t before = p->tx_head;
		if (load_index(&ctl(p)->tx_tail) != before)
			(void)rk_bus_flush(p);
		moved |= p->tx_head != before;
	}
	return moved;
}

void rk_bus_flush_others(const struct rk_bus_port *self)
{
	/* Messages wait in an outbox only while some inbox is full, and a
	 * reader makes room without entering the kernel: whoever enters it
	 * next moves the waiting ones on. */
	(void)flush_waiting(self);
}

bool rk_bus_pump(void)
{
	return flush_waiting(NULL);
}

bool rk_bus_outbox_full(const struct rk_bus_port *p)
{
	return load_index(&ctl(p)->tx_tail) - p->tx_head >= RK_UBUS_SLOTS;
}

int64_t rk_bus_recv(struct rk_bus_port *p, void *buf, size_t cap,
                    uint64_t timeout_ns, bool to_user)
{
	struct rk_ubus_ctl *c = ctl(p);
	uint64_t deadline =
	    timeout_ns == RK_FOREVER ? RK_FOREVER : hal_now_ns() + timeout_ns;
	for (;;) {
		uint64_t head = load_index(&c->rx_head);
		if (p->rx_tail - head > RK_UBUS_SLOTS)
			return -RK_EFAULT; /* the reader broke its index */
		if (head != p->rx_tail) {
			struct rk_ubus_slot m;
			rk_memcpy(&m, slot(p, RK_UBUS_RX_OFF, head), sizeof(m));
			/* The reader can write the slot too: bound it again. */
			size_t len =
			    RK_MIN((size_t)m.len, (size_t)RK_API_MSG_MAX);
			size_t n = RK_MIN(cap, len);
			if (buf && to_user)
				hal_user_copy_out((uintptr_t)buf, m.data, n);
			else if (buf)
				rk_memcpy(buf, m.data, n);
			store_index(&c->rx_head, head + 1);
			return (int64_t)len;
		}
		uint64_t now = hal_now_ns();
		if (timeout_ns != RK_FOREVER && now >= deadline)
			return -RK_ETIMEDOUT;
		p->sleeping = true;
		if (sleepers++ == 0)
			set_kicks();
		(void)rk_waitq_wait(&p->nonempty, timeout_ns == RK_FOREVER
		                                      ? RK_FOREVER
		                                      : deadline - now);
		if (p->sleeping) /* timed out: no message woke it */
			wake(p);
	}
}
