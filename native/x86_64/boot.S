/*
 * boot.S - multiboot (v1) and Multiboot2 entry: 32-bit protected mode ->
 * long mode.
 *
 * QEMU's -kernel refuses ELF64 multiboot kernels, so the header uses the
 * a.out kludge (flag 16): it gives the load, bss and entry addresses
 * itself and QEMU copies the file from the header's offset on, ignoring
 * the ELF headers.  link.ld keeps text..data contiguous in one segment,
 * so the linked rumpk-x86_64.elf is both the debuggable ELF and the file
 * QEMU boots; no objcopy step.
 *
 * Entry (multiboot): eax = 0x2BADB002 (or 0x36D76289, Multiboot2),
 * ebx = info, flat 32-bit segments,
 * paging off.  We identity map the first 4 GiB with 2 MiB pages (mmu.c
 * refines the permissions later), enable PAE, SSE (payloads may use it),
 * EFER.LME and EFER.NXE (when the CPU has NX), CR0.PG|WP, load a 64-bit
 * GDT and far-jump to 64-bit code, which calls x86_main(magic, info).
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00010003 /* page-aligned modules, memory map, a.out kludge */

	.section .text.boot, "ax"
	.code32
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header          /* header_addr */
	.long __image_start      /* load_addr */
	.long __data_end         /* load_end_addr */
	.long __image_end        /* bss_end_addr */
	.long _start32           /* entry_addr */

/* Multiboot2 (GRUB's multiboot2 command; Multiboot2 specification 3.1):
 * magic, architecture 0 (i386 protected mode), length, checksum, then
 * tags, each 8-byte aligned: the address tag (type 2, as the a.out
 * kludge above: load the file from this header's offset), the entry
 * (type 3), page-aligned modules (type 6), the end (type 0).  The entry
 * state is multiboot1's, with eax = 0x36D76289. */
#define MB2_MAGIC 0xE85250D6
	.align 8
mb2_header:
	.long MB2_MAGIC
	.long 0
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + (mb2_header_end - mb2_header))
	.align 8
	.short 2, 0
	.long 24
	.long mb2_header         /* header_addr */
	.long __image_start      /* load_addr */
	.long __data_end         /* load_end_addr */
	.long __image_end        /* bss_end_addr */
	.align 8
	.short 3, 0
	.long 12
	.long _start32           /* entry_addr */
	.align 8
	.short 6, 0
	.long 8
	.align 8
	.short 0, 0
	.long 8
mb2_header_end:

	.globl _start32
_start32:
	cli
	cld
	mov %eax, %edi           /* multiboot magic */
	mov %ebx, %esi           /* multiboot info */
	mov $boot_stack_top, %esp

	/* Long mode available?  Otherwise say so on COM1 and stop. */
	mov $0x80000000, %eax
	cpuid
	cmp $0x80000001, %eax
	jb no_long_mode
	mov $0x80000001, %eax
	cpuid
	test $(1 << 29), %edx
	jz no_long_mode
	xor %ebp, %ebp
	test $(1 << 20), %edx    /* NX */
	jz 1f
	mov $1, %ebp
	movl $1, x86_has_nx
1:
	/* 4 page directories of 512 2-MiB pages: 0..4 GiB, present+RW+PS. */
	mov $boot_pd, %ebx
	xor %ecx, %ecx
2:	mov %ecx, %eax
	shl $21, %eax
	or $0x83, %eax
	mov %eax, (%ebx,%ecx,8)
	mov %ecx, %eax
	shr $11, %eax            /* bits 32+ of the address */
	mov %eax, 4(%ebx,%ecx,8)
	inc %ecx
	cmp $2048, %ecx
	jb 2b
	/* PDPT entries 0..3 -> the page directories; PML4 entry 0 -> PDPT. */
	mov $boot_pdpt, %ebx
	xor %ecx, %ecx
3:	mov %ecx, %eax
	shl $12, %eax
	add $(boot_pd + 3), %eax
	mov %eax, (%ebx,%ecx,8)
	inc %ecx
	cmp $4, %ecx
	jb 3b
	movl $(boot_pdpt + 3), boot_pml4

	/* CR4: PAE, OSFXSR, OSXMMEXCPT. */
	mov %cr4, %eax
	or $((1 << 5) | (1 << 9) | (1 << 10)), %eax
	mov %eax, %cr4
	mov $boot_pml4, %eax
	mov %eax, %cr3
	/* EFER: LME, and NXE when the CPU has NX. */
	mov $0xC0000080, %ecx
	rdmsr
	or $(1 << 8), %eax
	test %ebp, %ebp
	jz 4f
	or $(1 << 11), %eax
4:	wrmsr
	/* CR0: PG, WP, NE, MP, PE; EM and TS off (SSE usable); CD and NW
	 * off: caches on, whatever the firmware left (reset sets both). */
	mov %cr0, %eax
	and $~((1 << 30) | (1 << 29) | (1 << 2) | (1 << 3)), %eax
	or $((1 << 31) | (1 << 16) | (1 << 5) | (1 << 1) | 1), %eax
	mov %eax, %cr0

	lgdt x86_gdtr
	ljmp $0x08, $long_entry

no_long_mode:
	mov $no_lm_msg, %ebx
5:	movb (%ebx), %al
	test %al, %al
	jz 6f
	mov $0x3f8, %dx
	outb %al, %dx
	inc %ebx
	jmp 5b
6:	hlt
	jmp 6b

	.code64
long_entry:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %eax, %eax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	xor %ebp, %ebp
	mov %edi, %edi           /* zero-extend magic and info */
	mov %esi, %esi
	call x86_main
7:	cli
	hlt
	jmp 7b

	.section .rodata
no_lm_msg:
	.asciz "[BOOT] this CPU has no long mode: Rumpk needs x86_64\n"

	.data
	.align 16
	.globl x86_gdt
x86_gdt:
	.quad 0                          /* null */
	.quad 0x00af9a000000ffff         /* 0x08: 64-bit code, DPL 0 */
	.quad 0x00cf92000000ffff         /* 0x10: data */
	.quad 0, 0                       /* 0x18: TSS (trap.c fills it) */
	/* User segments where SYSRET wants them: SS = STAR[63:48] + 8, CS
	 * = STAR[63:48] + 16 with STAR[63:48] = 0x20 (Intel SDM Vol. 2B,
	 * SYSRET; user.c sets STAR). */
	.quad 0x00cff2000000ffff         /* 0x28: user data, DPL 3 */
	.quad 0x00affa000000ffff         /* 0x30: user 64-bit code, DPL 3 */
x86_gdt_end:
	.align 16
	.globl x86_gdtr
x86_gdtr:
	.word x86_gdt_end - x86_gdt - 1
	.quad x86_gdt
	.globl x86_has_nx
x86_has_nx:
	.long 0

	.bss
	.align 4096
	.globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4 * 4096
	.align 16
	.globl boot_stack_top
boot_stack:
	.skip 32768
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
