/*
 * entropy.c - hal_boot_entropy for every native kernel: one mixer,
 * SipHash-2-4, over the port's raw samples (rk_arch_entropy_raw) and any
 * seed the boot loader handed over (rk_entropy_add).
 *
 * Best effort by design: the key only makes payload IDs unpredictable
 * across boots, nothing secret depends on it.  Each input is absorbed by
 * hashing it under the pool as the key, so no input can cancel another
 * and a zero-entropy source adds nothing but costs nothing.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/siphash.h>

#include "port.h"

/* The pool starts as a constant (the fractional bits of pi, hex): the
 * inputs give it its entropy. */
static uint8_t pool[16] = {0x24, 0x3f, 0x6a, 0x88, 0x85, 0xa3, 0x08, 0xd3,
                           0x13, 0x19, 0x8a, 0x2e, 0x03, 0x70, 0x73, 0x44};

void rk_entropy_add(const void *p, size_t len)
{
	uint64_t a = rk_siphash24(pool, p, len);
	uint64_t b = rk_siphash24(pool, &a, sizeof(a));
	for (unsigned i = 0; i < 8; i++) {
		pool[i] ^= (uint8_t)(a >> (8 * i));
		pool[8 + i] ^= (uint8_t)(b >> (8 * i));
	}
}

void hal_boot_entropy(uint8_t key[16])
{
	uint64_t raw[16];
	size_t n = rk_arch_entropy_raw(raw, RK_ARRAY_SIZE(raw));
	rk_entropy_add(raw, n * sizeof(raw[0]));
	/* The key is drawn, not the pool itself. */
	uint64_t k0 = rk_siphash24(pool, "rumpk-id-key-0", 14);
	uint64_t k1 = rk_siphash24(pool, "rumpk-id-key-1", 14);
	for (unsigned i = 0; i < 8; i++) {
		key[i] = (uint8_t)(k0 >> (8 * i));
		key[8 + i] = (uint8_t)(k1 >> (8 * i));
	}
}
