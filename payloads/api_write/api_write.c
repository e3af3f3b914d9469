/*
 * api_write - a signed payload that attacks the kernel: it overwrites the
 * API table it was given (puts, which every later payload calls), as a
 * review did to make the next payload's output vanish.  The table is
 * const and must be mapped read-only, so the write must trap: the kernel
 * reports it and exits with 100, and "came back" never prints.
 */
#include <rumpk/api.h>

static void quiet(const char *s)
{
	(void)s;
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[api_write] about to overwrite the API table's puts");
	/* Through volatile: the compiler may not drop or reorder it. */
	void (*volatile * slot)(const char *) =
	    (void (*volatile *)(const char *))(uintptr_t)&api->puts;
	*slot = quiet;
	api->puts("[api_write] came back: the API table is writable");
	return 1;
}
