/*
 * hal_console.c - the simulator's serial console output is stdout,
 * buffered per line so that a payload's lines are not torn by other
 * writers, and flushed before every exit.  The receive side is the
 * simulated UART in uart_sim.c.
 */
#include <stdio.h>
#include <unistd.h>

#include <rumpk/hal.h>

#include "sim.h"

static char line[512];
static size_t used;

void sim_console_flush(void)
{
	size_t off = 0;
	while (off < used) {
		ssize_t n = write(STDOUT_FILENO, line + off, used - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	used = 0;
}

void (*sim_console_tap)(char c);

void hal_console_putc(char c)
{
	if (sim_console_tap)
		sim_console_tap(c);
	line[used++] = c;
	if (c == '\n' || used == sizeof(line))
		sim_console_flush();
}
