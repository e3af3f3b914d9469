/*
 * ubus.h - a payload's bus window (docs/isolation.md, "The bus"): two
 * rings in the payload's own memory through which its ring_send and
 * ring_recv stubs move messages without a system call, as io_uring's
 * submission and completion rings do.
 *
 *   outbox  the payload writes slots and tx_tail; the kernel reads them
 *           when the payload next enters it (any syscall, an interrupt,
 *           its end; on the simulator also while it waits for the
 *           payload's process, rk_bus_pump), checks each message and
 *           copies it onto the bus, then moves tx_head.
 *   inbox   the kernel writes slots and rx_tail (every message any
 *           payload put on the bus, the payload's own included); the
 *           payload reads them and moves rx_head.
 *
 * Sequences only grow; slot i of a ring holds sequence s when
 * s % RK_UBUS_SLOTS == i.  The kernel keeps its own copy of the indices
 * it owns (tx_head, rx_tail) and reads the payload's (tx_tail, rx_head)
 * once per look, refusing any that would claim more than a ring holds:
 * nothing the payload writes here can make the kernel read or write
 * outside the window.  When some payload sleeps waiting for a message
 * the kernel sets `kick` in every window: a stub that sends then enters
 * the kernel at once (RK_SYS_BUS_FLUSH) instead of at its next syscall.
 *
 * Self-contained, for the stubs (native and simulator) and the kernel.
 */
#ifndef RUMPK_UBUS_H
#define RUMPK_UBUS_H

#include <stdint.h>

#include <rumpk/api.h>

/* Where the window sits in every payload's address space (between the
 * body and the stack: src/uspace.c, include/rumpk/hal.h's RK_USER_BASE
 * + 0x30000000) and how big it is: the control page, then the outbox's
 * slots, then the inbox's.  4096 slots a ring: on the simulator every
 * ring-full costs two hand-overs between processes, so fewer, larger
 * rings move more messages a second (docs/benchmarks.md). */
#define RK_UBUS_UVA      0x2030000000ull
#define RK_UBUS_SLOTS    4096u
#define RK_UBUS_SLOT_LEN 64u
#define RK_UBUS_CTL_LEN  4096u
#define RK_UBUS_TX_OFF   RK_UBUS_CTL_LEN
#define RK_UBUS_RX_OFF   (RK_UBUS_TX_OFF + RK_UBUS_SLOTS * RK_UBUS_SLOT_LEN)
#define RK_UBUS_SIZE     (RK_UBUS_RX_OFF + RK_UBUS_SLOTS * RK_UBUS_SLOT_LEN)

struct rk_ubus_slot {
	uint32_t len; /* 0..RK_API_MSG_MAX */
	uint8_t data[RK_API_MSG_MAX];
};

/* The control page: each index on a cache line of its own, so the side
 * that writes one does not slow the side that writes the other. */
struct rk_ubus_ctl {
	_Alignas(64) uint64_t tx_tail; /* payload: next sequence it writes */
	/* payload: tx_head + RK_UBUS_SLOTS as it last read tx_head, so a
	 * send reads the kernel's line only when its ring looks full */
	uint64_t tx_limit;
	_Alignas(64) uint64_t tx_head; /* kernel: next sequence it takes */
	_Alignas(64) uint64_t rx_tail; /* kernel: next sequence it writes */
	_Alignas(64) uint64_t rx_head; /* payload: next sequence it reads */
	/* payload: rx_tail as it last read it, so a receive reads the
	 * kernel's line only when its ring looks empty */
	uint64_t rx_seen;
	_Alignas(64) uint32_t kick; /* kernel: a payload sleeps in recv */
};

_Static_assert(sizeof(struct rk_ubus_slot) == RK_UBUS_SLOT_LEN,
               "a bus slot is one 64-byte line");
_Static_assert((RK_UBUS_SLOTS & (RK_UBUS_SLOTS - 1)) == 0,
               "RK_UBUS_SLOTS is a power of two");
_Static_assert(sizeof(struct rk_ubus_ctl) <= RK_UBUS_CTL_LEN,
               "the control block fits its page");
_Static_assert(RK_UBUS_SIZE % 4096u == 0, "the window is whole pages");

#endif
