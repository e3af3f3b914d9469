/*
 * ustub.c - the user-mode stubs: the code behind every struct rk_api
 * member a payload calls, each one syscall (include/rumpk/syscall.h).
 * They live in .text.rk_ustub, which the link scripts put on a page of
 * its own between hal_ustub_start and hal_ustub_end; the core maps that
 * page read+exec into every payload (src/uspace.c) and gives the payload
 * a table of their user addresses.  So payloads built against api.h run
 * unchanged, deprivileged.
 *
 * The code runs in user mode at another address than the kernel's: it
 * must be position independent and touch nothing of the kernel (no
 * globals, no calls out of the section, no compiler-generated calls:
 * puts counts its string through a volatile pointer, so no compiler
 * turns the loop into a call to strlen).
 */
#include <rumpk/api.h>
#include <rumpk/hal.h>
#include <rumpk/syscall.h>

#define USTUB __attribute__((section(".text.rk_ustub"), noinline, used))

USTUB static void u_puts(const char *s)
{
	const volatile char *p = s;
	size_t n = 0;
	while (p[n])
		n++;
	(void)rk_syscall3(RK_SYS_PUTS, (uintptr_t)s, n, 0);
}

USTUB static void u_yield(void)
{
	(void)rk_syscall3(RK_SYS_YIELD, 0, 0, 0);
}

USTUB static void u_sleep_ns(uint64_t ns)
{
	(void)rk_syscall3(RK_SYS_SLEEP, ns, 0, 0);
}

USTUB static uint64_t u_now_ns(void)
{
	return (uint64_t)rk_syscall3(RK_SYS_NOW, 0, 0, 0);
}

/* api.h's contract: 0, or -1 when the message cannot go. */
USTUB static int u_ring_send(const void *msg, size_t len)
{
	return rk_syscall3(RK_SYS_SEND, (uintptr_t)msg, len, 0) == 0 ? 0 : -1;
}

/* api.h's contract: the length, or -1 when nothing came in time. */
USTUB static int64_t u_ring_recv(void *buf, size_t cap, uint64_t timeout_ns)
{
	int64_t r = rk_syscall3(RK_SYS_RECV, (uintptr_t)buf, cap, timeout_ns);
	return r < 0 ? -1 : r;
}

USTUB static void u_exit(int64_t code)
{
	(void)rk_syscall3(RK_SYS_EXIT, (uint64_t)code, 0, 0);
	for (;;) /* never: the kernel does not return from exit */
		;
}

USTUB static uint64_t u_self_id(void)
{
	return (uint64_t)rk_syscall3(RK_SYS_SELF_ID, 0, 0, 0);
}

/* Where the payload's entry returns to (hal_user_enter's ret): exit
 * with whatever its result register holds. */
__asm__(".pushsection .text.rk_ustub, \"ax\"\n"
        ".globl hal_ustub_exit\n"
        "hal_ustub_exit:\n"
#if defined(__x86_64__)
        "	mov %rax, %rdi\n"
        "	xor %eax, %eax\n" /* RK_SYS_EXIT */
        "	syscall\n"
        "	ud2\n"
#elif defined(__aarch64__)
        "	mov x8, #0\n" /* RK_SYS_EXIT; x0 holds the result */
        "	svc #0\n"
        "	brk #0\n"
#elif defined(__riscv)
        "	li a7, 0\n" /* RK_SYS_EXIT; a0 holds the result */
        "	ecall\n"
        "	unimp\n"
#endif
        ".popsection\n");

const struct rk_api hal_ustub_api = {
    .abi_version = RK_API_VERSION,
    .size = sizeof(struct rk_api),
    .puts = u_puts,
    .yield = u_yield,
    .sleep_ns = u_sleep_ns,
    .now_ns = u_now_ns,
    .ring_send = u_ring_send,
    .ring_recv = u_ring_recv,
    .exit = u_exit,
    .self_id = u_self_id,
};
