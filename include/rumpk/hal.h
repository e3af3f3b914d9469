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

/* ---- user mode: payloads isolated (docs/isolation.md) --------------- */
/* Every payload gets an address space of its own: the kernel's mappings,
 * which user mode cannot touch (supervisor-only; SMEP/SMAP, PAN, SUM
 * clear), plus user pages in one 1 GiB slot at RK_USER_BASE that the core
 * lays out (src/uspace.c).  The slot is the same on every arch: 128 GiB,
 * above every kernel identity map, inside every VA width we use. */
#define RK_USER_BASE 0x2000000000ull
#define RK_USER_SIZE 0x40000000ull

/* True where payloads run in user mode; false keeps them on kernel fibers
 * (a platform whose isolation has not landed yet). */
extern const bool hal_user_mode;

enum hal_uprot {
	HAL_UPROT_R,  /* user read, never write or execute */
	HAL_UPROT_RW, /* user read and write, never execute */
	HAL_UPROT_RX, /* user read and execute, never write */
};
struct hal_uspace;
/* A new address space: the kernel's mappings (supervisor only) and an
 * empty user slot.  NULL when no memory is left. */
struct hal_uspace *hal_uspace_create(void);
/* Maps the kernel pages [kva, kva + len) (page aligned, the kernel keeps
 * owning them) at user address uva, inside the user slot.  0, or -1 when
 * uva/len are outside the slot or unaligned, or no page table can be
 * had.  Used before the space first runs. */
int hal_uspace_map(struct hal_uspace *as, uintptr_t uva, const void *kva,
                   size_t len, enum hal_uprot prot);
/* Frees the page tables (not the mapped pages).  Never the active one. */
void hal_uspace_destroy(struct hal_uspace *as);
/* The scheduler calls this before it switches to a fiber: as is the
 * fiber's address space (NULL: a kernel fiber, which gets the kernel's
 * own tables, so a space can be destroyed once its fiber is gone),
 * kstack_top the top of its kernel stack, where traps from user mode must
 * land (TSS.rsp0, SP_EL1, the trap stack pointer); it lies below the
 * fiber's saved context, which must survive.  Uses ASIDs/PCIDs where the arch
 * has them, or flushes the TLB. */
void hal_uspace_switch(struct hal_uspace *as, void *kstack_top);
/* Drops from the current fiber to user mode in the active address
 * space: pc, sp, arg in the first argument register AND in the result
 * register (so an entry that returns no value returns arg), ret in the
 * link register (x86_64: pushed, so sp must leave 8 bytes for it below
 * the value given).  Interrupts are enabled in user mode.  Never
 * returns: the platform calls rk_syscall for a syscall, rk_user_fault
 * for a fault, and rk_user_return before it resumes user mode after any
 * interrupt. */
_Noreturn void hal_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg,
                              uintptr_t ret);
/* Copies between kernel memory and the active user space, with user
 * access opened only for the copy (stac/clac, PSTATE.PAN, sstatus.SUM).
 * The core has checked that the range lies in the payload's own
 * mappings (src/syscall.c), so these cannot fault. */
void hal_user_copy_in(void *dst, uintptr_t usrc, size_t len);
void hal_user_copy_out(uintptr_t udst, const void *src, size_t len);
/* The user-mode stubs: one page (or less) of position-independent code
 * [hal_ustub_start, hal_ustub_end), page aligned, that the core maps into
 * every payload, and the table of where in it each struct rk_api member
 * and the return trampoline (hal_ustub_exit: SYS_EXIT with the result
 * register) are, as kernel addresses; the core relocates them to where it
 * maps the page. */
extern const char hal_ustub_start[], hal_ustub_end[];
extern const struct rk_api hal_ustub_api;
extern const char hal_ustub_exit[];

/* ---- persistent store (docs/store.md) ----------------------------- */
/* A few KiB that outlive a reboot, where the kernel keeps its security
 * counters and keyring state (src/store.c).  In HAL_STORE_BLOCK-byte
 * blocks; hal_store_blocks() is 0 when the platform has no store (the
 * state then lasts one boot).  A write returns 0 only once the device
 * has made the blocks durable (written through, flushed); either call
 * returns -1 on any error or a range past the end. */
#define HAL_STORE_BLOCK 512u
uint64_t hal_store_blocks(void);
int hal_store_read(uint64_t block, void *buf, size_t nblocks);
int hal_store_write(uint64_t block, const void *buf, size_t nblocks);

/* ---- misc --------------------------------------------------------- */
/* 16 bytes of boot-time randomness for the SipHash ID key (best effort
 * natively: counters and timers; getrandom on the sim). */
void hal_boot_entropy(uint8_t key[16]);
/* End the system with an exit status (docs/exit-status.md). */
_Noreturn void hal_exit(int status);

/* ---- called by the platform, implemented by the core -------------------- */
/* The one-shot timer armed by hal_timer_arm() has expired. */
void rk_timer_isr(void);
/* A syscall from user mode (include/rumpk/syscall.h), called on the
 * fiber's kernel stack with interrupts enabled; its value goes into the
 * result register.  RK_SYS_EXIT does not return. */
int64_t rk_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                   uint64_t a3, uint64_t a4, uint64_t a5);
/* A fault in user mode: what (the CPU's name for it), the pc and the
 * faulting address (0 when none).  Called on the fiber's kernel stack
 * with interrupts enabled; ends the payload, never returns. */
_Noreturn void rk_user_fault(const char *what, uintptr_t pc, uintptr_t addr);
/* The faulting user frame's frame pointer (x86_64 rbp, aarch64 x29,
 * riscv64 s0), given by the platform just before rk_user_fault, so the
 * report can walk the payload's frames (payloads keep frame pointers). */
void rk_user_fault_frame(uintptr_t fp);
/* The faulting user registers, by name, for the report (at most
 * RK_FAULT_REGS_MAX; copied at once), given just before rk_user_fault. */
#define RK_FAULT_REGS_MAX 40u
void rk_user_fault_regs(const char *const *names, const uint64_t *vals,
                        unsigned n);
/* Where, from a frame pointer, the caller's frame pointer and the return
 * address are saved: the arch's frame layout (x86_64 and aarch64: fp + 0
 * and fp + 8; riscv64: fp - 16 and fp - 8). */
struct hal_frame_layout {
	int prev_fp, ret;
};
extern const struct hal_frame_layout hal_user_frame;
/* The platform is about to resume user mode after an interrupt taken
 * there (the timer's, a device's): the core may switch to another fiber
 * first (preemption) or end the payload (its CPU budget).  Interrupts
 * enabled. */
void rk_user_return(void);
/* A platform whose kernel runs beside user code rather than instead of
 * it (the simulator: the kernel is a process of its own, the payloads
 * others) may call this while it waits for a payload: every outbox with
 * messages waiting is moved onto the bus, as a kernel thread on another
 * CPU would.  True when anything moved.  Never switches fibers. */
bool rk_bus_pump(void);

#endif
