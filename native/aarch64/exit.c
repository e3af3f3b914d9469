/*
 * exit.c - the exit device: semihosting SYS_EXIT (QEMU with -semihosting
 * exits with the status), else PSCI SYSTEM_OFF.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

volatile bool a64_exiting;

_Noreturn void a64_poweroff(void)
{
	/* PSCI SYSTEM_OFF (QEMU virt: HVC conduit); exits QEMU with 0. */
	register uint64_t x0 __asm__("x0") = 0x84000008u;
	__asm__ volatile("hvc #0" : "+r"(x0)::"memory");
	for (;;)
		__asm__ volatile("wfi");
}

_Noreturn void rk_arch_exit(int status)
{
	if (!a64_exiting) {
		a64_exiting = true;
		/* Semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and
		 * the status: QEMU exits with rc = status.  (Without
		 * -semihosting the HLT traps and trap.c powers off.) */
		uint64_t block[2] = {0x20026, (uint64_t)(unsigned)status};
		a64_semihost_call(0x18, block);
	}
	a64_poweroff();
}
