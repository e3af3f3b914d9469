/*
 * x86_64.S - the bare boot-time anchor for x86_64 (bench/qemu_boot.py):
 * a multiboot v1 and Multiboot2 kernel that prints nothing and exits through
 * isa-debug-exit at once, so QEMU's time to exit with it is the cost of
 * QEMU itself plus firmware, against which Rumpk's own boot is measured.
 *
 * Booted exactly like native/x86_64 (QEMU -kernel, ELF64 file): QEMU
 * refuses ELF64 multiboot kernels, so the header uses the a.out kludge
 * (flag 16, Multiboot Specification 0.6.96 section 3.1.3) and QEMU copies
 * the file from the header on.  Everything is in .text, linked at 1 MiB.
 * Entry is 32-bit protected mode; we stay there: no long mode needed to
 * write one port.  isa-debug-exit makes QEMU exit with (value << 1) | 1,
 * so value 0 is kernel status 0 (QEMU rc 1).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010000 /* a.out kludge only */
#define MB2_MAGIC 0xE85250D6

	.text
	.code32
bare_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long bare_header        /* header_addr */
	.long bare_header        /* load_addr */
	.long bare_end           /* load_end_addr */
	.long bare_end           /* bss_end_addr */
	.long _start             /* entry_addr */
/* Multiboot2 too, for the GRUB paths (the real kernel's boot.S has the
 * same tags): address (2), entry (3), end (0). */
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0
	.long mb2_end - mb2_header
	.long -(MB2_MAGIC + (mb2_end - mb2_header))
	.short 2, 0
	.long 24
	.long mb2_header, bare_header, bare_end, bare_end
	.short 3, 0
	.long 12
	.long _start
	.align 8
	.short 0, 0
	.long 8
mb2_end:
/* The ELF entry too, for the EFI loader, which enters as Multiboot2. */
	.globl _start
_start:
	cli
	xor %eax, %eax
	mov $0xf4, %dx
	outl %eax, %dx
1:	hlt                      /* not reached when the device is there */
	jmp 1b
	.balign 4
bare_end:

	.section .note.GNU-stack, "", @progbits
