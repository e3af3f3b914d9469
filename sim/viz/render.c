/*
 * render.c - the visualizer's view (render.h): panes, text, and the three
 * timelines (interrupts per line, the governor's band, ring fill), all
 * sharing one time axis whose right edge is "now".
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rumpk/trace.h>

#include "font.h"
#include "render.h"

void viz_fill(struct viz_fb *fb, int x, int y, int w, int h, uint32_t c)
{
	if (x < 0) {
		w += x;
		x = 0;
	}
	if (y < 0) {
		h += y;
		y = 0;
	}
	if (x + w > fb->w)
		w = fb->w - x;
	if (y + h > fb->h)
		h = fb->h - y;
	for (int j = 0; j < h; j++) {
		uint32_t *row =
		    fb->px + (size_t)(y + j) * (size_t)fb->pitch + x;
		for (int i = 0; i < w; i++)
			row[i] = c;
	}
}

static void glyph(struct viz_fb *fb, int x, int y, uint32_t cp, uint32_t c)
{
	for (unsigned r = 0; r < VIZ_GLYPH_H; r++) {
		int yy = y + (int)r;
		if (yy < 0 || yy >= fb->h)
			continue;
		uint8_t bits = viz_font_row(cp, r);
		for (unsigned k = 0; k < VIZ_GLYPH_W; k++) {
			int xx = x + (int)k;
			if (bits & (0x10u >> k) && xx >= 0 && xx < fb->w)
				fb->px[(size_t)yy * (size_t)fb->pitch + xx] = c;
		}
	}
}

int viz_text(struct viz_fb *fb, int x, int y, const char *s, uint32_t c,
             int maxcols)
{
	for (int n = 0; *s && n < maxcols; n++) {
		glyph(fb, x, y, viz_utf8_next(&s), c);
		x += VIZ_ADV_X;
	}
	return x;
}

void viz_counter(struct viz_view *v, const char *label, const char *fmt, ...)
{
	if (v->ncounters == VIZ_MAX_COUNTERS)
		return;
	va_list ap;
	snprintf(v->counters[v->ncounters][0], sizeof(v->counters[0][0]), "%s",
	         label);
	va_start(ap, fmt);
	vsnprintf(v->counters[v->ncounters][1], sizeof(v->counters[0][1]), fmt,
	          ap);
	va_end(ap);
	v->ncounters++;
}

static void pane(struct viz_fb *fb, struct viz_rect r, const char *title)
{
	viz_fill(fb, r.x, r.y, r.w, r.h, VIZ_C_BORDER);
	viz_fill(fb, r.x + 1, r.y + 1, r.w - 2, r.h - 2, VIZ_C_PANE);
	viz_text(fb, r.x + VIZ_PAD, r.y + 4, title, VIZ_C_TITLE, 200);
}

static void console(struct viz_fb *fb, const struct viz_model *m,
                    const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_CONSOLE;
	char title[80];
	snprintf(title, sizeof(title), "serial console%s",
	         v->scroll ? " (scrolled back: PgDn)" : "");
	pane(fb, r, title);
	int rows = (r.h - VIZ_BODY_Y - 2) / VIZ_LINE_H;
	int cols = (r.w - 2 * VIZ_PAD) / VIZ_ADV_X;
	/* Newest line at the bottom once the pane is full; until then the
	 * lines start at the top, as on a terminal. */
	uint64_t avail =
	    m->con_total < VM_CON_LINES ? m->con_total : VM_CON_LINES;
	avail = avail > v->scroll ? avail - v->scroll : 0;
	int shown = avail < (uint64_t)rows ? (int)avail : rows;
	for (int i = 0; i < shown; i++) {
		const struct vm_con_line *l =
		    viz_model_con_line(m, (uint64_t)v->scroll + (uint64_t)i);
		if (!l)
			break;
		char buf[VM_CON_COLS + 1];
		memcpy(buf, l->text, l->len);
		buf[l->len] = '\0';
		int y = r.y + VIZ_BODY_Y + (shown - 1 - i) * VIZ_LINE_H;
		viz_text(fb, r.x + VIZ_PAD, y, buf,
		         l->kind ? VIZ_C_TYPED : VIZ_C_TEXT, cols);
	}
}

