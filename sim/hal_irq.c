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
	bool masked, pending;
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
		if (l->pending && !l->masked && l->handler) {
			l->pending = false;
			enabled = false;
			l->handler(i, l->arg);
			enabled = true;
			i = (unsigned)-1; /* a handler may raise another */
		}
	}
	delivering = false;
}
