/*
 * hal_irq.c - the simulated interrupt controller: lines with a handler,
 * a mask bit and a pending bit, and a global enable that hal_irq_save and
 * hal_irq_restore switch like a CPU's interrupt flag.  Handlers run on the
 * raising thread's stack, as a top half would.
 */
#include <rumpk/hal.h>

#include "sim.h"

struct line {
	hal_irq_handler_t handler;
	void *arg;
	bool masked, pending, level;
	uint64_t count;
};

static struct line lines[SIM_IRQ_LINES];
static bool enabled = true;
static bool delivering;

bool sim_irq_enabled(void)
{
	return enabled;
}

hal_irq_state_t hal_irq_save(void)
{
	hal_irq_state_t s = enabled;
	enabled = false;
	return s;
}

void hal_irq_restore(hal_irq_state_t state)
{
	enabled = state != 0;
	if (enabled)
		sim_irq_deliver_pending();
}

int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg)
{
	if (line >= SIM_IRQ_LINES || !handler)
		return -1;
	lines[line].handler = handler;
	lines[line].arg = arg;
	lines[line].masked = true;
	lines[line].pending = false;
	return 0;
}

void hal_irq_mask(unsigned line)
{
	if (line < SIM_IRQ_LINES)
		lines[line].masked = true;
}

void hal_irq_unmask(unsigned line)
{
	if (line < SIM_IRQ_LINES) {
		lines[line].masked = false;
		if (enabled)
			sim_irq_deliver_pending();
	}
}

void sim_irq_set_level(unsigned line, bool high)
{
	if (line >= SIM_IRQ_LINES)
		return;
	lines[line].level = high;
	if (high)
		sim_irq_raise(line);
	else
		lines[line].pending = false;
}

uint64_t sim_irq_count(unsigned line)
{
	return line < SIM_IRQ_LINES ? lines[line].count : 0;
}

void sim_irq_raise(unsigned line)
{
	if (line >= SIM_IRQ_LINES)
		return;
	lines[line].pending = true;
	if (enabled)
		sim_irq_deliver_pending();
}

/* Runs the handlers of pending unmasked lines, lowest line first (the
 * line number is its priority), with interrupts off as on a CPU. */
void sim_irq_deliver_pending(void)
{
	if (delivering || !enabled)
		return;
	delivering = true;
	for (unsigned i = 0; i < SIM_IRQ_LINES; i++) {
		struct line *l = &lines[i];
		if ((l->pending || l->level) && !l->masked && l->handler) {
			l->pending = false;
			l->count++;
			sim_time_charge(SIM_COST_IRQ_NS);
			enabled = false;
			l->handler(i, l->arg);
			enabled = true;
			i = (unsigned)-1; /* a handler may raise another */
		}
	}
	delivering = false;
}
