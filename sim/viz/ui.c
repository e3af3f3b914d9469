/*
 * ui.c - SDL2 for the visualizer (ui.h).  We draw every pixel ourselves
 * (render.c) into an ARGB8888 SDL_Surface; a window gets that surface
 * blitted onto its own, a snapshot is SDL_SaveBMP of it.  Headless runs
 * use SDL's dummy video driver unless SDL_VIDEODRIVER says otherwise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <SDL.h>

#include "layout.h"
#include "png.h"
#include "ui.h"

const double viz_speeds[VIZ_NSPEEDS] = {0.001, 0.01, 0.1, 0.5, 1,
                                        2,     5,    10,  100, 0};

uint64_t viz_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

const char *viz_speed_name(const struct viz_ui *u)
{
	static const char *const names[VIZ_NSPEEDS] = {
	    "1/1000x", "1/100x", "1/10x", "1/2x", "1x",
	    "2x",      "5x",     "10x",   "100x", "max"};
	return names[u->speed_idx];
}

int viz_ui_init(struct viz_ui *u, bool window, const char *title)
{
	memset(u, 0, sizeof(*u));
	u->speed_idx = VIZ_SPEED_1X;
	u->auto_zoom = true;
	u->zoom = 1;
	if (!window)
		setenv("SDL_VIDEODRIVER", "dummy", 0); /* no display needed */
	if (SDL_Init(SDL_INIT_VIDEO) != 0) {
		fprintf(stderr, "rumpk-sim: SDL_Init: %s\n", SDL_GetError());
		return -1;
	}
	/* With no display SDL falls back to a driver that draws nowhere,
	 * and a window "opens" that nobody can see or close: say so now. */
	const char *drv = SDL_GetCurrentVideoDriver();
	if (window &&
	    (!drv || !strcmp(drv, "dummy") || !strcmp(drv, "offscreen") ||
	     (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") &&
	      !getenv("SDL_VIDEODRIVER")))) {
		fprintf(stderr,
		        "rumpk-sim: --viz: no display to open a window on "
		        "(video driver '%s'); --viz-snapshot FILE.png draws "
		        "the view without one\n",
		        drv ? drv : "none");
		SDL_Quit();
		return -1;
	}
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(
	    0, VIZ_W, VIZ_H, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s) {
		fprintf(stderr, "rumpk-sim: SDL surface: %s\n", SDL_GetError());
		return -1;
	}
	u->surf = s;
	u->fb =
	    (struct viz_fb){(uint32_t *)s->pixels, VIZ_W, VIZ_H, s->pitch / 4};
	if (window) {
		SDL_Window *w =
		    SDL_CreateWindow(title, SDL_WINDOWPOS_UNDEFINED,
		                     SDL_WINDOWPOS_UNDEFINED, VIZ_W, VIZ_H, 0);
		if (!w) {
			fprintf(stderr,
			        "rumpk-sim: --viz: cannot open a window: "
			        "%s\n",
			        SDL_GetError());
			return -1;
		}
		u->win = w;
		SDL_StartTextInput();
	}
	return 0;
}

void viz_ui_close(struct viz_ui *u)
{
	if (u->win)
		SDL_DestroyWindow(u->win);
	if (u->surf)
		SDL_FreeSurface(u->surf);
	u->win = u->surf = NULL;
	SDL_Quit();
}

static void type_bytes(struct viz_ui *u, const char *s, size_t n)
{
	for (size_t i = 0; i < n && u->ntyped < sizeof(u->typed); i++)
		u->typed[u->ntyped++] = (uint8_t)s[i];
}

