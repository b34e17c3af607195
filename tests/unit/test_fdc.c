/* Unit tests for the 82077AA floppy controller, driven through the I/O bus
 * as a guest would, with the 8237A DMA and a real PhysMem wired as on the
 * board, and temporary raw images.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/blockdev.h"
#include "devices/bus.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/snap.h"
#include "memory/mem.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static PhysMem *mem;
static DMA *dma;
static FDC *fdc;
static int irq, irq_raises;

static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }

/* ---- board glue, as in pc.c */
static void irq_cb(void *o, int n, int level)
{
    (void)o;
    (void)n;
    if (level && !irq)
        irq_raises++;
    irq = level;
}
static void g_dreq(void *o, int level) { dma_set_dreq(o, 2, level); }
static size_t g_wr(void *o, const void *b, size_t n, int *tc)
{
    return dma_write_memory(o, 2, b, n, tc);
}
static size_t g_rd(void *o, void *b, size_t n, int *tc)
{
    return dma_read_memory(o, 2, b, n, tc);
}
static void g_service(void *o, unsigned ch)
{
    (void)ch;
    fdc_dma_service(o);
}

/* ---- images */
static char dir[256];
static char path_a[300], path_b[300];

static void sector_pattern(uint8_t *buf, unsigned lba)
{
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(lba * 7 + i);
    buf[0] = (uint8_t)lba;
    buf[1] = (uint8_t)(lba >> 8);
}

static int make_image(const char *path, unsigned sectors)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint8_t buf[512];
    for (unsigned s = 0; s < sectors; s++) {
        sector_pattern(buf, s);
        fwrite(buf, 1, 512, f);
    }
    return fclose(f);
}

static unsigned lba144(unsigned c, unsigned h, unsigned r)
{
    return (c * 2 + h) * 18 + r - 1;
}

/* ---- FDC helpers */
static void cmd(const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out(0x3F5, b[i]);
}
#define CMD(...)                                                            \
    do {                                                                    \
        const uint8_t c_[] = {__VA_ARGS__};                                 \
        cmd(c_, sizeof(c_));                                                \
    } while (0)

/* Reads up to n result bytes while MSR says RQM|DIO. Returns the count. */
static unsigned result(uint8_t *res, unsigned n)
{
    unsigned k = 0;
    while (k < n && (in(0x3F4) & 0xC0) == 0xC0)
        res[k++] = in(0x3F5);
    return k;
}

static int sense_int(uint8_t *st0, uint8_t *pcn)
{
    uint8_t r[2] = {0, 0};
    CMD(0x08);
    unsigned k = result(r, 2);
    *st0 = r[0];
    *pcn = r[1];
    return (int)k;
}

static void dma_init(void)
{
    out(0x0D, 0);
    out(0xDA, 0);
    out(0xD6, 0xC0);
    out(0xD4, 0x00);
}

/* channel 2: mode 0x46 = single, write (FDC -> memory); 0x4A = read */
static void dma_ch2(uint8_t mode, uint32_t addr, uint16_t count, int unmask)
{
    out(0x0A, 0x06);
    out(0x0C, 0);
    out(0x0B, mode);
    out(0x04, (uint8_t)addr);
    out(0x04, (uint8_t)(addr >> 8));
    out(0x81, (uint8_t)(addr >> 16));
    out(0x05, (uint8_t)count);
    out(0x05, (uint8_t)(count >> 8));
    if (unmask)
        out(0x0A, 0x02);
}

static int check_sectors(uint32_t addr, unsigned lba, unsigned n)
{
    uint8_t got[512], want[512];
    for (unsigned i = 0; i < n; i++) {
        phys_dma_read(mem, addr + 512 * i, got, 512);
        sector_pattern(want, lba + i);
        if (memcmp(got, want, 512))
            return 0;
    }
    return 1;
}

static void seek(unsigned drive, unsigned head, unsigned track)
{
    uint8_t st0, pcn;
    CMD(0x0F, (uint8_t)(head << 2 | drive), (uint8_t)track);
    sense_int(&st0, &pcn);
}

static BlockDev *bd_a, *bd_b;

