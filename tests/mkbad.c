/*
 * mkbad - writes a set of malformed NPL images, each breaking exactly one
 * rule of NPL v2 and otherwise correctly signed (the signature is made
 * over the broken image), so a loader can only refuse them for the rule
 * itself; and a well-formed v1 image, which a kernel that refuses v1 (the
 * default) refuses by its version.  Used by the simulator and QEMU tests.
 *
 * usage: mkbad --key NAME.key --arch ARCH --body BODY.bin -o DIR
 * Writes DIR/<case>.npl and DIR/cases.txt ("<case> <expected error>").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/npl.h>

#include "hostio.h"
#include "secret_key.h"

static uint8_t seed[32], pk[32], sk[64];
static const char *dir;
static FILE *cases;

/* One image at a time: each call replaces (and frees) the previous. */
static uint8_t *current;

static uint8_t *image(uint8_t arch, const uint8_t *body, size_t blen,
                      size_t *len)
{
	*len = RK_NPL_HEADER_SIZE + blen;
	free(current);
	uint8_t *img = current = calloc(1, *len + 64);
	if (!img) {
		fprintf(stderr, "mkbad: out of memory\n");
		exit(2);
	}
	memcpy(img, rk_npl_magic, 4);
	img[RK_NPL_OFF_VERSION] = RK_NPL_V2;
	img[RK_NPL_OFF_ARCH] = arch;
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, blen);
	rk_npl_key_id(pk, img + RK_NPL_OFF_KEY_ID);
	rk_put_le16(img + RK_NPL_OFF_VER, 1);
	rk_put_le16(img + RK_NPL_OFF_MIN_ABI, RK_API_VERSION);
	rk_put_le64(img + RK_NPL_OFF_COUNTER, 1);
	memcpy(img + RK_NPL_OFF_NAME, "hello", 5);
	memcpy(img + RK_NPL_HEADER_SIZE, body, blen);
	return img;
}

static void sign_with(uint8_t *img, size_t len, const uint8_t *key)
{
	uint8_t sig[64];
	memset(img + RK_NPL_OFF_SIG, 0, 64);
	crypto_sign_detached(sig, NULL, img, len, key);
	memcpy(img + RK_NPL_OFF_SIG, sig, 64);
}

static void emit(const char *name, const uint8_t *img, size_t len,
                 const char *expect)
{
	char path[4096], err[200];
	snprintf(path, sizeof(path), "%s/%s.npl", dir, name);
	if (hostio_write_file(path, img, len, 0644, false, err, sizeof(err))) {
		fprintf(stderr, "mkbad: %s: %s\n", path, err);
		exit(2);
	}
	fprintf(cases, "%s %s\n", name, expect);
}

