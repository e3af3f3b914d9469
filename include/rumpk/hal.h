/*
 * hal.h - the platform contract.
 *
 * The shared core in src/ talks to the machine only through these functions.
 * A platform (sim/, native/<arch>/) is a directory that implements this list
 * and nothing else, like Zephyr's arch_* interface.  The core owns policy
 * (scheduling, loading, the governor); the platform owns mechanism.
 */
#ifndef RUMPK_HAL_H
#define RUMPK_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/api.h>

/* NPL arch codes (docs/npl-format.md). */
#define RK_ARCH_AARCH64 0xAAu
#define RK_ARCH_X86_64  0xEEu
#define RK_ARCH_RISCV64 0x55u

/* The arch code of the machine this code is compiled for.  The compiler
 * knows the instruction set; no platform has to say it again. */
#if defined(__x86_64__)
#define RK_ARCH_SELF RK_ARCH_X86_64
#elif defined(__aarch64__)
#define RK_ARCH_SELF RK_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define RK_ARCH_SELF RK_ARCH_RISCV64
#else
#error "Rumpk supports x86_64, aarch64 and riscv64"
#endif

/* ---- console ------------------------------------------------------- */
void hal_console_putc(char c);
/* Next received byte, or -1 when nothing is waiting.  Never blocks. */
int hal_console_getc(void);
/* Turns on the console's receive interrupt at the device (a UART's IER)
 * and returns its line for hal_irq_attach, or -1 when the console cannot
 * interrupt.  The line itself stays masked until hal_irq_unmask.  The
 * interrupt is level-triggered: it stays asserted while a byte waits. */
int hal_console_rx_irq(void);

/* ---- time ------------------------------------------------------------ */
/* Monotonic nanoseconds since an arbitrary origin at boot. */
uint64_t hal_now_ns(void);
/* One-shot: at or after deadline_ns the platform calls rk_timer_isr().
 * A later call replaces the earlier deadline; UINT64_MAX disarms. */
void hal_timer_arm(uint64_t deadline_ns);

/* ---- interrupts --------------------------------------------------- */
typedef void (*hal_irq_handler_t)(unsigned line, void *arg);
typedef unsigned long hal_irq_state_t;
hal_irq_state_t hal_irq_save(void); /* disable, return previous state */
void hal_irq_restore(hal_irq_state_t state);
/* 0 on success, -1 when the line does not exist. Line starts masked. */
int hal_irq_attach(unsigned line, hal_irq_handler_t handler, void *arg);
void hal_irq_mask(unsigned line);
void hal_irq_unmask(unsigned line);
/* Wait for an interrupt (sti;hlt / wfi / sigsuspend).  Called with
 * interrupts disabled (inside hal_irq_save) so that no wake-up can slip in
 * between the scheduler's last look and the wait; enables interrupts and
 * waits atomically, lets the pending handlers run, and returns with
 * interrupts disabled again. */
void hal_idle(void);

/* ---- execution contexts -------------------------------------------- */
/* Opaque per-platform saved context.  The platform carves it out of the
 * top of the stack it is given, so the core needs no size for it. */
typedef struct hal_ctx hal_ctx_t;
/* Prepare a context that starts entry(arg) on [stack, stack+size).
 * entry must never return. */
hal_ctx_t *hal_ctx_init(void *stack, size_t size, void (*entry)(void *),
                        void *arg);
/* The context of the caller (the boot thread), to switch back to. */
hal_ctx_t *hal_ctx_boot(void);
/* Save the current context into from, resume to. */
void hal_ctx_switch(hal_ctx_t *from, hal_ctx_t *to);

/* ---- memory ------------------------------------------------------- */
/* A fiber stack of at least size bytes with a no-access guard page below
 * it, so an overflow faults at once (the trap report names the fiber:
 * rk_fiber_by_guard); the core's canary at the stack's low end is the
 * second line.  Returns the lowest usable address or NULL. */
void *hal_stack_alloc(size_t size);
void hal_stack_free(void *stack, size_t size);
/* Memory for a payload: readable and writable, never executable. */
void *hal_exec_alloc(size_t size);
/* Make [p, p+size) read+execute, never writable again; sync the
 * instruction cache.  0 on success, -1 on failure. */
int hal_exec_seal(void *p, size_t size);
void hal_exec_free(void *p, size_t size);
/* Calls a sealed payload's entry with api as its argument.  The result
 * register holds api's address when entry starts, so an entry that returns
 * without a value returns exactly that (the core reports "no value"). */
int64_t hal_payload_call(rk_payload_entry_t entry, const struct rk_api *api);

/* ---- misc --------------------------------------------------------- */
/* 16 bytes of boot-time randomness for the SipHash ID key (best effort
 * natively: counters and timers; getrandom on the sim). */
void hal_boot_entropy(uint8_t key[16]);
/* End the system with an exit status (docs/exit-status.md). */
_Noreturn void hal_exit(int status);

/* ---- called by the platform, implemented by the core -------------------- */
/* The one-shot timer armed by hal_timer_arm() has expired. */
void rk_timer_isr(void);

#endif
