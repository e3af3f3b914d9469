/*
 * aarch64.S - the bare boot-time anchor for aarch64 (bench/qemu_boot.py):
 * prints nothing, exits with status 0 through semihosting at once.
 *
 * Booted like native/aarch64 (QEMU -kernel with a flat arm64 Image, the
 * 64-byte header of the Linux arm64 boot protocol, Documentation/arm64/
 * booting.rst: code0, text_offset, image_size, flags, magic "ARM\x64" at
 * 0x38), so QEMU does the same Image loading and DTB placement work.
 * Semihosting SYS_EXIT (0x18) on AArch64 takes x1 = the address of a
 * two-doubleword block {reason, code}; reason ADP_Stopped_ApplicationExit
 * (0x20026) with code 0 makes QEMU exit 0 (ARM "Semihosting for AArch32
 * and AArch64", SYS_EXIT / SYS_EXIT_EXTENDED).  Position independent: adr.
 */
	.text
	.globl _start
_start:
	b	bare_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x200000			/* text_offset */
	.quad	bare_end - _start		/* image_size */
	.quad	0x2				/* flags: LE, 4 KiB pages */
	.quad	0, 0, 0				/* res2-res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */
bare_entry:
	mov	x0, #0x18			/* SYS_EXIT */
	adr	x1, exit_block
	hlt	#0xf000				/* the A64 semihosting trap */
1:	wfi
	b	1b
	.balign	8
exit_block:
	.quad	0x20026				/* ADP_Stopped_ApplicationExit */
	.quad	0				/* status 0 */
bare_end:
