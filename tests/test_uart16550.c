/*
 * test_uart16550.c - native/common/uart16550.c on the host, driving a
 * simulated register file in host memory.
 *
 * The driver reaches register n at base + (n << reg_shift) with
 * reg_io_width-byte accesses.  Here base points into an array laid out
 * like the hardware: the VisionFive 2's DesignWare APB UART (reg-shift 2,
 * reg-io-width 4: 32-bit registers on a 4-byte stride) and QEMU virt's
 * ns16550a (byte registers, byte stride).  The driver does plain volatile
 * loads and stores for MMIO (port I/O only for UART16550_PIO on x86_64),
 * so it runs unchanged against memory.
 *
 * A memory array cannot see the order of writes to one register (DLL and
 * THR share offset 0), so the checks are on final register values plus
 * what the driver must have done to reach them; LSR is set by the test
 * to model the transmitter and receiver.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../native/common/uart16550.h"

/* 16550 register numbers and bits (National Semiconductor PC16550D
 * data sheet; the DesignWare APB UART data book uses the same). */
enum {
	RBR = 0,
	THR = 0,
	DLL = 0,
	IER = 1,
	DLM = 1,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5,
	NREGS = 8
};
#define LSR_DR   0x01u
#define LSR_THRE 0x20u
#define LCR_DLAB 0x80u

/* A 32-bit register file with a guard word after it: 4-byte stride. */
static uint32_t regs32[NREGS + 1];
/* A byte register file for QEMU's layout, with guard bytes around it. */
static uint8_t regs8[NREGS + 8];

static const struct uart16550 dw = {
    .base = 0,
    .reg_shift = 2,
    .reg_io_width = 4,
    .access = UART16550_MMIO,
};

static struct uart16550 dw_uart(void)
{
	struct uart16550 u = dw;
	u.base = (uintptr_t)regs32;
	return u;
}

static struct uart16550 byte_uart(void)
{
	struct uart16550 u = {
	    .base = (uintptr_t)&regs8[4],
	    .reg_shift = 0,
	    .reg_io_width = 1,
	    .access = UART16550_MMIO,
	};
	return u;
}

static int reset(void **state)
{
	(void)state;
	memset(regs32, 0xa5, sizeof(regs32));
	memset(regs8, 0xa5, sizeof(regs8));
	return 0;
}

/* init with the board's clock: 24 MHz / (16 * 115200) = 13.02: divisor
 * 13 (0.16 % fast, well inside a UART's tolerance). */
static void test_dw_init_divisor(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	uart16550_init(&u, 24000000, 115200);
	/* DLAB was set to write the divisor, then cleared: LCR = 8N1. */
	assert_int_equal(regs32[LCR], 0x03);
	/* DLM holds the high byte; offset 0 (DLL/THR) got 13 with DLAB
	 * set and nothing after. */
	assert_int_equal(regs32[DLM] & 0xff, 0);
	assert_int_equal(regs32[DLL], 13);
	/* FIFOs on and cleared, DTR/RTS/OUT2. */
	assert_int_equal(regs32[FCR], 0x07);
	assert_int_equal(regs32[MCR], 0x0b);
	/* Whole 32-bit words written, upper bytes zero: reg-io-width 4. */
	for (int r = 0; r <= MCR; r++)
		assert_int_equal(regs32[r] >> 8, 0);
	/* LSR (read-only) untouched, the guard word too. */
	assert_int_equal(regs32[LSR], 0xa5a5a5a5u);
	assert_int_equal(regs32[NREGS], 0xa5a5a5a5u);
}

/* Interrupts: init leaves them off; IER and DLM share offset 1, so the
 * last write to offset 1 was IER = 0 only when no divisor was set. */
static void test_dw_init_keeps_divisor(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	uart16550_init(&u, 0, 0);
	assert_int_equal(regs32[IER], 0);
	assert_int_equal(regs32[LCR], 0x03); /* DLAB never left set */
	/* Offset 0 (DLL/THR) not written: the firmware's divisor stays. */
	assert_int_equal(regs32[DLL], 0xa5a5a5a5u);
}

static void test_divisors(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	static const struct {
		uint32_t clk, baud, div;
	} cases[] = {
	    {24000000, 115200, 13}, {1843200, 115200, 1},
	    {1843200, 9600, 12},    {3686400, 115200, 2},
	    {24000000, 9600, 156},  {100000000, 300, 20833},
	    {1000, 115200, 1}, /* clock too slow: never 0 */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		reset(NULL);
		uart16550_init(&u, cases[i].clk, cases[i].baud);
		/* DLL is the last write to offset 0; offset 1 ends with
		 * DLM because IER is written before DLAB is set. */
		uint32_t div = (regs32[DLL] & 0xff) | (regs32[DLM] & 0xff) << 8;
		assert_int_equal(div, cases[i].div);
	}
}

