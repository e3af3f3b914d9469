/* test_klib.c - the core's freestanding libc: formatting and strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/klib.h>

/* Some cases feed rk_snprintf what a hosted printf checker rejects on
 * purpose (NULL for %s, an unknown conversion, '0' with %p). */
#pragma GCC diagnostic ignored "-Wformat"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-overflow"
#endif

#define FMT(expect, ...)                                                       \
	do {                                                                   \
		char b[128];                                                   \
		int n = rk_snprintf(b, sizeof(b), __VA_ARGS__);                \
		assert_string_equal(b, expect);                                \
		assert_int_equal(n, (int)strlen(expect));                      \
	} while (0)

static void test_printf_conversions(void **state)
{
	(void)state;
	FMT("plain", "plain");
	FMT("s=abc c=x", "s=%s c=%c", "abc", 'x');
	FMT("-42 42 0", "%d %i %u", -42, 42, 0u);
	FMT("ff FF", "%x %X", 255u, 255u);
	FMT("18446744073709551615", "%llu", 18446744073709551615ull);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("123456789012", "%zu", (size_t)123456789012ull);
	FMT("-5", "%zd", (ptrdiff_t)-5);
	FMT("0x1234", "%p", (void *)0x1234);
	FMT("100%", "100%%");
	FMT("(null)", "%s", (char *)NULL);
	FMT("%q", "%q");
}

static void test_printf_width(void **state)
{
	(void)state;
	FMT("   42", "%5d", 42);
	FMT("00042", "%05d", 42);
	FMT("-0042", "%05d", -42);
	FMT("42   |", "%-5d|", 42);
	FMT("0000beef", "%08x", 0xbeefu);
	FMT("  ab", "%4s", "ab");
	FMT("ab  |", "%-4s|", "ab");
	FMT("12345", "%3d", 12345);
	FMT("0x00000010", "%010p", (void *)16);
	/* Precision bounds %s: words that are not NUL-terminated. */
	FMT("abc|", "%.*s|", 3, "abcdef");
	FMT("ab|", "%.2s|", "abcdef");
	FMT("  ab|", "%4.2s|", "abcdef");
	FMT("abc|", "%.*s|", 10, "abc");
	FMT("|", "%.*s|", 0, "abc");
	FMT("abc|", "%.*s|", -1, "abc");
}

static void test_printf_truncation(void **state)
{
	(void)state;
	char b[8];
	memset(b, 'z', sizeof(b));
	int n = rk_snprintf(b, sizeof(b), "%s", "0123456789");
	assert_int_equal(n, 10); /* the length it would have had */
	assert_string_equal(b, "0123456");
	assert_int_equal(rk_snprintf(NULL, 0, "%d", 12345), 5);
	b[0] = 'q';
	assert_int_equal(rk_snprintf(b, 1, "abc"), 3);
	assert_int_equal(b[0], '\0');
}

static void test_mem(void **state)
{
	(void)state;
	uint8_t a[64], b[64];
	for (int i = 0; i < 64; i++)
		a[i] = (uint8_t)i;
	/* Every alignment and length of the word-wise copy path. */
	for (int off = 0; off < 8; off++) {
		for (int len = 0; len < 40; len++) {
			memset(b, 0xee, sizeof(b));
			rk_memcpy(b + off, a + (7 - off), (size_t)len);
			assert_memory_equal(b + off, a + (7 - off),
			                    (size_t)len);
			assert_int_equal(b[off + len], 0xee);
		}
	}
	memcpy(b, a, 64);
	rk_memmove(b + 1, b, 40); /* overlap, dst above src */
	assert_memory_equal(b + 1, a, 40);
	memcpy(b, a, 64);
	rk_memmove(b, b + 3, 40); /* overlap, dst below src */
	assert_memory_equal(b, a + 3, 40);
	rk_memset(b, 0x5a, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(b[i], 0x5a);
	assert_int_equal(rk_memcmp("abc", "abd", 3), -1);
	assert_int_equal(rk_memcmp("abd", "abc", 3), 1);
	assert_int_equal(rk_memcmp("abc", "abd", 2), 0);
	assert_int_equal(rk_memcmp("\xff", "\x01", 1), 1); /* unsigned */
}

static void test_str(void **state)
{
	(void)state;
	char d[6];
	assert_int_equal(rk_strlen(""), 0);
	assert_int_equal(rk_strlen("hello"), 5);
	assert_int_equal(rk_strnlen("hello", 3), 3);
	assert_true(rk_strcmp("a", "b") < 0);
	assert_true(rk_strcmp("b", "a") > 0);
	assert_int_equal(rk_strcmp("same", "same"), 0);
	assert_true(rk_strcmp("ab", "abc") < 0);
	assert_int_equal(rk_strncmp("abcx", "abcy", 3), 0);
	assert_true(rk_strncmp("abcx", "abcy", 4) < 0);
	assert_int_equal(rk_strlcpy(d, "truncated", sizeof(d)), 9);
	assert_string_equal(d, "trunc");
	assert_int_equal(rk_strlcpy(d, "ok", sizeof(d)), 2);
	assert_string_equal(d, "ok");
}

static int parse(const char *s, uint64_t *v)
{
	return rk_parse_u64(s, strlen(s), v);
}

static void test_parse_u64(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_int_equal(parse("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(parse("007", &v), 0);
	assert_true(v == 7);
	assert_int_equal(parse("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(rk_parse_u64("1234 5", 4, &v), 0); /* length decides */
	assert_true(v == 1234);
	v = 99;
	assert_int_equal(parse("18446744073709551616", &v), -1); /* overflow */
	assert_int_equal(parse("", &v), -1);
	assert_int_equal(parse("-1", &v), -1);
	assert_int_equal(parse("+1", &v), -1);
	assert_int_equal(parse(" 1", &v), -1);
	assert_int_equal(parse("1x", &v), -1);
	assert_true(v == 99); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_printf_conversions),
	    cmocka_unit_test(test_printf_width),
	    cmocka_unit_test(test_printf_truncation),
	    cmocka_unit_test(test_mem),
	    cmocka_unit_test(test_str),
	    cmocka_unit_test(test_parse_u64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
