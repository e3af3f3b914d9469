/*
 * sched.h - the LWKT-style cooperative fiber scheduler.
 *
 * One run queue per CPU (one CPU today) with 32 fixed priorities and a
 * bitmap; round robin inside a priority.  A fiber runs until it yields,
 * sleeps, blocks on a wait queue or exits.  Interrupt handlers never switch
 * fibers: they make fibers runnable (rk_waitq_wake_*), and the switch
 * happens at the next scheduling point.
 */
#ifndef RUMPK_SCHED_H
#define RUMPK_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/list.h>

#define RK_PRIO_COUNT    32
#define RK_PRIO_MAX      31 /* runs first */
#define RK_PRIO_NORMAL   16
#define RK_PRIO_LOW      1
#define RK_MAX_FIBERS    64
#define RK_FIBER_NAME    40
#define RK_STACK_DEFAULT (64u * 1024u)

enum rk_fiber_state {
	RK_FIBER_FREE = 0,
	RK_FIBER_RUNNABLE, /* in a run queue, or running */
	RK_FIBER_BLOCKED,  /* on a wait queue and/or the sleep list */
	RK_FIBER_ZOMBIE,   /* exited, waiting to be joined */
};

struct rk_waitq {
	struct rk_list waiters;
};

struct hal_ctx;

struct rk_fiber {
	struct hal_ctx *ctx;
	uint64_t id;
	char name[RK_FIBER_NAME];
	uint8_t prio;
	uint8_t state;
	bool joinable;
	bool timed_out;
	void (*entry)(void *);
	void *arg;
	void *stack;
	size_t stack_size;
	struct rk_list link;      /* run queue or wait queue */
	struct rk_list sleeplink; /* sleep list, ordered by wake_at */
	uint64_t wake_at;
	struct rk_waitq *waitq; /* the queue it blocks on, if any */
	struct rk_waitq joinq;  /* woken when it exits */
	int64_t exit_code;
	uint64_t switches; /* times it was switched in */
	void *user;        /* owner's context (the payload runner) */
	/* The payload's address space (hal.h user mode), NULL for kernel
	 * fibers; the scheduler loads it when the fiber runs. */
	struct hal_uspace *uspace;
	uint64_t cpu_ns;    /* CPU time so far, for payloads (budgets) */
	uint64_t ran_since; /* when it was last switched in */
};

/* Called once by rk_kmain before any other scheduler call. */
void rk_sched_init(void);
/* Runs fibers until none is left; returns the number of fibers that were
 * still blocked with nothing left that could wake them (0 normally). */
unsigned rk_sched_run(void);

struct rk_fiber *rk_fiber_spawn(const char *name, unsigned prio,
                                void (*entry)(void *), void *arg,
                                size_t stack_size, bool joinable);
_Noreturn void rk_fiber_exit(int64_t code);
/* Waits for a joinable fiber to exit and frees it; returns its code. */
int64_t rk_fiber_join(struct rk_fiber *f);
struct rk_fiber *rk_fiber_current(void); /* NULL outside fibers */
/* f's slot in the fiber table (the trace's name for it). */
unsigned rk_fiber_slot(const struct rk_fiber *f);
/* The top of f's kernel stack for traps from user mode (below its saved
 * context). */
void *rk_fiber_kstack_top(const struct rk_fiber *f);
/* The fiber whose stack guard contains addr, or NULL (trap reports). */
struct rk_fiber *rk_fiber_by_guard(uintptr_t addr, size_t guard_size);

/* A driver with an interrupt that can wake fibers holds the scheduler:
 * rk_sched_run() then idles instead of declaring a deadlock. */
void rk_sched_hold(void);
void rk_sched_release(void);

void rk_yield(void);
/* Should the current fiber give up the CPU now: a fiber of higher
 * priority waits, or one of the same priority does (when to_equal), or
 * (a payload in user mode) its time slice is over? */
bool rk_sched_should_yield(bool to_equal);
/* A payload in user mode may run this long before the timer takes the
 * CPU back at its next interrupt (docs/isolation.md). */
#define RK_USER_SLICE_NS (10ull * 1000 * 1000)
/* The CPU time a payload's fiber has used so far. */
uint64_t rk_fiber_cpu_ns(const struct rk_fiber *f);
void rk_sleep_ns(uint64_t ns);

void rk_waitq_init(struct rk_waitq *q);
/* Blocks until woken (returns 0) or timeout_ns passed (returns -1).
 * timeout_ns == RK_FOREVER waits without a deadline. */
#define RK_FOREVER UINT64_MAX
int rk_waitq_wait(struct rk_waitq *q, uint64_t timeout_ns);
/* Safe from interrupt handlers.  Return how many fibers were woken. */
unsigned rk_waitq_wake_one(struct rk_waitq *q);
unsigned rk_waitq_wake_all(struct rk_waitq *q);

struct rk_sched_stats {
	uint64_t switches;
	uint64_t idles;
	unsigned live;
};
void rk_sched_stats(struct rk_sched_stats *out);
/* Calls fn for every live fiber (visualizer, debug dumps). */
void rk_sched_foreach(void (*fn)(const struct rk_fiber *, void *), void *arg);

#endif
