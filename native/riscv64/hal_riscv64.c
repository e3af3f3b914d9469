/*
 * hal_riscv64.c - the riscv64 platform: boot (rv_main), console, time,
 * timer and interrupts, contexts, trap reports, entropy and exit.
 *
 * Everything board-specific comes from the DTB that a1 points to (UART,
 * timebase, memory, initrd, exit device), so one image serves QEMU virt
 * and boards; QEMU virt's values are the fallbacks.
 *
 * Timer: SBI TIME extension (set_timer) + sie.STIE; hal_idle is wfi.  No
 * Sstc (the VisionFive 2's U74 has none).  Interrupt lines: plic.c.
 */
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/siphash.h>
#include <rumpk/status.h>

#include "dtboot.h"
#include "fdt.h"
#include "port.h"
#include "riscv.h"
#include "uart16550.h"

/* ---- console ------------------------------------------------------- */

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

void rv_console_rx_irq(bool enable)
{
	uart16550_rx_irq(&uart, enable);
}

/* hal.h: the UART's receive interrupt on (IER), its PLIC line from the
 * DTB (QEMU virt 10, VisionFive 2 32), masked until hal_irq_unmask. */
int hal_console_rx_irq(void)
{
	if (rv_console_irq == 0)
		return -1;
	uart16550_rx_irq(&uart, true);
	return (int)rv_console_irq;
}

/* ---- time and timer ------------------------------------------------ */

static uint64_t timebase = 10000000; /* Hz; from /cpus timebase-frequency */
static uint64_t boot_ticks;
static uint64_t armed = UINT64_MAX; /* deadline in ns */

static uint64_t ticks_to_ns(uint64_t t)
{
	return t / timebase * 1000000000ull +
	       t % timebase * 1000000000ull / timebase;
}

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / 1000000000ull * timebase +
	       (ns % 1000000000ull * timebase + 999999999ull) / 1000000000ull;
}

uint64_t hal_now_ns(void)
{
	return ticks_to_ns(rv_rdtime() - boot_ticks);
}

static void sbi_set_timer(uint64_t ticks)
{
	sbi_call(SBI_EXT_TIME, 0, ticks, 0, 0);
}

void hal_timer_arm(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	armed = deadline_ns;
	if (deadline_ns == UINT64_MAX) {
		csr_clear(sie, SIE_STIE);
		sbi_set_timer(UINT64_MAX);
	} else {
		sbi_set_timer(boot_ticks + ns_to_ticks(deadline_ns));
		csr_set(sie, SIE_STIE);
	}
	hal_irq_restore(s);
}

static void timer_irq(void)
{
	/* Clear STIP (a far-future compare) before running the core's isr,
	 * which may arm the next deadline. */
	sbi_set_timer(UINT64_MAX);
	csr_clear(sie, SIE_STIE);
	if (armed != UINT64_MAX && hal_now_ns() >= armed) {
		armed = UINT64_MAX;
		rk_timer_isr();
	} else if (armed != UINT64_MAX) {
		hal_timer_arm(armed); /* early: rounding; try again */
	}
}

/* ---- interrupts --------------------------------------------------- */

hal_irq_state_t hal_irq_save(void)
{
	unsigned long s;
	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(s) : : "memory");
	return s & SSTATUS_SIE;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state & SSTATUS_SIE)
		csr_set(sstatus, SSTATUS_SIE);
}

/* Called with SIE off.  wfi wakes on any pending interrupt enabled in
 * sie even while sstatus.SIE is clear, so no wake-up is lost between the
 * scheduler's last look and the wait; opening SIE for a moment then lets
 * the trap handler run it. */
void hal_idle(void)
{
	__asm__ volatile("wfi" ::: "memory");
	csr_set(sstatus, SSTATUS_SIE);
	csr_clear(sstatus, SSTATUS_SIE);
}

/* ---- contexts ------------------------------------------------------ */

struct hal_ctx {
	void *sp;
};

static struct hal_ctx boot_ctx;

extern void rv_ctx_start(void);

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top =
	    ((uintptr_t)stack + size - sizeof(struct hal_ctx)) & ~(uintptr_t)15;
	struct hal_ctx *c = (struct hal_ctx *)top;
	uint64_t *frame = (uint64_t *)(top - 112);
	rk_memset(frame, 0, 112);
	frame[0] = (uint64_t)(uintptr_t)rv_ctx_start; /* ra */
	frame[1] = (uint64_t)(uintptr_t)entry;        /* s0 */
	frame[2] = (uint64_t)(uintptr_t)arg;          /* s1 */
	c->sp = frame;
	return c;
}

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot_ctx;
}

_Noreturn void rv_fiber_returned(void);
_Noreturn void rv_fiber_returned(void)
{
	rk_panic("fiber entry returned");
}

