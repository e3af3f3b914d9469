/*
 * user.c - riscv64 U-mode for payloads (hal.h, docs/isolation.md): the
 * copy routines.  The address spaces are mmu.c's; entry to U-mode
 * (hal_user_enter) and the traps back are vectors.S and trap.c.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

const bool hal_user_mode = true;

/* sstatus.SUM opens user pages to S-mode loads and stores (privileged
 * spec, "Memory Privilege in sstatus"); it is clear everywhere else. */
void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	csr_set(sstatus, SSTATUS_SUM);
	rk_memcpy(dst, (const void *)usrc, len);
	csr_clear(sstatus, SSTATUS_SUM);
}

void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	csr_set(sstatus, SSTATUS_SUM);
	rk_memcpy((void *)udst, src, len);
	csr_clear(sstatus, SSTATUS_SUM);
}
