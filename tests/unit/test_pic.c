/* Unit tests for the 8259A PIC pair and the ELCR, driven through the I/O
 * bus as a guest would (pic_set_irq and pic_ack stand for the devices and
 * the CPU's INTA cycle).  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/pic.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static PIC *pic;
static int intr, intr_changes;

static void rec_intr(void *o, int n, int level)
{
    (void)o;
    (void)n;
    if (level != intr)
        intr_changes++;
    intr = level;
}

static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }
static void irq(int n, int l) { pic_set_irq(pic, n, l); }
static void pulse(int n)
{
    irq(n, 1);
    irq(n, 0);
}

/* The BIOS's usual initialisation, with the given ICW4s. */
static void init_pics(uint8_t icw4m, uint8_t icw4s)
{
    out(0x20, 0x11);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, icw4m);
    out(0xA0, 0x11);
    out(0xA1, 0x70);
    out(0xA1, 0x02);
    out(0xA1, icw4s);
    out(0x21, 0x00);
    out(0xA1, 0x00);
}

static uint8_t isr(uint16_t base)
{
    out(base, 0x0B);
    uint8_t v = in(base);
    out(base, 0x0A);
    return v;
}
static uint8_t irr(uint16_t base)
{
    out(base, 0x0A);
    return in(base);
}

static void eoi_all(void)
{
    out(0xA0, 0x20);
    out(0xA0, 0x20);
    out(0x20, 0x20);
    out(0x20, 0x20);
}

static void test_basic(void)
{
    ok(in(0x21) == 0xFF && in(0xA1) == 0xFF, "power-on: all inputs masked");
    pulse(1);
    ok(!intr, "masked at power-on: no INTR");
    init_pics(0x01, 0x01);
    ok(in(0x21) == 0 && in(0xA1) == 0, "ICW1 clears IMR; OCW1 writes it");
    ok(irr(0x20) == 0 && !intr, "ICW1 resets the edge latches");
    pulse(1);
    ok(intr, "edge on IRQ1 raises INTR (latched after the pulse)");
    ok(irr(0x20) == 0x02, "IRR bit 1");
    ok(pic_ack(pic) == 0x09, "INTA: vector 0x09");
    ok(isr(0x20) == 0x02 && irr(0x20) == 0 && !intr,
       "ISR bit 1 set, IRR cleared, INTR low");
    out(0x20, 0x20);
    ok(isr(0x20) == 0, "non-specific EOI clears ISR");

    /* Priorities and nesting. */
    pulse(5);
    pulse(3);
    ok(intr && pic_ack(pic) == 0x0B, "IRQ3 beats IRQ5");
    ok(!intr, "IRQ5 blocked while IRQ3 in service");
    pulse(1);
    ok(intr && pic_ack(pic) == 0x09, "IRQ1 nests over IRQ3");
    ok(isr(0x20) == 0x0A, "ISR = IRQ1|IRQ3");
    out(0x20, 0x20);
    ok(isr(0x20) == 0x08 && !intr, "EOI ends IRQ1 only; IRQ5 still blocked");
    out(0x20, 0x63);
    ok(isr(0x20) == 0 && intr, "specific EOI 3: IRQ5 now requested");
    ok(pic_ack(pic) == 0x0D, "vector 0x0D");
    out(0x20, 0x65);
    ok(isr(0x20) == 0, "specific EOI 5");
    pulse(4);
    out(0x20, 0x62);
    ok(pic_ack(pic) == 0x0C && isr(0x20) == 0x10,
       "specific EOI for an idle level leaves others in service");
    out(0x20, 0x20);

    /* Masking. */
    out(0x21, 0x02);
    pulse(1);
    ok(!intr && irr(0x20) == 0x02, "masked IRQ1: in IRR, no INTR");
    out(0x21, 0x00);
    ok(intr && pic_ack(pic) == 0x09, "unmasking delivers it");
    out(0x20, 0x20);

    /* Cascade. */
    pulse(12);
    ok(intr && (irr(0x20) & 0x04) && irr(0xA0) == 0x10,
       "IRQ12: slave IRR bit 4, master IR2");
    ok(pic_ack(pic) == 0x74, "IRQ12 vector 0x74");
    ok(isr(0x20) == 0x04 && isr(0xA0) == 0x10, "both ISRs set");
    pulse(3);
    ok(!intr, "IRQ3 blocked behind IR2 in service");
    pulse(9);
    ok(!intr, "IRQ9 blocked: master IR2 in service (not SFNM)");
    out(0xA0, 0x20);
    out(0x20, 0x20);
    ok(intr && pic_ack(pic) == 0x71, "after EOIs IRQ9 (IR2) beats IRQ3");
    eoi_all();
    ok(pic_ack(pic) == 0x0B, "then IRQ3");
    eoi_all();
    ok(!intr && isr(0x20) == 0 && isr(0xA0) == 0, "idle");

    /* Slave mask. */
    out(0xA1, 0x01);
    pulse(8);
    ok(!intr && irr(0xA0) == 0x01, "slave IMR masks IRQ8");
    out(0xA1, 0x00);
    ok(intr && pic_ack(pic) == 0x70, "unmasked IRQ8 -> 0x70");
    eoi_all();
}

