/*
 * ustub_api.h - the struct rk_api members as user-mode stubs, written
 * once for every way a payload reaches the kernel: natively one syscall
 * instruction (native/common/ustub.c), on the simulator a request in
 * the channel page (sim/ustub.c).  The includer defines USTUB (the
 * stubs' attributes) and ustub_call(nr, a0, a1, a2) (the transport)
 * first.  Stub code runs in user mode at another address than it was
 * linked at: no data, no calls out, no compiler-made calls (puts counts
 * its string through a volatile pointer, so no compiler makes the loop a
 * call to strlen).
 */
#include <rumpk/api.h>
#include <rumpk/syscall.h>
#include <rumpk/ubus.h>

USTUB static void u_puts(const char *s)
{
	const volatile char *p = s;
	size_t n = 0;
	while (p[n])
		n++;
	(void)ustub_call(RK_SYS_PUTS, (uintptr_t)s, n, 0);
}

USTUB static void u_yield(void)
{
	(void)ustub_call(RK_SYS_YIELD, 0, 0, 0);
}

USTUB static void u_sleep_ns(uint64_t ns)
{
	(void)ustub_call(RK_SYS_SLEEP, ns, 0, 0);
}

USTUB static uint64_t u_now_ns(void)
{
	return (uint64_t)ustub_call(RK_SYS_NOW, 0, 0, 0);
}

/* The bus goes through the window (ubus.h): a send writes the outbox and
 * a receive reads the inbox, with no syscall while there is room and
 * mail; the kernel is entered when the outbox is full, when a receiver
 * sleeps (kick), and to wait for mail.  Slots are written and read
 * through volatile pointers, so no compiler makes the copy a call to
 * memcpy. */
#ifndef U_WINDOW
#define U_WINDOW RK_UBUS_UVA /* tests/test_bus.c puts it elsewhere */
#endif
#define U_CTL ((struct rk_ubus_ctl *)(uintptr_t)U_WINDOW)
#define U_SLOTS(off)                                                           \
	((volatile struct rk_ubus_slot *)(uintptr_t)(U_WINDOW + (off)))

/* Does m start with RK_BUS_RESTART_MAGIC?  Byte by byte against small
 * immediates: the stubs have no data, and a 64-bit constant may be put
 * in a literal pool (riscv64 does), which is not on the stub page. */
USTUB static int u_kernel_magic(const uint8_t *m)
{
	return m[0] == 0 && m[1] == 'r' && m[2] == 'k' && m[3] == '-' &&
	       m[4] == 'r' && m[5] == 's' && m[6] == 't' && m[7] == 0;
}

/* A message into a slot and out of one as whole aligned 64-bit words of
 * the slot, through a volatile pointer: word 0 holds len and the first
 * four bytes, word k > 0 bytes 8k - 4 .. 8k + 3.  The payload's buffer
 * need not be aligned, so its side is read and written by
 * __builtin_memcpy of a word, which is a load or a store, never a call;
 * only a last part-word goes byte by byte.  All three arches are
 * little-endian. */
USTUB static void u_to_slot(volatile struct rk_ubus_slot *s, const uint8_t *m,
                            size_t len)
{
	volatile uint64_t *w = (volatile uint64_t *)(volatile void *)s;
	uint64_t v = len;
	if (len < 4) {
		for (size_t i = 0; i < len; i++)
			v |= (uint64_t)m[i] << (32 + 8 * i);
		w[0] = v;
		return;
	}
	uint32_t h;
	__builtin_memcpy(&h, m, 4);
	w[0] = v | (uint64_t)h << 32;
	size_t i = 4, k = 1;
	for (; i + 8 <= len; i += 8, k++) {
		__builtin_memcpy(&v, m + i, 8);
		w[k] = v;
	}
	if (i < len) {
		v = 0;
		for (unsigned b = 0; i < len; i++, b++)
			v |= (uint64_t)m[i] << 8 * b;
		w[k] = v;
	}
}

