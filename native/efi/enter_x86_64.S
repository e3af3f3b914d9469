/*
 * enter_x86_64.S - from UEFI's long mode into a Multiboot2 entry:
 * rk_efi_enter32(entry, info, magic), in the Microsoft x64 convention
 * (ecx, edx, r8d).  Copied to a page below 4 GiB before it runs, so it
 * uses no absolute address of its own.  Intel SDM vol. 3, 10.8.5.4
 * (leaving IA-32e mode): switch to compatibility mode, clear CR0.PG
 * (the CPU clears EFER.LMA), clear EFER.LME; the code doing it is
 * identity mapped (UEFI maps all memory 1:1).  The Multiboot2 machine
 * state (specification 3.3): flat 32-bit code and data segments, paging
 * and interrupts off, eax the magic, ebx the information.
 */
	.text
	.globl	rk_efi_enter32
	.globl	rk_efi_enter32_end
	.code64
rk_efi_enter32:
	cli
	mov	%ecx, %esi			/* entry */
	mov	%edx, %ebx			/* information */
	mov	%r8d, %edi			/* magic */
	lea	gdt(%rip), %rax
	sub	$16, %rsp
	movw	$(gdt_end - gdt - 1), (%rsp)
	mov	%rax, 2(%rsp)
	lgdt	(%rsp)
	lea	compat(%rip), %rax
	pushq	$0x08				/* 32-bit code */
	pushq	%rax
	lretq
	.code32
compat:
	mov	$0x10, %eax			/* flat data */
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	%cr0, %eax
	and	$0x7fffffff, %eax		/* CR0.PG off: out of long mode */
	mov	%eax, %cr0
	mov	$0xc0000080, %ecx		/* EFER */
	rdmsr
	and	$0xfffffeff, %eax		/* EFER.LME off */
	wrmsr
	mov	%cr4, %eax
	and	$0xffffffdf, %eax		/* CR4.PAE off: the kernel sets it */
	mov	%eax, %cr4
	mov	%edi, %eax
	jmp	*%esi
	.balign	8
gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* 0x08: code, 32-bit, base 0, 4 GiB */
	.quad	0x00cf92000000ffff		/* 0x10: data, base 0, 4 GiB */
gdt_end:
rk_efi_enter32_end:
