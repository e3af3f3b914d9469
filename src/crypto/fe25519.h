/*
 * fe25519.h - arithmetic in GF(2^255 - 19), radix 2^51, five 64-bit limbs,
 * products in unsigned __int128.  Internal to src/crypto/ (static inline so
 * that the group code inlines it without LTO).  Freestanding: no libc.
 *
 * Limb bounds (the invariants every caller keeps):
 *   "tight"  : every limb < 2^51 + 2^15   (output of mul, sq, carry,
 *              frombytes, and of the constants)
 *   "loose"  : every limb < 2^54          (allowed input of mul and sq)
 * fe_add of two tight values is < 2^53; fe_sub(f, g) needs g tight and
 * gives < 2^53 when f is tight; fe_sub4(f, g) needs every limb of g below
 * 2^53 and gives < 2^54 when f < 2^53.  With inputs < 2^54 the 128-bit
 * column sums of mul/sq stay below 2^114.3, so every carry fits 64 bits.
 */
#ifndef RK_FE25519_H
#define RK_FE25519_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t fe25519[5];
__extension__ typedef unsigned __int128 rk_u128;

#define RK_FE_MASK51 ((uint64_t)0x7ffffffffffffULL)

/* gcc -O2 otherwise keeps fe_mul out of line: inlining it saves ~5% of
 * the instructions of a verification */
#define RK_FE_INLINE __attribute__((always_inline)) static inline

/* d = -121665/121666 */
static const fe25519 rk_fe_d = {0x34dca135978a3ULL, 0x1a8283b156ebdULL,
                                0x5e7a26001c029ULL, 0x739c663a03cbbULL,
                                0x52036cee2b6ffULL};
/* 2d */
static const fe25519 rk_fe_d2 = {0x69b9426b2f159ULL, 0x35050762add7aULL,
                                 0x3cf44c0038052ULL, 0x6738cc7407977ULL,
                                 0x2406d9dc56dffULL};
/* sqrt(-1) = 2^((p-1)/4) */
static const fe25519 rk_fe_sqrtm1 = {0x61b274a0ea0b0ULL, 0x0d5a5fc8f189dULL,
                                     0x7ef5e9cbd0c60ULL, 0x78595a6804c9eULL,
                                     0x2b8324804fc1dULL};

static inline void fe_0(fe25519 h)
{
	h[0] = 0;
	h[1] = 0;
	h[2] = 0;
	h[3] = 0;
	h[4] = 0;
}

static inline void fe_1(fe25519 h)
{
	h[0] = 1;
	h[1] = 0;
	h[2] = 0;
	h[3] = 0;
	h[4] = 0;
}

static inline void fe_copy(fe25519 h, const fe25519 f)
{
	h[0] = f[0];
	h[1] = f[1];
	h[2] = f[2];
	h[3] = f[3];
	h[4] = f[4];
}

/* h = f + g, no carry */
static inline void fe_add(fe25519 h, const fe25519 f, const fe25519 g)
{
	h[0] = f[0] + g[0];
	h[1] = f[1] + g[1];
	h[2] = f[2] + g[2];
	h[3] = f[3] + g[3];
	h[4] = f[4] + g[4];
}

/* h = f + 2p - g, no carry; g must be tight */
static inline void fe_sub(fe25519 h, const fe25519 f, const fe25519 g)
{
	h[0] = (f[0] + 0xfffffffffffdaULL) - g[0];
	h[1] = (f[1] + 0xffffffffffffeULL) - g[1];
	h[2] = (f[2] + 0xffffffffffffeULL) - g[2];
	h[3] = (f[3] + 0xffffffffffffeULL) - g[3];
	h[4] = (f[4] + 0xffffffffffffeULL) - g[4];
}

/* h = f + 4p - g, no carry; g limbs must be < 2^53 - 76 */
static inline void fe_sub4(fe25519 h, const fe25519 f, const fe25519 g)
{
	h[0] = (f[0] + 0x1fffffffffffb4ULL) - g[0];
	h[1] = (f[1] + 0x1ffffffffffffcULL) - g[1];
	h[2] = (f[2] + 0x1ffffffffffffcULL) - g[2];
	h[3] = (f[3] + 0x1ffffffffffffcULL) - g[3];
	h[4] = (f[4] + 0x1ffffffffffffcULL) - g[4];
}

