/*
 * test_fdt.c - native/common/fdt.c, the kernels' device-tree reader, on
 * the host, against libfdt (dtc's reference library) as the oracle.
 *
 *   test_fdt RISCV.dtb RISCV-INITRD.dtb AARCH64.dtb VISIONFIVE2.dtb
 *
 * Trees: QEMU 7.2's own (the .dtb files in tests/data, see README.md there) and
 * a VisionFive 2 tree written from the board's public facts
 * (tests/data/visionfive2.dts, compiled by dtc at build time).
 *  - Walk: every node, depth, name, parent, path and property agrees with
 *    libfdt.
 *  - Lookups: memory, /chosen (initrd, bootargs, stdout), the console
 *    UART with its reg-shift / reg-io-width / clock / interrupt, the
 *    PLIC context of a hart, the timebase, S-mode harts.
 *  - Malformed blobs: hand-made errors each give their error code.
 *  - Fuzz: every truncation of every tree, and random bit flips (fixed
 *    seed): rk_fdt_init must fail cleanly, or accept a blob libfdt's
 *    fdt_check_full accepts too and then walk it exactly as libfdt does;
 *    every query then runs on it.  Blobs live in exact-size heap buffers
 *    so that AddressSanitizer (this test is built with it where the
 *    compiler has it) catches any read past the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "../native/common/fdt.h"
#include "../native/riscv64/fdt_riscv.h"

enum { T_RV, T_RVI, T_A64, T_VF2, NTREES };
static const char *tree_name[NTREES] = {"qemu-virt-riscv64",
                                        "qemu-virt-riscv64-initrd",
                                        "qemu-virt-aarch64", "visionfive2"};
static const char *tree_path[NTREES];
static uint8_t *tree[NTREES];
static size_t tree_len[NTREES];

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

/* An exact-size heap copy: one byte past the end is outside the
 * allocation, which ASan reports. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	assert_non_null(c);
	if (n)
		memcpy(c, p, n);
	return c;
}

static uint64_t rd_cells(const void *p, int cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < 4 * cells; i++)
		v = v << 8 | b[i];
	return v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- differential walk against libfdt ------------------------------- */

/* Number of differences between the two readers' view of blob (which
 * both must accept).  With fail_hard, the first difference fails the
 * test with a message. */
static int compare_walk(const struct rk_fdt *t, const void *blob,
                        bool fail_hard)
{
	int diffs = 0;
#define DIFF(cond, ...)                                                        \
	do {                                                                   \
		if (cond) {                                                    \
			if (fail_hard)                                         \
				fail_msg(__VA_ARGS__);                         \
			diffs++;                                               \
		}                                                              \
	} while (0)
	/* libfdt counts from the depth it is given (-1: the root is 0) and
	 * ends a walk with depth < 0; rk's root is depth 0 and it returns
	 * RK_FDT_ERR_NOTFOUND at the end. */
	int ld = -1, rd = 0;
	int lo = fdt_next_node(blob, -1, &ld);
	int ro = rk_fdt_next_node(t, -1, &rd);
	int count = 0;
	while (lo >= 0 && ld >= 0 && count++ < 100000) {
		DIFF(ro != lo, "node: libfdt %d, rk %d", lo, ro);
		if (ro != lo)
			return diffs;
		DIFF(rd != ld, "depth at %d: libfdt %d, rk %d", lo, ld, rd);
		int llen = 0;
		const char *ln = fdt_get_name(blob, lo, &llen);
		size_t rlen = 0;
		const char *rn = rk_fdt_name(t, ro, &rlen);
		DIFF(!ln || !rn || (size_t)llen != rlen ||
		         memcmp(ln, rn, rlen) != 0,
		     "name at %d", lo);
		DIFF(fdt_parent_offset(blob, lo) != rk_fdt_parent(t, ro) &&
		         !(fdt_parent_offset(blob, lo) < 0 &&
		           rk_fdt_parent(t, ro) < 0),
		     "parent of %d: libfdt %d, rk %d", lo,
		     fdt_parent_offset(blob, lo), rk_fdt_parent(t, ro));
		/* Every property, looked up by name, is the same bytes (the
		 * first of that name, as both readers return the first). */
		int p;
		fdt_for_each_property_offset(p, blob, lo)
		{
			const char *pname;
			int plen;
			const void *pv =
			    fdt_getprop_by_offset(blob, p, &pname, &plen);
			if (!pv || !pname)
				continue;
			int flen;
			const void *first = fdt_getprop(blob, lo, pname, &flen);
			size_t mylen = 0;
			const void *mine = rk_fdt_getprop(t, ro, pname, &mylen);
			DIFF(mine != first || (int)mylen != flen,
			     "property %s of node %d", pname, lo);
		}
		/* The path, when libfdt can make one, leads back here unless
		 * an earlier sibling has the same name. */
		char path[512];
		if (fdt_get_path(blob, lo, path, sizeof(path)) == 0 &&
		    fdt_path_offset(blob, path) == lo)
			DIFF(rk_fdt_path_offset(t, path) != lo,
			     "path %s: rk %d, libfdt %d", path,
			     rk_fdt_path_offset(t, path), lo);
		/* Subnode iteration. */
		int ls = fdt_first_subnode(blob, lo);
		int rs = rk_fdt_first_subnode(t, ro);
		while (ls >= 0 && rs == ls) {
			ls = fdt_next_subnode(blob, ls);
			rs = rk_fdt_next_subnode(t, rs);
		}
		DIFF(!(ls < 0 && rs < 0), "subnodes of %d: libfdt %d, rk %d",
		     lo, ls, rs);
		lo = fdt_next_node(blob, lo, &ld);
		ro = rk_fdt_next_node(t, ro, &rd);
	}
	DIFF(ro >= 0, "rk has a node (%d) after libfdt's last", ro);
	/* The reservation map. */
	int nrsv = fdt_num_mem_rsv(blob);
	for (int i = 0; nrsv >= 0 && i <= nrsv; i++) {
		uint64_t la, ls2, ra = 0, rs2 = 0;
		int lr = i < nrsv ? fdt_get_mem_rsv(blob, i, &la, &ls2) : -1;
		int rr = rk_fdt_rsvmap(t, (unsigned)i, &ra, &rs2);
		DIFF((lr == 0) != (rr == 0) ||
		         (lr == 0 && (la != ra || ls2 != rs2)),
		     "rsvmap entry %d", i);
	}
#undef DIFF
	return diffs;
}

