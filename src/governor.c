/*
 * governor.c - the War/Peace I/O governor: one driver fiber per device
 * that runs on interrupts while the device is quiet and polls while it is
 * flooded (docs/governor.md).  The top half only masks the line, counts
 * and wakes the fiber; all work happens in the fiber.
 */
#include <rumpk/governor.h>
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/trace.h>

const char *rk_gov_mode_name(enum rk_gov_mode m)
{
	return m == RK_GOV_WAR ? "war" : "peace";
}

static const char *const policy_names[] = {
    [RK_GOV_ADAPTIVE] = "adaptive",
    [RK_GOV_ALWAYS_IRQ] = "irq",
    [RK_GOV_ALWAYS_POLL] = "poll",
};

const char *rk_gov_policy_name(enum rk_gov_policy p)
{
	return (unsigned)p < RK_ARRAY_SIZE(policy_names) ? policy_names[p]
	                                                 : "unknown";
}

/* True when the len bytes at s spell name, all of it. */
static bool spells(const char *s, size_t len, const char *name)
{
	return rk_strlen(name) == len && rk_strncmp(s, name, len) == 0;
}

int rk_gov_policy_parse(const char *s, size_t len, enum rk_gov_policy *out)
{
	for (unsigned p = 0; p < RK_ARRAY_SIZE(policy_names); p++) {
		if (spells(s, len, policy_names[p])) {
			*out = (enum rk_gov_policy)p;
			return 0;
		}
	}
	return -1;
}

/* The tunables, in the order of RK_GOV_PARAM_NAMES: the name people
 * write, the field, its width, and what one unit of the value is in the
 * field (nanoseconds for the times, 1 for counts and rates). */
static const struct {
	const char *name;
	size_t offset;
	bool u32;
	uint64_t unit;
} params[] = {
    {"window_ms", offsetof(struct rk_gov_config, window_ns), false, 1000000},
    {"war_rate", offsetof(struct rk_gov_config, war_rate), false, 1},
    {"peace_rate", offsetof(struct rk_gov_config, peace_rate), false, 1},
    {"dwell_ms", offsetof(struct rk_gov_config, dwell_ns), false, 1000000},
    {"empty_polls", offsetof(struct rk_gov_config, empty_polls), true, 1},
    {"budget", offsetof(struct rk_gov_config, budget), true, 1},
    {"poll_us", offsetof(struct rk_gov_config, poll_interval_ns), false, 1000},
};

int rk_gov_param_parse(struct rk_gov_config *cfg, const char *s, size_t len)
{
	size_t n = 0;
	while (n < len && s[n] != '=')
		n++;
	uint64_t v;
	if (n == len || rk_parse_u64(s + n + 1, len - n - 1, &v) != 0)
		return -1;
	for (unsigned i = 0; i < RK_ARRAY_SIZE(params); i++) {
		if (!spells(s, n, params[i].name))
			continue;
		uint64_t max = params[i].u32 ? UINT32_MAX : UINT64_MAX;
		if (v > max / params[i].unit)
			return -1;
		uint8_t *field = (uint8_t *)cfg + params[i].offset;
		if (params[i].u32)
			*(uint32_t *)field = (uint32_t)(v * params[i].unit);
		else
			*(uint64_t *)field = v * params[i].unit;
		return 0;
	}
	return -1;
}

int rk_gov_check_config(const struct rk_gov_config *c, const char **why)
{
	const char *w = NULL;
	if (c->policy > RK_GOV_ALWAYS_POLL)
		w = "policy: expected " RK_GOV_POLICY_CHOICES;
	else if (c->window_ns == 0)
		w = "window_ns: expected more than 0";
	else if (c->budget == 0)
		w = "budget: expected at least 1 event per poll";
	else if (c->peace_rate >= c->war_rate)
		w = "peace_rate: expected less than war_rate (hysteresis)";
	else if (c->empty_polls == 0)
		w = "empty_polls: expected at least 1";
	else if (c->prio > RK_PRIO_MAX)
		w = "prio: expected 0..31";
	if (why)
		*why = w;
	return w ? -1 : 0;
}

/* Top half: the line is level-triggered, so it stays masked until the
 * fiber has handled the event. */
static void gov_irq(unsigned line, void *arg)
{
	struct rk_governor *g = arg;
	hal_irq_mask(line);
	g->st.irqs++;
	rk_trace_emit(RK_TR_IRQ, line, 0, 0);
	g->irq_fired = true;
	rk_waitq_wake_one(&g->wq);
}

static void set_mode(struct rk_governor *g, enum rk_gov_mode m, uint64_t now)
{
	uint64_t spent = now - g->mode_since;
	if (g->st.mode == RK_GOV_WAR)
		g->st.ns_war += spent;
	else
		g->st.ns_peace += spent;
	g->st.mode = m;
	g->mode_since = now;
	g->empty_run = 0;
	g->below_since = 0;
	if (m == RK_GOV_WAR)
		g->st.war_entries++;
	else
		g->st.peace_entries++;
	if (g->trace)
		g->trace(g->dev.name, m, now, g->st.last_rate);
	rk_trace_emit(RK_TR_GOV, m, g->st.last_rate, g->dev.irq);
}

