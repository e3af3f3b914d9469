/*
 * priv_insn - a signed payload that executes an instruction only the
 * kernel may.  It must trap and end this payload alone.  Three builds of
 * this file (PRIV, set by priv_io.c and priv_mmu.c beside it; 0 here):
 *
 *   PRIV  x86_64                 aarch64                 riscv64
 *   0     cli (IOPL 0: #GP)      mrs x0, sctlr_el1       csrr sstatus
 *   1     out to port 0xf4, the  msr daifset: mask IRQs  csrw sie, 0: mask
 *         exit device (no I/O    (EL0 access off)        interrupts
 *         bitmap: #GP)
 *   2     mov cr3 (CPL 3: #GP)   msr ttbr0_el1: another  csrw satp: another
 *                                address space           address space
 *
 * EL1 registers are undefined at EL0 and S-mode CSRs illegal in U-mode
 * (Arm ARM D1.1, RISC-V privileged spec 2.1).
 */
#include <rumpk/api.h>

#ifndef PRIV
#define PRIV 0
#endif

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[priv_insn] about to run a privileged instruction");
#if defined(__x86_64__)
#if PRIV == 0
	__asm__ volatile("cli" ::: "memory");
#elif PRIV == 1
	__asm__ volatile("outl %0, %1" ::"a"(0u), "Nd"((uint16_t)0xf4));
#else
	__asm__ volatile("mov %0, %%cr3" ::"r"(0ull) : "memory");
#endif
#elif defined(__aarch64__)
#if PRIV == 0
	uint64_t v;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v)::"memory");
	(void)v;
#elif PRIV == 1
	__asm__ volatile("msr daifset, #2" ::: "memory");
#else
	__asm__ volatile("msr ttbr0_el1, %0" ::"r"(0ull) : "memory");
#endif
#else
#if PRIV == 0
	unsigned long v;
	__asm__ volatile("csrr %0, sstatus" : "=r"(v)::"memory");
	(void)v;
#elif PRIV == 1
	__asm__ volatile("csrw sie, zero" ::: "memory");
#else
	__asm__ volatile("csrw satp, zero" ::: "memory");
#endif
#endif
	api->puts("[priv_insn] came back: the instruction ran in user mode");
	return 1;
}
