/* Unit tests for the fw_cfg device, driven through the I/O bus the way a
 * BIOS reads it (selector 0x510, data 0x511).  TAP output. */
#include <stdio.h>
#include <stdlib.h>
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


/* ---------------------------------------------------------------- fuzz */
static uint32_t rng = 77;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* The model: the items the fuzz loop knows, the selector and the cursor. */
typedef struct MItem {
    uint16_t key;
    uint8_t data[700];
    size_t len;
} MItem;
static MItem mitems[12];
static int nmitems;
static uint16_t msel;
static uint32_t moff;

static MItem *mfind(uint16_t sel)
{
    uint16_t key = sel & (FW_CFG_ARCH_LOCAL | FW_CFG_KEY_MASK);
    for (int i = 0; i < nmitems; i++)
        if (mitems[i].key == key)
            return &mitems[i];
    return NULL;
}

static MItem *madd(uint16_t key, const void *data, size_t len)
{
    MItem *m = mfind(key);
    if (!m) {
        if (nmitems == (int)(sizeof mitems / sizeof mitems[0]))
            abort();
        m = &mitems[nmitems++];
    }
    m->key = key;
    memcpy(m->data, data, len);
    m->len = len;
    if (mfind(msel) == m && moff > len)
        moff = (uint32_t)len;
    return m;
}

/* Random selector writes (byte and word, known and random keys), data
 * reads and ignored data writes, host-side replacement of items while the
 * guest reads them, resets, and snapshot round trips (plus loads of random
 * bytes, which must fail or leave a state the good snapshot then replaces):
 * every byte read must equal the model's. */
