/*
 * mmu.c - x86_64 page tables: the kernel's own permissions at boot, device
 * mappings, and the page primitive native/common/mem.c builds the HAL's
 * memory functions on.
 *
 * boot.S identity maps 0..4 GiB with 2 MiB pages.  x86_mmu_init then sets
 * the final permissions: the kernel image in 4 KiB pages (text RX, rodata
 * R+NX, data/bss RW+NX), page 0 unmapped (NULL faults), everything else
 * RW+NX.  Rodata holds .data.rel.ro and .got too (link.ld), so const
 * tables of pointers such as the payload API are read-only, for the kernel
 * as well since boot.S sets CR0.WP (native/tests/check_const.py checks).  A 2
 * MiB page is split into a 4 KiB page table (taken from the pmm) the first time
 * a page inside it needs its own permissions: payload memory sealed R+X, stack
 * guard pages unmapped.  Nothing is ever W and X. Without NX (CPUs that lack
 * it) "NX" pages would be executable: main.c then refuses to run any payload.
 *
 * A payload's address space (hal.h, "user mode") is a PML4 of its own whose
 * entry 0 holds a private copy of boot_pdpt: entries 0..3 are the kernel's
 * page directories, shared and supervisor-only, and entry 128 (the 1 GiB
 * user slot at 128 GiB) a page directory of user page tables.  The space
 * is three contiguous pages, PML4, PDPT and user PD, plus a page table per
 * 2 MiB of the slot in use.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "pmm.h"
#include "port.h"

#define PTE_P      (1ull << 0)
#define PTE_W      (1ull << 1)
#define PTE_U      (1ull << 2)
#define PTE_PWT    (1ull << 3)
#define PTE_PCD    (1ull << 4)
#define PTE_PS     (1ull << 7)
#define PTE_ADDR   0x000ffffffffff000ull
#define PAGE       4096ull
#define BIG        (2ull << 20)
#define MAPPED_TOP (4ull << 30)

static uint64_t nx;

static void flush_all(void)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

static void invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/* The 4 KiB entry for va, splitting its 2 MiB page if needed; NULL when
 * va is beyond the identity map or no page table can be had. */
static uint64_t *pte_of(uint64_t va)
{
	if (va >= MAPPED_TOP)
		return NULL;
	uint64_t *pde = &boot_pd[va / BIG];
	if (*pde & PTE_PS) {
		uint64_t *pt = rk_pmm_alloc_pages(1);
		if (!pt)
			return NULL;
		uint64_t base = *pde & PTE_ADDR & ~(BIG - 1);
		uint64_t flags =
		    *pde & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | nx);
		for (unsigned i = 0; i < 512; i++)
			pt[i] = (base + i * PAGE) | flags;
		/* Leaf entries carry the restrictions; the directory entry
		 * allows everything. */
		*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
		flush_all();
	}
	uint64_t *pt = (uint64_t *)(uintptr_t)(*pde & PTE_ADDR);
	return &pt[(va / PAGE) % 512];
}

/* Sets the flags of every page of [va, va+len); -1 when a page table
 * could not be allocated. */
static int set_pages(uint64_t va, uint64_t len, uint64_t flags)
{
	for (uint64_t a = va & ~(PAGE - 1); a < va + len; a += PAGE) {
		uint64_t *pte = pte_of(a);
		if (!pte)
			return -1;
		*pte = flags ? (a | flags) : 0;
		invlpg(a);
	}
	return 0;
}

/* The final flags of a page of the first 2 MiB blocks (the image's). */
static uint64_t image_flags(uint64_t a)
{
	if (a == 0)
		return 0; /* NULL faults */
	if (a >= (uint64_t)(uintptr_t)__image_start &&
	    a < (uint64_t)(uintptr_t)__text_end)
		return PTE_P; /* text: R+X */
	if (a >= (uint64_t)(uintptr_t)__text_end &&
	    a < (uint64_t)(uintptr_t)__rodata_end)
		return PTE_P | nx; /* rodata: R */
	return PTE_P | PTE_W | nx;
}

/* Firmware that leaves the MTRRs off (microvm's and qboot do) makes all
 * memory uncached, which KVM honours: a hundred times slower.  Then make
 * write-back the default type; device pages are mapped PCD|PWT, and PAT's
 * UC wins over the MTRR's WB.  MTRRs a firmware set up stay as they are. */
static void mtrr_default_wb(void)
{
	uint32_t r[4];
	cpuid(1, 0, r);
	if (!(r[3] & (1u << 12)))
		return; /* no MTRRs */
	uint64_t def = rdmsr(0x2ff);
	if (def & (1u << 11))
		return; /* enabled by the firmware */
	__asm__ volatile("wbinvd" ::: "memory");
	wrmsr(0x2ff, (def & ~0xcffull) | (1u << 11) | 6u);
	flush_all();
}

