/*
 * fdt.c - a small, bounded, validating flattened-device-tree reader
 * (see fdt.h).  Reads only with byte loads (the blob may be unaligned and
 * the MMU may still be off), and every offset is checked against the block
 * it lies in before it is used.
 */
#include "fdt.h"

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE   2u
#define FDT_PROP       3u
#define FDT_NOP        4u
#define FDT_END        9u

#define HDR_V16 36u /* bytes of a version 16 header */
#define HDR_V17 40u

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static size_t cstrlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

static bool bytes_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

const char *rk_fdt_strerror(int err)
{
	switch (err) {
	case RK_FDT_OK:
		return "ok";
	case RK_FDT_ERR_NULL:
		return "no device tree";
	case RK_FDT_ERR_TRUNCATED:
		return "device tree truncated";
	case RK_FDT_ERR_MAGIC:
		return "bad device tree magic";
	case RK_FDT_ERR_VERSION:
		return "unsupported device tree version";
	case RK_FDT_ERR_LAYOUT:
		return "device tree blocks outside totalsize";
	case RK_FDT_ERR_STRUCT:
		return "malformed device tree structure";
	case RK_FDT_ERR_DEPTH:
		return "device tree nested too deep";
	case RK_FDT_ERR_NOTFOUND:
		return "not found";
	case RK_FDT_ERR_BADVALUE:
		return "bad property value";
	case RK_FDT_ERR_BADCELLS:
		return "unsupported #address-cells/#size-cells";
	case RK_FDT_ERR_BADPATH:
		return "bad path";
	default:
		return "unknown device tree error";
	}
}

/* ---- tokens -------------------------------------------------------- */

struct tok {
	uint32_t tag;
	uint32_t next;    /* offset of the following token */
	const char *name; /* BEGIN_NODE: node name; PROP: property name */
	size_t name_len;
	const uint8_t *val; /* PROP value */
	uint32_t len;       /* PROP value length */
};

static uint32_t align4(uint32_t x)
{
	return (x + 3u) & ~3u;
}

