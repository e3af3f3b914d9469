/*
 * main.c - a Rumpk payload: its entry point gets the kernel's API table.
 * The runtime (rumpk/rt.h) formats lines like printf; everything else
 * comes through `api` (rumpk/api.h, docs/payloads.md).
 */
#include <rumpk/api.h>
#include <rumpk/rt.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	if (api->abi_version < RK_API_VERSION)
		return -1;
	uint64_t t0 = api->now_ns();
	api->sleep_ns(1000000);
	rk_rt_printf(api,
	             "[mypayload] hello from payload %016llx, slept %llu us",
	             (unsigned long long)api->self_id(),
	             (unsigned long long)(api->now_ns() - t0) / 1000);
	return 0;
}
