/* test_keyring.c - the keyring document parser (src/keyring.c,
 * docs/keyring.md): a good document, every rule broken in an otherwise
 * correctly signed one, k-of-n signatures, revoked roots and keys, and the
 * messages that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <rumpk/keyring.h>
#include <rumpk/npl.h>

static uint8_t rpk[3][32], rsk[3][64]; /* roots */
static uint8_t ppk[2][32], psk[2][64]; /* payload keys */
static uint8_t doc[RK_KEYRING_MAX_LEN];

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		crypto_sign_keypair(rpk[i], rsk[i]);
	for (int i = 0; i < 2; i++)
		crypto_sign_keypair(ppk[i], psk[i]);
	return 0;
}

/* version 3, key 0 for "hello", key 1 for any name, one revoked id
 * (0x11 x 8), signed by the roots in signers[0..nsig); mutate() may
 * break the unsigned part first. */
static size_t make(const int *signers, int nsig, void (*mutate)(uint8_t *))
{
	memset(doc, 0, sizeof(doc));
	memcpy(doc, rk_keyring_magic, 4);
	doc[4] = 1;
	rk_put_le64(doc + 8, 3);
	doc[16] = 2;
	doc[17] = 1;
	doc[18] = (uint8_t)nsig;
	uint8_t *p = doc + 24;
	memcpy(p, ppk[0], 32);
	memcpy(p + 32, "hello", 5);
	memcpy(p + 56, ppk[1], 32);
	memset(p + 112, 0x11, 8);
	size_t body = 24 + 2 * 56 + 8;
	if (mutate)
		mutate(doc);
	p = doc + body;
	for (int s = 0; s < nsig; s++, p += 72) {
		rk_npl_key_id(rpk[signers[s]], p);
		crypto_sign_detached(p + 8, NULL, doc, body, rsk[signers[s]]);
	}
	return body + (size_t)nsig * 72;
}

static int parse(size_t len, unsigned threshold, struct rk_keyring_doc *d,
                 struct rk_npl_diag *diag)
{
	return rk_keyring_parse(doc, len, (const uint8_t(*)[32])rpk, 3,
	                        threshold, NULL, 0, d, diag);
}

static void has(const struct rk_npl_diag *d, const char *s)
{
	if (!strstr(d->msg, s))
		fail_msg("message '%s' lacks '%s'", d->msg, s);
}

static void test_good(void **state)
{
	(void)state;
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	int two[] = {2, 0};
	size_t len = make(two, 2, NULL);
	assert_true(rk_keyring_is_doc(doc, len));
	assert_int_equal(parse(len, 2, &d, &diag), 0);
	assert_int_equal(d.version, 3);
	assert_int_equal(d.nkeys, 2);
	assert_memory_equal(d.keys[0], ppk[0], 32);
	assert_string_equal(d.names[0], "hello");
	assert_string_equal(d.names[1], "");
	assert_int_equal(d.nrevoked, 1);
	assert_int_equal(d.signers[0], 2);
	assert_int_equal(d.signers[1], 0);
	assert_int_equal(rk_keyring_signed_len(doc, len), 24 + 112 + 8);
}

static void test_threshold_and_roots(void **state)
{
	(void)state;
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	int one[] = {1}, same[] = {1, 1};
	size_t len = make(one, 1, NULL);
	assert_int_equal(parse(len, 2, &d, &diag), -1);
	has(&diag, "nsigs: held 1 valid root signature(s), expected at least "
	           "2 (the kernel's threshold");
	assert_int_equal(parse(len, 1, &d, &diag), 0);
	/* The same root twice does not make two. */
	len = make(same, 2, NULL);
	assert_int_equal(parse(len, 2, &d, &diag), -1);
	has(&diag, "signature 1: root");
	has(&diag, "expected distinct roots");
	/* Signed by a key that is no root. */
	len = make(one, 1, NULL);
	rk_npl_key_id(ppk[0], doc + len - 72);
	crypto_sign_detached(doc + len - 64, NULL, doc, len - 72, psk[0]);
	assert_int_equal(parse(len, 1, &d, &diag), -1);
	has(&diag, "signature 0: key id ");
	has(&diag, "expected the id of one of the 3 root key(s)");
	/* A bad signature by a root. */
	len = make(one, 1, NULL);
	doc[len - 1] ^= 1;
	assert_int_equal(parse(len, 1, &d, &diag), -1);
	has(&diag, "signature 0: held ");
	has(&diag, "it does not verify");
	/* Any change to the signed part breaks every signature. */
	len = make(one, 1, NULL);
	doc[30] ^= 1;
	assert_int_equal(parse(len, 1, &d, &diag), -1);
	has(&diag, "does not verify");
	/* A revoked root (by the kernel's state) signs nothing. */
	uint8_t rid[1][RK_NPL_KEY_ID_SIZE];
	rk_npl_key_id(rpk[1], rid[0]);
	len = make(one, 1, NULL);
	assert_int_equal(rk_keyring_parse(doc, len, (const uint8_t(*)[32])rpk,
	                                  3, 1, (const uint8_t(*)[8])rid, 1, &d,
	                                  &diag),
	                 -1);
	has(&diag, "signature 0: root");
	has(&diag, "is revoked");
}

