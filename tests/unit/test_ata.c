/* Unit tests for the ATA/ATAPI channel and bus-master IDE (devices/ata.c),
 * driven only through the I/O bus as a guest driver would, with real
 * temporary image files and a real PhysMem for DMA.  TAP output. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/ata.h"
#include "devices/blockdev.h"
#include "devices/bus.h"
#include "memory/endian.h"
#include "memory/mem.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

/* ---------------------------------------------------------------- rig */

#define CMD 0x1F0
#define CTL 0x3F6
#define BM 0xC000

static IOBus *bus;
static PhysMem *pm;
static ATAChannel *ch;
static int irq_level, irq_rises;
static char dir[256];

static void irq_fn(void *o, int n, int level)
{
    if (level && !irq_level)
        irq_rises++;
    irq_level = level;
}

static uint8_t in8(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static uint16_t in16(uint16_t p) { return (uint16_t)iobus_read(bus, p, 2); }
static void out8(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }
static void out16(uint16_t p, uint16_t v) { iobus_write(bus, p, v, 2); }

static uint8_t pattern(uint64_t i) { return (uint8_t)((i * 7 + i / 512) & 0xFF); }

static void img_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static void make_image(const char *name, uint64_t len)
{
    char p[512];
    img_path(p, sizeof p, name);
    FILE *f = fopen(p, "wb");
    static uint8_t chunk[65536];
    for (uint64_t off = 0; off < len; off += sizeof chunk) {
        size_t n = len - off < sizeof chunk ? (size_t)(len - off) : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = pattern(off + i);
        fwrite(chunk, 1, n, f);
    }
    fclose(f);
}

static uint32_t file_sum(const char *name)
{
    char p[512];
    img_path(p, sizeof p, name);
    FILE *f = fopen(p, "rb");
    uint32_t h = 2166136261u;
    int c;
    while ((c = fgetc(f)) != EOF)
        h = (h ^ (uint32_t)c) * 16777619u;
    fclose(f);
    return h;
}

static int file_read(const char *name, uint64_t off, void *buf, size_t n)
{
    char p[512];
    img_path(p, sizeof p, name);
    int fd = open(p, O_RDONLY);
    ssize_t r = pread(fd, buf, n, (off_t)off);
    close(fd);
    return r == (ssize_t)n ? 0 : -1;
}

static BlockDev *open_img(const char *name, unsigned flags)
{
    char p[512], err[256];
    img_path(p, sizeof p, name);
    BlockDev *bd = blockdev_open(p, flags, err, sizeof err);
    if (!bd)
        printf("# %s\n", err);
    return bd;
}

static void rig_new(BlockDev *master, int master_kind, BlockDev *slave,
                    int slave_kind)
{
    bus = iobus_new();
    pm = phys_new(4 << 20, PHYS_LAYOUT_FLAT);
    ATAOps ops = {.irq = irq_line(irq_fn, NULL, 14), .mem = pm, .id = 1};
    ch = ata_new(&ops);
    irq_level = irq_rises = 0;
    ata_attach(ch, 0, master_kind, master);
    ata_attach(ch, 1, slave_kind, slave);
    ata_register(ch, bus, CMD, CTL);
    bmdma_register(ch, bus, BM);
}

static void rig_free(void)
{
    ata_free(ch);
    phys_free(pm);
    iobus_free(bus);
    ch = NULL;
}

static void select_dev(int unit, uint8_t extra)
{
    out8(CMD + 6, (uint8_t)(0xA0 | (unit << 4) | extra));
}

/* LBA28 task file */
static void set_lba28(int unit, uint32_t lba, uint8_t count)
{
    select_dev(unit, (uint8_t)(0x40 | ((lba >> 24) & 0x0F)));
    out8(CMD + 2, count);
    out8(CMD + 3, (uint8_t)lba);
    out8(CMD + 4, (uint8_t)(lba >> 8));
    out8(CMD + 5, (uint8_t)(lba >> 16));
}

static void set_lba48(int unit, uint64_t lba, uint16_t count)
{
    select_dev(unit, 0x40);
    out8(CMD + 2, (uint8_t)(count >> 8));
    out8(CMD + 3, (uint8_t)(lba >> 24));
    out8(CMD + 4, (uint8_t)(lba >> 32));
    out8(CMD + 5, (uint8_t)(lba >> 40));
    out8(CMD + 2, (uint8_t)count);
    out8(CMD + 3, (uint8_t)lba);
    out8(CMD + 4, (uint8_t)(lba >> 8));
    out8(CMD + 5, (uint8_t)(lba >> 16));
}

static void set_chs(int unit, uint16_t cyl, uint8_t head, uint8_t sect,
                    uint8_t count)
{
    select_dev(unit, head & 0x0F);
    out8(CMD + 2, count);
    out8(CMD + 3, sect);
    out8(CMD + 4, (uint8_t)cyl);
    out8(CMD + 5, (uint8_t)(cyl >> 8));
}

/* Reads n bytes from the data port in 16-bit words. */
static void read_data(uint8_t *buf, size_t n)
{
    for (size_t i = 0; i + 1 < n + 1; i += 2) {
        uint16_t w = in16(CMD);
        buf[i] = (uint8_t)w;
        if (i + 1 < n)
            buf[i + 1] = (uint8_t)(w >> 8);
    }
}

static void identify(uint8_t cmd, uint16_t *w)
{
    out8(CMD + 7, cmd);
    uint8_t b[512];
    read_data(b, 512);
    for (int i = 0; i < 256; i++)
        w[i] = ldw_le(b + 2 * i);
}

static void id_string(const uint16_t *w, int word, int n, char *out)
{
    for (int i = 0; i < n; i++) {
        out[2 * i] = (char)(w[word + i] >> 8);
        out[2 * i + 1] = (char)w[word + i];
    }
    out[2 * n] = 0;
    for (int i = 2 * n - 1; i >= 0 && out[i] == ' '; i--)
        out[i] = 0;
}

/* PIO read of `count` sectors with the given command, one sector (or
 * block) per interrupt; returns the number of DRQ blocks seen, -1 on a
 * protocol error. */
static int pio_read(uint8_t cmd, uint8_t *buf, uint32_t count, uint32_t blk)
{
    int blocks = 0;
    int rises = irq_rises;
    out8(CMD + 7, cmd);
    uint32_t done = 0;
    while (done < count) {
        if (irq_rises != rises + blocks + 1 || !irq_level)
            return -1;
        uint8_t st = in8(CMD + 7);
        if (st != 0x58 || irq_level)
            return -1;
        uint32_t n = count - done < blk ? count - done : blk;
        read_data(buf + (size_t)done * 512, (size_t)n * 512);
        done += n;
        blocks++;
    }
    return (in8(CMD + 7) & 0xC9) == 0x40 ? blocks : -1;
}

static int pio_write(uint8_t cmd, const uint8_t *buf, uint32_t count,
                     uint32_t blk)
{
    int blocks = 0;
    int rises = irq_rises;
    out8(CMD + 7, cmd);
    uint32_t done = 0;
    while (done < count) {
        if (irq_rises != rises + blocks)
            return -1;
        /* first block: poll the alternate status; later ones: the
         * interrupt handler reads the status (clearing INTRQ) */
        if (((blocks ? in8(CMD + 7) : in8(CTL)) & 0x88) != 0x08 || irq_level)
            return -1;
        uint32_t n = count - done < blk ? count - done : blk;
        for (uint32_t i = 0; i < n * 512; i += 2)
            out16(CMD, ldw_le(buf + (size_t)done * 512 + i));
        done += n;
        blocks++;
    }
    if (irq_rises != rises + blocks)
        return -1;
    return (in8(CMD + 7) & 0xC9) == 0x40 ? blocks : -1;
}

static int cmp_pattern(const uint8_t *buf, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (buf[i] != pattern(off + i))
            return 0;
    return 1;
}

static int be32_ok(const uint8_t *p, uint32_t v)
{
    return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
            p[3]) == v;
}

