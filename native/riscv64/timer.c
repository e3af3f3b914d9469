/*
 * timer.c - the clock (the time CSR at the tree's timebase-frequency) and
 * the one-shot timer: SBI TIME extension (set_timer) + sie.STIE.  No Sstc
 * (the VisionFive 2's U74 has none).  Also the raw boot entropy samples.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "fdt.h"

static uint64_t timebase = 10000000; /* Hz; from /cpus timebase-frequency */
static uint64_t boot_ticks;
static uint64_t armed = UINT64_MAX; /* deadline in ns */

static uint64_t ticks_to_ns(uint64_t t)
{
	return t / timebase * 1000000000ull +
	       t % timebase * 1000000000ull / timebase;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / 1000000000ull * timebase +
	       (ns % 1000000000ull * timebase + 999999999ull) / 1000000000ull;
}

uint64_t hal_now_ns(void)
{
	return ticks_to_ns(rv_rdtime() - boot_ticks);
}

static void sbi_set_timer(uint64_t ticks)
{
	sbi_call(SBI_EXT_TIME, 0, ticks, 0, 0);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	armed = deadline_ns;
	if (deadline_ns == UINT64_MAX) {
		csr_clear(sie, SIE_STIE);
		sbi_set_timer(UINT64_MAX);
	} else {
		sbi_set_timer(boot_ticks + ns_to_ticks(deadline_ns));
		csr_set(sie, SIE_STIE);
	}
	hal_irq_restore(s);
}

/* The supervisor timer interrupt (interrupts off). */
void rv_timer_isr(void)
{
	/* Clear STIP (a far-future compare) before running the core's isr,
	 * which may arm the next deadline. */
	sbi_set_timer(UINT64_MAX);
	csr_clear(sie, SIE_STIE);
	if (armed != UINT64_MAX && hal_now_ns() >= armed) {
		armed = UINT64_MAX;
		rk_timer_isr();
	} else if (armed != UINT64_MAX) {
		hal_timer_arm(armed); /* early: rounding; try again */
	}
}

void rv_timer_init(const struct rk_fdt *t)
{
	uint64_t v;
	boot_ticks = rv_rdtime();
	if (t && rk_fdt_timebase(t, &v) == 0 && v)
		timebase = v;
}

uint64_t rv_timebase(void)
{
	return timebase;
}

/* Raw samples for native/common/entropy.c: the time counter, read
 * apart (the boot loader's seeds come through dtboot). */
size_t rk_arch_entropy_raw(uint64_t *w, size_t max)
{
	size_t n = 0;
	while (n < max)
		w[n++] = rv_rdtime();
	return n;
}
