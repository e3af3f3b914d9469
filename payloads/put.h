/*
 * put.h - "name=value" into a line, the number in decimal: what the
 * benchmark payloads print their figures with (no libc in a payload).
 */
#ifndef RUMPK_PAYLOADS_PUT_H
#define RUMPK_PAYLOADS_PUT_H

#include <stdint.h>

/* Appends s and v's digits at o; returns the new end. */
static inline char *put(char *o, const char *s, uint64_t v)
{
	char d[24];
	int n = 0;
	while (*s)
		*o++ = *s++;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*o++ = d[--n];
	return o;
}

#endif
