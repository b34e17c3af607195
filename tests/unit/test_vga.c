/* Unit tests for the VGA + Bochs VBE DISPI device, driven only through the
 * I/O bus and the physical memory map as a guest would, plus the frontend
 * calls (vga_render, vga_get_display, vga_get_text).  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/snap.h"
#include "devices/vclock.h"
#include "devices/vga.h"
#include "memory/mem.h"

static int test_no, failures;
static uint32_t mode3_sum;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static PhysMem *pm;
static VClock *clk;
static VGAState *vga;

#define LFB_BASE 0xE0000000u

static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }
static uint16_t inw(uint16_t p) { return (uint16_t)iobus_read(bus, p, 2); }
static void outw(uint16_t p, uint16_t v) { iobus_write(bus, p, v, 2); }
static uint8_t mr(uint32_t a) { return (uint8_t)phys_read(pm, a, 1); }
static void mw(uint32_t a, uint8_t v) { phys_write(pm, a, v, 1); }

static void sr(uint8_t i, uint8_t v)
{
    out(0x3C4, i);
    out(0x3C5, v);
}
static void gr(uint8_t i, uint8_t v)
{
    out(0x3CE, i);
    out(0x3CF, v);
}
static void cr(uint8_t i, uint8_t v)
{
    out(0x3D4, i);
    out(0x3D5, v);
}
static void ar(uint8_t i, uint8_t v)
{
    (void)in(0x3DA);
    out(0x3C0, i);
    out(0x3C0, v);
}
static void pas_on(void)
{
    (void)in(0x3DA);
    out(0x3C0, 0x20);
}
static void dispi(uint16_t i, uint16_t v)
{
    outw(0x1CE, i);
    outw(0x1CF, v);
}
static uint16_t dispi_rd(uint16_t i)
{
    outw(0x1CE, i);
    return inw(0x1CF);
}

/* The EGA-compatible 64-entry palette the BIOS loads for 16-colour modes:
 * bit 0/1/2 = blue/green/red at 2/3, bits 3/4/5 = the 1/3 components. */
static void ega_rgb6(unsigned i, uint8_t rgb[3])
{
    rgb[0] = (uint8_t)(((i >> 2) & 1) * 0x2A + ((i >> 5) & 1) * 0x15);
    rgb[1] = (uint8_t)(((i >> 1) & 1) * 0x2A + ((i >> 4) & 1) * 0x15);
    rgb[2] = (uint8_t)((i & 1) * 0x2A + ((i >> 3) & 1) * 0x15);
}
static uint32_t six_to_rgb32(const uint8_t c[3])
{
    uint32_t v = 0;
    for (int k = 0; k < 3; k++)
        v = v << 8 | (uint32_t)((c[k] << 2) | (c[k] >> 4));
    return v;
}
static uint32_t ega_rgb32(unsigned i)
{
    uint8_t c[3];
    ega_rgb6(i, c);
    return six_to_rgb32(c);
}
static void load_ega_dac(void)
{
    out(0x3C8, 0);
    for (unsigned i = 0; i < 64; i++) {
        uint8_t c[3];
        ega_rgb6(i, c);
        for (int k = 0; k < 3; k++)
            out(0x3C9, c[k]);
    }
}

static void load_regs(uint8_t misc, const uint8_t *s5, const uint8_t *c25,
                      const uint8_t *g9, const uint8_t *a21)
{
    out(0x3C2, misc);
    for (int i = 0; i < 5; i++)
        sr((uint8_t)i, s5[i]);
    cr(0x11, 0x00); /* unprotect */
    for (int i = 0; i < 25; i++)
        cr((uint8_t)i, c25[i]);
    for (int i = 0; i < 9; i++)
        gr((uint8_t)i, g9[i]);
    for (int i = 0; i < 21; i++)
        ar((uint8_t)i, a21[i]);
    pas_on();
}

static uint32_t pixel(int x, int y)
{
    int w, h, stride;
    const uint32_t *p;
    vga_get_display(vga, &w, &h, &p, &stride);
    if (x < 0 || y < 0 || x >= w || y >= h)
        return 0xDEADBEEF;
    return p[(size_t)y * (size_t)(stride / 4) + (size_t)x];
}

static uint32_t fnv_frame(void)
{
    int w, h, stride;
    const uint32_t *p;
    uint32_t hsh = 2166136261u;
    vga_get_display(vga, &w, &h, &p, &stride);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t v = p[(size_t)y * (size_t)(stride / 4) + (size_t)x];
            for (int k = 0; k < 4; k++) {
                hsh ^= (v >> (8 * k)) & 0xFF;
                hsh *= 16777619u;
            }
        }
    return hsh;
}

/* ------------------------------------------------------------------ */

