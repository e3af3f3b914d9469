/*
 * payload_call.S - hal_payload_call on x86_64 (System V ABI: the kernel
 * and the simulator on an x86_64 host both use it).
 *
 * int64_t hal_payload_call(rk_payload_entry_t entry [rdi],
 *                          const struct rk_api *api [rsi])
 *
 * The argument goes in rdi, the result comes back in rax.  A payload that
 * returns without setting rax (the seed's single `ret`) would hand back
 * whatever the kernel left there, so rax is set to the API table's address
 * too: the same value a bare `ret` returns on aarch64 and riscv64, where
 * the first argument and the result share a register.  The core reports
 * that value as "no value".  A tail jump: entry returns to our caller.
 */
	.text
	.globl hal_payload_call
	.type hal_payload_call, @function
hal_payload_call:
	mov %rdi, %r11
	mov %rsi, %rdi
	mov %rsi, %rax
	jmp *%r11
	.size hal_payload_call, . - hal_payload_call
	.section .note.GNU-stack, "", @progbits
