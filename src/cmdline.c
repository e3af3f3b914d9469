/*
 * cmdline.c - reading the boot loader's command line (multiboot cmdline,
 * /chosen bootargs): whitespace-separated words, some of them word=value.
 */
#include <rumpk/klib.h>

#include "core.h"

/* The word at or after *p (NULL when none is left), its length in *len;
 * *p moves past it. */
static const char *next_word(const char **p, size_t *len)
{
	const char *s = *p;

	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	const char *start = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	*p = s;
	*len = (size_t)(s - start);
	return *len ? start : NULL;
}

bool rk_cmdline_word(const char *cmdline, const char *word, const char **value,
                     size_t *len)
{
	size_t wl = rk_strlen(word), n;
	const char *p = cmdline, *start;

	while ((start = next_word(&p, &n)) != NULL) {
		if (n < wl || rk_strncmp(start, word, wl) != 0)
			continue;
		if (!value && n == wl)
			return true;
		if (value && n > wl && start[wl] == '=') {
			*value = start + wl + 1;
			*len = n - wl - 1;
			return true;
		}
	}
	return false;
}

bool rk_cmdline_prefixed(const char **pos, const char *prefix,
                         const char **rest, size_t *len)
{
	size_t pl = rk_strlen(prefix), n;
	const char *start;

	while ((start = next_word(pos, &n)) != NULL) {
		if (n > pl && rk_strncmp(start, prefix, pl) == 0) {
			*rest = start + pl;
			*len = n - pl;
			return true;
		}
	}
	return false;
}
