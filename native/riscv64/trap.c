/*
 * trap.c - the C side of the trap vector (vectors.S): interrupts go to
 * timer.c and irq.c; every exception is fatal and prints
 *   [TRAP] <name> (scause N) at pc=... addr=... fiber '<f>'
 * then exits with 100; a page fault in a fiber's stack guard page is a
 * stack overflow (102).
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

void rv_trap(struct rv_frame *f)
{
	unsigned long cause = f->scause;

	if (cause & SCAUSE_IRQ) {
		unsigned long irq = cause & ~SCAUSE_IRQ;
		if (irq == IRQ_S_TIMER) {
			rv_timer_isr();
			return;
		}
		if (irq == IRQ_S_EXT) {
			rv_irq_dispatch();
			return;
		}
		rk_printf("\n[TRAP] unexpected interrupt %lu (scause 0x%lx) "
		          "at pc=0x%lx\n",
		          irq, cause, f->sepc);
		hal_exit(RK_EXIT_TRAP);
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
