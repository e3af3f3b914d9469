/*
 * secret_key.h - reading a secret key file in the programs that sign
 * (npl, mkbad): hostio_read_key for the kind and the digits, then the
 * public key derived from the seed, which must have the id the file's
 * first line claims.
 */
#ifndef RUMPK_HOST_SECRET_KEY_H
#define RUMPK_HOST_SECRET_KEY_H

#include <stddef.h>
#include <stdint.h>

/* seed and its public key pk from path: 0, or -1 with the reason in
 * err (nothing of the seed left in seed then). */
int host_read_secret(const char *path, uint8_t seed[32], uint8_t pk[32],
                     char *err, size_t errlen);

#endif
