/*
 * dtboot.h - boot facts from a device tree, shared by the DTB platforms
 * (aarch64, riscv64).
 */
#ifndef RUMPK_NATIVE_DTBOOT_H
#define RUMPK_NATIVE_DTBOOT_H

#include <stdint.h>

#include "fdt.h"

/* The initrd /chosen names (linux,initrd-start/-end), checked against
 * the tree's own /memory ranges: 0 with [*start, *end) inside one of
 * them; 1 when the tree names no initrd; -1 when it names one that is
 * malformed or not wholly in RAM, after saying which on the console. */
int rk_dtboot_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end);

#endif
