/*
 * viz.c - the live view of the simulated kernel (viz.h).  The core's
 * trace sink feeds the model (model.c); the simulator's idle loop calls
 * us between scheduler steps: at most every 16 ms of real time we handle
 * the window's events and draw; while paused we stay there (simulated
 * time cannot move); with a finite speed we hold simulated time to that
 * many simulated seconds per real second.  Typed bytes go to the
 * simulated UART's receive side.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rumpk/sched.h>
#include <rumpk/trace.h>

#include "../sim.h"
#include "host_hal.h"
#include "ui.h"
#include "viz.h"

#define FRAME_NS   16000000ull /* ~60 frames per second at most */
#define BURST_SIZE 2048        /* bytes one F8 press pushes into the UART */

static struct viz_model M;
static struct viz_view V;
static struct viz_ui U;
static struct {
	bool on;
	const char *snapshot;
	uint64_t after_ns;
	bool snap_done, snap_failed;
	uint64_t last_frame;
	uint64_t pace_sim, pace_real; /* pacing base */
	int status;                   /* the kernel's, once it returned */
	bool finished;
} L;

static void sink(unsigned kind, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t t = sim_time_peek();
	if (kind == RK_TR_SPAWN) {
		const struct rk_fiber *f =
		    (const struct rk_fiber *)(uintptr_t)c;
		viz_model_event(&M, kind, t, a, b, c, f->id, f->name);
	} else {
		viz_model_event(&M, kind, t, a, b, c, 0, NULL);
	}
}

static void tap(char c)
{
	viz_model_console(&M, c, 0);
}

struct rows_ctx {
	struct viz_view *v;
};

static void add_row(const struct rk_fiber *f, void *arg)
{
	struct viz_view *v = ((struct rows_ctx *)arg)->v;
	if (v->nrows == sizeof(v->rows) / sizeof(v->rows[0]))
		return;
	struct viz_row *r = &v->rows[v->nrows++];
	memset(r, 0, sizeof(*r));
	r->slot = v->nrows - 1;
	for (unsigned s = 0; s < VM_SLOTS; s++) /* the slot the trace saw */
		if (M.fib[s].used && M.fib[s].id == f->id)
			r->slot = s;
	/* The table shows as much of the name as its column holds. */
	memcpy(r->name, f->name, strnlen(f->name, sizeof(r->name) - 1));
	r->id = f->id;
	r->prio = f->prio;
	r->state = f->state;
	r->switches = f->switches;
	r->running = f == rk_fiber_current();
	if (M.fib[r->slot].used && M.fib[r->slot].id == f->id) {
		r->payload = M.fib[r->slot].payload;
		r->restarts = M.fib[r->slot].restarts;
	}
}

