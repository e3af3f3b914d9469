/*
 * timer.c - the Arm generic timer: the clock (CNTPCT at CNTFRQ) and the
 * HAL's one-shot timer (the EL1 physical timer, CNTP_CVAL: it fires when
 * the count reaches the compare value; PPI 14, INTID 30), and raw boot
 * entropy samples from the counters.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

static uint64_t cnt_freq, cnt_boot;

static inline uint64_t cntpct(void)
{
	a64_isb(); /* no speculative early read */
	return a64_sysreg_read(cntpct_el0);
}

uint64_t hal_now_ns(void)
{
	uint64_t t = cntpct() - cnt_boot;
	return (t / cnt_freq) * 1000000000ull +
	       (t % cnt_freq) * 1000000000ull / cnt_freq;
}

/* Counter value at ns since boot, saturating. */
static uint64_t ns_to_cnt(uint64_t ns)
{
	uint64_t s = ns / 1000000000ull, r = ns % 1000000000ull;
	if (s > (UINT64_MAX - cnt_boot) / cnt_freq - 1)
		return UINT64_MAX;
	return cnt_boot + s * cnt_freq + r * cnt_freq / 1000000000ull;
}

void a64_timer_init(void)
{
	cnt_freq = a64_sysreg_read(cntfrq_el0);
	if (!cnt_freq)
		cnt_freq = 62500000; /* QEMU's default */
	cnt_boot = cntpct();
}

void hal_timer_arm(uint64_t deadline_ns)
{
	if (deadline_ns == UINT64_MAX) {
		a64_sysreg_write(cntp_ctl_el0, 2); /* IMASK, disabled */
		a64_isb();
		return;
	}
	a64_sysreg_write(cntp_cval_el0, ns_to_cnt(deadline_ns));
	a64_sysreg_write(cntp_ctl_el0, 1); /* ENABLE: fires when CVAL <= CNT */
	a64_isb();
}

void a64_timer_stop(void)
{
	a64_sysreg_write(cntp_ctl_el0, 2); /* IMASK, disabled: one shot */
	a64_isb();
}

/* Raw samples for native/common/entropy.c: the physical and virtual
 * counters, read apart (the boot loader's seeds come through dtboot). */
size_t rk_arch_entropy_raw(uint64_t *w, size_t max)
{
	size_t n = 0;
	while (n < max)
		w[n++] = cntpct() ^ (a64_sysreg_read(cntvct_el0) << 32);
	return n;
}
