/*
 * core.h - what the core's own files share and no platform calls: the
 * payload runner, the initrd splitter, the demo, the command-line reader,
 * and the data the build generates for the core (the compiled-in keyring,
 * the demo's images).  A platform sees include/rumpk/ only (kernel.h for
 * the boot); host tests that reach inside the core include this too.
 */
#ifndef RUMPK_CORE_H
#define RUMPK_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpk/kernel.h>
#include <rumpk/keyring.h>
#include <rumpk/npl.h>
#include <rumpk/sched.h>
#include <rumpk/ubus.h>

/* The compiled-in keyring (scripts/gen_keyring.py, from -Dtrusted_keys)
 * and the repository's development key, to warn when it is trusted. */
extern const uint8_t rk_trusted_keys[][32];
extern const size_t rk_trusted_key_count;
extern const uint8_t rk_dev_pubkey[32];

/* Images the build makes for the demo, signed with the development key
 * (payloads/meson.build, scripts/bin2c.py). */
extern const uint8_t rk_demo_ret[]; /* single RET, this arch */
extern const size_t rk_demo_ret_len;
extern const uint8_t rk_demo_ret_other[]; /* single RET, another arch */
extern const size_t rk_demo_ret_other_len;
extern const uint8_t rk_demo_hello[]; /* payloads/hello */
extern const size_t rk_demo_hello_len;

/* Loads, verifies and runs one image on a fiber of its own, printing the
 * [NPL] lines (payload.c); result and err may be NULL; quiet_refusal
 * leaves the refusal's line to the caller. */
/* RK_RUN_TRAPPED: the payload faulted in user mode and was contained;
 * *result holds the status its fault earns (RK_EXIT_TRAP, _STACK). */
enum rk_run_result { RK_RUN_OK, RK_RUN_REFUSED, RK_RUN_FAILED, RK_RUN_TRAPPED };
enum rk_run_result rk_payload_run(const void *image, size_t len,
                                  const char *name,
                                  const struct rk_npl_policy *pol,
                                  int64_t *result, enum rk_npl_err *err,
                                  bool quiet_refusal);
/* Splits a blob of back-to-back images; calls fn for each piece (the
 * last may be a malformed remainder, which the loader then refuses). */
size_t rk_initrd_split(const void *blob, size_t len,
                       void (*fn)(const void *img, size_t len, size_t idx,
                                  void *arg),
                       void *arg);

/* A payload's end of the bus: its window (mapped into it in user mode)
 * and the indices the kernel owns, which it never reads back from the
 * window. */
struct rk_bus_port {
	void *window; /* RK_UBUS_SIZE bytes of kernel memory */
	uint64_t tx_head, rx_tail;
	uint64_t rx_shown; /* the rx_tail last stored in the window */
	struct rk_waitq nonempty;
	bool attached;
	bool sleeping; /* its payload waits in rk_bus_recv */
};
/* ---- security counters (rollback.c) and the store (store.c) -------- */
/* How many payload names the kernel keeps a counter for. */
#define RK_ROLLBACK_NAMES 64u
/* The kernel's state: what the persistent store holds (docs/store.md). */
struct rk_state {
	uint64_t seq; /* 0: fresh (never written) */
	uint32_t ncounters;
	struct {
		char name[RK_NPL_NAME_SIZE];
		uint64_t value;
	} counters[RK_ROLLBACK_NAMES];
	/* The keyring document last accepted (keyring.h), 0: none, and
	 * every key id ever revoked (revoked keys stay revoked). */
	uint64_t keyring_version;
	uint32_t nkeys, nrevoked;
	uint8_t keys[RK_KEYRING_MAX_KEYS][32];
	char key_names[RK_KEYRING_MAX_KEYS][RK_NPL_NAME_SIZE];
	uint8_t revoked[RK_KEYRING_MAX_REVOKED][RK_NPL_KEY_ID_SIZE];
};
/* The state as it stands (on the store when there is one). */
const struct rk_state *rk_state_now(void);
/* Makes next the state: written to the store first when there is one
 * (what says what changed, for the console).  0, or -1 when the store
 * write failed or the store failed its check (the state stays). */
