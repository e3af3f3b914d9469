/*
 * hostio.c - whole-file reads and writes, and the key-file format.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostio.h"

uint8_t *hostio_read_file(const char *path, size_t *len, char *err,
                          size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > HOSTIO_MAX_FILE) {
		snprintf(err, errlen,
		         "%lld bytes, larger than the %u-byte limit",
		         (long long)st.st_size, HOSTIO_MAX_FILE);
		close(fd);
		return NULL;
	}
	size_t cap = (size_t)st.st_size, got = 0;
	uint8_t *buf = malloc(cap ? cap : 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s",
			         n < 0 ? strerror(errno)
			               : "file shrank while read");
			free(buf);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	return buf;
}

int hostio_write_file(const char *path, const void *data, size_t len,
                      unsigned mode, bool exclusive, char *err, size_t errlen)
{
	int flags =
	    O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
	int fd = open(path, flags, mode);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	const uint8_t *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, p + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "%s", strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hostio_read_key(const char *path, uint8_t key[32], char *err, size_t errlen)
{
	char why[160];
	size_t len = 0;
	uint8_t *buf = hostio_read_file(path, &len, why, sizeof(why));
	if (!buf) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	int rc = -1;
	size_t digits = len;
	if (digits > 0 && buf[digits - 1] == '\n')
		digits--;
	if (digits != 64) {
		snprintf(err, errlen,
		         "held %zu bytes, expected 64 hex digits and a newline",
		         len);
		goto out;
	}
	for (size_t at = 0; at < 64; at++) {
		if (hexval(buf[at]) < 0) {
			snprintf(err, errlen,
			         "byte %zu held 0x%02x, expected a hex digit",
			         at, buf[at]);
			goto out;
		}
	}
	(void)hostio_unhex((const char *)buf, 64, key, 32);
	rc = 0;
out:
	free(buf);
	return rc;
}

long hostio_unhex(const char *hex, size_t n, uint8_t *out, size_t cap)
{
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval((unsigned char)hex[2 * i]);
		int lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

void hostio_hex(const uint8_t *in, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * len] = '\0';
}
