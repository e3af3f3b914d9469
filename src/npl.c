/*
 * npl.c - the NPL loader, v1 and v2.  The order of checks is normative
 * (docs/npl-format.md): length, magic, version, arch, flags, then
 * reserved (v1) or name (v2), body_size, min_abi (v2), the key (v2: the
 * one its key_id names), the signature, and last the security counter
 * (v2: a counter is believed only once it is signed).  Every cheap check
 * runs before the expensive one, and every rejection says which field,
 * what it held and what was expected.
 */
#include <rumpk/crypto.h>
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/npl.h>
#include <rumpk/siphash.h>

const uint8_t rk_npl_magic[4] = {0x7f, 'N', 'P', 'L'};

static const char *const err_names[RK_NPL_ERR_COUNT] = {
    [RK_NPL_OK] = "ok",
    [RK_NPL_ERR_TRUNCATED] = "image shorter than the 128-byte header",
    [RK_NPL_ERR_MAGIC] = "bad magic",
    [RK_NPL_ERR_VERSION] = "unsupported version",
    [RK_NPL_ERR_ARCH] = "wrong architecture",
    [RK_NPL_ERR_FLAGS] = "undefined flag set",
    [RK_NPL_ERR_RESERVED] = "reserved bytes not zero",
    [RK_NPL_ERR_BODY_SIZE] = "bad body size",
    [RK_NPL_ERR_NO_KEYS] = "no trusted key",
    [RK_NPL_ERR_SIGNATURE] = "bad signature",
    [RK_NPL_ERR_NOMEM] = "out of memory",
    [RK_NPL_ERR_SEAL] = "cannot seal the image read+exec",
    [RK_NPL_ERR_NAME] = "bad name",
    [RK_NPL_ERR_ABI] = "needs a newer payload ABI",
    [RK_NPL_ERR_KEY_ID] = "untrusted key",
    [RK_NPL_ERR_ROLLBACK] = "security counter rolled back",
    [RK_NPL_ERR_KEY_NAME] = "key may not sign this name",
};

const char *rk_npl_strerror(enum rk_npl_err err)
{
	if ((unsigned)err >= RK_NPL_ERR_COUNT)
		return "unknown error";
	return err_names[err];
}

const char *rk_npl_arch_name(uint8_t arch)
{
	switch (arch) {
	case RK_ARCH_AARCH64:
		return "aarch64";
	case RK_ARCH_X86_64:
		return "x86_64";
	case RK_ARCH_RISCV64:
		return "riscv64";
	default:
		return "unknown";
	}
}

uint8_t rk_npl_arch_from_name(const char *name)
{
	static const uint8_t codes[] = {RK_ARCH_AARCH64, RK_ARCH_X86_64,
	                                RK_ARCH_RISCV64};
	for (unsigned i = 0; i < RK_ARRAY_SIZE(codes); i++)
		if (rk_strcmp(name, rk_npl_arch_name(codes[i])) == 0)
			return codes[i];
	return 0;
}

