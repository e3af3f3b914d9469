/*
 * trust.c - which keys the kernel trusts to sign payloads, and the
 * keyring documents that change it (docs/keyring.md).
 *
 * The root keys are the keyring the boot starts from: the compiled-in
 * keys, or exactly the keys the boot chose (rumpk-sim --trust).  They sign
 * payloads and keyring documents.  A keyring document signed by enough
 * roots (-Dkeyring_threshold) adds payload keys, each for one name or for
 * any, and revokes key ids; it is kept in the kernel's state (on the
 * store when there is one), so it holds after a reboot, and only a
 * document with a higher version replaces it.  A revoked key signs
 * nothing any more, a root included, and stays revoked.
 */
#include <rumpk/crypto.h>
#include <rumpk/keyring.h>
#include <rumpk/klib.h>

#include "core.h"

#define MAX_TRUSTED (RK_MAX_KEYS + RK_KEYRING_MAX_KEYS)

static uint8_t roots[RK_MAX_KEYS][32];
static size_t nroots;
static uint8_t keys[MAX_TRUSTED][32];
static char names[MAX_TRUSTED][RK_NPL_NAME_SIZE];

static bool revoked(const struct rk_state *st, const uint8_t pk[32])
{
	uint8_t id[RK_NPL_KEY_ID_SIZE];
	rk_npl_key_id(pk, id);
	for (uint32_t i = 0; i < st->nrevoked; i++)
		if (rk_memcmp(id, st->revoked[i], sizeof(id)) == 0)
			return true;
	return false;
}

/* The payload keys from the roots and the state's keyring, less every
 * revoked one, into pol. */
static void rebuild(struct rk_npl_policy *pol)
{
	const struct rk_state *st = rk_state_now();
	size_t n = 0;
	for (size_t i = 0; i < nroots; i++) {
		if (revoked(st, roots[i]))
			continue;
		rk_memcpy(keys[n], roots[i], 32);
		rk_memset(names[n], 0, RK_NPL_NAME_SIZE);
		n++;
	}
	for (uint32_t i = 0; i < st->nkeys && n < MAX_TRUSTED; i++) {
		if (revoked(st, st->keys[i]))
			continue;
		rk_memcpy(keys[n], st->keys[i], 32);
		rk_memcpy(names[n], st->key_names[i], RK_NPL_NAME_SIZE);
		n++;
	}
	pol->keys = (const uint8_t(*)[32])keys;
	pol->key_names = (const char(*)[RK_NPL_NAME_SIZE])names;
	pol->nkeys = n;
}

static void say_keyring(const struct rk_state *st, const char *how)
{
	rk_printf("[KEYRING] %s version %llu: %u payload key(s), %u revoked "
	          "id(s); %zu root(s), %u needed to sign a keyring "
	          "(-Dkeyring_threshold)\n",
	          how, (unsigned long long)st->keyring_version, st->nkeys,
	          st->nrevoked, nroots, RK_KEYRING_THRESHOLD);
}

void rk_trust_init(const uint8_t (*base)[32], size_t nbase,
                   struct rk_npl_policy *pol)
{
	nroots = RK_MIN(nbase, (size_t)RK_MAX_KEYS);
	rk_memcpy(roots, base, nroots * 32);
	const struct rk_state *st = rk_state_now();
	if (st->keyring_version || st->nrevoked)
		say_keyring(st, "stored");
	for (size_t i = 0; i < nroots; i++)
		if (revoked(st, roots[i]))
			rk_printf(
			    "[KEYRING] root key #%zu is revoked: it signs "
			    "nothing\n",
			    i);
	rebuild(pol);
}

int rk_trust_apply(const void *image, size_t len, const char *name,
                   struct rk_npl_policy *pol)
{
	static uint8_t copy[RK_KEYRING_MAX_LEN];
	static struct rk_keyring_doc doc;
	static struct rk_state next;
	struct rk_npl_diag diag;
	const struct rk_state *st = rk_state_now();

	/* Read once, into memory only the kernel writes. */
	if (len > sizeof(copy)) {
		rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': length: held "
		          "%zu bytes, expected at most %zu\n",
		          name, len, sizeof(copy));
		return -1;
	}
	rk_memcpy(copy, image, len);
	if (rk_keyring_parse(copy, len, (const uint8_t(*)[32])roots, nroots,
	                     RK_KEYRING_THRESHOLD,
	                     (const uint8_t(*)[RK_NPL_KEY_ID_SIZE])st->revoked,
	                     st->nrevoked, &doc, &diag) != 0) {
		rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': %s\n", name,
		          diag.msg);
		return -1;
	}
	if (doc.version <= st->keyring_version) {
		rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': version: held "
		          "%llu, expected more than %llu (the keyring the "
		          "kernel holds)\n",
		          name, (unsigned long long)doc.version,
		          (unsigned long long)st->keyring_version);
		return -1;
	}
	/* The new keyring, and every id ever revoked. */
	next = *st;
	next.keyring_version = doc.version;
	next.nkeys = doc.nkeys;
	rk_memset(next.keys, 0, sizeof(next.keys));
	rk_memset(next.key_names, 0, sizeof(next.key_names));
	for (unsigned i = 0; i < doc.nkeys; i++) {
		rk_memcpy(next.keys[i], doc.keys[i], 32);
		rk_memcpy(next.key_names[i], doc.names[i], RK_NPL_NAME_SIZE);
	}
	for (unsigned i = 0; i < doc.nrevoked; i++) {
		bool have = false;
		for (uint32_t j = 0; j < next.nrevoked && !have; j++)
			have = rk_memcmp(next.revoked[j], doc.revoked[i],
			                 RK_NPL_KEY_ID_SIZE) == 0;
		if (have)
			continue;
		if (next.nrevoked == RK_KEYRING_MAX_REVOKED) {
			rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': more "
			          "than %u key ids revoked in all\n",
			          name, RK_KEYRING_MAX_REVOKED);
			return -1;
		}
		rk_memcpy(next.revoked[next.nrevoked++], doc.revoked[i],
		          RK_NPL_KEY_ID_SIZE);
	}
	char what[64];
	rk_snprintf(what, sizeof(what), "keyring version %llu",
	            (unsigned long long)doc.version);
	if (rk_state_commit(&next, what) != 0) {
		rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': it could not "
		          "be stored\n",
		          name);
		return -1;
	}
	say_keyring(rk_state_now(), "accepted");
	rebuild(pol);
	return 0;
}
