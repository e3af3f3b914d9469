/*
 * test_ed25519_diff.c - differential test of rk_ed25519_verify against
 * libsodium 1.0.18's crypto_sign_verify_detached on random and mutated
 * inputs, deterministic (fixed seed).
 *
 *   test_ed25519_diff [COUNT | --long] [SEED]
 *
 * COUNT defaults to 100000; --long means 10,000,000.  Prints the count, the
 * number accepted and the mismatches per category; exits 1 on any mismatch.
 *
 * Case i uses category i % NCAT on a fresh valid (pk, msg, sig) made by
 * libsodium (a new key every 16 cases, a new message and signature every
 * case), then mutates it:
 *   valid, bit flips in sig / msg / pk, S + kL, high bits of S, non-canonical
 *   R and A (y = p + small, either sign), small y (canonical twins of those),
 *   small-order R and A (all 8 small-order points, their non-canonical
 *   encodings, both sign bits), mixed-order A (A + T for a small-order T,
 *   correctly signed: valid iff [k]T = 0), mixed-order R and A, fully random
 *   signatures, random S < L with a random valid R, random public keys.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "rumpk/crypto.h"

#define DEFAULT_COUNT 100000ULL
#define LONG_COUNT    10000000ULL

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return (uint32_t)(rnd64() % n);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t v = rnd64();
		size_t k = n < 8 ? n : 8;

		memcpy(p, &v, k);
		p += k;
		n -= k;
	}
}

static const uint8_t L_bytes[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
    0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};

/* the eight points of order dividing 8 (canonical encodings) */
static uint8_t small_order[8][32];
/* every encoding libsodium's small-order list matches: 7 y values x 2 signs */
static uint8_t small_order_enc[14][32];

static void init_small_order(void)
{
	static const uint8_t y8a[32] = {
	    0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
	    0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
	    0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05};
	static const uint8_t y8b[32] = {
	    0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
	    0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
	    0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a};
	uint8_t pm1[32], p0[32], p1[32];
	unsigned i;

	memset(pm1, 0xff, 32);
	pm1[0] = 0xec;
	pm1[31] = 0x7f;
	memcpy(p0, pm1, 32);
	p0[0] = 0xed;
	memcpy(p1, pm1, 32);
	p1[0] = 0xee;

	memset(small_order, 0, sizeof small_order);
	small_order[0][0] = 1;           /* identity */
	memcpy(small_order[1], pm1, 32); /* (0, -1), order 2 */
	small_order[3][31] = 0x80;       /* (+-sqrt(-1), 0), order 4 */
	memcpy(small_order[4], y8a, 32); /* order 8 */
	memcpy(small_order[5], y8a, 32);
	small_order[5][31] |= 0x80;
	memcpy(small_order[6], y8b, 32);
	memcpy(small_order[7], y8b, 32);
	small_order[7][31] |= 0x80;

	memset(small_order_enc, 0, sizeof small_order_enc);
	small_order_enc[0][0] = 1;
	memcpy(small_order_enc[2], y8a, 32);
	memcpy(small_order_enc[3], y8b, 32);
	memcpy(small_order_enc[4], pm1, 32);
	memcpy(small_order_enc[5], p0, 32);
	memcpy(small_order_enc[6], p1, 32);
	for (i = 0; i < 7; i++) {
		memcpy(small_order_enc[7 + i], small_order_enc[i], 32);
		small_order_enc[7 + i][31] |= 0x80;
	}
}

/* s (32 bytes) += k * L; false if it no longer fits 256 bits */
static bool add_kL(uint8_t s[32], unsigned k)
{
	unsigned carry = 0, i;

	for (i = 0; i < 32; i++) {
		unsigned v = s[i] + k * L_bytes[i] + carry;

		s[i] = (uint8_t)v;
		carry = v >> 8;
	}
	return carry == 0;
}

/* y = p + k (k < 19) or y = k, with the given sign bit */
static void enc_small_y(uint8_t out[32], unsigned k, bool plus_p, bool sign)
{
	if (plus_p) {
		memset(out, 0xff, 32);
		out[0] = (uint8_t)(0xed + k);
		out[31] = 0x7f;
	} else {
		memset(out, 0, 32);
		out[0] = (uint8_t)k;
	}
	if (sign)
		out[31] |= 0x80;
}

