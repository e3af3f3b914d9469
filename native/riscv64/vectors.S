/*
 * vectors.S - the supervisor trap vector (stvec, direct mode), and the
 * drop to user mode.
 *
 * sscratch holds the stack a trap starts on: in S-mode the dedicated
 * trap stack, so a fault from an overflowed fiber stack still gets a
 * report; in U-mode the running fiber's kernel stack (rv_user_kstack),
 * so a syscall can block and switch fibers.  The first instruction swaps
 * it with sp, whichever mode trapped; then sscratch points at the trap
 * stack while the handler runs.  The full register frame (struct
 * rv_frame in arch.h) sits at the top of that stack and goes to
 * rv_trap(); a trap that returns restores the frame and sret, with
 * sscratch pointing at the frame's top again.
 */
#define FRAME        288
#define SSTATUS_SIE  (1 << 1)
#define SSTATUS_SPIE (1 << 5)
#define SSTATUS_SPP  (1 << 8)
#define SSTATUS_SUM  (1 << 18)

	.text
	.balign 4
	.globl	rv_trap_vector
rv_trap_vector:
	csrrw	sp, sscratch, sp	/* sp = trap stack, sscratch = old sp */
	addi	sp, sp, -FRAME
	sd	x1, 8(sp)
	sd	x3, 24(sp)
	sd	x4, 32(sp)
	sd	x5, 40(sp)
	sd	x6, 48(sp)
	sd	x7, 56(sp)
	sd	x8, 64(sp)
	sd	x9, 72(sp)
	sd	x10, 80(sp)
	sd	x11, 88(sp)
	sd	x12, 96(sp)
	sd	x13, 104(sp)
	sd	x14, 112(sp)
	sd	x15, 120(sp)
	sd	x16, 128(sp)
	sd	x17, 136(sp)
	sd	x18, 144(sp)
	sd	x19, 152(sp)
	sd	x20, 160(sp)
	sd	x21, 168(sp)
	sd	x22, 176(sp)
	sd	x23, 184(sp)
	sd	x24, 192(sp)
	sd	x25, 200(sp)
	sd	x26, 208(sp)
	sd	x27, 216(sp)
	sd	x28, 224(sp)
	sd	x29, 232(sp)
	sd	x30, 240(sp)
	sd	x31, 248(sp)
	csrr	t0, sscratch
	sd	t0, 16(sp)		/* interrupted sp */
	/* Traps taken while the handler runs (a syscall runs with
	 * interrupts on) use the trap stack. */
	lla	t0, rv_trap_stack_top
	csrw	sscratch, t0
	csrr	t0, sepc
	sd	t0, 256(sp)
	li	t1, SSTATUS_SUM
	csrrc	t0, sstatus, t1		/* no user access in the handler */
	sd	t0, 264(sp)
	csrr	t0, scause
	sd	t0, 272(sp)
	csrr	t0, stval
	sd	t0, 280(sp)
	mv	a0, sp
	call	rv_trap
	csrci	sstatus, SSTATUS_SIE	/* no trap from here to sret */
	ld	t0, 256(sp)
	csrw	sepc, t0
	ld	t0, 264(sp)
	csrw	sstatus, t0
	addi	t0, sp, FRAME
	csrw	sscratch, t0		/* the trap stack or this kernel stack */
	ld	x1, 8(sp)
	ld	x3, 24(sp)
	ld	x4, 32(sp)
	ld	x5, 40(sp)
	ld	x6, 48(sp)
	ld	x7, 56(sp)
	ld	x8, 64(sp)
	ld	x9, 72(sp)
	ld	x10, 80(sp)
	ld	x11, 88(sp)
	ld	x12, 96(sp)
	ld	x13, 104(sp)
	ld	x14, 112(sp)
	ld	x15, 120(sp)
	ld	x16, 128(sp)
	ld	x17, 136(sp)
	ld	x18, 144(sp)
	ld	x19, 152(sp)
	ld	x20, 160(sp)
	ld	x21, 168(sp)
	ld	x22, 176(sp)
	ld	x23, 184(sp)
	ld	x24, 192(sp)
	ld	x25, 200(sp)
	ld	x26, 208(sp)
	ld	x27, 216(sp)
	ld	x28, 224(sp)
	ld	x29, 232(sp)
	ld	x30, 240(sp)
	ld	x31, 248(sp)
	ld	x2, 16(sp)
	sret

/* _Noreturn void hal_user_enter(pc a0, sp a1, arg a2, ret a3): sret to
 * U-mode at pc.  sret takes the privilege from sstatus.SPP and SIE from
 * SPIE (privileged spec, "Trap-Return Instructions"): SPP = 0 is U-mode,
 * SPIE = 1 has interrupts on there.  a0 = arg is the result register
 * too; every register but sp, ra and a0 is zeroed, gp and tp included:
 * no kernel value reaches the payload. */
	.globl	hal_user_enter
	.type	hal_user_enter, @function
hal_user_enter:
	csrci	sstatus, SSTATUS_SIE	/* no trap until sret */
	csrw	sepc, a0
	li	t0, SSTATUS_SPP | SSTATUS_SUM
	csrc	sstatus, t0
	li	t0, SSTATUS_SPIE
	csrs	sstatus, t0
	ld	t0, rv_user_kstack
	csrw	sscratch, t0		/* where traps from U-mode land */
	mv	sp, a1
	mv	ra, a3
	mv	a0, a2
	li	gp, 0
	li	tp, 0
	li	t0, 0
	li	t1, 0
	li	t2, 0
	li	s0, 0
	li	s1, 0
	li	a1, 0
	li	a2, 0
	li	a3, 0
	li	a4, 0
	li	a5, 0
	li	a6, 0
	li	a7, 0
	li	s2, 0
	li	s3, 0
	li	s4, 0
	li	s5, 0
	li	s6, 0
	li	s7, 0
	li	s8, 0
	li	s9, 0
	li	s10, 0
	li	s11, 0
	li	t3, 0
	li	t4, 0
	li	t5, 0
	li	t6, 0
	sret
	.size	hal_user_enter, . - hal_user_enter
