/*
 * sched.c - LWKT-style cooperative scheduler: per-CPU run queues with 32
 * priorities and a bitmap, wait queues with timeouts, a sorted sleep list
 * driven by the one-shot HAL timer, and stack canaries checked at every
 * switch.  Every queue operation runs with interrupts off so that
 * interrupt handlers may wake fibers (never switch them).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/siphash.h>
#include <rumpk/status.h>
#include <rumpk/trace.h>

/* Written over the lowest bytes of every fiber stack; an overflow that
 * reaches them is caught at the next switch.  The second line of defence:
 * every platform maps no page below a fiber stack (hal_stack_alloc), and
 * a write that runs into that guard page faults at once; the canary
 * catches what skips over it or stops short of it. */
#define CANARY_WORDS 8
#define CANARY_VALUE 0x5a17c0defacade55ull

struct rk_cpu {
	struct rk_list runq[RK_PRIO_COUNT];
	uint32_t bitmap;          /* bit p set: runq[p] not empty */
	struct rk_fiber *current; /* NULL: the boot (idle) context */
	struct hal_ctx *boot_ctx;
	struct rk_list sleepers;   /* ordered by wake_at */
	struct rk_fiber *dead;     /* exited, stack still to free */
	hal_irq_state_t start_irq; /* state a new fiber starts with */
	unsigned live;             /* spawned and not yet exited */
	uint64_t spawned;          /* counter for fiber IDs */
	uint64_t switches, idles;
	/* User mode is preemptible: the end of the running payload's time
	 * slice (UINT64_MAX: none), and whether it passed. */
	uint64_t slice_end;
	bool preempt;
};

static struct rk_cpu cpu0;
static struct rk_fiber fibers[RK_MAX_FIBERS];

void rk_sched_init(void)
{
	rk_memset(&cpu0, 0, sizeof(cpu0));
	for (unsigned p = 0; p < RK_PRIO_COUNT; p++)
		rk_list_init(&cpu0.runq[p]);
	rk_list_init(&cpu0.sleepers);
	cpu0.slice_end = UINT64_MAX;
	rk_memset(fibers, 0, sizeof(fibers));
	cpu0.boot_ctx = hal_ctx_boot();
}

static void canary_set(struct rk_fiber *f)
{
	uint64_t *w = f->stack;
	for (unsigned i = 0; i < CANARY_WORDS; i++)
		w[i] = CANARY_VALUE;
}

static void canary_check(const struct rk_fiber *f)
{
	const volatile uint64_t *w = f->stack;
	for (unsigned i = 0; i < CANARY_WORDS; i++) {
		if (w[i] != CANARY_VALUE) {
			(void)hal_irq_save();
			rk_printf("\n[PANIC] stack overflow in fiber '%s' "
			          "(id %016llx, stack %zu bytes)\n",
			          f->name, (unsigned long long)f->id,
			          f->stack_size);
			hal_exit(RK_EXIT_STACK);
		}
	}
}

static void runq_push(struct rk_fiber *f)
{
	f->state = RK_FIBER_RUNNABLE;
	rk_list_push_back(&cpu0.runq[f->prio], &f->link);
	cpu0.bitmap |= 1u << f->prio;
}

static struct rk_fiber *runq_pop(unsigned min_prio)
{
	if (!cpu0.bitmap)
		return NULL;
	unsigned p = 31u - (unsigned)__builtin_clz(cpu0.bitmap);
	if (p < min_prio)
		return NULL;
	struct rk_list *n = rk_list_pop_front(&cpu0.runq[p]);
	if (rk_list_empty(&cpu0.runq[p]))
		cpu0.bitmap &= ~(1u << p);
	return RK_CONTAINER_OF(n, struct rk_fiber, link);
}

static void free_fiber(struct rk_fiber *f)
{
	hal_stack_free(f->stack, f->stack_size);
	f->stack = NULL;
	f->state = RK_FIBER_FREE;
}

/* Runs after every switch, on the stack of whoever was switched in:
 * the stack of an exited fiber can only be freed once we are off it. */
static void reap(void)
{
	struct rk_fiber *d = cpu0.dead;
	if (d && d != cpu0.current) {
		cpu0.dead = NULL;
		free_fiber(d);
	}
}

unsigned rk_fiber_slot(const struct rk_fiber *f)
{
	return (unsigned)(f - fibers);
}

/* The one-shot timer serves the first sleeper and the time slice of a
 * payload in user mode, whichever comes first. */
