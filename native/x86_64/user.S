/*
 * user.S - the ways into and out of user mode: hal_user_enter (iretq to
 * CPL 3), the syscall entry (user.c points LSTAR at it), and the switch
 * to the fiber's kernel stack for a fault taken in user mode.
 *
 * One CPU: the syscall entry keeps the user rsp in a global for the two
 * instructions before it is on the kernel stack.  The payload's x87/SSE
 * state is kept on the kernel stack across a syscall, as vectors.S does
 * across an interrupt: the core may run another payload meanwhile.
 */
#define USER_CS 0x33             /* X86_SEL_UCODE | RPL 3 */
#define USER_SS 0x2b             /* X86_SEL_UDATA | RPL 3 */

	.text
/* _Noreturn void hal_user_enter(uintptr_t pc [rdi], uintptr_t sp [rsi],
 *                               uintptr_t arg [rdx], uintptr_t ret [rcx]) */
	.globl hal_user_enter
	.type hal_user_enter, @function
	.p2align 4
hal_user_enter:
	cli
	sub $8, %rsi
	cmpl $0, x86_has_smap(%rip)
	je 1f
	stac                     /* a user page: SMAP needs RFLAGS.AC */
	mov %rcx, (%rsi)         /* entry's `ret` goes to the trampoline */
	clac
	jmp 2f
1:	mov %rcx, (%rsi)
2:	fxrstor64 fpu_clean(%rip)
	/* The frame iretq pops to change privilege (Intel SDM Vol. 3A,
	 * 6.14.3): ss, rsp, rflags (IF, and the always-1 bit 1), cs, rip. */
	push $USER_SS
	push %rsi
	push $0x202
	push $USER_CS
	push %rdi
	mov %rdx, %rdi
	mov %rdx, %rax
	/* Nothing of the kernel's stays in a register. */
	xor %ebx, %ebx
	xor %ecx, %ecx
	xor %edx, %edx
	xor %esi, %esi
	xor %ebp, %ebp
	xor %r8d, %r8d
	xor %r9d, %r9d
	xor %r10d, %r10d
	xor %r11d, %r11d
	xor %r12d, %r12d
	xor %r13d, %r13d
	xor %r14d, %r14d
	xor %r15d, %r15d
	iretq
	.size hal_user_enter, . - hal_user_enter

/* SYSCALL (Intel SDM Vol. 3A, 5.8.8; Vol. 2B, SYSCALL): rcx = the user
 * rip, r11 = the user rflags, rsp still the user's; FMASK cleared IF, DF,
 * AC, TF and NT.  Number in rax, arguments rdi rsi rdx r10 r8 r9
 * (include/rumpk/syscall.h); every register but rax, rcx and r11 comes
 * back as it was. */
	.globl x86_syscall_entry
	.type x86_syscall_entry, @function
	.p2align 4
x86_syscall_entry:
	mov %rsp, user_rsp(%rip)
	mov x86_kstack_top(%rip), %rsp
	push $USER_SS            /* an iretq frame, for the way back */
	push user_rsp(%rip)
	push %r11
	push $USER_CS
	push %rcx
	push %rdi
	push %rsi
	push %rdx
	push %r10
	push %r8
	push %r9                 /* 11 pushes: 16-byte alignment - 8 */
	sub $520, %rsp
	fxsave64 (%rsp)
	sti
	sub $8, %rsp
	push %r9                 /* rk_syscall's seventh argument */
	mov %r8, %r9
	mov %r10, %r8
	mov %rdx, %rcx
	mov %rsi, %rdx
	mov %rdi, %rsi
	mov %rax, %rdi
	call rk_syscall
	cli
	fxrstor64 16(%rsp)
	add $(16 + 520), %rsp
	pop %r9
	pop %r8
	pop %r10
	pop %rdx
	pop %rsi
	pop %rdi
	/* SYSRET to a non-canonical rip raises #GP in ring 0 with the user
	 * rsp already loaded (Intel SDM Vol. 2B, SYSRET): such a rip, which
	 * no user page allows, leaves by iretq instead. */
	mov (%rsp), %rcx
	mov %rcx, %r11
	shr $47, %r11
	jnz 3f
	mov 16(%rsp), %r11
	mov 24(%rsp), %rsp
	sysretq
3:	iretq
	.size x86_syscall_entry, . - x86_syscall_entry

/* _Noreturn void x86_user_fault(const char *what, uint64_t pc,
 *                               uint64_t addr, uint64_t stack [rcx]):
 * from the exception stack (IST1) to the fiber's kernel stack. */
	.globl x86_user_fault
	.type x86_user_fault, @function
	.p2align 4
x86_user_fault:
	mov %rcx, %rsp
	xor %ebp, %ebp
	sti
	call rk_user_fault
	ud2
	.size x86_user_fault, . - x86_user_fault

	.section .rodata
	/* The FXSAVE image of a fresh x87/SSE unit: FCW 0x37f (FNINIT's),
	 * all registers empty and zero, MXCSR 0x1f80 (its reset value) at
	 * byte 24 (Intel SDM Vol. 1, 10.5.1, FXSAVE area). */
	.p2align 4
fpu_clean:
	.word 0x037f
	.fill 22, 1, 0
	.long 0x1f80
	.fill 512 - 28, 1, 0

	.bss
	.p2align 3
user_rsp:
	.quad 0

	.section .note.GNU-stack, "", @progbits
