/*
 * bench_ring.c - the Disruptor-style ring against ConcurrencyKit's ck_ring
 * SPSC, measured in the same run: one thread (enqueue then dequeue, in
 * batches), and two threads (producer and consumer on different cores).
 * Prints ns per message and the ratio rumpk/ck (< 1: rumpk is faster).
 *
 *   bench_ring                 the table
 *   bench_ring --only KIND BATCH N
 *                              run one kind (one|slot|span|ck) for
 *                              callgrind (bench/callgrind_ring.sh)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ck_ring.h>

#include <rumpk/ring.h>

#define CAP    1024
#define ROUNDS 9

RK_RING_OF(u64_ring, uint64_t, CAP);
static struct u64_ring q;
static struct rk_ring_consumer cons;
static struct ck_ring ck;
static ck_ring_buffer_t ckbuf[CAP];
static volatile uint64_t sink;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void reset(void)
{
	u64_ring_init(&q, RK_RING_SP, RK_WAIT_SPIN, NULL);
	rk_ring_attach(&q.ring, &cons);
	ck_ring_init(&ck, CAP);
}

/*
 * n messages through the ring on one thread, batch at a time.  The
 * bodies are inlined into one function per batch size (ONE_BATCHES), as a
 * program with a fixed batch would compile them; ck_ring gets the same.
 *
 * Three ways to use the ring: "one" pushes and pops each message with
 * the typed one-message calls (RK_RING_OF), exactly ck_ring's pattern
 * (whose buffer, like the typed ring's slots, is a global array here);
 * "slot" claims and publishes the batch, polls and releases everything,
 * and looks each message up with rk_ring_slot(); "span" does the same but
 * takes each batch as at most two contiguous runs with rk_ring_span().
 */
static inline __attribute__((always_inline)) void rumpk_one_body(uint64_t n,
                                                                 uint32_t batch)
{
	uint64_t sum = 0, v;
	for (uint64_t i = 0; i < n; i += batch) {
		for (uint32_t k = 0; k < batch; k++) {
			v = i + k;
			if (!u64_ring_try_push(&q, &v))
				abort();
		}
		for (uint32_t k = 0; k < batch; k++) {
			if (!u64_ring_try_pop(&q, &cons, &v))
				abort();
			sum += v;
		}
	}
	sink = sum;
}

static inline __attribute__((always_inline)) void
rumpk_slot_body(uint64_t n, uint32_t batch)
{
	uint64_t sum = 0, seq, first;
	for (uint64_t i = 0; i < n; i += batch) {
		if (!rk_ring_try_claim(&q.ring, batch, &seq))
			abort();
		for (uint32_t k = 0; k < batch; k++)
			*(uint64_t *)rk_ring_slot(&q.ring, seq + k) = i + k;
		rk_ring_publish(&q.ring, seq, batch);
		uint64_t got = rk_ring_poll(&cons, &first);
		for (uint64_t k = 0; k < got; k++)
			sum += *(uint64_t *)rk_ring_slot(&q.ring, first + k);
		rk_ring_release(&cons, got);
	}
	sink = sum;
}

/* Writes value, value+1, ... into the n claimed slots from seq, run by
 * run (the batch idiom; also the two-thread producer's). */
static inline __attribute__((always_inline)) void
fill_spans(uint64_t seq, uint64_t n, uint64_t value)
{
	for (uint64_t done = 0; done < n;) {
		struct rk_ring_span s =
		    rk_ring_span(&q.ring, seq + done, n - done);
		uint64_t *p = s.slots;
		for (uint64_t k = 0; k < s.n; k++)
			p[k] = value + done + k;
		done += s.n;
	}
}

/* The sum of the n published messages from first, run by run. */
static inline __attribute__((always_inline)) uint64_t sum_spans(uint64_t first,
                                                                uint64_t n)
{
	uint64_t sum = 0;
	for (uint64_t done = 0; done < n;) {
		struct rk_ring_span s =
		    rk_ring_span(&q.ring, first + done, n - done);
		const uint64_t *p = s.slots;
		for (uint64_t k = 0; k < s.n; k++)
			sum += p[k];
		done += s.n;
	}
	return sum;
}