static void arm_timer(void)
{
	uint64_t t = cpu0.slice_end;
	if (!rk_list_empty(&cpu0.sleepers)) {
		uint64_t w = RK_CONTAINER_OF(cpu0.sleepers.next,
		                             struct rk_fiber, sleeplink)
		                 ->wake_at;
		t = RK_MIN(t, w);
	}
	hal_timer_arm(t);
}

/* Where traps from user mode may start on f's stack: just below the
 * saved context hal_ctx_init carved from its top, which must survive. */
void *rk_fiber_kstack_top(const struct rk_fiber *f)
{
	return (void *)((uintptr_t)f->ctx & ~(uintptr_t)15);
}

static void switch_to(struct rk_fiber *next, hal_irq_state_t irq)
{
	struct rk_fiber *prev = cpu0.current;

	if (prev == next)
		return;
	if (prev)
		canary_check(prev);
	cpu0.current = next;
	cpu0.switches++;
	cpu0.start_irq = irq;
	if (next)
		next->switches++;
	/* A payload's address space and the kernel stack its traps land
	 * on; a kernel fiber gets the kernel's own tables.  A payload's
	 * CPU time is counted (its budget) and it gets a fresh slice. */
	if (hal_user_mode &&
	    ((prev && prev->uspace) || (next && next->uspace))) {
		uint64_t now = hal_now_ns();
		if (prev && prev->uspace)
			prev->cpu_ns += now - prev->ran_since;
		cpu0.preempt = false;
		cpu0.slice_end = UINT64_MAX;
		if (next && next->uspace) {
			next->ran_since = now;
			cpu0.slice_end = now + RK_USER_SLICE_NS;
		}
		arm_timer();
		hal_uspace_switch(next ? next->uspace : NULL,
		                  next ? rk_fiber_kstack_top(next) : NULL);
	}
	rk_trace_emit(RK_TR_SWITCH, prev ? prev - fibers : RK_TRACE_IDLE,
	              next ? next - fibers : RK_TRACE_IDLE,
	              prev ? prev->state : 0);
	hal_ctx_switch(prev ? prev->ctx : cpu0.boot_ctx,
	               next ? next->ctx : cpu0.boot_ctx);
	reap();
}

static void sleep_insert(struct rk_fiber *f)
{
	struct rk_list *pos = cpu0.sleepers.next;

	while (pos != &cpu0.sleepers &&
	       RK_CONTAINER_OF(pos, struct rk_fiber, sleeplink)->wake_at <=
	           f->wake_at)
		pos = pos->next;
	rk_list_insert_before(pos, &f->sleeplink);
	if (cpu0.sleepers.next == &f->sleeplink)
		arm_timer();
}

static void make_runnable(struct rk_fiber *f)
{
	if (rk_list_linked(&f->sleeplink))
		rk_list_remove(&f->sleeplink);
	if (f->waitq) {
		rk_list_remove(&f->link);
		f->waitq = NULL;
	}
	runq_push(f);
}

/* Wakes every sleeper whose deadline has passed and re-arms the timer
 * for the next one. */
static void wake_expired(uint64_t now)
{
	while (!rk_list_empty(&cpu0.sleepers)) {
		struct rk_fiber *f = RK_CONTAINER_OF(
		    cpu0.sleepers.next, struct rk_fiber, sleeplink);
		if (f->wake_at > now)
			break;
		f->timed_out = f->waitq != NULL;
		make_runnable(f);
	}
	if (now >= cpu0.slice_end) {
		cpu0.preempt = true;
		/* The next tick, a slice from now: this interrupt may have
		 * come in kernel mode (the slice ran out on the way into
		 * user mode, on a slow or loaded host), where nothing looks
		 * at preempt; the payload would then spin with no timer
		 * armed and no budget checked.  The next interrupt in user
		 * mode takes the CPU back (rk_user_return). */
		cpu0.slice_end = now + RK_USER_SLICE_NS;
	}
	arm_timer();
}

void rk_timer_isr(void)
{
	hal_irq_state_t s = hal_irq_save();
	rk_trace_emit(RK_TR_IRQ, RK_TRACE_TIMER, 0, 0);
	wake_expired(hal_now_ns());
	hal_irq_restore(s);
}

static void fiber_start(void *arg)
{
	struct rk_fiber *f = arg;

	reap();
	hal_irq_restore(cpu0.start_irq);
	f->entry(f->arg);
	rk_fiber_exit(0);
}

