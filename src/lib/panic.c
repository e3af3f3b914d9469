/*
 * panic.c - the end of the line for a broken invariant.  Interrupts go off
 * first so nothing else runs while the message goes out.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/status.h>

_Noreturn void rk_panic(const char *fmt, ...)
{
	rk_va_list ap;

	(void)hal_irq_save();
	rk_putstr("\n[PANIC] ");
	rk_va_start(ap, fmt);
	rk_vprintf(fmt, ap);
	rk_va_end(ap);
	hal_console_putc('\n');
	hal_exit(RK_EXIT_PANIC);
}
