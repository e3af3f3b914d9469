/*
 * trace.c - the trace sink pointer, and the console-framing sink native
 * kernels use when the command line says `trace` (docs/visualizer.md).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/trace.h>

rk_trace_sink_fn rk_trace_sink;

void rk_trace_set_sink(rk_trace_sink_fn fn)
{
	rk_trace_sink = fn;
}

/* One line per event, "\x1e" first so a reader can pull frames out of the
 * console stream wherever they fall (an interrupt may frame an event in
 * the middle of another line; interrupts are off while a frame is
 * written, so frames never nest).  Hex keeps it short. */
static void put_frame(unsigned kind, uint64_t now, uint64_t a, uint64_t b,
                      uint64_t c)
{
	static const char letter[] = "?SGIRFP";
	char buf[96];
	int n;
	if (kind == RK_TR_SPAWN) {
		const struct rk_fiber *f =
		    (const struct rk_fiber *)(uintptr_t)c;
		char name[RK_FIBER_NAME];
		rk_strlcpy(name, f->name, sizeof(name));
		for (char *p = name; *p; p++) /* blanks would split fields */
			if (*p == ' ' || (unsigned char)*p < 0x20)
				*p = '_';
		n = rk_snprintf(buf, sizeof(buf),
		                "\x1e"
		                "F %llx %llx %llx %llx %s\n",
		                (unsigned long long)now, (unsigned long long)a,
		                (unsigned long long)b,
		                (unsigned long long)f->id,
		                name[0] ? name : "_");
	} else {
		n = rk_snprintf(buf, sizeof(buf),
		                "\x1e%c %llx %llx %llx %llx\n",
		                letter[kind < sizeof(letter) - 1 ? kind : 0],
		                (unsigned long long)now, (unsigned long long)a,
		                (unsigned long long)b, (unsigned long long)c);
	}
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	buf[n - 1] = '\n'; /* truncated: still one line */
	for (int i = 0; i < n; i++)
		hal_console_putc(buf[i]);
}

void rk_trace_console_sink(unsigned kind, uint64_t a, uint64_t b, uint64_t c)
{
	static uint64_t last_ring;
	hal_irq_state_t s = hal_irq_save();
	uint64_t now = hal_now_ns();
	/* Ring samples come with every drain: on a console that costs an
	 * MMIO exit per byte, one per 0.5 ms is plenty. */
	if (kind != RK_TR_RING || now - last_ring >= 500000) {
		if (kind == RK_TR_RING)
			last_ring = now;
		put_frame(kind, now, a, b, c);
	}
	hal_irq_restore(s);
}

/* ---- buffered: `trace=buffer` --------------------------------------
 * Events go to memory and are framed on the console only when the
 * buffer is full and when the kernel ends, so tracing hardly changes
 * the timing it records (at the price of console text no longer
 * interleaved with the events in time). */
struct rec {
	uint64_t t, b;
	uint32_t a, c;
	uint8_t kind;
};
#define TRACE_BUF_BYTES (2u << 20)
static struct rec *recs;
static size_t nrecs, caprecs;

void rk_trace_flush(void)
{
	hal_irq_state_t s = hal_irq_save();
	for (size_t i = 0; i < nrecs; i++)
		put_frame(recs[i].kind, recs[i].t, recs[i].a, recs[i].b,
		          recs[i].c);
	nrecs = 0;
	hal_irq_restore(s);
}

static void buffer_sink(unsigned kind, uint64_t a, uint64_t b, uint64_t c)
{
	hal_irq_state_t s = hal_irq_save();
	if (kind == RK_TR_SPAWN) { /* rare, and the name must be read now */
		rk_trace_flush();
		put_frame(kind, hal_now_ns(), a, b, c);
	} else {
		if (nrecs == caprecs)
			rk_trace_flush();
		recs[nrecs++] = (struct rec){hal_now_ns(), b, (uint32_t)a,
		                             (uint32_t)c, (uint8_t)kind};
	}
	hal_irq_restore(s);
}

int rk_trace_buffer_start(void)
{
	recs = hal_stack_alloc(TRACE_BUF_BYTES);
	if (!recs)
		return -1;
	caprecs = TRACE_BUF_BYTES / sizeof(*recs);
	nrecs = 0;
	rk_trace_set_sink(buffer_sink);
	return 0;
}
