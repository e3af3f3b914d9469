/*
 * hal_time.c - time on the simulator: CLOCK_MONOTONIC, and a one-shot
 * deadline that the idle loop sleeps towards.
 */
#include <errno.h>
#include <time.h>

#include <rumpk/hal.h>

#include "sim.h"

static uint64_t boot_ns;
static uint64_t deadline = UINT64_MAX;

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t hal_now_ns(void)
{
	if (!boot_ns)
		boot_ns = mono_ns() - 1;
	return mono_ns() - boot_ns;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	deadline = deadline_ns;
}

uint64_t sim_timer_deadline(void)
{
	return deadline;
}

void sim_timer_poll(void)
{
	if (deadline != UINT64_MAX && hal_now_ns() >= deadline) {
		deadline = UINT64_MAX;
		rk_timer_isr();
	}
}

/* Sleep until the armed deadline (at most 10 ms, so that devices that
 * raise lines get looked at), then deliver what became due. */
void hal_idle(void)
{
	uint64_t now = hal_now_ns();
	uint64_t wait = 10000000ull;

	if (deadline != UINT64_MAX)
		wait = deadline > now ? deadline - now : 0;
	if (wait > 10000000ull)
		wait = 10000000ull;
	if (wait) {
		struct timespec ts = {(time_t)(wait / 1000000000ull),
		                      (long)(wait % 1000000000ull)};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	sim_timer_poll();
	sim_irq_deliver_pending();
}