static void test_elcr_spurious(void)
{
    init_pics(0x01, 0x01);
    out(0x4D0, 0xFF);
    out(0x4D1, 0xFF);
    ok(in(0x4D0) == 0xF8 && in(0x4D1) == 0xDE,
       "ELCR: IRQ0-2, 8, 13 cannot be level");
    out(0x4D0, 0x08);
    out(0x4D1, 0x08);
    ok(in(0x4D0) == 0x08 && in(0x4D1) == 0x08, "ELCR read back");

    /* Level IRQ11 stays requested until the line drops. */
    irq(11, 1);
    ok(intr && pic_ack(pic) == 0x73, "level IRQ11 -> 0x73");
    ok(irr(0xA0) == 0x08, "level: IRR follows the still-high line");
    eoi_all();
    ok(intr, "EOI with the line still high: requested again");
    ok(pic_ack(pic) == 0x73, "second INTA: 0x73 again");
    eoi_all();
    /* Request vanishes before INTA: spurious IRQ 15. */
    ok(intr, "requested again");
    irq(11, 0);
    ok(irr(0xA0) == 0, "line low: slave IRR clear");
    ok(pic_ack(pic) == 0x77, "INTA after the request vanished: spurious 0x77");
    ok(isr(0xA0) == 0 && isr(0x20) == 0x04,
       "spurious 15: slave ISR empty, master IR2 in service");
    out(0x20, 0x20);

    /* Level IRQ3 dropping: INTR falls; an INTA anyway gives IRQ 7. */
    irq(3, 1);
    ok(intr, "level IRQ3 raises INTR");
    irq(3, 0);
    ok(!intr, "and INTR follows it down");
    ok(pic_ack(pic) == 0x0F && isr(0x20) == 0,
       "INTA with nothing pending: spurious 0x0F, ISR untouched");
    /* Masking after INTR rose gives the same. */
    pulse(4);
    out(0x21, 0x10);
    ok(!intr && pic_ack(pic) == 0x0F, "masked before INTA: spurious 0x0F");
    out(0x21, 0x00);
    ok(pic_ack(pic) == 0x0C, "the latched IRQ4 is still there");
    eoi_all();

    /* Edge input ignores a line that stays high. */
    out(0x4D0, 0x00);
    out(0x4D1, 0x00);
    irq(5, 1);
    ok(pic_ack(pic) == 0x0D, "edge IRQ5");
    out(0x20, 0x20);
    irq(5, 1);
    ok(!intr, "no second request without a new edge");
    irq(5, 0);
    irq(5, 1);
    ok(intr && pic_ack(pic) == 0x0D, "a new edge requests again");
    irq(5, 0);
    out(0x20, 0x20);

    /* ICW1.LTIM: all inputs level-triggered. */
    out(0x20, 0x19);
    out(0x21, 0x08);
    out(0x21, 0x04);
    out(0x21, 0x01);
    out(0x21, 0x00);
    irq(6, 1);
    ok(pic_ack(pic) == 0x0E, "LTIM: level IRQ6");
    out(0x20, 0x20);
    ok(intr, "LTIM: still requested after EOI");
    irq(6, 0);
    ok(!intr, "LTIM: gone with the line");
}

