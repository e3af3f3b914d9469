/*
 * main.c - rumpk-sim, the Linux-hosted simulator: parses the command line,
 * reads payloads and keys, and boots rk_kmain on the simulator's HAL.
 * Exit status: 0 every payload ran, 1 one was refused or failed, 2 usage,
 * 100 and above a trap or panic (docs/exit-status.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/status.h>

#include "../tools/hostio.h"
#include "sim.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: rumpk-sim [--trust FILE.pub]... [--payload FILE.npl]...\n"
	        "\n"
	        "Boots the Rumpk core on the Linux-hosted simulator.  With no\n"
	        "payload it runs the built-in demo; with payloads it runs exactly\n"
	        "those, each verified against the trusted keys.\n"
	        "\n"
	        "  --payload FILE.npl  load, verify and run this image (repeatable)\n"
	        "  --trust FILE.pub    also trust this public key (repeatable)\n"
	        "  --max-body BYTES    refuse bodies larger than this\n"
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

int main(int argc, char **argv)
{
	static struct rk_boot_image images[RK_MAX_IMAGES];
	static uint8_t keys[RK_MAX_KEYS][32];
	struct rk_boot boot = {.platform = "sim"};
	size_t nimages = 0, nkeys = 0;
	char err[200];

	enum { OPT_MAXBODY = 256 };
	static const struct option opts[] = {
	        {"payload", required_argument, NULL, 'p'},
	        {"trust", required_argument, NULL, 't'},
	        {"max-body", required_argument, NULL, OPT_MAXBODY},
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
				return usage_error("too many --payload (at most "
				                   "32): '%s'",
				                   optarg);
			size_t len = 0;
			uint8_t *data =
			        hostio_read_file(optarg, &len, err, sizeof(err));
			if (!data) {
				fprintf(stderr,
				        "rumpk-sim: --payload %s: %s\n", optarg,
				        err);
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
	if (optind < argc)
		return usage_error("unexpected argument '%s' (payloads go "
		                   "after --payload)",
		                   argv[optind]);

	boot.has_payloads = nimages > 0;
	boot.images = images;
	boot.nimages = nimages;
	boot.extra_keys = (const uint8_t(*)[32])keys;
	boot.nextra_keys = nkeys;
	sim_trap_init();
	hal_exit(rk_kmain(&boot));
}
