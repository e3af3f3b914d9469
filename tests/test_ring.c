/* test_ring.c - the Disruptor-style ring on one thread: claim/publish of
 * ranges, batched reads, gating by the slowest consumer, wrap-around,
 * multi-producer per-slot publication, bad arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/ring.h>

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
	    cmocka_unit_test(test_gating_by_slowest),
	    cmocka_unit_test(test_mp_out_of_order_publish),
	    cmocka_unit_test(test_send_recv_copy),
	    cmocka_unit_test(test_attach_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
