/*
 * payload_host.c - rumpk-payload-host, the program a payload's child
 * process starts as (hal_user.c spawns it; docs/isolation.md, "The
 * simulator").  A fresh program, not a fork of the kernel: nothing of
 * the kernel's memory is in it.  It maps what the kernel hands over as
 * memfds (fd 3, 4, ... in the order of the arguments) at the user
 * addresses the core chose, points the fatal signals and SIGSYS at the
 * stub page's handler, closes every fd, installs the seccomp filter and
 * jumps to the payload's entry.  From then on the child's only way out
 * is its channel (ustub.h).
 *
 * usage (by hal_user.c only):
 *   rumpk-payload-host PPID PC SP ARG RET STUB UVA:LEN:PROT...
 * numbers in hex but PPID; PROT r, x (read+exec) or w (read+write).
 *
 * What stays mapped besides the payload's pages is this program itself
 * and its C library: no secret of the kernel's, and no way out either,
 * since the filter sends every syscall from outside the stub page to
 * the kernel as a Rumpk syscall.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#include "ustub.h"

#if !defined(__x86_64__)
#error "rumpk-payload-host: x86_64 hosts only (sim/ustub.c)"
#endif

#define MAX_MAPS 8
/* Exit statuses of a failed start (the kernel reports them): 127 with a
 * message on stderr, these two after stderr is closed. */
#define EXIT_NO_CLOSE  125
#define EXIT_NO_FILTER 126

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "rumpk-payload-host: %s: %s\n", what, strerror(errno));
	_exit(127);
}

static uint64_t hex(const char *s)
{
	char *end;
	errno = 0;
	uint64_t v = strtoull(s, &end, 16);
	if (errno || end == s || *end)
		die("bad argument");
	return v;
}

/* UVA:LEN:PROT from fd: mapped shared, so the kernel's mapping of the
 * same memfd sees every write (the stack) and the seals hold (a shared
 * mapping of a write-sealed memfd can never become writable). */
