/*
 * hal_user_none.c - the simulator's user-mode section on hosts without
 * one: payloads run on kernel fibers (hal_user_mode is false, so the
 * core never calls the rest).  On x86_64 hosts each payload runs in a
 * confined child process instead (hal_user.c, docs/isolation.md); the
 * other hosts need their own stub page and filter for it (sim/ustub.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include <rumpk/hal.h>

const bool hal_user_mode = false;
/* Never read: no payload faults in user mode here. */
const struct hal_frame_layout hal_user_frame = {0, 8};

const char hal_ustub_start[1], hal_ustub_end[1], hal_ustub_exit[1];
const struct rk_api hal_ustub_api;

static _Noreturn void not_here(const char *what)
{
	fprintf(stderr, "rumpk-sim: %s: no user mode on the simulator\n", what);
	abort();
}

struct hal_uspace *hal_uspace_create(void)
{
	not_here("hal_uspace_create");
}

int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot)
{
	(void)as, (void)uva, (void)kva, (void)len, (void)prot;
	not_here("hal_uspace_map");
}

void hal_uspace_destroy(struct hal_uspace *as)
{
	(void)as;
	not_here("hal_uspace_destroy");
}

void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	(void)as, (void)kstack_top;
	not_here("hal_uspace_switch");
}

_Noreturn void hal_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
                              uintptr_t ret)
{
	(void)pc, (void)sp, (void)arg, (void)ret;
	not_here("hal_user_enter");
}

void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	(void)dst, (void)usrc, (void)len;
	not_here("hal_user_copy_in");
}

void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	(void)udst, (void)src, (void)len;
	not_here("hal_user_copy_out");
}