static void test_reset_and_basics(void)
{
    uint8_t st0, pcn, r[10];
    ok(in(0x3F4) == 0x00, "power-on: DOR=0 holds the FDC in reset (MSR 0)");
    ok(in(0x3F2) == 0x00, "DOR reads 0");
    out(0x3F2, 0x1C); /* motor A, DMA+IRQ, not reset, drive 0 */
    ok(irq == 1, "leaving reset raises IRQ6");
    ok(in(0x3F4) == 0x80, "MSR = RQM after reset");
    int good = 1;
    for (int i = 0; i < 4; i++) {
        good &= sense_int(&st0, &pcn) == 2 && st0 == (0xC0 | i);
    }
    ok(good, "four SENSE INTERRUPT STATUS: 0xC0..0xC3 (polling)");
    ok(irq == 0, "IRQ6 lowered after the statuses are read");
    ok(sense_int(&st0, &pcn) == 1 && st0 == 0x80,
       "SENSE INTERRUPT with nothing pending: invalid (0x80)");
    CMD(0x10);
    ok(result(r, 10) == 1 && r[0] == 0x90, "VERSION = 0x90");
    CMD(0x1F);
    ok(result(r, 10) == 1 && r[0] == 0x80, "unknown opcode: invalid 0x80");
    ok(in(0x3F4) == 0x80, "back to the command phase");
    ok(in(0x3F7) & 0x80, "DIR: disk change set at power-on");
    CMD(0x03, 0xDF, 0x02); /* SPECIFY, DMA mode */
    ok(in(0x3F4) == 0x80, "SPECIFY has no result phase");
    out(0x3F7, 0x00); /* 500 kbit/s */
    CMD(0x07, 0x00);
    ok(irq == 1 && (in(0x3F4) & 0x01), "RECALIBRATE: IRQ and drive 0 busy");
    ok(sense_int(&st0, &pcn) == 2 && st0 == 0x20 && pcn == 0,
       "SENSE INT after recalibrate: ST0 0x20 (SE), PCN 0");
    ok(!(in(0x3F4) & 0x01) && irq == 0, "busy bit and IRQ cleared");
    ok(!(in(0x3F7) & 0x80), "a step with a disk in the drive clears DSKCHG");
    CMD(0x0F, 0x04, 5);
    ok(sense_int(&st0, &pcn) == 2 && st0 == 0x24 && pcn == 5,
       "SEEK head 1 to 5: ST0 0x24, PCN 5");
    CMD(0x8F, 0x00, 2); /* relative, outwards */
    sense_int(&st0, &pcn);
    ok(pcn == 3, "RELATIVE SEEK outwards by 2: PCN 3");
    CMD(0xCF, 0x00, 4);
    sense_int(&st0, &pcn);
    ok(pcn == 7, "RELATIVE SEEK inwards by 4: PCN 7");
    CMD(0x04, 0x04);
    ok(result(r, 10) == 1 && r[0] == 0x2C,
       "SENSE DRIVE STATUS: ST3 0x2C (not track 0, head 1, writable)");
    seek(0, 0, 0);
    CMD(0x04, 0x00);
    ok(result(r, 10) == 1 && r[0] == 0x38, "ST3 with track 0: 0x38");
    CMD(0x04, 0x01);
    ok(result(r, 10) == 1 && r[0] == 0x79,
       "drive B (read-only image): ST3 WP and T0");
    CMD(0x07, 0x02);
    ok(sense_int(&st0, &pcn) == 2 && st0 == 0x72,
       "RECALIBRATE of absent drive 2: ST0 abnormal+SE+EC");
}

