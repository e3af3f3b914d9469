/*
 * dtboot.c - the boot sequence of the device-tree platforms (aarch64,
 * riscv64): the tree, memory into the page allocator with everything in
 * use reserved, the initrd, the command line, the boot loader's seeds.
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
#include "efi_handoff.h"
#include "virtio_blk.h"

int rk_dtboot_init(struct rk_dtboot *b, uint64_t dtb, size_t max_len)
{
	rk_memset(b, 0, sizeof(*b));
	b->dtb = dtb;
	return rk_fdt_init(&b->fdt, (const void *)(uintptr_t)dtb, max_len);
}

int rk_dtboot_memory(struct rk_dtboot *b, uint64_t kernel_start,
                     uint64_t kernel_end)
{
	const struct rk_fdt *t = &b->fdt;
	uint64_t base, size;

	for (unsigned i = 0; b->nram < RK_ARRAY_SIZE(b->ram) &&
	                     rk_fdt_memory(t, i, &base, &size) == 0;
	     i++) {
		b->ram[b->nram++] = (struct rk_mem_range){base, size};
		rk_pmm_add_range(base, size);
	}
	if (!b->nram) {
		rk_puts("[BOOT] the device tree describes no memory");
		return -1;
	}
	rk_pmm_reserve(kernel_start, kernel_end - kernel_start);
	rk_pmm_reserve(b->dtb, t->totalsize);
	for (unsigned i = 0; rk_fdt_rsvmap(t, i, &base, &size) == 0; i++)
		rk_pmm_reserve(base, size);
	/* Firmware describes its own memory there (OpenSBI's mmode_resv*,
	 * which it also PMP-protects): everything with a reg stays out. */
	int rm = rk_fdt_path_offset(t, "/reserved-memory");
	for (int n = rm >= 0 ? rk_fdt_first_subnode(t, rm) : -1; n >= 0;
	     n = rk_fdt_next_subnode(t, n))
		for (unsigned i = 0; rk_fdt_reg(t, n, i, &base, &size) == 0;
		     i++)
			rk_pmm_reserve(base, size);

	int ir = rk_dtboot_initrd(t, &b->initrd_start, &b->initrd_end);
	if (ir < 0)
		return -1; /* said why */
	b->has_initrd = ir == 0;
	if (b->has_initrd)
		rk_pmm_reserve(b->initrd_start,
		               b->initrd_end - b->initrd_start);

	/* QEMU 7.1+ and U-Boot put random bytes in /chosen/rng-seed. */
	int c = rk_fdt_path_offset(t, "/chosen");
	static const char *const seeds[] = {"rng-seed", "kaslr-seed"};
	for (unsigned k = 0; c >= 0 && k < RK_ARRAY_SIZE(seeds); k++) {
		size_t len;
		const void *p = rk_fdt_getprop(t, c, seeds[k], &len);
		if (p)
			rk_entropy_add(p, len);
	}
	return 0;
}

/* The store: the first virtio-mmio node of the tree with a block device
 * behind it (QEMU virt lists one node per transport, most of them
 * empty).  The window is device memory in the port's boot map. */
static void find_store(const struct rk_fdt *t)
{
	for (int n = rk_fdt_find_compatible(t, -1, "virtio,mmio"); n >= 0;
	     n = rk_fdt_find_compatible(t, n, "virtio,mmio")) {
		uint64_t base, size;
		if (rk_fdt_is_enabled(t, n) &&
		    rk_fdt_reg(t, n, 0, &base, &size) == 0 && size >= 0x200 &&
		    rk_virtio_blk_probe((uintptr_t)base))
			return;
	}
}

void rk_dtboot_facts(const struct rk_dtboot *b, struct rk_boot *boot)
{
	find_store(&b->fdt);
	/* In the reserved tree, or in the reserved handoff. */
	boot->cmdline = b->cmdline ? b->cmdline : rk_fdt_bootargs(&b->fdt);
	if (b->has_initrd) {
		/* An empty initrd still means "run these payloads": none. */
		boot->has_payloads = true;
		boot->initrd = (const void *)(uintptr_t)b->initrd_start;
		boot->initrd_len = (size_t)(b->initrd_end - b->initrd_start);
	}
}