static void test_poll_rotate(void)
{
    init_pics(0x01, 0x01);
    /* Poll command. */
    out(0x20, 0x0C);
    ok(in(0x20) == 0x00, "poll with nothing pending: 0x00");
    pulse(6);
    out(0x20, 0x0C);
    ok(in(0x20) == 0x86, "poll: 0x80 | 6");
    ok(isr(0x20) == 0x40 && !intr, "poll read acts as INTA");
    ok(irr(0x20) == 0, "next read is IRR again");
    out(0x20, 0x20);
    pulse(13);
    out(0x20, 0x0C);
    ok(in(0x20) == 0x82, "poll master: cascade IR2");
    out(0xA0, 0x0C);
    ok(in(0xA0) == 0x85, "poll slave: 0x80 | 5");
    eoi_all();

    /* Rotate on non-specific EOI: the serviced level becomes lowest. */
    pulse(0);
    ok(pic_ack(pic) == 0x08, "IRQ0");
    out(0x20, 0xA0);
    pulse(0);
    pulse(7);
    ok(pic_ack(pic) == 0x0F, "after rotate: IRQ7 beats IRQ0 (IRQ1 highest)");
    out(0x20, 0xA0);
    /* Now IRQ7 is lowest again, IRQ0 highest. */
    ok(pic_ack(pic) == 0x08, "after rotate on 7: IRQ0 highest again");
    out(0x20, 0x20);

    /* Set priority: IRQ4 lowest, IRQ5 highest. */
    out(0x20, 0xC4);
    pulse(3);
    pulse(6);
    ok(pic_ack(pic) == 0x0E, "set priority 4: IRQ6 beats IRQ3");
    pulse(5);
    ok(intr && pic_ack(pic) == 0x0D, "IRQ5 (highest) nests over IRQ6");
    out(0x20, 0x20);
    ok(isr(0x20) == 0x40, "non-specific EOI takes the highest (IRQ5)");
    out(0x20, 0x20);
    ok(pic_ack(pic) == 0x0B, "IRQ3 last");
    /* Rotate on specific EOI: L = 3 becomes lowest. */
    out(0x20, 0xE3);
    ok(isr(0x20) == 0, "rotate on specific EOI clears ISR 3");
    pulse(3);
    pulse(4);
    ok(pic_ack(pic) == 0x0C, "IRQ4 now highest");
    out(0x20, 0x20);
    ok(pic_ack(pic) == 0x0B, "IRQ3 lowest");
    out(0x20, 0x20);
    out(0x20, 0xC7); /* back to IRQ0 highest */

    /* Auto-EOI with rotation. */
    init_pics(0x03, 0x01);
    pulse(2 + 1);
    ok(pic_ack(pic) == 0x0B && isr(0x20) == 0, "AEOI: ISR not set");
    pulse(4);
    ok(intr && pic_ack(pic) == 0x0C, "AEOI: next request at once");
    out(0x20, 0x80); /* rotate in AEOI mode */
    pulse(1);
    ok(pic_ack(pic) == 0x09, "AEOI rotate: IRQ1");
    pulse(1);
    pulse(2 + 3);
    ok(pic_ack(pic) == 0x0D, "IRQ1 rotated to lowest: IRQ5 first");
    ok(pic_ack(pic) == 0x09, "then IRQ1");
    out(0x20, 0x00); /* clear rotate in AEOI */
    out(0x20, 0xC7);

    /* Special mask mode. */
    init_pics(0x01, 0x01);
    pulse(3);
    ok(pic_ack(pic) == 0x0B, "IRQ3 in service");
    pulse(5);
    ok(!intr, "IRQ5 blocked");
    out(0x21, 0x08);
    out(0x20, 0x68);
    ok(intr, "special mask mode + IRQ3 masked: IRQ5 allowed");
    ok(pic_ack(pic) == 0x0D, "IRQ5 served under IRQ3");
    pulse(6);
    ok(intr, "SMM: IRQ6 allowed too (lower than both in service)");
    ok(pic_ack(pic) == 0x0E, "IRQ6");
    out(0x20, 0x66);
    out(0x20, 0x65);
    out(0x20, 0x48);
    out(0x21, 0x00);
    pulse(4);
    ok(!intr, "SMM off: IRQ4 blocked by IRQ3 again");
    out(0x20, 0x63);
    ok(pic_ack(pic) == 0x0C, "IRQ4 after EOI 3");
    out(0x20, 0x20);

    /* Special fully nested mode on the master. */
    init_pics(0x11, 0x01);
    pulse(12);
    ok(pic_ack(pic) == 0x74, "SFNM: IRQ12");
    pulse(10);
    ok(intr && pic_ack(pic) == 0x72, "SFNM: higher slave IRQ10 nests");
    pulse(14);
    ok(!intr, "SFNM: lower slave IRQ14 still blocked by the slave");
    out(0xA0, 0x20);
    out(0xA0, 0x20);
    ok(intr && pic_ack(pic) == 0x76, "IRQ14 after slave EOIs (IR2 still ISR)");
    eoi_all();

    /* Single mode (no ICW3): IR2 is an ordinary input of the master. */
    init_pics(0x01, 0x01);
    out(0x20, 0x13);
    out(0x21, 0x20);
    out(0x21, 0x01);
    out(0x21, 0x00);
    pulse(12);
    ok(pic_ack(pic) == 0x22 && isr(0xA0) == 0,
       "single mode: the slave's INT is plain IR2 (vector base + 2)");
    out(0x20, 0x20);
}

