/*
 * kernel.c - rk_kmain, the boot sequence every platform shares: seed the
 * ID key, start the scheduler, build the keyring, then run either the
 * demo or exactly the payloads the user or the boot loader gave.
 */
#include <rumpk/crypto.h>
#include <rumpk/governor.h>
#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/serial_rx.h>
#include <rumpk/siphash.h>
#include <rumpk/status.h>
#include <rumpk/trace.h>

#include "core.h"

struct kmain_ctx {
	const struct rk_boot *boot;
	struct rk_npl_policy pol;
	unsigned ran, refused, failed, count;
	unsigned keyrings; /* keyring documents accepted */
	int status;
	int fault;     /* the worst status a contained payload fault earned */
	bool parallel; /* run=parallel: start all, then finish all */
	struct rk_run *pending[RK_MAX_RUNS];
	unsigned npending;
};

static uint8_t keyring[RK_MAX_KEYS][32];

static void count(struct kmain_ctx *k, enum rk_run_result res, int64_t r)
{
	switch (res) {
	case RK_RUN_OK:
		k->ran++;
		break;
	case RK_RUN_REFUSED:
		k->refused++;
		break;
	case RK_RUN_TRAPPED:
		/* Contained: the next image runs; the run's status still
		 * says a payload trapped (docs/exit-status.md). */
		k->failed++;
		if (r > k->fault)
			k->fault = (int)r;
		break;
	default:
		k->failed++;
		break;
	}
}

/* One image: loaded now; run to its end now, or (run=parallel) left
 * running with the others until finish_all. */
static void run_one(const void *img, size_t len, const char *name,
                    struct kmain_ctx *k)
{
	int64_t r = 0;
	enum rk_npl_err err = RK_NPL_OK;
	/* A keyring document: in force for the images after it, and not
	 * a payload (counted only when refused). */
	if (rk_keyring_is_doc(img, len)) {
		if (rk_rollback_failed()) {
			rk_printf("[KEYRING] \xe2\x9d\x8c Rejected '%s': the "
			          "persistent store failed its check at boot\n",
			          name);
		} else if (rk_trust_apply(img, len, name, &k->pol) == 0) {
			k->keyrings++;
			return;
		}
		k->count++;
		k->refused++;
		return;
	}
	k->count++;
	struct rk_run *run =
	    rk_payload_start(img, len, name, &k->pol, &err, false);
	if (!run) {
		count(k,
		      err == RK_NPL_ERR_NOMEM ? RK_RUN_FAILED : RK_RUN_REFUSED,
		      0);
		return;
	}
	if (k->parallel) {
		k->pending[k->npending++] = run;
		return;
	}
	/* Two statements: the order a call's arguments are read in is
	 * unspecified, and r is only set by the finish. */
	enum rk_run_result res = rk_payload_finish(run, &r);
	count(k, res, r);
}

static void finish_all(struct kmain_ctx *k)
{
	for (unsigned i = 0; i < k->npending; i++) {
		int64_t r = 0;
		enum rk_run_result res = rk_payload_finish(k->pending[i], &r);
		count(k, res, r);
	}
	k->npending = 0;
}

static void run_initrd_piece(const void *img, size_t len, size_t idx, void *arg)
{
	char name[32];
	rk_snprintf(name, sizeof(name), "initrd#%zu", idx);
	run_one(img, len, name, arg);
}

/* `images=NAME:SIZE,NAME:SIZE,...` on the command line says how the boot
 * loader built the initrd (scripts/qemu_run.py writes it): the files, in
 * order, and their sizes.  The initrd is then cut exactly there and each
 * piece is loaded under its file's name, so an empty or truncated file is
 * refused by name, as a multiboot module is, and cannot swallow the
 * images after it.  Returns RK_EXIT_OK, or RK_EXIT_USAGE for a malformed
 * list (said on the console). */
