/*
 * hal_aarch64.c - the aarch64 platform for QEMU virt (and any board whose
 * DTB describes a PL011 and a GICv2): boot, PL011 console, generic timer,
 * GICv2 interrupts, traps, contexts, entropy and exit.
 *
 * Everything machine-specific comes from the DTB (x0, or the start of RAM
 * for an ELF kernel on QEMU): memory, the initrd (/chosen), the console
 * (stdout-path or the first arm,pl011) and the GIC.  The defaults are
 * QEMU virt's addresses.
 *
 * Interrupt lines (hal_irq_attach) are GIC INTIDs: SPI n is line 32 + n
 * (QEMU virt's PL011 is line 33).  Line 30, the EL1 physical timer, is
 * the HAL's own one-shot timer (hal_timer_arm) and cannot be attached.
 * hal_idle is a real WFI: the timer interrupt wakes it.
 */
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "a64.h"
#include "dtboot.h"
#include "fdt.h"
#include "pmm.h"

/* ---- console: PL011 ------------------------------------------------ */

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

static inline uint32_t mmio_r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void mmio_w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

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

/* ---- time: the generic timer --------------------------------------- */

static uint64_t cnt_freq, cnt_boot;

static inline uint64_t cntpct(void)
{
	a64_isb(); /* no speculative early read */
	return a64_sysreg_read(cntpct_el0);
}

uint64_t hal_now_ns(void)
{
	uint64_t t = cntpct() - cnt_boot;
	return (t / cnt_freq) * 1000000000ull +
	       (t % cnt_freq) * 1000000000ull / cnt_freq;
}

/* Counter value at ns since boot, saturating. */
static uint64_t ns_to_cnt(uint64_t ns)
{
	uint64_t s = ns / 1000000000ull, r = ns % 1000000000ull;
	if (s > (UINT64_MAX - cnt_boot) / cnt_freq - 1)
		return UINT64_MAX;
	return cnt_boot + s * cnt_freq + r * cnt_freq / 1000000000ull;
}

/* ---- interrupts: GICv2 + EL1 physical timer (INTID 30) -------------- */

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_ICFGR      0xc00
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICC_CTLR       0x000
#define GICC_PMR        0x004
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010
#define TIMER_INTID     30
#define MAX_LINES       1020

static uintptr_t gicd = 0x08000000, gicc = 0x08010000;
static unsigned gic_lines = 32;
static bool gic_ok;

struct irq_line {
	hal_irq_handler_t handler;
	void *arg;
};
static struct irq_line lines[MAX_LINES];

static void gic_enable(unsigned id, bool on)
{
	mmio_w32(gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + (id / 32) * 4,
	         1u << (id % 32));
}

