/*
 * traffic.c - traffic profiles for the simulated UART (--traffic).
 *
 *   quiet  100 events/s
 *   burst  every 200 ms: 20 ms at 500,000 events/s, then 100 events/s
 *   flood  1,000,000 events/s
 *   FILE   lines "<ms> <events per second>": from that millisecond on,
 *          that rate ('#' starts a comment; times must increase)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static void step(struct sim_profile *p, uint64_t ms, uint64_t rate)
{
	p->steps[p->nsteps].from_ms = ms;
	p->steps[p->nsteps].rate = rate;
	p->nsteps++;
}

int sim_profile_load(const char *spec, struct sim_profile *p, char *err,
                     size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!strcmp(spec, "quiet")) {
		step(p, 0, 100);
		return 0;
	}
	if (!strcmp(spec, "burst")) {
		step(p, 0, 500000);
		step(p, 20, 100);
		p->period_ms = 200;
		return 0;
	}
	if (!strcmp(spec, "flood")) {
		step(p, 0, 1000000);
		return 0;
	}
	FILE *f = fopen(spec, "r");
	if (!f) {
		snprintf(err, errlen,
		         "'%s' is not quiet, burst or flood, and "
		         "cannot be read as a file: %s",
		         spec, strerror(errno));
		return -1;
	}
	char line[256];
	unsigned lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\n' || *s == '\0')
			continue;
		unsigned long long ms, rate;
		char extra;
		if (sscanf(s, "%llu %llu %c", &ms, &rate, &extra) != 2) {
			snprintf(err, errlen,
			         "%s:%u: expected '<ms> <events per "
			         "second>', found '%.40s'",
			         spec, lineno, s);
			fclose(f);
			return -1;
		}
		if (p->nsteps && ms <= p->steps[p->nsteps - 1].from_ms) {
			snprintf(err, errlen,
			         "%s:%u: time %llu ms does not "
			         "increase",
			         spec, lineno, ms);
			fclose(f);
			return -1;
		}
		if (rate > 100000000ull) {
			snprintf(err, errlen,
			         "%s:%u: rate %llu: expected at most "
			         "100000000 events/s",
			         spec, lineno, rate);
			fclose(f);
			return -1;
		}
		if (p->nsteps == SIM_PROFILE_STEPS) {
			snprintf(err, errlen, "%s:%u: more than %u steps", spec,
			         lineno, SIM_PROFILE_STEPS);
			fclose(f);
			return -1;
		}
		step(p, ms, rate);
	}
	fclose(f);
	if (!p->nsteps) {
		snprintf(err, errlen, "%s: no '<ms> <events per second>' line",
		         spec);
		return -1;
	}
	return 0;
}