struct rk_fiber *rk_fiber_spawn(const char *name, unsigned prio,
                                void (*entry)(void *), void *arg,
                                size_t stack_size, bool joinable)
{
	if (prio > RK_PRIO_MAX || !entry)
		return NULL;
	if (stack_size == 0)
		stack_size = RK_STACK_DEFAULT;

	hal_irq_state_t s = hal_irq_save();
	struct rk_fiber *f = NULL;
	for (unsigned i = 0; i < RK_MAX_FIBERS; i++) {
		if (fibers[i].state == RK_FIBER_FREE &&
		    fibers[i].stack == NULL) {
			f = &fibers[i];
			break;
		}
	}
	if (!f) {
		hal_irq_restore(s);
		return NULL;
	}
	/* Claim the slot before the allocation can reschedule anything. */
	f->state = RK_FIBER_BLOCKED;
	hal_irq_restore(s);

	void *stack = hal_stack_alloc(stack_size);
	if (!stack) {
		f->state = RK_FIBER_FREE;
		return NULL;
	}
	rk_memset(f, 0, sizeof(*f));
	f->stack = stack;
	f->stack_size = stack_size;
	rk_strlcpy(f->name, name ? name : "fiber", sizeof(f->name));
	f->prio = (uint8_t)prio;
	f->entry = entry;
	f->arg = arg;
	f->joinable = joinable;
	rk_waitq_init(&f->joinq);
	canary_set(f);
	f->ctx = hal_ctx_init(stack, stack_size, fiber_start, f);

	s = hal_irq_save();
	f->id = rk_id_make(RK_ID_FIBER, ++cpu0.spawned);
	cpu0.live++;
	rk_trace_emit(RK_TR_SPAWN, f - fibers, prio, (uintptr_t)f);
	runq_push(f);
	hal_irq_restore(s);
	return f;
}

_Noreturn void rk_fiber_exit(int64_t code)
{
	struct rk_fiber *cur = cpu0.current;
	RK_ASSERT(cur != NULL);

	hal_irq_state_t s = hal_irq_save();
	cur->exit_code = code;
	cur->state = RK_FIBER_ZOMBIE;
	cpu0.live--;
	if (cur->joinable)
		rk_waitq_wake_all(&cur->joinq);
	else
		cpu0.dead = cur;
	switch_to(runq_pop(0), s);
	rk_panic("exited fiber '%s' was resumed", cur->name);
}

int64_t rk_fiber_join(struct rk_fiber *f)
{
	RK_ASSERT(f && f->joinable && f != cpu0.current);
	while (f->state != RK_FIBER_ZOMBIE)
		rk_waitq_wait(&f->joinq, RK_FOREVER);
	int64_t code = f->exit_code;
	hal_irq_state_t s = hal_irq_save();
	free_fiber(f);
	hal_irq_restore(s);
	return code;
}

struct rk_fiber *rk_fiber_current(void)
{
	return cpu0.current;
}

struct rk_fiber *rk_fiber_by_guard(uintptr_t addr, size_t guard_size)
{
	for (unsigned i = 0; i < RK_MAX_FIBERS; i++) {
		uintptr_t lo = (uintptr_t)fibers[i].stack;
		if (fibers[i].state != RK_FIBER_FREE && lo &&
		    addr < lo + CANARY_WORDS * sizeof(uint64_t) &&
		    addr + guard_size >= lo)
			return &fibers[i];
	}
	return NULL;
}

bool rk_sched_should_yield(bool to_equal)
{
	struct rk_fiber *cur = cpu0.current;
	hal_irq_state_t s = hal_irq_save();
	unsigned top =
	    cpu0.bitmap ? 31u - (unsigned)__builtin_clz(cpu0.bitmap) : 0;
	bool yes = cur && cpu0.bitmap &&
	           (top > cur->prio || (to_equal && top == cur->prio));
	if (cpu0.preempt) {
		/* The slice is over: to the back of the line, even when
		 * nobody waits (then a new slice starts at once). */
		yes = true;
		cpu0.preempt = false;
		if (cur && cur->uspace)
			cpu0.slice_end = hal_now_ns() + RK_USER_SLICE_NS;
		arm_timer();
	}
	hal_irq_restore(s);
	return yes;
}

uint64_t rk_fiber_cpu_ns(const struct rk_fiber *f)
{
	uint64_t t = f->cpu_ns;
	if (f == cpu0.current && f->uspace)
		t += hal_now_ns() - f->ran_since;
	return t;
}

