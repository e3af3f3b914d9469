/*
 * sha512.c - SHA-512 (FIPS 180-4).  Freestanding C11, no heap, no mutable
 * static state.  Stack: rk_sha512 < 0.8 KiB (see docs/crypto.md).
 */
#include <stddef.h>
#include <stdint.h>

#include "rumpk/crypto.h"

static const uint64_t K[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL,
    0xe9b5dba58189dbbcULL, 0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL,
    0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL, 0xd807aa98a3030242ULL,
    0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL,
    0xc19bf174cf692694ULL, 0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL,
    0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL, 0x2de92c6f592b0275ULL,
    0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL,
    0xbf597fc7beef0ee4ULL, 0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL,
    0x06ca6351e003826fULL, 0x142929670a0e6e70ULL, 0x27b70a8546d22ffcULL,
    0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL,
    0x92722c851482353bULL, 0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL,
    0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL, 0xd192e819d6ef5218ULL,
    0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL,
    0x34b0bcb5e19b48a8ULL, 0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL,
    0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL, 0x748f82ee5defb2fcULL,
    0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL,
    0xc67178f2e372532bULL, 0xca273eceea26619cULL, 0xd186b8c721c0c207ULL,
    0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL, 0x06f067aa72176fbaULL,
    0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL,
    0x431d67c49c100d4cULL, 0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL,
    0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL};

static const uint64_t H0[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL,
                               0x3c6ef372fe94f82bULL, 0xa54ff53a5f1d36f1ULL,
                               0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
                               0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

static inline uint64_t ror(uint64_t x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

static inline uint64_t load_be64(const uint8_t *p)
{
	return ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) |
	       ((uint64_t)p[2] << 40) | ((uint64_t)p[3] << 32) |
	       ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16) |
	       ((uint64_t)p[6] << 8) | (uint64_t)p[7];
}

static inline void store_be64(uint8_t *p, uint64_t v)
{
	p[0] = (uint8_t)(v >> 56);
	p[1] = (uint8_t)(v >> 48);
	p[2] = (uint8_t)(v >> 40);
	p[3] = (uint8_t)(v >> 32);
	p[4] = (uint8_t)(v >> 24);
	p[5] = (uint8_t)(v >> 16);
	p[6] = (uint8_t)(v >> 8);
	p[7] = (uint8_t)v;
}

/* Sigma0 = ror28 ^ ror34 ^ ror39 and Sigma1 = ror14 ^ ror18 ^ ror41,
 * nested so that two-operand ISAs need fewer register copies */
#define S0(x)       ror(ror(ror(x, 5) ^ (x), 6) ^ (x), 28)
#define S1(x)       ror(ror(ror(x, 23) ^ (x), 4) ^ (x), 14)
#define s0(x)       (ror(x, 1) ^ ror(x, 8) ^ ((x) >> 7))
#define s1(x)       (ror(x, 19) ^ ror(x, 61) ^ ((x) >> 6))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))

/*
 * One round; the eight working variables rotate through the macro
 * arguments instead of being moved.  Maj(a, b, c) = b ^ ((a ^ b) & (b ^ c)),
 * and b ^ c is the previous round's a ^ b: `ab` and `bc` alternate between
 * two variables.
 */
#define ROUND(a, b, c, d, e, f, g, h, k, w, ab, bc)                            \
	do {                                                                   \
		uint64_t t1_ = (h) + S1(e) + CH(e, f, g) + (k) + (w);          \
		(ab) = (a) ^ (b);                                              \
		(d) += t1_;                                                    \
		(h) = t1_ + S0(a) + ((b) ^ ((ab) & (bc)));                     \
	} while (0)

/* message schedule in a 16-word ring */
#define WX(i)                                                                  \
	(W[(i)&15] +=                                                          \
	 s1(W[((i)-2) & 15]) + W[((i)-7) & 15] + s0(W[((i)-15) & 15]))

static void compress(uint64_t state[8], const uint8_t *blocks, size_t n)
{
	uint64_t W[16];
	uint64_t a, b, c, d, e, f, g, h, x0, x1;
	unsigned i;

	while (n-- > 0) {
		a = state[0];
		b = state[1];
		c = state[2];
		d = state[3];
		e = state[4];
		f = state[5];
		g = state[6];
		h = state[7];
		for (i = 0; i < 16; i++)
			W[i] = load_be64(blocks + 8 * i);
		x1 = b ^ c;

		ROUND(a, b, c, d, e, f, g, h, K[0], W[0], x0, x1);
		ROUND(h, a, b, c, d, e, f, g, K[1], W[1], x1, x0);
		ROUND(g, h, a, b, c, d, e, f, K[2], W[2], x0, x1);
		ROUND(f, g, h, a, b, c, d, e, K[3], W[3], x1, x0);
		ROUND(e, f, g, h, a, b, c, d, K[4], W[4], x0, x1);
		ROUND(d, e, f, g, h, a, b, c, K[5], W[5], x1, x0);
		ROUND(c, d, e, f, g, h, a, b, K[6], W[6], x0, x1);
		ROUND(b, c, d, e, f, g, h, a, K[7], W[7], x1, x0);
		ROUND(a, b, c, d, e, f, g, h, K[8], W[8], x0, x1);
		ROUND(h, a, b, c, d, e, f, g, K[9], W[9], x1, x0);
		ROUND(g, h, a, b, c, d, e, f, K[10], W[10], x0, x1);
		ROUND(f, g, h, a, b, c, d, e, K[11], W[11], x1, x0);
		ROUND(e, f, g, h, a, b, c, d, K[12], W[12], x0, x1);
		ROUND(d, e, f, g, h, a, b, c, K[13], W[13], x1, x0);
		ROUND(c, d, e, f, g, h, a, b, K[14], W[14], x0, x1);
		ROUND(b, c, d, e, f, g, h, a, K[15], W[15], x1, x0);
		for (i = 16; i < 80; i += 16) {
			ROUND(a, b, c, d, e, f, g, h, K[i + 0], WX(i + 0), x0,
			      x1);
			ROUND(h, a, b, c, d, e, f, g, K[i + 1], WX(i + 1), x1,
			      x0);
			ROUND(g, h, a, b, c, d, e, f, K[i + 2], WX(i + 2), x0,
			      x1);
			ROUND(f, g, h, a, b, c, d, e, K[i + 3], WX(i + 3), x1,
			      x0);
			ROUND(e, f, g, h, a, b, c, d, K[i + 4], WX(i + 4), x0,
			      x1);
			ROUND(d, e, f, g, h, a, b, c, K[i + 5], WX(i + 5), x1,
			      x0);
			ROUND(c, d, e, f, g, h, a, b, K[i + 6], WX(i + 6), x0,
			      x1);
			ROUND(b, c, d, e, f, g, h, a, K[i + 7], WX(i + 7), x1,
			      x0);
			ROUND(a, b, c, d, e, f, g, h, K[i + 8], WX(i + 8), x0,
			      x1);
			ROUND(h, a, b, c, d, e, f, g, K[i + 9], WX(i + 9), x1,
			      x0);
			ROUND(g, h, a, b, c, d, e, f, K[i + 10], WX(i + 10), x0,
			      x1);
			ROUND(f, g, h, a, b, c, d, e, K[i + 11], WX(i + 11), x1,
			      x0);
			ROUND(e, f, g, h, a, b, c, d, K[i + 12], WX(i + 12), x0,
			      x1);
			ROUND(d, e, f, g, h, a, b, c, K[i + 13], WX(i + 13), x1,
			      x0);
			ROUND(c, d, e, f, g, h, a, b, K[i + 14], WX(i + 14), x0,
			      x1);
			ROUND(b, c, d, e, f, g, h, a, K[i + 15], WX(i + 15), x1,
			      x0);
		}

		state[0] += a;
		state[1] += b;
		state[2] += c;
		state[3] += d;
		state[4] += e;
		state[5] += f;
		state[6] += g;
		state[7] += h;
		blocks += 128;
	}
}

void rk_sha512_init(rk_sha512_ctx *ctx)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		ctx->state[i] = H0[i];
	ctx->count[0] = 0;
	ctx->count[1] = 0;
}

void rk_sha512_update(rk_sha512_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *in = (const uint8_t *)data;
	size_t fill = (size_t)(ctx->count[0] & 127);
	size_t i;

	if (len == 0)
		return;
	ctx->count[0] += (uint64_t)len;
	if (ctx->count[0] < (uint64_t)len)
		ctx->count[1]++;

	if (fill != 0) {
		size_t need = 128 - fill;

		if (len < need) {
			for (i = 0; i < len; i++)
				ctx->buf[fill + i] = in[i];
			return;
		}
		for (i = 0; i < need; i++)
			ctx->buf[fill + i] = in[i];
		compress(ctx->state, ctx->buf, 1);
		in += need;
		len -= need;
	}
	if (len >= 128) {
		compress(ctx->state, in, len / 128);
		in += len & ~(size_t)127;
		len &= 127;
	}
	for (i = 0; i < len; i++)
		ctx->buf[i] = in[i];
}

void rk_sha512_final(rk_sha512_ctx *ctx, uint8_t out[64])
{
	size_t fill = (size_t)(ctx->count[0] & 127);
	size_t i;

	ctx->buf[fill++] = 0x80;
	if (fill > 112) {
		for (i = fill; i < 128; i++)
			ctx->buf[i] = 0;
		compress(ctx->state, ctx->buf, 1);
		fill = 0;
	}
	for (i = fill; i < 112; i++)
		ctx->buf[i] = 0;
	/* 128-bit big-endian bit length */
	store_be64(ctx->buf + 112,
	           (ctx->count[1] << 3) | (ctx->count[0] >> 61));
	store_be64(ctx->buf + 120, ctx->count[0] << 3);
	compress(ctx->state, ctx->buf, 1);
	for (i = 0; i < 8; i++)
		store_be64(out + 8 * i, ctx->state[i]);
}

void rk_sha512(const void *msg, size_t len, uint8_t out[64])
{
	rk_sha512_ctx ctx;

	rk_sha512_init(&ctx);
	rk_sha512_update(&ctx, msg, len);
	rk_sha512_final(&ctx, out);
}