/* Runs every query of the reader on t (accepted by rk_fdt_init): none
 * may crash or read outside the blob, whatever it holds. */
static unsigned query_everything(const struct rk_fdt *t)
{
	unsigned sink = 0;
	uint64_t a, b;
	uint32_t v;
	int depth = 0;
	int n = 0;
	for (int o = rk_fdt_next_node(t, -1, &depth); o >= 0 && n < 4096;
	     o = rk_fdt_next_node(t, o, &depth), n++) {
		size_t len;
		if (rk_fdt_name(t, o, &len))
			sink += (unsigned)len;
		for (unsigned i = 0; i < 3; i++)
			if (rk_fdt_reg(t, o, i, &a, &b) == 0)
				sink += (unsigned)(a + b);
		if (rk_fdt_interrupt_cell(t, o, 0, &v) == 0)
			sink += v;
		sink += rk_fdt_is_enabled(t, o);
		sink += rk_fdt_is_uart16550(t, o);
		sink += rk_fdt_cpu_has_smode(t, o);
		sink += (unsigned)rk_fdt_address_cells(t, o);
		sink += (unsigned)rk_fdt_size_cells(t, o);
		if (rk_fdt_getprop_str(t, o, "compatible"))
			sink++;
		struct rk_fdt_uart u;
		if (rk_fdt_uart16550(t, o, &u) == 0)
			sink += u.reg_shift;
		sink += (unsigned)rk_fdt_parent(t, o);
	}
	for (unsigned i = 0; i < 8; i++) {
		if (rk_fdt_memory(t, i, &a, &b) == 0)
			sink += (unsigned)a;
		if (rk_fdt_rsvmap(t, i, &a, &b) == 0)
			sink += (unsigned)a;
	}
	if (rk_fdt_initrd(t, &a, &b) == 0)
		sink += (unsigned)(b - a);
	if (rk_fdt_timebase(t, &a) == 0)
		sink += (unsigned)a;
	const char *s = rk_fdt_bootargs(t);
	if (s)
		sink += (unsigned)strlen(s);
	sink += (unsigned)rk_fdt_stdout(t);
	struct rk_fdt_uart u;
	if (rk_fdt_console_uart(t, &u) == 0)
		sink += (unsigned)u.base;
	for (unsigned h = 0; h < 5; h++) {
		struct rk_fdt_plic p;
		if (rk_fdt_plic(t, h, 9, &p) == 0)
			sink += p.context;
		sink += rk_fdt_cpu_has_smode(t, rk_fdt_cpu_node(t, h));
	}
	static const char *const paths[] = {
	    "/",
	    "/chosen",
	    "/cpus",
	    "/cpus/cpu@0",
	    "/soc/serial",
	    "/soc/serial@10000000",
	    "/memory",
	    "//chosen/",
	    "/aliases",
	    "/reserved-memory",
	    "/nonexistent/x",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		sink += (unsigned)rk_fdt_path_offset(t, paths[i]);
	static const char *const compats[] = {
	    "ns16550a",  "snps,dw-apb-uart", "riscv,plic0",
	    "arm,pl011", "sifive,test0",
	};
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++)
		for (int o = rk_fdt_find_compatible(t, -1, compats[i]); o >= 0;
		     o = rk_fdt_find_compatible(t, o, compats[i]))
			sink++;
	return sink;
}

static void test_walk_matches_libfdt(void **state)
{
	(void)state;
	for (int i = 0; i < NTREES; i++) {
		struct rk_fdt t;
		uint8_t *b = dup_exact(tree[i], tree_len[i]);
		assert_int_equal(fdt_check_full(b, tree_len[i]), 0);
		int r = rk_fdt_init(&t, b, tree_len[i]);
		if (r != 0)
			fail_msg("%s: rk_fdt_init: %s", tree_name[i],
			         rk_fdt_strerror(r));
		assert_int_equal(compare_walk(&t, b, true), 0);
		(void)query_everything(&t);
		free(b);
	}
}

/* ---- what the kernels read ----------------------------------------- */

static void init_tree(struct rk_fdt *t, int i)
{
	int r = rk_fdt_init(t, tree[i], tree_len[i]);
	if (r != 0)
		fail_msg("%s: %s", tree_name[i], rk_fdt_strerror(r));
}

