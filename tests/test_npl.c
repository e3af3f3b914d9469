/* test_npl.c - the NPL loader on v1 images (accepted by this policy):
 * every rule broken in an otherwise correctly signed image, the order of
 * the checks, every truncation, overflowing sizes, keyrings, and the
 * messages that name the field.  v2's own rules: test_npl_v2.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/npl.h>

static uint8_t pk[32], sk[64], pk2[32], sk2[64];
static uint8_t keys[2][32];

#define BODY_LEN 40

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(pk2, sk2);
	memcpy(keys[0], pk2, 32); /* the signing key is the second one */
	memcpy(keys[1], pk, 32);
	return 0;
}

static struct rk_npl_policy policy(void)
{
	struct rk_npl_policy p = {.arch = RK_ARCH_SELF,
	                          .keys = (const uint8_t(*)[32])keys,
	                          .nkeys = 2,
	                          .accept_v1 = true};
	return p;
}

/* A correct image; mutate() may break it; then it is signed. */
static size_t make(uint8_t *img, void (*mutate)(uint8_t *), const uint8_t *k)
{
	memset(img, 0, RK_NPL_HEADER_SIZE + BODY_LEN);
	memcpy(img, rk_npl_magic, 4);
	img[RK_NPL_OFF_VERSION] = 1;
	img[RK_NPL_OFF_ARCH] = RK_ARCH_SELF;
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, BODY_LEN);
	for (int i = 0; i < BODY_LEN; i++)
		img[RK_NPL_HEADER_SIZE + i] = (uint8_t)(0x90 + i);
	if (mutate)
		mutate(img);
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, img, RK_NPL_HEADER_SIZE + BODY_LEN,
	                     k ? k : sk);
	memcpy(img + RK_NPL_OFF_SIG, sig, 64);
	return RK_NPL_HEADER_SIZE + BODY_LEN;
}

static enum rk_npl_err load(const uint8_t *img, size_t len,
                            struct rk_npl_diag *d)
{
	struct rk_npl_policy p = policy();
	struct rk_npl_image out;
	enum rk_npl_err e = rk_npl_load(img, len, &p, &out, d);
	if (e == RK_NPL_OK) {
		assert_non_null(out.mem);
		assert_int_equal(out.key_index, 1);
		rk_npl_unload(&out);
	} else {
		assert_null(out.mem); /* nothing kept, nothing to run */
	}
	return e;
}

static void test_good_image(void **state)
{
	(void)state;
	uint8_t img[512];
	struct rk_npl_diag d;
	size_t len = make(img, NULL, NULL);
	assert_int_equal(load(img, len, &d), RK_NPL_OK);
	/* The source buffer is not modified (the signature is zeroed in the
	 * loader's copy only). */
	uint8_t again[512];
	make(again, NULL, NULL);
	assert_memory_equal(img, again, len);
}

static void m_magic(uint8_t *i)
{
	i[3] = 'X';
}
static void m_version(uint8_t *i)
{
	i[RK_NPL_OFF_VERSION] = 3;
}
static void m_version0(uint8_t *i)
{
	i[RK_NPL_OFF_VERSION] = 0;
}
static void m_arch_other(uint8_t *i)
{
	i[RK_NPL_OFF_ARCH] =
	    RK_ARCH_SELF == RK_ARCH_X86_64 ? RK_ARCH_AARCH64 : RK_ARCH_X86_64;
}
static void m_arch_unknown(uint8_t *i)
{
	i[RK_NPL_OFF_ARCH] = 0x12;
}
static void m_flags_lo(uint8_t *i)
{
	i[RK_NPL_OFF_FLAGS] = 1;
}
static void m_flags_hi(uint8_t *i)
{
	i[RK_NPL_OFF_FLAGS + 1] = 0x80;
}
static void m_reserved_first(uint8_t *i)
{
	i[RK_NPL_OFF_RESERVED] = 1;
}
static void m_reserved_last(uint8_t *i)
{
	i[RK_NPL_OFF_RESERVED + 47] = 0xff;
}
static void m_size_zero(uint8_t *i)
{
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, 0);
}
static void m_size_long(uint8_t *i)
{
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, BODY_LEN + 1);
}
static void m_size_short(uint8_t *i)
{
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, BODY_LEN - 1);
}
static void m_size_wrap(uint8_t *i)
{
	/* 128 + body_size wraps to a small number. */
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, UINT64_MAX - 100);
}
static void m_size_max(uint8_t *i)
{
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, UINT64_MAX);
}
static void m_size_limit(uint8_t *i)
{
	rk_put_le64(i + RK_NPL_OFF_BODY_SIZE, RK_NPL_BODY_MAX + 1ull);
}

struct rule_case {
	const char *name;
	void (*mutate)(uint8_t *);
	enum rk_npl_err err;
	const char *msg_has[3];
};