static void nondata(uint8_t cmd) { out8(CMD + 7, cmd); }

/* ---------------------------------------------------------------- disk */

#define DISK_SECTORS 16384u /* 8 MiB: 16 cylinders of 16*63 */

static void test_identify_geometry(void)
{
    make_image("d.img", DISK_SECTORS * 512ull);
    BlockDev *bd = open_img("d.img", 0);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    uint16_t w[256];
    select_dev(0, 0);
    identify(0xEC, w);
    ok(irq_rises == 1 && (in8(CMD + 7) & 0xC9) == 0x40,
       "IDENTIFY: one interrupt, data phase over after 512 bytes");
    char s[48];
    id_string(w, 27, 20, s);
    ok(strcmp(s, "x86pc HARDDISK") == 0, "model string (byte-swapped words)");
    id_string(w, 10, 10, s);
    char fw[16];
    id_string(w, 23, 4, fw);
    ok(strcmp(s, "X86PC0002") == 0 && strcmp(fw, "1.0") == 0,
       "serial (from channel id 1, master) and firmware");
    ok(w[0] == 0x0040 && w[1] == 16 && w[3] == 16 && w[6] == 63,
       "default geometry 16 cylinders x 16 heads x 63 sectors");
    ok(w[54] == 16 && w[55] == 16 && w[56] == 63 &&
           (w[57] | (uint32_t)w[58] << 16) == 16u * 16 * 63,
       "current CHS and CHS capacity");
    ok((w[60] | (uint32_t)w[61] << 16) == DISK_SECTORS &&
           w[100] == (DISK_SECTORS & 0xFFFF) && w[101] == DISK_SECTORS >> 16 &&
           w[102] == 0 && w[103] == 0,
       "LBA28 and LBA48 sector counts");
    ok((w[49] & 0x0300) == 0x0300 && (w[83] & 0x0400) && (w[86] & 0x0400) &&
           (w[83] & 0x3000) == 0x3000,
       "LBA, DMA, 48-bit and FLUSH CACHE (EXT) advertised");
    ok((w[63] & 0x07) == 0x07 && (w[88] & 0x3F) == 0x3F && (w[53] & 4),
       "MWDMA 0-2 and UDMA 0-5 supported");
    uint8_t sum = 0;
    for (int i = 0; i < 256; i++)
        sum = (uint8_t)(sum + (w[i] & 0xFF) + (w[i] >> 8));
    ok((w[255] & 0xFF) == 0xA5 && sum == 0, "integrity word checksum");
    ok(w[47] == 0x8010 && w[59] == 0, "max 16 sectors per block, multiple off");

    /* SET FEATURES transfer mode */
    out8(CMD + 1, 0x03);
    out8(CMD + 2, 0x45); /* UDMA5 */
    nondata(0xEF);
    ok(in8(CMD + 7) == 0x50, "SET FEATURES UDMA5 accepted");
    identify(0xEC, w);
    ok((w[88] >> 8) == 0x20 && (w[63] >> 8) == 0, "IDENTIFY shows UDMA5 selected");
    out8(CMD + 1, 0x03);
    out8(CMD + 2, 0x22); /* MWDMA2 */
    nondata(0xEF);
    identify(0xEC, w);
    ok((w[63] >> 8) == 0x04 && (w[88] >> 8) == 0, "IDENTIFY shows MWDMA2 selected");
    out8(CMD + 1, 0x03);
    out8(CMD + 2, 0x46); /* UDMA6: not supported */
    nondata(0xEF);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "SET FEATURES UDMA6 aborted");
    out8(CMD + 1, 0x99);
    nondata(0xEF);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "unknown feature aborted");

    /* INITIALIZE DEVICE PARAMETERS: 4 heads, 17 sectors */
    select_dev(0, 3);
    out8(CMD + 2, 17);
    nondata(0x91);
    identify(0xEC, w);
    ok(in8(CMD + 7) == 0x50 && w[54] == DISK_SECTORS / 68 && w[55] == 4 &&
           w[56] == 17 && w[1] == 16 && w[3] == 16,
       "INITIALIZE DEVICE PARAMETERS: current CHS 240/4/17, default kept");
    uint8_t buf[1024];
    set_chs(0, 2, 1, 5, 2); /* (2*4+1)*17+4 = 157 */
    ok(pio_read(0x20, buf, 2, 1) == 2 && cmp_pattern(buf, 157 * 512, 1024),
       "CHS read with the new translation (C2/H1/S5 = LBA 157)");
    ok(in8(CMD + 3) == 6 && (in8(CMD + 6) & 0x0F) == 1 && in8(CMD + 4) == 2,
       "task file left at the last sector (C2/H1/S6)");
    set_chs(0, 2, 4, 1, 1);
    nondata(0x20);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10,
       "CHS head beyond the current geometry: IDNF");
    set_chs(0, 0, 0, 0, 1);
    nondata(0x20);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10, "CHS sector 0: IDNF");
    select_dev(0, 0);
    out8(CMD + 2, 0);
    nondata(0x91);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04,
       "INITIALIZE DEVICE PARAMETERS with 0 sectors aborted");
    rig_free();
    blockdev_close(bd);

    /* A big sparse image: cylinders capped, LBA28 count capped. */
    char p[512];
    img_path(p, sizeof p, "big.img");
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
    uint64_t big = 300ull << 30; /* 300 GiB: beyond LBA28 */
    int sparse = fd >= 0 && ftruncate(fd, (off_t)big) == 0;
    if (fd >= 0)
        close(fd);
    if (!sparse) {
        for (int i = 0; i < 4; i++)
            printf("ok %d - # SKIP no sparse files here\n", ++test_no);
        unlink(p);
        return;
    }
    bd = open_img("big.img", 0);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    select_dev(0, 0);
    identify(0xEC, w);
    uint64_t n = big / 512;
    ok(w[1] == 16383 && w[3] == 16 && w[6] == 63,
       "large disk: cylinders capped at 16383");
    ok((w[60] | (uint32_t)w[61] << 16) == 0x0FFFFFFF &&
           (w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32) == n,
       "large disk: LBA28 count capped, LBA48 count exact");
    uint8_t wb[1024], rb[1024];
    for (int i = 0; i < 1024; i++)
        wb[i] = (uint8_t)(i * 13 + 1);
    uint64_t lba = 0x10000005ull; /* needs 48-bit addressing */
    set_lba48(0, lba, 2);
    int r1 = pio_write(0x34, wb, 2, 1);
    set_lba48(0, lba, 2);
    int r2 = pio_read(0x24, rb, 2, 1);
    uint8_t fb[1024];
    ok(r1 == 2 && r2 == 2 && memcmp(rb, wb, 1024) == 0 &&
           file_read("big.img", lba * 512, fb, 1024) == 0 &&
           memcmp(fb, wb, 1024) == 0,
       "LBA48 write/read beyond 2^28 sectors reaches the right file offset");
    out8(CMD + 6, 0x40);
    ok(in8(CMD + 3) == 0x06 && in8(CMD + 4) == 0 && in8(CMD + 5) == 0 &&
           (out8(CTL, 0x80), in8(CMD + 3) == 0x10) && in8(CMD + 2) == 0,
       "LBA48 HOB registers read back through device control bit 7");
    out8(CTL, 0);
    rig_free();
    blockdev_close(bd);
    unlink(p);
}

