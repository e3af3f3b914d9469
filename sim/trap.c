/*
 * trap.c - the simulator's trap reports.  A fatal signal in a payload or
 * in the kernel is what a CPU exception is natively: print the cause, the
 * faulting address, the PC and the fiber, and exit with status 100 (102
 * when the address is a fiber's stack guard: a stack overflow).  The
 * handler runs on an alternate stack so a blown fiber stack still gets a
 * report.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "host_hal.h"
#include "sim.h"

static uint8_t altstack[64 * 1024];

static uintptr_t fault_pc(const ucontext_t *uc)
{
#if defined(__x86_64__)
	return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__riscv)
	return (uintptr_t)uc->uc_mcontext.__gregs[REG_PC];
#else
	(void)uc;
	return 0;
#endif
}

static void on_fatal(int sig, siginfo_t *si, void *ctx)
{
	char buf[256];
	uintptr_t addr = (uintptr_t)si->si_addr;
	uintptr_t pc = fault_pc(ctx);
	struct rk_fiber *cur = rk_fiber_current();
	struct rk_fiber *guard = NULL;

	if (sig == SIGSEGV || sig == SIGBUS)
		guard = rk_fiber_by_guard(addr, host_page_size());
	host_console_flush();
	int n;
	if (guard)
		n = snprintf(buf, sizeof(buf),
		             "\n[PANIC] stack overflow in fiber '%s': fault at "
		             "%#lx in its guard page, pc %#lx\n",
		             guard->name, (unsigned long)addr,
		             (unsigned long)pc);
	else
		n = snprintf(
		    buf, sizeof(buf),
		    "\n[TRAP] %s (signal %d, code %d) at address %#lx, "
		    "pc %#lx, fiber '%s'\n",
		    strsignal(sig), sig, si->si_code, (unsigned long)addr,
		    (unsigned long)pc, cur ? cur->name : "(boot)");
	if (n > 0)
		(void)!write(STDOUT_FILENO, buf, (size_t)n);
	_exit(guard ? RK_EXIT_STACK : RK_EXIT_TRAP);
}

void sim_trap_init(void)
{
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	sigaltstack(&ss, NULL);

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}