static void build_view(void)
{
	struct rk_sched_stats st;
	bool simt = sim_time_mode() == SIM_TIME_SIM;

	V.nrows = 0;
	V.ncounters = 0;
	struct rows_ctx rc = {&V};
	rk_sched_foreach(add_row, &rc);
	/* Fibers the trace saw that are gone now (exited and freed). */
	for (unsigned s = 0; s < VM_SLOTS && V.nrows < 64; s++) {
		const struct vm_fiber *f = &M.fib[s];
		bool live = false;
		for (unsigned i = 0; i < V.nrows && !live; i++)
			live = V.rows[i].id == f->id;
		if (!f->used || live)
			continue;
		struct viz_row *r = &V.rows[V.nrows++];
		memset(r, 0, sizeof(*r));
		r->slot = s;
		/* The table shows as much of the name as its column holds. */
		memcpy(r->name, f->name, strnlen(f->name, sizeof(r->name) - 1));
		r->id = f->id;
		r->prio = f->prio;
		r->switches = f->switches;
		r->exited = true;
		r->payload = f->payload;
		r->restarts = f->restarts;
	}
	snprintf(V.title, sizeof(V.title), "live simulator (%s time)",
	         simt ? "simulated" : "real");
	if (L.finished)
		snprintf(V.status, sizeof(V.status), "kernel exited: status %d",
		         L.status);
	else
		snprintf(V.status, sizeof(V.status), "%s",
		         U.paused ? "PAUSED (F5)" : "running");

	rk_sched_stats(&st);
	viz_counter(&V, "kernel time", "%.3f ms",
	            (double)sim_time_peek() / 1e6);
	viz_counter(&V, "speed", "%s",
	            !U.win ? "max (headless)"
	            : simt ? viz_speed_name(&U)
	                   : "real time");
	viz_counter(&V, "fiber switches", "%llu",
	            (unsigned long long)st.switches);
	viz_counter(&V, "idle entries", "%llu", (unsigned long long)st.idles);
	viz_counter(&V, "live fibers", "%u", st.live);
	for (unsigned i = 0; i < M.nlines; i++) {
		char label[20];
		if (M.line_id[i] == RK_TRACE_TIMER)
			snprintf(label, sizeof(label), "timer irqs");
		else
			snprintf(label, sizeof(label), "irq %u%s", M.line_id[i],
			         M.line_id[i] == SIM_UART_IRQ ? " (uart)" : "");
		viz_counter(&V, label, "%llu",
		            (unsigned long long)M.line_total[i]);
	}
	viz_counter(&V, "uart generated", "%llu",
	            (unsigned long long)sim_uart_generated());
	viz_counter(&V, "uart fifo", "%u/64", sim_uart_fifo_level());
	viz_counter(&V, "typed, queued", "%llu, %zu",
	            (unsigned long long)M.typed, sim_uart_injected_pending());
	viz_counter(&V, "governor", "%s",
	            M.mode == VM_MODE_NONE ? "-"
	            : M.mode               ? "WAR"
	                                   : "PEACE");
	viz_counter(&V, "war/peace in", "%llu/%llu",
	            (unsigned long long)M.war_entries,
	            (unsigned long long)M.peace_entries);
	viz_counter(&V, "rate at switch", "%llu/s",
	            (unsigned long long)M.last_rate);
	if (M.ring_seen[0])
		viz_counter(&V, "ring 0 fill", "%llu/%llu",
		            (unsigned long long)M.ring_fill[0],
		            (unsigned long long)M.ring_cap[0]);
	viz_counter(&V, "console lines", "%llu",
	            (unsigned long long)M.con_total);
	viz_counter(&V, "trace events", "%llu", (unsigned long long)M.events);
	if (U.win)
		viz_counter(&V, "frames drawn", "%llu (%.1f ms)",
		            (unsigned long long)U.frames, U.render_ms);
}

static void snapshot(void)
{
	viz_model_advance(&M, sim_time_peek());
	build_view();
	L.snap_done = true;
	if (viz_ui_save(&U, &M, &V, L.snapshot) != 0)
		L.snap_failed = true;
}

/* --viz-after-ms: the snapshot once simulated time t reaches it. */
static void snapshot_if_due(uint64_t t)
{
	if (L.snapshot && !L.snap_done && L.after_ns && t >= L.after_ns)
		snapshot();
}

/* Typed bytes and F8 bursts into the simulated UART. */
static void take_input(void)
{
	if (U.ntyped) {
		size_t n = sim_uart_inject(U.typed, U.ntyped);
		for (size_t i = 0; i < n; i++) /* local echo, in green */
			viz_model_console(
			    &M, U.typed[i] == '\b' ? '~' : (char)U.typed[i], 1);
		M.typed += n;
		U.ntyped = 0;
	}
	while (U.bursts) {
		/* A burst: more bytes at once than Peace handles one
		 * interrupt at a time, so the governor goes to War. */
		static uint8_t burst[BURST_SIZE];
		for (unsigned i = 0; i < BURST_SIZE; i++)
			burst[i] = (uint8_t)('A' + i % 26);
		sim_uart_inject(burst, BURST_SIZE);
		U.bursts--;
	}
}