/* libfdt's answer for /memory reg entry 0 (root #address/#size-cells 2). */
static void libfdt_memory(const void *blob, uint64_t *base, uint64_t *size)
{
	int n =
	    fdt_node_offset_by_prop_value(blob, -1, "device_type", "memory", 7);
	assert_true(n >= 0);
	int len;
	const void *reg = fdt_getprop(blob, n, "reg", &len);
	assert_non_null(reg);
	assert_true(len >= 16);
	*base = rd_cells(reg, 2);
	*size = rd_cells((const uint8_t *)reg + 8, 2);
}

static void test_qemu_riscv64(void **state)
{
	(void)state;
	struct rk_fdt t;
	uint64_t a, b, lb, ls;
	init_tree(&t, T_RV);
	assert_int_equal(rk_fdt_memory(&t, 0, &a, &b), 0);
	libfdt_memory(tree[T_RV], &lb, &ls);
	assert_int_equal(a, lb);
	assert_int_equal(b, ls);
	assert_int_equal(a, 0x80000000u);
	assert_int_equal(b, 256u << 20);
	assert_int_equal(rk_fdt_memory(&t, 1, &a, &b), RK_FDT_ERR_NOTFOUND);

	assert_int_equal(rk_fdt_timebase(&t, &a), 0);
	assert_int_equal(a, 10000000u);

	struct rk_fdt_uart u;
	assert_int_equal(rk_fdt_console_uart(&t, &u), 0);
	assert_int_equal(u.node, rk_fdt_stdout(&t));
	assert_int_equal(u.node,
	                 fdt_path_offset(tree[T_RV], "/soc/serial@10000000"));
	assert_int_equal(u.base, 0x10000000u);
	assert_int_equal(u.size, 0x100u);
	assert_int_equal(u.reg_shift, 0);
	assert_int_equal(u.reg_io_width, 1);
	assert_int_equal(u.clock_hz, 3686400u); /* QEMU's 16550 */
	assert_int_equal(u.irq, 10);

	struct rk_fdt_plic p;
	assert_int_equal(rk_fdt_plic(&t, 0, 9, &p), 0);
	assert_int_equal(p.base, 0x0c000000u);
	assert_int_equal(p.context, 1); /* hart 0: M is 0, S is 1 */
	assert_int_equal(p.ndev, 96);   /* QEMU 7.2 virt: 0x60 sources */
	uint32_t lnd;
	memcpy(&lnd, fdt_getprop(tree[T_RV], p.node, "riscv,ndev", NULL), 4);
	assert_int_equal(p.ndev, fdt32_to_cpu(lnd));
	assert_int_equal(rk_fdt_plic(&t, 0, 11, &p), 0);
	assert_int_equal(p.context, 0);
	assert_int_equal(rk_fdt_plic(&t, 1, 9, &p), RK_FDT_ERR_NOTFOUND);
	assert_true(rk_fdt_cpu_has_smode(&t, rk_fdt_cpu_node(&t, 0)));
	assert_int_equal(rk_fdt_cpu_node(&t, 1), RK_FDT_ERR_NOTFOUND);

	assert_int_equal(rk_fdt_initrd(&t, &a, &b), RK_FDT_ERR_NOTFOUND);
	assert_null(rk_fdt_bootargs(&t));
	int ex = rk_fdt_find_compatible(&t, -1, "sifive,test0");
	assert_true(ex >= 0);
	assert_int_equal(rk_fdt_reg(&t, ex, 0, &a, NULL), 0);
	assert_int_equal(a, 0x100000u);
}

static void test_qemu_riscv64_initrd(void **state)
{
	(void)state;
	struct rk_fdt t;
	uint64_t s, e;
	init_tree(&t, T_RVI);
	/* QEMU -initrd of a 4096-byte file, -append, -smp 2. */
	assert_int_equal(rk_fdt_initrd(&t, &s, &e), 0);
	int c = fdt_path_offset(tree[T_RVI], "/chosen");
	int len;
	const void *ps =
	    fdt_getprop(tree[T_RVI], c, "linux,initrd-start", &len);
	assert_non_null(ps);
	assert_int_equal(s, rd_cells(ps, len / 4));
	assert_int_equal(e - s, 4096);
	const char *args = rk_fdt_bootargs(&t);
	assert_non_null(args);
	assert_string_equal(args, "rumpk.test=1 console=ttyS0");
	assert_string_equal(args,
	                    fdt_getprop(tree[T_RVI], c, "bootargs", NULL));
	struct rk_fdt_plic p;
	assert_int_equal(rk_fdt_plic(&t, 1, 9, &p), 0);
	assert_int_equal(p.context, 3);
	assert_true(rk_fdt_cpu_has_smode(&t, rk_fdt_cpu_node(&t, 1)));
}