/* h = -f (f tight) */
static inline void fe_neg(fe25519 h, const fe25519 f)
{
	h[0] = 0xfffffffffffdaULL - f[0];
	h[1] = 0xffffffffffffeULL - f[1];
	h[2] = 0xffffffffffffeULL - f[2];
	h[3] = 0xffffffffffffeULL - f[3];
	h[4] = 0xffffffffffffeULL - f[4];
}

/* weak reduction: any limbs < 2^63 -> tight */
static inline void fe_carry(fe25519 h)
{
	uint64_t c;

	c = h[0] >> 51;
	h[0] &= RK_FE_MASK51;
	h[1] += c;
	c = h[1] >> 51;
	h[1] &= RK_FE_MASK51;
	h[2] += c;
	c = h[2] >> 51;
	h[2] &= RK_FE_MASK51;
	h[3] += c;
	c = h[3] >> 51;
	h[3] &= RK_FE_MASK51;
	h[4] += c;
	c = h[4] >> 51;
	h[4] &= RK_FE_MASK51;
	h[0] += c * 19;
	c = h[0] >> 51;
	h[0] &= RK_FE_MASK51;
	h[1] += c;
}

/* final carry of a 5-column 128-bit product into tight limbs */
#define RK_FE_REDUCE(h, r0, r1, r2, r3, r4)                                    \
	do {                                                                   \
		uint64_t c_, l0_, l1_, l2_, l3_, l4_;                          \
		l0_ = (uint64_t)(r0)&RK_FE_MASK51;                             \
		c_ = (uint64_t)((r0) >> 51);                                   \
		(r1) += c_;                                                    \
		l1_ = (uint64_t)(r1)&RK_FE_MASK51;                             \
		c_ = (uint64_t)((r1) >> 51);                                   \
		(r2) += c_;                                                    \
		l2_ = (uint64_t)(r2)&RK_FE_MASK51;                             \
		c_ = (uint64_t)((r2) >> 51);                                   \
		(r3) += c_;                                                    \
		l3_ = (uint64_t)(r3)&RK_FE_MASK51;                             \
		c_ = (uint64_t)((r3) >> 51);                                   \
		(r4) += c_;                                                    \
		l4_ = (uint64_t)(r4)&RK_FE_MASK51;                             \
		c_ = (uint64_t)((r4) >> 51);                                   \
		l0_ += c_ * 19;                                                \
		c_ = l0_ >> 51;                                                \
		l0_ &= RK_FE_MASK51;                                           \
		l1_ += c_;                                                     \
		(h)[0] = l0_;                                                  \
		(h)[1] = l1_;                                                  \
		(h)[2] = l2_;                                                  \
		(h)[3] = l3_;                                                  \
		(h)[4] = l4_;                                                  \
	} while (0)

/* h = f * g; f, g loose; h tight.  h may alias f or g. */
RK_FE_INLINE void fe_mul(fe25519 h, const fe25519 f, const fe25519 g)
{
	const uint64_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
	const uint64_t g0 = g[0], g1 = g[1], g2 = g[2], g3 = g[3], g4 = g[4];
	const uint64_t g1_19 = g1 * 19, g2_19 = g2 * 19, g3_19 = g3 * 19,
	               g4_19 = g4 * 19;
	rk_u128 r0, r1, r2, r3, r4;

	r0 = (rk_u128)f0 * g0 + (rk_u128)f1 * g4_19 + (rk_u128)f2 * g3_19 +
	     (rk_u128)f3 * g2_19 + (rk_u128)f4 * g1_19;
	r1 = (rk_u128)f0 * g1 + (rk_u128)f1 * g0 + (rk_u128)f2 * g4_19 +
	     (rk_u128)f3 * g3_19 + (rk_u128)f4 * g2_19;
	r2 = (rk_u128)f0 * g2 + (rk_u128)f1 * g1 + (rk_u128)f2 * g0 +
	     (rk_u128)f3 * g4_19 + (rk_u128)f4 * g3_19;
	r3 = (rk_u128)f0 * g3 + (rk_u128)f1 * g2 + (rk_u128)f2 * g1 +
	     (rk_u128)f3 * g0 + (rk_u128)f4 * g4_19;
	r4 = (rk_u128)f0 * g4 + (rk_u128)f1 * g3 + (rk_u128)f2 * g2 +
	     (rk_u128)f3 * g1 + (rk_u128)f4 * g0;
	RK_FE_REDUCE(h, r0, r1, r2, r3, r4);
}

