/*
 * test_pmm.c - the native kernels' page allocator (native/common/pmm.c),
 * run on the host over a malloc'ed arena standing in for physical RAM.
 *
 * pmm.c keeps its state in file-scope statics, so it is compiled into this
 * file (with a 16 MiB capacity, to reach the capacity limit cheaply) and
 * every test starts from a zeroed allocator.  Panics (double free, free of
 * an unmanaged page) end the process through the simulator's hal_exit, so
 * they are checked in a forked child: status RK_EXIT_PANIC and the message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "child.h"

#include <rumpk/status.h>

#define RK_PMM_MAX_BYTES (16ull << 20) /* 4096 pages */
#include "../native/common/pmm.c"

#define PG          ((uint64_t)RK_PMM_PAGE)
#define ARENA_PAGES 6000 /* more than the capacity, for the limit test */

static uint8_t *arena;

static uint64_t at(size_t page)
{
	return (uint64_t)(uintptr_t)(arena + page * PG);
}

static size_t page_of(const void *p)
{
	return (size_t)((const uint8_t *)p - arena) / PG;
}

static int setup(void **state)
{
	(void)state;
	memset(bitmap, 0, sizeof(bitmap));
	memset(ranges, 0, sizeof(ranges));
	nranges = bits_used = nfree = 0;
	memset(reserved, 0, sizeof(reserved));
	nreserved = 0;
	/* Garbage everywhere: an allocation must come back zeroed. */
	memset(arena, 0xa5, (size_t)ARENA_PAGES * PG);
	return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

struct thunk {
	void (*fn)(void);
};

static void call(void *arg)
{
	((struct thunk *)arg)->fn();
}

/* Runs fn in a child; returns its exit status and what it printed. */
static int run_child(void (*fn)(void), char *out, size_t outsz)
{
	struct thunk t = {fn};
	int st = rk_test_run_child(call, &t, out, outsz);
	assert_true(st >= 0 && st < 1000); /* ran, and exited */
	return st;
}

static void test_empty(void **state)
{
	(void)state;
	assert_int_equal(rk_pmm_total_count(), 0);
	assert_int_equal(rk_pmm_free_count(), 0);
	assert_null(rk_pmm_alloc_pages(1));
}

/* Unaligned, out of order, overlapping and empty ranges: only whole pages
 * inside some range count, and each page once. */
static void test_add_ranges(void **state)
{
	(void)state;
	rk_pmm_add_range(at(1000), 1000 * PG);
	rk_pmm_add_range(at(0) + 100, 600 * PG); /* pages 1..599 */
	rk_pmm_add_range(at(500), 800 * PG);     /* adds 600..999 only */
	rk_pmm_add_range(at(2500) + 1, PG);      /* no whole page */
	rk_pmm_add_range(at(2600), PG - 1);      /* no whole page */
	rk_pmm_add_range(at(2700), 0);
	rk_pmm_add_range(at(1200), 10 * PG); /* all known already */
	assert_int_equal(rk_pmm_total_count(), 1999);
	assert_int_equal(rk_pmm_free_count(), 1999);

	/* Every page of 1..1999 comes out exactly once, none other. */
	static uint8_t seen[ARENA_PAGES];
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < 1999; i++) {
		uint8_t *p = rk_pmm_alloc_pages(1);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % PG, 0);
		size_t pg = page_of(p);
		assert_true(pg >= 1 && pg < 2000);
		assert_false(seen[pg]);
		seen[pg] = 1;
	}
	assert_null(rk_pmm_alloc_pages(1));
	assert_int_equal(rk_pmm_free_count(), 0);
}

static void test_reserve(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 100 * PG);
	rk_pmm_reserve(at(10) + 5, 2);      /* one byte range: page 10 */
	rk_pmm_reserve(at(19) + PG - 1, 2); /* straddles 19 and 20 */
	rk_pmm_reserve(at(50), 0);          /* nothing */
	rk_pmm_reserve(at(200), 10 * PG);   /* unmanaged: ignored */
	rk_pmm_reserve(at(10), PG);         /* again: counted once */
	assert_int_equal(rk_pmm_total_count(), 100);
	assert_int_equal(rk_pmm_free_count(), 97);

	for (int i = 0; i < 97; i++) {
		uint8_t *p = rk_pmm_alloc_pages(1);
		assert_non_null(p);
		size_t pg = page_of(p);
		assert_true(pg != 10 && pg != 19 && pg != 20);
	}
	assert_null(rk_pmm_alloc_pages(1));
}

