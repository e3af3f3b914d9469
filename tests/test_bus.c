/* test_bus.c - the payload bus end to end on the host: the user-mode
 * stubs' send and receive (native/common/ustub_api.h, the code every
 * payload's ring_send and ring_recv run) against the kernel's side
 * (src/bus.c), through one window both sides see (a payload sees it at
 * RK_UBUS_UVA; here it is wherever mmap puts it, since the sanitizers'
 * shadow may sit there).  The stubs' transport is a stand-in that does
 * what the kernel does for the calls they make.
 *
 * What must hold: every length and every alignment of the caller's
 * buffers comes back byte for byte, nothing is written past what the
 * receiver asked for, no inbox shows bytes of an earlier message, a full
 * ring refuses exactly when it is full, and the stubs' remembered
 * indices cannot make a restarted payload write past its ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include <rumpk/hal.h>
#include <rumpk/sched.h>
#include <rumpk/syscall.h>
#include <rumpk/ubus.h>

#include "core.h"

static struct rk_bus_port port;
static unsigned calls[RK_SYS_COUNT];
static uintptr_t window; /* the stubs' U_WINDOW */

/* What the kernel does for the stubs' calls (src/syscall.c): a flush on
 * every entry, then the call.  A receive never waits here. */
static int64_t fake_call(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	(void)a0, (void)a1, (void)a2;
	calls[nr < RK_SYS_COUNT ? nr : 0]++;
	assert_null(rk_bus_flush(&port));
	switch (nr) {
	case RK_SYS_BUS_FLUSH:
		return rk_bus_outbox_full(&port) ? -RK_EAGAIN : 0;
	case RK_SYS_RECV:
		return -RK_ETIMEDOUT;
	default:
		return -RK_EINVAL;
	}
}

#define USTUB      __attribute__((unused))
#define ustub_call fake_call
#define U_WINDOW   window
#include "../native/common/ustub_api.h"

static struct rk_ubus_ctl *ctl(void)
{
	return (struct rk_ubus_ctl *)window;
}

static int setup(void **state)
{
	(void)state;
	void *w = mmap(NULL, RK_UBUS_SIZE, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_ptr_not_equal(w, MAP_FAILED);
	window = (uintptr_t)w;
	memset(&port, 0, sizeof(port));
	port.window = w;
	rk_waitq_init(&port.nonempty);
	rk_bus_attach(&port);
	memset(calls, 0, sizeof(calls));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rk_bus_detach(&port);
	munmap(port.window, RK_UBUS_SIZE);
	return 0;
}

/* Sends, moves onto the bus, receives: the bus gives a sender its own
 * messages back. */
static int64_t round_trip(const uint8_t *m, size_t len, uint8_t *out,
                          size_t cap)
{
	assert_int_equal(u_ring_send(m, len), 0);
	assert_null(rk_bus_flush(&port));
	return u_ring_recv(out, cap, 0);
}

static void test_every_length_and_alignment(void **state)
{
	(void)state;
	_Alignas(16) uint8_t src[RK_API_MSG_MAX + 16];
	_Alignas(16) uint8_t dst[RK_API_MSG_MAX + 32];
	unsigned seq = 0;
	for (size_t len = 0; len <= RK_API_MSG_MAX; len++)
		for (size_t so = 0; so < 8; so++)
			for (size_t doff = 0; doff < 8; doff++, seq++) {
				for (size_t i = 0; i < len; i++)
					src[so + i] =
					    (uint8_t)(seq * 7 + i + 1);
				memset(dst, 0xa5, sizeof(dst));
				assert_int_equal(
				    round_trip(src + so, len, dst + doff, len),
				    (int64_t)len);
				assert_memory_equal(dst + doff, src + so, len);
				for (size_t i = 0; i < sizeof(dst); i++)
					if (i < doff || i >= doff + len)
						assert_int_equal(dst[i], 0xa5);
			}
	/* All of it without a syscall: room and mail were there. */
	assert_int_equal(calls[RK_SYS_BUS_FLUSH] + calls[RK_SYS_RECV], 0);
}

static void test_short_buffer_gets_its_part(void **state)
{
	(void)state;
	uint8_t m[RK_API_MSG_MAX], out[RK_API_MSG_MAX];
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(200 - i);
	for (size_t cap = 0; cap <= RK_API_MSG_MAX; cap++) {
		memset(out, 0x5a, sizeof(out));
		/* The full length comes back, cap bytes of it are written. */
		assert_int_equal(round_trip(m, sizeof(m), out, cap),
		                 (int64_t)sizeof(m));
		assert_memory_equal(out, m, cap);
		for (size_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], 0x5a);
	}
}

