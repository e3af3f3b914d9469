/*
 * boot.c - x86_64 boot in C (after boot.S): console, traps, the multiboot
 * memory map into the pmm, page permissions, user mode, interrupts and time,
 * multiboot modules as payloads, then rk_kmain and hal_exit.
 */
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/status.h>

#include "arch.h"
#include "pmm.h"
#include "virtio_blk.h"

#define MB_BOOT_MAGIC 0x2BADB002u
#define MBI_MEM       (1u << 0)
#define MBI_CMDLINE   (1u << 2)
#define MBI_MODS      (1u << 3)
#define MBI_MMAP      (1u << 6)
#define MAPPED_TOP    (4ull << 30)

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct mb_module {
	uint32_t start, end, string, reserved;
};

struct __attribute__((packed)) mb_mmap {
	uint32_t size;
	uint64_t base, len;
	uint32_t type;
};

static struct rk_boot_image images[RK_MAX_IMAGES];

static void *ptr(uint64_t a)
{
	return (void *)(uintptr_t)a;
}

static void add_ram(uint64_t base, uint64_t len)
{
	if (base >= MAPPED_TOP)
		return;
	if (len > MAPPED_TOP - base)
		len = MAPPED_TOP - base; /* only the identity map is usable */
	rk_pmm_add_range(base, len);
}

static const char *basename(const char *s)
{
	const char *b = s;
	for (; *s && *s != ' '; s++)
		if (*s == '/')
			b = s + 1;
	return b;
}

/* Module names: the file name of each module string, cut at the first
 * blank (QEMU passes "path args" for "-initrd 'path args'"). */
static char names[RK_MAX_IMAGES][48];

/* Module i, [start, end) named by its string, reserved and taken as
 * image *n (when there is room). */
static void add_module(size_t *n, uint32_t i, uint64_t start, uint64_t end,
                       const char *string)
{
	if (end > start)
		rk_pmm_reserve(start, end - start);
	if (*n == RK_MAX_IMAGES) {
		rk_printf("[BOOT] module %u ignored: %u modules at most\n", i,
		          RK_MAX_IMAGES);
		return;
	}
	rk_strlcpy(names[*n], basename(string), sizeof(names[*n]));
	for (char *c = names[*n]; *c; c++)
		if (*c == ' ')
			*c = '\0';
	if (!names[*n][0])
		rk_snprintf(names[*n], sizeof(names[*n]), "module#%u", i);
	images[*n].data = ptr(start);
	images[*n].len = end > start ? end - start : 0;
	images[*n].name = names[*n];
	(*n)++;
}

static size_t memory_and_modules(const struct mb_info *mbi)
{
	if (mbi->flags & MBI_MMAP) {
		for (uint64_t a = mbi->mmap_addr;
		     a + sizeof(struct mb_mmap) <=
		     (uint64_t)mbi->mmap_addr + mbi->mmap_length;) {
			const struct mb_mmap *e = ptr(a);
			if (e->type == 1)
				add_ram(e->base, e->len);
			a += (uint64_t)e->size + 4;
		}
	} else if (mbi->flags & MBI_MEM) {
		add_ram(1ull << 20, (uint64_t)mbi->mem_upper << 10);
	}
	/* Low memory (BIOS data, the boot loader's tables) and the image. */
	rk_pmm_reserve(0, 1ull << 20);
	rk_pmm_reserve((uint64_t)(uintptr_t)__image_start,
	               (uint64_t)(uintptr_t)(__image_end - __image_start));
	rk_pmm_reserve((uint64_t)(uintptr_t)mbi, sizeof(*mbi));
	if (mbi->flags & MBI_MMAP)
		rk_pmm_reserve(mbi->mmap_addr, mbi->mmap_length);

	size_t n = 0;
	if (!(mbi->flags & MBI_MODS))
		return 0;
	const struct mb_module *m = ptr(mbi->mods_addr);
	rk_pmm_reserve(mbi->mods_addr, (uint64_t)mbi->mods_count * sizeof(*m));
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		add_module(&n, i, m[i].start, m[i].end,
		           m[i].string ? ptr(m[i].string) : "");
	return n;
}

/* The multiboot command line, copied: the loader's copy lives in memory
 * the page allocator may hand out.  QEMU passes "KERNEL -append...", GRUB
 * "KERNEL ARGS"; the core looks for whole words, so the path is harmless. */
static char cmdline[512];

static const char *copy_cmdline(const struct mb_info *mbi)
{
	if (!(mbi->flags & MBI_CMDLINE) || !mbi->cmdline)
		return NULL;
	const char *s = ptr(mbi->cmdline);
	if (rk_strlcpy(cmdline, s, sizeof(cmdline)) >= sizeof(cmdline))
		rk_puts("[BOOT] command line cut at 511 bytes");
	return cmdline;
}

/* The store (docs/store.md): QEMU's microvm machine puts its 24
 * virtio-mmio transports at 0xfeb00000, 512 bytes apart (the devices
 * given on the command line take the last ones); the first with a block
 * device behind it is the store.  On other machines nothing there answers
 * with the virtio magic. */
#define MICROVM_VIRTIO_BASE  0xfeb00000ull
#define MICROVM_VIRTIO_SLOTS 24u
static void find_store(void)
{
	x86_mmu_device(MICROVM_VIRTIO_BASE, MICROVM_VIRTIO_SLOTS * 0x200);
	for (unsigned i = 0; i < MICROVM_VIRTIO_SLOTS; i++)
		if (rk_virtio_blk_probe(
		        (uintptr_t)(MICROVM_VIRTIO_BASE + i * 0x200ull)))
			return;
}

