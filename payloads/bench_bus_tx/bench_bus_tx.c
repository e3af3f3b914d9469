/*
 * bench_bus_tx - the sending half of the bus benchmark
 * (bench/bench_bus_sim.c): BENCH_BUS_MSGS messages of RK_API_MSG_MAX
 * bytes in batches of BENCH_BUS_BATCH, each numbered.  The bus delivers a
 * sender's messages to itself too, so after each batch it takes its own
 * copies back (checking their numbers), as any payload on a broadcast bus
 * must.  Prints when it started, in the kernel's nanoseconds.
 */
#include <rumpk/api.h>

#include "../bench_bus.h"
#include "../put.h"

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	uint8_t m[RK_API_MSG_MAX], in[RK_API_MSG_MAX];
	for (unsigned i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;

	uint64_t t0 = api->now_ns(), seq = 0, back = 0;
	while (seq < BENCH_BUS_MSGS) {
		for (unsigned i = 0; i < BENCH_BUS_BATCH; i++, seq++) {
			bench_bus_stamp(m, seq);
			while (api->ring_send(m, sizeof(m)) != 0)
				api->yield(); /* the receiver's inbox is full */
		}
		for (unsigned i = 0; i < BENCH_BUS_BATCH; i++, back++)
			if (api->ring_recv(in, sizeof(in), BENCH_BUS_WAIT_NS) !=
			        (int64_t)sizeof(in) ||
			    bench_bus_seq(in) != back)
				return -1;
	}
	char line[96];
	char *o = put(line, "[bench_bus_tx] sent=", seq);
	o = put(o, " t0=", t0);
	*o = 0;
	api->puts(line);
	return 0;
}
