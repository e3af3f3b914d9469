/*
 * test_ed25519.c - the built-in Ed25519 verifier on every case of the
 * public vector files in tests/vectors, each checked twice: libsodium
 * 1.0.18's crypto_sign_verify_detached must give the expected verdict, and
 * rk_ed25519_verify must give libsodium's verdict.  Case counts are
 * asserted, so a missing or truncated file fails the test.
 *
 *   rfc8032_ed25519.txt      5 cases, all valid (also re-signed by libsodium)
 *   wycheproof_ed25519.json  151 cases (88 valid, 63 invalid; 12 of the
 *                            invalid ones have a signature that is not 64
 *                            bytes: invalid by length, never passed on)
 *   speccheck_cases.json     12 cases; libsodium 1.0.18 accepts only case 3
 *   cctv_ed25519vectors.json 914 cases (msg is plain text); expected verdict
 *                            from the flags: libsodium 1.0.18 rejects
 *                            low_order_R, low_order_A, non_canonical_R,
 *                            non_canonical_A and low_order_residue, and
 *                            accepts the rest (43 cases)
 *
 * Vectors directory: argv[1], else $RK_VECTORS_DIR, else the build's
 * RK_DEFAULT_VECTORS_DIR, else tests/vectors.
 *
 * The JSON files are read with a small purpose-built scanner (no JSON
 * library): it walks the string tokens and reports every "key": value.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "rumpk/crypto.h"

#include "hostio.h"

/* internal, from src/crypto/sc25519.h (tested against libsodium here) */
void rk_sc25519_reduce(uint8_t out[32], const uint8_t in[64]);
int rk_sc25519_is_canonical(const uint8_t s[32]);

#ifndef RK_DEFAULT_VECTORS_DIR
#define RK_DEFAULT_VECTORS_DIR "tests/vectors"
#endif

static const char *vectors_dir;

/* ---- helpers ---------------------------------------------------------- */

