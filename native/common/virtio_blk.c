/*
 * virtio_blk.c - a virtio block device over legacy virtio-mmio, as the
 * store (hal.h's hal_store_*, docs/store.md).  Facts from the virtio 1.1
 * specification: the register map of the legacy MMIO interface (4.2.4),
 * the split virtqueue in its legacy layout (2.6.2: descriptors, then the
 * available ring, then, on the next QueueAlign boundary, the used ring),
 * the device status sequence (3.1.1 and its legacy notes) and the block
 * device's requests (5.2.6: a 16-byte header, the data, a status byte).
 *
 * One request at a time, polled: the store is written a few times a boot,
 * so neither interrupts nor a deep queue earn their keep.  Every value the
 * device hands back (the used ring's index, id and length, the status
 * byte, the capacity) is checked before it is believed; a device that
 * does not answer within STORE_TIMEOUT_NS fails the request.  Kernel
 * memory is identity-mapped, so the addresses given to the device are the
 * pointers themselves.
 */
#include <rumpk/hal.h>
#include <rumpk/klib.h>

#include "pmm.h"
#include "virtio_blk.h"

/* Legacy virtio-mmio registers (4.2.4), 32-bit each. */
#define VM_MAGIC         0x000 /* "virt" */
#define VM_VERSION       0x004 /* 1: legacy */
#define VM_DEVICE_ID     0x008 /* 2: block */
#define VM_HOST_FEATURES 0x010
#define VM_HOST_SEL      0x014
#define VM_GUEST_FEAT    0x020
#define VM_GUEST_SEL     0x024
#define VM_PAGE_SIZE     0x028
#define VM_QUEUE_SEL     0x030
#define VM_QUEUE_MAX     0x034
#define VM_QUEUE_NUM     0x038
#define VM_QUEUE_ALIGN   0x03c
#define VM_QUEUE_PFN     0x040
#define VM_NOTIFY        0x050
#define VM_STATUS        0x070
#define VM_CONFIG        0x100 /* block: capacity in 512-byte sectors */
#define VM_MAGIC_VALUE   0x74726976u

#define ST_ACKNOWLEDGE 1u
#define ST_DRIVER      2u
#define ST_DRIVER_OK   4u
#define ST_FAILED      128u

#define BLK_F_RO    (1u << 5)
#define BLK_F_FLUSH (1u << 9)
#define BLK_T_IN    0u
#define BLK_T_OUT   1u
#define BLK_T_FLUSH 4u
#define BLK_S_OK    0u

#define DESC_F_NEXT  1u
#define DESC_F_WRITE 2u /* the device writes this buffer */

#define PAGE             4096u
#define QSIZE            8u /* three descriptors per request */
#define CHUNK_BLOCKS     8u /* a read's bounce page */
#define STORE_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct req_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* The queue (legacy layout for QSIZE entries, 4096-aligned): descriptors
 * and the available ring in the first page, the used ring in the second;
 * then the request header, status byte and the data's bounce page. */
struct vq {
	struct desc desc[QSIZE];
	uint16_t avail_flags, avail_idx, avail_ring[QSIZE], used_event;
	uint8_t pad0[PAGE - QSIZE * sizeof(struct desc) - (4 + 2 * QSIZE + 2)];
	uint16_t used_flags, used_idx;
	struct {
		uint32_t id, len;
	} used_ring[QSIZE];
	uint16_t avail_event;
	uint8_t pad1[PAGE - 4 - 8 * QSIZE - 2];
	struct req_hdr hdr;
	uint8_t status;
	uint8_t pad2[PAGE - sizeof(struct req_hdr) - 1];
	uint8_t data[CHUNK_BLOCKS * HAL_STORE_BLOCK];
};
_Static_assert(sizeof(struct vq) == 4 * PAGE, "the queue's pages");

static uintptr_t regs;    /* the store's window, 0: none */
static struct vq *q;      /* its queue, from the page allocator */
static uint64_t capacity; /* in blocks */
static bool flush;        /* VIRTIO_BLK_F_FLUSH negotiated */
static uint16_t seen;     /* the used index we have consumed up to */

static uint32_t rd(uintptr_t base, unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr(uintptr_t base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

/* Orders our ring writes before the device sees the notify, and the
 * device's used-ring writes before we read what they say. */
static void barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool rk_virtio_blk_probe(uintptr_t base)
{
	if (regs || rd(base, VM_MAGIC) != VM_MAGIC_VALUE ||
	    rd(base, VM_VERSION) != 1 || rd(base, VM_DEVICE_ID) != 2)
		return false;
	wr(base, VM_STATUS, 0); /* reset */
	wr(base, VM_STATUS, ST_ACKNOWLEDGE);
	wr(base, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER);
	wr(base, VM_HOST_SEL, 0);
	uint32_t feat = rd(base, VM_HOST_FEATURES);
	const char *why = NULL;
	if (feat & BLK_F_RO)
		why = "it is read-only";
	wr(base, VM_GUEST_SEL, 0);
	wr(base, VM_GUEST_FEAT, feat & BLK_F_FLUSH);
	wr(base, VM_PAGE_SIZE, PAGE);
	wr(base, VM_QUEUE_SEL, 0);
	uint32_t max = rd(base, VM_QUEUE_MAX);
	if (!why && max < QSIZE)
		why = "its queue holds fewer than 8 descriptors";
	struct vq *mem = NULL;
	if (!why) {
		mem = rk_pmm_alloc_pages(sizeof(struct vq) / PAGE);
		if (!mem)
			why = "no memory for its queue";
	}
	/* The capacity, read twice: config space is not atomic (legacy). */
	uint64_t cap = 0;
	for (int tries = 0; !why && tries < 4; tries++) {
		uint64_t a = rd(base, VM_CONFIG) |
		             (uint64_t)rd(base, VM_CONFIG + 4) << 32;
		uint64_t b = rd(base, VM_CONFIG) |
		             (uint64_t)rd(base, VM_CONFIG + 4) << 32;
		if (a == b) {
			cap = a;
			break;
		}
	}
	if (!why && cap == 0)
		why = "its capacity reads 0";
	if (why) {
		wr(base, VM_STATUS, ST_FAILED);
		if (mem)
			rk_pmm_free_pages(mem, sizeof(struct vq) / PAGE);
		rk_printf("[STORE] virtio block device at 0x%llx not used: "
		          "%s\n",
		          (unsigned long long)base, why);
		return false;
	}
	rk_memset(mem, 0, sizeof(*mem));
	wr(base, VM_QUEUE_NUM, QSIZE);
	wr(base, VM_QUEUE_ALIGN, PAGE);
	wr(base, VM_QUEUE_PFN, (uint32_t)((uintptr_t)mem / PAGE));
	wr(base, VM_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_DRIVER_OK);
	regs = base;
	q = mem;
	capacity = cap;
	flush = (feat & BLK_F_FLUSH) != 0;
	seen = 0;
	rk_printf("[STORE] virtio block device at 0x%llx: %llu blocks%s\n",
	          (unsigned long long)base, (unsigned long long)cap,
	          flush ? ", flushed after each write" : ", write-through");
	return true;
}

/* One request: type, the sector, n blocks of the bounce page (n 0 for a
 * flush).  0, or -1 (a refusal, an error status, no answer in time). */
static int request(uint32_t type, uint64_t sector, uint32_t n)
{
	q->hdr = (struct req_hdr){type, 0, sector};
	q->status = 0xff;
	unsigned d = 0;
	q->desc[d] =
	    (struct desc){(uintptr_t)&q->hdr, sizeof(q->hdr), DESC_F_NEXT, 1};
	if (n) {
		q->desc[++d] = (struct desc){
		    (uintptr_t)q->data, n * HAL_STORE_BLOCK,
		    (uint16_t)(DESC_F_NEXT |
		               (type == BLK_T_IN ? DESC_F_WRITE : 0)),
		    2};
	}
	q->desc[d].next = (uint16_t)(d + 1);
	q->desc[++d] = (struct desc){(uintptr_t)&q->status, 1, DESC_F_WRITE, 0};
	q->avail_ring[q->avail_idx % QSIZE] = 0; /* the chain's head */
	barrier();
	q->avail_idx++;
	barrier();
	wr(regs, VM_NOTIFY, 0);
	uint64_t deadline = hal_now_ns() + STORE_TIMEOUT_NS;
	while (*(volatile uint16_t *)&q->used_idx == seen)
		if (hal_now_ns() > deadline) {
			rk_puts(
			    "[STORE] the virtio block device did not answer "
			    "in 5 s");
			return -1;
		}
	barrier();
	uint16_t used = *(volatile uint16_t *)&q->used_idx;
	uint32_t id = q->used_ring[seen % QSIZE].id;
	seen++;
	/* One request in flight: one used entry, for our chain. */
	if (used != seen || id != 0 || q->status != BLK_S_OK) {
		rk_printf("[STORE] virtio block request %u failed: used %u "
		          "(expected %u), id %u, status %u\n",
		          type, used, seen, id, q->status);
		seen = used;
		return -1;
	}
	return 0;
}

uint64_t hal_store_blocks(void)
{
	return regs ? capacity : 0;
}

static bool in_range(uint64_t block, size_t n)
{
	return regs && block <= capacity && n <= capacity - block;
}

int hal_store_read(uint64_t block, void *buf, size_t n)
{
	if (!in_range(block, n))
		return -1;
	for (size_t done = 0; done < n;) {
		uint32_t k = (uint32_t)RK_MIN(n - done, (size_t)CHUNK_BLOCKS);
		if (request(BLK_T_IN, block + done, k) != 0)
			return -1;
		rk_memcpy((uint8_t *)buf + done * HAL_STORE_BLOCK, q->data,
		          k * HAL_STORE_BLOCK);
		done += k;
	}
	return 0;
}

int hal_store_write(uint64_t block, const void *buf, size_t n)
{
	if (!in_range(block, n))
		return -1;
	/* A block per request: a disk guarantees no more than a sector at a
	 * time, and the store's format is made for a write torn between any
	 * two (docs/store.md); the power-cut tests then cut between them. */
	for (size_t i = 0; i < n; i++) {
		rk_memcpy(q->data, (const uint8_t *)buf + i * HAL_STORE_BLOCK,
		          HAL_STORE_BLOCK);
		if (request(BLK_T_OUT, block + i, 1) != 0)
			return -1;
	}
	/* Durable before we say so: a flush when the device offered one;
	 * a device that offers neither flush nor a writeback setting has a
	 * write-through cache (5.2.5.1), so its completion is enough. */
	return flush ? request(BLK_T_FLUSH, 0, 0) : 0;
}