/* pmm.h: "A reserve before the add of its range is forgotten by that add." */
static void test_reserve_before_add(void **state)
{
	(void)state;
	rk_pmm_reserve(at(0), 4 * PG);
	rk_pmm_add_range(at(0), 4 * PG);
	assert_int_equal(rk_pmm_free_count(), 4);
	assert_ptr_equal(rk_pmm_alloc_pages(4), arena);
}

static void test_contiguous_zeroed(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 300 * PG);
	rk_pmm_reserve(at(5), PG); /* runs: 0..4, 6..299 */
	uint8_t *a = rk_pmm_alloc_pages(5);
	assert_ptr_equal(a, arena); /* first fit */
	assert_true(all_zero(a, 5 * PG));
	uint8_t *b = rk_pmm_alloc_pages(6);
	assert_ptr_equal(b, arena + 6 * PG); /* skips the reserved page */
	assert_true(all_zero(b, 6 * PG));
	/* A run longer than 64 pages crosses bitmap words. */
	uint8_t *c = rk_pmm_alloc_pages(200);
	assert_ptr_equal(c, arena + 12 * PG);
	assert_true(all_zero(c, 200 * PG));
	assert_int_equal(rk_pmm_free_count(), 299 - 211);
	assert_null(rk_pmm_alloc_pages(89)); /* only 88 left */
	uint8_t *d = rk_pmm_alloc_pages(88);
	assert_ptr_equal(d, arena + 212 * PG);

	/* Dirty pages given back come out zeroed again. */
	memset(b, 0xff, 6 * PG);
	rk_pmm_free_pages(b, 6);
	uint8_t *e = rk_pmm_alloc_pages(6);
	assert_ptr_equal(e, b);
	assert_true(all_zero(e, 6 * PG));
}

/* A run never spans two ranges that are not adjacent in memory, even when
 * enough pages are free in all; adjacent adds merge into one range. */
static void test_runs_and_ranges(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 50 * PG);
	rk_pmm_add_range(at(100), 50 * PG);
	assert_null(rk_pmm_alloc_pages(60));
	assert_int_equal(rk_pmm_free_count(), 100);
	rk_pmm_add_range(at(150), 50 * PG); /* grows the range at 100 */
	uint8_t *p = rk_pmm_alloc_pages(100);
	assert_ptr_equal(p, arena + 100 * PG);
	assert_null(rk_pmm_alloc_pages(51));
	assert_ptr_equal(rk_pmm_alloc_pages(50), arena);
}

static void test_zero_and_too_many(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 8 * PG);
	assert_null(rk_pmm_alloc_pages(0));
	assert_null(rk_pmm_alloc_pages(9));
	assert_null(rk_pmm_alloc_pages(SIZE_MAX));
	assert_int_equal(rk_pmm_free_count(), 8);
}

static void test_exhaustion_and_free(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 128 * PG);
	void *pages[128];
	for (int i = 0; i < 128; i++) {
		pages[i] = rk_pmm_alloc_pages(1);
		assert_non_null(pages[i]);
	}
	assert_null(rk_pmm_alloc_pages(1));
	assert_int_equal(rk_pmm_free_count(), 0);
	assert_int_equal(rk_pmm_total_count(), 128);
	for (int i = 0; i < 128; i += 2)
		rk_pmm_free_pages(pages[i], 1);
	assert_int_equal(rk_pmm_free_count(), 64);
	assert_null(rk_pmm_alloc_pages(2)); /* fragmented: no pair */
	rk_pmm_free_pages(pages[1], 1);
	assert_ptr_equal(rk_pmm_alloc_pages(3), pages[0]);
}

/* pmm.h: any sub-run of an allocation may be freed separately. */
static void test_free_sub_runs(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), 16 * PG);
	uint8_t *p = rk_pmm_alloc_pages(16);
	assert_non_null(p);
	rk_pmm_free_pages(p + 4 * PG, 4);
	assert_int_equal(rk_pmm_free_count(), 4);
	assert_ptr_equal(rk_pmm_alloc_pages(4), p + 4 * PG);
	rk_pmm_free_pages(p, 16);
	assert_int_equal(rk_pmm_free_count(), 16);
}

/* The bitmap covers RK_PMM_MAX_BYTES and RK_PMM_MAX_RANGES ranges: what
 * lies beyond either is ignored, not written past the bitmap. */
