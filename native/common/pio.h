/*
 * pio.h - x86 port I/O (the in/out instructions), for the x86_64 port and
 * the 16550 driver's COM1 path.  Nothing here on other arches.
 */
#ifndef RUMPK_NATIVE_PIO_H
#define RUMPK_NATIVE_PIO_H

#include <stdint.h>

#if defined(__x86_64__)
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}
#endif

#endif
