/*
 * sc25519.c - scalar arithmetic modulo the group order L (verification
 * only, variable time).  Freestanding C11.
 */
#include "sc25519.h"

#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 u128;

/* L, little-endian 64-bit words */
static const uint64_t sc_L[4] = {0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL,
                                 0x0000000000000000ULL, 0x1000000000000000ULL};
/* Barrett constant mu = floor(2^512 / L) (260 bits) */
static const uint64_t sc_mu[5] = {0xed9ce5a30a2c131bULL, 0x2106215d086329a7ULL,
                                  0xffffffffffffffebULL, 0xffffffffffffffffULL,
                                  0x000000000000000fULL};

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
	       ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) |
	       ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) |
	       ((uint64_t)p[7] << 56);
}

static void st64(uint8_t *p, uint64_t v)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int rk_sc25519_is_canonical(const uint8_t s[32])
{
	uint64_t w[4];
	int i;

	for (i = 0; i < 4; i++)
		w[i] = ld64(s + 8 * i);
	for (i = 3; i >= 0; i--) {
		if (w[i] < sc_L[i])
			return 1;
		if (w[i] > sc_L[i])
			return 0;
	}
	return 0; /* s == L */
}

/* r (5 words) >= L ? */
static int geq_L5(const uint64_t r[5])
{
	int i;

	if (r[4] != 0)
		return 1;
	for (i = 3; i >= 0; i--) {
		if (r[i] > sc_L[i])
			return 1;
		if (r[i] < sc_L[i])
			return 0;
	}
	return 1;
}

static void sub_L5(uint64_t r[5])
{
	uint64_t borrow = 0;
	int i;

	for (i = 0; i < 5; i++) {
		const uint64_t l = i < 4 ? sc_L[i] : 0;
		const u128 d = (u128)r[i] - l - borrow;

		r[i] = (uint64_t)d;
		borrow = (uint64_t)(d >> 64) & 1;
	}
}

/*
 * Barrett reduction (Menezes et al., Handbook of Applied Cryptography,
 * algorithm 14.42) with base 2^64 and k = 4.
 */
void rk_sc25519_reduce(uint8_t out[32], const uint8_t in[64])
{
	uint64_t x[8], q2[10], r[5];
	uint64_t borrow;
	int i, j;

	for (i = 0; i < 8; i++)
		x[i] = ld64(in + 8 * i);

	/* q2 = floor(x / 2^192) * mu, of which only words 5..9 are used */
	for (i = 0; i < 10; i++)
		q2[i] = 0;
	for (i = 0; i < 5; i++) {
		uint64_t carry = 0;

		for (j = 0; j < 5; j++) {
			const u128 t =
			    (u128)x[3 + i] * sc_mu[j] + q2[i + j] + carry;

			q2[i + j] = (uint64_t)t;
			carry = (uint64_t)(t >> 64);
		}
		q2[i + 5] = carry;
	}
	/* r = (x - q3 * L) mod 2^320, q3 = q2[5..9] */
	{
		uint64_t ql[5] = {0, 0, 0, 0, 0};

		for (i = 0; i < 5; i++) {
			uint64_t carry = 0;

			for (j = 0; i + j < 5; j++) {
				const uint64_t l = j < 4 ? sc_L[j] : 0;
				const u128 t =
				    (u128)q2[5 + i] * l + ql[i + j] + carry;

				ql[i + j] = (uint64_t)t;
				carry = (uint64_t)(t >> 64);
			}
		}
		borrow = 0;
		for (i = 0; i < 5; i++) {
			const u128 d = (u128)x[i] - ql[i] - borrow;

			r[i] = (uint64_t)d;
			borrow = (uint64_t)(d >> 64) & 1;
		}
	}
	while (geq_L5(r))
		sub_L5(r);
	for (i = 0; i < 4; i++)
		st64(out + 8 * i, r[i]);
}

void rk_sc25519_wnaf(int8_t naf[256], const uint8_t s[32], unsigned w)
{
	const uint64_t width = (uint64_t)1 << w;
	const uint64_t mask = width - 1;
	uint64_t x[5];
	uint64_t carry = 0;
	unsigned pos = 0;
	int i;

	for (i = 0; i < 4; i++)
		x[i] = ld64(s + 8 * i);
	x[4] = 0;
	for (i = 0; i < 256; i++)
		naf[i] = 0;

	while (pos < 256) {
		const unsigned idx = pos / 64, bit = pos % 64;
		uint64_t bits, window;

		if (bit + w <= 64)
			bits = x[idx] >> bit;
		else
			bits = (x[idx] >> bit) | (x[idx + 1] << (64 - bit));
		window = carry + (bits & mask);
		if ((window & 1) == 0) {
			/* digit 0; the carry (if any) moves up one bit */
			pos++;
			continue;
		}
		if (window < width / 2) {
			carry = 0;
			naf[pos] = (int8_t)window;
		} else {
			carry = 1;
			naf[pos] = (int8_t)((int64_t)window - (int64_t)width);
		}
		pos += w;
	}
}
