/*
 * priv_insn - a signed payload that executes an instruction only the
 * kernel may: x86_64 `cli` (IOPL 0: #GP), aarch64 `mrs x0, sctlr_el1` (an
 * EL1 register: undefined at EL0), riscv64 `csrr sstatus` (an S-mode CSR:
 * illegal in U-mode).  It must trap and end this payload alone.
 */
#include <rumpk/api.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[priv_insn] about to run a privileged instruction");
#if defined(__x86_64__)
	__asm__ volatile("cli" ::: "memory");
#elif defined(__aarch64__)
	uint64_t v;
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(v)::"memory");
	(void)v;
#else
	unsigned long v;
	__asm__ volatile("csrr %0, sstatus" : "=r"(v)::"memory");
	(void)v;
#endif
	api->puts("[priv_insn] came back: the instruction ran in user mode");
	return 1;
}
