/*
 * stats_json.h - rumpk-sim --stats json (stats_json.c).
 */
#ifndef RUMPK_SIM_STATS_JSON_H
#define RUMPK_SIM_STATS_JSON_H

#include <rumpk/serial_rx.h>

#include "options.h"

/* The receive run's counters, with what the options asked for, as one
 * JSON object on stdout (the console is flushed first). */
void sim_print_stats_json(const struct sim_opts *o,
                          const struct rk_serial_report *r);

#endif