static const char *state_name(unsigned s, bool running, bool exited)
{
	if (exited)
		return "exited";
	if (running)
		return "RUN";
	switch (s) {
	case 1:
		return "ready";
	case 2:
		return "blocked";
	case 3:
		return "exited";
	default:
		return "?";
	}
}

static void fibers(struct viz_fb *fb, const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_FIBERS;
	pane(fb, r, "fibers");
	int x = r.x + VIZ_PAD, y = r.y + VIZ_BODY_Y;
	viz_text(fb, x, y,
	         "sl name           id               pr state   "
	         "payload  switches",
	         VIZ_C_DIM, 80);
	y += VIZ_LINE_H + 2;
	int rows = (r.y + r.h - 2 - y) / VIZ_LINE_H;
	for (unsigned i = 0; i < v->nrows && (int)i < rows; i++) {
		const struct viz_row *f = &v->rows[i];
		char buf[100], pl[16] = "";
		if (f->payload)
			snprintf(pl, sizeof(pl), "%s%s%.0u",
			         f->payload == 'F' ? "FAULT" : "user",
			         f->restarts ? " r" : "", f->restarts);
		snprintf(buf, sizeof(buf),
		         "%2u %-14.14s %016llx %2u %-7s %-8s %8llu", f->slot,
		         f->name, (unsigned long long)f->id, f->prio,
		         state_name(f->state, f->running, f->exited), pl,
		         (unsigned long long)f->switches);
		if (f->running)
			viz_fill(fb, r.x + 2, y - 1, r.w - 4, VIZ_LINE_H,
			         VIZ_C_RUNNING);
		viz_text(fb, x, y, buf, f->exited ? VIZ_C_DIM : VIZ_C_TEXT, 80);
		y += VIZ_LINE_H;
	}
}

static void counters(struct viz_fb *fb, const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_COUNTERS;
	pane(fb, r, "counters");
	int rows = (r.h - VIZ_BODY_Y - 2) / VIZ_LINE_H;
	for (unsigned i = 0; i < v->ncounters; i++) {
		int col = (int)i / rows, row = (int)i % rows;
		int x = r.x + VIZ_PAD + col * (r.w / 2);
		int y = r.y + VIZ_BODY_Y + row * VIZ_LINE_H;
		int x2 = viz_text(fb, x, y, v->counters[i][0], VIZ_C_DIM, 16);
		(void)x2;
		viz_text(fb, x + 15 * VIZ_ADV_X, y, v->counters[i][1],
		         VIZ_C_TEXT, 18);
	}
}

/* The buckets pixel column col (of ncols) covers: [*lo, *hi]; false
 * when the column lies before the first bucket. */
static bool col_range(const struct viz_model *m, const struct viz_view *v,
                      int col, int ncols, uint64_t *lo, uint64_t *hi)
{
	uint64_t back = (uint64_t)(ncols - 1 - col) * v->zoom;
	if (m->last_bucket < back)
		return false;
	*hi = m->last_bucket - back;
	*lo = *hi + 1 >= v->zoom ? *hi + 1 - v->zoom : 0;
	return true;
}

static bool in_run(const struct viz_model *m, uint64_t bucket)
{
	return m->started && bucket >= m->t0 / VM_BUCKET_NS &&
	       bucket <= m->last_bucket;
}

static uint32_t shade(uint32_t c, double k)
{
	if (k > 1)
		k = 1;
	unsigned r = (unsigned)(((c >> 16) & 255) * k),
	         g = (unsigned)(((c >> 8) & 255) * k),
	         b = (unsigned)((c & 255) * k);
	return 0xff000000u | r << 16 | g << 8 | b;
}

/* A row of counts per column: the height and brightness grow with the
 * logarithm of the count, so 1 and 10,000 both show. */
