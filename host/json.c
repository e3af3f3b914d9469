/*
 * json.c - JSON strings for the host programs' reports.
 */
#include "json.h"

void host_json_string(FILE *out, const char *s)
{
	putc('"', out);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			putc(*c, out);
	}
	putc('"', out);
}
