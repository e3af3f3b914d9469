/*
 * npl.c - the host tool for NPL images: keygen, getpub, sign, verify,
 * inspect.
 * Verification goes through the very same loader code as the kernel
 * (src/npl.c: rk_npl_parse / rk_npl_check), so the tool and the kernel
 * cannot disagree about an image.  Signing uses libsodium.
 *
 * Exit status: 0 success, 1 the image was rejected, 2 usage or I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <rumpk/hal.h>
#include <rumpk/kernel.h>
#include <rumpk/npl.h>
#include <rumpk/status.h>

#include "hostio.h"
#include "json.h"
#include "npl_cli.h"
#include "secret_key.h"

const char *const npl_prog = "npl";
#define prog npl_prog

static int usage(FILE *out, int status)
{
	fprintf(
	    out,
	    "usage:\n"
	    "  npl --version | --help (also after any command: npl sign "
	    "--help)\n"
	    "  npl keygen -o NAME\n"
	    "      write NAME.key (secret seed, mode 0600) and NAME.pub "
	    "(-o is --out)\n"
	    "  npl getpub --key NAME.key | --pub NAME.pub\n"
	    "      print the public key and its key id (what NPL v2 names)\n"
	    "  npl sign --key NAME.key --arch x86_64|aarch64|riscv64 BODY "
	    "-o OUT.npl\n"
	    "           [--name NAME] [--version X.Y.Z] [--counter N] "
	    "[--min-abi N]\n"
	    "           [--format 2|1]\n"
	    "      wrap a flat binary BODY in a signed NPL image: v2 (the "
	    "default)\n"
	    "      with a name (default: BODY's file name without extension "
	    "and\n"
	    "      -ARCH), version (0.0.0), security counter (0) and "
	    "minimum\n"
	    "      payload ABI (this header's, %u); --format 1 for NPL v1\n"
	    "  npl keyring --root ROOT.key [--root ...] --version N "
	    "[--add KEY.pub[:NAME]]...\n"
	    "              [--revoke KEY.pub|KEYID]... -o OUT.nkr\n"
	    "      a keyring document (docs/keyring.md): payload keys, each "
	    "for one\n"
	    "      name or any, revoked key ids, signed by each --root\n"
	    "  npl verify --pub NAME.pub [--pub ...] [--arch ARCH] "
	    "[--min-counter N]\n"
	    "             [--accept-v1] [--json] IMAGE\n"
	    "      exit 0 valid, 1 rejected (with the reason), 2 usage/I/O; "
	    "v1\n"
	    "      images are refused unless --accept-v1, as the kernel "
	    "does\n"
	    "      (a keyring document: --pub the roots, --threshold K, "
	    "default 1)\n"
	    "  npl inspect IMAGE [--json]\n"
	    "      every header field, the body's SHA-512, each rule (or a "
	    "keyring\n"
	    "      document's keys, revoked ids and signers)\n",
	    RK_API_VERSION);
	return status;
}

int fail_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'npl --help'.\n");
	return RK_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		const char **slot = NULL;
		if (!strcmp(s, "-o") || !strcmp(s, "--out"))
			slot = &a->out;
		else if (!strcmp(s, "--key"))
			slot = &a->key;
		else if (!strcmp(s, "--arch"))
			slot = &a->arch;
		else if (!strcmp(s, "--name"))
			slot = &a->name;
		else if (!strcmp(s, "--version"))
			slot = &a->version;
		else if (!strcmp(s, "--counter"))
			slot = &a->counter;
		else if (!strcmp(s, "--min-abi"))
			slot = &a->min_abi;
		else if (!strcmp(s, "--format"))
			slot = &a->format;
		else if (!strcmp(s, "--min-counter"))
			slot = &a->min_counter;
		else if (!strcmp(s, "--threshold"))
			slot = &a->threshold;
		else if (!strcmp(s, "--root") || !strcmp(s, "--add") ||
		         !strcmp(s, "--revoke")) {
			const char **list = s[2] == 'r' && s[3] == 'o'
			                        ? a->roots
			                    : s[2] == 'a' ? a->adds
			                                  : a->revokes;
			size_t *n = list == a->roots  ? &a->nroots
			            : list == a->adds ? &a->nadds
			                              : &a->nrevokes;
			size_t max = list == a->roots  ? RK_KEYRING_MAX_SIGS
			             : list == a->adds ? RK_KEYRING_MAX_KEYS
			                               : RK_KEYRING_MAX_REVOKED;
			if (*n == max)
				return fail_usage("too many %s", s);
			slot = &list[(*n)++];
		} else if (!strcmp(s, "--accept-v1")) {
			a->accept_v1 = true;
			continue;
		} else if (!strcmp(s, "--pub")) {
			if (a->npubs == MAX_PUB)
				return fail_usage("too many --pub (at most 16) "
				                  "at '%s'",
				                  s);
			slot = &a->pubs[a->npubs++];
		} else if (!strcmp(s, "--json")) {
			a->json = true;
			continue;
		} else if (s[0] == '-' && s[1]) {
			return fail_usage("unknown option '%s'", s);
		} else {
			if (a->npos == 2)
				return fail_usage("unexpected argument '%s'",
				                  s);
			a->pos[a->npos++] = s;
			continue;
		}
		if (i + 1 >= argc)
			return fail_usage("option '%s' needs a value", s);
		if (*slot)
			return fail_usage("option '%s' given twice", s);
		*slot = argv[++i];
	}
	return 0;
}

static int cmd_keygen(struct args *a)
{
	char err[200], hex[65], line[HOSTIO_KEY_TEXT];
	uint8_t pk[32], sk[64], seed[32];
	int rc = RK_EXIT_USAGE;

	if (!a->out || a->npos)
		return fail_usage("keygen needs -o NAME and nothing else%s",
		                  "");
	size_t n = strlen(a->out) + 5;
	char *kpath = malloc(n), *ppath = malloc(n);
	if (!kpath || !ppath)
		goto out;
	snprintf(kpath, n, "%s.key", a->out);
	snprintf(ppath, n, "%s.pub", a->out);
	if (access(kpath, F_OK) == 0 || access(ppath, F_OK) == 0) {
		fprintf(stderr,
		        "%s: keygen: %s exists: refusing to overwrite a "
		        "key\n",
		        prog, access(kpath, F_OK) == 0 ? kpath : ppath);
		goto out;
	}
	randombytes_buf(seed, sizeof(seed));
	crypto_sign_seed_keypair(pk, sk, seed);

	uint8_t id[RK_NPL_KEY_ID_SIZE];
	rk_npl_key_id(pk, id);
	size_t tn = hostio_key_text(HOSTIO_KEY_SECRET, seed, id, line);
	if (hostio_write_file(kpath, line, tn, 0600, true, err, sizeof(err))) {
		fprintf(stderr, "%s: keygen: %s: %s\n", prog, kpath, err);
		goto out;
	}
	tn = hostio_key_text(HOSTIO_KEY_PUBLIC, pk, id, line);
	if (hostio_write_file(ppath, line, tn, 0644, true, err, sizeof(err))) {
		fprintf(stderr, "%s: keygen: %s: %s\n", prog, ppath, err);
		unlink(kpath); /* no half-made key pair */
		goto out;
	}
	hostio_hex(pk, 32, hex);
	printf("wrote %s (secret) and %s (public key %s, key id ", kpath, ppath,
	       hex);
	print_key_id(stdout, id);
	printf(")\n");
	rc = RK_EXIT_OK;
out:
	sodium_memzero(seed, sizeof(seed));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(line, sizeof(line));
	free(kpath);
	free(ppath);
	return rc;
}

/* A decimal number from 0 to max, the whole string. */
bool parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		uint64_t d = (uint64_t)(*s - '0');
		if (v > max / 10 || (v == max / 10 && d > max % 10))
			return false; /* v * 10 + d would pass max */
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

/* "X.Y.Z", each from 0 to 65535. */
static bool parse_version(const char *s, uint16_t v[3])
{
	char buf[32];
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	char *part = buf;
	for (int i = 0; i < 3; i++) {
		char *dot = strchr(part, '.');
		if ((i < 2) != (dot != NULL))
			return false;
		if (dot)
			*dot = 0;
		uint64_t n;
		if (!parse_num(part, 65535, &n))
			return false;
		v[i] = (uint16_t)n;
		part = dot ? dot + 1 : part;
	}
	return true;
}

/* The default name: BODY's file name without its directory, its
 * extension and a trailing -ARCH ("build/hello-x86_64.bin": "hello"). */
static void default_name(const char *body, const char *arch, char *out,
                         size_t cap)
{
	const char *b = strrchr(body, '/');
	b = b ? b + 1 : body;
	snprintf(out, cap, "%s", b);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = 0;
	size_t n = strlen(out), an = strlen(arch);
	if (n > an + 1 && out[n - an - 1] == '-' && !strcmp(out + n - an, arch))
		out[n - an - 1] = 0;
}

