/*
 * switch.S - fiber context switch.  struct hal_ctx { void *sp; } sits at
 * the top of each fiber stack; the callee-saved registers (x19-x30 and
 * d8-d15: the kernel never uses FP, payloads may) are pushed on the stack
 * being left and its sp is stored in the ctx.
 */
	.arch	armv8-a+fp+simd

	.text
	.globl	hal_ctx_switch
	.type	hal_ctx_switch, %function
/* void hal_ctx_switch(hal_ctx_t *from (x0), hal_ctx_t *to (x1)) */
hal_ctx_switch:
	sub	sp, sp, #160
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mov	x9, sp
	str	x9, [x0]
	ldr	x9, [x1]
	mov	sp, x9
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	add	sp, sp, #160
	ret
	.size	hal_ctx_switch, . - hal_ctx_switch

/* First switch into a new fiber lands here with x19 = entry, x20 = arg
 * (hal_ctx_init builds that frame). */
	.globl	a64_ctx_start
	.type	a64_ctx_start, %function
a64_ctx_start:
	mov	x0, x20
	blr	x19
	bl	a64_fiber_returned
	b	.
	.size	a64_ctx_start, . - a64_ctx_start

/*
 * void a64_bbm_replace(uint64_t *entry (x0), uint64_t desc (x1),
 *                      uint64_t va (x2))
 * Break-before-make for a live translation entry (a block split into a
 * table): invalid, TLB invalidate, then the new descriptor.  Touches no
 * memory but the entry, with interrupts masked, so it may split the block
 * holding the current stack.
 */
	.globl	a64_bbm_replace
	.type	a64_bbm_replace, %function
a64_bbm_replace:
	mrs	x3, daif
	msr	daifset, #0xf
	str	xzr, [x0]
	dsb	ishst
	lsr	x4, x2, #12
	tlbi	vaae1is, x4
	dsb	ish
	str	x1, [x0]
	dsb	ishst
	isb
	msr	daif, x3
	ret
	.size	a64_bbm_replace, . - a64_bbm_replace

/* uint64_t a64_semihost_call(uint64_t op (x0), const void *block (x1)):
 * a semihosting call (needs QEMU -semihosting; traps otherwise). */
	.globl	a64_semihost_call
	.type	a64_semihost_call, %function
a64_semihost_call:
	hlt	#0xf000
	ret
	.size	a64_semihost_call, . - a64_semihost_call
