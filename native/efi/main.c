/*
 * main.c - the EFI loader: a UEFI application (PE32+) that carries the
 * kernel's ELF inside it, so firmware Secure Boot that verifies this one
 * file verifies the kernel and its keyring too (docs/boot.md).
 *
 * Entered by the firmware, it
 *   1. copies the embedded kernel to the addresses its ELF program headers
 *      name (allocated at exactly those addresses: the kernel is linked
 *      there and does not relocate);
 *   2. reads the payloads: every file of the directory `\rumpk` (or the
 *      one `dir=\PATH` names on its command line) of the volume it was
 *      loaded from, in name order, and the kernel command line from the
 *      file `cmdline` there followed by the loader's own load options;
 *   3. says whether the firmware has Secure Boot on;
 *   4. takes the memory map, builds the kernel's boot information from it
 *      (x86_64: Multiboot2; aarch64: the device tree and a handoff),
 *      exits boot services and jumps into the kernel, which runs rk_kmain
 *      as on every other path.
 * The console is the firmware's (ConOut) until step 4 and the kernel's
 * UART after it.  Any failure before step 4 is printed and returned to the
 * firmware, which goes on to its next boot option.
 */
#include "loader.h"

static struct efi_system_table *st;
static efi_handle self;

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dd = d;
	const uint8_t *ss = s;
	while (n--)
		*dd++ = *ss++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dd = d;
	while (n--)
		*dd++ = (uint8_t)c;
	return d;
}

/* ConOut takes UCS-2 and wants "\r\n"; the loader's text is ASCII. */
void rk_efi_print(const char *s)
{
	char16 buf[128];
	size_t n = 0;
	for (; *s; s++) {
		if (n + 3 > RK_EFI_ARRAY_SIZE(buf)) {
			buf[n] = 0;
			st->con_out->output_string(st->con_out, buf);
			n = 0;
		}
		if (*s == '\n')
			buf[n++] = '\r';
		buf[n++] = (char16)(uint8_t)*s;
	}
	buf[n] = 0;
	st->con_out->output_string(st->con_out, buf);
}

void rk_efi_print_hex(uint64_t v)
{
	char b[19] = "0x";
	int n = 2;
	for (int shift = 60; shift >= 0; shift -= 4)
		if ((v >> shift) || shift == 0 || n > 2)
			b[n++] = "0123456789abcdef"[(v >> shift) & 15];
	b[n] = 0;
	rk_efi_print(b);
}

const char *rk_efi_dec(uint64_t v, char buf[21])
{
	int n = 20;
	buf[n] = 0;
	do
		buf[--n] = (char)('0' + v % 10);
	while (v /= 10);
	return buf + n;
}

static void print_dec(uint64_t v)
{
	char b[21];
	rk_efi_print(rk_efi_dec(v, b));
}

/* Prints "[EFI] what ...; not booting"; a `what` starting with a blank,
 * comma or colon (or empty) ends a line the caller has begun. */
static efi_status fail(const char *what, efi_status s)
{
	if (what[0] && what[0] != ' ' && what[0] != ',' && what[0] != ':')
		rk_efi_print("[EFI] ");
	rk_efi_print(what);
	if (s) {
		rk_efi_print(" (EFI status ");
		rk_efi_print_hex(s);
		rk_efi_print(")");
	}
	rk_efi_print("; not booting\n");
	return s ? s : EFI_LOAD_ERROR;
}

/* Pages of loader data below rk_efi_max_address. */
efi_status rk_efi_alloc(uint64_t bytes, uint64_t *addr)
{
	*addr = rk_efi_max_address - 1;
	return st->boot->allocate_pages(EFI_ALLOCATE_MAX, EFI_LOADER_DATA,
	                                (size_t)((bytes + 4095) / 4096), addr);
}

