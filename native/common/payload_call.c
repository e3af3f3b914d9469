/*
 * payload_call.c - hal_payload_call for arches whose first argument
 * register is also the result register (aarch64 x0, riscv64 a0; the
 * simulator on such a host too).
 *
 * A payload that returns without setting a value (the seed's single `ret`)
 * hands back what the register held at entry: the API table's address,
 * which the core reports as "no value".  x86_64 needs an assembly version
 * (native/x86_64/payload_call.S) to give rax the same value.
 */
#include <rumpk/hal.h>

int64_t hal_payload_call(rk_payload_entry_t entry, const struct rk_api *api)
{
	return entry(api);
}
