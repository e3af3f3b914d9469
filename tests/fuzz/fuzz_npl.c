/*
 * fuzz_npl.c - libFuzzer harness for the NPL loader (src/npl.c) with the
 * built-in verifier, checked against an independent reference.
 *
 * The property: rk_npl_load may only return OK (the step before
 * execution) when the image really is valid: libsodium's
 * crypto_sign_verify_detached accepts the image with its signature field
 * zeroed under the trusted key its key_id names (v2) or one of the
 * trusted keys (v1), every header rule of its version, re-implemented
 * here from docs/npl-format.md, holds, and a v2 image's security counter
 * is at least the policy's floor (FUZZ_MIN_COUNTER).  The harness also
 * checks the converse (a valid image is never refused) and that the error
 * is the first rule broken in the normative order.  Any disagreement
 * aborts, which libFuzzer reports as a crash.
 *
 * Each input is tried twice: as given (its own signature: only seed
 * images and their harmless mutations can verify), and re-signed with a
 * deterministic test key (a v2 image then names it), so that the fuzzer
 * reaches the accept path with arbitrary headers and bodies.  v1 images
 * are accepted by this policy, so both formats are explored.  The keyring is
 * the test key plus the build's trusted keys (the seeds are signed with the
 * build's key).
 *
 * Nothing loaded is executed, except a body that is exactly one x86_64
 * RET: that runs, which shows the sealed copy is executable.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/npl.h>

#include "core.h" /* the compiled-in keyring */

/* Small, so the fuzzer reaches the "over the limit" rule. */
#define FUZZ_MAX_BODY (64u * 1024u)
/* A floor the seeds (counter 0) are below and mutations can pass. */
#define FUZZ_MIN_COUNTER 3u
#define MAX_KEYS         9

static uint8_t keys[MAX_KEYS][32];
static size_t nkeys;
static uint8_t test_sk[64], test_id[8];

#define FUZZ_NAME "fuzz_npl"
#include "fuzz_check.h"
#include "ref_name.h"

/* The loader prints nothing itself; the console is not under test (and
 * the simulator's console has device code of its own), so discard. */
void hal_console_putc(char c)
{
	(void)c;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	/* The deterministic test key: a fixed seed, so every run and every
	 * reproduced crash uses the same keyring. */
	uint8_t seed[32], pk[32];
	for (unsigned i = 0; i < 32; i++)
		seed[i] = (uint8_t)(0xf0 ^ i);
	crypto_sign_seed_keypair(pk, test_sk, seed);
	memcpy(keys[nkeys++], pk, 32);
	uint8_t h[64];
	crypto_hash_sha512(h, pk, 32);
	memcpy(test_id, h, 8);
	for (size_t i = 0; i < rk_trusted_key_count && nkeys < MAX_KEYS; i++)
		memcpy(keys[nkeys++], rk_trusted_keys[i], 32);
	return 0;
}

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* The header rules in the normative order, written from the format
 * document, not from src/npl.c (v1 accepted). */
static enum rk_npl_err ref_header(const uint8_t *p, size_t len, uint8_t arch,
                                  uint64_t max_body)
{
	static const uint8_t magic[4] = {0x7f, 'N', 'P', 'L'};
	if (len < 128)
		return RK_NPL_ERR_TRUNCATED;
	if (memcmp(p, magic, 4) != 0)
		return RK_NPL_ERR_MAGIC;
	if (p[4] != 1 && p[4] != 2)
		return RK_NPL_ERR_VERSION;
	bool v2 = p[4] == 2;
	bool known = p[5] == 0xaa || p[5] == 0xee || p[5] == 0x55;
	if (arch == RK_NPL_ARCH_ANY ? !known : p[5] != arch)
		return RK_NPL_ERR_ARCH;
	if (p[6] != 0 || p[7] != 0)
		return RK_NPL_ERR_FLAGS;
	if (v2 && !ref_name_ok(p + 104, false))
		return RK_NPL_ERR_NAME;
	for (size_t i = 80; !v2 && i < 128; i++)
		if (p[i] != 0)
			return RK_NPL_ERR_RESERVED;
	uint64_t bs = le(p + 72, 8);
	if (bs == 0 || bs > max_body || bs != (uint64_t)len - 128)
		return RK_NPL_ERR_BODY_SIZE;
	if (v2 && le(p + 94, 2) > RK_API_VERSION)
		return RK_NPL_ERR_ABI;
	return RK_NPL_OK;
}

/* The whole verdict: header rules, the key (v2: the one whose SHA-512
 * starts with key_id), libsodium over the image with the signature field
 * zeroed, then the counter (v2). */
