/*
 * payload.c - runs NPL images: load (verify, seal), execute on a fiber of
 * their own, report with the [NPL] lines, and the rk_api table payloads
 * call back into.  Also splits an initrd holding several images.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/syscall.h>
#include <rumpk/trace.h>

#include "core.h"

struct payload_ctx {
	struct rk_payload pub; /* first: rk_payload_current casts back */
	struct rk_npl_image img;
	struct rk_fiber *fiber;
	bool in_use, failed;
	unsigned restarts; /* under fault=restart:N */
	char name[48];     /* the caller's may not outlive the start */
};

static struct payload_ctx *current_ctx(void)
{
	struct rk_fiber *f = rk_fiber_current();
	return f ? f->user : NULL;
}

struct rk_payload *rk_payload_current(void)
{
	struct payload_ctx *p = current_ctx();
	return p ? &p->pub : NULL;
}

/* What the payload still has in its outbox goes out as far as the
 * inboxes have room; then it leaves the bus. */
static void leave_bus(struct payload_ctx *p)
{
	if (p && p->pub.port.attached) {
		(void)rk_bus_flush(&p->pub.port);
		rk_bus_detach(&p->pub.port);
	}
}

_Noreturn void rk_payload_exit(int64_t code)
{
	leave_bus(current_ctx());
	rk_fiber_exit(code);
}

/* ---- payloads on kernel fibers (platforms without user mode) ------- */

static void api_puts(const char *s)
{
	rk_puts(s);
}

static uint64_t api_now(void)
{
	return hal_now_ns();
}

static int api_send(const void *msg, size_t len)
{
	if (rk_bus_is_kernel_msg(msg, len))
		return -1; /* the kernel's word, not a payload's */
	return rk_bus_send(msg, len) == 0 ? 0 : -1;
}

static int64_t api_recv(void *buf, size_t cap, uint64_t timeout_ns)
{
	struct payload_ctx *p = current_ctx();
	int64_t r =
	    p ? rk_bus_recv(&p->pub.port, buf, cap, timeout_ns, false) : -1;
	return r < 0 ? -1 : r;
}

static void api_exit(int64_t code)
{
	rk_payload_exit(code);
}

static uint64_t api_self_id(void)
{
	struct rk_payload *p = rk_payload_current();
	return p ? p->id : 0;
}

static const struct rk_api api = {
    .abi_version = RK_API_VERSION,
    .size = sizeof(struct rk_api),
    .puts = api_puts,
    .yield = rk_yield,
    .sleep_ns = rk_sleep_ns,
    .now_ns = api_now,
    .ring_send = api_send,
    .ring_recv = api_recv,
    .exit = api_exit,
    .self_id = api_self_id,
};

static void payload_fiber(void *arg)
{
	struct payload_ctx *p = arg;
	struct rk_fiber *self = rk_fiber_current();

	self->user = p;
	if (hal_user_mode) {
		rk_trace_emit(RK_TR_PAYLOAD, rk_fiber_slot(self), RK_TRP_USER,
		              0);
		/* Deprivileged, in the address space the scheduler loaded
		 * when it switched here (rk_payload_run gave it to this
		 * fiber); it comes back only through syscalls and faults
		 * (syscall.c). */
		hal_user_enter(p->pub.us.entry_uva, p->pub.us.sp_uva,
		               p->pub.us.api_uva, p->pub.us.exit_uva);
	}
	int64_t r = rk_npl_exec(&p->img, &api);
	/* hal_payload_call puts the table's address in the result register
	 * before the call: getting it back means the payload set no value
	 * (the seed's bare `ret`).  It counts as success. */
	if (r == (int64_t)(uintptr_t)&api) {
		p->pub.no_value = true;
		r = 0;
	}
	rk_payload_exit(r);
}

static void unload(struct payload_ctx *p)
{
	rk_uspace_free(&p->pub.us);
	rk_bus_port_free(&p->pub.port);
	rk_npl_unload(&p->img);
	p->in_use = false;
}