static inline __attribute__((always_inline)) void
rumpk_span_body(uint64_t n, uint32_t batch)
{
	uint64_t sum = 0, seq, first;
	for (uint64_t i = 0; i < n; i += batch) {
		if (!rk_ring_try_claim(&q.ring, batch, &seq))
			abort();
		fill_spans(seq, batch, i);
		rk_ring_publish(&q.ring, seq, batch);
		uint64_t got = rk_ring_poll(&cons, &first);
		sum += sum_spans(first, got);
		rk_ring_release(&cons, got);
	}
	sink = sum;
}

static inline __attribute__((always_inline)) void ck_body(uint64_t n,
                                                          uint32_t batch)
{
	uint64_t sum = 0;
	void *v;
	for (uint64_t i = 0; i < n; i += batch) {
		for (uint32_t k = 0; k < batch; k++)
			if (!ck_ring_enqueue_spsc(&ck, ckbuf,
			                          (void *)(uintptr_t)(i + k)))
				abort();
		for (uint32_t k = 0; k < batch; k++) {
			if (!ck_ring_dequeue_spsc(&ck, ckbuf, &v))
				abort();
			sum += (uintptr_t)v;
		}
	}
	sink = sum;
}

#define ONE_BATCHES(X) X(1) X(4) X(16) X(64) X(256)
#define ONE_FN(b)                                                              \
	static __attribute__((noinline)) void one_one_##b(uint64_t n)          \
	{                                                                      \
		rumpk_one_body(n, b);                                          \
	}                                                                      \
	static __attribute__((noinline)) void slot_one_##b(uint64_t n)         \
	{                                                                      \
		rumpk_slot_body(n, b);                                         \
	}                                                                      \
	static __attribute__((noinline)) void span_one_##b(uint64_t n)         \
	{                                                                      \
		rumpk_span_body(n, b);                                         \
	}                                                                      \
	static __attribute__((noinline)) void ck_one_##b(uint64_t n)           \
	{                                                                      \
		ck_body(n, b);                                                 \
	}
ONE_BATCHES(ONE_FN)

enum kind { ONE, SLOT, SPAN, CK, NKINDS };

/* Every message 0..n-1 went through once: the sum a run must leave. */
static void check_sum(uint64_t n)
{
	if (sink != n * (n - 1) / 2) {
		fprintf(stderr, "bench_ring: sum %llu, expected %llu\n",
		        (unsigned long long)sink,
		        (unsigned long long)(n * (n - 1) / 2));
		exit(1);
	}
}

/* Runs one kind at one of ONE_BATCHES (n a multiple of it) and checks
 * the messages; false if the batch is not one of them. */
