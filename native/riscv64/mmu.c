/*
 * mmu.c - physical pages and Sv39 page tables for the riscv64 kernel.
 *
 * Pages: native/common/pmm.c, fed with the DTB's /memory minus the kernel
 * image, the DTB, the initrd and the reserved regions.
 * Translation: an identity map.  RAM is mapped read/write, never
 * executable, with 2 MiB pages where it can; the kernel's text is RX, its
 * rodata R (with .data.rel.ro, .got and the relocation tables, which
 * boot.S wrote before the MMU was on: const tables of pointers such as the
 * payload API are read-only from here; native/tests/check_const.py
 * checks), its data and bss RW; each 1 GiB slot of the low 4 GiB that
 * holds no RAM is mapped RW as device space (UART, PLIC, exit device).
 * Payload memory is handed out RW and sealed RX (2 MiB pages are split
 * into 4 KiB ones on demand); fiber stacks get an unmapped guard page.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "pmm.h"
#include "riscv.h"

#define PAGE 4096ul
#define MEGA (2ul << 20)
#define GIGA (1ul << 30)

#define PTE_V    (1ul << 0)
#define PTE_R    (1ul << 1)
#define PTE_W    (1ul << 2)
#define PTE_X    (1ul << 3)
#define PTE_G    (1ul << 5)
#define PTE_A    (1ul << 6)
#define PTE_D    (1ul << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)

#define MAP_RW   (PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
#define MAP_RX   (PTE_V | PTE_R | PTE_X | PTE_G | PTE_A)
#define MAP_RO   (PTE_V | PTE_R | PTE_G | PTE_A)
#define MAP_NONE 0ul

/* ---- physical pages (native/common/pmm.c) ------------------------- */

static void *pages_alloc(uint64_t n)
{
	return rk_pmm_alloc_pages((size_t)n);
}

static void pages_free(void *p, uint64_t n)
{
	if (p && n)
		rk_pmm_free_pages(p, (size_t)n);
}

/* ---- Sv39 -------------------------------------------------------- */

static uint64_t root[512] __attribute__((aligned(4096)));
static bool mmu_on;

static uint64_t *table_of(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> 10) << 12);
}

static uint64_t *new_table(void)
{
	uint64_t *t = pages_alloc(1);
	if (!t)
		rk_panic("out of memory for page tables");
	return t; /* zeroed by the pmm */
}

static uint64_t table_pte(uint64_t *t)
{
	return ((uint64_t)(uintptr_t)t >> 12) << 10 | PTE_V;
}

static unsigned vpn(uint64_t va, unsigned level)
{
	return (unsigned)(va >> (12 + 9 * level)) & 511u;
}

/* Map one page of 4 KiB (level 0), 2 MiB (1) or 1 GiB (2), splitting a
 * larger leaf on the way when needed (it keeps its flags elsewhere). */
static void map_one(uint64_t va, unsigned level, uint64_t flags)
{
	uint64_t *t = root;
	for (unsigned l = 2; l > level; l--) {
		uint64_t *e = &t[vpn(va, l)];
		if (!(*e & PTE_V) || (*e & PTE_LEAF)) {
			uint64_t old = *e;
			uint64_t *nt = new_table();
			if ((old & PTE_V) && (old & PTE_LEAF)) {
				uint64_t step = 1ul << (12 + 9 * (l - 1));
				uint64_t base = (old >> 10) << 12;
				for (unsigned i = 0; i < 512; i++)
					nt[i] = ((base + i * step) >> 12)
					            << 10 |
					        (old & 0x3ff);
			}
			*e = table_pte(nt);
		}
		t = table_of(*e);
	}
	t[vpn(va, level)] =
	    flags ? ((va >> 12) << 10 | flags) : 0; /* identity */
}