bool rk_efi_type_is_ram(uint32_t type)
{
	return type == EFI_LOADER_CODE || type == EFI_LOADER_DATA ||
	       type == EFI_BOOT_SERVICES_CODE ||
	       type == EFI_BOOT_SERVICES_DATA || type == EFI_CONVENTIONAL;
}

/* ---- the embedded kernel (kernel.S) ---- */

extern const uint8_t rk_efi_kernel[], rk_efi_kernel_end[];

struct elf64_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1u

static const struct elf64_phdr *phdr(const struct elf64_ehdr *e, unsigned i)
{
	return (const void *)(rk_efi_kernel + e->phoff + (uint64_t)i * 56);
}

/* The ELF was linked in the same build, so a malformed one is a build
 * fault; it is still checked before anything is copied. */
static efi_status load_kernel(struct rk_efi_boot *b)
{
	uint64_t len = (uint64_t)(rk_efi_kernel_end - rk_efi_kernel);
	const struct elf64_ehdr *e = (const void *)rk_efi_kernel;
	if (len < sizeof(*e) || e->ident[0] != 0x7f || e->ident[1] != 'E' ||
	    e->ident[2] != 'L' || e->ident[3] != 'F' || e->ident[4] != 2 ||
	    e->machine != rk_efi_elf_machine || e->phentsize != 56 ||
	    e->phoff > len || (uint64_t)e->phnum * 56 > len - e->phoff)
		return fail("the embedded kernel is not an ELF64 file for this "
		            "machine",
		            0);
	uint64_t lo = UINT64_MAX, hi = 0;
	for (unsigned i = 0; i < e->phnum; i++) {
		const struct elf64_phdr *p = phdr(e, i);
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (p->filesz > p->memsz || p->offset > len ||
		    p->filesz > len - p->offset ||
		    p->paddr > rk_efi_max_address ||
		    p->memsz > rk_efi_max_address - p->paddr)
			return fail("the embedded kernel has a segment outside "
			            "its file or above the usable memory",
			            0);
		lo = p->paddr < lo ? p->paddr : lo;
		hi = p->paddr + p->memsz > hi ? p->paddr + p->memsz : hi;
	}
	if (hi == 0)
		return fail("the embedded kernel has nothing to load", 0);
	lo &= ~4095ull;
	hi = (hi + 4095) & ~4095ull;
	uint64_t at = lo;
	efi_status s = st->boot->allocate_pages(
	    EFI_ALLOCATE_AT, EFI_LOADER_DATA, (size_t)((hi - lo) / 4096), &at);
	if (EFI_ERROR(s)) {
		rk_efi_print("[EFI] the kernel is linked at ");
		rk_efi_print_hex(lo);
		rk_efi_print("-");
		rk_efi_print_hex(hi);
		return fail(", memory the firmware does not give out", s);
	}
	for (unsigned i = 0; i < e->phnum; i++) {
		const struct elf64_phdr *p = phdr(e, i);
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		uint8_t *dst = (uint8_t *)(uintptr_t)p->paddr;
		memcpy(dst, rk_efi_kernel + p->offset, (size_t)p->filesz);
		memset(dst + p->filesz, 0, (size_t)(p->memsz - p->filesz));
	}
	b->entry = e->entry;
	b->kernel_start = lo;
	b->kernel_end = hi;
	rk_efi_print("[EFI] kernel at ");
	rk_efi_print_hex(lo);
	rk_efi_print("-");
	rk_efi_print_hex(hi);
	rk_efi_print(", entry ");
	rk_efi_print_hex(b->entry);
	rk_efi_print("\n");
	return EFI_SUCCESS;
}

/* ---- the command line and the payload directory ---- */

size_t rk_efi_cat(char *dst, size_t cap, size_t at, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i] && at + 1 < cap; i++)
		dst[at++] =
		    s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
	dst[at] = 0;
	return at;
}

/* The load options (UCS-2; the UEFI shell puts the program's own name
 * first, a boot entry its optional data) as ASCII: anything else is '?'. */
