/*
 * hal_user.c - payloads in user mode on the simulator (x86_64 hosts):
 * each in a confined child process of its own (docs/isolation.md, "The
 * simulator").
 *
 * Address space.  hal_uspace_map copies the pages it is given into a
 * memfd of their own and seals it (F_SEAL_WRITE too, unless the mapping
 * is the stack): the body's sealed copy is what was verified, and from
 * then on no one can write it, not the child, not the kernel.  The
 * kernel keeps a mapping of each memfd (read-only when sealed), through
 * which hal_user_copy_in/out reach user memory; the child maps the same
 * memfds at the same user addresses (payload_host.c).  A sealed page's
 * kernel copy is never looked at again; a writable one (the stack, the
 * bus window) is replaced by its memfd's mapping, so the core's pointer
 * to it stays good and shows what the child wrote, as natively.
 *
 * The CPU.  A payload's fiber in hal_user_enter is the CPU in user mode:
 * it starts the child (rumpk-payload-host, a fresh program next to
 * rumpk-sim, not a fork of the kernel) and then waits for what can
 * happen to a CPU in user mode: a syscall (a request in the channel,
 * ustub.h), a fault (the child's handler reports it there, or the child
 * is found dead), or an interrupt (the timer's deadline or a device
 * event is due: the clock ticks, the handlers run, then rk_user_return,
 * which preempts or ends the payload at its budget).  The rest of the
 * kernel waits meanwhile, as it does natively while one CPU runs user
 * code, so the core's time slices and CPU budgets (wall time while the
 * fiber is current) apply unchanged; only the bus moves on while it
 * waits, on a host with a second CPU (rk_bus_pump: the kernel's process
 * runs beside the child's, and the outboxes are shared memory).  When
 * another fiber gets the CPU, hal_uspace_switch stops the child
 * (SIGSTOP) and continues it when its fiber comes back; a child blocked
 * in a syscall is waiting for its answer and needs no stopping.
 *
 * Simulated time moves by the CPU time the child used, so a payload that
 * computes lets its slice and budget run out in --time sim as well.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/futex.h>

#include <rumpk/hal.h>
#include <rumpk/status.h>

#include "../native/x86_64/user_regs.h"
#include "host_hal.h"
#include "sim.h"
#include "ustub.h"

/* sim/meson.build says when (sim_user_mode). */
const bool hal_user_mode = RK_SIM_USER_MODE;

/* ---- the stub page (ustub.c, embedded by the build) ------------------ */
_Alignas(SIM_PAGE) const char hal_ustub_start[SIM_PAGE] = {
#include "ustub_page.h" /* generated: sim/meson.build */
};
__asm__(".globl hal_ustub_end\n"
        ".set hal_ustub_end, hal_ustub_start + 4096\n"
        ".globl hal_ustub_exit\n"
        ".set hal_ustub_exit, hal_ustub_start + 64\n");
_Static_assert(SIM_PAGE == 4096 && SIM_SLOT_EXIT * SIM_SLOT_SIZE == 64,
               "hal_ustub_end and hal_ustub_exit above");

#define SLOT(type, i) ((type)(uintptr_t)(hal_ustub_start + SIM_SLOT_SIZE * (i)))
const struct rk_api hal_ustub_api = {
    .abi_version = RK_API_VERSION,
    .size = sizeof(struct rk_api),
    .puts = SLOT(void (*)(const char *), 0),
    .yield = SLOT(void (*)(void), 1),
    .sleep_ns = SLOT(void (*)(uint64_t), 2),
    .now_ns = SLOT(uint64_t(*)(void), 3),
    .ring_send = SLOT(int (*)(const void *, size_t), 4),
    .ring_recv = SLOT(int64_t(*)(void *, size_t, uint64_t), 5),
    .exit = SLOT(void (*)(int64_t), 6),
    .self_id = SLOT(uint64_t(*)(void), 7),
};

/* ---- address spaces ------------------------------------------------- */
#define MAX_MAPS 6
/* Our fds live from here up, so the child's 3, 4, ... are never among
 * the ones being moved there (posix_spawn's dup2s run in order). */
#define FD_FLOOR 64

struct umap {
	uintptr_t uva;
	size_t len;
	enum hal_uprot prot;
	int fd;
	uint8_t *k; /* the kernel's mapping of the memfd */
};

