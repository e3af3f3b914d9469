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

/* A key file holds exactly 32 bytes as 64 hex digits and one newline
 * (the newline may be missing; CRLF is refused).  0, or -1 with the
 * reason in err. */
int hostio_read_key(const char *path, uint8_t key[32], char *err,
                    size_t errlen);
void hostio_hex(const uint8_t *in, size_t len, char *out /* 2*len+1 */);
/* Decodes n hex digits (n even, n/2 <= cap) into out: the byte count, or
 * -1 for an odd count, a non-hex digit or too little room. */
long hostio_unhex(const char *hex, size_t n, uint8_t *out, size_t cap);

#endif