/* Decodes the token at struct-block offset off, fully bounds-checked. */
static int tok_at(const struct rk_fdt *t, uint32_t off, struct tok *k)
{
	const uint32_t sz = t->size_struct;
	const uint8_t *s = t->blob + t->off_struct;
	if ((off & 3u) || off > sz || sz - off < 4)
		return RK_FDT_ERR_STRUCT;
	k->tag = be32(s + off);
	k->name = NULL;
	k->name_len = 0;
	k->val = NULL;
	k->len = 0;
	switch (k->tag) {
	case FDT_BEGIN_NODE: {
		uint32_t p = off + 4, e = p;
		while (e < sz && s[e])
			e++;
		if (e >= sz)
			return RK_FDT_ERR_STRUCT; /* name not terminated */
		k->name = (const char *)s + p;
		k->name_len = e - p;
		k->next = align4(e + 1);
		break;
	}
	case FDT_PROP: {
		if (sz - off < 12)
			return RK_FDT_ERR_STRUCT;
		uint32_t len = be32(s + off + 4), nameoff = be32(s + off + 8);
		if (len > sz - off - 12)
			return RK_FDT_ERR_STRUCT;
		if (nameoff >= t->size_strings)
			return RK_FDT_ERR_STRUCT;
		const char *str = (const char *)t->blob + t->off_strings;
		uint32_t e = nameoff;
		while (e < t->size_strings && str[e])
			e++;
		if (e >= t->size_strings)
			return RK_FDT_ERR_STRUCT; /* name not terminated */
		k->name = str + nameoff;
		k->name_len = e - nameoff;
		k->val = s + off + 12;
		k->len = len;
		k->next = align4(off + 12 + len);
		break;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		k->next = off + 4;
		break;
	default:
		return RK_FDT_ERR_STRUCT;
	}
	if (k->next > sz)
		return RK_FDT_ERR_STRUCT;
	return 0;
}

/* Offset of a node: must be a BEGIN_NODE token. */
static int node_tok(const struct rk_fdt *t, int node, struct tok *k)
{
	if (!t || !t->blob || node < 0)
		return RK_FDT_ERR_NOTFOUND;
	int r = tok_at(t, (uint32_t)node, k);
	if (r < 0)
		return r;
	return k->tag == FDT_BEGIN_NODE ? 0 : RK_FDT_ERR_NOTFOUND;
}

/* ---- header and validation --------------------------------------- */

static bool within(uint32_t off, uint32_t len, uint32_t total)
{
	return off <= total && len <= total - off;
}

int rk_fdt_init(struct rk_fdt *t, const void *blob, size_t max_len)
{
	if (!t)
		return RK_FDT_ERR_NULL;
	t->blob = NULL;
	if (!blob)
		return RK_FDT_ERR_NULL;
	const uint8_t *b = blob;
	if (max_len < HDR_V16)
		return RK_FDT_ERR_TRUNCATED;
	if (be32(b) != RK_FDT_MAGIC)
		return RK_FDT_ERR_MAGIC;
	uint32_t total = be32(b + 4);
	uint32_t version = be32(b + 20), last_comp = be32(b + 24);
	if (version < 16 || last_comp > 17)
		return RK_FDT_ERR_VERSION;
	uint32_t hdr = version >= 17 ? HDR_V17 : HDR_V16;
	if (total < hdr || total > 0x7fffffffu)
		return RK_FDT_ERR_LAYOUT;
	if (total > max_len)
		return RK_FDT_ERR_TRUNCATED;

	t->totalsize = total;
	t->off_struct = be32(b + 8);
	t->off_strings = be32(b + 12);
	t->off_rsvmap = be32(b + 16);
	t->version = version;
	t->boot_cpuid = be32(b + 28);
	t->size_strings = be32(b + 32);
	if (version >= 17) {
		t->size_struct = be32(b + 36);
	} else {
		if (t->off_struct > total)
			return RK_FDT_ERR_LAYOUT;
		t->size_struct = total - t->off_struct;
	}
	if (t->off_struct < hdr || (t->off_struct & 3u) ||
	    !within(t->off_struct, t->size_struct, total) ||
	    t->off_strings < hdr ||
	    !within(t->off_strings, t->size_strings, total) ||
	    t->off_rsvmap < hdr || (t->off_rsvmap & 7u) ||
	    t->off_rsvmap > total)
		return RK_FDT_ERR_LAYOUT;

	/* The reservation map ends with a zero entry inside the blob. */
	for (uint32_t o = t->off_rsvmap;; o += 16) {
		if (total - o < 16)
			return RK_FDT_ERR_LAYOUT;
		if (be64(b + o) == 0 && be64(b + o + 8) == 0)
			break;
	}

	/* Walk the structure block once: one root, balanced nesting,
	 * properties only before subnodes, FDT_END at depth 0. */
	t->blob = b;
	uint32_t off = 0;
	int depth = 0;
	bool seen_root = false, props_ok = false;
	for (;;) {
		struct tok k;
		int r = tok_at(t, off, &k);
		if (r < 0)
			goto bad;
		switch (k.tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0) {
				if (seen_root || k.name_len != 0)
					goto bad; /* one root, named "" */
				seen_root = true;
			}
			if (++depth > RK_FDT_MAX_DEPTH) {
				t->blob = NULL;
				return RK_FDT_ERR_DEPTH;
			}
			props_ok = true;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				goto bad;
			depth--;
			props_ok = false;
			break;
		case FDT_PROP:
			if (depth == 0 || !props_ok)
				goto bad;
			break;
		case FDT_NOP:
			break;
		case FDT_END:
			if (depth != 0 || !seen_root)
				goto bad;
			return 0;
		}
		off = k.next;
	}
bad:
	t->blob = NULL;
	return RK_FDT_ERR_STRUCT;
}

/* ---- walking ------------------------------------------------------- */

int rk_fdt_next_node(const struct rk_fdt *t, int off, int *depth)
{
	int d = depth ? *depth : 0;
	struct tok k;
	uint32_t o;
	if (!t || !t->blob)
		return RK_FDT_ERR_NULL;
	if (off < 0) {
		o = 0;
		d = -1; /* the first BEGIN_NODE (the root) makes it 0 */
	} else {
		int r = node_tok(t, off, &k);
		if (r < 0)
			return r;
		o = k.next;
	}
	for (;;) {
		int r = tok_at(t, o, &k);
		if (r < 0)
			return r;
		switch (k.tag) {
		case FDT_BEGIN_NODE:
			d++;
			if (depth)
				*depth = d;
			return (int)o;
		case FDT_END_NODE:
			/* With a depth, stop at the end of off's parent's
			 * subtree walk (libfdt semantics); without, run on to
			 * the end of the tree. */
			d--;
			if (depth) {
				*depth = d;
				if (d < 0)
					return RK_FDT_ERR_NOTFOUND;
			}
			break;
		case FDT_END:
			return RK_FDT_ERR_NOTFOUND;
		default:
			break;
		}
		o = k.next;
	}
}

