/*
 * sc25519.h - scalars modulo L = 2^252 + 27742317777372353535851937790883648493
 * (internal to src/crypto/).  Everything here is variable time: it is only
 * used by signature verification, whose inputs are public.
 */
#ifndef RK_SC25519_H
#define RK_SC25519_H

#include <stdint.h>

/* 1 when the 32-byte little-endian s is < L, else 0 */
int rk_sc25519_is_canonical(const uint8_t s[32]);

/* out = in mod L, in a 64-byte little-endian integer */
void rk_sc25519_reduce(uint8_t out[32], const uint8_t in[64]);

/*
 * Width-w non-adjacent form of s (s < 2^253, 2 <= w <= 8): naf[i] is zero or
 * odd with |naf[i]| < 2^(w-1), any w consecutive entries hold at most one
 * non-zero, and s = sum naf[i] 2^i.
 */
void rk_sc25519_wnaf(int8_t naf[256], const uint8_t s[32], unsigned w);

#endif
