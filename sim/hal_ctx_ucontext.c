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

/* ---- annotations for ASan and valgrind (docs/hardening.md) ----------
 * Both tools track "the" stack by the stack pointer; a swapcontext onto a
 * fiber stack looks to them like a wild stack-pointer jump.  ASan is told
 * about each switch (__sanitizer_start/finish_switch_fiber, from
 * compiler-rt's common_interface_defs.h); valgrind is told where each
 * fiber stack lies (VALGRIND_STACK_REGISTER, valgrind.h client requests,
 * no-ops when not running under valgrind).  Without either tool this
 * compiles to nothing. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SIM_ASAN 1
#endif
#if defined(SIM_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SIM_VALGRIND 1
#endif
#endif

struct hal_ctx {
	ucontext_t uc;
	void (*entry)(void *);
	void *arg;
	const void *stack_lo; /* annotations: the stack this context runs on */
	size_t stack_size;    /* (learnt on the first switch for boot) */
};

static struct hal_ctx boot;

#if defined(SIM_ASAN)
/* The context being left, so that the one resumed can record its stack
 * bounds (ASan reports them; that is how boot's become known). */
static struct hal_ctx *asan_from;
#endif

static void switch_begin(struct hal_ctx *from, struct hal_ctx *to, void **fake)
{
#if defined(SIM_ASAN)
	asan_from = from;
	__sanitizer_start_switch_fiber(fake, to->stack_lo, to->stack_size);
#else
	(void)from;
	(void)to;
	(void)fake;
#endif
}

static void switch_end(void *fake)
{
#if defined(SIM_ASAN)
	const void *lo;
	size_t size;
	__sanitizer_finish_switch_fiber(fake, &lo, &size);
	if (asan_from) {
		asan_from->stack_lo = lo;
		asan_from->stack_size = size;
	}
#else
	(void)fake;
#endif
}

#if defined(SIM_VALGRIND)
/* Stack ids by stack address.  A stack is freed by hal_mem.c without
 * telling this file, so an id is dropped when its address comes back
 * for a new stack, or the oldest when the table is full. */
static struct {
	const void *lo;
	unsigned id;
} vg_stacks[64];
static unsigned vg_next;

static void vg_register(const void *lo, size_t size)
{
	if (!RUNNING_ON_VALGRIND)
		return;
	unsigned slot = RK_ARRAY_SIZE(vg_stacks);
	for (unsigned i = 0; i < RK_ARRAY_SIZE(vg_stacks); i++)
		if (vg_stacks[i].lo == lo)
			slot = i;
	if (slot == RK_ARRAY_SIZE(vg_stacks)) {
		slot = vg_next;
		vg_next = (vg_next + 1) % RK_ARRAY_SIZE(vg_stacks);
	}
	if (vg_stacks[slot].lo)
		VALGRIND_STACK_DEREGISTER(vg_stacks[slot].id);
	vg_stacks[slot].lo = lo;
	vg_stacks[slot].id =
	    VALGRIND_STACK_REGISTER((const char *)lo, (const char *)lo + size);
}
#else
static void vg_register(const void *lo, size_t size)
{
	(void)lo;
	(void)size;
}
#endif
/* ---- end annotations ------------------------------------------------ */

/* makecontext passes ints only: split the pointer in two halves. */
static void trampoline(unsigned lo, unsigned hi)
{
	struct hal_ctx *c =
	    (struct hal_ctx *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
	switch_end(NULL);
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
	uintptr_t top =
	    ((uintptr_t)stack + size - sizeof(struct hal_ctx)) & ~(uintptr_t)63;
	struct hal_ctx *const c = (struct hal_ctx *)top;

	if (capture(&c->uc) != 0)
		return NULL;
	c->entry = entry;
	c->arg = arg;
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = top - (uintptr_t)stack;
	c->uc.uc_link = NULL;
	c->stack_lo = stack;
	c->stack_size = size;
	vg_register(stack, size);
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
	void *fake = NULL;
	switch_begin(from, to, &fake);
	if (swapcontext(&from->uc, &to->uc) != 0)
		rk_panic("swapcontext failed");
	switch_end(fake);
}