static void test_registers(void)
{
    out(0x3C2, 0x67);
    ok(in(0x3CC) == 0x67, "misc output written at 3C2 reads back at 3CC");

    /* CRTC at 3Dx in colour mode, 3Bx in mono mode */
    cr(0x0E, 0x12);
    ok(in(0x3D5) == 0x12 && in(0x3D4) == 0x0E, "CRTC index/data at 3D4/3D5");
    ok(in(0x3B5) == 0xFF, "3B5 floats in colour mode");
    out(0x3C2, 0x66);
    ok(in(0x3D5) == 0xFF, "3D5 floats in mono mode");
    out(0x3B4, 0x0E);
    ok(in(0x3B5) == 0x12, "CRTC reached at 3B4/3B5 in mono mode");
    out(0x3C2, 0x67);

    /* write protect of CR0-7 */
    cr(0x11, 0x80);
    cr(0x00, 0x5F);
    cr(0x11, 0x00);
    cr(0x00, 0x11);
    cr(0x11, 0x80);
    cr(0x00, 0x22);
    out(0x3D4, 0x00);
    ok(in(0x3D5) == 0x11, "CR0 write ignored while CR11 bit 7 set");
    cr(0x11, 0x00);
    cr(0x07, 0x00);
    cr(0x11, 0x80);
    cr(0x07, 0xFF);
    out(0x3D4, 0x07);
    ok(in(0x3D5) == 0x10, "protected CR7: only bit 4 (line compare 8) writable");
    cr(0x11, 0x00);

    /* sequencer / graphics masks */
    sr(2, 0xFF);
    ok(in(0x3C5) == 0x0F, "SR2 map mask keeps 4 bits");
    out(0x3C4, 0xFC);
    ok(in(0x3C4) == 0x04, "SR index is 3 bits");
    gr(5, 0xFF);
    ok(in(0x3CF) == 0x7B, "GR5 writable bits");
    gr(5, 0);

    /* attribute controller flip-flop */
    (void)in(0x3DA);
    out(0x3C0, 0x01);
    out(0x3C0, 0x15);
    ok(in(0x3C1) == 0x15, "AR index then data");
    out(0x3C0, 0x22); /* index again: palette 2 with PAS set */
    ok(in(0x3C0) == 0x22, "3C0 reads the index including PAS");
    out(0x3C0, 0x2A);
    out(0x3C0, 0x02);
    out(0x3C0, 0x16); /* data for index 2 */
    out(0x3C0, 0x03);
    (void)in(0x3DA); /* reset: next write is an index */
    out(0x3C0, 0x04);
    out(0x3C0, 0x17);
    (void)in(0x3DA);
    out(0x3C0, 0x03);
    ok(in(0x3C1) == 0x00, "reading 3DA reset the flip-flop (AR3 untouched)");
    out(0x3C0, 0x00); /* data for 3 = 0 */
    out(0x3C0, 0x04);
    ok(in(0x3C1) == 0x17, "AR4 written after the reset");
    out(0x3C0, 0x3F);
    out(0x3C0, 0x04);
    ok(in(0x3C1) == 0x3F, "palette entries keep 6 bits");
    out(0x3D4, 0x24);
    ok(in(0x3D5) == 0x84, "CR24 shows the flip-flop in data state and the index");
    out(0x3C0, 0x3F);
    out(0x3D4, 0x24);
    ok(in(0x3D5) == 0x04, "CR24 shows the flip-flop back in index state");
    (void)in(0x3DA);

    /* DAC sequencing */
    out(0x3C8, 5);
    const uint8_t vals[6] = {0x01, 0x02, 0x03, 0xFF, 0x3E, 0x00};
    for (int i = 0; i < 6; i++)
        out(0x3C9, vals[i]);
    ok(in(0x3C8) == 7, "DAC write index advanced by two entries");
    ok(in(0x3C7) == 0x00, "DAC state: write mode");
    out(0x3C7, 5);
    ok(in(0x3C7) == 0x03, "DAC state: read mode");
    uint8_t got[6];
    for (int i = 0; i < 6; i++)
        got[i] = in(0x3C9);
    ok(got[0] == 1 && got[1] == 2 && got[2] == 3 && got[3] == 0x3F &&
           got[4] == 0x3E && got[5] == 0,
       "DAC read-back of two entries, values masked to 6 bits");
    out(0x3C8, 9);
    out(0x3C9, 0x11);
    out(0x3C9, 0x12);
    out(0x3C7, 5); /* resets the sub-index: triplet to 9 abandoned */
    ok(in(0x3C9) == 1, "3C7 write restarts the triplet");
    out(0x3C6, 0x0F);
    ok(in(0x3C6) == 0x0F, "pel mask");
    out(0x3C6, 0xFF);

    /* feature control: written at 3DA, read at 3CA */
    out(0x3DA, 0x03);
    ok(in(0x3CA) == 0x03, "feature control");

    /* input status 1 from the clock (CRTC zero: 449-line fallback) */
    cr(0x11, 0);
    for (int i = 0; i < 0x19; i++)
        cr((uint8_t)i, 0);
    uint64_t frame = 449ull * 31778;
    uint64_t base = (vclock_now(clk) / frame + 1) * frame;
    vclock_advance(clk, base - vclock_now(clk));
    ok((in(0x3DA) & 0x09) == 0x00, "status 1 at frame start: active display");
    vclock_advance(clk, 31778 / 5 * 4 + 10);
    ok((in(0x3DA) & 0x09) == 0x01, "status 1 in horizontal blank: DE bit");
    vclock_advance(clk, 412ull * 31778 - (31778 / 5 * 4 + 10));
    ok((in(0x3DA) & 0x09) == 0x09, "status 1 in vertical retrace: VR + DE");
    vclock_advance(clk, 3 * 31778);
    ok((in(0x3DA) & 0x09) == 0x01, "status 1 after retrace: blank only");
}

/* planar memory set-up: A0000 64K graphics, planar, all planes */
static void planar_setup(void)
{
    sr(4, 0x06);
    sr(2, 0x0F);
    gr(0, 0);
    gr(1, 0);
    gr(3, 0);
    gr(4, 0);
    gr(5, 0x00);
    gr(6, 0x05);
    gr(7, 0x0F);
    gr(8, 0xFF);
}

static void set_planes(uint32_t off, const uint8_t p[4])
{
    gr(5, 0);
    gr(3, 0);
    gr(1, 0);
    gr(8, 0xFF);
    for (int i = 0; i < 4; i++) {
        sr(2, (uint8_t)(1 << i));
        mw(0xA0000 + off, p[i]);
    }
    sr(2, 0x0F);
}

static void get_planes(uint32_t off, uint8_t p[4])
{
    gr(5, 0);
    for (int i = 0; i < 4; i++) {
        gr(4, (uint8_t)i);
        p[i] = mr(0xA0000 + off);
    }
    gr(4, 0);
}

static int planes_are(uint32_t off, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    uint8_t p[4];
    get_planes(off, p);
    if (p[0] == a && p[1] == b && p[2] == c && p[3] == d)
        return 1;
    printf("# planes at %05X: %02X %02X %02X %02X, want %02X %02X %02X %02X\n",
           off, p[0], p[1], p[2], p[3], a, b, c, d);
    return 0;
}

