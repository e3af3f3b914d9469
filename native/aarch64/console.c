/*
 * console.c - the PL011 UART: the one the device tree names (stdout-path,
 * else the first arm,pl011), QEMU virt's at 0x09000000 (SPI 1) otherwise.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "fdt.h"

#define PL011_DR    0x00
#define PL011_FR    0x18
#define PL011_LCR_H 0x2c
#define PL011_CR    0x30
#define PL011_IMSC  0x38
#define FR_BUSY     (1u << 3)
#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define LCR_H_FEN   (1u << 4)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)
#define IMSC_RXIM   (1u << 4) /* receive: FIFO at or above its trigger level */
#define IMSC_RTIM   (1u << 6) /* receive timeout: data below the trigger */

static uintptr_t uart = 0x09000000; /* QEMU virt until the DTB says */
static unsigned uart_irq = 33;      /* GIC INTID: QEMU virt's SPI 1 */

static void pl011_init(void)
{
	/* Keep the firmware's baud rate and frame; make sure TX and RX are
	 * on and the FIFOs too (QEMU starts with LCR_H = 0: a one-byte
	 * receive holding register, so a sender gets one byte per poll).
	 * The PL011 TRM (UARTLCR_H, UARTCR) asks for the UART disabled and
	 * idle while LCR_H changes. */
	uint32_t cr = mmio_r32(uart + PL011_CR);
	uint32_t lcr = mmio_r32(uart + PL011_LCR_H);
	if (!(lcr & LCR_H_FEN)) {
		while (mmio_r32(uart + PL011_FR) & FR_BUSY)
			;
		mmio_w32(uart + PL011_CR, cr & ~CR_UARTEN);
		mmio_w32(uart + PL011_LCR_H, lcr | LCR_H_FEN);
	}
	mmio_w32(uart + PL011_CR, cr | CR_UARTEN | CR_TXE | CR_RXE);
	mmio_w32(uart + PL011_IMSC, 0);
}

static void pl011_putc(char c)
{
	while (mmio_r32(uart + PL011_FR) & FR_TXFF)
		;
	mmio_w32(uart + PL011_DR, (uint8_t)c);
}

void hal_console_putc(char c)
{
	if (c == '\n')
		pl011_putc('\r');
	pl011_putc(c);
}

int hal_console_getc(void)
{
	if (mmio_r32(uart + PL011_FR) & FR_RXFE)
		return -1;
	return (int)(mmio_r32(uart + PL011_DR) & 0xff);
}

/* Receive and receive-timeout interrupts, no clearing by hand: reading
 * DR clears RX once the FIFO drops below its trigger level and RT once
 * it is empty (PL011 TRM, "Interrupts": UARTRXINTR, UARTRTINTR), so the
 * combined line stays up exactly while bytes wait -- the level the
 * governor expects.  Clearing them through ICR with bytes left would
 * lose that level (QEMU raises RX again only when the count next reaches
 * the trigger).  The SPI is made level-sensitive: GICD_ICFGR's reset
 * value for SPIs is implementation defined (GICv2 spec, 4.3.13). */
int hal_console_rx_irq(void)
{
	if (uart_irq < 32)
		return -1; /* an SPI or nothing */
	hal_irq_state_t s = hal_irq_save();
	if (a64_irq_level(uart_irq) != 0) {
		hal_irq_restore(s);
		return -1;
	}
	mmio_w32(uart + PL011_IMSC, IMSC_RXIM | IMSC_RTIM);
	hal_irq_restore(s);
	return (int)uart_irq;
}

void a64_console_init(const struct rk_fdt *t)
{
	int n = t ? rk_fdt_stdout(t) : -1;
	if (t && (n < 0 || !rk_fdt_is_compatible(t, n, "arm,pl011")))
		n = rk_fdt_find_compatible(t, -1, "arm,pl011");
	uint64_t base;
	if (n >= 0 && rk_fdt_reg(t, n, 0, &base, NULL) == 0)
		uart = (uintptr_t)base;
	/* The GIC binding's three cells: type (0 SPI, 1 PPI), number,
	 * flags; SPI n is INTID 32 + n, PPI n is 16 + n. */
	uint32_t type, num;
	if (n >= 0 && rk_fdt_interrupt_cell(t, n, 0, &type) == 0 &&
	    rk_fdt_interrupt_cell(t, n, 1, &num) == 0 && type <= 1)
		uart_irq = (type == 0 ? 32u : 16u) + num;
	pl011_init();
}
