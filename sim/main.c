/*
 * main.c - rumpk-sim, the Linux-hosted simulator: reads the options
 * (options.c), then boots rk_kmain on the simulator's HAL, or replays a
 * native trace.  Exit status: 0 every payload ran, 1 one was refused or
 * failed, 2 usage, 100 and above a trap or panic (docs/exit-status.md).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/serial_rx.h>
#include <rumpk/status.h>

#include "host_hal.h"
#include "options.h"
#include "sim.h"
#include "stats_json.h"

/* The kernel's command line for a receive run: rumpk-sim says how the
 * kernel runs the way a boot loader would (kernel.h), never through
 * struct rk_boot. */
static char cmdline[1200];

/* --traffic: the UART's traffic for the run, and the command line that
 * receives it for --duration-ms under the governor's options.  0, or 2
 * (said on stderr). */
static int start_traffic(const struct sim_opts *o)
{
	struct sim_profile prof;
	char err[200];

	if (sim_profile_load(o->traffic, &prof, err, sizeof(err))) {
		fprintf(stderr, "rumpk-sim: --traffic %s\n", err);
		return RK_EXIT_USAGE;
	}
	prof.end_ns = hal_now_ns() + o->duration_ms * 1000000ull;
	sim_uart_set_profile(&prof, o->seed);
	snprintf(cmdline, sizeof(cmdline), "serial-rx=%llu gov=%s%s",
	         (unsigned long long)o->duration_ms,
	         rk_gov_policy_name(o->gov.policy), o->gov_words);
	return 0;
}

/* --append's words after the traffic's, if any. */
static void append_words(const struct sim_opts *o)
{
	size_t used = strlen(cmdline);
	const char *w = o->append_words + (used ? 0 : 1);
	snprintf(cmdline + used, sizeof(cmdline) - used, "%s", w);
}

static void fill_boot(const struct sim_opts *o, struct rk_boot *b)
{
	*b = (struct rk_boot){
	    .platform = "sim",
	    .has_payloads = o->nimages > 0,
	    .images = o->images,
	    .nimages = o->nimages,
	    .keys = o->keys,
	    .nkeys = o->nkeys,
	    .keep_builtin_keys = o->keep_builtin_keys,
	    .max_body = o->max_body,
	    .cmdline = cmdline[0] ? cmdline : NULL,
	};
}

/* --time, or simulated time for a --viz window (its pause and speed
 * controls need it). */
static void set_time(const struct sim_opts *o)
{
	if (o->time_set)
		sim_time_set_mode(o->time);
	else if (o->viz_opts.window)
		sim_time_set_mode(SIM_TIME_SIM);
}

#ifdef RK_VIZ
static int replay(const struct sim_opts *o)
{
	struct viz_opts vo = o->viz_opts;
	/* A window unless only a snapshot is asked for. */
	vo.window = vo.window || !vo.snapshot;
	return viz_replay(&vo);
}

static int viz_start(const struct sim_opts *o)
{
	return o->viz ? viz_live_start(&o->viz_opts) : 0;
}

/* The snapshot that could not be written turns a good run into 2. */
static int viz_finish(const struct sim_opts *o, int status)
{
	if (o->viz && viz_live_finish(status) && status == RK_EXIT_OK)
		return RK_EXIT_USAGE;
	return status;
}
#else /* sim_options_check refused every --viz* already */
static int replay(const struct sim_opts *o)
{
	(void)o;
	return RK_EXIT_USAGE;
}

static int viz_start(const struct sim_opts *o)
{
	(void)o;
	return 0;
}

static int viz_finish(const struct sim_opts *o, int status)
{
	(void)o;
	return status;
}
#endif

/* Boots the kernel as the options say; returns its exit status. */
static int run(const struct sim_opts *o)
{
	struct rk_boot boot;

	/* --stats json: stdout holds the JSON alone; the console goes to
	 * stderr. */
	if (o->stats_json)
		host_console_fd = STDERR_FILENO;
	set_time(o);
	if (o->traffic && start_traffic(o) != 0)
		return RK_EXIT_USAGE;
	char err[200];
	if (o->state &&
	    sim_store_open(o->state, o->state_slow_us, err, sizeof(err))) {
		fprintf(stderr, "rumpk-sim: --state %s: %s\n", o->state, err);
		return RK_EXIT_USAGE;
	}
	if (o->append_words[0])
		append_words(o);
	fill_boot(o, &boot);
	sim_trap_init();
	sim_uart_init();
	int status = viz_start(o);
	if (status)
		return status;
	status = viz_finish(o, rk_kmain(&boot));
	if (o->traffic && o->stats_json && status == RK_EXIT_OK)
		sim_print_stats_json(o, rk_serial_rx_last());
	return status;
}

int main(int argc, char **argv)
{
	static struct sim_opts o;

	int status = sim_options_parse(argc, argv, &o);
	if (status >= 0)
		return status;
	status = sim_options_check(&o);
	if (status)
		return status;
	if (o.viz_opts.replay)
		return replay(&o);
	hal_exit(run(&o));
}
