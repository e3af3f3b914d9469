/*
 * boot.c - aarch64 boot in C (after boot.S: EL2 -> EL1, stack, bss): the
 * timer's rate, the device tree (x0, or the start of RAM for an ELF kernel
 * on QEMU) and the console it names, memory and the initrd
 * (native/common/dtboot.c; from the EFI loader's handoff in x1 when it
 * started us), the MMU, the GIC, what EL0 may not do
 * (user.c), then rk_kmain and hal_exit.
 */
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/status.h>

#include "arch.h"
#include "dtboot.h"

#define QEMU_DTB 0x40000000ull

void a64_main(uint64_t dtb_arg, uint64_t handoff);
void a64_main(uint64_t dtb_arg, uint64_t handoff)
{
	static struct rk_boot boot;
	static struct rk_dtboot dt;

	a64_timer_init();
	/* An ELF kernel gets x0 = 0 and the DTB at the start of RAM; the
	 * blob may extend to the kernel at most. */
	uint64_t dtb = dtb_arg ? dtb_arg : QEMU_DTB;
	size_t max_len = dtb < (uintptr_t)__kernel_start
	                     ? (size_t)((uintptr_t)__kernel_start - dtb)
	                     : 2u << 20;
	int r = rk_dtboot_init(&dt, dtb, max_len);
	a64_console_init(r == 0 ? &dt.fdt : NULL);
	if (r != 0) {
		rk_printf("[BOOT] no device tree at 0x%llx: %s\n",
		          (unsigned long long)dtb, rk_fdt_strerror(r));
		hal_exit(RK_EXIT_PANIC);
	}
	if (rk_dtboot_memory(&dt, (uintptr_t)__kernel_start,
	                     (uintptr_t)__kernel_end) != 0 ||
	    (handoff && rk_dtboot_handoff(&dt, handoff) != 0))
		hal_exit(RK_EXIT_PANIC); /* said why */
	if (a64_mmu_init(dt.ram, dt.nram) < 0) {
		rk_puts("[BOOT] out of memory for page tables");
		hal_exit(RK_EXIT_PANIC);
	}
	a64_irq_init(&dt.fdt);
	a64_user_init();

	boot.platform = dt.efi ? "qemu-virt-uefi" : "qemu-virt";
	rk_dtboot_facts(&dt, &boot);
	hal_exit(rk_kmain(&boot));
}
