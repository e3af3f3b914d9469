/*
 * arch.h - what the riscv64 port's files share: CSR access, SBI calls,
 * the trap frame, the link script's symbols and each file's entry points.
 * Not part of the core: the core sees only hal.h.
 */
#ifndef RUMPK_RV_ARCH_H
#define RUMPK_RV_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define csr_read(csr)                                                          \
	({                                                                     \
		unsigned long v_;                                              \
		__asm__ volatile("csrr %0, " #csr : "=r"(v_));                 \
		v_;                                                            \
	})
#define csr_write(csr, val)                                                    \
	__asm__ volatile("csrw " #csr ", %0"                                   \
	                 :                                                     \
	                 : "r"((unsigned long)(val))                           \
	                 : "memory")
#define csr_set(csr, bits)                                                     \
	__asm__ volatile("csrs " #csr ", %0"                                   \
	                 :                                                     \
	                 : "r"((unsigned long)(bits))                          \
	                 : "memory")
#define csr_clear(csr, bits)                                                   \
	__asm__ volatile("csrc " #csr ", %0"                                   \
	                 :                                                     \
	                 : "r"((unsigned long)(bits))                          \
	                 : "memory")

#define SSTATUS_SIE (1ul << 1)
#define SSTATUS_SPP (1ul << 8)
#define SSTATUS_SUM (1ul << 18)
#define SIE_STIE    (1ul << 5)
#define SIE_SEIE    (1ul << 9)
#define SCAUSE_IRQ  (1ul << 63)
#define IRQ_S_TIMER 5u
#define IRQ_S_EXT   9u

/* The register frame vectors.S saves: x[0..31] (x[0] unused, x[2] is the
 * interrupted sp), then the trap CSRs. */
struct rv_frame {
	unsigned long x[32];
	unsigned long sepc, sstatus, scause, stval;
};

struct sbiret {
	long error;
	long value;
};

static inline struct sbiret sbi_call(unsigned long eid, unsigned long fid,
                                     unsigned long a0, unsigned long a1,
                                     unsigned long a2)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = eid;
	__asm__ volatile("ecall"
	                 : "+r"(r0), "+r"(r1)
	                 : "r"(r2), "r"(r6), "r"(r7)
	                 : "memory");
	return (struct sbiret){(long)r0, (long)r1};
}

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_SRST 0x53525354

static inline uint64_t rv_rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

/* Memory layout from the link script. */
extern char _start[], __text_end[], __rodata_end[], __data_start[],
    __bss_start[], __bss_end[], _end[];

struct rk_fdt;

/* console.c: the UART the tree names (NULL: QEMU virt's), initialised;
 * its PLIC line; a [BOOT] line saying which it is. */
extern unsigned rv_console_irq; /* 0 when unknown */
void rv_console_init(const struct rk_fdt *t);
void rv_console_report(void);

/* timer.c: the boot count and the tree's timebase; the timer interrupt. */
void rv_timer_init(const struct rk_fdt *t);
uint64_t rv_timebase(void);
void rv_timer_isr(void);

/* irq.c: the PLIC and this hart's S-mode context (0, or -1 when the tree
 * has none); the supervisor external interrupt. */
int rv_irq_init(const struct rk_fdt *t, unsigned long hart);
void rv_irq_dispatch(void);

/* exit.c: the exit device the tree names. */
void rv_exit_init(const struct rk_fdt *t);

/* trap.c: called by vectors.S with the saved frame. */
void rv_trap(struct rv_frame *f);

/* mmu.c: Sv39 on with an identity map (RAM RW, devices, the kernel's
 * sections); the page allocator must already hold RAM.  Is addr in an
 * unmapped page of RAM (a stack guard page)?  Where traps from U-mode
 * land (hal_uspace_switch sets it). */
void rv_mmu_init(const struct rk_mem_range *ram, unsigned nram);
bool rv_guard_page_of(uintptr_t addr);
extern uintptr_t rv_user_kstack;

#endif
