/*
 * test_viz_snapshot.c - runs rumpk-sim with --viz-snapshot (live or
 * --viz-replay) without a display, then checks the BMP it wrote: the
 * frame's size, that it is not blank, that named panes hold live data
 * (pixels other than the pane's background below its title), given
 * colours in given panes, and that given text appears inside a pane,
 * pixel for pixel as the built-in font draws it.
 *
 *   test_viz_snapshot --out FILE.bmp [--text PANE:TEXT]... [--live PANE]...
 *                     [--color PANE:RRGGBB]... -- SIM [SIM ARGS]...
 *
 * PANE: console fibers counters irq gov rings.  Exit 0 when everything
 * holds, 1 with what did not, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <SDL.h>

#include "../sim/viz/font.h"
#include "../sim/viz/layout.h"

static SDL_Surface *img;
static int failures;

static uint32_t px(int x, int y)
{
	return ((const uint32_t *)
	            img->pixels)[(size_t)y * (size_t)(img->pitch / 4) +
	                         (size_t)x] |
	       0xff000000u;
}

static int pane_of(const char *name, struct viz_rect *r)
{
	static const struct {
		const char *name;
		struct viz_rect r;
	} panes[] = {
	    {"console", VIZ_PANE_CONSOLE},   {"fibers", VIZ_PANE_FIBERS},
	    {"counters", VIZ_PANE_COUNTERS}, {"irq", VIZ_PANE_IRQ},
	    {"gov", VIZ_PANE_GOV},           {"rings", VIZ_PANE_RINGS},
	    {"title", VIZ_PANE_TITLE},
	};
	for (size_t i = 0; i < sizeof(panes) / sizeof(panes[0]); i++)
		if (!strcmp(panes[i].name, name)) {
			*r = panes[i].r;
			return 0;
		}
	return -1;
}

/* Does text start at (x, y)?  Every pixel a glyph sets has the colour
 * of the first one; every pixel it leaves clear (the 5x8 cell and the
 * column between characters) has another colour. */
static int text_at(const uint32_t *cps, size_t n, int x, int y)
{
	/* The colour: the pixel of the first bit any glyph sets. */
	uint32_t fg = 0;
	int have = 0;
	for (size_t i = 0; i < n && !have; i++)
		for (int r = 0; r < VIZ_GLYPH_H && !have; r++)
			for (int k = 0; k < VIZ_GLYPH_W && !have; k++)
				if (viz_font_row(cps[i], (unsigned)r) &
				    (0x10u >> k)) {
					fg = px(x + (int)i * VIZ_ADV_X + k,
					        y + r);
					have = 1;
				}
	if (!have)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (int r = 0; r < VIZ_GLYPH_H; r++) {
			uint8_t bits = viz_font_row(cps[i], (unsigned)r);
			for (int k = 0; k < VIZ_ADV_X; k++) {
				int on =
				    k < VIZ_GLYPH_W && (bits & (0x10u >> k));
				uint32_t p =
				    px(x + (int)i * VIZ_ADV_X + k, y + r);
				if (on != (p == fg))
					return 0;
			}
		}
	return 1;
}

static int find_text(struct viz_rect r, const char *text)
{
	uint32_t cps[256];
	size_t n = 0;
	while (*text && n < 256)
		cps[n++] = viz_utf8_next(&text);
	int wpx = (int)n * VIZ_ADV_X;
	for (int y = r.y; y + VIZ_GLYPH_H <= r.y + r.h; y++)
		for (int x = r.x; x + wpx <= r.x + r.w; x++)
			if (text_at(cps, n, x, y))
				return 1;
	return 0;
}

static void fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "test_viz_snapshot: FAIL: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	failures++;
}

