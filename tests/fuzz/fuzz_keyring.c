/*
 * fuzz_keyring.c - libFuzzer harness for the keyring document parser
 * (src/keyring.c, built-in verifier), checked against an independent
 * reference.
 *
 * The property: rk_keyring_parse accepts a document (the step before the
 * kernel trusts its keys) only when the reference, written here from
 * docs/keyring.md with libsodium's verifier, accepts it too, and it
 * refuses only what the reference refuses; what it reports accepted is
 * what the bytes say.  Any disagreement aborts.
 *
 * Each input is tried as given and, when its unsigned part holds, with
 * every signature slot re-made by the test root it names (or by root 0),
 * so the fuzzer reaches the accept path.  The roots are three
 * deterministic test keys, one of them revoked by the "kernel's state";
 * the threshold is the input's last byte mod 4, so 0 to 3 are explored.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/keyring.h>
#include <rumpk/npl.h>

#define FUZZ_NAME "fuzz_keyring"
#include "fuzz_check.h"
#include "ref_name.h"

static uint8_t roots[3][32], root_sk[3][64], root_id[3][8];

/* The loader's library prints nothing here; the console is not under
 * test. */
void hal_console_putc(char c)
{
	(void)c;
}
static uint8_t state_revoked[1][8]; /* root 2 */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	for (int r = 0; r < 3; r++) {
		uint8_t seed[32], h[64];
		for (unsigned i = 0; i < 32; i++)
			seed[i] = (uint8_t)(0x40 * (r + 1) ^ i);
		crypto_sign_seed_keypair(roots[r], root_sk[r], seed);
		crypto_hash_sha512(h, roots[r], 32);
		memcpy(root_id[r], h, 8);
	}
	memcpy(state_revoked[0], root_id[2], 8);
	return 0;
}

static void key_id(const uint8_t *pk, uint8_t id[8])
{
	uint8_t h[64];
	crypto_hash_sha512(h, pk, 32);
	memcpy(id, h, 8);
}

/* Everything but the signatures, from the document's text. */
static bool ref_unsigned(const uint8_t *d, size_t len)
{
	static const uint8_t magic[4] = {0x7f, 'N', 'K', 'R'};
	if (len < 24 || memcmp(d, magic, 4) || d[4] != 1)
		return false;
	if (d[5] | d[6] | d[7] | d[19] | d[20] | d[21] | d[22] | d[23])
		return false;
	uint64_t version = 0;
	for (int i = 0; i < 8; i++)
		version |= (uint64_t)d[8 + i] << (8 * i);
	unsigned nk = d[16], nr = d[17], ns = d[18];
	if (!version || nk > 16 || nr > 64 || ns == 0 || ns > 8)
		return false;
	if (len != 24 + nk * 56u + nr * 8u + ns * 72u)
		return false;
	const uint8_t *keys = d + 24, *rev = keys + nk * 56;
	for (unsigned i = 0; i < nk; i++) {
		if (!ref_name_ok(keys + i * 56 + 32, true))
			return false;
		for (unsigned j = 0; j < i; j++)
			if (!memcmp(keys + i * 56, keys + j * 56, 32))
				return false;
	}
	for (unsigned i = 0; i < nr; i++)
		for (unsigned j = 0; j < i; j++)
			if (!memcmp(rev + i * 8, rev + j * 8, 8))
				return false;
	for (unsigned i = 0; i < nk; i++) {
		uint8_t id[8];
		key_id(keys + i * 56, id);
		if (!memcmp(id, state_revoked[0], 8))
			return false;
		for (unsigned j = 0; j < nr; j++)
			if (!memcmp(id, rev + j * 8, 8))
				return false;
	}
	return true;
}

static bool ref_accepts(const uint8_t *d, size_t len, unsigned threshold)
{
	if (!ref_unsigned(d, len))
		return false;
	unsigned nk = d[16], nr = d[17], ns = d[18];
	size_t body = 24 + nk * 56u + nr * 8u;
	const uint8_t *rev = d + 24 + nk * 56;
	bool used[3] = {false, false, false};
	for (unsigned s = 0; s < ns; s++) {
		const uint8_t *sig = d + body + s * 72;
		int r = -1;
		for (int i = 0; i < 3; i++)
			if (!memcmp(sig, root_id[i], 8))
				r = i;
		if (r < 0 || r == 2 || used[r])
			return false; /* unknown, revoked by the state, twice */
		for (unsigned j = 0; j < nr; j++)
			if (!memcmp(sig, rev + j * 8, 8))
				return false; /* revoked by itself */
		if (crypto_sign_verify_detached(sig + 8, d, body, roots[r]))
			return false;
		used[r] = true;
	}
	return ns >= threshold;
}

static void try_doc(const uint8_t *d, size_t len, unsigned threshold)
{
	struct rk_keyring_doc out;
	struct rk_npl_diag diag;
	int got = rk_keyring_parse(
	    d, len, (const uint8_t(*)[32])roots, 3, threshold,
	    (const uint8_t(*)[8])state_revoked, 1, &out, &diag);
	bool want = ref_accepts(d, len, threshold);
	CHECK(got != 0 || want, "parser accepted what the reference refuses");
	CHECK(got == 0 || !want, "parser refused a valid document: %s",
	      diag.msg);
	if (got != 0) {
		CHECK(diag.msg[0] != '\0', "refusal without a reason");
		return;
	}
	CHECK(out.nkeys == d[16] && out.nrevoked == d[17] && out.nsigs == d[18],
	      "counts differ");
	for (unsigned i = 0; i < out.nkeys; i++)
		CHECK(!memcmp(out.keys[i], d + 24 + i * 56, 32) &&
		          !memcmp(out.names[i], d + 24 + i * 56 + 32, 24),
		      "key %u differs", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > RK_KEYRING_MAX_LEN + 64)
		return 0;
	uint8_t *d = malloc(size ? size : 1);
	if (!d)
		return 0;
	memcpy(d, data, size);
	unsigned threshold = size ? data[size - 1] % 4 : 1;
	try_doc(d, size, threshold);
	/* Re-signed: each slot by the root it names, else root 0. */
	if (ref_unsigned(d, size)) {
		unsigned nk = d[16], nr = d[17], ns = d[18];
		size_t body = 24 + nk * 56u + nr * 8u;
		for (unsigned s = 0; s < ns; s++) {
			uint8_t *sig = d + body + s * 72;
			int r = 0;
			for (int i = 0; i < 3; i++)
				if (!memcmp(sig, root_id[i], 8))
					r = i;
			memcpy(sig, root_id[r], 8);
			crypto_sign_detached(sig + 8, NULL, d, body,
			                     root_sk[r]);
		}
		try_doc(d, size, threshold);
	}
	free(d);
	return 0;
}
