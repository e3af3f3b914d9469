/*
 * hal_store.c - the simulator's persistent store (docs/store.md): a file
 * given with --state FILE, created (zero-filled: a blank store) when it
 * does not exist.  A write goes block by block and returns once
 * fdatasync(2) has made it durable, so a simulator killed in the middle
 * of one leaves the blocks before the kill written and the rest old, as
 * a power cut leaves a disk.  --state-slow-us N waits N microseconds
 * after each block, so the power-cut test (tests/store_powercut.py) can
 * land its kills inside writes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rumpk/hal.h>

#include "sim.h"

static int fd = -1;
static uint64_t nblocks;
static uint64_t slow_us;

int sim_store_open(const char *path, uint64_t slow, char *err, size_t cap)
{
	struct stat st;
	int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (f < 0 || fstat(f, &st) != 0) {
		snprintf(err, cap, "%s", strerror(errno));
		if (f >= 0)
			close(f);
		return -1;
	}
	if (st.st_size == 0 && ftruncate(f, SIM_STORE_BYTES) != 0) {
		snprintf(err, cap, "cannot size it: %s", strerror(errno));
		close(f);
		return -1;
	}
	off_t size = st.st_size ? st.st_size : SIM_STORE_BYTES;
	if (size % HAL_STORE_BLOCK || size < SIM_STORE_MIN_BYTES) {
		snprintf(err, cap,
		         "%lld bytes, expected a multiple of %u of at least "
		         "%u (or an empty or missing file)",
		         (long long)size, HAL_STORE_BLOCK, SIM_STORE_MIN_BYTES);
		close(f);
		return -1;
	}
	fd = f;
	nblocks = (uint64_t)size / HAL_STORE_BLOCK;
	slow_us = slow;
	return 0;
}

uint64_t hal_store_blocks(void)
{
	return fd < 0 ? 0 : nblocks;
}

static bool in_range(uint64_t block, size_t n)
{
	return fd >= 0 && block <= nblocks && n <= nblocks - block;
}

int hal_store_read(uint64_t block, void *buf, size_t n)
{
	if (!in_range(block, n))
		return -1;
	size_t len = n * HAL_STORE_BLOCK;
	ssize_t got = pread(fd, buf, len, (off_t)(block * HAL_STORE_BLOCK));
	return got == (ssize_t)len ? 0 : -1;
}

int hal_store_write(uint64_t block, const void *buf, size_t n)
{
	if (!in_range(block, n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *b = (const uint8_t *)buf + i * HAL_STORE_BLOCK;
		off_t at = (off_t)((block + i) * HAL_STORE_BLOCK);
		if (pwrite(fd, b, HAL_STORE_BLOCK, at) != HAL_STORE_BLOCK)
			return -1;
		if (slow_us) {
			struct timespec ts = {(time_t)(slow_us / 1000000),
			                      (long)(slow_us % 1000000) * 1000};
			while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
				;
		}
	}
	return fdatasync(fd) == 0 ? 0 : -1;
}
