/*
 * exec_api - a signed payload that jumps into data: the API table page
 * it was given, mapped read-only and never executable.  It must trap.
 */
#include <rumpk/api.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[exec_api] about to jump into the API table");
	int64_t (*fn)(void) = (int64_t(*)(void))(uintptr_t)api;
	int64_t r = fn();
	api->puts("[exec_api] came back: data is executable");
	return r;
}
