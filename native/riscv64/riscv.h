/*
 * riscv.h - CSR access, SBI calls and the trap frame of the riscv64 kernel.
 */
#ifndef RV_RISCV_H
#define RV_RISCV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
#define SIE_STIE    (1ul << 5)
#define SIE_SEIE    (1ul << 9)
#define SCAUSE_IRQ  (1ul << 63)
#define IRQ_S_TIMER 5u
#define IRQ_S_EXT   9u

/* The register frame trap.S saves: x[0..31] (x[0] unused, x[2] is the
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

/* mmu.c */
struct rv_region {
	uint64_t base, size;
};
/* Physical page allocator over the RAM regions, minus the reserved ones;
 * then Sv39 on with an identity map (RAM, devices, kernel sections). */
void rv_mem_init(const struct rv_region *ram, unsigned nram,
                 const struct rv_region *resv, unsigned nresv);
bool rv_guard_page_of(uintptr_t addr);

/* plic.c: 0 when this hart's S-mode PLIC context was found. */
struct rk_fdt;
int rv_plic_init(const struct rk_fdt *t, unsigned long hart);
void rv_plic_dispatch(void);

/* hal_riscv64.c */
extern unsigned rv_console_irq; /* the console UART's PLIC line, or 0 */
void rv_console_rx_irq(bool enable);
void rv_trap(struct rv_frame *f);

#endif
