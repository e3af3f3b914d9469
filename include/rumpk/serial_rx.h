/*
 * serial_rx.h - the console receive path under the governor: the driver
 * fiber drains the UART into a ring, a consumer fiber counts and checks
 * what arrives.  Used by `rumpk-sim --traffic` and by the native kernels'
 * `--serial-in` runs.
 */
#ifndef RUMPK_SERIAL_RX_H
#define RUMPK_SERIAL_RX_H

#include <stdbool.h>
#include <stdint.h>

#include <rumpk/governor.h>

struct rk_serial_report {
	uint64_t rx_bytes; /* bytes received before the END line */
	uint32_t fnv1a;    /* FNV-1a 32 of those bytes */
	bool saw_end;      /* a line "END" arrived */
	uint64_t elapsed_ns;
	struct rk_gov_stats gov;
};

/* Receives on the console under the governor until a line "END" arrives
 * (until_end) or duration_ns passed (0: no limit).  0 on success, -1 when
 * the console cannot interrupt or the config is invalid (message
 * printed). */
int rk_serial_rx_run(const struct rk_gov_config *cfg, uint64_t duration_ns,
                     bool until_end, rk_gov_trace_fn trace,
                     struct rk_serial_report *out);
/* The last run's report (zero before any): what the [GOV] line says and
 * more, for a platform that reports it its own way after rk_kmain
 * returns (rumpk-sim --stats json). */
const struct rk_serial_report *rk_serial_rx_last(void);

#endif
