/*
 * ustub.c - the user-mode stubs: the code behind every struct rk_api
 * member a payload calls, each one syscall (include/rumpk/syscall.h).
 * They live in .text.rk_ustub, which the link scripts put on a page of
 * its own between hal_ustub_start and hal_ustub_end; the core maps that
 * page read+exec into every payload (src/uspace.c) and gives the payload
 * a table of their user addresses.  So payloads built against api.h run
 * unchanged, deprivileged.
 *
 * The stubs themselves are ustub_api.h's, with the syscall instruction
 * (rk_syscall3) as their transport.
 */
#include <rumpk/api.h>
#include <rumpk/hal.h>
#include <rumpk/syscall.h>

#define USTUB __attribute__((section(".text.rk_ustub"), noinline, used))

#define ustub_call rk_syscall3
#include "ustub_api.h"

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
