/*
 * npl_cli.h - what the npl tool's files share: the parsed command line
 * (one scanner for every subcommand) and small helpers.  npl.c has the
 * image commands (keygen, getpub, sign, verify, inspect), npl_keyring.c
 * the keyring documents (docs/keyring.md).
 */
#ifndef RUMPK_TOOLS_NPL_CLI_H
#define RUMPK_TOOLS_NPL_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rumpk/keyring.h>
#include <rumpk/npl.h>

#define MAX_PUB 16

extern const char *const npl_prog;

/* A tiny option scanner: --name VALUE pairs and positionals, in any
 * order, so every subcommand parses the same way. */
struct args {
	const char *out, *key, *arch;
	const char *name, *version, *counter, *min_abi, *format, *min_counter;
	const char *pubs[MAX_PUB];
	size_t npubs;
	/* npl keyring: --root (secret keys that sign), --add KEY[:NAME],
	 * --revoke KEY|ID; verify: --threshold. */
	const char *roots[RK_KEYRING_MAX_SIGS];
	size_t nroots;
	const char *adds[RK_KEYRING_MAX_KEYS];
	size_t nadds;
	const char *revokes[RK_KEYRING_MAX_REVOKED];
	size_t nrevokes;
	const char *threshold;
	bool json, accept_v1;
	const char *pos[2];
	size_t npos;
};

/* "npl: " fmt (with arg) and the hint to --help on stderr; returns 2. */
int fail_usage(const char *fmt, const char *arg);
/* A decimal number from 0 to max, the whole string. */
bool parse_num(const char *s, uint64_t max, uint64_t *out);
void print_key_id(FILE *f, const uint8_t id[RK_NPL_KEY_ID_SIZE]);

/* npl_keyring.c */
int cmd_keyring(struct args *a);
/* verify / inspect of a keyring document (the file's magic says so). */
int keyring_verify(struct args *a, const uint8_t *doc, size_t len);
int keyring_inspect(struct args *a, const uint8_t *doc, size_t len);

#endif
