/* test_sched.c - the cooperative scheduler on the simulator's HAL: FIFO
 * order within a priority, strict priorities, yield, sleep order and
 * accuracy, wait queues with wake and timeout, join, deadlock detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>

static char trace[256];
static size_t tlen;

static void mark(char c)
{
	if (tlen + 1 < sizeof(trace)) {
		trace[tlen++] = c;
		trace[tlen] = '\0';
	}
}

static int setup(void **state)
{
	(void)state;
	rk_sched_init();
	tlen = 0;
	trace[0] = '\0';
	return 0;
}

static void yielder(void *arg)
{
	char c = (char)(uintptr_t)arg;
	for (int i = 0; i < 3; i++) {
		mark(c);
		rk_yield();
	}
}

static void test_round_robin(void **state)
{
	(void)state;
	for (char c = 'a'; c <= 'c'; c++)
		assert_non_null(rk_fiber_spawn("y", RK_PRIO_NORMAL, yielder,
		                               (void *)(uintptr_t)c, 0, false));
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "abcabcabc");
}

static void once(void *arg)
{
	mark((char)(uintptr_t)arg);
}

static void test_priorities(void **state)
{
	(void)state;
	rk_fiber_spawn("lo", 3, once, (void *)'l', 0, false);
	rk_fiber_spawn("hi", 20, once, (void *)'h', 0, false);
	rk_fiber_spawn("mid", 10, once, (void *)'m', 0, false);
	rk_fiber_spawn("hi2", 20, once, (void *)'H', 0, false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "hHml");
	assert_null(rk_fiber_spawn("bad", RK_PRIO_COUNT, once, NULL, 0, false));
}

static void high_yielder(void *arg)
{
	(void)arg;
	mark('H');
	rk_yield(); /* only lower fibers are runnable: keeps running */
	mark('H');
}

static void test_yield_is_strict(void **state)
{
	(void)state;
	rk_fiber_spawn("low", 5, once, (void *)'l', 0, false);
	rk_fiber_spawn("high", 25, high_yielder, NULL, 0, false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "HHl");
}

struct sleeper {
	uint64_t ns;
	char c;
	uint64_t woke_late;
};

static void sleeper(void *arg)
{
	struct sleeper *s = arg;
	uint64_t t0 = hal_now_ns();
	rk_sleep_ns(s->ns);
	uint64_t dt = hal_now_ns() - t0;
	assert_true(dt >= s->ns); /* never early */
	s->woke_late = dt - s->ns;
	mark(s->c);
}

static void test_sleep_order_and_accuracy(void **state)
{
	(void)state;
	struct sleeper s[] = {
	    {3000000, 'c', 0}, {1000000, 'a', 0}, {2000000, 'b', 0}};
	for (int i = 0; i < 3; i++)
		rk_fiber_spawn("sleeper", RK_PRIO_NORMAL, sleeper, &s[i], 0,
		               false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "abc");
	for (int i = 0; i < 3; i++)
		/* Late by less than a second: a wake-up at all, and not a
		 * unit slip (1 ms read as microseconds is a second late).
		 * Accuracy proper is the timer benchmark's; a busy CI host
		 * can hold a test back for tens of milliseconds. */
		assert_true(s[i].woke_late < 1000000000);
}

static struct rk_waitq q;
static int woken_result[4];

static void waiter(void *arg)
{
	int i = (int)(uintptr_t)arg;
	woken_result[i] = rk_waitq_wait(&q, i == 3 ? 2000000 : RK_FOREVER);
	mark((char)('0' + i));
}

static void waker(void *arg)
{
	(void)arg;
	mark('w');
	assert_int_equal(rk_waitq_wake_one(&q), 1); /* FIFO: waiter 0 */
	rk_yield();
	mark('W');
	assert_int_equal(rk_waitq_wake_all(&q), 3); /* 1, 2 and 3 */
	assert_int_equal(rk_waitq_wake_all(&q), 0);
}

static void test_waitq(void **state)
{
	(void)state;
	rk_waitq_init(&q);
	for (int i = 0; i < 4; i++)
		rk_fiber_spawn("waiter", RK_PRIO_NORMAL, waiter,
		               (void *)(uintptr_t)i, 0, false);
	rk_fiber_spawn("waker", RK_PRIO_NORMAL, waker, NULL, 0, false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "w0W123");
	for (int i = 0; i < 4; i++)
		assert_int_equal(woken_result[i], 0);
}

static void timeout_waiter(void *arg)
{
	(void)arg;
	uint64_t t0 = hal_now_ns();
	assert_int_equal(rk_waitq_wait(&q, 2000000), -1);
	uint64_t dt = hal_now_ns() - t0;
	/* Never early; under a second (see test_sleep_order_and_accuracy). */
	assert_true(dt >= 2000000 && dt < 1000000000);
	assert_int_equal(rk_waitq_wait(&q, 0), -1); /* zero: no wait */
	mark('t');
}

static void test_waitq_timeout(void **state)
{
	(void)state;
	rk_waitq_init(&q);
	rk_fiber_spawn("tw", RK_PRIO_NORMAL, timeout_waiter, NULL, 0, false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "t");
}

static void exits_early(void *arg)
{
	(void)arg;
	rk_fiber_exit(7);
}

static void returns(void *arg)
{
	(void)arg;
}

static void joiner(void *arg)
{
	(void)arg;
	struct rk_fiber *a =
	    rk_fiber_spawn("a", RK_PRIO_NORMAL, exits_early, NULL, 0, true);
	struct rk_fiber *b =
	    rk_fiber_spawn("b", RK_PRIO_NORMAL, returns, NULL, 0, true);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(rk_fiber_join(a), 7);
	assert_int_equal(rk_fiber_join(b), 0);
	mark('j');
}

static void test_join(void **state)
{
	(void)state;
	rk_fiber_spawn("joiner", RK_PRIO_NORMAL, joiner, NULL, 0, false);
	assert_int_equal(rk_sched_run(), 0);
	assert_string_equal(trace, "j");
}

static void forever(void *arg)
{
	(void)arg;
	rk_waitq_wait(&q, RK_FOREVER);
}

static void test_deadlock_detected(void **state)
{
	(void)state;
	rk_waitq_init(&q);
	rk_fiber_spawn("stuck1", RK_PRIO_NORMAL, forever, NULL, 0, false);
	rk_fiber_spawn("stuck2", RK_PRIO_NORMAL, forever, NULL, 0, false);
	assert_int_equal(rk_sched_run(), 2);
}

static void test_fiber_table_limit(void **state)
{
	(void)state;
	unsigned n = 0;
	while (rk_fiber_spawn("f", RK_PRIO_NORMAL, returns, NULL, 16384, false))
		n++;
	assert_int_equal(n, RK_MAX_FIBERS);
	assert_int_equal(rk_sched_run(), 0);
	/* Exited fibers give their slots back. */
	assert_non_null(
	    rk_fiber_spawn("again", RK_PRIO_NORMAL, returns, NULL, 0, false));
	assert_int_equal(rk_sched_run(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_round_robin, setup),
	    cmocka_unit_test_setup(test_priorities, setup),
	    cmocka_unit_test_setup(test_yield_is_strict, setup),
	    cmocka_unit_test_setup(test_sleep_order_and_accuracy, setup),
	    cmocka_unit_test_setup(test_waitq, setup),
	    cmocka_unit_test_setup(test_waitq_timeout, setup),
	    cmocka_unit_test_setup(test_join, setup),
	    cmocka_unit_test_setup(test_deadlock_detected, setup),
	    cmocka_unit_test_setup(test_fiber_table_limit, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
