/* test_ring.c - the Disruptor-style ring on one thread: claim/publish of
 * ranges, batched reads, spans, gating by the slowest consumer,
 * wrap-around, multi-producer per-slot publication, blocking waits
 * between fibers, bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/ring.h>
#include <rumpk/sched.h>

#define CAP 8

static void test_init_rejects_bad_args(void **state)
{
	(void)state;
	struct rk_ring r;
	uint64_t slots[CAP];
	_Atomic uint64_t lap[CAP];
	assert_int_equal(rk_ring_init(&r, slots, 8, 6, RK_RING_SP, 0, NULL),
	                 -1);
	assert_int_equal(rk_ring_init(&r, slots, 8, 1, RK_RING_SP, 0, NULL),
	                 -1);
	assert_int_equal(rk_ring_init(&r, slots, 0, CAP, RK_RING_SP, 0, NULL),
	                 -1);
	assert_int_equal(rk_ring_init(&r, NULL, 8, CAP, RK_RING_SP, 0, NULL),
	                 -1);
	assert_int_equal(rk_ring_init(&r, slots, 8, CAP, RK_RING_MP, 0, NULL),
	                 -1);
	assert_int_equal(rk_ring_init(&r, slots, 8, CAP, RK_RING_MP, 0, lap),
	                 0);
	assert_int_equal(rk_ring_init(&r, slots, 8, CAP, RK_RING_SP, 0, NULL),
	                 0);
	assert_int_equal(rk_ring_capacity(&r), CAP);
}

static void run_sequence(enum rk_ring_mode mode)
{
	struct rk_ring r;
	uint64_t slots[CAP];
	_Atomic uint64_t lap[CAP];
	struct rk_ring_consumer c;
	uint64_t first, seq = 0, next_expected = 0, sent = 0;

	assert_int_equal(rk_ring_init(&r, slots, 8, CAP, mode, RK_WAIT_SPIN,
	                              mode == RK_RING_MP ? lap : NULL),
	                 0);
	assert_int_equal(rk_ring_attach(&r, &c), 0);
	assert_int_equal(rk_ring_poll(&c, &first), 0);
	/* Many laps of the ring with batches of varying size. */
	for (int round = 0; round < 200; round++) {
		uint32_t n = 1 + (uint32_t)(round % CAP);
		assert_true(rk_ring_try_claim(&r, n, &seq));
		assert_int_equal(seq, sent);
		for (uint32_t i = 0; i < n; i++)
			*(uint64_t *)rk_ring_slot(&r, seq + i) = sent + i;
		rk_ring_publish(&r, seq, n);
		sent += n;
		uint64_t got = rk_ring_poll(&c, &first);
		assert_int_equal(got, n); /* the whole batch at once */
		for (uint64_t i = 0; i < got; i++)
			assert_int_equal(
			    *(uint64_t *)rk_ring_slot(&r, first + i),
			    next_expected++);
		rk_ring_release(&c, got);
	}
}

/* Writes batches through spans and reads them through spans, over many
 * laps with batch sizes that straddle the end of the array. */
static void run_span_sequence(enum rk_ring_mode mode)
{
	struct rk_ring r;
	uint64_t slots[CAP];
	_Atomic uint64_t lap[CAP];
	struct rk_ring_consumer c;
	uint64_t first, seq = 0, sent = 0, expect = 0;
	unsigned wrapped = 0;

	assert_int_equal(rk_ring_init(&r, slots, 8, CAP, mode, RK_WAIT_SPIN,
	                              mode == RK_RING_MP ? lap : NULL),
	                 0);
	assert_int_equal(rk_ring_attach(&r, &c), 0);
	for (int round = 0; round < 300; round++) {
		uint32_t n = 1 + (uint32_t)((round * 3) % CAP);
		assert_true(rk_ring_try_claim(&r, n, &seq));
		unsigned runs = 0;
		for (uint64_t done = 0; done < n; runs++) {
			struct rk_ring_span sp =
			    rk_ring_span(&r, seq + done, n - done);
			assert_ptr_equal(sp.slots,
			                 rk_ring_slot(&r, seq + done));
			assert_true(sp.n >= 1 && sp.n <= n - done);
			/* A run never passes the end of the array. */
			assert_true((uint64_t *)sp.slots + sp.n <= slots + CAP);
			for (uint64_t k = 0; k < sp.n; k++)
				((uint64_t *)sp.slots)[k] = sent + done + k;
			done += sp.n;
		}
		/* One run, or two exactly when the batch crosses the end. */
		bool crosses = (seq % CAP) + n > CAP;
		assert_int_equal(runs, crosses ? 2 : 1);
		wrapped += crosses;
		rk_ring_publish(&r, seq, n);
		sent += n;
		uint64_t got = rk_ring_poll(&c, &first);
		assert_int_equal(got, n);
		for (uint64_t done = 0; done < got;) {
			struct rk_ring_span sp =
			    rk_ring_span(&r, first + done, got - done);
			for (uint64_t k = 0; k < sp.n; k++)
				assert_int_equal(((uint64_t *)sp.slots)[k],
				                 expect++);
			done += sp.n;
		}
		rk_ring_release(&c, got);
	}
	assert_true(wrapped > 50); /* the wrap path really ran */
}