static void load_options(struct efi_loaded_image *li, char *out, size_t cap)
{
	const char16 *o = li->load_options;
	size_t n = li->load_options_size / 2, k = 0;
	for (size_t i = 0; o && i < n && o[i] && k + 1 < cap; i++)
		out[k++] = o[i] >= 0x20 && o[i] < 0x7f ? (char)o[i] : ' ';
	out[k] = 0;
}

/* The value of word `key=` in s (up to a blank), copied to out. */
static bool word_value(const char *s, const char *key, char *out, size_t cap)
{
	size_t kl = 0;
	while (key[kl])
		kl++;
	for (const char *p = s; *p; p++) {
		if (p != s && p[-1] != ' ')
			continue;
		size_t i = 0;
		while (i < kl && p[i] == key[i])
			i++;
		if (i < kl)
			continue;
		size_t n = 0;
		for (p += kl; *p && *p != ' ' && n + 1 < cap; p++)
			out[n++] = *p;
		out[n] = 0;
		return true;
	}
	return false;
}

static void to_char16(const char *s, char16 *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 1 < cap; s++)
		out[n++] = (char16)(*s == '/' ? '\\' : *s);
	out[n] = 0;
}

static bool name_ok(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '.' || *n == '_' ||
		      *n == '+' || *n == '-'))
			return false;
	return true;
}

static int name_cmp(const char *a, const char *c)
{
	while (*a && *a == *c)
		a++, c++;
	return (uint8_t)*a - (uint8_t)*c;
}

static efi_status read_all(struct efi_file *f, void *buf, uint64_t size)
{
	size_t n = (size_t)size;
	efi_status s = f->read(f, &n, buf);
	if (!EFI_ERROR(s) && n != size)
		s = EFI_LOAD_ERROR;
	return s;
}

static uint8_t info_buf[1024] __attribute__((aligned(8)));

/* Lists the directory: every regular file but `cmdline` is a payload. */
static efi_status list_dir(struct efi_file *dir, const char *path,
                           struct rk_efi_boot *b, uint64_t *cmdline_size)
{
	*cmdline_size = UINT64_MAX;
	for (;;) {
		size_t n = sizeof(info_buf);
		efi_status s = dir->read(dir, &n, info_buf);
		if (EFI_ERROR(s))
			return fail("cannot read the payload directory", s);
		if (n == 0)
			return EFI_SUCCESS;
		const struct efi_file_info *fi = (const void *)info_buf;
		if (fi->attribute & EFI_FILE_DIRECTORY)
			continue;
		char name[RK_EFI_NAME];
		size_t k = 0;
		bool ascii = true;
		for (const char16 *c = fi->name; *c; c++) {
			if (k + 1 >= sizeof(name) || *c >= 0x80) {
				ascii = false;
				break;
			}
			name[k++] = (char)*c;
		}
		name[k] = 0;
		if (ascii && name_cmp(name, "cmdline") == 0) {
			*cmdline_size = fi->file_size;
			continue;
		}
		if (!ascii || !name_ok(name)) {
			rk_efi_print("[EFI] ");
			rk_efi_print(path);
			rk_efi_print(": a file name that is not 1 to 47 of "
			             "A-Z a-z 0-9 . _ + -");
			return fail("", EFI_INVALID_PARAM);
		}
		if (b->nfiles == RK_EFI_MAX_FILES)
			return fail("more than 32 files in the payload "
			            "directory",
			            EFI_OUT_OF_RESOURCES);
		/* Insertion in name order. */
		unsigned i = b->nfiles++;
		while (i > 0 && name_cmp(b->files[i - 1].name, name) > 0) {
			b->files[i] = b->files[i - 1];
			i--;
		}
		memcpy(b->files[i].name, name, k + 1);
		b->files[i].size = fi->file_size;
	}
}

