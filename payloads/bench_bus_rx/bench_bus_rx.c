/*
 * bench_bus_rx - the receiving half of the bus benchmark
 * (bench/bench_bus_sim.c): takes BENCH_BUS_MSGS messages, checks that
 * each is whole and in order, and prints when the last one came, in the
 * kernel's nanoseconds.
 */
#include <rumpk/api.h>

#include "../bench_bus.h"
#include "../put.h"

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	uint8_t in[RK_API_MSG_MAX];
	for (uint64_t seq = 0; seq < BENCH_BUS_MSGS; seq++) {
		if (api->ring_recv(in, sizeof(in), BENCH_BUS_WAIT_NS) !=
		        (int64_t)sizeof(in) ||
		    bench_bus_seq(in) != seq || in[sizeof(in) - 1] != 59)
			return -1;
	}
	char line[96];
	char *o = put(line, "[bench_bus_rx] received=", BENCH_BUS_MSGS);
	o = put(o, " t1=", api->now_ns());
	*o = 0;
	api->puts(line);
	return 0;
}