static void test_span_sp(void **state)
{
	(void)state;
	run_span_sequence(RK_RING_SP);
}

static void test_span_mp(void **state)
{
	(void)state;
	run_span_sequence(RK_RING_MP);
}

static void test_span_edges(void **state)
{
	(void)state;
	struct rk_ring r;
	uint8_t slots[CAP][24]; /* a slot size that is not a power of two */
	assert_int_equal(
	    rk_ring_init(&r, slots, 24, CAP, RK_RING_SP, RK_WAIT_SPIN, NULL),
	    0);
	struct rk_ring_span sp = rk_ring_span(&r, CAP - 1, 1);
	assert_ptr_equal(sp.slots, slots[CAP - 1]);
	assert_int_equal(sp.n, 1);
	sp = rk_ring_span(&r, 3 * CAP + 5, CAP);
	assert_ptr_equal(sp.slots, slots[5]);
	assert_int_equal(sp.n, CAP - 5);
	sp = rk_ring_span(&r, 2 * CAP, CAP); /* a whole lap, aligned */
	assert_ptr_equal(sp.slots, slots[0]);
	assert_int_equal(sp.n, CAP);
}

/* ---- typed rings: one-message push and pop --------------------------- */
struct msg24 { /* a slot size that is not a power of two */
	uint64_t seq;
	uint32_t a, b;
	uint64_t check;
};
RK_RING_OF(msg_ring, struct msg24, CAP);

static struct msg24 make_msg(uint64_t i)
{
	struct msg24 m = {i, (uint32_t)i * 3u, (uint32_t)(i >> 7),
	                  i * 0x9e3779b97f4a7c15ull};
	return m;
}

/* Push until full, pop until empty, over many laps, checking every field:
 * on an SP ring the fast paths run; on MP and blocking rings the general
 * ones behind the same calls. */
static void run_push_pop(enum rk_ring_mode mode, enum rk_ring_wait wait)
{
	struct msg_ring q;
	struct msg24 m;
	_Atomic uint64_t lap[CAP];
	struct rk_ring_consumer c;
	uint64_t sent = 0, got = 0;

	assert_int_equal(
	    msg_ring_init(&q, mode, wait, mode == RK_RING_MP ? lap : NULL), 0);
	assert_int_equal(rk_ring_attach(&q.ring, &c), 0);
	assert_false(msg_ring_try_pop(&q, &c, &m)); /* empty */
	for (int round = 0; round < 100; round++) {
		unsigned burst = 1 + (unsigned)(round % (CAP + 3));
		for (unsigned k = 0; k < burst; k++) {
			m = make_msg(sent);
			if (!msg_ring_try_push(&q, &m)) {
				assert_int_equal(sent - got,
				                 CAP); /* only when full */
				break;
			}
			sent++;
		}
		/* Mixed with the general calls: what push published, poll sees.
		 */
		uint64_t first;
		assert_int_equal(rk_ring_poll(&c, &first), sent - got);
		assert_ptr_equal(msg_ring_at(&q, first),
		                 rk_ring_slot(&q.ring, first));
		while (got < sent) {
			assert_true(msg_ring_try_pop(&q, &c, &m));
			struct msg24 want = make_msg(got);
			assert_memory_equal(&m, &want, sizeof(m));
			got++;
		}
		assert_false(msg_ring_try_pop(&q, &c, &m));
	}
	assert_true(sent > 5 * CAP); /* many laps */
}

static void test_push_pop_sp(void **state)
{
	(void)state;
	run_push_pop(RK_RING_SP, RK_WAIT_SPIN);
}

static void test_push_pop_sp_blocking(void **state)
{
	(void)state;
	run_push_pop(RK_RING_SP, RK_WAIT_BLOCK);
}

static void test_push_pop_mp(void **state)
{
	(void)state;
	run_push_pop(RK_RING_MP, RK_WAIT_SPIN);
}

