/*
 * sleeper - checks that sleeps are accurate: sleeps 10, 50 and 100 ms
 * (three times each) through api->sleep_ns, measures each with
 * api->now_ns and prints how late it woke.  A sleep that returns early,
 * or more than LATE_MAX_NS late, fails the payload (-1 early, -2 late).
 *
 * The kernel is tickless (a one-shot timer per deadline), so "one tick"
 * is the timer's own resolution (nanoseconds to 100 ns on the three
 * arches); the allowance is the 5 ms for getting back on the CPU.
 */
#include <rumpk/api.h>

#define MS          1000000ull
#define LATE_MAX_NS (5 * MS)
#define ROUNDS      3

/* Appends s at *p (no terminator). */
static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_u64(char *p, uint64_t v)
{
	char d[20];
	int n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = d[--n];
	return p;
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	const uint64_t want[3] = {10 * MS, 50 * MS, 100 * MS};
	uint64_t worst = 0;
	int64_t result = 0;
	char line[96];

	if (api->abi_version != RK_API_VERSION ||
	    api->size < sizeof(struct rk_api))
		return -1;
	/* Not judged: under QEMU's TCG the first sleep also pays for
	 * translating the timer interrupt path (about 2 ms on x86_64 and
	 * aarch64), which is the emulator's cost, not the kernel's. */
	api->sleep_ns(1 * MS);
	for (unsigned i = 0; i < 3; i++) {
		for (unsigned r = 0; r < ROUNDS; r++) {
			uint64_t t0 = api->now_ns();
			api->sleep_ns(want[i]);
			uint64_t took = api->now_ns() - t0;
			char *p = put_str(line, "[sleeper] ");
			p = put_u64(p, want[i] / MS);
			p = put_str(p, " ms: ");
			if (took < want[i]) {
				p = put_str(p, "EARLY by ");
				p = put_u64(p, (want[i] - took) / 1000);
				p = put_str(p, " us");
				result = -1;
			} else {
				uint64_t late = took - want[i];
				if (late > worst)
					worst = late;
				p = put_str(p, "late ");
				p = put_u64(p, late / 1000);
				p = put_str(p, ".");
				p = put_u64(p, late % 1000 / 100);
				p = put_str(p, " us");
				if (late > LATE_MAX_NS) {
					p = put_str(p, " TOO LATE");
					if (result == 0)
						result = -2;
				}
			}
			*p = '\0';
			api->puts(line);
		}
	}
	char *p = put_str(line, "[sleeper] worst lateness ");
	p = put_u64(p, worst / 1000);
	p = put_str(p, " us (limit ");
	p = put_u64(p, LATE_MAX_NS / 1000);
	p = put_str(p, result == 0 ? " us): ok" : " us): FAILED");
	*p = '\0';
	api->puts(line);
	return result;
}