/* Payloads in flight: one each, all at once with run=parallel. */
static struct payload_ctx runs[RK_MAX_RUNS];
static struct rk_fault_policy policy = {RK_FAULT_KILL, 0};

void rk_payload_set_policy(const struct rk_fault_policy *pol)
{
	policy = *pol;
}

/* A fiber for p in a fresh address space around its sealed copy: fresh
 * stack and API pages every time, never a crashed run's state. */
static bool launch(struct payload_ctx *p)
{
	if (rk_bus_port_init(&p->pub.port) != 0) {
		rk_printf("[NPL] \xe2\x9d\x8c '%s': no memory for its bus "
		          "window\n",
		          p->pub.name);
		return false;
	}
	if (hal_user_mode &&
	    rk_uspace_build(&p->pub.us, &p->img, p->pub.port.window) != 0) {
		rk_printf("[NPL] \xe2\x9d\x8c '%s': no memory for its address "
		          "space\n",
		          p->pub.name);
		return false;
	}
	p->pub.fault_status = 0;
	p->pub.no_value = false;
	p->fiber = rk_fiber_spawn(p->pub.name, RK_PRIO_NORMAL, payload_fiber, p,
	                          RK_STACK_DEFAULT, true);
	if (!p->fiber) {
		rk_printf("[NPL] \xe2\x9d\x8c '%s': no fiber for the payload\n",
		          p->pub.name);
		return false;
	}
	/* The fiber's address space, before it first runs: the scheduler
	 * loads it, and starts its first time slice, at every switch to it. */
	p->fiber->uspace = p->pub.us.as;
	/* Where its body runs, for a debugger: gdb's add-symbol-file of the
	 * payload's ELF at this address (qemu_run.py --gdb does it). */
	if (hal_user_mode)
		rk_printf("[NPL] '%s' runs in user mode at 0x%llx\n",
		          p->pub.name, (unsigned long long)p->pub.us.entry_uva);
	/* On the bus from now, not from when its fiber first runs: with
	 * run=parallel a peer may send, or fault and restart, before then,
	 * and the mail waits in this payload's inbox. */
	rk_bus_attach(&p->pub.port);
	return true;
}

struct rk_run *rk_payload_start(const void *image, size_t len, const char *name,
                                const struct rk_npl_policy *pol,
                                enum rk_npl_err *errp, bool quiet_refusal)
{
	struct rk_npl_diag diag;
	struct payload_ctx *p = NULL;