/* Push respects the slowest of several consumers, like claim. */
static void test_push_gated(void **state)
{
	(void)state;
	struct msg_ring q;
	struct msg24 m = make_msg(0);
	struct rk_ring_consumer fast, slow;

	assert_int_equal(msg_ring_init(&q, RK_RING_SP, RK_WAIT_SPIN, NULL), 0);
	assert_int_equal(rk_ring_attach(&q.ring, &fast), 0);
	assert_int_equal(rk_ring_attach(&q.ring, &slow), 0);
	for (int i = 0; i < CAP; i++)
		assert_true(msg_ring_try_push(&q, &m));
	assert_false(msg_ring_try_push(&q, &m));
	for (int i = 0; i < CAP; i++)
		assert_true(msg_ring_try_pop(&q, &fast, &m));
	assert_false(msg_ring_try_push(&q, &m)); /* slow holds every slot */
	assert_true(msg_ring_try_pop(&q, &slow, &m));
	assert_true(msg_ring_try_push(&q, &m));
	assert_false(msg_ring_try_push(&q, &m));
}

/* ---- blocking waits between fibers ----------------------------------- */
#define BLOCK_MSGS 200

struct block_case {
	struct rk_ring ring;
	struct rk_ring_consumer cons;
	uint64_t slots[4];
	_Atomic uint64_t lap[4];
	uint64_t received, sum;
	unsigned producer_waits;
};

/* Sends BLOCK_MSGS messages into a 4-slot ring: it fills up at once, so
 * the producer blocks and must be woken by the consumer's releases. */
static void block_producer(void *arg)
{
	struct block_case *b = arg;
	for (uint64_t i = 1; i <= BLOCK_MSGS; i++) {
		uint64_t seq;
		if (!rk_ring_try_claim(&b->ring, 1, &seq)) {
			b->producer_waits++;
			seq = rk_ring_claim(&b->ring, 1);
		}
		*(uint64_t *)rk_ring_slot(&b->ring, seq) = i;
		rk_ring_publish(&b->ring, seq, 1);
		if (i % 7 == 0) /* sometimes let the consumer block on empty */
			rk_sleep_ns(100000);
	}
}

/* Takes one message at a time, yielding in between, so it both finds
 * the ring empty (blocks) and leaves it full (the producer blocks). */
static void block_consumer(void *arg)
{
	struct block_case *b = arg;
	while (b->received < BLOCK_MSGS) {
		uint64_t first;
		uint64_t n = rk_ring_wait(&b->cons, &first, RK_FOREVER);
		assert_true(n >= 1);
		b->sum += *(uint64_t *)rk_ring_slot(&b->ring, first);
		assert_int_equal(*(uint64_t *)rk_ring_slot(&b->ring, first),
		                 b->received + 1);
		b->received++;
		rk_ring_release(&b->cons, 1);
		rk_yield();
	}
}

static void run_blocking(enum rk_ring_mode mode)
{
	static struct block_case b;
	memset(&b, 0, sizeof(b));
	rk_sched_init();
	assert_int_equal(rk_ring_init(&b.ring, b.slots, 8, 4, mode,
	                              RK_WAIT_BLOCK,
	                              mode == RK_RING_MP ? b.lap : NULL),
	                 0);
	assert_int_equal(rk_ring_attach(&b.ring, &b.cons), 0);
	assert_non_null(rk_fiber_spawn("cons", RK_PRIO_NORMAL, block_consumer,
	                               &b, 0, false));
	assert_non_null(rk_fiber_spawn("prod", RK_PRIO_NORMAL, block_producer,
	                               &b, 0, false));
	/* 0: no fiber was left blocked with nobody to wake it. */
	assert_int_equal(rk_sched_run(), 0);
	assert_int_equal(b.received, BLOCK_MSGS);
	assert_int_equal(b.sum, (uint64_t)BLOCK_MSGS * (BLOCK_MSGS + 1) / 2);
	assert_true(b.producer_waits > 0); /* the full-ring path ran */
}

static void test_blocking_sp(void **state)
{
	(void)state;
	run_blocking(RK_RING_SP);
}

static void test_blocking_mp(void **state)
{
	(void)state;
	run_blocking(RK_RING_MP);
}

static void test_sp_sequence(void **state)
{
	(void)state;
	run_sequence(RK_RING_SP);
}

static void test_mp_sequence(void **state)
{
	(void)state;
	run_sequence(RK_RING_MP);
}

