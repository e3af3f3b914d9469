/*
 * hal_idle.c - the simulator's idle loop: wait for the next thing that
 * can happen (the timer's deadline or a device event the clock knows
 * of), let it happen, and run the interrupt handlers it raised.
 *
 * Simulated time jumps straight there; real time sleeps towards it.
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

void (*sim_idle_hook)(void);
void (*sim_busy_hook)(void);

/* Nothing can ever happen again: say so, don't hang. */
static _Noreturn void stalled(void)
{
	host_console_flush();
	fprintf(stderr, "rumpk-sim: simulated time stalled: every fiber "
	                "waits and no timer or device event is pending\n");
	hal_exit(RK_EXIT_PANIC);
}

/* At most 10 ms at a time, so new events get looked at.  The host's sleep
 * overshoots by its timer slack (often 1-2 ms on a loaded VM), so sleep
 * to SPIN_NS before the deadline and watch the clock for the rest
 * (sched_yield would hand the CPU to another process for a whole time
 * slice). */
static void wait_real(uint64_t now, uint64_t next)
{
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
	while (hal_now_ns() < until && sim_clock_next_event() > until)
		__asm__ volatile("" ::: "memory");
}

/* Called with interrupts off. */
void hal_idle(void)
{
	if (sim_idle_hook)
		sim_idle_hook(); /* the visualizer: may pause or pace time */
	uint64_t now = hal_now_ns();
	uint64_t next = sim_clock_next_event();
	if (sim_timer_deadline() < next)
		next = sim_timer_deadline();

	if (sim_time_mode() == SIM_TIME_SIM) {
		if (next == UINT64_MAX)
			stalled();
		sim_time_advance_to(next);
	} else {
		wait_real(now, next);
	}
	sim_clock_tick();
	/* Let the pending handlers run, as an interrupt would, and return
	 * with interrupts off again. */
	hal_irq_restore(1);
	(void)hal_irq_save();
}
