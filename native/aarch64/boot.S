/*
 * boot.S - aarch64 entry.  QEMU virt enters at EL1 (EL2 with
 * virtualization=on: drop to EL1), MMU off, x0 = 0 for an ELF kernel
 * (the DTB is then at the start of RAM) or the DTB address, x1 = 0 (the
 * boot protocol's reserved register) or, from our EFI loader, its
 * handoff (native/common/efi_handoff.h).
 *
 * The first 64 bytes are a Linux arm64 Image header, so the same bytes
 * boot as an ELF (entry _start: the header's first word branches over
 * it) and, flattened with objcopy -O binary, as an Image: QEMU loads only
 * an Image (not an ELF) with -initrd and puts linux,initrd-start/-end in
 * /chosen; U-Boot's booti takes it too.  text_offset 0x200000 puts it at
 * the link address 0x40200000 on QEMU virt.  Installs
 * VBAR_EL1 first so a fault anywhere in boot exits non-zero, enables
 * FP/SIMD for payloads, sets up the boot stack, clears .bss and calls
 * a64_main(dtb, handoff).
 */
	.section .text.boot, "ax"
	.globl	_start
	.type	_start, %function
_start:
	b	a64_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x200000			/* text_offset */
	.quad	__kernel_size			/* image_size (with .bss) */
	.quad	0x2				/* flags: LE, 4 KiB pages */
	.quad	0, 0, 0				/* res2-res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */
a64_entry:
	mov	x19, x0				/* DTB (or 0) */
	mov	x20, x1				/* EFI handoff (or 0) */
	mrs	x1, CurrentEL
	lsr	x1, x1, #2
	cmp	x1, #2
	b.ne	1f
	/* EL2: EL1 is AArch64, may use the physical timer and counter. */
	mov	x1, #(1 << 31)			/* HCR_EL2.RW */
	msr	hcr_el2, x1
	mrs	x1, cnthctl_el2
	orr	x1, x1, #3			/* EL1PCTEN | EL1PCEN */
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #0x3c5			/* EL1h, DAIF masked */
	msr	spsr_el2, x1
	adr	x1, 1f
	msr	elr_el2, x1
	eret
1:
	adr	x1, a64_vectors
	msr	vbar_el1, x1
	mov	x1, #(3 << 20)			/* CPACR_EL1.FPEN: no FP traps */
	msr	cpacr_el1, x1
	msr	daifset, #0xf
	isb
	adrp	x1, a64_boot_stack_top
	add	x1, x1, :lo12:a64_boot_stack_top
	mov	sp, x1
	/* Clear .bss (16-byte aligned, size a multiple of 16). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
2:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	2b
3:	mov	x0, x19
	mov	x1, x20
	bl	a64_main
4:	wfi
	b	4b
	.size	_start, . - _start

	.bss
	.balign	16
	.globl	a64_boot_stack_top
a64_boot_stack:
	.space	16384
a64_boot_stack_top:
	.globl	a64_trap_stack_top
	.space	8192
a64_trap_stack_top:
