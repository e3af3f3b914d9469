/*
 * ge25519.h - group arithmetic on edwards25519, -x^2 + y^2 = 1 + d x^2 y^2,
 * with the extended coordinates of Hisil, Wong, Carter and Dawson (2008).
 * Internal to src/crypto/; static inline for speed.
 *
 * Representations:
 *   ge_p2     (X : Y : Z)            x = X/Z, y = Y/Z
 *   ge_p3     (X : Y : Z : T)        as p2 plus T = XY/Z
 *   ge_p1p1   ((X : Z), (Y : T))     x = X/Z, y = Y/T  ("completed")
 *   ge_cached (Y+X, Y-X, Z, 2dT)     right-hand operand of additions
 *   ge_affine (y+x, y-x, 2dxy)       the same with Z = 1 (precomputed tables)
 *
 * Limb bounds (see fe25519.h): p2/p3 coordinates and the 2dT / 2dxy members
 * are tight; Y+X and Y-X members are < 2^53.
 */
#ifndef RK_GE25519_H
#define RK_GE25519_H

#include "fe25519.h"

typedef struct {
	fe25519 X, Y, Z;
} ge_p2;

typedef struct {
	fe25519 X, Y, Z, T;
} ge_p3;

typedef struct {
	fe25519 X, Y, Z, T;
} ge_p1p1;

typedef struct {
	fe25519 YplusX, YminusX, Z, T2d;
} ge_cached;

typedef struct {
	fe25519 yplusx, yminusx, xy2d;
} ge_affine;

static inline void ge_p2_0(ge_p2 *h)
{
	fe_0(h->X);
	fe_1(h->Y);
	fe_1(h->Z);
}

static inline void ge_p3_0(ge_p3 *h)
{
	fe_0(h->X);
	fe_1(h->Y);
	fe_1(h->Z);
	fe_0(h->T);
}

static inline void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p)
{
	fe_mul(r->X, p->X, p->T);
	fe_mul(r->Y, p->Y, p->Z);
	fe_mul(r->Z, p->Z, p->T);
}

static inline void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p)
{
	fe_mul(r->X, p->X, p->T);
	fe_mul(r->Y, p->Y, p->Z);
	fe_mul(r->Z, p->Z, p->T);
	fe_mul(r->T, p->X, p->Y);
}

static inline void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p)
{
	fe_copy(r->X, p->X);
	fe_copy(r->Y, p->Y);
	fe_copy(r->Z, p->Z);
}

static inline void ge_p3_to_cached(ge_cached *r, const ge_p3 *p)
{
	fe_add(r->YplusX, p->Y, p->X);
	fe_sub(r->YminusX, p->Y, p->X);
	fe_copy(r->Z, p->Z);
	fe_mul(r->T2d, p->T, rk_fe_d2);
}

/*
 * r = 2p.  With A = X^2, B = Y^2, C = 2Z^2:
 *   x3 = ((X+Y)^2 - A - B) / (B - A),  y3 = (A + B) / (C - B + A).
 */
static inline void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p)
{
	fe25519 t;

	fe_sq(r->X, p->X); /* A */
	fe_sq(r->Z, p->Y); /* B */
	fe_sq(r->T, p->Z);
	fe_add(r->T, r->T, r->T); /* C, < 2^52 + 2^16 */
	fe_add(t, p->X, p->Y);
	fe_sq(t, t);               /* (X+Y)^2 */
	fe_add(r->Y, r->Z, r->X);  /* A + B, < 2^53 */
	fe_sub(r->Z, r->Z, r->X);  /* B - A, < 2^53 */
	fe_sub4(r->X, t, r->Y);    /* E, < 2^54 */
	fe_sub4(r->T, r->T, r->Z); /* C - (B - A), < 2^54 */
}

static inline void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p)
{
	ge_p2 q;

	ge_p3_to_p2(&q, p);
	ge_p2_dbl(r, &q);
}

/* r = p + q (unified HWCD addition, a = -1) */
static inline void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q)
{
	fe25519 t;

	fe_add(r->X, p->Y, p->X);
	fe_sub(r->Y, p->Y, p->X);
	fe_mul(r->Z, r->X, q->YplusX);  /* B */
	fe_mul(r->Y, r->Y, q->YminusX); /* A */
	fe_mul(r->T, q->T2d, p->T);     /* C */
	fe_mul(r->X, p->Z, q->Z);
	fe_add(t, r->X, r->X);    /* D */
	fe_sub(r->X, r->Z, r->Y); /* B - A */
	fe_add(r->Y, r->Z, r->Y); /* B + A */
	fe_add(r->Z, t, r->T);    /* D + C */
	fe_sub(r->T, t, r->T);    /* D - C */
}

