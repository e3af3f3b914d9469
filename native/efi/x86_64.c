/*
 * x86_64.c - the EFI loader's x86_64 part: the kernel is entered the way
 * GRUB enters it, as a Multiboot2 kernel (eax = 0x36D76289, ebx = the
 * information, 32-bit protected mode, paging off), so native/x86_64/boot.c
 * reads the memory map, modules and command line with the parser it
 * already has.  The information is built from the firmware's final memory
 * map (Multiboot2 specification 3.6: tags 1 command line, 2 boot loader
 * name, 3 module, 6 memory map, 12 EFI 64-bit system table, 0 end).
 *
 * UEFI leaves the CPU in long mode with its own identity-mapped page
 * tables; enter.S (x86_64) leaves long mode on a page below 4 GiB, as the
 * kernel's Multiboot entry expects, and jumps.
 */
#include "loader.h"

const uint16_t rk_efi_elf_machine = 62;         /* EM_X86_64 */
const uint64_t rk_efi_max_address = 1ull << 32; /* the kernel maps 4 GiB */
const uint64_t rk_efi_file_align = 4096;        /* page-aligned modules */

#define MB2_MAGIC    0x36d76289u
#define MB2_INFO_MAX (64u << 10) /* what the kernel accepts */

extern const uint8_t rk_efi_enter32[], rk_efi_enter32_end[];

struct x86_handoff {
	uint8_t *info;  /* MB2_INFO_MAX bytes below 4 GiB */
	uint8_t *tramp; /* a copy of enter.S, below 4 GiB */
};
static struct x86_handoff ho;

const char *rk_efi_arch_prepare(struct rk_efi_boot *b)
{
	uint64_t a;
	if (EFI_ERROR(rk_efi_alloc(MB2_INFO_MAX, &a)))
		return "no memory below 4 GiB for the Multiboot2 information";
	ho.info = (uint8_t *)(uintptr_t)a;
	a = rk_efi_max_address - 1;
	if (EFI_ERROR(b->st->boot->allocate_pages(EFI_ALLOCATE_MAX,
	                                          EFI_LOADER_CODE, 1, &a)))
		return "no page below 4 GiB for the way into the kernel";
	ho.tramp = (uint8_t *)(uintptr_t)a;
	memcpy(ho.tramp, rk_efi_enter32,
	       (size_t)(rk_efi_enter32_end - rk_efi_enter32));
	return NULL;
}

static uint8_t *tag(uint8_t *p, uint32_t type, uint32_t size)
{
	((uint32_t *)p)[0] = type;
	((uint32_t *)p)[1] = size;
	return p + 8;
}

static uint32_t align8(uint32_t n)
{
	return (n + 7) & ~7u;
}

static uint32_t str_size(const char *s)
{
	uint32_t n = 0;
	while (s[n])
		n++;
	return n + 1;
}

static uint32_t mb2_type(uint32_t efi_type)
{
	if (rk_efi_type_is_ram(efi_type))
		return 1; /* available */
	if (efi_type == EFI_ACPI_RECLAIM)
		return 3;
	if (efi_type == EFI_ACPI_NVS)
		return 4;
	return efi_type == EFI_UNUSABLE ? 5 : 2;
}

const char *rk_efi_arch_handoff(struct rk_efi_boot *b, const uint8_t *map,
                                size_t map_size, size_t desc_size)
{
	static const char name[] = "rumpk EFI loader";
	uint8_t *p = ho.info + 8, *end = ho.info + MB2_INFO_MAX;
	uint32_t n;

	/* Strings and modules first: they are small and bounded (32 files,
	 * 1 KiB of command line); the map is checked as it is written. */
	n = str_size(b->cmdline);
	memcpy(tag(p, 1, 8 + n), b->cmdline, n);
	p += align8(8 + n);
	memcpy(tag(p, 2, 8 + sizeof(name)), name, sizeof(name));
	p += align8(8 + sizeof(name));
	for (unsigned i = 0; i < b->nfiles; i++) {
		const struct rk_efi_file *f = &b->files[i];
		n = str_size(f->name);
		uint32_t *m = (uint32_t *)tag(p, 3, 16 + n);
		m[0] = (uint32_t)f->addr;
		m[1] = (uint32_t)(f->addr + f->size);
		memcpy(m + 2, f->name, n);
		p += align8(16 + n);
	}
	*(uint64_t *)tag(p, 12, 16) = (uint64_t)(uintptr_t)b->st;
	p += 16;

	/* The memory map, neighbours of one type merged. */
	uint8_t *mmap = p;
	uint32_t *hdr = (uint32_t *)tag(p, 6, 0);
	hdr[0] = 24; /* entry size */
	hdr[1] = 0;  /* entry version */
	p += 16;
	uint64_t *last = NULL;
	for (size_t off = 0; desc_size && off + desc_size <= map_size;
	     off += desc_size) {
		const struct efi_memory_descriptor *d =
		    (const void *)(map + off);
		uint64_t base = d->physical_start, len = d->pages * 4096;
		uint32_t type = mb2_type(d->type);
		if (last && last[0] + last[1] == base &&
		    (uint32_t)last[2] == type) {
			last[1] += len;
			continue;
		}
		if (p + 24 + 8 > end)
			return "the firmware's memory map does not fit 64 KiB "
			       "of Multiboot2 information";
		last = (uint64_t *)p;
		last[0] = base;
		last[1] = len;
		last[2] = type; /* type, then a zero u32 */
		p += 24;
	}
	((uint32_t *)mmap)[1] = (uint32_t)(p - mmap);
	tag(p, 0, 8);
	p += 8;
	((uint32_t *)ho.info)[0] = (uint32_t)(p - ho.info);
	((uint32_t *)ho.info)[1] = 0;
	return NULL;
}

void rk_efi_arch_enter(struct rk_efi_boot *b)
{
	void (*enter)(uint32_t entry, uint32_t info, uint32_t magic) =
	    (void (*)(uint32_t, uint32_t, uint32_t))(uintptr_t)ho.tramp;
	enter((uint32_t)b->entry, (uint32_t)(uintptr_t)ho.info, MB2_MAGIC);
	for (;;)
		__asm__ volatile("hlt");
}
