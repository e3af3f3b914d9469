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
 * RAM is never mapped with 1 GiB pages, so no root entry changes after
 * boot and a payload's root can share the kernel's lower tables.
 *
 * User mode (hal.h): each payload's address space is a root of its own
 * holding copies of the kernel's root entries (shared lower tables,
 * supervisor only) and, at index 128 (RK_USER_BASE), a private tree of
 * 4 KiB user pages.  Spaces are told apart by ASID where the hart has
 * them, else the user slot is flushed at each switch.
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
#define PTE_U    (1ul << 4)
#define PTE_G    (1ul << 5)
#define PTE_A    (1ul << 6)
#define PTE_D    (1ul << 7)
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)

#define MAP_RW   (PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
#define MAP_RX   (PTE_V | PTE_R | PTE_X | PTE_G | PTE_A)
#define MAP_RO   (PTE_V | PTE_R | PTE_G | PTE_A)
#define MAP_NONE 0ul

/* ---- Sv39 -------------------------------------------------------- */

#define SATP_SV39       (8ul << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK  (0xfffful << SATP_ASID_SHIFT)

static uint64_t root[512] __attribute__((aligned(4096)));
static bool mmu_on;
static uint64_t kernel_satp;   /* Sv39, the kernel's root, ASID 0 */
static unsigned long max_asid; /* 0: the hart has no ASIDs */

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

/* Map one page of 4 KiB (level 0), 2 MiB (1) or 1 GiB (2) at va to pa
 * in the tree under t, splitting a larger leaf on the way when needed
 * (it keeps its flags elsewhere).  -1 when no page table could be had. */
static int map_one(uint64_t *t, uint64_t va, uint64_t pa, unsigned level,
                   uint64_t flags)
{
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
	t[vpn(va, level)] = flags ? ((pa >> 12) << 10 | flags) : 0;
	return 0;
}

/* Identity-maps [base, end) in the kernel's tree with pages of at most
 * level max (0: 4 KiB, 1: 2 MiB, 2: 1 GiB). */
