/*
 * a64.h - internals shared by the aarch64 platform files.
 */
#ifndef RUMPK_A64_H
#define RUMPK_A64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* Page permissions for a64_mmu_protect. */
enum a64_prot {
	A64_PROT_NONE, /* unmapped (guard page) */
	A64_PROT_RW,   /* read+write, never executable */
	A64_PROT_RX,   /* read+execute (EL1), never writable */
	A64_PROT_R,    /* read only, never executable */
};

/* mmu.c.  Identity maps RAM (normal WB, RW+XN; kernel text RX, rodata R)
 * and everything else below 4 GiB as device nGnRE, then turns on the MMU
 * and caches.  Page tables come from the pmm.  0 or -1. */
struct a64_ram {
	uint64_t base, size;
};
int a64_mmu_init(const struct a64_ram *ram, unsigned nram);
/* Changes the permissions of whole pages [va, va+len) of RAM mapped by
 * a64_mmu_init, with TLB invalidation.  0 or -1. */
int a64_mmu_protect(uint64_t va, uint64_t len, enum a64_prot prot);
bool a64_mmu_enabled(void);

/* switch.S */
void a64_bbm_replace(uint64_t *entry, uint64_t desc, uint64_t va);
uint64_t a64_semihost_call(uint64_t op, const void *block);

#endif
