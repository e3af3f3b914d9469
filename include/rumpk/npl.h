/*
 * npl.h - the NPL payload format, v1 and v2, and its loader
 * (docs/npl-format.md).
 *
 * A 128-byte little-endian header, then a body of position-independent
 * code whose entry point is at body offset 0.  The loader checks the cheap
 * fields in a fixed order, copies the image into memory it owns, zeroes
 * the signature field in that copy, verifies the copy against the trusted
 * key it names (v2) or each trusted key (v1), checks the security counter
 * (v2), then seals it read+exec: bytes that were not verified never run.
 */
#ifndef RUMPK_NPL_H
#define RUMPK_NPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/api.h>

#define RK_NPL_HEADER_SIZE   128u
#define RK_NPL_VERSION       1u /* the first format; see RK_NPL_V2 */
#define RK_NPL_V2            2u
#define RK_NPL_OFF_MAGIC     0u
#define RK_NPL_OFF_VERSION   4u
#define RK_NPL_OFF_ARCH      5u
#define RK_NPL_OFF_FLAGS     6u
#define RK_NPL_OFF_SIG       8u
#define RK_NPL_OFF_BODY_SIZE 72u
#define RK_NPL_OFF_RESERVED  80u
#define RK_NPL_SIG_SIZE      64u
#define RK_NPL_RESERVED_SIZE 48u
/* v2 puts its fields where v1 has its reserved bytes. */
#define RK_NPL_OFF_KEY_ID  80u
#define RK_NPL_OFF_VER     88u /* major, minor, patch: 3 x u16 */
#define RK_NPL_OFF_MIN_ABI 94u
#define RK_NPL_OFF_COUNTER 96u
#define RK_NPL_OFF_NAME    104u
#define RK_NPL_KEY_ID_SIZE 8u
#define RK_NPL_NAME_SIZE   24u /* at most 23 characters and a zero */
/* Default limit on body_size (the loader's limit; a policy may lower it). */
#define RK_NPL_BODY_MAX (16u * 1024u * 1024u)
/* Policy arch value that accepts any of the three known codes (host
 * tools that inspect images for other machines). */
#define RK_NPL_ARCH_ANY 0u

extern const uint8_t rk_npl_magic[4];

enum rk_npl_err {
	RK_NPL_OK = 0,
	RK_NPL_ERR_TRUNCATED, /* shorter than the header */
	RK_NPL_ERR_MAGIC,
	RK_NPL_ERR_VERSION,
	RK_NPL_ERR_ARCH,
	RK_NPL_ERR_FLAGS,
	RK_NPL_ERR_RESERVED,
	RK_NPL_ERR_BODY_SIZE, /* zero, over the limit, or != length - 128 */
	RK_NPL_ERR_NO_KEYS,   /* the trusted keyring is empty */
	RK_NPL_ERR_SIGNATURE, /* no trusted key verifies the image */
	RK_NPL_ERR_NOMEM,
	RK_NPL_ERR_SEAL,   /* could not make the copy read+exec */
	RK_NPL_ERR_NAME,   /* v2: not 1-23 of [A-Za-z0-9._-], zero-padded */
	RK_NPL_ERR_ABI,    /* v2: needs a newer payload ABI than the kernel's */
	RK_NPL_ERR_KEY_ID, /* v2: names no trusted key */
	RK_NPL_ERR_ROLLBACK, /* v2: security counter below the floor */
	RK_NPL_ERR_KEY_NAME, /* its key may sign only another name */
	RK_NPL_ERR_COUNT
};

struct rk_npl_header {
	uint8_t magic[4];
	uint8_t version;
	uint8_t arch;
	uint16_t flags;
	uint8_t sig[RK_NPL_SIG_SIZE];
	uint64_t body_size;
	/* v1: must be zero.  v2: the bytes of the fields below. */
	uint8_t reserved[RK_NPL_RESERVED_SIZE];
	/* v2 only (zero for v1). */
	uint8_t key_id[RK_NPL_KEY_ID_SIZE];
	uint16_t ver_major, ver_minor, ver_patch;
	uint16_t min_abi;
	uint64_t counter;
	char name[RK_NPL_NAME_SIZE];
};