static int run_image_list(struct kmain_ctx *k, const char *v, size_t n)
{
	const uint8_t *blob = k->boot->initrd;
	size_t have = k->boot->initrd ? k->boot->initrd_len : 0, off = 0;
	const char *p = v, *end = v + n;

	while (p < end) {
		const char *name = p, *colon = NULL;
		while (p < end && *p != ',') {
			if (*p == ':')
				colon = p;
			p++;
		}
		uint64_t size = 0;
		bool ok = colon && colon > name && colon + 1 < p &&
		          (size_t)(colon - name) < 48;
		for (const char *d = colon ? colon + 1 : p; ok && d < p; d++) {
			ok = *d >= '0' && *d <= '9' && size <= RK_NPL_BODY_MAX;
			size = size * 10 + (uint64_t)(*d - '0');
		}
		if (!ok) {
			rk_printf("[BOOT] images=: entry '%.*s': expected "
			          "NAME:SIZE (a name of 1 to 47 characters, a "
			          "size in bytes)\n",
			          (int)(p - name), name);
			return RK_EXIT_USAGE;
		}
		char nm[48];
		rk_snprintf(nm, sizeof(nm), "%.*s", (int)(colon - name), name);
		if (size > have - off) {
			k->count++;
			k->refused++;
			rk_printf(
			    "[NPL] \xe2\x9d\x8c Rejected '%s': the initrd "
			    "holds %zu of its %llu bytes\n",
			    nm, have - off, (unsigned long long)size);
			off = have;
		} else {
			run_one(blob + off, (size_t)size, nm, k);
			off += (size_t)size;
		}
		if (p < end)
			p++; /* the comma */
	}
	if (off != have) {
		k->count++;
		k->refused++;
		rk_printf("[NPL] \xe2\x9d\x8c Rejected the initrd's last %zu "
		          "bytes: images= lists no file for them\n",
		          have - off);
	}
	return RK_EXIT_OK;
}

/* The governor from the command line: gov=POLICY, then every
 * gov.NAME=VALUE in order.  0, or -1 with the reason on the console. */
static int gov_from_cmdline(const char *cmdline, struct rk_gov_config *cfg)
{
	const char *v, *pos = cmdline;
	size_t n;

	if (rk_cmdline_word(cmdline, "gov", &v, &n) &&
	    rk_gov_policy_parse(v, n, &cfg->policy) != 0) {
		rk_puts("[GOV] gov=: expected " RK_GOV_POLICY_CHOICES);
		return -1;
	}
	while (rk_cmdline_prefixed(&pos, "gov.", &v, &n)) {
		if (rk_gov_param_parse(cfg, v, n) != 0) {
			rk_printf("[GOV] gov.%.*s: expected gov.NAME=NUMBER, "
			          "NAME one of " RK_GOV_PARAM_NAMES "\n",
			          (int)n, v);
			return -1;
		}
	}
	return 0;
}

/* The console receive run, `serial-rx` (until a line END) or
 * `serial-rx=MS` (for MS milliseconds) on the command line. */
static int serial_main(const char *cmdline)
{
	struct rk_gov_config cfg = RK_GOV_CONFIG_DEFAULT;
	static struct rk_serial_report rep;
	uint64_t ms = 0;
	const char *v;
	size_t n;

	bool timed = rk_cmdline_word(cmdline, "serial-rx", &v, &n);
	if (timed && (rk_parse_u64(v, n, &ms) != 0 || ms == 0 ||
	              ms > UINT64_MAX / 1000000)) {
		rk_puts("[GOV] serial-rx=: expected a number of milliseconds");
		return RK_EXIT_USAGE;
	}
	if (gov_from_cmdline(cmdline, &cfg) != 0)
		return RK_EXIT_USAGE;
	if (rk_serial_rx_run(&cfg, ms * 1000000ull, !timed, NULL, &rep) != 0)
		return RK_EXIT_REFUSED;
	rk_printf("[GOV] rx=%llu irqs=%llu polls=%llu war=%llu peace=%llu "
	          "empty=%llu fnv=%08x end=%s\n",
	          (unsigned long long)rep.rx_bytes,
	          (unsigned long long)rep.gov.irqs,
	          (unsigned long long)rep.gov.polls,
	          (unsigned long long)rep.gov.war_entries,
	          (unsigned long long)rep.gov.peace_entries,
	          (unsigned long long)rep.gov.empty_polls, rep.fnv1a,
	          rep.saw_end ? "yes" : "no");
	return RK_EXIT_OK;
}