/* ---- traps --------------------------------------------------------- */

/* A switch, not a table of pointers: no absolute address in data. */
static const char *exc_name(unsigned long cause)
{
	switch (cause) {
	case 0:
		return "instruction address misaligned";
	case 1:
		return "instruction access fault";
	case 2:
		return "illegal instruction";
	case 3:
		return "breakpoint";
	case 4:
		return "load address misaligned";
	case 5:
		return "load access fault";
	case 6:
		return "store/AMO address misaligned";
	case 7:
		return "store/AMO access fault";
	case 8:
		return "environment call from U-mode";
	case 9:
		return "environment call from S-mode";
	case 12:
		return "instruction page fault";
	case 13:
		return "load page fault";
	case 15:
		return "store/AMO page fault";
	default:
		return "unknown exception";
	}
}

void rv_trap(struct rv_frame *f)
{
	unsigned long cause = f->scause;

	if (cause & SCAUSE_IRQ) {
		unsigned long irq = cause & ~SCAUSE_IRQ;
		if (irq == IRQ_S_TIMER) {
			timer_irq();
			return;
		}
		if (irq == IRQ_S_EXT) {
			rv_plic_dispatch();
			return;
		}
		rk_printf("\n[TRAP] unexpected interrupt %lu (scause 0x%lx) "
		          "at pc=0x%lx\n",
		          irq, cause, f->sepc);
		hal_exit(RK_EXIT_TRAP);
	}

	const char *name = exc_name(cause);
	struct rk_fiber *cur = rk_fiber_current();
	if ((cause == 13 || cause == 15) && rv_guard_page_of(f->stval)) {
		struct rk_fiber *g = rk_fiber_by_guard(f->stval, 4096);
		rk_printf("\n[PANIC] stack overflow in fiber '%s': fault at "
		          "0x%lx in its guard page, pc 0x%lx\n",
		          g ? g->name : (cur ? cur->name : "?"), f->stval,
		          f->sepc);
		hal_exit(RK_EXIT_STACK);
	}
	rk_printf("\n[TRAP] %s (scause %lu) at pc=0x%lx addr=0x%lx ra=0x%lx "
	          "sp=0x%lx fiber '%s'\n",
	          name, cause, f->sepc, f->stval, f->x[1], f->x[2],
	          cur ? cur->name : "(boot)");
	hal_exit(RK_EXIT_TRAP);
}

/* ---- entropy and exit --------------------------------------------- */

static struct rk_fdt fdt;  /* the boot loader's DTB, once validated */
static uintptr_t test_dev; /* sifive,test0 (QEMU's exit device), or 0 */

/* Raw samples for native/common/entropy.c: the time counter, read
 * apart (the boot loader's seeds come through dtboot). */
size_t rk_arch_entropy_raw(uint64_t *w, size_t max)
{
	size_t n = 0;
	while (n < max)
		w[n++] = rv_rdtime();
	return n;
}

_Noreturn void hal_exit(int status)
{
	(void)hal_irq_save();
	rk_printf("[EXIT] status %d\n", status);
	if (test_dev) {
		uint32_t v =
		    status == 0 ? 0x5555u : ((uint32_t)status << 16) | 0x3333u;
		*(volatile uint32_t *)test_dev = v;
	}
	/* No exit device (a board): SBI system reset, shutdown. */
	sbi_call(SBI_EXT_SRST, 0, 0, status == 0 ? 0 : 1, 0);
	for (;;)
		__asm__ volatile("wfi");
}

/* ---- boot --------------------------------------------------------- */

#define MAX_RAM  8
#define MAX_RESV 24
#define DTB_MAX  (16u << 20) /* bound for the header check */

static struct rv_region ram[MAX_RAM], resv[MAX_RESV];
static unsigned nram, nresv;

static void add_resv(uint64_t base, uint64_t size)
{
	if (size && nresv < MAX_RESV)
		resv[nresv++] = (struct rv_region){base, size};
}

/* The console from the DTB: QEMU virt's ns16550a (byte stride, PLIC 10)
 * or the VisionFive 2's snps,dw-apb-uart (reg-shift 2, reg-io-width 4,
 * PLIC 32).  The divisor stays as the boot loader set it (115200 on the
 * board: U-Boot's console). */
static struct rk_fdt_uart dt_uart;
static bool dt_uart_ok;

static void console_from_dtb(void)
{
	if (rk_fdt_console_uart(&fdt, &dt_uart) != 0)
		return;
	dt_uart_ok = true;
	uart.base = (uintptr_t)dt_uart.base;
	uart.reg_shift = dt_uart.reg_shift;
	uart.reg_io_width = dt_uart.reg_io_width;
	rv_console_irq = dt_uart.irq;
}

