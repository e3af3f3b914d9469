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
 * The fast paths are inline here and cost a handful of instructions: a
 * single-producer claim is one compare against a private limit (the
 * slowest consumer's sequence plus the capacity, refreshed only when the
 * ring looks full), a publish is one store, a poll one shared load, a
 * release one store.  Everything else (multi-producer claims, a full
 * ring, waking blocked fibers) is one predictable branch away, in ring.c:
 * the limit and the cursor stay 0 on MP and blocking rings, so the same
 * compares that find a ring full or empty also send those rings there.
 *
 * Messages are reached one at a time by sequence (rk_ring_slot), a batch
 * at a time through contiguous runs (rk_ring_span), or, on a typed ring of
 * fixed size (RK_RING_OF), with one-message push and pop.
 */
#ifndef RUMPK_RING_H
#define RUMPK_RING_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/klib.h>
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
	bool blocking; /* the ring's wait is RK_WAIT_BLOCK: release may wake */
};

struct rk_ring {
	/* Read-mostly configuration. */
	alignas(64) uint8_t *slots;
	uint64_t mask;
	uint32_t slot_size;
	uint8_t mode, wait;
	/* SP with a non-blocking wait: publish is a single cursor store. */
	bool publish_is_store;
	_Atomic uint64_t *lap; /* MP: per-slot published sequence+1 */
	struct rk_ring_consumer *consumers[RK_RING_MAX_CONSUMERS];
	_Atomic unsigned nconsumers;
	struct rk_waitq not_empty, not_full;
	_Atomic unsigned waiters; /* fibers blocked on either queue */

	/* Producer side (SP: private; MP: claim and gate are shared). */
	alignas(64) _Atomic uint64_t claim; /* MP: next sequence to hand out */
	_Atomic uint64_t gate; /* MP: cached slowest consumer seq */
	uint64_t sp_claim;     /* SP: next sequence, no atomics */
	/* SP: claims ending at or below it fit: the slowest consumer's
	 * sequence plus the capacity when last looked.  Stays 0 in MP mode
	 * and on blocking rings, so the inline claim and push always take
	 * the out-of-line path there. */
	uint64_t sp_limit;