void print_key_id(FILE *f, const uint8_t id[RK_NPL_KEY_ID_SIZE])
{
	for (unsigned i = 0; i < RK_NPL_KEY_ID_SIZE; i++)
		fprintf(f, "%02x", id[i]);
}

static int cmd_getpub(struct args *a)
{
	char err[200], hex[65];
	uint8_t pk[32], seed[32];

	if ((!a->key) == (!a->npubs) || a->npubs > 1 || a->npos)
		return fail_usage("getpub needs --key NAME.key or --pub "
		                  "NAME.pub%s",
		                  "");
	const char *path = a->key ? a->key : a->pubs[0];
	if (a->key ? host_read_secret(path, seed, pk, err, sizeof(err))
	           : hostio_read_key(path, HOSTIO_KEY_PUBLIC, pk, NULL, NULL,
	                             err, sizeof(err))) {
		fprintf(stderr, "%s: %s %s: %s\n", prog,
		        a->key ? "--key" : "--pub", path, err);
		return RK_EXIT_USAGE;
	}
	sodium_memzero(seed, sizeof(seed));
	uint8_t id[RK_NPL_KEY_ID_SIZE];
	rk_npl_key_id(pk, id);
	hostio_hex(pk, 32, hex);
	printf("public key %s\nkey id     ", hex);
	print_key_id(stdout, id);
	printf("\n");
	return RK_EXIT_OK;
}

