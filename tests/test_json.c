/* test_json.c - host/json.c: JSON strings as RFC 8259 wants them (quotes
 * and backslashes escaped, every control character as \u00XX, the rest
 * as it is). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

/* What host_json_string writes for s (the caller frees it). */
static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	host_json_string(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect_json(const char *s, const char *want)
{
	char *got = json_of(s);
	assert_string_equal(got, want);
	free(got);
}

static void test_plain(void **state)
{
	(void)state;
	expect_json("", "\"\"");
	expect_json("flood", "\"flood\"");
	expect_json("/tmp/a b/prof.txt", "\"/tmp/a b/prof.txt\"");
}

static void test_quote_and_backslash(void **state)
{
	(void)state;
	expect_json("a\"b", "\"a\\\"b\"");
	expect_json("a\\b", "\"a\\\\b\"");
	expect_json("\"\\", "\"\\\"\\\\\"");
}

static void test_control_characters(void **state)
{
	(void)state;
	expect_json("a\nb", "\"a\\u000ab\"");
	expect_json("\t\r", "\"\\u0009\\u000d\"");
	expect_json("\x01\x1f", "\"\\u0001\\u001f\"");
	/* Every one of U+0001..U+001F, and the first byte that is not one. */
	for (int c = 1; c < 0x20; c++) {
		char in[2] = {(char)c, 0}, want[16];
		snprintf(want, sizeof(want), "\"\\u%04x\"", c);
		expect_json(in, want);
	}
	expect_json(" ", "\" \"");
}

static void test_other_bytes_pass(void **state)
{
	(void)state;
	expect_json("\x7f", "\"\x7f\"");
	expect_json("gr\xc3\xbc\xc3\x9f \xe2\x9c\x85", /* UTF-8 */
	            "\"gr\xc3\xbc\xc3\x9f \xe2\x9c\x85\"");
	expect_json("\xff", "\"\xff\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_quote_and_backslash),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_other_bytes_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