static void test_read_dma(void)
{
    uint8_t r[10];
    seek(0, 0, 1);
    dma_ch2(0x46, 0x20000, 1023, 1);
    irq_raises = 0;
    CMD(0xE6, 0x04, 1, 1, 17, 2, 18, 0x1B, 0xFF); /* MT MFM SK READ */
    ok(irq == 1 && irq_raises == 1, "READ DATA: one interrupt at the end");
    ok(in(0x3F4) == 0xD0, "MSR in result phase: RQM|DIO|CB");
    ok(result(r, 10) == 7, "seven result bytes");
    ok(irq == 0, "reading the result lowers IRQ6");
    ok(r[0] == 0x00 && r[1] == 0 && r[2] == 0,
       "normal termination by TC (ST0 head bit toggled with H)");
    ok(r[3] == 2 && r[4] == 0 && r[5] == 1 && r[6] == 2,
       "MT, last sector of head 1: C+1, H toggled, R=1");
    ok(check_sectors(0x20000, lba144(1, 1, 17), 2),
       "sectors (1,1,17..18) in memory by DMA");
    ok((in(0x08) & 0x04) == 0x04, "DMA status: TC on channel 2");

    /* multi-track head switch */
    dma_ch2(0x46, 0x21000, 1023, 1);
    CMD(0xC6, 0x00, 1, 0, 18, 2, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x04 && r[3] == 1 && r[4] == 1 && r[5] == 2,
       "MT read across heads ends at (1,1,2)");
    ok(check_sectors(0x21000, lba144(1, 0, 18), 2), "(1,0,18),(1,1,1) read");

    /* no TC before EOT: abnormal termination with EN */
    dma_ch2(0x46, 0x22000, 0xFFFF, 1);
    CMD(0x46, 0x00, 1, 0, 17, 2, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x40 && r[1] == 0x80 && r[3] == 2 && r[5] == 1,
       "EOT without TC: ST0 abnormal, ST1 EN, C+1 R=1");
    ok(check_sectors(0x22000, lba144(1, 0, 17), 2), "both sectors read");

    /* DMA masked when the command starts: waits for the channel */
    dma_ch2(0x46, 0x23000, 511, 0);
    CMD(0x46, 0x00, 1, 0, 5, 2, 18, 0x1B, 0xFF);
    ok(in(0x3F4) == 0x10 && irq == 0,
       "masked DMA: execution phase (MSR CB only), no IRQ");
    ok((in(0x08) & 0x40) == 0x40, "DMA status shows DREQ2");
    out(0x0A, 0x02);
    ok(irq == 1 && result(r, 10) == 7 && r[0] == 0x00 && r[5] == 6,
       "unmasking lets the transfer finish");
    ok(check_sectors(0x23000, lba144(1, 0, 5), 1), "sector (1,0,5) read");
}

static void test_write_format_readid(void)
{
    uint8_t r[10], buf[1024], got[512];
    for (int i = 0; i < 1024; i++)
        buf[i] = (uint8_t)(i * 13 + 1);
    phys_dma_write(mem, 0x30000, buf, 1024);
    dma_ch2(0x4A, 0x30000, 1023, 1);
    CMD(0xC5, 0x00, 1, 0, 3, 2, 18, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0 && r[5] == 5,
       "WRITE DATA two sectors: normal termination, R=5");
    ok(blockdev_read(bd_a, lba144(1, 0, 3), 1, got) == 0 &&
           memcmp(got, buf, 512) == 0 &&
           blockdev_read(bd_a, lba144(1, 0, 4), 1, got) == 0 &&
           memcmp(got, buf + 512, 512) == 0,
       "the image holds the written sectors");

    CMD(0x4A, 0x04);
    ok(result(r, 10) == 7 && r[0] == 0x04 && r[3] == 1 && r[4] == 1 &&
           r[5] >= 1 && r[5] <= 18 && r[6] == 2,
       "READ ID: (track 1, head 1, R in 1..18, N 2)");

    /* FORMAT track 2 head 1 with filler 0xF6 */
    seek(0, 1, 2);
    uint8_t ids[18 * 4];
    for (int s = 0; s < 18; s++) {
        ids[4 * s] = 2;
        ids[4 * s + 1] = 1;
        ids[4 * s + 2] = (uint8_t)(s + 1);
        ids[4 * s + 3] = 2;
    }
    phys_dma_write(mem, 0x31000, ids, sizeof(ids));
    dma_ch2(0x4A, 0x31000, sizeof(ids) - 1, 1);
    CMD(0x4D, 0x04, 2, 18, 0x54, 0xF6);
    ok(result(r, 10) == 7 && r[0] == 0x04 && r[1] == 0,
       "FORMAT TRACK: normal termination");
    int good = 1;
    for (int s = 1; s <= 18; s++) {
        blockdev_read(bd_a, lba144(2, 1, (unsigned)s), 1, got);
        for (int i = 0; i < 512; i++)
            good &= got[i] == 0xF6;
    }
    blockdev_read(bd_a, lba144(2, 0, 1), 1, got);
    uint8_t want[512];
    sector_pattern(want, lba144(2, 0, 1));
    ok(good && memcmp(got, want, 512) == 0,
       "all 18 sectors of (2,1) filled with F6, head 0 untouched");
}

