/*
 * bus_reference.h - the bus traffic between plain processes, for
 * bench_bus_sim's reference lines (bus_reference.c says what each is).
 */
#ifndef RUMPK_BENCH_BUS_REFERENCE_H
#define RUMPK_BENCH_BUS_REFERENCE_H

enum bus_ref {
	BUS_REF_TURNS,         /* two processes taking turns on one ring */
	BUS_REF_RELAY,         /* the same, a third copying each message */
	BUS_REF_AT_ONCE,       /* two processes at the same time, one ring */
	BUS_REF_RELAY_AT_ONCE, /* the relay's three at the same time */
};

/* Messages per second, or 0 when a message came wrong. */
double bus_reference(enum bus_ref mode);

#endif
