/*
 * bench_syscall_sim.c - a null syscall from a payload in user mode on the
 * simulator, where each payload is a child process of its own
 * (sim/hal_user.c): payloads/bench_sys makes RK_SYS_NOW 20000 times and
 * says how long they took.  The anchor, measured in the same run, is
 * the floor of any request and answer between two processes: a futex
 * ping-pong over a shared page, with nothing else on either side.
 * Goal: at most 1.5 times the anchor.  Medians of ROUNDS runs each.
 */
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>

#include "core.h"
#include "host_hal.h"
#include "median.h"

#define ROUNDS   5
#define ANCHOR_N 20000u

/* payloads/bench_sys, signed by the build (bench/meson.build). */
extern const uint8_t bench_sys_npl[];
extern const size_t bench_sys_npl_len;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the payload: its line "[bench_sys] calls=N syscall_ns=T ..." ---- */
static char line[256];
static size_t line_len;
static uint64_t calls, syscall_ns;

static void tap(char c)
{
	if (c != '\n') {
		if (line_len < sizeof(line) - 1)
			line[line_len++] = c;
		return;
	}
	line[line_len] = 0;
	line_len = 0;
	unsigned long long n, t;
	if (sscanf(line, "[bench_sys] calls=%llu syscall_ns=%llu", &n, &t) ==
	    2) {
		calls = n;
		syscall_ns = t;
	}
}

static void runner(void *arg)
{
	struct rk_npl_policy pol = {.arch = RK_ARCH_SELF,
	                            .keys = rk_trusted_keys,
	                            .nkeys = rk_trusted_key_count};
	*(enum rk_run_result *)arg =
	    rk_payload_run(bench_sys_npl, bench_sys_npl_len, "bench_sys", &pol,
	                   NULL, NULL, false);
}

/* ns per syscall, or 0 when the payload did not say. */
static double rumpk_syscall(void)
{
	enum rk_run_result res = RK_RUN_FAILED;
	calls = syscall_ns = 0;
	rk_sched_init();
	rk_fiber_spawn("runner", RK_PRIO_NORMAL, runner, &res, 0, false);
	rk_sched_run();
	host_console_flush();
	if (res != RK_RUN_OK || !calls)
		return 0;
	return (double)syscall_ns / (double)calls;
}

/* ---- the anchor ------------------------------------------------------ */
static void futex(uint32_t *w, int op, uint32_t val)
{
	syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* Waits until *w holds v. */
static void wait_for(uint32_t *w, uint32_t v)
{
	uint32_t cur;
	while ((cur = __atomic_load_n(w, __ATOMIC_ACQUIRE)) != v)
		futex(w, FUTEX_WAIT, cur);
}

static void post(uint32_t *w, uint32_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELEASE);
	futex(w, FUTEX_WAKE, 1);
}

/* ns per round trip: ping posts i, pong answers i. */
static double futex_pingpong(void)
{
	uint32_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
	                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return 0;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		for (uint32_t i = 1; i <= ANCHOR_N; i++) {
			wait_for(&w[0], i);
			post(&w[16], i); /* a line of its own */
		}
		_exit(0);
	}
	uint64_t t0 = now_ns();
	for (uint32_t i = 1; i <= ANCHOR_N; i++) {
		post(&w[0], i);
		wait_for(&w[16], i);
	}
	uint64_t dt = now_ns() - t0;
	waitpid(pid, NULL, 0);
	munmap(w, 4096);
	return pid < 0 ? 0 : (double)dt / ANCHOR_N;
}

int main(void)
{
	double rk[ROUNDS], anchor[ROUNDS];

	if (!hal_user_mode) {
		printf("bench_syscall_sim: skipped: payloads run on kernel "
		       "fibers in this build (hal_user_mode is false)\n");
		return 0;
	}
	host_console_tap = tap;
	/* Interleaved, so a change in the machine's load meets both. */
	for (int i = 0; i < ROUNDS; i++) {
		rk[i] = rumpk_syscall();
		anchor[i] = futex_pingpong();
		if (!rk[i] || !anchor[i]) {
			fprintf(stderr, "bench_syscall_sim: round %d failed\n",
			        i);
			return 1;
		}
	}
	double r = bench_median(rk, ROUNDS), a = bench_median(anchor, ROUNDS);
	printf("\nnull syscall round trip on the simulator, payload in a child "
	       "process (%llu x RK_SYS_NOW), median of %d\n",
	       (unsigned long long)calls, ROUNDS);
	printf("%-34s %10.0f ns\n", "rk syscall (child process)", r);
	printf("%-34s %10.0f ns\n", "anchor: futex ping-pong", a);
	printf("%-34s %10.2f (goal: at most 1.50)\n", "ratio", r / a);
	return 0;
}
