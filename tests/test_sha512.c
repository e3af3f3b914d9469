/*
 * test_sha512.c - built-in SHA-512 against tests/vectors/sha512.txt
 * (one "message digest" per line: message in hex, "-" for the empty message
 * or "a*1000000"), streaming in odd chunk sizes, and against libsodium.
 *
 * Vectors directory: argv[1], else $RK_VECTORS_DIR, else the build's
 * RK_DEFAULT_VECTORS_DIR, else tests/vectors.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "rumpk/crypto.h"

#include "hostio.h"

#ifndef RK_DEFAULT_VECTORS_DIR
#define RK_DEFAULT_VECTORS_DIR "tests/vectors"
#endif

#define SHA512_VECTOR_COUNT 10

static const char *vectors_dir;

struct vec {
	uint8_t *msg;
	size_t len;
	uint8_t digest[64];
};

/* decode n hex chars; returns bytes written or -1 */
static long hex_decode(uint8_t *out, const char *hex, size_t n)
{
	return hostio_unhex(hex, n, out, n / 2);
}

/* parses the vector file; returns the number of vectors (fails on error) */
static size_t load_vectors(struct vec **out)
{
	char path[4096];
	FILE *f;
	char *line = NULL;
	size_t cap = 0, n = 0;
	struct vec *v = NULL;
	ssize_t got;

	snprintf(path, sizeof path, "%s/sha512.txt", vectors_dir);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	while ((got = getline(&line, &cap, f)) > 0) {
		char *sp, *dg;
		size_t mlen, dlen;

		while (got > 0 &&
		       (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = 0;
		if (got == 0 || line[0] == '#')
			continue;
		sp = strchr(line, ' ');
		assert_non_null(sp);
		*sp = 0;
		dg = sp + 1;
		v = realloc(v, (n + 1) * sizeof *v);
		assert_non_null(v);
		mlen = strlen(line);
		if (strcmp(line, "-") == 0) {
			v[n].msg = malloc(1);
			v[n].len = 0;
		} else if (strcmp(line, "a*1000000") == 0) {
			v[n].len = 1000000;
			v[n].msg = malloc(v[n].len);
			assert_non_null(v[n].msg);
			memset(v[n].msg, 'a', v[n].len);
		} else {
			v[n].msg = malloc(mlen / 2 + 1);
			assert_non_null(v[n].msg);
			assert_true(hex_decode(v[n].msg, line, mlen) ==
			            (long)(mlen / 2));
			v[n].len = mlen / 2;
		}
		dlen = strlen(dg);
		assert_int_equal(dlen, 128);
		assert_int_equal(hex_decode(v[n].digest, dg, dlen), 64);
		n++;
	}
	free(line);
	fclose(f);
	*out = v;
	return n;
}

static void free_vectors(struct vec *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].msg);
	free(v);
}

static void test_vectors_oneshot(void **state)
{
	struct vec *v;
	size_t n, i;
	int has_empty = 0, has_million = 0;

	(void)state;
	n = load_vectors(&v);
	assert_int_equal(n, SHA512_VECTOR_COUNT);
	for (i = 0; i < n; i++) {
		uint8_t out[64], ref[64];

		rk_sha512(v[i].msg, v[i].len, out);
		assert_memory_equal(out, v[i].digest, 64);
		crypto_hash_sha512(ref, v[i].msg, v[i].len);
		assert_memory_equal(ref, v[i].digest, 64);
		has_empty |= v[i].len == 0;
		has_million |= v[i].len == 1000000;
	}
	assert_true(has_empty);
	assert_true(has_million);
	free_vectors(v, n);
}

static void test_vectors_streaming(void **state)
{
	static const size_t chunks[] = {1, 3, 7, 63, 111, 127, 128, 129, 1001};
	struct vec *v;
	size_t n, i, c;

	(void)state;
	n = load_vectors(&v);
	assert_int_equal(n, SHA512_VECTOR_COUNT);
	for (i = 0; i < n; i++) {
		for (c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
			rk_sha512_ctx ctx;
			uint8_t out[64];
			size_t off = 0, k = 0;

			rk_sha512_init(&ctx);
			while (off < v[i].len) {
				/* vary the chunk a little: chunk, chunk+1, ...
				 */
				size_t step = chunks[c] + (k++ % 3);

				if (step > v[i].len - off)
					step = v[i].len - off;
				rk_sha512_update(&ctx, v[i].msg + off, step);
				rk_sha512_update(&ctx, v[i].msg + off, 0);
				off += step;
			}
			rk_sha512_final(&ctx, out);
			assert_memory_equal(out, v[i].digest, 64);
		}
	}
	free_vectors(v, n);
}

/* every length 0..1100 and every split point of a few, vs libsodium */
static void test_lengths_vs_libsodium(void **state)
{
	uint8_t buf[1100];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof buf; i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (len = 0; len <= sizeof buf; len++) {
		uint8_t out[64], ref[64];

		rk_sha512(buf, len, out);
		crypto_hash_sha512(ref, buf, len);
		assert_memory_equal(out, ref, 64);
	}
	for (len = 110; len <= 260; len += 10) {
		size_t split;

		for (split = 0; split <= len; split++) {
			rk_sha512_ctx ctx;
			uint8_t out[64], ref[64];

			rk_sha512_init(&ctx);
			rk_sha512_update(&ctx, buf, split);
			rk_sha512_update(&ctx, buf + split, len - split);
			rk_sha512_final(&ctx, out);
			crypto_hash_sha512(ref, buf, len);
			assert_memory_equal(out, ref, 64);
		}
	}
}

/* NULL with length 0 is accepted */
static void test_null_empty(void **state)
{
	uint8_t out[64], ref[64];

	(void)state;
	rk_sha512(NULL, 0, out);
	crypto_hash_sha512(ref, (const uint8_t *)"", 0);
	assert_memory_equal(out, ref, 64);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors_oneshot),
	    cmocka_unit_test(test_vectors_streaming),
	    cmocka_unit_test(test_lengths_vs_libsodium),
	    cmocka_unit_test(test_null_empty),
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
