/*
 * bus_reference.c - reference points for bench_bus_sim: the same
 * traffic between plain processes, with no Rumpk in them, so the bus's
 * figure can be read against what the host allows (docs/benchmarks.md).
 *
 *   turns   a sender and a receiver process share one ring of 64-byte
 *           slots and take turns, as the simulator runs one payload at a
 *           time: the sender fills batches of 64 and reads its own copies
 *           back, and hands over (futex) when the ring is full; the
 *           receiver reads all there is and hands back.
 *   relay   the same, with a third process on every message's path, as
 *           the kernel is on the bus's: it takes each message out of the
 *           sender's ring, checks its copy (the length, the kernel's
 *           magic) and copies it into a ring both readers read.  One copy
 *           a message, where the bus makes one per inbox.
 *   at once the two processes of "turns" running at the same time, each
 *           on a CPU of its own, the receiver reading as the sender
 *           writes: what the simulator's one-CPU model gives up.
 *   relay at once  "relay" with all three running at the same time: a
 *           simulator that ran payloads at once, its kernel still on
 *           every message's path (three busy processes on a two-CPU
 *           host).
 *
 * Each counts from the first send to the receiver's last message.
 */
#include <linux/futex.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rumpk/api.h>
#include <rumpk/ubus.h>

#include "../payloads/bench_bus.h"
#include "bus_reference.h"
#include "core.h"

