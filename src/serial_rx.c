/*
 * serial_rx.c - console input under the War/Peace governor.  The driver
 * side (drain) moves bytes from the UART into a ring without blocking;
 * when the ring is full it stops and leaves the rest in the UART (the
 * device's flow control takes over), so nothing is dropped.  The consumer
 * fiber hashes and counts, and watches for the line "END".
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/ring.h>
#include <rumpk/serial_rx.h>
#include <rumpk/trace.h>

#define RX_SLOTS 4096u

struct rx {
	struct rk_ring ring;
	struct rk_ring_consumer cons;
	uint8_t slots[RX_SLOTS];
	int held; /* a byte read but not yet queued, or -1 */
	struct rk_waitq done_wq;
	bool done, until_end;
	char held_bytes[3]; /* a line start that may still be "END" */
	unsigned nheld;
	bool direct; /* this line can no longer be "END" */
	struct rk_serial_report *out;
};

static unsigned drain(void *ctx, unsigned budget)
{
	struct rx *rx = ctx;
	unsigned n = 0;
	uint64_t seq;

	while (n < budget) {
		int c = rx->held >= 0 ? rx->held : hal_console_getc();
		if (c < 0)
			break;
		if (!rk_ring_try_claim(&rx->ring, 1, &seq)) {
			rx->held = c; /* consumer behind: keep it for later */
			break;
		}
		rx->held = -1;
		*(uint8_t *)rk_ring_slot(&rx->ring, seq) = (uint8_t)c;
		rk_ring_publish(&rx->ring, seq, 1);
		n++;
	}
	if (n) /* the fill the consumer sees: published, not yet released */
		rk_trace_emit(RK_TR_RING, 0,
		              rk_ring_published(&rx->ring) -
		                  atomic_load_explicit(&rx->cons.seq,
		                                       memory_order_relaxed),
		              RX_SLOTS);
	return n;
}

static uint32_t fnv1a(uint32_t h, uint8_t b)
{
	return (h ^ b) * 16777619u;
}

static void count(struct rx *rx, uint8_t b)
{
	rx->out->fnv1a = fnv1a(rx->out->fnv1a, b);
	rx->out->rx_bytes++;
}

/* A line's bytes are held back while they could still spell "END";
 * once the line can no longer be the end marker they count. */
static void consume(struct rx *rx, uint8_t b)
{
	static const char end[3] = {'E', 'N', 'D'};
	if (!rx->until_end) {
		count(rx, b);
		return;
	}
	if (b == '\n') {
		if (!rx->direct && rx->nheld == 3) {
			rx->out->saw_end = true;
			rx->done = true;
			return;
		}
	} else if (!rx->direct && rx->nheld < 3 && b == end[rx->nheld]) {
		rx->held_bytes[rx->nheld++] = (char)b;
		return;
	}
	for (unsigned i = 0; i < rx->nheld; i++)
		count(rx, (uint8_t)rx->held_bytes[i]);
	rx->nheld = 0;
	count(rx, b);
	rx->direct = b != '\n';
}

static void consumer(void *arg)
{
	struct rx *rx = arg;
	uint64_t first;
	while (!rx->done) {
		uint64_t n = rk_ring_wait(&rx->cons, &first, 10000000ull);
		for (uint64_t i = 0; i < n && !rx->done; i++)
			consume(rx,
			        *(uint8_t *)rk_ring_slot(&rx->ring, first + i));
		rk_ring_release(&rx->cons, n);
		if (rx->done)
			rk_waitq_wake_all(&rx->done_wq);
	}
}

static struct rk_serial_report last;

const struct rk_serial_report *rk_serial_rx_last(void)
{
	return &last;
}

int rk_serial_rx_run(const struct rk_gov_config *cfg, uint64_t duration_ns,
                     bool until_end, rk_gov_trace_fn trace,
                     struct rk_serial_report *out)
{
	static struct rx rx;
	static struct rk_governor gov;
	const char *why;

	rk_memset(out, 0, sizeof(*out));
	out->fnv1a = 2166136261u;
	if (rk_gov_check_config(cfg, &why) != 0) {
		rk_printf("[GOV] bad configuration: %s\n", why);
		return -1;
	}
	int line = hal_console_rx_irq();
	if (line < 0) {
		rk_puts("[GOV] the console has no receive interrupt");
		return -1;
	}
	rk_memset(&rx, 0, sizeof(rx));
	rx.held = -1;
	rx.until_end = until_end;
	rx.out = out;
	rk_waitq_init(&rx.done_wq);
	RK_ASSERT(rk_ring_init(&rx.ring, rx.slots, 1, RX_SLOTS, RK_RING_SP,
	                       RK_WAIT_BLOCK, NULL) == 0);
	RK_ASSERT(rk_ring_attach(&rx.ring, &rx.cons) == 0);

	struct rk_gov_dev dev = {"uart-rx", (unsigned)line, drain, &rx};
	uint64_t t0 = hal_now_ns();
	if (rk_gov_start(&gov, &dev, cfg) != 0) {
		rk_printf("[GOV] cannot attach to line %d\n", line);
		return -1;
	}
	gov.trace = trace;
	rk_printf("[GOV] receiving on line %d (%s)\n", line,
	          rk_gov_policy_name(cfg->policy));
	struct rk_fiber *c =
	    rk_fiber_spawn("uart-consumer", cfg->prio, consumer, &rx, 0, true);
	RK_ASSERT(c != NULL);
	while (!rx.done) {
		uint64_t left = RK_FOREVER;
		if (duration_ns) {
			uint64_t spent = hal_now_ns() - t0;
			if (spent >= duration_ns)
				break;
			left = duration_ns - spent;
		}
		rk_waitq_wait(&rx.done_wq, left);
	}
	rk_gov_stop(&gov);
	/* Time is up: what the device still holds, and what the driver
	 * queued, is delivered too (nothing that arrived is lost). */
	for (;;) {
		uint64_t first, n;
		while (!rx.done && (n = rk_ring_poll(&rx.cons, &first)) != 0) {
			for (uint64_t i = 0; i < n && !rx.done; i++)
				consume(&rx, *(uint8_t *)rk_ring_slot(
				                 &rx.ring, first + i));
			rk_ring_release(&rx.cons, n);
		}
		if (rx.done || drain(&rx, RX_SLOTS) == 0)
			break;
	}
	rx.done = true;
	rk_waitq_wake_all(&rx.ring.not_empty);
	rk_fiber_join(c);
	out->elapsed_ns = hal_now_ns() - t0;
	rk_gov_get_stats(&gov, &out->gov);
	last = *out;
	return 0;
}
