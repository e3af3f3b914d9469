/*
 * store.c - the kernel's state on the persistent store (docs/store.md):
 * two slots, each a whole state with a sequence number and a SHA-512 of
 * itself, written alternately, so that a write cut off at any instant
 * leaves the slot it was writing invalid and the other one, the state
 * before, intact.  At boot the valid slot with the higher sequence
 * number is the state; two blank slots are a fresh store; anything else
 * fails the check, and the kernel then runs no payload (fail closed).
 *
 * The device is the platform's (hal_store_*: a file on the simulator, a
 * virtio block device natively).  Everything read from it is checked
 * before it is believed: an attacker who can write the medium offline
 * can still put back an older state (no monotonic counter in hardware),
 * but cannot make the kernel read out of bounds or accept a malformed
 * one.
 */
#include <rumpk/crypto.h>
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/npl.h>

#include "core.h"

/* One slot: RK_STORE_SLOT_BYTES, little-endian (docs/store.md).
 *   0    magic "RKST"        4    format (u16) = 1   6    zero (u16)
 *   8    seq (u64, > 0)      16   ncounters (u32)    20   zero (u32)
 *   24   counters: RK_ROLLBACK_NAMES x {name[24], value (u64)}
 *   2080 keyring version (u64)   2088 nkeys (u16)   2090 nrevoked (u16)
 *   2092 zero (u32)
 *   2096 keys: RK_KEYRING_MAX_KEYS x {key[32], name[24] or zeros}
 *   2992 revoked: RK_KEYRING_MAX_REVOKED x key id[8]
 *   every unused byte zero up to DIGEST_OFF, then SHA-512 of bytes
 *   [0, DIGEST_OFF). */
#define SLOT_BLOCKS  (RK_STORE_SLOT_BYTES / HAL_STORE_BLOCK)
#define OFF_MAGIC    0u
#define OFF_FORMAT   4u
#define OFF_SEQ      8u
#define OFF_N        16u
#define OFF_COUNTERS 24u
#define COUNTER_LEN  (RK_NPL_NAME_SIZE + 8u)
#define END_COUNTERS (OFF_COUNTERS + RK_ROLLBACK_NAMES * COUNTER_LEN)
#define OFF_KR       2080u
#define OFF_KR_KEYS  2096u
#define KR_KEY_LEN   (32u + RK_NPL_NAME_SIZE)
#define OFF_KR_REV   (OFF_KR_KEYS + RK_KEYRING_MAX_KEYS * KR_KEY_LEN)
#define END_KR       (OFF_KR_REV + RK_KEYRING_MAX_REVOKED * RK_NPL_KEY_ID_SIZE)
#define DIGEST_OFF   (RK_STORE_SLOT_BYTES - 64u)
#define FORMAT       1u

_Static_assert(END_COUNTERS <= OFF_KR && OFF_KR_REV == 2992u &&
                   END_KR <= DIGEST_OFF,
               "the counters and the keyring fit a slot");
_Static_assert(RK_STORE_SLOT_BYTES % HAL_STORE_BLOCK == 0,
               "a slot is whole blocks");

static const uint8_t magic[4] = {'R', 'K', 'S', 'T'};
static uint8_t buf[RK_STORE_SLOT_BYTES]; /* one slot at a time */
static int current = -1; /* the slot holding the state, -1: none yet */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;
	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* What buf holds as slot i: a state (into *st), blank, or why not. */
enum slot_kind { SLOT_VALID, SLOT_BLANK, SLOT_BAD };

static enum slot_kind parse(struct rk_state *st, char *why, size_t cap)
{
	if (all_zero(buf, sizeof(buf)))
		return SLOT_BLANK;
	uint8_t d[64];
	rk_sha512(buf, DIGEST_OFF, d);
	if (rk_memcmp(d, buf + DIGEST_OFF, 64) != 0) {
		rk_snprintf(why, cap,
		            "digest mismatch (a torn or altered "
		            "write)");
		return SLOT_BAD;
	}
	/* Hashed by whoever wrote it; still checked field by field. */
	if (rk_memcmp(buf + OFF_MAGIC, magic, 4) != 0 ||
	    rk_le16(buf + OFF_FORMAT) != FORMAT || rk_le16(buf + 6) != 0) {
		rk_snprintf(why, cap,
		            "magic/format held %02x%02x%02x%02x/%u, expected "
		            "RKST/%u",
		            buf[0], buf[1], buf[2], buf[3],
		            rk_le16(buf + OFF_FORMAT), FORMAT);
		return SLOT_BAD;
	}
	uint64_t seq = rk_le64(buf + OFF_SEQ);
	uint32_t n = le32(buf + OFF_N);
	if (seq == 0 || n > RK_ROLLBACK_NAMES || le32(buf + 20) != 0) {
		rk_snprintf(why, cap,
		            "seq %llu, %u counters: expected seq > 0 and at "
		            "most %u counters",
		            (unsigned long long)seq, n, RK_ROLLBACK_NAMES);
		return SLOT_BAD;
	}
	rk_memset(st, 0, sizeof(*st));
	st->seq = seq;
	st->ncounters = n;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = buf + OFF_COUNTERS + i * COUNTER_LEN;
		rk_memcpy(st->counters[i].name, e, RK_NPL_NAME_SIZE);
		st->counters[i].value = rk_le64(e + RK_NPL_NAME_SIZE);
		if (!rk_npl_name_ok(st->counters[i].name, RK_NPL_NAME_SIZE)) {
			rk_snprintf(why, cap, "counter %u: not a payload name",
			            i);
			return SLOT_BAD;
		}
	}
	if (!all_zero(buf + OFF_COUNTERS + n * COUNTER_LEN,
	              OFF_KR - (OFF_COUNTERS + n * COUNTER_LEN))) {
		rk_snprintf(why, cap, "bytes after the %u counters not zero",
		            n);
		return SLOT_BAD;
	}
	st->keyring_version = rk_le64(buf + OFF_KR);
	st->nkeys = rk_le16(buf + OFF_KR + 8);
	st->nrevoked = rk_le16(buf + OFF_KR + 10);
	if (st->nkeys > RK_KEYRING_MAX_KEYS ||
	    st->nrevoked > RK_KEYRING_MAX_REVOKED || le32(buf + OFF_KR + 12) ||
	    (st->keyring_version == 0 && st->nkeys)) {
		rk_snprintf(why, cap,
		            "keyring version %llu with %u keys and %u revoked: "
		            "expected at most %u and %u",
		            (unsigned long long)st->keyring_version, st->nkeys,
		            st->nrevoked, RK_KEYRING_MAX_KEYS,
		            RK_KEYRING_MAX_REVOKED);
		return SLOT_BAD;
	}
	for (uint32_t i = 0; i < st->nkeys; i++) {
		const uint8_t *e = buf + OFF_KR_KEYS + i * KR_KEY_LEN;
		rk_memcpy(st->keys[i], e, 32);
		rk_memcpy(st->key_names[i], e + 32, RK_NPL_NAME_SIZE);
		if (!all_zero(e + 32, RK_NPL_NAME_SIZE) &&
		    !rk_npl_name_ok(st->key_names[i], RK_NPL_NAME_SIZE)) {
			rk_snprintf(why, cap,
			            "keyring key %u: not a payload "
			            "name",
			            i);
			return SLOT_BAD;
		}
	}
	for (uint32_t i = 0; i < st->nrevoked; i++)
		rk_memcpy(st->revoked[i],
		          buf + OFF_KR_REV + i * RK_NPL_KEY_ID_SIZE,
		          RK_NPL_KEY_ID_SIZE);
	size_t keys_end = OFF_KR_KEYS + st->nkeys * KR_KEY_LEN;
	size_t rev_end = OFF_KR_REV + st->nrevoked * RK_NPL_KEY_ID_SIZE;
	if (!all_zero(buf + keys_end, OFF_KR_REV - keys_end) ||
	    !all_zero(buf + rev_end, DIGEST_OFF - rev_end)) {
		rk_snprintf(why, cap, "bytes after the keyring not zero");
		return SLOT_BAD;
	}
	return SLOT_VALID;
}

bool rk_store_present(void)
{
	return hal_store_blocks() >= 2 * SLOT_BLOCKS;
}

int rk_store_load(struct rk_state *st, char *why, size_t cap)
{
	static struct rk_state s[2]; /* 4 KiB: not on a boot stack */
	enum slot_kind kind[2];
	static char bad[2][96];

	rk_memset(st, 0, sizeof(*st));
	current = -1;
	for (int i = 0; i < 2; i++) {
		bad[i][0] = '\0';
		if (hal_store_read((uint64_t)i * SLOT_BLOCKS, buf,
		                   SLOT_BLOCKS) != 0) {
			rk_snprintf(why, cap, "slot %d cannot be read", i);
			return -1;
		}
		kind[i] = parse(&s[i], bad[i], sizeof(bad[i]));
	}
	int best = -1;
	for (int i = 0; i < 2; i++)
		if (kind[i] == SLOT_VALID &&
		    (best < 0 || s[i].seq > s[best].seq))
			best = i;
	if (best >= 0) {
		*st = s[best];
		current = best;
		return 0;
	}
	/* No valid slot: a fresh store is blank; a first write cut off
	 * leaves one slot bad and the other blank (the state before it:
	 * nothing).  Two bad slots no power cut can make. */
	if (kind[0] != SLOT_BAD || kind[1] != SLOT_BAD)
		return 0;
	rk_snprintf(why, cap, "slot 0: %s; slot 1: %s", bad[0], bad[1]);
	return -1;
}

int rk_store_save(struct rk_state *st)
{
	/* The slot that does not hold the current state: if this write is
	 * cut off, the current one is still there. */
	int slot = current == 0 ? 1 : 0;
	uint64_t seq = st->seq + 1;

	rk_memset(buf, 0, sizeof(buf));
	rk_memcpy(buf + OFF_MAGIC, magic, 4);
	rk_put_le16(buf + OFF_FORMAT, FORMAT);
	rk_put_le64(buf + OFF_SEQ, seq);
	put_le32(buf + OFF_N, st->ncounters);
	for (uint32_t i = 0; i < st->ncounters; i++) {
		uint8_t *e = buf + OFF_COUNTERS + i * COUNTER_LEN;
		rk_memcpy(e, st->counters[i].name, RK_NPL_NAME_SIZE);
		rk_put_le64(e + RK_NPL_NAME_SIZE, st->counters[i].value);
	}
	rk_put_le64(buf + OFF_KR, st->keyring_version);
	rk_put_le16(buf + OFF_KR + 8, (uint16_t)st->nkeys);
	rk_put_le16(buf + OFF_KR + 10, (uint16_t)st->nrevoked);
	for (uint32_t i = 0; i < st->nkeys; i++) {
		uint8_t *e = buf + OFF_KR_KEYS + i * KR_KEY_LEN;
		rk_memcpy(e, st->keys[i], 32);
		rk_memcpy(e + 32, st->key_names[i], RK_NPL_NAME_SIZE);
	}
	for (uint32_t i = 0; i < st->nrevoked; i++)
		rk_memcpy(buf + OFF_KR_REV + i * RK_NPL_KEY_ID_SIZE,
		          st->revoked[i], RK_NPL_KEY_ID_SIZE);
	rk_sha512(buf, DIGEST_OFF, buf + DIGEST_OFF);
	if (hal_store_write((uint64_t)slot * SLOT_BLOCKS, buf, SLOT_BLOCKS) !=
	    0)
		return -1;
	st->seq = seq;
	current = slot;
	return 0;
}

int rk_store_slot(void)
{
	return current;
}
