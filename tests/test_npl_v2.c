/* test_npl_v2.c - the NPL v2 header (docs/npl-format.md): its fields as
 * the loader reports them, the name rule, the minimum ABI, the key the
 * key_id names, the security counter against the build's floor and the
 * per-name floor (src/rollback.c), v1 refused unless the policy accepts
 * it, and the order of these checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/npl.h>

#include "core.h" /* rk_rollback_* */

static uint8_t pk[32], sk[64], pk2[32], sk2[64], pk3[32], sk3[64];
static uint8_t keys[2][32];

#define BODY_LEN 40
#define IMG_LEN  (RK_NPL_HEADER_SIZE + BODY_LEN)

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	crypto_sign_keypair(pk3, sk3); /* trusted by no policy here */
	memcpy(keys[0], pk2, 32);
	memcpy(keys[1], pk, 32);
	return 0;
}

static struct rk_npl_policy policy(void)
{
	struct rk_npl_policy p = {.arch = RK_ARCH_SELF,
	                          .keys = (const uint8_t(*)[32])keys,
	                          .nkeys = 2};
	return p;
}

/* A correct v2 image ("hello" 1.2.3, counter 7, signed by pk and naming
 * it); mutate() may change any field before it is signed with k. */
static void make(uint8_t *img, void (*mutate)(uint8_t *), const uint8_t *k)
{
	memset(img, 0, IMG_LEN);
	memcpy(img, rk_npl_magic, 4);
	img[RK_NPL_OFF_VERSION] = RK_NPL_V2;
	img[RK_NPL_OFF_ARCH] = RK_ARCH_SELF;
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, BODY_LEN);
	rk_npl_key_id(pk, img + RK_NPL_OFF_KEY_ID);
	rk_put_le16(img + RK_NPL_OFF_VER, 1);
	rk_put_le16(img + RK_NPL_OFF_VER + 2, 2);
	rk_put_le16(img + RK_NPL_OFF_VER + 4, 3);
	rk_put_le16(img + RK_NPL_OFF_MIN_ABI, RK_API_VERSION);
	rk_put_le64(img + RK_NPL_OFF_COUNTER, 7);
	memcpy(img + RK_NPL_OFF_NAME, "hello", 5);
	for (int i = 0; i < BODY_LEN; i++)
		img[RK_NPL_HEADER_SIZE + i] = (uint8_t)(0x90 + i);
	if (mutate)
		mutate(img);
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, img, IMG_LEN, k ? k : sk);
	memcpy(img + RK_NPL_OFF_SIG, sig, 64);
}

static enum rk_npl_err load_with(const uint8_t *img,
                                 const struct rk_npl_policy *p,
                                 struct rk_npl_header *h, struct rk_npl_diag *d)
{
	struct rk_npl_image out;
	enum rk_npl_err e = rk_npl_load(img, IMG_LEN, p, &out, d);
	if (e == RK_NPL_OK) {
		assert_non_null(out.mem);
		if (h)
			*h = out.hdr;
		rk_npl_unload(&out);
	} else {
		assert_null(out.mem);
		assert_true(d->msg[0] != '\0'); /* always says why */
	}
	return e;
}

static enum rk_npl_err load(const uint8_t *img, struct rk_npl_diag *d)
{
	struct rk_npl_policy p = policy();
	return load_with(img, &p, NULL, d);
}

static void has(const struct rk_npl_diag *d, const char *s)
{
	if (!strstr(d->msg, s))
		fail_msg("message '%s' lacks '%s'", d->msg, s);
}

static void test_fields_reported(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN], id[RK_NPL_KEY_ID_SIZE];
	struct rk_npl_policy p = policy();
	struct rk_npl_header h;
	struct rk_npl_diag d;
	struct rk_npl_image out;
	make(img, NULL, NULL);
	assert_int_equal(rk_npl_load(img, IMG_LEN, &p, &out, &d), RK_NPL_OK);
	h = out.hdr;
	assert_int_equal(out.key_index, 1); /* pk, the key it names */
	rk_npl_unload(&out);
	assert_int_equal(h.version, 2);
	assert_string_equal(h.name, "hello");
	assert_int_equal(h.ver_major, 1);
	assert_int_equal(h.ver_minor, 2);
	assert_int_equal(h.ver_patch, 3);
	assert_int_equal(h.min_abi, RK_API_VERSION);
	assert_int_equal(h.counter, 7);
	rk_npl_key_id(pk, id);
	assert_memory_equal(h.key_id, id, sizeof(id));
	/* The key id is SHA-512 of the key, first 8 bytes. */
	uint8_t full[64];
	crypto_hash_sha512(full, pk, 32);
	assert_memory_equal(id, full, sizeof(id));
}

