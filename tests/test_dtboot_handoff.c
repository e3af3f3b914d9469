/*
 * test_dtboot_handoff.c - rk_dtboot_handoff (native/common/dtboot.c), the
 * kernel's check of what the EFI loader hands an aarch64 kernel in x1,
 * on the host: a device tree built here with libfdt whose one /memory
 * range is a buffer of this process, a handoff inside it, and every field
 * broken in turn.  A broken handoff is refused (-1) before anything is
 * reserved or taken; a good one reserves itself, the firmware's ranges
 * and the payloads, and replaces /chosen's initrd and command line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "../native/common/dtboot.h"
#include "../native/common/efi_handoff.h"

/* ---- what dtboot.c calls besides the tree and klib: recorded ---- */

static struct rk_mem_range reserved[256];
static unsigned nreserved;

void rk_pmm_add_range(uint64_t base, uint64_t len)
{
	(void)base;
	(void)len;
}

void rk_pmm_reserve(uint64_t base, uint64_t len)
{
	if (nreserved < 256)
		reserved[nreserved++] = (struct rk_mem_range){base, len};
}

void rk_entropy_add(const void *p, size_t len)
{
	(void)p;
	(void)len;
}

bool rk_virtio_blk_probe(uintptr_t base)
{
	(void)base;
	return false;
}

static bool was_reserved(uint64_t base, uint64_t len)
{
	for (unsigned i = 0; i < nreserved; i++)
		if (reserved[i].base == base && reserved[i].size == len)
			return true;
	return false;
}

/* ---- the machine: RAM is this buffer ---- */

static _Alignas(4096) uint8_t ram[1 << 20];
static uint8_t dtb[4096];
static struct rk_dtboot dt;
static struct rk_handoff *ho;
static uint8_t *blob;

