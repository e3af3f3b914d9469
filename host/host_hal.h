/*
 * host_hal.h - the HAL pieces every Linux-hosted program shares (the
 * simulator, the npl tool, mkbad, host tests): memory (hal_mem.c) and the
 * console on stdout (hal_console.c), and what they offer beyond hal.h.
 */
#ifndef RUMPK_HOST_HAL_H
#define RUMPK_HOST_HAL_H

#include <stddef.h>

/* The host's page size: the size of a fiber stack's guard page. */
size_t host_page_size(void);

/* Writes out the console line held so far (before every exit). */
void host_console_flush(void);
/* Where the console goes: stdout, unless the program keeps stdout for
 * something machine-readable (rumpk-sim --stats json: stderr then). */
extern int host_console_fd;
/* NULL, or a function that sees every console byte as well as stdout
 * (the simulator's visualizer). */
extern void (*host_console_tap)(char c);

#endif
