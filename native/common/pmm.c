/*
 * pmm.c - the physical page allocator (see pmm.h): one bitmap, a bit per
 * page (1 = free), sliced between up to RK_PMM_MAX_RANGES ranges.  An
 * allocation is a first-fit search for a run of free bits inside one
 * range, skipping whole 64-bit words that are all used or all free.
 */
#include <rumpk/klib.h>

#include "pmm.h"

#define MAX_PAGES ((size_t)(RK_PMM_MAX_BYTES / RK_PMM_PAGE))
#define WORDS     ((MAX_PAGES + 63) / 64)

struct range {
	uint64_t base; /* physical address of the first page */
	size_t npages;
	size_t bit0; /* its first bit in the bitmap */
};

/* Reserved spans are remembered so that freeing a page in one (a kernel
 * or DTB page, say) panics instead of handing it out later. */
#define MAX_RESERVED 32

static uint64_t bitmap[WORDS];
static struct range ranges[RK_PMM_MAX_RANGES];
static size_t nranges, bits_used, nfree;
static struct {
	uint64_t base, end;
} reserved[MAX_RESERVED];
static size_t nreserved;

static bool is_reserved(uint64_t addr)
{
	for (size_t i = 0; i < nreserved; i++)
		if (addr >= reserved[i].base && addr < reserved[i].end)
			return true;
	return false;
}

static int bit_test(size_t b)
{
	return (int)((bitmap[b >> 6] >> (b & 63)) & 1u);
}

static void bit_set(size_t b)
{
	bitmap[b >> 6] |= 1ull << (b & 63);
}

static void bit_clear(size_t b)
{
	bitmap[b >> 6] &= ~(1ull << (b & 63));
}

/* Sets bits [b, b+n), a word at a time where it can. */
static void set_bits(size_t b, size_t n)
{
	for (; n && (b & 63); n--)
		bit_set(b++);
	for (; n >= 64; n -= 64, b += 64)
		bitmap[b >> 6] = ~0ull;
	for (; n; n--)
		bit_set(b++);
}

/* Adds [base, end) (page aligned), leaving out what a range holds already. */
static void add_pages(uint64_t base, uint64_t end)
{
	if (base >= end)
		return;
	for (size_t i = 0; i < nranges; i++) {
		uint64_t rb = ranges[i].base;
		uint64_t re = rb + (uint64_t)ranges[i].npages * RK_PMM_PAGE;
		if (base < re && rb < end) {
			add_pages(base, rb < base ? base : rb);
			add_pages(re > end ? end : re, end);
			return;
		}
	}
	uint64_t n = (end - base) / RK_PMM_PAGE;
	if (n > MAX_PAGES - bits_used)
		n = MAX_PAGES - bits_used;
	if (n == 0)
		return;
	struct range *last = nranges ? &ranges[nranges - 1] : NULL;
	if (last && last->base + (uint64_t)last->npages * RK_PMM_PAGE == base &&
	    last->bit0 + last->npages == bits_used) {
		last->npages += (size_t)n; /* grows the previous range */
	} else {
		if (nranges == RK_PMM_MAX_RANGES)
			return;
		ranges[nranges++] = (struct range){base, (size_t)n, bits_used};
	}
	set_bits(bits_used, (size_t)n);
	bits_used += (size_t)n;
	nfree += (size_t)n;
}

void rk_pmm_add_range(uint64_t base, uint64_t len)
{
	uint64_t end = base + len < base ? UINT64_MAX : base + len;
	base = (base + RK_PMM_PAGE - 1) & ~(uint64_t)(RK_PMM_PAGE - 1);
	end &= ~(uint64_t)(RK_PMM_PAGE - 1);
	add_pages(base, end);
}

/* The bit of the page at addr, or SIZE_MAX when no range holds it. */
static size_t bit_of(uint64_t addr)
{
	for (size_t i = 0; i < nranges; i++) {
		const struct range *r = &ranges[i];
		if (addr >= r->base &&
		    (addr - r->base) / RK_PMM_PAGE < r->npages)
			return r->bit0 +
			       (size_t)((addr - r->base) / RK_PMM_PAGE);
	}
	return SIZE_MAX;
}

