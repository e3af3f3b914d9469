/* test_siphash.c - SipHash-2-4 against the reference vectors
 * (tests/vectors/siphash24_64.txt: key 00..0f, message 00..i-1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/siphash.h>

static void test_vectors(void **state)
{
	(void)state;
	const char *dir = getenv("RK_VECTORS_DIR");
	char path[1024];
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/siphash24_64.txt", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);

	uint8_t key[16], msg[64];
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 64; i++)
		msg[i] = (uint8_t)i;
	char line[64];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		if (strlen(line) < 16)
			continue;
		uint64_t h = rk_siphash24(key, msg, (size_t)n);
		char got[17];
		for (int b = 0; b < 8; b++) /* memory order: little-endian */
			snprintf(got + 2 * b, 3, "%02x",
			         (unsigned)(h >> (8 * b)) & 0xff);
		assert_memory_equal(got, line, 16);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 64);
}

static void test_ids(void **state)
{
	(void)state;
	uint8_t k1[16] = {1}, k2[16] = {2};
	rk_id_init(k1);
	uint64_t a = rk_id_make(RK_ID_FIBER, 1), b = rk_id_make(RK_ID_FIBER, 2);
	uint64_t c = rk_id_make(RK_ID_PAYLOAD, 1);
	assert_true(a != b && a != c && b != c);
	assert_int_equal(a, rk_id_make(RK_ID_FIBER, 1)); /* deterministic */
	rk_id_init(k2);
	assert_true(a != rk_id_make(RK_ID_FIBER, 1)); /* keyed per boot */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
