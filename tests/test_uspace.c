/* test_uspace.c - the syscall argument check (src/uspace.c): a range a
 * hostile payload passes is accepted only when it lies wholly inside one
 * of its own mappings (writable ones for output), whatever the values:
 * wrapping sums, kernel addresses, straddles, zero lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <rumpk/hal.h>

#include "core.h"

static struct rk_uspace space(void)
{
	struct rk_uspace u = {0};
	u.as = (struct hal_uspace *)&u; /* any non-NULL: "has a space" */
	u.regions[0] = (struct rk_uregion){RK_USER_BASE, 4096, false};
	u.regions[1] = (struct rk_uregion){RK_USER_BASE + 0x10000, 8192, false};
	u.regions[2] =
	    (struct rk_uregion){RK_USER_BASE + 0x100000, 65536, true};
	u.nregions = 3;
	u.guard_lo = RK_USER_BASE + 0x100000 - 4096;
	return u;
}

static void test_inside(void **state)
{
	(void)state;
	struct rk_uspace u = space();
	assert_true(rk_uspace_range(&u, RK_USER_BASE, 4096, false));
	assert_true(rk_uspace_range(&u, RK_USER_BASE + 100, 10, false));
	assert_true(
	    rk_uspace_range(&u, RK_USER_BASE + 0x10000 + 8191, 1, false));
	assert_true(rk_uspace_range(&u, RK_USER_BASE + 0x100000, 65536, true));
	/* An empty range at a mapping's end is harmless. */
	assert_true(rk_uspace_range(&u, RK_USER_BASE + 4096, 0, false));
}

static void test_outside_and_straddling(void **state)
{
	(void)state;
	struct rk_uspace u = space();
	assert_false(rk_uspace_range(&u, RK_USER_BASE, 4097, false));
	assert_false(rk_uspace_range(&u, RK_USER_BASE + 4095, 2, false));
	assert_false(rk_uspace_range(&u, RK_USER_BASE - 1, 1, false));
	assert_false(rk_uspace_range(&u, RK_USER_BASE + 0x2000, 1, false));
	/* Kernel addresses: the image, a stack, page 0. */
	assert_false(rk_uspace_range(&u, 0x100000, 16, false));
	assert_false(rk_uspace_range(&u, 0x80200000, 16, false));
	assert_false(rk_uspace_range(&u, 0, 1, false));
	/* The guard page below the stack. */
	assert_false(rk_uspace_range(&u, u.guard_lo, 8, true));
	assert_true(rk_uspace_in_guard(&u, u.guard_lo + 8));
	assert_false(rk_uspace_in_guard(&u, u.guard_lo + 4096));
}

static void test_wrapping(void **state)
{
	(void)state;
	struct rk_uspace u = space();
	/* uva + len wraps to a small number inside a mapping. */
	assert_false(rk_uspace_range(&u, RK_USER_BASE + 16, UINT64_MAX, false));
	assert_false(rk_uspace_range(&u, UINT64_MAX, 2, false));
	assert_false(rk_uspace_range(&u, UINT64_MAX - 15, 32, false));
	assert_false(rk_uspace_range(&u, RK_USER_BASE,
	                             UINT64_MAX - RK_USER_BASE + 2, false));
	assert_false(rk_uspace_range(&u, RK_USER_BASE + 0x100000,
	                             (uint64_t)1 << 63, true));
}

static void test_write_needs_writable(void **state)
{
	(void)state;
	struct rk_uspace u = space();
	/* The API table and the body: read, never written. */
	assert_false(rk_uspace_range(&u, RK_USER_BASE, 8, true));
	assert_false(rk_uspace_range(&u, RK_USER_BASE + 0x10000, 8, true));
	assert_true(rk_uspace_range(&u, RK_USER_BASE + 0x10000, 8, false));
	assert_true(rk_uspace_range(&u, RK_USER_BASE + 0x100000 + 8, 8, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_inside),
	    cmocka_unit_test(test_outside_and_straddling),
	    cmocka_unit_test(test_wrapping),
	    cmocka_unit_test(test_write_needs_writable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
