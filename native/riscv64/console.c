/*
 * console.c - the console: the 16550-compatible UART the device tree
 * names (QEMU virt's ns16550a at 0x10000000, PLIC 10; the VisionFive 2's
 * snps,dw-apb-uart, reg-shift 2, reg-io-width 4, PLIC 32), through the
 * common driver.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "fdt.h"
#include "uart16550.h"

static struct uart16550 uart = {
    .base = 0x10000000,
    .reg_shift = 0,
    .reg_io_width = 1,
    .access = UART16550_MMIO,
};

void hal_console_putc(char c)
{
	if (c == '\n')
		uart16550_putc(&uart, '\r');
	uart16550_putc(&uart, c);
}

int hal_console_getc(void)
{
	return uart16550_getc(&uart);
}

/* The console's PLIC line (QEMU virt: 10), 0 when unknown. */
unsigned rv_console_irq = 10;

/* hal.h: the UART's receive interrupt on (IER), its PLIC line from the
 * DTB (QEMU virt 10, VisionFive 2 32), masked until hal_irq_unmask. */
int hal_console_rx_irq(void)
{
	if (rv_console_irq == 0)
		return -1;
	uart16550_rx_irq(&uart, true);
	return (int)rv_console_irq;
}

/* The console from the DTB: QEMU virt's ns16550a (byte stride, PLIC 10)
 * or the VisionFive 2's snps,dw-apb-uart (reg-shift 2, reg-io-width 4,
 * PLIC 32).  The divisor stays as the boot loader set it (115200 on the
 * board: U-Boot's console). */
static struct rk_fdt_uart dt_uart;
static bool dt_uart_ok;

void rv_console_init(const struct rk_fdt *t)
{
	if (t && rk_fdt_console_uart(t, &dt_uart) == 0) {
		dt_uart_ok = true;
		uart.base = (uintptr_t)dt_uart.base;
		uart.reg_shift = dt_uart.reg_shift;
		uart.reg_io_width = dt_uart.reg_io_width;
		rv_console_irq = dt_uart.irq;
	}
	uart16550_init(&uart, 0, 0);
}

/* For bring-up on a board: the console the tree gave. */
void rv_console_report(void)
{
	if (dt_uart_ok)
		rk_printf("[BOOT] console uart at 0x%llx, reg-shift %u, "
		          "reg-io-width %u, clock %u Hz, irq %u\n",
		          (unsigned long long)dt_uart.base,
		          (unsigned)dt_uart.reg_shift,
		          (unsigned)dt_uart.reg_io_width,
		          (unsigned)dt_uart.clock_hz, (unsigned)dt_uart.irq);
}