static void test_no_stale_bytes_in_a_slot(void **state)
{
	(void)state;
	uint8_t big[RK_API_MSG_MAX], small[5] = {1, 2, 3, 4, 5};
	memset(big, 0xff, sizeof(big));
	uint8_t out[RK_API_MSG_MAX];
	assert_int_equal(round_trip(big, sizeof(big), out, sizeof(out)),
	                 (int64_t)sizeof(big));
	/* The next slot of the outbox held 0xff too (a sender's old
	 * message): what the inbox gets is the new length and zeros. */
	uint64_t tail = ctl()->tx_tail;
	struct rk_ubus_slot *tx =
	    (struct rk_ubus_slot *)(window + RK_UBUS_TX_OFF) +
	    (tail & (RK_UBUS_SLOTS - 1));
	memset(tx->data, 0xff, sizeof(tx->data));
	assert_int_equal(u_ring_send(small, sizeof(small)), 0);
	assert_null(rk_bus_flush(&port));
	const struct rk_ubus_slot *rx =
	    (const struct rk_ubus_slot *)(window + RK_UBUS_RX_OFF) +
	    (ctl()->rx_head & (RK_UBUS_SLOTS - 1));
	assert_int_equal(rx->len, sizeof(small));
	assert_memory_equal(rx->data, small, sizeof(small));
	for (size_t i = sizeof(small); i < sizeof(rx->data); i++)
		assert_int_equal(rx->data[i], 0);
}

/* The inbox holds RK_UBUS_SLOTS and the outbox as many more: the next
 * send is refused, and every message accepted comes back in order. */
static void test_full_ring_refuses_exactly_when_full(void **state)
{
	(void)state;
	uint8_t m[8];
	uint64_t sent = 0;
	for (;; sent++) {
		memcpy(m, &sent, sizeof(m));
		if (u_ring_send(m, sizeof(m)) != 0)
			break;
		assert_true(sent < 3 * RK_UBUS_SLOTS);
	}
	assert_int_equal(sent, 2 * RK_UBUS_SLOTS);
	for (uint64_t i = 0; i < sent; i++) {
		uint64_t v;
		assert_int_equal(u_ring_recv(&v, sizeof(v), 0), 8);
		assert_int_equal(v, i);
		/* The reader makes room; a flush moves the rest on. */
		if (i == RK_UBUS_SLOTS - 1)
			assert_null(rk_bus_flush(&port));
	}
	/* Empty: ring_recv asks the kernel, which has nothing. */
	unsigned before = calls[RK_SYS_RECV];
	assert_int_equal(u_ring_recv(m, sizeof(m), 0), -1);
	assert_int_equal(calls[RK_SYS_RECV], before + 1);
}

/* A crashed run can leave any value in the stubs' remembered indices:
 * after the kernel's reset a restarted run still stops at a full ring,
 * and the kernel finds nothing broken. */
static void test_restart_forgets_remembered_indices(void **state)
{
	(void)state;
	ctl()->tx_limit = ctl()->tx_tail + 1000000;
	ctl()->rx_seen = ctl()->rx_head + 77;
	rk_bus_reset_outbox(&port);
	uint8_t m[4] = {9, 9, 9, 9}, out[4];
	/* rx_seen made up 77 messages: after the reset there are none. */
	assert_int_equal(u_ring_recv(out, sizeof(out), 0), -1);
	uint64_t sent = 0;
	while (u_ring_send(m, sizeof(m)) == 0)
		assert_true(++sent <= 2 * RK_UBUS_SLOTS);
	assert_int_equal(sent, 2 * RK_UBUS_SLOTS);
	assert_null(rk_bus_check(&port));
}

static void test_kernel_message_goes_to_the_syscall(void **state)
{
	(void)state;
	static const uint8_t magic[8] = RK_BUS_RESTART_MAGIC;
	uint8_t m[16] = {0};
	memcpy(m, magic, sizeof(magic));
	uint64_t tail = ctl()->tx_tail;
	/* The kernel refuses it (the stand-in says EINVAL), and nothing
	 * went into the outbox. */
	assert_int_equal(u_ring_send(m, sizeof(m)), -1);
	assert_int_equal(calls[RK_SYS_SEND], 1);
	assert_int_equal(ctl()->tx_tail, tail);
}

static void test_broken_index_is_named(void **state)
{
	(void)state;
	ctl()->tx_tail = ctl()->tx_head + RK_UBUS_SLOTS + 1;
	const char *why = rk_bus_check(&port);
	assert_non_null(why);
	assert_non_null(strstr(why, "outbox tx_tail held"));
	assert_ptr_equal(rk_bus_flush(&port), why);
	ctl()->tx_tail = ctl()->tx_head;
	ctl()->rx_head = ctl()->rx_tail + 1;
	why = rk_bus_check(&port);
	assert_non_null(why);
	assert_non_null(strstr(why, "inbox rx_head held"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_length_and_alignment,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_short_buffer_gets_its_part,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_stale_bytes_in_a_slot,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_full_ring_refuses_exactly_when_full, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_restart_forgets_remembered_indices, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_kernel_message_goes_to_the_syscall, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_broken_index_is_named, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
