/*
 * enter_aarch64.S - rk_efi_enter_a64(entry, dtb, handoff): into the
 * kernel as the Linux arm64 boot protocol says (MMU off, D-cache off,
 * interrupts masked, x0 the tree; x1 here the handoff).  UEFI runs with
 * an identity map, so turning the MMU off (SCTLR_ELx.M, and C for the
 * D-cache, bits 0 and 2) leaves this code at the same address.  The
 * caller has cleaned to the point of coherency everything the kernel
 * will read.  EL2 firmware (virtualization=on) leaves us at EL2; the
 * kernel drops to EL1 itself.
 */
	.text
	.globl	rk_efi_enter_a64
	.p2align 2
rk_efi_enter_a64:
	msr	daifset, #0xf
	mov	x19, x0
	mov	x20, x1
	mov	x21, x2
	mov	x5, #5				/* SCTLR_ELx.M | SCTLR_ELx.C */
	mrs	x3, CurrentEL
	lsr	x3, x3, #2
	cmp	x3, #2
	b.eq	1f
	mrs	x4, sctlr_el1
	bic	x4, x4, x5
	msr	sctlr_el1, x4
	b	2f
1:	mrs	x4, sctlr_el2
	bic	x4, x4, x5
	msr	sctlr_el2, x4
2:	isb
	ic	iallu
	dsb	sy
	isb
	mov	x0, x20
	mov	x1, x21
	mov	x2, xzr
	mov	x3, xzr
	br	x19