static void test_memory(void)
{
    static const uint8_t L[4] = {0xF0, 0xCC, 0xAA, 0x0F}; /* latch source */
    planar_setup();

    mw(0xA0000, 0xA5);
    ok(planes_are(0, 0xA5, 0xA5, 0xA5, 0xA5), "write mode 0: byte to all planes");
    sr(2, 0x05);
    mw(0xA0000, 0x3C);
    ok(planes_are(0, 0x3C, 0xA5, 0x3C, 0xA5), "map mask selects planes 0 and 2");
    sr(2, 0x0F);

    gr(0, 0x0A);
    gr(1, 0x0F);
    mw(0xA0001, 0x77);
    ok(planes_are(1, 0x00, 0xFF, 0x00, 0xFF), "set/reset on all planes");
    gr(0, 0x01);
    gr(1, 0x03);
    mw(0xA0001, 0x5A);
    ok(planes_are(1, 0xFF, 0x00, 0x5A, 0x5A), "enable set/reset on planes 0-1");
    gr(1, 0);

    gr(3, 0x03); /* rotate right by 3 */
    mw(0xA0002, 0x81);
    ok(planes_are(2, 0x30, 0x30, 0x30, 0x30), "data rotate: 0x81 ror 3 = 0x30");
    gr(3, 0);

    /* function select with latches loaded from L at offset 0x100 */
    set_planes(0x100, L);
    static const char *fn[4] = {"replace", "AND", "OR", "XOR"};
    for (int f = 0; f < 4; f++) {
        (void)mr(0xA0100); /* load latches */
        gr(3, (uint8_t)(f << 3));
        gr(8, 0xFF);
        mw(0xA0200 + f, 0x3C);
        uint8_t e[4];
        for (int i = 0; i < 4; i++)
            e[i] = f == 0 ? 0x3C : f == 1 ? (uint8_t)(0x3C & L[i])
                           : f == 2 ? (uint8_t)(0x3C | L[i])
                                    : (uint8_t)(0x3C ^ L[i]);
        char what[64];
        snprintf(what, sizeof(what), "write mode 0, function %s with latches",
                 fn[f]);
        gr(3, 0);
        ok(planes_are(0x200 + (uint32_t)f, e[0], e[1], e[2], e[3]), what);
    }
    /* bit mask keeps latch bits */
    (void)mr(0xA0100);
    gr(8, 0x0F);
    mw(0xA0300, 0x55);
    gr(8, 0xFF);
    ok(planes_are(0x300, 0xF5, 0xC5, 0xA5, 0x05), "bit mask 0x0F: high nibble from latches");

    /* write mode 1: copy latches */
    (void)mr(0xA0100);
    gr(5, 0x01);
    mw(0xA0301, 0x00);
    gr(5, 0);
    ok(planes_are(0x301, 0xF0, 0xCC, 0xAA, 0x0F), "write mode 1 copies the latches");

    /* write mode 2: colour 0101 expanded, bit mask 0xC3 */
    (void)mr(0xA0100);
    gr(5, 0x02);
    gr(8, 0xC3);
    mw(0xA0302, 0x05);
    gr(8, 0xFF);
    gr(5, 0);
    ok(planes_are(0x302, 0xF3, 0x0C, 0xEB, 0x0C), "write mode 2 with bit mask");

    /* write mode 3: set/reset 1100, mask = rotated data & bit mask */
    (void)mr(0xA0100);
    gr(5, 0x03);
    gr(0, 0x0C);
    gr(3, 0x01); /* rotate 1: 0x1E -> 0x0F */
    gr(8, 0x3C); /* mask = 0x0F & 0x3C = 0x0C */
    mw(0xA0303, 0x1E);
    gr(3, 0);
    gr(8, 0xFF);
    gr(0, 0);
    gr(5, 0);
    ok(planes_are(0x303, 0xF0, 0xC0, 0xAE, 0x0F), "write mode 3 with rotation");

    /* read mode 1: colour compare / don't care.  Planes at 0x100 are
     * F0 CC AA 0F: pixel bit 7 = 0111, bit 6 = 0111, bit 5 = 0101 ... */
    gr(5, 0x08);
    gr(2, 0x07);
    gr(7, 0x0F);
    uint8_t cc1 = mr(0xA0100);
    gr(7, 0x03); /* compare planes 0-1 only: pixel bits with p0=1,p1=1 */
    uint8_t cc2 = mr(0xA0100);
    gr(7, 0x00);
    uint8_t cc3 = mr(0xA0100);
    gr(5, 0);
    gr(7, 0x0F);
    gr(2, 0);
    /* colours per bit (b7..b0): p0=F0,p1=CC,p2=AA,p3=0F ->
     * b7: 0111=7, b6: 0011=3, b5: 0101=5, b4: 0001=1,
     * b3: 1110=14, b2: 1010=10, b1: 1100=12, b0: 1000=8 */
    ok(cc1 == 0x80, "read mode 1: colour 7 found at bit 7 only");
    ok(cc2 == 0xC0, "read mode 1 with don't-care: planes 0-1 match at bits 7,6");
    ok(cc3 == 0xFF, "read mode 1 with all don't-care reads 0xFF");

    /* read map select */
    gr(4, 2);
    ok(mr(0xA0100) == 0xAA, "read mode 0 with read map select 2");
    gr(4, 0);

    /* chain-4: byte n goes to plane n&3 at plane address n>>2 */
    sr(4, 0x0E);
    gr(5, 0x40);
    mw(0xA0005, 0x77);
    mw(0xA0006, 0x88);
    ok(mr(0xA0005) == 0x77, "chain-4 read back");
    sr(4, 0x06);
    gr(5, 0x00);
    uint8_t p[4];
    get_planes(1, p);
    ok(p[1] == 0x77 && p[2] == 0x88, "chain-4 bytes 5,6 land in planes 1,2 of address 1");

    /* odd/even (text) addressing at B8000 */
    sr(4, 0x02);
    gr(5, 0x10);
    gr(6, 0x0E);
    mw(0xB8000, 'A');
    mw(0xB8001, 0x1F);
    mw(0xB8002, 'B');
    mw(0xB8003, 0x2E);
    ok(mr(0xB8000) == 'A' && mr(0xB8001) == 0x1F && mr(0xB8002) == 'B',
       "odd/even read back at B8000");
    ok(mr(0xA0000) == 0xFF, "A0000 unmapped with memory map 3 (B8000)");
    mw(0xA0000, 0x12); /* dropped */
    sr(4, 0x06);
    gr(5, 0x00);
    gr(6, 0x05);
    get_planes(0, p);
    ok(p[0] == 'A' && p[1] == 0x1F, "odd/even: even byte plane 0, odd byte plane 1");
    get_planes(1, p);
    ok(p[0] == 'B' && p[1] == 0x2E, "odd/even: offset 2 is plane address 1");
    get_planes(0, p);
    ok(p[0] == 'A', "write outside the selected map was dropped");

    /* memory map 2 = B0000-B7FFF */
    gr(6, 0x09);
    mw(0xB0010, 0x99);
    ok(mr(0xB0010) == 0x99 && mr(0xB8010) == 0xFF, "memory map 2 at B0000 (32K)");
    gr(6, 0x01); /* map 0: A0000-BFFFF */
    ok(mr(0xB0010) == 0x99, "memory map 0: B0000 is offset 0x10000");
    gr(6, 0x05);
}

/* ------------------------------------------------------------------ */
/* text mode 3 */

static const uint8_t m3_seq[5] = {0x03, 0x00, 0x03, 0x00, 0x02};
static const uint8_t m3_crtc[25] = {0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF,
                                    0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00,
                                    0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x28, 0x1F,
                                    0x96, 0xB9, 0xA3, 0xFF};
static const uint8_t m3_gr[9] = {0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x10, 0x0E, 0x00, 0xFF};
static const uint8_t m3_ar[21] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                  0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
                                  0x3E, 0x3F, 0x0C, 0x00, 0x0F, 0x08, 0x00};

static uint8_t glyph(unsigned c, unsigned l) /* the test font */
{
    return (uint8_t)(c ^ (l * 0x11u));
}

static void load_font(void)
{
    sr(2, 0x04);
    sr(4, 0x06);
    gr(4, 0x02);
    gr(5, 0x00);
    gr(6, 0x04);
    for (unsigned c = 0; c < 256; c++)
        for (unsigned l = 0; l < 32; l++)
            mw(0xA0000 + c * 32 + l, l < 16 ? glyph(c, l) : 0);
    sr(2, 0x03);
    sr(4, 0x02);
    gr(4, 0x00);
    gr(5, 0x10);
    gr(6, 0x0E);
}

static uint8_t t_chr(int x, int y) { return (uint8_t)(0x20 + (x * 7 + y * 3) % 224); }
static uint8_t t_attr(int x, int y) { return (uint8_t)((x + y * 5) & 0x7F); }

/* An independent reference of the whole mode-3 frame (no cursor, no blink:
 * attributes < 0x80). */
