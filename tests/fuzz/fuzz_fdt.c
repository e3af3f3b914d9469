/*
 * fuzz_fdt.c - libFuzzer harness for the kernels' device-tree reader
 * (native/common/fdt.c, public API in fdt.h), built for the host with
 * ASan and UBSan.
 *
 * The input is a blob.  When rk_fdt_init accepts it, the harness walks
 * every node and calls every reader on it; each pointer returned must lie
 * inside the blob (ASan catches reads outside the input buffer anyway).
 * When libfdt's full check (fdt_check_full) accepts the blob too, the two
 * readers must agree: the same node offsets and depths in document order,
 * the same names, the same value pointer and length for a set of property
 * names, the same node for each node's path, the same reservation map.
 * libfdt is the reference implementation of the format (dtc project),
 * with one convention of its own that the format does not share (see
 * ref_path_offset).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

/* By relative path: libfdt.h includes its own "fdt.h". */
#include "../../native/common/fdt.h"
#include "../../native/riscv64/fdt_riscv.h"

#define FUZZ_NAME "fuzz_fdt"
#include "fuzz_check.h"

static const uint8_t *lo, *hi;

static void inside(const void *p, size_t len, const char *what)
{
	const uint8_t *b = p;
	CHECK(b >= lo && b <= hi && len <= (size_t)(hi - b),
	      "%s outside the blob", what);
}

static const char *const props[] = {
    "compatible",       "reg",
    "status",           "#address-cells",
    "#size-cells",      "ranges",
    "interrupts",       "device_type",
    "stdout-path",      "linux,initrd-start",
    "linux,initrd-end", "timebase-frequency",
    "bootargs",         "phandle",
    "interrupt-parent", "",
};
static const char *const compats[] = {
    "ns16550a",    "arm,pl011",          "riscv,plic0", "sifive,plic-1.0.0",
    "arm,gic-400", "arm,cortex-a15-gic", "virtio,mmio", "syscon",
};

/* Every reader of one node. */
static void exercise(const struct rk_fdt *t, int node)
{
	size_t len = 0;
	const char *name = rk_fdt_name(t, node, &len);
	CHECK(name != NULL, "no name for node %d", node);
	inside(name, len + 1, "name");
	CHECK(name[len] == '\0', "name not terminated");
	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		const void *v = rk_fdt_getprop(t, node, props[i], &len);
		if (v)
			inside(v, len, "property value");
		const char *s = rk_fdt_getprop_str(t, node, props[i]);
		if (s) {
			size_t n =
			    strnlen(s, (size_t)(hi - (const uint8_t *)s));
			inside(s, n + 1, "string property");
		}
		uint32_t u32;
		uint64_t u64;
		(void)rk_fdt_getprop_u32(t, node, props[i], &u32);
		(void)rk_fdt_getprop_u64(t, node, props[i], &u64);
		if (v)
			for (size_t c = 0; c < 4; c++)
				(void)rk_fdt_read_cells(v, len, c, 1 + c % 2,
				                        &u64);
	}
	(void)rk_fdt_address_cells(t, node);
	(void)rk_fdt_size_cells(t, node);
	for (unsigned i = 0; i < 4; i++) {
		uint64_t a, s;
		uint32_t c;
		(void)rk_fdt_reg(t, node, i, &a, &s);
		(void)rk_fdt_interrupt_cell(t, node, i, &c);
	}
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++)
		(void)rk_fdt_is_compatible(t, node, compats[i]);
	(void)rk_fdt_is_enabled(t, node);
	(void)rk_fdt_parent(t, node);
	struct rk_fdt_uart u;
	if (rk_fdt_is_uart16550(t, node))
		(void)rk_fdt_uart16550(t, node, &u);
	(void)rk_fdt_cpu_has_smode(t, node);
	for (int c = rk_fdt_first_subnode(t, node), n = 0; c >= 0 && n < 4096;
	     c = rk_fdt_next_subnode(t, c), n++)
		CHECK(rk_fdt_parent(t, c) == node,
		      "child %d of %d has parent %d", c, node,
		      rk_fdt_parent(t, c));
}