static void test_qemu_aarch64(void **state)
{
	(void)state;
	struct rk_fdt t;
	uint64_t a, b;
	init_tree(&t, T_A64);
	assert_int_equal(rk_fdt_memory(&t, 0, &a, &b), 0);
	assert_int_equal(a, 0x40000000u);
	assert_int_equal(b, 256u << 20);
	int n = rk_fdt_stdout(&t);
	assert_int_equal(n, fdt_path_offset(tree[T_A64], "/pl011@9000000"));
	assert_true(rk_fdt_is_compatible(&t, n, "arm,pl011"));
	assert_int_equal(rk_fdt_reg(&t, n, 0, &a, NULL), 0);
	assert_int_equal(a, 0x09000000u);
	/* No 16550, no PLIC, no riscv timebase on this machine. */
	struct rk_fdt_uart u;
	assert_int_equal(rk_fdt_console_uart(&t, &u), RK_FDT_ERR_NOTFOUND);
	struct rk_fdt_plic p;
	assert_true(rk_fdt_plic(&t, 0, 9, &p) < 0);
	assert_int_equal(rk_fdt_timebase(&t, &a), RK_FDT_ERR_NOTFOUND);
	/* GICv2: distributor and CPU interface are reg entries 0 and 1. */
	int gic = rk_fdt_find_compatible(&t, -1, "arm,cortex-a15-gic");
	assert_true(gic >= 0);
	assert_int_equal(rk_fdt_reg(&t, gic, 0, &a, NULL), 0);
	assert_int_equal(a, 0x08000000u);
	assert_int_equal(rk_fdt_reg(&t, gic, 1, &a, NULL), 0);
	assert_int_equal(a, 0x08010000u);
}

static void test_visionfive2(void **state)
{
	(void)state;
	struct rk_fdt t;
	uint64_t a, b;
	init_tree(&t, T_VF2);
	assert_int_equal(rk_fdt_memory(&t, 0, &a, &b), 0);
	assert_int_equal(a, 0x40000000u);
	assert_int_equal(b, 4ull << 30);
	assert_int_equal(rk_fdt_timebase(&t, &a), 0);
	assert_int_equal(a, 4000000u);

	/* stdout-path "serial0:115200n8": an alias with options. */
	int so = rk_fdt_stdout(&t);
	assert_int_equal(so,
	                 fdt_path_offset(tree[T_VF2], "/soc/serial@10000000"));
	struct rk_fdt_uart u;
	assert_int_equal(rk_fdt_console_uart(&t, &u), 0);
	assert_int_equal(u.node, so);
	assert_int_equal(u.base, 0x10000000u);
	assert_int_equal(u.size, 0x10000u);
	assert_int_equal(u.reg_shift, 2);
	assert_int_equal(u.reg_io_width, 4);
	assert_int_equal(u.clock_hz, 24000000u);
	assert_int_equal(u.baud, 115200u);
	assert_int_equal(u.irq, 32);
	/* The disabled UART1 is a 16550 too, but not the console. */
	int u1 = fdt_path_offset(tree[T_VF2], "/soc/serial@10010000");
	assert_true(rk_fdt_is_uart16550(&t, u1));
	assert_false(rk_fdt_is_enabled(&t, u1));

	/* Hart 0 is the S7: no S-mode, only a machine PLIC context. */
	int c0 = rk_fdt_cpu_node(&t, 0);
	assert_int_equal(c0, fdt_path_offset(tree[T_VF2], "/cpus/cpu@0"));
	assert_false(rk_fdt_cpu_has_smode(&t, c0));
	struct rk_fdt_plic p;
	assert_int_equal(rk_fdt_plic(&t, 0, 9, &p), RK_FDT_ERR_NOTFOUND);
	assert_int_equal(rk_fdt_plic(&t, 0, 11, &p), 0);
	assert_int_equal(p.context, 0);
	for (unsigned h = 1; h <= 4; h++) {
		assert_true(rk_fdt_cpu_has_smode(&t, rk_fdt_cpu_node(&t, h)));
		assert_int_equal(rk_fdt_plic(&t, h, 9, &p), 0);
		assert_int_equal(p.context, 2 * h);
		assert_int_equal(p.base, 0x0c000000u);
		assert_int_equal(p.size, 0x04000000u);
		assert_int_equal(p.ndev, 136);
		assert_int_equal(rk_fdt_plic(&t, h, 11, &p), 0);
		assert_int_equal(p.context, 2 * h - 1);
	}
	assert_int_equal(rk_fdt_cpu_node(&t, 5), RK_FDT_ERR_NOTFOUND);

	assert_int_equal(rk_fdt_initrd(&t, &a, &b), 0);
	assert_int_equal(a, 0x46100000u);
	assert_int_equal(b, 0x46100a5cu);
	assert_string_equal(rk_fdt_bootargs(&t),
	                    "console=ttyS0,115200 rumpk.board=vf2");
	/* OpenSBI's reserved region. */
	int rm = rk_fdt_path_offset(&t, "/reserved-memory");
	int r0 = rk_fdt_first_subnode(&t, rm);
	assert_true(r0 >= 0);
	assert_int_equal(rk_fdt_reg(&t, r0, 0, &a, &b), 0);
	assert_int_equal(a, 0x40000000u);
	assert_int_equal(b, 0x40000u);
	/* The model names the platform. */
	assert_string_equal(
	    rk_fdt_getprop_str(&t, rk_fdt_path_offset(&t, "/"), "model"),
	    "StarFive VisionFive 2 v1.3B");
}

