/*
 * cmdline.c - reading the boot loader's command line (multiboot cmdline,
 * /chosen bootargs): whitespace-separated words, some of them word=value.
 */
#include <rumpk/klib.h>

#include "core.h"

bool rk_cmdline_word(const char *cmdline, const char *word, const char **value,
                     size_t *len)
{
	size_t wl = rk_strlen(word);
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		size_t n = (size_t)(p - start);
		if (n >= wl && rk_strncmp(start, word, wl) == 0) {
			if (!value && n == wl)
				return true;
			if (value && n > wl && start[wl] == '=') {
				*value = start + wl + 1;
				*len = n - wl - 1;
				return true;
			}
		}
	}
	return false;
}