static int map_range(uint64_t base, uint64_t end, uint64_t flags, unsigned max)
{
	uint64_t va = base & ~(PAGE - 1);
	while (va < end) {
		unsigned level = 0;
		if (max >= 2 && (va & (GIGA - 1)) == 0 && end - va >= GIGA)
			level = 2;
		else if (max >= 1 && (va & (MEGA - 1)) == 0 && end - va >= MEGA)
			level = 1;
		if (map_one(root, va, va, level, flags) != 0)
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
	int r = map_range(va, va + len, flags[prot], 0);
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
static void boot_map(uint64_t base, uint64_t end, uint64_t flags, unsigned max)
{
	if (map_range(base, end, flags, max) != 0)
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
			boot_map(g, g + GIGA, MAP_RW, 2);
	}
	/* RAM in 2 MiB pages at most: the root entries stay as they are. */
	for (unsigned i = 0; i < nram; i++)
		boot_map(ram[i].base, ram[i].base + ram[i].size, MAP_RW, 1);
	uint64_t k = (uint64_t)(uintptr_t)_start;
	boot_map(k, (uint64_t)(uintptr_t)__text_end, MAP_RX, 0);
	boot_map((uint64_t)(uintptr_t)__text_end,
	         (uint64_t)(uintptr_t)__rodata_end, MAP_RO, 0);
	boot_map((uint64_t)(uintptr_t)__rodata_end, (uint64_t)(uintptr_t)_end,
	         MAP_RW, 0);

	/* ASIDLEN: write ones to every bit of satp.ASID and read back; the
	 * implemented bits are the low ones and keep their ones (privileged
	 * spec, "Supervisor Address Translation and Protection (satp)"). */
	kernel_satp = SATP_SV39 | ((uint64_t)(uintptr_t)root >> 12);
	csr_write(satp, kernel_satp | SATP_ASID_MASK);
	max_asid = (csr_read(satp) & SATP_ASID_MASK) >> SATP_ASID_SHIFT;
	csr_write(satp, kernel_satp);
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

/* ---- user mode (hal.h) ------------------------------------------- */

#define USER_SLOT ((unsigned)(RK_USER_BASE / GIGA)) /* root index 128 */

struct hal_uspace {
	uint64_t root[512] __attribute__((aligned(4096)));
	uint64_t gen;       /* the ASID generation asid belongs to */
	unsigned long asid; /* 0 when the hart has none */
};

/* ASIDs are handed out in generations: when they run out, the whole TLB
 * is flushed and every space takes a new one at its next switch. */
static uint64_t asid_gen = 1;
static unsigned long next_asid = 1;

/* Flushes the non-global translations of one ASID (rs2 != x0; the
 * kernel's mappings are global and stay), after the page-table stores
 * before it (privileged spec, "Supervisor Memory-Management Fence
 * Instruction").  The register is never x0, which would flush all. */
static void tlb_flush_asid(unsigned long asid)
{
	register unsigned long a __asm__("t0") = asid;
	__asm__ volatile("sfence.vma zero, %0" : : "r"(a) : "memory");
}

struct hal_uspace *hal_uspace_create(void)
{
	if (root[USER_SLOT] & PTE_V)
		return NULL; /* the kernel uses the slot (RAM at 128 GiB) */
	struct hal_uspace *as =
	    rk_pmm_alloc_pages(sizeof(struct hal_uspace) / PAGE);
	if (!as)
		return NULL;
	/* The kernel's root entries never change after boot (RAM has no
	 * 1 GiB pages), so copies stay right; their leaves have U clear. */
	rk_memcpy(as->root, root, sizeof(root));
	return as;
}

int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot)
{
	/* A user leaf: U set, never G (privileged spec, "Sv32", PTE
	 * attributes, the same in Sv39); A and D preset so the hart never
	 * has to write them. */
	static const uint64_t flags[] = {
	    [HAL_UPROT_R] = PTE_V | PTE_U | PTE_R | PTE_A | PTE_D,
	    [HAL_UPROT_RW] = PTE_V | PTE_U | PTE_R | PTE_W | PTE_A | PTE_D,
	    [HAL_UPROT_RX] = PTE_V | PTE_U | PTE_R | PTE_X | PTE_A | PTE_D,
	};
	uintptr_t pa = (uintptr_t)kva; /* the kernel is identity mapped */
	if ((uva | pa | len) & (PAGE - 1) || (unsigned)prot > HAL_UPROT_RX ||
	    uva < RK_USER_BASE || uva - RK_USER_BASE > RK_USER_SIZE ||
	    len > RK_USER_SIZE - (uva - RK_USER_BASE))
		return -1;
	for (size_t off = 0; off < len; off += PAGE)
		if (map_one(as->root, uva + off, pa + off, 0, flags[prot]) != 0)
			return -1;
	if (as->gen == asid_gen)
		tlb_flush_asid(as->asid);
	return 0;
}

void hal_uspace_destroy(struct hal_uspace *as)
{
	if (!as)
		return;
	uint64_t e = as->root[USER_SLOT];
	if (e & PTE_V) {
		uint64_t *l1 = table_of(e);
		for (unsigned i = 0; i < 512; i++)
			if ((l1[i] & PTE_V) && !(l1[i] & PTE_LEAF))
				rk_pmm_free_pages(table_of(l1[i]), 1);
		rk_pmm_free_pages(l1, 1);
	}
	/* Nothing cached may point into the freed tables. */
	tlb_flush_asid(as->gen == asid_gen ? as->asid : 0);
	rk_pmm_free_pages(as, sizeof(struct hal_uspace) / PAGE);
}

uintptr_t rv_user_kstack;

void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	rv_user_kstack = (uintptr_t)kstack_top & ~(uintptr_t)15;
	if (!as) {
		if (csr_read(satp) != kernel_satp)
			csr_write(satp, kernel_satp);
		return;
	}
	bool fresh = false, flush_all = false;
	if (max_asid && as->gen != asid_gen) {
		if (next_asid > max_asid) {
			asid_gen++;
			next_asid = 1;
			flush_all = true;
		}
		as->gen = asid_gen;
		as->asid = next_asid++;
		fresh = true;
	}
	uint64_t v = SATP_SV39 | (uint64_t)as->asid << SATP_ASID_SHIFT |
	             (uint64_t)(uintptr_t)as->root >> 12;
	if (!fresh && csr_read(satp) == v)
		return;
	/* Writing satp neither orders page-table stores nor flushes
	 * (privileged spec, "satp"): a new ASID is flushed after the write,
	 * and so is ASID 0 that every space shares on a hart without ASIDs;
	 * everything when the ASIDs start over. */
	csr_write(satp, v);
	if (flush_all)
		tlb_flush();
	else if (fresh || max_asid == 0)
		tlb_flush_asid(as->asid);
}