static efi_status read_payloads(struct rk_efi_boot *b,
                                struct efi_loaded_image *li)
{
	static const efi_guid fs_guid = EFI_SIMPLE_FILE_SYSTEM_GUID;
	struct efi_simple_file_system *fs;
	struct efi_file *root, *dir, *f;
	char opts[RK_EFI_CMDLINE], path[128] = "\\rumpk";
	char16 wpath[128];

	load_options(li, opts, sizeof(opts));
	bool named = word_value(opts, "dir=", path, sizeof(path));
	efi_status s =
	    st->boot->handle_protocol(li->device, &fs_guid, (void **)&fs);
	if (EFI_ERROR(s))
		return fail("the volume this loader came from has no file "
		            "system",
		            s);
	if (EFI_ERROR(s = fs->open_volume(fs, &root)))
		return fail("cannot open the boot volume", s);
	to_char16(path, wpath, RK_EFI_ARRAY_SIZE(wpath));
	s = root->open(root, &dir, wpath, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(s) && named) {
		rk_efi_print("[EFI] dir=");
		rk_efi_print(path);
		return fail(": no such directory on the boot volume", s);
	}
	if (EFI_ERROR(s)) {
		/* No directory: no payloads, the kernel runs its demo. */
		rk_efi_print("[EFI] no payload directory ");
		rk_efi_print(path);
		rk_efi_print(" on the boot volume\n");
		rk_efi_cat(b->cmdline, sizeof(b->cmdline), 0, opts,
		           sizeof(opts));
		return EFI_SUCCESS;
	}
	uint64_t cmdline_size;
	if (EFI_ERROR(s = list_dir(dir, path, b, &cmdline_size)))
		return s;

	size_t at = 0;
	if (cmdline_size != UINT64_MAX) {
		static char file[RK_EFI_CMDLINE];
		if (cmdline_size >= sizeof(file)) {
			rk_efi_print("[EFI] the cmdline file has ");
			print_dec(cmdline_size);
			return fail(" bytes, expected at most 1023",
			            EFI_INVALID_PARAM);
		}
		s = dir->open(dir, &f, u"cmdline", EFI_FILE_MODE_READ, 0);
		if (!EFI_ERROR(s)) {
			s = read_all(f, file, cmdline_size);
			f->close(f);
		}
		if (EFI_ERROR(s))
			return fail("cannot read the cmdline file", s);
		file[cmdline_size] = 0;
		at = rk_efi_cat(b->cmdline, sizeof(b->cmdline), 0, file,
		                sizeof(file));
		at = rk_efi_cat(b->cmdline, sizeof(b->cmdline), at, " ", 1);
	}
	rk_efi_cat(b->cmdline, sizeof(b->cmdline), at, opts, sizeof(opts));

	/* One allocation for all of them, each at rk_efi_file_align. */
	uint64_t total = 0, a = rk_efi_file_align;
	for (unsigned i = 0; i < b->nfiles; i++) {
		if (b->files[i].size > (1ull << 30))
			return fail("a payload file over 1 GiB",
			            EFI_OUT_OF_RESOURCES);
		total = (total + a - 1) / a * a + b->files[i].size;
	}
	if (b->nfiles) {
		/* A page at least: empty files still make a (refused) list. */
		s = rk_efi_alloc(total ? total : 1, &b->blob);
		if (EFI_ERROR(s))
			return fail("no memory for the payloads", s);
	}
	uint64_t off = 0;
	for (unsigned i = 0; i < b->nfiles; i++) {
		struct rk_efi_file *p = &b->files[i];
		off = (off + a - 1) / a * a;
		p->addr = b->blob + off;
		to_char16(p->name, wpath, RK_EFI_ARRAY_SIZE(wpath));
		s = dir->open(dir, &f, wpath, EFI_FILE_MODE_READ, 0);
		if (!EFI_ERROR(s)) {
			s = read_all(f, (void *)(uintptr_t)p->addr, p->size);
			f->close(f);
		}
		if (EFI_ERROR(s)) {
			rk_efi_print("[EFI] ");
			rk_efi_print(p->name);
			return fail(": cannot read it", s);
		}
		off += p->size;
		rk_efi_print("[EFI] payload ");
		rk_efi_print(p->name);
		rk_efi_print(", ");
		print_dec(p->size);
		rk_efi_print(" bytes\n");
	}
	b->blob_len = off;
	dir->close(dir);
	root->close(root);
	return EFI_SUCCESS;
}