static void test_pio(void)
{
    make_image("d.img", DISK_SECTORS * 512ull);
    BlockDev *bd = open_img("d.img", 0);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    uint8_t buf[32 * 512];

    set_lba28(0, 5, 3);
    ok(pio_read(0x20, buf, 3, 1) == 3 && cmp_pattern(buf, 5 * 512, 3 * 512),
       "READ SECTORS LBA28: 3 sectors, an interrupt per sector");
    ok(in8(CMD + 3) == 7 && in8(CMD + 4) == 0 && (in8(CMD + 6) & 0x4F) == 0x40,
       "task file holds the last LBA read");
    set_chs(0, 1, 2, 3, 1); /* (1*16+2)*63+2 = 1136 */
    ok(pio_read(0x20, buf, 1, 1) == 1 && cmp_pattern(buf, 1136 * 512, 512),
       "READ SECTORS CHS (C1/H2/S3 = LBA 1136) with default geometry");
    set_lba48(0, 1000, 2);
    ok(pio_read(0x24, buf, 2, 1) == 2 && cmp_pattern(buf, 1000 * 512, 1024),
       "READ SECTORS EXT LBA48");
    set_lba28(0, DISK_SECTORS - 256, 0); /* count 0 = 256 sectors */
    static uint8_t big[256 * 512];
    ok(pio_read(0x20, big, 256, 1) == 256 &&
           cmp_pattern(big, (DISK_SECTORS - 256) * 512ull, sizeof big),
       "sector count 0 means 256 (up to the last sector)");

    /* 32-bit data port accesses */
    set_lba28(0, 9, 1);
    out8(CMD + 7, 0x20);
    in8(CMD + 7);
    for (int i = 0; i < 512; i += 4)
        stl_le(buf + i, iobus_read(bus, CMD, 4));
    ok(cmp_pattern(buf, 9 * 512, 512) && in8(CMD + 7) == 0x50,
       "32-bit data port reads");

    /* byte accesses to the data port, word accesses to the task file */
    set_lba28(0, 11, 1);
    out8(CMD + 7, 0x20);
    in8(CMD + 7);
    for (int i = 0; i < 512; i++)
        buf[i] = in8(CMD);
    ok(cmp_pattern(buf, 11 * 512, 512) && in8(CMD + 7) == 0x50,
       "8-bit data port reads move one byte each");
    out8(CMD + 2, 0x12);
    out8(CMD + 3, 0x34);
    uint32_t expect = (uint32_t)in8(CMD + 4) | (uint32_t)in8(CMD + 5) << 8 |
                      (uint32_t)in8(CMD + 6) << 16 | (uint32_t)in8(CMD + 7) << 24;
    ok(in16(CMD + 2) == 0x3412 && iobus_read(bus, CMD + 4, 4) == expect &&
           (expect >> 24) == 0x50,
       "16/32-bit accesses to task file registers split into bytes");
    iobus_write(bus, CMD + 2, 0x0201, 2);
    ok(in8(CMD + 2) == 0x01 && in8(CMD + 3) == 0x02, "16-bit write to nsector/sector");

    /* writes */
    uint8_t wb[4 * 512];
    for (int i = 0; i < (int)sizeof wb; i++)
        wb[i] = (uint8_t)(i ^ 0x3C);
    set_lba28(0, 100, 4);
    ok(pio_write(0x30, wb, 4, 1) == 4, "WRITE SECTORS: DRQ per sector, interrupt after each");
    uint8_t fb[4 * 512];
    ok(file_read("d.img", 100 * 512, fb, sizeof fb) == 0 &&
           memcmp(fb, wb, sizeof wb) == 0,
       "written sectors are in the image file");
    set_lba48(0, 200, 1);
    ok(pio_write(0x34, wb, 1, 1) == 1 &&
           file_read("d.img", 200 * 512, fb, 512) == 0 &&
           memcmp(fb, wb, 512) == 0,
       "WRITE SECTORS EXT");
    nondata(0xE7);
    ok(in8(CMD + 7) == 0x50 && irq_level == 0, "FLUSH CACHE completes");
    nondata(0xEA);
    ok(in8(CMD + 7) == 0x50, "FLUSH CACHE EXT completes");
    /* write cache off: each write is flushed (still succeeds) */
    out8(CMD + 1, 0x82);
    nondata(0xEF);
    uint16_t w[256];
    identify(0xEC, w);
    ok(!(w[85] & 0x20) && (w[82] & 0x20), "write cache disabled in IDENTIFY word 85");
    set_lba28(0, 300, 1);
    ok(pio_write(0x30, wb, 1, 1) == 1, "write with write cache disabled");

    /* multiple mode */
    set_lba28(0, 10, 8);
    nondata(0xC4);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04,
       "READ MULTIPLE before SET MULTIPLE MODE: aborted");
    out8(CMD + 2, 3);
    nondata(0xC6);
    ok(in8(CMD + 7) == 0x51, "SET MULTIPLE MODE 3 (not a power of 2): aborted");
    out8(CMD + 2, 4);
    nondata(0xC6);
    ok(in8(CMD + 7) == 0x50, "SET MULTIPLE MODE 4");
    identify(0xEC, w);
    ok(w[59] == 0x0104, "IDENTIFY word 59 shows 4 sectors per block");
    set_lba28(0, 20, 10);
    ok(pio_read(0xC4, buf, 10, 4) == 3 && cmp_pattern(buf, 20 * 512, 10 * 512),
       "READ MULTIPLE of 10 sectors: blocks of 4, 4, 2");
    set_lba48(0, 40, 6);
    ok(pio_read(0x29, buf, 6, 4) == 2 && cmp_pattern(buf, 40 * 512, 6 * 512),
       "READ MULTIPLE EXT");
    static uint8_t mw[10 * 512];
    for (int i = 0; i < (int)sizeof mw; i++)
        mw[i] = (uint8_t)(i * 3);
    set_lba28(0, 400, 10);
    int r = pio_write(0xC5, mw, 10, 4);
    static uint8_t mf[10 * 512];
    ok(r == 3 && file_read("d.img", 400 * 512, mf, sizeof mf) == 0 &&
           memcmp(mf, mw, sizeof mw) == 0,
       "WRITE MULTIPLE of 10 sectors in 3 blocks");
    set_lba48(0, 500, 5);
    r = pio_write(0x39, mw, 5, 4);
    ok(r == 2 && file_read("d.img", 500 * 512, mf, 5 * 512) == 0 &&
           memcmp(mf, mw, 5 * 512) == 0,
       "WRITE MULTIPLE EXT");

    /* errors */
    set_lba28(0, DISK_SECTORS - 1, 2);
    nondata(0x20);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10 && irq_rises > 0,
       "read past the end: ERR, IDNF");
    set_lba48(0, 1ull << 40, 1);
    nondata(0x34);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10, "LBA48 write far past the end: IDNF");
    nondata(0xFF);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "unknown command: ABRT");
    nondata(0xA1);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04,
       "IDENTIFY PACKET DEVICE on a disk: ABRT");
    nondata(0xA0);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "PACKET on a disk: ABRT");

    set_lba28(0, 7, 3);
    nondata(0x40);
    ok(in8(CMD + 7) == 0x50 && in8(CMD + 3) == 9, "READ VERIFY");
    set_lba28(0, DISK_SECTORS, 1);
    nondata(0x40);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10, "READ VERIFY past the end: IDNF");

    /* power management */
    nondata(0xE0);
    nondata(0xE5);
    ok(in8(CMD + 7) == 0x50 && in8(CMD + 2) == 0x00, "STANDBY IMMEDIATE then CHECK POWER MODE: standby");
    nondata(0xE1);
    nondata(0xE5);
    ok(in8(CMD + 2) == 0xFF, "IDLE IMMEDIATE: active/idle");
    nondata(0x10);
    ok(in8(CMD + 7) == 0x50, "RECALIBRATE");
    set_lba28(0, 1234, 1);
    nondata(0x70);
    ok(in8(CMD + 7) == 0x50, "SEEK in range");
    set_lba28(0, DISK_SECTORS + 5, 1);
    nondata(0x70);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10, "SEEK out of range: IDNF");

    /* absent slave */
    select_dev(1, 0);
    ok(in8(CMD + 7) == 0 && in8(CMD + 2) == 0, "absent slave reads as zeros");
    nondata(0xEC);
    ok(in8(CMD + 7) == 0 && irq_level == 0, "command to the absent slave ignored");
    select_dev(0, 0);

    /* nIEN */
    out8(CTL, 0x02);
    irq_rises = 0;
    nondata(0xE5);
    ok(irq_level == 0 && irq_rises == 0, "nIEN: completion does not assert INTRQ");
    out8(CTL, 0x00);
    ok(irq_level == 1, "clearing nIEN with an interrupt pending asserts INTRQ");
    ok((in8(CTL) & 0xC9) == 0x40 && irq_level == 1,
       "alternate status does not clear the interrupt");
    in8(CMD + 7);
    ok(irq_level == 0, "status read clears the interrupt");
    rig_free();
    blockdev_close(bd);
}

