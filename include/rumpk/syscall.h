/*
 * syscall.h - the numbered system calls a payload in user mode makes
 * (docs/syscalls.md).  Payloads do not call these by hand: the struct
 * rk_api they receive holds user-mode stubs that do (api.h).  This header
 * is self-contained, for the stubs and for tools.
 *
 * Calling convention (the result is one signed 64-bit register; a
 * negative value is -RK_E*):
 *   x86_64   `syscall`: number in rax, arguments rdi rsi rdx r10 r8 r9,
 *            result in rax; rcx and r11 are clobbered (the CPU uses them)
 *   aarch64  `svc #0`: number in x8, arguments x0..x5, result in x0
 *   riscv64  `ecall`: number in a7, arguments a0..a5, result in a0
 * Numbers are never reused; an unknown number returns -RK_ENOSYS.
 */
#ifndef RUMPK_SYSCALL_H
#define RUMPK_SYSCALL_H

/* Ends the calling payload with code (as if its entry returned it). */
#define RK_SYS_EXIT 0
/* (const char *s, size_t len): writes len bytes and a newline to the
 * console; 0, -RK_EFAULT, -RK_EINVAL (len over RK_SYS_PUTS_MAX). */
#define RK_SYS_PUTS 1
/* Lets other fibers of the same or higher priority run; 0. */
#define RK_SYS_YIELD 2
/* (uint64_t ns): sleeps at least ns; 0. */
#define RK_SYS_SLEEP 3
/* Monotonic nanoseconds since boot. */
#define RK_SYS_NOW 4
/* (const void *msg, size_t len): one message onto the payload bus; 0,
 * -RK_EINVAL (len over RK_API_MSG_MAX), -RK_EAGAIN (bus full),
 * -RK_EFAULT. */
#define RK_SYS_SEND 5
/* (void *buf, size_t cap, uint64_t timeout_ns): the next bus message,
 * at most cap bytes of it copied; its full length, -RK_ETIMEDOUT,
 * -RK_EFAULT. */
#define RK_SYS_RECV 6
/* This payload's SipHash ID. */
#define RK_SYS_SELF_ID 7
/* Takes what the payload's bus outbox holds (ubus.h) onto the bus now,
 * as every syscall does first; the stubs make it when the outbox is full
 * or a receiver sleeps.  0, or -RK_EAGAIN when the outbox is still full
 * (an inbox has no room). */
#define RK_SYS_BUS_FLUSH 8
#define RK_SYS_COUNT     9

#define RK_SYS_PUTS_MAX 4096

/* Error numbers, returned negated (the values Linux uses, so strace-like
 * tools and people read them without a table). */
/* One raw system call with up to three arguments, in this arch's
 * convention: what the user-mode stubs (native/common/ustub.c) and test
 * payloads use.  Always inline, so it adds no call out of the stub page. */
#include <stdint.h>
static inline __attribute__((always_inline)) int64_t
rk_syscall3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
#if defined(__x86_64__)
	register uint64_t rax __asm__("rax") = nr;
	register uint64_t rdi __asm__("rdi") = a0;
	register uint64_t rsi __asm__("rsi") = a1;
	register uint64_t rdx __asm__("rdx") = a2;
	__asm__ volatile("syscall"
	                 : "+r"(rax)
	                 : "r"(rdi), "r"(rsi), "r"(rdx)
	                 : "rcx", "r11", "memory");
	return (int64_t)rax;
#elif defined(__aarch64__)
	register uint64_t x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	__asm__ volatile("svc #0"
	                 : "+r"(x0)
	                 : "r"(x8), "r"(x1), "r"(x2)
	                 : "memory");
	return (int64_t)x0;
#elif defined(__riscv)
	register uint64_t a7 __asm__("a7") = nr;
	register uint64_t r0 __asm__("a0") = a0;
	register uint64_t r1 __asm__("a1") = a1;
	register uint64_t r2 __asm__("a2") = a2;
	__asm__ volatile("ecall"
	                 : "+r"(r0)
	                 : "r"(a7), "r"(r1), "r"(r2)
	                 : "memory");
	return (int64_t)r0;
#else
#error "rk_syscall3: x86_64, aarch64 or riscv64"
#endif
}

#define RK_EAGAIN    11
#define RK_EFAULT    14
#define RK_EINVAL    22
#define RK_ENOSYS    38
#define RK_ETIMEDOUT 110

#endif
