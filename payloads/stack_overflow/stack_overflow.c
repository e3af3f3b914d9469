/*
 * stack_overflow - recurses until it runs off the end of its fiber stack.
 * The kernel must stop it with "[PANIC] stack overflow in fiber ..." and
 * status 102: the guard page below every fiber stack faults (simulator and
 * native kernels), or the canary at the stack's low end is found broken at
 * the next switch.
 */
#include <rumpk/api.h>

/* Each frame holds a 512-byte volatile buffer that is read after the
 * recursive call returns, so the call is not a tail call and the compiler
 * can neither drop the frames nor turn the recursion into a loop.  The
 * bound (far more than any fiber stack holds) keeps the recursion finite
 * as far as the compiler can tell. */
static __attribute__((noinline)) uint64_t dive(uint64_t n)
{
	volatile uint8_t frame[512];
	frame[0] = (uint8_t)n;
	frame[sizeof(frame) - 1] = (uint8_t)(n >> 8);
	if (n >= (1ull << 40))
		return n;
	uint64_t r = dive(n + 1);
	return r + frame[0] + frame[sizeof(frame) - 1];
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts(
	    "[stack_overflow] about to recurse past the end of the stack");
	uint64_t r = dive(0);
	api->puts("[stack_overflow] came back: the stack did not overflow");
	return (int64_t)(r & 1);
}
