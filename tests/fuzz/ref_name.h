/* ref_name.h - the payload name rule, written from docs/npl-format.md
 * for the fuzzers' references (fuzz_npl: an NPL v2 name; fuzz_keyring: a
 * keyring entry's name, where all zeros means any name): 1 to 23 bytes
 * of A-Z a-z 0-9 . _ -, a letter or digit first, then zeros to the end of
 * its 24 bytes. */
#ifndef RUMPK_FUZZ_REF_NAME_H
#define RUMPK_FUZZ_REF_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static bool ref_name_ok(const uint8_t *n, bool empty_ok)
{
	size_t len = 0;
	while (len < 24 && n[len])
		len++;
	if (len == 24)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = n[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || !strchr("._-", c)))
			return false;
	}
	for (size_t i = len; i < 24; i++)
		if (n[i])
			return false;
	return len > 0 || empty_ok;
}

#endif
