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

#include <rumpk/crypto.h>

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

static const char *const kind_word[] = {"secret", "public"};

/* "rumpk KIND key ID16": the kind and the id, or -1. */
static int parse_first_line(const uint8_t *l, size_t n,
                            enum hostio_key_kind *kind, uint8_t id[8])
{
	static const char pre[] = "rumpk ";
	if (n != 6 + 6 + 5 + 16 || memcmp(l, pre, 6) != 0 ||
	    memcmp(l + 12, " key ", 5) != 0)
		return -1;
	if (memcmp(l + 6, "secret", 6) == 0)
		*kind = HOSTIO_KEY_SECRET;
	else if (memcmp(l + 6, "public", 6) == 0)
		*kind = HOSTIO_KEY_PUBLIC;
	else
		return -1;
	return hostio_unhex((const char *)l + 17, 16, id, 8) == 8 ? 0 : -1;
}

/* 64 hex digits and one newline, or (legacy, last line) none. */
static int parse_digits(const uint8_t *d, size_t n, bool newline_needed,
                        size_t base, uint8_t key[32], char *err, size_t errlen)
{
	size_t digits = n;
	if (digits > 0 && d[digits - 1] == '\n')
		digits--;
	else if (newline_needed)
		digits = SIZE_MAX; /* reported below */
	if (digits != 64) {
		snprintf(err, errlen,
		         "the key line held %zu bytes, expected 64 hex digits "
		         "and a newline",
		         n);
		return -1;
	}
	for (size_t at = 0; at < 64; at++) {
		if (hexval(d[at]) < 0) {
			snprintf(err, errlen,
			         "byte %zu held 0x%02x, expected a hex digit",
			         base + at, d[at]);
			return -1;
		}
	}
	(void)hostio_unhex((const char *)d, 64, key, 32);
	return 0;
}

int hostio_read_key(const char *path, enum hostio_key_kind kind,
                    uint8_t key[32], uint8_t id[HOSTIO_KEY_ID_LEN], bool *named,
                    char *err, size_t errlen)
{
	char why[160];
	size_t len = 0;
	uint8_t claimed[8];
	uint8_t *buf = hostio_read_file(path, &len, why, sizeof(why));
	if (!buf) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (named)
		*named = false;
	int rc = -1;
	if (len < 6 || memcmp(buf, "rumpk ", 6) != 0) {
		/* Before key files said what they hold: the digits alone. */
		if (len > 65) {
			snprintf(err, errlen,
			         "held %zu bytes, expected a first line 'rumpk "
			         "%s key ID' and 64 hex digits (or the 64 hex "
			         "digits alone)",
			         len, kind_word[kind]);
			goto out;
		}
		rc = parse_digits(buf, len, false, 0, key, err, errlen);
		goto out;
	}
	const uint8_t *nl = memchr(buf, '\n', len);
	enum hostio_key_kind got;
	if (!nl || parse_first_line(buf, (size_t)(nl - buf), &got, claimed)) {
		snprintf(err, errlen,
		         "the first line is not 'rumpk %s key' and a key id "
		         "of 16 hex digits",
		         kind_word[kind]);
		goto out;
	}
	if (got != kind) {
		snprintf(
		    err, errlen,
		    "a %s key (its first line says so), expected a %s key%s",
		    kind_word[got], kind_word[kind],
		    kind == HOSTIO_KEY_SECRET ? " (NAME.key from npl keygen)"
		                              : " (NAME.pub from npl keygen)");
		goto out;
	}
	size_t off = (size_t)(nl - buf) + 1;
	if (parse_digits(buf + off, len - off, true, off, key, err, errlen))
		goto out;
	if (kind == HOSTIO_KEY_PUBLIC) {
		uint8_t h[64];
		rk_sha512(key, 32, h);
		if (memcmp(h, claimed, 8) != 0) {
			char want[17], held[17];
			hostio_hex(claimed, 8, held);
			hostio_hex(h, 8, want);
			snprintf(err, errlen,
			         "key id: the first line held %s, expected %s "
			         "(the id of the key below it)",
			         held, want);
			goto out;
		}
	}
	if (id)
		memcpy(id, claimed, 8);
	if (named)
		*named = true;
	rc = 0;
out:
	free(buf);
	return rc;
}

size_t hostio_key_text(enum hostio_key_kind kind, const uint8_t key[32],
                       const uint8_t id[HOSTIO_KEY_ID_LEN],
                       char out[HOSTIO_KEY_TEXT])
{
	char idhex[17], hex[65];
	hostio_hex(id, 8, idhex);
	hostio_hex(key, 32, hex);
	int n = snprintf(out, HOSTIO_KEY_TEXT, "rumpk %s key %s\n%s\n",
	                 kind_word[kind], idhex, hex);
	return n < 0 ? 0 : (size_t)n;
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