static void main_fiber(void *arg)
{
	struct kmain_ctx *k = arg;
	const struct rk_boot *b = k->boot;

	const char *v;
	size_t n;
	if (rk_cmdline_word(b->cmdline, "serial-rx", NULL, NULL) ||
	    rk_cmdline_word(b->cmdline, "serial-rx", &v, &n)) {
		k->status = serial_main(b->cmdline);
		return;
	}
	const char *list;
	size_t list_len;
	bool listed = rk_cmdline_word(b->cmdline, "images", &list, &list_len);
	if (!b->has_payloads && !listed) {
		/* Said, so that payloads a boot loader dropped on the way
		 * (QEMU ignores an initrd it cannot pass) do not pass for a
		 * run of the demo that exits 0. */
		rk_puts("[BOOT] no payloads given: running the built-in demo");
		k->status = rk_demo_run(&k->pol);
		return;
	}
	for (size_t i = 0; i < b->nimages; i++)
		run_one(b->images[i].data, b->images[i].len,
		        b->images[i].name ? b->images[i].name : "payload", k);
	if (listed) {
		int st = run_image_list(k, list, list_len);
		if (st != RK_EXIT_OK) {
			finish_all(k);
			k->status = st;
			return;
		}
	} else if (b->initrd && b->initrd_len) {
		rk_initrd_split(b->initrd, b->initrd_len, run_initrd_piece, k);
	} else if (b->initrd) {
		/* The boot loader said "payloads" and gave none. */
		k->count++;
		k->refused++;
		rk_puts("[NPL] \xe2\x9d\x8c Rejected the initrd: it is empty "
		        "(0 bytes), expected NPL images");
	}
	finish_all(k);
	rk_printf("[NPL] %u payload(s): %u ran, %u refused, %u failed\n",
	          k->count, k->ran, k->refused, k->failed);
	k->status =
	    k->fault ? k->fault
	    : (k->refused || k->failed || (k->count == 0 && k->keyrings == 0))
	        ? RK_EXIT_REFUSED
	        : RK_EXIT_OK;
}

/* The root keys: the compiled-in keyring, or exactly the keys the boot
 * chose (plus the compiled-in ones only when it asks), into keyring[].
 * Says on the console what is trusted and why. */
static int build_keyring(const struct rk_boot *boot, size_t *nkeys)
{
	bool builtin = boot->nkeys == 0 || boot->keep_builtin_keys;
	size_t n = 0;

	for (size_t i = 0; builtin && i < rk_trusted_key_count; i++) {
		if (n == RK_MAX_KEYS)
			break;
		rk_memcpy(keyring[n++], rk_trusted_keys[i], 32);
	}
	for (size_t i = 0; i < boot->nkeys; i++) {
		if (n == RK_MAX_KEYS) {
			rk_printf("[BOOT] keyring full: %u keys at most\n",
			          RK_MAX_KEYS);
			return RK_EXIT_USAGE;
		}
		rk_memcpy(keyring[n++], boot->keys[i], 32);
	}
	bool dev = false;
	for (size_t i = 0; i < n; i++)
		dev |= rk_memcmp(keyring[i], rk_dev_pubkey, 32) == 0;
	rk_printf("[BOOT] verifier: %s; %zu trusted key(s)\n", rk_sig_backend(),
	          n);
	if (boot->nkeys)
		rk_printf("[BOOT] keyring: the %zu key(s) given at boot%s\n",
		          boot->nkeys,
		          builtin ? " and the compiled-in keys"
		                  : "; the compiled-in keys are not trusted");
	if (dev)
		rk_puts("[BOOT] WARNING: this kernel trusts the repository's "
		        "DEVELOPMENT key (-Dtrusted_keys to change)");
	*nkeys = n;
	return RK_EXIT_OK;
}

static bool word_is(const char *v, size_t n, const char *w)
{
	return n == rk_strlen(w) && rk_strncmp(v, w, n) == 0;
}

/* How payloads run (docs/isolation.md): `budget_ms=N`, each payload's
 * CPU budget in milliseconds (0: none); `fault=kill|stop|restart:N`,
 * what a fault in user mode does; `run=sequential|parallel`, one image
 * after another (the default) or all at once. */