static void test_fuzz(void)
{
    IOBus *fb = iobus_new();
    FwCfg *f = fw_cfg_new();
    fw_cfg_register(f, fb, 0x510);
    static const uint16_t keys[] = {
        FW_CFG_SIGNATURE, FW_CFG_ID, FW_CFG_RAM_SIZE, FW_CFG_NB_CPUS,
        FW_CFG_KERNEL_DATA, FW_CFG_FILE_DIR, 0x20, 0x21, 0x22,
        FW_CFG_ARCH_LOCAL | 3, FW_CFG_WRITE_CHANNEL | FW_CFG_RAM_SIZE};
    uint8_t buf[700];
    nmitems = 0;
    madd(FW_CFG_SIGNATURE, "QEMU", 4);
    madd(FW_CFG_ID, "\1\0\0\0", 4);
    fw_cfg_add_i64(f, FW_CFG_RAM_SIZE, 0x0102030405060708ull);
    madd(FW_CFG_RAM_SIZE, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
    fw_cfg_add_i16(f, FW_CFG_NB_CPUS, 0x1234);
    madd(FW_CFG_NB_CPUS, "\x34\x12", 2);
    for (int i = 0; i < 300; i++)
        buf[i] = (uint8_t)rnd();
    fw_cfg_add_file(f, "etc/fuzz-a", buf, 300);
    madd(0x20, buf, 300);
    fw_cfg_add_file(f, "bootorder", "/x\n", 3);
    madd(0x21, "/x\n", 3);
    /* The directory, read once (its contents are checked above). */
    uint8_t dir[4 + 2 * 64];
    iobus_write(fb, 0x510, FW_CFG_FILE_DIR, 2);
    for (size_t i = 0; i < sizeof dir; i++)
        dir[i] = (uint8_t)iobus_read(fb, 0x511, 1);
    madd(FW_CFG_FILE_DIR, dir, sizeof dir);
    MItem *kdata = madd(FW_CFG_KERNEL_DATA, "k", 1);
    MItem *arch = madd(FW_CFG_ARCH_LOCAL | 3, "a", 1);
    fw_cfg_add_bytes(f, FW_CFG_KERNEL_DATA, "k", 1);
    fw_cfg_add_bytes(f, FW_CFG_ARCH_LOCAL | 3, "a", 1);
    fw_cfg_reset(f);
    msel = 0;
    moff = 0;

    int bad_read = 0, bad_snap = 0, bad_add = 0, nreads = 0, ends = 0,
        replaced = 0, random_loads_ok = 0;
    SnapWriter good;
    snap_writer_init(&good);
    for (int i = 0; i < 200000; i++) {
        uint32_t k = rnd();
        switch (k % 16) {
        case 0: case 1: {
            uint16_t v = (k & 0x300) ? keys[(k >> 9) % (sizeof keys / sizeof keys[0])]
                                     : (uint16_t)(k >> 9);
            if (k & 0x10) {
                iobus_write(fb, 0x510, v, 1);
                msel = v & 0xFF;
            } else {
                iobus_write(fb, 0x510, v, 2);
                msel = v;
            }
            moff = 0;
            break;
        }
        case 2:
            iobus_write(fb, 0x511, k >> 8, 1); /* ignored */
            break;
        case 3:
            if ((k >> 4) % 64 == 0) {
                fw_cfg_reset(f);
                msel = 0;
                moff = 0;
            } else if ((k >> 4) % 8 == 0) {
                /* the host replaces an item, maybe the one being read */
                MItem *m = (k & 0x1000) ? kdata : arch;
                size_t len = 1 + (k >> 13) % 699;
                for (size_t j = 0; j < len; j++)
                    buf[j] = (uint8_t)rnd();
                if (fw_cfg_add_bytes(f, m->key, buf, len) != 0)
                    bad_add++;
                madd(m->key, buf, len);
                replaced++;
            }
            break;
        case 4:
            if ((k >> 4) % 50 == 0) {
                SnapWriter w2;
                SnapReader r;
                snap_writer_free(&good);
                snap_writer_init(&good);
                snap_writer_init(&w2);
                fw_cfg_save(f, &good);
                /* random bytes: rejected, or a state the good one replaces */
                /* the good bytes with the payload (selector, offset)
                 * randomised and maybe cut short, or pure noise */
                uint8_t junk[64];
                size_t jl = good.len < sizeof junk ? good.len : sizeof junk;
                memcpy(junk, good.buf, jl);
                for (size_t j = jl >= 6 ? jl - 6 : 0; j < jl; j++)
                    if (rnd() & 1)
                        junk[j] = (uint8_t)(rnd() % 4 ? rnd() % 48 : rnd());
                if (k & 0x200)
                    for (size_t j = 0; j < jl; j++)
                        junk[j] = (uint8_t)rnd();
                if (k & 0x400)
                    jl = (k >> 11) % (jl + 1);
                snap_reader_init(&r, junk, jl);
                if (fw_cfg_load(f, &r) == 0) {
                    random_loads_ok++;
                    for (int j = 0; j < 8; j++) /* must stay in bounds */
                        (void)iobus_read(fb, 0x511, 1);
                }
                snap_reader_init(&r, good.buf, good.len);
                if (fw_cfg_load(f, &r) != 0)
                    bad_snap++;
                fw_cfg_save(f, &w2);
                if (w2.len != good.len || memcmp(w2.buf, good.buf, good.len))
                    bad_snap++;
                snap_writer_free(&w2);
            }
            break;
        default: {
            uint8_t got = (uint8_t)iobus_read(fb, 0x511, 1);
            MItem *m = mfind(msel);
            uint8_t want = 0;
            if (m && moff < m->len)
                want = m->data[moff++];
            else
                ends++;
            if (got != want)
                bad_read++;
            nreads++;
            break;
        }
        }
    }
    printf("# fuzz: %d data reads (%d past an end or unknown), %d "
           "replacements, %d random snapshots accepted\n",
           nreads, ends, replaced, random_loads_ok);
    ok(!bad_read, "fuzz: every data byte equals the model's");
    ok(!bad_add, "fuzz: replacing items at any time works");
    ok(!bad_snap, "fuzz: snapshot round trips, also after random-byte loads");
    snap_writer_free(&good);
    fw_cfg_free(f);
    iobus_free(fb);
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
    test_fuzz();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