static void map_one(int fd, const char *spec)
{
	char *end;
	uint64_t uva = strtoull(spec, &end, 16);
	if (*end != ':')
		die("bad mapping");
	uint64_t len = strtoull(end + 1, &end, 16);
	if (*end != ':' || !end[1] || end[2])
		die("bad mapping");
	int prot = end[1] == 'w'   ? PROT_READ | PROT_WRITE
	           : end[1] == 'x' ? PROT_READ | PROT_EXEC
	                           : PROT_READ;
	void *p = mmap((void *)(uintptr_t)uva, len, prot,
	               MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	if (p != (void *)(uintptr_t)uva)
		die("mmap");
}

/* The kernel's struct sigaction (the C library's would put its own
 * restorer in), and its flag for ours (x86_64 asm/signal.h, which
 * cannot be included next to signal.h). */
#define K_SA_RESTORER 0x04000000
struct k_sigaction {
	uint64_t handler, flags, restorer, mask;
};

static void handle_signals(uint64_t stub)
{
	static uint8_t altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	if (sigaltstack(&ss, NULL) != 0)
		die("sigaltstack");
	/* Everything blocked in the handler: a second fault there ends the
	 * child outright, which the kernel notices (hal_user.c). */
	struct k_sigaction sa = {
	    .handler = stub + SIM_SLOT_SIGNAL * SIM_SLOT_SIZE,
	    .flags = SA_SIGINFO | SA_ONSTACK | K_SA_RESTORER,
	    .restorer = stub + SIM_SLOT_RESTORER * SIM_SLOT_SIZE,
	    .mask = ~0ull,
	};
	const int sigs[] = {SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
	for (unsigned i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (syscall(SYS_rt_sigaction, sigs[i], &sa, NULL, 8) != 0)
			die("rt_sigaction");
}

#define LD(off)      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off))
#define JEQ(k, t, f) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define JGE(k, t, f) BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (t), (f))
#define RET(k)       BPF_STMT(BPF_RET | BPF_K, (k))
#define LO(field)    offsetof(struct seccomp_data, field)
#define HI(field)    (offsetof(struct seccomp_data, field) + 4)

/* The filter: a syscall from outside the stub page is a Rumpk syscall
 * (SIGSYS, which the stub page's handler sends down the channel, as the
 * syscall instruction does natively); from the stub page, only futex on
 * the channel (wake the kernel on req, wait on rep) and the handler's
 * rt_sigreturn.  Another ABI (int $0x80) kills the child. */
static void confine(uint64_t stub)
{
	const uint64_t req = SIM_CHAN_UVA + offsetof(struct sim_chan, req);
	const uint64_t rep = SIM_CHAN_UVA + offsetof(struct sim_chan, rep);
	_Static_assert(((SIM_CHAN_UVA + SIM_PAGE) >> 32) == SIM_CHAN_UVA >> 32,
	               "the channel page within one 4 GiB: one high word");
	if ((stub + SIM_PAGE) >> 32 != stub >> 32)
		die("stub page across a 4 GiB line");
	struct sock_filter f[] = {
	    LD(LO(arch)),
	    JEQ(AUDIT_ARCH_X86_64, 1, 0),
	    RET(SECCOMP_RET_KILL_PROCESS),
	    LD(HI(instruction_pointer)),
	    JEQ((uint32_t)(stub >> 32), 1, 0),
	    RET(SECCOMP_RET_TRAP),
	    LD(LO(instruction_pointer)),
	    JGE((uint32_t)stub, 1, 0),
	    RET(SECCOMP_RET_TRAP),
	    JGE((uint32_t)stub + SIM_PAGE, 0, 1),
	    RET(SECCOMP_RET_TRAP),
	    LD(LO(nr)),
	    JEQ(__NR_rt_sigreturn, 0, 1),
	    RET(SECCOMP_RET_ALLOW),
	    JEQ(__NR_futex, 1, 0),
	    RET(SECCOMP_RET_TRAP),
	    LD(HI(args[0])),
	    JEQ((uint32_t)(SIM_CHAN_UVA >> 32), 1, 0),
	    RET(SECCOMP_RET_TRAP),
	    LD(LO(args[0])),
	    JEQ((uint32_t)req, 0, 2),
	    LD(LO(args[1])),
	    JEQ(FUTEX_WAKE, 3, 4),
	    JEQ((uint32_t)rep, 0, 3),
	    LD(LO(args[1])),
	    JEQ(FUTEX_WAIT, 0, 1),
	    RET(SECCOMP_RET_ALLOW),
	    RET(SECCOMP_RET_TRAP),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("no_new_privs");
	/* No fd is left after this, not even stderr: the exit status says
	 * what failed (hal_user.c prints it). */
	if (close_range(0, ~0u, 0) != 0)
		_exit(EXIT_NO_CLOSE);
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0)
		_exit(EXIT_NO_FILTER);
}

/* launch(pc, sp, arg, ret): the entry with arg in rdi and rax, ret as
 * its return address, every other register cleared.  No syscall after
 * the filter: it would go to the kernel as a Rumpk syscall. */
_Noreturn void launch(uint64_t pc, uint64_t sp, uint64_t arg, uint64_t ret);
__asm__(".text\n"
        ".globl launch\n"
        "launch:\n"
        "	mov %rsi, %rsp\n"
        "	push %rcx\n"
        "	mov %rdi, %r11\n"
        "	mov %rdx, %rdi\n"
        "	mov %rdx, %rax\n"
        "	xor %ebx, %ebx\n"
        "	xor %ecx, %ecx\n"
        "	xor %edx, %edx\n"
        "	xor %esi, %esi\n"
        "	xor %ebp, %ebp\n"
        "	xor %r8d, %r8d\n"
        "	xor %r9d, %r9d\n"
        "	xor %r10d, %r10d\n"
        "	xor %r12d, %r12d\n"
        "	xor %r13d, %r13d\n"
        "	xor %r14d, %r14d\n"
        "	xor %r15d, %r15d\n"
        "	jmp *%r11\n");

int main(int argc, char **argv)
{
	if (argc < 8 || argc - 7 > MAX_MAPS) {
		fprintf(stderr, "rumpk-payload-host: started by rumpk-sim "
		                "only (sim/payload_host.c)\n");
		return 2;
	}
	/* Gone with the kernel, even when it dies without a word; and if
	 * it is already gone, do not start at all. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0)
		die("pdeathsig");
	if (getppid() != (pid_t)strtol(argv[1], NULL, 10))
		return 127;
	struct rlimit nocore = {0, 0};
	setrlimit(RLIMIT_CORE, &nocore);
	uint64_t pc = hex(argv[2]), sp = hex(argv[3]), arg = hex(argv[4]),
	         ret = hex(argv[5]), stub = hex(argv[6]);
	for (int i = 7; i < argc; i++)
		map_one(3 + (i - 7), argv[i]);
	handle_signals(stub);
	confine(stub);
	launch(pc, sp, arg, ret);
}