/* Multiboot2 (GRUB's multiboot2; Multiboot2 specification 3.6): the
 * information is a u32 total size, a u32 zero, then tags, 8-byte aligned,
 * each a u32 type and u32 size: 1 the command line, 3 a module (start,
 * end, string), 6 the memory map (entry size and version, then entries
 * of base, length, type, zero), 12 the EFI system table, 0 the end.  Each tag
 * is checked to lie inside the total size before it is read. */
#define MB2_BOOT_MAGIC 0x36D76289u

/* Whether the Multiboot2 loader ran on UEFI firmware (tag 12: GRUB's
 * EFI build and native/efi pass the system table). */
static bool efi;

static size_t mb2_boot(uint32_t info, const char **args)
{
	const uint8_t *b = ptr(info);
	uint32_t total = *(const uint32_t *)b;
	size_t n = 0;
	unsigned mods = 0;

	*args = NULL;
	if (total < 16 || total > (64u << 10)) {
		rk_printf("[BOOT] multiboot2 information of %u bytes: expected "
		          "16 to 65536\n",
		          total);
		return 0;
	}
	/* Memory first: the modules are reserved in it. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t off = 8; off + 8 <= total;) {
			uint32_t type = *(const uint32_t *)(b + off);
			uint32_t size = *(const uint32_t *)(b + off + 4);
			if (type == 0 || size < 8 || size > total - off)
				break;
			const uint8_t *t = b + off;
			if (pass == 0 && type == 6 && size >= 16) {
				uint32_t esz = *(const uint32_t *)(t + 8);
				for (uint32_t e = 16;
				     esz >= 24 && e + esz <= size; e += esz) {
					const uint8_t *x = t + e;
					if (*(const uint32_t *)(x + 16) == 1)
						add_ram(
						    *(const uint64_t *)x,
						    *(const uint64_t *)(x + 8));
				}
			} else if (pass == 1 && type == 3 && size >= 17) {
				add_module(&n, mods++,
				           *(const uint32_t *)(t + 8),
				           *(const uint32_t *)(t + 12),
				           (const char *)(t + 16));
			} else if (pass == 1 && type == 12 && size >= 16) {
				efi = true; /* an EFI system table: UEFI */
			} else if (pass == 1 && type == 1 && size > 8 &&
			           t[size - 1] == '\0') {
				if (rk_strlcpy(cmdline, (const char *)(t + 8),
				               sizeof(cmdline)) >=
				    sizeof(cmdline))
					rk_puts(
					    "[BOOT] command line cut at 511 "
					    "bytes");
				*args = cmdline;
			}
			off += (size + 7) & ~7u;
		}
		if (pass == 0) {
			rk_pmm_reserve(0, 1ull << 20);
			rk_pmm_reserve(
			    (uint64_t)(uintptr_t)__image_start,
			    (uint64_t)(uintptr_t)(__image_end - __image_start));
			rk_pmm_reserve(info, total);
		}
	}
	return n;
}

/* GRUB's EFI build may put a module at physical address 0, which is
 * RAM on a UEFI PC; the kernel unmaps page 0 so that NULL faults.  Such
 * a module is copied to pages of its own, once every module is reserved
 * (so the copy lands on none of them), while the boot map still maps
 * page 0. */
static void move_modules_off_page0(size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uintptr_t a = (uintptr_t)images[i].data;
		if (a >= 4096 || images[i].len == 0)
			continue;
		size_t pages = (images[i].len + 4095) / 4096;
		void *copy = rk_pmm_alloc_pages(pages);
		if (!copy) {
			rk_printf("[BOOT] no memory to move module '%s' off "
			          "page 0\n",
			          images[i].name);
			hal_exit(RK_EXIT_PANIC);
		}
		rk_memcpy(copy, (const void *)a, images[i].len);
		images[i].data = copy;
	}
}

void x86_main(uint32_t magic, uint32_t info);
void x86_main(uint32_t magic, uint32_t info)
{
	x86_console_init();
	x86_trap_init();
	if (magic != MB_BOOT_MAGIC && magic != MB2_BOOT_MAGIC) {
		rk_printf("[BOOT] not started by a multiboot loader (eax=0x%x)"
		          "\n",
		          magic);
		hal_exit(RK_EXIT_PANIC);
	}
	const char *args;
	size_t nimages;
	if (magic == MB2_BOOT_MAGIC) {
		nimages = mb2_boot(info, &args);
	} else {
		const struct mb_info *mbi = ptr(info);
		args = copy_cmdline(mbi);
		nimages = memory_and_modules(mbi);
	}
	if (rk_pmm_free_count() == 0) {
		rk_puts("[BOOT] no usable memory in the multiboot memory map");
		hal_exit(RK_EXIT_PANIC);
	}
	move_modules_off_page0(nimages);
	x86_mmu_init();
	/* W^X rests on NX: without it every readable page is executable,
	 * and a payload could run bytes it wrote to its stack.  Refuse to
	 * run any payload rather than pretend. */
	if (!x86_has_nx) {
		rk_puts("[BOOT] this CPU has no NX (CPUID 0x80000001 EDX bit "
		        "20): data pages would be executable, so W^X cannot "
		        "hold; refusing to run any payload");
		hal_exit(RK_EXIT_REFUSED);
	}
	x86_user_init();
	x86_irq_init();
	x86_timer_init();
	find_store();

	struct rk_boot boot = {
	    .platform = magic != MB2_BOOT_MAGIC ? "pc-multiboot"
	                : efi                   ? "pc-uefi"
	                                        : "pc-multiboot2",
	    .has_payloads = nimages > 0,
	    .images = images,
	    .nimages = nimages,
	    .cmdline = args,
	};
	hal_exit(rk_kmain(&boot));
}
