/*
 * viz.h - rumpk-sim's visualizer (docs/visualizer.md): an SDL2 window or
 * a headless snapshot of the serial console, interrupts per line, the
 * governor's Peace/War band, the fiber table, ring fill and counters,
 * live from the simulated kernel or replayed from a native trace.
 */
#ifndef RUMPK_VIZ_H
#define RUMPK_VIZ_H

#include <stdbool.h>
#include <stdint.h>

struct viz_opts {
	bool window;          /* --viz: open a window */
	const char *snapshot; /* --viz-snapshot FILE.bmp */
	uint64_t after_ms;    /* --viz-after-ms N: snapshot at this time */
	bool after_set;
	const char *replay; /* --viz-replay FILE */
	const char *type;   /* --viz-type TEXT: typed at the start */
};

/* Live: installs the trace sink and the simulator's hooks, opens the
 * window.  0, or an exit status (the window cannot open: 2). */
int viz_live_start(const struct viz_opts *o);
/* After the kernel returned: writes the snapshot if not yet written;
 * keeps the window until it is closed.  0, or 2 when the snapshot could
 * not be written. */
int viz_live_finish(int status);
/* --viz-replay: shows a recorded trace; returns the exit status. */
int viz_replay(const struct viz_opts *o);

#endif
