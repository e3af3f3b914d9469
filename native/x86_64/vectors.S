/*
 * vectors.S - interrupt and exception entry stubs.  Each stub pushes an
 * error code (0 when the CPU pushes none) and its vector, then the common
 * path saves every general register into a struct x86_frame (trap.c) and
 * calls x86_trap(frame) on a 16-byte aligned stack.  Entered from user
 * mode, it also keeps the payload's x87/SSE state below the frame: the
 * core may run another payload before this one resumes.
 */
#define FRAME_CS 144             /* offsetof(struct x86_frame, cs) */
	.text
isr_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	cld
	/* Interrupt delivery keeps RFLAGS.AC (Intel SDM Vol. 3A, 6.12.1,
	 * flag usage by a handler): with SMAP on, a payload's AC would open
	 * user pages to the kernel. */
	cmpl $0, x86_has_smap(%rip)
	je 1f
	clac
1:	mov %rsp, %rdi
	mov %rsp, %rbx           /* callee-saved: the frame */
	and $-16, %rsp
	testb $3, FRAME_CS(%rbx) /* from CPL 3? */
	jz 2f
	sub $512, %rsp
	fxsave64 (%rsp)
2:	call x86_trap
	testb $3, FRAME_CS(%rbx)
	jz 3f
	fxrstor64 (%rsp)
3:	mov %rbx, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp            /* vector, error code */
	iretq

.macro STUB n
	.p2align 3
isr_\n:
	.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
	push $\n
	.else
	push $0
	push $\n
	.endif
	jmp isr_common
.endm

	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48
	STUB \n
	.endr
	STUB 255                 /* LAPIC spurious */

	.section .rodata
	.p2align 3
	.globl x86_isr_table
x86_isr_table:                   /* vectors 0..48 */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48
	.quad isr_\n
	.endr
	.globl x86_isr_spurious
x86_isr_spurious:
	.quad isr_255

	.section .note.GNU-stack, "", @progbits