int rk_state_commit(const struct rk_state *next, const char *what);
/* The highest counter accepted for name so far (0: none): the
 * counter_floor of the kernel's rk_npl_policy. */
uint64_t rk_rollback_floor(const char *name, void *ctx);
/* Raises name's counter to counter if higher, on the store first when
 * there is one: 0, or -1 when it cannot (the table is full, the write
 * failed, the store failed its check); the image is then refused. */
int rk_rollback_accept(const char *name, uint64_t counter);
/* At boot: the state from the store, said on the console.  0, or -1
 * when the store failed its check (rk_rollback_failed says why). */
int rk_rollback_boot(void);
/* Why the store failed its check at boot, or NULL: no payload runs. */
const char *rk_rollback_failed(void);
/* Forgets every counter and the store (tests). */
void rk_rollback_reset(void);

/* ---- trust: root keys, payload keys, keyring documents (trust.c) --- */
/* The roots (base: the compiled-in keys or those the boot chose), and
 * the payload keys they and the stored keyring make, into pol.  Call
 * after rk_rollback_boot. */
void rk_trust_init(const uint8_t (*base)[32], size_t nbase,
                   struct rk_npl_policy *pol);
/* A keyring document given at boot (name: its file): checked, stored,
 * then in force for the images after it (pol's keys change).  0, or -1
 * when refused (said on the console). */
int rk_trust_apply(const void *image, size_t len, const char *name,
                   struct rk_npl_policy *pol);

/* One slot of the store: a whole state, its sequence number, its digest. */
#define RK_STORE_SLOT_BYTES 4096u
bool rk_store_present(void);
/* The newest valid state (a blank store: seq 0): 0, or -1 with why. */
int rk_store_load(struct rk_state *st, char *why, size_t cap);
/* Writes st as the next state (seq + 1) into the slot that does not hold
 * the current one; st->seq is updated only once the write is durable.
 * 0, or -1 (the store keeps the state before). */
int rk_store_save(struct rk_state *st);
/* The slot the state was last read from or written to, -1: none. */
int rk_store_slot(void);

/* ---- payloads in user mode (uspace.c, syscall.c; docs/isolation.md) -- */
#define RK_USTACK_SIZE (64u * 1024u)

/* A range of a payload's user mappings that syscalls may touch. */
struct rk_uregion {
	uintptr_t uva;
	size_t len;
	bool writable;
};
struct rk_uspace {
	struct hal_uspace *as;
	void *api_page, *stack; /* kernel pages the space maps */
	uintptr_t api_uva, entry_uva, exit_uva, sp_uva, guard_lo;
	struct rk_uregion regions[5];
	unsigned nregions;
};
/* Lays out and maps the payload's address space around its sealed copy;
 * 0, or -1 (nothing left allocated). */
/* bus_window: the payload's RK_UBUS_SIZE bytes of bus window (bus.c),
 * mapped read+write; the space does not own it. */
int rk_uspace_build(struct rk_uspace *u, const struct rk_npl_image *img,
                    void *bus_window);
void rk_uspace_free(struct rk_uspace *u);
/* Does [uva, uva + len) lie inside one of the payload's own mappings
 * (writable ones when write)?  Safe against any uva and len. */
bool rk_uspace_range(const struct rk_uspace *u, uint64_t uva, uint64_t len,
                     bool write);
/* Is addr in the unmapped page below the payload's stack? */
bool rk_uspace_in_guard(const struct rk_uspace *u, uintptr_t addr);

/* How many frames a user fault's report walks (syscall.c). */
#define RK_BACKTRACE_MAX 16u

/* What a payload's fiber knows of it (payload.c). */
struct rk_payload {
	const char *name;
	uint64_t id;
	struct rk_uspace us;
	struct rk_bus_port port;
	int fault_status; /* RK_EXIT_TRAP / _STACK when it faulted */
	bool no_value;    /* returned without setting its result */
};
/* The payload on the current fiber, or NULL (a kernel fiber). */
struct rk_payload *rk_payload_current(void);
/* Ends the current payload's fiber with code, detached from the bus. */
_Noreturn void rk_payload_exit(int64_t code);
/* Every payload's CPU budget (0: none); budget_ms= on the command line.
 * The default ends a spinning payload within seconds, so no run hangs. */