/* ---------------------------------------------------------------- DMA */

static void put_prd(uint32_t at, uint32_t addr, uint32_t len, int eot)
{
    uint8_t e[8];
    stl_le(e, addr);
    stw_le(e + 4, (uint16_t)len);
    stw_le(e + 6, eot ? 0x8000 : 0);
    phys_dma_write(pm, at, e, 8);
}

static void bm_start(int to_mem, uint32_t prd)
{
    iobus_write(bus, BM + 4, prd, 4);
    out8(BM + 2, 0x06); /* clear interrupt and error */
    out8(BM, to_mem ? 0x08 : 0x00);
    out8(BM, to_mem ? 0x09 : 0x01);
}

static void test_dma(void)
{
    make_image("d.img", DISK_SECTORS * 512ull);
    BlockDev *bd = open_img("d.img", 0);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    uint8_t *ram = phys_ram_ptr(pm, 0, 4 << 20);

    /* READ DMA of 3 sectors through two PRD entries (1000 + 536 bytes). */
    put_prd(0x1000, 0x10000, 1000, 0);
    put_prd(0x1008, 0x20000, 536, 1);
    set_lba28(0, 50, 3);
    out8(CMD + 7, 0xC8);
    ok(irq_level == 0 && (in8(CTL) & 0x88) == 0x08,
       "READ DMA waits with DRQ until the bus master starts");
    bm_start(1, 0x1000);
    ok(irq_level == 1 && (in8(BM + 2) & 0x07) == 0x04,
       "DMA done: INTRQ, BM interrupt bit set, active cleared (PRD exhausted)");
    ok(cmp_pattern(ram + 0x10000, 50 * 512, 1000) &&
           cmp_pattern(ram + 0x20000, 50 * 512 + 1000, 536),
       "data split across the two PRD entries");
    ok(in8(CMD + 7) == 0x50 && in8(CMD + 3) == 52, "status ready, task file at the last LBA");
    out8(BM + 2, 0x04);
    ok((in8(BM + 2) & 0x04) == 0, "BM interrupt bit is write-1-to-clear");
    out8(BM, 0x00);

    /* PRD table larger than the transfer: active stays set. */
    put_prd(0x1000, 0x30000, 0x2000, 1);
    memset(ram + 0x30000, 0xEE, 0x2000);
    set_lba28(0, 60, 2);
    bm_start(1, 0x1000);
    out8(CMD + 7, 0xC8); /* bus master already running */
    ok((in8(BM + 2) & 0x05) == 0x05 && cmp_pattern(ram + 0x30000, 60 * 512, 1024) &&
           ram[0x30000 + 1024] == 0xEE,
       "PRD larger than the transfer: interrupt with active still set");
    out8(BM, 0x00);
    ok((in8(BM + 2) & 0x01) == 0, "clearing start clears active");

    /* byte count 0 = 64 KiB */
    put_prd(0x1000, 0x40000, 0, 1);
    set_lba28(0, 1000, 128);
    out8(CMD + 7, 0xC8);
    bm_start(1, 0x1000);
    ok(in8(CMD + 7) == 0x50 && cmp_pattern(ram + 0x40000, 1000 * 512, 65536) &&
           (in8(BM + 2) & 0x05) == 0x04,
       "PRD byte count 0 moves 64 KiB");
    out8(BM, 0x00);

    /* READ DMA EXT */
    put_prd(0x1000, 0x50000, 1024, 1);
    set_lba48(0, 2000, 2);
    out8(CMD + 7, 0x25);
    bm_start(1, 0x1000);
    ok(in8(CMD + 7) == 0x50 && cmp_pattern(ram + 0x50000, 2000 * 512, 1024),
       "READ DMA EXT");
    out8(BM, 0x00);

    /* WRITE DMA through 3 entries, odd split */
    for (int i = 0; i < 2048; i++)
        ram[0x60000 + i] = (uint8_t)(i * 5 + 3);
    put_prd(0x1000, 0x60000, 100, 0);
    put_prd(0x1008, 0x60064, 1000, 0);
    put_prd(0x1010, 0x6044C, 948, 1);
    set_lba28(0, 3000, 4);
    out8(CMD + 7, 0xCA);
    bm_start(0, 0x1000);
    uint8_t fb[2048];
    ok(in8(CMD + 7) == 0x50 && file_read("d.img", 3000 * 512, fb, 2048) == 0 &&
           memcmp(fb, ram + 0x60000, 2048) == 0,
       "WRITE DMA through three PRD entries reaches the file");
    out8(BM, 0x00);
    set_lba48(0, 3100, 4);
    out8(CMD + 7, 0x35);
    bm_start(0, 0x1000);
    ok(in8(CMD + 7) == 0x50 && file_read("d.img", 3100 * 512, fb, 2048) == 0 &&
           memcmp(fb, ram + 0x60000, 2048) == 0,
       "WRITE DMA EXT");
    out8(BM, 0x00);

    /* PRD table too short */
    put_prd(0x1000, 0x70000, 512, 1);
    set_lba28(0, 10, 2);
    out8(CMD + 7, 0xC8);
    bm_start(1, 0x1000);
    ok((in8(CMD + 7) & 0x01) && in8(CMD + 1) == 0x04 && (in8(BM + 2) & 0x05) == 0x04,
       "PRD table shorter than the transfer: command aborted, active cleared");
    out8(BM, 0x00);
    set_lba28(0, DISK_SECTORS, 1);
    out8(CMD + 7, 0xC8);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x10, "READ DMA out of range: IDNF");
    /* direction is locked while the bus master runs */
    out8(BM, 0x08);
    out8(BM, 0x09);
    out8(BM, 0x01);
    ok(in8(BM) == 0x09, "direction bit cannot change while started");
    out8(BM, 0x00);
    ok(in8(BM) == 0x08 && (in8(BM + 2) & 1) == 0, "stop: start and active clear");
    /* the offset API the PCI function can use instead of bmdma_register */
    bmdma_write(ch, 4, 0x00ABCDE0, 4);
    ok(bmdma_read(ch, 4, 4) == 0x00ABCDE0 && in8(BM + 5) == 0xCD,
       "bmdma_read/bmdma_write reach the same registers");
    /* BM register semantics */
    iobus_write(bus, BM + 4, 0x12345677, 4);
    ok(iobus_read(bus, BM + 4, 4) == 0x12345674, "PRD pointer is dword aligned");
    out8(BM + 2, 0x60);
    ok((in8(BM + 2) & 0x60) == 0x60, "drive DMA-capable bits are read/write");
    rig_free();

    /* no PhysMem: DMA commands abort */
    bus = iobus_new();
    ATAOps ops = {.irq = irq_line(irq_fn, NULL, 14)};
    ch = ata_new(&ops);
    ata_attach(ch, 0, ATA_DISK, bd);
    ata_register(ch, bus, CMD, CTL);
    set_lba28(0, 1, 1);
    out8(CMD + 7, 0xC8);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "DMA without memory: aborted");
    ata_free(ch);
    iobus_free(bus);
    ch = NULL;
    blockdev_close(bd);
}

