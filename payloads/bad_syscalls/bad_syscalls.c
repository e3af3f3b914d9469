/*
 * bad_syscalls - a signed payload that makes every system call with
 * arguments a hostile payload would try: kernel addresses, unmapped
 * addresses, ranges that wrap around the address space, lengths over
 * the limits, read-only buffers for output, unknown numbers.  Each must
 * come back with the error include/rumpk/syscall.h names, never a fault
 * or a kernel crash; then it says how many were refused and returns 0.
 * Only meaningful where payloads run in user mode.
 */
#include <rumpk/api.h>
#include <rumpk/syscall.h>

#include "../hostile.h"

/* One call, one expected error; a line names any call that was not
 * refused as expected (by its letter, in order). */
static unsigned check(const struct rk_api *api, unsigned idx, uint64_t nr,
                      uint64_t a0, uint64_t a1, uint64_t a2, int64_t want)
{
	if (rk_syscall3(nr, a0, a1, a2) == want)
		return 1;
	char line[48] = "[bad_syscalls] NOT refused as expected: ?";
	line[40] = (char)('a' + idx);
	api->puts(line);
	return 0;
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile uint8_t buf[64];
	uint64_t mine = (uintptr_t)buf;
	uint64_t table = (uintptr_t)api; /* mapped, read-only */
	unsigned ok = 0, n = 0;

	api->puts("[bad_syscalls] about to pass hostile arguments");
	buf[0] = 'o';
	ok += check(api, n++, RK_SYS_PUTS, KERNEL_BASE, 16, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_PUTS, 0, 1, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_PUTS, mine, UINT64_MAX, 0, -RK_EINVAL);
	ok += check(api, n++, RK_SYS_PUTS, mine, RK_SYS_PUTS_MAX + 1, 0,
	            -RK_EINVAL);
	ok += check(api, n++, RK_SYS_PUTS, UINT64_MAX - 3, 8, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_SEND, KERNEL_BASE, 8, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_SEND, mine, RK_API_MSG_MAX + 1, 0,
	            -RK_EINVAL);
	ok += check(api, n++, RK_SYS_SEND, UINT64_MAX, 2, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_RECV, KERNEL_BASE, 8, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_RECV, table, 8, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_RECV, UINT64_MAX - 7, 60, 0, -RK_EFAULT);
	ok += check(api, n++, RK_SYS_COUNT, 0, 0, 0, -RK_ENOSYS);
	ok += check(api, n++, 999, KERNEL_BASE, 0, 0, -RK_ENOSYS);
	ok += check(api, n++, UINT64_MAX, 0, 0, 0, -RK_ENOSYS);
	if (ok == n)
		api->puts("[bad_syscalls] every bad call refused");
	return ok == n ? 0 : 1;
}