static int user_options(const char *cmdline, struct kmain_ctx *k)
{
	const char *v;
	size_t n;
	uint64_t x;

	if (rk_cmdline_word(cmdline, "budget_ms", &v, &n)) {
		if (rk_parse_u64(v, n, &x) != 0 || x > 86400000) {
			rk_printf("[BOOT] budget_ms=%.*s: expected "
			          "milliseconds from 0 (no budget) to "
			          "86400000\n",
			          (int)n, v);
			return RK_EXIT_USAGE;
		}
		rk_user_set_budget(x * 1000000);
	}
	if (rk_cmdline_word(cmdline, "fault", &v, &n)) {
		struct rk_fault_policy pol = {RK_FAULT_KILL, 0};
		if (word_is(v, n, "stop"))
			pol.kind = RK_FAULT_STOP;
		else if (n > 8 && rk_strncmp(v, "restart:", 8) == 0 &&
		         rk_parse_u64(v + 8, n - 8, &x) == 0 && x <= 1000)
			pol = (struct rk_fault_policy){RK_FAULT_RESTART,
			                               (unsigned)x};
		else if (!word_is(v, n, "kill")) {
			rk_printf("[BOOT] fault=%.*s: expected kill, stop or "
			          "restart:N (N from 0 to 1000)\n",
			          (int)n, v);
			return RK_EXIT_USAGE;
		}
		rk_payload_set_policy(&pol);
	}
	if (rk_cmdline_word(cmdline, "run", &v, &n)) {
		if (word_is(v, n, "parallel"))
			k->parallel = true;
		else if (!word_is(v, n, "sequential")) {
			rk_printf("[BOOT] run=%.*s: expected sequential or "
			          "parallel\n",
			          (int)n, v);
			return RK_EXIT_USAGE;
		}
	}
	return RK_EXIT_OK;
}

int rk_kmain(const struct rk_boot *boot)
{
	static struct kmain_ctx k;
	uint8_t idkey[16];

	hal_boot_entropy(idkey);
	rk_id_init(idkey);
	rk_sched_init();
	/* `trace` on the command line: framed events on the console;
	 * `trace=buffer`: the same, printed at the end (docs/visualizer.md).
	 * A platform may have installed its own sink. */
	const char *tv;
	size_t tn;
	if (!rk_trace_sink &&
	    rk_cmdline_word(boot->cmdline, "trace", NULL, NULL))
		rk_trace_set_sink(rk_trace_console_sink);
	else if (!rk_trace_sink &&
	         rk_cmdline_word(boot->cmdline, "trace", &tv, &tn)) {
		if (tn != 6 || rk_strncmp(tv, "buffer", 6) != 0)
			rk_puts(
			    "[BOOT] trace=: expected trace or trace=buffer");
		else if (rk_trace_buffer_start() != 0)
			rk_puts(
			    "[BOOT] trace=buffer: no memory for the buffer");
	}

	rk_printf("Rumpk %s on %s (%s): the kernel is a library, the app is "
	          "the OS\n",
	          RK_VERSION, boot->platform ? boot->platform : "?",
	          rk_npl_arch_name(RK_ARCH_SELF));

	rk_memset(&k, 0, sizeof(k));
	k.boot = boot;
	int kst = user_options(boot->cmdline, &k);
	if (kst != RK_EXIT_OK)
		return kst;
	size_t nroots = 0;
	kst = build_keyring(boot, &nroots);
	if (kst != RK_EXIT_OK)
		return kst;
	k.pol.arch = RK_ARCH_SELF;
	k.pol.max_body = boot->max_body;
	k.pol.accept_v1 = RK_NPL_ACCEPT_V1;
	k.pol.min_counter = RK_MIN_SECURITY_COUNTER;
	k.pol.counter_floor = rk_rollback_floor;
	rk_printf(
	    "[BOOT] rollback: NPL v1 %s; security counters from %llu "
	    "(-Dmin_security_counter), raised per name as images verify\n",
	    RK_NPL_ACCEPT_V1 ? "accepted (-Dnpl_v1=accept)" : "refused",
	    (unsigned long long)RK_MIN_SECURITY_COUNTER);
	(void)rk_rollback_boot(); /* a failed store refuses every payload */
	rk_trust_init((const uint8_t(*)[32])keyring, nroots, &k.pol);
	k.status = RK_EXIT_PANIC;

	if (!rk_fiber_spawn("main", RK_PRIO_NORMAL, main_fiber, &k, 0, false))
		rk_panic("cannot spawn the main fiber");
	unsigned stuck = rk_sched_run();
	rk_trace_flush(); /* trace=buffer: what is still in memory */
	if (stuck) {
		rk_printf("[SCHED] deadlock: %u fiber(s) blocked with nothing "
		          "left to wake them\n",
		          stuck);
		return RK_EXIT_PANIC;
	}
	return k.status;
}
