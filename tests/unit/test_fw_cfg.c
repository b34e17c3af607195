/* Unit tests for the fw_cfg device, driven through the I/O bus the way a
 * BIOS reads it (selector 0x510, data 0x511).  TAP output. */
#include <stdio.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/fw_cfg.h"
#include "devices/snap.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static void sel(uint16_t key) { iobus_write(bus, 0x510, key, 2); }
static uint8_t data8(void) { return (uint8_t)iobus_read(bus, 0x511, 1); }
static void readn(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = data8();
}
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Finds a file through the directory as firmware does; returns its key
 * (0 if absent) and its size in *size. */
static uint16_t find_file(const char *name, uint32_t *size)
{
    uint8_t b[64];
    sel(FW_CFG_FILE_DIR);
    readn(b, 4);
    uint32_t n = be32(b);
    for (uint32_t i = 0; i < n && i < 1000; i++) {
        readn(b, 64);
        if (!strncmp((char *)b + 8, name, 56)) {
            *size = be32(b);
            return (uint16_t)(b[4] << 8 | b[5]);
        }
    }
    return 0;
}

int main(void)
{
    bus = iobus_new();
    FwCfg *f = fw_cfg_new();
    uint8_t b[128];

    ok(f && fw_cfg_register(f, bus, 0x510) == 0, "registered at 0x510/0x511");
    ok(fw_cfg_register(f, bus, 0x511) == -1, "overlapping registration rejected");

    sel(FW_CFG_SIGNATURE);
    readn(b, 4);
    ok(!memcmp(b, "QEMU", 4), "key 0: signature QEMU");
    ok(data8() == 0 && data8() == 0, "reads past the end give 0");
    sel(FW_CFG_SIGNATURE);
    ok(data8() == 'Q', "selecting again rewinds");
    sel(FW_CFG_ID);
    readn(b, 4);
    ok(le(b, 4) == 1, "id: traditional interface only (no DMA)");

    /* A byte write to the selector also selects. */
    iobus_write(bus, 0x510, FW_CFG_SIGNATURE, 1);
    ok(data8() == 'Q', "byte write to the selector");

    ok(fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, 0x123456789abull) == 0, "RAM_SIZE set");
    ok(fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 1) == 0, "NB_CPUS set");
    sel(FW_CFG_RAM_SIZE);
    readn(b, 8);
    ok(le(b, 8) == 0x123456789abull, "RAM_SIZE reads back little-endian");
    sel(FW_CFG_NB_CPUS);
    readn(b, 2);
    ok(le(b, 2) == 1, "NB_CPUS = 1");
    sel(0x3000);
    ok(data8() == 0, "unknown key reads 0");
    ok(fw_cfg_add_bytes(f, FW_CFG_FILE_DIR, "x", 1) == -1, "directory key cannot be set");
    ok(fw_cfg_add_bytes(f, 0x4001, "x", 1) == -1, "write-channel key rejected");
    ok(fw_cfg_add_i32(f, FW_CFG_ARCH_LOCAL | 3, 0xdeadbeef) == 0, "arch-local key");
    sel(FW_CFG_ARCH_LOCAL | 3);
    readn(b, 4);
    ok(le(b, 4) == 0xdeadbeef, "arch-local key reads back");
    sel(FW_CFG_WRITE_CHANNEL | FW_CFG_ARCH_LOCAL | 3);
    readn(b, 4);
    ok(le(b, 4) == 0xdeadbeef, "write bit in the selector is ignored");

    /* Kernel keys for -kernel. */
    ok(fw_cfg_add_bytes(f, FW_CFG_CMDLINE_DATA, "console=ttyS0", 14) == 0 &&
           fw_cfg_add_i32(f, FW_CFG_CMDLINE_SIZE, 14) == 0,
       "command line keys");
    sel(FW_CFG_CMDLINE_DATA);
    readn(b, 14);
    ok(!strcmp((char *)b, "console=ttyS0"), "command line reads back");

    /* Empty directory. */
    sel(FW_CFG_FILE_DIR);
    readn(b, 4);
    ok(be32(b) == 0, "file directory starts empty");

    /* Files: etc/e820 and bootorder, directory sorted by name. */
    uint8_t e820[2 * FW_CFG_E820_ENTRY_SIZE];
    fw_cfg_e820_entry(e820, 0, 0x8000000, FW_CFG_E820_RAM);
    fw_cfg_e820_entry(e820 + 20, 0xfffc0000, 0x40000, FW_CFG_E820_RESERVED);
    int k1 = fw_cfg_add_file(f, "etc/e820", e820, sizeof e820);
    int k2 = fw_cfg_add_file(f, "bootorder", "/pci@i0cf8/ide@1,1/drive@0/disk@0\n", 35);
    ok(k1 == 0x20 && k2 == 0x21, "file keys from 0x20");
    ok(fw_cfg_add_file(f, "", "x", 1) == -1, "empty name rejected");
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[79] = 0;
    ok(fw_cfg_add_file(f, longname, "x", 1) == -1, "over-long name rejected");

    sel(FW_CFG_FILE_DIR);
    readn(b, 4);
    ok(be32(b) == 2, "directory count 2 (big-endian)");
    readn(b, 64);
    ok(!strcmp((char *)b + 8, "bootorder") && be32(b) == 35 && b[4] == 0 && b[5] == 0x21 &&
           b[6] == 0 && b[7] == 0,
       "first entry: bootorder, size 35, key 0x21 (sorted by name)");
    readn(b, 64);
    ok(!strcmp((char *)b + 8, "etc/e820") && be32(b) == 40 && b[5] == 0x20,
       "second entry: etc/e820, size 40, key 0x20");

    uint32_t size = 0;
    uint16_t key = find_file("etc/e820", &size);
    ok(key == 0x20 && size == 40, "firmware-style lookup finds etc/e820");
    sel(key);
    readn(b, 40);
    ok(le(b, 8) == 0 && le(b + 8, 8) == 0x8000000 && le(b + 16, 4) == 1,
       "e820 entry 0: RAM 0..128M, little-endian");
    ok(le(b + 20, 8) == 0xfffc0000 && le(b + 28, 8) == 0x40000 && le(b + 36, 4) == 2,
       "e820 entry 1: reserved BIOS");
    ok(find_file("nonexistent", &size) == 0, "missing file not found");

    /* Replacing a file keeps its key and updates the size. */
    ok(fw_cfg_add_file(f, "bootorder", "HALT", 4) == 0x21, "replace keeps key");
    key = find_file("bootorder", &size);
    ok(key == 0x21 && size == 4, "directory shows the new size");

    /* Data port writes are ignored. */
    sel(FW_CFG_SIGNATURE);
    iobus_write(bus, 0x511, 'X', 1);
    ok(data8() == 'Q', "data-port write ignored, cursor unchanged");

    /* Snapshot round trip: mid-item cursor. */
    sel(FW_CFG_CMDLINE_DATA);
    readn(b, 8); /* "console=" */
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    fw_cfg_save(f, &w1);
    sel(FW_CFG_SIGNATURE);
    data8();
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    ok(fw_cfg_load(f, &r) == 0, "snapshot loads");
    fw_cfg_save(f, &w2);
    ok(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len), "save/load/save identical");
    readn(b, 6);
    ok(!memcmp(b, "ttyS0", 6), "reading continues after load");

    /* Bad snapshot: offset past the end of the item. */
    SnapWriter w3;
    snap_writer_init(&w3);
    snap_begin(&w3, "FWCF", 1);
    snap_put_u16(&w3, FW_CFG_SIGNATURE);
    snap_put_u32(&w3, 5);
    snap_reader_init(&r, w3.buf, w3.len);
    ok(fw_cfg_load(f, &r) == -1, "offset past the item rejected");
    ok(data8() == 'Q', "device reset after a failed load");
    snap_reader_init(&r, w3.buf, 3);
    ok(fw_cfg_load(f, &r) == -1, "short snapshot rejected");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
    snap_writer_free(&w3);

    fw_cfg_reset(f);
    ok(data8() == 'Q', "reset selects the signature");

    fw_cfg_free(f);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
