/*
 * bench_bus_sim.c - payload bus throughput between two isolated payloads
 * on the simulator, each in a child process of its own (sim/hal_user.c),
 * against the in-kernel ring at the same batch, in the same run.
 *
 *   isolated  payloads/bench_bus_tx sends BENCH_BUS_MSGS 60-byte
 *             messages in batches of 64 through its bus window and takes
 *             its own copies back after each batch (the bus is a
 *             broadcast); payloads/bench_bus_rx receives them all.
 *   anchor    two kernel fibers in this process move the same messages,
 *             the same way, through an rk_ring with the bus's shape: one
 *             producer, two consumers (the sender's own copy and the
 *             receiver), 64-byte slots, the window's capacity, blocking
 *             waits, batches of 64 claimed and published at once.
 *
 * Both count from the first send to the receiver's last message, in the
 * kernel's clock.  Goal: the isolated bus at least 0.8 times the anchor's
 * messages per second.  Medians of ROUNDS runs, interleaved.
 *
 * Reference rows say what the host allows (bus_reference.c, refs[]
 * below): plain processes moving the same traffic, taking turns or at
 * once, with or without a relay process on every message's path, as the
 * kernel is on the bus's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rumpk/hal.h>
#include <rumpk/ring.h>
#include <rumpk/sched.h>

#include "../payloads/bench_bus.h"
#include "bus_reference.h"
#include "core.h"
#include "host_hal.h"
#include "median.h"

#define ROUNDS 5

/* payloads/bench_bus_tx and _rx, signed by the build (bench/meson.build). */
extern const uint8_t bench_bus_tx_npl[], bench_bus_rx_npl[];
extern const size_t bench_bus_tx_npl_len, bench_bus_rx_npl_len;

/* ---- the payloads' lines: "[bench_bus_tx] sent=N t0=T", "..._rx] ..." -- */
static char line[256];
static size_t line_len;
static uint64_t sent, received, t0, t1;

static void tap(char c)
{
	if (c != '\n') {
		if (line_len < sizeof(line) - 1)
			line[line_len++] = c;
		return;
	}
	line[line_len] = 0;
	line_len = 0;
	unsigned long long n, t;
	if (sscanf(line, "[bench_bus_tx] sent=%llu t0=%llu", &n, &t) == 2)
		sent = n, t0 = t;
	else if (sscanf(line, "[bench_bus_rx] received=%llu t1=%llu", &n, &t) ==
	         2)
		received = n, t1 = t;
}

static void runner(void *arg)
{
	struct rk_npl_policy pol = {.arch = RK_ARCH_SELF,
	                            .keys = rk_trusted_keys,
	                            .nkeys = rk_trusted_key_count};
	bool *ok = arg;
	/* The receiver first, so it is on the bus before the first send. */
	struct rk_run *rx =
	    rk_payload_start(bench_bus_rx_npl, bench_bus_rx_npl_len,
	                     "bench_bus_rx", &pol, NULL, false);
	struct rk_run *tx =
	    rk_payload_start(bench_bus_tx_npl, bench_bus_tx_npl_len,
	                     "bench_bus_tx", &pol, NULL, false);
	bool a = tx && rk_payload_finish(tx, NULL) == RK_RUN_OK;
	bool b = rx && rk_payload_finish(rx, NULL) == RK_RUN_OK;
	*ok = a && b;
}

/* Messages per second, or 0 when the payloads failed. */
static double isolated(void)
{
	bool ok = false;
	sent = received = t0 = t1 = 0;
	rk_sched_init();
	rk_fiber_spawn("runner", RK_PRIO_NORMAL, runner, &ok, 0, false);
	rk_sched_run();
	host_console_flush();
	if (!ok || sent != BENCH_BUS_MSGS || received != BENCH_BUS_MSGS ||
	    t1 <= t0)
		return 0;
	return (double)BENCH_BUS_MSGS * 1e9 / (double)(t1 - t0);
}

/* ---- the anchor: the same traffic on an in-kernel ring ---------------- */
struct msg {
	uint32_t len;
	uint8_t data[RK_API_MSG_MAX];
};
static struct msg slots[RK_UBUS_SLOTS];
static struct rk_ring ring;
static struct rk_ring_consumer echo, rcv;
static uint64_t a_t0, a_t1;
static bool a_ok;

/* Takes n messages for consumer c, checking their numbers from *next. */
static bool take(struct rk_ring_consumer *c, uint64_t n, uint64_t *next)
{
	while (n) {
		uint64_t first,
		    got = rk_ring_wait(c, &first, BENCH_BUS_WAIT_NS);
		if (!got)
			return false;
		got = RK_MIN(got, n);
		for (uint64_t i = 0; i < got; i++) {
			struct msg m;
			memcpy(&m, rk_ring_slot(&ring, first + i), sizeof(m));
			if (m.len != RK_API_MSG_MAX ||
			    bench_bus_seq(m.data) != (*next)++)
				return false;
		}
		rk_ring_release(c, got);
		n -= got;
	}
	return true;
}

