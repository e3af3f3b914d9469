/*
 * irq.c - interrupts: the GICv2 distributor and CPU interface (the ones
 * the device tree names, QEMU virt's otherwise), interrupt masking
 * (PSTATE.I through DAIF), attach/mask/unmask, the IRQ vector's dispatch
 * and hal_idle.
 *
 * Interrupt lines (hal_irq_attach) are GIC INTIDs: SPI n is line 32 + n
 * (QEMU virt's PL011 is line 33).  Line 30, the EL1 physical timer, is
 * the HAL's own one-shot timer (timer.c) and cannot be attached.
 * hal_idle is a real WFI: the timer interrupt wakes it.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "fdt.h"

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICFGR      0xc00
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICC_CTLR       0x000
#define GICC_PMR        0x004
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010
#define MAX_LINES       1020

static uintptr_t gicd = 0x08000000, gicc = 0x08010000;
static unsigned gic_lines = 32;
static bool gic_ok;

struct irq_line {
	hal_irq_handler_t handler;
	void *arg;
};
static struct irq_line lines[MAX_LINES];

static void gic_enable(unsigned id, bool on)
{
	mmio_w32(gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + (id / 32) * 4,
	         1u << (id % 32));
}

static void find_gic(const struct rk_fdt *t)
{
	static const char *const compat[] = {
	    "arm,cortex-a15-gic",
	    "arm,gic-400",
	    "arm,cortex-a9-gic",
	    "arm,cortex-a7-gic",
	};
	for (unsigned i = 0; i < RK_ARRAY_SIZE(compat); i++) {
		int n = t ? rk_fdt_find_compatible(t, -1, compat[i]) : -1;
		uint64_t d, c;
		if (n >= 0 && rk_fdt_reg(t, n, 0, &d, NULL) == 0 &&
		    rk_fdt_reg(t, n, 1, &c, NULL) == 0) {
			gicd = (uintptr_t)d;
			gicc = (uintptr_t)c;
			return;
		}
	}
}

void a64_irq_init(const struct rk_fdt *t)
{
	find_gic(t);
	gic_lines = ((mmio_r32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	if (gic_lines > MAX_LINES)
		gic_lines = MAX_LINES;
	mmio_w32(gicd + GICD_CTLR, 0);
	for (unsigned i = 0; i < gic_lines; i += 32) {
		mmio_w32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
		mmio_w32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
	}
	for (unsigned i = 0; i < gic_lines; i += 4) {
		mmio_w32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
		if (i >= 32) /* SPIs to CPU 0 */
			mmio_w32(gicd + GICD_ITARGETSR + i, 0x01010101u);
	}
	mmio_w32(gicd + GICD_CTLR, 1);
	mmio_w32(gicc + GICC_PMR, 0xf0);
	mmio_w32(gicc + GICC_CTLR, 1);
	gic_enable(A64_TIMER_INTID, true);
	gic_ok = true;
}

hal_irq_state_t hal_irq_save(void)
{
	uint64_t daif = a64_sysreg_read(daif);
	__asm__ volatile("msr daifset, #2" ::: "memory");
	return daif;
}

void hal_irq_restore(hal_irq_state_t state)
{
	a64_sysreg_write(daif, state);
}

int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg)
{
	if (!gic_ok || line >= gic_lines || line == A64_TIMER_INTID || !handler)
		return -1;
	gic_enable(line, false);
	lines[line].handler = handler;
	lines[line].arg = arg;
	return 0;
}

void hal_irq_mask(unsigned line)
{
	if (gic_ok && line < gic_lines && line != A64_TIMER_INTID)
		gic_enable(line, false);
}

void hal_irq_unmask(unsigned line)
{
	if (gic_ok && line < gic_lines && line != A64_TIMER_INTID &&
	    lines[line].handler)
		gic_enable(line, true);
}

void hal_idle(void)
{
	/* WFI wakes on a pending interrupt even while PSTATE.I masks it;
	 * unmasking then takes it here, and we mask again. */
	__asm__ volatile("wfi\n\tmsr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::
	                     : "memory");
}

/* A line that stays asserted while its device has work: GICD_ICFGR's
 * reset value for SPIs is implementation defined (GICv2 spec, 4.3.13).
 * Masked meanwhile; 0, or -1 for a line the GIC does not have. */
int a64_irq_level(unsigned line)
{
	if (!gic_ok || line < 32 || line >= gic_lines)
		return -1;
	gic_enable(line, false);
	uintptr_t cfg = gicd + GICD_ICFGR + (line / 16) * 4;
	mmio_w32(cfg, mmio_r32(cfg) & ~(2u << (2 * (line % 16))));
	return 0;
}

/* Called from the IRQ vector (vectors.S) with interrupts masked. */
void a64_irq(void)
{
	for (;;) {
		uint32_t iar = mmio_r32(gicc + GICC_IAR);
		unsigned id = iar & 0x3ff;
		if (id >= 1020)
			return; /* spurious: nothing (more) pending */
		if (id == A64_TIMER_INTID) {
			a64_timer_stop();
			mmio_w32(gicc + GICC_EOIR, iar);
			rk_timer_isr();
			continue;
		}
		if (id < gic_lines && lines[id].handler)
			lines[id].handler(id, lines[id].arg);
		else
			gic_enable(id, false); /* nobody wants it */
		mmio_w32(gicc + GICC_EOIR, iar);
	}
}