/* Bad values in a well-formed tree give errors, not garbage. */
static void test_bad_uart_values(void **state)
{
	(void)state;
	char buf[4096];
	static const struct {
		const char *prop;
		uint32_t val;
		int want;
	} cases[] = {
	    {"reg-io-width", 2, RK_FDT_ERR_BADVALUE},
	    {"reg-io-width", 8, RK_FDT_ERR_BADVALUE},
	    {"reg-shift", 5, RK_FDT_ERR_BADVALUE},
	    {"reg-shift", 2, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
		assert_int_equal(fdt_finish_reservemap(buf), 0);
		assert_int_equal(fdt_begin_node(buf, ""), 0);
		assert_int_equal(fdt_property_u32(buf, "#address-cells", 1), 0);
		assert_int_equal(fdt_property_u32(buf, "#size-cells", 1), 0);
		assert_int_equal(fdt_begin_node(buf, "serial@1000"), 0);
		assert_int_equal(
		    fdt_property_string(buf, "compatible", "ns16550a"), 0);
		uint32_t reg[2] = {cpu_to_fdt32(0x1000), cpu_to_fdt32(0x100)};
		assert_int_equal(fdt_property(buf, "reg", reg, sizeof(reg)), 0);
		assert_int_equal(
		    fdt_property_u32(buf, cases[i].prop, cases[i].val), 0);
		assert_int_equal(fdt_end_node(buf), 0);
		assert_int_equal(fdt_end_node(buf), 0);
		assert_int_equal(fdt_finish(buf), 0);
		struct rk_fdt t;
		assert_int_equal(rk_fdt_init(&t, buf, sizeof(buf)), 0);
		struct rk_fdt_uart u;
		assert_int_equal(rk_fdt_console_uart(&t, &u), cases[i].want);
	}
	/* A 16-bit reg-shift cell is a bad length. */
	assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
	assert_int_equal(fdt_finish_reservemap(buf), 0);
	assert_int_equal(fdt_begin_node(buf, ""), 0);
	assert_int_equal(fdt_begin_node(buf, "serial@0"), 0);
	assert_int_equal(
	    fdt_property_string(buf, "compatible", "snps,dw-apb-uart"), 0);
	uint32_t reg[3] = {0, cpu_to_fdt32(0x10000000), cpu_to_fdt32(0x100)};
	assert_int_equal(fdt_property(buf, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_property(buf, "reg-shift", "\0\2", 2), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_end_node(buf), 0);
	assert_int_equal(fdt_finish(buf), 0);
	struct rk_fdt t;
	assert_int_equal(rk_fdt_init(&t, buf, sizeof(buf)), 0);
	struct rk_fdt_uart u;
	assert_int_equal(rk_fdt_console_uart(&t, &u), RK_FDT_ERR_BADVALUE);
}

/* ---- malformed blobs ------------------------------------------------ */

static int init_copy(const uint8_t *b, size_t n)
{
	uint8_t *c = dup_exact(b, n);
	struct rk_fdt t;
	int r = rk_fdt_init(&t, c, n);
	if (r == 0)
		(void)query_everything(&t);
	else
		assert_null(t.blob);
	free(c);
	return r;
}

static void test_malformed(void **state)
{
	(void)state;
	const uint8_t *g = tree[T_VF2];
	size_t n = tree_len[T_VF2];
	struct rk_fdt t;
	uint8_t *c = malloc(n);
	assert_non_null(c);

	assert_int_equal(rk_fdt_init(&t, NULL, 100), RK_FDT_ERR_NULL);
	assert_int_equal(rk_fdt_init(NULL, g, n), RK_FDT_ERR_NULL);
	assert_int_equal(init_copy(g, 10), RK_FDT_ERR_TRUNCATED);
	assert_int_equal(init_copy(g, n - 1), RK_FDT_ERR_TRUNCATED);
	assert_int_equal(init_copy(g, n), 0);

	memcpy(c, g, n);
	c[0] ^= 1;
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_MAGIC);

	memcpy(c, g, n);
	put32(c + 20, 15); /* version */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_VERSION);

	memcpy(c, g, n);
	put32(c + 8, (uint32_t)n + 4); /* off_dt_struct past the end */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_LAYOUT);

	memcpy(c, g, n);
	put32(c + 36, 0xfffffff0u); /* size_dt_struct huge */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_LAYOUT);

	memcpy(c, g, n);
	put32(c + 32, 0xfffffff0u); /* size_dt_strings huge */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_LAYOUT);

	memcpy(c, g, n);
	put32(c + 4, (uint32_t)n + 16); /* totalsize beyond the buffer */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_TRUNCATED);
	put32(c + 4, 0xfffffff0u); /* and absurd */
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_LAYOUT);

	/* A bad token right after the root's name. */
	memcpy(c, g, n);
	uint32_t so = fdt_off_dt_struct(g);
	put32(c + so + 8, 7);
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_STRUCT);

	/* A property name offset past the strings block. */
	memcpy(c, g, n);
	int root = fdt_path_offset(g, "/");
	int prop = fdt_first_property_offset(g, root);
	assert_true(prop >= 0);
	put32(c + so + (uint32_t)prop + 8, fdt_size_dt_strings(g));
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_STRUCT);

	/* A property length running out of the structure block. */
	memcpy(c, g, n);
	put32(c + so + (uint32_t)prop + 4, fdt_size_dt_struct(g));
	assert_int_equal(init_copy(c, n), RK_FDT_ERR_STRUCT);

	/* Nesting deeper than RK_FDT_MAX_DEPTH. */
	char deep[8192];
	assert_int_equal(fdt_create(deep, sizeof(deep)), 0);
	assert_int_equal(fdt_finish_reservemap(deep), 0);
	for (int i = 0; i <= RK_FDT_MAX_DEPTH; i++)
		assert_int_equal(fdt_begin_node(deep, i ? "n" : ""), 0);
	for (int i = 0; i <= RK_FDT_MAX_DEPTH; i++)
		assert_int_equal(fdt_end_node(deep), 0);
	assert_int_equal(fdt_finish(deep), 0);
	assert_int_equal(rk_fdt_init(&t, deep, sizeof(deep)), RK_FDT_ERR_DEPTH);

	/* Every error has its own message. */
	for (int e = RK_FDT_ERR_NULL; e >= RK_FDT_ERR_BADPATH; e--)
		for (int f = e - 1; f >= RK_FDT_ERR_BADPATH; f--)
			assert_string_not_equal(rk_fdt_strerror(e),
			                        rk_fdt_strerror(f));

	/* Queries on a tree that failed init answer "no tree". */
	assert_int_equal(rk_fdt_init(&t, c, 8), RK_FDT_ERR_TRUNCATED);
	assert_true(rk_fdt_path_offset(&t, "/") < 0);
	assert_null(rk_fdt_bootargs(&t));
	struct rk_fdt_uart u;
	assert_true(rk_fdt_console_uart(&t, &u) < 0);
	free(c);
}

