/* test_governor.c - the governor's vocabulary: policy names both ways and
 * the tunables by name (what --gov, --gov-param, gov= and gov.NAME= use). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/governor.h>

static int parse(const char *s, enum rk_gov_policy *p)
{
	return rk_gov_policy_parse(s, strlen(s), p);
}

static void test_policy_names(void **state)
{
	(void)state;
	const enum rk_gov_policy all[] = {RK_GOV_ADAPTIVE, RK_GOV_ALWAYS_IRQ,
	                                  RK_GOV_ALWAYS_POLL};
	for (unsigned i = 0; i < 3; i++) {
		enum rk_gov_policy p = RK_GOV_ADAPTIVE;
		assert_int_equal(parse(rk_gov_policy_name(all[i]), &p), 0);
		assert_int_equal(p, all[i]);
	}
	assert_string_equal(rk_gov_policy_name(RK_GOV_ADAPTIVE), "adaptive");
	assert_string_equal(rk_gov_policy_name(RK_GOV_ALWAYS_IRQ), "irq");
	assert_string_equal(rk_gov_policy_name(RK_GOV_ALWAYS_POLL), "poll");
	assert_string_equal(rk_gov_policy_name((enum rk_gov_policy)7),
	                    "unknown");
}

static void test_policy_parse_refuses(void **state)
{
	(void)state;
	enum rk_gov_policy p = RK_GOV_ALWAYS_POLL;
	assert_int_equal(parse("", &p), -1);
	assert_int_equal(parse("maybe", &p), -1);
	assert_int_equal(parse("always-irq", &p), -1);
	assert_int_equal(parse("ir", &p), -1);
	assert_int_equal(parse("irqs", &p), -1);
	assert_int_equal(p, RK_GOV_ALWAYS_POLL); /* untouched */
	/* Not terminated: the length decides (a command-line word). */
	assert_int_equal(rk_gov_policy_parse("poll gov.budget=1", 4, &p), 0);
	assert_int_equal(p, RK_GOV_ALWAYS_POLL);
}

static int param(struct rk_gov_config *c, const char *kv)
{
	return rk_gov_param_parse(c, kv, strlen(kv));
}

static void test_params_in_their_units(void **state)
{
	(void)state;
	struct rk_gov_config c = RK_GOV_CONFIG_DEFAULT;
	assert_int_equal(param(&c, "window_ms=3"), 0);
	assert_int_equal(c.window_ns, 3000000);
	assert_int_equal(param(&c, "war_rate=50000"), 0);
	assert_int_equal(c.war_rate, 50000);
	assert_int_equal(param(&c, "peace_rate=10"), 0);
	assert_int_equal(c.peace_rate, 10);
	assert_int_equal(param(&c, "dwell_ms=7"), 0);
	assert_int_equal(c.dwell_ns, 7000000);
	assert_int_equal(param(&c, "empty_polls=9"), 0);
	assert_int_equal(c.empty_polls, 9);
	assert_int_equal(param(&c, "budget=4294967295"), 0);
	assert_int_equal(c.budget, 4294967295u);
	assert_int_equal(param(&c, "poll_us=11"), 0);
	assert_int_equal(c.poll_interval_ns, 11000);
	assert_int_equal(param(&c, "war_rate=18446744073709551615"), 0);
	assert_true(c.war_rate == UINT64_MAX);
	/* NAME=VALUE ends at the length, not at a terminator. */
	assert_int_equal(rk_gov_param_parse(&c, "budget=12 x", 9), 0);
	assert_int_equal(c.budget, 12);
}

static void test_params_refused(void **state)
{
	(void)state;
	struct rk_gov_config c = RK_GOV_CONFIG_DEFAULT, before = c;
	const char *bad[] = {
	    "speed=3",                       /* no such tunable */
	    "budget",                        /* no value */
	    "budget=",                       /* empty value */
	    "budget=-1",                     /* not a decimal number */
	    "budget=1x",                     /* trailing junk */
	    "budget= 1",                     /* blank */
	    "=5",                            /* no name */
	    "budget=4294967296",             /* over 32 bits */
	    "window_ms=18446744073710",      /* ns overflow 64 bits */
	    "war_rate=18446744073709551616", /* over 64 bits */
	    "Budget=1",                      /* names are exact */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(param(&c, bad[i]), -1);
	assert_int_equal(c.window_ns, before.window_ns);
	assert_int_equal(c.war_rate, before.war_rate);
	assert_int_equal(c.budget, before.budget);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_policy_names),
	    cmocka_unit_test(test_policy_parse_refuses),
	    cmocka_unit_test(test_params_in_their_units),
	    cmocka_unit_test(test_params_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
