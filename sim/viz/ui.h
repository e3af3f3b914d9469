/*
 * ui.h - the SDL side shared by the live view and the replay: the pixel
 * surface, the optional window, keyboard and mouse, BMP snapshots.
 */
#ifndef RUMPK_VIZ_UI_H
#define RUMPK_VIZ_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

struct viz_ui {
	void *win;  /* SDL_Window, or NULL: headless */
	void *surf; /* SDL_Surface we draw into */
	struct viz_fb fb;
	bool paused;
	unsigned speed_idx; /* into viz_speeds */
	bool speed_changed; /* the pacing must restart from now */
	bool auto_zoom;
	unsigned zoom;
	unsigned scroll;
	bool closed;        /* the user closed the window */
	unsigned bursts;    /* F8 presses not yet handled */
	uint8_t typed[256]; /* bytes typed, not yet handled */
	size_t ntyped;
	uint64_t frames;
	double render_ms; /* the last frame's drawing time */
};

/* Simulated (or trace) seconds per real second; 0: as fast as it goes. */
extern const double viz_speeds[];
#define VIZ_SPEED_1X 4
#define VIZ_NSPEEDS  10

/* 0, or -1 with the reason printed. */
int viz_ui_init(struct viz_ui *u, bool window, const char *title);
void viz_ui_close(struct viz_ui *u);
/* Handles pending window events (keys, text, wheel, close). */
void viz_ui_poll(struct viz_ui *u);
/* Waits up to ms for an event, then handles what came. */
void viz_ui_wait(struct viz_ui *u, int ms);
/* Draws the view; shows it when there is a window. */
void viz_ui_draw(struct viz_ui *u, const struct viz_model *m,
                 struct viz_view *v);
/* Draws the view and writes it as a BMP.  0, or -1 (message printed). */
int viz_ui_save(struct viz_ui *u, const struct viz_model *m, struct viz_view *v,
                const char *path);
/* The zoom for this model (auto: the whole run fits). */
unsigned viz_ui_zoom(struct viz_ui *u, const struct viz_model *m);
uint64_t viz_mono_ns(void);
const char *viz_speed_name(const struct viz_ui *u);

#endif
