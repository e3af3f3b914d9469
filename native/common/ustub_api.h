/*
 * ustub_api.h - the struct rk_api members as user-mode stubs, written
 * once for every way a payload reaches the kernel: natively one syscall
 * instruction (native/common/ustub.c), on the simulator a request in
 * the channel page (sim/ustub.c).  The includer defines USTUB (the
 * stubs' attributes) and ustub_call(nr, a0, a1, a2) (the transport)
 * first.  Stub code runs in user mode at another address than it was
 * linked at: no data, no calls out, no compiler-made calls (puts counts
 * its string through a volatile pointer, so no compiler makes the loop a
 * call to strlen).
 */
#include <rumpk/api.h>
#include <rumpk/syscall.h>

USTUB static void u_puts(const char *s)
{
	const volatile char *p = s;
	size_t n = 0;
	while (p[n])
		n++;
	(void)ustub_call(RK_SYS_PUTS, (uintptr_t)s, n, 0);
}

USTUB static void u_yield(void)
{
	(void)ustub_call(RK_SYS_YIELD, 0, 0, 0);
}

USTUB static void u_sleep_ns(uint64_t ns)
{
	(void)ustub_call(RK_SYS_SLEEP, ns, 0, 0);
}

USTUB static uint64_t u_now_ns(void)
{
	return (uint64_t)ustub_call(RK_SYS_NOW, 0, 0, 0);
}

/* api.h's contract: 0, or -1 when the message cannot go. */
USTUB static int u_ring_send(const void *msg, size_t len)
{
	return ustub_call(RK_SYS_SEND, (uintptr_t)msg, len, 0) == 0 ? 0 : -1;
}

/* api.h's contract: the length, or -1 when nothing came in time. */
USTUB static int64_t u_ring_recv(void *buf, size_t cap, uint64_t timeout_ns)
{
	int64_t r = ustub_call(RK_SYS_RECV, (uintptr_t)buf, cap, timeout_ns);
	return r < 0 ? -1 : r;
}

USTUB static void u_exit(int64_t code)
{
	(void)ustub_call(RK_SYS_EXIT, (uint64_t)code, 0, 0);
	for (;;) /* never: the kernel does not return from exit */
		;
}

USTUB static uint64_t u_self_id(void)
{
	return (uint64_t)ustub_call(RK_SYS_SELF_ID, 0, 0, 0);
}
