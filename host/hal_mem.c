/*
 * hal_mem.c - memory for host programs (the simulator, the host tools).
 * Fiber stacks are mmap'd with a no-access guard page below them, so an
 * overflow faults at once (the simulator's trap.c names the fiber).
 * Payload memory is mapped read+write, then sealed read+exec with
 * mprotect: never writable and executable at once.
 */
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rumpk/hal.h>

#include "host_hal.h"

size_t host_page_size(void)
{
	static size_t page;
	if (!page)
		page = (size_t)sysconf(_SC_PAGESIZE);
	return page;
}

static size_t round_up(size_t n)
{
	size_t p = host_page_size();
	return (n + p - 1) & ~(p - 1);
}

void *hal_stack_alloc(size_t size)
{
	size_t guard = host_page_size(), len = round_up(size) + guard;
	uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
	                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	if (mprotect(m, guard, PROT_NONE) != 0) {
		munmap(m, len);
		return NULL;
	}
	return m + guard;
}

void hal_stack_free(void *stack, size_t size)
{
	size_t guard = host_page_size();
	if (!stack)
		return;
	/* Under ASan the redzones of the fiber's last frames would outlive
	 * the mapping and poison whatever is mapped here next (a payload's
	 * pages, which the simulator copies with pwrite); a no-op without
	 * ASan. */
	ASAN_UNPOISON_MEMORY_REGION(stack, round_up(size));
	munmap((uint8_t *)stack - guard, round_up(size) + guard);
}

void *hal_exec_alloc(size_t size)
{
	if (size == 0)
		return NULL;
	void *m = mmap(NULL, round_up(size), PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

int hal_exec_seal(void *p, size_t size)
{
	if (mprotect(p, round_up(size), PROT_READ | PROT_EXEC) != 0)
		return -1;
	/* x86 keeps instruction fetch coherent; other hosts need this. */
	__builtin___clear_cache((char *)p, (char *)p + size);
	return 0;
}

void hal_exec_free(void *p, size_t size)
{
	if (p)
		munmap(p, round_up(size));
}
