/*
 * boot.S - riscv64 entry.  OpenSBI (or U-Boot's booti) enters in S-mode
 * with a0 = this hart's id and a1 = the DTB's physical address, MMU off.
 * The first 64 bytes are a Linux RISC-V Image header so that booti can
 * load the same image; QEMU's -kernel uses the ELF entry (the same spot).
 * Only one hart runs the kernel: the first to take the lottery ticket;
 * any other hart that arrives parks in wfi (hart ids are never assumed).
 * The image is a static PIE: loaded away from its link address, it
 * applies its own R_RISCV_RELATIVE relocations before any C runs.
 * Everything here is PC-relative (lla), nothing needs the GOT.
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
	/* FS and VS Off: payloads and kernel are integer-only, and no FP or
	 * vector register can carry anything between payloads: such an
	 * instruction is illegal (privileged spec, "Extension Context Status
	 * in mstatus").  SUM and MXR clear: S-mode loads and stores fault on
	 * user pages (spec, "Memory Privilege in sstatus"); hal_user_copy_*
	 * set SUM for the copy alone.  No counter enabled for U-mode: cycle,
	 * time and instret reads there are illegal instructions (spec,
	 * "Counter-Enable Register (scounteren)"); OpenSBI (v1.1 on QEMU)
	 * takes that trap and answers a time read itself, which is
	 * harmless: payloads have RK_SYS_NOW anyway. */
	li	t0, (3 << 13) | (3 << 9) | (1 << 18) | (1 << 19)
	csrc	sstatus, t0
	csrw	scounteren, zero
	lla	t0, rv_trap_stack_top
	csrw	sscratch, t0
	lla	t0, rv_trap_vector
	csrw	stvec, t0
	lla	t0, rv_boot_lottery
	li	t1, 1
	amoadd.w t1, t1, (t0)
	bnez	t1, rv_park

	mv	s0, a0
	mv	s1, a1
	/* delta = where we run - where we were linked.  rv_link_base holds
	 * _start's link-time address until relocated (the static-PIE link
	 * writes link-time values, --apply-dynamic-relocs). */
	lla	t0, _start
	ld	t1, rv_link_base
	sub	t2, t0, t1
	beqz	t2, 3f
	lla	t3, __rela_start
	lla	t4, __rela_end
	li	t6, 3			/* R_RISCV_RELATIVE, no symbol */
1:	bgeu	t3, t4, 3f
	ld	t5, 8(t3)		/* r_info */
	bne	t5, t6, 2f
	ld	t5, 0(t3)		/* r_offset */
	ld	a2, 16(t3)		/* r_addend */
	add	t5, t5, t2
	add	a2, a2, t2
	sd	a2, 0(t5)
2:	addi	t3, t3, 24
	j	1b
3:	fence.i
	lla	sp, rv_boot_stack_top
	lla	t0, __bss_start
	lla	t1, __bss_end
4:	bgeu	t0, t1, 5f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	4b
5:	mv	a0, s0
	mv	a1, s1
	call	rv_main
	/* rv_main does not return; if it does, stop here. */
	.globl rv_park
rv_park:
	csrci	sstatus, 2
	wfi
	j	rv_park

	.section .data
	.balign 8
rv_link_base:
	.dword	_start
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
