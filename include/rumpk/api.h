/*
 * api.h - the payload ABI (NPL v1).  A payload's entry point is
 *
 *     int64_t entry(const struct rk_api *api);
 *
 * at body offset 0, called on a fiber of its own.  The table starts with
 * its version and size; members are only ever appended, so a payload
 * checks `size` before using a member newer than the ones it knows.
 * This header is self-contained: payloads include it and nothing else.
 */
#ifndef RUMPK_API_H
#define RUMPK_API_H

#include <stddef.h>
#include <stdint.h>

/* 2: where the platform runs payloads in user mode (docs/isolation.md),
 * the table and the functions it points to live in the payload's own
 * address space: a read-only page and user-mode stubs that make system
 * calls (docs/syscalls.md).  Same members, same meanings as 1. */
#define RK_API_VERSION 2u

struct rk_api {
	uint32_t abi_version;
	uint32_t size; /* sizeof(struct rk_api) of the kernel */
	/* Writes s and a newline to the console. */
	void (*puts)(const char *s);
	/* Lets other fibers of the same or higher priority run. */
	void (*yield)(void);
	void (*sleep_ns)(uint64_t ns);
	uint64_t (*now_ns)(void);
	/* The payload bus: every running payload receives what any payload
	 * sends, its own included, in order (messages of up to
	 * RK_API_MSG_MAX bytes).  send returns 0, or -1 when len is too
	 * large or the message cannot be queued (a receiver's inbox and the
	 * sender's outbox are full: yield and try again); recv returns the
	 * message length, or -1 when timeout_ns passed with nothing to read.
	 * In user mode both work in the payload's bus window without a
	 * syscall while there is room and mail (docs/syscalls.md). */
	int (*ring_send)(const void *msg, size_t len);
	int64_t (*ring_recv)(void *buf, size_t cap, uint64_t timeout_ns);
	/* Ends the payload now with code, as if entry returned it. */
	void (*exit)(int64_t code);
	/* This payload's SipHash ID. */
	uint64_t (*self_id)(void);
};

#define RK_API_MSG_MAX 60u

/* A message only the kernel puts on the bus (a payload's send of it is
 * refused): a payload restarted under fault=restart:N, with its 8-byte
 * ID (little-endian) at offset 8 and the restart count at offset 16. */
#define RK_BUS_RESTART_MAGIC                                                   \
	{                                                                      \
		0x00, 'r', 'k', '-', 'r', 's', 't', 0x00                       \
	}
#define RK_BUS_RESTART_LEN 17u

typedef int64_t (*rk_payload_entry_t)(const struct rk_api *api);

#endif
