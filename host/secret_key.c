/*
 * secret_key.c - a secret key file, checked against the id it claims
 * (secret_key.h).  libsodium derives the public key: the kernel's own
 * crypto verifies and never signs, so it cannot.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "hostio.h"
#include "secret_key.h"

int host_read_secret(const char *path, uint8_t seed[32], uint8_t pk[32],
                     char *err, size_t errlen)
{
	uint8_t id[HOSTIO_KEY_ID_LEN], sk[64], h[64];
	bool named = false;
	if (hostio_read_key(path, HOSTIO_KEY_SECRET, seed, id, &named, err,
	                    errlen))
		return -1;
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(sk, sizeof(sk));
	crypto_hash_sha512(h, pk, 32);
	if (named && memcmp(h, id, sizeof(id)) != 0) {
		char held[17], want[17];
		hostio_hex(id, sizeof(id), held);
		hostio_hex(h, sizeof(id), want);
		snprintf(err, errlen,
		         "key id: the first line held %s, expected %s (the id "
		         "of this secret key's public key)",
		         held, want);
		sodium_memzero(seed, 32);
		return -1;
	}
	return 0;
}
