/*
 * hal_console.c - the simulator's serial console is stdout.  Output is
 * buffered per line so that a payload's lines are not torn by other
 * writers, and flushed before every exit.
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

void hal_console_putc(char c)
{
	line[used++] = c;
	if (c == '\n' || used == sizeof(line))
		sim_console_flush();
}

/* The simulated UART has no receive side until a device feeds it; with
 * nothing waiting the contract says -1. */
int hal_console_getc(void)
{
	return -1;
}
