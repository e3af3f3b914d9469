/*
 * crypto.h - SHA-512 and Ed25519 verification (verification only: the
 * kernel never signs).  The built-in code in src/crypto/ is freestanding;
 * rk_sig_verify() is the one call site the loader uses, backed either by
 * the built-in verifier or by libsodium on the simulator (-Dcrypto=).
 */
#ifndef RUMPK_CRYPTO_H
#define RUMPK_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rk_sha512_ctx {
	uint64_t state[8];
	uint64_t count[2]; /* message length in bytes, 128-bit */
	uint8_t buf[128];
} rk_sha512_ctx;

void rk_sha512_init(rk_sha512_ctx *ctx);
void rk_sha512_update(rk_sha512_ctx *ctx, const void *data, size_t len);
void rk_sha512_final(rk_sha512_ctx *ctx, uint8_t out[64]);
void rk_sha512(const void *msg, size_t len, uint8_t out[64]);

/* true when sig is a valid Ed25519 signature of msg under pk, with the
 * exact verdicts of libsodium 1.0.18's crypto_sign_verify_detached. */
bool rk_ed25519_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                       const uint8_t pk[32]);

/* The loader's signature check: the configured backend. */
bool rk_sig_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                   const uint8_t pk[32]);
/* "builtin" or "libsodium", printed at boot. */
const char *rk_sig_backend(void);

#endif
