/*
 * rollback.c - the security counters the kernel has accepted, per payload
 * name (docs/npl-format.md, "Rollback"): the loader refuses a v2 image
 * whose counter is below the highest one accepted for its name, and the
 * counter is raised as soon as an image has verified, before it runs.
 *
 * The counters are part of the kernel's state (struct rk_state, with the
 * keyring: trust.c), which this file keeps, on the
 * persistent store when the platform has one (store.c): a raise is
 * written there, durably, before the payload runs, and a raise that
 * cannot be written refuses the payload.  A store that fails its check at
 * boot refuses every payload (fail closed, docs/store.md).  Without a
 * store the counters last one boot.
 */
#include <rumpk/klib.h>
#include <rumpk/npl.h>

#include "core.h"

static struct rk_state state;
static bool persistent; /* a store holds the state */
static bool failed;     /* the store failed its check: nothing runs */
static char why[200];

static int find(const char *name)
{
	for (unsigned i = 0; i < state.ncounters; i++)
		if (rk_strncmp(state.counters[i].name, name,
		               RK_NPL_NAME_SIZE) == 0)
			return (int)i;
	return -1;
}

uint64_t rk_rollback_floor(const char *name, void *ctx)
{
	(void)ctx;
	int i = find(name);
	return i < 0 ? 0 : state.counters[i].value;
}

int rk_rollback_accept(const char *name, uint64_t counter)
{
	if (failed)
		return -1;
	int i = find(name);
	if (counter <= (i >= 0 ? state.counters[i].value : 0))
		return 0; /* nothing to raise, nothing to write */
	if (i < 0 && state.ncounters == RK_ROLLBACK_NAMES)
		return -1;           /* full: refuse rather than forget */
	static struct rk_state next; /* ~4 KiB: not on a fiber's stack */
	next = state;
	if (i < 0) {
		i = (int)next.ncounters++;
		rk_memset(next.counters[i].name, 0, RK_NPL_NAME_SIZE);
		rk_strlcpy(next.counters[i].name, name, RK_NPL_NAME_SIZE);
	}
	next.counters[i].value = counter;
	char what[80];
	rk_snprintf(what, sizeof(what), "'%s' security counter %llu", name,
	            (unsigned long long)counter);
	return rk_state_commit(&next, what);
}

const struct rk_state *rk_state_now(void)
{
	return &state;
}

int rk_state_commit(const struct rk_state *next_in, const char *what)
{
	static struct rk_state next; /* not on a fiber's stack */
	if (failed)
		return -1;
	next = *next_in;
	next.seq = state.seq;
	if (persistent) {
		rk_printf("[STORE] writing state %llu: %s\n",
		          (unsigned long long)next.seq + 1, what);
		if (rk_store_save(&next) != 0) {
			rk_printf("[STORE] the write failed: state %llu stays "
			          "(%s refused)\n",
			          (unsigned long long)state.seq, what);
			return -1;
		}
	}
	state = next;
	return 0;
}

int rk_rollback_boot(void)
{
	rk_memset(&state, 0, sizeof(state));
	failed = false;
	persistent = rk_store_present();
	if (!persistent) {
		rk_puts("[STORE] no persistent store: security counters last "
		        "this boot");
		return 0;
	}
	if (rk_store_load(&state, why, sizeof(why)) != 0) {
		failed = true;
		rk_memset(&state, 0, sizeof(state));
		rk_printf("[STORE] FAILED its check: %s; no payload will run "
		          "(docs/store.md: recovery)\n",
		          why);
		return -1;
	}
	if (state.seq == 0)
		rk_puts("[STORE] blank: a fresh state");
	else
		rk_printf("[STORE] state %llu from slot %d: %u payload "
		          "name(s)\n",
		          (unsigned long long)state.seq, rk_store_slot(),
		          state.ncounters);
	for (unsigned i = 0; i < state.ncounters; i++)
		rk_printf("[STORE] '%s' security counter %llu\n",
		          state.counters[i].name,
		          (unsigned long long)state.counters[i].value);
	return 0;
}

const char *rk_rollback_failed(void)
{
	return failed ? why : NULL;
}

void rk_rollback_reset(void)
{
	rk_memset(&state, 0, sizeof(state));
	persistent = failed = false;
}