static const struct rule_case rules[] = {
    {"magic",
     m_magic,
     RK_NPL_ERR_MAGIC,
     {"magic", "7f 4e 50 58", "7f 4e 50 4c"}},
    {"version2",
     m_version,
     RK_NPL_ERR_VERSION,
     {"version", "held 3", "expected 1 or 2"}},
    {"version0",
     m_version0,
     RK_NPL_ERR_VERSION,
     {"version", "held 0", "expected 1 or 2"}},
    {"arch", m_arch_other, RK_NPL_ERR_ARCH, {"arch", "held 0x", "expected 0x"}},
    {"arch?", m_arch_unknown, RK_NPL_ERR_ARCH, {"arch", "0x12", "unknown"}},
    {"flags", m_flags_lo, RK_NPL_ERR_FLAGS, {"flags", "0x0001", "0x0000"}},
    {"flags hi", m_flags_hi, RK_NPL_ERR_FLAGS, {"flags", "0x8000", "0x0000"}},
    {"reserved",
     m_reserved_first,
     RK_NPL_ERR_RESERVED,
     {"reserved", "byte 0 (offset 80)", "0x01"}},
    {"reserved",
     m_reserved_last,
     RK_NPL_ERR_RESERVED,
     {"reserved", "byte 47 (offset 127)", "0xff"}},
    {"size0",
     m_size_zero,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "held 0", "at least 1"}},
    {"size+1",
     m_size_long,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "held 41", "expected 40"}},
    {"size-1",
     m_size_short,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "held 39", "expected 40"}},
    {"wrap",
     m_size_wrap,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "18446744073709551515", "limit"}},
    {"max",
     m_size_max,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "18446744073709551615", "limit"}},
    {"limit",
     m_size_limit,
     RK_NPL_ERR_BODY_SIZE,
     {"body_size", "16777217", "16777216"}},
};

static void test_each_rule_broken(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(rules) / sizeof(rules[0]); r++) {
		uint8_t img[512];
		struct rk_npl_diag d;
		size_t len = make(img, rules[r].mutate, NULL);
		enum rk_npl_err e = load(img, len, &d);
		if (e != rules[r].err)
			fail_msg("%s: got %s (%s)", rules[r].name,
			         rk_npl_strerror(e), d.msg);
		for (int k = 0; k < 3 && rules[r].msg_has[k]; k++)
			if (!strstr(d.msg, rules[r].msg_has[k]))
				fail_msg("%s: message '%s' lacks '%s'",
				         rules[r].name, d.msg,
				         rules[r].msg_has[k]);
	}
}

static void test_order_of_checks(void **state)
{
	(void)state;
	/* Everything broken at once: the first rule in order wins. */
	uint8_t img[512];
	struct rk_npl_diag d;
	size_t len = make(img, NULL, NULL);
	img[RK_NPL_OFF_SIG] ^= 1;
	m_size_zero(img);
	m_reserved_first(img);
	m_flags_lo(img);
	m_arch_unknown(img);
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_ARCH);
	m_version(img);
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_VERSION);
	m_magic(img);
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_MAGIC);
	len = make(img, NULL, NULL);
	img[RK_NPL_OFF_SIG] ^= 1;
	m_size_zero(img);
	m_reserved_first(img);
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_RESERVED);
}

static void test_signature_failures(void **state)
{
	(void)state;
	uint8_t img[512];
	struct rk_npl_diag d;
	size_t len = make(img, NULL, NULL);
	img[RK_NPL_OFF_SIG] ^= 0xff; /* the seed's bad-sig image */
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_SIGNATURE);
	assert_non_null(strstr(d.msg, "signature"));

	len = make(img, NULL, NULL);
	img[RK_NPL_HEADER_SIZE + 7] ^= 0x10; /* body changed after signing */
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_SIGNATURE);

	uint8_t osk[64], opk[32];
	crypto_sign_keypair(opk, osk);
	len = make(img, NULL, osk); /* signed by an untrusted key */
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_SIGNATURE);

	/* A signature made over the image with its field NOT zeroed. */
	len = make(img, NULL, NULL);
	uint8_t sig[64];
	crypto_sign_detached(sig, NULL, img, len, sk);
	memcpy(img + RK_NPL_OFF_SIG, sig, 64);
	assert_int_equal(load(img, len, &d), RK_NPL_ERR_SIGNATURE);
}

static void test_keyrings(void **state)
{
	(void)state;
	uint8_t img[512], copy[512];
	struct rk_npl_diag d;
	size_t key = 99, len = make(img, NULL, NULL);
	struct rk_npl_policy p = policy();
	p.nkeys = 0;
	assert_int_equal(rk_npl_check(img, len, &p, copy, NULL, &key, &d),
	                 RK_NPL_ERR_NO_KEYS);
	assert_non_null(strstr(d.msg, "keyring is empty"));
	p.nkeys = 1; /* only the key that did not sign */
	assert_int_equal(rk_npl_check(img, len, &p, copy, NULL, &key, &d),
	                 RK_NPL_ERR_SIGNATURE);
	p.keys = (const uint8_t(*)[32])pk;
	assert_int_equal(rk_npl_check(img, len, &p, copy, NULL, &key, &d),
	                 RK_NPL_OK);
	assert_int_equal(key, 0);
	/* The checked copy has its signature zeroed; the header returned
	 * carries the signature that verified. */
	for (int i = 0; i < 64; i++)
		assert_int_equal(copy[RK_NPL_OFF_SIG + i], 0);
}

