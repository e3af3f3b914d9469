/*
 * hello - the example payload: prints through the kernel's rk_api, yields
 * once, sends itself a message over the payload bus (and waits for it,
 * passing over other payloads' messages), and returns a value the kernel
 * prints.  No libc, no globals with pointers (an NPL body has no
 * relocations): everything it needs comes through `api`.
 */
#include <rumpk/api.h>

#define HELLO_RESULT 42

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	char buf[RK_API_MSG_MAX];

	if (api->abi_version != RK_API_VERSION ||
	    api->size < sizeof(struct rk_api))
		return -1;
	api->puts("[hello] Hello from a signed payload!");
	api->yield();
	api->puts("[hello] back after one yield");

	static const char ping[] = "ping over the bus";
	if (api->ring_send(ping, sizeof(ping)) != 0)
		return -2;
	/* The bus is a broadcast: beside other payloads, their messages
	 * (and the kernel's, when one restarts) may come first.  Skip them
	 * until this one comes back, for a second at most. */
	uint64_t deadline = api->now_ns() + 1000000000ull;
	for (;;) {
		uint64_t now = api->now_ns();
		if (now >= deadline)
			return -3;
		int64_t n = api->ring_recv(buf, sizeof(buf), deadline - now);
		if (n < 0)
			return -3;
		if (n != (int64_t)sizeof(ping))
			continue;
		int64_t i = 0;
		while (i < n && buf[i] == ping[i])
			i++;
		if (i == n)
			break;
	}
	api->puts("[hello] bus message came back intact");
	return HELLO_RESULT;
}
