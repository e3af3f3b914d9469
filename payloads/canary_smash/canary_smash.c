/*
 * canary_smash - breaks the stack canary at the low end of its own fiber
 * stack without touching the guard page below it, then sleeps (a switch
 * away from this fiber).  The core must find the broken canary at that
 * switch: "[PANIC] stack overflow in fiber ..." and status 102.  This is
 * the canary test for every platform, native kernels included (tests in
 * tests/meson.build and native/tests/meson.build).
 *
 * The canary is CANARY_WORDS (8) words of CANARY_VALUE at the lowest
 * address of every fiber stack (src/sched.c); a test payload may know
 * that.  The scan goes down from below the current frame; the stack's
 * unused part may hold stale copies of the pattern (native stacks are not
 * zeroed), so each block found is broken in turn, lowest last, with a
 * sleep after each: the real canary is the lowest block, directly above
 * the guard page, and the scan never reads below a block it found.
 */
#include <rumpk/api.h>

#define CANARY_VALUE 0x5a17c0defacade55ull /* src/sched.c */
#define CANARY_WORDS 8

static __attribute__((noinline)) int smash(const struct rk_api *api)
{
	volatile uint64_t here = 0;
	volatile uint64_t *p = &here;
	int blocks = 0;
	for (;;) {
		p--;
		if (*p != CANARY_VALUE)
			continue;
		/* p is the top word of a block when the 7 below match too;
		 * reading them stays inside the block. */
		int n = 1;
		while (n < CANARY_WORDS && p[-n] == CANARY_VALUE)
			n++;
		if (n < CANARY_WORDS)
			continue;
		p[-(CANARY_WORDS - 1) + 3] ^= 1; /* one bit of word 3 */
		blocks++;
		api->sleep_ns(1000000); /* switch away: the check runs */
		/* Back: that was a stale copy; go on below it. */
		p -= CANARY_WORDS - 1;
		if (blocks > 64)
			return blocks;
	}
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[canary_smash] breaking the canary at the low end of my "
	          "stack");
	int blocks = smash(api);
	(void)blocks;
	api->puts("[canary_smash] came back: the broken canary went unnoticed");
	return 0;
}
