/*
 * ctx.c - fiber contexts on top of switch.S.  struct hal_ctx is one
 * pointer, carved from the top of the fiber's stack; below it the initial
 * frame that hal_ctx_switch pops: r15 r14 r13=entry r12=arg rbx rbp, then
 * the return address x86_ctx_start.
 */
#include <stdint.h>

#include <rumpk/hal.h>

struct hal_ctx {
	void *sp;
};

void x86_ctx_start(void);

static struct hal_ctx boot_ctx;

hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg)
{
	uintptr_t top =
	    ((uintptr_t)stack + size - sizeof(struct hal_ctx)) & ~(uintptr_t)15;
	struct hal_ctx *c = (struct hal_ctx *)top;
	/* After the 6 pops and the ret, rsp = top - 16: 16-byte aligned at
	 * x86_ctx_start's call, as the ABI wants. */
	uint64_t *sp = (uint64_t *)(top - 16);
	*--sp = (uint64_t)(uintptr_t)x86_ctx_start; /* at top - 24 */
	*--sp = 0;                                  /* rbp */
	*--sp = 0;                                  /* rbx */
	*--sp = (uint64_t)(uintptr_t)arg;           /* r12 */
	*--sp = (uint64_t)(uintptr_t)entry;         /* r13 */
	*--sp = 0;                                  /* r14 */
	*--sp = 0;                                  /* r15 */
	c->sp = sp;
	return c;
}

hal_ctx_t *hal_ctx_boot(void)
{
	return &boot_ctx;
}
