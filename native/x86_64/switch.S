/*
 * switch.S - the fiber switch (System V AMD64 ABI), shared by the native
 * kernel and the simulator built with -Dsim_switch=asm.
 *
 * struct hal_ctx { void *sp; } lives at the top of each fiber stack (see
 * ctx.c / sim/hal_ctx_asm.c).  hal_ctx_switch(from, to) pushes the
 * callee-saved registers rbx rbp r12-r15 on the current stack, stores rsp
 * in from->sp, loads to->sp and pops the same registers back.  The other
 * registers are caller-saved, so the C caller has saved what it needs.
 * MXCSR and the x87 control word are callee-saved too, but nothing in
 * Rumpk changes them, so they are not switched (as in most fiber
 * libraries' fast paths).  Position independent: no absolute addresses.
 *
 * A new context starts at x86_ctx_start with r12 = arg, r13 = entry (put
 * there by hal_ctx_init) and rsp 16-byte aligned.
 */
	.text
	.globl hal_ctx_switch
	.type hal_ctx_switch, @function
	.p2align 4
hal_ctx_switch:                  /* rdi = from, rsi = to */
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov (%rsi), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size hal_ctx_switch, . - hal_ctx_switch

	.globl x86_ctx_start
	.type x86_ctx_start, @function
	.p2align 4
x86_ctx_start:
	mov %r12, %rdi
	xor %ebp, %ebp           /* end of the frame-pointer chain */
	call *%r13
	ud2                      /* entry must not return */
	.size x86_ctx_start, . - x86_ctx_start

	.section .note.GNU-stack, "", @progbits
