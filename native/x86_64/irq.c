/*
 * irq.c - interrupts: the 16 ISA lines of the 8259 PICs, routing of every
 * vector above the exceptions, interrupt masking and hal_idle.
 *
 * The PICs are remapped to vectors 0x20..0x2f, every line masked until a
 * handler is attached and unmasked; the LAPIC's LINT0 passes them through
 * as ExtINT (timer.c).  COM1 is line 4.  The PICs stay edge-triggered
 * (ISA lines are, and an ELCR level mode is for PCI's active-low lines);
 * x86_irq_set_rearm makes them look level to the core.
 * hal_idle: sti;hlt (atomic: sti's shadow covers hlt), then cli.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

static uint16_t pic_mask = 0xffff;

static struct {
	hal_irq_handler_t fn;
	void *arg;
	void (*rearm)(void);
} lines[X86_ISA_LINES];

static void pic_write_mask(void)
{
	outb(0x21, (uint8_t)pic_mask);
	outb(0xa1, (uint8_t)(pic_mask >> 8));
}

void x86_irq_init(void)
{
	/* ICW1..4: cascade, vectors 0x20 / 0x28, slave on line 2, 8086. */
	outb(0x20, 0x11);
	outb(0xa0, 0x11);
	outb(0x21, X86_VEC_IRQ0);
	outb(0xa1, X86_VEC_IRQ0 + 8);
	outb(0x21, 0x04);
	outb(0xa1, 0x02);
	outb(0x21, 0x01);
	outb(0xa1, 0x01);
	pic_mask = 0xffff & ~(1u << 2); /* the cascade stays open */
	pic_write_mask();
}

hal_irq_state_t hal_irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; pop %0; cli" : "=r"(f) : : "memory");
	return (hal_irq_state_t)(f & (1u << 9));
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state)
		__asm__ volatile("sti" : : : "memory");
	else
		__asm__ volatile("cli" : : : "memory");
}

void hal_idle(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg)
{
	if (line >= X86_ISA_LINES || line == 2 || !handler)
		return -1;
	hal_irq_state_t s = hal_irq_save();
	lines[line].fn = handler;
	lines[line].arg = arg;
	pic_mask |= (uint16_t)(1u << line);
	pic_write_mask();
	hal_irq_restore(s);
	return 0;
}

void hal_irq_mask(unsigned line)
{
	if (line >= X86_ISA_LINES || line == 2)
		return;
	hal_irq_state_t s = hal_irq_save();
	pic_mask |= (uint16_t)(1u << line);
	pic_write_mask();
	hal_irq_restore(s);
}

void hal_irq_unmask(unsigned line)
{
	if (line >= X86_ISA_LINES || line == 2 || !lines[line].fn)
		return;
	hal_irq_state_t s = hal_irq_save();
	pic_mask &= (uint16_t) ~(1u << line);
	pic_write_mask();
	/* An edge while the line was masked is still in the IRR; one that
	 * happened before (the line high since the last acknowledge) is not:
	 * the device makes a new one. */
	if (lines[line].rearm)
		lines[line].rearm();
	hal_irq_restore(s);
}

void x86_irq_set_rearm(unsigned line, void (*rearm)(void))
{
	if (line < X86_ISA_LINES)
		lines[line].rearm = rearm;
}

/* Runs with interrupts off (interrupt gates). */
void x86_irq_dispatch(unsigned vector)
{
	if (vector == X86_VEC_TIMER) {
		x86_timer_isr();
		return;
	}
	if (vector == X86_VEC_SPURIOUS)
		return; /* no EOI for spurious vectors */
	if (vector >= X86_VEC_IRQ0 && vector < X86_VEC_IRQ0 + X86_ISA_LINES) {
		unsigned line = vector - X86_VEC_IRQ0;
		/* Spurious IRQ 7 / 15: not in the PIC's in-service register. */
		if (line == 7 || line == 15) {
			uint16_t port = line == 7 ? 0x20 : 0xa0;
			outb(port, 0x0b);
			if (!(inb(port) & 0x80)) {
				if (line == 15)
					outb(0x20, 0x20);
				return;
			}
		}
		if (lines[line].fn)
			lines[line].fn(line, lines[line].arg);
		if (line >= 8)
			outb(0xa0, 0x20);
		outb(0x20, 0x20);
	}
}
