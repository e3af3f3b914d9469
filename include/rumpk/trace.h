/*
 * trace.h - a tiny event-tracing hook in the core, for the simulator's
 * visualizer and for native traces (docs/visualizer.md).
 *
 * The platform installs one sink; every trace point costs one load and one
 * branch while none is installed (the arguments are evaluated only when a
 * sink is there).  The sink timestamps the event itself, so the simulator
 * can read its clock without charging simulated time.
 */
#ifndef RUMPK_TRACE_H
#define RUMPK_TRACE_H

#include <stdint.h>

enum rk_trace_kind {
	/* a = slot switched from (RK_TRACE_IDLE: the idle loop), b = slot
	 * switched to, c = the previous fiber's state (enum rk_fiber_state) */
	RK_TR_SWITCH = 1,
	/* a = new mode (enum rk_gov_mode), b = last rate (events/s),
	 * c = the device's interrupt line */
	RK_TR_GOV = 2,
	/* a = interrupt line (RK_TRACE_TIMER: the one-shot timer) */
	RK_TR_IRQ = 3,
	/* a = ring number, b = slots in use, c = capacity */
	RK_TR_RING = 4,
	/* a = slot, b = priority, c = (uintptr_t)the fiber (its id and
	 * name are read by the sink during the call) */
	RK_TR_SPAWN = 5,
	/* a = slot of a payload's fiber, b = what (enum rk_trace_payload),
	 * c = its status (FAULT) or restart count (RESTART) */
	RK_TR_PAYLOAD = 6,
};

/* What happened to a payload in user mode (RK_TR_PAYLOAD's b). */
enum rk_trace_payload {
	RK_TRP_USER = 0,    /* entered user mode (the simulator: its process) */
	RK_TRP_FAULT = 1,   /* faulted, contained */
	RK_TRP_RESTART = 2, /* started again from its verified copy */
};

#define RK_TRACE_IDLE  0xffu /* "slot" of the idle loop */
#define RK_TRACE_TIMER 0xffu /* "line" of the timer interrupt */

typedef void (*rk_trace_sink_fn)(unsigned kind, uint64_t a, uint64_t b,
                                 uint64_t c);

extern rk_trace_sink_fn rk_trace_sink;

/* Installs (or with NULL removes) the sink. */
void rk_trace_set_sink(rk_trace_sink_fn fn);

/* A sink that writes each event as one framed line on the console:
 * "\x1e" kind-letter, then hex fields, "\n" (docs/visualizer.md).  The
 * core installs it when the boot command line has the word `trace`. */
void rk_trace_console_sink(unsigned kind, uint64_t a, uint64_t b, uint64_t c);

/* `trace=buffer`: events are kept in memory (2 MiB) and framed on the
 * console when it is full and at rk_trace_flush (rk_kmain's end).  0,
 * or -1 when the memory cannot be had. */
int rk_trace_buffer_start(void);
void rk_trace_flush(void);

#define rk_trace_emit(kind, a, b, c)                                           \
	do {                                                                   \
		rk_trace_sink_fn rk_tr_s_ = rk_trace_sink;                     \
		if (__builtin_expect(rk_tr_s_ != 0, 0))                        \
			rk_tr_s_((kind), (uint64_t)(a), (uint64_t)(b),         \
			         (uint64_t)(c));                               \
	} while (0)

#endif