static void test_errors(void)
{
    uint8_t r[10], st0, pcn;
    seek(0, 0, 1);
    dma_ch2(0x46, 0x24000, 511, 1);
    CMD(0x46, 0x00, 1, 0, 19, 2, 19, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0x40 && r[1] == 0x04,
       "sector 19: ST1 ND (no data)");
    CMD(0x46, 0x00, 9, 0, 1, 2, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x40 && r[1] == 0x04 && r[2] == 0x10,
       "C != track under the head: ND + ST2 WC");
    CMD(0x46, 0x00, 1, 0, 1, 3, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x40 && r[1] == 0x04, "N=3 (1024 bytes): ND");
    CMD(0x06, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x40 && r[1] == 0x01, "FM read of an MFM disk: MA");
    out(0x3F7, 0x02); /* 250 kbit/s */
    CMD(0x46, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF);
    result(r, 10);
    ok(r[0] == 0x40 && r[1] == 0x01, "wrong data rate for 1.44M: MA");
    out(0x3F7, 0x00);

    /* write-protected drive B (720K read-only image, 250 kbit/s) */
    out(0x3F7, 0x02);
    seek(1, 0, 0);
    dma_ch2(0x4A, 0x24000, 511, 1);
    CMD(0x45, 0x01, 0, 0, 1, 2, 9, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0x41 && r[1] == 0x02,
       "write to a read-only image: ST1 NW");
    dma_ch2(0x46, 0x25000, 511, 1);
    CMD(0x46, 0x01, 0, 0, 9, 2, 9, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0x01 && check_sectors(0x25000, 8, 1),
       "drive B 720K: read (0,0,9) at 250 kbit/s");
    out(0x3F7, 0x00);

    /* no disk and disk change */
    fdc_insert(fdc, 0, NULL);
    out(0x3F2, 0x1C);
    ok(in(0x3F7) & 0x80, "eject: DIR disk change set");
    dma_ch2(0x46, 0x24000, 511, 1);
    CMD(0x46, 0x00, 1, 0, 1, 2, 18, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0x40 && r[1] == 0x01,
       "no disk: ST1 MA");
    seek(0, 0, 1);
    ok(in(0x3F7) & 0x80, "a seek without a disk leaves DSKCHG set");
    fdc_insert(fdc, 0, bd_a);
    CMD(0x0F, 0x00, 2);
    sense_int(&st0, &pcn);
    ok(!(in(0x3F7) & 0x80) && pcn == 2, "seek after insertion clears it");

    /* implied seek */
    CMD(0x13, 0x00, 0x60, 0x00); /* CONFIGURE: EIS, FIFO off */
    dma_ch2(0x46, 0x26000, 511, 1);
    CMD(0x46, 0x00, 4, 0, 7, 2, 18, 0x1B, 0xFF);
    ok(result(r, 10) == 7 && r[0] == 0x20 && check_sectors(0x26000,
                                                          lba144(4, 0, 7), 1),
       "implied seek (EIS): ST0 SE, data from track 4");
    CMD(0x0E);
    ok(result(r, 10) == 10 && r[0] == 4 && r[1] == 0 && r[4] == 0xDF &&
           r[5] == 0x02 && r[8] == 0x60,
       "DUMPREG: PCN, SPECIFY, CONFIGURE");
    CMD(0x94);
    ok(result(r, 10) == 1 && r[0] == 0x10, "LOCK: result 0x10");
    CMD(0x12, 0x85); /* OW, D0, WGATE */
    out(0x3F4, 0x80); /* DSR software reset */
    for (int i = 0; i < 4; i++)
        sense_int(&st0, &pcn);
    CMD(0x0E);
    result(r, 10);
    ok(r[7] == 0x84 && r[8] == 0x60,
       "locked CONFIGURE and PERPENDICULAR D0 survive a reset; WGATE cleared");
    CMD(0x14);
    result(r, 10);
    out(0x3F2, 0x18);
    out(0x3F2, 0x1C);
    for (int i = 0; i < 4; i++)
        sense_int(&st0, &pcn);
    CMD(0x0E);
    result(r, 10);
    ok(r[8] == 0x20 && (r[7] & 0x80) == 0,
       "after unlock, a DOR reset restores the CONFIGURE defaults");

    /* DOR bit 3 gates IRQ6 */
    out(0x3F2, 0x14);
    CMD(0x07, 0x00);
    ok(irq == 0, "DOR DMA gate off: no IRQ6");
    out(0x3F2, 0x1C);
    ok(irq == 1, "gate on: pending interrupt appears");
    sense_int(&st0, &pcn);
}

