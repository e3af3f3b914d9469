/*
 * console.c - COM1 (16550 at I/O port 0x3f8, ISA IRQ 4) through the
 * common driver.
 */
#include <rumpk/hal.h>

#include "arch.h"
#include "uart16550.h"

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

#define COM1_IRQ 4

/* The 16550 lowers its interrupt output while no source is enabled in
 * IER and raises it again when received data is waiting: the edge the
 * PIC needs (Linux's 8250 driver toggles IER the same way to restart
 * THRE interrupts). */
static void com1_rearm(void)
{
	uart16550_rx_irq_rearm(&com1);
}

int hal_console_rx_irq(void)
{
	/* MCR.OUT2 (set by uart16550_init) gates the 16550's interrupt
	 * output onto the ISA bus on a PC. */
	x86_irq_set_rearm(COM1_IRQ, com1_rearm);
	uart16550_rx_irq(&com1, true);
	return COM1_IRQ;
}
