/*
 * rollback.c - the security counters the kernel has accepted, per payload
 * name (docs/npl-format.md, "Rollback"): the loader refuses a v2 image
 * whose counter is below the highest one accepted for its name, and the
 * counter is raised as soon as an image has verified, before it runs.
 *
 * The table lives in kernel memory for the whole boot.  A payload cannot
 * reach it (user mode, its own address space), and a name is what the
 * signed header says, so one signer's image cannot lower another's floor
 * except through a name it signs.
 */
#include <rumpk/klib.h>
#include <rumpk/npl.h>

#include "core.h"

static struct {
	char name[RK_NPL_NAME_SIZE];
	uint64_t counter;
} table[RK_ROLLBACK_NAMES];
static unsigned used;

static int find(const char *name)
{
	for (unsigned i = 0; i < used; i++)
		if (rk_strncmp(table[i].name, name, RK_NPL_NAME_SIZE) == 0)
			return (int)i;
	return -1;
}

uint64_t rk_rollback_floor(const char *name, void *ctx)
{
	(void)ctx;
	int i = find(name);
	return i < 0 ? 0 : table[i].counter;
}

int rk_rollback_accept(const char *name, uint64_t counter)
{
	int i = find(name);
	if (i < 0) {
		if (used == RK_ROLLBACK_NAMES)
			return -1; /* full: refuse rather than forget */
		i = (int)used++;
		rk_strlcpy(table[i].name, name, RK_NPL_NAME_SIZE);
		table[i].counter = 0;
	}
	if (counter > table[i].counter)
		table[i].counter = counter;
	return 0;
}

void rk_rollback_reset(void)
{
	rk_memset(table, 0, sizeof(table));
	used = 0;
}
