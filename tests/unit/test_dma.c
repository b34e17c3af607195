/* Unit tests for the 8237A DMA pair and page registers, programmed through
 * the I/O bus as a guest would, moving data to and from a real PhysMem.
 * TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/dma.h"
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

static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }

/* 8-bit channel ports */
static const uint16_t addr8[4] = {0x00, 0x02, 0x04, 0x06};
static const uint16_t page_port[8] = {0x87, 0x83, 0x81, 0x82,
                                      0x8F, 0x8B, 0x89, 0x8A};

/* Programs channel ch (0-3) like a BIOS does. */
static void prog8(unsigned ch, uint8_t mode, uint32_t addr, uint16_t count)
{
    out(0x0A, (uint8_t)(4 | ch)); /* mask */
    out(0x0C, 0);                 /* flip-flop */
    out(0x0B, (uint8_t)(mode | ch));
    out(addr8[ch], (uint8_t)addr);
    out(addr8[ch], (uint8_t)(addr >> 8));
    out(page_port[ch], (uint8_t)(addr >> 16));
    out(addr8[ch] + 1, (uint8_t)count);
    out(addr8[ch] + 1, (uint8_t)(count >> 8));
}

static void prog16(unsigned ch, uint8_t mode, uint32_t addr, uint16_t words)
{
    unsigned c = ch - 4;
    uint16_t a = (uint16_t)(0xC0 + 4 * c), n = (uint16_t)(a + 2);
    uint16_t waddr = (uint16_t)(addr >> 1);
    out(0xD4, (uint8_t)(4 | c));
    out(0xD8, 0);
    out(0xD6, (uint8_t)(mode | c));
    out(a, (uint8_t)waddr);
    out(a, (uint8_t)(waddr >> 8));
    out(page_port[ch], (uint8_t)(addr >> 16));
    out(n, (uint8_t)words);
    out(n, (uint8_t)(words >> 8));
}

static void unmask8(unsigned ch) { out(0x0A, (uint8_t)ch); }
static void unmask16(unsigned ch) { out(0xD4, (uint8_t)(ch - 4)); }

/* A device on a channel: records service calls. */
typedef struct Dev {
    int calls;
    unsigned ch;
    uint8_t data[256];
    size_t len, moved;
    int tc;
} Dev;

static void dev_service(void *opaque, unsigned ch)
{
    Dev *d = opaque;
    d->calls++;
    d->ch = ch;
    d->moved = dma_write_memory(dma, ch, d->data, d->len, &d->tc);
    if (d->tc || d->moved == d->len)
        dma_set_dreq(dma, ch, 0);
}

static void bios_init(void)
{
    out(0x0D, 0);    /* master clear 1 */
    out(0xDA, 0);    /* master clear 2 */
    out(0xD6, 0xC0); /* channel 4 cascade */
    out(0xD4, 0x00); /* unmask channel 4 */
}

static void test_registers(void)
{
    bios_init();
    prog8(2, 0x46, 0x123456, 0x01FF);
    ok(dma_channel_address(dma, 2) == 0x123456, "ch2 address through ports");
    ok(dma_channel_count(dma, 2) == 0x01FF, "ch2 count through ports");
    ok(dma_channel_mode(dma, 2) == 0x46, "ch2 mode register");
    out(0x0C, 0);
    ok(in(0x04) == 0x56 && in(0x04) == 0x34, "address read back (flip-flop)");
    ok(in(0x05) == 0xFF && in(0x05) == 0x01, "count read back");
    ok(in(0x81) == 0x12, "page register 0x81 reads back");
    out(0x84, 0x5A);
    ok(in(0x84) == 0x5A, "spare page register 0x84 is read/write");
    ok((in(0x0F) & 0x0F) == 0x0F, "all channels masked after master clear");
    ok((in(0xDE) & 0x0F) == 0x0E, "controller 2: only ch4 unmasked");
    ok(!dma_channel_ready(dma, 2), "masked channel not ready");
    unmask8(2);
    ok(dma_channel_ready(dma, 2), "unmasked channel ready");
    out(0xD4, 4); /* mask the cascade */
    ok(!dma_channel_ready(dma, 2), "ch0-3 need the cascade channel 4");
    out(0xD4, 0);
    out(0x08, 0x04);
    ok(!dma_channel_ready(dma, 2), "command bit 2 disables the controller");
    out(0x08, 0x00);
    out(0x0F, 0x0B);
    ok((in(0x0F) & 0x0F) == 0x0B, "write all mask bits");
    out(0x0E, 0);
    ok((in(0x0F) & 0x0F) == 0x00, "clear mask register");
    /* odd ports of controller 2 alias the even ones */
    out(0xD9, 0);
    prog16(5, 0x44, 0x20000, 0x10);
    ok(in(0xC7) == 0x10 && in(0xC7) == 0x00, "odd port 0xC7 aliases 0xC6");
    ok(dma_channel_address(dma, 5) == 0x20000, "ch5 word address");
}

