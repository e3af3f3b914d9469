/*
 * kernel.h - the boot sequence shared by the simulator and the native
 * kernels, and what a platform hands to it: the facts of this boot (its
 * name, the payloads, the initrd, the command line, a keyring and body
 * limit it may choose).  How the kernel runs is said by the command line
 * alone, on every platform: rumpk-sim turns its --traffic, --gov and
 * --gov-param into the same words a boot loader would pass.
 */
#ifndef RUMPK_KERNEL_H
#define RUMPK_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/npl.h>

#define RK_VERSION    "0.1.0"
#define RK_MAX_KEYS   16
#define RK_MAX_IMAGES 32

struct rk_boot_image {
	const void *data;
	size_t len;
	const char *name;
};

struct rk_boot {
	const char *platform; /* "sim", "qemu-virt", ... */
	/* Payloads given by the user (rumpk-sim --payload) or the boot
	 * loader (initrd, multiboot modules): when any source says so, the
	 * kernel runs exactly these instead of the demo. */
	bool has_payloads;
	const struct rk_boot_image *images;
	size_t nimages;
	/* A blob of NPL images back to back (an initrd), split by the core. */
	const void *initrd;
	size_t initrd_len;
	/* A keyring chosen at boot (rumpk-sim --trust): when nkeys > 0,
	 * exactly these keys are trusted and the compiled-in keyring is not,
	 * unless keep_builtin_keys says to trust it as well. */
	const uint8_t (*keys)[32];
	size_t nkeys;
	bool keep_builtin_keys;
	uint64_t max_body; /* 0: RK_NPL_BODY_MAX */
	/* The boot loader's command line (multiboot cmdline, /chosen
	 * bootargs; rumpk-sim builds one), or NULL.  Words the core
	 * understands:
	 *   serial-rx          receive on the console under the governor
	 *                      until a line "END", print [GOV], exit
	 *   serial-rx=MS       the same for MS milliseconds, counting every
	 *                      byte (END too): rumpk-sim --traffic
	 *   gov=adaptive|irq|poll   the governor's policy
	 *   gov.NAME=VALUE     one of its tunables (window_ms war_rate
	 *                      peace_rate dwell_ms empty_polls budget
	 *                      poll_us; docs/governor.md)
	 *   trace              frame trace events on the console as they
	 *                      happen (docs/visualizer.md)
	 *   trace=buffer       keep them in memory, print when full and at
	 *                      the end (cheaper under heavy I/O)
	 *   images=NAME:SIZE,...   the files the initrd holds, in order:
	 *                      cut it there, name each image by its file
	 *   budget_ms=N        each payload's CPU budget in user mode
	 *                      (default 10000; 0: none)
	 *   fault=kill|stop|restart:N   what a payload's fault in user
	 *                      mode does (default kill: end it, go on)
	 *   run=sequential|parallel   one image after another (default)
	 *                      or all at once */
	const char *cmdline;
};

/* Runs the demo or the given payloads on the scheduler; returns the exit
 * status (docs/exit-status.md) for the platform to hand to hal_exit. */
int rk_kmain(const struct rk_boot *boot);

#endif
