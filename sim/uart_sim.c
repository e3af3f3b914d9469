/*
 * uart_sim.c - the simulator's console UART receive side and the traffic
 * generator behind it.  The generator emits events (bytes) at the rate a
 * profile gives, with exponential inter-arrival times from a seeded PRNG
 * so a run is repeatable.  The FIFO has hardware flow control: when it is
 * full the generator waits (like RTS/CTS), so nothing is ever dropped and
 * everything generated can be delivered.  The receive interrupt is
 * level-triggered: asserted while the FIFO holds a byte.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rumpk/hal.h>

#include "sim.h"

#define FIFO_DEPTH 64

static uint8_t fifo[FIFO_DEPTH];
static unsigned head, count;
static bool rx_irq_on;

static struct sim_profile profile;
static uint64_t seed_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_at = UINT64_MAX; /* time of the next event to emit */
static uint64_t generated;
static uint8_t next_byte = 'a';

static uint64_t rng(void)
{
	/* xorshift64*: small, fast, and enough for arrival times. */
	seed_state ^= seed_state >> 12;
	seed_state ^= seed_state << 25;
	seed_state ^= seed_state >> 27;
	return seed_state * 2685821657736338717ull;
}

/* -ln(U) * mean with U uniform in (0, 1]: exponential inter-arrival
 * times, i.e. a Poisson process at the profile's rate. */
static uint64_t exp_interval(uint64_t mean_ns)
{
	double u = ((double)(rng() >> 11) + 1.0) / 9007199254740992.0;
	double v = -log(u) * (double)mean_ns;
	return v < 1 ? 1 : (uint64_t)v;
}

static uint64_t rate_at(uint64_t t_ns)
{
	uint64_t ms = t_ns / 1000000ull, r = 0;
	if (profile.period_ms)
		ms %= profile.period_ms;
	for (unsigned i = 0; i < profile.nsteps; i++)
		if (profile.steps[i].from_ms <= ms)
			r = profile.steps[i].rate;
	return r;
}

/* The first time after t at which the profile's rate changes. */
static uint64_t next_change(uint64_t t)
{
	uint64_t ms = t / 1000000ull, pos = ms, best = UINT64_MAX;
	if (profile.period_ms)
		pos = ms % profile.period_ms;
	for (unsigned i = 0; i < profile.nsteps; i++)
		if (profile.steps[i].from_ms > pos &&
		    profile.steps[i].from_ms - pos < best)
			best = profile.steps[i].from_ms - pos;
	if (best == UINT64_MAX && profile.period_ms)
		best = profile.period_ms - pos; /* the period starts over */
	if (best == UINT64_MAX)
		return UINT64_MAX;
	return (ms + best) * 1000000ull;
}

/* The next arrival after t.  An interval drawn at one rate that would
 * cross a change of rate is redrawn from the change: a Poisson process
 * is memoryless, so this is exact, and a burst is never jumped over. */
static void schedule_from(uint64_t t)
{
	next_at = UINT64_MAX;
	for (int guard = 0; guard < 100000; guard++) {
		if (profile.end_ns && t >= profile.end_ns)
			return;
		uint64_t r = rate_at(t), change = next_change(t);
		if (r) {
			uint64_t at = t + exp_interval(1000000000ull / r);
			if (at < change) {
				if (!profile.end_ns || at < profile.end_ns)
					next_at = at;
				return;
			}
		}
		if (change == UINT64_MAX)
			return; /* silent for ever */
		t = change;
	}
}

void sim_uart_set_profile(const struct sim_profile *p, uint64_t seed)
{
	profile = *p;
	seed_state =
	    seed ? seed * 0x9e3779b97f4a7c15ull : 0x9e3779b97f4a7c15ull;
	schedule_from(hal_now_ns());
}

static void update_line(void)
{
	sim_irq_set_level(SIM_UART_IRQ, rx_irq_on && count > 0);
}

/* Typed bytes (the visualizer's keyboard), waiting for FIFO room. */
#define INJECT_MAX 8192
static uint8_t injq[INJECT_MAX];
static size_t inj_head, inj_count;

size_t sim_uart_inject(const uint8_t *bytes, size_t n)
{
	size_t i = 0;
	for (; i < n && inj_count < INJECT_MAX; i++)
		injq[(inj_head + inj_count++) % INJECT_MAX] = bytes[i];
	return i;
}

unsigned sim_uart_fifo_level(void)
{
	return count;
}

size_t sim_uart_injected_pending(void)
{
	return inj_count;
}

/* Emits every event due by now that fits in the FIFO, typed bytes
 * first (they arrived earlier than anything still to be generated). */
static void uart_tick(uint64_t now)
{
	bool changed = false;
	while (inj_count && count < FIFO_DEPTH) {
		fifo[(head + count++) % FIFO_DEPTH] = injq[inj_head];
		inj_head = (inj_head + 1) % INJECT_MAX;
		inj_count--;
		generated++; /* entered the UART: delivered like the rest */
		changed = true;
	}
	while (next_at <= now && count < FIFO_DEPTH) {
		fifo[(head + count++) % FIFO_DEPTH] = next_byte;
		next_byte = next_byte == 'z' ? 'a' : next_byte + 1;
		generated++;
		changed = true;
		schedule_from(next_at);
	}
	if (changed)
		update_line();
}

static uint64_t uart_next_event(void)
{
	/* A full FIFO waits for the driver, not for time. */
	if (count < FIFO_DEPTH && inj_count)
		return 0; /* typed bytes are due now */
	return count < FIFO_DEPTH ? next_at : UINT64_MAX;
}

static const struct sim_device uart_dev = {uart_next_event, uart_tick};

void sim_uart_init(void)
{
	sim_clock_attach(&uart_dev);
}

uint64_t sim_uart_generated(void)
{
	return generated;
}

static int uart_getc(void)
{
	if (!count)
		return -1;
	int c = fifo[head];
	head = (head + 1) % FIFO_DEPTH;
	count--;
	if (!count)
		update_line();
	return c;
}

/* Reading the line status register, and the data register when a byte
 * waits: each access costs simulated time, as MMIO does on hardware. */
int hal_console_getc(void)
{
	sim_time_charge(SIM_COST_MMIO_NS);
	uart_tick(hal_now_ns());
	int c = uart_getc();
	if (c >= 0)
		sim_time_charge(SIM_COST_MMIO_NS);
	return c;
}

int hal_console_rx_irq(void)
{
	rx_irq_on = true;
	update_line();
	return SIM_UART_IRQ;
}
