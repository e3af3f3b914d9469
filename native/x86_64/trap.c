/*
 * trap.c - the IDT, the TSS and the exception reports.
 *
 * An exception in the kernel (CPL 0) is fatal: it prints
 *   [TRAP] <name> (vector N, error E) at pc=0x... addr=0x... fiber '<f>'
 * (addr is CR2 for a page fault, 0 otherwise) and exits with status 100;
 * a page fault in a fiber's stack guard page prints a stack-overflow
 * panic and exits with 102 instead.  Exceptions run on their own stack
 * (IST1), so a blown fiber stack still gets a report.  An exception in
 * user mode (CPL 3) ends the payload: rk_user_fault, on the fiber's
 * kernel stack.  Vectors 0x20..0x30 (ISA lines, LAPIC timer) and the
 * spurious vector go to irq.c; one taken in user mode then gives the core
 * its rk_user_return before the return to the payload.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>
#include <rumpk/sched.h>
#include <rumpk/status.h>

#include "arch.h"
#include "port.h"
#include "user_regs.h"

struct x86_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct idt_entry {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
};

struct __attribute__((packed)) tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3, iomap;
};

extern const uint64_t x86_isr_table[49];
extern const uint64_t x86_isr_spurious[1];

static struct idt_entry idt[256] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
uint64_t x86_kstack_top;
static uint8_t trap_stack[16384] __attribute__((aligned(16)));

static const char *const names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range exceeded",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack-segment fault",
    "general protection fault",
    "page fault",
    "reserved (15)",
    "x87 floating-point error",
    "alignment check",
    "machine check",
    "SIMD floating-point error",
    "virtualization exception",
    "control protection exception",
    "reserved (22)",
    "reserved (23)",
    "reserved (24)",
    "reserved (25)",
    "reserved (26)",
    "reserved (27)",
    "hypervisor injection",
    "VMM communication",
    "security exception",
    "reserved (31)",
};

static void set_gate(unsigned v, uint64_t handler, unsigned ist)
{
	idt[v] = (struct idt_entry){
	    .off0 = (uint16_t)handler,
	    .sel = 0x08,
	    .ist = (uint8_t)ist,
	    .type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
	    .off1 = (uint16_t)(handler >> 16),
	    .off2 = (uint32_t)(handler >> 32),
	};
}

void x86_trap_init(void)
{
	/* TSS descriptor (16 bytes) at GDT selector 0x18. */
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	tss.ist[0] = (uint64_t)(uintptr_t)(trap_stack + sizeof(trap_stack));
	/* No I/O bitmap (its base is past the TSS limit) and IOPL 0: in and
	 * out at CPL 3 raise #GP (Intel SDM Vol. 1, 19.5 "Protected-Mode
	 * I/O"). */
	tss.iomap = sizeof(tss);
	x86_gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	             (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
	             (((base >> 24) & 0xff) << 56);
	x86_gdt[4] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(X86_SEL_TSS));

	for (unsigned v = 0; v < 49; v++)
		set_gate(v, x86_isr_table[v], v < 32 ? 1 : 0);
	set_gate(X86_VEC_SPURIOUS, x86_isr_spurious[0], 0);
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Interrupts and exceptions from CPL 3 switch to TSS.rsp0 (Intel SDM
 * Vol. 3A, 6.14.4); the exception vectors' IST1 overrides it (6.14.5). */
void x86_set_kstack(uint64_t top)
{
	tss.rsp[0] = top;
	x86_kstack_top = top;
}

static void fatal(const struct x86_frame *f)
{
	static int nested;
	unsigned v = (unsigned)f->vector;
	uint64_t addr = v == 14 ? read_cr2() : 0;

	if (nested++) {
		/* A fault while reporting one: exit without more words. */
		rk_arch_exit(RK_EXIT_TRAP);
	}
	struct rk_fiber *cur = rk_fiber_current();
	if (v == 14) {
		struct rk_fiber *g = rk_fiber_by_guard(addr, 4096);
		if (g) {
			rk_printf("\n[PANIC] stack overflow in fiber '%s': "
			          "fault at 0x%llx in its guard page, "
			          "pc 0x%llx\n",
			          g->name, (unsigned long long)addr,
			          (unsigned long long)f->rip);
			hal_exit(RK_EXIT_STACK);
		}
	}
	rk_printf("\n[TRAP] %s (vector %u, error 0x%llx) at pc=0x%llx "
	          "addr=0x%llx fiber '%s'\n",
	          names[v & 31], v, (unsigned long long)f->error,
	          (unsigned long long)f->rip, (unsigned long long)addr,
	          cur ? cur->name : "(boot)");
	rk_printf("[TRAP] rsp=0x%llx rflags=0x%llx rax=0x%llx rdi=0x%llx\n",
	          (unsigned long long)f->rsp, (unsigned long long)f->rflags,
	          (unsigned long long)f->rax, (unsigned long long)f->rdi);
	hal_exit(RK_EXIT_TRAP);
}

/* x86_64: push rbp; mov rsp, rbp (System V psABI, 3.2.2). */
const struct hal_frame_layout hal_user_frame = {0, 8};

void x86_trap(struct x86_frame *f);
void x86_trap(struct x86_frame *f)
{
	unsigned v = (unsigned)f->vector;
	bool user = f->cs & 3; /* the RPL of the interrupted CS: its CPL */

	if (v < 32) {
		/* NMI, double fault and machine check are the machine's, not
		 * the payload's. */
		if (user && v != 2 && v != 8 && v != 18) {
			const uint64_t regs[X86_USER_REGS] = {
			    f->rax, f->rbx, f->rcx, f->rdx, f->rsi, f->rdi,
			    f->rbp, f->rsp, f->r8,  f->r9,  f->r10, f->r11,
			    f->r12, f->r13, f->r14, f->r15, f->rip, f->rflags};
			rk_user_fault_regs(x86_user_reg_names, regs,
			                   X86_USER_REGS);
			rk_user_fault_frame(f->rbp);
			x86_user_fault(names[v], f->rip,
			               v == 14 ? read_cr2() : 0,
			               x86_kstack_top);
		}
		fatal(f);
	}
	x86_irq_dispatch(v);
	if (user) {
		__asm__ volatile("sti" : : : "memory");
		rk_user_return();
		__asm__ volatile("cli" : : : "memory");
	}
}
