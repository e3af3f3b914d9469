/*
 * time.c - clock, one-shot timer and interrupts.
 *
 * Clock: the TSC, its rate from CPUID 0x15 (or 0x16) when the CPU tells,
 * otherwise measured against PIT channel 0 for 2 ms at boot.
 * Timer: the local APIC timer in one-shot mode (vector 0x30), its rate
 * measured against the TSC during the same 2 ms.  A deadline further than
 * the 32-bit counter reaches is approached in several shots.
 * Interrupt lines: the 16 ISA lines of the 8259 PICs (remapped to vectors
 * 0x20..0x2f, all masked until a handler is attached and unmasked; the
 * LAPIC's LINT0 passes them through as ExtINT).  COM1 is line 4.
 * The PICs stay edge-triggered (ISA lines are, and an ELCR level mode is
 * for PCI's active-low lines); x86_irq_set_rearm makes them look level
 * to the core.
 * hal_idle: sti;hlt (atomic: sti's shadow covers hlt), then cli.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "x86.h"

#define LAPIC_DEFAULT    0xfee00000ull
#define LAPIC_SVR        0x0f0
#define LAPIC_EOI        0x0b0
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0

#define PIT_HZ 1193182ull
#define CAL_NS 2000000ull /* calibration window: 2 ms */

static volatile uint32_t *lapic;
static uint64_t tsc0, tsc_hz;
static uint64_t ns_mult;    /* ns = tsc_delta * ns_mult >> 32 */
static uint64_t lapic_mult; /* ticks = ns * lapic_mult >> 32 */
static uint64_t deadline = UINT64_MAX;
static uint16_t pic_mask = 0xffff;

static struct {
	hal_irq_handler_t fn;
	void *arg;
	void (*rearm)(void);
} lines[X86_ISA_LINES];

static uint32_t lapic_rd(unsigned reg)
{
	return lapic[reg / 4];
}

