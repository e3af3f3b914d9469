/*
 * fdt_riscv.c - device-tree queries only riscv64 needs: the cpu node of a
 * hart, whether it runs S-mode, and the PLIC context of a hart
 * (devicetree bindings: riscv/cpus.yaml, sifive,plic-1.0.0.yaml).  Pure
 * reading of the tree, so the host tests and the fuzzer build it too.
 */
#include "fdt_riscv.h"

/* Like fdt.c, free of the kernel library: the host builds link it alone. */
static bool same(const char *a, const char *b, size_t n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

int rk_fdt_cpu_node(const struct rk_fdt *t, uint64_t hartid)
{
	int cpus = rk_fdt_path_offset(t, "/cpus");
	if (cpus < 0)
		return cpus;
	for (int c = rk_fdt_first_subnode(t, cpus); c >= 0;
	     c = rk_fdt_next_subnode(t, c)) {
		size_t len;
		const char *dt = rk_fdt_getprop(t, c, "device_type", &len);
		if (!dt || len != 4 || !same(dt, "cpu", 4))
			continue; /* cpu-map and the like */
		uint64_t reg;
		if (rk_fdt_reg(t, c, 0, &reg, NULL) == 0 && reg == hartid)
			return c;
	}
	return RK_FDT_ERR_NOTFOUND;
}

bool rk_fdt_cpu_has_smode(const struct rk_fdt *t, int cpu)
{
	if (cpu < 0 || !rk_fdt_is_enabled(t, cpu))
		return false;
	size_t len;
	const char *mmu = rk_fdt_getprop(t, cpu, "mmu-type", &len);
	return mmu && len > 1 && mmu[len - 1] == '\0' &&
	       !(len == 11 && same(mmu, "riscv,none", 11));
}

/* The phandle of the riscv,cpu-intc below the cpu node. */
static int cpu_intc_phandle(const struct rk_fdt *t, int cpu, uint32_t *ph)
{
	for (int i = rk_fdt_first_subnode(t, cpu); i >= 0;
	     i = rk_fdt_next_subnode(t, i)) {
		if (!rk_fdt_is_compatible(t, i, "riscv,cpu-intc"))
			continue;
		if (rk_fdt_getprop_u32(t, i, "phandle", ph) == 0 ||
		    rk_fdt_getprop_u32(t, i, "linux,phandle", ph) == 0)
			return 0;
		return RK_FDT_ERR_NOTFOUND;
	}
	return RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_plic(const struct rk_fdt *t, uint64_t hartid, uint32_t cause,
                struct rk_fdt_plic *p)
{
	if (!t || !t->blob || !p)
		return RK_FDT_ERR_NULL;
	struct rk_fdt_plic v;
	v.node = rk_fdt_find_compatible(t, -1, "riscv,plic0");
	if (v.node < 0)
		v.node = rk_fdt_find_compatible(t, -1, "sifive,plic-1.0.0");
	if (v.node < 0)
		return v.node;
	int r = rk_fdt_reg(t, v.node, 0, &v.base, &v.size);
	if (r < 0 ||
	    (r = rk_fdt_getprop_u32(t, v.node, "riscv,ndev", &v.ndev)) < 0)
		return r;
	int cpu = rk_fdt_cpu_node(t, hartid);
	if (cpu < 0)
		return cpu;
	uint32_t ph;
	if ((r = cpu_intc_phandle(t, cpu, &ph)) < 0)
		return r;
	size_t len;
	const void *ie = rk_fdt_getprop(t, v.node, "interrupts-extended", &len);
	if (!ie)
		return RK_FDT_ERR_NOTFOUND;
	/* Pairs <phandle cause>, one per context (cpu-intc has
	 * #interrupt-cells = 1). */
	if (len % 8)
		return RK_FDT_ERR_BADVALUE;
	for (size_t i = 0; i < len / 8; i++) {
		uint64_t h, c;
		if (rk_fdt_read_cells(ie, len, 2 * i, 1, &h) < 0 ||
		    rk_fdt_read_cells(ie, len, 2 * i + 1, 1, &c) < 0)
			return RK_FDT_ERR_BADVALUE;
		if (h == ph && c == cause) {
			v.context = (uint32_t)i;
			*p = v;
			return 0;
		}
	}
	return RK_FDT_ERR_NOTFOUND;
}
