/*
 * mmu.c - aarch64 page tables: the identity map at boot and the page
 * primitives native/common/mem.c builds the HAL's memory functions on.
 *
 * 4 KiB granule, 39-bit VA (T0SZ 25, walks start at level 1), identity
 * map.  MAIR: index 0 normal write-back (RAM), index 1 device nGnRE.
 * RAM is RW+XN, except the kernel's text (RX) and rodata (R: link.ld puts
 * .data.rel.ro and .got there too, so const tables of pointers such as the
 * payload API are read-only; native/tests/check_const.py checks); everything
 * else below 4 GiB is device memory (XN).  SCTLR.WXN is set as well, so
 * the hardware refuses W+X even if a descriptor said otherwise.
 *
 * Large blocks (1 GiB, 2 MiB) are split into tables when a page in them
 * changes permissions: at boot directly, with the MMU on through
 * break-before-make (a64_bbm_replace).  Payload memory is RW+XN until
 * hal_exec_seal makes it RX (read-only): TLBI, DSB, then the D-cache
 * clean to PoU, DSB, IC IALLU, DSB, ISB of rk_arch_icache_sync.  Fiber
 * stacks get an unmapped guard page below them.
 *
 * Payloads at EL0 (hal.h "user mode") get address spaces of their own,
 * at the end of this file.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"
#include "pmm.h"

#define DESC_BLOCK  1ull
#define DESC_TABLE  3ull /* table at levels 1-2, page at level 3 */
#define ATTR_IDX(n) ((uint64_t)(n) << 2)
#define AP_EL0      (1ull << 6) /* AP[1]: EL0 may access */
#define AP_RO       (2ull << 6)
#define SH_INNER    (3ull << 8)
#define AF          (1ull << 10)
#define NG          (1ull << 11) /* not global: tagged with the ASID */
#define PXN         (1ull << 53)
#define UXN         (1ull << 54)
#define OA_MASK     0x0000fffffffff000ull
/* Table descriptors: limits for everything beneath (Arm ARM,
 * "Hierarchical permissions"). */
#define PXN_TABLE    (1ull << 59)
#define UXN_TABLE    (1ull << 60)
#define NO_EL0_TABLE (1ull << 61) /* APTable[0] */

#define ATTR_RW  (ATTR_IDX(0) | SH_INNER | AF | PXN | UXN)
#define ATTR_RX  (ATTR_IDX(0) | SH_INNER | AF | AP_RO | UXN)
#define ATTR_R   (ATTR_IDX(0) | SH_INNER | AF | AP_RO | PXN | UXN)
#define ATTR_DEV (ATTR_IDX(1) | AF | PXN | UXN)

#define L1_SHIFT 30
#define L2_SHIFT 21
#define L3_SHIFT 12
#define VA_LIMIT (1ull << 39)

static uint64_t l1[512] __attribute__((aligned(4096)));
static bool mmu_on;

bool a64_mmu_enabled(void)
{
	return mmu_on;
}

/* The table under entry *e (a level whose entries cover 1 << shift),
 * created or split from a block as needed.  NULL when out of pages. */
static uint64_t *next_table(uint64_t *e, unsigned shift, uint64_t va)
{
	uint64_t d = *e;
	if ((d & 3) == DESC_TABLE)
		return (uint64_t *)(uintptr_t)(d & OA_MASK);
	uint64_t *t = rk_pmm_alloc_pages(1); /* zeroed: all invalid */
	if (!t)
		return NULL;
	if (d & 1) {
		/* Replicate the block's attributes one level down. */
		unsigned cs = shift - 9;
		uint64_t base = d & OA_MASK & ~((1ull << shift) - 1);
		uint64_t attrs = d & ~OA_MASK & ~3ull;
		uint64_t type = cs == L3_SHIFT ? DESC_TABLE : DESC_BLOCK;
		for (uint64_t i = 0; i < 512; i++)
			t[i] = (base + (i << cs)) | attrs | type;
	}
	uint64_t nd = (uint64_t)(uintptr_t)t | DESC_TABLE;
	if (mmu_on) {
		a64_dsb_ish(); /* the new table is visible to the walker */
		if (d & 1)
			a64_bbm_replace(e, nd, va & ~((1ull << shift) - 1));
		else {
			*e = nd;
			a64_dsb_ish();
			a64_isb();
		}
	} else {
		*e = nd;
	}
	return t;
}

