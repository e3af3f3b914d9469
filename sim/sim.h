/*
 * sim.h - what the simulator's HAL files share with each other and with
 * main.c.  Not part of the core: the core sees only hal.h.  Memory and
 * the console are the host programs' shared pieces (host/host_hal.h).
 */
#ifndef RUMPK_SIM_H
#define RUMPK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_IRQ_LINES 32
#define SIM_UART_IRQ  4 /* as COM1 */

/* A traffic profile: piecewise-constant event rates, optionally
 * repeating every period_ms, ending at end_ns (0: never). */
#define SIM_PROFILE_STEPS 64
struct sim_profile {
	struct {
		uint64_t from_ms;
		uint64_t rate; /* events per second */
	} steps[SIM_PROFILE_STEPS];
	unsigned nsteps;
	uint64_t period_ms;
	uint64_t end_ns;
};
/* quiet | burst | flood | FILE ("<ms> <events per second>" lines).
 * 0, or -1 with the reason in err. */
int sim_profile_load(const char *spec, struct sim_profile *p, char *err,
                     size_t errlen);

/* The console UART's receive side (uart_sim.c).  sim_uart_init attaches
 * it to the clock (rumpk-sim's main, before the boot). */
void sim_uart_init(void);
void sim_uart_set_profile(const struct sim_profile *p, uint64_t seed);
uint64_t sim_uart_generated(void);

/* Time (hal_time.c): real time, or deterministic simulated time that
 * moves only when every fiber is idle, plus a small cost charged for
 * each device access and interrupt so busy loops progress. */
enum sim_time_mode { SIM_TIME_REAL = 0, SIM_TIME_SIM = 1 };
void sim_time_set_mode(enum sim_time_mode m);
enum sim_time_mode sim_time_mode(void);
void sim_time_charge(uint64_t ns);
/* Simulated time: jump forward to t (the idle loop); real time: no-op. */
void sim_time_advance_to(uint64_t t);
#define SIM_COST_IRQ_NS   2000 /* interrupt entry, controller, exit */
#define SIM_COST_MMIO_NS  100  /* one device register access */
#define SIM_COST_CLOCK_NS 20   /* reading the clock */

/* A device whose events happen in time attaches to the clock with two
 * hooks, so the clock (and the idle loop) need not know it. */
struct sim_device {
	/* When the next event is due: 0 at once, UINT64_MAX never (or not
	 * before the driver makes room). */
	uint64_t (*next_event)(void);
	/* Emit every event due by now. */
	void (*tick)(uint64_t now);
};
void sim_clock_attach(const struct sim_device *dev);
/* The earliest next event of the attached devices. */
uint64_t sim_clock_next_event(void);
/* Lets every device emit what is due, then fires rk_timer_isr when the
 * timer's deadline passed. */
void sim_clock_tick(void);

/* Interrupt controller (hal_irq.c): a device raises a line; the handler
 * runs at once when the line is unmasked and interrupts are enabled,
 * otherwise the line stays pending until both hold. */
void sim_irq_raise(unsigned line);
/* Level-triggered lines: pending while the level is high. */
void sim_irq_set_level(unsigned line, bool high);
/* Counters for --stats and the visualizer. */
uint64_t sim_irq_count(unsigned line);
bool sim_irq_enabled(void);
void sim_irq_deliver_pending(void);

/* Timer (hal_time.c): the deadline hal_timer_arm set, or UINT64_MAX. */
uint64_t sim_timer_deadline(void);

/* Traps (trap.c): installs the fatal-signal handlers. */
void sim_trap_init(void);

/* ---- visualizer hooks (sim/viz/, docs/visualizer.md) ----------------
 * NULL unless rumpk-sim runs with --viz*: then the idle loop calls
 * sim_idle_hook first (render, pause, pace simulated time); every console
 * byte goes to host_console_tap (host_hal.h) as well as to stdout. */
extern void (*sim_idle_hook)(void);
/* NULL unless the visualizer is on: called while the kernel waits for a
 * payload's process that computes (sim/hal_user.c, every few
 * milliseconds at most), so the window keeps drawing and a timed
 * snapshot is taken even while no fiber idles.  Draws, never paces. */
extern void (*sim_busy_hook)(void);
/* The clock without the cost a read charges in simulated time. */
uint64_t sim_time_peek(void);
/* Typed bytes into the UART's receive side, queued behind its FIFO (flow
 * control applies); returns how many were queued. */
size_t sim_uart_inject(const uint8_t *bytes, size_t n);
/* Bytes the FIFO holds now, and queued injected bytes. */
unsigned sim_uart_fifo_level(void);
size_t sim_uart_injected_pending(void);

/* The persistent store (hal_store.c): --state FILE.  A new file gets
 * SIM_STORE_BYTES; an existing one must hold at least two slots. */
#define SIM_STORE_BYTES     (64u * 1024u)
#define SIM_STORE_MIN_BYTES (2u * 4096u)
/* Opens path (creating it blank); slow_us: a wait after each block
 * written (power-cut tests).  0, or -1 with the reason in err. */
int sim_store_open(const char *path, uint64_t slow_us, char *err, size_t cap);

#endif