/* The source changes under the loader (another core, a DMA): built with
 * -Wl,--wrap=rk_memcpy, so the loader's copy of the armed source goes
 * through here, which swaps the source for another validly signed image
 * just before it is copied.  Whatever the loader reports must be what it
 * verified: the copy, never a header it read from the source earlier. */
void *__real_rk_memcpy(void *dst, const void *src, size_t n);
void *__wrap_rk_memcpy(void *dst, const void *src, size_t n);
static const uint8_t *swap_src;
static const uint8_t *swap_with;
void *__wrap_rk_memcpy(void *dst, const void *src, size_t n)
{
	if (src == swap_src && swap_with) {
		memcpy((void *)swap_src, swap_with, n);
		swap_src = NULL;
	}
	return __real_rk_memcpy(dst, src, n);
}

static void test_reports_the_verified_copy(void **state)
{
	(void)state;
	uint8_t img[512], other[512], copy[512];
	struct rk_npl_diag d;
	struct rk_npl_header h;
	size_t key = 99, len = make(img, NULL, NULL);
	assert_int_equal(make(other, m_arch_other, NULL), len);
	struct rk_npl_policy p = policy();
	p.arch = RK_NPL_ARCH_ANY;

	swap_src = img;
	swap_with = other;
	assert_int_equal(rk_npl_check(img, len, &p, copy, &h, &key, &d),
	                 RK_NPL_OK);
	assert_null(swap_src); /* the swap happened */
	assert_int_equal(h.arch, other[RK_NPL_OFF_ARCH]);
	assert_memory_equal(h.sig, other + RK_NPL_OFF_SIG, 64);
	assert_int_equal(copy[RK_NPL_OFF_ARCH], h.arch);

	/* Swapped for garbage: the copy is refused, the source never was
	 * what got checked. */
	uint8_t junk[512];
	memcpy(junk, other, len);
	junk[RK_NPL_OFF_VERSION] = 9;
	len = make(img, NULL, NULL);
	swap_src = img;
	swap_with = junk;
	assert_int_equal(rk_npl_check(img, len, &p, copy, &h, &key, &d),
	                 RK_NPL_ERR_VERSION);
	assert_int_equal(h.version, 9);
	swap_with = NULL;
}

static void test_truncations(void **state)
{
	(void)state;
	uint8_t img[512];
	struct rk_npl_diag d;
	size_t len = make(img, NULL, NULL);
	for (size_t n = 0; n < RK_NPL_HEADER_SIZE; n++) {
		assert_int_equal(load(img, n, &d), RK_NPL_ERR_TRUNCATED);
		assert_non_null(strstr(d.msg, "length"));
	}
	/* A header and part of the body. */
	for (size_t n = RK_NPL_HEADER_SIZE; n < len; n++)
		assert_int_equal(load(img, n, &d), RK_NPL_ERR_BODY_SIZE);
	assert_int_equal(load(NULL, len, &d), RK_NPL_ERR_TRUNCATED);
}

static void test_policy_limit_and_any_arch(void **state)
{
	(void)state;
	uint8_t img[512];
	struct rk_npl_diag d;
	struct rk_npl_header h;
	size_t len = make(img, NULL, NULL);
	struct rk_npl_policy p = policy();
	p.max_body = BODY_LEN - 1;
	assert_int_equal(rk_npl_parse(img, len, &p, &h, &d),
	                 RK_NPL_ERR_BODY_SIZE);
	assert_non_null(strstr(d.msg, "at most 39"));
	p.max_body = 0;
	p.arch = RK_NPL_ARCH_ANY;
	len = make(img, m_arch_other, NULL);
	assert_int_equal(rk_npl_parse(img, len, &p, &h, &d), RK_NPL_OK);
	len = make(img, m_arch_unknown, NULL);
	assert_int_equal(rk_npl_parse(img, len, &p, &h, &d), RK_NPL_ERR_ARCH);
}

static void test_names(void **state)
{
	(void)state;
	for (int e = 0; e <= RK_NPL_ERR_COUNT; e++)
		assert_non_null(rk_npl_strerror((enum rk_npl_err)e));
	assert_string_equal(rk_npl_strerror(RK_NPL_ERR_COUNT), "unknown error");
	assert_int_equal(rk_npl_arch_from_name("riscv64"), RK_ARCH_RISCV64);
	assert_int_equal(rk_npl_arch_from_name("x86"), 0);
	assert_string_equal(rk_npl_arch_name(0xAA), "aarch64");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_image),
	    cmocka_unit_test(test_each_rule_broken),
	    cmocka_unit_test(test_order_of_checks),
	    cmocka_unit_test(test_signature_failures),
	    cmocka_unit_test(test_keyrings),
	    cmocka_unit_test(test_reports_the_verified_copy),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_policy_limit_and_any_arch),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