static void gic_init(void)
{
	gic_lines = ((mmio_r32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	if (gic_lines > MAX_LINES)
		gic_lines = MAX_LINES;
	mmio_w32(gicd + GICD_CTLR, 0);
	for (unsigned i = 0; i < gic_lines; i += 32) {
		mmio_w32(gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
		mmio_w32(gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
	}
	for (unsigned i = 0; i < gic_lines; i += 4) {
		mmio_w32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0u);
		if (i >= 32) /* SPIs to CPU 0 */
			mmio_w32(gicd + GICD_ITARGETSR + i, 0x01010101u);
	}
	mmio_w32(gicd + GICD_CTLR, 1);
	mmio_w32(gicc + GICC_PMR, 0xf0);
	mmio_w32(gicc + GICC_CTLR, 1);
	gic_enable(TIMER_INTID, true);
	gic_ok = true;
}

void hal_timer_arm(uint64_t deadline_ns)
{
	if (deadline_ns == UINT64_MAX) {
		a64_sysreg_write(cntp_ctl_el0, 2); /* IMASK, disabled */
		a64_isb();
		return;
	}
	a64_sysreg_write(cntp_cval_el0, ns_to_cnt(deadline_ns));
	a64_sysreg_write(cntp_ctl_el0, 1); /* ENABLE: fires when CVAL <= CNT */
	a64_isb();
}

hal_irq_state_t hal_irq_save(void)
{
	uint64_t daif = a64_sysreg_read(daif);
	__asm__ volatile("msr daifset, #2" ::: "memory");
	return daif;
}

void hal_irq_restore(hal_irq_state_t state)
{
	a64_sysreg_write(daif, state);
}

int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg)
{
	if (!gic_ok || line >= gic_lines || line == TIMER_INTID || !handler)
		return -1;
	gic_enable(line, false);
	lines[line].handler = handler;
	lines[line].arg = arg;
	return 0;
}

void hal_irq_mask(unsigned line)
{
	if (gic_ok && line < gic_lines && line != TIMER_INTID)
		gic_enable(line, false);
}

void hal_irq_unmask(unsigned line)
{
	if (gic_ok && line < gic_lines && line != TIMER_INTID &&
	    lines[line].handler)
		gic_enable(line, true);
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
	if (!gic_ok || uart_irq < 32 || uart_irq >= gic_lines)
		return -1;
	hal_irq_state_t s = hal_irq_save();
	gic_enable(uart_irq, false);
	uintptr_t cfg = gicd + GICD_ICFGR + (uart_irq / 16) * 4;
	mmio_w32(cfg, mmio_r32(cfg) & ~(2u << (2 * (uart_irq % 16))));
	mmio_w32(uart + PL011_IMSC, IMSC_RXIM | IMSC_RTIM);
	hal_irq_restore(s);
	return (int)uart_irq;
}

void hal_idle(void)
{
	/* WFI wakes on a pending interrupt even while PSTATE.I masks it;
	 * unmasking then takes it here, and we mask again. */
	__asm__ volatile("wfi\n\tmsr daifclr, #2\n\tisb\n\tmsr daifset, #2" ::
	                     : "memory");
}

/* Called from the IRQ vector (vectors.S) with interrupts masked. */
void a64_irq(void);
void a64_irq(void)
{
	for (;;) {
		uint32_t iar = mmio_r32(gicc + GICC_IAR);
		unsigned id = iar & 0x3ff;
		if (id >= 1020)
			return; /* spurious: nothing (more) pending */
		if (id == TIMER_INTID) {
			a64_sysreg_write(cntp_ctl_el0, 2); /* one-shot: off */
			a64_isb();
			mmio_w32(gicc + GICC_EOIR, iar);
			rk_timer_isr();
			continue;
		}
		if (id < gic_lines && lines[id].handler)
			lines[id].handler(id, lines[id].arg);
		else
			gic_enable(id, false); /* nobody wants it */
		mmio_w32(gicc + GICC_EOIR, iar);
	}
}

/* ---- contexts ------------------------------------------------------ */

struct hal_ctx {
	void *sp;
};

static struct hal_ctx boot_ctx;

void a64_ctx_start(void);
void a64_fiber_returned(void);

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot_ctx;
}

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct hal_ctx *ctx = (struct hal_ctx *)(top - 16);
	uint64_t *f = (uint64_t *)((uintptr_t)ctx - 160);
	rk_memset(f, 0, 160);
	f[0] = (uintptr_t)entry;          /* x19 */
	f[1] = (uintptr_t)arg;            /* x20 */
	f[10] = 0;                        /* x29 */
	f[11] = (uintptr_t)a64_ctx_start; /* x30 */
	ctx->sp = f;
	return ctx;
}

void a64_fiber_returned(void)
{
	rk_panic("a fiber entry returned");
}

/* ---- exit ---------------------------------------------------------- */

static volatile bool exiting;

static _Noreturn void poweroff(void)
{
	/* PSCI SYSTEM_OFF (QEMU virt: HVC conduit); exits QEMU with 0. */
	register uint64_t x0 __asm__("x0") = 0x84000008u;
	__asm__ volatile("hvc #0" : "+r"(x0)::"memory");
	for (;;)
		__asm__ volatile("wfi");
}

_Noreturn void hal_exit(int status)
{
	(void)hal_irq_save();
	if (!exiting) {
		exiting = true;
		rk_printf("[EXIT] status %d\n", status);
		/* Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and
		 * the status: QEMU exits with rc = status.  (Without
		 * -semihosting the HLT traps and we power off instead.) */
		uint64_t block[2] = {0x20026, (uint64_t)(unsigned)status};
		a64_semihost_call(0x18, block);
	}
	poweroff();
}

/* ---- traps --------------------------------------------------------- */

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00:
		return "unknown/undefined instruction";
	case 0x01:
		return "trapped WFI/WFE";
	case 0x07:
		return "SIMD/FP access trap";
	case 0x0e:
		return "illegal execution state";
	case 0x15:
		return "SVC";
	case 0x16:
		return "HVC";
	case 0x17:
		return "SMC";
	case 0x18:
		return "trapped MSR/MRS";
	case 0x20:
		return "instruction abort (lower EL)";
	case 0x21:
		return "instruction abort";
	case 0x22:
		return "PC alignment fault";
	case 0x24:
		return "data abort (lower EL)";
	case 0x25:
		return "data abort";
	case 0x26:
		return "SP alignment fault";
	case 0x2c:
		return "floating-point exception";
	case 0x2f:
		return "SError";
	case 0x30:
	case 0x31:
		return "breakpoint";
	case 0x32:
	case 0x33:
		return "software step";
	case 0x34:
	case 0x35:
		return "watchpoint";
	case 0x3c:
		return "BRK instruction";
	default:
		return "unexpected exception";
	}
}

