/*
 * main.c - rumpk-sim, the Linux-hosted simulator: parses the command line,
 * reads payloads and keys, and boots rk_kmain on the simulator's HAL.
 * Exit status: 0 every payload ran, 1 one was refused or failed, 2 usage,
 * 100 and above a trap or panic (docs/exit-status.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rumpk/governor.h>
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/serial_rx.h>
#include <rumpk/status.h>

#include "host_hal.h"
#include "hostio.h"
#include "json.h"
#include "sim.h"
#ifdef RK_VIZ
#include "viz/viz.h"
#endif

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: rumpk-sim [--trust FILE.pub]... [--trust-builtin]\n"
	    "                 [--payload FILE.npl]...\n"
	    "\n"
	    "Boots the Rumpk core on the Linux-hosted simulator.  With no\n"
	    "payload it runs the built-in demo; with payloads it runs exactly\n"
	    "those, each verified against the trusted keys: the compiled-in\n"
	    "keyring, or exactly the keys given with --trust.\n"
	    "\n"
	    "  --payload FILE.npl  load, verify and run this image "
	    "(repeatable)\n"
	    "  --trust FILE.pub    trust this public key instead of the\n"
	    "                      compiled-in keyring (repeatable: the keys\n"
	    "                      given are the only ones trusted)\n"
	    "  --trust-builtin     with --trust: trust the compiled-in keys "
	    "too\n"
	    "  --max-body BYTES    refuse bodies larger than this\n"
	    "\n"
	    "  --traffic quiet|burst|flood|FILE\n"
	    "                      drive the console UART with this traffic "
	    "and\n"
	    "                      receive it under the War/Peace governor\n"
	    "                      (FILE: lines '<ms> <events per second>')\n"
	    "  --duration-ms N     how long the traffic runs (default 1000)\n"
	    "  --stats json        print one JSON object with the counters at "
	    "exit\n"
	    "  --time real|sim     real time, or deterministic simulated time\n"
	    "  --seed N            the traffic generator's seed (default 1)\n"
	    "  --gov adaptive|irq|poll   the policy (default adaptive)\n"
	    "  --gov-param NAME=VALUE    window_ms war_rate peace_rate "
	    "dwell_ms\n"
	    "                      empty_polls budget poll_us\n"
	    "  --viz               show the kernel in a window (SDL2; implies\n"
	    "                      --time sim unless --time is given;\n"
	    "                      docs/visualizer.md)\n"
	    "  --viz-snapshot FILE.bmp  write the view to FILE.bmp, headless\n"
	    "  --viz-after-ms N    take the snapshot at N ms of kernel time\n"
	    "  --viz-replay FILE   show a native trace (./run.sh qemu ARCH\n"
	    "                      --trace FILE) instead of running the "
	    "kernel\n"
	    "  --viz-type TEXT     type TEXT into the console UART at the "
	    "start\n"
	    "                      ('\\n' is Enter)\n"
	    "  --help              this text\n"
	    "  --version           the version\n"
	    "\n"
	    "exit status: 0 all ran, 1 a payload was refused or failed,\n"
	    "2 usage or I/O error, 100+ trap or panic\n");
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "rumpk-sim: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'rumpk-sim --help'.\n");
	return RK_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || errno)
		return -1;
	*out = v;
	return 0;
}

/* Appends a word to the command line rumpk-sim passes the kernel (the
 * options that say how it runs go the way a boot loader's would,
 * kernel.h): 0, or -1 when it does not fit. */
static int cmdline_add(char *buf, size_t size, const char *fmt, const char *arg)
{
	size_t used = strlen(buf);
	int n = snprintf(buf + used, size - used, fmt, arg);
	if (n < 0 || (size_t)n >= size - used) {
		buf[used] = '\0';
		return -1;
	}
	return 0;
}