/*
 * A signature by secret scalar a on message m under public key Apub
 * (which may differ from [a]B by a torsion point), with R = [r]B + T:
 * S = r + H(R || Apub || m) a mod L.
 */
static void sign_custom(uint8_t sig[64], const uint8_t a[32],
                        const uint8_t Apub[32], const uint8_t *m, size_t mlen,
                        const uint8_t *T)
{
	uint8_t wide[64], r[32], R[32], k[32], ka[32];
	crypto_hash_sha512_state hs;

	rnd_bytes(wide, 64);
	crypto_core_ed25519_scalar_reduce(r, wide);
	if (crypto_scalarmult_ed25519_base_noclamp(R, r) != 0)
		abort();
	if (T != NULL && crypto_core_ed25519_add(R, R, T) != 0)
		abort();
	crypto_hash_sha512_init(&hs);
	crypto_hash_sha512_update(&hs, R, 32);
	crypto_hash_sha512_update(&hs, Apub, 32);
	crypto_hash_sha512_update(&hs, m, mlen);
	crypto_hash_sha512_final(&hs, wide);
	crypto_core_ed25519_scalar_reduce(k, wide);
	crypto_core_ed25519_scalar_mul(ka, k, a);
	memcpy(sig, R, 32);
	crypto_core_ed25519_scalar_add(sig + 32, r, ka);
}

enum {
	C_VALID,
	C_FLIP_SIG,
	C_FLIP_MSG,
	C_FLIP_PK,
	C_S_PLUS_KL,
	C_S_HIGH,
	C_NONCANON_R,
	C_NONCANON_A,
	C_SMALL_Y_R,
	C_SMALL_Y_A,
	C_SMALL_ORDER_R,
	C_SMALL_ORDER_A,
	C_MIXED_A,
	C_MIXED_RA,
	C_RANDOM_SIG,
	C_RANDOM_R_S,
	C_RANDOM_PK,
	NCAT
};

static const char *const cat_name[NCAT] = {
    "valid",         "flip sig",      "flip msg",      "flip pk",
    "S + kL",        "high S bits",   "non-canon R",   "non-canon A",
    "small y R",     "small y A",     "small-order R", "small-order A",
    "mixed-order A", "mixed R and A", "random sig",    "random R, S<L",
    "random pk",
};

