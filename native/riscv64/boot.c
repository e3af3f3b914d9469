/*
 * boot.c - riscv64 boot in C (after boot.S: relocation, stack, bss, the
 * trap vector): the device tree a1 points to and the console it names,
 * the timebase and exit device, memory and the initrd
 * (native/common/dtboot.c), Sv39, the PLIC, then rk_kmain and hal_exit.
 *
 * Everything board-specific comes from the tree, so one image serves
 * QEMU virt and boards; QEMU virt's values are the fallbacks.
 */
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/status.h>

#include "arch.h"
#include "dtboot.h"

#define DTB_MAX (16u << 20) /* bound for the header check */

/* One line for bring-up on a board: what was taken from the DTB. */
static void boot_report(unsigned long hartid, const struct rk_fdt *t)
{
	const char *args = rk_fdt_bootargs(t);
	rk_printf("[BOOT] riscv64 hart %lu, image at %p, DTB %u bytes, "
	          "timebase %llu Hz\n",
	          hartid, (void *)_start, (unsigned)t->totalsize,
	          (unsigned long long)rv_timebase());
	rv_console_report();
	if (args && args[0])
		rk_printf("[BOOT] bootargs: %s\n", args);
}

/* Below the kernel is the firmware's (OpenSBI at RAM + 0): keep it out
 * of the page allocator even when the tree forgets to say so. */
static void reserve_firmware(const struct rk_dtboot *dt)
{
	uint64_t k = (uint64_t)(uintptr_t)_start;
	for (unsigned i = 0; i < dt->nram; i++)
		if (dt->ram[i].base <= k &&
		    k - dt->ram[i].base < dt->ram[i].size)
			rk_pmm_reserve(dt->ram[i].base, k - dt->ram[i].base);
}

_Noreturn void rv_main(unsigned long hartid, uint64_t dtb_pa);
_Noreturn void rv_main(unsigned long hartid, uint64_t dtb_pa)
{
	static struct rk_boot boot;
	static struct rk_dtboot dt;

	/* hartid: the boot hart (others never get here, see boot.S); it
	 * picks this hart's PLIC context. */
	int err = rk_dtboot_init(&dt, dtb_pa, DTB_MAX);
	rv_timer_init(err == 0 ? &dt.fdt : NULL);
	rv_console_init(err == 0 ? &dt.fdt : NULL);
	if (err) {
		rk_printf("[BOOT] no usable device tree at 0x%llx (a1): %s\n",
		          (unsigned long long)dtb_pa, rk_fdt_strerror(err));
		hal_exit(RK_EXIT_PANIC);
	}
	rv_exit_init(&dt.fdt);
	if (rk_dtboot_memory(&dt, (uint64_t)(uintptr_t)_start,
	                     (uint64_t)(uintptr_t)_end) != 0)
		hal_exit(RK_EXIT_PANIC); /* said why */
	reserve_firmware(&dt);
	boot_report(hartid, &dt.fdt);
	rv_mmu_init(dt.ram, dt.nram);
	if (rv_irq_init(&dt.fdt, hartid) != 0)
		rk_puts("[BOOT] no PLIC context for this hart: no interrupt "
		        "lines");

	boot.platform = "qemu-virt";
	rk_dtboot_facts(&dt, &boot);
	const char *model = rk_fdt_getprop_str(
	    &dt.fdt, rk_fdt_path_offset(&dt.fdt, "/"), "model");
	if (model && rk_strncmp(model, "riscv-virtio", 12) != 0)
		boot.platform = model;
	hal_exit(rk_kmain(&boot));
}