void x86_mmu_init(void)
{
	nx = x86_has_nx ? 1ull << 63 : 0;
	mtrr_default_wb();
	/* The blocks holding page 0 and the image get 4 KiB tables, filled
	 * before they are installed (we run from one of them). */
	uint64_t end = (uint64_t)(uintptr_t)__image_end;
	for (uint64_t blk = 0; blk < end; blk += BIG) {
		uint64_t *pt = rk_pmm_alloc_pages(1);
		if (!pt)
			rk_panic("mmu: no memory for the kernel's page tables");
		for (unsigned i = 0; i < 512; i++) {
			uint64_t a = blk + i * PAGE;
			uint64_t f = image_flags(a);
			pt[i] = f ? a | f : 0;
		}
		boot_pd[blk / BIG] = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
	}
	for (unsigned i = 0; i < 4 * 512; i++)
		if (boot_pd[i] & PTE_PS)
			boot_pd[i] |= nx;
	flush_all();
}

void x86_mmu_device(uint64_t pa, uint64_t len)
{
	if (set_pages(pa, len, PTE_P | PTE_W | PTE_PCD | PTE_PWT | nx))
		rk_panic("mmu: cannot map device memory at 0x%llx",
		         (unsigned long long)pa);
}

/* The port's page primitive (port.h) for native/common/mem.c. */
int rk_arch_protect(uintptr_t va, size_t len, enum rk_prot prot)
{
	static const uint64_t flags[] = {
	    [RK_PROT_NONE] = 0,
	    [RK_PROT_RW] = PTE_P | PTE_W, /* | nx below */
	    [RK_PROT_RX] = PTE_P,
	};
	uint64_t f = flags[prot] | (prot == RK_PROT_RW ? nx : 0);
	return set_pages(va, len, f);
}

/* x86 keeps instruction fetch coherent with stores: the TLB flush in
 * set_pages is all the "cache sync" sealed code needs. */
void rk_arch_icache_sync(const void *p, size_t len)
{
	(void)p;
	(void)len;
}

/* ---- user address spaces ------------------------------------------- */

#define USER_PDPT_INDEX (RK_USER_BASE >> 30)

struct hal_uspace {
	uint64_t pml4[512], pdpt[512], pd[512];
};

static uint64_t *table(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

struct hal_uspace *hal_uspace_create(void)
{
	struct hal_uspace *as = rk_pmm_alloc_pages(3);
	if (!as)
		return NULL;
	/* A user access needs U/S set at every level (Intel SDM Vol. 3A,
	 * 4.6.1): the kernel's directories and pages have it clear. */
	rk_memcpy(as->pdpt, boot_pdpt, sizeof(as->pdpt));
	as->pdpt[USER_PDPT_INDEX] =
	    (uint64_t)(uintptr_t)as->pd | PTE_P | PTE_W | PTE_U;
	as->pml4[0] = (uint64_t)(uintptr_t)as->pdpt | PTE_P | PTE_W | PTE_U;
	return as;
}

int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot)
{
	uint64_t k = (uint64_t)(uintptr_t)kva;
	if (((uva | k | len) & (PAGE - 1)) || uva < RK_USER_BASE ||
	    uva - RK_USER_BASE > RK_USER_SIZE ||
	    len > RK_USER_BASE + RK_USER_SIZE - uva || k + len > MAPPED_TOP)
		return -1;
	uint64_t flags = PTE_P | PTE_U | (prot == HAL_UPROT_RW ? PTE_W : 0) |
	                 (prot == HAL_UPROT_RX ? 0 : nx);
	for (uint64_t off = 0; off < len; off += PAGE) {
		uint64_t va = uva + off;
		uint64_t *pde = &as->pd[(va - RK_USER_BASE) / BIG];
		if (!(*pde & PTE_P)) {
			uint64_t *pt = rk_pmm_alloc_pages(1);
			if (!pt)
				return -1;
			*pde = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W | PTE_U;
		}
		table(*pde)[(va / PAGE) % 512] = (k + off) | flags;
	}
	return 0;
}

void hal_uspace_destroy(struct hal_uspace *as)
{
	if (!as)
		return;
	for (unsigned i = 0; i < 512; i++)
		if (as->pd[i] & PTE_P)
			rk_pmm_free_pages(table(as->pd[i]), 1);
	rk_pmm_free_pages(as, 3);
}

/* as NULL: the kernel's own tables.  No PCIDs: one CPU, and a CR3 load
 * flushes the TLB's non-global entries, which are all of them (Intel SDM
 * Vol. 3A, 4.10.4.1). */
void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	uint64_t cr3 = (uint64_t)(uintptr_t)(as ? (void *)as : boot_pml4);
	x86_set_kstack((uint64_t)(uintptr_t)kstack_top & ~15ull);
	if (read_cr3() != cr3)
		write_cr3(cr3);
}
