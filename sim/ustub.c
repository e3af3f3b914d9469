/*
 * ustub.c - the simulator's user-mode stubs: the page the core maps at
 * base + 0x1000 of every payload (src/uspace.c), built like a payload
 * (scripts/mkpayload.py: flat, position independent, freestanding) and
 * embedded in rumpk-sim as hal_ustub_start (hal_user.c).  It runs in
 * the payload's child process only.
 *
 * Natively a stub is one syscall instruction.  Here the host kernel
 * owns that instruction, so a stub writes its request into the channel
 * page (ustub.h) and sleeps in futex(2) until the kernel side answers.
 * A payload that makes a syscall by hand (payloads/bad_syscalls) still
 * reaches Rumpk: the child's seccomp filter refuses the host call with
 * SIGSYS, and the handler here sends the registers through the channel
 * and puts the result in rax, as if the syscall had been Rumpk's.  A
 * fatal signal is reported through the channel too, and the kernel ends
 * the child.
 *
 * x86_64 only (the registers in the signal frame, the futex syscall);
 * the other hosts keep payloads on kernel fibers (hal_user.c).  No data,
 * no calls out of the page: everything is code and immediates.
 */
#include <rumpk/syscall.h>

#include "ustub.h"

#define U __attribute__((used, noinline))

#define NR_RT_SIGRETURN 15
#define STR_(x)         #x
#define STR(x)          STR_(x)
#define NR_FUTEX        202
#define FUTEX_WAIT      0
#define FUTEX_WAKE      1
#define SIGSYS          31
#define SYS_SECCOMP     1

/* The kernel's signal frame on x86_64 (uapi asm/sigcontext.h,
 * asm-generic/siginfo.h): only what is read here. */
struct k_siginfo {
	int signo, err, code, pad;
	union {
		void *addr; /* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
		struct {
			void *call_addr;
			int syscall;
			unsigned arch;
		} sys; /* SIGSYS */
	} u;
};
enum {
	R8,
	R9,
	R10,
	R11,
	R12,
	R13,
	R14,
	R15,
	RDI,
	RSI,
	RBP,
	RBX,
	RDX,
	RAX,
	RCX,
	RSP,
	RIP,
	EFL
};
struct k_ucontext {
	uint64_t flags, link, ss_sp, ss_flags, ss_size;
	uint64_t gregs[23];
};

static inline long futex(uint32_t *w, long op, uint32_t val)
{
	register long rax __asm__("rax") = NR_FUTEX;
	register long rdi __asm__("rdi") = (long)w;
	register long rsi __asm__("rsi") = op;
	register long rdx __asm__("rdx") = val;
	register long r10 __asm__("r10") = 0; /* no timeout */
	__asm__ volatile("syscall"
	                 : "+r"(rax)
	                 : "r"(rdi), "r"(rsi), "r"(rdx), "r"(r10)
	                 : "rcx", "r11", "memory");
	return rax;
}

/* One request, one answer.  Each side sleeps only after saying so in
 * kwait / cwait and looking once more, and wakes the other only when it
 * sleeps: a round trip with both awake makes no syscall but the waits. */
