/*
 * fdt_riscv.h - device-tree queries only riscv64 needs (fdt_riscv.c).
 */
#ifndef RUMPK_RV_FDT_RISCV_H
#define RUMPK_RV_FDT_RISCV_H

#include <stdbool.h>
#include <stdint.h>

/* By relative path: a host build may see libfdt's own <fdt.h> first. */
#include "../common/fdt.h"

/* The /cpus/cpu@N node whose reg is hartid (device_type "cpu"). */
int rk_fdt_cpu_node(const struct rk_fdt *t, uint64_t hartid);
/* Can this cpu run our supervisor-mode kernel (which uses Sv39)?  The
 * riscv,isa string does not say (S is not a letter in it), the binding's
 * mmu-type does: true when the node is enabled and has an mmu-type other
 * than "riscv,none".  false for the JH7110's S7 monitor core (hart 0:
 * rv64imac, no MMU, status "disabled"). */
bool rk_fdt_cpu_has_smode(const struct rk_fdt *t, int cpu);
/* The PLIC (riscv,plic0 or sifive,plic-1.0.0) and, for the hart hartid,
 * the index of its context for cause (9: supervisor external, 11:
 * machine external) in interrupts-extended: the pair whose phandle is
 * that hart's riscv,cpu-intc. */
struct rk_fdt_plic {
	int node;
	uint64_t base, size;
	uint32_t ndev;    /* riscv,ndev: sources 1..ndev */
	uint32_t context; /* for the hart and cause asked */
};
int rk_fdt_plic(const struct rk_fdt *t, uint64_t hartid, uint32_t cause,
                struct rk_fdt_plic *p);

#endif
