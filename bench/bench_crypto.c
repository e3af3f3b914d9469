/*
 * bench_crypto.c - built-in Ed25519 verify and SHA-512 against libsodium,
 * in the same process, interleaved rounds (builtin, libsodium, builtin, ...),
 * median of each.
 *
 *   bench_crypto [ROUNDS]           table: verify (64-byte message) and
 *                                   SHA-512 (1 MiB), time ratio
 *                                   builtin / libsodium
 *   bench_crypto --one-verify       exactly one builtin verify, then exit
 *   bench_crypto --one-verify-sodium  exactly one libsodium verify
 *   bench_crypto --verifies N builtin|sodium   N verifies (N = 0: set-up
 *                                   only), for callgrind differences; see
 *                                   bench/callgrind_verify.sh
 */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "median.h"
#include "rumpk/crypto.h"

#define MAX_ROUNDS  51
#define VERIFY_REPS 2000
#define SHA_BYTES   (1u << 20)
#define SHA_REPS    40

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double median(double *v, int n)
{
	return bench_median(v, (size_t)n);
}

struct fixture {
	uint8_t pk[32], sk[64], msg[64], sig[64];
};

static void setup(struct fixture *f)
{
	uint8_t seed[32];
	unsigned i;

	for (i = 0; i < 32; i++)
		seed[i] = (uint8_t)(i * 29 + 1);
	for (i = 0; i < 64; i++)
		f->msg[i] = (uint8_t)(i * 7 + 3);
	crypto_sign_seed_keypair(f->pk, f->sk, seed);
	crypto_sign_detached(f->sig, NULL, f->msg, 64, f->sk);
}

static volatile int sink;

static int run_verifies(const struct fixture *f, long n, bool sodium)
{
	int ok = 0;
	long i;

	for (i = 0; i < n; i++) {
		if (sodium)
			ok += crypto_sign_verify_detached(f->sig, f->msg, 64,
			                                  f->pk) == 0;
		else
			ok += rk_ed25519_verify(f->sig, f->msg, 64, f->pk);
	}
	return ok;
}

int main(int argc, char **argv)
{
	struct fixture f;
	int rounds = 7, r;
	double vb[MAX_ROUNDS], vs[MAX_ROUNDS], hb[MAX_ROUNDS], hs[MAX_ROUNDS];
	double mvb, mvs, mhb, mhs;
	uint8_t *buf, out[64], ref[64];
	unsigned i;

	if (sodium_init() < 0)
		return 2;
	setup(&f);

	if (argc > 1 && strcmp(argv[1], "--one-verify") == 0)
		return run_verifies(&f, 1, false) == 1 ? 0 : 1;
	if (argc > 1 && strcmp(argv[1], "--one-verify-sodium") == 0)
		return run_verifies(&f, 1, true) == 1 ? 0 : 1;
	if (argc > 3 && strcmp(argv[1], "--verifies") == 0) {
		const long n = strtol(argv[2], NULL, 10);
		const bool sodium = strcmp(argv[3], "sodium") == 0;

		return run_verifies(&f, n, sodium) == n ? 0 : 1;
	}
	if (argc > 1)
		rounds = atoi(argv[1]);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 7;

	buf = malloc(SHA_BYTES);
	if (buf == NULL)
		return 2;
	for (i = 0; i < SHA_BYTES; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	rk_sha512(buf, SHA_BYTES, out);
	crypto_hash_sha512(ref, buf, SHA_BYTES);
	if (memcmp(out, ref, 64) != 0 || run_verifies(&f, 1, false) != 1) {
		fprintf(stderr, "self-check failed\n");
		return 1;
	}

	/* warm-up */
	run_verifies(&f, 200, false);
	run_verifies(&f, 200, true);

	for (r = 0; r < rounds; r++) {
		double t0, t1;
		int k;

		t0 = now();
		sink = run_verifies(&f, VERIFY_REPS, false);
		t1 = now();
		vb[r] = (t1 - t0) / VERIFY_REPS;
		t0 = now();
		sink = run_verifies(&f, VERIFY_REPS, true);
		t1 = now();
		vs[r] = (t1 - t0) / VERIFY_REPS;

		t0 = now();
		for (k = 0; k < SHA_REPS; k++)
			rk_sha512(buf, SHA_BYTES, out);
		t1 = now();
		hb[r] = (t1 - t0) / SHA_REPS;
		t0 = now();
		for (k = 0; k < SHA_REPS; k++)
			crypto_hash_sha512(ref, buf, SHA_BYTES);
		t1 = now();
		hs[r] = (t1 - t0) / SHA_REPS;
		sink += out[0] + ref[0];
	}
	mvb = median(vb, rounds);
	mvs = median(vs, rounds);
	mhb = median(hb, rounds);
	mhs = median(hs, rounds);

	printf("crypto bench: %d interleaved rounds, medians\n", rounds);
	printf("%-28s %14s %14s %10s\n", "", "builtin", "libsodium",
	       "time ratio");
	printf("%-28s %11.2f us %11.2f us %10.3f\n",
	       "Ed25519 verify (64 B msg)", mvb * 1e6, mvs * 1e6, mvb / mvs);
	printf("%-28s %14.0f %14.0f\n", "  verifies per second", 1 / mvb,
	       1 / mvs);
	printf("%-28s %11.2f ms %11.2f ms %10.3f\n", "SHA-512 (1 MiB)",
	       mhb * 1e3, mhs * 1e3, mhb / mhs);
	printf("%-28s %14.1f %14.1f\n", "  MB/s", SHA_BYTES / mhb / 1e6,
	       SHA_BYTES / mhs / 1e6);
	free(buf);
	return 0;
}
