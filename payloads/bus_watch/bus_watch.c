/*
 * bus_watch - listens on the payload bus for the kernel's word that a
 * peer was restarted (RK_BUS_RESTART_MAGIC, api.h: fault=restart:N), and
 * checks that a payload cannot forge it: its own send of those bytes
 * must be refused.  Runs beside the faulting peer (run=parallel).
 */
#include <rumpk/api.h>

static int is_restart(const uint8_t *m, int64_t len)
{
	static const uint8_t magic[8] = RK_BUS_RESTART_MAGIC;
	if (len != RK_BUS_RESTART_LEN)
		return 0;
	for (unsigned i = 0; i < 8; i++)
		if (m[i] != magic[i])
			return 0;
	return 1;
}

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	uint8_t m[RK_API_MSG_MAX];
	for (unsigned i = 0; i < RK_BUS_RESTART_LEN; i++)
		m[i] = 0;
	m[1] = 'r', m[2] = 'k', m[3] = '-', m[4] = 'r', m[5] = 's', m[6] = 't';
	if (api->ring_send(m, RK_BUS_RESTART_LEN) == 0) {
		api->puts("[bus_watch] a payload forged the kernel's restart "
		          "message");
		return 1;
	}
	api->puts("[bus_watch] listening for a peer's restart");
	for (unsigned tries = 0; tries < 100; tries++) {
		int64_t len = api->ring_recv(m, sizeof(m), 100000000ull);
		if (len >= 0 && is_restart(m, len)) {
			api->puts("[bus_watch] a peer restarted");
			return 0;
		}
	}
	api->puts("[bus_watch] no restart seen in 10 s");
	return 1;
}
