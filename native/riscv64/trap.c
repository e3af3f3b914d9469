/*
 * trap.c - the C side of the trap vector (vectors.S).  Interrupts go to
 * timer.c and irq.c.  From S-mode every exception is fatal and prints
 *   [TRAP] <name> (scause N) at pc=... addr=... fiber '<f>'
 * then exits with 100; a page fault in a fiber's stack guard page is a
 * stack overflow (102).  From U-mode (sstatus.SPP = 0) an ecall is a
 * syscall (rk_syscall), any other exception ends the payload
 * (rk_user_fault), and an interrupt returns through rk_user_return; all
 * three run on the fiber's kernel stack with interrupts on.  wfi in
 * U-mode is an illegal instruction unless it completes within a bounded
 * time (privileged spec, "Timeout Wait"); QEMU raises it, so it ends the
 * payload like any other.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "arch.h"

/* A switch, not a table of pointers: no absolute address in data. */
static const char *exc_name(unsigned long cause)
{
	switch (cause) {
	case 0:
		return "instruction address misaligned";
	case 1:
		return "instruction access fault";
	case 2:
		return "illegal instruction";
	case 3:
		return "breakpoint";
	case 4:
		return "load address misaligned";
	case 5:
		return "load access fault";
	case 6:
		return "store/AMO address misaligned";
	case 7:
		return "store/AMO access fault";
	case 8:
		return "environment call from U-mode";
	case 9:
		return "environment call from S-mode";
	case 12:
		return "instruction page fault";
	case 13:
		return "load page fault";
	case 15:
		return "store/AMO page fault";
	default:
		return "unknown exception";
	}
}

/* The interrupts sie enables: the timer and the PLIC. */
static void interrupt(const struct rv_frame *f)
{
	unsigned long irq = f->scause & ~SCAUSE_IRQ;
	if (irq == IRQ_S_TIMER) {
		rv_timer_isr();
		return;
	}
	if (irq == IRQ_S_EXT) {
		rv_irq_dispatch();
		return;
	}
	rk_printf("\n[TRAP] unexpected interrupt %lu (scause 0x%lx) at "
	          "pc=0x%lx\n",
	          irq, f->scause, f->sepc);
	hal_exit(RK_EXIT_TRAP);
}

/* stval holds the faulting address for misaligned accesses, access and
 * page faults; for the others it holds zero, the instruction bits or the
 * pc (privileged spec, "Supervisor Trap Value (stval) Register"). */
static bool stval_is_addr(unsigned long cause)
{
	return cause <= 7 ? cause != 2 && cause != 3
	                  : cause == 12 || cause == 13 || cause == 15;
}

/* A trap from U-mode.  ecall leaves sepc on itself: the syscall returns
 * past it.  Interrupts are on while the core runs, and off again before
 * the frame goes back. */
static void user_trap(struct rv_frame *f)
{
	unsigned long cause = f->scause;

	if (cause & SCAUSE_IRQ) {
		interrupt(f);
		csr_set(sstatus, SSTATUS_SIE);
		rk_user_return();
	} else if (cause == 8) {
		csr_set(sstatus, SSTATUS_SIE);
		f->sepc += 4;
		f->x[10] = (unsigned long)rk_syscall(
		    f->x[17], f->x[10], f->x[11], f->x[12], f->x[13], f->x[14],
		    f->x[15]);
	} else {
		csr_set(sstatus, SSTATUS_SIE);
		/* x1..x31 by their ABI names, then pc. */
		static const char *const names[32] = {
		    "ra", "sp",  "gp",  "tp", "t0", "t1", "t2", "s0",
		    "s1", "a0",  "a1",  "a2", "a3", "a4", "a5", "a6",
		    "a7", "s2",  "s3",  "s4", "s5", "s6", "s7", "s8",
		    "s9", "s10", "s11", "t3", "t4", "t5", "t6", "pc"};
		uint64_t regs[32];
		for (unsigned i = 0; i < 31; i++)
			regs[i] = f->x[i + 1];
		regs[31] = f->sepc;
		rk_user_fault_regs(names, regs, 32);
		rk_user_fault_frame(f->x[8]); /* s0, the frame pointer */
		rk_user_fault(exc_name(cause), f->sepc,
		              stval_is_addr(cause) ? f->stval : 0);
	}
	csr_clear(sstatus, SSTATUS_SIE);
}

/* With -fno-omit-frame-pointer s0 points just above the frame, ra and
 * the caller's s0 in its top two slots (the RISC-V psABI's convention). */
const struct hal_frame_layout hal_user_frame = {-16, -8};

void rv_trap(struct rv_frame *f)
{
	unsigned long cause = f->scause;

	if (!(f->sstatus & SSTATUS_SPP)) {
		user_trap(f);
		return;
	}
	if (cause & SCAUSE_IRQ) {
		interrupt(f);
		return;
	}

	const char *name = exc_name(cause);
	struct rk_fiber *cur = rk_fiber_current();
	if ((cause == 13 || cause == 15) && rv_guard_page_of(f->stval)) {
		struct rk_fiber *g = rk_fiber_by_guard(f->stval, 4096);
		rk_printf("\n[PANIC] stack overflow in fiber '%s': fault at "
		          "0x%lx in its guard page, pc 0x%lx\n",
		          g ? g->name : (cur ? cur->name : "?"), f->stval,
		          f->sepc);
		hal_exit(RK_EXIT_STACK);
	}
	rk_printf("\n[TRAP] %s (scause %lu) at pc=0x%lx addr=0x%lx ra=0x%lx "
	          "sp=0x%lx fiber '%s'\n",
	          name, cause, f->sepc, f->stval, f->x[1], f->x[2],
	          cur ? cur->name : "(boot)");
	hal_exit(RK_EXIT_TRAP);
}
