/*
 * governor.h - the War/Peace I/O governor (docs/governor.md).
 *
 * One governor per device.  Peace: the device's interrupt is on and each
 * interrupt wakes the driver fiber, which handles one event and turns the
 * interrupt back on (an interrupt per event).  War: the interrupt stays
 * masked and the fiber polls, handling up to `budget` events per pass; a
 * full budget means poll again at once, a partial one waits
 * `poll_interval_ns`.  The governor enters War when the event rate over a
 * window passes `war_rate`, and returns to Peace after `empty_polls`
 * consecutive empty polls, or when the rate stayed under `peace_rate` for
 * `dwell_ns`: two thresholds and a dwell time, so it does not flap.
 */
#ifndef RUMPK_GOVERNOR_H
#define RUMPK_GOVERNOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/sched.h>

enum rk_gov_mode { RK_GOV_PEACE = 0, RK_GOV_WAR = 1 };

/* ADAPTIVE is the governor; the other two are the fixed policies it is
 * measured against. */
enum rk_gov_policy {
	RK_GOV_ADAPTIVE = 0,
	RK_GOV_ALWAYS_IRQ,
	RK_GOV_ALWAYS_POLL,
};

struct rk_gov_config {
	enum rk_gov_policy policy;
	uint64_t window_ns;        /* rate measured over windows this long */
	uint64_t war_rate;         /* events/s above which Peace -> War */
	uint64_t peace_rate;       /* events/s under which War may end ... */
	uint64_t dwell_ns;         /* ... once it held this long */
	uint32_t empty_polls;      /* or after this many empty polls in a row */
	uint32_t budget;           /* events per poll pass in War */
	uint64_t poll_interval_ns; /* wait after a partial pass in War */
	unsigned prio;             /* the driver fiber's priority */
};

/* The defaults and why: docs/governor.md. */
#define RK_GOV_CONFIG_DEFAULT                                                  \
	{                                                                      \
		.policy = RK_GOV_ADAPTIVE, .window_ns = 2000000,               \
		.war_rate = 20000, .peace_rate = 2000, .dwell_ns = 20000000,   \
		.empty_polls = 200, .budget = 64, .poll_interval_ns = 50000,   \
		.prio = RK_PRIO_NORMAL,                                        \
	}

/* What the governor drives.  drain() handles up to `budget` pending
 * events and returns how many it handled (0: nothing was pending, or the
 * consumer is full and the events stay in the device). */
struct rk_gov_dev {
	const char *name;
	unsigned irq; /* hal_irq_attach line */
	unsigned (*drain)(void *ctx, unsigned budget);
	void *ctx;
};

struct rk_gov_stats {
	uint64_t irqs;          /* interrupts taken */
	uint64_t polls;         /* poll passes in War */
	uint64_t empty_polls;   /* passes that found nothing */
	uint64_t events;        /* events handled */
	uint64_t war_entries;   /* Peace -> War */
	uint64_t peace_entries; /* War -> Peace */
	uint64_t ns_peace, ns_war;
	uint64_t last_rate; /* events/s over the last full window */
	enum rk_gov_mode mode;
};

/* Called on every transition (the visualizer and native traces). */
typedef void (*rk_gov_trace_fn)(const char *dev, enum rk_gov_mode mode,
                                uint64_t now_ns, uint64_t rate);

struct rk_governor {
	struct rk_gov_config cfg;
	struct rk_gov_dev dev;
	struct rk_gov_stats st;
	struct rk_waitq wq;
	struct rk_fiber *fiber;
	rk_gov_trace_fn trace;
	volatile bool stop;
	volatile bool irq_fired;
	uint64_t mode_since; /* when the current mode began */
	uint64_t window_start;
	uint64_t window_events;
	uint64_t below_since; /* War: when the rate fell under peace_rate */
	uint32_t empty_run;   /* consecutive empty polls */
};

/* The policies' names, one vocabulary everywhere: rumpk-sim --gov, gov=
 * on the command line, the [GOV] line and the JSON stats. */
#define RK_GOV_POLICY_CHOICES "adaptive, irq or poll"
const char *rk_gov_policy_name(enum rk_gov_policy p);
/* The policy the len bytes at s name (s need not be terminated): 0, or
 * -1 for a name not in RK_GOV_POLICY_CHOICES. */
int rk_gov_policy_parse(const char *s, size_t len, enum rk_gov_policy *out);

/* The tunables by name, in the units people write them in: rumpk-sim
 * --gov-param NAME=VALUE, gov.NAME=VALUE on the command line. */
#define RK_GOV_PARAM_NAMES                                                     \
	"window_ms war_rate peace_rate dwell_ms empty_polls budget poll_us"
/* Sets the one tunable "NAME=VALUE" (len bytes at s, VALUE in decimal)
 * names: 0, or -1 for an unknown name or a value that is not a number in
 * the field's range.  rk_gov_check_config judges the result. */
int rk_gov_param_parse(struct rk_gov_config *cfg, const char *s, size_t len);

/* Validates the config: 0, or -1 with a reason in *why. */
int rk_gov_check_config(const struct rk_gov_config *cfg, const char **why);
/* Attaches the interrupt, spawns the driver fiber.  0, or -1. */
int rk_gov_start(struct rk_governor *g, const struct rk_gov_dev *dev,
                 const struct rk_gov_config *cfg);
/* Stops the fiber (after its current pass), detaches from the line. */
void rk_gov_stop(struct rk_governor *g);
/* A snapshot, with the time in the current mode counted up to now. */
void rk_gov_get_stats(const struct rk_governor *g, struct rk_gov_stats *out);
const char *rk_gov_mode_name(enum rk_gov_mode m);

#endif
