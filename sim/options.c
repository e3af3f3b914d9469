/*
 * options.c - rumpk-sim's options: one table says each option's name,
 * its value, its help and the function that reads it; the help text and
 * getopt's list are made from the table.  Then the checks between
 * options, in one place.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <rumpk/klib.h>
#include <rumpk/status.h>

#include "hostio.h"
#include "options.h"

/* A reader's verdict besides 0 (go on) and RK_EXIT_USAGE: stop, exit 0. */
#define OPT_DONE (-1)

struct sim_option {
	const char *name;  /* --name */
	const char *value; /* the value's name in the help; NULL: none */
	const char *help;  /* one paragraph, wrapped by print_help */
	bool gap;          /* a blank line before it in the help */
	int (*read)(struct sim_opts *o, const char *value);
};

int sim_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "rumpk-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rumpk-sim --help'.\n");
	return RK_EXIT_USAGE;
}

static int parse_number(const char *s, uint64_t *out)
{
	return rk_parse_u64(s, strlen(s), out);
}

/* ---- one reader per option ------------------------------------------- */

static int read_payload(struct sim_opts *o, const char *v)
{
	char err[200];
	size_t len = 0;

	if (o->nimages == RK_MAX_IMAGES)
		return sim_usage_error("too many --payload (at most 32): '%s'",
		                       v);
	uint8_t *data = hostio_read_file(v, &len, err, sizeof(err));
	if (!data) {
		fprintf(stderr, "rumpk-sim: --payload %s: %s\n", v, err);
		return RK_EXIT_USAGE;
	}
	const char *base = strrchr(v, '/');
	o->images[o->nimages++] =
	    (struct rk_boot_image){data, len, base ? base + 1 : v};
	return 0;
}

static int read_trust(struct sim_opts *o, const char *v)
{
	char err[200];

	if (o->nkeys == RK_MAX_KEYS)
		return sim_usage_error("too many --trust (at most 16): '%s'",
		                       v);
	if (hostio_read_key(v, HOSTIO_KEY_PUBLIC, o->keys[o->nkeys], NULL, NULL,
	                    err, sizeof(err)) != 0) {
		fprintf(stderr, "rumpk-sim: --trust %s: %s\n", v, err);
		return RK_EXIT_USAGE;
	}
	o->nkeys++;
	return 0;
}

static int read_trust_builtin(struct sim_opts *o, const char *v)
{
	(void)v;
	o->keep_builtin_keys = true;
	return 0;
}

static int read_max_body(struct sim_opts *o, const char *v)
{
	if (parse_number(v, &o->max_body) || o->max_body == 0)
		return sim_usage_error(
		    "--max-body: '%s' is not a positive number of bytes", v);
	return 0;
}

static int read_traffic(struct sim_opts *o, const char *v)
{
	o->traffic = v;
	return 0;
}

static int read_duration(struct sim_opts *o, const char *v)
{
	if (parse_number(v, &o->duration_ms) || !o->duration_ms ||
	    o->duration_ms > 3600000)
		return sim_usage_error("--duration-ms: '%s' is not a number "
		                       "of milliseconds from 1 to 3600000",
		                       v);
	return 0;
}

static int read_stats(struct sim_opts *o, const char *v)
{
	if (strcmp(v, "json"))
		return sim_usage_error("--stats: '%s': expected json", v);
	o->stats_json = true;
	return 0;
}

static int read_time(struct sim_opts *o, const char *v)
{
	if (!strcmp(v, "real"))
		o->time = SIM_TIME_REAL;
	else if (!strcmp(v, "sim"))
		o->time = SIM_TIME_SIM;
	else
		return sim_usage_error("--time: '%s': expected real or sim", v);
	o->time_set = true;
	return 0;
}

static int read_seed(struct sim_opts *o, const char *v)
{
	if (parse_number(v, &o->seed))
		return sim_usage_error("--seed: '%s' is not a number", v);
	return 0;
}

static int read_gov(struct sim_opts *o, const char *v)
{
	if (rk_gov_policy_parse(v, strlen(v), &o->gov.policy))
		return sim_usage_error(
		    "--gov: '%s': expected " RK_GOV_POLICY_CHOICES, v);
	return 0;
}

/* Checked here (the kernel would only say it on its console) and kept
 * as the kernel's word for it, gov.NAME=VALUE. */
static int read_gov_param(struct sim_opts *o, const char *v)
{
	size_t used = strlen(o->gov_words), room = sizeof(o->gov_words) - used;

	if (rk_gov_param_parse(&o->gov, v, strlen(v)))
		return sim_usage_error("--gov-param: '%s': expected "
		                       "NAME=NUMBER with NAME one of "
		                       "" RK_GOV_PARAM_NAMES,
		                       v);
	int n = snprintf(o->gov_words + used, room, " gov.%s", v);
	if (n < 0 || (size_t)n >= room) {
		o->gov_words[used] = '\0';
		return sim_usage_error("--gov-param: too many: '%s'", v);
	}
	return 0;
}