static int cmd_sign(struct args *a)
{
	char err[200];
	uint8_t seed[32], pk[32], sk[64];

	if (!a->key || !a->arch || !a->out || a->npos != 1)
		return fail_usage(
		    "sign needs --key NAME.key --arch ARCH BODY -o "
		    "OUT.npl%s",
		    "");
	uint8_t arch = rk_npl_arch_from_name(a->arch);
	if (!arch)
		return fail_usage("--arch '%s': expected x86_64, aarch64 or "
		                  "riscv64",
		                  a->arch);
	uint64_t format = RK_NPL_V2, counter = 0, min_abi = RK_API_VERSION;
	uint16_t ver[3] = {0, 0, 0};
	char name[RK_NPL_NAME_SIZE + 64];
	if (a->format && (!parse_num(a->format, 2, &format) || format == 0))
		return fail_usage("--format '%s': expected 2 (NPL v2, the "
		                  "default) or 1 (NPL v1)",
		                  a->format);
	if (format == 1 && (a->name || a->version || a->counter || a->min_abi))
		return fail_usage("%s: NPL v1 has no name, version, counter "
		                  "or minimum ABI (use --format 2)",
		                  a->name      ? "--name"
		                  : a->version ? "--version"
		                  : a->counter ? "--counter"
		                               : "--min-abi");
	if (a->version && !parse_version(a->version, ver))
		return fail_usage("--version '%s': expected MAJOR.MINOR.PATCH, "
		                  "each from 0 to 65535",
		                  a->version);
	if (a->counter && !parse_num(a->counter, UINT64_MAX, &counter))
		return fail_usage("--counter '%s': expected a number from 0 "
		                  "to 18446744073709551615",
		                  a->counter);
	if (a->min_abi && !parse_num(a->min_abi, 65535, &min_abi))
		return fail_usage("--min-abi '%s': expected a number from 0 to "
		                  "65535",
		                  a->min_abi);
	if (a->name)
		snprintf(name, sizeof(name), "%s", a->name);
	else
		default_name(a->pos[0], a->arch, name, sizeof(name));
	char padded[RK_NPL_NAME_SIZE] = {0};
	if (strlen(name) < RK_NPL_NAME_SIZE)
		memcpy(padded, name, strlen(name));
	if (format == RK_NPL_V2 && (strlen(name) >= RK_NPL_NAME_SIZE ||
	                            !rk_npl_name_ok(padded, sizeof(padded)))) {
		fprintf(stderr,
		        "%s: %s '%s': expected 1 to 23 characters of A-Z a-z "
		        "0-9 . _ - (a letter or a digit first)%s\n",
		        prog, a->name ? "--name" : "name from BODY", name,
		        a->name ? "" : "; give --name");
		return RK_EXIT_USAGE;
	}
	if (host_read_secret(a->key, seed, pk, err, sizeof(err))) {
		fprintf(stderr, "%s: --key %s: %s\n", prog, a->key, err);
		return RK_EXIT_USAGE;
	}
	int rc = RK_EXIT_USAGE;
	uint8_t *img = NULL;
	size_t blen = 0;
	uint8_t *body = hostio_read_file(a->pos[0], &blen, err, sizeof(err));
	if (!body) {
		fprintf(stderr, "%s: %s: %s\n", prog, a->pos[0], err);
		goto out;
	}
	if (blen == 0 || blen > RK_NPL_BODY_MAX) {
		fprintf(stderr,
		        "%s: %s: body of %zu bytes, expected 1 to %u bytes\n",
		        prog, a->pos[0], blen, RK_NPL_BODY_MAX);
		goto out;
	}
	size_t len = RK_NPL_HEADER_SIZE + blen;
	img = calloc(1, len);
	if (!img)
		goto out;
	crypto_sign_seed_keypair(pk, sk, seed);
	memcpy(img + RK_NPL_OFF_MAGIC, rk_npl_magic, 4);
	img[RK_NPL_OFF_VERSION] = (uint8_t)format;
	img[RK_NPL_OFF_ARCH] = arch;
	rk_put_le64(img + RK_NPL_OFF_BODY_SIZE, blen);
	uint8_t id[RK_NPL_KEY_ID_SIZE];
	rk_npl_key_id(pk, id);
	if (format == RK_NPL_V2) {
		memcpy(img + RK_NPL_OFF_KEY_ID, id, sizeof(id));
		for (int i = 0; i < 3; i++)
			rk_put_le16(img + RK_NPL_OFF_VER + 2 * i, ver[i]);
		rk_put_le16(img + RK_NPL_OFF_MIN_ABI, (uint16_t)min_abi);
		rk_put_le64(img + RK_NPL_OFF_COUNTER, counter);
		memcpy(img + RK_NPL_OFF_NAME, padded, sizeof(padded));
	}
	memcpy(img + RK_NPL_HEADER_SIZE, body, blen);
	/* The signature covers the whole image with its own field zeroed. */
	uint8_t sig[64]; /* not in place: libsodium writes R before it
	                  * hashes the message, which would include it */
	crypto_sign_detached(sig, NULL, img, len, sk);
	memcpy(img + RK_NPL_OFF_SIG, sig, sizeof(sig));
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(seed, sizeof(seed));
	if (hostio_write_file(a->out, img, len, 0644, false, err,
	                      sizeof(err))) {
		fprintf(stderr, "%s: -o %s: %s\n", prog, a->out, err);
		goto out;
	}
	if (format == RK_NPL_V2) {
		printf("wrote %s: NPL v2 '%s' %u.%u.%u, security counter "
		       "%llu, min ABI %llu, %zu-byte body for %s, key id ",
		       a->out, padded, ver[0], ver[1], ver[2],
		       (unsigned long long)counter, (unsigned long long)min_abi,
		       blen, a->arch);
		print_key_id(stdout, id);
		printf("\n");
	} else {
		printf("wrote %s: NPL v1, %zu-byte body for %s\n", a->out, blen,
		       a->arch);
	}
	rc = RK_EXIT_OK;
out:
	sodium_memzero(seed, sizeof(seed));
	free(img);
	free(body);
	return rc;
}

static int cmd_verify(struct args *a)
{
	char err[200];
	uint8_t keys[MAX_PUB][32];

	if (a->npubs == 0 || a->npos != 1)
		return fail_usage("verify needs --pub NAME.pub [--pub ...] "
		                  "IMAGE%s",
		                  "");
	if (a->key || a->name || a->version || a->counter || a->format ||
	    a->nroots || a->nadds || a->nrevokes)
		return fail_usage("verify takes --pub, --arch, --min-counter, "
		                  "--accept-v1 and --threshold%s",
		                  "");
	for (size_t i = 0; i < a->npubs; i++) {
		if (hostio_read_key(a->pubs[i], HOSTIO_KEY_PUBLIC, keys[i],
		                    NULL, NULL, err, sizeof(err))) {
			fprintf(stderr, "%s: --pub %s: %s\n", prog, a->pubs[i],
			        err);
			return RK_EXIT_USAGE;
		}
	}
	struct rk_npl_policy pol = {.arch = RK_NPL_ARCH_ANY,
	                            .keys = (const uint8_t(*)[32])keys,
	                            .nkeys = a->npubs,
	                            .accept_v1 = a->accept_v1};
	if (a->min_counter &&
	    !parse_num(a->min_counter, UINT64_MAX, &pol.min_counter))
		return fail_usage("--min-counter '%s': expected a number from "
		                  "0 to 18446744073709551615",
		                  a->min_counter);
	if (a->arch) {
		pol.arch = rk_npl_arch_from_name(a->arch);
		if (!pol.arch)
			return fail_usage("--arch '%s': expected x86_64, "
			                  "aarch64 or riscv64",
			                  a->arch);
	}
	size_t len = 0;
	uint8_t *img = hostio_read_file(a->pos[0], &len, err, sizeof(err));
	if (!img) {
		fprintf(stderr, "%s: %s: %s\n", prog, a->pos[0], err);
		return RK_EXIT_USAGE;
	}
	if (rk_keyring_is_doc(img, len)) {
		int rc = keyring_verify(a, img, len);
		free(img);
		return rc;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		fprintf(stderr, "%s: %s: out of memory\n", prog, a->pos[0]);
		free(img);
		return RK_EXIT_USAGE;
	}
	struct rk_npl_header h;
	struct rk_npl_diag diag;
	size_t key = 0;
	int rc = RK_EXIT_OK;
	enum rk_npl_err e = rk_npl_check(img, len, &pol, copy, &h, &key, &diag);
	if (e != RK_NPL_OK)
		rc = RK_EXIT_REFUSED;
	if (a->json) {
		/* The verdict alone on stdout, for scripts. */
		char id[2 * RK_NPL_KEY_ID_SIZE + 1];
		hostio_hex(h.key_id, RK_NPL_KEY_ID_SIZE, id);
		printf("{\"file\":");
		host_json_string(stdout, a->pos[0]);
		printf(",\"ok\":%s,\"error\":",
		       e == RK_NPL_OK ? "true" : "false");
		host_json_string(stdout,
		                 e == RK_NPL_OK ? "" : rk_npl_strerror(e));
		printf(",\"reason\":");
		host_json_string(stdout, e == RK_NPL_OK ? "" : diag.msg);
		if (e == RK_NPL_OK) {
			printf(",\"version\":%u,\"arch\":\"%s\",\"body_size\":"
			       "%llu,\"signed_by\":",
			       h.version, rk_npl_arch_name(h.arch),
			       (unsigned long long)h.body_size);
			host_json_string(stdout, a->pubs[key]);
			if (h.version == RK_NPL_V2) {
				printf(",\"name\":");
				host_json_string(stdout, h.name);
				printf(
				    ",\"image_version\":\"%u.%u.%u\","
				    "\"security_counter\":%llu,\"min_abi\":%u,"
				    "\"key_id\":\"%s\"",
				    h.ver_major, h.ver_minor, h.ver_patch,
				    (unsigned long long)h.counter, h.min_abi,
				    id);
			}
		}
		printf("}\n");
	} else if (e != RK_NPL_OK) {
		printf("%s: REJECTED: %s: %s\n", a->pos[0], rk_npl_strerror(e),
		       diag.msg);
	} else if (h.version == RK_NPL_V2) {
		printf("%s: OK: NPL v2 '%s' %u.%u.%u, security counter %llu, "
		       "min ABI %u, for %s, %llu-byte body, signed by %s "
		       "(key id ",
		       a->pos[0], h.name, h.ver_major, h.ver_minor, h.ver_patch,
		       (unsigned long long)h.counter, h.min_abi,
		       rk_npl_arch_name(h.arch),
		       (unsigned long long)h.body_size, a->pubs[key]);
		print_key_id(stdout, h.key_id);
		printf(")\n");
	} else {
		printf("%s: OK: NPL v1 for %s, %llu-byte body, signed by %s\n",
		       a->pos[0], rk_npl_arch_name(h.arch),
		       (unsigned long long)h.body_size, a->pubs[key]);
	}
	free(copy);
	free(img);
	return rc;
}

