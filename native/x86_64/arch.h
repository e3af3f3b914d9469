/*
 * arch.h - what the x86_64 port's files share: MSR and CPUID access (port
 * I/O is native/common/pio.h), the boot-time page tables, and each file's
 * entry points.  Not part of the core: the core sees only hal.h.
 */
#ifndef RUMPK_X86_ARCH_H
#define RUMPK_X86_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "pio.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr"
	                 :
	                 : "c"(msr), "a"((uint32_t)v),
	                   "d"((uint32_t)(v >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(sub));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* GDT selectors (boot.S's x86_gdt; user.S writes the user ones as
 * numbers). */
#define X86_SEL_KCODE 0x08
#define X86_SEL_TSS   0x18
#define X86_SEL_UDATA 0x28
#define X86_SEL_UCODE 0x30

/* Linker-script and boot.S symbols. */
extern char __image_start[], __text_end[], __rodata_end[], __data_end[],
    __image_end[];
extern uint64_t boot_pml4[512], boot_pdpt[512], boot_pd[4 * 512];
extern uint32_t x86_has_nx;
/* user.c: CR4.SMAP is on, so stac/clac exist and guard user pages. */
extern uint32_t x86_has_smap;
extern uint64_t x86_gdt[];

/* The 8259 PICs remapped to vectors 0x20..0x2f; the LAPIC timer and its
 * spurious vector above them. */
#define X86_VEC_IRQ0     0x20
#define X86_VEC_TIMER    0x30
#define X86_VEC_SPURIOUS 0xff
#define X86_ISA_LINES    16

/* console.c */
void x86_console_init(void);
/* trap.c: IDT, TSS, exception reports; vectors routed to C. */
void x86_trap_init(void);
/* mmu.c: final permissions (kernel W^X, NX elsewhere, page 0 unmapped);
 * needs the pmm (for page tables). */
void x86_mmu_init(void);
/* Maps [pa, pa+len) uncached (device registers). */
void x86_mmu_device(uint64_t pa, uint64_t len);
/* irq.c: the 8259 PICs (all lines masked), interrupt routing. */
void x86_irq_init(void);
void x86_irq_dispatch(unsigned vector);
/* The PIC latches ISA lines on a rising edge, but the HAL promises a
 * level-triggered line (asserted while the device has work).  A device
 * whose line may already be high when it is unmasked registers a re-arm
 * hook: hal_irq_unmask calls it after opening the PIC, and it makes the
 * device drop and raise its line again (a fresh edge) if work waits. */
void x86_irq_set_rearm(unsigned line, void (*rearm)(void));
/* timer.c: the LAPIC (mapped, timer one-shot), TSC and LAPIC rates; the
 * LAPIC timer's interrupt. */
void x86_timer_init(void);
void x86_timer_isr(void);
/* trap.c: where traps and syscalls from user mode land (TSS.rsp0, and
 * x86_kstack_top for user.S's syscall entry). */
extern uint64_t x86_kstack_top;
void x86_set_kstack(uint64_t top);
/* user.c: SMEP/SMAP/UMIP, the syscall MSRs. */
void x86_user_init(void);
/* user.S: switches to stack, enables interrupts and calls
 * rk_user_fault(what, pc, addr). */
_Noreturn void x86_user_fault(const char *what, uint64_t pc, uint64_t addr,
                              uint64_t stack);
/* exit.c: a triple fault, which QEMU with -no-reboot turns into an exit. */
_Noreturn void x86_reset(void);

#endif