/* Identity map [va, end) with attr, in the largest blocks that fit
 * (1 GiB ones only with l1_blocks).  Boot only: with the MMU on use
 * rk_arch_protect. */
static int map(uint64_t va, uint64_t end, uint64_t attr, bool l1_blocks)
{
	const uint64_t gib = 1ull << L1_SHIFT, mib2 = 1ull << L2_SHIFT;
	va &= ~(A64_PAGE - 1);
	while (va < end) {
		uint64_t *e1 = &l1[(va >> L1_SHIFT) & 511];
		if (l1_blocks && !(va & (gib - 1)) && end - va >= gib &&
		    (*e1 & 3) != DESC_TABLE) {
			*e1 = va | attr | DESC_BLOCK;
			va += gib;
			continue;
		}
		uint64_t *l2 = next_table(e1, L1_SHIFT, va);
		if (!l2)
			return -1;
		uint64_t *e2 = &l2[(va >> L2_SHIFT) & 511];
		if (!(va & (mib2 - 1)) && end - va >= mib2 &&
		    (*e2 & 3) != DESC_TABLE) {
			*e2 = va | attr | DESC_BLOCK;
			va += mib2;
			continue;
		}
		uint64_t *l3 = next_table(e2, L2_SHIFT, va);
		if (!l3)
			return -1;
		l3[(va >> L3_SHIFT) & 511] = va | attr | DESC_TABLE;
		va += A64_PAGE;
	}
	return 0;
}

/* The level-3 entry of a mapped RAM page, splitting blocks; NULL if the
 * address is not mapped normal memory. */
static uint64_t *page_entry(uint64_t va)
{
	if (va >= VA_LIMIT)
		return NULL;
	uint64_t *e1 = &l1[(va >> L1_SHIFT) & 511];
	if (!(*e1 & 1))
		return NULL;
	uint64_t *l2 = next_table(e1, L1_SHIFT, va);
	if (!l2)
		return NULL;
	uint64_t *e2 = &l2[(va >> L2_SHIFT) & 511];
	if (!(*e2 & 1))
		return NULL;
	uint64_t *l3 = next_table(e2, L2_SHIFT, va);
	return l3 ? &l3[(va >> L3_SHIFT) & 511] : NULL;
}

/* The port's page primitive (port.h) for native/common/mem.c. */
int rk_arch_protect(uintptr_t va, size_t len, enum rk_prot prot)
{
	static const uint64_t attr[] = {
	    [RK_PROT_NONE] = 0,
	    [RK_PROT_RW] = ATTR_RW,
	    [RK_PROT_RX] = ATTR_RX,
	};
	if ((va | len) & (A64_PAGE - 1) || (unsigned)prot > RK_PROT_RX)
		return -1;
	for (uint64_t p = va; p < va + len; p += A64_PAGE) {
		uint64_t *e = page_entry(p);
		if (!e)
			return -1;
		/* Only permissions change (or the entry goes away), never
		 * the output address or memory type: no break-before-make. */
		*e = prot == RK_PROT_NONE ? 0 : (p | attr[prot] | DESC_TABLE);
	}
	if (mmu_on) {
		__asm__ volatile("dsb ishst" ::: "memory");
		for (uint64_t p = va; p < va + len; p += A64_PAGE)
			__asm__ volatile("tlbi vaae1is, %0" ::"r"(p >> 12)
			                 : "memory");
		a64_dsb_ish();
		a64_isb();
	}
	return 0;
}

