/*
 * keyring.h - keyring documents (docs/keyring.md): which keys may sign
 * payloads, for which names, which keys are revoked, and the document's
 * version, signed by k of the kernel's compiled-in root keys.  A leaked
 * payload key is revoked by shipping a new document, with no rebuild.
 *
 * The parser is the same code in the kernel and in `npl keyring`
 * / `npl inspect`: it reads a private copy, checks every field before it
 * believes it, and every signature, and says which field was wrong.
 */
#ifndef RUMPK_KEYRING_H
#define RUMPK_KEYRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/npl.h>

#define RK_KEYRING_FORMAT      1u
#define RK_KEYRING_HEADER      24u
#define RK_KEYRING_KEY_LEN     (32u + RK_NPL_NAME_SIZE) /* key, name */
#define RK_KEYRING_SIG_LEN     (RK_NPL_KEY_ID_SIZE + 64u)
#define RK_KEYRING_MAX_KEYS    16u
#define RK_KEYRING_MAX_REVOKED 64u
#define RK_KEYRING_MAX_SIGS    8u
#define RK_KEYRING_MAX_LEN                                                     \
	(RK_KEYRING_HEADER + RK_KEYRING_MAX_KEYS * RK_KEYRING_KEY_LEN +        \
	 RK_KEYRING_MAX_REVOKED * RK_NPL_KEY_ID_SIZE +                         \
	 RK_KEYRING_MAX_SIGS * RK_KEYRING_SIG_LEN)

extern const uint8_t rk_keyring_magic[4]; /* "\x7fNKR" */

struct rk_keyring_doc {
	uint64_t version;
	unsigned nkeys, nrevoked, nsigs;
	uint8_t keys[RK_KEYRING_MAX_KEYS][32];
	/* The one name each key may sign ("": any name). */
	char names[RK_KEYRING_MAX_KEYS][RK_NPL_NAME_SIZE];
	uint8_t revoked[RK_KEYRING_MAX_REVOKED][RK_NPL_KEY_ID_SIZE];
	/* Which roots signed it (indices into the roots given). */
	unsigned signers[RK_KEYRING_MAX_SIGS];
};

/* Does image start like a keyring document (its magic)? */
bool rk_keyring_is_doc(const void *image, size_t len);

/* Parses doc (len bytes, which the caller owns and nobody else writes)
 * and checks its signatures: every one must be by a distinct root key of
 * roots[0..nroots), none of them revoked by revoked_ids (n_ids), and at
 * least threshold of them.  0 with *out filled, or -1 with the reason in
 * diag (the field, what it held, what was expected). */
int rk_keyring_parse(const uint8_t *doc, size_t len, const uint8_t (*roots)[32],
                     size_t nroots, unsigned threshold,
                     const uint8_t (*revoked_ids)[RK_NPL_KEY_ID_SIZE],
                     size_t n_ids, struct rk_keyring_doc *out,
                     struct rk_npl_diag *diag);

/* The bytes the roots sign: the document up to its signatures. */
size_t rk_keyring_signed_len(const uint8_t *doc, size_t len);

#endif