/* Counts events into the rate window; when a window closes, decides
 * whether the mode changes.  Returns the mode to be in. */
static enum rk_gov_mode account(struct rk_governor *g, unsigned n, uint64_t now)
{
	g->window_events += n;
	g->st.events += n;
	uint64_t span = now - g->window_start;
	if (span < g->cfg.window_ns)
		return g->st.mode;
	g->st.last_rate = g->window_events * 1000000000ull / span;
	g->window_start = now;
	g->window_events = 0;
	if (g->cfg.policy != RK_GOV_ADAPTIVE)
		return g->st.mode;
	if (g->st.mode == RK_GOV_PEACE)
		return g->st.last_rate > g->cfg.war_rate ? RK_GOV_WAR
		                                         : RK_GOV_PEACE;
	if (g->st.last_rate >= g->cfg.peace_rate) {
		g->below_since = 0;
		return RK_GOV_WAR;
	}
	if (!g->below_since)
		g->below_since = now;
	return now - g->below_since >= g->cfg.dwell_ns ? RK_GOV_PEACE
	                                               : RK_GOV_WAR;
}

static void peace_step(struct rk_governor *g)
{
	/* Sleep until the interrupt says an event is there. */
	hal_irq_state_t s = hal_irq_save();
	if (!g->irq_fired && !g->stop) {
		hal_irq_unmask(g->dev.irq);
		rk_waitq_wait(&g->wq, RK_FOREVER);
	}
	g->irq_fired = false;
	hal_irq_restore(s);
	if (g->stop)
		return;
	/* An interrupt per event: handle one, then listen again. */
	unsigned n = g->dev.drain(g->dev.ctx, 1);
	uint64_t now = hal_now_ns();
	if (account(g, n, now) == RK_GOV_WAR)
		set_mode(g, RK_GOV_WAR, now); /* the line stays masked */
}

static void war_step(struct rk_governor *g)
{
	unsigned n = g->dev.drain(g->dev.ctx, g->cfg.budget);
	uint64_t now = hal_now_ns();
	g->st.polls++;
	if (n == 0) {
		g->st.empty_polls++;
		g->empty_run++;
	} else {
		g->empty_run = 0;
	}
	enum rk_gov_mode next = account(g, n, now);
	if (g->cfg.policy == RK_GOV_ADAPTIVE &&
	    g->empty_run >= g->cfg.empty_polls)
		next = RK_GOV_PEACE;
	if (next == RK_GOV_PEACE) {
		set_mode(g, RK_GOV_PEACE, now);
		return;
	}
	if (n == g->cfg.budget)
		rk_yield(); /* more is waiting: poll again after the others */
	else
		rk_sleep_ns(g->cfg.poll_interval_ns);
}

static void gov_fiber(void *arg)
{
	struct rk_governor *g = arg;
	while (!g->stop) {
		if (g->st.mode == RK_GOV_WAR)
			war_step(g);
		else
			peace_step(g);
	}
	hal_irq_mask(g->dev.irq);
	uint64_t now = hal_now_ns();
	if (g->st.mode == RK_GOV_WAR)
		g->st.ns_war += now - g->mode_since;
	else
		g->st.ns_peace += now - g->mode_since;
	g->mode_since = now;
}

int rk_gov_start(struct rk_governor *g, const struct rk_gov_dev *dev,
                 const struct rk_gov_config *cfg)
{
	if (rk_gov_check_config(cfg, NULL) != 0 || !dev || !dev->drain)
		return -1;
	rk_memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->dev = *dev;
	rk_waitq_init(&g->wq);
	g->mode_since = g->window_start = hal_now_ns();
	g->st.mode =
	    cfg->policy == RK_GOV_ALWAYS_POLL ? RK_GOV_WAR : RK_GOV_PEACE;
	if (hal_irq_attach(dev->irq, gov_irq, g) != 0)
		return -1;
	rk_sched_hold(); /* the interrupt can wake us: idle, don't give up */
	g->fiber = rk_fiber_spawn(dev->name, cfg->prio, gov_fiber, g, 0, true);
	if (!g->fiber) {
		rk_sched_release();
		return -1;
	}
	return 0;
}

void rk_gov_stop(struct rk_governor *g)
{
	if (!g->fiber)
		return;
	g->stop = true;
	rk_waitq_wake_all(&g->wq);
	rk_fiber_join(g->fiber);
	g->fiber = NULL;
	rk_sched_release();
}

void rk_gov_get_stats(const struct rk_governor *g, struct rk_gov_stats *out)
{
	*out = g->st;
	if (g->fiber) {
		uint64_t spent = hal_now_ns() - g->mode_since;
		if (g->st.mode == RK_GOV_WAR)
			out->ns_war += spent;
		else
			out->ns_peace += spent;
	}
}