struct hal_uspace {
	struct umap m[MAX_MAPS];
	unsigned n;
	uintptr_t stub_uva;
	int chan_fd;
	struct sim_chan *chan;
	pid_t pid;         /* the child, 0 before and after */
	clockid_t cpu;     /* its CPU clock, for simulated time */
	uint64_t cpu_seen; /* the CPU time already charged */
	uint32_t handled;  /* the last request answered */
	bool running;      /* in user code, not waiting for an answer */
	bool stopped;      /* SIGSTOPped while another fiber runs */
};

/* The space the scheduler loaded last (hal_uspace_switch). */
static struct hal_uspace *active;

static _Noreturn void panic(const char *what)
{
	host_console_flush();
	if (errno)
		fprintf(stderr, "rumpk-sim: %s: %s\n", what, strerror(errno));
	else
		fprintf(stderr, "rumpk-sim: %s\n", what);
	hal_exit(RK_EXIT_PANIC);
}

/* A memfd of len bytes holding src[0, len), with seals, at FD_FLOOR or
 * above; -1 on failure. */
static int sealed_memfd(const char *name, const void *src, size_t len,
                        unsigned seals)
{
	int fd0 = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd0 < 0)
		return -1;
	int fd = fcntl(fd0, F_DUPFD_CLOEXEC, FD_FLOOR);
	close(fd0);
	if (fd < 0)
		return -1;
	bool ok = ftruncate(fd, (off_t)len) == 0;
	for (size_t done = 0; ok && src && done < len;) {
		ssize_t n = pwrite(fd, (const uint8_t *)src + done, len - done,
		                   (off_t)done);
		ok = n > 0;
		done += ok ? (size_t)n : 0;
	}
	if (!ok || fcntl(fd, F_ADD_SEALS, seals) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* How long each side of the channel looks before it sleeps (ustub.h):
 * about 4096 pause instructions, tens of microseconds, when the host has
 * a second CPU for the other side; none on one CPU. */
#define SPIN_LOOKS 4096u

static uint32_t spin_count(void)
{
	static long cpus;
	if (!cpus)
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
	return cpus > 1 ? SPIN_LOOKS : 0;
}

struct hal_uspace *hal_uspace_create(void)
{
	struct hal_uspace *as = calloc(1, sizeof(*as));
	if (!as)
		return NULL;
	as->chan_fd = sealed_memfd("rumpk-chan", NULL, SIM_PAGE,
	                           F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW);
	if (as->chan_fd >= 0) {
		void *p = mmap(NULL, SIM_PAGE, PROT_READ | PROT_WRITE,
		               MAP_SHARED, as->chan_fd, 0);
		as->chan = p == MAP_FAILED ? NULL : p;
	}
	if (!as->chan) {
		if (as->chan_fd >= 0)
			close(as->chan_fd);
		free(as);
		return NULL;
	}
	as->chan->spin = spin_count();
	return as;
}

int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot)
{
	const uintptr_t lo = RK_USER_BASE, hi = RK_USER_BASE + RK_USER_SIZE;
	if (as->n == MAX_MAPS || as->pid || !len || (uva | len) % SIM_PAGE ||
	    uva < lo || uva >= hi || len > hi - uva)
		return -1;
	/* Only the stack stays writable; a shared mapping of a write-sealed
	 * memfd can never be made writable, in either process. */
	bool rw = prot == HAL_UPROT_RW;
	unsigned seals =
	    F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | (rw ? 0 : F_SEAL_WRITE);
	int fd = sealed_memfd("rumpk-user", kva, len, seals);
	if (fd < 0)
		return -1;
	/* A writable mapping replaces the kernel's own pages (kva came from
	 * hal_exec_alloc: whole pages), so the core, which reads and writes
	 * the bus window directly (src/bus.c), sees what the child sees. */
	void *k = mmap(rw ? (void *)(uintptr_t)kva : NULL, len,
	               PROT_READ | (rw ? PROT_WRITE : 0),
	               MAP_SHARED | (rw ? MAP_FIXED : 0), fd, 0);
	if (k == MAP_FAILED) {
		close(fd);
		return -1;
	}
	as->m[as->n++] = (struct umap){uva, len, prot, fd, k};
	if (kva == hal_ustub_start)
		as->stub_uva = uva;
	return 0;
}

/* SIGKILL, and reaped: nothing of the child runs on. */
static void end_child(struct hal_uspace *as)
{
	if (!as->pid)
		return;
	kill(as->pid, SIGKILL);
	while (waitpid(as->pid, NULL, 0) < 0 && errno == EINTR)
		;
	as->pid = 0;
	as->running = as->stopped = false;
}

void hal_uspace_destroy(struct hal_uspace *as)
{
	end_child(as);
	for (unsigned i = 0; i < as->n; i++) {
		/* The writable ones are the kernel's pages: they stay, with
		 * the memfd under them, until hal_exec_free or the next map
		 * of them. */
		if (as->m[i].prot != HAL_UPROT_RW)
			munmap(as->m[i].k, as->m[i].len);
		close(as->m[i].fd);
	}
	munmap(as->chan, SIM_PAGE);
	close(as->chan_fd);
	if (active == as)
		active = NULL;
	free(as);
}

void hal_uspace_switch(struct hal_uspace *as, void *kstack_top)
{
	/* Traps land on the fiber's own stack here: hal_user_enter's loop
	 * is where they are taken. */
	(void)kstack_top;
	/* A payload whose call blocked (its fiber leaves in the kernel)
	 * waits for another fiber's turn: its child sleeps at once instead
	 * of spinning on a CPU the running child could use. */
	if (active && active != as && !active->running)
		__atomic_store_n(&active->chan->park, 1, __ATOMIC_RELAXED);
	if (active && active != as && active->running && !active->stopped) {
		kill(active->pid, SIGSTOP);
		active->stopped = true;
	}
	if (as && as->stopped) {
		kill(as->pid, SIGCONT);
		as->stopped = false;
	}
	active = as;
}

static const struct umap *find(uintptr_t uva, size_t len)
{
	for (unsigned i = 0; active && i < active->n; i++) {
		const struct umap *m = &active->m[i];
		if (uva >= m->uva && uva - m->uva <= m->len &&
		    len <= m->len - (uva - m->uva))
			return m;
	}
	errno = 0;
	panic("a user copy outside the payload's mappings");
}

void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len)
{
	const struct umap *m = find(usrc, len);
	memcpy(dst, m->k + (usrc - m->uva), len);
}

void hal_user_copy_out(uintptr_t udst, const void *src, size_t len)
{
	const struct umap *m = find(udst, len);
	if (m->prot != HAL_UPROT_RW) {
		errno = 0;
		panic("a user copy into a read-only mapping");
	}
	memcpy(m->k + (udst - m->uva), src, len);
}

/* ---- the child ------------------------------------------------------- */

/* rumpk-payload-host: next to the running program (rumpk-sim), or in
 * the build tree's sim/ for a test or bench in a sibling directory. */
static const char *host_path(void)
{
	static char path[PATH_MAX + 64];
	if (path[0])
		return path;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		panic("readlink /proc/self/exe");
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	*slash = 0;
	snprintf(path, sizeof(path), "%s/rumpk-payload-host", exe);
	if (access(path, X_OK) != 0)
		snprintf(path, sizeof(path), "%s/../sim/rumpk-payload-host",
		         exe);
	return path;
}