	for (unsigned i = 0; i < RK_ARRAY_SIZE(runs) && !p; i++)
		if (!runs[i].in_use)
			p = &runs[i];
	if (errp)
		*errp = RK_NPL_ERR_NOMEM;
	if (!p) {
		rk_printf("[NPL] \xe2\x9d\x8c '%s': more than %u payloads at "
		          "once\n",
		          name, RK_MAX_RUNS);
		return NULL;
	}
	rk_memset(p, 0, sizeof(*p));
	if (rk_rollback_failed()) {
		/* Fail closed: without its state the kernel cannot tell an
		 * old image from a new one (docs/store.md). */
		rk_printf("[NPL] \xe2\x9d\x8c Rejected '%s': the persistent "
		          "store failed its check at boot\n",
		          name);
		if (errp)
			*errp = RK_NPL_ERR_ROLLBACK;
		return NULL;
	}
	enum rk_npl_err err = rk_npl_load(image, len, pol, &p->img, &diag);
	if (errp)
		*errp = err;
	if (err != RK_NPL_OK) {
		if (!quiet_refusal)
			rk_printf("[NPL] \xe2\x9d\x8c Rejected '%s': %s: %s\n",
			          name, rk_npl_strerror(err), diag.msg);
		return NULL;
	}
	const struct rk_npl_header *h = &p->img.hdr;
	bool v2 = h->version == RK_NPL_V2;
	/* Verified: its counter is the floor for its name from now on,
	 * whether or not it then runs well (docs/npl-format.md). */
	if (v2 && rk_rollback_accept(h->name, h->counter) != 0) {
		rk_printf("[NPL] \xe2\x9d\x8c Rejected '%s': no room to record "
		          "the security counter of '%s' (%u names at most)\n",
		          name, h->name, RK_ROLLBACK_NAMES);
		rk_npl_unload(&p->img);
		if (errp)
			*errp = RK_NPL_ERR_ROLLBACK;
		return NULL;
	}
	p->in_use = true;
	/* A v2 image is known by the name it signed; a v1 image by the
	 * name it was given (its file). */
	rk_strlcpy(p->name, v2 ? h->name : name, sizeof(p->name));
	p->pub.name = p->name;
	p->pub.id = p->img.id;
	rk_puts("[NPL] \xe2\x9c\x85 Verification PASSED");
	if (v2)
		rk_printf(
		    "[NPL] '%s' %u.%u.%u, security counter %llu%s%s%s: "
		    "%llu-byte body for %s, payload id %016llx, key "
		    "%02x%02x%02x%02x%02x%02x%02x%02x\n",
		    h->name, h->ver_major, h->ver_minor, h->ver_patch,
		    (unsigned long long)h->counter,
		    rk_strcmp(name, h->name) ? ", from '" : "",
		    rk_strcmp(name, h->name) ? name : "",
		    rk_strcmp(name, h->name) ? "'" : "",
		    (unsigned long long)h->body_size, rk_npl_arch_name(h->arch),
		    (unsigned long long)p->img.id, h->key_id[0], h->key_id[1],
		    h->key_id[2], h->key_id[3], h->key_id[4], h->key_id[5],
		    h->key_id[6], h->key_id[7]);
	else
		rk_printf("[NPL] '%s' (NPL v1): %llu-byte body for %s, "
		          "payload id %016llx, key #%zu\n",
		          name, (unsigned long long)h->body_size,
		          rk_npl_arch_name(h->arch),
		          (unsigned long long)p->img.id, p->img.key_index);
	rk_puts("[NPL] Executing payload...");
	if (!launch(p)) {
		unload(p);
		p->failed = true;
	}
	return (struct rk_run *)p;
}

/* Tells every payload on the bus that this one starts again
 * (RK_BUS_RESTART_MAGIC, api.h): a message only the kernel sends, since
 * rk_payload_bus_send refuses it from payloads. */
static void announce_restart(const struct payload_ctx *p, unsigned n)
{
	uint8_t m[RK_BUS_RESTART_LEN] = RK_BUS_RESTART_MAGIC;
	for (unsigned i = 0; i < 8; i++)
		m[8 + i] = (uint8_t)(p->pub.id >> (8 * i));
	m[16] = (uint8_t)n;
	(void)rk_bus_send(m, sizeof(m));
}