/* The node's absolute path from rk_fdt_parent and rk_fdt_name, or false
 * when it does not fit or is ambiguous. */
static bool path_of(const struct rk_fdt *t, int node, char *buf, size_t cap)
{
	int chain[RK_FDT_MAX_DEPTH + 2], n = 0;
	for (int c = node;
	     c >= 0 && n < (int)(sizeof(chain) / sizeof(chain[0]));
	     c = rk_fdt_parent(t, c))
		chain[n++] = c;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = n - 2; i >= 0; i--) { /* chain[n-1] is the root */
		size_t len;
		const char *nm = rk_fdt_name(t, chain[i], &len);
		/* A '/' or NUL inside a name cannot be named by a path. */
		if (!nm || len == 0 || memchr(nm, '/', len) ||
		    strnlen(nm, len) != len || used + len + 2 > cap)
			return false;
		buf[used++] = '/';
		memcpy(buf + used, nm, len);
		used += len;
		buf[used] = '\0';
		/* A path names the first matching sibling: with two siblings
		 * of the same name (or "a" after "a@1") the path of the
		 * second's subtree leads elsewhere, so there is nothing to
		 * check. */
		if (i > 0 && rk_fdt_path_offset(t, buf) != chain[i])
			return false;
	}
	if (used == 0)
		snprintf(buf, cap, "/");
	return true;
}

/* libfdt's path lookup for the oracle.  fdt_path_offset starts every
 * absolute path at structure offset 0 (fdt_ro.c, fdt_path_offset_namelen:
 * "int offset = 0"), i.e. it assumes the root's FDT_BEGIN_NODE is the
 * first token.  The Devicetree Specification (v0.4, 5.4.2 "Tree
 * structure") lets every node's representation, the root's included,
 * begin with any number of FDT_NOP tokens, and FDT_NOP "will be ignored
 * by any program parsing the device tree" (5.4.1).  With a leading NOP,
 * libfdt answers 0 for "/" (a NOP, which its own fdt_get_name refuses
 * with FDT_ERR_BADOFFSET) and FDT_ERR_BADOFFSET for every deeper path,
 * while its walk (fdt_next_node from -1) and fdt_check_full put the root
 * where its FDT_BEGIN_NODE is, as rk_fdt does.  So the same component by
 * component lookup (fdt_subnode_offset_namelen, libfdt's own matching) is
 * started from root, libfdt's first node; when root is 0 this is
 * fdt_path_offset itself. */