/* r = p - q */
static inline void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q)
{
	fe25519 t;

	fe_add(r->X, p->Y, p->X);
	fe_sub(r->Y, p->Y, p->X);
	fe_mul(r->Z, r->X, q->YminusX);
	fe_mul(r->Y, r->Y, q->YplusX);
	fe_mul(r->T, q->T2d, p->T);
	fe_mul(r->X, p->Z, q->Z);
	fe_add(t, r->X, r->X);
	fe_sub(r->X, r->Z, r->Y);
	fe_add(r->Y, r->Z, r->Y);
	fe_sub(r->Z, t, r->T);
	fe_add(r->T, t, r->T);
}

/* r = p + q, q affine */
static inline void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_affine *q)
{
	fe25519 t;

	fe_add(r->X, p->Y, p->X);
	fe_sub(r->Y, p->Y, p->X);
	fe_mul(r->Z, r->X, q->yplusx);
	fe_mul(r->Y, r->Y, q->yminusx);
	fe_mul(r->T, q->xy2d, p->T);
	fe_add(t, p->Z, p->Z);
	fe_sub(r->X, r->Z, r->Y);
	fe_add(r->Y, r->Z, r->Y);
	fe_add(r->Z, t, r->T);
	fe_sub(r->T, t, r->T);
}

/* r = p - q, q affine */
static inline void ge_msub(ge_p1p1 *r, const ge_p3 *p, const ge_affine *q)
{
	fe25519 t;

	fe_add(r->X, p->Y, p->X);
	fe_sub(r->Y, p->Y, p->X);
	fe_mul(r->Z, r->X, q->yminusx);
	fe_mul(r->Y, r->Y, q->yplusx);
	fe_mul(r->T, q->xy2d, p->T);
	fe_add(t, p->Z, p->Z);
	fe_sub(r->X, r->Z, r->Y);
	fe_add(r->Y, r->Z, r->Y);
	fe_sub(r->Z, t, r->T);
	fe_add(r->T, t, r->T);
}

/*
 * Decode a point: y from bits 0..254 (taken modulo p; callers that need
 * canonical y check it first), x from the curve equation with the sign
 * given by bit 255.  Returns 0, or -1 when y^2 - 1 / (d y^2 + 1) is not a
 * square.  x = 0 with the sign bit set is returned as x = 0 (callers reject
 * those encodings, which are the small-order y = 1 and y = -1, before).
 */
static inline int ge_frombytes(ge_p3 *h, const uint8_t s[32])
{
	fe25519 u, v, v3, vxx, chk;

	fe_frombytes(h->Y, s);
	fe_1(h->Z);
	fe_sq(u, h->Y);
	fe_mul(v, u, rk_fe_d);
	fe_sub(u, u, h->Z); /* u = y^2 - 1 */
	fe_add(v, v, h->Z); /* v = d y^2 + 1 */
	fe_sq(v3, v);
	fe_mul(v3, v3, v); /* v^3 */
	fe_sq(h->X, v3);
	fe_mul(h->X, h->X, v);
	fe_mul(h->X, h->X, u); /* u v^7 */
	fe_pow22523(h->X, h->X);
	fe_mul(h->X, h->X, v3);
	fe_mul(h->X, h->X, u); /* u v^3 (u v^7)^((p-5)/8) */

	fe_sq(vxx, h->X);
	fe_mul(vxx, vxx, v);  /* v x^2 */
	fe_sub4(chk, vxx, u); /* u < 2^53 is not tight */
	if (!fe_iszero(chk)) {
		fe_add(chk, vxx, u);
		if (!fe_iszero(chk))
			return -1;
		fe_mul(h->X, h->X, rk_fe_sqrtm1);
	}
	if (fe_isnegative(h->X) != (s[31] >> 7)) {
		fe_neg(h->X, h->X);
	}
	fe_mul(h->T, h->X, h->Y);
	return 0;
}

static inline void ge_p2_tobytes(uint8_t s[32], const ge_p2 *h)
{
	fe25519 recip, x, y;

	fe_invert(recip, h->Z);
	fe_mul(x, h->X, recip);
	fe_mul(y, h->Y, recip);
	fe_tobytes(s, y);
	s[31] ^= (uint8_t)(fe_isnegative(x) << 7);
}

#endif
