/*
 * trap.c - exception reports: every synchronous exception and SError is
 * fatal and prints
 *   [TRAP] <what> (ESR, EC, vector) at pc=... addr=... fiber '<f>'
 * then exits with 100; a data abort in a fiber's stack guard page is a
 * stack overflow (102).  IRQs go to irq.c (vectors.S routes them);
 * synchronous exceptions from EL0 to user.c.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "arch.h"

/* ESR_EL1.EC, the exception class (Arm ARM, ESR_EL1). */
const char *a64_ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00:
		return "unknown/undefined instruction";
	case 0x01:
		return "trapped WFI/WFE";
	case 0x07:
		return "SIMD/FP access trap";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "trapped MSR/MRS";
	case 0x20:
		return "instruction abort (lower EL)";
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment fault";
	case 0x24:
		return "data abort (lower EL)";
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment fault";
	case 0x2c:
		return "floating-point exception";
	case 0x2f:
		return "SError";
	case 0x30:
	case 0x31:
		return "breakpoint";
	case 0x32:
	case 0x33:
		return "software step";
	case 0x34:
	case 0x35:
		return "watchpoint";
	case 0x3c:
		return "BRK instruction";
	default:
		return "unexpected exception";
	}
}

static const char *const vec_names[16] = {
    "sync (SP0)",     "IRQ (SP0)",     "FIQ (SP0)",     "SError (SP0)",
    "sync",           "IRQ",           "FIQ",           "SError",
    "sync (EL0)",     "IRQ (EL0)",     "FIQ (EL0)",     "SError (EL0)",
    "sync (AArch32)", "IRQ (AArch32)", "FIQ (AArch32)", "SError (AArch32)",
};

void a64_trap(unsigned vec, uint64_t sp, uint64_t lr);
void a64_trap(unsigned vec, uint64_t sp, uint64_t lr)
{
	static bool in_trap;
	if (in_trap || a64_exiting)
		a64_poweroff(); /* a fault while reporting one: give up */
	in_trap = true;
	uint64_t esr = a64_sysreg_read(esr_el1);
	uint64_t elr = a64_sysreg_read(elr_el1);
	uint64_t far = a64_sysreg_read(far_el1);
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	struct rk_fiber *cur = rk_fiber_current();
	bool sync = (vec & 3) == 0;
	if (sync && (ec == 0x25 || ec == 0x24)) {
		struct rk_fiber *g = rk_fiber_by_guard(far, A64_PAGE);
		if (g) {
			rk_printf("\n[PANIC] stack overflow in fiber '%s': "
			          "fault at 0x%llx in its guard page, pc "
			          "0x%llx\n",
			          g->name, (unsigned long long)far,
			          (unsigned long long)elr);
			hal_exit(RK_EXIT_STACK);
		}
	}
	const char *name = sync ? a64_ec_name(ec) : vec_names[vec & 15];
	rk_printf("\n[TRAP] %s (ESR 0x%llx, EC 0x%x, vector %u) at pc=0x%llx "
	          "addr=0x%llx lr=0x%llx sp=0x%llx fiber '%s'\n",
	          name, (unsigned long long)esr, ec, vec,
	          (unsigned long long)elr, (unsigned long long)far,
	          (unsigned long long)lr, (unsigned long long)sp,
	          cur ? cur->name : "(boot)");
	hal_exit(RK_EXIT_TRAP);
}