int rk_fdt_first_subnode(const struct rk_fdt *t, int node)
{
	int depth = 0;
	int n = rk_fdt_next_node(t, node, &depth);
	if (n < 0)
		return n;
	return depth == 1 ? n : RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_next_subnode(const struct rk_fdt *t, int node)
{
	int depth = 1;
	do {
		node = rk_fdt_next_node(t, node, &depth);
		if (node < 0 || depth < 1)
			return RK_FDT_ERR_NOTFOUND;
	} while (depth > 1);
	return node;
}

/* Fills anc[0..*n-1] with the ancestors of node (root first). */
static int ancestors(const struct rk_fdt *t, int node,
                     int anc[RK_FDT_MAX_DEPTH], int *n)
{
	int stack[RK_FDT_MAX_DEPTH + 1];
	int depth = 0;
	struct tok k;
	int r = node_tok(t, node, &k);
	if (r < 0)
		return r;
	for (int o = rk_fdt_next_node(t, -1, &depth); o >= 0;
	     o = rk_fdt_next_node(t, o, &depth)) {
		if (depth < 0 || depth > RK_FDT_MAX_DEPTH)
			return RK_FDT_ERR_DEPTH;
		stack[depth] = o;
		if (o == node) {
			for (int i = 0; i < depth; i++)
				anc[i] = stack[i];
			*n = depth;
			return 0;
		}
	}
	return RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_parent(const struct rk_fdt *t, int node)
{
	int anc[RK_FDT_MAX_DEPTH], n = 0;
	int r = ancestors(t, node, anc, &n);
	if (r < 0)
		return r;
	return n > 0 ? anc[n - 1] : RK_FDT_ERR_NOTFOUND;
}

const char *rk_fdt_name(const struct rk_fdt *t, int node, size_t *len)
{
	struct tok k;
	if (node_tok(t, node, &k) < 0)
		return NULL;
	if (len)
		*len = k.name_len;
	return k.name;
}

/* Does path component c[0..clen) name the node called n[0..nlen)? */
static bool name_matches(const char *n, size_t nlen, const char *c, size_t clen)
{
	if (nlen == clen && bytes_eq(n, c, clen))
		return true;
	for (size_t i = 0; i < clen; i++)
		if (c[i] == '@')
			return false;
	return nlen > clen && n[clen] == '@' && bytes_eq(n, c, clen);
}

static int subnode_named(const struct rk_fdt *t, int parent, const char *c,
                         size_t clen)
{
	for (int n = rk_fdt_first_subnode(t, parent); n >= 0;
	     n = rk_fdt_next_subnode(t, n)) {
		size_t nlen;
		const char *name = rk_fdt_name(t, n, &nlen);
		if (name && name_matches(name, nlen, c, clen))
			return n;
	}
	return RK_FDT_ERR_NOTFOUND;
}

/* path[0..plen) */
static int path_offset_n(const struct rk_fdt *t, const char *path, size_t plen)
{
	if (!t || !t->blob)
		return RK_FDT_ERR_NULL;
	if (!path || plen == 0 || path[0] != '/')
		return RK_FDT_ERR_BADPATH;
	int node = rk_fdt_next_node(t, -1, NULL);
	size_t i = 0;
	while (node >= 0) {
		while (i < plen && path[i] == '/')
			i++;
		if (i >= plen)
			return node;
		size_t j = i;
		while (j < plen && path[j] != '/')
			j++;
		node = subnode_named(t, node, path + i, j - i);
		i = j;
	}
	return node;
}

int rk_fdt_path_offset(const struct rk_fdt *t, const char *path)
{
	if (!path)
		return RK_FDT_ERR_BADPATH;
	return path_offset_n(t, path, cstrlen(path));
}

/* ---- properties ---------------------------------------------------- */

const void *rk_fdt_getprop(const struct rk_fdt *t, int node, const char *name,
                           size_t *len)
{
	struct tok k;
	if (!name || node_tok(t, node, &k) < 0)
		return NULL;
	size_t nlen = cstrlen(name);
	for (uint32_t o = k.next;; o = k.next) {
		if (tok_at(t, o, &k) < 0)
			return NULL;
		if (k.tag == FDT_NOP)
			continue;
		if (k.tag != FDT_PROP)
			return NULL;
		if (k.name_len == nlen && bytes_eq(k.name, name, nlen)) {
			if (len)
				*len = k.len;
			return k.val;
		}
	}
}

int rk_fdt_read_cells(const void *val, size_t len, size_t cell_index,
                      unsigned ncells, uint64_t *out)
{
	if (!val || ncells == 0 || ncells > 2)
		return RK_FDT_ERR_BADCELLS;
	size_t words = len / 4;
	if (cell_index > words || words - cell_index < ncells)
		return RK_FDT_ERR_BADVALUE;
	const uint8_t *p = (const uint8_t *)val + cell_index * 4;
	*out = ncells == 2 ? be64(p) : be32(p);
	return 0;
}

int rk_fdt_getprop_u32(const struct rk_fdt *t, int node, const char *name,
                       uint32_t *out)
{
	size_t len;
	const uint8_t *p = rk_fdt_getprop(t, node, name, &len);
	if (!p)
		return RK_FDT_ERR_NOTFOUND;
	if (len != 4)
		return RK_FDT_ERR_BADVALUE;
	*out = be32(p);
	return 0;
}

int rk_fdt_getprop_u64(const struct rk_fdt *t, int node, const char *name,
                       uint64_t *out)
{
	size_t len;
	const uint8_t *p = rk_fdt_getprop(t, node, name, &len);
	if (!p)
		return RK_FDT_ERR_NOTFOUND;
	if (len == 4)
		*out = be32(p);
	else if (len == 8)
		*out = be64(p);
	else
		return RK_FDT_ERR_BADVALUE;
	return 0;
}

const char *rk_fdt_getprop_str(const struct rk_fdt *t, int node,
                               const char *name)
{
	size_t len;
	const char *p = rk_fdt_getprop(t, node, name, &len);
	if (!p || len == 0 || p[len - 1] != '\0')
		return NULL;
	return p;
}

int rk_fdt_address_cells(const struct rk_fdt *t, int node)
{
	uint32_t v;
	int r = rk_fdt_getprop_u32(t, node, "#address-cells", &v);
	if (r == RK_FDT_ERR_NOTFOUND)
		return 2;
	if (r < 0)
		return r;
	return v <= 4 ? (int)v : RK_FDT_ERR_BADCELLS;
}

int rk_fdt_size_cells(const struct rk_fdt *t, int node)
{
	uint32_t v;
	int r = rk_fdt_getprop_u32(t, node, "#size-cells", &v);
	if (r == RK_FDT_ERR_NOTFOUND)
		return 1;
	if (r < 0)
		return r;
	return v <= 4 ? (int)v : RK_FDT_ERR_BADCELLS;
}

/* Translates addr from the bus of node bus (whose parent is pbus) to the
 * parent's bus through bus's "ranges".  Empty or absent ranges: identity
 * (lenient: Linux would refuse an absent one). */
static int translate(const struct rk_fdt *t, int bus, int pbus, uint64_t *addr)
{
	size_t len;
	const void *rg = rk_fdt_getprop(t, bus, "ranges", &len);
	if (!rg || len == 0)
		return 0;
	int ca = rk_fdt_address_cells(t, bus);
	int cs = rk_fdt_size_cells(t, bus);
	int pa = rk_fdt_address_cells(t, pbus);
	if (ca < 0 || cs < 0 || pa < 0)
		return RK_FDT_ERR_BADCELLS;
	if (ca < 1 || ca > 2 || cs < 1 || cs > 2 || pa < 1 || pa > 2)
		return RK_FDT_ERR_BADCELLS;
	size_t stride = (size_t)(ca + pa + cs);
	if (len % (stride * 4))
		return RK_FDT_ERR_BADVALUE;
	for (size_t i = 0; i < len / 4; i += stride) {
		uint64_t cb, pb, sz;
		if (rk_fdt_read_cells(rg, len, i, (unsigned)ca, &cb) < 0 ||
		    rk_fdt_read_cells(rg, len, i + (size_t)ca, (unsigned)pa,
		                      &pb) < 0 ||
		    rk_fdt_read_cells(rg, len, i + (size_t)(ca + pa),
		                      (unsigned)cs, &sz) < 0)
			return RK_FDT_ERR_BADVALUE;
		if (*addr >= cb && *addr - cb < sz) {
			*addr = pb + (*addr - cb);
			return 0;
		}
	}
	return RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_reg(const struct rk_fdt *t, int node, unsigned idx, uint64_t *addr,
               uint64_t *size)
{
	int anc[RK_FDT_MAX_DEPTH], n = 0;
	int r = ancestors(t, node, anc, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return RK_FDT_ERR_NOTFOUND; /* the root has no reg */
	int parent = anc[n - 1];
	int ac = rk_fdt_address_cells(t, parent);
	int sc = rk_fdt_size_cells(t, parent);
	if (ac < 0 || sc < 0)
		return RK_FDT_ERR_BADCELLS;
	if (ac < 1 || ac > 2 || sc > 2)
		return RK_FDT_ERR_BADCELLS;
	size_t len;
	const void *reg = rk_fdt_getprop(t, node, "reg", &len);
	if (!reg)
		return RK_FDT_ERR_NOTFOUND;
	size_t stride = (size_t)(ac + sc);
	if (len % (stride * 4))
		return RK_FDT_ERR_BADVALUE;
	if (idx >= len / (stride * 4))
		return RK_FDT_ERR_NOTFOUND;
	uint64_t a, s = 0;
	size_t c = (size_t)idx * stride;
	if (rk_fdt_read_cells(reg, len, c, (unsigned)ac, &a) < 0)
		return RK_FDT_ERR_BADVALUE;
	if (sc &&
	    rk_fdt_read_cells(reg, len, c + (size_t)ac, (unsigned)sc, &s) < 0)
		return RK_FDT_ERR_BADVALUE;
	/* Up the tree: the bus anc[i] maps into anc[i-1]'s space. */
	for (int i = n - 1; i >= 1; i--) {
		r = translate(t, anc[i], anc[i - 1], &a);
		if (r < 0)
			return r;
	}
	if (addr)
		*addr = a;
	if (size)
		*size = s;
	return 0;
}

int rk_fdt_interrupt_cell(const struct rk_fdt *t, int node, unsigned idx,
                          uint32_t *out)
{
	size_t len;
	const void *p = rk_fdt_getprop(t, node, "interrupts", &len);
	uint64_t v;
	if (!p)
		return RK_FDT_ERR_NOTFOUND;
	int r = rk_fdt_read_cells(p, len, idx, 1, &v);
	if (r < 0)
		return r;
	*out = (uint32_t)v;
	return 0;
}

/* ---- lookups ------------------------------------------------------- */

/* Is s one of the NUL-separated strings of list[0..len)? */
static bool strlist_has(const char *list, size_t len, const char *s)
{
	size_t slen = cstrlen(s);
	size_t i = 0;
	while (i < len) {
		size_t e = i;
		while (e < len && list[e])
			e++;
		if (e >= len)
			return false; /* unterminated tail */
		if (e - i == slen && bytes_eq(list + i, s, slen))
			return true;
		i = e + 1;
	}
	return false;
}

bool rk_fdt_is_compatible(const struct rk_fdt *t, int node, const char *compat)
{
	size_t len;
	const char *p = rk_fdt_getprop(t, node, "compatible", &len);
	return p && compat && strlist_has(p, len, compat);
}

bool rk_fdt_is_enabled(const struct rk_fdt *t, int node)
{
	size_t len;
	const char *p = rk_fdt_getprop(t, node, "status", &len);
	if (!p)
		return true;
	return strlist_has(p, len, "okay") || strlist_has(p, len, "ok");
}

int rk_fdt_find_compatible(const struct rk_fdt *t, int after,
                           const char *compat)
{
	if (!t || !t->blob)
		return RK_FDT_ERR_NULL;
	for (int n = rk_fdt_next_node(t, after < 0 ? -1 : after, NULL); n >= 0;
	     n = rk_fdt_next_node(t, n, NULL))
		if (rk_fdt_is_compatible(t, n, compat))
			return n;
	return RK_FDT_ERR_NOTFOUND;
}

static bool is_memory_node(const struct rk_fdt *t, int node)
{
	size_t len;
	const char *dt = rk_fdt_getprop(t, node, "device_type", &len);
	if (dt)
		return len == 7 && bytes_eq(dt, "memory", 7);
	const char *name = rk_fdt_name(t, node, &len);
	return name && name_matches(name, len, "memory", 6);
}

int rk_fdt_memory(const struct rk_fdt *t, unsigned idx, uint64_t *base,
                  uint64_t *size)
{
	if (!t || !t->blob)
		return RK_FDT_ERR_NULL;
	int depth = 0;
	for (int n = rk_fdt_next_node(t, -1, &depth); n >= 0;
	     n = rk_fdt_next_node(t, n, &depth)) {
		if (!is_memory_node(t, n) || !rk_fdt_is_enabled(t, n))
			continue;
		for (unsigned i = 0;; i++) {
			uint64_t b, s;
			int r = rk_fdt_reg(t, n, i, &b, &s);
			if (r == RK_FDT_ERR_NOTFOUND)
				break;
			if (r < 0)
				return r;
			if (s == 0)
				continue;
			if (idx-- == 0) {
				*base = b;
				*size = s;
				return 0;
			}
		}
	}
	return RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_rsvmap(const struct rk_fdt *t, unsigned idx, uint64_t *addr,
                  uint64_t *size)
{
	if (!t || !t->blob)
		return RK_FDT_ERR_NULL;
	for (uint32_t o = t->off_rsvmap; t->totalsize - o >= 16; o += 16) {
		uint64_t a = be64(t->blob + o), s = be64(t->blob + o + 8);
		if (a == 0 && s == 0)
			break;
		if (idx-- == 0) {
			*addr = a;
			*size = s;
			return 0;
		}
	}
	return RK_FDT_ERR_NOTFOUND;
}

int rk_fdt_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end)
{
	int c = rk_fdt_path_offset(t, "/chosen");
	if (c < 0)
		return c;
	uint64_t s, e;
	int r = rk_fdt_getprop_u64(t, c, "linux,initrd-start", &s);
	if (r < 0)
		return r;
	r = rk_fdt_getprop_u64(t, c, "linux,initrd-end", &e);
	if (r < 0)
		return r;
	if (e < s)
		return RK_FDT_ERR_BADVALUE;
	*start = s;
	*end = e;
	return 0;
}

int rk_fdt_stdout(const struct rk_fdt *t)
{
	int c = rk_fdt_path_offset(t, "/chosen");
	if (c < 0)
		return c;
	const char *p = rk_fdt_getprop_str(t, c, "stdout-path");
	if (!p)
		p = rk_fdt_getprop_str(t, c, "linux,stdout-path");
	if (!p)
		return RK_FDT_ERR_NOTFOUND;
	size_t n = 0;
	while (p[n] && p[n] != ':')
		n++;
	if (n == 0)
		return RK_FDT_ERR_BADPATH;
	if (p[0] == '/')
		return path_offset_n(t, p, n);
	/* An alias: "serial0" or "serial0/sub". */
	size_t an = 0;
	while (an < n && p[an] != '/')
		an++;
	int al = rk_fdt_path_offset(t, "/aliases");
	if (al < 0)
		return al;
	struct tok k;
	if (node_tok(t, al, &k) < 0)
		return RK_FDT_ERR_NOTFOUND;
	for (uint32_t o = k.next;; o = k.next) {
		if (tok_at(t, o, &k) < 0)
			return RK_FDT_ERR_STRUCT;
		if (k.tag == FDT_NOP)
			continue;
		if (k.tag != FDT_PROP)
			return RK_FDT_ERR_NOTFOUND;
		if (k.name_len == an && bytes_eq(k.name, p, an)) {
			const char *v = (const char *)k.val;
			if (k.len == 0 || v[k.len - 1] != '\0' || v[0] != '/')
				return RK_FDT_ERR_BADVALUE;
			int node = path_offset_n(t, v, k.len - 1);
			if (node < 0 || an == n)
				return node;
			/* Rest of the path below the aliased node. */
			size_t i = an;
			while (node >= 0) {
				while (i < n && p[i] == '/')
					i++;
				if (i >= n)
					return node;
				size_t j = i;
				while (j < n && p[j] != '/')
					j++;
				node = subnode_named(t, node, p + i, j - i);
				i = j;
			}
			return node;
		}
	}
}

int rk_fdt_timebase(const struct rk_fdt *t, uint64_t *hz)
{
	int cpus = rk_fdt_path_offset(t, "/cpus");
	if (cpus < 0)
		return cpus;
	if (rk_fdt_getprop_u64(t, cpus, "timebase-frequency", hz) == 0)
		return 0;
	for (int n = rk_fdt_first_subnode(t, cpus); n >= 0;
	     n = rk_fdt_next_subnode(t, n))
		if (rk_fdt_getprop_u64(t, n, "timebase-frequency", hz) == 0)
			return 0;
	return RK_FDT_ERR_NOTFOUND;
}

const char *rk_fdt_bootargs(const struct rk_fdt *t)
{
	int c = rk_fdt_path_offset(t, "/chosen");
	return c < 0 ? NULL : rk_fdt_getprop_str(t, c, "bootargs");
}

/* ---- the console UART ---------------------------------------------- */

bool rk_fdt_is_uart16550(const struct rk_fdt *t, int node)
{
	/* Linux's 8250_of binding names; the DesignWare APB UART is a
	 * 16550 with 32-bit registers (its own driver, same registers). */
	return rk_fdt_is_compatible(t, node, "ns16550a") ||
	       rk_fdt_is_compatible(t, node, "ns16550") ||
	       rk_fdt_is_compatible(t, node, "snps,dw-apb-uart");
}

/* An optional one-cell property: def when absent, an error when present
 * with a wrong length. */
static int u32_or(const struct rk_fdt *t, int node, const char *name,
                  uint32_t def, uint32_t *out)
{
	int r = rk_fdt_getprop_u32(t, node, name, out);
	if (r == RK_FDT_ERR_NOTFOUND) {
		*out = def;
		return 0;
	}
	return r;
}

int rk_fdt_uart16550(const struct rk_fdt *t, int node, struct rk_fdt_uart *u)
{
	struct rk_fdt_uart v = {.node = node};
	int r = rk_fdt_reg(t, node, 0, &v.base, &v.size);
	if (r < 0)
		return r;
	if ((r = u32_or(t, node, "reg-shift", 0, &v.reg_shift)) < 0 ||
	    (r = u32_or(t, node, "reg-io-width", 1, &v.reg_io_width)) < 0 ||
	    (r = u32_or(t, node, "clock-frequency", 0, &v.clock_hz)) < 0 ||
	    (r = u32_or(t, node, "current-speed", 0, &v.baud)) < 0)
		return r;
	/* The driver does 1- and 4-byte accesses; a shift beyond 4 would be
	 * a 128-byte stride, which no 16550 uses. */
	if (v.reg_shift > 4 || (v.reg_io_width != 1 && v.reg_io_width != 4))
		return RK_FDT_ERR_BADVALUE;
	r = rk_fdt_interrupt_cell(t, node, 0, &v.irq);
	if (r == RK_FDT_ERR_NOTFOUND)
		v.irq = 0;
	else if (r < 0)
		return r;
	*u = v;
	return 0;
}

int rk_fdt_console_uart(const struct rk_fdt *t, struct rk_fdt_uart *u)
{
	if (!t || !t->blob || !u)
		return RK_FDT_ERR_NULL;
	int n = rk_fdt_stdout(t);
	if (n >= 0 && rk_fdt_is_uart16550(t, n))
		return rk_fdt_uart16550(t, n, u);
	for (n = rk_fdt_next_node(t, -1, NULL); n >= 0;
	     n = rk_fdt_next_node(t, n, NULL))
		if (rk_fdt_is_uart16550(t, n) && rk_fdt_is_enabled(t, n))
			return rk_fdt_uart16550(t, n, u);
	return RK_FDT_ERR_NOTFOUND;
}