static int cmd_inspect(struct args *a)
{
	char err[200], hex[129];

	if (a->npos != 1)
		return fail_usage("inspect needs IMAGE [--json]%s", "");
	size_t len = 0;
	uint8_t *img = hostio_read_file(a->pos[0], &len, err, sizeof(err));
	if (!img) {
		fprintf(stderr, "%s: %s: %s\n", prog, a->pos[0], err);
		return RK_EXIT_USAGE;
	}
	if (rk_keyring_is_doc(img, len)) {
		int rc = keyring_inspect(a, img, len);
		free(img);
		return rc;
	}
	/* Each rule on its own, so a broken image shows all that is wrong,
	 * and the loader's own verdict (first failure, in order) beside. */
	struct rk_npl_policy pol = {.arch = RK_NPL_ARCH_ANY, .accept_v1 = true};
	struct rk_npl_header h;
	struct rk_npl_diag diag;
	memset(&h, 0, sizeof(h));
	enum rk_npl_err verdict = rk_npl_parse(img, len, &pol, &h, &diag);
	bool hdr = len >= RK_NPL_HEADER_SIZE;
	bool v2 = hdr && h.version == RK_NPL_V2;
	bool reserved_zero = true;
	for (unsigned i = 0; i < RK_NPL_RESERVED_SIZE; i++)
		reserved_zero &= h.reserved[i] == 0;
	uint64_t have = hdr ? len - RK_NPL_HEADER_SIZE : 0;
	struct {
		const char *name;
		bool holds;
	} rules[] = {
	    {"length >= 128", hdr},
	    {"magic == 7f 4e 50 4c", hdr && !memcmp(h.magic, rk_npl_magic, 4)},
	    {"version == 1 or 2", hdr && (h.version == RK_NPL_VERSION || v2)},
	    {"arch is aarch64, x86_64 or riscv64",
	     hdr && strcmp(rk_npl_arch_name(h.arch), "unknown")},
	    {"flags == 0", hdr && h.flags == 0},
	    {v2 ? "name: 1-23 of A-Za-z0-9._-, zero-padded"
	        : "reserved all zero",
	     hdr &&
	         (v2 ? rk_npl_name_ok(h.name, sizeof(h.name)) : reserved_zero)},
	    {"0 < body_size <= 16 MiB",
	     hdr && h.body_size > 0 && h.body_size <= RK_NPL_BODY_MAX},
	    {"128 + body_size == length", hdr && h.body_size == have},
	    {"min_abi <= this kernel's payload ABI",
	     hdr && h.min_abi <= RK_API_VERSION},
	};
	char idhex[2 * RK_NPL_KEY_ID_SIZE + 1], name[RK_NPL_NAME_SIZE + 1];
	hostio_hex(h.key_id, RK_NPL_KEY_ID_SIZE, idhex);
	/* The name as it may be printed: anything else shown as '?'. */
	for (unsigned i = 0; i <= RK_NPL_NAME_SIZE; i++) {
		char c = i < RK_NPL_NAME_SIZE ? h.name[i] : 0;
		name[i] = c && (c < 0x20 || c > 0x7e) ? '?' : c;
	}
	uint8_t digest[64];
	crypto_hash_sha512(digest, img + (hdr ? RK_NPL_HEADER_SIZE : len),
	                   have);
	hostio_hex(digest, 64, hex);
	char sighex[129];
	hostio_hex(h.sig, 64, sighex);

	if (a->json) {
		printf("{\"file\":");
		host_json_string(stdout, a->pos[0]);
		printf(",\"length\":%zu,", len);
		printf("\"magic\":\"%02x%02x%02x%02x\",\"version\":%u,"
		       "\"arch\":%u,\"arch_name\":\"%s\",\"flags\":%u,"
		       "\"signature\":\"%s\",\"body_size\":%llu,",
		       h.magic[0], h.magic[1], h.magic[2], h.magic[3],
		       h.version, h.arch, rk_npl_arch_name(h.arch), h.flags,
		       sighex, (unsigned long long)h.body_size);
		if (v2) {
			printf("\"key_id\":\"%s\",\"image_version\":"
			       "\"%u.%u.%u\",\"min_abi\":%u,"
			       "\"security_counter\":%llu,\"name\":",
			       idhex, h.ver_major, h.ver_minor, h.ver_patch,
			       h.min_abi, (unsigned long long)h.counter);
			host_json_string(stdout, name);
			printf(",");
		}
		printf(
		    "\"reserved_zero\":%s,\"body_sha512\":\"%s\",\"rules\":[",
		    reserved_zero ? "true" : "false", hex);
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			printf("%s{\"rule\":\"%s\",\"holds\":%s}", i ? "," : "",
			       rules[i].name,
			       rules[i].holds ? "true" : "false");
		printf("],\"well_formed\":%s,\"error\":\"%s\"}\n",
		       verdict == RK_NPL_OK ? "true" : "false",
		       verdict == RK_NPL_OK ? "" : rk_npl_strerror(verdict));
	} else {
		printf("file        %s (%zu bytes)\n", a->pos[0], len);
		printf("magic       %02x %02x %02x %02x\n", h.magic[0],
		       h.magic[1], h.magic[2], h.magic[3]);
		printf("version     %u\n", h.version);
		printf("arch        0x%02x (%s)\n", h.arch,
		       rk_npl_arch_name(h.arch));
		printf("flags       0x%04x\n", h.flags);
		printf("signature   %s\n", sighex);
		printf("body_size   %llu\n", (unsigned long long)h.body_size);
		if (v2) {
			printf("key_id      %s\n", idhex);
			printf("image ver   %u.%u.%u\n", h.ver_major,
			       h.ver_minor, h.ver_patch);
			printf("min_abi     %u\n", h.min_abi);
			printf("counter     %llu\n",
			       (unsigned long long)h.counter);
			printf("name        '%s'\n", name);
		} else {
			printf("reserved    %s\n",
			       reserved_zero ? "all zero" : "NOT zero");
		}
		printf("body sha512 %s\n", hex);
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			printf("rule %-42s %s\n", rules[i].name,
			       rules[i].holds ? "holds" : "BROKEN");
		if (verdict == RK_NPL_OK)
			printf("well-formed (signature not checked: use 'npl "
			       "verify')\n");
		else
			printf("NOT well-formed: %s: %s\n",
			       rk_npl_strerror(verdict), diag.msg);
	}
	free(img);
	return verdict == RK_NPL_OK ? RK_EXIT_OK : RK_EXIT_REFUSED;
}