static uint32_t ref_text_pixel(int px, int py)
{
    int x = px / 9, y = py / 16, i = px % 9, l = py % 16;
    uint8_t c = t_chr(x, y), a = t_attr(x, y);
    unsigned fg = m3_ar[a & 0xF], bg = m3_ar[(a >> 4) & 7];
    uint8_t bits = glyph(c, (unsigned)l);
    int on;
    if (i < 8)
        on = (bits >> (7 - i)) & 1;
    else
        on = c >= 0xC0 && c <= 0xDF && (bits & 1);
    return ega_rgb32(on ? fg : bg);
}

static void test_text(void)
{
    uint16_t cells[80 * 25];
    VGATextInfo ti;
    VGARect r;

    load_regs(0x67, m3_seq, m3_crtc, m3_gr, m3_ar);
    load_ega_dac();
    load_font();
    for (int y = 0; y < 25; y++)
        for (int x = 0; x < 80; x++) {
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2), t_chr(x, y));
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2 + 1), t_attr(x, y));
        }
    cr(0x0A, 0x20); /* cursor off for the reference comparison */
    vga_invalidate(vga);
    int changed = vga_render(vga, &r);
    int w, h, stride;
    const uint32_t *px;
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 720 && h == 400 && stride == 720 * 4, "mode 3 renders 720x400");
    ok(changed && r.x == 0 && r.y == 0 && r.w == 720 && r.h == 400,
       "first render: full dirty rectangle");
    int bad = 0;
    for (int y = 0; y < 400 && bad < 3; y++)
        for (int x = 0; x < 720 && bad < 3; x++)
            if (pixel(x, y) != ref_text_pixel(x, y)) {
                printf("# (%d,%d) = %06X want %06X\n", x, y, pixel(x, y),
                       ref_text_pixel(x, y));
                bad++;
            }
    ok(bad == 0, "mode 3 frame equals the reference renderer");
    uint32_t sum = fnv_frame();
    mode3_sum = sum;
    printf("# mode 3 frame checksum %08X\n", sum);
    ok(sum == 0xF06485B5u, "mode 3 frame checksum");

    /* spot checks by hand: cell (0,0) = chr 0x20, attr 0x00 -> black;
     * cell (1,0): chr 0x27, attr 0x01: fg blue 0000AA on black,
     * glyph row 0 = 0x27 = 00100111 */
    ok(pixel(9 + 2, 0) == 0x0000AA && pixel(9 + 0, 0) == 0x000000 &&
           pixel(9 + 7, 0) == 0x0000AA && pixel(9 + 8, 0) == 0x000000,
       "spot check: cell (1,0) row 0");
    /* cell (3,1): attr 3+5 = 8 -> dark grey 555555 (AR8=0x38) */
    ok(t_attr(3, 1) == 0x08 && ega_rgb32(0x38) == 0x555555,
       "spot check premise: attr 8 is dark grey");
    {
        uint8_t c = t_chr(3, 1), b = glyph(c, 5);
        int i = 0;
        while (i < 8 && !(b & (0x80 >> i)))
            i++;
        ok(i < 8 && pixel(27 + i, 16 + 5) == 0x555555,
           "spot check: cell (3,1) foreground pixel");
    }

    ok(vga_render(vga, &r) == 0 && r.w == 0 && r.h == 0,
       "nothing changed: empty dirty rectangle");

    /* one cell changes -> one cell redrawn */
    mw(0xB8000 + 5 * 160 + 10 * 2, 'Q');
    ok(vga_render(vga, &r) == 1 && r.x == 90 && r.y == 80 && r.w == 9 &&
           r.h == 16,
       "one character written: dirty rectangle is that cell");
    ok((pixel(90, 80) == ega_rgb32(m3_ar[t_attr(10, 5) & 0xF])) ==
           ((glyph('Q', 0) & 0x80) != 0),
       "the new glyph is drawn");

    /* text snapshot */
    cr(0x0A, 0x0D);
    cr(0x0B, 0x0E);
    cr(0x0E, 0x00);
    cr(0x0F, 2 * 80 + 3);
    ok(vga_get_text(vga, cells, 80 * 25, &ti) == 0 && ti.cols == 80 &&
           ti.rows == 25 && ti.cursor_x == 3 && ti.cursor_y == 2,
       "vga_get_text: 80x25, cursor at (3,2)");
    ok(cells[0] == (t_chr(0, 0) | t_attr(0, 0) << 8) &&
           cells[5 * 80 + 10] == ('Q' | t_attr(10, 5) << 8) &&
           cells[24 * 80 + 79] == (t_chr(79, 24) | t_attr(79, 24) << 8),
       "vga_get_text cells");

    /* cursor: lines 13-14 of cell (3,2) in the foreground colour */
    uint64_t period = 2ull * 228571428u;
    vclock_advance(clk, period - vclock_now(clk) % period + 114285714u + 1000);
    vga_render(vga, &r); /* cursor shape changed: full redraw, cursor off */
    ok(r.w == 720 && pixel(27, 32 + 13) == ref_text_pixel(27, 32 + 13),
       "cursor in its off phase");
    vclock_advance(clk, period - vclock_now(clk) % period); /* phase 0 */
    vga_render(vga, &r);
    uint32_t fg = ega_rgb32(m3_ar[t_attr(3, 2) & 0xF]);
    ok(pixel(27, 32 + 13) == fg && pixel(35, 32 + 14) == fg,
       "cursor drawn on scan lines 13-14");
    ok(r.x == 27 && r.y == 32 && r.w == 9 && r.h == 16,
       "cursor appearing dirties its cell only");
    vclock_advance(clk, 114285714u + 1000);
    vga_render(vga, &r);
    ok(pixel(27, 32 + 13) == ref_text_pixel(27, 32 + 13) && r.x == 27 &&
           r.w == 9,
       "cursor blinks off after 8 frames");

    /* character blink: attr bit 7 with AR10 bit 3 */
    mw(0xB8000 + 160 * 6 + 0, 0xDB);
    mw(0xB8000 + 160 * 6 + 1, 0x9E); /* blink, blue bg, yellow fg */
    vclock_advance(clk, period - vclock_now(clk) % period);
    vga_render(vga, &r);
    ok(pixel(0, 96) == ega_rgb32(0x3E), "blinking character visible in phase 0");
    vclock_advance(clk, 228571428u + 1000);
    vga_render(vga, &r);
    ok(pixel(0, 96) == ega_rgb32(0x01) && r.y <= 96 && r.y + r.h >= 112,
       "blinking character hidden in phase 1");
    ar(0x10, 0x04); /* blink off: bit 7 = bright background */
    pas_on();
    vga_render(vga, &r);
    ok(pixel(0, 96) == ega_rgb32(0x3E) && r.w == 720 && r.h == 400,
       "AR10 change: full redraw, no blink");
    ok(pixel(2, 96) == ega_rgb32(m3_ar[9]),
       "blink disabled: attribute bit 7 selects a bright background");
    ar(0x10, 0x0C);
    pas_on();

    /* palette change -> full redraw */
    out(0x3C8, 1);
    out(0x3C9, 0x3F);
    out(0x3C9, 0);
    out(0x3C9, 0);
    vga_render(vga, &r);
    ok(r.w == 720 && r.h == 400 && pixel(9 + 2, 0) == 0xFF0000,
       "DAC change redraws everything with the new colour");
    out(0x3C8, 1);
    out(0x3C9, 0);
    out(0x3C9, 0);
    out(0x3C9, 0x2A);

    /* 40 columns: CR1 = 39, offset 20 words, half dot clock */
    cr(0x11, 0x0E); /* CR11 bit 7 protects CR0-7 */
    cr(0x01, 0x27);
    cr(0x13, 0x14);
    sr(1, 0x08);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 360 && h == 400, "40x25 text renders 360x400");
    ok(vga_get_text(vga, cells, 80 * 25, &ti) == 0 && ti.cols == 40 &&
           cells[40] == (uint16_t)(t_chr(40, 0) | t_attr(40, 0) << 8),
       "40x25 text: row 1 starts at plane address 40");
    cr(0x01, 0x4F);
    cr(0x11, 0x8E);
    cr(0x13, 0x28);
    sr(1, 0x00);

    /* 8-dot characters */
    sr(1, 0x01);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 640 && h == 400, "SR1 bit 0: 8-dot characters, 640 wide");
    sr(1, 0x00);

    /* character map select: map A (attr bit 3) from font 1 at 0x4000 */
    sr(2, 0x04);
    sr(4, 0x06);
    gr(4, 0x02);
    gr(5, 0x00);
    gr(6, 0x04);
    mw(0xA4000 + t_chr(3, 1) * 32 + 0, 0xFF);
    sr(2, 0x03);
    sr(4, 0x02);
    gr(4, 0x00);
    gr(5, 0x10);
    gr(6, 0x0E);
    sr(3, 0x04); /* A = map 1, B = map 0 */
    vga_render(vga, &r);
    ok(pixel(27, 16) == 0x555555 && pixel(34, 16) == 0x555555,
       "character map A selected by attribute bit 3");
    ok(pixel(0, 0) == ref_text_pixel(0, 0), "map B still the default font");
    sr(3, 0x00);

    /* screen blanked while PAS is clear */
    (void)in(0x3DA);
    out(0x3C0, 0x00);
    vga_render(vga, &r);
    ok(pixel(9 + 2, 0) == 0 && r.w == 720, "PAS clear blanks the screen");
    pas_on();
    vga_render(vga, &r);
    ok(pixel(9 + 2, 0) == 0x0000AA, "PAS set shows it again");
}

