/*
 * hostio.h - file helpers of the host programs (the npl tool, mkbad, the
 * simulator's command line, host tests): whole-file reads, key files,
 * hex.
 */
#ifndef RUMPK_HOSTIO_H
#define RUMPK_HOSTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest file either program reads whole (an image or a key). */
#define HOSTIO_MAX_FILE (64u * 1024u * 1024u)

/* Reads a whole file into a malloc'd buffer.  On failure returns NULL and
 * writes a reason ("No such file or directory", "larger than ...") into
 * err. */
uint8_t *hostio_read_file(const char *path, size_t *len, char *err,
                          size_t errlen);
/* Writes a file; exclusive refuses to replace an existing one.  0 or -1
 * with the reason in err. */
int hostio_write_file(const char *path, const void *data, size_t len,
                      unsigned mode, bool exclusive, char *err, size_t errlen);

/* Key files (npl keygen) say what they hold:
 *
 *     rumpk secret key 7c8e12dd7bc2f8f5      (or "rumpk public key ...")
 *     <the 32 bytes as 64 hex digits>
 *
 * each line ending in one '\n' (CRLF refused), the 16 hex digits the key
 * id (SHA-512 of the public key, first 8 bytes).  A file of the other
 * kind is refused, saying so.  A file of the 64 hex digits alone (and
 * perhaps one newline), as written before the first line existed, is
 * still read, as either kind.  A public key's id is checked here; a
 * secret key's claimed id goes to *id (*named says whether there was
 * one) for the caller, which can derive the public key, to check
 * (host_read_secret).  0, or -1 with the reason in err. */
enum hostio_key_kind { HOSTIO_KEY_SECRET, HOSTIO_KEY_PUBLIC };
#define HOSTIO_KEY_ID_LEN 8
/* The text of a key file: the first line, the digits, two newlines. */
#define HOSTIO_KEY_TEXT (34 + 64 + 2 + 1)
int hostio_read_key(const char *path, enum hostio_key_kind kind,
                    uint8_t key[32], uint8_t id[HOSTIO_KEY_ID_LEN], bool *named,
                    char *err, size_t errlen);
/* The file's text for key (its id given), NUL-terminated; returns its
 * length. */
size_t hostio_key_text(enum hostio_key_kind kind, const uint8_t key[32],
                       const uint8_t id[HOSTIO_KEY_ID_LEN],
                       char out[HOSTIO_KEY_TEXT]);
void hostio_hex(const uint8_t *in, size_t len, char *out /* 2*len+1 */);
/* Decodes n hex digits (n even, n/2 <= cap) into out: the byte count, or
 * -1 for an odd count, a non-hex digit or too little room. */
long hostio_unhex(const char *hex, size_t n, uint8_t *out, size_t cap);

#endif
