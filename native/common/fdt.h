/*
 * fdt.h - a small, bounded, validating flattened-device-tree reader.
 *
 * Used by the aarch64 and riscv64 kernels to find memory, the initrd, the
 * console UART, the interrupt controller and the timebase in the blob the
 * boot loader hands over.  rk_fdt_init() checks the header and walks the
 * whole structure block once (tokens, nesting, names, property lengths,
 * string offsets); every later read is bounds-checked again against the
 * structure and strings blocks, so no call ever reads outside the blob,
 * whatever the blob holds.  Nothing is written and nothing is allocated.
 *
 * Nodes are named by their offset in the structure block (an int >= 0);
 * functions that return a node return a negative rk_fdt_err when there is
 * none.  Values (cells) are big-endian in the blob and returned in host
 * order.  Addresses from rk_fdt_reg() are translated through the parents'
 * "ranges" into CPU physical addresses.
 */
#ifndef RUMPK_NATIVE_FDT_H
#define RUMPK_NATIVE_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RK_FDT_MAGIC     0xd00dfeedu
#define RK_FDT_MAX_DEPTH 32 /* deeper trees are refused by rk_fdt_init */

enum rk_fdt_err {
	RK_FDT_OK = 0,
	RK_FDT_ERR_NULL = -1,      /* no blob */
	RK_FDT_ERR_TRUNCATED = -2, /* max_len shorter than header/totalsize */
	RK_FDT_ERR_MAGIC = -3,     /* magic is not 0xd00dfeed */
	RK_FDT_ERR_VERSION = -4,   /* version < 16 or last_comp > 17 */
	RK_FDT_ERR_LAYOUT = -5,    /* block offsets/sizes outside totalsize */
	RK_FDT_ERR_STRUCT = -6,    /* malformed structure block */
	RK_FDT_ERR_DEPTH = -7,     /* nesting deeper than RK_FDT_MAX_DEPTH */
	RK_FDT_ERR_NOTFOUND = -8,  /* no such node / property / entry */
	RK_FDT_ERR_BADVALUE = -9,  /* property has an unexpected length */
	RK_FDT_ERR_BADCELLS = -10, /* #address-cells/#size-cells unsupported */
	RK_FDT_ERR_BADPATH = -11,  /* path is not absolute or too long */
};

const char *rk_fdt_strerror(int err);

struct rk_fdt {
	const uint8_t *blob;
	uint32_t totalsize;
	uint32_t off_struct, size_struct;
	uint32_t off_strings, size_strings;
	uint32_t off_rsvmap;
	uint32_t version;
	uint32_t boot_cpuid;
};

/* Validates the header and the structure block of the blob (at most
 * max_len readable bytes).  0 on success, a negative rk_fdt_err else. */
int rk_fdt_init(struct rk_fdt *t, const void *blob, size_t max_len);

/* ---- walking ------------------------------------------------------- */
/* Node after off in document order; off < 0 gives the root (depth 0).
 * *depth is updated like libfdt's fdt_next_node (may be NULL). */
int rk_fdt_next_node(const struct rk_fdt *t, int off, int *depth);
int rk_fdt_first_subnode(const struct rk_fdt *t, int node);
int rk_fdt_next_subnode(const struct rk_fdt *t, int node);
int rk_fdt_parent(const struct rk_fdt *t, int node);
/* The node's name with its unit address ("" for the root); *len (may be
 * NULL) gets its length.  NULL for a bad offset. */
const char *rk_fdt_name(const struct rk_fdt *t, int node, size_t *len);
/* "/", "/chosen", "/cpus", "/soc/serial@10000000": a component without '@'
 * also matches a node "name@unit" (the first one). */
int rk_fdt_path_offset(const struct rk_fdt *t, const char *path);

/* ---- properties ---------------------------------------------------- */
/* Pointer into the blob and its length, or NULL when absent. */
const void *rk_fdt_getprop(const struct rk_fdt *t, int node, const char *name,
                           size_t *len);
/* A property of one cell. */
int rk_fdt_getprop_u32(const struct rk_fdt *t, int node, const char *name,
                       uint32_t *out);
