/*
 * model.c - the visualizer's bounded history (model.h).  Every event
 * lands in the bucket of its time; buckets between two events are filled
 * with the state of the time (the governor's mode carries forward), so
 * the history is dense and a pane can read any bucket directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rumpk/trace.h>

#include "model.h"

int viz_model_init(struct viz_model *m)
{
	memset(m, 0, sizeof(*m));
	m->hist = calloc(VM_HIST, sizeof(*m->hist));
	m->con = calloc(VM_CON_LINES, sizeof(*m->con));
	if (!m->hist || !m->con) {
		viz_model_free(m);
		return -1;
	}
	for (unsigned i = 0; i < VM_HIST; i++)
		m->hist[i].index = UINT64_MAX;
	m->mode = VM_MODE_NONE;
	m->current = RK_TRACE_IDLE;
	return 0;
}

void viz_model_free(struct viz_model *m)
{
	free(m->hist);
	free(m->con);
	m->hist = NULL;
	m->con = NULL;
}

static void fill_bucket(struct viz_model *m, uint64_t i)
{
	struct vm_bucket *b = &m->hist[i % VM_HIST];
	memset(b, 0, sizeof(*b));
	b->index = i;
	b->mode = m->mode;
}

void viz_model_advance(struct viz_model *m, uint64_t t)
{
	if (!m->started) {
		m->started = true;
		m->t0 = t;
		m->now = t;
		m->last_bucket = t / VM_BUCKET_NS;
		fill_bucket(m, m->last_bucket);
		return;
	}
	if (t <= m->now)
		return; /* events arrive in time order; a late one joins now */
	m->now = t;
	uint64_t want = t / VM_BUCKET_NS;
	if (want <= m->last_bucket)
		return;
	uint64_t from = m->last_bucket + 1;
	if (want - from >= VM_HIST) /* a long silence: only the last lap */
		from = want - VM_HIST + 1;
	for (uint64_t i = from; i <= want; i++)
		fill_bucket(m, i);
	m->last_bucket = want;
}

static struct vm_bucket *cur(struct viz_model *m)
{
	return &m->hist[m->last_bucket % VM_HIST];
}

static unsigned line_row(struct viz_model *m, unsigned line)
{
	for (unsigned i = 0; i < m->nlines; i++)
		if (m->line_id[i] == line)
			return i;
	if (m->nlines == VM_LINES)
		return VM_LINES; /* no room: counted nowhere */
	m->line_id[m->nlines] = line;
	return m->nlines++;
}

static uint16_t sat16(uint64_t v)
{
	return v > 0xffff ? 0xffff : (uint16_t)v;
}

void viz_model_event(struct viz_model *m, unsigned kind, uint64_t t, uint64_t a,
                     uint64_t b, uint64_t c, uint64_t id, const char *name)
{
	viz_model_advance(m, t);
	struct vm_bucket *bk = cur(m);
	m->events++;
	switch (kind) {
	case RK_TR_SWITCH:
		m->switches++;
		if (bk->switches < 0xffff)
			bk->switches++;
		if (a < VM_SLOTS && m->fib[a].used) {
			m->fib[a].state = (unsigned)c;
			m->fib[a].exited = c == 3; /* RK_FIBER_ZOMBIE */
		}
		if (b < VM_SLOTS && m->fib[b].used) {
			m->fib[b].switches++;
			m->fib[b].state = 1; /* runnable, running */
		}
		m->current = b < VM_SLOTS ? (unsigned)b : RK_TRACE_IDLE;
		break;
	case RK_TR_GOV:
		m->mode = a ? 1 : 0;
		bk->mode = m->mode;
		m->last_rate = b;
		m->gov_line = (unsigned)c;
		if (a)
			m->war_entries++;
		else
			m->peace_entries++;
		break;
	case RK_TR_IRQ: {
		unsigned r = line_row(m, (unsigned)a);
		if (r < VM_LINES) {
			m->line_total[r]++;
			if (bk->irqs[r] < 0xffff)
				bk->irqs[r]++;
		}
		break;
	}
	case RK_TR_RING:
		if (a < VM_RINGS) {
			m->ring_seen[a] = true;
			m->ring_fill[a] = b;
			m->ring_cap[a] = c;
			if (b > m->ring_peak[a])
				m->ring_peak[a] = b;
			if (sat16(b) > bk->ring_fill[a])
				bk->ring_fill[a] = sat16(b);
		}
		break;
	case RK_TR_SPAWN:
		if (a < VM_SLOTS) {
			struct vm_fiber *f = &m->fib[a];
			memset(f, 0, sizeof(*f));
			f->used = true;
			f->id = id;
			f->prio = (unsigned)b;
			f->state = 1;
			snprintf(f->name, sizeof(f->name), "%s",
			         name ? name : "?");
		}
		break;
	case RK_TR_PAYLOAD:
		if (a < VM_SLOTS && m->fib[a].used) {
			struct vm_fiber *f = &m->fib[a];
			f->payload = b == RK_TRP_FAULT ? 'F' : 'U';
			if (b == RK_TRP_RESTART)
				f->restarts = (unsigned)c;
		}
		break;
	default:
		break;
	}
}

static struct vm_con_line *con_new(struct viz_model *m, int kind)
{
	struct vm_con_line *l = &m->con[m->con_total++ % VM_CON_LINES];
	memset(l, 0, sizeof(*l));
	l->kind = (uint8_t)kind;
	return l;
}

void viz_model_console(struct viz_model *m, char c, int kind)
{
	bool open = m->con_open; /* the newest line is still being written */
	int open_kind = m->con_kind;
	m->con_bytes++;
	if (c == '\r')
		return;
	if (!m->con_total || !open || open_kind != kind) {
		if (c == '\n' && open && open_kind != kind)
			return; /* ends the other writer's line: keep both */
		con_new(m, kind);
		m->con_open = true;
		m->con_kind = kind;
	}
	struct vm_con_line *l = &m->con[(m->con_total - 1) % VM_CON_LINES];
	if (c == '\n') {
		m->con_open = false;
		return;
	}
	bool starts_char = ((unsigned char)c & 0xc0) != 0x80;
	if ((starts_char && l->cols >= VM_CON_WRAP) ||
	    l->len >= VM_CON_COLS - 1) {
		l = con_new(m, kind);
	}
	if (c == '\t')
		c = ' ';
	l->text[l->len++] = c;
	if (starts_char)
		l->cols++;
}

const struct vm_bucket *viz_model_bucket(const struct viz_model *m, uint64_t i)
{
	const struct vm_bucket *b = &m->hist[i % VM_HIST];
	return b->index == i ? b : NULL;
}

const struct vm_con_line *viz_model_con_line(const struct viz_model *m,
                                             uint64_t back)
{
	if (back >= m->con_total || back >= VM_CON_LINES)
		return NULL;
	return &m->con[(m->con_total - 1 - back) % VM_CON_LINES];
}
