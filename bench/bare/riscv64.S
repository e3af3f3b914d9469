/*
 * riscv64.S - the bare boot-time anchor for riscv64 (bench/qemu_boot.py):
 * an S-mode ELF at 0x80200000, entered by OpenSBI like native/riscv64,
 * that prints nothing and exits at once: QEMU virt's sifive_test device
 * at 0x100000 ends QEMU with status 0 on a write of 0x5555 (FINISHER_PASS
 * in QEMU's hw/misc/sifive_test.c).  OpenSBI's boot (and its banner on
 * the console) is part of the anchor on purpose: it is the firmware every
 * riscv64 kernel here pays for.
 */
	.text
	.globl _start
_start:
	li	t0, 0x100000
	li	t1, 0x5555
	sw	t1, 0(t0)
1:	wfi
	j	1b