static void b_magic(uint8_t *d)
{
	d[3] = 'X';
}
static void b_format(uint8_t *d)
{
	d[4] = 2;
}
static void b_reserved(uint8_t *d)
{
	d[22] = 1;
}
static void b_version0(uint8_t *d)
{
	rk_put_le64(d + 8, 0);
}
static void b_nkeys(uint8_t *d)
{
	d[16] = 17;
}
static void b_nrevoked(uint8_t *d)
{
	d[17] = 65;
}
static void b_name(uint8_t *d)
{
	d[24 + 32 + 1] = ' ';
}
static void b_dup_key(uint8_t *d)
{
	memcpy(d + 24 + 56, ppk[0], 32);
}
static void b_self_revoked(uint8_t *d)
{
	rk_npl_key_id(ppk[1], d + 24 + 112);
}

static void test_each_rule(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		void (*mutate)(uint8_t *);
		const char *says;
	} rules[] = {
	    {"magic", b_magic, "magic: held 7f 4e 4b 58"},
	    {"format", b_format, "format: held 2, expected 1"},
	    {"reserved", b_reserved, "reserved: byte 22 held 0x01"},
	    {"version 0", b_version0, "version: held 0"},
	    {"nkeys", b_nkeys, "nkeys: held 17, expected at most 16"},
	    {"nrevoked", b_nrevoked, "nrevoked: held 65, expected at most 64"},
	    {"name", b_name, "key 0: name is not empty"},
	    {"duplicate key", b_dup_key, "key 1: the same key as key 0"},
	    {"self-revoked", b_self_revoked,
	     "key 1: id "}, /* "... is revoked" */
	};
	int one[] = {0};
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		size_t len = make(one, 1, rules[i].mutate);
		if (parse(len, 1, &d, &diag) != -1)
			fail_msg("%s: accepted", rules[i].name);
		if (!strstr(diag.msg, rules[i].says))
			fail_msg("%s: message '%s' lacks '%s'", rules[i].name,
			         diag.msg, rules[i].says);
	}
}

static void test_lengths(void **state)
{
	(void)state;
	int one[] = {0};
	struct rk_keyring_doc d;
	struct rk_npl_diag diag;
	size_t len = make(one, 1, NULL);
	/* Every truncation and one byte more are refused by length (or,
	 * under the header, said so); none reads past the end. */
	for (size_t n = 0; n < len; n++) {
		assert_int_equal(parse(n, 1, &d, &diag), -1);
		has(&diag, n < 4 ? "length" : "length: held");
	}
	assert_int_equal(parse(len + 1, 1, &d, &diag), -1);
	has(&diag, "expected 216 (24 + 2 keys x 56 + 1 revoked x 8 + 1 "
	           "signatures x 72)");
	doc[18] = 0;
	assert_int_equal(parse(len, 1, &d, &diag), -1);
	has(&diag, "nsigs: held 0, expected 1 to 8");
	doc[18] = 9;
	assert_int_equal(parse(len, 1, &d, &diag), -1);
	has(&diag, "nsigs: held 9");
	assert_int_equal(
	    rk_keyring_parse(NULL, 10, NULL, 0, 1, NULL, 0, &d, &diag), -1);
	assert_false(rk_keyring_is_doc(NULL, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good),
	    cmocka_unit_test(test_threshold_and_roots),
	    cmocka_unit_test(test_each_rule),
	    cmocka_unit_test(test_lengths),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