static void handle(struct viz_ui *u, const SDL_Event *e)
{
	switch (e->type) {
	case SDL_QUIT:
		u->closed = true;
		break;
	case SDL_TEXTINPUT:
		type_bytes(u, e->text.text, strlen(e->text.text));
		break;
	case SDL_MOUSEWHEEL:
		if (e->wheel.y > 0)
			u->scroll += 3;
		else if (e->wheel.y < 0)
			u->scroll = u->scroll > 3 ? u->scroll - 3 : 0;
		break;
	case SDL_KEYDOWN:
		switch (e->key.keysym.sym) {
		case SDLK_ESCAPE:
			u->closed = true;
			break;
		case SDLK_RETURN:
		case SDLK_KP_ENTER:
			type_bytes(u, "\n", 1);
			break;
		case SDLK_BACKSPACE:
			type_bytes(u, "\b", 1);
			break;
		case SDLK_F5:
			u->paused = !u->paused;
			u->speed_changed = true;
			break;
		case SDLK_F6:
			if (u->speed_idx > 0)
				u->speed_idx--;
			u->speed_changed = true;
			break;
		case SDLK_F7:
			if (u->speed_idx + 1 < VIZ_NSPEEDS)
				u->speed_idx++;
			u->speed_changed = true;
			break;
		case SDLK_F8:
			u->bursts++;
			break;
		case SDLK_F9: /* zoom in */
			u->auto_zoom = false;
			if (u->zoom > 1)
				u->zoom = u->zoom * 2 / 3 ? u->zoom * 2 / 3 : 1;
			break;
		case SDLK_F10:
			u->auto_zoom = false;
			if (u->zoom < 64)
				u->zoom = u->zoom * 3 / 2 + 1;
			break;
		case SDLK_F11:
			u->auto_zoom = true;
			break;
		case SDLK_PAGEUP:
			u->scroll += 20;
			break;
		case SDLK_PAGEDOWN:
			u->scroll = u->scroll > 20 ? u->scroll - 20 : 0;
			break;
		default:
			break;
		}
		break;
	default:
		break;
	}
}

void viz_ui_poll(struct viz_ui *u)
{
	SDL_Event e;
	if (!u->win)
		return;
	while (SDL_PollEvent(&e))
		handle(u, &e);
}

void viz_ui_wait(struct viz_ui *u, int ms)
{
	SDL_Event e;
	if (!u->win)
		return;
	if (SDL_WaitEventTimeout(&e, ms))
		handle(u, &e);
	viz_ui_poll(u);
}

unsigned viz_ui_zoom(struct viz_ui *u, const struct viz_model *m)
{
	if (u->auto_zoom) {
		/* The whole run fits the plot width, within the history. */
		uint64_t span =
		    m->started ? m->last_bucket - m->t0 / VM_BUCKET_NS : 0;
		uint64_t w = VIZ_W - 8 - VIZ_PLOT_X - VIZ_PAD;
		uint64_t z = span / w + 1;
		uint64_t zmax = VM_HIST / w;
		u->zoom = (unsigned)(z > zmax ? zmax : z);
	}
	return u->zoom;
}

static void draw(struct viz_ui *u, const struct viz_model *m,
                 struct viz_view *v)
{
	uint64_t t0 = viz_mono_ns();
	v->zoom = viz_ui_zoom(u, m);
	v->scroll = u->scroll;
	viz_render(&u->fb, m, v);
	u->render_ms = (double)(viz_mono_ns() - t0) / 1e6;
	u->frames++;
}

void viz_ui_draw(struct viz_ui *u, const struct viz_model *m,
                 struct viz_view *v)
{
	draw(u, m, v);
	if (u->win) {
		SDL_Surface *ws = SDL_GetWindowSurface(u->win);
		if (ws) {
			SDL_BlitSurface(u->surf, NULL, ws, NULL);
			SDL_UpdateWindowSurface(u->win);
		}
	}
}

int viz_ui_save(struct viz_ui *u, const struct viz_model *m, struct viz_view *v,
                const char *path)
{
	draw(u, m, v);
	size_t n = strlen(path);
	if (n > 4 && !strcasecmp(path + n - 4, ".png")) {
		SDL_Surface *s = u->surf;
		if (viz_png_write(path, s->pixels, s->w, s->h, s->pitch / 4)) {
			fprintf(stderr, "rumpk-sim: --viz-snapshot %s: %s\n",
			        path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (SDL_SaveBMP((SDL_Surface *)u->surf, path) != 0) {
		fprintf(stderr, "rumpk-sim: --viz-snapshot %s: %s\n", path,
		        SDL_GetError());
		return -1;
	}
	return 0;
}
