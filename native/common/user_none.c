/*
 * user_none.c - weak stand-ins for hal.h's user-mode section, for a port
 * whose user mode has not landed: hal_user_mode is false, so the core
 * runs payloads on kernel fibers and never calls the rest (each panics
 * if it is).  A port that implements user mode defines every symbol
 * here, and its definitions win at link time.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#define WEAK __attribute__((weak))

WEAK const bool hal_user_mode = false;

static _Noreturn void not_here(const char *what)
{
	rk_panic("%s: this port has no user mode", what);
}

WEAK struct hal_uspace *hal_uspace_create(void)
{
	not_here("hal_uspace_create");
}

WEAK int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                        size_t len, enum hal_uprot prot)
{
	(void)as, (void)uva, (void)kva, (void)len, (void)prot;
	not_here("hal_uspace_map");
}

WEAK void hal_uspace_destroy(struct hal_uspace *as)
{
	(void)as;
	not_here("hal_uspace_destroy");
}

WEAK void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	(void)as, (void)kstack_top;
	not_here("hal_uspace_switch");
}

WEAK _Noreturn void hal_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
                                   uintptr_t ret)
{
	(void)pc, (void)sp, (void)arg, (void)ret;
	not_here("hal_user_enter");
}

WEAK void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	(void)dst, (void)usrc, (void)len;
	not_here("hal_user_copy_in");
}

WEAK void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	(void)udst, (void)src, (void)len;
	not_here("hal_user_copy_out");
}
