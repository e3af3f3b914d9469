/*
 * options.h - rumpk-sim's command line: what the options say, read from
 * one table of options (options.c) and checked against each other.
 */
#ifndef RUMPK_SIM_OPTIONS_H
#define RUMPK_SIM_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/governor.h>
#include <rumpk/kernel.h>

#include "sim.h"
#include "viz/viz.h"

struct sim_opts {
	/* What the boot gets (kernel.h). */
	struct rk_boot_image images[RK_MAX_IMAGES]; /* --payload, read */
	size_t nimages;
	uint8_t keys[RK_MAX_KEYS][32]; /* --trust, read */
	size_t nkeys;
	bool keep_builtin_keys; /* --trust-builtin */
	uint64_t max_body;      /* --max-body, 0: the loader's limit */
	const char *state;      /* --state FILE: the persistent store */
	uint64_t state_slow_us; /* --state-slow-us */
	/* The receive run under the governor. */
	const char *traffic;      /* --traffic: a profile name or file */
	uint64_t duration_ms;     /* --duration-ms */
	uint64_t seed;            /* --seed */
	bool stats_json;          /* --stats json */
	struct rk_gov_config gov; /* --gov, --gov-param, checked */
	/* The --gov-param words as the kernel's command line says them,
	 * in the order given (" gov.NAME=VALUE" each). */
	char gov_words[1024];
	/* --append: more words for the kernel's command line (kernel.h),
	 * " WORD" each, in the order given. */
	char append_words[512];
	/* Time. */
	enum sim_time_mode time; /* --time, when time_set */
	bool time_set;
	/* The visualizer (docs/visualizer.md). */
	bool viz; /* any --viz* that shows the kernel */
	struct viz_opts viz_opts;
	/* The first argument that is no option (an error), or NULL. */
	const char *stray;
};

/* Reads argv into o (defaults first).  -1 to go on and run, or the exit
 * status to end with now: 0 after --help or --version, 2 on a usage or
 * I/O error (said on stderr). */
int sim_options_parse(int argc, char **argv, struct sim_opts *o);

/* The rules between options (--trust-builtin needs --trust, --stats json
 * needs --traffic, ...) and the governor's config: 0, or 2 with the
 * reason on stderr. */
int sim_options_check(const struct sim_opts *o);

/* Prints "rumpk-sim: " fmt (with arg) and the hint to --help on stderr;
 * returns 2 (usage). */
int sim_usage_error(const char *fmt, const char *arg);

#endif
