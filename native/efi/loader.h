/*
 * loader.h - the EFI loader's pieces: the common part (main.c: console,
 * files, the embedded kernel, the memory map, ExitBootServices) and what
 * each architecture adds (x86_64.c, aarch64.c: the kernel's boot
 * information and the jump into it).
 */
#ifndef RUMPK_EFI_LOADER_H
#define RUMPK_EFI_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "efi.h"

#define RK_EFI_MAX_FILES     32u
#define RK_EFI_NAME          48u
#define RK_EFI_CMDLINE       1024u
#define RK_EFI_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct rk_efi_file {
	char name[RK_EFI_NAME];
	uint64_t addr, size;
};

struct rk_efi_boot {
	struct efi_system_table *st;
	uint64_t entry; /* the kernel ELF's entry point */
	uint64_t kernel_start, kernel_end;
	struct rk_efi_file files[RK_EFI_MAX_FILES];
	unsigned nfiles;
	uint64_t blob, blob_len; /* where the files are, together */
	char cmdline[RK_EFI_CMDLINE];
	bool secure_boot;
};

/* The architecture's part. */
extern const uint16_t rk_efi_elf_machine; /* e_machine of its kernel */
extern const uint64_t rk_efi_max_address; /* highest usable byte + 1 */
extern const uint64_t rk_efi_file_align;  /* each payload's alignment */
/* Before the memory map is taken: allocate what the handoff needs and add
 * to the command line.  NULL, or why not. */
const char *rk_efi_arch_prepare(struct rk_efi_boot *b);
/* Fills the handoff from the final memory map: computation only (no boot
 * service may be called between GetMemoryMap and ExitBootServices).
 * NULL, or why the map does not fit. */
const char *rk_efi_arch_handoff(struct rk_efi_boot *b, const uint8_t *map,
                                size_t map_size, size_t desc_size);
/* After ExitBootServices: into the kernel, never back. */
__attribute__((noreturn)) void rk_efi_arch_enter(struct rk_efi_boot *b);

/* The common part, for the architectures. */
void rk_efi_print(const char *s);
void rk_efi_print_hex(uint64_t v);
/* v in decimal, in buf; returns where the digits start. */
const char *rk_efi_dec(uint64_t v, char buf[21]);
/* Appends at most n bytes of s (up to its NUL) to dst at `at`, within
 * cap, newlines and tabs made blanks; returns the new end. */
size_t rk_efi_cat(char *dst, size_t cap, size_t at, const char *s, size_t n);
efi_status rk_efi_alloc(uint64_t bytes, uint64_t *addr);
/* Whether an EFI memory type is free RAM once boot services are gone
 * (UEFI 2.10 table 7.10: loader, boot-services and conventional memory). */
bool rk_efi_type_is_ram(uint32_t type);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);

#endif
