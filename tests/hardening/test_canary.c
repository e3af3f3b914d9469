/*
 * test_canary.c - the core's stack canary (src/sched.c), on the
 * simulator's HAL: a fiber whose lowest stack words are overwritten is
 * stopped at its next switch with "[PANIC] stack overflow in fiber
 * '<name>'" and status 102 (RK_EXIT_STACK).  This is the only overflow
 * check the core itself makes; the guard pages are the platforms'.
 *
 * Each case runs the scheduler in a child process (the panic ends the
 * process) with its stdout on a pipe; the parent checks the status and
 * the output.  A control case without corruption must end normally.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "../child.h"

static int corrupt_word = -1; /* which 8-byte word of the stack bottom */
static int steps;

static void victim(void *arg)
{
	(void)arg;
	if (corrupt_word >= 0) {
		/* What a deep call chain would do when it runs past the low
		 * end of its stack without touching the guard page below. */
		volatile uint64_t *low = rk_fiber_current()->stack;
		low[corrupt_word] ^= 0x1;
	}
	steps++;
	rk_yield(); /* the switch away must find the broken canary */
	steps++;
	printf("victim resumed after %d steps\n", steps);
	fflush(stdout);
}

static void other(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++)
		rk_yield();
}

/* One case, in the child: the scheduler with a victim and a bystander. */
static void scheduler_case(void *arg)
{
	corrupt_word = *(const int *)arg;
	rk_sched_init();
	if (!rk_fiber_spawn("victim", RK_PRIO_NORMAL, victim, NULL, 0, false) ||
	    !rk_fiber_spawn("other", RK_PRIO_NORMAL, other, NULL, 0, false))
		_exit(3);
	unsigned stuck = rk_sched_run();
	fflush(stdout);
	_exit(stuck ? 4 : 0);
}

/* Runs one case in a child; returns its status, output in out. */
static int run_case(int word, char *out, size_t cap)
{
	return rk_test_run_child(scheduler_case, &word, out, cap);
}

static int failures;

static void expect(bool ok, const char *what, const char *out)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok) {
		printf("--- output:\n%s---\n", out);
		failures++;
	}
}

int main(void)
{
	char out[4096];
	int st = run_case(-1, out, sizeof(out));
	expect(st == 0 && strstr(out, "victim resumed after 2 steps") &&
	           !strstr(out, "[PANIC]"),
	       "intact canary: the fiber runs to the end, status 0", out);

	/* The first, a middle and the last canary word. */
	static const int words[] = {0, 3, 7};
	for (unsigned i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char what[96];
		st = run_case(words[i], out, sizeof(out));
		snprintf(what, sizeof(what),
		         "canary word %d broken: panic naming 'victim', "
		         "status %d (got %d)",
		         words[i], RK_EXIT_STACK, st);
		expect(st == RK_EXIT_STACK &&
		           strstr(out, "[PANIC] stack overflow in fiber "
		                       "'victim'") &&
		           !strstr(out, "victim resumed"),
		       what, out);
	}
	printf("%s\n",
	       failures ? "test_canary: FAILED" : "test_canary: passed");
	return failures ? 1 : 0;
}