static void print_stats_json(const char *traffic, uint64_t seed,
                             const struct rk_gov_config *g,
                             uint64_t duration_ms,
                             const struct rk_serial_report *r)
{
	uint64_t gen = sim_uart_generated();
	/* Throughput: what the governor handled while the traffic ran (the
	 * final drain after the deadline is not counted). */
	double secs = (double)duration_ms / 1e3;
	host_console_flush();
	printf("{\"traffic\":");
	host_json_string(stdout, traffic); /* a path may hold anything */
	printf(",\"time\":\"%s\",\"seed\":%llu,\"policy\":\"%s\","
	       "\"duration_ms\":%llu,\"generated\":%llu,\"delivered\":%llu,"
	       "\"lost\":%lld,\"irqs\":%llu,\"polls\":%llu,"
	       "\"empty_polls\":%llu,\"events\":%llu,\"war_entries\":%llu,"
	       "\"peace_entries\":%llu,\"ns_peace\":%llu,\"ns_war\":%llu,"
	       "\"elapsed_ns\":%llu,\"events_per_s\":%.0f}\n",
	       sim_time_mode() == SIM_TIME_SIM ? "sim" : "real",
	       (unsigned long long)seed, rk_gov_policy_name(g->policy),
	       (unsigned long long)duration_ms, (unsigned long long)gen,
	       (unsigned long long)r->rx_bytes,
	       (long long)gen - (long long)r->rx_bytes,
	       (unsigned long long)r->gov.irqs,
	       (unsigned long long)r->gov.polls,
	       (unsigned long long)r->gov.empty_polls,
	       (unsigned long long)r->gov.events,
	       (unsigned long long)r->gov.war_entries,
	       (unsigned long long)r->gov.peace_entries,
	       (unsigned long long)r->gov.ns_peace,
	       (unsigned long long)r->gov.ns_war,
	       (unsigned long long)r->elapsed_ns, (double)r->gov.events / secs);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	static struct rk_boot_image images[RK_MAX_IMAGES];
	static uint8_t keys[RK_MAX_KEYS][32];
	struct rk_boot boot = {.platform = "sim"};
	size_t nimages = 0, nkeys = 0;
	char err[200];

	enum {
		OPT_MAXBODY = 256,
		OPT_TRAFFIC,
		OPT_DURATION,
		OPT_STATS,
		OPT_TIME,
		OPT_SEED,
		OPT_GOV,
		OPT_GOVPARAM,
		OPT_VIZ,
		OPT_VIZ_SNAPSHOT,
		OPT_VIZ_AFTER,
		OPT_VIZ_REPLAY,
		OPT_VIZ_TYPE,
		OPT_TRUST_BUILTIN,
	};
	/* --viz*: docs/visualizer.md */
	bool viz = false, viz_window = false, viz_after_set = false,
	     time_set = false;
	const char *viz_snapshot = NULL, *viz_replay_file = NULL,
	           *viz_type = NULL;
	uint64_t viz_after_ms = 0;
	const char *traffic = NULL;
	uint64_t duration_ms = 1000, seed = 1;
	bool stats_json = false;
	struct rk_gov_config gov = RK_GOV_CONFIG_DEFAULT;
	static char gov_words[1024], cmdline[1200];
	static const struct option opts[] = {
	    {"payload", required_argument, NULL, 'p'},
	    {"trust", required_argument, NULL, 't'},
	    {"trust-builtin", no_argument, NULL, OPT_TRUST_BUILTIN},
	    {"max-body", required_argument, NULL, OPT_MAXBODY},
	    {"traffic", required_argument, NULL, OPT_TRAFFIC},
	    {"duration-ms", required_argument, NULL, OPT_DURATION},
	    {"stats", required_argument, NULL, OPT_STATS},
	    {"time", required_argument, NULL, OPT_TIME},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"gov", required_argument, NULL, OPT_GOV},
	    {"gov-param", required_argument, NULL, OPT_GOVPARAM},
	    {"viz", no_argument, NULL, OPT_VIZ},
	    {"viz-snapshot", required_argument, NULL, OPT_VIZ_SNAPSHOT},
	    {"viz-after-ms", required_argument, NULL, OPT_VIZ_AFTER},
	    {"viz-replay", required_argument, NULL, OPT_VIZ_REPLAY},
	    {"viz-type", required_argument, NULL, OPT_VIZ_TYPE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			if (nimages == RK_MAX_IMAGES)
				return usage_error(
				    "too many --payload (at most "
				    "32): '%s'",
				    optarg);
			size_t len = 0;
			uint8_t *data =
			    hostio_read_file(optarg, &len, err, sizeof(err));
			if (!data) {
				fprintf(stderr, "rumpk-sim: --payload %s: %s\n",
				        optarg, err);
				return RK_EXIT_USAGE;
			}
			const char *base = strrchr(optarg, '/');
			images[nimages++] = (struct rk_boot_image){
			    data, len, base ? base + 1 : optarg};
			break;
		}
		case 't':
			if (nkeys == RK_MAX_KEYS)
				return usage_error("too many --trust (at most "
				                   "16): '%s'",
				                   optarg);
			if (hostio_read_key(optarg, keys[nkeys], err,
			                    sizeof(err)) != 0) {
				fprintf(stderr, "rumpk-sim: --trust %s: %s\n",
				        optarg, err);
				return RK_EXIT_USAGE;
			}
			nkeys++;
			break;
		case OPT_TRUST_BUILTIN:
			boot.keep_builtin_keys = true;
			break;
		case OPT_MAXBODY: {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || v == 0)
				return usage_error("--max-body: '%s' is not a "
				                   "positive number of bytes",
				                   optarg);
			boot.max_body = v;
			break;
		}
		case OPT_TRAFFIC:
			traffic = optarg;
			break;
		case OPT_DURATION:
			if (parse_u64(optarg, &duration_ms) || !duration_ms ||
			    duration_ms > 3600000)
				return usage_error(
				    "--duration-ms: '%s' is not a "
				    "number of milliseconds from 1 "
				    "to 3600000",
				    optarg);
			break;
		case OPT_STATS:
			if (strcmp(optarg, "json"))
				return usage_error(
				    "--stats: '%s': expected json", optarg);
			stats_json = true;
			break;
		case OPT_TIME:
			time_set = true;
			if (!strcmp(optarg, "real"))
				sim_time_set_mode(SIM_TIME_REAL);
			else if (!strcmp(optarg, "sim"))
				sim_time_set_mode(SIM_TIME_SIM);
			else
				return usage_error(
				    "--time: '%s': expected real "
				    "or sim",
				    optarg);
			break;
		case OPT_SEED:
			if (parse_u64(optarg, &seed))
				return usage_error(
				    "--seed: '%s' is not a number", optarg);
			break;
		case OPT_GOV:
			if (rk_gov_policy_parse(optarg, strlen(optarg),
			                        &gov.policy))
				return usage_error(
				    "--gov: '%s': "
				    "expected " RK_GOV_POLICY_CHOICES,
				    optarg);
			break;
		case OPT_GOVPARAM:
			if (rk_gov_param_parse(&gov, optarg, strlen(optarg)) ||
			    cmdline_add(gov_words, sizeof(gov_words), " gov.%s",
			                optarg))
				return usage_error(
				    "--gov-param: '%s': expected "
				    "NAME=NUMBER with NAME one "
				    "of " RK_GOV_PARAM_NAMES,
				    optarg);
			break;
		case OPT_VIZ:
			viz = viz_window = true;
			break;
		case OPT_VIZ_SNAPSHOT:
			viz = true;
			viz_snapshot = optarg;
			break;
		case OPT_VIZ_AFTER:
			if (parse_u64(optarg, &viz_after_ms))
				return usage_error(
				    "--viz-after-ms: '%s' is not a "
				    "number of milliseconds",
				    optarg);
			viz_after_set = true;
			break;
		case OPT_VIZ_REPLAY:
			viz = true;
			viz_replay_file = optarg;
			break;
		case OPT_VIZ_TYPE:
			viz_type = optarg;
			break;
		case 'h':
			usage(stdout);
			return RK_EXIT_OK;
		case 'V':
			printf("rumpk-sim %s\n", RK_VERSION);
			return RK_EXIT_OK;
		default:
			return usage_error("unknown or incomplete option '%s'",
			                   argv[optind - 1]);
		}
	}
	if (boot.keep_builtin_keys && !nkeys)
		return usage_error("--trust-builtin keeps the compiled-in keys "
		                   "next to those given with --trust: no "
		                   "--trust given%s",
		                   "");
	if (optind < argc)
		return usage_error("unexpected argument '%s' (payloads go "
		                   "after --payload)",
		                   argv[optind]);

	if (viz_type && (!viz || viz_replay_file))
		return usage_error("--viz-type types into a live --viz or "
		                   "--viz-snapshot run%s",
		                   "");
	if (viz_after_set && !viz_snapshot)
		return usage_error("--viz-after-ms needs --viz-snapshot%s", "");
	if (viz_replay_file && (traffic || nimages))
		return usage_error("--viz-replay shows a recorded trace: drop "
		                   "--traffic and --payload%s",
		                   "");