void rk_yield(void)
{
	hal_irq_state_t s = hal_irq_save();
	struct rk_fiber *cur = cpu0.current;

	if (!rk_list_empty(&cpu0.sleepers))
		wake_expired(hal_now_ns());
	/* Strict priorities: a yield hands the CPU only to fibers of the
	 * same or a higher priority. */
	if (cur) {
		struct rk_fiber *next = runq_pop(cur->prio);
		if (next) {
			runq_push(cur);
			switch_to(next, s);
		}
	}
	hal_irq_restore(s);
}

/* The current fiber is already queued somewhere (or on nothing, if it
 * exits); run the next one, or go back to the idle loop. */
static void block_current(hal_irq_state_t s)
{
	cpu0.current->state = RK_FIBER_BLOCKED;
	switch_to(runq_pop(0), s);
}

static uint64_t deadline_after(uint64_t ns)
{
	uint64_t now = hal_now_ns();
	return ns > UINT64_MAX - now ? UINT64_MAX - 1 : now + ns;
}

void rk_sleep_ns(uint64_t ns)
{
	struct rk_fiber *cur = cpu0.current;
	RK_ASSERT(cur != NULL);

	hal_irq_state_t s = hal_irq_save();
	cur->waitq = NULL;
	cur->wake_at = deadline_after(ns);
	sleep_insert(cur);
	block_current(s);
	hal_irq_restore(s);
}

void rk_waitq_init(struct rk_waitq *q)
{
	rk_list_init(&q->waiters);
}

int rk_waitq_wait(struct rk_waitq *q, uint64_t timeout_ns)
{
	struct rk_fiber *cur = cpu0.current;
	RK_ASSERT(cur != NULL);

	if (timeout_ns == 0)
		return -1;
	hal_irq_state_t s = hal_irq_save();
	cur->timed_out = false;
	cur->waitq = q;
	rk_list_push_back(&q->waiters, &cur->link);
	if (timeout_ns != RK_FOREVER) {
		cur->wake_at = deadline_after(timeout_ns);
		sleep_insert(cur);
	}
	block_current(s);
	bool timed_out = cur->timed_out;
	hal_irq_restore(s);
	return timed_out ? -1 : 0;
}

static unsigned wake(struct rk_waitq *q, unsigned max)
{
	unsigned n = 0;
	hal_irq_state_t s = hal_irq_save();

	while (n < max && !rk_list_empty(&q->waiters)) {
		struct rk_fiber *f =
		    RK_CONTAINER_OF(q->waiters.next, struct rk_fiber, link);
		f->timed_out = false;
		make_runnable(f);
		n++;
	}
	hal_irq_restore(s);
	return n;
}

unsigned rk_waitq_wake_one(struct rk_waitq *q)
{
	return wake(q, 1);
}

unsigned rk_waitq_wake_all(struct rk_waitq *q)
{
	return wake(q, ~0u);
}

static unsigned external_sources;

void rk_sched_hold(void)
{
	hal_irq_state_t s = hal_irq_save();
	external_sources++;
	hal_irq_restore(s);
}

void rk_sched_release(void)
{
	hal_irq_state_t s = hal_irq_save();
	RK_ASSERT(external_sources > 0);
	external_sources--;
	hal_irq_restore(s);
}

unsigned rk_sched_run(void)
{
	RK_ASSERT(cpu0.current == NULL);
	for (;;) {
		hal_irq_state_t s = hal_irq_save();
		reap();
		if (!rk_list_empty(&cpu0.sleepers))
			wake_expired(hal_now_ns());
		struct rk_fiber *next = runq_pop(0);
		if (next) {
			switch_to(next, s);
			hal_irq_restore(s);
			continue;
		}
		if (cpu0.live == 0) {
			hal_irq_restore(s);
			return 0;
		}
		if (rk_list_empty(&cpu0.sleepers) && external_sources == 0) {
			/* Everyone waits for something nobody will do. */
			unsigned stuck = cpu0.live;
			hal_irq_restore(s);
			return stuck;
		}
		cpu0.idles++;
		hal_idle();
		hal_irq_restore(s);
	}
}

void rk_sched_stats(struct rk_sched_stats *out)
{
	out->switches = cpu0.switches;
	out->idles = cpu0.idles;
	out->live = cpu0.live;
}

void rk_sched_foreach(void (*fn)(const struct rk_fiber *, void *), void *arg)
{
	for (unsigned i = 0; i < RK_MAX_FIBERS; i++)
		if (fibers[i].state != RK_FIBER_FREE)
			fn(&fibers[i], arg);
}
