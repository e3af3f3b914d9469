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
#define U_CTL ((struct rk_ubus_ctl *)(uintptr_t)RK_UBUS_UVA)
#define U_SLOTS(off)                                                           \
	((volatile struct rk_ubus_slot *)(uintptr_t)(RK_UBUS_UVA + (off)))

/* Does m start with RK_BUS_RESTART_MAGIC?  Byte by byte against small
 * immediates: the stubs have no data, and a 64-bit constant may be put
 * in a literal pool (riscv64 does), which is not on the stub page. */
USTUB static int u_kernel_magic(const uint8_t *m)
{
	return m[0] == 0 && m[1] == 'r' && m[2] == 'k' && m[3] == '-' &&
	       m[4] == 'r' && m[5] == 's' && m[6] == 't' && m[7] == 0;
}

/* A message into a slot and out of one: whole 32-bit words through a
 * volatile pointer (a slot's data is 4-byte aligned, the payload's
 * buffer need not be), then the last bytes one at a time. */
USTUB static void u_to_slot(volatile uint8_t *d, const uint8_t *s, size_t n)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		uint32_t w;
		__builtin_memcpy(&w, s + i, 4);
		*(volatile uint32_t *)(void *)(d + i) = w;
	}
	for (; i < n; i++)
		d[i] = s[i];
}

USTUB static void u_from_slot(uint8_t *d, const volatile uint8_t *s, size_t n)
{
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		uint32_t w = *(const volatile uint32_t *)(const void *)(s + i);
		__builtin_memcpy(d + i, &w, 4);
	}
	for (; i < n; i++)
		d[i] = s[i];
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
	if (tail - __atomic_load_n(&c->tx_head, __ATOMIC_ACQUIRE) >=
	        RK_UBUS_SLOTS &&
	    ustub_call(RK_SYS_BUS_FLUSH, 0, 0, 0) != 0)
		return -1; /* full, and an inbox has no room */
	volatile struct rk_ubus_slot *s =
	    U_SLOTS(RK_UBUS_TX_OFF) + (tail & (RK_UBUS_SLOTS - 1));
	s->len = (uint32_t)len;
	u_to_slot(s->data, m, len);
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
	uint64_t tail = __atomic_load_n(&c->rx_tail, __ATOMIC_ACQUIRE);
	if (head == tail || tail - head > RK_UBUS_SLOTS) {
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
	u_from_slot(buf, s->data, len < cap ? len : cap);
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
