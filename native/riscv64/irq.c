/*
 * irq.c - interrupts: masking (sstatus.SIE), hal_idle, and the RISC-V
 * Platform-Level Interrupt Controller for hal_irq_attach().  A line is a PLIC
 * source number (QEMU virt's UART is 10, the VisionFive 2's UART0 is 32).  The
 * PLIC's base, its number of sources and the S-mode context of the boot hart
 * come from the DTB (interrupts-extended: the context whose target is this
 * hart's interrupt controller with cause 9, supervisor external).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "fdt.h"
#include "fdt_riscv.h"

#define PLIC_MAX_LINES        128
#define PLIC_PRIORITY(src)    (4u * (src))
#define PLIC_ENABLE(ctx, src) (0x2000u + 0x80u * (ctx) + 4u * ((src) / 32u))
#define PLIC_THRESHOLD(ctx)   (0x200000u + 0x1000u * (ctx))
#define PLIC_CLAIM(ctx)       (0x200004u + 0x1000u * (ctx))

static uintptr_t plic;
static unsigned ctx, nsrc;
static struct {
	hal_irq_handler_t fn;
	void *arg;
} lines[PLIC_MAX_LINES];

static volatile uint32_t *reg(uint32_t off)
{
	return (volatile uint32_t *)(plic + off);
}

hal_irq_state_t hal_irq_save(void)
{
	unsigned long s;
	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s) : : "memory");
	return s & SSTATUS_SIE;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE);
}

/* Called with SIE off.  wfi wakes on any pending interrupt enabled in
 * sie even while sstatus.SIE is clear, so no wake-up is lost between the
 * scheduler's last look and the wait; opening SIE for a moment then lets
 * the trap handler run it. */
void hal_idle(void)
{
	__asm__ volatile("wfi" ::: "memory");
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
}

int rv_irq_init(const struct rk_fdt *t, unsigned long hart)
{
	/* The PLIC and this hart's supervisor context from the DTB: QEMU
	 * virt's hart 0 is context 1; on the VisionFive 2 hart 0 (the S7)
	 * has a machine context only, so hart N (1..4) is context 2N. */
	struct rk_fdt_plic p;
	if (rk_fdt_plic(t, hart, IRQ_S_EXT, &p) != 0)
		return -1;
	plic = (uintptr_t)p.base;
	ctx = p.context;
	nsrc = p.ndev + 1 < PLIC_MAX_LINES ? p.ndev + 1 : PLIC_MAX_LINES;
	for (unsigned s = 1; s < nsrc; s++)
		*reg(PLIC_PRIORITY(s)) = 0;
	for (unsigned w = 0; w < (nsrc + 31) / 32; w++)
		*reg(PLIC_ENABLE(ctx, 32 * w)) = 0;
	*reg(PLIC_THRESHOLD(ctx)) = 0;
	csr_set(sie, SIE_SEIE);
	return 0;
}

static bool valid(unsigned line)
{
	return plic && line > 0 && line < nsrc;
}

/* Masking is by priority, not by the enable bit: priority 0 means "never
 * interrupt" (RISC-V PLIC spec, "Interrupt Priorities"), while the source
 * stays enabled for this context.  Two reasons: a completion for a source
 * that is not enabled is silently ignored (spec, "Interrupt Completion"),
 * and our top halves mask before we complete; and QEMU's PLIC (7.2)
 * re-evaluates its output on a priority write but not on an enable write,
 * so an interrupt that became pending while masked would never be
 * delivered after an enable-bit unmask. */
int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg)
{
	if (!valid(line) || !handler)
		return -1;
	hal_irq_state_t s = hal_irq_save();
	*reg(PLIC_PRIORITY(line)) = 0;
	lines[line].fn = handler;
	lines[line].arg = arg;
	*reg(PLIC_ENABLE(ctx, line)) |= 1u << (line % 32);
	hal_irq_restore(s);
	return 0;
}

void hal_irq_mask(unsigned line)
{
	if (valid(line))
		*reg(PLIC_PRIORITY(line)) = 0;
}

void hal_irq_unmask(unsigned line)
{
	if (valid(line) && lines[line].fn)
		*reg(PLIC_PRIORITY(line)) = 1;
}

/* Supervisor external interrupt: claim, run the top half, complete. */
void rv_irq_dispatch(void)
{
	if (!plic)
		return;
	for (;;) {
		uint32_t id = *reg(PLIC_CLAIM(ctx));
		if (id == 0)
			return;
		if (id < nsrc && lines[id].fn)
			lines[id].fn(id, lines[id].arg);
		else
			hal_irq_mask(id); /* nobody's: keep it quiet */
		*reg(PLIC_CLAIM(ctx)) = id;
	}
}
