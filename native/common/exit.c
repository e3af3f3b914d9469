/*
 * exit.c - hal_exit for every native kernel: interrupts off, the
 * `[EXIT] status N` line that scripts/qemu_run.py trusts QEMU's status
 * only together with (docs/exit-status.md), then the port's exit device.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "port.h"

_Noreturn void hal_exit(int status)
{
	(void)hal_irq_save();
	rk_printf("[EXIT] status %d\n", status);
	rk_arch_exit(status);
}
