/*
 * user.c - payloads in user mode (hal.h, "user mode"): the CPU features
 * that keep the kernel out of user pages and user mode out of the kernel,
 * the syscall MSRs, and the copies to and from user memory.  The page
 * tables are mmu.c's; the ways in and out are user.S and vectors.S; the
 * user segments are in boot.S's GDT, TSS.rsp0 in trap.c.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

const bool hal_user_mode = true;

uint32_t x86_has_smap;

#define MSR_EFER  0xc0000080u
#define MSR_STAR  0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE  (1ull << 0)
#define CR4_UMIP  (1ull << 11)
#define CR4_SMEP  (1ull << 20)
#define CR4_SMAP  (1ull << 21)
#define RF_TF     (1ull << 8)
#define RF_IF     (1ull << 9)
#define RF_DF     (1ull << 10)
#define RF_NT     (1ull << 14)
#define RF_AC     (1ull << 18)

void x86_syscall_entry(void);

void x86_user_init(void)
{
	uint32_t r[4];

	/* SMEP: no kernel instruction fetch from a user page; SMAP: no
	 * kernel data access to one unless RFLAGS.AC (Intel SDM Vol. 3A,
	 * 4.6); UMIP: no SGDT, SIDT, SLDT, SMSW, STR at CPL 3 (2.5).  CPUID
	 * leaf 7: EBX bit 7 SMEP, bit 20 SMAP, ECX bit 2 UMIP. */
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		uint64_t cr4 = read_cr4();
		if (r[1] & (1u << 7))
			cr4 |= CR4_SMEP;
		if (r[1] & (1u << 20))
			cr4 |= CR4_SMAP;
		if (r[2] & (1u << 2))
			cr4 |= CR4_UMIP;
		write_cr4(cr4);
		x86_has_smap = (cr4 & CR4_SMAP) != 0;
	}
	/* SYSCALL loads CS = STAR[47:32] and SS = that + 8; 64-bit SYSRET
	 * loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8, both with RPL
	 * 3; RFLAGS bits set in FMASK are cleared on entry (Intel SDM Vol.
	 * 3A, 5.8.8). */
	wrmsr(MSR_STAR, (uint64_t)(X86_SEL_UDATA - 8) << 48 |
	                    (uint64_t)X86_SEL_KCODE << 32);
	wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)x86_syscall_entry);
	wrmsr(MSR_FMASK, RF_TF | RF_IF | RF_DF | RF_NT | RF_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* The core has checked the user range (hal.h): only SMAP stands in the
 * way, opened for the copy alone. */
void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	if (x86_has_smap)
		__asm__ volatile("stac" : : : "memory");
	rk_memcpy(dst, (const void *)usrc, len);
	if (x86_has_smap)
		__asm__ volatile("clac" : : : "memory");
}

void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	if (x86_has_smap)
		__asm__ volatile("stac" : : : "memory");
	rk_memcpy((void *)udst, src, len);
	if (x86_has_smap)
		__asm__ volatile("clac" : : : "memory");
}