/* h = f^2; f loose; h tight */
RK_FE_INLINE void fe_sq(fe25519 h, const fe25519 f)
{
	const uint64_t f0 = f[0], f1 = f[1], f2 = f[2], f3 = f[3], f4 = f[4];
	const uint64_t f0_2 = f0 * 2, f1_2 = f1 * 2;
	const uint64_t f1_38 = f1 * 38, f2_38 = f2 * 38, f3_38 = f3 * 38;
	const uint64_t f3_19 = f3 * 19, f4_19 = f4 * 19;
	rk_u128 r0, r1, r2, r3, r4;

	r0 = (rk_u128)f0 * f0 + (rk_u128)f1_38 * f4 + (rk_u128)f2_38 * f3;
	r1 = (rk_u128)f0_2 * f1 + (rk_u128)f2_38 * f4 + (rk_u128)f3_19 * f3;
	r2 = (rk_u128)f0_2 * f2 + (rk_u128)f1 * f1 + (rk_u128)f3_38 * f4;
	r3 = (rk_u128)f0_2 * f3 + (rk_u128)f1_2 * f2 + (rk_u128)f4_19 * f4;
	r4 = (rk_u128)f0_2 * f4 + (rk_u128)f1_2 * f3 + (rk_u128)f2 * f2;
	RK_FE_REDUCE(h, r0, r1, r2, r3, r4);
}

/* h = f^(2^n), n >= 1 */
static inline void fe_sqn(fe25519 h, const fe25519 f, int n)
{
	fe_sq(h, f);
	while (--n > 0)
		fe_sq(h, h);
}

/* little-endian 32 bytes -> field element, bit 255 ignored (value may be
 * >= p: it is then used modulo p, as in the usual decoders). */
static inline uint64_t rk_load64_le(const uint8_t *p)
{
	return (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16) |
	       ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) |
	       ((uint64_t)p[5] << 40) | ((uint64_t)p[6] << 48) |
	       ((uint64_t)p[7] << 56);
}

static inline void rk_store64_le(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
	p[4] = (uint8_t)(v >> 32);
	p[5] = (uint8_t)(v >> 40);
	p[6] = (uint8_t)(v >> 48);
	p[7] = (uint8_t)(v >> 56);
}

static inline void fe_frombytes(fe25519 h, const uint8_t s[32])
{
	const uint64_t w0 = rk_load64_le(s), w1 = rk_load64_le(s + 8),
	               w2 = rk_load64_le(s + 16), w3 = rk_load64_le(s + 24);

	h[0] = w0 & RK_FE_MASK51;
	h[1] = ((w0 >> 51) | (w1 << 13)) & RK_FE_MASK51;
	h[2] = ((w1 >> 38) | (w2 << 26)) & RK_FE_MASK51;
	h[3] = ((w2 >> 25) | (w3 << 39)) & RK_FE_MASK51;
	h[4] = (w3 >> 12) & RK_FE_MASK51;
}

/* fully reduce f (loose) into [0, p), result limbs < 2^51 */
static inline void fe_canon(fe25519 h, const fe25519 f)
{
	uint64_t q;

	fe_copy(h, f);
	fe_carry(h);
	fe_carry(h);
	/* now h < 2^255 + small, limbs < 2^51 except possibly a tiny h1;
	 * q = 1 iff h >= p */
	q = (h[0] + 19) >> 51;
	q = (h[1] + q) >> 51;
	q = (h[2] + q) >> 51;
	q = (h[3] + q) >> 51;
	q = (h[4] + q) >> 51;
	h[0] += 19 * q;
	h[1] += h[0] >> 51;
	h[0] &= RK_FE_MASK51;
	h[2] += h[1] >> 51;
	h[1] &= RK_FE_MASK51;
	h[3] += h[2] >> 51;
	h[2] &= RK_FE_MASK51;
	h[4] += h[3] >> 51;
	h[3] &= RK_FE_MASK51;
	h[4] &= RK_FE_MASK51;
}