int main(int argc, char **argv)
{
	struct args a;

	if (argc < 2)
		return usage(stderr, RK_EXIT_USAGE);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout, RK_EXIT_OK);
	if (!strcmp(argv[1], "--version")) {
		printf("npl %s (NPL v1 and v2, keyring format %u, payload ABI "
		       "%u)\n",
		       RK_VERSION, RK_KEYRING_FORMAT, RK_API_VERSION);
		return RK_EXIT_OK;
	}
	/* `npl SUBCOMMAND --help` (or -h): the same text. */
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout, RK_EXIT_OK);
	if (sodium_init() < 0) {
		fprintf(stderr, "%s: libsodium failed to initialise\n", prog);
		return RK_EXIT_USAGE;
	}
	int rc = parse_args(argc - 2, argv + 2, &a);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "keygen"))
		return cmd_keygen(&a);
	if (!strcmp(argv[1], "getpub"))
		return cmd_getpub(&a);
	if (!strcmp(argv[1], "keyring"))
		return cmd_keyring(&a);
	if (!strcmp(argv[1], "sign"))
		return cmd_sign(&a);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(&a);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(&a);
	return fail_usage("unknown command '%s' (keygen, getpub, sign, "
	                  "keyring, verify, inspect)",
	                  argv[1]);
}
