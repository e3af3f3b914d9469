/*
 * port.h - what a native port provides to the shared native code, like
 * Zephyr's arch_* interface: a short list of machine primitives.  The
 * HAL functions built on them (hal_stack_*, hal_exec_*, hal_boot_entropy,
 * hal_exit) are written once, in native/common; each native/<arch>/
 * implements the rest of hal.h itself (console, interrupts, timer,
 * contexts) and these.
 */
#ifndef RUMPK_NATIVE_PORT_H
#define RUMPK_NATIVE_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Access to a page range, as common code asks for it.  Every port maps
 * RAM RW and never executable by default; the kernel's own image is the
 * port's business (text RX, rodata R, data RW). */
enum rk_prot {
	RK_PROT_NONE, /* unmapped: any access faults (stack guard pages) */
	RK_PROT_RW,   /* read and write, never execute */
	RK_PROT_RX,   /* read and execute, never write */
};

/* A range of physical memory (RAM, from the boot loader's map). */
struct rk_mem_range {
	uint64_t base, size;
};

/* ---- mmu.c ---------------------------------------------------------- */
/* Gives the pages of [va, va + len) this access (va page aligned) and
 * makes it effective on this CPU (TLB).  0, or -1 when a page table could
 * not be had or va is not mapped RAM; pages already changed stay changed
 * (the caller puts them back). */
int rk_arch_protect(uintptr_t va, size_t len, enum rk_prot prot);
/* Makes code stored to [p, p + len) visible to instruction fetch
 * (nothing to do where fetch snoops stores, as on x86). */
void rk_arch_icache_sync(const void *p, size_t len);

/* ---- timer.c -------------------------------------------------------- */
/* Raw, unmixed boot-time samples of whatever varies: counters, timers,
 * a hardware RNG.  Fills at most max words and returns how many;
 * native/common/entropy.c mixes them. */
size_t rk_arch_entropy_raw(uint64_t *w, size_t max);

/* ---- exit.c --------------------------------------------------------- */
/* Ends the machine with this status through its exit device (QEMU's
 * isa-debug-exit, semihosting, sifive_test); halts when there is none.
 * native/common/exit.c prints the [EXIT] line first. */
_Noreturn void rk_arch_exit(int status);

/* ---- native/common/entropy.c ---------------------------------------- */
/* Seed material the boot loader handed over (a device tree's rng-seed,
 * kaslr-seed): folded into the pool hal_boot_entropy draws from. */
void rk_entropy_add(const void *p, size_t len);

#endif
