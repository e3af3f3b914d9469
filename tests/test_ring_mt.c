/* test_ring_mt.c - the ring with real threads on several cores: single
 * and multiple producers, one and two consumers, batches and the typed
 * one-message push and pop.  Every message carries
 * (producer, sequence); consumers check that nothing is lost, nothing is
 * duplicated and each producer's order is kept.  Waiting threads call
 * sched_yield: CI machines have two cores and these tests run six threads. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rumpk/ring.h>

#define CAP      256
#define PER_PROD 100000ull
#define MAX_PROD 4
#define MAX_CONS 2

struct msg {
	uint32_t producer;
	uint32_t pad;
	uint64_t seq;
};

RK_RING_OF(msg_ring, struct msg, CAP);

struct world {
	struct msg_ring q; /* batch 0: the typed one-message push and pop */
	_Atomic uint64_t lap[CAP];
	struct rk_ring_consumer cons[MAX_CONS];
	unsigned nprod, ncons, batch;
	uint64_t errors[MAX_CONS];
	uint64_t received[MAX_CONS];
};

struct prod_arg {
	struct world *w;
	uint32_t id;
};

static void *producer(void *p)
{
	struct prod_arg *a = p;
	struct world *w = a->w;
	uint64_t i = 0;
	if (w->batch == 0) {
		for (; i < PER_PROD; i++) {
			struct msg m = {a->id, 0, i};
			while (!msg_ring_try_push(&w->q, &m))
				sched_yield();
		}
		return NULL;
	}
	while (i < PER_PROD) {
		uint32_t n = (uint32_t)(w->batch < PER_PROD - i ? w->batch
		                                                : PER_PROD - i);
		uint64_t seq;
		/* More threads than cores: give the core away while the ring
		 * is full instead of spinning out the time slice. */
		while (!rk_ring_try_claim(&w->q.ring, n, &seq))
			sched_yield();
		for (uint32_t k = 0; k < n; k++) {
			struct msg *m = rk_ring_slot(&w->q.ring, seq + k);
			m->producer = a->id;
			m->seq = i + k;
		}
		rk_ring_publish(&w->q.ring, seq, n);
		i += n;
	}
	return NULL;
}

struct cons_arg {
	struct world *w;
	unsigned idx;
};

static void *consumer(void *p)
{
	struct cons_arg *a = p;
	struct world *w = a->w;
	struct rk_ring_consumer *c = &w->cons[a->idx];
	uint64_t next[MAX_PROD] = {0};
	uint64_t total = (uint64_t)w->nprod * PER_PROD, got = 0;
	while (w->batch == 0 && got < total) {
		struct msg m;
		while (!msg_ring_try_pop(&w->q, c, &m))
			sched_yield();
		if (m.producer >= w->nprod || m.seq != next[m.producer])
			w->errors[a->idx]++;
		else
			next[m.producer]++;
		got++;
	}
	while (got < total) {
		uint64_t first;
		uint64_t n;
		while ((n = rk_ring_poll(c, &first)) == 0)
			sched_yield();
		for (uint64_t k = 0; k < n; k++) {
			const struct msg *m =
			    rk_ring_slot(&w->q.ring, first + k);
			if (m->producer >= w->nprod ||
			    m->seq != next[m->producer])
				w->errors[a->idx]++;
			else
				next[m->producer]++;
		}
		rk_ring_release(c, n);
		got += n;
	}
	w->received[a->idx] = got;
	for (unsigned i = 0; i < w->nprod; i++)
		if (next[i] != PER_PROD)
			w->errors[a->idx]++;
	return NULL;
}

static void run(enum rk_ring_mode mode, unsigned nprod, unsigned ncons,
                unsigned batch)
{
	struct world *w = calloc(1, sizeof(*w));
	pthread_t pt[MAX_PROD], ct[MAX_CONS];
	struct prod_arg pa[MAX_PROD];
	struct cons_arg ca[MAX_CONS];

	assert_non_null(w);
	assert_int_equal(msg_ring_init(&w->q, mode, RK_WAIT_SPIN, w->lap), 0);
	w->nprod = nprod;
	w->ncons = ncons;
	w->batch = batch;
	for (unsigned i = 0; i < ncons; i++)
		assert_int_equal(rk_ring_attach(&w->q.ring, &w->cons[i]), 0);
	for (unsigned i = 0; i < ncons; i++) {
		ca[i] = (struct cons_arg){w, i};
		assert_int_equal(pthread_create(&ct[i], NULL, consumer, &ca[i]),
		                 0);
	}
	for (unsigned i = 0; i < nprod; i++) {
		pa[i] = (struct prod_arg){w, i};
		assert_int_equal(pthread_create(&pt[i], NULL, producer, &pa[i]),
		                 0);
	}
	for (unsigned i = 0; i < nprod; i++)
		pthread_join(pt[i], NULL);
	for (unsigned i = 0; i < ncons; i++)
		pthread_join(ct[i], NULL);
	for (unsigned i = 0; i < ncons; i++) {
		assert_int_equal(w->errors[i], 0);
		assert_int_equal(w->received[i], nprod * PER_PROD);
	}
	free(w);
}

static void test_spsc(void **s)
{
	(void)s;
	run(RK_RING_SP, 1, 1, 1);
}

static void test_spsc_batch(void **s)
{
	(void)s;
	run(RK_RING_SP, 1, 1, 32);
}

static void test_sp_two_consumers(void **s)
{
	(void)s;
	run(RK_RING_SP, 1, 2, 8);
}

static void test_spsc_push_pop(void **s)
{
	(void)s;
	run(RK_RING_SP, 1, 1, 0);
}

static void test_sp_push_pop_two_consumers(void **s)
{
	(void)s;
	run(RK_RING_SP, 1, 2, 0);
}

static void test_mpsc_push_pop(void **s)
{
	(void)s;
	run(RK_RING_MP, 3, 1, 0);
}

static void test_mpsc(void **s)
{
	(void)s;
	run(RK_RING_MP, 3, 1, 1);
}

static void test_mpmc_batch(void **s)
{
	(void)s;
	run(RK_RING_MP, 4, 2, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_spsc),
	    cmocka_unit_test(test_spsc_batch),
	    cmocka_unit_test(test_sp_two_consumers),
	    cmocka_unit_test(test_spsc_push_pop),
	    cmocka_unit_test(test_sp_push_pop_two_consumers),
	    cmocka_unit_test(test_mpsc_push_pop),
	    cmocka_unit_test(test_mpsc),
	    cmocka_unit_test(test_mpmc_batch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
