/*
 * replay.c - rumpk-sim --viz-replay FILE: a native kernel's trace (what
 * `./run.sh qemu ARCH --trace FILE` recorded: the raw console stream,
 * events framed as "\x1e" KIND hex fields "\n" by src/trace.c) shown in
 * the same view as the live simulator, paced by the trace's own clock.
 * Console text between frames is the console pane; it carries the time
 * of the frame before it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rumpk/trace.h>

#include "hostio.h"
#include "ui.h"
#include "viz.h"

struct rev {
	uint64_t t;
	unsigned kind; /* a trace kind, or 0: console text */
	uint64_t a, b, c, id;
	size_t off, len; /* console text, or the SPAWN name, in the file */
};

struct trace {
	char *buf;
	size_t len;
	struct rev *ev;
	size_t n, cap;
	size_t frames, bad;
};

static int push(struct trace *tr, const struct rev *e)
{
	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 4096;
		struct rev *p = realloc(tr->ev, cap * sizeof(*p));
		if (!p)
			return -1;
		tr->ev = p;
		tr->cap = cap;
	}
	tr->ev[tr->n++] = *e;
	return 0;
}

static unsigned kind_of(char c)
{
	switch (c) {
	case 'S':
		return RK_TR_SWITCH;
	case 'G':
		return RK_TR_GOV;
	case 'I':
		return RK_TR_IRQ;
	case 'R':
		return RK_TR_RING;
	case 'F':
		return RK_TR_SPAWN;
	case 'P':
		return RK_TR_PAYLOAD;
	default:
		return 0;
	}
}

/* One frame, s .. end (without the "\x1e" and the newline).  0, or -1
 * when it is not a frame we understand (counted, skipped). */
static int parse_frame(struct trace *tr, const char *s, const char *end,
                       uint64_t *last_t)
{
	struct rev e = {0};
	uint64_t f[5] = {0};
	char *p;
	const char *q = s + 1;
	e.kind = kind_of(*s);
	if (!e.kind)
		return -1;
	unsigned nf = e.kind == RK_TR_SPAWN ? 4 : 4;
	for (unsigned i = 0; i < nf; i++) {
		if (q >= end || *q != ' ')
			return -1;
		f[i] = strtoull(q + 1, &p, 16);
		if (p == q + 1 || p > end)
			return -1;
		q = p;
	}
	e.t = f[0];
	e.a = f[1];
	e.b = f[2];
	if (e.kind == RK_TR_SPAWN) {
		e.id = f[3];
		if (q >= end || *q != ' ')
			return -1;
		e.off = (size_t)(q + 1 - tr->buf);
		e.len = (size_t)(end - (q + 1));
	} else {
		e.c = f[3];
		if (q != end)
			return -1;
	}
	*last_t = e.t;
	return push(tr, &e);
}

static int load(struct trace *tr, const char *path)
{
	char err[200];
	size_t len = 0;
	memset(tr, 0, sizeof(*tr));
	tr->buf = (char *)hostio_read_file(path, &len, err, sizeof(err));
	if (!tr->buf) {
		fprintf(stderr, "rumpk-sim: --viz-replay %s: %s\n", path, err);
		return -1;
	}
	tr->len = len;
	/* Console text before the first frame gets that frame's time. */
	uint64_t t = 0;
	const char *first = memchr(tr->buf, 0x1e, len);
	if (first)
		t = strtoull(first + 2, NULL, 16);
	size_t i = 0, text = 0;
	while (i <= len) {
		if (i == len || tr->buf[i] == 0x1e) {
			if (i > text) {
				struct rev e = {.t = t,
				                .kind = 0,
				                .off = text,
				                .len = i - text};
				if (push(tr, &e))
					return -1;
			}
			if (i == len)
				break;
			const char *nl = memchr(tr->buf + i, '\n', len - i);
			const char *end = nl ? nl : tr->buf + len;
			if (end > tr->buf + i + 1 && end[-1] == '\r')
				end--; /* a terminal's CR LF */
			if (parse_frame(tr, tr->buf + i + 1, end, &t) == 0)
				tr->frames++;
			else
				tr->bad++;
			i = nl ? (size_t)(nl - tr->buf) + 1 : len;
			text = i;
			continue;
		}
		i++;
	}
	if (!tr->frames) {
		fprintf(stderr,
		        "rumpk-sim: --viz-replay %s: no trace frames "
		        "(record with ./run.sh qemu ARCH --trace FILE)\n",
		        path);
		return -1;
	}
	return 0;
}

static void feed(struct viz_model *m, const struct trace *tr,
                 const struct rev *e)
{
	if (!e->kind) {
		for (size_t k = 0; k < e->len; k++)
			viz_model_console(m, tr->buf[e->off + k], 0);
		return;
	}
	char name[24] = "";
	if (e->kind == RK_TR_SPAWN) {
		size_t n =
		    e->len < sizeof(name) - 1 ? e->len : sizeof(name) - 1;
		memcpy(name, tr->buf + e->off, n);
		name[n] = '\0';
	}
	viz_model_event(m, e->kind, e->t, e->a, e->b, e->c, e->id, name);
}

