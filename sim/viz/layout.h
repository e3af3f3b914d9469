/*
 * layout.h - where the visualizer's panes are and their colours (shared
 * with tests/test_viz_snapshot.c, which finds text in them).
 */
#ifndef RUMPK_VIZ_LAYOUT_H
#define RUMPK_VIZ_LAYOUT_H

#define VIZ_W 1024
#define VIZ_H 720

struct viz_rect {
	int x, y, w, h;
};

/* Panes: title bar, console, fibers, counters, interrupt timeline,
 * governor band, ring fill. */
#define VIZ_PANE_TITLE    ((struct viz_rect){0, 0, VIZ_W, 16})
#define VIZ_PANE_CONSOLE  ((struct viz_rect){4, 20, 604, 412})
#define VIZ_PANE_FIBERS   ((struct viz_rect){612, 20, 408, 240})
#define VIZ_PANE_COUNTERS ((struct viz_rect){612, 264, 408, 168})
#define VIZ_PANE_IRQ      ((struct viz_rect){4, 436, 1016, 112})
#define VIZ_PANE_GOV      ((struct viz_rect){4, 552, 1016, 48})
#define VIZ_PANE_RINGS    ((struct viz_rect){4, 604, 1016, 112})

/* Text inside a pane starts this far from its corner, under the pane's
 * title line. */
#define VIZ_PAD    4
#define VIZ_BODY_Y 16
#define VIZ_PLOT_X 78 /* timelines: where the plot starts in a pane */

/* 0xAARRGGBB */
#define VIZ_C_BG       0xff0e1216u
#define VIZ_C_PANE     0xff161c22u
#define VIZ_C_BORDER   0xff34404cu
#define VIZ_C_TITLE    0xff8fb8deu
#define VIZ_C_TEXT     0xffd8dde2u /* console output */
#define VIZ_C_TYPED    0xff7fe07fu /* what the user typed */
#define VIZ_C_DIM      0xff8a949eu
#define VIZ_C_PEACE    0xff2e8b57u
#define VIZ_C_WAR      0xffd04040u
#define VIZ_C_NONE     0xff2a3038u
#define VIZ_C_RING     0xff3f8fd0u
#define VIZ_C_SWITCH   0xff40c0c0u
#define VIZ_C_RUNNING  0xff24402cu
#define VIZ_C_TITLEBAR 0xff22303cu

#endif