U static int64_t chan_call(uint64_t kind, uint64_t nr, uint64_t a0, uint64_t a1,
                           uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct sim_chan *c = (struct sim_chan *)SIM_CHAN_UVA;

	c->kind = kind;
	c->nr = nr;
	c->a[0] = a0;
	c->a[1] = a1;
	c->a[2] = a2;
	c->a[3] = a3;
	c->a[4] = a4;
	c->a[5] = a5;
	uint32_t seq = __atomic_load_n(&c->req, __ATOMIC_RELAXED) + 1;
	__atomic_store_n(&c->req, seq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->kwait, __ATOMIC_SEQ_CST))
		futex(&c->req, FUTEX_WAKE, 1);
	/* The kernel answers most calls within microseconds: look for the
	 * answer a while before sleeping (ustub.h). */
	uint32_t spin = __atomic_load_n(&c->spin, __ATOMIC_RELAXED);
	for (uint32_t i = 0;
	     i < spin && __atomic_load_n(&c->rep, __ATOMIC_ACQUIRE) != seq &&
	     !__atomic_load_n(&c->park, __ATOMIC_RELAXED);
	     i++)
		__builtin_ia32_pause();
	for (;;) {
		uint32_t r = __atomic_load_n(&c->rep, __ATOMIC_ACQUIRE);
		if (r == seq)
			break;
		__atomic_store_n(&c->cwait, 1, __ATOMIC_SEQ_CST);
		r = __atomic_load_n(&c->rep, __ATOMIC_SEQ_CST);
		if (r != seq)
			futex(&c->rep, FUTEX_WAIT, r);
		__atomic_store_n(&c->cwait, 0, __ATOMIC_RELAXED);
	}
	return c->ret;
}

static inline int64_t ustub_call(uint64_t nr, uint64_t a0, uint64_t a1,
                                 uint64_t a2)
{
	return chan_call(SIM_REQ_SYSCALL, nr, a0, a1, a2, 0, 0, 0);
}

/* The struct rk_api members: the same stubs as natively, over the
 * channel. */
#define USTUB U
#include "../native/common/ustub_api.h"

/* SIGSYS from the seccomp filter: a syscall instruction the host
 * refused, which on Rumpk is a Rumpk syscall (number in rax: the kernel
 * rolls rax back to it, all 64 bits, where si_syscall has 32).  Any
 * other signal is fatal: report it and wait to be ended. */
U static void u_signal(int sig, const struct k_siginfo *si,
                       struct k_ucontext *uc)
{
	uint64_t *g = uc->gregs;
	if (sig == SIGSYS && si->code == SYS_SECCOMP) {
		g[RAX] =
		    (uint64_t)chan_call(SIM_REQ_SYSCALL, g[RAX], g[RDI], g[RSI],
		                        g[RDX], g[R10], g[R8], g[R9]);
		return;
	}
	/* The signal frame's first 18 general registers, as they lie
	 * (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags):
	 * the kernel puts them in order. */
	volatile uint64_t *r = ((struct sim_chan *)SIM_CHAN_UVA)->regs;
	for (unsigned i = 0; i <= EFL; i++)
		r[i] = g[i];
	(void)chan_call(SIM_REQ_FAULT, 0, (uint64_t)sig, (uint64_t)si->code,
	                (uintptr_t)si->u.addr, g[RIP], g[RBP], 0);
	for (;;)
		;
}

/* The slot table first (.text.entry, placed at offset 0 by
 * payloads/payload.ld), then the return trampoline and the restorer the
 * handler returns through (rt_sigreturn: the filter allows it from this
 * page only). */
__asm__(".pushsection .text.entry, \"ax\", @progbits\n"
        ".globl rk_payload_entry\n"
        "rk_payload_entry:\n"
        ".balign 8\n	jmp u_puts\n"
        ".balign 8\n	jmp u_yield\n"
        ".balign 8\n	jmp u_sleep_ns\n"
        ".balign 8\n	jmp u_now_ns\n"
        ".balign 8\n	jmp u_ring_send\n"
        ".balign 8\n	jmp u_ring_recv\n"
        ".balign 8\n	jmp u_exit\n"
        ".balign 8\n	jmp u_self_id\n"
        ".balign 8\n	jmp u_exit_tramp\n"
        ".balign 8\n	jmp u_signal\n"
        ".balign 8\n	jmp u_restorer\n"
        ".balign 8\n"
        "u_exit_tramp:\n"
        "	mov %rax, %rdi\n"
        "	call u_exit\n"
        "	ud2\n"
        "u_restorer:\n"
        "	mov $" STR(NR_RT_SIGRETURN) ", %eax\n"
                                            "	syscall\n"
                                            "	ud2\n"
                                            ".popsection\n");
