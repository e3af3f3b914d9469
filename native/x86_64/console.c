/*
 * console.c - COM1 (16550 at I/O port 0x3f8) through the common driver.
 */
#include <rumpk/hal.h>

#include "uart16550.h"
#include "x86.h"

static const struct uart16550 com1 = {
	.base = 0x3f8,
	.reg_shift = 0,
	.reg_io_width = 1,
	.access = UART16550_PIO,
};

void x86_console_init(void)
{
	uart16550_init(&com1, 1843200, 115200);
}

void hal_console_putc(char c)
{
	uart16550_putc(&com1, c);
}

int hal_console_getc(void)
{
	return uart16550_getc(&com1);
}