static void build_view(struct viz_view *v, const struct viz_model *m,
                       const struct viz_ui *u, const char *path,
                       const struct trace *tr, size_t done, bool end)
{
	v->nrows = 0;
	v->ncounters = 0;
	for (unsigned s = 0; s < VM_SLOTS; s++) {
		const struct vm_fiber *f = &m->fib[s];
		if (!f->used)
			continue;
		struct viz_row *r = &v->rows[v->nrows++];
		memset(r, 0, sizeof(*r));
		r->slot = s;
		snprintf(r->name, sizeof(r->name), "%s", f->name);
		r->id = f->id;
		r->prio = f->prio;
		r->state = f->state;
		r->switches = f->switches;
		r->exited = f->exited;
		r->running = m->current == s;
		r->payload = f->payload;
		r->restarts = f->restarts;
	}
	const char *base = strrchr(path, '/');
	snprintf(v->title, sizeof(v->title), "replay of %s",
	         base ? base + 1 : path);
	snprintf(v->status, sizeof(v->status), "%s",
	         end         ? "end of trace"
	         : u->paused ? "PAUSED (F5)"
	                     : "playing");
	viz_counter(v, "trace time", "%.3f ms",
	            m->started ? (double)(m->now - m->t0) / 1e6 : 0.0);
	viz_counter(v, "speed", "%s",
	            u->win ? viz_speed_name(u) : "(headless)");
	viz_counter(v, "frames read", "%zu of %zu", done, tr->n);
	if (tr->bad)
		viz_counter(v, "bad frames", "%zu", tr->bad);
	viz_counter(v, "fiber switches", "%llu",
	            (unsigned long long)m->switches);
	for (unsigned i = 0; i < m->nlines; i++) {
		char label[20];
		if (m->line_id[i] == RK_TRACE_TIMER)
			snprintf(label, sizeof(label), "timer irqs");
		else
			snprintf(label, sizeof(label), "irq %u", m->line_id[i]);
		viz_counter(v, label, "%llu",
		            (unsigned long long)m->line_total[i]);
	}
	viz_counter(v, "governor", "%s",
	            m->mode == VM_MODE_NONE ? "-"
	            : m->mode               ? "WAR"
	                                    : "PEACE");
	viz_counter(v, "war/peace in", "%llu/%llu",
	            (unsigned long long)m->war_entries,
	            (unsigned long long)m->peace_entries);
	viz_counter(v, "rate at switch", "%llu/s",
	            (unsigned long long)m->last_rate);
	for (unsigned k = 0; k < VM_RINGS; k++)
		if (m->ring_seen[k])
			viz_counter(v, k ? "ring 1 fill" : "ring 0 fill",
			            "%llu/%llu (peak %llu)",
			            (unsigned long long)m->ring_fill[k],
			            (unsigned long long)m->ring_cap[k],
			            (unsigned long long)m->ring_peak[k]);
	viz_counter(v, "console bytes", "%llu",
	            (unsigned long long)m->con_bytes);
	viz_counter(v, "trace events", "%llu", (unsigned long long)m->events);
}

int viz_replay(const struct viz_opts *o)
{
	static struct trace tr;
	static struct viz_model m;
	static struct viz_view v;
	static struct viz_ui u;
	int rc = 0;

	if (load(&tr, o->replay) != 0)
		return 2;
	if (viz_model_init(&m) != 0 ||
	    viz_ui_init(&u, o->window, "rumpk-sim --viz-replay") != 0)
		return 2;
	uint64_t t0 = tr.ev[0].t, end_t = tr.ev[tr.n - 1].t;
	size_t next = 0;

	if (!o->window) {
		/* Headless: the state at --viz-after-ms (or the end). */
		uint64_t until =
		    o->after_set ? t0 + o->after_ms * 1000000ull : UINT64_MAX;
		while (next < tr.n && tr.ev[next].t <= until)
			feed(&m, &tr, &tr.ev[next++]);
		if (until != UINT64_MAX && until <= end_t)
			viz_model_advance(&m, until);
		build_view(&v, &m, &u, o->replay, &tr, next, next == tr.n);
		if (o->snapshot && viz_ui_save(&u, &m, &v, o->snapshot) != 0)
			rc = 2;
		viz_ui_close(&u);
		return rc;
	}

	/* Window: play the trace at the chosen speed (trace seconds per
	 * real second), 1/100x to start with (native runs are short). */
	u.speed_idx = 1;
	double clock = (double)t0; /* trace time shown */
	uint64_t last = viz_mono_ns();
	bool snap_done = !o->snapshot;
	while (!u.closed) {
		viz_ui_wait(&u, 16);
		uint64_t now = viz_mono_ns();
		double speed = viz_speeds[u.speed_idx];
		if (!u.paused)
			clock = speed > 0 ? clock + (double)(now - last) * speed
			                  : (double)end_t;
		last = now;
		while (next < tr.n && (double)tr.ev[next].t <= clock)
			feed(&m, &tr, &tr.ev[next++]);
		if (clock <= (double)end_t)
			viz_model_advance(&m, (uint64_t)clock);
		u.ntyped = 0; /* nothing to type into */
		u.bursts = 0;
		build_view(&v, &m, &u, o->replay, &tr, next, next == tr.n);
		if (!snap_done &&
		    (next == tr.n ||
		     (o->after_set &&
		      clock >= (double)(t0 + o->after_ms * 1000000ull)))) {
			snap_done = true;
			if (viz_ui_save(&u, &m, &v, o->snapshot) != 0)
				rc = 2;
		}
		viz_ui_draw(&u, &m, &v);
	}
	if (!snap_done && viz_ui_save(&u, &m, &v, o->snapshot) != 0)
		rc = 2; /* closed early: the state shown last */
	viz_ui_close(&u);
	return rc;
}
