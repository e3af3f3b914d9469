/*
 * pmm.h - the physical page allocator every native kernel uses.
 *
 * Pages are RK_PMM_PAGE (4 KiB) and addressed physically; on all our
 * native kernels physical memory is identity mapped, so an address is also
 * a pointer.  Bounded and heap-free: one bitmap (a bit per page, 1 = free)
 * in .bss covering at most RK_PMM_MAX_BYTES in at most RK_PMM_MAX_RANGES
 * ranges, anywhere in the address space and in any order.
 *
 * Use at boot: rk_pmm_add_range() for every usable RAM range of the
 * boot loader's memory map, THEN rk_pmm_reserve() for everything in use
 * (the kernel image, boot-loader data, modules / initrd, DTB).  A reserve
 * before the add of its range is forgotten by that add.
 *
 * Not reentrant: call it from fibers or boot code, never from interrupt
 * handlers (the core's scheduler is cooperative, so fibers need no lock).
 */
#ifndef RUMPK_PMM_H
#define RUMPK_PMM_H

#include <stddef.h>
#include <stdint.h>

#define RK_PMM_PAGE 4096u
#ifndef RK_PMM_MAX_BYTES
#define RK_PMM_MAX_BYTES (4ull << 30) /* 4 GiB: a 128 KiB bitmap */
#endif
#define RK_PMM_MAX_RANGES 16

/* Whole pages inside [base, base+len) become free.  Pages beyond the
 * bitmap's capacity or the range count are ignored (see
 * rk_pmm_total_count). */
void rk_pmm_add_range(uint64_t base, uint64_t len);
/* Every page overlapping [base, base+len) becomes allocated (for good). */
void rk_pmm_reserve(uint64_t base, uint64_t len);
/* n physically contiguous pages, page aligned, ZEROED; NULL when no run
 * of n free pages exists inside one range (or n == 0).  Ranges are only
 * merged when added in ascending, adjacent order, as memory maps list
 * them. */
void *rk_pmm_alloc_pages(size_t n);
/* Gives back n pages from rk_pmm_alloc_pages (any sub-run of an
 * allocation may be freed separately).  Freeing a page that is free, not
 * managed, or reserved (the first 32 reserve spans are remembered)
 * panics. */
void rk_pmm_free_pages(void *p, size_t n);
/* Pages free now / managed in all (free + allocated + reserved). */
size_t rk_pmm_free_count(void);
size_t rk_pmm_total_count(void);

#endif