/* ------------------------------------------------------------------ */

static const uint8_t m13_seq[5] = {0x03, 0x01, 0x0F, 0x00, 0x0E};
static const uint8_t m13_crtc[25] = {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF,
                                     0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x9C, 0x0E, 0x8F, 0x28, 0x40,
                                     0x96, 0xB9, 0xA3, 0xFF};
static const uint8_t m13_gr[9] = {0x00, 0x00, 0x00, 0x00, 0x00,
                                  0x40, 0x05, 0x0F, 0xFF};
static const uint8_t m13_ar[21] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                   0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D,
                                   0x0E, 0x0F, 0x41, 0x00, 0x0F, 0x00, 0x00};

static void test_mode13(void)
{
    VGARect r;
    int w, h, stride;
    const uint32_t *px;
    load_regs(0x63, m13_seq, m13_crtc, m13_gr, m13_ar);
    out(0x3C8, 0);
    for (int i = 0; i < 768; i++)
        out(0x3C9, 0);
    out(0x3C8, 0x42);
    out(0x3C9, 0x10);
    out(0x3C9, 0x20);
    out(0x3C9, 0x30);
    for (uint32_t i = 0; i < 64000; i++)
        mw(0xA0000 + i, 0);
    mw(0xA0000 + 33 * 320 + 17, 0x42);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 320 && h == 200, "mode 13h renders 320x200");
    ok(pixel(17, 33) == 0x4182C3, "mode 13h pixel placed via DAC entry 0x42");
    ok(pixel(16, 33) == 0 && pixel(18, 33) == 0 && pixel(17, 32) == 0 &&
           pixel(17, 34) == 0,
       "mode 13h neighbours untouched");
    ok(vga_get_text(vga, NULL, 0, &(VGATextInfo){0}) == -1,
       "vga_get_text refuses graphics modes");
    mw(0xA0000 + 150 * 320 + 100, 0x42);
    vga_render(vga, &r);
    /* 256-byte granules: byte 48100 is in page 187 (47872-48127), which
     * holds the end of line 149 (47680-47999) and the start of line 150 */
    ok(r.x == 0 && r.y == 149 && r.w == 320 && r.h == 2 &&
           pixel(100, 150) == 0x4182C3,
       "mode 13h: one pixel written dirties the lines of its VRAM page");
    out(0x3C6, 0x0F); /* pel mask: 0x42 -> 0x02 (black) */
    vga_render(vga, &r);
    ok(pixel(17, 33) == 0 && r.h == 200, "pel mask applied, full redraw");
    out(0x3C6, 0xFF);
    /* start address: one row down (80 plane addresses) */
    cr(0x0C, 0x00);
    cr(0x0D, 80);
    vga_render(vga, &r);
    ok(pixel(17, 32) == 0x4182C3, "start address scrolls by one line");
    cr(0x0D, 0);
    vga_render(vga, &r);
}

static const uint8_t m12_seq[5] = {0x03, 0x01, 0x0F, 0x00, 0x06};
static const uint8_t m12_crtc[25] = {0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0x0B,
                                     0x3E, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0xEA, 0x8C, 0xDF, 0x28, 0x00,
                                     0xE7, 0x04, 0xE3, 0xFF};
static const uint8_t m12_gr[9] = {0x00, 0x00, 0x00, 0x00, 0x00,
                                  0x00, 0x05, 0x0F, 0xFF};
static const uint8_t m12_ar[21] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14,
                                   0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D,
                                   0x3E, 0x3F, 0x01, 0x00, 0x0F, 0x00, 0x00};

static void test_mode12(void)
{
    VGARect r;
    int w, h, stride;
    const uint32_t *px;
    load_regs(0xE3, m12_seq, m12_crtc, m12_gr, m12_ar);
    load_ega_dac();
    gr(5, 0);
    gr(1, 0x0F);
    gr(0, 0);
    for (uint32_t i = 0; i < 38400; i++)
        mw(0xA0000 + i, 0);
    gr(1, 0);
    /* the classic write-mode-2 pixel plot: (9,5) colour 12 */
    gr(5, 0x02);
    gr(8, 0x80 >> (9 & 7));
    (void)mr(0xA0000 + 5 * 80 + 1);
    mw(0xA0000 + 5 * 80 + 1, 0x0C);
    gr(8, 0xFF);
    gr(5, 0);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 640 && h == 480, "mode 12h renders 640x480");
    ok(pixel(9, 5) == 0xFF5555 && ega_rgb32(0x3C) == 0xFF5555,
       "mode 12h pixel (9,5) light red");
    ok(pixel(8, 5) == 0 && pixel(10, 5) == 0 && pixel(9, 4) == 0,
       "mode 12h neighbours black");
    ar(0x12, 0x03); /* colour plane enable: planes 0-1 -> colour 0 */
    pas_on();
    vga_render(vga, &r);
    ok(pixel(9, 5) == 0 && r.h == 480, "colour plane enable masks planes 2-3");
    ar(0x12, 0x0F);
    pas_on();
    vga_render(vga, &r);
}