int a64_mmu_init(const struct rk_mem_range *ram, unsigned nram)
{
	/* Everything below 4 GiB is device memory, then RAM over it. */
	if (map(0, 4ull << 30, ATTR_DEV, true) < 0)
		return -1;
	/* RAM gets level-2 tables (no 1 GiB blocks), made now, so that a
	 * split at run time only ever rewrites a level-2 entry. */
	for (unsigned i = 0; i < nram; i++) {
		uint64_t b = ram[i].base, e = b + ram[i].size;
		/* Below the user slot (RK_USER_BASE, under VA_LIMIT): its
		 * level-1 entry belongs to each payload's space. */
		if (e > RK_USER_BASE)
			e = RK_USER_BASE;
		if (b < e && map(b, e, ATTR_RW, false) < 0)
			return -1;
	}
	uint64_t ks = (uintptr_t)__kernel_start, te = (uintptr_t)__text_end;
	uint64_t re = (uintptr_t)__rodata_end;
	if (map(ks, te, ATTR_RX, false) < 0 || map(te, re, ATTR_R, false) < 0)
		return -1;
	/* The 2 MiB blocks holding level-2 tables are split now (MMU off):
	 * break-before-make on a block must never unmap the table that
	 * holds the entry being rewritten.  (Level-3 tables may live
	 * anywhere: the walker reads them by physical address.) */
	for (unsigned i = 0; i < 512; i++) {
		if ((l1[i] & 3) != DESC_TABLE)
			continue;
		uint64_t t = l1[i] & OA_MASK;
		uint64_t *l1e = &l1[(t >> L1_SHIFT) & 511];
		if ((*l1e & 3) == DESC_TABLE && !page_entry(t))
			return -1;
	}

	/* Nothing beneath the kernel's table entries is for EL0 (the
	 * entries themselves are EL1-only and UXN; blocks are too).  The
	 * payloads' spaces copy these entries, so every space translates
	 * the kernel's global addresses with the same bits. */
	for (unsigned i = 0; i < 512; i++)
		if ((l1[i] & 3) == DESC_TABLE)
			l1[i] |= NO_EL0_TABLE | UXN_TABLE;

	uint64_t mair = 0xffull | (0x04ull << 8);
	uint64_t pa = a64_sysreg_read(id_aa64mmfr0_el1) & 0xf;
	if (pa > 5)
		pa = 5;
	uint64_t tcr = 25ull          /* T0SZ: 39-bit VA */
	               | (1ull << 8)  /* IRGN0: WB WA */
	               | (1ull << 10) /* ORGN0: WB WA */
	               | (3ull << 12) /* SH0: inner shareable */
	               | (0ull << 14) /* TG0: 4 KiB */
	               | (1ull << 23) /* EPD1: no TTBR1 walks */
	               | (pa << 32);  /* IPS */
	a64_sysreg_write(mair_el1, mair);
	a64_sysreg_write(tcr_el1, tcr);
	a64_sysreg_write(ttbr0_el1, (uintptr_t)l1);
	a64_dsb_ish();
	a64_isb();
	__asm__ volatile(
	    "tlbi vmalle1\n\tdsb nsh\n\tic iallu\n\tdsb nsh\n\tisb" ::
	        : "memory");
	uint64_t sctlr = a64_sysreg_read(sctlr_el1);
	sctlr |= 1ull << 0     /* M */
	         | 1ull << 2   /* C */
	         | 1ull << 3   /* SA */
	         | 1ull << 12  /* I */
	         | 1ull << 19; /* WXN */
	sctlr &= ~(1ull << 1); /* A: no alignment faults */
	a64_sysreg_write(sctlr_el1, sctlr);
	a64_isb();
	mmu_on = true;
	return 0;
}

/* New code reaches instruction fetch: clean the data cache to the point
 * of unification line by line (DC CVAU needs only read access, so the
 * pages may already be RX), then invalidate the instruction cache (Arm
 * ARM, "Concurrent modification and execution of instructions"). */
void rk_arch_icache_sync(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;
	uint64_t ctr = a64_sysreg_read(ctr_el0);
	uintptr_t line = 4u << ((ctr >> 16) & 0xf); /* DminLine */
	for (uintptr_t x = a & ~(line - 1); x < a + len; x += line)
		__asm__ volatile("dc cvau, %0" ::"r"(x) : "memory");
	a64_dsb_ish();
	__asm__ volatile("ic iallu\n\tdsb ish\n\tisb" ::: "memory");
}

/* ---- address spaces for payloads at EL0 ------------------------------
 * Each space is a level-1 table of its own: a copy of the kernel's (the
 * same level-2/3 tables beneath, so later changes there reach every
 * space; no level-1 entry changes after a64_mmu_init, which gave RAM
 * level-2 tables), except entry 128, the user slot (RK_USER_BASE, 1 GiB),
 * pointing at a private tree of non-global user pages, never executable
 * at EL1.  A space's index in spaces[] is its ASID (8 bits: TCR_EL1.AS =
 * 0, ASID in TTBR0_EL1[55:48]; 0 is the kernel's table), so a switch is
 * one TTBR0 write and no TLB flush: kernel entries are global, user
 * entries match their ASID only (Arm ARM, "Global and process-specific
 * translation table entries").
 */
#define USER_L1    (RK_USER_BASE >> L1_SHIFT)
#define MAX_SPACES 256

struct hal_uspace {
	uint64_t *l1; /* NULL: the ASID is free */
};
static struct hal_uspace spaces[MAX_SPACES];

