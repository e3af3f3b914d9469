/*
 * mem.c - the HAL's memory functions for every native kernel, over the
 * page allocator (pmm.c) and two port primitives (port.h): set a page
 * range's access, sync the instruction cache.
 *
 * One error policy: an allocation whose pages cannot be given the
 * access it needs fails and frees them (NULL / -1); putting pages back to
 * RW before they return to the allocator cannot be allowed to fail, since
 * a page left RX or unmapped would be handed out again: that panics.
 * Pages leave the allocator RW and never executable, and return to it so,
 * so hal_exec_alloc needs no remap.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "pmm.h"
#include "port.h"

#define PAGE RK_PMM_PAGE

static size_t pages(size_t size)
{
	return (size + PAGE - 1) / PAGE;
}

/* A stack, with one unmapped page below it: an overflow faults there at
 * once (the trap handlers name the fiber: rk_fiber_by_guard). */
void *hal_stack_alloc(size_t size)
{
	size_t n = pages(size);
	if (n == 0)
		return NULL;
	uint8_t *m = rk_pmm_alloc_pages(n + 1);
	if (!m)
		return NULL;
	if (rk_arch_protect((uintptr_t)m, PAGE, RK_PROT_NONE) != 0) {
		if (rk_arch_protect((uintptr_t)m, PAGE, RK_PROT_RW) != 0)
			rk_panic("mem: stack guard at %p stuck unmapped", m);
		rk_pmm_free_pages(m, n + 1);
		return NULL;
	}
	return m + PAGE;
}

void hal_stack_free(void *stack, size_t size)
{
	if (!stack)
		return;
	uint8_t *m = (uint8_t *)stack - PAGE;
	if (rk_arch_protect((uintptr_t)m, PAGE, RK_PROT_RW) != 0)
		rk_panic("mem: stack guard at %p cannot be remapped", m);
	rk_pmm_free_pages(m, pages(size) + 1);
}

void *hal_exec_alloc(size_t size)
{
	size_t n = pages(size);
	return n ? rk_pmm_alloc_pages(n) : NULL; /* RW, never X */
}

int hal_exec_seal(void *p, size_t size)
{
	uintptr_t a = (uintptr_t)p;
	if (!p || !size || (a & (PAGE - 1)))
		return -1;
	if (rk_arch_protect(a, pages(size) * PAGE, RK_PROT_RX) != 0)
		return -1; /* the caller frees it: hal_exec_free mends it */
	rk_arch_icache_sync(p, size);
	return 0;
}

void hal_exec_free(void *p, size_t size)
{
	if (!p)
		return;
	/* Writable again before the pmm zeroes it for the next user. */
	if (rk_arch_protect((uintptr_t)p, pages(size) * PAGE, RK_PROT_RW) != 0)
		rk_panic("mem: payload memory at %p cannot be remapped", p);
	rk_pmm_free_pages(p, pages(size));
}