/* ---- FDT_NOP before the root ------------------------------------------ */

/* Every node's representation, the root's included, may begin with any
 * number of FDT_NOP tokens (Devicetree Specification v0.4, 5.4.2 "Tree
 * structure"), so a node is where its FDT_BEGIN_NODE is.  libfdt's
 * fdt_path_offset, fdt_parent_offset and fdt_get_path start at structure
 * offset 0 instead and fail on such a tree (docs/hardening.md); the
 * readers are compared on it in tests/fuzz/fuzz_fdt.c.  This blob is
 * fuzz_fdt's input (tests/fuzz/corpus/fdt/nop-before-root.dtb): version
 * 0x00ff0100, last_comp_version 4, the reservation map overlapping the
 * structure block, which holds FDT_NOP, the root (no properties),
 * FDT_END_NODE, FDT_END. */
static const uint8_t nop_before_root[141] = {
    0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x00, 0x89, 0x00, 0x00, 0x00, 0x28,
    0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x28, 0x00, 0xff, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x24, 0x9e, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf9, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x01, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x8c, 0x1b,
};

/* A copy of blob (header, reservation map, structure block, strings, in
 * that order) with nops FDT_NOP tokens in front of the root's
 * FDT_BEGIN_NODE; the structure block and the blob grow by 4 * nops. */
static uint8_t *with_leading_nops(const uint8_t *b, size_t n, unsigned nops,
                                  size_t *out_len)
{
	uint32_t so = fdt_off_dt_struct(b), grow = 4 * nops;
	assert_true(fdt_off_mem_rsvmap(b) < so && fdt_off_dt_strings(b) > so);
	uint8_t *m = malloc(n + grow);
	assert_non_null(m);
	memcpy(m, b, so);
	for (unsigned i = 0; i < nops; i++)
		put32(m + so + 4 * i, 4); /* FDT_NOP */
	memcpy(m + so + grow, b + so, n - so);
	put32(m + 4, (uint32_t)(n + grow));
	put32(m + 12, fdt_off_dt_strings(b) + grow);
	put32(m + 36, fdt_size_dt_struct(b) + grow);
	*out_len = n + grow;
	return m;
}

/* A node offset of the original tree moved by shift, errors kept. */
static int moved(int node, int shift)
{
	return node < 0 ? node : node + shift;
}