static void test_gating_by_slowest(void **state)
{
	(void)state;
	struct rk_ring r;
	uint64_t slots[CAP], seq = 0, first;
	struct rk_ring_consumer fast, slow;

	assert_int_equal(
	    rk_ring_init(&r, slots, 8, CAP, RK_RING_SP, RK_WAIT_SPIN, NULL), 0);
	assert_int_equal(rk_ring_attach(&r, &fast), 0);
	assert_int_equal(rk_ring_attach(&r, &slow), 0);
	assert_true(rk_ring_try_claim(&r, CAP, &seq));
	rk_ring_publish(&r, seq, CAP);
	assert_false(rk_ring_try_claim(&r, 1, &seq)); /* full */
	/* Both consumers see all CAP messages (broadcast). */
	assert_int_equal(rk_ring_poll(&fast, &first), CAP);
	assert_int_equal(rk_ring_poll(&slow, &first), CAP);
	rk_ring_release(&fast, CAP);
	assert_false(rk_ring_try_claim(&r, 1, &seq)); /* slow still holds */
	rk_ring_release(&slow, 3);
	assert_true(rk_ring_try_claim(&r, 3, &seq));
	assert_int_equal(seq, CAP);
	assert_false(rk_ring_try_claim(&r, 1, &seq));
	rk_ring_publish(&r, CAP, 3);
	/* Detaching the slow consumer ungates the producer. */
	rk_ring_detach(&r, &slow);
	assert_true(rk_ring_try_claim(&r, 5, &seq));
}

static void test_mp_out_of_order_publish(void **state)
{
	(void)state;
	struct rk_ring r;
	uint64_t slots[CAP], a = 0, b = 0, first;
	_Atomic uint64_t lap[CAP];
	struct rk_ring_consumer c;

	assert_int_equal(
	    rk_ring_init(&r, slots, 8, CAP, RK_RING_MP, RK_WAIT_SPIN, lap), 0);
	assert_int_equal(rk_ring_attach(&r, &c), 0);
	assert_true(rk_ring_try_claim(&r, 2, &a));
	assert_true(rk_ring_try_claim(&r, 2, &b));
	assert_int_equal(b, a + 2);
	rk_ring_publish(&r, b, 2); /* the later range first */
	assert_int_equal(rk_ring_poll(&c, &first), 0); /* a gap at a */
	rk_ring_publish(&r, a, 2);
	assert_int_equal(rk_ring_poll(&c, &first), 4);
	assert_int_equal(first, a);
}

static void test_send_recv_copy(void **state)
{
	(void)state;
	struct rk_ring r;
	uint8_t slots[4][16], buf[16];
	struct rk_ring_consumer c;

	assert_int_equal(
	    rk_ring_init(&r, slots, 16, 4, RK_RING_SP, RK_WAIT_SPIN, NULL), 0);
	assert_int_equal(rk_ring_attach(&r, &c), 0);
	assert_int_equal(rk_ring_send(&r, "0123456789abcdefX", 17), -1);
	assert_int_equal(rk_ring_send(&r, "hi", 3), 0);
	assert_int_equal(rk_ring_recv(&c, buf, sizeof(buf)), 16);
	assert_string_equal((char *)buf, "hi");
	assert_int_equal(buf[15], 0); /* the rest of the slot is zeroed */
}

static void test_attach_limit(void **state)
{
	(void)state;
	struct rk_ring r;
	uint64_t slots[CAP];
	struct rk_ring_consumer c[RK_RING_MAX_CONSUMERS + 1];
	assert_int_equal(
	    rk_ring_init(&r, slots, 8, CAP, RK_RING_SP, RK_WAIT_SPIN, NULL), 0);
	for (int i = 0; i < RK_RING_MAX_CONSUMERS; i++)
		assert_int_equal(rk_ring_attach(&r, &c[i]), 0);
	assert_int_equal(rk_ring_attach(&r, &c[RK_RING_MAX_CONSUMERS]), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_rejects_bad_args),
	    cmocka_unit_test(test_sp_sequence),
	    cmocka_unit_test(test_mp_sequence),
	    cmocka_unit_test(test_span_sp),
	    cmocka_unit_test(test_span_mp),
	    cmocka_unit_test(test_span_edges),
	    cmocka_unit_test(test_push_pop_sp),
	    cmocka_unit_test(test_push_pop_sp_blocking),
	    cmocka_unit_test(test_push_pop_mp),
	    cmocka_unit_test(test_push_gated),
	    cmocka_unit_test(test_blocking_sp),
	    cmocka_unit_test(test_blocking_mp),
	    cmocka_unit_test(test_gating_by_slowest),
	    cmocka_unit_test(test_mp_out_of_order_publish),
	    cmocka_unit_test(test_send_recv_copy),
	    cmocka_unit_test(test_attach_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