static void spawn(struct hal_uspace *as, uintptr_t pc, uintptr_t sp,
                  uintptr_t arg, uintptr_t ret)
{
	char nums[7 + MAX_MAPS][48];
	char *argv[2 + 6 + MAX_MAPS + 1] = {"rumpk-payload-host"};
	char *envp[] = {NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	unsigned k = 0;

	snprintf(nums[k], sizeof(nums[k]), "%ld", (long)getpid());
	k++;
	const uintptr_t v[] = {pc, sp, arg, ret, as->stub_uva};
	for (unsigned i = 0; i < 5; i++, k++)
		snprintf(nums[k], sizeof(nums[k]), "%lx", (unsigned long)v[i]);
	posix_spawn_file_actions_init(&fa);
	for (unsigned i = 0; i <= as->n; i++, k++) {
		bool chan = i == as->n;
		const struct umap *m = &as->m[i];
		snprintf(nums[k], sizeof(nums[k]), "%lx:%lx:%c",
		         chan ? (unsigned long)SIM_CHAN_UVA
		              : (unsigned long)m->uva,
		         chan ? (unsigned long)SIM_PAGE : (unsigned long)m->len,
		         chan || m->prot == HAL_UPROT_RW ? 'w'
		         : m->prot == HAL_UPROT_RX       ? 'x'
		                                         : 'r');
		posix_spawn_file_actions_adddup2(
		    &fa, chan ? as->chan_fd : m->fd, 3 + (int)i);
	}
	for (unsigned i = 0; i < k; i++)
		argv[1 + i] = nums[i];
	/* Default dispositions and nothing blocked, whatever ours are. */
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	                                  POSIX_SPAWN_SETSIGDEF);
	const char *path = host_path();
	int err = posix_spawn(&as->pid, path, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (err) {
		errno = err;
		panic(path);
	}
	if (clock_getcpuclockid(as->pid, &as->cpu) != 0)
		as->cpu = -1;
	as->cpu_seen = 0;
	as->handled = 0;
	as->running = true;
}

static uint64_t child_cpu_ns(const struct hal_uspace *as)
{
	struct timespec ts;
	if (as->cpu == -1 || clock_gettime(as->cpu, &ts) != 0)
		return as->cpu_seen;
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Simulated time: the CPU time the child used since the last look. */
static void charge_cpu(struct hal_uspace *as)
{
	if (sim_time_mode() != SIM_TIME_SIM)
		return;
	uint64_t t = child_cpu_ns(as);
	if (t > as->cpu_seen) {
		sim_time_charge(t - as->cpu_seen);
		as->cpu_seen = t;
	}
}

static long futex(uint32_t *w, int op, uint32_t val, const struct timespec *t)
{
	return syscall(SYS_futex, w, op, val, t, NULL, 0);
}

/* What a fatal signal is called: the host's name (strsignal's, as the
 * simulator's other trap reports say it) and, where there is one, the
 * x86 exception the native port names for the same fault. */
static const char *fault_name(int sig, int code)
{
	switch (sig) {
	case SIGSEGV:
		return code == SI_KERNEL
		           ? "Segmentation fault (general protection fault)"
		           : "Segmentation fault (page fault)";
	case SIGILL:
		return "Illegal instruction (invalid opcode)";
	case SIGFPE:
		return code == FPE_INTDIV ? "Floating point exception (divide "
		                            "error)"
		                          : "Floating point exception";
	case SIGTRAP:
		return "Trace/breakpoint trap";
	case SIGBUS:
		return "Bus error";
	case SIGSYS:
		return "Bad system call";
	default:
		return "Killed by a signal";
	}
}

/* A child that died without a report (its handler faulted, another ABI's
 * syscall, a kill from outside) ends the payload as a fault; one that
 * exited was the payload host failing before the payload ran. */
static void check_alive(struct hal_uspace *as)
{
	siginfo_t si;
	si.si_pid = 0;
	if (waitid(P_PID, (id_t)as->pid, &si, WEXITED | WNOHANG) != 0 ||
	    si.si_pid == 0)
		return;
	as->pid = 0;
	as->running = false;
	if (si.si_code == CLD_EXITED) {
		char why[160];
		snprintf(why, sizeof(why),
		         "rumpk-payload-host exited with status %d before the "
		         "payload ran (125: close_range, 126: seccomp refused, "
		         "else see above)",
		         si.si_status);
		errno = 0;
		panic(why);
	}
	rk_user_fault(fault_name(si.si_status, 0), 0, 0);
}

/* The payload's process runs x86_64 code: rbp-linked frames. */
const struct hal_frame_layout hal_user_frame = {0, 8};

static _Noreturn void fault(struct hal_uspace *as, uint64_t sig, uint64_t code,
                            uint64_t addr, uint64_t pc, uint64_t fp)
{
	/* The frames are read from the child's stack memfd, which the
	 * kernel keeps mapped after the child is gone. */
	rk_user_fault_frame((uintptr_t)fp);
	/* Into x86_user_reg_names' order from the signal frame's (the
	 * kernel's gregs[] numbering: r8 0 ... r15 7, rdi 8, rsi 9, rbp 10,
	 * rbx 11, rdx 12, rax 13, rcx 14, rsp 15, rip 16, eflags 17). */
	static const unsigned from[X86_USER_REGS] = {
	    13, 11, 14, 12, 9, 8, 10, 15, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17};
	uint64_t regs[X86_USER_REGS];
	for (unsigned i = 0; i < X86_USER_REGS; i++)
		regs[i] =
		    __atomic_load_n(&as->chan->regs[from[i]], __ATOMIC_RELAXED);
	rk_user_fault_regs(x86_user_reg_names, regs, X86_USER_REGS);
	end_child(as);
	rk_user_fault(fault_name((int)sig, (int)code), (uintptr_t)pc,
	              (uintptr_t)addr);
}

/* One request: read once from the page the child can write at any
 * time, answered in ret and rep. */
static void serve(struct hal_uspace *as, uint32_t seq)
{
	struct sim_chan *c = as->chan;
	uint64_t kind = __atomic_load_n(&c->kind, __ATOMIC_RELAXED);
	uint64_t nr = __atomic_load_n(&c->nr, __ATOMIC_RELAXED);
	uint64_t a[6];
	for (unsigned i = 0; i < 6; i++)
		a[i] = __atomic_load_n(&c->a[i], __ATOMIC_RELAXED);
	as->handled = seq;
	if (kind == SIM_REQ_FAULT)
		fault(as, a[0], a[1], a[2], a[3], a[4]);
	as->running = false;
	int64_t r = rk_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	as->running = true;
	__atomic_store_n(&c->park, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&c->ret, r, __ATOMIC_RELAXED);
	__atomic_store_n(&c->rep, seq, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->cwait, __ATOMIC_SEQ_CST))
		futex(&c->rep, FUTEX_WAKE, 1, NULL);
}

/* Longest wait for the child without a look at whether it still lives. */
#define LOOK_NS 10000000ull

/* The CPU in user mode: returns when the child has a request (its
 * sequence number in *seq, true) or an interrupt is due (false). */
static bool run_user(struct hal_uspace *as, uint32_t *seq)
{
	struct sim_chan *c = as->chan;
	for (;;) {
		*seq = __atomic_load_n(&c->req, __ATOMIC_ACQUIRE);
		if (*seq != as->handled) {
			charge_cpu(as);
			return true;
		}
		uint64_t now = sim_time_peek();
		uint64_t next = sim_clock_next_event();
		if (sim_timer_deadline() < next)
			next = sim_timer_deadline();
		if (now >= next)
			return false;
		if (sim_busy_hook)
			sim_busy_hook(); /* the visualizer draws meanwhile */
		/* The child usually calls again soon: a look a while
		 * before a sleep (ustub.h; none on a one-CPU host).
		 * Meanwhile the outboxes go onto the bus, so a sender finds
		 * its own copies and a receiver its mail without a syscall;
		 * after a move the deadline and the channel are looked at
		 * again. */
		uint32_t spin = spin_count();
		bool moved = false;
		for (uint32_t i = 0;
		     i < spin &&
		     __atomic_load_n(&c->req, __ATOMIC_ACQUIRE) == as->handled;
		     i++) {
			if (rk_bus_pump()) {
				moved = true;
				break;
			}
			__builtin_ia32_pause();
		}
		if (moved ||
		    __atomic_load_n(&c->req, __ATOMIC_ACQUIRE) != as->handled)
			continue;
		uint64_t wait = next - now < LOOK_NS ? next - now : LOOK_NS;
		struct timespec ts = {(time_t)(wait / 1000000000ull),
		                      (long)(wait % 1000000000ull)};
		__atomic_store_n(&c->kwait, 1, __ATOMIC_SEQ_CST);
		long r = 0;
		if (__atomic_load_n(&c->req, __ATOMIC_SEQ_CST) == as->handled)
			r = futex(&c->req, FUTEX_WAIT, as->handled, &ts);
		__atomic_store_n(&c->kwait, 0, __ATOMIC_RELAXED);
		charge_cpu(as);
		if (r != 0 && errno == ETIMEDOUT)
			check_alive(as);
	}
}

_Noreturn void hal_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
                              uintptr_t ret)
{
	struct hal_uspace *as = active;
	if (!as || as->pid || !as->stub_uva) {
		errno = 0;
		panic("hal_user_enter without a fresh address space");
	}
	spawn(as, pc, sp, arg, ret);
	for (;;) {
		uint32_t seq;
		if (run_user(as, &seq)) {
			serve(as, seq);
		} else {
			/* An interrupt in user mode: the devices and the
			 * timer have their say, then the core (preemption,
			 * the budget). */
			check_alive(as);
			sim_clock_tick();
			rk_user_return();
		}
	}
}