static enum rk_npl_err ref_load(const uint8_t *p, size_t len, size_t *key)
{
	enum rk_npl_err e = ref_header(p, len, RK_ARCH_SELF, FUZZ_MAX_BODY);
	if (e != RK_NPL_OK)
		return e;
	bool v2 = p[4] == 2;
	bool named[MAX_KEYS], any = false;
	for (size_t k = 0; k < nkeys; k++) {
		uint8_t h[64];
		crypto_hash_sha512(h, keys[k], 32);
		named[k] = !v2 || memcmp(h, p + 80, 8) == 0;
		any |= named[k];
	}
	if (!any)
		return RK_NPL_ERR_KEY_ID;
	uint8_t *z = malloc(len);
	if (!z)
		abort();
	memcpy(z, p, len);
	memset(z + 8, 0, 64);
	e = RK_NPL_ERR_SIGNATURE;
	for (size_t k = 0; k < nkeys; k++) {
		if (named[k] &&
		    crypto_sign_verify_detached(p + 8, z, len, keys[k]) == 0) {
			*key = k;
			e = RK_NPL_OK;
			break;
		}
	}
	free(z);
	if (e == RK_NPL_OK && v2 && le(p + 96, 8) < FUZZ_MIN_COUNTER)
		e = RK_NPL_ERR_ROLLBACK;
	return e;
}

static void try_image(const uint8_t *img, size_t len)
{
	struct rk_npl_policy pol = {
	    .arch = RK_ARCH_SELF,
	    .max_body = FUZZ_MAX_BODY,
	    .keys = (const uint8_t(*)[32])keys,
	    .nkeys = nkeys,
	    .accept_v1 = true,
	    .min_counter = FUZZ_MIN_COUNTER,
	};
	struct rk_npl_image out;
	struct rk_npl_diag diag;
	size_t ref_key = 0;
	enum rk_npl_err want = ref_load(img, len, &ref_key);
	enum rk_npl_err got = rk_npl_load(img, len, &pol, &out, &diag);

	CHECK(got != RK_NPL_OK || want == RK_NPL_OK,
	      "loader accepted an image the reference refuses (%s)",
	      rk_npl_strerror(want));
	CHECK(got == want || got == RK_NPL_ERR_NOMEM,
	      "loader said '%s', reference '%s' (%s)", rk_npl_strerror(got),
	      rk_npl_strerror(want), diag.msg);
	if (got != RK_NPL_OK) {
		CHECK(diag.msg[0] != '\0', "refusal without a reason");
		CHECK(out.base == NULL, "refused image left memory mapped");
		return;
	}
	/* What is sealed is what was verified: the body bytes, the header
	 * with the signature field zeroed, the key that verified it. */
	const uint8_t *mem = out.mem;
	CHECK(out.len == len, "copy length %zu, image %zu", out.len, len);
	CHECK(memcmp(mem + 128, img + 128, len - 128) == 0, "body differs");
	CHECK(memcmp(out.hdr.sig, img + 8, 64) == 0, "signature not kept");
	for (unsigned i = 8; i < 72; i++)
		CHECK(mem[i] == 0, "sig field of the copy not zeroed");
	CHECK(out.key_index < nkeys, "key index %zu", out.key_index);
	CHECK(((uintptr_t)mem + 128) % RK_NPL_BODY_ALIGN == 0,
	      "body not page aligned");
#if defined(__x86_64__)
	if (len == 129 && img[128] == 0xc3)
		(void)rk_npl_exec(&out, NULL); /* one RET: returns at once */
#endif
	rk_npl_unload(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *img = malloc(size ? size : 1);
	if (!img)
		return 0;
	memcpy(img, data, size);

	/* The inspect path of the npl tool: header rules, any known arch. */
	struct rk_npl_policy any = {.arch = RK_NPL_ARCH_ANY,
	                            .max_body = FUZZ_MAX_BODY,
	                            .accept_v1 = true};
	struct rk_npl_header hdr;
	enum rk_npl_err e = rk_npl_parse(img, size, &any, &hdr, NULL);
	CHECK(e == ref_header(img, size, RK_NPL_ARCH_ANY, FUZZ_MAX_BODY),
	      "parse (any arch) said '%s'", rk_npl_strerror(e));

	/* 1. The image as given. */
	try_image(img, size);

	/* 2. Re-signed with the test key when the header rules hold (the
	 * loader must refuse it before the signature otherwise). */
	if (size >= 128 &&
	    ref_header(img, size, RK_ARCH_SELF, FUZZ_MAX_BODY) == RK_NPL_OK) {
		if (img[4] == 2)
			memcpy(img + 80, test_id, 8); /* names the test key */
		memset(img + 8, 0, 64);
		crypto_sign_detached(img + 8, NULL, img, size, test_sk);
		try_image(img, size);
	}
	free(img);
	return 0;
}
