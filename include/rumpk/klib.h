/*
 * klib.h - the core's small freestanding libc: memory and string helpers,
 * a printf subset, panic and assert.  Names carry the rk_ prefix so the
 * simulator can link the core next to the host libc without clashes; the
 * native kernels also export memcpy/memset/memmove/memcmp (src/lib/ccrt.c)
 * because compilers emit calls to them.
 */
#ifndef RUMPK_KLIB_H
#define RUMPK_KLIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* stdarg.h is not on the core's list of allowed headers; the builtins are
 * what it expands to on gcc and clang anyway. */
typedef __builtin_va_list rk_va_list;
#define rk_va_start(ap, last) __builtin_va_start(ap, last)
#define rk_va_end(ap)         __builtin_va_end(ap)
#define rk_va_arg(ap, type)   __builtin_va_arg(ap, type)

#define RK_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define RK_MIN(a, b)     ((a) < (b) ? (a) : (b))
#define RK_MAX(a, b)     ((a) > (b) ? (a) : (b))
#define RK_UNUSED(x)     ((void)(x))
#define RK_LIKELY(x)     __builtin_expect(!!(x), 1)
#define RK_UNLIKELY(x)   __builtin_expect(!!(x), 0)
#define RK_CACHELINE     64

void *rk_memcpy(void *dst, const void *src, size_t n);
void *rk_memmove(void *dst, const void *src, size_t n);
void *rk_memset(void *dst, int c, size_t n);
int rk_memcmp(const void *a, const void *b, size_t n);
size_t rk_strlen(const char *s);
size_t rk_strnlen(const char *s, size_t max);
int rk_strcmp(const char *a, const char *b);
int rk_strncmp(const char *a, const char *b, size_t n);
/* Copies at most size-1 bytes and always terminates (size > 0);
 * returns strlen(src) so truncation can be detected. */
size_t rk_strlcpy(char *dst, const char *src, size_t size);
/* The len bytes at s as a decimal number (s need not be terminated):
 * digits only, at least one, no overflow.  0, or -1. */
int rk_parse_u64(const char *s, size_t len, uint64_t *out);

/*
 * Formatting: %s %c %d %i %u %x %X %p %zu %zd %zx %lu %ld %lx %llu %lld
 * %llx %%, with an optional '0' flag, '-' flag and a decimal width.
 * rk_vsnprintf returns the length the full output would have had, like C99.
 */
int rk_vsnprintf(char *buf, size_t size, const char *fmt, rk_va_list ap);
int rk_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats to the console through hal_console_putc. */
int rk_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int rk_vprintf(const char *fmt, rk_va_list ap);
void rk_puts(const char *s);   /* s and a newline */
void rk_putstr(const char *s); /* s as is */

/* Prints "[PANIC] <message>" and ends the system with status 101. */
_Noreturn void rk_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#define RK_ASSERT(cond)                                                        \
	do {                                                                   \
		if (RK_UNLIKELY(!(cond)))                                      \
			rk_panic("assertion '%s' failed at %s:%d", #cond,      \
			         __FILE__, __LINE__);                          \
	} while (0)

#endif