void rk_pmm_reserve(uint64_t base, uint64_t len)
{
	if (len == 0)
		return;
	uint64_t end = base + len < base ? UINT64_MAX : base + len;
	uint64_t first = base & ~(uint64_t)(RK_PMM_PAGE - 1);
	bool managed = false;
	/* Only the pages a range holds: a reserved span can be far larger
	 * than RAM (a firmware's MMIO window in an EFI memory map), and
	 * walking it page by page would stall the boot. */
	for (size_t i = 0; i < nranges; i++) {
		const struct range *r = &ranges[i];
		uint64_t re = r->base + (uint64_t)r->npages * RK_PMM_PAGE;
		uint64_t lo = first > r->base ? first : r->base;
		uint64_t hi = end < re ? end : re;
		for (uint64_t a = lo; a < hi; a += RK_PMM_PAGE) {
			size_t b =
			    r->bit0 + (size_t)((a - r->base) / RK_PMM_PAGE);
			managed = true;
			if (bit_test(b)) {
				bit_clear(b);
				nfree--;
			}
		}
	}
	/* Only spans that took pages away need remembering. */
	if (managed && nreserved < MAX_RESERVED) {
		reserved[nreserved].base = first;
		reserved[nreserved].end = end;
		nreserved++;
	}
}

/* First run of n free bits in [b0, b0+nb), as an offset from b0. */
static size_t find_run(size_t b0, size_t nb, size_t n)
{
	size_t i = 0, run = 0;

	while (i < nb) {
		size_t b = b0 + i;
		if ((b & 63) == 0 && nb - i >= 64) {
			uint64_t w = bitmap[b >> 6];
			if (w == 0) {
				run = 0;
				i += 64;
				continue;
			}
			if (w == ~0ull) {
				run += 64;
				i += 64;
				if (run >= n)
					return i - run;
				continue;
			}
		}
		run = bit_test(b) ? run + 1 : 0;
		i++;
		if (run == n)
			return i - n;
	}
	return SIZE_MAX;
}

void *rk_pmm_alloc_pages(size_t n)
{
	if (n == 0 || n > nfree)
		return NULL;
	for (size_t i = 0; i < nranges; i++) {
		const struct range *r = &ranges[i];
		if (r->npages < n)
			continue;
		size_t off = find_run(r->bit0, r->npages, n);
		if (off == SIZE_MAX)
			continue;
		for (size_t b = r->bit0 + off; b < r->bit0 + off + n; b++)
			bit_clear(b);
		nfree -= n;
		uint64_t addr = r->base + (uint64_t)off * RK_PMM_PAGE;
		void *p = (void *)(uintptr_t)addr;
		rk_memset(p, 0, n * RK_PMM_PAGE);
		return p;
	}
	return NULL;
}

void rk_pmm_free_pages(void *p, size_t n)
{
	uint64_t addr = (uint64_t)(uintptr_t)p;

	if (addr & (RK_PMM_PAGE - 1))
		rk_panic("pmm: free of unaligned %p", p);
	for (size_t k = 0; k < n; k++) {
		uint64_t a = addr + (uint64_t)k * RK_PMM_PAGE;
		size_t b = bit_of(a);
		if (b == SIZE_MAX || bit_test(b) || is_reserved(a))
			rk_panic("pmm: free of %s page %p",
			         b == SIZE_MAX ? "unmanaged"
			         : bit_test(b) ? "free"
			                       : "reserved",
			         (void *)(uintptr_t)(addr + (uint64_t)k *
			                                        RK_PMM_PAGE));
		bit_set(b);
		nfree++;
	}
}

size_t rk_pmm_free_count(void)
{
	return nfree;
}

size_t rk_pmm_total_count(void)
{
	return bits_used;
}
