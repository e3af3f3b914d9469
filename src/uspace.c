/*
 * uspace.c - a payload's user address space, laid out by the core and
 * built through the HAL (hal_uspace_*), the same on every arch:
 *
 *   RK_USER_BASE + 0x0000   the API table page          user R
 *   RK_USER_BASE + 0x1000   the user-mode stubs          user RX
 *   RK_USER_BASE + 0x40000  the verified, sealed body    user RX
 *   ...                     nothing (faults)
 *   RK_USER_BASE + 0x30000000  the bus window (ubus.h)   user RW
 *   ...                     nothing (faults)
 *   top - 4 KiB - stack     one unmapped guard page
 *   top - 4 KiB - stack ..  the stack                    user RW
 *   top - 4 KiB             one unmapped page
 *
 * The body is the loader's sealed copy itself, mapped, never copied
 * again: what runs is what was verified.  Nothing of the kernel is
 * mapped for user mode; the API table holds the stubs' user addresses.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "core.h"

#define PAGE          4096u
#define API_UVA       (RK_USER_BASE)
#define STUB_UVA      (RK_USER_BASE + 0x1000u)
#define STUB_MAX      0x3000u /* stubs: 12 KiB at most, up to base + 0x4000 */
#define BUS_UVA       (RK_USER_BASE + 0x30000000u)
#define BODY_UVA      (RK_USER_BASE + 0x40000u)
#define STACK_TOP_UVA (RK_USER_BASE + RK_USER_SIZE - PAGE)
#define STACK_LO_UVA  (STACK_TOP_UVA - RK_USTACK_SIZE)

/* The table's members after the two 32-bit words are all pointers to
 * stubs: relocating them is adding one offset to each. */
_Static_assert(offsetof(struct rk_api, puts) == 8 &&
                   sizeof(struct rk_api) % sizeof(uintptr_t) == 0,
               "struct rk_api: two u32, then function pointers only");
_Static_assert(BUS_UVA == RK_UBUS_UVA &&
                   BUS_UVA + RK_UBUS_SIZE <= STACK_LO_UVA - PAGE,
               "the bus window sits where ubus.h says, below the stack");

static size_t round_page(size_t n)
{
	return (n + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static uintptr_t stub_uva(uintptr_t kva)
{
	return STUB_UVA + (kva - (uintptr_t)hal_ustub_start);
}

static void add_region(struct rk_uspace *u, uintptr_t uva, size_t len,
                       bool writable)
{
	RK_ASSERT(u->nregions < RK_ARRAY_SIZE(u->regions));
	u->regions[u->nregions++] = (struct rk_uregion){uva, len, writable};
}

void rk_uspace_free(struct rk_uspace *u)
{
	if (u->as)
		hal_uspace_destroy(u->as);
	if (u->api_page)
		hal_exec_free(u->api_page, PAGE);
	if (u->stack)
		hal_exec_free(u->stack, RK_USTACK_SIZE);
	rk_memset(u, 0, sizeof(*u));
}

int rk_uspace_build(struct rk_uspace *u, const struct rk_npl_image *img,
                    void *bus_window)
{
	/* Link-script symbols: addresses, not two pointers into one
	 * object, so compare them as numbers. */
	size_t stubs =
	    round_page((uintptr_t)hal_ustub_end - (uintptr_t)hal_ustub_start);
	size_t body = round_page((size_t)img->hdr.body_size);
	const uint8_t *body_kva =
	    (const uint8_t *)img->mem + RK_NPL_HEADER_SIZE;

	rk_memset(u, 0, sizeof(*u));
	if (stubs == 0 || stubs > STUB_MAX || body > BUS_UVA - BODY_UVA)
		return -1;
	u->as = hal_uspace_create();
	u->api_page = hal_exec_alloc(PAGE);
	u->stack = hal_exec_alloc(RK_USTACK_SIZE);
	if (!u->as || !u->api_page || !u->stack)
		goto fail;

	/* The table, relocated to where the stubs are mapped. */
	struct rk_api *api = u->api_page;
	rk_memcpy(api, &hal_ustub_api, sizeof(*api));
	uintptr_t *fn = (uintptr_t *)((uint8_t *)api + 8);
	for (size_t i = 0; i < (sizeof(*api) - 8) / sizeof(uintptr_t); i++)
		fn[i] = stub_uva(fn[i]);

	if (hal_uspace_map(u->as, API_UVA, u->api_page, PAGE, HAL_UPROT_R) ||
	    hal_uspace_map(u->as, STUB_UVA, hal_ustub_start, stubs,
	                   HAL_UPROT_RX) ||
	    hal_uspace_map(u->as, BUS_UVA, bus_window, RK_UBUS_SIZE,
	                   HAL_UPROT_RW) ||
	    hal_uspace_map(u->as, BODY_UVA, body_kva, body, HAL_UPROT_RX) ||
	    hal_uspace_map(u->as, STACK_LO_UVA, u->stack, RK_USTACK_SIZE,
	                   HAL_UPROT_RW))
		goto fail;
	add_region(u, API_UVA, PAGE, false);
	add_region(u, STUB_UVA, stubs, false);
	add_region(u, BUS_UVA, RK_UBUS_SIZE, true);
	add_region(u, BODY_UVA, body, false);
	add_region(u, STACK_LO_UVA, RK_USTACK_SIZE, true);
	u->api_uva = API_UVA;
	u->entry_uva = BODY_UVA;
	u->exit_uva = stub_uva((uintptr_t)hal_ustub_exit);
	/* 16-byte aligned, one slot below for the return address x86_64
	 * pushes (hal_user_enter). */
	u->sp_uva = STACK_TOP_UVA - 16;
	u->guard_lo = STACK_LO_UVA - PAGE;
	return 0;
fail:
	rk_uspace_free(u);
	return -1;
}

bool rk_uspace_range(const struct rk_uspace *u, uint64_t uva, uint64_t len,
                     bool write)
{
	for (unsigned i = 0; i < u->nregions; i++) {
		const struct rk_uregion *r = &u->regions[i];
		/* [uva, uva + len) inside [r->uva, r->uva + r->len), written
		 * so that no sum can wrap. */
		if (uva >= r->uva && uva - r->uva <= r->len &&
		    len <= r->len - (uva - r->uva))
			return !write || r->writable;
	}
	return false;
}

bool rk_uspace_in_guard(const struct rk_uspace *u, uintptr_t addr)
{
	return u->as && addr >= u->guard_lo && addr - u->guard_lo < PAGE;
}
