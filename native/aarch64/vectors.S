/*
 * vectors.S - the EL1 exception vector table (VBAR_EL1).
 *
 * IRQs taken at EL1 (current EL, SP_EL1: the kernel and every fiber run
 * there) save the caller-saved registers, ELR and SPSR on the current
 * stack, call a64_irq() and return.  Everything else is fatal: the stub
 * moves to a dedicated trap stack first (the faulting sp may be the guard
 * page below a fiber stack), then calls a64_trap(vector, sp, lr), which
 * reports ESR/ELR/FAR and ends the system with status 100.
 */
	.macro	FATAL idx
	.balign	0x80
	msr	tpidr_el1, x0
	mov	x0, sp
	msr	tpidr_el0, x0			/* sp at the fault */
	adrp	x0, a64_trap_stack_top
	add	x0, x0, :lo12:a64_trap_stack_top
	mov	sp, x0
	mov	x0, #\idx
	mrs	x1, tpidr_el0
	mov	x2, x30
	bl	a64_trap
	b	.
	.endm

	.text
	.balign	2048
	.globl	a64_vectors
a64_vectors:
	/* Current EL with SP_EL0 (never used). */
	FATAL	0
	FATAL	1
	FATAL	2
	FATAL	3
	/* Current EL with SP_ELx. */
	FATAL	4				/* synchronous */
	.balign	0x80				/* IRQ */
	b	a64_irq_entry
	FATAL	6				/* FIQ */
	FATAL	7				/* SError */
	/* Lower EL, AArch64 and AArch32 (no EL0 code exists). */
	FATAL	8
	FATAL	9
	FATAL	10
	FATAL	11
	FATAL	12
	FATAL	13
	FATAL	14
	FATAL	15

	.balign	16
a64_irq_entry:
	sub	sp, sp, #192
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	bl	a64_irq
	ldr	x1, [sp, #176]
	ldp	x30, x0, [sp, #160]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x18, x29, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #192
	eret