static void test_v1_needs_the_policy(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	make(img, NULL, NULL);
	/* The same image as v1: its v2 fields are v1's reserved bytes. */
	img[RK_NPL_OFF_VERSION] = RK_NPL_VERSION;
	memset(img + RK_NPL_OFF_RESERVED, 0, RK_NPL_RESERVED_SIZE);
	uint8_t sig[64];
	memset(img + RK_NPL_OFF_SIG, 0, 64);
	crypto_sign_detached(sig, NULL, img, IMG_LEN, sk);
	memcpy(img + RK_NPL_OFF_SIG, sig, 64);
	assert_int_equal(load(img, &d), RK_NPL_ERR_VERSION);
	has(&d, "version: held 1, expected 2");
	has(&d, "rollback");
	struct rk_npl_policy p = policy();
	p.accept_v1 = true;
	struct rk_npl_header h;
	assert_int_equal(load_with(img, &p, &h, &d), RK_NPL_OK);
	assert_int_equal(h.counter, 0);
	assert_string_equal(h.name, "");
	/* An unknown version names both accepted ones, or only 2. */
	img[RK_NPL_OFF_VERSION] = 9;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_ERR_VERSION);
	has(&d, "held 9, expected 1 or 2");
	assert_int_equal(load(img, &d), RK_NPL_ERR_VERSION);
	has(&d, "held 9, expected 2");
}

static void set_name(uint8_t *i, const char *s, size_t n)
{
	memset(i + RK_NPL_OFF_NAME, 0, RK_NPL_NAME_SIZE);
	memcpy(i + RK_NPL_OFF_NAME, s, n);
}
static void n_empty(uint8_t *i)
{
	set_name(i, "", 0);
}
static void n_dot_first(uint8_t *i)
{
	set_name(i, ".hello", 6);
}
static void n_newline(uint8_t *i)
{
	set_name(i, "he\nllo", 6);
}
static void n_space(uint8_t *i)
{
	set_name(i, "my app", 6);
}
static void n_high(uint8_t *i)
{
	set_name(i, "caf\xc3\xa9", 5);
}
static void n_24(uint8_t *i)
{
	set_name(i, "abcdefghijklmnopqrstuvwx", 24);
}
static void n_trailing(uint8_t *i)
{
	set_name(i, "hello", 5);
	i[RK_NPL_OFF_NAME + 10] = 'x';
}
static void n_23(uint8_t *i)
{
	set_name(i, "Abcdefghijklmnopqrst._-", 23);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		void (*mutate)(uint8_t *);
		const char *says[2];
	} bad[] = {
	    {n_empty, {"name: held nothing", "1 to 23"}},
	    {n_dot_first,
	     {"byte 0 (offset 104) held 0x2e", "letter or a digit"}},
	    {n_newline, {"byte 2 (offset 106) held 0x0a", "'.', '_' or '-'"}},
	    {n_space, {"byte 2 (offset 106) held 0x20", NULL}},
	    {n_high, {"byte 3 (offset 107) held 0xc3", NULL}},
	    {n_24, {"byte 23 (offset 127) held 0x78", "at most 23"}},
	    {n_trailing, {"byte 10 (offset 114) held 0x78", "only zeros"}},
	};
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make(img, bad[i].mutate, NULL);
		assert_int_equal(load(img, &d), RK_NPL_ERR_NAME);
		for (int k = 0; k < 2 && bad[i].says[k]; k++)
			has(&d, bad[i].says[k]);
	}
	struct rk_npl_header h;
	struct rk_npl_policy p = policy();
	make(img, n_23, NULL);
	assert_int_equal(load_with(img, &p, &h, &d), RK_NPL_OK);
	assert_string_equal(h.name, "Abcdefghijklmnopqrst._-");
	assert_true(rk_npl_name_ok("a", 2));
	assert_false(rk_npl_name_ok("a", 1)); /* no room for the zero */
}

static void abi_next(uint8_t *i)
{
	rk_put_le16(i + RK_NPL_OFF_MIN_ABI, RK_API_VERSION + 1);
}
static void abi_zero(uint8_t *i)
{
	rk_put_le16(i + RK_NPL_OFF_MIN_ABI, 0);
}

static void test_min_abi(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	char want[64];
	make(img, abi_next, NULL);
	assert_int_equal(load(img, &d), RK_NPL_ERR_ABI);
	snprintf(want, sizeof(want), "min_abi: held %u, expected at most %u",
	         RK_API_VERSION + 1, RK_API_VERSION);
	has(&d, want);
	make(img, abi_zero, NULL);
	assert_int_equal(load(img, &d), RK_NPL_OK);
}

static void key_id_pk3(uint8_t *i)
{
	rk_npl_key_id(pk3, i + RK_NPL_OFF_KEY_ID);
}
static void key_id_pk2(uint8_t *i)
{
	rk_npl_key_id(pk2, i + RK_NPL_OFF_KEY_ID);
}