/* ---------------------------------------------------------------- reset */

static void test_reset(void)
{
    make_image("d.img", DISK_SECTORS * 512ull);
    make_image("c.iso", 40 * 2048);
    BlockDev *bd = open_img("d.img", 0);
    BlockDev *cd = open_img("c.iso", BDEV_CDROM);
    rig_new(bd, ATA_DISK, cd, ATA_CDROM);
    set_lba28(0, 1, 1);
    out8(CMD + 7, 0x20); /* leave a transfer pending */
    out8(CTL, 0x04);
    ok(in8(CTL) == 0x80 && irq_level == 0, "SRST: BSY, interrupt dropped");
    out8(CMD + 7, 0xEC);
    out8(CTL, 0x00);
    ok(in8(CMD + 7) == 0x50 && in8(CMD + 1) == 0x01 && in8(CMD + 2) == 1 &&
           in8(CMD + 3) == 1 && in8(CMD + 4) == 0 && in8(CMD + 5) == 0 &&
           in8(CMD + 6) == 0xA0,
       "after SRST: disk signature, diagnostic code 01, DRDY");
    ok(irq_level == 0, "command written during SRST ignored");
    select_dev(1, 0);
    ok(in8(CMD + 7) == 0x00 && in8(CMD + 4) == 0x14 && in8(CMD + 5) == 0xEB &&
           in8(CMD + 2) == 1 && in8(CMD + 3) == 1,
       "after SRST: ATAPI signature 14h/EBh on the slave, status 0");
    nondata(0xEC);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04 && in8(CMD + 4) == 0x14 &&
           in8(CMD + 5) == 0xEB,
       "IDENTIFY DEVICE on ATAPI: aborted with the signature");
    uint16_t w[256];
    identify(0xA1, w);
    char s[48];
    id_string(w, 27, 20, s);
    ok(w[0] == 0x85C0 && strcmp(s, "x86pc CD-ROM") == 0 && (w[49] & 0x0100),
       "IDENTIFY PACKET DEVICE: ATAPI CD-ROM, removable, DMA");
    select_dev(0, 0);
    nondata(0x90);
    ok(irq_level == 1 && in8(CMD + 1) == 0x01 && in8(CMD + 7) == 0x50,
       "EXECUTE DEVICE DIAGNOSTIC: passed, interrupt");
    select_dev(1, 0);
    out8(CMD + 4, 0x55);
    nondata(0x08);
    ok(in8(CMD + 4) == 0x14 && in8(CMD + 7) == 0x00, "ATAPI DEVICE RESET: signature again");
    select_dev(0, 0);
    out8(CMD + 4, 0x55);
    out8(CMD + 5, 0xAA);
    ok(in8(CMD + 4) == 0x55 && in8(CMD + 5) == 0xAA, "task file registers read back");
    rig_free();
    blockdev_close(bd);
    blockdev_close(cd);
}

/* ---------------------------------------------------------------- ATAPI */

typedef struct PktResult {
    int status;   /* final status */
    int error;    /* final error register */
    int ireason;  /* final interrupt reason */
    int chunks;   /* DRQ data chunks */
    uint32_t len; /* bytes received */
    int bad;      /* protocol violation */
} PktResult;

static PktResult packet(const uint8_t *cdb, uint16_t bcl, uint8_t *buf,
                        uint32_t max)
{
    PktResult r = {0};
    select_dev(1, 0);
    out8(CMD + 1, 0);
    out8(CMD + 4, (uint8_t)bcl);
    out8(CMD + 5, (uint8_t)(bcl >> 8));
    int rises = irq_rises;
    out8(CMD + 7, 0xA0);
    if ((in8(CTL) & 0x88) != 0x08 || (in8(CMD + 2) & 3) != 1)
        r.bad = 1;
    for (int i = 0; i < 12; i += 2)
        out16(CMD, (uint16_t)(cdb[i] | cdb[i + 1] << 8));
    for (;;) {
        if (irq_rises != rises + r.chunks + 1) {
            r.bad = 1;
            break;
        }
        uint8_t st = in8(CMD + 7);
        if (!(st & 0x08))
            break;
        if ((in8(CMD + 2) & 3) != 2)
            r.bad = 1;
        uint32_t n = in8(CMD + 4) | (uint32_t)in8(CMD + 5) << 8;
        if (n > bcl && bcl)
            r.bad = 1;
        for (uint32_t i = 0; i < n; i += 2) {
            uint16_t v = in16(CMD);
            if (r.len < max)
                buf[r.len] = (uint8_t)v;
            if (r.len + 1 < max && i + 1 < n)
                buf[r.len + 1] = (uint8_t)(v >> 8);
            r.len += i + 1 < n ? 2 : 1;
        }
        r.chunks++;
        if (r.chunks > 10000) {
            r.bad = 1;
            break;
        }
    }
    r.status = in8(CMD + 7);
    r.error = in8(CMD + 1);
    r.ireason = in8(CMD + 2) & 3;
    return r;
}

static int good(PktResult r)
{
    return !r.bad && r.status == 0x50 && r.ireason == 3;
}

static int check_cond(PktResult r, int key)
{
    return !r.bad && (r.status & 0x01) && (r.error >> 4) == key && r.ireason == 3;
}

