/*
 * demo.c - the built-in demo, run when no payload is given: two fibers
 * ping-pong over a pair of rings, then the seed's NPL scenario (a good
 * image runs, a bad signature and a wrong arch are refused), then the
 * hello payload.  Each step checks its own outcome, so the demo's exit
 * status means something.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/ring.h>
#include <rumpk/sched.h>

#include "core.h"

#define PINGPONG_N     1000u
#define PINGPONG_SLOTS 16u

struct pingpong {
	struct rk_ring to_pong, to_ping;
	struct rk_ring_consumer pong_in, ping_in;
	uint64_t to_pong_slots[PINGPONG_SLOTS], to_ping_slots[PINGPONG_SLOTS];
	uint32_t received, bad;
};

static void send_u64(struct rk_ring *r, uint64_t v)
{
	uint64_t seq = rk_ring_claim(r, 1);
	*(uint64_t *)rk_ring_slot(r, seq) = v;
	rk_ring_publish(r, seq, 1);
}

static uint64_t recv_u64(struct rk_ring_consumer *c)
{
	uint64_t first;
	(void)rk_ring_wait(c, &first, RK_FOREVER);
	uint64_t v = *(const uint64_t *)rk_ring_slot(c->ring, first);
	rk_ring_release(c, 1);
	return v;
}

static void ping(void *arg)
{
	struct pingpong *pp = arg;
	for (uint64_t i = 1; i <= PINGPONG_N; i++) {
		send_u64(&pp->to_pong, i);
		if (recv_u64(&pp->ping_in) != i + 1)
			pp->bad++;
		pp->received++;
	}
	send_u64(&pp->to_pong, 0); /* stop */
}

static void pong(void *arg)
{
	struct pingpong *pp = arg;
	uint64_t expect = 1, v;
	while ((v = recv_u64(&pp->pong_in)) != 0) {
		if (v != expect++)
			pp->bad++;
		send_u64(&pp->to_ping, v + 1);
	}
}

static bool demo_pingpong(void)
{
	static struct pingpong pp;
	struct rk_sched_stats before, after;

	rk_memset(&pp, 0, sizeof(pp));
	RK_ASSERT(rk_ring_init(&pp.to_pong, pp.to_pong_slots, 8, PINGPONG_SLOTS,
	                       RK_RING_SP, RK_WAIT_YIELD, NULL) == 0);
	RK_ASSERT(rk_ring_init(&pp.to_ping, pp.to_ping_slots, 8, PINGPONG_SLOTS,
	                       RK_RING_SP, RK_WAIT_YIELD, NULL) == 0);
	RK_ASSERT(rk_ring_attach(&pp.to_pong, &pp.pong_in) == 0);
	RK_ASSERT(rk_ring_attach(&pp.to_ping, &pp.ping_in) == 0);

	rk_sched_stats(&before);
	uint64_t t0 = hal_now_ns();
	struct rk_fiber *a =
	    rk_fiber_spawn("ping", RK_PRIO_NORMAL, ping, &pp, 0, true);
	struct rk_fiber *b =
	    rk_fiber_spawn("pong", RK_PRIO_NORMAL, pong, &pp, 0, true);
	RK_ASSERT(a && b);
	rk_fiber_join(a);
	rk_fiber_join(b);
	uint64_t dt = hal_now_ns() - t0;
	rk_sched_stats(&after);

	bool ok = pp.received == PINGPONG_N && pp.bad == 0;
	rk_printf("[DEMO] ping-pong: %u of %u round trips over two rings, "
	          "%u out of order, %llu fiber switches, %llu us\n",
	          pp.received, PINGPONG_N, pp.bad,
	          (unsigned long long)(after.switches - before.switches),
	          (unsigned long long)(dt / 1000));
	return ok;
}

static bool demo_seed(const struct rk_npl_policy *pol)
{
	enum rk_npl_err err;
	int64_t r = -1;
	bool ok = true;

	/* (1) the single-RET image for this machine runs and returns. */
	if (rk_payload_run(rk_demo_ret, rk_demo_ret_len, "ret", pol, &r, &err,
	                   false) != RK_RUN_OK)
		ok = false;

	/* (2) the same image with 0xFF in sig[0] is refused. */
	static uint8_t bad[256];
	RK_ASSERT(rk_demo_ret_len <= sizeof(bad));
	rk_memcpy(bad, rk_demo_ret, rk_demo_ret_len);
	bad[RK_NPL_OFF_SIG] = 0xFF;
	if (rk_payload_run(bad, rk_demo_ret_len, "ret-badsig", pol, NULL, &err,
	                   true) == RK_RUN_REFUSED &&
	    err == RK_NPL_ERR_SIGNATURE) {
		rk_puts("[NPL] \xe2\x9c\x85 Bad sig rejected");
	} else {
		rk_printf("[NPL] \xe2\x9d\x8c Bad sig NOT rejected (%s)\n",
		          rk_npl_strerror(err));
		ok = false;
	}

	/* (3) a correctly signed image for another arch is refused. */
	if (rk_payload_run(rk_demo_ret_other, rk_demo_ret_other_len,
	                   "ret-other-arch", pol, NULL, &err,
	                   true) == RK_RUN_REFUSED &&
	    err == RK_NPL_ERR_ARCH) {
		rk_printf("[NPL] \xe2\x9c\x85 Wrong arch rejected (%s image on "
		          "%s)\n",
		          rk_npl_arch_name(rk_demo_ret_other[RK_NPL_OFF_ARCH]),
		          rk_npl_arch_name(RK_ARCH_SELF));
	} else {
		rk_printf("[NPL] \xe2\x9d\x8c Wrong arch NOT rejected (%s)\n",
		          rk_npl_strerror(err));
		ok = false;
	}
	return ok;
}

int rk_demo_run(const struct rk_npl_policy *pol)
{
	bool ok = demo_pingpong();
	ok = demo_seed(pol) && ok;
	int64_t r = -1;
	ok = rk_payload_run(rk_demo_hello, rk_demo_hello_len, "hello", pol, &r,
	                    NULL, false) == RK_RUN_OK &&
	     ok;
	rk_printf("[DEMO] %s\n", ok ? "all steps passed" : "a step FAILED");
	return ok ? 0 : 1;
}
