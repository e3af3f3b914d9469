/*
 * median.h - the median of a benchmark's rounds (each benchmark runs its
 * figure and its anchor interleaved, ROUNDS times, and reports medians,
 * so one disturbed round moves neither).
 */
#ifndef RUMPK_BENCH_MEDIAN_H
#define RUMPK_BENCH_MEDIAN_H

#include <stddef.h>
#include <stdlib.h>

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sorts v[0..n) (n > 0) and returns its middle value (the mean of the
 * two middle ones for an even n). */
static inline double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