static void sense(uint8_t *key, uint8_t *asc, uint8_t *ascq)
{
    uint8_t cdb[12] = {0x03, 0, 0, 0, 18}, b[18] = {0};
    packet(cdb, 0xFFFE, b, 18);
    *key = b[2] & 0x0F;
    *asc = b[12];
    *ascq = b[13];
}

static void test_atapi(void)
{
    make_image("c.iso", 40 * 2048);
    make_image("c2.iso", 100 * 2048);
    make_image("d.img", DISK_SECTORS * 512ull);
    BlockDev *bd = open_img("d.img", 0);
    BlockDev *cd = open_img("c.iso", BDEV_CDROM);
    BlockDev *cd2 = open_img("c2.iso", BDEV_CDROM);
    rig_new(bd, ATA_DISK, cd, ATA_CDROM);
    static uint8_t b[16 * 2048];
    PktResult r;
    uint8_t key, asc, ascq;

    uint8_t tur[12] = {0x00};
    r = packet(tur, 0xFFFE, b, 0);
    ok(good(r) && r.chunks == 0, "TEST UNIT READY: good status, no data");

    uint8_t inq[12] = {0x12, 0, 0, 0, 36};
    r = packet(inq, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 36 && b[0] == 0x05 && (b[1] & 0x80) &&
           memcmp(b + 16, "x86pc CD-ROM", 12) == 0,
       "INQUIRY: CD-ROM, removable, product id");
    inq[4] = 5;
    r = packet(inq, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 5, "INQUIRY truncated to the allocation length");

    uint8_t cap[12] = {0x25};
    r = packet(cap, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 8 && be32_ok(b, 39) && be32_ok(b + 4, 2048),
       "READ CAPACITY: last LBA 39, 2048-byte blocks");

    uint8_t rd[12] = {0x28, 0, 0, 0, 0, 3, 0, 0, 2};
    r = packet(rd, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 4096 && r.chunks == 1 && cmp_pattern(b, 3 * 2048, 4096),
       "READ(10) 2 sectors in one DRQ chunk");
    r = packet(rd, 1000, b, sizeof b);
    ok(good(r) && r.len == 4096 && r.chunks == 5 && cmp_pattern(b, 3 * 2048, 4096),
       "READ(10) with byte count limit 1000: 5 chunks");
    r = packet(rd, 1001, b, sizeof b);
    ok(good(r) && r.len == 4096 && r.chunks == 5 && cmp_pattern(b, 3 * 2048, 4096),
       "odd byte count limit rounded down to even");
    uint8_t rd12[12] = {0xA8, 0, 0, 0, 0, 37, 0, 0, 0, 3};
    r = packet(rd12, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 3 * 2048 && cmp_pattern(b, 37 * 2048, 3 * 2048),
       "READ(12) of the last 3 sectors");
    uint8_t rd0[12] = {0x28, 0, 0, 0, 0, 3, 0, 0, 0};
    r = packet(rd0, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 0, "READ(10) of 0 sectors: no data");
    uint8_t rdbad[12] = {0x28, 0, 0, 0, 0, 39, 0, 0, 2};
    r = packet(rdbad, 0xFFFE, b, sizeof b);
    ok(check_cond(r, 5) && r.len == 0, "READ(10) past the end: CHECK CONDITION, ILLEGAL REQUEST");
    sense(&key, &asc, &ascq);
    ok(key == 5 && asc == 0x21, "REQUEST SENSE: 5/21h LBA out of range");
    sense(&key, &asc, &ascq);
    ok(key == 0 && asc == 0, "sense cleared after REQUEST SENSE");
    uint8_t bogus[12] = {0xFF};
    r = packet(bogus, 0xFFFE, b, sizeof b);
    sense(&key, &asc, &ascq);
    ok(check_cond(r, 5) && key == 5 && asc == 0x20, "unknown opcode: 5/20h");

    uint8_t toc[12] = {0x43, 0, 0, 0, 0, 0, 0, 0, 100};
    r = packet(toc, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 20 && b[0] == 0 && b[1] == 18 && b[2] == 1 && b[3] == 1 &&
           b[5] == 0x14 && b[6] == 1 && be32_ok(b + 8, 0) && b[14] == 0xAA &&
           be32_ok(b + 16, 40),
       "READ TOC format 0 (LBA): track 1 at 0, lead-out at 40");
    toc[1] = 0x02;
    r = packet(toc, 0xFFFE, b, sizeof b);
    ok(good(r) && b[9] == 0 && b[10] == 2 && b[11] == 0 && b[17] == 0 &&
           b[18] == 2 && b[19] == 40,
       "READ TOC MSF: track 1 at 00:02:00, lead-out at 00:02:40");
    toc[1] = 0;
    toc[2] = 1;
    r = packet(toc, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 12 && b[1] == 10 && b[6] == 1 && be32_ok(b + 8, 0),
       "READ TOC format 1: session info");
    toc[2] = 0;
    toc[6] = 2;
    r = packet(toc, 0xFFFE, b, sizeof b);
    ok(check_cond(r, 5), "READ TOC starting at track 2: ILLEGAL REQUEST");

    uint8_t ms[12] = {0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 64};
    r = packet(ms, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 28 && b[8] == 0x2A && b[9] == 0x12 && b[1] == 26,
       "MODE SENSE(10) page 2Ah: capabilities");
    ms[2] = 0x01;
    r = packet(ms, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 16 && b[8] == 0x01 && b[9] == 6, "MODE SENSE(10) page 01h");
    ms[2] = 0x3F;
    r = packet(ms, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 36, "MODE SENSE(10) all pages");
    ms[2] = 0x05;
    r = packet(ms, 0xFFFE, b, sizeof b);
    ok(check_cond(r, 5), "MODE SENSE(10) unknown page: ILLEGAL REQUEST");

    uint8_t gc[12] = {0x46, 0, 0, 0, 0, 0, 0, 0, 64};
    r = packet(gc, 0xFFFE, b, sizeof b);
    ok(good(r) && b[6] == 0 && b[7] == 0x08 && r.len == 8 + 8 + 12 + 8 &&
           b[8] == 0 && b[9] == 0 && b[12] == 0 && b[13] == 0x08,
       "GET CONFIGURATION: CD-ROM profile current, 3 features");
    gc[1] = 2;
    gc[3] = 1;
    r = packet(gc, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 20 && b[9] == 1, "GET CONFIGURATION RT=2: only the core feature");

    uint8_t gesn[12] = {0x4A, 1, 0, 0, 0x10, 0, 0, 0, 8};
    r = packet(gesn, 0xFFFE, b, sizeof b);
    ok(good(r) && r.len == 8 && b[2] == 4 && b[4] == 0 && b[5] == 2,
       "GESN media class: no event, medium present");
    gesn[1] = 0;
    r = packet(gesn, 0xFFFE, b, sizeof b);
    ok(check_cond(r, 5), "GESN asynchronous mode: ILLEGAL REQUEST");
    gesn[1] = 1;

    /* media change */
    ok(ata_cd_change(ch, 1, cd2, 0) == 0, "ata_cd_change accepts a new disc");
    r = packet(gesn, 0xFFFE, b, sizeof b);
    ok(good(r) && b[4] == 2 && b[5] == 2, "GESN reports the new media (not blocked by UA)");
    r = packet(tur, 0xFFFE, b, 0);
    ok(check_cond(r, 6), "first TEST UNIT READY after the change: UNIT ATTENTION");
    sense(&key, &asc, &ascq);
    ok(key == 6 && asc == 0x28, "REQUEST SENSE: 6/28h medium may have changed");
    r = packet(tur, 0xFFFE, b, 0);
    ok(good(r), "then the unit is ready");
    r = packet(cap, 0xFFFE, b, sizeof b);
    ok(good(r) && be32_ok(b, 99), "READ CAPACITY sees the new disc");
    ok(ata_cd_change(ch, 1, NULL, 0) == 0, "eject through ata_cd_change");
    r = packet(tur, 0xFFFE, b, 0);
    r = packet(tur, 0xFFFE, b, 0);
    sense(&key, &asc, &ascq);
    ok(check_cond(r, 2) && key == 2 && asc == 0x3A, "no disc: NOT READY, 3Ah");
    r = packet(cap, 0xFFFE, b, sizeof b);
    ok(check_cond(r, 2), "READ CAPACITY without a disc: NOT READY");
    ata_cd_change(ch, 1, cd, 0);
    packet(tur, 0xFFFE, b, 0); /* consume the unit attention */

    uint8_t lock[12] = {0x1E, 0, 0, 0, 1};
    r = packet(lock, 0xFFFE, b, 0);
    ok(good(r) && ata_cd_change(ch, 1, cd2, 0) == -1,
       "PREVENT MEDIUM REMOVAL: front-end change refused");
    uint8_t ej[12] = {0x1B, 0, 0, 0, 0x02};
    r = packet(ej, 0xFFFE, b, 0);
    sense(&key, &asc, &ascq);
    ok(check_cond(r, 5) && asc == 0x53 && ascq == 2, "eject while locked: 5/53h/02h");
    lock[4] = 0;
    packet(lock, 0xFFFE, b, 0);
    r = packet(ej, 0xFFFE, b, 0);
    ok(good(r), "START STOP UNIT eject");
    r = packet(tur, 0xFFFE, b, 0);
    ok(check_cond(r, 2), "tray open: NOT READY");
    ej[4] = 0x03;
    r = packet(ej, 0xFFFE, b, 0);
    r = packet(tur, 0xFFFE, b, 0);
    ok(good(r), "START STOP UNIT load: ready again");

    /* ATAPI DMA: READ(10) with the DMA feature bit */
    uint8_t *ram = phys_ram_ptr(pm, 0, 4 << 20);
    put_prd(0x1000, 0x10000, 3000, 0);
    put_prd(0x1008, 0x20000, 3144, 1);
    select_dev(1, 0);
    out8(CMD + 1, 0x01); /* DMA */
    out8(CMD + 4, 0xFE);
    out8(CMD + 5, 0xFF);
    out8(CMD + 7, 0xA0);
    uint8_t rd3[12] = {0x28, 0, 0, 0, 0, 10, 0, 0, 3};
    for (int i = 0; i < 12; i += 2)
        out16(CMD, (uint16_t)(rd3[i] | rd3[i + 1] << 8));
    ok((in8(CTL) & 0x08) && irq_level == 0, "ATAPI DMA: waiting for the bus master");
    bm_start(1, 0x1000);
    ok(irq_level && in8(CMD + 7) == 0x50 && (in8(CMD + 2) & 3) == 3 &&
           cmp_pattern(ram + 0x10000, 10 * 2048, 3000) &&
           cmp_pattern(ram + 0x20000, 10 * 2048 + 3000, 3144) &&
           (in8(BM + 2) & 0x05) == 0x04,
       "ATAPI READ(10) by DMA across two PRD entries");
    out8(BM, 0);

    /* ATAPI power / features */
    select_dev(1, 0);
    nondata(0xE5);
    ok(in8(CMD + 7) == 0x50 && in8(CMD + 2) == 0xFF, "ATAPI CHECK POWER MODE");
    rig_free();
    blockdev_close(bd);
    blockdev_close(cd);
    blockdev_close(cd2);
}

