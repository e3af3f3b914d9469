/*
 * verify_sodium.c - the loader's signature check backed by libsodium:
 * the host tools' always, the simulator's with -Dcrypto=libsodium (the
 * default).
 */
#include <sodium.h>

#include <rumpk/crypto.h>

bool rk_sig_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                   const uint8_t pk[32])
{
	static int ready;
	if (!ready)
		ready = sodium_init() >= 0 ? 1 : -1;
	if (ready < 0)
		return false;
	return crypto_sign_verify_detached(sig, msg, len, pk) == 0;
}

const char *rk_sig_backend(void)
{
	return "libsodium " SODIUM_VERSION_STRING;
}
