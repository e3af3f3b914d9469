/*
 * hal_console.c - console output of host programs is stdout, buffered per
 * line so that a payload's lines are not torn by other writers, and
 * flushed before every exit.  The simulator's receive side is its
 * simulated UART (sim/uart_sim.c).
 */
#include <stdio.h>
#include <unistd.h>

#include <rumpk/hal.h>

#include "host_hal.h"

static char line[512];
static size_t used;
int host_console_fd = STDOUT_FILENO;

void host_console_flush(void)
{
	size_t off = 0;
	while (off < used) {
		ssize_t n = write(host_console_fd, line + off, used - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	used = 0;
}

void (*host_console_tap)(char c);

void hal_console_putc(char c)
{
	if (host_console_tap)
		host_console_tap(c);
	line[used++] = c;
	if (c == '\n' || used == sizeof(line))
		host_console_flush();
}