static uint64_t ttbr_of(const struct hal_uspace *as)
{
	if (!as)
		return (uintptr_t)l1;
	return (uintptr_t)as->l1 | (uint64_t)(as - spaces) << 48;
}

struct hal_uspace *hal_uspace_create(void)
{
	for (unsigned asid = 1; asid < MAX_SPACES; asid++) {
		struct hal_uspace *as = &spaces[asid];
		if (as->l1)
			continue;
		uint64_t *t = rk_pmm_alloc_pages(1);
		if (!t)
			return NULL;
		rk_memcpy(t, l1, sizeof(l1));
		t[USER_L1] = 0; /* empty in the kernel's table too */
		as->l1 = t;
		return as;
	}
	return NULL; /* every ASID in use */
}

/* The user table under *e, made when missing.  NULL when out of pages. */
static uint64_t *user_table(uint64_t *e)
{
	if (*e & 1)
		return (uint64_t *)(uintptr_t)(*e & OA_MASK);
	uint64_t *t = rk_pmm_alloc_pages(1); /* zeroed: all invalid */
	if (t)
		*e = (uintptr_t)t | PXN_TABLE | DESC_TABLE;
	return t;
}

int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot)
{
	/* AP[2:1]: 11 read-only at EL0 and EL1, 01 read-write at both. */
	static const uint64_t attr[] = {
	    [HAL_UPROT_R] = AP_EL0 | AP_RO | UXN,
	    [HAL_UPROT_RW] = AP_EL0 | UXN,
	    [HAL_UPROT_RX] = AP_EL0 | AP_RO,
	};
	uintptr_t pa = (uintptr_t)kva; /* identity map */
	if (!as || !as->l1 || ((uva | pa | len) & (A64_PAGE - 1)) ||
	    (unsigned)prot > HAL_UPROT_RX || uva < RK_USER_BASE ||
	    uva - RK_USER_BASE > RK_USER_SIZE ||
	    len > RK_USER_SIZE - (uva - RK_USER_BASE))
		return -1;
	for (size_t off = 0; off < len; off += A64_PAGE) {
		uint64_t va = uva + off;
		uint64_t *l2 = user_table(&as->l1[USER_L1]);
		uint64_t *l3 = l2 ? user_table(&l2[(va >> L2_SHIFT) & 511]) : 0;
		if (!l3)
			return -1;
		l3[(va >> L3_SHIFT) & 511] = (pa + off) | ATTR_IDX(0) |
		                             SH_INNER | AF | NG | PXN |
		                             attr[prot] | DESC_TABLE;
	}
	/* The walker sees the entries before the space first runs. */
	__asm__ volatile("dsb ishst" ::: "memory");
	return 0;
}

void hal_uspace_destroy(struct hal_uspace *as)
{
	if (!as || !as->l1)
		return;
	if ((a64_sysreg_read(ttbr0_el1) & OA_MASK) == (uintptr_t)as->l1)
		hal_uspace_switch(NULL, NULL); /* never the active one */
	/* No walk reaches the tables now; what the TLB holds for the ASID
	 * goes before the ASID or the pages are used again. */
	uint64_t asid = ttbr_of(as) & ~OA_MASK; /* TLBI ASIDE1IS: [63:48] */
	__asm__ volatile(
	    "dsb ishst\n\ttlbi aside1is, %0\n\tdsb ish\n\tisb" ::"r"(asid)
	    : "memory");
	uint64_t e1 = as->l1[USER_L1];
	if (e1 & 1) {
		uint64_t *l2 = (uint64_t *)(uintptr_t)(e1 & OA_MASK);
		for (unsigned i = 0; i < 512; i++)
			if (l2[i] & 1)
				rk_pmm_free_pages(
				    (void *)(uintptr_t)(l2[i] & OA_MASK), 1);
		rk_pmm_free_pages(l2, 1);
	}
	rk_pmm_free_pages(as->l1, 1);
	as->l1 = NULL;
}

void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	if (kstack_top)
		a64_el0_stack = (uintptr_t)kstack_top & ~(uintptr_t)15;
	uint64_t ttbr = ttbr_of(as);
	if (a64_sysreg_read(ttbr0_el1) != ttbr) {
		/* Table and ASID change in one write; the ISB makes it
		 * effective (kernel code runs on: its entries are the same
		 * in every space). */
		a64_sysreg_write(ttbr0_el1, ttbr);
		a64_isb();
	}
}
