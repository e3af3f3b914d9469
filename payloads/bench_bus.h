/*
 * bench_bus.h - what the two halves of the bus benchmark agree on
 * (bench_bus_tx, bench_bus_rx; bench/bench_bus_sim.c runs them): how many
 * messages, in batches of how many, and where a message's number is.
 */
#ifndef RUMPK_PAYLOADS_BENCH_BUS_H
#define RUMPK_PAYLOADS_BENCH_BUS_H

#include <stdint.h>

#define BENCH_BUS_BATCH   64u
#define BENCH_BUS_MSGS    (BENCH_BUS_BATCH * 4000u)
#define BENCH_BUS_WAIT_NS 2000000000ull /* a lost message fails, not hangs */

/* The number in a message's first 8 bytes, little-endian. */
static inline void bench_bus_stamp(uint8_t *m, uint64_t seq)
{
	for (unsigned i = 0; i < 8; i++)
		m[i] = (uint8_t)(seq >> (8 * i));
}

static inline uint64_t bench_bus_seq(const uint8_t *m)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)m[i] << (8 * i);
	return v;
}

#endif