static void count_row(struct viz_fb *fb, const struct viz_model *m,
                      const struct viz_view *v, int x0, int y, int w, int h,
                      int which, uint32_t color)
{
	viz_fill(fb, x0, y, w, h, 0xff1c232au);
	for (int col = 0; col < w; col++) {
		uint64_t lo, hi, n = 0;
		if (!col_range(m, v, col, w, &lo, &hi))
			continue;
		for (uint64_t i = lo; i <= hi; i++) {
			const struct vm_bucket *b = viz_model_bucket(m, i);
			if (!b || !in_run(m, i))
				continue;
			n += which < 0 ? b->switches : b->irqs[which];
		}
		if (!n)
			continue;
		double l = log2((double)n + 1);
		int bar = 2 + (int)(l * (h - 2) / 14);
		if (bar > h)
			bar = h;
		viz_fill(fb, x0 + col, y + h - bar, 1, bar,
		         shade(color, 0.45 + l / 16));
	}
}

static void time_axis(struct viz_fb *fb, const struct viz_model *m,
                      const struct viz_view *v, int x0, int y, int w)
{
	/* A label every 150 pixels: milliseconds since the first event. */
	for (int col = w - 1; col >= 0; col -= 150) {
		uint64_t lo, hi;
		if (!col_range(m, v, col, w, &lo, &hi) || !in_run(m, hi))
			break;
		double ms = ((double)hi * VM_BUCKET_NS - (double)m->t0) / 1e6;
		char buf[32];
		snprintf(buf, sizeof(buf), "%.1fms", ms < 0 ? 0 : ms);
		int tx = x0 + col - (int)strlen(buf) * VIZ_ADV_X;
		viz_fill(fb, x0 + col, y - 3, 1, 3, VIZ_C_DIM);
		viz_text(fb, tx < x0 ? x0 : tx, y, buf, VIZ_C_DIM, 20);
	}
}

static void irq_pane(struct viz_fb *fb, const struct viz_model *m,
                     const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_IRQ;
	char title[96];
	snprintf(title, sizeof(title),
	         "interrupts per line and fiber "
	         "switches (%.1f ms per pixel)",
	         (double)v->zoom * VM_BUCKET_NS / 1e6);
	pane(fb, r, title);
	int x0 = r.x + VIZ_PLOT_X, w = r.w - VIZ_PLOT_X - VIZ_PAD;
	int y = r.y + VIZ_BODY_Y;
	viz_text(fb, r.x + VIZ_PAD, y + 3, "switches", VIZ_C_SWITCH, 11);
	count_row(fb, m, v, x0, y, w, 12, -1, VIZ_C_SWITCH);
	y += 14;
	for (unsigned i = 0; i < m->nlines; i++) {
		char label[16];
		if (m->line_id[i] == RK_TRACE_TIMER)
			snprintf(label, sizeof(label), "timer");
		else
			snprintf(label, sizeof(label), "irq %u", m->line_id[i]);
		viz_text(fb, r.x + VIZ_PAD, y + 3, label, 0xffe0c040u, 11);
		count_row(fb, m, v, x0, y, w, 12, (int)i, 0xffe0c040u);
		y += 14;
	}
	if (!m->nlines)
		viz_text(fb, x0 + 4, y + 3, "no interrupt yet", VIZ_C_DIM, 40);
}

static void gov_pane(struct viz_fb *fb, const struct viz_model *m,
                     const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_GOV;
	char title[120];
	if (m->mode == VM_MODE_NONE)
		snprintf(title, sizeof(title), "governor: no transition yet");
	else
		snprintf(title, sizeof(title),
		         "governor: %s (line %u), %llu "
		         "War / %llu Peace entries, rate at the last switch "
		         "%llu/s",
		         m->mode ? "WAR" : "PEACE", m->gov_line,
		         (unsigned long long)m->war_entries,
		         (unsigned long long)m->peace_entries,
		         (unsigned long long)m->last_rate);
	pane(fb, r, title);
	int x0 = r.x + VIZ_PLOT_X, w = r.w - VIZ_PLOT_X - VIZ_PAD;
	int y = r.y + VIZ_BODY_Y;
	viz_text(fb, r.x + VIZ_PAD, y + 5, "war/peace", VIZ_C_DIM, 11);
	viz_fill(fb, x0, y, w, 18, 0xff1c232au);
	for (int col = 0; col < w; col++) {
		uint64_t lo, hi;
		if (!col_range(m, v, col, w, &lo, &hi))
			continue;
		int mode = -1;
		for (uint64_t i = lo; i <= hi; i++) {
			const struct vm_bucket *b = viz_model_bucket(m, i);
			if (!b || !in_run(m, i) || b->mode == VM_MODE_NONE)
				continue;
			if (b->mode == 1 || mode < 0)
				mode = b->mode; /* War anywhere in it shows */
		}
		if (mode >= 0)
			viz_fill(fb, x0 + col, y, 1, 18,
			         mode ? VIZ_C_WAR : VIZ_C_PEACE);
	}
	time_axis(fb, m, v, x0, y + 21, w);
}