#ifdef RK_VIZ
	struct viz_opts vo = {viz_window,    viz_snapshot,    viz_after_ms,
	                      viz_after_set, viz_replay_file, viz_type};
	if (viz_replay_file) {
		/* A window unless only a snapshot is asked for. */
		vo.window = viz_window || !viz_snapshot;
		return viz_replay(&vo);
	}
	if (viz && viz_window && !time_set)
		sim_time_set_mode(SIM_TIME_SIM); /* pause and speed need it */
#else
	(void)viz_window;
	(void)viz_after_ms;
	(void)time_set;
	if (viz) {
		fprintf(stderr,
		        "rumpk-sim: --viz, --viz-snapshot and "
		        "--viz-replay need SDL2: this rumpk-sim was built "
		        "without it (install libsdl2-dev, then meson setup "
		        "-Dviz=enabled)\n");
		return RK_EXIT_USAGE;
	}
#endif

	const char *why;
	if (rk_gov_check_config(&gov, &why))
		return usage_error("governor: %s", why);
	if (stats_json && !traffic)
		return usage_error("--stats json needs --traffic%s", "");
	if (traffic) {
		struct sim_profile prof;
		if (nimages)
			return usage_error("--traffic runs no payload: drop "
			                   "--payload %s",
			                   images[0].name);
		if (sim_profile_load(traffic, &prof, err, sizeof(err))) {
			fprintf(stderr, "rumpk-sim: --traffic %s\n", err);
			return RK_EXIT_USAGE;
		}
		prof.end_ns = hal_now_ns() + duration_ms * 1000000ull;
		sim_uart_set_profile(&prof, seed);
		snprintf(cmdline, sizeof(cmdline), "serial-rx=%llu gov=%s%s",
		         (unsigned long long)duration_ms,
		         rk_gov_policy_name(gov.policy), gov_words);
		boot.cmdline = cmdline;
	}

	boot.has_payloads = nimages > 0;
	boot.images = images;
	boot.nimages = nimages;
	boot.keys = (const uint8_t(*)[32])keys;
	boot.nkeys = nkeys;
	sim_trap_init();
	sim_uart_init();
#ifdef RK_VIZ
	if (viz) {
		int vs = viz_live_start(&vo);
		if (vs)
			return vs;
	}
#endif
	int status = rk_kmain(&boot);
#ifdef RK_VIZ
	if (viz && viz_live_finish(status) && status == RK_EXIT_OK)
		status = RK_EXIT_USAGE; /* the snapshot could not be written */
#endif
	if (traffic && stats_json && status == RK_EXIT_OK)
		print_stats_json(traffic, seed, &gov, duration_ms,
		                 rk_serial_rx_last());
	hal_exit(status);
}