static void test_transfer8(void)
{
    Dev d = {0};
    bios_init();
    for (int i = 0; i < 256; i++)
        d.data[i] = (uint8_t)(i ^ 0xA5);
    dma_set_service(dma, 2, dev_service, &d);
    prog8(2, 0x44, 0x10000, 99); /* single, write (device->memory), 100 B */
    d.len = 64;
    dma_set_dreq(dma, 2, 1);
    ok(d.calls == 0, "DREQ on a masked channel: no DACK");
    ok((in(0x08) & 0x40) == 0x40, "status shows the request of ch2");
    unmask8(2);
    ok(d.calls == 1 && d.moved == 64 && !d.tc, "unmask: 64 bytes moved");
    uint8_t got[128];
    phys_dma_read(mem, 0x10000, got, 64);
    ok(memcmp(got, d.data, 64) == 0, "data landed in RAM");
    ok(dma_channel_count(dma, 2) == 35 &&
           dma_channel_address(dma, 2) == 0x10040,
       "address and count advanced");
    ok((in(0x08) & 0x04) == 0, "no TC yet");
    d.len = 100;
    dma_set_dreq(dma, 2, 1);
    ok(d.calls == 2 && d.moved == 36 && d.tc, "stops at terminal count");
    ok((in(0x08) & 0x04) == 0x04, "status TC bit for ch2");
    ok((in(0x08) & 0x04) == 0, "status read clears TC");
    ok((in(0x0F) & 0x04) == 0x04, "non-autoinit channel masked at TC");
    phys_dma_read(mem, 0x10040, got, 40);
    ok(memcmp(got, d.data, 36) == 0 && got[36] == 0,
       "second part landed, nothing past TC");

    /* Read transfer (memory->device) */
    uint8_t src[32], dst[32];
    for (int i = 0; i < 32; i++)
        src[i] = (uint8_t)(200 + i);
    phys_dma_write(mem, 0x30000, src, 32);
    prog8(1, 0x48, 0x30000, 31);
    unmask8(1);
    int tc = 0;
    ok(dma_read_memory(dma, 1, dst, 32, &tc) == 32 && tc &&
           memcmp(src, dst, 32) == 0,
       "read transfer memory->device, TC at the end");

    /* Verify mode moves nothing but counts */
    memset(got, 0x11, sizeof(got));
    phys_dma_write(mem, 0x40000, got, 16);
    prog8(3, 0x40, 0x40000, 15);
    unmask8(3);
    ok(dma_write_memory(dma, 3, d.data, 16, &tc) == 16 && tc,
       "verify transfer counted");
    phys_dma_read(mem, 0x40000, got, 16);
    ok(got[0] == 0x11 && got[15] == 0x11, "verify wrote nothing");

    /* 64 KiB wrap: address wraps within the page */
    prog8(2, 0x44, 0x5FFF8, 15);
    unmask8(2);
    ok(dma_write_memory(dma, 2, d.data, 16, &tc) == 16 && tc,
       "16 bytes across the 64K boundary");
    phys_dma_read(mem, 0x5FFF8, got, 8);
    uint8_t got2[8];
    phys_dma_read(mem, 0x50000, got2, 8);
    ok(memcmp(got, d.data, 8) == 0 && memcmp(got2, d.data + 8, 8) == 0,
       "8-bit address wraps to the start of the same 64K page");
    phys_dma_read(mem, 0x60000, got2, 8);
    ok(got2[0] == 0, "nothing written into the next page");

    /* Auto-init */
    prog8(2, 0x54, 0x70000, 7);
    unmask8(2);
    ok(dma_write_memory(dma, 2, d.data, 8, &tc) == 8 && tc,
       "auto-init: TC after 8 bytes");
    ok(dma_channel_address(dma, 2) == 0x70000 &&
           dma_channel_count(dma, 2) == 7 && dma_channel_ready(dma, 2),
       "auto-init reloads and stays unmasked");
    ok(dma_write_memory(dma, 2, d.data + 8, 4, &tc) == 4 && !tc,
       "auto-init channel keeps transferring");
    phys_dma_read(mem, 0x70000, got, 4);
    ok(memcmp(got, d.data + 8, 4) == 0, "second pass overwrote the start");

    /* Address decrement */
    prog8(2, 0x64, 0x71003, 3);
    unmask8(2);
    ok(dma_write_memory(dma, 2, "\x01\x02\x03\x04", 4, &tc) == 4 && tc,
       "decrement transfer");
    phys_dma_read(mem, 0x71000, got, 4);
    ok(got[0] == 4 && got[1] == 3 && got[2] == 2 && got[3] == 1,
       "decrement mode writes downwards");
    dma_set_service(dma, 2, NULL, NULL);
}