static const uint8_t m0d_seq[5] = {0x03, 0x09, 0x0F, 0x00, 0x06};
static const uint8_t m0d_crtc[25] = {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF,
                                     0x1F, 0x00, 0xC0, 0x00, 0x00, 0x00, 0x00,
                                     0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00,
                                     0x96, 0xB9, 0xE3, 0xFF};
static const uint8_t m0d_ar[21] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                   0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
                                   0x16, 0x17, 0x01, 0x00, 0x0F, 0x00, 0x00};

/* mode 0Dh: 320x200x16, double-scanned, 40 bytes per row */
static void test_mode0d(void)
{
    VGARect r;
    int w, h, stride;
    const uint32_t *px;
    load_regs(0x63, m0d_seq, m0d_crtc, m12_gr, m0d_ar);
    load_ega_dac();
    gr(1, 0x0F);
    gr(0, 0);
    for (uint32_t i = 0; i < 8000; i++)
        mw(0xA0000 + i, 0);
    gr(1, 0);
    gr(5, 0x02);
    gr(8, 0x80 >> (17 & 7));
    (void)mr(0xA0000 + 100 * 40 + 2);
    mw(0xA0000 + 100 * 40 + 2, 0x05);
    gr(8, 0xFF);
    gr(5, 0);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 320 && h == 200, "mode 0Dh renders 320x200");
    ok(pixel(17, 100) == 0xAA00AA && pixel(16, 100) == 0 &&
           pixel(17, 99) == 0 && pixel(17, 101) == 0,
       "mode 0Dh pixel (17,100) magenta");
}

static const uint8_t m4_seq[5] = {0x03, 0x09, 0x03, 0x00, 0x02};
static const uint8_t m4_crtc[25] = {0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF,
                                    0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x9C, 0x8E, 0x8F, 0x14, 0x00,
                                    0x96, 0xB9, 0xA2, 0xFF};
static const uint8_t m4_gr[9] = {0x00, 0x00, 0x00, 0x00, 0x00,
                                 0x30, 0x0F, 0x00, 0xFF};
static const uint8_t m4_ar[21] = {0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06,
                                  0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
                                  0x16, 0x17, 0x01, 0x00, 0x03, 0x00, 0x00};

static void test_mode04(void)
{
    VGARect r;
    int w, h, stride;
    const uint32_t *px;
    load_regs(0x63, m4_seq, m4_crtc, m4_gr, m4_ar);
    load_ega_dac();
    for (uint32_t i = 0; i < 0x4000; i++)
        mw(0xB8000 + i, 0);
    /* row 7 is the 4th line of the odd bank; bytes 2 = pixels 8-11 */
    mw(0xB8000 + 0x2000 + 3 * 80 + 2, 0x1B); /* 00 01 10 11 */
    mw(0xB8000 + 3 * 80 + 79, 0xC0);        /* row 6, pixel 316 colour 3 */
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 320 && h == 200, "mode 04h renders 320x200");
    ok(pixel(8, 7) == ega_rgb32(0) && pixel(9, 7) == ega_rgb32(0x13) &&
           pixel(10, 7) == ega_rgb32(0x15) && pixel(11, 7) == ega_rgb32(0x17),
       "mode 04h: odd bank, four 2-bit pixels in one byte");
    ok(pixel(9, 6) == 0 && pixel(9, 8) == 0, "mode 04h: neighbour lines black");
    ok(pixel(316, 6) == ega_rgb32(0x17) && pixel(317, 6) == 0,
       "mode 04h: even bank, last byte of the row");
}

/* ------------------------------------------------------------------ */

static void vbe_mode(unsigned xres, unsigned yres, unsigned bpp,
                     uint16_t flags)
{
    dispi(4, 0);
    dispi(1, (uint16_t)xres);
    dispi(2, (uint16_t)yres);
    dispi(3, (uint16_t)bpp);
    dispi(4, (uint16_t)(0x01 | flags));
}

