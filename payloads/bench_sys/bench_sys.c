/*
 * bench_sys - the cost of a system call from user mode against the
 * direct call it replaces, in the same run: N calls of api->now_ns()
 * (the user-mode stub: one syscall each) against N calls of a local
 * function doing the same amount of nothing (the shape the kernel-mode
 * API had: a call, a return).  Prints both totals in the kernel's
 * nanoseconds: in real time, and under QEMU's -icount shift=0, where one
 * nanosecond is one instruction (bench/qemu_syscall.py runs both).
 */
#include <rumpk/api.h>

#include "../put.h"

#define N 20000u

static __attribute__((noinline)) uint64_t direct(volatile uint64_t *sink)
{
	return ++*sink;
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint64_t sink = 0;
	uint64_t t0 = api->now_ns();
	for (unsigned i = 0; i < N; i++)
		sink += api->now_ns() & 1;
	uint64_t t1 = api->now_ns();
	for (unsigned i = 0; i < N; i++)
		direct(&sink);
	uint64_t t2 = api->now_ns();

	char line[128];
	char *o = put(line, "[bench_sys] calls=", N);
	o = put(o, " syscall_ns=", t1 - t0);
	o = put(o, " direct_ns=", t2 - t1);
	*o = 0;
	api->puts(line);
	return 0;
}
