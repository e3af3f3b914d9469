/*
 * bench_switch.c - the cost of a fiber switch: Rumpk's rk_yield between
 * two fibers (whichever -Dsim_switch this build uses), against two anchors
 * measured in the same run: glibc's swapcontext, and a bare callee-saved
 * register switch (x86_64 hosts; the floor any switch can reach).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>

#define N      2000000u
#define ROUNDS 5

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- rk_yield ping-pong ------------------------------------------- */
static void yielder(void *arg)
{
	(void)arg;
	for (unsigned i = 0; i < N; i++)
		rk_yield();
}

static double rumpk_switch(void)
{
	rk_sched_init();
	rk_fiber_spawn("a", RK_PRIO_NORMAL, yielder, NULL, 0, false);
	rk_fiber_spawn("b", RK_PRIO_NORMAL, yielder, NULL, 0, false);
	struct rk_sched_stats st;
	uint64_t t0 = now_ns();
	rk_sched_run();
	uint64_t dt = now_ns() - t0;
	rk_sched_stats(&st);
	return (double)dt / (double)st.switches;
}

/* ---- swapcontext ------------------------------------------------------ */
static ucontext_t uc_main, uc_a, uc_b;
static unsigned uc_count;

static void uc_fn(void)
{
	for (;;) {
		uc_count++;
		swapcontext(&uc_a, &uc_b);
	}
}

static double swapcontext_switch(void)
{
	static char stack[65536];
	getcontext(&uc_a);
	uc_a.uc_stack.ss_sp = stack;
	uc_a.uc_stack.ss_size = sizeof(stack);
	uc_a.uc_link = &uc_main;
	makecontext(&uc_a, uc_fn, 0);
	uc_count = 0;
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < N; i++)
		swapcontext(&uc_b, &uc_a);
	return (double)(now_ns() - t0) / (2.0 * N);
}

/* ---- bare register switch (x86_64 SysV) ------------------------------ */
#if defined(__x86_64__)
void bare_switch(void **save_sp, void *new_sp);
__asm__(
    ".text\n"
    ".globl bare_switch\n"
    "bare_switch:\n"
    "  pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n"
    "  ret\n");

static void *sp_main, *sp_co;

static void co_fn(void)
{
	for (;;)
		bare_switch(&sp_co, sp_main);
}

static double bare_register_switch(void)
{
	static _Alignas(16) uint64_t stack[8192];
	uint64_t *top = stack + 8192;
	*--top = 0;                          /* alignment pad */
	*--top = (uint64_t)(uintptr_t)co_fn; /* return address */
	for (int i = 0; i < 6; i++)
		*--top = 0; /* callee-saved registers */
	sp_co = top;
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < N; i++)
		bare_switch(&sp_main, sp_co);
	return (double)(now_ns() - t0) / (2.0 * N);
}
#endif

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	double r[ROUNDS], u[ROUNDS], b[ROUNDS] = {0};
	for (int i = 0; i < ROUNDS; i++) {
		r[i] = rumpk_switch();
		u[i] = swapcontext_switch();
#if defined(__x86_64__)
		b[i] = bare_register_switch();
#endif
	}
	qsort(r, ROUNDS, sizeof(double), cmp);
	qsort(u, ROUNDS, sizeof(double), cmp);
	qsort(b, ROUNDS, sizeof(double), cmp);
	double rm = r[ROUNDS / 2], um = u[ROUNDS / 2], bm = b[ROUNDS / 2];
	printf("fiber switch, median of %d interleaved rounds of %u\n", ROUNDS,
	       N);
	printf("%-34s %8.1f ns\n", "rumpk rk_yield (" RK_SIM_SWITCH ")", rm);
	printf("%-34s %8.1f ns   rumpk/anchor %.2f\n", "anchor: swapcontext",
	       um, rm / um);
	if (bm > 0)
		printf("%-34s %8.1f ns   rumpk/anchor %.2f\n",
		       "anchor: bare register switch", bm, rm / bm);
	return 0;
}
