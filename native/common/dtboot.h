/*
 * dtboot.h - the boot sequence of the device-tree platforms (aarch64,
 * riscv64), written once: the tree, then memory, then the boot facts.
 */
#ifndef RUMPK_NATIVE_DTBOOT_H
#define RUMPK_NATIVE_DTBOOT_H

#include <stdbool.h>
#include <stdint.h>

#include <rumpk/kernel.h>

#include "fdt.h"
#include "pmm.h"
#include "port.h"

struct rk_dtboot {
	struct rk_fdt fdt;
	uint64_t dtb; /* where the tree is */
	/* RAM, from the /memory nodes, in document order. */
	struct rk_mem_range ram[RK_PMM_MAX_RANGES];
	unsigned nram;
	/* The initrd /chosen names, inside RAM (rk_dtboot_initrd). */
	bool has_initrd;
	uint64_t initrd_start, initrd_end;
	/* From the EFI loader's handoff, when there is one (else NULL:
	 * /chosen bootargs). */
	const char *cmdline;
	bool efi;
};

/* Step 1: validates the tree at dtb (at most max_len bytes), so that the
 * port can find its console in it.  0 or an RK_FDT_ERR_ code. */
int rk_dtboot_init(struct rk_dtboot *b, uint64_t dtb, size_t max_len);

/* Step 2: memory.  Gives every RAM range to the page allocator, then
 * reserves what is in use: the kernel image [kernel_start, kernel_end),
 * the tree, its memory reservation block, every /reserved-memory region
 * and the initrd (checked to lie in RAM).  Folds the boot loader's
 * /chosen rng-seed and kaslr-seed into the entropy pool.  0, or -1 after
 * saying why on the console (no memory, an initrd outside RAM). */
int rk_dtboot_memory(struct rk_dtboot *b, uint64_t kernel_start,
                     uint64_t kernel_end);

/* Step 2b, after step 2 on a kernel entered by the EFI loader
 * (native/efi): the handoff at addr (x1) replaces /chosen: its payload
 * blob and command line, checked and reserved, and the memory the
 * firmware keeps, reserved.  0, or -1 after saying why. */
int rk_dtboot_handoff(struct rk_dtboot *b, uint64_t addr);

/* Step 3: the facts the core needs: the command line (/chosen bootargs)
 * and the initrd, which means "run these payloads" even when empty. */
void rk_dtboot_facts(const struct rk_dtboot *b, struct rk_boot *boot);

/* The initrd /chosen names (linux,initrd-start/-end), checked against
 * the tree's own /memory ranges: 0 with [*start, *end) inside one of
 * them; 1 when the tree names no initrd; -1 when it names one that is
 * malformed or not wholly in RAM, after saying which on the console. */
int rk_dtboot_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end);

#endif
