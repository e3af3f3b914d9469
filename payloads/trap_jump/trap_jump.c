/*
 * trap_jump - jumps to an address nothing maps.  The kernel must report
 * the fault and exit with a status of 100 or more.  The address is built
 * at run time so the body needs no relocation.
 */
#include <rumpk/api.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint64_t where = 0xdead0000ull << 12; /* far from any RAM */
	api->puts("[trap_jump] about to jump to an unmapped address");
	int64_t (*fn)(void) = (int64_t(*)(void))(uintptr_t)where;
	return fn();
}
