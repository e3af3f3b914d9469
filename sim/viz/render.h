/*
 * render.h - draws the visualizer's view into a 32-bit pixel buffer
 * (0xAARRGGBB), with our own rectangles and the built-in font, so the
 * window, the headless snapshot and the tests see the same pixels.
 */
#ifndef RUMPK_VIZ_RENDER_H
#define RUMPK_VIZ_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"
#include "model.h"

struct viz_fb {
	uint32_t *px;
	int w, h;
	int pitch; /* pixels per row */
};

struct viz_row {
	unsigned slot;
	char name[24];
	uint64_t id;
	unsigned prio, state;
	uint64_t switches;
	bool running, exited;
	char payload; /* vm_fiber's: 'U', 'F' or 0 */
	unsigned restarts;
};

#define VIZ_MAX_COUNTERS 32
struct viz_view {
	char title[160]; /* the title bar's middle part */
	char status[48]; /* "running", "PAUSED", "exited: status 0" */
	unsigned zoom;   /* history buckets per pixel column */
	unsigned scroll; /* console lines scrolled back */
	struct viz_row rows[64];
	unsigned nrows;
	char counters[VIZ_MAX_COUNTERS][2][40];
	unsigned ncounters;
};

void viz_render(struct viz_fb *fb, const struct viz_model *m,
                const struct viz_view *v);
/* Primitives (clipped to the buffer). */
void viz_fill(struct viz_fb *fb, int x, int y, int w, int h, uint32_t c);
/* Draws UTF-8 text, at most maxcols characters; returns the x after it. */
int viz_text(struct viz_fb *fb, int x, int y, const char *s, uint32_t c,
             int maxcols);
/* Adds a "label value" line to the counters. */
void viz_counter(struct viz_view *v, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
