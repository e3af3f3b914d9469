/*
 * arch.h - what the aarch64 port's files share: system register access,
 * barriers, the link script's symbols and each file's entry points.  Not
 * part of the core: the core sees only hal.h.
 */
#ifndef RUMPK_A64_ARCH_H
#define RUMPK_A64_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define A64_PAGE 4096ull

#define a64_sysreg_read(reg)                                                   \
	({                                                                     \
		uint64_t v_;                                                   \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_));                  \
		v_;                                                            \
	})
#define a64_sysreg_write(reg, v)                                               \
	__asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(v)) : "memory")

static inline void a64_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}
static inline void a64_dsb_ish(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

/* Linker script symbols. */
extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

static inline void mmio_w32(uintptr_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline uint32_t mmio_r32(uintptr_t a)
{
	return *(volatile uint32_t *)a;
}

struct rk_fdt;

/* console.c: the PL011 the tree names (stdout-path, else the first
 * arm,pl011; QEMU virt's otherwise), FIFOs on, interrupts off. */
void a64_console_init(const struct rk_fdt *t);

/* irq.c: the GICv2 the tree names (QEMU virt's otherwise), every line
 * masked but the timer's; the IRQ vector's handler; a line made
 * level-sensitive. */
void a64_irq_init(const struct rk_fdt *t);
void a64_irq(void);
int a64_irq_level(unsigned line);

/* timer.c: the generic timer's rate and the boot count; the EL1
 * physical timer (INTID 30) is the HAL's one-shot timer. */
#define A64_TIMER_INTID 30
void a64_timer_init(void);
void a64_timer_stop(void); /* its interrupt, handled: off until armed */

/* mmu.c.  Identity maps RAM (normal WB, RW+XN; kernel text RX, rodata R)
 * and everything else below 4 GiB as device nGnRE, then turns on the MMU
 * and caches.  Page tables come from the pmm.  0 or -1. */
int a64_mmu_init(const struct rk_mem_range *ram, unsigned nram);
bool a64_mmu_enabled(void);

/* trap.c: the name of an exception class (ESR_EL1.EC). */
const char *a64_ec_name(unsigned ec);

/* user.c: payloads at EL0 (hal.h "user mode").  The user state an
 * exception from EL0 saves on SP_EL1 (vectors.S has the offsets). */
struct a64_uframe {
	uint64_t x[31];
	uint64_t sp_el0, elr, spsr, tpidr_el0, pad;
	uint64_t fpsr, fpcr;
	uint64_t q[64]; /* q0-q31 */
};
/* What EL0 may not do (traps, PAN); after the MMU is on. */
void a64_user_init(void);
/* Where the next frame from EL0 goes: the top of the running fiber's
 * kernel stack (hal_uspace_switch in mmu.c sets it). */
extern uintptr_t a64_el0_stack;

/* exit.c: set once the exit path runs (a trap then powers off). */
extern volatile bool a64_exiting;
_Noreturn void a64_poweroff(void);

/* switch.S */
void a64_bbm_replace(uint64_t *entry, uint64_t desc, uint64_t va);
uint64_t a64_semihost_call(uint64_t op, const void *block);

#endif