	/* The published cursor of an SP ring that does not block: sequences
	 * below it are readable.  It stays 0 on MP rings (they publish per
	 * slot, in lap) and on blocking rings (which publish in `published`),
	 * so the inline poll and pop find nothing and take the out-of-line
	 * paths, which know those rings. */
	alignas(64) _Atomic uint64_t cursor;
	_Atomic uint64_t published; /* SP blocking rings: their cursor */
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

/*
 * A run of consecutive slots that are also consecutive in memory, so a
 * batch can be filled or read through one pointer (the compiler scales by
 * the element type's size and can vectorise) instead of one
 * rk_ring_slot() per message.
 */
struct rk_ring_span {
	void *slots; /* the first slot of the run */
	uint64_t n;  /* how many slots, slot_size bytes each */
};

/* The first run of the n (>= 1) slots from seq: all n, or those before
 * the end of the array when the range wraps; the rest then starts at
 * seq + span.n (call again).  A batch is at most two runs. */
static inline struct rk_ring_span rk_ring_span(const struct rk_ring *r,
                                               uint64_t seq, uint64_t n)
{
	uint64_t at = seq & r->mask;
	/* min(n - 1, slots left - 1) + 1: folds to 1 when n is 1. */
	struct rk_ring_span s = {r->slots + (size_t)(at * r->slot_size),
	                         RK_MIN(n - 1, r->mask - at) + 1};
	return s;
}

/* Slow paths, in ring.c. */
#define RK_RING_NONE UINT64_MAX /* no claim: sequences never get there */
uint64_t rk__ring_try_claim_slow(struct rk_ring *r, uint32_t n);
void rk__ring_publish_slow(struct rk_ring *r, uint64_t first, uint32_t n);
uint64_t rk__ring_poll_slow(const struct rk_ring_consumer *c, uint64_t next);
void rk__ring_release_wake(struct rk_ring *r);

/* Claims n (1..capacity) consecutive sequences without waiting; false
 * when the slowest consumer has not released enough room. */
static inline bool rk_ring_try_claim(struct rk_ring *r, uint32_t n,
                                     uint64_t *first)
{
	uint64_t f = r->sp_claim;
	if (RK_UNLIKELY(f + n > r->sp_limit)) { /* MP, or the ring looks full */
		/* By value, so that no address escapes and the caller's
		 * sequence can stay in a register. */
		f = rk__ring_try_claim_slow(r, n);
		*first = f;
		return f != RK_RING_NONE;
	}
	*first = f;
	r->sp_claim = f + n;
	return true;
}

/* Claims n sequences, waiting with the ring's strategy. */
uint64_t rk_ring_claim(struct rk_ring *r, uint32_t n);

/* Makes [first, first+n) visible to consumers. */
static inline void rk_ring_publish(struct rk_ring *r, uint64_t first,
                                   uint32_t n)
{
	if (RK_LIKELY(r->publish_is_store))
		atomic_store_explicit(&r->cursor, first + n,
		                      memory_order_release);
	else
		rk__ring_publish_slow(r, first, n);
}

/* Number of messages readable now, starting at *first.  Never waits. */
static inline uint64_t rk_ring_poll(struct rk_ring_consumer *c, uint64_t *first)
{
	/* One look at the producers' progress per batch.  One compare sends
	 * an empty ring, and every poll of an MP or blocking ring (whose
	 * cursor stays 0), out of line. */
	uint64_t next = atomic_load_explicit(&c->seq, memory_order_relaxed);
	uint64_t end =
	    atomic_load_explicit(&c->ring->cursor, memory_order_acquire);
	*first = next;
	if (RK_LIKELY(next < end))
		return end - next;
	return rk__ring_poll_slow(c, next);
}

/* SP rings: every sequence below this is published.  (For tracing and
 * statistics: consumers use rk_ring_poll.) */
static inline uint64_t rk_ring_published(const struct rk_ring *r)
{
	return atomic_load_explicit(r->publish_is_store ? &r->cursor
	                                                : &r->published,
	                            memory_order_acquire);
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
	if (c->blocking)
		rk__ring_release_wake(c->ring);
}

/*
 * Typed rings of a fixed size: RK_RING_OF(name, T, N) declares struct name,
 * an ordinary ring with its N slots of type T inside it (N a power of two
 * >= 2), and inline functions that know sizeof(T) and N at compile time:
 *
 *   int  name_init(struct name *q, enum rk_ring_mode mode,
 *                  enum rk_ring_wait wait, _Atomic uint64_t *lap);
 *        rk_ring_init on q->slots (lap: MP only, N entries)
 *   T   *name_at(struct name *q, uint64_t seq);     rk_ring_slot
 *   bool name_try_push(struct name *q, const T *msg);
 *        one message in (claim, copy, publish); false when full
 *   bool name_try_pop(struct name *q, struct rk_ring_consumer *c, T *out);
 *        one message out (poll, copy, release); false when empty
 *
 * Attach consumers to &q->ring; every other rk_ring_* call works on it.
 * Push and pop are the single-message fast paths: on an SP ring that does
 * not block, a push is two loads (the sequence and the limit), the copy
 * and two stores, a pop three loads, the copy and one store, with the
 * slot array's address and mask known to the compiler.  On MP and blocking
 * rings they take the general claim/publish and poll/release paths, so they
 * work on every ring.
 */
/* The generated functions: inline, and no warning for those a file does
 * not use (the macro expands in a .c file, where clang would warn). */
#define RK__RING_OF_FN static inline __attribute__((unused))

#define RK_RING_OF(name, T, N)                                                 \
	_Static_assert((N) >= 2 && ((N) & ((N)-1)) == 0,                       \
	               #name ": N must be a power of two >= 2");               \
	struct name {                                                          \
		struct rk_ring ring;                                           \
		T slots[N];                                                    \
	};                                                                     \
	RK__RING_OF_FN int name##_init(struct name *q, enum rk_ring_mode mode, \
	                               enum rk_ring_wait wait,                 \
	                               _Atomic uint64_t *lap)                  \
	{                                                                      \
		return rk_ring_init(&q->ring, q->slots, sizeof(T), (N), mode,  \
		                    wait, lap);                                \
	}                                                                      \
	RK__RING_OF_FN T *name##_at(struct name *q, uint64_t seq)              \
	{                                                                      \
		return &q->slots[seq & ((N)-1)];                               \
	}                                                                      \
	RK__RING_OF_FN bool name##_try_push(struct name *q, const T *msg)      \
	{                                                                      \
		struct rk_ring *r = &q->ring;                                  \
		uint64_t s = r->sp_claim;                                      \
		if (RK_LIKELY(s < r->sp_limit)) { /* SP, not blocking, room */ \
			q->slots[s & ((N)-1)] = *msg;                          \
			r->sp_claim = s + 1;                                   \
			atomic_store_explicit(&r->cursor, s + 1,               \
			                      memory_order_release);           \
			return true;                                           \
		}                                                              \
		if (!rk_ring_try_claim(r, 1, &s))                              \
			return false;                                          \
		q->slots[s & ((N)-1)] = *msg;                                  \
		rk_ring_publish(r, s, 1);                                      \
		return true;                                                   \
	}                                                                      \
	RK__RING_OF_FN bool name##_try_pop(struct name *q,                     \
	                                   struct rk_ring_consumer *c, T *out) \
	{                                                                      \
		uint64_t s =                                                   \
		    atomic_load_explicit(&c->seq, memory_order_relaxed);       \
		if (RK_LIKELY(s <                                              \
		              atomic_load_explicit(&q->ring.cursor,            \
		                                   memory_order_acquire))) {   \
			*out = q->slots[s & ((N)-1)];                          \
			atomic_store_explicit(&c->seq, s + 1,                  \
			                      memory_order_release);           \
			return true;                                           \
		}                                                              \
		if (rk_ring_poll(c, &s) == 0)                                  \
			return false;                                          \
		*out = q->slots[s & ((N)-1)];                                  \
		rk_ring_release(c, 1);                                         \
		return true;                                                   \
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
