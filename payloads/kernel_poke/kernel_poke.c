/*
 * kernel_poke - a signed payload that goes for the kernel's memory, as
 * the review's did to rewrite the keyring.  In user mode every kernel
 * page is supervisor-only, so the access traps and the payload ends there
 * ("came back" never prints); the kernel goes on with the next image.
 * Four builds of this file (POKE, set by the files beside it):
 *   0 (kernel_poke)        a write to the RAM above the kernel image,
 *                          where its data, bss and keyring copy live
 *   1 (kernel_read)        a read of the kernel's text
 *   2 (kernel_write_text)  a write to the kernel's text
 *   3 (kernel_write_data)  a write to the kernel image's first data page
 * KERNEL_BASE: ../hostile.h.
 */
#include <rumpk/api.h>

#include "../hostile.h"

#ifndef POKE
#define POKE 0
#endif

/* Where each build goes. */
#if POKE == 0
#define TARGET (KERNEL_BASE + (1u << 20))
#elif POKE == 3
#define TARGET (KERNEL_BASE + (64u << 10))
#else
#define TARGET KERNEL_BASE
#endif

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)TARGET;

	api->puts("[kernel_poke] about to touch the kernel's memory");
#if POKE == 1
	api->puts(*p ? "[kernel_poke] came back: kernel text is readable"
	             : "[kernel_poke] came back: kernel text reads 0");
#elif POKE == 2
	*p = 0xcc;
#else
	*p = 0x41414141;
#endif
	api->puts("[kernel_poke] came back: kernel memory is open");
	return 1;
}
