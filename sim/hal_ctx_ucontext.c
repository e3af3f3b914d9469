/*
 * hal_ctx_ucontext.c - fiber contexts on ucontext (-Dsim_switch=ucontext,
 * the portable default).  swapcontext also saves the signal mask, one
 * rt_sigprocmask system call per switch: correct everywhere, but slow;
 * -Dsim_switch=asm uses the bare register switch instead.
 */
#include <stdint.h>
#include <ucontext.h>

#include <rumpk/hal.h>
#include <rumpk/klib.h>

struct hal_ctx {
	ucontext_t uc;
	void (*entry)(void *);
	void *arg;
};

static struct hal_ctx boot;

/* makecontext passes ints only: split the pointer in two halves. */
static void trampoline(unsigned lo, unsigned hi)
{
	struct hal_ctx *c =
	        (struct hal_ctx *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	c->entry(c->arg);
	rk_panic("fiber entry returned");
}

/* getcontext "returns twice" as far as the compiler knows; keeping it in
 * its own frame keeps the caller's locals out of that analysis. */
static __attribute__((noinline)) int capture(ucontext_t *uc)
{
	return getcontext(uc);
}

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size - sizeof(struct hal_ctx)) &
	                ~(uintptr_t)63;
	struct hal_ctx *const c = (struct hal_ctx *)top;

	if (capture(&c->uc) != 0)
		return NULL;
	c->entry = entry;
	c->arg = arg;
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = top - (uintptr_t)stack;
	c->uc.uc_link = NULL;
	uintptr_t p = (uintptr_t)c;
	makecontext(&c->uc, (void (*)(void))trampoline, 2,
	            (unsigned)(p & 0xffffffffu), (unsigned)(p >> 32));
	return c;
}

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot;
}

void hal_ctx_switch(hal_ctx_t *from, hal_ctx_t *to)
{
	if (swapcontext(&from->uc, &to->uc) != 0)
		rk_panic("swapcontext failed");
}
