/*
 * hostile.h - what the hostile test payloads share: an address inside
 * each native kernel's image (its link address, native/ARCH/link.ld).  A
 * payload cannot learn where the kernel really is, and needs not: in
 * user mode no kernel address at all is open to it.
 */
#ifndef RUMPK_PAYLOADS_HOSTILE_H
#define RUMPK_PAYLOADS_HOSTILE_H

#if defined(__x86_64__)
#define KERNEL_BASE 0x100000ull
#elif defined(__aarch64__)
#define KERNEL_BASE 0x40200000ull
#else
#define KERNEL_BASE 0x80200000ull
#endif

#endif