static const char *const vec_names[16] = {
    "sync (SP0)",     "IRQ (SP0)",     "FIQ (SP0)",     "SError (SP0)",
    "sync",           "IRQ",           "FIQ",           "SError",
    "sync (EL0)",     "IRQ (EL0)",     "FIQ (EL0)",     "SError (EL0)",
    "sync (AArch32)", "IRQ (AArch32)", "FIQ (AArch32)", "SError (AArch32)",
};

void a64_trap(unsigned vec, uint64_t sp, uint64_t lr);
void a64_trap(unsigned vec, uint64_t sp, uint64_t lr)
{
	static bool in_trap;
	if (in_trap || exiting)
		poweroff(); /* a fault while reporting one: give up */
	in_trap = true;
	uint64_t esr = a64_sysreg_read(esr_el1);
	uint64_t elr = a64_sysreg_read(elr_el1);
	uint64_t far = a64_sysreg_read(far_el1);
	unsigned ec = (unsigned)(esr >> 26) & 0x3f;
	struct rk_fiber *cur = rk_fiber_current();
	bool sync = (vec & 3) == 0;
	if (sync && (ec == 0x25 || ec == 0x24)) {
		struct rk_fiber *g = rk_fiber_by_guard(far, A64_PAGE);
		if (g) {
			rk_printf("\n[PANIC] stack overflow in fiber '%s': "
			          "fault at 0x%llx in its guard page, pc "
			          "0x%llx\n",
			          g->name, (unsigned long long)far,
			          (unsigned long long)elr);
			hal_exit(RK_EXIT_STACK);
		}
	}
	const char *name = sync ? ec_name(ec) : vec_names[vec & 15];
	rk_printf("\n[TRAP] %s (ESR 0x%llx, EC 0x%x, vector %u) at pc=0x%llx "
	          "addr=0x%llx lr=0x%llx sp=0x%llx fiber '%s'\n",
	          name, (unsigned long long)esr, ec, vec,
	          (unsigned long long)elr, (unsigned long long)far,
	          (unsigned long long)lr, (unsigned long long)sp,
	          cur ? cur->name : "(boot)");
	hal_exit(RK_EXIT_TRAP);
}

/* ---- entropy ------------------------------------------------------- */

static struct rk_fdt fdt;
static bool fdt_ok;

void hal_boot_entropy(uint8_t key[16])
{
	uint64_t w[2] = {cntpct(),
	                 a64_sysreg_read(cntvct_el0) ^ 0x9e3779b97f4a7c15ull};
	/* QEMU 7.1+ puts 32 random bytes in /chosen/rng-seed. */
	if (fdt_ok) {
		int c = rk_fdt_path_offset(&fdt, "/chosen");
		const char *props[] = {"rng-seed", "kaslr-seed"};
		for (unsigned k = 0; k < 2 && c >= 0; k++) {
			size_t len;
			const uint8_t *p =
			    rk_fdt_getprop(&fdt, c, props[k], &len);
			for (size_t i = 0; p && i < len; i++)
				w[(i / 8) & 1] =
				    (w[(i / 8) & 1] ^ p[i]) * 0x100000001b3ull +
				    (i + 1);
		}
	}
	w[0] ^= cntpct() << 17;
	for (unsigned i = 0; i < 16; i++)
		key[i] = (uint8_t)(w[i / 8] >> ((i % 8) * 8));
}

/* ---- boot ---------------------------------------------------------- */

#define QEMU_DTB 0x40000000ull

static void find_console(void)
{
	int n = rk_fdt_stdout(&fdt);
	if (n < 0 || !rk_fdt_is_compatible(&fdt, n, "arm,pl011"))
		n = rk_fdt_find_compatible(&fdt, -1, "arm,pl011");
	uint64_t base;
	if (n >= 0 && rk_fdt_reg(&fdt, n, 0, &base, NULL) == 0)
		uart = (uintptr_t)base;
	/* The GIC binding's three cells: type (0 SPI, 1 PPI), number,
	 * flags; SPI n is INTID 32 + n, PPI n is 16 + n. */
	uint32_t type, num;
	if (n >= 0 && rk_fdt_interrupt_cell(&fdt, n, 0, &type) == 0 &&
	    rk_fdt_interrupt_cell(&fdt, n, 1, &num) == 0 && type <= 1)
		uart_irq = (type == 0 ? 32u : 16u) + num;
}