static void frame(void)
{
	viz_ui_poll(&U);
	take_input();
	if (U.closed && !L.finished) {
		/* Closing the window detaches the view; the run goes on. */
		fprintf(stderr, "rumpk-sim: --viz: window closed; the kernel "
		                "runs on without the visualizer\n");
		sim_idle_hook = NULL;
		sim_busy_hook = NULL;
		viz_ui_close(&U);
		L.on = false;
		return;
	}
	viz_model_advance(&M, sim_time_peek());
	build_view();
	viz_ui_draw(&U, &M, &V);
	L.last_frame = viz_mono_ns();
}

static void pace_reset(void)
{
	L.pace_sim = sim_time_peek();
	L.pace_real = viz_mono_ns();
	U.speed_changed = false;
}

/* While a payload's process computes: draw, and take a timed snapshot,
 * as the idle hook would, without pacing or pausing the run. */
static void busy_hook(void)
{
	snapshot_if_due(sim_time_peek());
	if (U.win && viz_mono_ns() - L.last_frame >= FRAME_NS)
		frame();
}

static void idle_hook(void)
{
	uint64_t t = sim_time_peek();
	snapshot_if_due(t);
	if (!U.win) {
		take_input(); /* --viz-type */
		return;
	}
	if (viz_mono_ns() - L.last_frame >= FRAME_NS)
		frame();
	while (L.on && U.paused) {
		viz_ui_wait(&U, 16);
		frame();
		pace_reset();
	}
	if (!L.on || sim_time_mode() != SIM_TIME_SIM)
		return;
	if (U.speed_changed)
		pace_reset();
	/* Hold simulated time to speed x real time. */
	for (;;) {
		double speed = viz_speeds[U.speed_idx];
		if (speed <= 0 || !L.on || U.speed_changed)
			break;
		double due = (double)L.pace_sim +
		             (double)(viz_mono_ns() - L.pace_real) * speed;
		if ((double)t <= due)
			break;
		double wait = ((double)t - due) / speed;
		if (wait > 16e6)
			wait = 16e6;
		struct timespec ts = {0, (long)wait};
		nanosleep(&ts, NULL);
		if (viz_mono_ns() - L.last_frame >= FRAME_NS)
			frame();
		if (U.paused)
			break; /* handled at the next idle */
	}
}

int viz_live_start(const struct viz_opts *o)
{
	if (viz_model_init(&M) != 0) {
		fprintf(stderr, "rumpk-sim: --viz: out of memory\n");
		return 2;
	}
	if (viz_ui_init(&U, o->window, "rumpk-sim --viz") != 0)
		return 2;
	L.on = true;
	L.snapshot = o->snapshot;
	L.after_ns = o->after_set ? o->after_ms * 1000000ull : 0;
	pace_reset();
	if (o->type) { /* as if typed; "\n" stands for Enter */
		for (const char *s = o->type; *s && U.ntyped < sizeof(U.typed);
		     s++) {
			bool nl = s[0] == '\\' && s[1] == 'n';
			U.typed[U.ntyped++] = nl ? '\n' : (uint8_t)*s;
			s += nl;
		}
	}
	rk_trace_set_sink(sink);
	host_console_tap = tap;
	/* Headless with nothing to do between steps: no idle hook at all. */
	if (U.win || L.after_ns || U.ntyped) {
		sim_idle_hook = idle_hook;
		sim_busy_hook = busy_hook;
	}
	return 0;
}

int viz_live_finish(int status)
{
	if (!L.on && !L.snapshot)
		return 0;
	L.finished = true;
	L.status = status;
	sim_idle_hook = NULL;
	sim_busy_hook = NULL;
	host_console_tap = NULL;
	rk_trace_set_sink(NULL);
	if (L.snapshot && !L.snap_done)
		snapshot();
	while (L.on && U.win && !U.closed) {
		frame();
		viz_ui_wait(&U, 50);
	}
	if (L.on || U.surf)
		viz_ui_close(&U);
	return L.snap_failed ? 2 : 0;
}
