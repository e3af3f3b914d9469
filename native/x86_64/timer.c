/*
 * timer.c - the clock, the one-shot timer and the boot entropy samples.
 *
 * Clock: the TSC, its rate from CPUID 0x15 (or 0x16) when the CPU tells,
 * otherwise measured against PIT channel 0 for 2 ms at boot.
 * Timer: the local APIC timer in one-shot mode (vector 0x30), its rate
 * measured against the TSC during the same 2 ms.  A deadline further than
 * the 32-bit counter reaches is approached in several shots.
 * The LAPIC's LINT0 passes the PICs' lines through as ExtINT (irq.c).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "port.h"

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

void x86_timer_init(void)
{
	uint64_t base = rdmsr(0x1b);
	uint64_t pa = base & 0xffffff000ull;
	if (!pa)
		pa = LAPIC_DEFAULT;
	wrmsr(0x1b, base | (1u << 11)); /* APIC global enable */
	x86_mmu_device(pa, 4096);
	lapic = (volatile uint32_t *)(uintptr_t)pa;

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

/* The LAPIC timer's vector: due, or a shot that fell short of a far
 * deadline (interrupts off). */
void x86_timer_isr(void)
{
	lapic_wr(LAPIC_EOI, 0);
	if (deadline != UINT64_MAX && hal_now_ns() >= deadline) {
		deadline = UINT64_MAX;
		rk_timer_isr();
	} else {
		timer_load(); /* early: the counter's reach was short */
	}
}

void hal_timer_arm(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	deadline = deadline_ns;
	timer_load();
	hal_irq_restore(s);
}

/* Raw samples for native/common/entropy.c: the TSC's low bits jitter
 * under emulation and on hardware; the PIT and LAPIC counters, read
 * between TSC reads, add a little more. */
size_t rk_arch_entropy_raw(uint64_t *w, size_t max)
{
	size_t n = 0;
	while (n < max) {
		outb(0x43, 0x00); /* latch PIT channel 0 */
		uint64_t pit = inb(0x40);
		pit |= (uint64_t)inb(0x40) << 8;
		uint64_t cur = lapic ? lapic_rd(LAPIC_TIMER_CUR) : 0;
		w[n++] = rdtsc() ^ (pit << 32) ^ (cur << 16);
	}
	return n;
}