static void test_key_id(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	/* Signed by an untrusted key that it names: refused by the id,
	 * before any signature is checked. */
	make(img, key_id_pk3, sk3);
	assert_int_equal(load(img, &d), RK_NPL_ERR_KEY_ID);
	has(&d, "key_id: held ");
	has(&d, "one of the 2 trusted key(s)");
	/* Naming pk2 (trusted) but signed by pk (trusted too): only the
	 * named key is tried, so the signature fails. */
	make(img, key_id_pk2, sk);
	assert_int_equal(load(img, &d), RK_NPL_ERR_SIGNATURE);
	has(&d, "the trusted key its key_id names");
	/* Naming pk2 and signed by it. */
	make(img, key_id_pk2, sk2);
	struct rk_npl_policy p = policy();
	struct rk_npl_image out;
	assert_int_equal(rk_npl_load(img, IMG_LEN, &p, &out, &d), RK_NPL_OK);
	assert_int_equal(out.key_index, 0);
	rk_npl_unload(&out);
	/* An empty keyring says so first. */
	p.nkeys = 0;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_ERR_NO_KEYS);
}

static uint64_t floor_of_hello(const char *name, void *ctx)
{
	return strcmp(name, "hello") == 0 ? *(const uint64_t *)ctx : 0;
}

static void test_counter(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	struct rk_npl_policy p = policy();
	make(img, NULL, NULL); /* counter 7 */
	p.min_counter = 7;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_OK);
	p.min_counter = 8;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_ERR_ROLLBACK);
	has(&d, "security_counter: held 7, expected at least 8");
	has(&d, "-Dmin_security_counter");
	/* The per-name floor, when higher than the build's. */
	uint64_t stored = 9;
	p.min_counter = 2;
	p.counter_floor = floor_of_hello;
	p.counter_ctx = &stored;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_ERR_ROLLBACK);
	has(&d, "held 7, expected at least 9 (the highest accepted for "
	        "'hello')");
	stored = 7;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_OK);
	/* A counter is believed only when signed: a bad signature is
	 * reported as such, whatever its counter. */
	stored = 100;
	img[RK_NPL_OFF_SIG] ^= 1;
	assert_int_equal(load_with(img, &p, NULL, &d), RK_NPL_ERR_SIGNATURE);
}

static void test_order(void **state)
{
	(void)state;
	uint8_t img[IMG_LEN];
	struct rk_npl_diag d;
	/* name before body_size, body_size before min_abi, min_abi before
	 * the key, the key before the signature. */
	make(img, key_id_pk3, sk3);
	abi_next(img);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, 0);
	n_space(img);
	assert_int_equal(load(img, &d), RK_NPL_ERR_NAME);
	n_23(img);
	assert_int_equal(load(img, &d), RK_NPL_ERR_BODY_SIZE);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, BODY_LEN);
	assert_int_equal(load(img, &d), RK_NPL_ERR_ABI);
	abi_zero(img);
	assert_int_equal(load(img, &d), RK_NPL_ERR_KEY_ID);
	key_id_pk2(img);
	assert_int_equal(load(img, &d), RK_NPL_ERR_SIGNATURE);
}

static void test_rollback_table(void **state)
{
	(void)state;
	char name[RK_NPL_NAME_SIZE];
	rk_rollback_reset();
	assert_int_equal(rk_rollback_floor("hello", NULL), 0);
	assert_int_equal(rk_rollback_accept("hello", 5), 0);
	assert_int_equal(rk_rollback_floor("hello", NULL), 5);
	assert_int_equal(rk_rollback_accept("hello", 3), 0); /* never down */
	assert_int_equal(rk_rollback_floor("hello", NULL), 5);
	assert_int_equal(rk_rollback_floor("hello2", NULL), 0);
	assert_int_equal(rk_rollback_accept("hello", 6), 0);
	assert_int_equal(rk_rollback_floor("hello", NULL), 6);
	/* Full: a new name is refused, known ones still rise. */
	for (unsigned i = 1; i < RK_ROLLBACK_NAMES; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		assert_int_equal(rk_rollback_accept(name, i), 0);
	}
	assert_int_equal(rk_rollback_accept("one-too-many", 1), -1);
	assert_int_equal(rk_rollback_floor("one-too-many", NULL), 0);
	assert_int_equal(rk_rollback_accept("p3", 30), 0);
	assert_int_equal(rk_rollback_floor("p3", NULL), 30);
	rk_rollback_reset();
	assert_int_equal(rk_rollback_floor("hello", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_reported),
	    cmocka_unit_test(test_v1_needs_the_policy),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_min_abi),
	    cmocka_unit_test(test_key_id),
	    cmocka_unit_test(test_counter),
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_rollback_table),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