/* The SecureBoot variable (UEFI 2.10 3.3): 1 when the firmware enforces
 * signatures on what it starts, this loader included. */
static bool secure_boot(void)
{
	static const efi_guid g = EFI_GLOBAL_VARIABLE_GUID;
	uint8_t v = 0;
	size_t n = 1;
	efi_status s =
	    st->runtime->get_variable(u"SecureBoot", &g, NULL, &n, &v);
	return !EFI_ERROR(s) && n == 1 && v == 1;
}

/* ---- the memory map and the way out ---- */

static uint8_t map_buf[64 << 10] __attribute__((aligned(8)));

static efi_status exit_boot_services(struct rk_efi_boot *b)
{
	/* The map changes while it is being read when anything allocates;
	 * ExitBootServices then refuses the key and the map is taken
	 * again.  Nothing between the two calls may print or allocate. */
	for (int tries = 0; tries < 4; tries++) {
		size_t size = sizeof(map_buf), key, desc_size;
		uint32_t version;
		efi_status s = st->boot->get_memory_map(
		    &size, (struct efi_memory_descriptor *)map_buf, &key,
		    &desc_size, &version);
		if (EFI_ERROR(s))
			return fail("cannot take the memory map", s);
		const char *why =
		    rk_efi_arch_handoff(b, map_buf, size, desc_size);
		if (why)
			return fail(why, EFI_OUT_OF_RESOURCES);
		if (tries == 0)
			rk_efi_print("[EFI] exiting boot services\n");
		s = st->boot->exit_boot_services(self, key);
		if (!EFI_ERROR(s))
			return EFI_SUCCESS;
	}
	return fail("ExitBootServices kept refusing the memory map",
	            EFI_LOAD_ERROR);
}

efi_status efi_main(efi_handle image, struct efi_system_table *table);
efi_status efi_main(efi_handle image, struct efi_system_table *table)
{
	static const efi_guid li_guid = EFI_LOADED_IMAGE_GUID;
	static struct rk_efi_boot boot;
	struct efi_loaded_image *li;

	st = table;
	self = image;
	boot.st = table;
	rk_efi_print("[EFI] rumpk EFI loader\n");
	efi_status s = st->boot->handle_protocol(image, &li_guid, (void **)&li);
	if (EFI_ERROR(s))
		return fail("no loaded-image protocol", s);
	boot.secure_boot = secure_boot();
	rk_efi_print(boot.secure_boot
	                 ? "[EFI] Secure Boot is on: the firmware verified "
	                   "this loader and the kernel inside it\n"
	                 : "[EFI] Secure Boot is off\n");
	if (EFI_ERROR(s = load_kernel(&boot)) ||
	    EFI_ERROR(s = read_payloads(&boot, li)))
		return s;
	/* The payloads are the directory's files; a second list would cut
	 * them differently from what was read (src/kernel.c, images=). */
	char ignored[2];
	if (word_value(boot.cmdline, "images=", ignored, sizeof(ignored)))
		return fail("images= on the command line: the loader lists "
		            "the payload directory's files itself",
		            EFI_INVALID_PARAM);
	const char *why = rk_efi_arch_prepare(&boot);
	if (why)
		return fail(why, EFI_OUT_OF_RESOURCES);
	rk_efi_print("[EFI] command line: ");
	rk_efi_print(boot.cmdline);
	rk_efi_print("\n");
	if (EFI_ERROR(s = exit_boot_services(&boot)))
		return s;
	rk_efi_arch_enter(&boot);
}