static void test_capacity(void **state)
{
	(void)state;
	rk_pmm_add_range(at(0), (uint64_t)ARENA_PAGES * PG);
	assert_int_equal(rk_pmm_total_count(), MAX_PAGES);
	assert_int_equal(rk_pmm_free_count(), MAX_PAGES);
	assert_non_null(rk_pmm_alloc_pages(MAX_PAGES));
	assert_null(rk_pmm_alloc_pages(1));

	setup(NULL);
	for (size_t i = 0; i < RK_PMM_MAX_RANGES + 4; i++)
		rk_pmm_add_range(at(2 * i), PG); /* never adjacent */
	assert_int_equal(rk_pmm_total_count(), RK_PMM_MAX_RANGES);
	for (size_t i = 0; i < RK_PMM_MAX_RANGES; i++)
		assert_ptr_equal(rk_pmm_alloc_pages(1), arena + 2 * i * PG);
	assert_null(rk_pmm_alloc_pages(1));
}

/* A range that would wrap the address space is cut at its top (the last
 * page, whose end is not representable, is left out), and a reserve that
 * runs off the top ends.  Nothing is allocated: no memory is there. */
static void test_add_wraps(void **state)
{
	(void)state;
	rk_pmm_add_range(UINT64_MAX - 3 * PG + 1, 10 * PG);
	assert_int_equal(rk_pmm_total_count(), 2);
	rk_pmm_reserve(UINT64_MAX - 2 * PG + 1, 10 * PG);
	assert_int_equal(rk_pmm_free_count(), 1);
}

static void double_free(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	void *p = rk_pmm_alloc_pages(2);
	rk_pmm_free_pages(p, 2);
	rk_pmm_free_pages((uint8_t *)p + PG, 1);
}

static void free_unmanaged(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	rk_pmm_free_pages(arena + 10 * PG, 1);
}

static void free_unaligned(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	uint8_t *p = rk_pmm_alloc_pages(1);
	rk_pmm_free_pages(p + 8, 1);
}

/* A run whose second page is free panics too (after freeing the first). */
static void free_run_partly_free(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	(void)rk_pmm_alloc_pages(1);
	rk_pmm_free_pages(arena, 2);
}

/* A reserved page (the kernel's, the DTB's) must never be freed. */
static void free_reserved(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	rk_pmm_reserve(at(2), PG);
	rk_pmm_free_pages(arena + 2 * PG, 1);
}

static void free_ok(void)
{
	rk_pmm_add_range(at(0), 4 * PG);
	void *p = rk_pmm_alloc_pages(4);
	rk_pmm_free_pages(p, 4);
}

static void test_bad_free_panics(void **state)
{
	(void)state;
	char out[512];

	assert_int_equal(run_child(double_free, out, sizeof(out)),
	                 RK_EXIT_PANIC);
	assert_non_null(strstr(out, "[PANIC] pmm: free of free page"));
	assert_int_equal(run_child(free_unmanaged, out, sizeof(out)),
	                 RK_EXIT_PANIC);
	assert_non_null(strstr(out, "[PANIC] pmm: free of unmanaged page"));
	assert_int_equal(run_child(free_unaligned, out, sizeof(out)),
	                 RK_EXIT_PANIC);
	assert_non_null(strstr(out, "[PANIC] pmm: free of unaligned"));
	assert_int_equal(run_child(free_run_partly_free, out, sizeof(out)),
	                 RK_EXIT_PANIC);
	assert_non_null(strstr(out, "[PANIC] pmm: free of free page"));
	assert_int_equal(run_child(free_reserved, out, sizeof(out)),
	                 RK_EXIT_PANIC);
	assert_non_null(strstr(out, "[PANIC] pmm: free of reserved page"));
	/* The control: a good free does not end the child. */
	assert_int_equal(run_child(free_ok, out, sizeof(out)), 0);
	assert_null(strstr(out, "PANIC"));
}

/* Random allocations and frees against a model of who owns each page,
 * with a fixed seed: no page handed out twice, none outside the ranges or
 * reserved, every allocation zeroed, the free count always the model's,
 * and a run refused only when the model has no such run. */
#define MODEL_PAGES 3000
static uint8_t owner[MODEL_PAGES]; /* 0 free, 1 allocated, 2 unusable */

static int model_has_run(size_t lo, size_t hi, size_t n)
{
	size_t run = 0;
	for (size_t pg = lo; pg < hi; pg++) {
		run = owner[pg] == 0 ? run + 1 : 0;
		if (run >= n)
			return 1;
	}
	return 0;
}