/* Pixels below the pane's title line that are not its background. */
static long live_pixels(struct viz_rect r)
{
	long n = 0;
	for (int y = r.y + VIZ_BODY_Y; y < r.y + r.h - 1; y++)
		for (int x = r.x + 1; x < r.x + r.w - 1; x++)
			n += px(x, y) != (VIZ_C_PANE | 0xff000000u);
	return n;
}

static long color_pixels(struct viz_rect r, uint32_t c)
{
	long n = 0;
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			n += px(x, y) == (c | 0xff000000u);
	return n;
}

static int run(char **argv, const char *out)
{
	unlink(out);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	int i, want = 0;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--status") && i + 1 < argc)
			want = atoi(argv[++i]); /* the run's own status */
		else
			i++; /* checks: read after the run */
	if (!out || i + 1 >= argc) {
		fprintf(stderr, "usage: test_viz_snapshot --out FILE.bmp "
		                "[--text PANE:TEXT]... [--live PANE]... "
		                "[--color PANE:RRGGBB]... [--status N] -- SIM "
		                "[ARGS]...\n");
		return 2;
	}
	/* The test must not need a display. */
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	int rc = run(argv + i + 1, out);
	if (rc != want) {
		char s[16];
		snprintf(s, sizeof(s), "%d", rc);
		fail("rumpk-sim exited with status %s, expected %s", s,
		     want ? "that of --status" : "0");
		return 1;
	}
	SDL_Surface *raw = SDL_LoadBMP(out);
	if (!raw) {
		fail("cannot read %s: %s", out, SDL_GetError());
		return 1;
	}
	img = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_FreeSurface(raw);
	if (!img) {
		fail("cannot convert %s: %s", out, SDL_GetError());
		return 1;
	}
	if (img->w != VIZ_W || img->h != VIZ_H) {
		char a[32], b[32];
		snprintf(a, sizeof(a), "%dx%d", img->w, img->h);
		snprintf(b, sizeof(b), "%dx%d", VIZ_W, VIZ_H);
		fail("frame is %s, expected %s", a, b);
		return 1;
	}
	/* Not blank: many colours, not one flat fill. */
	uint32_t seen[64];
	unsigned nseen = 0;
	for (int y = 0; y < img->h && nseen < 64; y += 3)
		for (int x = 0; x < img->w && nseen < 64; x += 3) {
			uint32_t p = px(x, y);
			unsigned k = 0;
			while (k < nseen && seen[k] != p)
				k++;
			if (k == nseen)
				seen[nseen++] = p;
		}
	if (nseen < 8)
		fail("frame is (nearly) blank%s%s", "", "");

	for (int j = 1; j < argc && strcmp(argv[j], "--"); j += 2) {
		const char *opt = argv[j], *val = argv[j + 1];
		if (!strcmp(opt, "--out") || !strcmp(opt, "--status"))
			continue;
		char pname[16];
		const char *colon = strchr(val, ':');
		size_t pl = colon ? (size_t)(colon - val) : strlen(val);
		struct viz_rect r;
		snprintf(pname, sizeof(pname), "%.*s", (int)pl, val);
		if (pane_of(pname, &r)) {
			fail("unknown pane '%s'%s", pname, "");
			continue;
		}
		if (!strcmp(opt, "--text") && colon) {
			if (!find_text(r, colon + 1))
				fail("pane %s does not show '%s'", pname,
				     colon + 1);
		} else if (!strcmp(opt, "--live")) {
			if (live_pixels(r) < 200)
				fail("pane %s shows no data%s", pname, "");
		} else if (!strcmp(opt, "--color") && colon) {
			uint32_t c = (uint32_t)strtoul(colon + 1, NULL, 16);
			if (color_pixels(r, c) < 20)
				fail("pane %s has no pixel of colour %s", pname,
				     colon + 1);
		} else {
			fail("bad check '%s %s'", opt, val);
		}
	}
	SDL_FreeSurface(img);
	if (failures)
		return 1;
	printf("test_viz_snapshot: PASS (%s)\n", out);
	return 0;
}
