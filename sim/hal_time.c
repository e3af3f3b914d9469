/*
 * hal_time.c - time on the simulator, in two modes.
 *
 * Real: CLOCK_MONOTONIC; the idle loop sleeps towards the armed deadline
 * or the next device event.
 *
 * Simulated (deterministic): a counter that moves only when every fiber
 * is idle (the idle loop jumps it to the next deadline or device event),
 * plus a small cost charged for each clock read, device access and
 * interrupt.  So a run depends on nothing outside the program and
 * the seed, and a fiber that busy-polls still lets time advance.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <rumpk/hal.h>
#include <rumpk/status.h>

#include "host_hal.h"
#include "sim.h"

/* The last stretch before a real-time deadline is waited out watching
 * the clock instead of in nanosleep. */
#define SPIN_NS 200000ull

static enum sim_time_mode mode;
static uint64_t boot_ns;
static uint64_t sim_now = 1;
static uint64_t deadline = UINT64_MAX;

void (*sim_idle_hook)(void);

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void sim_time_set_mode(enum sim_time_mode m)
{
	mode = m;
}

enum sim_time_mode sim_time_mode(void)
{
	return mode;
}

void sim_time_charge(uint64_t ns)
{
	if (mode == SIM_TIME_SIM)
		sim_now += ns;
}

uint64_t hal_now_ns(void)
{
	if (mode == SIM_TIME_SIM) {
		sim_now += SIM_COST_CLOCK_NS;
		return sim_now;
	}
	if (!boot_ns)
		boot_ns = mono_ns() - 1;
	return mono_ns() - boot_ns;
}

uint64_t sim_time_peek(void)
{
	if (mode == SIM_TIME_SIM)
		return sim_now;
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

/* Called with interrupts off: wait for the next thing that can happen
 * (the timer or a device event), deliver it, return. */
void hal_idle(void)
{
	if (sim_idle_hook)
		sim_idle_hook(); /* the visualizer: may pause or pace time */
	uint64_t now = hal_now_ns();
	uint64_t next = sim_uart_next_event();
	if (deadline < next)
		next = deadline;

	if (mode == SIM_TIME_SIM) {
		if (next == UINT64_MAX) {
			/* Nothing can ever happen again: say so, don't hang. */
			host_console_flush();
			fprintf(stderr,
			        "rumpk-sim: simulated time stalled: every "
			        "fiber waits and no timer or device event "
			        "is pending\n");
			hal_exit(RK_EXIT_PANIC);
		}
		if (next > sim_now)
			sim_now = next;
	} else {
		/* At most 10 ms at a time, so new events get looked at.  The
		 * host's sleep overshoots by its timer slack (often 1-2 ms on a
		 * loaded VM), so sleep to SPIN_NS before the deadline and
		 * watch the clock for the rest (sched_yield would hand the
		 * CPU to another process for a whole time slice). */
		uint64_t wait = next > now ? next - now : 0;
		if (wait > 10000000ull)
			wait = 10000000ull;
		if (wait > SPIN_NS) {
			uint64_t nap = wait - SPIN_NS;
			struct timespec ts = {(time_t)(nap / 1000000000ull),
			                      (long)(nap % 1000000000ull)};
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
		uint64_t until = now + wait;
		while (hal_now_ns() < until && sim_uart_next_event() > until)
			__asm__ volatile("" ::: "memory");
	}
	sim_uart_tick(hal_now_ns());
	sim_timer_poll();
	/* Let the pending handlers run, as an interrupt would, and return
	 * with interrupts off again. */
	hal_irq_restore(1);
	(void)hal_irq_save();
}
