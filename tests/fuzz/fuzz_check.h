/* fuzz_check.h - what every libFuzzer harness here shares: the entry
 * points' prototypes and CHECK, which names the harness (FUZZ_NAME, set
 * before including this) and the property, prints why, and aborts so
 * libFuzzer keeps the input. */
#ifndef RUMPK_FUZZ_CHECK_H
#define RUMPK_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr,                                        \
			        FUZZ_NAME ": property violated: %s: ", #cond); \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