USTUB static void u_from_slot(uint8_t *d, const volatile struct rk_ubus_slot *s,
                              size_t n)
{
	const volatile uint64_t *w =
	    (const volatile uint64_t *)(const volatile void *)s;
	uint64_t v = w[0] >> 32;
	if (n < 4) {
		for (size_t i = 0; i < n; i++, v >>= 8)
			d[i] = (uint8_t)v;
		return;
	}
	uint32_t h = (uint32_t)v;
	__builtin_memcpy(d, &h, 4);
	size_t i = 4, k = 1;
	for (; i + 8 <= n; i += 8, k++) {
		v = w[k];
		__builtin_memcpy(d + i, &v, 8);
	}
	if (i < n)
		for (v = w[k]; i < n; i++, v >>= 8)
			d[i] = (uint8_t)v;
}

/* api.h's contract: 0, or -1 when the message cannot go. */
USTUB static int u_ring_send(const void *msg, size_t len)
{
	const uint8_t *m = msg;
	if (len > RK_API_MSG_MAX)
		return -1;
	/* The kernel's own message: the syscall refuses it. */
	if (len >= 8 && u_kernel_magic(m))
		return ustub_call(RK_SYS_SEND, (uintptr_t)msg, len, 0) == 0
		           ? 0
		           : -1;
	struct rk_ubus_ctl *c = U_CTL;
	uint64_t tail = c->tx_tail;
	/* The kernel's tx_head is read only when the ring looks full by
	 * what was read last (tx_limit); a value out of range, as after a
	 * restart, is looked up afresh too. */
	uint64_t free = c->tx_limit - tail;
	if (free == 0 || free > RK_UBUS_SLOTS) {
		c->tx_limit = __atomic_load_n(&c->tx_head, __ATOMIC_ACQUIRE) +
		              RK_UBUS_SLOTS;
		free = c->tx_limit - tail;
		if ((free == 0 || free > RK_UBUS_SLOTS) &&
		    ustub_call(RK_SYS_BUS_FLUSH, 0, 0, 0) != 0)
			return -1; /* full, and an inbox has no room */
	}
	volatile struct rk_ubus_slot *s =
	    U_SLOTS(RK_UBUS_TX_OFF) + (tail & (RK_UBUS_SLOTS - 1));
	u_to_slot(s, m, len);
	__atomic_store_n(&c->tx_tail, tail + 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&c->kick, __ATOMIC_RELAXED))
		(void)ustub_call(RK_SYS_BUS_FLUSH, 0, 0, 0);
	return 0;
}

/* api.h's contract: the length, or -1 when nothing came in time. */
USTUB static int64_t u_ring_recv(void *buf, size_t cap, uint64_t timeout_ns)
{
	struct rk_ubus_ctl *c = U_CTL;
	uint64_t head = c->rx_head;
	/* The kernel's rx_tail is read only when the ring looks empty by
	 * what was read last (rx_seen). */
	uint64_t avail = c->rx_seen - head;
	if (avail == 0 || avail > RK_UBUS_SLOTS) {
		c->rx_seen = __atomic_load_n(&c->rx_tail, __ATOMIC_ACQUIRE);
		avail = c->rx_seen - head;
	}
	if (avail == 0 || avail > RK_UBUS_SLOTS) {
		/* Nothing yet (or a broken index, which the kernel ends):
		 * the kernel waits for mail and hands the first over. */
		int64_t r =
		    ustub_call(RK_SYS_RECV, (uintptr_t)buf, cap, timeout_ns);
		return r < 0 ? -1 : r;
	}
	const volatile struct rk_ubus_slot *s =
	    U_SLOTS(RK_UBUS_RX_OFF) + (head & (RK_UBUS_SLOTS - 1));
	uint32_t len = s->len;
	if (len > RK_API_MSG_MAX)
		len = RK_API_MSG_MAX;
	u_from_slot(buf, s, len < cap ? len : cap);
	__atomic_store_n(&c->rx_head, head + 1, __ATOMIC_RELEASE);
	return len;
}

USTUB static void u_exit(int64_t code)
{
	(void)ustub_call(RK_SYS_EXIT, (uint64_t)code, 0, 0);
	for (;;) /* never: the kernel does not return from exit */
		;
}

USTUB static uint64_t u_self_id(void)
{
	return (uint64_t)ustub_call(RK_SYS_SELF_ID, 0, 0, 0);
}
