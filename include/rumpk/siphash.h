/*
 * siphash.h - SipHash-2-4 (Aumasson and Bernstein), 64-bit output.
 * Used for fiber and payload IDs under a per-boot key, so IDs are not
 * predictable from one boot to the next.
 */
#ifndef RUMPK_SIPHASH_H
#define RUMPK_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t rk_siphash24(const uint8_t key[16], const void *data, size_t len);

/* ID kinds hashed together with a counter. */
enum rk_id_kind { RK_ID_FIBER = 1, RK_ID_PAYLOAD = 2, RK_ID_RING = 3 };

/* Install the per-boot key (rk_kmain does, from hal_boot_entropy). */
void rk_id_init(const uint8_t key[16]);
/* SipHash-2-4 of (kind, counter) as 16 little-endian bytes. */
uint64_t rk_id_make(enum rk_id_kind kind, uint64_t counter);

#endif