static enum rk_npl_err fail(struct rk_npl_diag *diag, enum rk_npl_err err,
                            const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum rk_npl_err fail(struct rk_npl_diag *diag, enum rk_npl_err err,
                            const char *fmt, ...)
{
	if (diag) {
		rk_va_list ap;
		rk_va_start(ap, fmt);
		rk_vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
		rk_va_end(ap);
	}
	return err;
}

void rk_npl_key_id(const uint8_t pk[32], uint8_t id[RK_NPL_KEY_ID_SIZE])
{
	uint8_t h[64];
	rk_sha512(pk, 32, h);
	rk_memcpy(id, h, RK_NPL_KEY_ID_SIZE);
}

static bool name_char(char c, bool first)
{
	bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	             (c >= '0' && c <= '9');
	return alnum || (!first && (c == '.' || c == '_' || c == '-'));
}

/* Where a v2 name breaks its rule (n when it does not), and what that
 * byte should have held. */
static size_t name_bad_at(const char *s, size_t n, const char **want)
{
	size_t len = 0;
	while (len < n && s[len])
		len++;
	*want = "0x00 (at most 23 characters, then zeros)";
	if (len == n)
		return n - 1;
	for (size_t i = 0; i < len; i++) {
		*want = i ? "a letter, a digit, '.', '_' or '-'"
		          : "a letter or a digit";
		if (!name_char(s[i], i == 0))
			return i;
	}
	*want = "0x00 (only zeros after the name)";
	for (size_t i = len; i < n; i++)
		if (s[i])
			return i;
	return len ? n : 0;
}

bool rk_npl_name_ok(const char *s, size_t n)
{
	const char *want;
	return name_bad_at(s, n, &want) == n;
}

static bool known_arch(uint8_t a)
{
	return a == RK_ARCH_AARCH64 || a == RK_ARCH_X86_64 ||
	       a == RK_ARCH_RISCV64;
}

enum rk_npl_err rk_npl_parse(const void *image, size_t len,
                             const struct rk_npl_policy *pol,
                             struct rk_npl_header *hdr,
                             struct rk_npl_diag *diag)
{
	const uint8_t *p = image;
	struct rk_npl_header h;

	if (diag)
		diag->msg[0] = '\0';
	if (!p || len < RK_NPL_HEADER_SIZE)
		return fail(diag, RK_NPL_ERR_TRUNCATED,
		            "length: held %zu bytes, expected at least %u "
		            "(the header)",
		            p ? len : (size_t)0, RK_NPL_HEADER_SIZE);

	rk_memcpy(h.magic, p + RK_NPL_OFF_MAGIC, 4);
	h.version = p[RK_NPL_OFF_VERSION];
	h.arch = p[RK_NPL_OFF_ARCH];
	h.flags =
	    (uint16_t)(p[RK_NPL_OFF_FLAGS] | (p[RK_NPL_OFF_FLAGS + 1] << 8));
	rk_memcpy(h.sig, p + RK_NPL_OFF_SIG, RK_NPL_SIG_SIZE);
	h.body_size = rk_le64(p + RK_NPL_OFF_BODY_SIZE);
	rk_memcpy(h.reserved, p + RK_NPL_OFF_RESERVED, RK_NPL_RESERVED_SIZE);
	bool v2 = h.version == RK_NPL_V2;
	rk_memset(h.key_id, 0, sizeof(h.key_id));
	h.ver_major = h.ver_minor = h.ver_patch = h.min_abi = 0;
	h.counter = 0;
	rk_memset(h.name, 0, sizeof(h.name));
	if (v2) {
		rk_memcpy(h.key_id, p + RK_NPL_OFF_KEY_ID, RK_NPL_KEY_ID_SIZE);
		h.ver_major = rk_le16(p + RK_NPL_OFF_VER);
		h.ver_minor = rk_le16(p + RK_NPL_OFF_VER + 2);
		h.ver_patch = rk_le16(p + RK_NPL_OFF_VER + 4);
		h.min_abi = rk_le16(p + RK_NPL_OFF_MIN_ABI);
		h.counter = rk_le64(p + RK_NPL_OFF_COUNTER);
		rk_memcpy(h.name, p + RK_NPL_OFF_NAME, RK_NPL_NAME_SIZE);
	}
	if (hdr)
		*hdr = h;

	if (rk_memcmp(h.magic, rk_npl_magic, 4) != 0)
		return fail(diag, RK_NPL_ERR_MAGIC,
		            "magic: held %02x %02x %02x %02x, expected "
		            "7f 4e 50 4c (\"\\x7fNPL\")",
		            h.magic[0], h.magic[1], h.magic[2], h.magic[3]);
	if (h.version == RK_NPL_VERSION && !pol->accept_v1)
		return fail(diag, RK_NPL_ERR_VERSION,
		            "version: held 1, expected 2 (NPL v1 is refused "
		            "here: it has no security counter, name or key id, "
		            "so rollback cannot be checked)");
	if (h.version != RK_NPL_VERSION && !v2)
		return fail(diag, RK_NPL_ERR_VERSION,
		            "version: held %u, expected %s", h.version,
		            pol->accept_v1 ? "1 or 2" : "2");
	if (pol->arch == RK_NPL_ARCH_ANY ? !known_arch(h.arch)
	                                 : h.arch != pol->arch) {
		if (pol->arch == RK_NPL_ARCH_ANY)
			return fail(
			    diag, RK_NPL_ERR_ARCH,
			    "arch: held 0x%02x (unknown), expected 0xaa "
			    "(aarch64), 0xee (x86_64) or 0x55 (riscv64)",
			    h.arch);
		return fail(diag, RK_NPL_ERR_ARCH,
		            "arch: held 0x%02x (%s), expected 0x%02x (%s)",
		            h.arch, rk_npl_arch_name(h.arch), pol->arch,
		            rk_npl_arch_name(pol->arch));
	}
	if (h.flags != 0)
		return fail(diag, RK_NPL_ERR_FLAGS,
		            "flags: held 0x%04x, expected 0x0000 (NPL v%u "
		            "defines no flag)",
		            h.flags, h.version);
	const char *want = NULL;
	size_t bad = v2 ? name_bad_at(h.name, RK_NPL_NAME_SIZE, &want)
	                : RK_NPL_NAME_SIZE;
	if (bad == 0 && !h.name[0])
		return fail(diag, RK_NPL_ERR_NAME,
		            "name: held nothing, expected 1 to 23 characters "
		            "of A-Z a-z 0-9 . _ - (a letter or a digit first)");
	if (bad < RK_NPL_NAME_SIZE)
		return fail(diag, RK_NPL_ERR_NAME,
		            "name: byte %zu (offset %zu) held 0x%02x, expected "
		            "%s",
		            bad, RK_NPL_OFF_NAME + bad, (uint8_t)h.name[bad],
		            want);
	for (unsigned i = 0; !v2 && i < RK_NPL_RESERVED_SIZE; i++)
		if (h.reserved[i] != 0)
			return fail(
			    diag, RK_NPL_ERR_RESERVED,
			    "reserved: byte %u (offset %u) held 0x%02x, "
			    "expected all 48 bytes zero",
			    i, RK_NPL_OFF_RESERVED + i, h.reserved[i]);

	uint64_t max = pol->max_body ? pol->max_body : RK_NPL_BODY_MAX;
	/* Compare against len - 128 (no overflow: len >= 128 here) rather
	 * than computing 128 + body_size, which can wrap. */
	if (h.body_size == 0)
		return fail(diag, RK_NPL_ERR_BODY_SIZE,
		            "body_size: held 0, expected at least 1");
	if (h.body_size > max)
		return fail(diag, RK_NPL_ERR_BODY_SIZE,
		            "body_size: held %llu, expected at most %llu (the "
		            "loader's limit)",
		            (unsigned long long)h.body_size,
		            (unsigned long long)max);
	if (h.body_size != (uint64_t)(len - RK_NPL_HEADER_SIZE))
		return fail(diag, RK_NPL_ERR_BODY_SIZE,
		            "body_size: held %llu, expected %llu (image length "
		            "%zu minus the 128-byte header)",
		            (unsigned long long)h.body_size,
		            (unsigned long long)(len - RK_NPL_HEADER_SIZE),
		            len);
	if (v2 && h.min_abi > RK_API_VERSION)
		return fail(diag, RK_NPL_ERR_ABI,
		            "min_abi: held %u, expected at most %u (this "
		            "kernel's payload ABI)",
		            h.min_abi, RK_API_VERSION);
	return RK_NPL_OK;
}

/* The lowest counter pol accepts for name, and why. */
static uint64_t counter_floor(const struct rk_npl_policy *pol, const char *name,
                              bool *stored)
{
	uint64_t f = pol->min_counter, s = 0;
	if (pol->counter_floor)
		s = pol->counter_floor(name, pol->counter_ctx);
	*stored = s > f;
	return *stored ? s : f;
}

enum rk_npl_err rk_npl_check(const void *image, size_t len,
                             const struct rk_npl_policy *pol, void *copy,
                             struct rk_npl_header *hdr, size_t *key_index,
                             struct rk_npl_diag *diag)
{
	struct rk_npl_header h;
	uint8_t *c = copy;

	if (hdr)
		rk_memset(hdr, 0, sizeof(*hdr));
	if (!image || len < RK_NPL_HEADER_SIZE)
		return rk_npl_parse(image, len, pol, hdr, diag); /* says why */
	/* The source is read once, here: another core, a DMA or a hostile
	 * host may change it at any time, so everything below -- the
	 * checks, the signature and the header we report -- comes from the
	 * copy, which only we can write. */
	rk_memcpy(c, image, len);
	enum rk_npl_err err = rk_npl_parse(c, len, pol, &h, diag);
	if (hdr)
		*hdr = h;
	if (err != RK_NPL_OK)
		return err;
	if (pol->nkeys == 0 || !pol->keys)
		return fail(diag, RK_NPL_ERR_NO_KEYS,
		            "signature: the trusted keyring is empty, expected "
		            "at least one key");
	bool v2 = h.version == RK_NPL_V2;
	/* v2 names its key: only a trusted key with that id is tried. */
	bool named = false;
	for (size_t k = 0; v2 && k < pol->nkeys; k++) {
		uint8_t id[RK_NPL_KEY_ID_SIZE];
		rk_npl_key_id(pol->keys[k], id);
		named |= rk_memcmp(id, h.key_id, sizeof(id)) == 0;
	}
	if (v2 && !named)
		return fail(diag, RK_NPL_ERR_KEY_ID,
		            "key_id: held %02x%02x%02x%02x%02x%02x%02x%02x, "
		            "expected the id of one of the %zu trusted key(s)",
		            h.key_id[0], h.key_id[1], h.key_id[2], h.key_id[3],
		            h.key_id[4], h.key_id[5], h.key_id[6], h.key_id[7],
		            pol->nkeys);
	/* The signature covers the image with its own field zeroed. */
	rk_memset(c + RK_NPL_OFF_SIG, 0, RK_NPL_SIG_SIZE);
	size_t k = 0;
	for (; k < pol->nkeys; k++) {
		if (v2) {
			uint8_t id[RK_NPL_KEY_ID_SIZE];
			rk_npl_key_id(pol->keys[k], id);
			if (rk_memcmp(id, h.key_id, sizeof(id)) != 0)
				continue;
		}
		if (rk_sig_verify(h.sig, c, len, pol->keys[k]))
			break;
	}
	if (k == pol->nkeys)
		return fail(diag, RK_NPL_ERR_SIGNATURE,
		            "signature: held %02x%02x%02x%02x..., expected an "
		            "Ed25519 signature by %s; none verifies",
		            h.sig[0], h.sig[1], h.sig[2], h.sig[3],
		            v2 ? "the trusted key its key_id names"
		               : "one of the trusted keys");
	if (key_index)
		*key_index = k;
	const char *only = pol->key_names ? pol->key_names[k] : "";
	if (only[0] && (!v2 || rk_strncmp(only, h.name, RK_NPL_NAME_SIZE)))
		return fail(diag, RK_NPL_ERR_KEY_NAME,
		            "name: held '%s', expected '%s' (the only name its "
		            "key may sign, says the keyring)",
		            v2 ? h.name : "(NPL v1: none)", only);
	bool stored = false;
	uint64_t floor = v2 ? counter_floor(pol, h.name, &stored) : 0;
	if (v2 && h.counter < floor)
		return fail(
		    diag, RK_NPL_ERR_ROLLBACK,
		    "security_counter: held %llu, expected at least "
		    "%llu (%s%s%s)",
		    (unsigned long long)h.counter, (unsigned long long)floor,
		    stored ? "the highest accepted for '"
		           : "the build's floor, -Dmin_security_counter",
		    stored ? h.name : "", stored ? "'" : "");
	return RK_NPL_OK;
}

static uint64_t payload_counter;

enum rk_npl_err rk_npl_load(const void *image, size_t len,
                            const struct rk_npl_policy *pol,
                            struct rk_npl_image *out, struct rk_npl_diag *diag)
{
	struct rk_npl_header h;
	size_t key = 0;

	rk_memset(out, 0, sizeof(*out));
	/* Refuse bad headers before allocating anything.  This look at the
	 * source decides only whether to allocate: rk_npl_check parses the
	 * copy again, and what it verified is what we keep. */
	enum rk_npl_err err = rk_npl_parse(image, len, pol, NULL, diag);
	if (err != RK_NPL_OK)
		return err;
	/* The header goes just below a page boundary, the body on it.  len
	 * is at most 128 + max_body here, so this cannot overflow. */
	size_t pad = RK_NPL_BODY_ALIGN - RK_NPL_HEADER_SIZE;
	size_t total = pad + len;
	uint8_t *base = hal_exec_alloc(total);
	if (!base)
		return fail(
		    diag, RK_NPL_ERR_NOMEM,
		    "memory: could not allocate %zu bytes for the image",
		    total);
	uint8_t *mem = base + pad;
	err = rk_npl_check(image, len, pol, mem, &h, &key, diag);
	if (err != RK_NPL_OK) {
		hal_exec_free(base, total);
		return err;
	}
	if (hal_exec_seal(base, total) != 0) {
		hal_exec_free(base, total);
		return fail(diag, RK_NPL_ERR_SEAL,
		            "memory: could not make %zu bytes read+exec",
		            total);
	}
	out->mem = mem;
	out->len = len;
	out->base = base;
	out->base_len = total;
	out->hdr = h;
	out->key_index = key;
	out->id = rk_id_make(RK_ID_PAYLOAD, ++payload_counter);
	return RK_NPL_OK;
}

int64_t rk_npl_exec(const struct rk_npl_image *img, const struct rk_api *api)
{
	/* Converting a data pointer to a function pointer is what a loader
	 * is for; go through uintptr_t so the intent is explicit. */
	uintptr_t body = (uintptr_t)img->mem + RK_NPL_HEADER_SIZE;
	rk_payload_entry_t entry = (rk_payload_entry_t)body;
	return hal_payload_call(entry, api);
}

void rk_npl_unload(struct rk_npl_image *img)
{
	if (img->base)
		hal_exec_free(img->base, img->base_len);
	img->mem = img->base = NULL;
}