/* [s, e) inside one /memory range, s <= e, written so nothing
 * overflows. */
static bool in_ram(const struct rk_fdt *t, uint64_t s, uint64_t e)
{
	uint64_t b, n;
	for (unsigned i = 0; s <= e && rk_fdt_memory(t, i, &b, &n) == 0; i++)
		if (s >= b && s - b <= n && e - s <= n - (s - b))
			return true;
	return false;
}

int rk_dtboot_handoff(struct rk_dtboot *b, uint64_t addr)
{
	const struct rk_handoff *h = (const void *)(uintptr_t)addr;

	if (addr > UINT64_MAX - sizeof(*h) ||
	    !in_ram(&b->fdt, addr, addr + sizeof(*h))) {
		rk_printf("[BOOT] EFI handoff at 0x%llx is not in RAM\n",
		          (unsigned long long)addr);
		return -1;
	}
	if (h->magic != RK_HANDOFF_MAGIC || h->version != RK_HANDOFF_VERSION ||
	    h->size != sizeof(*h)) {
		rk_printf("[BOOT] EFI handoff at 0x%llx: magic 0x%llx version "
		          "%u size %u, expected 0x%llx, %u, %u (a loader from "
		          "another build?)\n",
		          (unsigned long long)addr,
		          (unsigned long long)h->magic, h->version, h->size,
		          (unsigned long long)RK_HANDOFF_MAGIC,
		          RK_HANDOFF_VERSION, (unsigned)sizeof(*h));
		return -1;
	}
	if (h->nreserved > RK_HANDOFF_MAX_RESERVED) {
		rk_printf("[BOOT] EFI handoff: nreserved held %u, expected at "
		          "most %u\n",
		          h->nreserved, RK_HANDOFF_MAX_RESERVED);
		return -1;
	}
	if (rk_strnlen(h->cmdline, sizeof(h->cmdline)) == sizeof(h->cmdline)) {
		rk_printf("[BOOT] EFI handoff: the command line has no NUL in "
		          "its %u bytes\n",
		          (unsigned)sizeof(h->cmdline));
		return -1;
	}
	if (h->initrd_len &&
	    (h->initrd > UINT64_MAX - h->initrd_len ||
	     !in_ram(&b->fdt, h->initrd, h->initrd + h->initrd_len))) {
		rk_printf("[BOOT] EFI handoff: payloads at 0x%llx, %llu bytes, "
		          "not in RAM\n",
		          (unsigned long long)h->initrd,
		          (unsigned long long)h->initrd_len);
		return -1;
	}
	rk_pmm_reserve(addr, sizeof(*h));
	for (uint32_t i = 0; i < h->nreserved; i++)
		rk_pmm_reserve(h->reserved[i].base, h->reserved[i].len);
	/* No payload files (initrd 0): the demo, as with no initrd; empty
	 * files still give a list, each refused by name. */
	b->has_initrd = h->initrd != 0;
	b->initrd_start = h->initrd;
	b->initrd_end = h->initrd + h->initrd_len;
	if (h->initrd_len)
		rk_pmm_reserve(h->initrd, h->initrd_len);
	b->cmdline = h->cmdline;
	b->efi = true;
	return 0;
}

int rk_dtboot_initrd(const struct rk_fdt *t, uint64_t *start, uint64_t *end)
{
	uint64_t s, e;
	int r = rk_fdt_initrd(t, &s, &e);

	if (r == RK_FDT_ERR_NOTFOUND)
		return 1;
	if (r < 0) {
		rk_printf("[BOOT] initrd: /chosen linux,initrd-start/-end: "
		          "%s\n",
		          rk_fdt_strerror(r));
		return -1;
	}
	if (in_ram(t, s, e)) {
		*start = s;
		*end = e;
		return 0;
	}
	rk_printf("[BOOT] initrd 0x%llx-0x%llx is not in RAM (no /memory "
	          "range of the device tree holds it)\n",
	          (unsigned long long)s, (unsigned long long)e);
	return -1;
}
