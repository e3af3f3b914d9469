/*
 * dtboot.c - boot facts from a device tree, shared by the DTB platforms.
 *
 * The boot loader (QEMU, U-Boot, a hostile boot medium) writes the
 * initrd's address into /chosen, and the kernel reads payloads from
 * there: an initrd that is not wholly inside RAM would make the first
 * read fault (or read device registers), so it is refused before anything
 * reserves or reads it.  QEMU 7.2 does place it past the end of a small
 * RAM when the kernel sits high.
 */
#include <rumpk/klib.h>

#include "dtboot.h"

int rk_dtboot_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end)
{
	uint64_t s, e, b, n;
	int r = rk_fdt_initrd(t, &s, &e);

	if (r == RK_FDT_ERR_NOTFOUND)
		return 1;
	if (r < 0) {
		rk_printf("[BOOT] initrd: /chosen linux,initrd-start/-end: "
		          "%s\n",
		          rk_fdt_strerror(r));
		return -1;
	}
	for (unsigned i = 0; rk_fdt_memory(t, i, &b, &n) == 0; i++) {
		/* [s, e) inside [b, b + n), written so nothing overflows. */
		if (s >= b && s - b <= n && e - s <= n - (s - b)) {
			*start = s;
			*end = e;
			return 0;
		}
	}
	rk_printf("[BOOT] initrd 0x%llx-0x%llx is not in RAM (no /memory "
	          "range of the device tree holds it)\n",
	          (unsigned long long)s, (unsigned long long)e);
	return -1;
}
