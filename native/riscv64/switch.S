/*
 * switch.S - fiber context switch.  struct hal_ctx { void *sp; } sits at
 * the top of each fiber stack; the callee-saved registers (ra, s0-s11)
 * are pushed on the stack being left, and its sp is stored in the ctx.
 */
	.text
	.globl	hal_ctx_switch
	.type	hal_ctx_switch, @function
/* void hal_ctx_switch(hal_ctx_t *from (a0), hal_ctx_t *to (a1)) */
hal_ctx_switch:
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	sd	sp, 0(a0)
	ld	sp, 0(a1)
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret
	.size	hal_ctx_switch, . - hal_ctx_switch

/* First switch into a new fiber lands here with s0 = entry, s1 = arg
 * (hal_ctx_init builds that frame). */
	.globl	rv_ctx_start
	.type	rv_ctx_start, @function
rv_ctx_start:
	mv	a0, s1
	jalr	s0
	call	rv_fiber_returned
	.size	rv_ctx_start, . - rv_ctx_start
