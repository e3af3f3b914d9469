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
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		if (m[i].end > m[i].start)
			rk_pmm_reserve(m[i].start, m[i].end - m[i].start);
		if (n == RK_MAX_IMAGES) {
			rk_printf("[BOOT] module %u ignored: %u modules at "
			          "most\n",
			          i, RK_MAX_IMAGES);
			continue;
		}
		const char *s = m[i].string ? ptr(m[i].string) : "";
		rk_strlcpy(names[n], basename(s), sizeof(names[n]));
		for (char *c = names[n]; *c; c++)
			if (*c == ' ')
				*c = '\0';
		if (!names[n][0])
			rk_snprintf(names[n], sizeof(names[n]), "module#%u", i);
		images[n].data = ptr(m[i].start);
		images[n].len =
		    m[i].end > m[i].start ? m[i].end - m[i].start : 0;
		images[n].name = names[n];
		n++;
	}
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

void x86_main(uint32_t magic, uint32_t info);
void x86_main(uint32_t magic, uint32_t info)
{
	x86_console_init();
	x86_trap_init();
	if (magic != MB_BOOT_MAGIC) {
		rk_printf("[BOOT] not started by a multiboot loader (eax=0x%x)"
		          "\n",
		          magic);
		hal_exit(RK_EXIT_PANIC);
	}
	const struct mb_info *mbi = ptr(info);
	const char *args = copy_cmdline(mbi);
	size_t nimages = memory_and_modules(mbi);
	if (rk_pmm_free_count() == 0) {
		rk_puts("[BOOT] no usable memory in the multiboot memory map");
		hal_exit(RK_EXIT_PANIC);
	}
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
	    .platform = "pc-multiboot",
	    .has_payloads = nimages > 0,
	    .images = images,
	    .nimages = nimages,
	    .cmdline = args,
	};
	hal_exit(rk_kmain(&boot));
}