static void ring_pane(struct viz_fb *fb, const struct viz_model *m,
                      const struct viz_view *v)
{
	struct viz_rect r = VIZ_PANE_RINGS;
	pane(fb, r, "ring fill (slots in use, highest per pixel)");
	int x0 = r.x + VIZ_PLOT_X, w = r.w - VIZ_PLOT_X - VIZ_PAD;
	int y = r.y + VIZ_BODY_Y, h = 40;
	bool any = false;
	for (unsigned k = 0; k < VM_RINGS; k++) {
		if (!m->ring_seen[k])
			continue;
		any = true;
		char label[48];
		/* Scale to the peak (a power of two, at most the capacity):
		 * a ring that stays nearly empty still shows its shape. */
		uint64_t cap = 1;
		while (cap < m->ring_peak[k] && cap < m->ring_cap[k])
			cap *= 2;
		snprintf(label, sizeof(label), "ring %u", k);
		viz_text(fb, r.x + VIZ_PAD, y + 2, label, VIZ_C_RING, 12);
		snprintf(label, sizeof(label), "%llu/%llu",
		         (unsigned long long)m->ring_fill[k],
		         (unsigned long long)m->ring_cap[k]);
		viz_text(fb, r.x + VIZ_PAD, y + 14, label, VIZ_C_TEXT, 12);
		snprintf(label, sizeof(label), "0..%llu",
		         (unsigned long long)cap);
		viz_text(fb, r.x + VIZ_PAD, y + 26, label, VIZ_C_DIM, 12);
		viz_fill(fb, x0, y, w, h, 0xff1c232au);
		for (int col = 0; col < w; col++) {
			uint64_t lo, hi, fill = 0;
			if (!col_range(m, v, col, w, &lo, &hi))
				continue;
			for (uint64_t i = lo; i <= hi; i++) {
				const struct vm_bucket *b =
				    viz_model_bucket(m, i);
				if (b && in_run(m, i) && b->ring_fill[k] > fill)
					fill = b->ring_fill[k];
			}
			if (!fill)
				continue;
			int bar = (int)(fill * (uint64_t)h / cap);
			if (bar < 1)
				bar = 1;
			if (bar > h)
				bar = h;
			viz_fill(fb, x0 + col, y + h - bar, 1, bar, VIZ_C_RING);
		}
		y += h + 4;
	}
	if (!any)
		viz_text(fb, x0 + 4, y + 3,
		         "no ring sample yet (the console "
		         "receive ring reports while it runs)",
		         VIZ_C_DIM, 120);
}

void viz_render(struct viz_fb *fb, const struct viz_model *m,
                const struct viz_view *v)
{
	viz_fill(fb, 0, 0, fb->w, fb->h, VIZ_C_BG);
	struct viz_rect t = VIZ_PANE_TITLE;
	viz_fill(fb, t.x, t.y, t.w, t.h, VIZ_C_TITLEBAR);
	char buf[320];
	double ms = m->started ? (double)(m->now - m->t0) / 1e6 : 0;
	snprintf(buf, sizeof(buf), "Rumpk visualizer | %s | t=%.3f ms | %s",
	         v->title, ms, v->status);
	viz_text(fb, 4, 4, buf, 0xffffffffu, 120);
	viz_text(fb, VIZ_W - 4 - 46 * VIZ_ADV_X, 4,
	         "F5 pause F6/F7 speed F8 burst F9/F10 zoom Esc", VIZ_C_DIM,
	         46);
	console(fb, m, v);
	fibers(fb, v);
	counters(fb, v);
	irq_pane(fb, m, v);
	gov_pane(fb, m, v);
	ring_pane(fb, m, v);
}
