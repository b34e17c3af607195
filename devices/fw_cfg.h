/* QEMU-compatible firmware configuration interface (fw_cfg), I/O port form.
 *
 * Models the legacy port interface QEMU's `pc` machine exposes: a 16-bit
 * selector register (0x510 on a PC) and an 8-bit data register (0x511).
 * Writing a key to the selector rewinds the read cursor of that item; each
 * read of the data port returns its next byte, 0 past the end or for an
 * unknown key.  Items are byte blobs set by the board: the fixed keys (the
 * "QEMU" signature, the interface id, RAM size, CPU count, the kernel /
 * initrd / command line keys 0x07-0x18 for -kernel) and named files, listed
 * in the big-endian file directory at key 0x19 (sorted by name, keys from
 * 0x20 on, as QEMU does).  fw_cfg_e820_entry() builds QEMU's little-endian
 * "etc/e820" entry format.
 *
 * Not modelled: the DMA interface (the id says so: bit 1 clear), the
 * deprecated write channel (data port writes are ignored), the MMIO form
 * used on other architectures.  The selector's bit 14 (write) is ignored and
 * bit 15 (architecture-local) is kept as part of the key, as in QEMU.
 *
 * Snapshots hold the selector and the read offset only: the items are
 * configuration the board re-creates before a load. */
#ifndef X86PC_FW_CFG_H
#define X86PC_FW_CFG_H
#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/snap.h"

enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000,
    FW_CFG_ARCH_LOCAL = 0x8000,
    FW_CFG_KEY_MASK = 0x3fff,
};

/* Room for files, and the length of a name in the directory (with NUL). */
#define FW_CFG_MAX_FILES 64
#define FW_CFG_FILE_NAME_LEN 56
/* One entry of "etc/e820": u64 address, u64 length, u32 type, LE. */
#define FW_CFG_E820_ENTRY_SIZE 20
#define FW_CFG_E820_RAM 1
#define FW_CFG_E820_RESERVED 2

typedef struct FwCfg FwCfg;

/* A device with the signature, id (traditional interface only) and an
 * empty file directory. */
FwCfg *fw_cfg_new(void);
void fw_cfg_free(FwCfg *f);
/* Selector 0 (the signature), offset 0.  Items stay. */
void fw_cfg_reset(FwCfg *f);
/* Registers the selector at `base` (16-bit, also accepts a byte write) and
 * the data port at base+1 (8-bit).  0, or -1 if the ports are taken. */
int fw_cfg_register(FwCfg *f, IOBus *bus, uint16_t base);

/* Sets item `key` (any key except the file directory; bit 15 allowed) to a
 * copy of data[0..len).  Replaces an earlier value.  0, or -1 on a bad key
 * or out of memory. */
int fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len);
/* Little-endian integer items. */
int fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v);
int fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v);
int fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v);
/* Adds (or replaces the contents of) the file `name` (1 to 55 characters).
 * Returns its key (0x20 + n), or -1 if the name is bad, the directory is
 * full or out of memory. */
int fw_cfg_add_file(FwCfg *f, const char *name, const void *data, size_t len);

/* Writes one "etc/e820" entry to out[0..20). */
void fw_cfg_e820_entry(uint8_t out[FW_CFG_E820_ENTRY_SIZE], uint64_t addr,
                       uint64_t len, uint32_t type);

void fw_cfg_save(const FwCfg *f, SnapWriter *w);
int fw_cfg_load(FwCfg *f, SnapReader *r);
#endif
