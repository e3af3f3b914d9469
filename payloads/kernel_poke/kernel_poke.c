/*
 * kernel_poke - a signed payload that goes for the kernel's memory, as
 * the review's did to rewrite the keyring: a read of the kernel image, a
 * write to its text and a write to the RAM above it (where the kernel's
 * data, bss and heap live).  In user mode every kernel page is
 * supervisor-only, so the first access traps and the payload ends there
 * ("came back" never prints); the kernel goes on with the next image.
 * KERNEL_BASE: ../hostile.h.
 */
#include <rumpk/api.h>

#include "../hostile.h"

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint64_t *text = (volatile uint64_t *)(uintptr_t)KERNEL_BASE;
	volatile uint64_t *data =
	    (volatile uint64_t *)(uintptr_t)(KERNEL_BASE + (1u << 20));

	api->puts("[kernel_poke] about to read the kernel's text");
	uint64_t v = *text;
	api->puts("[kernel_poke] came back: kernel memory is readable");
	api->puts("[kernel_poke] about to write the kernel's text");
	*text = v ^ 0xff;
	api->puts("[kernel_poke] came back: kernel text is writable");
	api->puts("[kernel_poke] about to write the kernel's data");
	*data = 0x41414141;
	api->puts("[kernel_poke] came back: kernel data is writable");
	return 1;
}
