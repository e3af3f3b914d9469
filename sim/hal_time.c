/*
 * hal_time.c - the simulator's clock, in two modes, and its one-shot
 * timer.
 *
 * Real: CLOCK_MONOTONIC.
 *
 * Simulated (deterministic): a counter that moves only when every fiber
 * is idle (the idle loop, hal_idle.c, jumps it to the next deadline or
 * device event), plus a small cost charged for each clock read, device
 * access and interrupt.  So a run depends on nothing outside the program
 * and the seed, and a fiber that busy-polls still lets time advance.
 *
 * Devices whose events happen in time (the UART's traffic) attach to the
 * clock with their next-event and tick hooks; the clock knows no device
 * by name.
 */
#include <time.h>

#include <rumpk/hal.h>
#include <rumpk/status.h>

#include "sim.h"

#define SIM_DEVICES 4

static enum sim_time_mode mode;
static uint64_t boot_ns;
static uint64_t sim_now = 1;
static uint64_t deadline = UINT64_MAX;
static const struct sim_device *devices[SIM_DEVICES];
static unsigned ndevices;

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

void sim_time_advance_to(uint64_t t)
{
	if (mode == SIM_TIME_SIM && t > sim_now)
		sim_now = t;
}

uint64_t sim_time_peek(void)
{
	if (mode == SIM_TIME_SIM)
		return sim_now;
	if (!boot_ns)
		boot_ns = mono_ns() - 1;
	return mono_ns() - boot_ns;
}

uint64_t hal_now_ns(void)
{
	sim_time_charge(SIM_COST_CLOCK_NS);
	return sim_time_peek();
}

void hal_timer_arm(uint64_t deadline_ns)
{
	deadline = deadline_ns;
}

void sim_clock_attach(const struct sim_device *dev)
{
	if (ndevices == SIM_DEVICES)
		hal_exit(RK_EXIT_PANIC); /* a build error: raise SIM_DEVICES */
	devices[ndevices++] = dev;
}

uint64_t sim_clock_next_event(void)
{
	uint64_t next = UINT64_MAX;
	for (unsigned i = 0; i < ndevices; i++) {
		uint64_t t = devices[i]->next_event();
		if (t < next)
			next = t;
	}
	return next;
}

uint64_t sim_timer_deadline(void)
{
	return deadline;
}

void sim_clock_tick(void)
{
	uint64_t now = hal_now_ns();
	for (unsigned i = 0; i < ndevices; i++)
		devices[i]->tick(now);
	if (deadline != UINT64_MAX && hal_now_ns() >= deadline) {
		deadline = UINT64_MAX;
		rk_timer_isr();
	}
}
