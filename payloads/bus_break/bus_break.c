/*
 * bus_break - a signed payload that writes its bus window (ubus.h) around
 * its stubs, to make the kernel read or deliver what it should not.  The
 * kernel checks the window whenever the payload enters it, so the next
 * syscall ends the payload with "[TRAP] bus window broken" ("came back"
 * never prints) and nothing it wrote reaches the bus.
 * Three builds of this file (BREAK, set by the files beside it):
 *   0 (bus_break)  an outbox index claiming 1000 messages more than the
 *                  ring holds: a kernel that trusted it would read far
 *                  past the ring
 *   1 (bus_forge)  the kernel's own restart message, put straight in
 *                  the outbox: peers would hear a restart that never was
 *   2 (bus_long)   a message longer than RK_API_MSG_MAX: a kernel that
 *                  trusted the length would copy past the slot
 */
#include <rumpk/api.h>
#include <rumpk/ubus.h>

#ifndef BREAK
#define BREAK 0
#endif

__attribute__((section(".text.entry"))) int64_t
rk_payload_entry(const struct rk_api *api)
{
	volatile struct rk_ubus_ctl *c =
	    (volatile struct rk_ubus_ctl *)(uintptr_t)RK_UBUS_UVA;
	volatile struct rk_ubus_slot *tx =
	    (volatile struct rk_ubus_slot *)(uintptr_t)(RK_UBUS_UVA +
	                                                RK_UBUS_TX_OFF);
	uint64_t tail = c->tx_tail;
	volatile struct rk_ubus_slot *s = &tx[tail % RK_UBUS_SLOTS];
	(void)s; /* not in every build */

	api->puts("[bus_break] about to write around the bus stubs");
#if BREAK == 0
	c->tx_tail = tail + RK_UBUS_SLOTS + 1000;
#elif BREAK == 1
	static const uint8_t magic[8] = RK_BUS_RESTART_MAGIC;
	for (unsigned i = 0; i < RK_BUS_RESTART_LEN; i++)
		s->data[i] = i < 8 ? magic[i] : 0;
	s->len = RK_BUS_RESTART_LEN;
	c->tx_tail = tail + 1;
#else
	s->len = 4096;
	c->tx_tail = tail + 1;
#endif
	api->yield(); /* any entry into the kernel checks the window */
	api->puts("[bus_break] came back: the kernel took the broken window");
	return 1;
}
