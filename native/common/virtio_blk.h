/*
 * virtio_blk.h - the persistent store of the native kernels: a virtio
 * block device on the virtio-mmio transport (docs/store.md), which QEMU
 * gives every machine Rumpk boots on (x86_64 microvm, aarch64 and riscv64
 * virt).  virtio_blk.c implements hal.h's hal_store_* over it; a port
 * finds the transports (the device tree, or the machine's fixed window)
 * and offers each to rk_virtio_blk_probe until one is a block device.
 */
#ifndef RUMPK_NATIVE_VIRTIO_BLK_H
#define RUMPK_NATIVE_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

/* Is there a virtio block device at this virtio-mmio window (mapped as
 * device memory by the port)?  If so, and no store is set up yet, it is
 * reset and set up as the store: true.  Anything else there (another
 * device, nothing, a device that fails its set-up) leaves it alone:
 * false (a failed set-up is said on the console). */
bool rk_virtio_blk_probe(uintptr_t base);

#endif
