/*
 * vectors.S - the EL1 exception vector table (VBAR_EL1), and the way
 * down to EL0 (hal_user_enter).
 *
 * IRQs taken at EL1 (current EL, SP_EL1: the kernel and every fiber run
 * there) save the caller-saved registers, ELR and SPSR on the current
 * stack, call a64_irq() and return.  Synchronous exceptions and IRQs
 * from EL0 (payloads) save the whole user state, struct a64_uframe
 * (arch.h), on SP_EL1: taking an exception to EL1 sets PSTATE.SP, so the
 * handler runs on SP_EL1 (Arm ARM, SPSel), which every eret to EL0
 * leaves at the top of the running fiber's kernel stack (hal_user_enter
 * puts it there, the return path pops back to it).  Everything else is
 * fatal: the stub moves to a dedicated trap stack first (the faulting sp
 * may be the guard page below a fiber stack), then calls a64_trap(vector,
 * sp, lr), which reports ESR/ELR/FAR and ends the system with status 100.
 */
	.arch	armv8-a+fp+simd

/* struct a64_uframe (arch.h): x0-x30, sp_el0, elr, spsr, tpidr_el0, a
 * pad, fpsr, fpcr, q0-q31. */
#define UF_ELR   256
#define UF_TPIDR 272
#define UF_FPSR  288
#define UF_Q     304
#define UF_SIZE  816

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
	/* Lower EL, AArch64: payloads.  AArch32 EL0 is never entered. */
	.balign	0x80				/* synchronous */
	b	a64_el0_sync_entry
	.balign	0x80				/* IRQ */
	b	a64_el0_irq_entry
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

/* The user state on entry from EL0, onto SP_EL1: all of it, FP/SIMD
 * included (the kernel never touches FP, but a payload preempted here
 * may be resumed after another payload ran), and TPIDR_EL0, which EL0
 * may write. */
	.macro	EL0_SAVE
	sub	sp, sp, #UF_SIZE
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x0, sp_el0
	stp	x30, x0, [sp, #240]		/* x30, sp_el0 */
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x0, x1, [sp, #UF_ELR]
	mrs	x0, tpidr_el0
	str	x0, [sp, #UF_TPIDR]
	mrs	x0, fpsr
	mrs	x1, fpcr
	stp	x0, x1, [sp, #UF_FPSR]
	add	x0, sp, #UF_Q
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	.endm

/* Synchronous from EL0: a64_el0_sync (user.c) makes a syscall or ends
 * the payload; it returns with IRQs masked. */
	.balign	16
a64_el0_sync_entry:
	EL0_SAVE
	mov	x0, sp
	bl	a64_el0_sync
	b	a64_el0_return

/* IRQ from EL0: dispatch as at EL1, then let the core preempt or end the
 * payload (rk_user_return) with IRQs on. */
	.balign	16
a64_el0_irq_entry:
	EL0_SAVE
	bl	a64_irq
	msr	daifclr, #2
	bl	rk_user_return
	msr	daifset, #2
	/* fall through */

/* Back to EL0 from the frame at sp, IRQs masked (ELR and SPSR must not
 * change before the eret). */
a64_el0_return:
	add	x0, sp, #UF_Q
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	ldp	x0, x1, [sp, #UF_FPSR]
	msr	fpsr, x0
	msr	fpcr, x1
	ldr	x0, [sp, #UF_TPIDR]
	msr	tpidr_el0, x0
	ldp	x0, x1, [sp, #UF_ELR]
	msr	elr_el1, x0
	msr	spsr_el1, x1
	ldp	x30, x0, [sp, #240]		/* x30, sp_el0 */
	msr	sp_el0, x0
	ldp	x28, x29, [sp, #224]
	ldp	x26, x27, [sp, #208]
	ldp	x24, x25, [sp, #192]
	ldp	x22, x23, [sp, #176]
	ldp	x20, x21, [sp, #160]
	ldp	x18, x19, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #UF_SIZE
	eret

/*
 * _Noreturn void hal_user_enter(uintptr_t pc (x0), uintptr_t sp (x1),
 *                               uintptr_t arg (x2), uintptr_t ret (x3))
 * A zeroed frame at the fiber's EL0 stack top (a64_el0_stack, set by
 * hal_uspace_switch; the fiber's kernel frames below it are abandoned)
 * with x0 = arg, x30 = ret, SP_EL0 = sp, ELR = pc and SPSR = 0: EL0t,
 * AArch64, DAIF clear (interrupts on in user mode), then the return
 * path: every other register, FP/SIMD included, is zero.
 */
	.globl	hal_user_enter
	.type	hal_user_enter, %function
hal_user_enter:
	msr	daifset, #0xf
	adrp	x9, a64_el0_stack
	ldr	x9, [x9, :lo12:a64_el0_stack]
	sub	sp, x9, #UF_SIZE
	mov	x10, sp
1:	stp	xzr, xzr, [x10], #16
	cmp	x10, x9
	b.lo	1b
	str	x2, [sp, #0]
	stp	x3, x1, [sp, #240]
	str	x0, [sp, #UF_ELR]
	b	a64_el0_return
	.size	hal_user_enter, . - hal_user_enter
