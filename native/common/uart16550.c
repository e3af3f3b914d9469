/*
 * uart16550.c - 16550 UART: port I/O (x86_64) or MMIO with reg-shift and
 * reg-io-width (see uart16550.h).
 */
#include "uart16550.h"
#include "pio.h"

/* Register numbers (before reg_shift). */
enum {
	UART_RBR = 0, /* receive buffer (read, DLAB=0) */
	UART_THR = 0, /* transmit holding (write, DLAB=0) */
	UART_DLL = 0, /* divisor latch low (DLAB=1) */
	UART_IER = 1, /* interrupt enable (DLAB=0) */
	UART_DLM = 1, /* divisor latch high (DLAB=1) */
	UART_FCR = 2, /* FIFO control (write) */
	UART_LCR = 3, /* line control */
	UART_MCR = 4, /* modem control */
	UART_LSR = 5, /* line status */
};

#define IER_ERBFI  0x01u
#define FCR_ENABLE 0x01u
#define FCR_CLR_RX 0x02u
#define FCR_CLR_TX 0x04u
#define FCR_TRIG8  0x80u
#define LCR_8N1    0x03u
#define LCR_DLAB   0x80u
#define MCR_DTR    0x01u
#define MCR_RTS    0x02u
#define MCR_OUT2   0x08u /* gates the IRQ line on PCs */
#define LSR_DR     0x01u
#define LSR_THRE   0x20u

static uint8_t rd(const struct uart16550 *u, unsigned reg)
{
	uintptr_t a = u->base + ((uintptr_t)reg << u->reg_shift);
#if defined(__x86_64__)
	if (u->access == UART16550_PIO)
		return inb((uint16_t)a);
#endif
	if (u->reg_io_width == 4)
		return (uint8_t) * (volatile uint32_t *)a;
	return *(volatile uint8_t *)a;
}

static void wr(const struct uart16550 *u, unsigned reg, uint8_t v)
{
	uintptr_t a = u->base + ((uintptr_t)reg << u->reg_shift);
#if defined(__x86_64__)
	if (u->access == UART16550_PIO) {
		outb((uint16_t)a, v);
		return;
	}
#endif
	if (u->reg_io_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = v;
}

void uart16550_init(const struct uart16550 *u, uint32_t clock_hz, uint32_t baud)
{
	wr(u, UART_IER, 0);
	if (clock_hz != 0 && baud != 0) {
		uint32_t div = (clock_hz + 8u * baud) / (16u * baud);
		if (div == 0)
			div = 1;
		wr(u, UART_LCR, LCR_DLAB | LCR_8N1);
		wr(u, UART_DLL, (uint8_t)(div & 0xffu));
		wr(u, UART_DLM, (uint8_t)((div >> 8) & 0xffu));
	}
	wr(u, UART_LCR, LCR_8N1);
	wr(u, UART_FCR, FCR_ENABLE | FCR_CLR_RX | FCR_CLR_TX);
	wr(u, UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void uart16550_putc(const struct uart16550 *u, char c)
{
	while ((rd(u, UART_LSR) & LSR_THRE) == 0)
		;
	wr(u, UART_THR, (uint8_t)c);
}

int uart16550_getc(const struct uart16550 *u)
{
	if ((rd(u, UART_LSR) & LSR_DR) == 0)
		return -1;
	return rd(u, UART_RBR);
}

void uart16550_rx_irq(const struct uart16550 *u, bool enable)
{
	/* Interrupt at 8 bytes (FCR bits 7:6 = 10; FIFO stays on, nothing
	 * cleared); fewer bytes raise it after the character timeout (four
	 * character times without a new byte).  8 leaves half the FIFO for
	 * interrupt latency at 115200 baud (about 0.7 ms).  QEMU's model
	 * also offers its chardev this many bytes at a time (trigger 1:
	 * one byte per main-loop round trip). */
	if (enable)
		wr(u, UART_FCR, FCR_ENABLE | FCR_TRIG8);
	wr(u, UART_IER, enable ? IER_ERBFI : 0);
}

void uart16550_rx_irq_rearm(const struct uart16550 *u)
{
	wr(u, UART_IER, 0);
	wr(u, UART_IER, IER_ERBFI);
}
