/*
 * ctx.c - fiber contexts on top of switch.S: struct hal_ctx is one
 * pointer carved from the top of the fiber's stack; below it the initial
 * frame hal_ctx_switch pops (ra = rv_ctx_start, s0 = entry, s1 = arg).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

struct hal_ctx {
	void *sp;
};

static struct hal_ctx boot_ctx;

extern void rv_ctx_start(void);

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top =
	    ((uintptr_t)stack + size - sizeof(struct hal_ctx)) & ~(uintptr_t)15;
	struct hal_ctx *c = (struct hal_ctx *)top;
	uint64_t *frame = (uint64_t *)(top - 112);
	rk_memset(frame, 0, 112);
	frame[0] = (uint64_t)(uintptr_t)rv_ctx_start; /* ra */
	frame[1] = (uint64_t)(uintptr_t)entry;        /* s0 */
	frame[2] = (uint64_t)(uintptr_t)arg;          /* s1 */
	c->sp = frame;
	return c;
}

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot_ctx;
}

_Noreturn void rv_fiber_returned(void);
_Noreturn void rv_fiber_returned(void)
{
	rk_panic("fiber entry returned");
}
