/*
 * model.h - what the visualizer shows, kept in bounded memory: a console
 * scrollback, a history of fixed-width time buckets (interrupts per line,
 * fiber switches, the governor's mode, ring fill), the fiber table as the
 * trace tells it, and counters.  Fed by the live simulator's trace sink
 * or by a replayed trace; drawn by render.c.
 */
#ifndef RUMPK_VIZ_MODEL_H
#define RUMPK_VIZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VM_BUCKET_NS 100000ull /* 0.1 ms per history bucket */
#define VM_HIST      65536u    /* 6.5 s of history */
#define VM_LINES     6         /* interrupt lines tracked (first seen) */
#define VM_RINGS     2
#define VM_SLOTS     64   /* fiber slots (RK_MAX_FIBERS) */
#define VM_CON_LINES 1024 /* console scrollback */
#define VM_CON_COLS  160  /* bytes per stored console line */
#define VM_CON_WRAP  98   /* characters before a line wraps */
#define VM_MODE_NONE 0xff

struct vm_bucket {
	uint64_t index; /* absolute bucket number (tag) */
	uint16_t irqs[VM_LINES];
	uint16_t switches;
	uint8_t mode;                 /* governor mode at the end, or NONE */
	uint16_t ring_fill[VM_RINGS]; /* highest fill seen */
};

struct vm_fiber {
	bool used;
	bool exited;
	char name[24];
	uint64_t id;
	unsigned prio;
	unsigned state; /* enum rk_fiber_state */
	uint64_t switches;
	/* A payload in user mode: 'U' running there (on the simulator in
	 * a process of its own), 'F' faulted; 0 a kernel fiber. */
	char payload;
	unsigned restarts;
};

struct vm_con_line {
	char text[VM_CON_COLS];
	uint16_t len, cols;
	uint8_t kind; /* 0 kernel output, 1 typed by the user */
};

struct viz_model {
	uint64_t t0;          /* time of the first event */
	uint64_t now;         /* latest time seen */
	uint64_t last_bucket; /* newest bucket filled */
	bool started;
	struct vm_bucket *hist; /* VM_HIST buckets */

	unsigned nlines;
	unsigned line_id[VM_LINES]; /* interrupt line of each row */
	uint64_t line_total[VM_LINES];

	uint8_t mode; /* governor mode now, or NONE */
	unsigned gov_line;
	uint64_t war_entries, peace_entries, last_rate;

	bool ring_seen[VM_RINGS];
	uint64_t ring_fill[VM_RINGS], ring_cap[VM_RINGS], ring_peak[VM_RINGS];

	struct vm_fiber fib[VM_SLOTS];
	unsigned current; /* slot running, or 0xff: idle */
	uint64_t switches, events;

	struct vm_con_line *con; /* VM_CON_LINES, a ring */
	uint64_t con_total;      /* lines started so far */
	uint64_t con_bytes;
	bool con_open; /* the newest line is still open */
	int con_kind;
	uint64_t typed;
};

int viz_model_init(struct viz_model *m);
void viz_model_free(struct viz_model *m);
/* One trace event (rumpk/trace.h kinds) at time t; name only for SPAWN,
 * id too. */
void viz_model_event(struct viz_model *m, unsigned kind, uint64_t t, uint64_t a,
                     uint64_t b, uint64_t c, uint64_t id, const char *name);
/* Brings the history up to time t (buckets with no event). */
void viz_model_advance(struct viz_model *m, uint64_t t);
/* A console byte (kind 0: the kernel's output; 1: typed input). */
void viz_model_console(struct viz_model *m, char c, int kind);
/* The bucket for absolute bucket number i, or NULL when it is not in
 * the history. */
const struct vm_bucket *viz_model_bucket(const struct viz_model *m, uint64_t i);
/* Line n counting back from the newest (0 = newest), or NULL. */
const struct vm_con_line *viz_model_con_line(const struct viz_model *m,
                                             uint64_t back);

#endif
