/*
 * status.h - the one exit-status contract (docs/exit-status.md), shared by
 * the simulator, the npl tool and every native kernel.
 */
#ifndef RUMPK_STATUS_H
#define RUMPK_STATUS_H

enum rk_status {
	RK_EXIT_OK = 0,       /* every payload ran */
	RK_EXIT_REFUSED = 1,  /* a payload was refused or failed */
	RK_EXIT_USAGE = 2,    /* bad command line, I/O error */
	RK_EXIT_TRAP = 100,   /* CPU exception / fatal signal */
	RK_EXIT_PANIC = 101,  /* kernel panic or failed assertion */
	RK_EXIT_STACK = 102,  /* fiber stack overflow */
	RK_EXIT_RESET = 103,  /* unexpected reset (reported by run scripts) */
	RK_EXIT_BOOT = 104,   /* the boot chain refused the kernel (scripts) */
	RK_EXIT_TIMEOUT = 124 /* watchdog or run-script timeout */
};

#endif
