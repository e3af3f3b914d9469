/*
 * string.c - memory and string helpers for the freestanding core.
 * Plain byte loops with a word-at-a-time fast path for the large copies the
 * loader does; correctness first, no tricks that need alignment faults off.
 */
#include <rumpk/klib.h>

void *rk_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if ((((uintptr_t)d | (uintptr_t)s) & (sizeof(uint64_t) - 1)) == 0) {
		for (; n >= sizeof(uint64_t); n -= sizeof(uint64_t)) {
			*(uint64_t *)(void *)d =
			    *(const uint64_t *)(const void *)s;
			d += sizeof(uint64_t);
			s += sizeof(uint64_t);
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *rk_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return rk_memcpy(dst, src, n);
	/* Overlap with dst above src: copy backwards. */
	while (n--)
		d[n] = s[n];
	return dst;
}

void *rk_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int rk_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

size_t rk_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t rk_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int rk_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int rk_strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

size_t rk_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = rk_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		rk_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int rk_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