int main(int argc, char **argv)
{
	unsigned long long count = DEFAULT_COUNT, i;
	unsigned long long n[NCAT] = {0}, acc[NCAT] = {0}, bad[NCAT] = {0};
	unsigned long long mismatches = 0, accepted = 0;
	uint8_t seed[32], pk[32], sk[64], msg[160], sig[64];
	uint8_t a[32];
	size_t mlen = 0;

	if (argc > 1) {
		if (strcmp(argv[1], "--long") == 0)
			count = LONG_COUNT;
		else
			count = strtoull(argv[1], NULL, 0);
	}
	rng_state = argc > 2 ? strtoull(argv[2], NULL, 0)
	                     : 0x52756d706b2d6564ULL; /* "Rumpk-ed" */
	if (sodium_init() < 0)
		return 2;
	init_small_order();
	printf("ed25519 differential: %llu cases, seed %#llx\n", count,
	       (unsigned long long)rng_state);

	for (i = 0; i < count; i++) {
		const unsigned cat = (unsigned)(i % NCAT);
		bool sodium, builtin;
		unsigned k;

		if (i % 16 == 0) {
			rnd_bytes(seed, 32);
			crypto_sign_seed_keypair(pk, sk, seed);
		}
		mlen = rnd(4) == 0 ? rnd(160) : 64;
		rnd_bytes(msg, mlen);
		crypto_sign_detached(sig, NULL, msg, mlen, sk);

		switch (cat) {
		case C_VALID:
			break;
		case C_FLIP_SIG:
			for (k = 1 + rnd(3); k > 0; k--) {
				const unsigned b = rnd(512);

				sig[b / 8] ^= (uint8_t)(1u << (b % 8));
			}
			break;
		case C_FLIP_MSG:
			if (mlen == 0 || rnd(8) == 0) {
				msg[mlen] = (uint8_t)rnd64();
				mlen++;
			} else {
				const unsigned b = rnd((uint32_t)(8 * mlen));

				msg[b / 8] ^= (uint8_t)(1u << (b % 8));
			}
			break;
		case C_FLIP_PK: {
			const unsigned b = rnd(256);

			pk[b / 8] ^= (uint8_t)(1u << (b % 8));
			break;
		}
		case C_S_PLUS_KL:
			if (!add_kL(sig + 32, 1 + rnd(15)))
				add_kL(sig + 32, 0);
			break;
		case C_S_HIGH:
			sig[63] |= (uint8_t)((1 + rnd(15)) << 4);
			if (rnd(2))
				sig[32 + rnd(31)] ^= (uint8_t)rnd64();
			break;
		case C_NONCANON_R:
			enc_small_y(sig, rnd(19), true, rnd(2));
			break;
		case C_NONCANON_A:
			enc_small_y(pk, rnd(19), true, rnd(2));
			break;
		case C_SMALL_Y_R:
			enc_small_y(sig, rnd(19), false, rnd(2));
			break;
		case C_SMALL_Y_A:
			enc_small_y(pk, rnd(19), false, rnd(2));
			break;
		case C_SMALL_ORDER_R:
			memcpy(sig, small_order_enc[rnd(14)], 32);
			if (rnd(2)) /* and S that passes the S < L check */
				sig[63] &= 0x0f;
			break;
		case C_SMALL_ORDER_A:
			memcpy(pk, small_order_enc[rnd(14)], 32);
			break;
		case C_MIXED_A:
		case C_MIXED_RA: {
			uint8_t wide[64], A[32];

			rnd_bytes(wide, 64);
			crypto_core_ed25519_scalar_reduce(a, wide);
			if (crypto_scalarmult_ed25519_base_noclamp(A, a) != 0)
				abort();
			if (crypto_core_ed25519_add(
			        pk, A, small_order[1 + rnd(7)]) != 0)
				abort();
			sign_custom(sig, a, pk, msg, mlen,
			            cat == C_MIXED_RA ? small_order[rnd(8)]
			                              : NULL);
			break;
		}
		case C_RANDOM_SIG:
			rnd_bytes(sig, 64);
			break;
		case C_RANDOM_R_S: {
			uint8_t wide[64], x[32];

			rnd_bytes(wide, 64);
			crypto_core_ed25519_scalar_reduce(x, wide);
			if (crypto_scalarmult_ed25519_base_noclamp(sig, x) != 0)
				abort();
			rnd_bytes(wide, 64);
			crypto_core_ed25519_scalar_reduce(sig + 32, wide);
			break;
		}
		case C_RANDOM_PK:
			rnd_bytes(pk, 32);
			break;
		}

		sodium = crypto_sign_verify_detached(sig, msg, mlen, pk) == 0;
		builtin = rk_ed25519_verify(sig, msg, mlen, pk);
		n[cat]++;
		acc[cat] += sodium;
		accepted += sodium;
		if (sodium != builtin) {
			unsigned b;

			bad[cat]++;
			if (mismatches++ < 10) {
				printf("MISMATCH case %llu (%s): libsodium %d, "
				       "builtin %d\n  pk  ",
				       i, cat_name[cat], sodium, builtin);
				for (b = 0; b < 32; b++)
					printf("%02x", pk[b]);
				printf("\n  sig ");
				for (b = 0; b < 64; b++)
					printf("%02x", sig[b]);
				printf("\n  msg ");
				for (b = 0; b < mlen; b++)
					printf("%02x", msg[b]);
				printf("\n");
			}
		}
		/* restore the key if a category changed it */
		if (cat == C_FLIP_PK || cat == C_NONCANON_A ||
		    cat == C_SMALL_Y_A || cat == C_SMALL_ORDER_A ||
		    cat == C_MIXED_A || cat == C_MIXED_RA || cat == C_RANDOM_PK)
			memcpy(pk, sk + 32, 32);
	}

	printf("%-14s %12s %12s %10s\n", "category", "cases", "accepted",
	       "mismatch");
	for (i = 0; i < NCAT; i++)
		printf("%-14s %12llu %12llu %10llu\n", cat_name[i], n[i],
		       acc[i], bad[i]);
	printf("total: %llu cases, %llu accepted by libsodium, %llu "
	       "mismatches\n",
	       count, accepted, mismatches);
	return mismatches == 0 ? 0 : 1;
}