static bool run_one(enum kind kind, uint32_t batch, uint64_t n)
{
#define ONE_CASE(b)                                                            \
	if (batch == b) {                                                      \
		if (kind == ONE)                                               \
			one_one_##b(n);                                        \
		else if (kind == SLOT)                                         \
			slot_one_##b(n);                                       \
		else if (kind == SPAN)                                         \
			span_one_##b(n);                                       \
		else                                                           \
			ck_one_##b(n);                                         \
		check_sum(n);                                                  \
		return true;                                                   \
	}
	ONE_BATCHES(ONE_CASE)
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static double best(const uint64_t *v, int n)
{
	uint64_t b = v[0];
	for (int i = 1; i < n; i++)
		b = v[i] < b ? v[i] : b;
	return (double)b;
}

static double median(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return (double)v[n / 2];
}

/* ---- two threads ---------------------------------------------------- */
struct two {
	uint64_t n;
	uint32_t batch;
	int kind; /* 0 rumpk, 1 ck */
	_Atomic int go;
};

static void *consumer_thread(void *p)
{
	struct two *t = p;
	uint64_t got = 0, sum = 0, first;
	void *v;
	while (!atomic_load(&t->go))
		;
	if (t->kind == 0) {
		while (got < t->n) {
			uint64_t m = rk_ring_poll(&cons, &first);
			sum += sum_spans(first, m);
			if (m)
				rk_ring_release(&cons, m);
			else
				rk_cpu_relax();
			got += m;
		}
	} else {
		while (got < t->n) {
			if (ck_ring_dequeue_spsc(&ck, ckbuf, &v)) {
				sum += (uintptr_t)v;
				got++;
			} else {
				rk_cpu_relax();
			}
		}
	}
	sink = sum;
	return NULL;
}

static double two_threads(int kind, uint64_t n, uint32_t batch)
{
	struct two t = {n, batch, kind, 0};
	pthread_t th;
	reset();
	pthread_create(&th, NULL, consumer_thread, &t);
	uint64_t t0 = now_ns(), seq;
	atomic_store(&t.go, 1);
	if (kind == 0 && batch == 1) {
		for (uint64_t i = 0; i < n; i++)
			while (!u64_ring_try_push(&q, &i))
				rk_cpu_relax();
	} else if (kind == 0) {
		for (uint64_t i = 0; i < n; i += batch) {
			while (!rk_ring_try_claim(&q.ring, batch, &seq))
				rk_cpu_relax();
			fill_spans(seq, batch, i);
			rk_ring_publish(&q.ring, seq, batch);
		}
	} else {
		for (uint64_t i = 0; i < n; i++)
			while (!ck_ring_enqueue_spsc(&ck, ckbuf,
			                             (void *)(uintptr_t)i))
				rk_cpu_relax();
	}
	pthread_join(th, NULL);
	double ns = (double)(now_ns() - t0) / (double)n;
	check_sum(n);
	return ns;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--only")) {
		uint32_t batch = (uint32_t)atoi(argv[3]);
		uint64_t n = strtoull(argv[4], NULL, 10);
		if (batch == 0 || n % batch) {
			fprintf(stderr, "bench_ring: N must be a multiple of "
			                "BATCH\n");
			return 2;
		}
		enum kind kind = !strcmp(argv[2], "one")    ? ONE
		                 : !strcmp(argv[2], "slot") ? SLOT
		                 : !strcmp(argv[2], "span") ? SPAN
		                 : !strcmp(argv[2], "ck")   ? CK
		                                            : (enum kind) - 1;
		reset();
		if ((int)kind < 0 || !run_one(kind, batch, n)) {
			fprintf(stderr, "bench_ring: --only one|slot|span|ck "
			                "1|4|16|64|256 N\n");
			return 2;
		}
		return 0;
	}
	const uint64_t n = 1u << 24;
	static const uint32_t batches[] = {1, 4, 16, 64, 256};
	/* Best of the rounds: on a shared machine the least disturbed round
	 * is the most repeatable figure (medians moved by 10-20% between
	 * runs here); every kind gets the same treatment. */
	printf("ring, one thread: %llu messages of 8 bytes per round, best "
	       "of %d interleaved rounds\n",
	       (unsigned long long)n, ROUNDS);
	printf("%-6s %8s %8s %8s %8s %8s %8s %8s\n", "batch", "one ns",
	       "slot ns", "span ns", "ck ns", "one/ck", "slot/ck", "span/ck");
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		uint64_t t[NKINDS][ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			for (int k = 0; k < NKINDS; k++) {
				reset();
				uint64_t t0 = now_ns();
				run_one((enum kind)k, batches[b], n);
				t[k][r] = now_ns() - t0;
			}
		}
		double ns[NKINDS];
		for (int k = 0; k < NKINDS; k++)
			ns[k] = best(t[k], ROUNDS) / (double)n;
		printf("%-6u %8.3f %8.3f %8.3f %8.3f %8.2f %8.2f %8.2f\n",
		       batches[b], ns[ONE], ns[SLOT], ns[SPAN], ns[CK],
		       ns[ONE] / ns[CK], ns[SLOT] / ns[CK], ns[SPAN] / ns[CK]);
	}
	/* The producer pushes one message at a time (batch 1) or claims and
	 * publishes batches through spans (batch 64); the consumer takes
	 * whatever is published, through spans, and releases it at once.
	 * ck_ring: one message at a time on both sides. */
	printf("\nring, two threads: %llu messages, median of 5 rounds\n",
	       (unsigned long long)(n / 2));
	printf("%-14s %14s %14s %8s\n", "", "rumpk Mmsg/s", "ck Mmsg/s",
	       "ratio");
	static const uint32_t tb[] = {1, 64};
	for (size_t b = 0; b < 2; b++) {
		uint64_t tr[5], tc[5];
		for (int r = 0; r < 5; r++) {
			tr[r] =
			    (uint64_t)(1000.0 * two_threads(0, n / 2, tb[b]));
			tc[r] = (uint64_t)(1000.0 * two_threads(1, n / 2, 1));
		}
		double a = median(tr, 5) / 1000.0, c = median(tc, 5) / 1000.0;
		printf("rumpk batch %-3u %14.1f %14.1f %8.2f\n", tb[b],
		       1000.0 / a, 1000.0 / c, (1000.0 / a) / (1000.0 / c));
	}
	return 0;
}
