/*
 * json.h - JSON output of the host programs (rumpk-sim --stats json, npl
 * inspect --json): one way to write a string, so every program escapes
 * the same.
 */
#ifndef RUMPK_HOST_JSON_H
#define RUMPK_HOST_JSON_H

#include <stdio.h>

/* Writes s to out as a JSON string (RFC 8259): in double quotes, '"' and
 * '\' escaped with a backslash, every control character (U+0000 to
 * U+001F) as \u00XX.  Other bytes pass unchanged, so UTF-8 stays UTF-8
 * (a file name that is not UTF-8 stays as it is, too). */
void host_json_string(FILE *out, const char *s);

#endif
