/*
 * syscall.c - the kernel side of the boundary: the one syscall table and
 * dispatcher (include/rumpk/syscall.h, docs/syscalls.md), faults in user
 * mode, and the return to user mode after an interrupt.
 *
 * A payload is hostile until proven otherwise, signature or not: every
 * pointer and length it passes is checked against its own mappings
 * (rk_uspace_range, which no sum can wrap) before a byte moves, and
 * moves only through the HAL's copy routines, which open user access
 * for the copy alone.  Bad arguments are an error return, never a fault
 * in the kernel; an unknown number is -RK_ENOSYS.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>
#include <rumpk/syscall.h>

#include "core.h"

/* Console output is copied in and written in chunks this size. */
#define PUTS_CHUNK 128

static int64_t sys_puts(const struct rk_payload *p, uint64_t s, uint64_t len)
{
	char buf[PUTS_CHUNK];

	if (len > RK_SYS_PUTS_MAX)
		return -RK_EINVAL;
	if (!rk_uspace_range(&p->us, s, len, false))
		return -RK_EFAULT;
	for (uint64_t done = 0; done < len;) {
		size_t n = (size_t)RK_MIN(len - done, (uint64_t)sizeof(buf));
		hal_user_copy_in(buf, (uintptr_t)(s + done), n);
		for (size_t i = 0; i < n; i++)
			hal_console_putc(buf[i]);
		done += n;
	}
	hal_console_putc('\n');
	return 0;
}

static void user_return(bool to_equal);

/* The payload broke its bus window (bus.c says how): ended like a
 * fault, since only a payload writing around its stubs can do that. */
static _Noreturn void bus_fault(const struct rk_payload *p, const char *why)
{
	rk_printf("\n[TRAP] bus window broken in payload '%s': %s (payload "
	          "contained)\n",
	          p->name, why);
	rk_payload_fault(RK_EXIT_TRAP);
}

/* What the payload queued in its outbox goes before anything it asks
 * for now, so its messages keep their order. */
static void flush(struct rk_payload *p)
{
	const char *bad = rk_bus_flush(&p->port);
	if (bad)
		bus_fault(p, bad);
	rk_bus_flush_others(&p->port);
}

static int64_t sys_send(const struct rk_payload *p, uint64_t msg, uint64_t len)
{
	uint8_t buf[RK_API_MSG_MAX];

	if (len > RK_API_MSG_MAX)
		return -RK_EINVAL;
	if (!rk_uspace_range(&p->us, msg, len, false))
		return -RK_EFAULT;
	hal_user_copy_in(buf, (uintptr_t)msg, (size_t)len);
	if (rk_bus_is_kernel_msg(buf, (size_t)len))
		return -RK_EINVAL; /* the kernel's word, not a payload's */
	/* Never ahead of the outbox: rk_syscall flushed it, and what is
	 * left there waits for a full inbox, which refuses this too. */
	return rk_bus_send(buf, (size_t)len);
}

static int64_t sys_recv(struct rk_payload *p, uint64_t ubuf, uint64_t cap,
                        uint64_t timeout_ns)
{
	/* Only what a message can fill must be writable. */
	uint64_t n = RK_MIN(cap, (uint64_t)RK_API_MSG_MAX);
	if (!rk_uspace_range(&p->us, ubuf, n, true))
		return -RK_EFAULT;
	int64_t len = rk_bus_recv(&p->port, (void *)(uintptr_t)ubuf, (size_t)n,
	                          timeout_ns, true);
	if (len == -RK_EFAULT)
		bus_fault(p, rk_bus_check(&p->port));
	return len;
}

static _Noreturn void sys_exit(struct rk_payload *p, uint64_t code)
{
	/* hal_user_enter put the table's address in the result register:
	 * an entry that returns it set no value (the seed's bare `ret`). */
	if (code == p->us.api_uva) {
		p->no_value = true;
		code = 0;
	}
	rk_payload_exit((int64_t)code);
}

int64_t rk_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct rk_payload *p = rk_payload_current();

	(void)a3;
	(void)a4;
	(void)a5;
	if (!p || !p->us.as)
		rk_panic("syscall %llu from a fiber without a payload",
		         (unsigned long long)nr);
	flush(p);
	int64_t r;
	switch (nr) {
	case RK_SYS_EXIT:
		sys_exit(p, a0);
	case RK_SYS_PUTS:
		r = sys_puts(p, a0, a1);
		break;
	case RK_SYS_YIELD:
		rk_yield();
		r = 0;
		break;
	case RK_SYS_SLEEP:
		rk_sleep_ns(a0);
		r = 0;
		break;
	case RK_SYS_NOW:
		r = (int64_t)hal_now_ns();
		break;
	case RK_SYS_SEND:
		r = sys_send(p, a0, a1);
		break;
	case RK_SYS_RECV:
		r = sys_recv(p, a0, a1, a2);
		break;
	case RK_SYS_SELF_ID:
		r = (int64_t)p->id;
		break;
	case RK_SYS_BUS_FLUSH:
		/* Flushed above. */
		r = rk_bus_outbox_full(&p->port) ? -RK_EAGAIN : 0;
		break;
	default:
		r = -RK_ENOSYS;
		break;
	}
	/* A payload that loops on syscalls is preempted and held to its
	 * budget on the way back, as one that loops without them is at
	 * the timer's interrupt.  A fiber of its own priority that the
	 * call woke (a receiver, say) runs when this payload yields,
	 * blocks or its slice ends, not now: a sender goes on filling its
	 * outbox, and the receiver then takes the whole batch without a
	 * syscall. */
	user_return(false);
	return r;
}