struct shared {
	_Alignas(64) uint64_t tail;    /* sender: messages written */
	_Alignas(64) uint64_t pub;     /* relay: messages checked, copied */
	_Alignas(64) uint64_t rx_read; /* receiver: messages read */
	_Alignas(64) uint32_t turn;    /* 0: the sender runs, 1: the receiver */
	_Alignas(64) uint32_t stop;
	uint64_t t0, t1;
	bool ok;
	_Alignas(
	    64) struct rk_ubus_slot out[RK_UBUS_SLOTS]; /* the sender's ring */
	_Alignas(
	    64) struct rk_ubus_slot bus[RK_UBUS_SLOTS]; /* the relay's copies */
};

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static uint64_t ld(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void st(uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* A side that finds a message wrong stops the run (the others see stop
 * in their loops; a waiting sender gets its turn back) and leaves. */
static _Noreturn void fail(struct shared *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&s->turn, 0, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &s->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
	_exit(1);
}

/* Gives the CPU to the other side and waits for it back. */
static void hand_over(struct shared *s, uint32_t to)
{
	__atomic_store_n(&s->turn, to, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &s->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
	while (__atomic_load_n(&s->turn, __ATOMIC_SEQ_CST) == to)
		syscall(SYS_futex, &s->turn, FUTEX_WAIT, to, NULL, NULL, 0);
}

static bool uses_relay(enum bus_ref mode)
{
	return mode == BUS_REF_RELAY || mode == BUS_REF_RELAY_AT_ONCE;
}

static bool takes_turns(enum bus_ref mode)
{
	return mode == BUS_REF_TURNS || mode == BUS_REF_RELAY;
}

/* What readers see: the sender's ring, or the relay's copies. */
static const struct rk_ubus_slot *ring(const struct shared *s,
                                       enum bus_ref mode)
{
	return uses_relay(mode) ? s->bus : s->out;
}

static uint64_t visible(const struct shared *s, enum bus_ref mode)
{
	return uses_relay(mode) ? ld(&s->pub) : ld(&s->tail);
}

static void receiver(struct shared *s, enum bus_ref mode)
{
	uint64_t next = 0;
	while (takes_turns(mode) &&
	       __atomic_load_n(&s->turn, __ATOMIC_SEQ_CST) != 1)
		syscall(SYS_futex, &s->turn, FUTEX_WAIT, 0, NULL, NULL, 0);
	for (;;) {
		for (uint64_t v = visible(s, mode); next < v; next++) {
			struct rk_ubus_slot m;
			memcpy(&m, &ring(s, mode)[next % RK_UBUS_SLOTS],
			       sizeof(m));
			if (m.len != RK_API_MSG_MAX ||
			    bench_bus_seq(m.data) != next)
				fail(s);
		}
		st(&s->rx_read, next);
		if (next == BENCH_BUS_MSGS)
			break;
		if (takes_turns(mode))
			hand_over(s, 0);
		else if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
			_exit(1);
		else
			__builtin_ia32_pause();
	}
	s->t1 = now_ns();
	s->ok = true;
	__atomic_store_n(&s->turn, 0, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &s->turn, FUTEX_WAKE, 1, NULL, NULL, 0);
	_exit(0);
}

static void relay_loop(struct shared *s)
{
	uint64_t done = 0;
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		uint64_t t = ld(&s->tail);
		for (; done < t; done++) {
			struct rk_ubus_slot m;
			memcpy(&m, &s->out[done % RK_UBUS_SLOTS], sizeof(m));
			if (m.len > RK_API_MSG_MAX ||
			    rk_bus_is_kernel_msg(m.data, m.len))
				fail(s);
			memcpy(&s->bus[done % RK_UBUS_SLOTS], &m, sizeof(m));
		}
		if (done != ld(&s->pub))
			st(&s->pub, done);
		__builtin_ia32_pause();
	}
	_exit(0);
}

static void sender(struct shared *s, enum bus_ref mode)
{
	uint8_t m[RK_API_MSG_MAX];
	for (unsigned i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)i;
	uint64_t seq = 0, back = 0, limit = RK_UBUS_SLOTS;
	s->t0 = now_ns();
	while (seq < BENCH_BUS_MSGS) {
		for (unsigned i = 0; i < BENCH_BUS_BATCH; i++, seq++) {
			/* Room: the receiver past the slot's last use (the
			 * sender reads its own copies back before its next
			 * batch, so its own reading never holds a slot). */
			while (seq >= limit) {
				limit = ld(&s->rx_read) + RK_UBUS_SLOTS;
				if (seq < limit)
					break;
				if (takes_turns(mode))
					hand_over(s, 1);
				else
					__builtin_ia32_pause();
				if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
					return;
			}
			struct rk_ubus_slot *o = &s->out[seq % RK_UBUS_SLOTS];
			bench_bus_stamp(m, seq);
			o->len = sizeof(m);
			memcpy(o->data, m, sizeof(m));
		}
		st(&s->tail, seq);
		for (; back < seq; back++) {
			while (visible(s, mode) <= back) {
				if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
					return;
				__builtin_ia32_pause();
			}
			struct rk_ubus_slot e;
			memcpy(&e, &ring(s, mode)[back % RK_UBUS_SLOTS],
			       sizeof(e));
			if (bench_bus_seq(e.data) != back)
				return;
		}
	}
	while (!s->ok && !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		if (takes_turns(mode))
			hand_over(s, 1);
		else
			__builtin_ia32_pause();
	}
}

double bus_reference(enum bus_ref mode)
{
	bool relay = uses_relay(mode);
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
	                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s == MAP_FAILED)
		return 0;
	pid_t rx = fork(), rl = -1;
	if (rx == 0)
		receiver(s, mode);
	if (relay && rx > 0 && (rl = fork()) == 0)
		relay_loop(s);
	if (rx > 0 && (!relay || rl > 0))
		sender(s, mode);
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	if (rx > 0 && !s->ok)
		kill(rx, SIGKILL);
	if (rx > 0)
		waitpid(rx, NULL, 0);
	if (rl > 0)
		waitpid(rl, NULL, 0);
	double r = s->ok && s->t1 > s->t0
	               ? (double)BENCH_BUS_MSGS * 1e9 / (double)(s->t1 - s->t0)
	               : 0;
	munmap(s, sizeof(*s));
	return r;
}