static void lapic_wr(unsigned reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

static uint64_t mul_shr32(uint64_t a, uint64_t b)
{
	return (uint64_t)(((unsigned __int128)a * b) >> 32);
}

static void pic_write_mask(void)
{
	outb(0x21, (uint8_t)pic_mask);
	outb(0xa1, (uint8_t)(pic_mask >> 8));
}

static void pic_init(void)
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

/* The TSC rate from CPUID 0x15 (crystal ratio) or 0x16 (base MHz). */
static uint64_t tsc_hz_cpuid(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max = r[0];
	if (max >= 0x15) {
		cpuid(0x15, 0, r);
		if (r[0] && r[1] && r[2])
			return (uint64_t)r[2] * r[1] / r[0];
	}
	if (max >= 0x16) {
		cpuid(0x16, 0, r);
		if (r[0] & 0xffff)
			return (uint64_t)(r[0] & 0xffff) * 1000000ull;
	}
	return 0;
}

static uint16_t pit0_read(void)
{
	outb(0x43, 0x00); /* latch channel 0 */
	uint16_t lo = inb(0x40);
	return (uint16_t)(lo | (uint16_t)inb(0x40) << 8);
}

/* Counts TSC and LAPIC ticks over about CAL_NS of PIT channel 0 (gate
 * always on; channel 2's gate and status need port 0x61, which microvm
 * lacks).  Returns the PIT ticks that passed, 0 when no PIT counts. */
static uint64_t calibrate(uint64_t *tsc_ticks, uint64_t *lapic_ticks)
{
	const uint16_t want = (uint16_t)(PIT_HZ * CAL_NS / 1000000000ull);

	outb(0x43, 0x30); /* channel 0, lo/hi byte, mode 0 */
	outb(0x40, 0xff);
	outb(0x40, 0xff);
	uint16_t c0 = pit0_read(), c = c0;
	lapic_wr(LAPIC_TIMER_INIT, 0xffffffffu);
	uint64_t t0 = rdtsc();
	for (unsigned spins = 0; (uint16_t)(c0 - c) < want; spins++) {
		if (spins > 200000u) { /* no PIT */
			lapic_wr(LAPIC_TIMER_INIT, 0);
			return 0;
		}
		c = pit0_read();
	}
	uint64_t t1 = rdtsc();
	uint32_t left = lapic_rd(LAPIC_TIMER_CUR);
	lapic_wr(LAPIC_TIMER_INIT, 0);
	*tsc_ticks = t1 - t0;
	*lapic_ticks = 0xffffffffu - left;
	return (uint16_t)(c0 - c);
}

void x86_time_init(void)
{
	uint64_t base = rdmsr(0x1b);
	uint64_t pa = base & 0xffffff000ull;
	if (!pa)
		pa = LAPIC_DEFAULT;
	wrmsr(0x1b, base | (1u << 11)); /* APIC global enable */
	x86_mmu_device(pa, 4096);
	lapic = (volatile uint32_t *)(uintptr_t)pa;

	pic_init();
	lapic_wr(LAPIC_SVR, 0x100 | X86_VEC_SPURIOUS);
	lapic_wr(LAPIC_LVT_LINT0, 0x700);         /* ExtINT: the PICs' lines */
	lapic_wr(LAPIC_LVT_LINT1, 0x400);         /* NMI */
	lapic_wr(LAPIC_TIMER_DIV, 0x3);           /* divide by 16 */
	lapic_wr(LAPIC_LVT_TIMER, X86_VEC_TIMER); /* one-shot */

	uint64_t tsc_ticks = 0, lapic_ticks = 0;
	uint64_t pit_ticks = calibrate(&tsc_ticks, &lapic_ticks);
	tsc_hz = tsc_hz_cpuid();
	if (!tsc_hz && pit_ticks)
		tsc_hz = tsc_ticks * PIT_HZ / pit_ticks;
	if (!tsc_hz) {
		tsc_hz = 1000000000ull; /* a guess: better than nothing */
		rk_puts("[BOOT] WARNING: no TSC rate and no PIT; time is a "
		        "guess");
	}
	uint64_t lapic_hz = lapic_ticks && tsc_ticks
	                        ? lapic_ticks * tsc_hz / tsc_ticks
	                        : 62500000ull; /* QEMU: 1 GHz / 16 */
	ns_mult = (1000000000ull << 32) / tsc_hz;
	lapic_mult = (lapic_hz << 32) / 1000000000ull;
	tsc0 = rdtsc() - 1;
}

uint64_t hal_now_ns(void)
{
	return mul_shr32(rdtsc() - tsc0, ns_mult);
}

/* Loads the LAPIC counter towards the deadline (interrupts off). */
static void timer_load(void)
{
	if (deadline == UINT64_MAX) {
		lapic_wr(LAPIC_TIMER_INIT, 0);
		return;
	}
	uint64_t now = hal_now_ns();
	uint64_t ticks =
	    deadline > now ? mul_shr32(deadline - now, lapic_mult) + 1 : 1;
	lapic_wr(LAPIC_TIMER_INIT,
	         ticks > 0xffffffffull ? 0xffffffffu : (uint32_t)ticks);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	deadline = deadline_ns;
	timer_load();
	hal_irq_restore(s);
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
		lapic_wr(LAPIC_EOI, 0);
		if (deadline != UINT64_MAX && hal_now_ns() >= deadline) {
			deadline = UINT64_MAX;
			rk_timer_isr();
		} else {
			timer_load(); /* early: the counter's reach was short */
		}
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

/* Timer counters at boot: the TSC's low bits jitter under emulation and
 * on hardware; the PIT and LAPIC counters add a little more. */
void hal_boot_entropy(uint8_t key[16])
{
	uint64_t a = rdtsc(), b = 0x9e3779b97f4a7c15ull;
	for (unsigned i = 0; i < 16; i++) {
		outb(0x43, 0x00); /* latch PIT channel 0 */
		uint64_t pit = inb(0x40);
		pit |= (uint64_t)inb(0x40) << 8;
		uint64_t t = rdtsc();
		b ^= t + (pit << 32) + (lapic ? lapic_rd(LAPIC_TIMER_CUR) : 0);
		b *= 0xff51afd7ed558ccdull;
		b ^= b >> 33;
		a += b;
		key[i] = (uint8_t)(a ^ (a >> 17) ^ (t >> 3));
	}
}
