/*
 * user.c - payloads at EL0 (hal.h "user mode"), beside the address
 * spaces (mmu.c) and the EL0 vectors and hal_user_enter (vectors.S):
 * what EL0 may not do, PAN around the copies, and the synchronous
 * exceptions taken from EL0 (a syscall, or a fault that ends the
 * payload).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

const bool hal_user_mode = true;

uintptr_t a64_el0_stack;

/* SCTLR_EL1 bits that let EL0 do more than its own work when set (Arm
 * ARM, SCTLR_EL1): UMA (DAIF access), DZE (DC ZVA), UCT (CTR_EL0), nTWI
 * and nTWE (WFI and WFE do not trap: a payload could stall the CPU), UCI
 * (cache maintenance by VA); SPAN clear sets PSTATE.PAN on every
 * exception taken to EL1. */
#define SCTLR_UMA  (1ull << 9)
#define SCTLR_DZE  (1ull << 14)
#define SCTLR_UCT  (1ull << 15)
#define SCTLR_NTWI (1ull << 16)
#define SCTLR_NTWE (1ull << 18)
#define SCTLR_SPAN (1ull << 23)
#define SCTLR_UCI  (1ull << 26)

#define EC_SVC64 0x15

/* FEAT_PAN (ID_AA64MMFR1_EL1.PAN, bits [23:20], non-zero): with
 * PSTATE.PAN set, EL1 cannot read or write pages EL0 may access.  QEMU's
 * cortex-a72 (scripts/qemu_run.py's default) has no PAN: there EL1 can
 * touch user pages at any time, and only the core's range checks
 * (src/syscall.c) keep the copies to the payload's own mappings. */
static bool has_pan;

static void pan_set(bool on)
{
	if (!has_pan)
		return;
	if (on)
		__asm__ volatile(".arch_extension pan\n\tmsr pan, #1" ::
		                     : "memory");
	else
		__asm__ volatile(".arch_extension pan\n\tmsr pan, #0" ::
		                     : "memory");
}

void a64_user_init(void)
{
	has_pan = ((a64_sysreg_read(id_aa64mmfr1_el1) >> 20) & 0xf) != 0;
	uint64_t sctlr = a64_sysreg_read(sctlr_el1);
	sctlr &= ~(SCTLR_UMA | SCTLR_DZE | SCTLR_UCT | SCTLR_NTWI | SCTLR_NTWE |
	           SCTLR_UCI);
	if (has_pan)
		sctlr &= ~SCTLR_SPAN;
	a64_sysreg_write(sctlr_el1, sctlr);
	/* No counter or timer for EL0 (CNTKCTL_EL1: EL0PCTEN, EL0VCTEN,
	 * EVNTEN, EL0VTEN, EL0PTEN all 0): time comes from RK_SYS_NOW. */
	a64_sysreg_write(cntkctl_el1, 0);
	/* No performance monitors for EL0 (PMUSERENR_EL0.EN, ER, CR, SW
	 * all 0), where a PMU exists (ID_AA64DFR0_EL1.PMUVer 1-14). */
	unsigned pmu = (a64_sysreg_read(id_aa64dfr0_el1) >> 8) & 0xf;
	if (pmu != 0 && pmu != 0xf)
		a64_sysreg_write(pmuserenr_el0, 0);
	/* No debug communications channel for EL0 (MDSCR_EL1.TDCC). */
	a64_sysreg_write(mdscr_el1, a64_sysreg_read(mdscr_el1) | 1u << 12);
	a64_isb();
	pan_set(true);
}

void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	pan_set(false);
	rk_memcpy(dst, (const void *)usrc, len);
	pan_set(true);
}

void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	pan_set(false);
	rk_memcpy((void *)udst, src, len);
	pan_set(true);
}

static inline void irq_on(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void irq_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

/* Does FAR_EL1 hold the faulting address (Arm ARM, FAR_EL1)?  For
 * instruction and data aborts unless ESR.ISS.FnV (bit 10) says it is not
 * valid, for a misaligned PC, for a watchpoint. */
static bool far_valid(unsigned ec, uint64_t esr)
{
	switch (ec) {
	case 0x20: /* instruction abort from EL0 */
	case 0x24: /* data abort from EL0 */
		return !(esr & (1u << 10));
	case 0x22: /* PC alignment */
	case 0x34: /* watchpoint from EL0 */
		return true;
	default:
		return false;
	}
}

/* The synchronous vector from EL0 (vectors.S), IRQs masked, f the saved
 * user state; returns with IRQs masked, to eret to f. */
void a64_el0_sync(struct a64_uframe *f);
void a64_el0_sync(struct a64_uframe *f)
{
	uint64_t esr = a64_sysreg_read(esr_el1);
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	if (ec == EC_SVC64) {
		/* ELR_EL1 already points past the SVC. */
		irq_on();
		f->x[0] =
		    (uint64_t)rk_syscall(f->x[8], f->x[0], f->x[1], f->x[2],
		                         f->x[3], f->x[4], f->x[5]);
		irq_off();
		return;
	}
	uint64_t far = far_valid(ec, esr) ? a64_sysreg_read(far_el1) : 0;
	irq_on();
	static const char *const names[34] = {
	    "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",    "x7",  "x8",
	    "x9",  "x10", "x11", "x12", "x13", "x14", "x15",   "x16", "x17",
	    "x18", "x19", "x20", "x21", "x22", "x23", "x24",   "x25", "x26",
	    "x27", "x28", "fp",  "lr",  "sp",  "pc",  "pstate"};
	uint64_t regs[34];
	for (unsigned i = 0; i < 31; i++)
		regs[i] = f->x[i];
	regs[31] = f->sp_el0;
	regs[32] = f->elr;
	regs[33] = f->spsr;
	rk_user_fault_regs(names, regs, 34);
	rk_user_fault_frame(f->x[29]);
	rk_user_fault(a64_ec_name(ec), f->elr, far);
}

/* AAPCS64 frame records (6.4.6): x29 points at {previous x29, x30}. */
const struct hal_frame_layout hal_user_frame = {0, 8};

_Static_assert(offsetof(struct a64_uframe, sp_el0) == 248 &&
                   offsetof(struct a64_uframe, elr) == 256 &&
                   offsetof(struct a64_uframe, tpidr_el0) == 272 &&
                   offsetof(struct a64_uframe, fpsr) == 288 &&
                   offsetof(struct a64_uframe, q) == 304 &&
                   sizeof(struct a64_uframe) == 816,
               "struct a64_uframe: vectors.S's UF_* offsets");