/* ---------------------------------------------------------------- modes */

static void test_modes(void)
{
    make_image("s.img", 2048 * 512);
    uint32_t sum = file_sum("s.img");
    BlockDev *bd = open_img("s.img", BDEV_SNAPSHOT);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    uint8_t wb[4 * 512], rb[4 * 512];
    for (int i = 0; i < (int)sizeof wb; i++)
        wb[i] = (uint8_t)~i;
    set_lba28(0, 10, 4);
    int r1 = pio_write(0x30, wb, 4, 1);
    set_lba28(0, 9, 4);
    int r2 = pio_read(0x20, rb, 4, 1);
    ok(r1 == 4 && r2 == 4 && cmp_pattern(rb, 9 * 512, 512) &&
           memcmp(rb + 512, wb, 3 * 512) == 0,
       "snapshot mode: guest reads its own writes");
    uint8_t *ram = phys_ram_ptr(pm, 0, 4 << 20);
    memset(ram + 0x10000, 0x77, 8192);
    put_prd(0x1000, 0x10000, 8192, 1);
    set_lba28(0, 100, 16);
    out8(CMD + 7, 0xCA);
    bm_start(0, 0x1000);
    nondata(0xE7);
    ok(in8(CMD + 7) == 0x50 && blockdev_overlay_sectors(bd) == 20,
       "snapshot mode: DMA write and FLUSH CACHE succeed");
    out8(BM, 0);
    rig_free();
    blockdev_close(bd);
    ok(file_sum("s.img") == sum, "snapshot mode: base image checksum unchanged");

    bd = open_img("s.img", BDEV_READONLY);
    rig_new(bd, ATA_DISK, NULL, ATA_NONE);
    set_lba28(0, 10, 1);
    nondata(0x30);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04 && !(in8(CTL) & 0x08),
       "read-only image: WRITE SECTORS aborted before any data phase");
    nondata(0xCA);
    ok(in8(CMD + 7) == 0x51 && in8(CMD + 1) == 0x04, "read-only image: WRITE DMA aborted");
    set_lba28(0, 10, 1);
    ok(pio_read(0x20, rb, 1, 1) == 1 && cmp_pattern(rb, 10 * 512, 512),
       "read-only image still reads");
    rig_free();
    blockdev_close(bd);
    ok(file_sum("s.img") == sum, "read-only mode: image unchanged");
}

/* ---------------------------------------------------------------- save */