/* The transmitter: a thread plays the UART, reporting THRE only after
 * a while; putc must spin on LSR until then and write THR after. */
static volatile uint32_t thr_seen_before_thre;

static void *transmitter(void *arg)
{
	(void)arg;
	struct timespec ts = {0, 30 * 1000 * 1000};
	nanosleep(&ts, NULL);
	volatile uint32_t *r = regs32;
	thr_seen_before_thre = r[THR];
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r[LSR] = LSR_THRE;
	return NULL;
}

static void test_dw_putc_waits_for_thre(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	/* THRE set: the byte goes straight out, as a 32-bit write. */
	regs32[LSR] = LSR_THRE;
	uart16550_putc(&u, 'V');
	assert_int_equal(regs32[THR], 'V');
	assert_int_equal(regs32[LSR], LSR_THRE); /* LSR is never written */

	/* THRE clear: putc waits for the "transmitter". */
	regs32[LSR] = 0;
	regs32[THR] = 0;
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, transmitter, NULL), 0);
	uart16550_putc(&u, 'Z');
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(thr_seen_before_thre, 0); /* nothing written early */
	assert_int_equal(regs32[THR], 'Z');
}

static void test_dw_getc(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	regs32[LSR] = LSR_THRE; /* nothing received */
	regs32[RBR] = 'x';
	assert_int_equal(uart16550_getc(&u), -1);
	regs32[LSR] = LSR_THRE | LSR_DR;
	assert_int_equal(uart16550_getc(&u), 'x');
	/* Only the low byte of the 32-bit register is data. */
	regs32[RBR] = 0xffffff00u | 0xe9u;
	assert_int_equal(uart16550_getc(&u), 0xe9);
	regs32[RBR] = 0;
	assert_int_equal(uart16550_getc(&u), 0); /* NUL is a byte, not -1 */
}

static void test_dw_rx_irq(void **state)
{
	(void)state;
	struct uart16550 u = dw_uart();
	uart16550_rx_irq(&u, true);
	assert_int_equal(regs32[IER], 0x01); /* ERBFI only */
	uart16550_rx_irq(&u, false);
	assert_int_equal(regs32[IER], 0);
	/* Nothing else touched. */
	assert_int_equal(regs32[LCR], 0xa5a5a5a5u);
}

/* QEMU virt's ns16550a: byte registers at a byte stride; no byte around
 * the 8 registers is written. */
static void test_byte_stride(void **state)
{
	(void)state;
	struct uart16550 u = byte_uart();
	uint8_t *r = &regs8[4];
	uart16550_init(&u, 3686400, 115200);
	assert_int_equal(r[LCR], 0x03);
	assert_int_equal(r[DLL], 2);
	assert_int_equal(r[DLM], 0);
	assert_int_equal(r[FCR], 0x07);
	assert_int_equal(r[MCR], 0x0b);
	for (int i = 0; i < 4; i++)
		assert_int_equal(regs8[i], 0xa5);
	assert_int_equal(regs8[4 + LSR], 0xa5);
	assert_int_equal(regs8[4 + NREGS], 0xa5);

	r[LSR] = LSR_THRE;
	uart16550_putc(&u, 'q');
	assert_int_equal(r[THR], 'q');
	assert_int_equal(uart16550_getc(&u), -1);
	r[LSR] = LSR_DR;
	r[RBR] = 'k';
	assert_int_equal(uart16550_getc(&u), 'k');
	uart16550_rx_irq(&u, true);
	assert_int_equal(r[IER], 0x01);
	assert_int_equal(regs8[4 + NREGS], 0xa5);
}

/* reg_io_width 0 means 1 (a zero-initialised struct). */
static void test_width_zero_is_byte(void **state)
{
	(void)state;
	struct uart16550 u = byte_uart();
	u.reg_io_width = 0;
	u.reg_shift = 2; /* byte registers on a 4-byte stride */
	uint8_t big[NREGS * 4];
	memset(big, 0xa5, sizeof(big));
	u.base = (uintptr_t)big;
	uart16550_rx_irq(&u, true);
	assert_int_equal(big[IER * 4], 0x01);
	assert_int_equal(big[IER * 4 + 1], 0xa5); /* one byte written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_dw_init_divisor, reset),
	    cmocka_unit_test_setup(test_dw_init_keeps_divisor, reset),
	    cmocka_unit_test_setup(test_divisors, reset),
	    cmocka_unit_test_setup(test_dw_putc_waits_for_thre, reset),
	    cmocka_unit_test_setup(test_dw_getc, reset),
	    cmocka_unit_test_setup(test_dw_rx_irq, reset),
	    cmocka_unit_test_setup(test_byte_stride, reset),
	    cmocka_unit_test_setup(test_width_zero_is_byte, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