/* canonical little-endian encoding (bit 255 clear) */
static inline void fe_tobytes(uint8_t s[32], const fe25519 f)
{
	fe25519 t;

	fe_canon(t, f);
	rk_store64_le(s, t[0] | (t[1] << 51));
	rk_store64_le(s + 8, (t[1] >> 13) | (t[2] << 38));
	rk_store64_le(s + 16, (t[2] >> 26) | (t[3] << 25));
	rk_store64_le(s + 24, (t[3] >> 39) | (t[4] << 12));
}

static inline int fe_iszero(const fe25519 f)
{
	fe25519 t;

	fe_canon(t, f);
	return (t[0] | t[1] | t[2] | t[3] | t[4]) == 0;
}

/* low bit of the canonical value ("negative" in RFC 8032 terms) */
static inline int fe_isnegative(const fe25519 f)
{
	fe25519 t;

	fe_canon(t, f);
	return (int)(t[0] & 1);
}

static inline int fe_equal(const fe25519 f, const fe25519 g)
{
	fe25519 a, b;

	fe_canon(a, f);
	fe_canon(b, g);
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
	        (a[4] ^ b[4])) == 0;
}

/*
 * z^(2^250 - 1) and z^11 (shared prefix of the inversion and of the
 * square-root exponent), the classic addition chain.
 */
static inline void fe_pow2_250_1(fe25519 out, fe25519 z11, const fe25519 z)
{
	fe25519 t0, t1, t2, t3;

	fe_sq(t0, z);        /* 2 */
	fe_sqn(t1, t0, 2);   /* 8 */
	fe_mul(t1, z, t1);   /* 9 */
	fe_mul(z11, t0, t1); /* 11 */
	fe_sq(t0, z11);      /* 22 */
	fe_mul(t0, t1, t0);  /* 31 = 2^5 - 1 */
	fe_sqn(t1, t0, 5);   /* 2^10 - 2^5 */
	fe_mul(t0, t1, t0);  /* 2^10 - 1 */
	fe_sqn(t1, t0, 10);  /* 2^20 - 2^10 */
	fe_mul(t1, t1, t0);  /* 2^20 - 1 */
	fe_sqn(t2, t1, 20);  /* 2^40 - 2^20 */
	fe_mul(t1, t2, t1);  /* 2^40 - 1 */
	fe_sqn(t1, t1, 10);  /* 2^50 - 2^10 */
	fe_mul(t0, t1, t0);  /* 2^50 - 1 */
	fe_sqn(t1, t0, 50);  /* 2^100 - 2^50 */
	fe_mul(t1, t1, t0);  /* 2^100 - 1 */
	fe_sqn(t2, t1, 100); /* 2^200 - 2^100 */
	fe_mul(t1, t2, t1);  /* 2^200 - 1 */
	fe_sqn(t3, t1, 50);  /* 2^250 - 2^50 */
	fe_mul(out, t3, t0); /* 2^250 - 1 */
}

/* h = z^(p-2) = 1/z (0 -> 0) */
static inline void fe_invert(fe25519 h, const fe25519 z)
{
	fe25519 t, z11;

	fe_pow2_250_1(t, z11, z);
	fe_sqn(t, t, 5);   /* 2^255 - 2^5 */
	fe_mul(h, t, z11); /* 2^255 - 21 = p - 2 */
}

/* h = z^((p-5)/8) = z^(2^252 - 3) */
static inline void fe_pow22523(fe25519 h, const fe25519 z)
{
	fe25519 t, z11;

	fe_pow2_250_1(t, z11, z);
	fe_sqn(t, t, 2); /* 2^252 - 4 */
	fe_mul(h, t, z); /* 2^252 - 3 */
}

#endif
