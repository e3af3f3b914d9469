/*
 * rt.h - the payload runtime (docs/payloads.md): formatting like printf
 * onto the console through api->puts, and the string and memory functions
 * a C compiler may call on its own.  Freestanding: nothing here touches
 * anything but its arguments, so a payload stays one position-independent
 * body with no relocations.  The code is rt.c, compiled into the payload
 * beside its own files (the SDK's template does it).
 */
#ifndef RUMPK_RT_H
#define RUMPK_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/api.h>

/* Formats into buf (at most cap bytes, always NUL-terminated when cap >
 * 0); returns the length the whole text has, as snprintf does.  Knows
 * %d %i %u %x %X %o %c %s %p %% with the l, ll and z sizes, a width, a
 * '-' flag, a '0' flag and a .precision for strings; anything else is
 * copied as it stands. */
int rk_rt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int rk_rt_snprintf(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Formats a line (at most RK_RT_LINE_MAX bytes, cut beyond) and writes it
 * with api->puts, which adds the newline.  Returns the full length. */
#define RK_RT_LINE_MAX 256
int rk_rt_printf(const struct rk_api *api, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

size_t rk_rt_strlen(const char *s);
int rk_rt_strcmp(const char *a, const char *b);

/* The functions the compiler emits calls to for copies and clears. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

#endif