static void test_random_against_model(void **state)
{
	(void)state;
	/* Ranges: 1000..1999, then 1..999 (two adds that merge into one
	 * range, but not with 1000..1999, added before it) and 2200..2999;
	 * page 1500 and 2300..2309 reserved. */
	rk_pmm_add_range(at(1000), 1000 * PG);
	rk_pmm_add_range(at(0) + 100, 600 * PG);
	rk_pmm_add_range(at(500), 800 * PG);
	rk_pmm_add_range(at(2200), 800 * PG);
	rk_pmm_reserve(at(1500) + 5, 2);
	rk_pmm_reserve(at(2300), 10 * PG);
	memset(owner, 2, sizeof(owner));
	for (size_t pg = 1; pg < 2000; pg++)
		owner[pg] = 0;
	for (size_t pg = 2200; pg < 3000; pg++)
		owner[pg] = 0;
	owner[1500] = 2;
	for (size_t pg = 2300; pg < 2310; pg++)
		owner[pg] = 2;
	size_t model_free = 1999 + 800 - 11;
	assert_int_equal(rk_pmm_free_count(), model_free);
	assert_int_equal(rk_pmm_total_count(), 1999 + 800);

	static struct {
		uint8_t *p;
		size_t n;
	} live[4000];
	size_t nlive = 0, refused = 0;
	srand(20261124);
	for (int it = 0; it < 50000; it++) {
		if (nlive && (rand() % 2 || nlive == 4000)) {
			size_t i = (size_t)rand() % nlive;
			size_t pg = page_of(live[i].p);
			for (size_t k = 0; k < live[i].n; k++)
				owner[pg + k] = 0;
			rk_pmm_free_pages(live[i].p, live[i].n);
			model_free += live[i].n;
			live[i] = live[--nlive];
		} else {
			size_t n = 1 + (size_t)rand() % (rand() % 8 ? 4 : 120);
			uint8_t *p = rk_pmm_alloc_pages(n);
			if (!p) {
				/* Refused: no range may have a free run of n.
				 */
				assert_false(model_has_run(1, 1000, n));
				assert_false(model_has_run(1000, 2000, n));
				assert_false(model_has_run(2200, 3000, n));
				refused++;
				continue;
			}
			assert_int_equal((uintptr_t)p % PG, 0);
			size_t pg = page_of(p);
			assert_true(pg + n <= MODEL_PAGES);
			for (size_t k = 0; k < n; k++) {
				assert_int_equal(owner[pg + k], 0);
				owner[pg + k] = 1;
			}
			assert_true(all_zero(p, n * PG));
			memset(p, 0xab, n * PG);
			live[nlive].p = p;
			live[nlive].n = n;
			nlive++;
			model_free -= n;
		}
		assert_int_equal(rk_pmm_free_count(), model_free);
	}
	assert_true(refused > 0); /* the run did reach exhaustion */
	while (nlive) {
		nlive--;
		rk_pmm_free_pages(live[nlive].p, live[nlive].n);
	}
	assert_int_equal(rk_pmm_free_count(), 1999 + 800 - 11);
	/* Everything is free again: the longest run in one range, 1..999,
	 * is whole. */
	assert_ptr_equal(rk_pmm_alloc_pages(999), arena + PG);
}

int main(void)
{
	arena = aligned_alloc(PG, (size_t)ARENA_PAGES * PG);
	if (!arena)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_empty, setup),
	    cmocka_unit_test_setup(test_add_ranges, setup),
	    cmocka_unit_test_setup(test_reserve, setup),
	    cmocka_unit_test_setup(test_reserve_before_add, setup),
	    cmocka_unit_test_setup(test_contiguous_zeroed, setup),
	    cmocka_unit_test_setup(test_runs_and_ranges, setup),
	    cmocka_unit_test_setup(test_zero_and_too_many, setup),
	    cmocka_unit_test_setup(test_exhaustion_and_free, setup),
	    cmocka_unit_test_setup(test_free_sub_runs, setup),
	    cmocka_unit_test_setup(test_capacity, setup),
	    cmocka_unit_test_setup(test_add_wraps, setup),
	    cmocka_unit_test_setup(test_bad_free_panics, setup),
	    cmocka_unit_test_setup(test_random_against_model, setup),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(arena);
	return rc;
}