static void test_transfer16(void)
{
    bios_init();
    uint8_t data[64], got[64];
    for (int i = 0; i < 64; i++)
        data[i] = (uint8_t)(i + 1);
    int tc;
    /* words wrap within 128K: page 0x03 -> bit 0 ignored (0x02xxxx) */
    prog16(5, 0x44, 0x03FFF8, 7); /* 8 words */
    ok(dma_channel_address(dma, 5) == 0x03FFF8, "ch5: page bit 0 ignored");
    unmask16(5);
    ok(dma_write_memory(dma, 5, data, 17, &tc) == 16 && tc,
       "16-bit channel moves whole words up to TC");
    phys_dma_read(mem, 0x03FFF8, got, 8);
    ok(memcmp(got, data, 8) == 0, "first words before the 128K boundary");
    phys_dma_read(mem, 0x020000, got, 8);
    ok(memcmp(got, data + 8, 8) == 0,
       "16-bit address wraps within the 128K page");
    ok((in(0xD0) & 0x02) == 0x02, "controller 2 status: TC of ch5");
    ok(!dma_channel_ready(dma, 4), "cascade channel never transfers itself");
}

static void test_snapshot(void)
{
    bios_init();
    prog8(2, 0x56, 0x12345, 0x1FF);
    prog16(6, 0x48, 0x44440, 0x80);
    out(0x0C, 0);
    (void)in(0x04); /* flip-flop now 1 */
    out(0x8C, 0x77);
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    dma_save(dma, &w1);
    dma_reset(dma);
    ok(dma_channel_address(dma, 2) == 0, "reset cleared state");
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    ok(dma_load(dma, &r) == 0, "snapshot loads");
    dma_save(dma, &w2);
    ok(w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save/load/save round trip is identical");
    ok(in(0x04) == 0x23, "flip-flop state restored");
    ok(dma_channel_address(dma, 6) == 0x44440 && in(0x8C) == 0x77,
       "channel 6 and spare page restored");
    /* bad data */
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[w1.len - 21] = 0xF0; /* controller 2 mask: out of range */
    snap_reader_init(&r, bad, w1.len);
    int rc = dma_load(dma, &r);
    snap_reader_init(&r, w1.buf, w1.len / 2);
    ok(rc == -1 && dma_load(dma, &r) == -1,
       "bad and truncated snapshots rejected");
    free(bad);
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

/* Random port writes and transfers must never touch memory outside the
 * channel's page or crash. */
static void test_fuzz(void)
{
    uint32_t s = 12345;
    uint8_t buf[300];
    memset(buf, 0xEE, sizeof(buf));
    for (int i = 0; i < 20000; i++) {
        s = s * 1103515245u + 12345u;
        unsigned v = s >> 16;
        static const uint16_t ports[] = {0x00, 0x01, 0x04, 0x05, 0x08, 0x09,
                                         0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
                                         0x81, 0x82, 0x87, 0x89, 0x8F, 0xC4,
                                         0xC6, 0xD0, 0xD4, 0xD6, 0xDA, 0xDE};
        uint16_t p = ports[v % (sizeof(ports) / sizeof(ports[0]))];
        if (v & 0x100)
            (void)in(p);
        else
            out(p, (uint8_t)(s >> 8));
        if ((v & 0x1F) == 0) {
            int tc;
            unsigned ch = (s >> 24) & 7;
            size_t len = (s >> 3) % sizeof(buf);
            if (s & 0x40)
                dma_write_memory(dma, ch, buf, len, &tc);
            else
                dma_read_memory(dma, ch, buf, len, &tc);
        }
        if ((v & 0x3FF) == 7) {
            SnapWriter w;
            snap_writer_init(&w);
            dma_save(dma, &w);
            SnapReader r;
            snap_reader_init(&r, w.buf, w.len);
            if (dma_load(dma, &r) < 0)
                failures++;
            snap_writer_free(&w);
        }
    }
    ok(1, "20000 random accesses and transfers survived");
}

int main(void)
{
    bus = iobus_new();
    mem = phys_new(16u << 20, PHYS_LAYOUT_PC);
    dma = dma_new(mem);
    ok(bus && mem && dma, "created");
    ok(dma_register(dma, bus, 0x00, 0xC0, 0x80) == 0, "registered");
    ok(iobus_register(bus, 0x80, 1, IO_8, NULL, NULL, NULL) == 0,
       "port 0x80 left free for the POST code port");
    ok(dma_register(dma, bus, 0x00, 0xC0, 0x80) == -1, "conflict detected");
    test_registers();
    test_transfer8();
    test_transfer16();
    test_snapshot();
    test_fuzz();
    dma_free(dma);
    phys_free(mem);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