static void find_gic(void)
{
	static const char *const compat[] = {
	    "arm,cortex-a15-gic",
	    "arm,gic-400",
	    "arm,cortex-a9-gic",
	    "arm,cortex-a7-gic",
	};
	for (unsigned i = 0; i < RK_ARRAY_SIZE(compat); i++) {
		int n = rk_fdt_find_compatible(&fdt, -1, compat[i]);
		uint64_t d, c;
		if (n >= 0 && rk_fdt_reg(&fdt, n, 0, &d, NULL) == 0 &&
		    rk_fdt_reg(&fdt, n, 1, &c, NULL) == 0) {
			gicd = (uintptr_t)d;
			gicc = (uintptr_t)c;
			return;
		}
	}
}

void a64_main(uint64_t dtb_arg);
void a64_main(uint64_t dtb_arg)
{
	static struct rk_boot boot;
	static struct a64_ram ram[RK_PMM_MAX_RANGES];
	unsigned nram = 0;

	cnt_freq = a64_sysreg_read(cntfrq_el0);
	if (!cnt_freq)
		cnt_freq = 62500000; /* QEMU's default */
	cnt_boot = cntpct();

	/* An ELF kernel gets x0 = 0 and the DTB at the start of RAM; the
	 * blob may extend to the kernel at most. */
	uint64_t dtb = dtb_arg ? dtb_arg : QEMU_DTB;
	size_t max_len = dtb < (uintptr_t)__kernel_start
	                     ? (size_t)((uintptr_t)__kernel_start - dtb)
	                     : 2u << 20;
	int r = rk_fdt_init(&fdt, (const void *)(uintptr_t)dtb, max_len);
	fdt_ok = r == 0;
	if (fdt_ok)
		find_console();
	pl011_init();
	if (!fdt_ok) {
		rk_printf("[BOOT] no device tree at 0x%llx: %s\n",
		          (unsigned long long)dtb, rk_fdt_strerror(r));
		hal_exit(RK_EXIT_PANIC);
	}

	/* Memory: every RAM range, then reserve what is in use. */
	uint64_t base, size;
	for (unsigned i = 0; nram < RK_ARRAY_SIZE(ram) &&
	                     rk_fdt_memory(&fdt, i, &base, &size) == 0;
	     i++) {
		ram[nram].base = base;
		ram[nram].size = size;
		nram++;
		rk_pmm_add_range(base, size);
	}
	if (!nram) {
		rk_puts("[BOOT] the device tree describes no memory");
		hal_exit(RK_EXIT_PANIC);
	}
	rk_pmm_reserve((uintptr_t)__kernel_start,
	               (uintptr_t)__kernel_end - (uintptr_t)__kernel_start);
	rk_pmm_reserve(dtb, fdt.totalsize);
	for (unsigned i = 0; rk_fdt_rsvmap(&fdt, i, &base, &size) == 0; i++)
		rk_pmm_reserve(base, size);
	int rm = rk_fdt_path_offset(&fdt, "/reserved-memory");
	for (int n = rm >= 0 ? rk_fdt_first_subnode(&fdt, rm) : -1; n >= 0;
	     n = rk_fdt_next_subnode(&fdt, n))
		for (unsigned i = 0; rk_fdt_reg(&fdt, n, i, &base, &size) == 0;
		     i++)
			rk_pmm_reserve(base, size);
	uint64_t is, ie;
	int ir = rk_dtboot_initrd(&fdt, &is, &ie);
	if (ir < 0)
		hal_exit(RK_EXIT_PANIC); /* said why */
	bool initrd = ir == 0;
	if (initrd)
		rk_pmm_reserve(is, ie - is);

	if (a64_mmu_init(ram, nram) < 0) {
		rk_puts("[BOOT] out of memory for page tables");
		hal_exit(RK_EXIT_PANIC);
	}
	find_gic();
	gic_init();

	boot.platform = "qemu-virt";
	boot.cmdline = rk_fdt_bootargs(&fdt); /* in the reserved DTB */
	if (initrd) {
		/* An empty initrd still means "run these payloads": none. */
		boot.has_payloads = true;
		boot.initrd = (const void *)(uintptr_t)is;
		boot.initrd_len = (size_t)(ie - is);
	}
	hal_exit(rk_kmain(&boot));
}
