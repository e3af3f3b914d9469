/*
 * aarch64.c - the EFI loader's aarch64 part: the kernel is entered as
 * the Linux arm64 boot protocol enters it (Documentation/arch/arm64/
 * booting.rst: MMU and D-cache off, x0 the device tree), with the
 * firmware's own tree, found in its configuration table under
 * EFI_DTB_TABLE_GUID (QEMU virt: with acpi=off, or EDK2 installs ACPI
 * tables instead), and x1 the handoff (native/common/efi_handoff.h):
 * the payloads back to back, their `images=NAME:SIZE,...` on the command
 * line as qemu_run.py writes it for -initrd, and the memory the
 * firmware's map keeps for itself.
 */
#include "efi_handoff.h"
#include "loader.h"

const uint16_t rk_efi_elf_machine = 183;        /* EM_AARCH64 */
const uint64_t rk_efi_max_address = 1ull << 48; /* 48-bit physical */
const uint64_t rk_efi_file_align = 1;           /* back to back */

__attribute__((noreturn)) void rk_efi_enter_a64(uint64_t entry, uint64_t dtb,
                                                uint64_t handoff);

static struct rk_handoff *ho;
static uint64_t dtb, dtb_len;

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static bool guid_eq(const efi_guid *a, const efi_guid *b)
{
	const uint8_t *x = (const void *)a, *y = (const void *)b;
	for (unsigned i = 0; i < sizeof(*a); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/* Appends the C string s (rk_efi_cat without a length). */
static size_t append(char *d, size_t at, size_t cap, const char *s)
{
	return rk_efi_cat(d, cap, at, s, SIZE_MAX);
}

const char *rk_efi_arch_prepare(struct rk_efi_boot *b)
{
	static const efi_guid dtb_guid = EFI_DTB_TABLE_GUID;
	for (size_t i = 0; i < b->st->ntables; i++)
		if (guid_eq(&b->st->tables[i].guid, &dtb_guid))
			dtb = (uint64_t)(uintptr_t)b->st->tables[i].table;
	if (!dtb || be32((const uint8_t *)(uintptr_t)dtb) != 0xd00dfeed)
		return "the firmware gives no device tree (QEMU: -M "
		       "virt,acpi=off)";
	dtb_len = be32((const uint8_t *)(uintptr_t)dtb + 4);

	uint64_t a;
	if (EFI_ERROR(rk_efi_alloc(sizeof(*ho), &a)))
		return "no memory for the handoff";
	ho = (struct rk_handoff *)(uintptr_t)a;
	memset(ho, 0, sizeof(*ho));
	ho->magic = RK_HANDOFF_MAGIC;
	ho->version = RK_HANDOFF_VERSION;
	ho->size = sizeof(*ho);
	ho->initrd = b->blob;
	ho->initrd_len = b->blob_len;

	/* images=NAME:SIZE,... first, then the user's words. */
	char *c = ho->cmdline;
	size_t at = 0, cap = sizeof(ho->cmdline);
	if (b->nfiles) {
		at = append(c, at, cap, "images=");
		for (unsigned i = 0; i < b->nfiles; i++) {
			char num[21];
			at = append(c, at, cap, i ? "," : "");
			at = append(c, at, cap, b->files[i].name);
			at = append(c, at, cap, ":");
			at = append(c, at, cap,
			            rk_efi_dec(b->files[i].size, num));
		}
		at = append(c, at, cap, " ");
	}
	if (append(c, at, cap, b->cmdline) + 1 >= cap)
		return "the command line with the image list is over 1023 "
		       "bytes";
	memcpy(b->cmdline, c, sizeof(b->cmdline) - 1);
	return NULL;
}

const char *rk_efi_arch_handoff(struct rk_efi_boot *b, const uint8_t *map,
                                size_t map_size, size_t desc_size)
{
	(void)b;
	uint32_t n = 0;
	for (size_t off = 0; desc_size && off + desc_size <= map_size;
	     off += desc_size) {
		const struct efi_memory_descriptor *d =
		    (const void *)(map + off);
		if (rk_efi_type_is_ram(d->type))
			continue;
		uint64_t base = d->physical_start, len = d->pages * 4096;
		if (n && ho->reserved[n - 1].base + ho->reserved[n - 1].len ==
		             base) {
			ho->reserved[n - 1].len += len;
			continue;
		}
		if (n == RK_HANDOFF_MAX_RESERVED)
			return "the firmware's memory map has more than 96 "
			       "reserved ranges";
		ho->reserved[n].base = base;
		ho->reserved[n].len = len;
		n++;
	}
	ho->nreserved = n;
	return NULL;
}

/* Clean and invalidate to the point of coherency (Arm ARM D7.5.9: DC
 * CIVAC by VA, the smallest D-cache line from CTR_EL0.DminLine): what
 * the loader wrote must be in memory once the kernel reads it with the
 * caches off. */
static void clean(uint64_t start, uint64_t len)
{
	uint64_t ctr;
	__asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
	uint64_t line = 4ull << ((ctr >> 16) & 15);
	for (uint64_t a = start & ~(line - 1); a < start + len; a += line)
		__asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
}

void rk_efi_arch_enter(struct rk_efi_boot *b)
{
	clean(b->kernel_start, b->kernel_end - b->kernel_start);
	clean((uint64_t)(uintptr_t)ho, sizeof(*ho));
	clean(b->blob, b->blob_len);
	clean(dtb, dtb_len);
	__asm__ volatile("dsb sy" ::: "memory");
	rk_efi_enter_a64(b->entry, dtb, (uint64_t)(uintptr_t)ho);
}
