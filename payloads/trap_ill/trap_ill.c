/*
 * trap_ill - executes an illegal instruction.  The kernel must report a
 * trap (cause, address, PC) and exit with a status of 100 or more.
 */
#include <rumpk/api.h>

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	api->puts("[trap_ill] about to execute an illegal instruction");
#if defined(__x86_64__)
	__asm__ volatile("ud2");
#elif defined(__aarch64__)
	__asm__ volatile("udf #0");
#elif defined(__riscv)
	__asm__ volatile("unimp");
#endif
	return 0;
}
