/*
 * ed25519_verify.c - built-in Ed25519 signature verification with the
 * verdicts of libsodium 1.0.18's crypto_sign_verify_detached (see
 * docs/crypto.md):
 *
 *   reject S >= L; reject R whose encoding is on libsodium's small-order
 *   list; reject A that is non-canonical (y >= p), small order, or not on
 *   the curve; then accept iff encode([S]B - [h]A) == R byte for byte,
 *   h = SHA-512(R || A || M) mod L (cofactorless).
 *
 * Freestanding C11, no heap, no mutable static state, variable time (all
 * inputs are public).  Stack: see docs/crypto.md (measured with
 * -fstack-usage: rk_ed25519_verify needs < 4.5 KiB in total, its own frame
 * ~3.5 KiB, on x86_64, aarch64 and riscv64).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ed25519_basetable.h"
#include "ge25519.h"
#include "rumpk/crypto.h"
#include "sc25519.h"

/* width of the NAF of h (the [h]A half): 8 odd multiples of A */
#define RK_A_WNAF_W 5

/*
 * libsodium 1.0.18 ge25519_is_canonical(): 0 when bits 0..254 encode a
 * y >= p (i.e. 2^255 - 19 .. 2^255 - 1).  Bit 255 is ignored.
 */
static bool enc_is_canonical(const uint8_t s[32])
{
	unsigned i;

	if ((s[31] & 0x7f) != 0x7f)
		return true;
	for (i = 30; i > 0; i--)
		if (s[i] != 0xff)
			return true;
	return s[0] < 0xed;
}

/*
 * libsodium 1.0.18 ge25519_has_small_order(): the encoding, bit 255
 * ignored, is one of the y coordinates of the eight points of order
 * dividing 8 (0, 1, p - 1 and the two order-8 y values) or one of the
 * non-canonical encodings p (= 0) and p + 1 (= 1).
 */
static const uint8_t small_order_y[7][32] = {
    /* 0: (+-sqrt(-1), 0), order 4 */
    {0},
    /* 1: the identity */
    {1},
    /* order 8 */
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
     0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
     0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    /* order 8 */
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b,
     0x76, 0x0d, 0x10, 0x67, 0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39,
     0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
    /* p - 1: (0, -1), order 2 */
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p: non-canonical 0 */
    {0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    /* p + 1: non-canonical 1 */
    {0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

static bool enc_has_small_order(const uint8_t s[32])
{
	unsigned i, j;

	for (i = 0; i < 7; i++) {
		uint8_t c = (uint8_t)((s[31] & 0x7f) ^ small_order_y[i][31]);

		for (j = 0; j < 31; j++)
			c |= (uint8_t)(s[j] ^ small_order_y[i][j]);
		if (c == 0)
			return true;
	}
	return false;
}

/*
 * r = [s]B - [h]A, Straus' joint double-and-add over the width-5 NAF of h
 * (odd multiples of A computed here) and the width-8 NAF of s (odd
 * multiples of B from the generated table).
 */
static void double_scalarmult_vartime(ge_p2 *r, const uint8_t h[32],
                                      const ge_p3 *A, const uint8_t s[32])
{
	int8_t hnaf[256], snaf[256];
	ge_cached Ai[1 << (RK_A_WNAF_W - 2)]; /* A, 3A, ..., 15A */
	ge_p1p1 t;
	ge_p3 u, A2;
	int i;

	rk_sc25519_wnaf(hnaf, h, RK_A_WNAF_W);
	rk_sc25519_wnaf(snaf, s, RK_BASE_WNAF_W);

	ge_p3_to_cached(&Ai[0], A);
	ge_p3_dbl(&t, A);
	ge_p1p1_to_p3(&A2, &t);
	for (i = 1; i < (1 << (RK_A_WNAF_W - 2)); i++) {
		ge_add(&t, &A2, &Ai[i - 1]);
		ge_p1p1_to_p3(&u, &t);
		ge_p3_to_cached(&Ai[i], &u);
	}

	for (i = 255; i >= 0; i--)
		if (hnaf[i] != 0 || snaf[i] != 0)
			break;
	if (i < 0) {
		ge_p2_0(r);
		return;
	}

	/* the top digit(s) initialise the accumulator without doublings */
	ge_p3_0(&u);
	if (hnaf[i] > 0) {
		ge_sub(&t, &u, &Ai[hnaf[i] / 2]);
		ge_p1p1_to_p3(&u, &t);
	} else if (hnaf[i] < 0) {
		ge_add(&t, &u, &Ai[-hnaf[i] / 2]);
		ge_p1p1_to_p3(&u, &t);
	}
	if (snaf[i] > 0) {
		ge_madd(&t, &u, &rk_ed25519_base_odd[snaf[i] / 2]);
		ge_p1p1_to_p3(&u, &t);
	} else if (snaf[i] < 0) {
		ge_msub(&t, &u, &rk_ed25519_base_odd[-snaf[i] / 2]);
		ge_p1p1_to_p3(&u, &t);
	}
	ge_p3_to_p2(r, &u);

	for (i--; i >= 0; i--) {
		const int hd = hnaf[i], sd = snaf[i];

		ge_p2_dbl(&t, r);
		if (hd == 0 && sd == 0) {
			ge_p1p1_to_p2(r, &t);
			continue;
		}
		ge_p1p1_to_p3(&u, &t);
		if (hd > 0)
			ge_sub(&t, &u, &Ai[hd / 2]);
		else if (hd < 0)
			ge_add(&t, &u, &Ai[-hd / 2]);
		if (hd != 0 && sd != 0)
			ge_p1p1_to_p3(&u, &t);
		if (sd > 0)
			ge_madd(&t, &u, &rk_ed25519_base_odd[sd / 2]);
		else if (sd < 0)
			ge_msub(&t, &u, &rk_ed25519_base_odd[-sd / 2]);
		ge_p1p1_to_p2(r, &t);
	}
}

bool rk_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                       const uint8_t pk[32])
{
	rk_sha512_ctx hs;
	uint8_t hram[64], h[32], rcheck[32];
	ge_p3 A;
	ge_p2 R;
	uint8_t diff;
	unsigned i;

	if (!rk_sc25519_is_canonical(sig + 32))
		return false;
	if (enc_has_small_order(sig))
		return false;
	if (!enc_is_canonical(pk) || enc_has_small_order(pk))
		return false;
	if (ge_frombytes(&A, pk) != 0)
		return false;

	rk_sha512_init(&hs);
	rk_sha512_update(&hs, sig, 32);
	rk_sha512_update(&hs, pk, 32);
	rk_sha512_update(&hs, msg, len);
	rk_sha512_final(&hs, hram);
	rk_sc25519_reduce(h, hram);

	double_scalarmult_vartime(&R, h, &A, sig + 32);
	ge_p2_tobytes(rcheck, &R);

	diff = 0;
	for (i = 0; i < 32; i++)
		diff |= (uint8_t)(rcheck[i] ^ sig[i]);
	return diff == 0;
}