_Noreturn void rk_payload_fault(int status)
{
	struct payload_ctx *p = current_ctx();
	struct rk_fiber *self = rk_fiber_current();

	p->pub.fault_status = status;
	/* What the crashed run left in its outbox is not taken as sent. */
	rk_bus_reset_outbox(&p->pub.port);
	rk_trace_emit(RK_TR_PAYLOAD, rk_fiber_slot(self), RK_TRP_FAULT, status);
	if (policy.kind == RK_FAULT_STOP) {
		rk_printf("[NPL] fault=stop: '%s' faulted, ending the run\n",
		          p->pub.name);
		hal_exit(status);
	}
	if (policy.kind != RK_FAULT_RESTART || p->restarts == policy.restarts)
		rk_payload_exit(-1);
	/* Again, on this fiber, from the verified sealed copy in a fresh
	 * address space: nothing of the crashed run is kept but its
	 * inbox.  The frames below us are dead (user mode never returns
	 * into them), so the traps of the new run may land over them. */
	p->restarts++;
	rk_printf("[NPL] fault=restart: starting '%s' again (%u of %u)\n",
	          p->pub.name, p->restarts, policy.restarts);
	hal_uspace_switch(NULL, NULL);
	self->uspace = NULL;
	rk_uspace_free(&p->pub.us);
	if (rk_uspace_build(&p->pub.us, &p->img, p->pub.port.window) != 0) {
		rk_printf("[NPL] \xe2\x9d\x8c '%s': no memory to restart it\n",
		          p->pub.name);
		rk_payload_exit(-1);
	}
	p->pub.fault_status = 0;
	self->cpu_ns = 0; /* a fresh budget */
	self->ran_since = hal_now_ns();
	self->uspace = p->pub.us.as;
	hal_uspace_switch(self->uspace, rk_fiber_kstack_top(self));
	announce_restart(p, p->restarts);
	rk_trace_emit(RK_TR_PAYLOAD, rk_fiber_slot(self), RK_TRP_RESTART,
	              p->restarts);
	hal_user_enter(p->pub.us.entry_uva, p->pub.us.sp_uva, p->pub.us.api_uva,
	               p->pub.us.exit_uva);
}

enum rk_run_result rk_payload_finish(struct rk_run *run, int64_t *result)
{
	struct payload_ctx *p = (struct payload_ctx *)run;
	char name[sizeof(p->name)];
	rk_strlcpy(name, p->name, sizeof(name)); /* unload frees the slot */
	int64_t r = 0;

	if (p->failed)
		return RK_RUN_FAILED;
	r = rk_fiber_join(p->fiber);
	unload(p);
	if (p->pub.fault_status) {
		/* Contained: the [TRAP] line was printed (syscall.c). */
		if (result)
			*result = p->pub.fault_status;
		rk_printf("[NPL] \xe2\x9d\x8c Payload '%s' ended by a fault\n",
		          name);
		return RK_RUN_TRAPPED;
	}
	if (result)
		*result = r;
	if (r < 0) {
		rk_printf("[NPL] \xe2\x9d\x8c Payload '%s' failed with %lld\n",
		          name, (long long)r);
		return RK_RUN_FAILED;
	}
	rk_puts("[NPL] \xe2\x9c\x85 Payload returned!");
	if (p->pub.no_value)
		rk_printf("[NPL] '%s' returned no value\n", name);
	else
		rk_printf("[NPL] '%s' returned %lld\n", name, (long long)r);
	return RK_RUN_OK;
}

enum rk_run_result rk_payload_run(const void *image, size_t len,
                                  const char *name,
                                  const struct rk_npl_policy *pol,
                                  int64_t *result, enum rk_npl_err *errp,
                                  bool quiet_refusal)
{
	struct rk_run *run =
	    rk_payload_start(image, len, name, pol, errp, quiet_refusal);
	if (!run)
		return errp && *errp == RK_NPL_ERR_NOMEM ? RK_RUN_FAILED
		                                         : RK_RUN_REFUSED;
	return rk_payload_finish(run, result);
}

size_t rk_initrd_split(const void *blob, size_t len,
                       void (*fn)(const void *img, size_t len, size_t idx,
                                  void *arg),
                       void *arg)
{
	const uint8_t *p = blob;
	size_t off = 0, idx = 0;

	while (off < len) {
		size_t rest = len - off, n = rest;
		if (rest >= RK_NPL_HEADER_SIZE) {
			uint64_t body = rk_le64(p + off + RK_NPL_OFF_BODY_SIZE);
			/* A body that does not fit makes the rest one bad
			 * image: the loader refuses it with the reason. */
			if (body <= rest - RK_NPL_HEADER_SIZE && body > 0)
				n = RK_NPL_HEADER_SIZE + (size_t)body;
		}
		fn(p + off, n, idx++, arg);
		off += n;
	}
	return idx;
}
