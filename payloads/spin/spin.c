/*
 * spin - a signed payload that never yields, sleeps or makes a system
 * call: it only computes, forever.  In user mode the timer takes the CPU
 * back at the end of every time slice, and the payload's CPU budget
 * (budget_ms= on the command line, 10 s by default) ends it like a
 * fault, so the images after it still run.
 */
#include <rumpk/api.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint64_t n = 0;
	api->puts("[spin] about to spin without ever yielding");
	for (;;)
		n++;
}