static void test_pio_and_snapshot(void)
{
    uint8_t r[10], want[512], got[512];
    CMD(0x03, 0xDF, 0x03); /* ND=1 */
    seek(0, 0, 3);
    irq_raises = 0;
    CMD(0x46, 0x00, 3, 0, 8, 2, 8, 0x1B, 0xFF);
    ok(in(0x3F4) == 0xF0, "non-DMA read: MSR RQM|DIO|NDMA|CB");
    ok(irq == 1, "non-DMA: interrupt when data is ready");
    for (int i = 0; i < 100; i++)
        got[i] = in(0x3F5);
    ok(irq == 0, "FIFO read clears the data interrupt");

    /* snapshot in mid-transfer */
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    fdc_save(fdc, &w1);
    fdc_reset(fdc);
    ok(in(0x3F4) == 0, "reset");
    SnapReader rd;
    snap_reader_init(&rd, w1.buf, w1.len);
    ok(fdc_load(fdc, &rd) == 0, "snapshot loads");
    fdc_save(fdc, &w2);
    ok(w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save/load/save identical");
    for (int i = 100; i < 512; i++)
        got[i] = in(0x3F5);
    sector_pattern(want, lba144(3, 0, 8));
    ok(memcmp(got, want, 512) == 0, "non-DMA data continues after the load");
    ok(result(r, 10) == 7 && r[0] == 0x40 && r[1] == 0x80,
       "non-DMA read ends at EOT with EN (no TC)");
    /* non-DMA write */
    CMD(0x45, 0x00, 3, 0, 2, 2, 2, 0x1B, 0xFF);
    ok(in(0x3F4) == 0xB0, "non-DMA write: MSR RQM|NDMA|CB");
    for (int i = 0; i < 512; i++)
        out(0x3F5, (uint8_t)(i ^ 0x3C));
    ok(result(r, 10) == 7 && r[1] == 0x80, "non-DMA write done");
    blockdev_read(bd_a, lba144(3, 0, 2), 1, got);
    int good = 1;
    for (int i = 0; i < 512; i++)
        good &= got[i] == (uint8_t)(i ^ 0x3C);
    ok(good, "non-DMA write reached the image");
    /* media ejected in the middle of a non-DMA write */
    CMD(0x45, 0x00, 3, 0, 2, 2, 2, 0x1B, 0xFF);
    for (int i = 0; i < 100; i++)
        out(0x3F5, 0xEE);
    fdc_insert(fdc, 0, NULL);
    for (int i = 100; i < 512; i++)
        out(0x3F5, 0xEE);
    ok(result(r, 10) == 7 && r[0] == 0x40 && r[1] == 0x04,
       "eject during a write: the sector is not written (ND)");
    fdc_insert(fdc, 0, bd_a);
    blockdev_read(bd_a, lba144(3, 0, 2), 1, got);
    ok(got[5] == (uint8_t)(5 ^ 0x3C), "image unchanged");
    CMD(0x03, 0xDF, 0x02);

    /* corrupt snapshots */
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 12 + 11] = 7; /* phase out of range */
    snap_reader_init(&rd, bad, w1.len);
    int rc = fdc_load(fdc, &rd);
    ok(rc == -1 && in(0x3F4) == 0, "bad phase rejected, FDC reset");
    memcpy(bad, w1.buf, w1.len);
    bad[w1.len - 512 - 2] = 0xFF; /* buf_pos 0x..FF -> > 512 */
    bad[w1.len - 512 - 1] = 0xFF;
    snap_reader_init(&rd, bad, w1.len);
    ok(fdc_load(fdc, &rd) == -1, "buffer position out of range rejected");
    snap_reader_init(&rd, w1.buf, w1.len - 3);
    ok(fdc_load(fdc, &rd) == -1, "truncated snapshot rejected");
    free(bad);
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

static void test_fuzz(void)
{
    uint32_t s = 777;
    for (int i = 0; i < 30000; i++) {
        s = s * 1103515245u + 12345u;
        unsigned v = s >> 16;
        static const uint16_t ports[] = {0x3F2, 0x3F4, 0x3F5, 0x3F5, 0x3F5,
                                         0x3F5, 0x3F7, 0x3F3, 0x0A, 0x0B,
                                         0x04, 0x05, 0x81};
        uint16_t p = ports[v % (sizeof(ports) / sizeof(ports[0]))];
        uint8_t val = (uint8_t)(s >> 8);
        if (p == 0x3F2)
            val |= 0x04; /* mostly out of reset */
        if (v & 0x200)
            (void)in(p);
        else
            out(p, val);
        if ((v & 0xFFF) == 5) /* media come and go */
            fdc_insert(fdc, 0, (v & 0x1000) ? NULL : bd_a);
        if ((v & 0x7FF) == 3) {
            SnapWriter w;
            snap_writer_init(&w);
            fdc_save(fdc, &w);
            SnapReader r;
            snap_reader_init(&r, w.buf, w.len);
            if (fdc_load(fdc, &r) < 0)
                failures++;
            snap_writer_free(&w);
        }
    }
    ok(1, "30000 random FDC/DMA accesses survived");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/fdcXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path_a, sizeof path_a, "%s/a.img", dir);
    snprintf(path_b, sizeof path_b, "%s/b.img", dir);
    ok(make_image(path_a, 2880) == 0 && make_image(path_b, 1440) == 0,
       "images created");
    char err[256];
    bd_a = blockdev_open(path_a, 0, err, sizeof err);
    bd_b = blockdev_open(path_b, BDEV_READONLY, err, sizeof err);
    FDCGeometry g;
    ok(fdc_geometry(1474560, &g) == 0 && g.tracks == 80 && g.heads == 2 &&
           g.sectors == 18 && g.type == FDC_TYPE_1440K,
       "geometry 1.44M");
    ok(fdc_geometry(2949120, &g) == 0 && g.sectors == 36 &&
           g.type == FDC_TYPE_2880K && fdc_geometry(737280, &g) == 0 &&
           g.sectors == 9 && g.type == FDC_TYPE_720K &&
           fdc_geometry(1228800, &g) == 0 && g.sectors == 15 &&
           g.type == FDC_TYPE_1200K && fdc_geometry(368640, &g) == 0 &&
           g.tracks == 40 && g.type == FDC_TYPE_360K,
       "geometry 2.88M, 720K, 1.2M, 360K");
    ok(fdc_geometry(1474560 + 512, &g) == -1, "odd size refused");

    bus = iobus_new();
    mem = phys_new(16u << 20, PHYS_LAYOUT_PC);
    dma = dma_new(mem);
    FDCOps ops = {.irq = irq_line(irq_cb, NULL, 6), .opaque = dma,
                  .dreq = g_dreq, .dma_write_memory = g_wr,
                  .dma_read_memory = g_rd};
    fdc = fdc_new(&ops);
    dma_set_service(dma, 2, g_service, fdc);
    ok(bd_a && bd_b && bus && mem && dma && fdc, "created");
    ok(dma_register(dma, bus, 0, 0xC0, 0x80) == 0 &&
           fdc_register(fdc, bus, 0x3F0) == 0,
       "registered");
    ok(iobus_register(bus, 0x3F6, 1, IO_8, NULL, NULL, NULL) == 0,
       "0x3F6 left to the IDE controller");
    ok(fdc_add_drive(fdc, 0, FDC_TYPE_1440K) == 0 &&
           fdc_add_drive(fdc, 1, FDC_TYPE_720K) == 0 &&
           fdc_add_drive(fdc, 2, FDC_TYPE_720K) == -1,
       "drives A and B fitted, no C");
    ok(fdc_insert(fdc, 0, bd_a) == 0 && fdc_insert(fdc, 1, bd_b) == 0,
       "media inserted");
    dma_init();
    test_reset_and_basics();
    test_read_dma();
    test_write_format_readid();
    test_errors();
    test_pio_and_snapshot();
    test_fuzz();

    fdc_free(fdc);
    dma_free(dma);
    phys_free(mem);
    iobus_free(bus);
    blockdev_close(bd_a);
    blockdev_close(bd_b);
    unlink(path_a);
    unlink(path_b);
    rmdir(dir);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
