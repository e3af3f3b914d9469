/*
 * uart16550.h - a 16550-compatible UART driver shared by the native kernels.
 *
 * One driver for the PC's COM1 (port I/O 0x3f8), QEMU virt's ns16550a
 * (MMIO, byte stride) and the DesignWare APB UART of the VisionFive 2
 * (MMIO, reg-shift 2, reg-io-width 4: 32-bit registers on a 4-byte stride).
 * Register n lives at base + (n << reg_shift) and is accessed with
 * reg_io_width bytes (1 or 4).  Port I/O is compiled on x86_64 only.
 */
#ifndef RUMPK_UART16550_H
#define RUMPK_UART16550_H

#include <stdbool.h>
#include <stdint.h>

enum uart16550_access {
	UART16550_MMIO = 0,
	UART16550_PIO = 1, /* x86 in/out instructions; x86_64 only */
};

struct uart16550 {
	uintptr_t base;        /* MMIO address or I/O port */
	unsigned reg_shift;    /* register stride = 1 << reg_shift */
	unsigned reg_io_width; /* 1 or 4 (bytes per access); 0 means 1 */
	enum uart16550_access access;
};

/* Set 8n1, FIFOs on, interrupts off.  With clock_hz and baud both non-zero
 * also program the divisor (clock_hz / (16 * baud)); otherwise keep what
 * the firmware set up (QEMU ignores the divisor, boards' loaders set it). */
void uart16550_init(const struct uart16550 *u, uint32_t clock_hz,
                    uint32_t baud);
/* Waits for room in the transmitter (LSR.THRE), then writes c. */
void uart16550_putc(const struct uart16550 *u, char c);
/* The next received byte, or -1 when nothing is waiting (LSR.DR clear). */
int uart16550_getc(const struct uart16550 *u);
/* Received-data-available interrupt (IER.ERBFI) on or off; on also sets
 * the receive FIFO trigger to 8 bytes. */
void uart16550_rx_irq(const struct uart16550 *u, bool enable);
/* IER off and on again: the UART drops its interrupt output and raises
 * it again if received data waits -- a fresh edge for an edge-triggered
 * controller (the PC's 8259). */
void uart16550_rx_irq_rearm(const struct uart16550 *u);

#endif
