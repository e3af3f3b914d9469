/*
 * store_none.c - weak stand-ins for hal.h's persistent store, for a
 * machine the kernel has no store driver for: no blocks, so the core
 * keeps its security counters for one boot (docs/store.md).  A port
 * with a store defines these, and its definitions win at link time.
 */
#include <rumpk/hal.h>

#define WEAK __attribute__((weak))

WEAK uint64_t hal_store_blocks(void)
{
	return 0;
}

WEAK int hal_store_read(uint64_t block, void *buf, size_t nblocks)
{
	(void)block, (void)buf, (void)nblocks;
	return -1;
}

WEAK int hal_store_write(uint64_t block, const void *buf, size_t nblocks)
{
	(void)block, (void)buf, (void)nblocks;
	return -1;
}
