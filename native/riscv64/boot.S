/*
 * boot.S - riscv64 entry.  OpenSBI (or U-Boot's booti) enters in S-mode
 * with a0 = this hart's id and a1 = the DTB's physical address, MMU off.
 * The first 64 bytes are a Linux RISC-V Image header so that booti can
 * load the same image; QEMU's -kernel uses the ELF entry (the same spot).
 * Only one hart runs the kernel: the first to take the lottery ticket;
 * any other hart that arrives parks in wfi (hart ids are never assumed).
 */
	.section .text.boot, "ax"
	.option push
	.option norvc
	.globl _start
_start:
	j	rv_entry		/* code0 */
	.word	0			/* code1 */
	.dword	0x200000		/* text_offset */
	.dword	_end - _start		/* image_size, bss included */
	.dword	0			/* flags: little endian */
	.word	2			/* version 0.2 */
	.word	0			/* res1 */
	.dword	0			/* res2 */
	.ascii	"RISCV\0\0\0"		/* magic (deprecated) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0			/* res3 */
	.option pop

rv_entry:
	csrw	sie, zero
	csrci	sstatus, 2		/* SIE off */
	la	t0, rv_trap_vector
	csrw	stvec, t0
	la	t0, rv_boot_lottery
	li	t1, 1
	amoadd.w t1, t1, (t0)
	bnez	t1, rv_park

	mv	s0, a0
	mv	s1, a1
	la	sp, rv_boot_stack_top
	la	t0, rv_trap_stack_top
	csrw	sscratch, t0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	mv	a0, s0
	mv	a1, s1
	call	rv_main
	/* rv_main does not return; if it does, stop here. */
	.globl rv_park
rv_park:
	csrci	sstatus, 2
	wfi
	j	rv_park

	.section .data
	.balign 4
rv_boot_lottery:
	.word	0

	.section .bss
	.balign 16
rv_boot_stack:
	.space	16384
	.globl rv_boot_stack_top
rv_boot_stack_top:
	.balign 16
rv_trap_stack:
	.space	8192
	.globl rv_trap_stack_top
rv_trap_stack_top:
