/*
 * npl_keyring.c - keyring documents in the npl tool (docs/keyring.md):
 * `npl keyring` builds and signs one with several root keys; `npl verify`
 * and `npl inspect` read one through the kernel's own parser
 * (src/keyring.c), so the tool and the kernel agree on what it says.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/keyring.h>
#include <rumpk/npl.h>
#include <rumpk/status.h>

#include "hostio.h"
#include "json.h"
#include "npl_cli.h"
#include "secret_key.h"

/* "KEY.pub" or "KEY.pub:NAME": the key, and the name (zero-padded, or
 * all zeros for any name).  0, or 2 with the reason on stderr. */
static int read_add(const char *arg, uint8_t pk[32],
                    char name[RK_NPL_NAME_SIZE])
{
	char path[4096], err[200];
	const char *colon = strrchr(arg, ':');
	size_t plen = colon ? (size_t)(colon - arg) : strlen(arg);
	memset(name, 0, RK_NPL_NAME_SIZE);
	if (plen >= sizeof(path))
		return fail_usage("--add '%s': path too long", arg);
	memcpy(path, arg, plen);
	path[plen] = 0;
	if (colon) {
		size_t n = strlen(colon + 1);
		if (n >= RK_NPL_NAME_SIZE)
			return fail_usage("--add '%s': the name has more than "
			                  "23 characters",
			                  arg);
		memcpy(name, colon + 1, n);
		if (!rk_npl_name_ok(name, RK_NPL_NAME_SIZE))
			return fail_usage("--add '%s': the name breaks the "
			                  "payload name rule (1 to 23 of A-Z "
			                  "a-z 0-9 . _ -, a letter or digit "
			                  "first)",
			                  arg);
	}
	if (hostio_read_key(path, HOSTIO_KEY_PUBLIC, pk, NULL, NULL, err,
	                    sizeof(err))) {
		fprintf(stderr, "%s: --add %s: %s\n", npl_prog, path, err);
		return RK_EXIT_USAGE;
	}
	return 0;
}

/* "KEY.pub" or 16 hex digits: the key id to revoke. */
static int read_revoke(const char *arg, uint8_t id[RK_NPL_KEY_ID_SIZE])
{
	char err[200];
	uint8_t pk[32];
	if (strlen(arg) == 16 &&
	    hostio_unhex(arg, 16, id, RK_NPL_KEY_ID_SIZE) == 8)
		return 0;
	if (hostio_read_key(arg, HOSTIO_KEY_PUBLIC, pk, NULL, NULL, err,
	                    sizeof(err))) {
		fprintf(stderr,
		        "%s: --revoke %s: %s (expected a .pub file or a key "
		        "id of 16 hex digits)\n",
		        npl_prog, arg, err);
		return RK_EXIT_USAGE;
	}
	rk_npl_key_id(pk, id);
	return 0;
}

int cmd_keyring(struct args *a)
{
	uint64_t version = 0;
	static uint8_t doc[RK_KEYRING_MAX_LEN];

	if (!a->nroots || !a->version || !a->out || a->npos || a->key ||
	    a->npubs)
		return fail_usage("keyring needs --root ROOT.key [--root ...] "
		                  "--version N [--add KEY.pub[:NAME]]... "
		                  "[--revoke KEY.pub|KEYID]... -o OUT.nkr%s",
		                  "");
	if (!parse_num(a->version, UINT64_MAX, &version) || version == 0)
		return fail_usage("--version '%s': expected a keyring version "
		                  "from 1 to 18446744073709551615",
		                  a->version);
	memset(doc, 0, sizeof(doc));
	memcpy(doc, rk_keyring_magic, 4);
	doc[4] = RK_KEYRING_FORMAT;
	rk_put_le64(doc + 8, version);
	doc[16] = (uint8_t)a->nadds;
	doc[17] = (uint8_t)a->nrevokes;
	doc[18] = (uint8_t)a->nroots;
	uint8_t *p = doc + RK_KEYRING_HEADER;
	for (size_t i = 0; i < a->nadds; i++, p += RK_KEYRING_KEY_LEN) {
		int rc = read_add(a->adds[i], p, (char *)p + 32);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < a->nrevokes; i++, p += RK_NPL_KEY_ID_SIZE) {
		int rc = read_revoke(a->revokes[i], p);
		if (rc)
			return rc;
	}
	size_t body = (size_t)(p - doc);
	for (size_t i = 0; i < a->nroots; i++, p += RK_KEYRING_SIG_LEN) {
		char err[200];
		uint8_t seed[32], pk[32], sk[64];
		if (host_read_secret(a->roots[i], seed, pk, err, sizeof(err))) {
			fprintf(stderr, "%s: --root %s: %s\n", npl_prog,
			        a->roots[i], err);
			return RK_EXIT_USAGE;
		}
		crypto_sign_seed_keypair(pk, sk, seed);
		rk_npl_key_id(pk, p);
		crypto_sign_detached(p + RK_NPL_KEY_ID_SIZE, NULL, doc, body,
		                     sk);
		sodium_memzero(sk, sizeof(sk));
		sodium_memzero(seed, sizeof(seed));
	}
	size_t len = (size_t)(p - doc);
	/* What the kernel will check, checked here first: no duplicate key,
	 * a key it revokes itself, the same root twice. */
	struct rk_keyring_doc parsed;
	struct rk_npl_diag diag;
	if (rk_keyring_parse(doc, len, NULL, 0, 0, NULL, 0, &parsed, &diag) !=
	        0 &&
	    strncmp(diag.msg, "signature 0:", 12) != 0) {
		fprintf(stderr, "%s: keyring: %s\n", npl_prog, diag.msg);
		return RK_EXIT_USAGE;
	}
	char err[200];
	if (hostio_write_file(a->out, doc, len, 0644, false, err,
	                      sizeof(err))) {
		fprintf(stderr, "%s: -o %s: %s\n", npl_prog, a->out, err);
		return RK_EXIT_USAGE;
	}
	printf("wrote %s: keyring version %llu, %zu payload key(s), %zu "
	       "revoked id(s), signed by %zu root(s)\n",
	       a->out, (unsigned long long)version, a->nadds, a->nrevokes,
	       a->nroots);
	return RK_EXIT_OK;
}

int keyring_verify(struct args *a, const uint8_t *doc, size_t len)
{
	char err[200];
	uint8_t roots[MAX_PUB][32];
	uint64_t k = 1;

	if (a->threshold &&
	    (!parse_num(a->threshold, RK_KEYRING_MAX_SIGS, &k) || k == 0))
		return fail_usage("--threshold '%s': expected 1 to 8",
		                  a->threshold);
	for (size_t i = 0; i < a->npubs; i++) {
		if (hostio_read_key(a->pubs[i], HOSTIO_KEY_PUBLIC, roots[i],
		                    NULL, NULL, err, sizeof(err))) {
			fprintf(stderr, "%s: --pub %s: %s\n", npl_prog,
			        a->pubs[i], err);
			return RK_EXIT_USAGE;
		}
	}
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	if (rk_keyring_parse(doc, len, (const uint8_t(*)[32])roots, a->npubs,
	                     (unsigned)k, NULL, 0, &d, &diag) != 0) {
		printf("%s: REJECTED: keyring: %s\n", a->pos[0], diag.msg);
		return RK_EXIT_REFUSED;
	}
	printf("%s: OK: keyring version %llu, %u payload key(s), %u revoked "
	       "id(s), signed by %u of the %zu root(s) given\n",
	       a->pos[0], (unsigned long long)d.version, d.nkeys, d.nrevoked,
	       d.nsigs, a->npubs);
	return RK_EXIT_OK;
}

int keyring_inspect(struct args *a, const uint8_t *doc, size_t len)
{
	/* The fields as the parser reads them, signatures not checked (no
	 * roots given): "signature 0: ... root" is the first thing it
	 * cannot check without them. */
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	int rc = rk_keyring_parse(doc, len, NULL, 0, 0, NULL, 0, &d, &diag);
	bool well = rc == 0 || strncmp(diag.msg, "signature 0:", 12) == 0;
	if (a->json) {
		printf("{\"file\":");
		host_json_string(stdout, a->pos[0]);
		printf(",\"kind\":\"keyring\",\"length\":%zu,\"version\":%llu,"
		       "\"keys\":[",
		       len, (unsigned long long)d.version);
		for (unsigned i = 0; well && i < d.nkeys; i++) {
			uint8_t id[RK_NPL_KEY_ID_SIZE];
			char hex[17];
			rk_npl_key_id(d.keys[i], id);
			hostio_hex(id, sizeof(id), hex);
			printf("%s{\"key_id\":\"%s\",\"name\":", i ? "," : "",
			       hex);
			host_json_string(stdout, d.names[i]);
			printf("}");
		}
		printf("],\"revoked\":[");
		for (unsigned i = 0; well && i < d.nrevoked; i++) {
			char hex[17];
			hostio_hex(d.revoked[i], RK_NPL_KEY_ID_SIZE, hex);
			printf("%s\"%s\"", i ? "," : "", hex);
		}
		printf("],\"signatures\":%u,\"well_formed\":%s}\n", d.nsigs,
		       well ? "true" : "false");
		return well ? RK_EXIT_OK : RK_EXIT_REFUSED;
	}
	printf("file        %s (%zu bytes)\n", a->pos[0], len);
	printf("kind        keyring document, format %u\n", doc[4]);
	if (!well) {
		printf("NOT well-formed: %s\n", diag.msg);
		return RK_EXIT_REFUSED;
	}
	printf("version     %llu\n", (unsigned long long)d.version);
	for (unsigned i = 0; i < d.nkeys; i++) {
		uint8_t id[RK_NPL_KEY_ID_SIZE];
		rk_npl_key_id(d.keys[i], id);
		printf("key %-7u ", i);
		print_key_id(stdout, id);
		printf(" may sign %s%s%s\n", d.names[i][0] ? "'" : "",
		       d.names[i][0] ? d.names[i] : "any name",
		       d.names[i][0] ? "'" : "");
	}
	for (unsigned i = 0; i < d.nrevoked; i++) {
		printf("revoked     ");
		print_key_id(stdout, d.revoked[i]);
		printf("\n");
	}
	const uint8_t *s = doc + rk_keyring_signed_len(doc, len);
	for (unsigned i = 0; i < d.nsigs; i++, s += RK_KEYRING_SIG_LEN) {
		printf("signed by   root ");
		print_key_id(stdout, s);
		printf("\n");
	}
	printf("well-formed (signatures not checked: use 'npl verify --pub "
	       "ROOT.pub')\n");
	return RK_EXIT_OK;
}