static void test_nop_before_root(void **state)
{
	(void)state;
	struct rk_fdt t;
	size_t len = 1;
	int depth = 0;

	/* The fuzz input: the root is at 4, where its FDT_BEGIN_NODE is;
	 * offset 0 (the NOP) is no node.  libfdt walks it the same way. */
	uint8_t *c = dup_exact(nop_before_root, sizeof(nop_before_root));
	assert_int_equal(rk_fdt_init(&t, c, sizeof(nop_before_root)), 0);
	assert_int_equal(rk_fdt_next_node(&t, -1, &depth), 4);
	assert_int_equal(depth, 0);
	assert_int_equal(rk_fdt_path_offset(&t, "/"), 4);
	assert_int_equal(rk_fdt_path_offset(&t, "//"), 4);
	assert_non_null(rk_fdt_name(&t, 4, &len));
	assert_int_equal(len, 0);
	assert_null(rk_fdt_name(&t, 0, NULL));
	assert_true(rk_fdt_parent(&t, 4) < 0);
	assert_true(rk_fdt_first_subnode(&t, 4) < 0);
	assert_int_equal(rk_fdt_next_node(&t, 4, &depth), RK_FDT_ERR_NOTFOUND);
	assert_int_equal(rk_fdt_path_offset(&t, "/chosen"),
	                 RK_FDT_ERR_NOTFOUND);
	assert_int_equal(fdt_check_full(c, sizeof(nop_before_root)), 0);
	assert_int_equal(compare_walk(&t, c, true), 0);
	(void)query_everything(&t);
	free(c);

	/* Every tree with NOPs before its root gives every answer it gives
	 * without, each node moved by the NOPs' bytes. */
	for (int i = 0; i < NTREES; i++) {
		for (unsigned nops = 1; nops <= 3; nops += 2) {
			const int sh = 4 * (int)nops;
			size_t mlen;
			uint8_t *m = with_leading_nops(tree[i], tree_len[i],
			                               nops, &mlen);
			uint8_t *e = dup_exact(m, mlen);
			free(m);
			struct rk_fdt o;
			init_tree(&o, i);
			assert_int_equal(rk_fdt_init(&t, e, mlen), 0);
			assert_int_equal(fdt_check_full(e, mlen), 0);
			int od = 0, md = 0, ld = -1;
			int on = rk_fdt_next_node(&o, -1, &od);
			int mn = rk_fdt_next_node(&t, -1, &md);
			int ln = fdt_next_node(e, -1, &ld);
			while (on >= 0) {
				assert_int_equal(mn, on + sh);
				assert_int_equal(md, od);
				assert_int_equal(ln, mn); /* libfdt's walk */
				assert_int_equal(ld, md);
				size_t ol, ml;
				const char *a = rk_fdt_name(&o, on, &ol);
				const char *b = rk_fdt_name(&t, mn, &ml);
				assert_true(a && b && ol == ml &&
				            memcmp(a, b, ol) == 0);
				assert_int_equal(
				    rk_fdt_parent(&t, mn),
				    moved(rk_fdt_parent(&o, on), sh));
				assert_int_equal(
				    rk_fdt_first_subnode(&t, mn),
				    moved(rk_fdt_first_subnode(&o, on), sh));
				char path[512];
				if (fdt_get_path(tree[i], on, path,
				                 sizeof(path)) == 0 &&
				    fdt_path_offset(tree[i], path) == on)
					assert_int_equal(
					    rk_fdt_path_offset(&t, path), mn);
				const char *pv =
				    rk_fdt_getprop(&o, on, "compatible", &ol);
				const char *mv =
				    rk_fdt_getprop(&t, mn, "compatible", &ml);
				assert_true((!pv && !mv) ||
				            (pv && mv && ol == ml &&
				             memcmp(pv, mv, ol) == 0));
				on = rk_fdt_next_node(&o, on, &od);
				mn = rk_fdt_next_node(&t, mn, &md);
				ln = fdt_next_node(e, ln, &ld);
			}
			assert_true(mn < 0);
			assert_true(ln < 0 || ld < 0);

			/* What the kernels look up. */
			uint64_t a1, b1, a2, b2;
			for (unsigned k = 0; k < 3; k++) {
				int r1 = rk_fdt_memory(&o, k, &a1, &b1);
				assert_int_equal(rk_fdt_memory(&t, k, &a2, &b2),
				                 r1);
				assert_true(r1 < 0 || (a1 == a2 && b1 == b2));
			}
			int r1 = rk_fdt_initrd(&o, &a1, &b1);
			assert_int_equal(rk_fdt_initrd(&t, &a2, &b2), r1);
			assert_true(r1 < 0 || (a1 == a2 && b1 == b2));
			r1 = rk_fdt_timebase(&o, &a1);
			assert_int_equal(rk_fdt_timebase(&t, &a2), r1);
			assert_true(r1 < 0 || a1 == a2);
			assert_int_equal(rk_fdt_stdout(&t),
			                 moved(rk_fdt_stdout(&o), sh));
			const char *s1 = rk_fdt_bootargs(&o);
			const char *s2 = rk_fdt_bootargs(&t);
			assert_true((!s1 && !s2) ||
			            (s1 && s2 && strcmp(s1, s2) == 0));
			struct rk_fdt_uart u1, u2;
			r1 = rk_fdt_console_uart(&o, &u1);
			assert_int_equal(rk_fdt_console_uart(&t, &u2), r1);
			if (r1 == 0) {
				assert_int_equal(u2.node, u1.node + sh);
				assert_int_equal(u2.base, u1.base);
				assert_int_equal(u2.irq, u1.irq);
				assert_int_equal(u2.clock_hz, u1.clock_hz);
			}
			for (uint64_t h = 0; h < 5; h++) {
				struct rk_fdt_plic p1, p2;
				assert_int_equal(
				    rk_fdt_cpu_node(&t, h),
				    moved(rk_fdt_cpu_node(&o, h), sh));
				r1 = rk_fdt_plic(&o, h, 9, &p1);
				assert_int_equal(rk_fdt_plic(&t, h, 9, &p2),
				                 r1);
				assert_true(r1 < 0 ||
				            (p2.node == p1.node + sh &&
				             p2.base == p1.base &&
				             p2.context == p1.context));
			}
			free(e);
		}
	}
}

/* ---- fuzz ------------------------------------------------------------ */

struct fuzz_stats {
	unsigned runs, accepted, compared, libfdt_rejects;
};

/* One mutated blob: rk_fdt_init fails cleanly, or libfdt accepts it too
 * and both walk it the same way. */
