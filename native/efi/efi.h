/*
 * efi.h - the few UEFI types the EFI loader uses, written from the UEFI
 * Specification 2.10: the system table (4.3), boot services (4.4, 7),
 * the loaded-image protocol (9.1), the simple file system and file
 * protocols (13.4, 13.5), EFI_FILE_INFO (13.5.16), the memory map (7.2),
 * status codes (Appendix D) and the device-tree configuration table GUID
 * (the EFI_DTB_TABLE_GUID of the Embedded Base Boot Requirements).
 *
 * Compiled by clang for the Windows targets, so the calling convention is
 * UEFI's (Microsoft x64, AAPCS64) without attributes.  Only the members
 * the loader calls are typed; the others are placeholders that keep the
 * offsets.
 */
#ifndef RUMPK_EFI_H
#define RUMPK_EFI_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;

#define EFI_ERR(n)           ((efi_status)1 << 63 | (n))
#define EFI_SUCCESS          0
#define EFI_LOAD_ERROR       EFI_ERR(1)
#define EFI_INVALID_PARAM    EFI_ERR(2)
#define EFI_BUFFER_TOO_SMALL EFI_ERR(5)
#define EFI_OUT_OF_RESOURCES EFI_ERR(9)
#define EFI_NOT_FOUND        EFI_ERR(14)
#define EFI_ERROR(s)         (((s) >> 63) != 0)

typedef struct {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
} efi_guid;

struct efi_table_header {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
};

struct efi_text_out {
	void *reset;
	efi_status (*output_string)(struct efi_text_out *, const char16 *);
	void *rest[8];
};

/* EFI_MEMORY_TYPE (7.2.1). */
enum {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_CODE = 5,
	EFI_RUNTIME_DATA = 6,
	EFI_CONVENTIONAL = 7,
	EFI_UNUSABLE = 8,
	EFI_ACPI_RECLAIM = 9,
	EFI_ACPI_NVS = 10,
};

/* EFI_ALLOCATE_TYPE (7.2.1). */
enum { EFI_ALLOCATE_ANY = 0, EFI_ALLOCATE_MAX = 1, EFI_ALLOCATE_AT = 2 };

struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start, virtual_start, pages, attribute;
};

struct efi_boot_services {
	struct efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status (*allocate_pages)(int type, int memory_type, size_t pages,
	                             uint64_t *address);
	efi_status (*free_pages)(uint64_t address, size_t pages);
	efi_status (*get_memory_map)(size_t *size,
	                             struct efi_memory_descriptor *map,
	                             size_t *key, size_t *desc_size,
	                             uint32_t *desc_version);
	void *allocate_pool, *free_pool;
	void *create_event, *set_timer, *wait_for_event, *signal_event,
	    *close_event, *check_event;
	void *install_protocol, *reinstall_protocol, *uninstall_protocol;
	efi_status (*handle_protocol)(efi_handle, const efi_guid *, void **);
	void *reserved, *register_protocol_notify, *locate_handle,
	    *locate_device_path, *install_configuration_table;
	void *load_image, *start_image, *exit, *unload_image;
	efi_status (*exit_boot_services)(efi_handle, size_t key);
	void *get_next_monotonic_count, *stall;
	efi_status (*set_watchdog_timer)(size_t timeout, uint64_t code,
	                                 size_t size, const char16 *data);
};

struct efi_runtime_services {
	struct efi_table_header hdr;
	void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time;
	void *set_virtual_address_map, *convert_pointer;
	efi_status (*get_variable)(const char16 *name, const efi_guid *vendor,
	                           uint32_t *attributes, size_t *size,
	                           void *data);
};

struct efi_configuration_table {
	efi_guid guid;
	void *table;
};

struct efi_system_table {
	struct efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	void *con_in;
	efi_handle console_out_handle;
	struct efi_text_out *con_out;
	efi_handle standard_error_handle;
	struct efi_text_out *std_err;
	struct efi_runtime_services *runtime;
	struct efi_boot_services *boot;
	size_t ntables;
	struct efi_configuration_table *tables;
};

struct efi_loaded_image {
	uint32_t revision;
	efi_handle parent;
	struct efi_system_table *system_table;
	efi_handle device;
	void *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
};

#define EFI_FILE_MODE_READ 1ull
#define EFI_FILE_DIRECTORY 0x10ull

struct efi_file {
	uint64_t revision;
	efi_status (*open)(struct efi_file *, struct efi_file **out,
	                   const char16 *name, uint64_t mode,
	                   uint64_t attributes);
	efi_status (*close)(struct efi_file *);
	void *delete_file;
	efi_status (*read)(struct efi_file *, size_t *size, void *buf);
	void *write, *get_position, *set_position;
	efi_status (*get_info)(struct efi_file *, const efi_guid *type,
	                       size_t *size, void *buf);
};

struct efi_simple_file_system {
	uint64_t revision;
	efi_status (*open_volume)(struct efi_simple_file_system *,
	                          struct efi_file **root);
};

/* EFI_FILE_INFO: the name follows three 16-byte EFI_TIMEs. */
struct efi_file_info {
	uint64_t size, file_size, physical_size;
	uint8_t times[48];
	uint64_t attribute;
	char16 name[];
};

#define EFI_LOADED_IMAGE_GUID                                                  \
	{                                                                      \
		0x5b1b31a1, 0x9562, 0x11d2,                                    \
		{                                                              \
			0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b         \
		}                                                              \
	}
#define EFI_SIMPLE_FILE_SYSTEM_GUID                                            \
	{                                                                      \
		0x964e5b22, 0x6459, 0x11d2,                                    \
		{                                                              \
			0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b         \
		}                                                              \
	}
#define EFI_FILE_INFO_GUID                                                     \
	{                                                                      \
		0x09576e92, 0x6d3f, 0x11d2,                                    \
		{                                                              \
			0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b         \
		}                                                              \
	}
#define EFI_GLOBAL_VARIABLE_GUID                                               \
	{                                                                      \
		0x8be4df61, 0x93ca, 0x11d2,                                    \
		{                                                              \
			0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c         \
		}                                                              \
	}
#define EFI_DTB_TABLE_GUID                                                     \
	{                                                                      \
		0xb1b621d5, 0xf19c, 0x41a5,                                    \
		{                                                              \
			0x83, 0x0b, 0xd9, 0x15, 0x2c, 0x69, 0xaa, 0xe0         \
		}                                                              \
	}

#endif