static void producer(void *arg)
{
	(void)arg;
	uint8_t m[RK_API_MSG_MAX];
	for (unsigned i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	uint64_t back = 0;
	a_t0 = hal_now_ns();
	for (uint64_t seq = 0; seq < BENCH_BUS_MSGS;) {
		uint64_t first = rk_ring_claim(&ring, BENCH_BUS_BATCH);
		for (unsigned i = 0; i < BENCH_BUS_BATCH; i++, seq++) {
			struct msg *s = rk_ring_slot(&ring, first + i);
			bench_bus_stamp(m, seq);
			s->len = sizeof(m);
			memcpy(s->data, m, sizeof(m));
		}
		rk_ring_publish(&ring, first, BENCH_BUS_BATCH);
		if (!take(&echo, BENCH_BUS_BATCH, &back))
			return;
	}
}

static void consumer(void *arg)
{
	(void)arg;
	uint64_t next = 0;
	a_ok = take(&rcv, BENCH_BUS_MSGS, &next);
	a_t1 = hal_now_ns();
}

static double anchor(void)
{
	a_ok = false;
	rk_sched_init();
	if (rk_ring_init(&ring, slots, sizeof(slots[0]), RK_UBUS_SLOTS,
	                 RK_RING_SP, RK_WAIT_BLOCK, NULL) != 0 ||
	    rk_ring_attach(&ring, &echo) != 0 ||
	    rk_ring_attach(&ring, &rcv) != 0)
		return 0;
	rk_fiber_spawn("consumer", RK_PRIO_NORMAL, consumer, NULL, 0, false);
	rk_fiber_spawn("producer", RK_PRIO_NORMAL, producer, NULL, 0, false);
	rk_sched_run();
	if (!a_ok || a_t1 <= a_t0)
		return 0;
	return (double)BENCH_BUS_MSGS * 1e9 / (double)(a_t1 - a_t0);
}

/* The reference rows (bus_reference.c); all but the first spin on one
 * process while another works, which on a one-CPU host only waits out
 * the other's time slice: they are skipped there. */
static const struct {
	enum bus_ref mode;
	const char *label;
	bool spins;
} refs[] = {
    {BUS_REF_TURNS, "  taking turns on one ring", false},
    {BUS_REF_RELAY, "  the same, a relay copying each message", true},
    {BUS_REF_AT_ONCE, "  both at once, one ring", true},
    {BUS_REF_RELAY_AT_ONCE, "  all three of the relay at once", true},
};
#define NREFS (sizeof(refs) / sizeof(refs[0]))

int main(void)
{
	double iso[ROUNDS], anc[ROUNDS], ref[NREFS][ROUNDS];
	bool one_cpu = sysconf(_SC_NPROCESSORS_ONLN) < 2;

	if (!hal_user_mode) {
		printf("bench_bus_sim: skipped: payloads run on kernel fibers "
		       "in this build (hal_user_mode is false)\n");
		return 0;
	}
	host_console_tap = tap;
	for (int i = 0; i < ROUNDS; i++) {
		iso[i] = isolated();
		anc[i] = anchor();
		bool ok = iso[i] && anc[i];
		for (size_t k = 0; k < NREFS; k++) {
			bool skip = refs[k].spins && one_cpu;
			ref[k][i] = skip ? -1 : bus_reference(refs[k].mode);
			ok = ok && ref[k][i];
		}
		if (!ok) {
			fprintf(
			    stderr,
			    "bench_bus_sim: round %d failed (isolated %.0f, "
			    "anchor %.0f msgs/s, or a reference row)\n",
			    i, iso[i], anc[i]);
			return 1;
		}
	}
	double r = bench_median(iso, ROUNDS), a = bench_median(anc, ROUNDS);
	printf("\npayload bus throughput on the simulator, %u messages of %u "
	       "bytes, batch %u, median of %d\n",
	       BENCH_BUS_MSGS, RK_API_MSG_MAX, BENCH_BUS_BATCH, ROUNDS);
	printf("%-40s %12.0f msgs/s\n", "two isolated payloads (bus window)",
	       r);
	printf("%-40s %12.0f msgs/s\n", "anchor: in-kernel ring, two fibers",
	       a);
	printf("%-40s %12.2f (goal: at least 0.80)\n", "ratio", r / a);
	printf("reference, plain processes, no Rumpk (bus_reference.c):\n");
	for (size_t k = 0; k < NREFS; k++) {
		double v = bench_median(ref[k], ROUNDS);
		if (v < 0)
			printf("%-40s %12s\n", refs[k].label,
			       "skipped: one CPU");
		else
			printf("%-40s %12.0f msgs/s %5.2f of the anchor\n",
			       refs[k].label, v, v / a);
	}
	return 0;
}