static void test_dispi(void)
{
    VGARect r;
    int w, h, stride;
    const uint32_t *px;

    ok(dispi_rd(0) == 0xB0C5, "DISPI ID reads 0xB0C5");
    dispi(0, 0xB0C0);
    ok(dispi_rd(0) == 0xB0C0, "DISPI ID accepts 0xB0C0");
    dispi(0, 0x1234);
    ok(dispi_rd(0) == 0xB0C0, "DISPI ID ignores unknown values");
    dispi(0, 0xB0C5);
    ok(dispi_rd(0xA) == 256, "VIDEO_MEMORY_64K = 256 (16 MiB)");
    dispi(4, 0x02);
    ok(dispi_rd(1) == 2560 && dispi_rd(2) == 1600 && dispi_rd(3) == 32,
       "GETCAPS: maximum resolution and depth");
    dispi(4, 0);
    ok(dispi_rd(1) == 640, "without GETCAPS: the programmed XRES");
    dispi(1, 641);
    ok(dispi_rd(1) == 640, "XRES must be a multiple of 8");
    dispi(3, 12);
    ok(dispi_rd(3) == 8, "unsupported BPP ignored");

    ok(vga_map_lfb(vga, pm, LFB_BASE) == 0, "LFB mapped at 0xE0000000");

    /* 32 bpp */
    vbe_mode(64, 48, 32, 0x40);
    ok(dispi_rd(4) == 0x41 && dispi_rd(6) == 64 && dispi_rd(7) == 65535,
       "32 bpp mode enabled, virtual width = xres");
    phys_write(pm, LFB_BASE + (7 * 64 + 5) * 4, 0x00123456, 4);
    vga_render(vga, &r);
    vga_get_display(vga, &w, &h, &px, &stride);
    ok(w == 64 && h == 48 && stride == 256, "DISPI 64x48 frame");
    ok(pixel(5, 7) == 0x123456 && pixel(4, 7) == 0 && pixel(5, 6) == 0,
       "32 bpp LFB write shows at (5,7)");
    phys_write(pm, LFB_BASE + (20 * 64 + 1) * 4, 0x00ABCDEF, 4);
    vga_render(vga, &r);
    ok(r.x == 0 && r.y == 20 && r.w == 64 && r.h == 1 &&
           pixel(1, 20) == 0xABCDEF,
       "LFB write: dirty rectangle is the written line");
    ok(phys_read(pm, LFB_BASE + (20 * 64 + 1) * 4, 4) == 0x00ABCDEF,
       "LFB reads back");
    ok(vga_get_text(vga, NULL, 0, &(VGATextInfo){0}) == -1,
       "no text snapshot in DISPI modes");

    /* virtual width and offsets */
    dispi(6, 128);
    ok(dispi_rd(6) == 128 && dispi_rd(7) == (16u << 20) / 512,
       "virtual width 128: virtual height from VRAM size");
    phys_write(pm, LFB_BASE + (3 * 128 + 10) * 4, 0x00FF00FF, 4);
    dispi(8, 10);
    dispi(9, 3);
    vga_render(vga, &r);
    ok(pixel(0, 0) == 0xFF00FF && r.h == 48, "x/y offset moves the display origin");
    dispi(9, 0xFFFF); /* far past VRAM: black, no overrun */
    vga_render(vga, &r);
    ok(pixel(0, 0) == 0 && pixel(63, 47) == 0, "y offset past VRAM renders black");
    dispi(8, 0);
    dispi(9, 0);

    /* 16 / 15 / 24 bpp and the NOCLEARMEM bit */
    vbe_mode(32, 16, 16, 0x40);
    phys_write(pm, LFB_BASE + (2 * 32 + 3) * 2, 0xF81F, 2);
    phys_write(pm, LFB_BASE + (2 * 32 + 4) * 2, 0x07E0, 2);
    vga_render(vga, &r);
    ok(pixel(3, 2) == 0xFF00FF && pixel(4, 2) == 0x00FF00,
       "16 bpp (5:6:5) pixels");
    vbe_mode(32, 16, 15, 0x40 | 0x80);
    vga_render(vga, &r);
    /* 0xF81F as 1:5:5:5 = r 0x1E, g 0, b 0x1F; 0x07E0 = r 1, g 0x1F, b 0 */
    ok(pixel(3, 2) == 0xF700FF && pixel(4, 2) == 0x08FF00,
       "NOCLEARMEM keeps VRAM; 15 bpp reinterprets 0xF81F/0x07E0");
    phys_write(pm, LFB_BASE + 0, 0x7C00, 2);
    vga_render(vga, &r);
    ok(pixel(0, 0) == 0xFF0000, "15 bpp (1:5:5:5) red");
    vbe_mode(32, 16, 24, 0x40);
    ok(phys_read(pm, LFB_BASE + (2 * 32 + 3) * 2, 2) == 0,
       "enabling without NOCLEARMEM clears the frame");
    phys_write(pm, LFB_BASE + (1 * 32 + 2) * 3, 0x30, 1);
    phys_write(pm, LFB_BASE + (1 * 32 + 2) * 3 + 1, 0x20, 1);
    phys_write(pm, LFB_BASE + (1 * 32 + 2) * 3 + 2, 0x10, 1);
    vga_render(vga, &r);
    ok(pixel(2, 1) == 0x102030, "24 bpp B,G,R byte order");

    /* 8 bpp through the DAC, and the 8-bit DAC bit */
    vbe_mode(32, 16, 8, 0x40);
    out(0x3C8, 7);
    out(0x3C9, 0x3F);
    out(0x3C9, 0x00);
    out(0x3C9, 0x15);
    phys_write(pm, LFB_BASE + 17, 7, 1);
    vga_render(vga, &r);
    ok(pixel(17, 0) == 0xFF0055, "8 bpp through the 6-bit DAC");
    dispi(4, 0x41 | 0x20);
    out(0x3C8, 7);
    out(0x3C9, 0x80);
    out(0x3C9, 0x81);
    out(0x3C9, 0x82);
    vga_render(vga, &r);
    ok(pixel(17, 0) == 0x808182, "8-bit DAC mode");
    dispi(4, 0x41);
    out(0x3C8, 7);
    out(0x3C9, 0x3F);
    out(0x3C9, 0x00);
    out(0x3C9, 0x15);

    /* banked window: no LFB, bank 1 = VRAM 0x10000 */
    vbe_mode(256, 512, 8, 0);
    dispi(5, 1);
    mw(0xA0000 + 0x20, 7);
    ok(phys_read(pm, LFB_BASE + 0x10020, 1) == 7 && mr(0xA0020) == 7,
       "bank 1 of the A0000 window is VRAM 0x10000");
    dispi(5, 0);
    ok(mr(0xA0020) == 0, "bank 0 is VRAM 0");
    dispi(5, 0x1000);
    ok(dispi_rd(5) == 0, "bank beyond VRAM ignored");
    vga_render(vga, &r);
    ok(pixel(0x20, 256) == 0xFF0055 && pixel(0x21, 256) == 0 &&
           pixel(0x20, 0) == 0,
       "banked write visible at row 256");


    /* unmap and remap the LFB (BAR move) */
    ok(vga_pci_bar0_size(vga) == 16u << 20, "BAR0 size = VRAM size");
    ok(vga_pci_bar0_update(vga, pm, 0xD0000000u, 1) == 0 &&
           phys_read(pm, 0xD0000000u + 0x10020, 1) == 7 &&
           phys_read(pm, LFB_BASE + 0x10020, 1) == 0xFF,
       "BAR0 moved: LFB at the new base only");
    ok(vga_pci_bar0_update(vga, pm, 0xD0000000u, 0) == 0 &&
           phys_read(pm, 0xD0000000u + 0x10020, 1) == 0xFF,
       "memory decode off: LFB unmapped");
    vga_map_lfb(vga, pm, LFB_BASE);
    dispi(4, 0);
}

/* A 1 MiB card on its own bus: modes that do not fit are refused. */
static void test_small_vram(void)
{
    IOBus *b2 = iobus_new();
    VGAOps o = {.clock = NULL, .vram_size = 1u << 20};
    VGAState *v2 = vga_new(&o);
    IOBus *save = bus;
    vga_register(v2, b2);
    bus = b2;
    ok(vga_vram_size(v2) == 1u << 20 && dispi_rd(0xA) == 16,
       "1 MiB VRAM: VIDEO_MEMORY_64K = 16");
    vbe_mode(1024, 768, 16, 0);
    ok((dispi_rd(4) & 1) == 0, "1024x768x16 does not fit in 1 MiB: refused");
    vbe_mode(1024, 768, 8, 0);
    ok((dispi_rd(4) & 1) == 1 && dispi_rd(7) == 1024,
       "1024x768x8 fits: enabled, virtual height 1024");
    dispi(6, 2048);
    ok(dispi_rd(6) == 1024, "virtual width that would not fit is ignored");
    bus = save;
    vga_free(v2);
    iobus_free(b2);
}

/* ------------------------------------------------------------------ */

