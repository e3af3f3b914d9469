/*
 * hal_ctx_asm.c - fiber contexts on the native kernels' register switch
 * (-Dsim_switch=asm, x86_64 hosts): hal_ctx_switch is
 * native/x86_64/switch.S, which follows the System V ABI and so works in a
 * Linux process too.  Unlike swapcontext it leaves the signal mask alone:
 * no system call per switch.  The context is one saved stack pointer at
 * the top of the fiber's stack; below it the frame switch.S pops.
 */
#include <stdint.h>

#include <rumpk/hal.h>

#if !defined(__x86_64__)
#error "-Dsim_switch=asm needs an x86_64 host (native/x86_64/switch.S)"
#endif

struct hal_ctx {
	void *sp;
};

void x86_ctx_start(void);

static struct hal_ctx boot;

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top = ((uintptr_t)stack + size - sizeof(struct hal_ctx)) &
	                ~(uintptr_t)15;
	struct hal_ctx *c = (struct hal_ctx *)top;
	/* switch.S pops r15 r14 r13 r12 rbx rbp and returns into
	 * x86_ctx_start, which calls r13(r12) with rsp = top - 16. */
	uint64_t *sp = (uint64_t *)(top - 16);
	*--sp = (uint64_t)(uintptr_t)x86_ctx_start;
	*--sp = 0;                          /* rbp */
	*--sp = 0;                          /* rbx */
	*--sp = (uint64_t)(uintptr_t)arg;   /* r12 */
	*--sp = (uint64_t)(uintptr_t)entry; /* r13 */
	*--sp = 0;                          /* r14 */
	*--sp = 0;                          /* r15 */
	c->sp = sp;
	return c;
}

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot;
}
