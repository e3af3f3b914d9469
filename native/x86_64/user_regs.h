/*
 * user_regs.h - the names x86_64 user registers are reported under in a
 * payload's fault report (rk_user_fault_regs), in X86_USER_REGS order:
 * the native port (trap.c) and the simulator's payload process
 * (sim/hal_user.c) fill the values in this order.
 */
#ifndef RUMPK_X86_64_USER_REGS_H
#define RUMPK_X86_64_USER_REGS_H

#define X86_USER_REGS 18u
static const char *const x86_user_reg_names[X86_USER_REGS] = {
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};

#endif