int main(int argc, char **argv)
{
	const char *key = NULL, *archname = NULL, *bodyp = NULL;
	char err[200];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--key"))
			key = argv[i + 1];
		else if (!strcmp(argv[i], "--arch"))
			archname = argv[i + 1];
		else if (!strcmp(argv[i], "--body"))
			bodyp = argv[i + 1];
		else if (!strcmp(argv[i], "-o"))
			dir = argv[i + 1];
	}
	uint8_t arch = archname ? rk_npl_arch_from_name(archname) : 0;
	if (!key || !arch || !bodyp || !dir || sodium_init() < 0) {
		fprintf(stderr,
		        "usage: mkbad --key NAME.key --arch ARCH --body "
		        "BODY.bin -o DIR\n");
		return 2;
	}
	if (host_read_secret(key, seed, pk, err, sizeof(err))) {
		fprintf(stderr, "mkbad: %s: %s\n", key, err);
		return 2;
	}
	size_t blen;
	uint8_t *body = hostio_read_file(bodyp, &blen, err, sizeof(err));
	if (!body) {
		fprintf(stderr, "mkbad: %s: %s\n", bodyp, err);
		return 2;
	}
	crypto_sign_seed_keypair(pk, sk, seed);
	mkdir(dir, 0755);
	char path[4096];
	snprintf(path, sizeof(path), "%s/cases.txt", dir);
	cases = fopen(path, "w");
	if (!cases) {
		perror(path);
		return 2;
	}

	size_t len;
	uint8_t *img;
	uint8_t other =
	    arch == RK_ARCH_X86_64 ? RK_ARCH_AARCH64 : RK_ARCH_X86_64;

	/* The good one, for contrast. */
	img = image(arch, body, blen, &len);
	sign_with(img, len, sk);
	emit("good", img, len, "ok");

	/* Shorter than the header (a prefix of a good image). */
	emit("truncated", img, 100, "truncated");
	emit("empty", img, 0, "truncated");

	img = image(arch, body, blen, &len);
	img[0] = 0x7e;
	sign_with(img, len, sk);
	emit("bad_magic", img, len, "magic");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_VERSION] = 3;
	sign_with(img, len, sk);
	emit("bad_version", img, len, "version");

	/* A good NPL v1 image: no counter, so refused by version. */
	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_VERSION] = RK_NPL_VERSION;
	memset(img + RK_NPL_OFF_RESERVED, 0, RK_NPL_RESERVED_SIZE);
	sign_with(img, len, sk);
	emit("v1_image", img, len, "version");

	img = image(other, body, blen, &len);
	sign_with(img, len, sk);
	emit("wrong_arch", img, len, "arch");

	img = image(0x12, body, blen, &len);
	sign_with(img, len, sk);
	emit("unknown_arch", img, len, "arch");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_FLAGS] = 0x01;
	sign_with(img, len, sk);
	emit("bad_flags", img, len, "flags");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_FLAGS + 1] = 0x80;
	sign_with(img, len, sk);
	emit("bad_flags_high", img, len, "flags");

	img = image(arch, body, blen, &len);
	memset(img + RK_NPL_OFF_NAME, 0, RK_NPL_NAME_SIZE);
	sign_with(img, len, sk);
	emit("name_empty", img, len, "name");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_NAME + 2] = '\n'; /* would forge a console line */
	sign_with(img, len, sk);
	emit("name_control_char", img, len, "name");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_NAME] = '.';
	sign_with(img, len, sk);
	emit("name_dot_first", img, len, "name");

	img = image(arch, body, blen, &len);
	memset(img + RK_NPL_OFF_NAME, 'a', RK_NPL_NAME_SIZE);
	sign_with(img, len, sk);
	emit("name_unterminated", img, len, "name");

	img = image(arch, body, blen, &len);
	img[RK_NPL_OFF_NAME + RK_NPL_NAME_SIZE - 1] = 'x';
	sign_with(img, len, sk);
	emit("name_trailing_byte", img, len, "name");

	img = image(arch, body, blen, &len);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, 0);
	sign_with(img, len, sk);
	emit("body_size_zero", img, len, "body_size");

	img = image(arch, body, blen, &len);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, blen + 1);
	sign_with(img, len, sk);
	emit("body_size_long", img, len, "body_size");

	img = image(arch, body, blen, &len);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, blen - 1);
	sign_with(img, len, sk);
	emit("body_size_short", img, len, "body_size");

	/* 128 + body_size wraps to 100: a naive "128 + body_size <= len"
	 * would pass and the copy would run off the end. */
	img = image(arch, body, blen, &len);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, UINT64_MAX - 27);
	sign_with(img, len, sk);
	emit("body_size_wrap", img, len, "body_size");

	img = image(arch, body, blen, &len);
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, 1ull << 40);
	sign_with(img, len, sk);
	emit("body_size_huge", img, len, "body_size");

	img = image(arch, body, blen, &len);
	rk_put_le16(img + RK_NPL_OFF_MIN_ABI, RK_API_VERSION + 1);
	sign_with(img, len, sk);
	emit("min_abi_newer", img, len, "min_abi");

	img = image(arch, body, blen, &len);
	sign_with(img, len, sk);
	img[RK_NPL_OFF_SIG] ^= 0xff;
	emit("bad_sig", img, len, "signature");

	img = image(arch, body, blen, &len);
	sign_with(img, len, sk);
	img[RK_NPL_HEADER_SIZE + blen / 2] ^= 0x01;
	emit("tampered_body", img, len, "signature");

	/* Signed by a key no kernel trusts, naming it ... */
	img = image(arch, body, blen, &len);
	uint8_t opk[32], osk[64];
	crypto_sign_keypair(opk, osk);
	rk_npl_key_id(opk, img + RK_NPL_OFF_KEY_ID);
	sign_with(img, len, osk);
	emit("untrusted_key", img, len, "key_id");

	/* ... or naming the trusted key it was not signed by. */
	img = image(arch, body, blen, &len);
	sign_with(img, len, osk);
	emit("forged_key_id", img, len, "signature");

	/* A good image with trailing garbage: the length no longer matches. */
	img = image(arch, body, blen, &len);
	sign_with(img, len, sk);
	memset(img + len, 0xcc, 16);
	emit("trailing_bytes", img, len + 16, "body_size");

	fclose(cases);
	free(current);
	free(body);
	return 0;
}