static void map_range(uint64_t base, uint64_t end, uint64_t flags, bool large)
{
	uint64_t va = base & ~(PAGE - 1);
	while (va < end) {
		if (large && (va & (GIGA - 1)) == 0 && end - va >= GIGA) {
			map_one(va, 2, flags);
			va += GIGA;
		} else if (large && (va & (MEGA - 1)) == 0 &&
		           end - va >= MEGA) {
			map_one(va, 1, flags);
			va += MEGA;
		} else {
			map_one(va, 0, flags);
			va += PAGE;
		}
	}
}

static void tlb_flush(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void protect(void *p, uint64_t size, uint64_t flags)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	map_range(a, a + size, flags, false);
	if (mmu_on)
		tlb_flush();
}

void rv_mem_init(const struct rv_region *ram, unsigned nram,
                 const struct rv_region *resv, unsigned nresv)
{
	for (unsigned i = 0; i < nram; i++)
		rk_pmm_add_range(ram[i].base, ram[i].size);
	rk_pmm_reserve((uint64_t)(uintptr_t)_start,
	               (uint64_t)(uintptr_t)(_end - _start));
	for (unsigned i = 0; i < nresv; i++)
		rk_pmm_reserve(resv[i].base, resv[i].size);

	/* Devices: every 1 GiB slot of the low 4 GiB without RAM. */
	for (uint64_t g = 0; g < 4 * GIGA; g += GIGA) {
		bool has_ram = false;
		for (unsigned i = 0; i < nram; i++)
			if (ram[i].base < g + GIGA &&
			    ram[i].base + ram[i].size > g)
				has_ram = true;
		if (!has_ram)
			map_one(g, 2, MAP_RW);
	}
	for (unsigned i = 0; i < nram; i++)
		map_range(ram[i].base, ram[i].base + ram[i].size, MAP_RW, true);
	uint64_t k = (uint64_t)(uintptr_t)_start;
	map_range(k, (uint64_t)(uintptr_t)__text_end, MAP_RX, false);
	map_range((uint64_t)(uintptr_t)__text_end,
	          (uint64_t)(uintptr_t)__rodata_end, MAP_RO, false);
	map_range((uint64_t)(uintptr_t)__rodata_end, (uint64_t)(uintptr_t)_end,
	          MAP_RW, false);

	csr_write(satp, (8ul << 60) | ((uint64_t)(uintptr_t)root >> 12));
	tlb_flush();
	mmu_on = true;
}

/* ---- HAL memory ----------------------------------------------------- */

static uint64_t npages(size_t size)
{
	return (size + PAGE - 1) / PAGE;
}

void *hal_stack_alloc(size_t size)
{
	uint64_t n = npages(size);
	uint8_t *m = pages_alloc(n + 1);
	if (!m)
		return NULL;
	protect(m, PAGE, MAP_NONE); /* guard page below the stack */
	return m + PAGE;
}

void hal_stack_free(void *stack, size_t size)
{
	if (!stack)
		return;
	uint8_t *m = (uint8_t *)stack - PAGE;
	protect(m, PAGE, MAP_RW);
	pages_free(m, npages(size) + 1);
}

/* A guard page is the unmapped page below a stack: any unmapped page in
 * RAM is one (nothing else unmaps RAM). */
bool rv_guard_page_of(uintptr_t addr)
{
	uint64_t *t = root;
	for (unsigned l = 2;; l--) {
		uint64_t e = t[vpn(addr, l)];
		if (!(e & PTE_V))
			return l == 0;
		if ((e & PTE_LEAF) || l == 0)
			return false;
		t = table_of(e);
	}
}

void *hal_exec_alloc(size_t size)
{
	if (size == 0)
		return NULL;
	void *p = pages_alloc(npages(size));
	if (p)
		protect(p, npages(size) * PAGE, MAP_RW);
	return p;
}

int hal_exec_seal(void *p, size_t size)
{
	if (!p || ((uintptr_t)p & (PAGE - 1)))
		return -1;
	protect(p, npages(size) * PAGE, MAP_RX);
	__asm__ volatile("fence.i" ::: "memory");
	return 0;
}

void hal_exec_free(void *p, size_t size)
{
	if (!p)
		return;
	protect(p, npages(size) * PAGE, MAP_RW);
	pages_free(p, npages(size));
}
