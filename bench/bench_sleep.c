/*
 * bench_sleep.c - how late rk_sleep_ns wakes on the simulator in real
 * time (goal: within 1 ms).  The anchor is a bare nanosleep in the same
 * run: the host's own timer slack, which no scheduler can beat.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>

#define N 50

static uint64_t late[N * 3];
static const uint64_t durations[3] = {1000000, 5000000, 10000000};

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void sleeper(void *arg)
{
	(void)arg;
	for (int i = 0; i < N * 3; i++) {
		uint64_t d = durations[i % 3], t0 = hal_now_ns();
		rk_sleep_ns(d);
		late[i] = hal_now_ns() - t0 - d;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(void)
{
	rk_sched_init();
	rk_fiber_spawn("sleeper", RK_PRIO_NORMAL, sleeper, NULL, 0, false);
	rk_sched_run();
	uint64_t bare[N * 3];
	for (int i = 0; i < N * 3; i++) {
		uint64_t d = durations[i % 3], t0 = now_ns();
		struct timespec ts = {0, (long)d};
		nanosleep(&ts, NULL);
		bare[i] = now_ns() - t0 - d;
	}
	qsort(late, N * 3, sizeof(uint64_t), cmp);
	qsort(bare, N * 3, sizeof(uint64_t), cmp);
	printf("sleep lateness, %d sleeps of 1, 5 and 10 ms (simulator, real "
	       "time)\n",
	       N * 3);
	printf("%-22s %10s %10s %10s\n", "", "median us", "p99 us", "max us");
	printf("%-22s %10.1f %10.1f %10.1f\n", "rk_sleep_ns",
	       late[N * 3 / 2] / 1e3, late[N * 3 * 99 / 100] / 1e3,
	       late[N * 3 - 1] / 1e3);
	printf("%-22s %10.1f %10.1f %10.1f\n", "anchor: nanosleep",
	       bare[N * 3 / 2] / 1e3, bare[N * 3 * 99 / 100] / 1e3,
	       bare[N * 3 - 1] / 1e3);
	return 0;
}