static int ref_path_offset(const void *fdt, int root, const char *path)
{
	if (root == 0)
		return fdt_path_offset(fdt, path);
	int off = root;
	const char *p = path;
	while (off >= 0) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			return off;
		const char *q = strchr(p, '/');
		if (!q)
			q = p + strlen(p);
		off = fdt_subnode_offset_namelen(fdt, off, p, (int)(q - p));
		p = q;
	}
	return off;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rk_fdt t;
	lo = data;
	hi = data + size;
	if (rk_fdt_init(&t, data, size) != RK_FDT_OK)
		return 0;
	CHECK(t.totalsize <= size, "totalsize %u > %zu", t.totalsize, size);

	bool ref = fdt_check_full(data, size) == 0;
	/* libfdt adds to the depth it is given, also from -1 (the root
	 * then gets depth 0 from -1); rk_fdt_next_node sets 0 for the root. */
	int depth = 0, ref_depth = -1, nodes = 0;
	int ref_off = ref ? fdt_next_node(data, -1, &ref_depth) : -1;
	const int ref_root = ref_off;
	for (int off = rk_fdt_next_node(&t, -1, &depth); off >= 0;
	     off = rk_fdt_next_node(&t, off, &depth)) {
		CHECK(++nodes <= 100000, "walk does not end");
		exercise(&t, off);
		char path[512];
		if (path_of(&t, off, path, sizeof(path))) {
			int p = rk_fdt_path_offset(&t, path);
			CHECK(p >= 0 || p == RK_FDT_ERR_BADPATH,
			      "path '%s' of node %d not found", path, off);
			int rp = ref && p >= 0
			             ? ref_path_offset(data, ref_root, path)
			             : p;
			CHECK(p == rp, "path '%s': %d, libfdt %d (root %d)",
			      path, p, rp, ref_root);
		}
		if (!ref)
			continue;
		CHECK(off == ref_off && depth == ref_depth,
		      "walk: node %d depth %d, libfdt %d depth %d", off, depth,
		      ref_off, ref_depth);
		int rl = 0;
		size_t len = 0;
		const char *rn = fdt_get_name(data, off, &rl);
		const char *n = rk_fdt_name(&t, off, &len);
		CHECK(rn && (size_t)rl == len && memcmp(rn, n, len) == 0,
		      "name of node %d", off);
		for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
			int plen = 0;
			const void *rv =
			    fdt_getprop(data, off, props[i], &plen);
			const void *v = rk_fdt_getprop(&t, off, props[i], &len);
			CHECK(rv == v && (!v || (size_t)plen == len),
			      "property '%s' of node %d", props[i], off);
		}
		ref_off = fdt_next_node(data, ref_off, &ref_depth);
		/* libfdt ends a walk with depth < 0 and an offset >= 0. */
		if (ref_depth < 0)
			ref_off = -1;
	}
	if (ref)
		CHECK(ref_off < 0, "libfdt has node %d after the last",
		      ref_off);

	/* Whole-tree lookups. */
	uint64_t a, b;
	for (unsigned i = 0; i < 4; i++) {
		(void)rk_fdt_memory(&t, i, &a, &b);
		int r = rk_fdt_rsvmap(&t, i, &a, &b);
		if (ref && (int)i < fdt_num_mem_rsv(data)) {
			uint64_t ra, rs;
			CHECK(fdt_get_mem_rsv(data, (int)i, &ra, &rs) == 0 &&
			          r == RK_FDT_OK && ra == a && rs == b,
			      "reservation %u", i);
		}
	}
	(void)rk_fdt_initrd(&t, &a, &b);
	const char *args = rk_fdt_bootargs(&t);
	if (args)
		inside(args,
		       strnlen(args, (size_t)(hi - (const uint8_t *)args)) + 1,
		       "bootargs");
	struct rk_fdt_uart u;
	(void)rk_fdt_console_uart(&t, &u);
	struct rk_fdt_plic plic;
	for (uint64_t hart = 0; hart < 3; hart++) {
		(void)rk_fdt_cpu_node(&t, hart);
		(void)rk_fdt_plic(&t, hart, 9, &plic);
		(void)rk_fdt_plic(&t, hart, 11, &plic);
	}
	for (int e = RK_FDT_OK; e >= RK_FDT_ERR_BADPATH - 1; e--)
		CHECK(rk_fdt_strerror(e) != NULL, "strerror(%d)", e);
	(void)rk_fdt_stdout(&t);
	(void)rk_fdt_timebase(&t, &a);
	for (size_t i = 0; i < sizeof(compats) / sizeof(compats[0]); i++) {
		int n = 0;
		for (int c = rk_fdt_find_compatible(&t, -1, compats[i]);
		     c >= 0 && n < 100000;
		     c = rk_fdt_find_compatible(&t, c, compats[i]), n++)
			CHECK(rk_fdt_is_compatible(&t, c, compats[i]),
			      "found node %d is not compatible", c);
	}
	static const char *const paths[] = {
	    "/", "/chosen", "/cpus", "/memory",  "/soc/serial",
	    "",  "chosen",  "//",    "/chosen/", "/a/b/c/d/e/f/g",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		(void)rk_fdt_path_offset(&t, paths[i]);
	return 0;
}
