/*
 * hal_misc.c - boot entropy and exit on the simulator.
 */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <rumpk/hal.h>

#include "host_hal.h"
#include "sim.h"

void hal_boot_entropy(uint8_t key[16])
{
	size_t got = 0;
	while (got < 16) {
		ssize_t n = getrandom(key + got, 16 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < 16) {
		/* No getrandom: IDs only need to differ between boots. */
		uint64_t t = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
		for (unsigned i = 0; i < 16; i++)
			key[i] = (uint8_t)(t >> (8 * (i % 8))) ^ (uint8_t)i;
	}
}

_Noreturn void hal_exit(int status)
{
	host_console_flush();
	_exit(status);
}