static int read_state(struct sim_opts *o, const char *v)
{
	o->state = v;
	return 0;
}

static int read_state_slow(struct sim_opts *o, const char *v)
{
	if (parse_number(v, &o->state_slow_us) || o->state_slow_us > 1000000)
		return sim_usage_error("--state-slow-us: '%s': expected "
		                       "microseconds from 0 to 1000000",
		                       v);
	return 0;
}

/* Words the kernel reads on its command line, as a boot loader passes
 * them (budget_ms=N, fault=..., run=parallel: kernel.h); the kernel
 * checks them and says what it refuses. */
static int read_append(struct sim_opts *o, const char *v)
{
	size_t used = strlen(o->append_words);
	size_t room = sizeof(o->append_words) - used;
	int n = snprintf(o->append_words + used, room, " %s", v);
	if (n < 0 || (size_t)n >= room) {
		o->append_words[used] = '\0';
		return sim_usage_error("--append: too many words: '%s'", v);
	}
	return 0;
}

static int read_viz(struct sim_opts *o, const char *v)
{
	(void)v;
	o->viz = o->viz_opts.window = true;
	return 0;
}

static int read_viz_snapshot(struct sim_opts *o, const char *v)
{
	o->viz = true;
	o->viz_opts.snapshot = v;
	return 0;
}

static int read_viz_after(struct sim_opts *o, const char *v)
{
	if (parse_number(v, &o->viz_opts.after_ms))
		return sim_usage_error(
		    "--viz-after-ms: '%s' is not a number of milliseconds", v);
	o->viz_opts.after_set = true;
	return 0;
}

static int read_viz_replay(struct sim_opts *o, const char *v)
{
	o->viz = true;
	o->viz_opts.replay = v;
	return 0;
}

static int read_viz_type(struct sim_opts *o, const char *v)
{
	o->viz_opts.type = v;
	return 0;
}

static void print_help(FILE *out);

static int read_help(struct sim_opts *o, const char *v)
{
	(void)o;
	(void)v;
	print_help(stdout);
	return OPT_DONE;
}

static int read_version(struct sim_opts *o, const char *v)
{
	(void)o;
	(void)v;
	printf("rumpk-sim %s\n", RK_VERSION);
	return OPT_DONE;
}

/* ---- the table ----------------------------------------------------- */