static void memory_from_dtb(void)
{
	uint64_t b, s;
	for (unsigned i = 0;
	     nram < MAX_RAM && rk_fdt_memory(&fdt, i, &b, &s) == 0; i++)
		ram[nram++] = (struct rv_region){b, s};
	for (unsigned i = 0; rk_fdt_rsvmap(&fdt, i, &b, &s) == 0; i++)
		add_resv(b, s);
	/* OpenSBI describes its own region as /reserved-memory/mmode_resv*
	 * (and PMP-protects it): everything with a reg there stays out of
	 * the page allocator. */
	int rm = rk_fdt_path_offset(&fdt, "/reserved-memory");
	for (int n = rm >= 0 ? rk_fdt_first_subnode(&fdt, rm) : -1; n >= 0;
	     n = rk_fdt_next_subnode(&fdt, n))
		for (unsigned i = 0; rk_fdt_reg(&fdt, n, i, &b, &s) == 0; i++)
			add_resv(b, s);
	/* Below the kernel is the firmware's (OpenSBI at RAM + 0): keep it
	 * even when the DTB forgets to say so. */
	uint64_t k = (uint64_t)(uintptr_t)_start;
	for (unsigned i = 0; i < nram; i++)
		if (ram[i].base <= k && k < ram[i].base + ram[i].size)
			add_resv(ram[i].base, k - ram[i].base);
}

/* One line for bring-up on a board: what was taken from the DTB. */
static void boot_report(unsigned long hartid)
{
	const char *args = rk_fdt_bootargs(&fdt);
	rk_printf("[BOOT] riscv64 hart %lu, image at %p, DTB %u bytes, "
	          "timebase %llu Hz\n",
	          hartid, (void *)_start, (unsigned)fdt.totalsize,
	          (unsigned long long)timebase);
	if (dt_uart_ok)
		rk_printf("[BOOT] console uart at 0x%llx, reg-shift %u, "
		          "reg-io-width %u, clock %u Hz, irq %u\n",
		          (unsigned long long)dt_uart.base,
		          (unsigned)dt_uart.reg_shift,
		          (unsigned)dt_uart.reg_io_width,
		          (unsigned)dt_uart.clock_hz, (unsigned)dt_uart.irq);
	if (args && args[0])
		rk_printf("[BOOT] bootargs: %s\n", args);
}

_Noreturn void rv_main(unsigned long hartid, const void *dtb_pa);
_Noreturn void rv_main(unsigned long hartid, const void *dtb_pa)
{
	static struct rk_boot boot;
	uint64_t v, b, s;

	/* hartid: the boot hart (others never get here, see boot.S); it
	 * picks this hart's PLIC context. */
	boot_ticks = rv_rdtime();
	int err = rk_fdt_init(&fdt, dtb_pa, DTB_MAX);
	if (err == 0)
		console_from_dtb();
	uart16550_init(&uart, 0, 0);
	if (err) {
		rk_printf("[BOOT] no usable device tree at %p (a1): %s\n",
		          dtb_pa, rk_fdt_strerror(err));
		hal_exit(RK_EXIT_PANIC);
	}
	if (rk_fdt_timebase(&fdt, &v) == 0 && v)
		timebase = v;
	int t = rk_fdt_find_compatible(&fdt, -1, "sifive,test0");
	if (t >= 0 && rk_fdt_reg(&fdt, t, 0, &b, &s) == 0)
		test_dev = (uintptr_t)b;

	memory_from_dtb();
	if (!nram) {
		rk_puts("[BOOT] no /memory in the device tree");
		hal_exit(RK_EXIT_PANIC);
	}
	add_resv((uint64_t)(uintptr_t)dtb_pa, fdt.totalsize);
	uint64_t is, ie;
	int ir = rk_dtboot_initrd(&fdt, &is, &ie);
	if (ir < 0)
		hal_exit(RK_EXIT_PANIC); /* said why */
	if (ir == 0) {
		/* An empty initrd still means "run these payloads": none. */
		boot.initrd = (const void *)(uintptr_t)is;
		boot.initrd_len = (size_t)(ie - is);
		boot.has_payloads = true;
		add_resv(is, ie - is);
	}
	boot_report(hartid);
	rv_mem_init(ram, nram, resv, nresv);
	if (rv_plic_init(&fdt, hartid) != 0)
		rk_puts("[BOOT] no PLIC context for this hart: no interrupt "
		        "lines");

	boot.platform = "qemu-virt";
	boot.cmdline = rk_fdt_bootargs(&fdt); /* in the reserved DTB */
	const char *model =
	    rk_fdt_getprop_str(&fdt, rk_fdt_path_offset(&fdt, "/"), "model");
	if (model && rk_strncmp(model, "riscv-virtio", 12) != 0)
		boot.platform = model;
	hal_exit(rk_kmain(&boot));
}
