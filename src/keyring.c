/*
 * keyring.c - the keyring document parser (docs/keyring.md).  Checks, in
 * this order: length, magic, format, zero bytes, the counts, the exact
 * length, each payload key (its name rule, no duplicate), each revoked
 * id (no duplicate, not one of its own keys), then each signature (a
 * distinct root key that is not revoked, and a valid Ed25519 signature
 * over everything before the signatures), then the threshold.  Every
 * rejection names the field, what it held and what was expected.
 */
#include <rumpk/crypto.h>
#include <rumpk/keyring.h>
#include <rumpk/klib.h>

const uint8_t rk_keyring_magic[4] = {0x7f, 'N', 'K', 'R'};

static int refuse(struct rk_npl_diag *diag, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(struct rk_npl_diag *diag, const char *fmt, ...)
{
	if (diag) {
		rk_va_list ap;
		rk_va_start(ap, fmt);
		rk_vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
		rk_va_end(ap);
	}
	return -1;
}

bool rk_keyring_is_doc(const void *image, size_t len)
{
	return image && len >= 4 && rk_memcmp(image, rk_keyring_magic, 4) == 0;
}

size_t rk_keyring_signed_len(const uint8_t *doc, size_t len)
{
	if (len < RK_KEYRING_HEADER)
		return 0;
	return RK_KEYRING_HEADER + (size_t)doc[16] * RK_KEYRING_KEY_LEN +
	       (size_t)doc[17] * RK_NPL_KEY_ID_SIZE;
}

static bool id_in(const uint8_t *id, const uint8_t (*ids)[RK_NPL_KEY_ID_SIZE],
                  size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (rk_memcmp(id, ids[i], RK_NPL_KEY_ID_SIZE) == 0)
			return true;
	return false;
}

/* The id as 16 hex digits, for messages. */
static const char *hex_id(const uint8_t *id, char out[17])
{
	static const char d[] = "0123456789abcdef";
	for (unsigned i = 0; i < RK_NPL_KEY_ID_SIZE; i++) {
		out[2 * i] = d[id[i] >> 4];
		out[2 * i + 1] = d[id[i] & 15];
	}
	out[16] = '\0';
	return out;
}

int rk_keyring_parse(const uint8_t *doc, size_t len, const uint8_t (*roots)[32],
                     size_t nroots, unsigned threshold,
                     const uint8_t (*revoked_ids)[RK_NPL_KEY_ID_SIZE],
                     size_t n_ids, struct rk_keyring_doc *out,
                     struct rk_npl_diag *diag)
{
	char h1[17], h2[17];

	rk_memset(out, 0, sizeof(*out));
	if (diag)
		diag->msg[0] = '\0';
	if (!doc || len < RK_KEYRING_HEADER)
		return refuse(diag,
		              "length: held %zu bytes, expected at least %u "
		              "(the header)",
		              doc ? len : (size_t)0, RK_KEYRING_HEADER);
	if (!rk_keyring_is_doc(doc, len))
		return refuse(diag,
		              "magic: held %02x %02x %02x %02x, expected 7f 4e "
		              "4b 52 (\"\\x7fNKR\")",
		              doc[0], doc[1], doc[2], doc[3]);
	if (doc[4] != RK_KEYRING_FORMAT)
		return refuse(diag, "format: held %u, expected %u", doc[4],
		              RK_KEYRING_FORMAT);
	static const unsigned zeros[] = {5, 6, 7, 19, 20, 21, 22, 23};
	for (unsigned i = 0; i < RK_ARRAY_SIZE(zeros); i++)
		if (doc[zeros[i]])
			return refuse(diag,
			              "reserved: byte %u held 0x%02x, expected "
			              "0x00",
			              zeros[i], doc[zeros[i]]);
	out->version = rk_le64(doc + 8);
	out->nkeys = doc[16];
	out->nrevoked = doc[17];
	out->nsigs = doc[18];
	if (out->version == 0)
		return refuse(diag, "version: held 0, expected at least 1");
	if (out->nkeys > RK_KEYRING_MAX_KEYS)
		return refuse(diag, "nkeys: held %u, expected at most %u",
		              out->nkeys, RK_KEYRING_MAX_KEYS);
	if (out->nrevoked > RK_KEYRING_MAX_REVOKED)
		return refuse(diag, "nrevoked: held %u, expected at most %u",
		              out->nrevoked, RK_KEYRING_MAX_REVOKED);
	if (out->nsigs == 0 || out->nsigs > RK_KEYRING_MAX_SIGS)
		return refuse(diag, "nsigs: held %u, expected 1 to %u",
		              out->nsigs, RK_KEYRING_MAX_SIGS);
	size_t body = rk_keyring_signed_len(doc, len);
	size_t want = body + out->nsigs * RK_KEYRING_SIG_LEN;
	if (len != want)
		return refuse(
		    diag,
		    "length: held %zu bytes, expected %zu (24 + %u "
		    "keys x 56 + %u revoked x 8 + %u signatures x 72)",
		    len, want, out->nkeys, out->nrevoked, out->nsigs);

	const uint8_t *p = doc + RK_KEYRING_HEADER;
	for (unsigned i = 0; i < out->nkeys; i++, p += RK_KEYRING_KEY_LEN) {
		rk_memcpy(out->keys[i], p, 32);
		rk_memcpy(out->names[i], p + 32, RK_NPL_NAME_SIZE);
		bool any = true;
		for (unsigned b = 0; b < RK_NPL_NAME_SIZE; b++)
			any &= out->names[i][b] == 0;
		if (!any && !rk_npl_name_ok(out->names[i], RK_NPL_NAME_SIZE))
			return refuse(
			    diag,
			    "key %u: name is not empty (any name) "
			    "and breaks the payload name rule (1 to 23 "
			    "of A-Z a-z 0-9 . _ -, zero-padded)",
			    i);
		for (unsigned j = 0; j < i; j++)
			if (rk_memcmp(out->keys[j], out->keys[i], 32) == 0)
				return refuse(diag,
				              "key %u: the same key as key %u, "
				              "expected each key once",
				              i, j);
	}
	for (unsigned i = 0; i < out->nrevoked; i++, p += RK_NPL_KEY_ID_SIZE) {
		rk_memcpy(out->revoked[i], p, RK_NPL_KEY_ID_SIZE);
		for (unsigned j = 0; j < i; j++)
			if (rk_memcmp(out->revoked[j], out->revoked[i],
			              RK_NPL_KEY_ID_SIZE) == 0)
				return refuse(
				    diag,
				    "revoked %u: %s listed twice, expected "
				    "each id once",
				    i, hex_id(out->revoked[i], h1));
	}
	for (unsigned i = 0; i < out->nkeys; i++) {
		uint8_t id[RK_NPL_KEY_ID_SIZE];
		rk_npl_key_id(out->keys[i], id);
		if (id_in(id,
		          (const uint8_t(*)[RK_NPL_KEY_ID_SIZE])out->revoked,
		          out->nrevoked) ||
		    id_in(id, revoked_ids, n_ids))
			return refuse(diag,
			              "key %u: id %s is revoked, expected no "
			              "revoked key (revoked keys stay revoked)",
			              i, hex_id(id, h1));
	}

	/* Signatures, over everything before them. */
	for (unsigned s = 0; s < out->nsigs; s++, p += RK_KEYRING_SIG_LEN) {
		size_t r = 0;
		for (; r < nroots; r++) {
			uint8_t id[RK_NPL_KEY_ID_SIZE];
			rk_npl_key_id(roots[r], id);
			if (rk_memcmp(id, p, RK_NPL_KEY_ID_SIZE) == 0)
				break;
		}
		if (r == nroots)
			return refuse(
			    diag,
			    "signature %u: key id %s, expected the id "
			    "of one of the %zu root key(s)",
			    s, hex_id(p, h1), nroots);
		if (id_in(p, revoked_ids, n_ids) ||
		    id_in(p, (const uint8_t(*)[RK_NPL_KEY_ID_SIZE])out->revoked,
		          out->nrevoked))
			return refuse(
			    diag,
			    "signature %u: root %s is revoked, expected "
			    "a root that is not",
			    s, hex_id(p, h1));
		for (unsigned t = 0; t < s; t++)
			if (out->signers[t] == r)
				return refuse(
				    diag,
				    "signature %u: root %s signed "
				    "already (signature %u), expected "
				    "distinct roots",
				    s, hex_id(p, h2), t);
		if (!rk_sig_verify(p + RK_NPL_KEY_ID_SIZE, doc, body, roots[r]))
			return refuse(diag,
			              "signature %u: held %02x%02x%02x%02x... "
			              "by root %s, expected a valid Ed25519 "
			              "signature of the document's first %zu "
			              "bytes; it does not verify",
			              s, p[8], p[9], p[10], p[11],
			              hex_id(p, h1), body);
		out->signers[s] = (unsigned)r;
	}
	if (out->nsigs < threshold)
		return refuse(
		    diag,
		    "nsigs: held %u valid root signature(s), expected "
		    "at least %u (the kernel's threshold, "
		    "-Dkeyring_threshold)",
		    out->nsigs, threshold);
	return 0;
}