static const struct sim_option options[] = {
    {"payload", "FILE.npl", "load, verify and run this image (repeatable)",
     false, read_payload},
    {"trust", "FILE.pub",
     "trust this public key instead of the compiled-in keyring "
     "(repeatable: the keys given are the only ones trusted)",
     false, read_trust},
    {"trust-builtin", NULL, "with --trust: trust the compiled-in keys too",
     false, read_trust_builtin},
    {"max-body", "BYTES", "refuse bodies larger than this", false,
     read_max_body},
    {"state", "FILE",
     "the persistent store: security counters outlive the run in FILE "
     "(created blank when missing; docs/store.md)",
     false, read_state},
    {"state-slow-us", "N",
     "wait N microseconds after each block written to the store (for "
     "power-cut tests)",
     false, read_state_slow},
    {"append", "WORDS",
     "more words for the kernel's command line, as a boot loader passes "
     "them: budget_ms=N, fault=kill|stop|restart:N, "
     "run=sequential|parallel (repeatable)",
     false, read_append},
    {"traffic", "quiet|burst|flood|FILE",
     "drive the console UART with this traffic and receive it under the "
     "War/Peace governor (FILE: lines '<ms> <events per second>')",
     true, read_traffic},
    {"duration-ms", "N", "how long the traffic runs (default 1000)", false,
     read_duration},
    {"stats", "json", "print one JSON object with the counters at exit", false,
     read_stats},
    {"time", "real|sim", "real time, or deterministic simulated time", false,
     read_time},
    {"seed", "N", "the traffic generator's seed (default 1)", false, read_seed},
    {"gov", "adaptive|irq|poll", "the policy (default adaptive)", false,
     read_gov},
    {"gov-param", "NAME=VALUE",
     "a tunable of the governor, NAME one of " RK_GOV_PARAM_NAMES
     " (docs/governor.md)",
     false, read_gov_param},
    {"viz", NULL,
     "show the kernel in a window (SDL2; implies --time sim unless --time "
     "is given; docs/visualizer.md)",
     true, read_viz},
    {"viz-snapshot", "FILE.png",
     "write the view to FILE (PNG, or BMP for .bmp), headless", false,
     read_viz_snapshot},
    {"viz-after-ms", "N", "take the snapshot at N ms of kernel time", false,
     read_viz_after},
    {"viz-replay", "FILE",
     "show a native trace (./run.sh qemu ARCH --trace FILE) instead of "
     "running the kernel",
     false, read_viz_replay},
    {"viz-type", "TEXT",
     "type TEXT into the console UART at the start ('\\n' is Enter)", false,
     read_viz_type},
    {"help", NULL, "this text", true, read_help},
    {"version", NULL, "the version", false, read_version},
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* ---- help ------------------------------------------------------------ */

#define HELP_COLUMN 22 /* where the help paragraphs start */
#define HELP_WIDTH  76

/* "  --name VALUE", then the paragraph from HELP_COLUMN, wrapped at
 * word boundaries (on the next line when the name is too long). */
static void print_option(FILE *out, const struct sim_option *opt)
{
	int col = fprintf(out, "  --%s%s%s", opt->name, opt->value ? " " : "",
	                  opt->value ? opt->value : "");
	const char *w = opt->help;

	if (col >= HELP_COLUMN) {
		fputc('\n', out);
		col = 0;
	}
	while (*w) {
		size_t n = strcspn(w, " ");
		if (col > HELP_COLUMN && col + 1 + (int)n > HELP_WIDTH) {
			fputc('\n', out);
			col = 0;
		}
		if (col < HELP_COLUMN)
			col += fprintf(out, "%*s", HELP_COLUMN - col, "");
		else
			col += fprintf(out, " ");
		col += fprintf(out, "%.*s", (int)n, w);
		w += n;
		w += strspn(w, " ");
	}
	fputc('\n', out);
}

static void print_help(FILE *out)
{
	fprintf(out,
	        "usage: rumpk-sim [--trust FILE.pub]... [--trust-builtin]\n"
	        "                 [--payload FILE.npl]...\n"
	        "\n"
	        "Boots the Rumpk core on the Linux-hosted simulator.  With no\n"
	        "payload it runs the built-in demo; with payloads it runs "
	        "exactly\n"
	        "those, each verified against the trusted keys: the "
	        "compiled-in\n"
	        "keyring, or exactly the keys given with --trust.\n"
	        "\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		if (options[i].gap)
			fputc('\n', out);
		print_option(out, &options[i]);
	}
	fprintf(out, "\n"
	             "exit status: 0 all ran, 1 a payload was refused or "
	             "failed,\n"
	             "2 usage or I/O error, 100+ trap or panic\n");
}

/* ---- reading and checking -------------------------------------------- */

int sim_options_parse(int argc, char **argv, struct sim_opts *o)
{
	static struct option longopts[NOPTIONS + 1];
	int c, idx;

	*o = (struct sim_opts){.duration_ms = 1000, .seed = 1};
	o->gov = (struct rk_gov_config)RK_GOV_CONFIG_DEFAULT;
	for (size_t i = 0; i < NOPTIONS; i++)
		longopts[i] = (struct option){
		    options[i].name,
		    options[i].value ? required_argument : no_argument, NULL,
		    0};
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		if (c == 'h') { /* -h: as --help */
			print_help(stdout);
			return RK_EXIT_OK;
		}
		if (c != 0)
			return sim_usage_error(
			    "unknown or incomplete option '%s'",
			    argv[optind - 1]);
		int st = options[idx].read(o, optarg);
		if (st)
			return st == OPT_DONE ? RK_EXIT_OK : st;
	}
	o->stray = optind < argc ? argv[optind] : NULL;
	return -1;
}

int sim_options_check(const struct sim_opts *o)
{
	const struct viz_opts *v = &o->viz_opts;
	const char *why;

	if (o->keep_builtin_keys && !o->nkeys)
		return sim_usage_error("--trust-builtin keeps the compiled-in "
		                       "keys next to those given with --trust: "
		                       "no --trust given%s",
		                       "");
	if (o->stray)
		return sim_usage_error("unexpected argument '%s' (payloads go "
		                       "after --payload)",
		                       o->stray);
	if (v->type && (!o->viz || v->replay))
		return sim_usage_error("--viz-type types into a live --viz or "
		                       "--viz-snapshot run%s",
		                       "");
	if (v->after_set && !v->snapshot)
		return sim_usage_error("--viz-after-ms needs --viz-snapshot%s",
		                       "");
	if (v->replay && (o->traffic || o->nimages))
		return sim_usage_error("--viz-replay shows a recorded trace: "
		                       "drop --traffic and --payload%s",
		                       "");
#ifndef RK_VIZ
	if (o->viz) {
		fprintf(stderr,
		        "rumpk-sim: --viz, --viz-snapshot and "
		        "--viz-replay need SDL2: this rumpk-sim was built "
		        "without it (install libsdl2-dev, then meson setup "
		        "-Dviz=enabled)\n");
		return RK_EXIT_USAGE;
	}
#endif
	if (v->replay)
		return 0; /* a replay runs no kernel: the rest does not apply */
	if (rk_gov_check_config(&o->gov, &why))
		return sim_usage_error("governor: %s", why);
	if (o->stats_json && !o->traffic)
		return sim_usage_error("--stats json needs --traffic%s", "");
	if (o->state_slow_us && !o->state)
		return sim_usage_error("--state-slow-us needs --state%s", "");
	if (o->traffic && o->nimages)
		return sim_usage_error("--traffic runs no payload: drop "
		                       "--payload %s",
		                       o->images[0].name);
	return 0;
}
