/*
 * stats_json.c - rumpk-sim --stats json: one JSON object with the
 * receive run's counters, alone on stdout (the console goes to stderr).
 */
#include <stdio.h>

#include "host_hal.h"
#include "json.h"
#include "options.h"
#include "stats_json.h"

void sim_print_stats_json(const struct sim_opts *o,
                          const struct rk_serial_report *r)
{
	uint64_t gen = sim_uart_generated();
	/* Throughput: what the governor handled while the traffic ran (the
	 * final drain after the deadline is not counted). */
	double secs = (double)o->duration_ms / 1e3;

	host_console_flush();
	printf("{\"traffic\":");
	host_json_string(stdout, o->traffic); /* a path may hold anything */
	printf(",\"time\":\"%s\",\"seed\":%llu,\"policy\":\"%s\","
	       "\"duration_ms\":%llu,\"generated\":%llu,\"delivered\":%llu,"
	       "\"lost\":%lld,\"irqs\":%llu,\"polls\":%llu,"
	       "\"empty_polls\":%llu,\"events\":%llu,\"war_entries\":%llu,"
	       "\"peace_entries\":%llu,\"ns_peace\":%llu,\"ns_war\":%llu,"
	       "\"elapsed_ns\":%llu,\"events_per_s\":%.0f}\n",
	       sim_time_mode() == SIM_TIME_SIM ? "sim" : "real",
	       (unsigned long long)o->seed, rk_gov_policy_name(o->gov.policy),
	       (unsigned long long)o->duration_ms, (unsigned long long)gen,
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