/* A property of one or two cells (e.g. linux,initrd-start). */
int rk_fdt_getprop_u64(const struct rk_fdt *t, int node, const char *name,
                       uint64_t *out);
/* A property holding exactly one NUL-terminated string, or NULL. */
const char *rk_fdt_getprop_str(const struct rk_fdt *t, int node,
                               const char *name);
/* Reads cell group idx of ncells (1 or 2) cells from a property value. */
int rk_fdt_read_cells(const void *val, size_t len, size_t cell_index,
                      unsigned ncells, uint64_t *out);
/* #address-cells / #size-cells of a node (defaults 2 / 1): the cells of
 * the reg properties of its children. */
int rk_fdt_address_cells(const struct rk_fdt *t, int node);
int rk_fdt_size_cells(const struct rk_fdt *t, int node);
/* Entry idx of the node's reg, translated through the parents' ranges. */
int rk_fdt_reg(const struct rk_fdt *t, int node, unsigned idx, uint64_t *addr,
               uint64_t *size);
/* Cell idx (0-based) of the node's "interrupts" property. */
int rk_fdt_interrupt_cell(const struct rk_fdt *t, int node, unsigned idx,
                          uint32_t *out);

/* ---- lookups ------------------------------------------------------- */
bool rk_fdt_is_compatible(const struct rk_fdt *t, int node, const char *compat);
/* status absent, "okay" or "ok". */
bool rk_fdt_is_enabled(const struct rk_fdt *t, int node);
/* First node after `after` (< 0: from the start) that lists compat. */
int rk_fdt_find_compatible(const struct rk_fdt *t, int after,
                           const char *compat);
/* Region idx over all memory nodes (device_type = "memory", or a node
 * named "memory" / "memory@..."), in document order. */
int rk_fdt_memory(const struct rk_fdt *t, unsigned idx, uint64_t *base,
                  uint64_t *size);
/* Entry idx of the memory reservation block. */
int rk_fdt_rsvmap(const struct rk_fdt *t, unsigned idx, uint64_t *addr,
                  uint64_t *size);
/* /chosen linux,initrd-start / linux,initrd-end (end exclusive). */
int rk_fdt_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end);
/* The node /chosen stdout-path (or linux,stdout-path) names, resolving
 * an alias and dropping ":options". */
int rk_fdt_stdout(const struct rk_fdt *t);
/* timebase-frequency of /cpus, else of the first cpu node that has it. */
int rk_fdt_timebase(const struct rk_fdt *t, uint64_t *hz);
/* /chosen bootargs (a NUL-terminated string), or NULL. */
const char *rk_fdt_bootargs(const struct rk_fdt *t);

/* ---- the console UART (16550 family) ------------------------------ */
/* What a 16550 driver needs from the tree (devicetree binding
 * "ns16550" / snps,dw-apb-uart): registers at base + (n << reg_shift),
 * accessed reg_io_width bytes wide. */
struct rk_fdt_uart {
	int node;
	uint64_t base, size;   /* reg entry 0, a CPU physical address */
	uint32_t reg_shift;    /* "reg-shift", 0 when absent */
	uint32_t reg_io_width; /* "reg-io-width", 1 when absent; 1 or 4 */
	uint32_t clock_hz;     /* "clock-frequency", 0 when absent */
	uint32_t baud;         /* "current-speed", 0 when absent */
	uint32_t irq;          /* first "interrupts" cell, 0 when absent */
};
/* Does node list a 16550-compatible "compatible" (ns16550a, ns16550,
 * snps,dw-apb-uart)? */
bool rk_fdt_is_uart16550(const struct rk_fdt *t, int node);
/* Fills *u from node (any 16550-compatible node).  RK_FDT_ERR_BADVALUE
 * when reg-shift > 4 or reg-io-width is not 1 or 4. */
int rk_fdt_uart16550(const struct rk_fdt *t, int node, struct rk_fdt_uart *u);
/* The console: the node /chosen stdout-path names when it is a 16550,
 * else the first enabled 16550-compatible node in document order. */
int rk_fdt_console_uart(const struct rk_fdt *t, struct rk_fdt_uart *u);

#endif