static void test_snapshot(void)
{
    SnapWriter w1, w2;
    SnapReader rd;
    VGARect r;

    load_regs(0x67, m3_seq, m3_crtc, m3_gr, m3_ar);
    load_ega_dac();
    load_font();
    for (int y = 0; y < 25; y++)
        for (int x = 0; x < 80; x++) {
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2), t_chr(x, y));
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2 + 1), t_attr(x, y));
        }
    cr(0x0A, 0x20);
    dispi(1, 800);
    out(0x3C8, 0x30);
    out(0x3C9, 0x11); /* half a triplet in flight */
    (void)in(0x3DA);
    out(0x3C0, 0x30); /* flip-flop in data state, PAS set */
    vga_render(vga, &r);
    uint32_t sum = fnv_frame();

    snap_writer_init(&w1);
    vga_save(vga, &w1);
    ok(!w1.err && w1.len > (16u << 20), "saved (registers + 16 MiB VRAM)");

    /* mutate everything */
    vga_reset(vga);
    out(0x3C2, 0x66);
    mw(0xB8000, 0);
    dispi(1, 1024);

    snap_reader_init(&rd, w1.buf, w1.len);
    ok(vga_load(vga, &rd) == 0, "loaded");
    snap_writer_init(&w2);
    vga_save(vga, &w2);
    ok(w2.len == w1.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save after load is byte-identical");
    vga_render(vga, &r);
    ok(fnv_frame() == sum && r.w == 720 && r.h == 400,
       "restored frame equals the saved one (full redraw)");
    /* behaviour continues: the DAC triplet and the flip-flop */
    out(0x3C9, 0x12);
    out(0x3C9, 0x13);
    out(0x3C7, 0x30);
    ok(in(0x3C9) == 0x11 && in(0x3C9) == 0x12 && in(0x3C9) == 0x13,
       "DAC triplet started before the snapshot completes after it");
    out(0x3C0, 0x3F); /* data write to AR 0x10 index (flip-flop restored) */
    ok(in(0x3C0) == 0x30, "attribute flip-flop state restored");
    out(0x3C0, 0x30);
    out(0x3C0, 0x0C);
    ok(dispi_rd(1) == 800, "DISPI register restored");

    /* truncated and corrupted snapshots are rejected */
    snap_reader_init(&rd, w1.buf, w1.len - 1);
    ok(vga_load(vga, &rd) == -1, "truncated snapshot rejected");
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 4 + 2] = 9; /* sr_index */
    snap_reader_init(&rd, bad, w1.len);
    ok(vga_load(vga, &rd) == -1, "out-of-range SR index rejected");
    memcpy(bad, w1.buf, w1.len);
    bad[8] ^= 1; /* VRAM size */
    snap_reader_init(&rd, bad, w1.len);
    ok(vga_load(vga, &rd) == -1, "VRAM size mismatch rejected");
    free(bad);
    vga_render(vga, &r); /* still usable after failed loads */
    snap_reader_init(&rd, w1.buf, w1.len);
    ok(vga_load(vga, &rd) == 0, "good snapshot loads after bad ones");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

/* ------------------------------------------------------------------ */

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void test_fuzz(void)
{
    static const uint16_t ports[] = {0x3B4, 0x3B5, 0x3BA, 0x3C0, 0x3C1, 0x3C2,
                                     0x3C3, 0x3C4, 0x3C5, 0x3C6, 0x3C7, 0x3C8,
                                     0x3C9, 0x3CA, 0x3CC, 0x3CE, 0x3CF, 0x3D4,
                                     0x3D5, 0x3DA};
    VGARect r;
    int renders = 0, bad_rect = 0, n_text = 0, n_dispi = 0;
    size_t max_px = 0;
    uint16_t cells[256];
    VGATextInfo ti;
    for (int i = 0; i < 60000; i++) {
        uint32_t k = rnd() % 100, v = rnd();
        if (k < 50) {
            uint16_t p = ports[rnd() % (sizeof(ports) / sizeof(ports[0]))];
            if (v & 0x100)
                (void)in(p);
            else
                out(p, (uint8_t)v);
        } else if (k < 58) {
            /* DISPI: favour small sizes so renders stay quick */
            uint16_t idx = (uint16_t)(rnd() % 12), val = (uint16_t)rnd();
            if ((idx == 1 || idx == 2) && (val & 0x8000) == 0)
                val &= 0x1F8;
            dispi(idx, val);
            if (rnd() % 4 == 0)
                (void)dispi_rd(idx);
        } else if (k < 88) {
            uint32_t a = 0xA0000 + rnd() % 0x20000;
            unsigned sz = 1u << (rnd() % 4);
            if (v & 1)
                (void)phys_read(pm, a, sz);
            else
                phys_write(pm, a, (uint64_t)v * 0x9E3779B97F4A7C15ull, sz);
        } else if (k < 98) {
            uint32_t a = LFB_BASE + rnd() % (16u << 20);
            phys_write(pm, a, v, 4);
        } else {
            vclock_advance(clk, rnd() % 100000000u);
        }
        if (i >= 30000 && i % 40 == 0) {
            /* second half: keep steering back to (random) text modes */
            gr(6, (uint8_t)(rnd() & 0x0E));
            dispi(4, 0);
            pas_on();
        }
        if (i % 600 == 0) {
            int w, h, stride;
            const uint32_t *px;
            vga_render(vga, &r);
            vga_get_display(vga, &w, &h, &px, &stride);
            if (r.w && (r.x < 0 || r.y < 0 || r.x + r.w > w || r.y + r.h > h))
                bad_rect++;
            if (vga_get_text(vga, cells, 256, &ti) == 0)
                n_text++;
            else if (dispi_rd(4) & 1)
                n_dispi++;
            if ((size_t)w * (size_t)h > max_px)
                max_px = (size_t)w * (size_t)h;
            renders++;
        }
    }
    printf("# fuzz renders: %d text, %d DISPI, %d VGA graphics; largest "
           "frame %zu pixels\n",
           n_text, n_dispi, renders - n_text - n_dispi, max_px);
    ok(renders == 100 && bad_rect == 0,
       "fuzz: 60000 random port/MMIO/LFB accesses with renders, rectangles in bounds");
    /* the device still works after the storm */
    vga_reset(vga);
    dispi(4, 0);
    load_regs(0x67, m3_seq, m3_crtc, m3_gr, m3_ar);
    load_ega_dac();
    load_font();
    for (int y = 0; y < 25; y++)
        for (int x = 0; x < 80; x++) {
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2), t_chr(x, y));
            mw(0xB8000 + (uint32_t)(y * 160 + x * 2 + 1), t_attr(x, y));
        }
    cr(0x0A, 0x20);
    cr(0x0C, 0);
    cr(0x0D, 0);
    vga_render(vga, &r);
    ok(fnv_frame() == mode3_sum, "after reset, mode 3 renders the reference frame again");
}

int main(void)
{
    bus = iobus_new();
    pm = phys_new(2u << 20, PHYS_LAYOUT_PC);
    clk = vclock_new(VCLOCK_MANUAL, 0);
    VGAOps ops = {.clock = clk, .vram_size = 0};
    vga = vga_new(&ops);
    ok(bus && pm && clk && vga, "created");
    ok(vga_register(vga, bus) == 0, "ports registered");
    ok(vga_register(vga, bus) == -1, "second registration overlaps");
    ok(vga_register_mmio(vga, pm) == 0, "A0000-BFFFF window mapped");
    ok(vga_vram_size(vga) == 16u << 20, "16 MiB VRAM by default");

    test_registers();
    test_memory();
    test_text();
    test_mode13();
    test_mode12();
    test_mode04();
    test_mode0d();
    test_dispi();
    test_small_vram();
    test_snapshot();
    test_fuzz();

    vga_free(vga);
    vclock_free(clk);
    phys_free(pm);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
