/*
 * rt_check - the payload runtime (payloads/rt/rt.c) on the machine it
 * runs on: each format against the text it must give, then a line through
 * rk_rt_printf.  Each check is a call with its literals (no table of
 * pointers: a payload body has no relocations).
 */
#include <rumpk/api.h>
#include <rumpk/rt.h>

static int failed;

static void expect(const struct rk_api *api, const char *got, int n,
                   const char *want)
{
	if (rk_rt_strcmp(got, want) != 0 || n != (int)rk_rt_strlen(want)) {
		rk_rt_printf(api, "[rt_check] FAIL: '%s' (%d), expected '%s'",
		             got, n, want);
		failed++;
	}
}

#define CHECK(want, ...)                                                       \
	do {                                                                   \
		char b[64];                                                    \
		int n = rk_rt_snprintf(b, sizeof(b), __VA_ARGS__);             \
		expect(api, b, n, want);                                       \
	} while (0)

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	CHECK("42", "%d", 42);
	CHECK("-42", "%d", -42);
	CHECK("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
	CHECK("-0042", "%05d", -42);
	CHECK("4294967295", "%u", 4294967295u);
	CHECK("18446744073709551615", "%llu", 18446744073709551615ull);
	CHECK("-9223372036854775808", "%lld",
	      (long long)(-9223372036854775807ll - 1));
	CHECK("ff|FF|0000beef|777", "%x|%X|%08lx|%o", 255u, 255u, 0xbeefUL,
	      0777u);
	CHECK("123456789", "%zu", (size_t)123456789);
	CHECK("abc|  abc|abc  |ab", "%s|%5s|%-5s|%.2s", "abc", "abc", "abc",
	      "abc");
	CHECK("x|  y|%", "%c|%3c|%%", 'x', 'y');
	CHECK("(null)", "%s", (const char *)0);
	CHECK("0x1f", "%p", (void *)0x1f);
	/* Cut to the buffer, the full length returned. */
	char small[4];
	int n = rk_rt_snprintf(small, sizeof(small), "%s", "abcdef");
	expect(api, small, n == 6 ? 3 : -1, "abc");
	/* memset / memcpy / memmove / memcmp as the compiler calls them. */
	char a[16], c[16];
	memset(a, 'z', sizeof(a));
	memcpy(c, "0123456789abcdef", 16);
	memmove(c + 2, c, 8);
	if (memcmp(c, "0101234567abcdef", 16) != 0 || a[15] != 'z') {
		api->puts("[rt_check] FAIL: memory functions");
		failed++;
	}
	if (failed)
		return -failed;
	rk_rt_printf(api,
	             "[rt_check] %d formats and the memory functions "
	             "as expected, %s",
	             14, "on this machine");
	return 0;
}
