/*
 * fuzz_hostio.c - libFuzzer harness for the host tools' file handling
 * (tools/hostio.c, used by `npl` and `rumpk-sim`): whole-file reads, key
 * files, hex, writes.
 *
 * The input becomes the content of a file (an in-memory memfd, opened by
 * its /proc/self/fd path, so the real open/fstat/read path runs).  The
 * properties, checked against rules written here from hostio.h:
 *   - hostio_read_file returns exactly the bytes of the file;
 *   - hostio_read_key, asked for either kind, accepts exactly: 64 hex
 *     digits optionally followed by one '\n' (an older file), or
 *     "rumpk KIND key " and 16 hex digits, '\n', 64 hex digits, '\n',
 *     where KIND is the kind asked for and, for a public key, the 16
 *     digits are the first 8 bytes of SHA-512 of the key (libsodium);
 *     it returns those 32 bytes (and a secret key's claimed id), and
 *     gives a reason otherwise;
 *   - hostio_hex of the key gives the lowercase digits back;
 *   - hostio_write_file then hostio_read_file round-trips the input, and
 *     an exclusive write over an existing file is refused.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "hostio.h"

#define FUZZ_NAME "fuzz_hostio"
#include "fuzz_check.h"

static char dir[64];

static void remove_dir(void)
{
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "/tmp/rk-hostio-writes.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	return 0;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool ref_hex(const uint8_t *d, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int a = hexval(d[2 * i]), b = hexval(d[2 * i + 1]);
		if (a < 0 || b < 0)
			return false;
		out[i] = (uint8_t)(a * 16 + b);
	}
	return true;
}

/* The key-file rules from hostio.h, independently.  kind: 0 secret, 1
 * public. */
static bool ref_key(const uint8_t *d, size_t n, int kind, uint8_t key[32],
                    uint8_t id[8], bool *named)
{
	static const char *const heads[] = {"rumpk secret key ",
	                                    "rumpk public key "};
	*named = false;
	if (n == 64 || (n == 65 && d[64] == '\n'))
		return ref_hex(d, 32, key); /* an older file */
	if (n != 17 + 16 + 1 + 64 + 1 || memcmp(d, heads[kind], 17) ||
	    d[33] != '\n' || d[98] != '\n' || !ref_hex(d + 17, 8, id) ||
	    !ref_hex(d + 34, 32, key))
		return false;
	if (kind == 1) {
		uint8_t h[64];
		crypto_hash_sha512(h, key, 32);
		if (memcmp(h, id, 8))
			return false;
	}
	*named = true;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_hostio", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	char path[64], err[200];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	size_t len = (size_t)-1;
	uint8_t *buf = hostio_read_file(path, &len, err, sizeof(err));
	CHECK(buf != NULL, "read failed: %s", err);
	CHECK(len == size && memcmp(buf, data, size) == 0, "content differs");
	free(buf);

	for (int kind = 0; kind < 2; kind++) {
		uint8_t key[32], want[32], id[8], want_id[8];
		bool named = false, want_named = false;
		err[0] = '\0';
		int rc = hostio_read_key(path, (enum hostio_key_kind)kind, key,
		                         id, &named, err, sizeof(err));
		bool ok = ref_key(data, size, kind, want, want_id, &want_named);
		CHECK((rc == 0) == ok,
		      "read_key(%d) said %d (%s), rule says %d", kind, rc, err,
		      ok);
		if (!ok) {
			CHECK(err[0] != '\0', "refused key without a reason");
			continue;
		}
		CHECK(memcmp(key, want, 32) == 0, "key bytes differ");
		CHECK(named == want_named &&
		          (!named || memcmp(id, want_id, 8) == 0),
		      "claimed id differs");
		const uint8_t *digits = data + (named ? 34 : 0);
		char hex[65];
		hostio_hex(key, 32, hex);
		for (size_t i = 0; i < 64; i++)
			CHECK(hexval((uint8_t)hex[i]) == hexval(digits[i]) &&
			          !(hex[i] >= 'A' && hex[i] <= 'F'),
			      "hex digit %zu", i);
		CHECK(hex[64] == '\0', "hex not terminated");
	}
	close(fd);

	/* Write, read back, refuse to overwrite exclusively. */
	char out[96];
	snprintf(out, sizeof(out), "%s/f", dir);
	CHECK(hostio_write_file(out, data, size, 0600, false, err,
	                        sizeof(err)) == 0,
	      "write: %s", err);
	buf = hostio_read_file(out, &len, err, sizeof(err));
	CHECK(buf && len == size && memcmp(buf, data, size) == 0,
	      "write/read round trip");
	free(buf);
	CHECK(hostio_write_file(out, data, size, 0600, true, err,
	                        sizeof(err)) != 0,
	      "exclusive write replaced a file");
	unlink(out);
	/* A directory is not a regular file. */
	CHECK(hostio_read_file(dir, &len, err, sizeof(err)) == NULL,
	      "read a directory");
	return 0;
}