struct rk_npl_policy {
	uint8_t arch;              /* RK_ARCH_SELF, or RK_NPL_ARCH_ANY */
	uint64_t max_body;         /* 0 means RK_NPL_BODY_MAX */
	const uint8_t (*keys)[32]; /* trusted public keys */
	size_t nkeys;
	/* When set, the one name each key may sign ("": any; a named key
	 * signs no v1 image, which has no name). */
	const char (*key_names)[RK_NPL_NAME_SIZE];
	/* v1 images carry no counter, name or key id: refused unless set. */
	bool accept_v1;
	/* v2: the lowest security counter accepted for any name, and, when
	 * set, the lowest for one name (the highest accepted before). */
	uint64_t min_counter;
	uint64_t (*counter_floor)(const char *name, void *ctx);
	void *counter_ctx;
};

/* A human-readable reason: the field, what it held, what was expected. */
struct rk_npl_diag {
	char msg[200];
};

/* The loader places the body of its copy on this boundary, so code built
 * for link address 0 that computes addresses page-relative (aarch64's
 * adrp, the default code model there) runs as linked. */
#define RK_NPL_BODY_ALIGN 4096u

struct rk_npl_image {
	void *mem;  /* the loader's own copy: header + body */
	size_t len; /* 128 + body_size */
	void *base; /* the allocation holding mem */
	size_t base_len;
	struct rk_npl_header hdr;
	size_t key_index; /* which trusted key verified it */
	uint64_t id;      /* SipHash payload ID */
};

/* A key's identifier: the first 8 bytes of SHA-512 of the public key. */
void rk_npl_key_id(const uint8_t pk[32], uint8_t id[RK_NPL_KEY_ID_SIZE]);
/* Is s (n bytes, zero-padded) a valid v2 name? */
bool rk_npl_name_ok(const char *s, size_t n);

const char *rk_npl_strerror(enum rk_npl_err err);
const char *rk_npl_arch_name(uint8_t arch); /* "x86_64", ... or "unknown" */
uint8_t rk_npl_arch_from_name(const char *name); /* 0 when unknown */

/* Header checks only, in the normative order; no signature check. */
enum rk_npl_err rk_npl_parse(const void *image, size_t len,
                             const struct rk_npl_policy *pol,
                             struct rk_npl_header *hdr,
                             struct rk_npl_diag *diag);

/* Copy image into copy (>= len bytes, owned by the caller), then work on
 * the copy alone: rk_npl_parse it, zero its signature field and verify it
 * against each trusted key.  The source is read once, by that copy, so a
 * source that changes meanwhile cannot split what is checked from what is
 * reported: *hdr is the copy's header (signature included), *key_index
 * the key that verified it. */
enum rk_npl_err rk_npl_check(const void *image, size_t len,
                             const struct rk_npl_policy *pol, void *copy,
                             struct rk_npl_header *hdr, size_t *key_index,
                             struct rk_npl_diag *diag);

/* The whole loader: hal_exec_alloc, rk_npl_check into that memory,
 * hal_exec_seal.  On failure nothing stays allocated. */
enum rk_npl_err rk_npl_load(const void *image, size_t len,
                            const struct rk_npl_policy *pol,
                            struct rk_npl_image *out, struct rk_npl_diag *diag);
/* Calls the body's entry point on the current fiber. */
int64_t rk_npl_exec(const struct rk_npl_image *img, const struct rk_api *api);
void rk_npl_unload(struct rk_npl_image *img);

/* Little-endian field access, shared with the tools. */
static inline uint64_t rk_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void rk_put_le64(uint8_t *p, uint64_t v)
{
	for (unsigned i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint16_t rk_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void rk_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

#endif