static void test_snapshot_state(void)
{
    make_image("d.img", DISK_SECTORS * 512ull);
    make_image("c.iso", 40 * 2048);
    BlockDev *bd = open_img("d.img", 0);
    BlockDev *cd = open_img("c.iso", BDEV_CDROM);
    rig_new(bd, ATA_DISK, cd, ATA_CDROM);
    out8(CMD + 2, 8);
    nondata(0xC6);
    set_lba28(0, 30, 20);
    out8(CMD + 7, 0xC4);
    in8(CMD + 7);
    uint8_t b1[20 * 512];
    read_data(b1, 1000); /* mid-block */
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    ata_save(ch, &w1);
    ata_reset(ch);
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    int lr = ata_load(ch, &r);
    ata_save(ch, &w2);
    ok(lr == 0 && w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save, reset, load, save: identical bytes (mid READ MULTIPLE)");
    int blocks = 0, rises = irq_rises;
    uint32_t got = 1000;
    while (got < 20 * 512) {
        uint32_t n = 4096 - got % 4096;
        if (n > 20 * 512 - got)
            n = 20 * 512 - got;
        read_data(b1 + got, n);
        got += n;
        blocks++;
        if (got < 20 * 512)
            in8(CMD + 7); /* the interrupt handler's status read */
    }
    ok(cmp_pattern(b1, 30 * 512, 20 * 512) && irq_rises == rises + 2 &&
           in8(CMD + 7) == 0x50,
       "the restored transfer continues with the right data");

    /* mid ATAPI PIO transfer */
    uint8_t rd[12] = {0x28, 0, 0, 0, 0, 5, 0, 0, 3};
    select_dev(1, 0);
    out8(CMD + 4, 0x00);
    out8(CMD + 5, 0x10); /* 4096-byte chunks */
    out8(CMD + 7, 0xA0);
    for (int i = 0; i < 12; i += 2)
        out16(CMD, (uint16_t)(rd[i] | rd[i + 1] << 8));
    in8(CMD + 7);
    uint8_t b2[3 * 2048];
    read_data(b2, 2500);
    snap_writer_free(&w1);
    snap_writer_free(&w2);
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    ata_save(ch, &w1);
    ata_reset(ch);
    snap_reader_init(&r, w1.buf, w1.len);
    lr = ata_load(ch, &r);
    ata_save(ch, &w2);
    ok(lr == 0 && w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "round trip in the middle of an ATAPI data phase");
    read_data(b2 + 2500, 4096 - 2500);
    in8(CMD + 7);
    ok(in8(CMD + 4) == 0x00 && in8(CMD + 5) == 0x08, "second chunk of 2048 bytes");
    read_data(b2 + 4096, 2048);
    ok(cmp_pattern(b2, 5 * 2048, 3 * 2048) && in8(CMD + 7) == 0x50 &&
           (in8(CMD + 2) & 3) == 3,
       "restored ATAPI transfer completes with the right data");

    /* bad data: every truncation refused, device left usable */
    int all_refused = 1;
    for (size_t cut = 0; cut < w1.len; cut += 7) {
        snap_reader_init(&r, w1.buf, cut);
        if (ata_load(ch, &r) != -1)
            all_refused = 0;
    }
    ok(all_refused, "every truncated state is refused");
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    /* find the channel fields after two drives: tag(8) + 2 * (1+8+24+6) */
    size_t xfer_at = 8 + 2 * 39 + 2;
    bad[xfer_at] = 0x20;
    snap_reader_init(&r, bad, w1.len);
    ok(ata_load(ch, &r) == -1, "bad transfer state refused");
    memcpy(bad, w1.buf, w1.len);
    bad[8] = ATA_DISK; /* slave kind mismatch... master is already DISK */
    bad[8 + 39] = ATA_DISK;
    snap_reader_init(&r, bad, w1.len);
    ok(ata_load(ch, &r) == -1, "drive kind mismatch refused");
    memcpy(bad, w1.buf, w1.len);
    memset(bad + xfer_at + 5 + 8 + 8, 0xFF, 4); /* io_pos huge */
    snap_reader_init(&r, bad, w1.len);
    ok(ata_load(ch, &r) == -1, "out-of-range buffer position refused");
    free(bad);
    select_dev(0, 0);
    set_lba28(0, 3, 1);
    uint8_t b3[512];
    ok(pio_read(0x20, b3, 1, 1) == 1 && cmp_pattern(b3, 3 * 512, 512),
       "device usable after refused loads");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
    rig_free();
    blockdev_close(bd);
    blockdev_close(cd);
}

/* ---------------------------------------------------------------- fuzz */

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void test_fuzz(void)
{
    make_image("f.img", 2048 * 512);
    make_image("f.iso", 64 * 2048);
    BlockDev *bd = open_img("f.img", BDEV_SNAPSHOT);
    BlockDev *cd = open_img("f.iso", BDEV_CDROM);
    rig_new(bd, ATA_DISK, cd, ATA_CDROM);
    uint8_t *ram = phys_ram_ptr(pm, 0, 4 << 20);
    for (uint32_t i = 0; i < (4u << 20); i++)
        ram[i] = (uint8_t)rnd();
    static const uint16_t ports[] = {CMD, CMD + 1, CMD + 2, CMD + 3, CMD + 4,
                                     CMD + 5, CMD + 6, CMD + 7, CTL, BM, BM + 2,
                                     BM + 4};
    static const uint8_t cmds[] = {0x20, 0x24, 0x30, 0x34, 0xC4, 0xC5, 0xC8,
                                   0xCA, 0x25, 0x35, 0xEC, 0xA1, 0xA0, 0xC6,
                                   0x91, 0xEF, 0x90, 0x08, 0xE7, 0x40};
    int load_fail = 0;
    for (int it = 0; it < 200000; it++) {
        uint32_t x = rnd();
        uint16_t port = ports[x % 12];
        unsigned size = 1u << ((x >> 4) % 3);
        uint32_t v = rnd();
        if (port == CMD + 7 && (x & 0x100))
            v = cmds[(x >> 9) % 20];
        if (port >= CMD + 2 && port <= CMD + 5 && (x & 0x400))
            v &= 0x07; /* small counts and addresses: commands succeed */
        if (port == CMD + 6 && (x & 0x400))
            v = (x & 0x800) ? 0xF0 : 0xE0;
        if (port == BM + 4)
            v &= 0x3FFFF8; /* PRD tables inside RAM (mostly) */
        if (port == BM && (x & 0x200)) /* CD packets via the data port */
            port = CMD;
        if (x & 0x80000000u)
            iobus_read(bus, port, size);
        else
            iobus_write(bus, port, v, size);
        if (it % 5000 == 0) {
            SnapWriter w;
            snap_writer_init(&w);
            ata_save(ch, &w);
            SnapReader r;
            snap_reader_init(&r, w.buf, w.len);
            if (ata_load(ch, &r) != 0) {
                printf("# fuzz: load of a saved state failed at %d\n", it);
                load_fail++;
            }
            snap_writer_free(&w);
        }
        if (it % 20000 == 0)
            ata_cd_change(ch, 1, (x & 1) ? cd : NULL, 1);
    }
    ata_cd_change(ch, 1, cd, 1);
    printf("# fuzz: %d interrupts, %llu overlay sectors written\n", irq_rises,
           (unsigned long long)blockdev_overlay_sectors(bd));
    ok(load_fail == 0, "200000 random port accesses survived (run under "
                       "sanitizers), every saved state reloads");
    /* still works afterwards */
    out8(CTL, 0x04);
    out8(CTL, 0x00);
    out8(BM, 0);
    select_dev(0, 0);
    set_lba28(0, 2000, 1);
    uint8_t b[512];
    ok(pio_read(0x20, b, 1, 1) == 1, "disk works after the fuzz run and SRST");
    rig_free();
    blockdev_close(bd);
    blockdev_close(cd);
}

static void cleanup(void)
{
    const char *names[] = {"d.img", "c.iso", "c2.iso", "s.img", "f.img", "f.iso"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        img_path(p, sizeof p, names[i]);
        unlink(p);
    }
    rmdir(dir);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ataXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_identify_geometry();
    test_pio();
    test_dma();
    test_reset();
    test_atapi();
    test_modes();
    test_snapshot_state();
    test_fuzz();
    cleanup();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
