/*
 * ustub.h - what the simulator's three sides of a payload's process
 * agree on (docs/isolation.md, "The simulator"): the stub page
 * (ustub.c, built like a payload), the payload host that sets up the
 * child (payload_host.c) and the kernel side (hal_user.c).
 *
 * A payload runs in a child process of its own.  Its way to the kernel
 * is the channel: one shared page at SIM_CHAN_UVA in the child, where a
 * stub writes a request, bumps req and sleeps on rep until the kernel
 * bumps it with the result.  Each side first spins a little on the
 * shared page (when the host has a second CPU for the other side to run
 * on) and then sleeps in futex(2): a round trip between two processes on
 * two CPUs costs a cache line's trip each way rather than two wake-ups
 * of an idle CPU, which is what a futex ping-pong costs.  Self-contained:
 * the stub page includes it with nothing of the C library around.
 */
#ifndef RUMPK_SIM_USTUB_H
#define RUMPK_SIM_USTUB_H

#include <stdint.h>

/* The channel, below the user slot (RK_USER_BASE, hal.h) with a gap of
 * unmapped pages on either side: not one of the payload's mappings as
 * the core sees them, so no syscall argument can point at it. */
#define SIM_CHAN_UVA 0x1fffff0000ull
#define SIM_PAGE     4096u

/* What a request is: a syscall (nr, a[]) or the report of a fatal
 * signal (a[0] the signal, a[1] its si_code, a[2] the faulting address,
 * a[3] the pc, a[4] the frame pointer); the kernel answers no report. */
#define SIM_REQ_SYSCALL 0u
#define SIM_REQ_FAULT   1u

/* The child writes everything but rep and ret; the kernel reads each
 * field once, into its own memory, and trusts none of them. */
struct sim_chan {
	uint32_t req;   /* child: bumped when a request is ready */
	uint32_t kwait; /* kernel: 1 while it sleeps on req */
	uint64_t kind, nr, a[6];
	/* The kernel's half on a line of its own. */
	_Alignas(64) uint32_t rep; /* kernel: set to req when answered */
	uint32_t cwait;            /* child: 1 while it sleeps on rep */
	int64_t ret;
	/* kernel: how many times the child looks at rep before it sleeps
	 * (0 on a one-CPU host, where spinning only holds the kernel off).
	 * The child can change it, which costs no one but itself. */
	uint32_t spin;
	/* kernel: 1 while the call is blocked behind other fibers (set when
	 * the kernel switches away from this one in a call, cleared before
	 * rep): the child stops spinning and sleeps.  A hint only. */
	uint32_t park;
	/* child: a fault report's registers as the signal frame holds them
	 * (r8..r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags):
	 * printed, never trusted.  Last, so the fields above keep short
	 * offsets in the stubs' code, which must fit a page. */
	_Alignas(64) uint64_t regs[18];
};

/* The stub page starts with a table of 8-byte slots, each a jump to one
 * routine: the struct rk_api members in their order, then the return
 * trampoline, the signal handler and its sigreturn. */
#define SIM_SLOT_SIZE     8u
#define SIM_SLOT_API      0u /* 8 slots: puts ... self_id */
#define SIM_SLOT_EXIT     8u /* hal_ustub_exit */
#define SIM_SLOT_SIGNAL   9u /* SA_SIGINFO handler: SIGSYS and faults */
#define SIM_SLOT_RESTORER 10u
#define SIM_SLOTS         11u

#endif