/* The faulting frame's frame pointer and registers, from the platform
 * (hal.h), kept until the report. */
static uintptr_t fault_fp;
static const char *const *reg_names;
static uint64_t reg_vals[RK_FAULT_REGS_MAX];
static unsigned nregs;

void rk_user_fault_frame(uintptr_t fp)
{
	fault_fp = fp;
}

void rk_user_fault_regs(const char *const *names, const uint64_t *vals,
                        unsigned n)
{
	nregs = RK_MIN(n, RK_FAULT_REGS_MAX);
	reg_names = names;
	rk_memcpy(reg_vals, vals, nregs * sizeof(vals[0]));
}

/* The registers, four to a line. */
static void registers(void)
{
	for (unsigned i = 0; i < nregs; i += 4) {
		char line[160], *o = line;
		o += rk_snprintf(o, sizeof(line), "[TRAP] %s",
		                 i ? "          " : "registers:");
		for (unsigned j = i; j < nregs && j < i + 4; j++)
			o += rk_snprintf(o, (size_t)(line + sizeof(line) - o),
			                 " %s=0x%016llx", reg_names[j],
			                 (unsigned long long)reg_vals[j]);
		rk_printf("%s\n", line);
	}
	nregs = 0;
}

/* The payload's frames as offsets into its body (npl symbolize / the
 * SDK's rumpk-symbolize turns them into function:line with its ELF),
 * walked through the frame pointers payloads keep.  Every read is of the
 * payload's own memory, checked first: a hostile stack ends the walk, it
 * cannot make the kernel read anything else. */
static void backtrace(const struct rk_payload *p, uintptr_t pc)
{
	const uintptr_t body = p->us.entry_uva;
	uintptr_t fp = fault_fp;
	char line[RK_BACKTRACE_MAX * 24 + 160], *o = line;
	const char *end = line + sizeof(line);

	o += rk_snprintf(o, (size_t)(end - o),
	                 "[TRAP] backtrace of '%s' (payload id %016llx), "
	                 "offsets into its body:",
	                 p->name, (unsigned long long)p->id);
	for (unsigned i = 0; i < RK_BACKTRACE_MAX; i++) {
		if (pc < body)
			o += rk_snprintf(o, (size_t)(end - o), " 0x%llx",
			                 (unsigned long long)pc);
		else
			o += rk_snprintf(o, (size_t)(end - o), " body+0x%llx",
			                 (unsigned long long)(pc - body));
		uint64_t link[2]; /* the caller's frame pointer, the return */
		uintptr_t at_fp =
		    fp + (uintptr_t)(intptr_t)hal_user_frame.prev_fp;
		uintptr_t at_ret = fp + (uintptr_t)(intptr_t)hal_user_frame.ret;
		if (!fp || !rk_uspace_range(&p->us, at_fp, 8, false) ||
		    !rk_uspace_range(&p->us, at_ret, 8, false))
			break;
		hal_user_copy_in(&link[0], at_fp, 8);
		hal_user_copy_in(&link[1], at_ret, 8);
		/* Frames lie higher up the stack, each above the last: a
		 * link that does not climb ends the walk (no loop). */
		if (link[0] <= fp || !link[1])
			break;
		fp = (uintptr_t)link[0];
		pc = (uintptr_t)link[1];
	}
	rk_printf("%s\n", line);
}

_Noreturn void rk_user_fault(const char *what, uintptr_t pc, uintptr_t addr)
{
	struct rk_payload *p = rk_payload_current();

	if (!p)
		rk_panic("a user-mode fault (%s at pc 0x%llx) with no payload",
		         what, (unsigned long long)pc);
	/* The same words as a kernel stack overflow, so a report reads the
	 * same whichever side of the boundary the stack was on. */
	if (rk_uspace_in_guard(&p->us, addr)) {
		rk_printf("\n[PANIC] stack overflow in fiber '%s': fault at "
		          "0x%llx in its guard page, pc 0x%llx (payload "
		          "contained)\n",
		          p->name, (unsigned long long)addr,
		          (unsigned long long)pc);
		registers();
		backtrace(p, pc);
		rk_payload_fault(RK_EXIT_STACK);
	} else {
		rk_printf("\n[TRAP] %s in payload '%s' at pc=0x%llx "
		          "addr=0x%llx (payload contained)\n",
		          what, p->name, (unsigned long long)pc,
		          (unsigned long long)addr);
		registers();
		backtrace(p, pc);
		rk_payload_fault(RK_EXIT_TRAP);
	}
}

static uint64_t budget_ns = RK_USER_BUDGET_DEFAULT_NS;

void rk_user_set_budget(uint64_t ns)
{
	budget_ns = ns;
}

/* On every way back to user mode: the payload's outbox onto the bus,
 * then its budget, then preemption, by a fiber that waits (to_ready) or
 * at the end of its slice. */
static void user_return(bool to_equal)
{
	struct rk_payload *p = rk_payload_current();
	if (!p || !p->us.as)
		return;
	flush(p);
	/* The budget first: a payload that used it up is ended like a
	 * fault, with nothing more run for it. */
	uint64_t used = rk_fiber_cpu_ns(rk_fiber_current());
	if (budget_ns && used > budget_ns) {
		rk_printf(
		    "\n[TRAP] CPU budget used up in payload '%s': %llu ms "
		    "of %llu (budget_ms= on the command line) (payload "
		    "contained)\n",
		    p->name, (unsigned long long)(used / 1000000),
		    (unsigned long long)(budget_ns / 1000000));
		rk_payload_fault(RK_EXIT_TRAP);
	}
	if (rk_sched_should_yield(to_equal))
		rk_yield();
}

void rk_user_return(void)
{
	user_return(true);
}
