/*
 * ctx.c - fiber contexts on top of switch.S: struct hal_ctx is one
 * pointer carved from the top of the fiber's stack; below it the initial
 * frame hal_ctx_switch pops (x19 = entry, x20 = arg, x30 = a64_ctx_start).
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "arch.h"

struct hal_ctx {
	void *sp;
};

static struct hal_ctx boot_ctx;

void a64_ctx_start(void);
void a64_fiber_returned(void); /* switch.S calls it when entry returns */

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot_ctx;
}

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size) & ~(uintptr_t)15;
	struct hal_ctx *ctx = (struct hal_ctx *)(top - 16);
	uint64_t *f = (uint64_t *)((uintptr_t)ctx - 160);
	rk_memset(f, 0, 160);
	f[0] = (uintptr_t)entry;          /* x19 */
	f[1] = (uintptr_t)arg;            /* x20 */
	f[10] = 0;                        /* x29 */
	f[11] = (uintptr_t)a64_ctx_start; /* x30 */
	ctx->sp = f;
	return ctx;
}

void a64_fiber_returned(void)
{
	rk_panic("a fiber entry returned");
}