static char *read_file(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long sz;

	snprintf(path, sizeof path, "%s/%s", vectors_dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	sz = ftell(f);
	assert_true(sz > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)sz + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	buf[sz] = 0;
	fclose(f);
	*len = (size_t)sz;
	return buf;
}

/* hex -> bytes; returns the byte count, fails the test on bad hex */
static size_t unhex(uint8_t *out, size_t cap, const char *hex, size_t n)
{
	long got = hostio_unhex(hex, n, out, cap);

	assert_true(got >= 0);
	return (size_t)got;
}

struct verdicts {
	unsigned cases, accepted, bad_length;
};

/*
 * One case: libsodium must say `expect`, and the built-in verifier must say
 * what libsodium says.  A signature that is not 64 bytes is invalid by
 * length (the API takes exactly 64 bytes).
 */
static void check_case(const char *what, unsigned id, const uint8_t *sig,
                       size_t siglen, const uint8_t *msg, size_t msglen,
                       const uint8_t pk[32], bool expect, struct verdicts *v)
{
	bool sodium, builtin;

	v->cases++;
	if (siglen != 64) {
		v->bad_length++;
		if (expect)
			fail_msg("%s case %u: valid but sig is %zu bytes", what,
			         id, siglen);
		return;
	}
	sodium = crypto_sign_verify_detached(sig, msg, msglen, pk) == 0;
	builtin = rk_ed25519_verify(sig, msg, msglen, pk);
	if (sodium != expect)
		fail_msg("%s case %u: libsodium says %d, expected %d", what, id,
		         sodium, expect);
	if (builtin != sodium)
		fail_msg("%s case %u: builtin says %d, libsodium %d", what, id,
		         builtin, sodium);
	v->accepted += builtin;
}

/* ---- tiny JSON scanner ------------------------------------------------ */

struct js {
	const char *p, *end;
};

/* skips a string starting at the opening quote; returns its contents */
static const char *js_string(struct js *j, size_t *len)
{
	const char *s;

	assert_true(j->p < j->end && *j->p == '"');
	s = ++j->p;
	while (j->p < j->end && *j->p != '"') {
		if (*j->p == '\\')
			j->p++;
		j->p++;
	}
	assert_true(j->p < j->end);
	*len = (size_t)(j->p - s);
	j->p++;
	return s;
}

static void js_ws(struct js *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' ||
	                         *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/*
 * Advances to the next object key; returns false at the end of input.  On
 * return j->p is at the first character of the value.
 */
static bool js_next_key(struct js *j, const char **key, size_t *klen)
{
	for (;;) {
		while (j->p < j->end && *j->p != '"')
			j->p++;
		if (j->p >= j->end)
			return false;
		*key = js_string(j, klen);
		js_ws(j);
		if (j->p < j->end && *j->p == ':') {
			j->p++;
			js_ws(j);
			return true;
		}
	}
}

static bool key_is(const char *key, size_t klen, const char *name)
{
	return klen == strlen(name) && memcmp(key, name, klen) == 0;
}

/* the value at j->p must be a string */
static const char *js_value_string(struct js *j, size_t *len)
{
	if (j->p >= j->end || *j->p != '"')
		fail_msg("JSON: string value expected");
	return js_string(j, len);
}

static long js_value_number(struct js *j)
{
	char *e;
	long v = strtol(j->p, &e, 10);

	assert_true(e != j->p);
	j->p = e;
	return v;
}

/* ---- RFC 8032 --------------------------------------------------------- */

static void test_rfc8032(void **state)
{
	size_t len;
	char *txt = read_file("rfc8032_ed25519.txt", &len);
	char *line, *save = NULL;
	struct verdicts v = {0, 0, 0};

	(void)state;
	for (line = strtok_r(txt, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		uint8_t seed[32], pk[32], sig[64], sig2[64], sk[64], pk2[32];
		uint8_t *msg;
		size_t mlen = 0;
		int k;

		if (line[0] == '#' || line[0] == '\r' || line[0] == 0)
			continue;
		for (k = 0; k < 4; k++) {
			f[k] = strtok_r(k == 0 ? line : NULL, " \r", &s2);
			assert_non_null(f[k]);
		}
		assert_int_equal(unhex(seed, 32, f[0], strlen(f[0])), 32);
		assert_int_equal(unhex(pk, 32, f[1], strlen(f[1])), 32);
		msg = malloc(strlen(f[2]) / 2 + 1);
		assert_non_null(msg);
		if (strcmp(f[2], "-") != 0)
			mlen = unhex(msg, strlen(f[2]) / 2, f[2], strlen(f[2]));
		assert_int_equal(unhex(sig, 64, f[3], strlen(f[3])), 64);

		/* libsodium derives the same key and signature */
		crypto_sign_seed_keypair(pk2, sk, seed);
		assert_memory_equal(pk, pk2, 32);
		crypto_sign_detached(sig2, NULL, msg, mlen, sk);
		assert_memory_equal(sig, sig2, 64);

		check_case("rfc8032", v.cases, sig, 64, msg, mlen, pk, true,
		           &v);
		/* and a one-bit change of each part is rejected */
		sig[5] ^= 0x10;
		check_case("rfc8032-R", v.cases, sig, 64, msg, mlen, pk, false,
		           &v);
		sig[5] ^= 0x10;
		sig[40] ^= 1;
		check_case("rfc8032-S", v.cases, sig, 64, msg, mlen, pk, false,
		           &v);
		sig[40] ^= 1;
		pk[3] ^= 4;
		check_case("rfc8032-A", v.cases, sig, 64, msg, mlen, pk, false,
		           &v);
		free(msg);
	}
	free(txt);
	assert_int_equal(v.cases, 4 * 5);
	assert_int_equal(v.accepted, 5);
}

/* ---- Wycheproof ------------------------------------------------------- */

static void test_wycheproof(void **state)
{
	size_t len;
	char *txt = read_file("wycheproof_ed25519.json", &len);
	struct js j = {txt, txt + len};
	const char *key;
	size_t klen;
	uint8_t pk[32];
	bool have_pk = false;
	uint8_t *msg = NULL, sig[1024];
	size_t mlen = 0, slen = 0;
	long tcid = -1;
	unsigned valid = 0, invalid = 0, groups = 0;
	struct verdicts v = {0, 0, 0};

	(void)state;
	while (js_next_key(&j, &key, &klen)) {
		const char *s;
		size_t n;

		if (key_is(key, klen, "pk")) {
			s = js_value_string(&j, &n);
			assert_int_equal(unhex(pk, 32, s, n), 32);
			have_pk = true;
			groups++;
		} else if (key_is(key, klen, "tcId")) {
			tcid = js_value_number(&j);
			mlen = slen = (size_t)-1;
		} else if (key_is(key, klen, "msg")) {
			s = js_value_string(&j, &n);
			free(msg);
			msg = malloc(n / 2 + 1);
			assert_non_null(msg);
			mlen = unhex(msg, n / 2, s, n);
		} else if (key_is(key, klen, "sig")) {
			s = js_value_string(&j, &n);
			slen = unhex(sig, sizeof sig, s, n);
		} else if (key_is(key, klen, "result")) {
			bool expect;

			s = js_value_string(&j, &n);
			assert_true(have_pk && tcid >= 0);
			assert_true(mlen != (size_t)-1 && slen != (size_t)-1);
			if (n == 5 && memcmp(s, "valid", 5) == 0) {
				expect = true;
				valid++;
			} else if (n == 7 && memcmp(s, "invalid", 7) == 0) {
				expect = false;
				invalid++;
			} else {
				fail_msg("wycheproof tcId %ld: result %.*s",
				         tcid, (int)n, s);
				return;
			}
			check_case("wycheproof", (unsigned)tcid, sig, slen, msg,
			           mlen, pk, expect, &v);
			tcid = -1;
		}
	}
	free(msg);
	free(txt);
	assert_int_equal(groups, 78);
	assert_int_equal(v.cases, 151);
	assert_int_equal(valid, 88);
	assert_int_equal(invalid, 63);
	assert_int_equal(v.bad_length, 12);
	assert_int_equal(v.accepted, 88);
}

/* ---- ed25519-speccheck ------------------------------------------------ */

static void test_speccheck(void **state)
{
	size_t len;
	char *txt = read_file("speccheck_cases.json", &len);
	struct js j = {txt, txt + len};
	const char *key;
	size_t klen;
	uint8_t msg[1024], pk[32], sig[64];
	size_t mlen = 0;
	unsigned have = 0;
	struct verdicts v = {0, 0, 0};

	(void)state;
	while (js_next_key(&j, &key, &klen)) {
		const char *s;
		size_t n;

		if (key_is(key, klen, "message")) {
			s = js_value_string(&j, &n);
			mlen = unhex(msg, sizeof msg, s, n);
			have |= 1;
		} else if (key_is(key, klen, "pub_key")) {
			s = js_value_string(&j, &n);
			assert_int_equal(unhex(pk, 32, s, n), 32);
			have |= 2;
		} else if (key_is(key, klen, "signature")) {
			s = js_value_string(&j, &n);
			assert_int_equal(unhex(sig, 64, s, n), 64);
			have |= 4;
		}
		if (have == 7) {
			/* libsodium 1.0.18 accepts case 3 only */
			check_case("speccheck", v.cases, sig, 64, msg, mlen, pk,
			           v.cases == 3, &v);
			have = 0;
		}
	}
	free(txt);
	assert_int_equal(v.cases, 12);
	assert_int_equal(v.accepted, 1);
}

/* ---- C2SP CCTV ed25519vectors ----------------------------------------- */

static void test_cctv(void **state)
{
	static const char *const rejected_flags[] = {
	    "low_order_R",     "low_order_A",       "non_canonical_R",
	    "non_canonical_A", "low_order_residue",
	};
	size_t len;
	char *txt = read_file("cctv_ed25519vectors.json", &len);
	struct js j = {txt, txt + len};
	const char *key;
	size_t klen;
	uint8_t pk[32], sig[64];
	const char *msg = NULL;
	size_t mlen = 0;
	long number = -1;
	unsigned have = 0;
	bool expect = true;
	struct verdicts v = {0, 0, 0};

	(void)state;
	while (js_next_key(&j, &key, &klen)) {
		const char *s;
		size_t n, i;

		if (key_is(key, klen, "number")) {
			assert_int_equal(have, 0);
			number = js_value_number(&j);
			have = 1;
			expect = true;
		} else if (key_is(key, klen, "key")) {
			s = js_value_string(&j, &n);
			assert_int_equal(unhex(pk, 32, s, n), 32);
			have |= 2;
		} else if (key_is(key, klen, "sig")) {
			s = js_value_string(&j, &n);
			assert_int_equal(unhex(sig, 64, s, n), 64);
			have |= 4;
		} else if (key_is(key, klen, "msg")) {
			msg = js_value_string(&j, &mlen); /* plain text */
			assert_null(memchr(msg, '\\', mlen));
			have |= 8;
		} else if (key_is(key, klen, "flags")) {
			if (*j.p == '[') {
				j.p++;
				for (;;) {
					js_ws(&j);
					if (*j.p == ']')
						break;
					if (*j.p == ',') {
						j.p++;
						continue;
					}
					s = js_value_string(&j, &n);
					for (i = 0; i < 5; i++)
						if (key_is(s, n,
						           rejected_flags[i]))
							expect = false;
				}
				j.p++;
			} else {
				assert_int_equal(strncmp(j.p, "null", 4), 0);
			}
			have |= 16;
		}
		if (have == 31) {
			assert_int_equal(number, (long)v.cases);
			check_case("cctv", (unsigned)number, sig, 64,
			           (const uint8_t *)msg, mlen, pk, expect, &v);
			have = 0;
		}
	}
	free(txt);
	assert_int_equal(v.cases, 914);
	assert_int_equal(v.accepted, 43);
}

/* ---- scalar reduction vs libsodium ----------------------------------- */

static void test_scalar_reduce(void **state)
{
	static const uint8_t L[32] = {
	    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
	    0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
	    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
	uint8_t in[64], a[32], b[32], s[32];
	unsigned i, k;

	(void)state;
	for (i = 0; i < 20000; i++) {
		randombytes_buf(in, sizeof in);
		if (i < 256) /* all-ones / all-zero patterns and short values */
			for (k = 0; k < 64; k++)
				in[k] =
				    k < i / 4 ? (uint8_t)(i & 1 ? 0xff : 0) : 0;
		rk_sc25519_reduce(a, in);
		crypto_core_ed25519_scalar_reduce(b, in);
		assert_memory_equal(a, b, 32);
	}
	memset(in, 0xff, 64);
	rk_sc25519_reduce(a, in);
	crypto_core_ed25519_scalar_reduce(b, in);
	assert_memory_equal(a, b, 32);

	/* is_canonical: L - 1 yes, L and L + 1 no, 2^256 - 1 no */
	memcpy(s, L, 32);
	assert_false(rk_sc25519_is_canonical(s));
	s[0]--;
	assert_true(rk_sc25519_is_canonical(s));
	s[0] += 2;
	assert_false(rk_sc25519_is_canonical(s));
	memset(s, 0xff, 32);
	assert_false(rk_sc25519_is_canonical(s));
	memset(s, 0, 32);
	assert_true(rk_sc25519_is_canonical(s));
	s[31] = 0x0f;
	memset(s, 0xff, 31);
	assert_true(rk_sc25519_is_canonical(s));
}

/* ---- fixed edge cases, each against libsodium ------------------------- */

static void test_edge_cases(void **state)
{
	uint8_t pk[32], sk[64], sig[64], msg[3] = {1, 2, 3};
	uint8_t bad[32];
	unsigned i;
	struct verdicts v = {0, 0, 0};

	(void)state;
	crypto_sign_keypair(pk, sk);
	crypto_sign_detached(sig, NULL, msg, sizeof msg, sk);
	check_case("edge-valid", 0, sig, 64, msg, 3, pk, true, &v);
	check_case("edge-nullmsg", 1, sig, 64, NULL, 0, pk, false, &v);
	/* pk = y >= p, both sign bits */
	for (i = 0; i < 19; i++) {
		memset(bad, 0xff, 32);
		bad[0] = (uint8_t)(0xed + i);
		bad[31] = 0x7f;
		check_case("edge-ncA", i, sig, 64, msg, 3, bad, false, &v);
		bad[31] = 0xff;
		check_case("edge-ncA-sign", i, sig, 64, msg, 3, bad, false, &v);
	}
	assert_int_equal(v.accepted, 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc8032),
	    cmocka_unit_test(test_wycheproof),
	    cmocka_unit_test(test_speccheck),
	    cmocka_unit_test(test_cctv),
	    cmocka_unit_test(test_scalar_reduce),
	    cmocka_unit_test(test_edge_cases),
	};

	if (sodium_init() < 0)
		return 1;
	vectors_dir = getenv("RK_VECTORS_DIR");
	if (argc > 1)
		vectors_dir = argv[1];
	if (vectors_dir == NULL || vectors_dir[0] == 0)
		vectors_dir = RK_DEFAULT_VECTORS_DIR;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