#define RK_USER_BUDGET_DEFAULT_NS (10ull * 1000 * 1000 * 1000)
void rk_user_set_budget(uint64_t ns);

/* What happens when a payload faults in user mode (fault= on the
 * command line): end it and go on (kill, the default), end the run
 * (stop), or start it again from its verified copy up to restarts times
 * (restart:N). */
enum rk_fault_kind { RK_FAULT_KILL, RK_FAULT_STOP, RK_FAULT_RESTART };
struct rk_fault_policy {
	enum rk_fault_kind kind;
	unsigned restarts;
};
void rk_payload_set_policy(const struct rk_fault_policy *pol);

/* A payload in flight (run=parallel starts them all, then finishes
 * them in order).  rk_payload_start prints the [NPL] lines of loading
 * and returns NULL when the image was refused (*err says why) or no
 * slot was free; rk_payload_finish waits for it, restarts it under
 * fault=restart, and reports. */
#define RK_MAX_RUNS (RK_MAX_IMAGES + 1)
struct rk_run;
struct rk_run *rk_payload_start(const void *image, size_t len, const char *name,
                                const struct rk_npl_policy *pol,
                                enum rk_npl_err *err, bool quiet_refusal);
enum rk_run_result rk_payload_finish(struct rk_run *run, int64_t *result);
/* The current payload faulted in user mode (its [TRAP] line printed):
 * under fault=kill its fiber ends, fault=stop ends the run with status,
 * fault=restart:N starts it again on the same fiber while N allows. */
_Noreturn void rk_payload_fault(int status);
/* ---- the payload bus (bus.c; include/rumpk/ubus.h) ------------------ */
/* 0, or -1 when there is no memory for the window. */
int rk_bus_port_init(struct rk_bus_port *p);
void rk_bus_port_free(struct rk_bus_port *p);
/* Attached ports receive every message sent from then on. */
void rk_bus_attach(struct rk_bus_port *p);
void rk_bus_detach(struct rk_bus_port *p);
/* After a restart: an empty outbox, the inbox kept. */
void rk_bus_reset_outbox(struct rk_bus_port *p);
/* One message into every attached inbox, or into none: 0, -RK_EINVAL,
 * -RK_EAGAIN (an inbox is full). */
int rk_bus_send(const void *msg, size_t len);
/* Does msg start like one of the kernel's own messages (api.h)? */
bool rk_bus_is_kernel_msg(const void *msg, size_t len);
/* Moves p's outbox onto the bus, as far as the inboxes have room.  NULL,
 * or what the payload broke in its window (it is then ended). */
const char *rk_bus_flush(struct rk_bus_port *p);
const char *rk_bus_check(const struct rk_bus_port *p);
/* Flushes every other port whose outbox waits (their payloads are not
 * running: on one CPU, the kernel is). */
void rk_bus_flush_others(const struct rk_bus_port *self);
bool rk_bus_outbox_full(const struct rk_bus_port *p);
/* The next message of p's inbox, at most cap bytes of it into buf (a
 * user address when to_user, already checked by the caller): its full
 * length, -RK_ETIMEDOUT, or -RK_EFAULT when the reader broke its index. */
int64_t rk_bus_recv(struct rk_bus_port *p, void *buf, size_t cap,
                    uint64_t timeout_ns, bool to_user);

/* The built-in demo (demo.c): the exit status it earned. */
int rk_demo_run(const struct rk_npl_policy *pol);

/* True when the whitespace-separated word appears in cmdline; with
 * value != NULL, finds "word=..." and points *value at the rest of it
 * (not terminated: *len says how long).  cmdline may be NULL. */
bool rk_cmdline_word(const char *cmdline, const char *word, const char **value,
                     size_t *len);
/* Every word that starts with prefix, one per call: *pos starts at the
 * command line (may be NULL) and moves on; *rest points after the prefix,
 * *len says how far the word goes.  False when no more are left. */
bool rk_cmdline_prefixed(const char **pos, const char *prefix,
                         const char **rest, size_t *len);

#endif
