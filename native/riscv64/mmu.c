/*
 * mmu.c - Sv39 page tables for the riscv64 kernel: the identity map at
 * boot and the page primitives native/common/mem.c builds the HAL's
 * memory functions on.  Page tables come from the page allocator
 * (native/common/pmm.c, fed by native/common/dtboot.c).
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

#include "arch.h"
#include "pmm.h"
#include "port.h"

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

/* ---- Sv39 -------------------------------------------------------- */

static uint64_t root[512] __attribute__((aligned(4096)));
static bool mmu_on;

static uint64_t *table_of(uint64_t pte)
{
	return (uint64_t *)(uintptr_t)((pte >> 10) << 12);
}

static uint64_t *new_table(void)
{
	return rk_pmm_alloc_pages(1); /* zeroed by the pmm; NULL when out */
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
 * larger leaf on the way when needed (it keeps its flags elsewhere).
 * -1 when no page table could be had. */
static int map_one(uint64_t va, unsigned level, uint64_t flags)
{
	uint64_t *t = root;
	for (unsigned l = 2; l > level; l--) {
		uint64_t *e = &t[vpn(va, l)];
		if (!(*e & PTE_V) || (*e & PTE_LEAF)) {
			uint64_t old = *e;
			uint64_t *nt = new_table();
			if (!nt)
				return -1;
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
	return 0;
}

static int map_range(uint64_t base, uint64_t end, uint64_t flags, bool large)
{
	uint64_t va = base & ~(PAGE - 1);
	while (va < end) {
		unsigned level = 0;
		if (large && (va & (GIGA - 1)) == 0 && end - va >= GIGA)
			level = 2;
		else if (large && (va & (MEGA - 1)) == 0 && end - va >= MEGA)
			level = 1;
		if (map_one(va, level, flags) != 0)
			return -1;
		va += 1ul << (12 + 9 * level);
	}
	return 0;
}

static void tlb_flush(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* The port's page primitive (port.h) for native/common/mem.c. */
int rk_arch_protect(uintptr_t va, size_t len, enum rk_prot prot)
{
	static const uint64_t flags[] = {
	    [RK_PROT_NONE] = MAP_NONE,
	    [RK_PROT_RW] = MAP_RW,
	    [RK_PROT_RX] = MAP_RX,
	};
	if ((va | len) & (PAGE - 1) || (unsigned)prot > RK_PROT_RX)
		return -1;
	int r = map_range(va, va + len, flags[prot], false);
	if (mmu_on)
		tlb_flush();
	return r;
}

/* fence.i orders this hart's stores before its later instruction
 * fetches (RISC-V unprivileged spec, "Zifencei"); one hart runs. */
void rk_arch_icache_sync(const void *p, size_t len)
{
	(void)p;
	(void)len;
	__asm__ volatile("fence.i" ::: "memory");
}

/* Boot mappings cannot fail quietly: without them nothing runs. */
static void boot_map(uint64_t base, uint64_t end, uint64_t flags, bool large)
{
	if (map_range(base, end, flags, large) != 0)
		rk_panic("mmu: out of memory for page tables");
}

void rv_mmu_init(const struct rk_mem_range *ram, unsigned nram)
{
	/* Devices: every 1 GiB slot of the low 4 GiB without RAM. */
	for (uint64_t g = 0; g < 4 * GIGA; g += GIGA) {
		bool has_ram = false;
		for (unsigned i = 0; i < nram; i++)
			if (ram[i].base < g + GIGA &&
			    ram[i].base + ram[i].size > g)
				has_ram = true;
		if (!has_ram)
			boot_map(g, g + GIGA, MAP_RW, true);
	}
	for (unsigned i = 0; i < nram; i++)
		boot_map(ram[i].base, ram[i].base + ram[i].size, MAP_RW, true);
	uint64_t k = (uint64_t)(uintptr_t)_start;
	boot_map(k, (uint64_t)(uintptr_t)__text_end, MAP_RX, false);
	boot_map((uint64_t)(uintptr_t)__text_end,
	         (uint64_t)(uintptr_t)__rodata_end, MAP_RO, false);
	boot_map((uint64_t)(uintptr_t)__rodata_end, (uint64_t)(uintptr_t)_end,
	         MAP_RW, false);

	csr_write(satp, (8ul << 60) | ((uint64_t)(uintptr_t)root >> 12));
	tlb_flush();
	mmu_on = true;
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