static void fuzz_one(const uint8_t *m, size_t n, struct fuzz_stats *st,
                     const char *what, size_t arg)
{
	uint8_t *c = dup_exact(m, n);
	struct rk_fdt t;
	st->runs++;
	int r = rk_fdt_init(&t, c, n);
	if (r < 0) {
		assert_null(t.blob);
		assert_true(r <= RK_FDT_ERR_NULL && r >= RK_FDT_ERR_BADPATH);
		free(c);
		return;
	}
	st->accepted++;
	(void)query_everything(&t);
	if (fdt_check_full(c, n) != 0) {
		/* libfdt is stricter in places (e.g. node names, string
		 * block layout); we only count those.  Accepting is fine as
		 * long as nothing read outside the blob (ASan) and every
		 * query answered. */
		st->libfdt_rejects++;
		free(c);
		return;
	}
	st->compared++;
	if (compare_walk(&t, c, false) != 0) {
		(void)compare_walk(&t, c, true); /* fails with the reason */
		fail_msg("%s %zu: readers disagree", what, arg);
	}
	free(c);
}

static void test_fuzz_truncations(void **state)
{
	(void)state;
	for (int i = 0; i < NTREES; i++) {
		struct fuzz_stats st = {0};
		uint8_t *m = dup_exact(tree[i], tree_len[i]);
		for (size_t len = 0; len < tree_len[i]; len++) {
			/* As given: totalsize now lies (TRUNCATED)... */
			uint8_t *c = dup_exact(tree[i], len);
			struct rk_fdt t;
			int r = rk_fdt_init(&t, c, len);
			if (r == 0)
				fail_msg("%s truncated to %zu accepted",
				         tree_name[i], len);
			free(c);
			/* ...and with totalsize patched to match. */
			if (len >= 8) {
				put32(m + 4, (uint32_t)len);
				fuzz_one(m, len, &st, "truncation", len);
			}
		}
		/* The structure block cut short inside an intact blob
		 * (size_dt_struct, v17): every token boundary and inside. */
		memcpy(m, tree[i], tree_len[i]);
		uint32_t ss = fdt_size_dt_struct(tree[i]);
		for (uint32_t k = 0; k < ss; k++) {
			put32(m + 36, k);
			fuzz_one(m, tree_len[i], &st, "structure cut at", k);
		}
		free(m);
		print_message("%s: %u truncations, %u accepted (%u compared "
		              "with libfdt, %u libfdt rejects)\n",
		              tree_name[i], st.runs, st.accepted, st.compared,
		              st.libfdt_rejects);
	}
}

static uint64_t rng_state = 0x7275706d6b464454ull; /* fixed seed */

static uint64_t rng(void)
{
	/* xorshift64* (Marsaglia; Vigna's multiplier) */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void test_fuzz_bitflips(void **state)
{
	(void)state;
	const unsigned iters = 1500;
	for (int i = 0; i < NTREES; i++) {
		struct fuzz_stats st = {0};
		size_t n = tree_len[i];
		uint8_t *m = malloc(n);
		assert_non_null(m);
		uint32_t so = fdt_off_dt_struct(tree[i]);
		uint32_t ss = fdt_size_dt_struct(tree[i]);
		for (unsigned it = 0; it < iters; it++) {
			memcpy(m, tree[i], n);
			unsigned flips = 1 + (unsigned)(rng() % 4);
			for (unsigned f = 0; f < flips; f++) {
				/* Mostly the structure block (tokens, lengths,
				 * name offsets), some header, some anywhere. */
				uint64_t x = rng();
				size_t at;
				switch (x % 8) {
				case 0:
					at = (size_t)(x >> 8) % 40;
					break;
				case 1:
					at = (size_t)(x >> 8) % n;
					break;
				default:
					at = so + (size_t)(x >> 8) % ss;
					break;
				}
				m[at] ^= (uint8_t)(1u << ((x >> 40) % 8));
			}
			fuzz_one(m, n, &st, "bit-flip iteration", it);
		}
		free(m);
		print_message("%s: %u bit-flipped blobs, %u accepted (%u "
		              "compared with libfdt, %u libfdt rejects)\n",
		              tree_name[i], st.runs, st.accepted, st.compared,
		              st.libfdt_rejects);
	}
}

int main(int argc, char **argv)
{
	if (argc != 1 + NTREES) {
		fprintf(stderr,
		        "usage: %s RISCV.dtb RISCV-INITRD.dtb "
		        "AARCH64.dtb VISIONFIVE2.dtb\n",
		        argv[0]);
		return 2;
	}
	for (int i = 0; i < NTREES; i++) {
		tree_path[i] = argv[1 + i];
		tree[i] = read_file(tree_path[i], &tree_len[i]);
		if (!tree[i] || tree_len[i] < 40 ||
		    fdt_totalsize(tree[i]) != tree_len[i]) {
			fprintf(stderr,
			        "test_fdt: %s: unreadable or not a "
			        "packed DTB\n",
			        tree_path[i]);
			return 2;
		}
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_walk_matches_libfdt),
	    cmocka_unit_test(test_qemu_riscv64),
	    cmocka_unit_test(test_qemu_riscv64_initrd),
	    cmocka_unit_test(test_qemu_aarch64),
	    cmocka_unit_test(test_visionfive2),
	    cmocka_unit_test(test_bad_uart_values),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_nop_before_root),
	    cmocka_unit_test(test_fuzz_truncations),
	    cmocka_unit_test(test_fuzz_bitflips),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	for (int i = 0; i < NTREES; i++)
		free(tree[i]);
	return r;
}
