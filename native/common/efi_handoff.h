/*
 * efi_handoff.h - what the EFI loader (native/efi) hands a device-tree
 * kernel besides the tree, in x1 of the Linux arm64 boot protocol (a
 * register that protocol keeps zero, so a kernel booted any other way
 * sees none).
 *
 * The tree comes from the firmware's configuration table and describes
 * the machine; the handoff adds what a boot loader would have written into
 * /chosen (the payload blob and the command line) and the memory the
 * firmware's memory map says is not free RAM, which the tree does not
 * know.  x86_64 needs none of this: its loader builds Multiboot2
 * information instead.  Written by the loader inside the same signed
 * file as the kernel; the kernel still checks every field it uses.
 */
#ifndef RUMPK_NATIVE_EFI_HANDOFF_H
#define RUMPK_NATIVE_EFI_HANDOFF_H

#include <stdint.h>

#define RK_HANDOFF_MAGIC        0x464f444e41484b52ull /* "RKHANDOF" */
#define RK_HANDOFF_VERSION      1u
#define RK_HANDOFF_MAX_RESERVED 96u
#define RK_HANDOFF_CMDLINE      1024u

struct rk_handoff_range {
	uint64_t base, len;
};

struct rk_handoff {
	uint64_t magic;              /* RK_HANDOFF_MAGIC */
	uint32_t version;            /* RK_HANDOFF_VERSION */
	uint32_t size;               /* sizeof(struct rk_handoff) */
	uint64_t initrd, initrd_len; /* the payloads back to back */
	uint32_t nreserved;          /* entries used in reserved[] */
	uint32_t pad;                /* zero */
	/* Not free RAM by the firmware's memory map: runtime services,
	 * ACPI, reserved and unusable memory, merged and page-aligned. */
	struct rk_handoff_range reserved[RK_HANDOFF_MAX_RESERVED];
	char cmdline[RK_HANDOFF_CMDLINE]; /* NUL-terminated */
};

#endif
