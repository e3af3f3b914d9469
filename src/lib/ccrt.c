/*
 * ccrt.c - the symbols a C compiler may call on its own (struct copies,
 * zero-initialisation, __builtin_memcpy in the crypto code).  Linked only
 * into native kernels: the simulator gets them from the host libc.
 */
#include <rumpk/klib.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
	return rk_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return rk_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return rk_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return rk_memcmp(a, b, n);
}
