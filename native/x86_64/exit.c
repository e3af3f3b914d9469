/*
 * exit.c - the exit device: QEMU's isa-debug-exit at I/O port 0xf4
 * (QEMU exits with (value << 1) | 1), then a triple fault, which QEMU
 * under -no-reboot turns into an exit as well (scripts/qemu_run.py tells
 * the two apart by the [EXIT] line native/common/exit.c prints).
 */
#include <rumpk/hal.h>

#include "arch.h"
#include "port.h"

_Noreturn void x86_reset(void)
{
	/* An empty IDT and an interrupt: a triple fault. */
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} none = {0, 0};
	__asm__ volatile("lidt %0; int3" : : "m"(none));
	for (;;)
		__asm__ volatile("cli; hlt");
}

_Noreturn void rk_arch_exit(int status)
{
	outl(0xf4, (uint32_t)status);
	x86_reset();
}
