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
void rk_trace_console_sink(unsigned kind, uint64_t a, uint64_t b, uint64_t c)
{
	static const char letter[] = "?SGIRF";
	char buf[96];
	hal_irq_state_t s = hal_irq_save();
	uint64_t now = hal_now_ns();
	int n;
	if (kind == RK_TR_SPAWN) {
		const struct rk_fiber *f = (const struct rk_fiber *)(uintptr_t)c;
		char name[RK_FIBER_NAME];
		rk_strlcpy(name, f->name, sizeof(name));
		for (char *p = name; *p; p++) /* blanks would split fields */
			if (*p == ' ' || (unsigned char)*p < 0x20)
				*p = '_';
		n = rk_snprintf(buf, sizeof(buf), "\x1e" "F %llx %llx %llx %llx %s\n",
		                (unsigned long long)now, (unsigned long long)a,
		                (unsigned long long)b,
		                (unsigned long long)f->id, name[0] ? name : "_");
	} else {
		n = rk_snprintf(buf, sizeof(buf), "\x1e%c %llx %llx %llx %llx\n",
		                letter[kind < sizeof(letter) - 1 ? kind : 0],
		                (unsigned long long)now, (unsigned long long)a,
		                (unsigned long long)b, (unsigned long long)c);
	}
	if (n > (int)sizeof(buf) - 1)
		n = (int)sizeof(buf) - 1;
	buf[n - 1] = '\n'; /* truncated: still one line */
	for (int i = 0; i < n; i++)
		hal_console_putc(buf[i]);
	hal_irq_restore(s);
}