static uint64_t addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void make_tree(void)
{
	fdt32_t reg[4] = {
	    cpu_to_fdt32((uint32_t)(addr(ram) >> 32)),
	    cpu_to_fdt32((uint32_t)addr(ram)),
	    cpu_to_fdt32(0),
	    cpu_to_fdt32(sizeof(ram)),
	};
	assert_int_equal(fdt_create(dtb, sizeof(dtb)), 0);
	assert_int_equal(fdt_finish_reservemap(dtb), 0);
	assert_int_equal(fdt_begin_node(dtb, ""), 0);
	assert_int_equal(fdt_property_u32(dtb, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(dtb, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(dtb, "chosen"), 0);
	assert_int_equal(fdt_property_string(dtb, "bootargs", "from-dt"), 0);
	assert_int_equal(fdt_end_node(dtb), 0);
	assert_int_equal(fdt_begin_node(dtb, "memory@0"), 0);
	assert_int_equal(fdt_property_string(dtb, "device_type", "memory"), 0);
	assert_int_equal(fdt_property(dtb, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_end_node(dtb), 0);
	assert_int_equal(fdt_end_node(dtb), 0);
	assert_int_equal(fdt_finish(dtb), 0);
}

/* A good handoff: at the start of RAM, payloads 4 KiB in, two firmware
 * ranges, a command line. */
static int setup(void **state)
{
	(void)state;
	make_tree();
	assert_int_equal(rk_dtboot_init(&dt, addr(dtb), sizeof(dtb)), 0);
	memset(ram, 0, sizeof(ram));
	nreserved = 0;
	ho = (struct rk_handoff *)ram;
	blob = ram + 64 * 1024;
	ho->magic = RK_HANDOFF_MAGIC;
	ho->version = RK_HANDOFF_VERSION;
	ho->size = sizeof(*ho);
	ho->initrd = addr(blob);
	ho->initrd_len = 1000;
	ho->nreserved = 2;
	ho->reserved[0] = (struct rk_handoff_range){0x1000, 0x2000};
	ho->reserved[1] = (struct rk_handoff_range){addr(ram) + 0x80000, 4096};
	strcpy(ho->cmdline, "images=a.npl:600,b.npl:400 fault=kill");
	return 0;
}

static void refused_untouched(void)
{
	assert_int_equal(rk_dtboot_handoff(&dt, addr(ho)), -1);
	assert_int_equal(nreserved, 0);
	assert_false(dt.has_initrd);
	assert_null(dt.cmdline);
	assert_false(dt.efi);
}

static void test_good(void **state)
{
	(void)state;
	assert_int_equal(rk_dtboot_handoff(&dt, addr(ho)), 0);
	assert_true(dt.efi);
	assert_true(dt.has_initrd);
	assert_int_equal(dt.initrd_start, addr(blob));
	assert_int_equal(dt.initrd_end, addr(blob) + 1000);
	assert_true(was_reserved(addr(ho), sizeof(*ho)));
	assert_true(was_reserved(0x1000, 0x2000));
	assert_true(was_reserved(addr(ram) + 0x80000, 4096));
	assert_true(was_reserved(addr(blob), 1000));

	struct rk_boot boot = {0};
	rk_dtboot_facts(&dt, &boot);
	assert_string_equal(boot.cmdline,
	                    "images=a.npl:600,b.npl:400 fault=kill");
	assert_true(boot.has_payloads);
	assert_ptr_equal(boot.initrd, blob);
	assert_int_equal(boot.initrd_len, 1000);
}

static void test_no_payloads_is_the_demo(void **state)
{
	(void)state;
	ho->initrd = 0;
	ho->initrd_len = 0;
	assert_int_equal(rk_dtboot_handoff(&dt, addr(ho)), 0);
	assert_false(dt.has_initrd);
}

static void test_empty_files_are_a_list(void **state)
{
	(void)state;
	ho->initrd_len = 0; /* files, all empty: each refused by name */
	assert_int_equal(rk_dtboot_handoff(&dt, addr(ho)), 0);
	assert_true(dt.has_initrd);
	assert_int_equal(dt.initrd_end, dt.initrd_start);
}

static void test_bad_magic(void **state)
{
	(void)state;
	ho->magic ^= 1;
	refused_untouched();
}

static void test_bad_version(void **state)
{
	(void)state;
	ho->version = RK_HANDOFF_VERSION + 1;
	refused_untouched();
}

static void test_bad_size(void **state)
{
	(void)state;
	ho->size = sizeof(*ho) - 8;
	refused_untouched();
}

static void test_too_many_ranges(void **state)
{
	(void)state;
	ho->nreserved = RK_HANDOFF_MAX_RESERVED + 1;
	refused_untouched();
}

static void test_unterminated_cmdline(void **state)
{
	(void)state;
	memset(ho->cmdline, 'x', sizeof(ho->cmdline));
	refused_untouched();
}

static void test_payloads_outside_ram(void **state)
{
	(void)state;
	ho->initrd = addr(ram) + sizeof(ram) - 100; /* runs past the end */
	refused_untouched();
}

static void test_payloads_wrapping(void **state)
{
	(void)state;
	ho->initrd = UINT64_MAX - 10;
	ho->initrd_len = 100;
	refused_untouched();
}

static void test_handoff_outside_ram(void **state)
{
	(void)state;
	static struct rk_handoff elsewhere; /* not in the tree's RAM */
	memcpy(&elsewhere, ho, sizeof(elsewhere));
	assert_int_equal(rk_dtboot_handoff(&dt, addr(&elsewhere)), -1);
	assert_int_equal(nreserved, 0);
	assert_int_equal(rk_dtboot_handoff(&dt, UINT64_MAX - 16), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_good, setup),
	    cmocka_unit_test_setup(test_no_payloads_is_the_demo, setup),
	    cmocka_unit_test_setup(test_empty_files_are_a_list, setup),
	    cmocka_unit_test_setup(test_bad_magic, setup),
	    cmocka_unit_test_setup(test_bad_version, setup),
	    cmocka_unit_test_setup(test_bad_size, setup),
	    cmocka_unit_test_setup(test_too_many_ranges, setup),
	    cmocka_unit_test_setup(test_unterminated_cmdline, setup),
	    cmocka_unit_test_setup(test_payloads_outside_ram, setup),
	    cmocka_unit_test_setup(test_payloads_wrapping, setup),
	    cmocka_unit_test_setup(test_handoff_outside_ram, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
