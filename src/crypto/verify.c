/*
 * verify.c - the loader's signature check backed by the built-in
 * verifier: always on native kernels, -Dcrypto=builtin on the simulator.
 */
#include <rumpk/crypto.h>

bool rk_sig_verify(const uint8_t sig[64], const uint8_t *msg, size_t len,
                   const uint8_t pk[32])
{
	return rk_ed25519_verify(sig, msg, len, pk);
}

const char *rk_sig_backend(void)
{
	return "built-in Ed25519";
}
