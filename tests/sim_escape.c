/*
 * sim_escape.c - a signed payload for the simulator (x86_64 hosts) that
 * tries to reach the host kernel directly from its child process: raw
 * syscall instructions with Linux's numbers for memory, files,
 * processes, signals, tracing and the channel's own futex.  Each must
 * come back as the Rumpk syscall of that number would (all are past
 * RK_SYS_COUNT: -RK_ENOSYS), never reach Linux.  Then it tries the
 * 32-bit ABI (int $0x80), which the filter answers by killing the child:
 * the kernel reports it as a contained fault (tests/meson.build).
 */
#include <rumpk/api.h>
#include <rumpk/syscall.h>

/* Linux x86_64 numbers, and a futex at the channel (sim/ustub.h). */
static const uint16_t linux_nrs[] = {
    9,   /* mmap */
    10,  /* mprotect */
    13,  /* rt_sigaction */
    14,  /* rt_sigprocmask */
    15,  /* rt_sigreturn, from outside the stub page */
    32,  /* dup */
    41,  /* socket */
    56,  /* clone */
    57,  /* fork */
    59,  /* execve */
    60,  /* exit */
    62,  /* kill */
    101, /* ptrace */
    157, /* prctl */
    202, /* futex, from outside the stub page */
    231, /* exit_group */
    257, /* openat */
    310, /* process_vm_readv */
    317, /* seccomp */
    319, /* memfd_create */
    434, /* pidfd_open */
};

#define CHAN_REQ 0x1fffff0000ull /* SIM_CHAN_UVA: req */

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	unsigned bad = 0;

	api->puts("[sim_escape] about to call the host kernel directly");
	for (unsigned i = 0; i < sizeof(linux_nrs) / sizeof(linux_nrs[0]);
	     i++) {
		/* futex(req, FUTEX_WAKE, 1); for the others, harmless
		 * arguments that would do something real on Linux. */
		if (rk_syscall3(linux_nrs[i], CHAN_REQ, 1, 1) != -RK_ENOSYS) {
			char line[] = "[sim_escape] reached the host: nr ???";
			unsigned n = linux_nrs[i];
			line[34] = (char)('0' + n / 100);
			line[35] = (char)('0' + n / 10 % 10);
			line[36] = (char)('0' + n % 10);
			api->puts(line);
			bad++;
		}
	}
	if (bad)
		return 1;
	api->puts("[sim_escape] every host call stayed a Rumpk syscall");
	__asm__ volatile("int $0x80" : : "a"(20ull) : "memory"); /* getpid */
	api->puts("[sim_escape] came back from int $0x80");
	return 1;
}
