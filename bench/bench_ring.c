/*
 * bench_ring.c - the Disruptor-style ring against ConcurrencyKit's ck_ring
 * SPSC, measured in the same run: one thread (enqueue then dequeue, in
 * batches), and two threads (producer and consumer on different cores).
 * Prints ns per message and the ratio rumpk/ck (< 1: rumpk is faster).
 *
 *   bench_ring                 the table
 *   bench_ring --only KIND BATCH N
 *                              run one kind (rumpk|ck) for callgrind
 *                              (bench/callgrind_ring.sh)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ck_ring.h>

#include <rumpk/ring.h>

#define CAP    1024
#define ROUNDS 7

static struct rk_ring ring;
static struct rk_ring_consumer cons;
static uint64_t slots[CAP];
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
	rk_ring_init(&ring, slots, sizeof(uint64_t), CAP, RK_RING_SP,
	             RK_WAIT_SPIN, NULL);
	rk_ring_attach(&ring, &cons);
	ck_ring_init(&ck, CAP);
}

/* n messages through the ring on one thread, batch at a time. */
static __attribute__((noinline)) void rumpk_one(uint64_t n, uint32_t batch)
{
	uint64_t sum = 0, seq, first;
	for (uint64_t i = 0; i < n; i += batch) {
		if (!rk_ring_try_claim(&ring, batch, &seq))
			abort();
		for (uint32_t k = 0; k < batch; k++)
			*(uint64_t *)rk_ring_slot(&ring, seq + k) = i + k;
		rk_ring_publish(&ring, seq, batch);
		uint64_t got = rk_ring_poll(&cons, &first);
		for (uint64_t k = 0; k < got; k++)
			sum += *(uint64_t *)rk_ring_slot(&ring, first + k);
		rk_ring_release(&cons, got);
	}
	sink = sum;
}

static __attribute__((noinline)) void ck_one(uint64_t n, uint32_t batch)
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

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
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
			for (uint64_t k = 0; k < m; k++)
				sum +=
				    *(uint64_t *)rk_ring_slot(&ring, first + k);
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
	if (kind == 0) {
		for (uint64_t i = 0; i < n; i += batch) {
			while (!rk_ring_try_claim(&ring, batch, &seq))
				rk_cpu_relax();
			for (uint32_t k = 0; k < batch; k++)
				*(uint64_t *)rk_ring_slot(&ring, seq + k) =
				    i + k;
			rk_ring_publish(&ring, seq, batch);
		}
	} else {
		for (uint64_t i = 0; i < n; i++)
			while (!ck_ring_enqueue_spsc(&ck, ckbuf,
			                             (void *)(uintptr_t)i))
				rk_cpu_relax();
	}
	pthread_join(th, NULL);
	return (double)(now_ns() - t0) / (double)n;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--only")) {
		uint32_t batch = (uint32_t)atoi(argv[3]);
		uint64_t n = strtoull(argv[4], NULL, 10);
		reset();
		if (!strcmp(argv[2], "rumpk"))
			rumpk_one(n, batch);
		else
			ck_one(n, batch);
		return 0;
	}
	const uint64_t n = 1u << 24;
	static const uint32_t batches[] = {1, 4, 16, 64, 256};
	printf("ring, one thread: %llu messages of 8 bytes per round, median "
	       "of %d interleaved rounds\n",
	       (unsigned long long)n, ROUNDS);
	printf("%-6s %12s %12s %8s\n", "batch", "rumpk ns/msg", "ck ns/msg",
	       "ratio");
	double ck1 = 0;
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		uint64_t tr[ROUNDS], tc[ROUNDS];
		for (int r = 0; r < ROUNDS; r++) {
			reset();
			uint64_t t0 = now_ns();
			rumpk_one(n, batches[b]);
			tr[r] = now_ns() - t0;
			uint64_t t1 = now_ns();
			ck_one(n, batches[b]);
			tc[r] = now_ns() - t1;
		}
		double a = median(tr, ROUNDS) / (double)n;
		double c = median(tc, ROUNDS) / (double)n;
		if (batches[b] == 1)
			ck1 = c;
		printf("%-6u %12.3f %12.3f %8.2f   (vs ck batch 1: %.2f)\n",
		       batches[b], a, c, a / c, a / ck1);
	}
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