static void test_snapshot(void)
{
    init_pics(0x01, 0x01);
    out(0x4D1, 0x08);
    out(0x20, 0xC2);
    pulse(4);
    pulse(12);
    irq(11, 1);
    ok(pic_ack(pic) == 0x0C, "snap setup: IRQ4 in service");
    out(0x21, 0x20);

    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    pic_save(pic, &w1);
    int lvl = intr;
    /* Mutate, then restore. */
    init_pics(0x03, 0x03);
    out(0x4D1, 0x00);
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    ok(pic_load(pic, &r) == 0 && r.pos == w1.len, "load accepts its save");
    pic_save(pic, &w2);
    ok(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len),
       "save after load: identical bytes");
    ok(intr == lvl && pic_intr_level(pic) == lvl, "INTR level restored");
    ok(in(0x21) == 0x20 && in(0x4D1) == 0x08, "IMR and ELCR restored");
    ok(!intr, "IRQ12 blocked behind IRQ4 in service");
    out(0x20, 0x20);
    ok(pic_ack(pic) == 0x73, "behaviour continues: IRQ11 (rotated priority)");
    ok(pic_ack(pic) == 0x0F, "IRQ12 waits behind IR2: nothing else");
    out(0x20, 0x64);
    out(0xA0, 0x20);
    out(0x20, 0x20);

    /* Bad data: rejected, device reset and usable. */
    uint8_t bad[64];
    memcpy(bad, w1.buf, w1.len < sizeof(bad) ? w1.len : sizeof(bad));
    bad[8 + 7] = 9; /* master priority out of range */
    snap_reader_init(&r, bad, w1.len);
    ok(pic_load(pic, &r) == -1, "corrupt snapshot rejected");
    snap_reader_init(&r, w2.buf, 10);
    ok(pic_load(pic, &r) == -1, "short snapshot rejected");
    ok(in(0x21) == 0xFF, "after a failed load the PIC is reset");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void test_fuzz(void)
{
    static const uint16_t ports[] = {0x20, 0x21, 0xA0, 0xA1, 0x4D0, 0x4D1};
    int bad_vec = 0, bad_level = 0, bad_snap = 0;
    init_pics(0x01, 0x01);
    for (int i = 0; i < 200000; i++) {
        uint32_t k = rnd();
        switch (k % 6) {
        case 0:
        case 1:
            out(ports[(k >> 4) % 6], (uint8_t)(k >> 12));
            break;
        case 2:
            (void)in(ports[(k >> 4) % 6]);
            break;
        case 3:
        case 4:
            irq((int)((k >> 4) % 18) - 1, (k >> 10) & 1);
            break;
        default: {
            int v = pic_ack(pic);
            if (v < 0 || v > 255)
                bad_vec++;
            break;
        }
        }
        if (intr != pic_intr_level(pic))
            bad_level++;
        if (i % 5000 == 0) {
            SnapWriter a, b;
            SnapReader r;
            snap_writer_init(&a);
            snap_writer_init(&b);
            pic_save(pic, &a);
            snap_reader_init(&r, a.buf, a.len);
            if (pic_load(pic, &r) != 0)
                bad_snap++;
            pic_save(pic, &b);
            if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
                bad_snap++;
            /* Random bytes must never be accepted out of range. */
            for (size_t j = 0; j < a.len; j++)
                a.buf[j] = (uint8_t)rnd();
            snap_reader_init(&r, a.buf, a.len);
            (void)pic_load(pic, &r);
            snap_writer_free(&a);
            snap_writer_free(&b);
        }
    }
    ok(!bad_vec, "fuzz: vectors in range");
    ok(!bad_level, "fuzz: INTR line always matches the PIC's output");
    ok(!bad_snap, "fuzz: snapshot round trips");
}

int main(void)
{
    bus = iobus_new();
    PICOps ops = {.intr = irq_line(rec_intr, NULL, 0)};
    pic = pic_new(&ops);
    ok(pic_register(pic, bus, 0x20, 0xA0, 0x4D0) == 0, "registered");
    test_basic();
    test_elcr_spurious();
    test_poll_rotate();
    test_snapshot();
    test_fuzz();
    pic_free(pic);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
