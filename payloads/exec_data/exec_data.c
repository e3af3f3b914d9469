/*
 * exec_data - a signed payload that tries to run bytes it wrote itself:
 * "return 42" copied into a stack buffer, then called.  Data pages are
 * never executable (W^X), so the call must trap: the kernel reports it
 * and exits with 100, and "came back" never prints.  A CPU that cannot
 * refuse it (x86_64 without NX) must not run payloads at all.
 */
#include <rumpk/api.h>

/* "return 42" in this arch's machine code. */
#if defined(__x86_64__)
static const uint8_t code[] = {0x48, 0xc7, 0xc0, 0x2a,
                               0x00, 0x00, 0x00, /* mov rax, 42 */
                               0xc3};            /* ret */
#elif defined(__aarch64__)
static const uint8_t code[] = {0x40, 0x05, 0x80, 0xd2,  /* mov x0, #42 */
                               0xc0, 0x03, 0x5f, 0xd6}; /* ret */
#elif defined(__riscv)
static const uint8_t code[] = {0x13, 0x05, 0xa0, 0x02,  /* li a0, 42 */
                               0x67, 0x80, 0x00, 0x00}; /* ret */
#endif

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint8_t buf[16];
	for (unsigned i = 0; i < sizeof(code); i++)
		buf[i] = code[i];
	api->puts("[exec_data] about to call code written to the stack");
	int64_t (*fn)(void) = (int64_t(*)(void))(uintptr_t)buf;
	int64_t r = fn();
	api->puts(r == 42 ? "[exec_data] came back: data is executable"
	                  : "[exec_data] came back with another value");
	return 1;
}
