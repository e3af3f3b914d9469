/*
 * sim.h - what the simulator's HAL files share with each other and with
 * main.c.  Not part of the core: the core sees only hal.h.
 */
#ifndef RUMPK_SIM_H
#define RUMPK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_IRQ_LINES 32

/* Interrupt controller (hal_irq.c): a device raises a line; the handler
 * runs at once when the line is unmasked and interrupts are enabled,
 * otherwise the line stays pending until both hold. */
void sim_irq_raise(unsigned line);
bool sim_irq_enabled(void);
void sim_irq_deliver_pending(void);

/* Timer (hal_time.c): fires rk_timer_isr when the deadline passed. */
void sim_timer_poll(void);
uint64_t sim_timer_deadline(void);

/* Memory (hal_mem.c). */
size_t sim_page_size(void);

/* Traps (trap.c): installs the fatal-signal handlers. */
void sim_trap_init(void);

/* Console output flush before exit. */
void sim_console_flush(void);

#endif
