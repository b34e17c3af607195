/* Unit tests for the 8254 PIT and port 0x61, driven through the I/O bus with
 * a manual virtual clock: counts, OUT and IRQ0 edge times per mode, gates,
 * latch and read-back, BCD, snapshots, and a random-register fuzz loop.
 * TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/pit.h"
#include "devices/vclock.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static IOBus *bus;
static VClock *clk;
static PIT *pit;

/* IRQ0 recorder: times of rising edges. */
#define MAXE 4096
static uint64_t edge_ns[MAXE];
static int nedges, level, bad_order;

static void rec_irq(void *o, int n, int l)
{
    (void)o;
    (void)n;
    if (l && !level) {
        uint64_t t = vclock_now(clk);
        if (nedges && t < edge_ns[(nedges - 1) % MAXE])
            bad_order++;
        edge_ns[nedges++ % MAXE] = t;
    }
    level = l;
}

static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }

/* First ns at which the PIT's tick count reaches t. */
static uint64_t tick_ns(uint64_t t)
{
    uint64_t ns = vclock_ticks_to_ns(t, PIT_FREQ_HZ);
    while (vclock_ns_to_ticks(ns, PIT_FREQ_HZ) < t)
        ns++;
    return ns;
}
static uint64_t cur_tick(void)
{
    return vclock_ns_to_ticks(vclock_now(clk), PIT_FREQ_HZ);
}
/* Moves the clock to the start of tick t (firing what is due). */
static void goto_tick(uint64_t t)
{
    uint64_t ns = tick_ns(t), now = vclock_now(clk);
    if (ns > now)
        vclock_advance(clk, ns - now);
}
/* Moves to a fresh tick boundary a little ahead and returns it. */
static uint64_t sync_tick(void)
{
    uint64_t t = cur_tick() + 3;
    goto_tick(t);
    return t;
}

static uint16_t read16(uint16_t port)
{
    uint8_t lo = in(port);
    return (uint16_t)(lo | (in(port) << 8));
}
static uint16_t latch16(int ch)
{
    out(0x43, (uint8_t)(ch << 6));
    return read16((uint16_t)(0x40 + ch));
}
static uint8_t status(int ch)
{
    out(0x43, (uint8_t)(0xE0 | (2 << ch)));
    return in((uint16_t)(0x40 + ch));
}
static int out_pin(int ch) { return status(ch) >> 7; }
static void load16(int ch, uint16_t v)
{
    out((uint16_t)(0x40 + ch), (uint8_t)v);
    out((uint16_t)(0x40 + ch), (uint8_t)(v >> 8));
}

static void test_mode0(void)
{
    uint64_t t0 = sync_tick();
    nedges = 0;
    out(0x43, 0x30); /* ch0, LSB/MSB, mode 0, binary */
    ok(status(0) == 0x70, "mode 0 control word: OUT low, null count");
    load16(0, 100);
    ok(!level && status(0) == 0x30, "count written: OUT low, loaded");
    ok(latch16(0) == 100, "count 100 at start");
    goto_tick(t0 + 40);
    ok(latch16(0) == 60, "40 ticks later: 60");
    ok(read16(0x40) == 60, "direct LSB/MSB read: 60");
    goto_tick(t0 + 99);
    ok(!level && nedges == 0 && out_pin(0) == 0, "tick 99: OUT still low");
    goto_tick(t0 + 100);
    ok(level && nedges == 1, "tick 100: OUT high, one IRQ0 edge");
    ok(edge_ns[0] == tick_ns(t0 + 100), "edge exactly at tick 100");
    goto_tick(t0 + 101);
    ok(latch16(0) == 0xFFFF, "counter wraps to FFFF after terminal count");
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER,
       "no timer armed after terminal count");
    goto_tick(t0 + 70000);
    ok(nedges == 1 && level, "mode 0 fires once; OUT stays high");

    /* Rewriting the count restarts it; first byte stops counting. */
    uint64_t t1 = sync_tick();
    out(0x40, 50);
    goto_tick(t1 + 30);
    out(0x40, 0);
    ok(!level, "new count: OUT low");
    goto_tick(t1 + 79);
    ok(nedges == 1, "no edge before the new count expires");
    goto_tick(t1 + 80);
    ok(nedges == 2 && edge_ns[1] == tick_ns(t1 + 80),
       "edge 50 ticks after the second byte");

    /* Gate (channel 2 through port 0x61 bit 0) suspends mode 0. */
    out(0x61, 0x00);
    out(0x43, 0xB0);
    uint64_t t2 = sync_tick();
    load16(2, 50);
    goto_tick(t2 + 20);
    ok(latch16(2) == 50, "gate low: channel 2 does not count");
    out(0x61, 0x01);
    goto_tick(t2 + 40);
    ok(latch16(2) == 30, "gate high for 20 ticks: 30");
    out(0x61, 0x00);
    goto_tick(t2 + 140);
    ok(latch16(2) == 30, "gate low again: frozen at 30");
    ok(!(in(0x61) & 0x20), "port 0x61 bit 5: OUT2 low");
    out(0x61, 0x01);
    goto_tick(t2 + 169);
    ok(!(in(0x61) & 0x20), "29 more ticks: still low");
    goto_tick(t2 + 170);
    ok((in(0x61) & 0x21) == 0x21, "30 more ticks: OUT2 high (bit 5)");
    out(0x61, 0x00);
}

static void test_mode2(void)
{
    out(0x43, 0x34); /* ch0, LSB/MSB, mode 2 */
    ok(status(0) == 0xF4, "mode 2 control word: OUT high, null count");
    uint64_t t0 = sync_tick();
    nedges = 0;
    load16(0, 1000);
    ok(status(0) == 0xB4, "count loaded: null count clear");
    ok(vclock_next_deadline(clk) == tick_ns(t0 + 1000),
       "timer armed for the first period end only");
    goto_tick(t0 + 1);
    ok(latch16(0) == 999, "tick 1: 999");
    goto_tick(t0 + 998);
    ok(latch16(0) == 2 && out_pin(0) == 1, "tick 998: 2, OUT high");
    goto_tick(t0 + 999);
    ok(latch16(0) == 1 && out_pin(0) == 0, "tick 999: 1, OUT low");
    goto_tick(t0 + 1000);
    ok(latch16(0) == 1000 && out_pin(0) == 1, "tick 1000: reloaded, OUT high");
    ok(nedges == 1 && edge_ns[0] == tick_ns(t0 + 1000), "IRQ0 edge at 1000");
    goto_tick(t0 + 10000);
    int exact = nedges == 10;
    for (int i = 0; i < nedges && i < 10; i++)
        exact &= edge_ns[i] == tick_ns(t0 + 1000u * (i + 1));
    ok(exact, "ten periods: edges exactly every 1000 ticks");
    /* A new count takes effect at the end of the current period. */
    goto_tick(t0 + 10500);
    load16(0, 500);
    ok(status(0) & 0x40, "new count pending: null count set");
    goto_tick(t0 + 10999);
    ok(latch16(0) == 1, "old period continues to its end");
    goto_tick(t0 + 12000);
    ok(nedges == 13 && edge_ns[10] == tick_ns(t0 + 11000) &&
           edge_ns[11] == tick_ns(t0 + 11500) &&
           edge_ns[12] == tick_ns(t0 + 12000),
       "then periods of 500");
    ok(!(status(0) & 0x40), "null count clear once loaded");

    /* Count 0 = 65536. */
    uint64_t t1 = sync_tick();
    load16(0, 0);
    goto_tick(t1 + 3);
    /* (the 500-period was running: new count at its end) */
    uint64_t end = t0 + 12000 + ((t1 + 3 - (t0 + 12000)) / 500 + 1) * 500;
    goto_tick(end + 1);
    ok(latch16(0) == 0xFFFF, "count 0: reloads 65536, next read FFFF");
    int n0 = nedges;
    goto_tick(end + 65536);
    ok(nedges == n0 + 1 && edge_ns[n0] == tick_ns(end + 65536),
       "period 65536");
}

static void test_mode3(void)
{
    out(0x43, 0x36); /* ch0, mode 3 */
    uint64_t t0 = sync_tick();
    nedges = 0;
    load16(0, 1000);
    ok(latch16(0) == 1000 && out_pin(0), "mode 3 start: 1000, OUT high");
    goto_tick(t0 + 1);
    ok(latch16(0) == 998, "counts down by 2");
    goto_tick(t0 + 250);
    ok(latch16(0) == 500, "tick 250: 500");
    goto_tick(t0 + 499);
    ok(out_pin(0) == 1, "tick 499: OUT high");
    goto_tick(t0 + 500);
    ok(out_pin(0) == 0 && latch16(0) == 1000, "tick 500: OUT low, reloaded");
    goto_tick(t0 + 999);
    ok(out_pin(0) == 0 && nedges == 0, "tick 999: low, no edge yet");
    goto_tick(t0 + 1000);
    ok(out_pin(0) == 1 && nedges == 1 && edge_ns[0] == tick_ns(t0 + 1000),
       "tick 1000: rising edge");
    goto_tick(t0 + 5000);
    int exact = nedges == 5;
    for (int i = 0; i < nedges && i < 5; i++)
        exact &= edge_ns[i] == tick_ns(t0 + 1000u * (i + 1));
    ok(exact, "square wave: one rising edge per 1000 ticks");

    /* Odd count: high (N+1)/2, low (N-1)/2. */
    out(0x43, 0x36);
    uint64_t t1 = sync_tick();
    load16(0, 1001);
    goto_tick(t1 + 500);
    ok(out_pin(0) == 1, "odd 1001: high at 500");
    goto_tick(t1 + 501);
    ok(out_pin(0) == 0, "odd 1001: low at 501");
    goto_tick(t1 + 1000);
    ok(out_pin(0) == 0, "odd 1001: low at 1000");
    goto_tick(t1 + 1001);
    ok(out_pin(0) == 1, "odd 1001: high again at 1001");

    /* Channel 2 mode 3 gate: low forces OUT high and stops; rising restarts. */
    out(0x61, 0x01);
    out(0x43, 0xB6);
    uint64_t t2 = sync_tick();
    load16(2, 100);
    goto_tick(t2 + 60);
    ok(!(in(0x61) & 0x20), "ch2 mode 3: low half at 60");
    out(0x61, 0x00);
    ok(in(0x61) & 0x20, "gate low forces OUT2 high");
    goto_tick(t2 + 300);
    out(0x61, 0x01);
    ok(latch16(2) == 100, "gate rising edge reloads");
    goto_tick(t2 + 350);
    ok(!(in(0x61) & 0x20), "and the wave restarts from the gate");
    out(0x61, 0x00);
}

static void test_gate_modes(void)
{
    /* Mode 1: hardware retriggerable one-shot on channel 2. */
    out(0x61, 0x00);
    out(0x43, 0xB2);
    load16(2, 100);
    ok(in(0x61) & 0x20, "mode 1: OUT high before the trigger");
    uint64_t t = sync_tick();
    goto_tick(t + 500);
    ok(in(0x61) & 0x20, "no trigger, no count");
    t = sync_tick();
    out(0x61, 0x01);
    ok(!(in(0x61) & 0x20), "trigger: OUT low");
    goto_tick(t + 50);
    ok(latch16(2) == 50, "counting: 50");
    out(0x61, 0x00);
    goto_tick(t + 60);
    ok(latch16(2) == 40, "gate low does not stop mode 1");
    out(0x61, 0x01); /* retrigger at 60 */
    goto_tick(t + 159);
    ok(!(in(0x61) & 0x20), "retriggered: still low at 159");
    goto_tick(t + 160);
    ok(in(0x61) & 0x20, "retriggered: high 100 ticks after the retrigger");
    out(0x61, 0x00);

    /* Mode 4: software strobe on channel 0 (IRQ edge one tick late). */
    out(0x43, 0x38);
    uint64_t t0 = sync_tick();
    nedges = 0;
    load16(0, 100);
    ok(out_pin(0) == 1, "mode 4: OUT high");
    goto_tick(t0 + 99);
    ok(out_pin(0) == 1, "tick 99 high");
    goto_tick(t0 + 100);
    ok(out_pin(0) == 0, "tick 100: strobe low");
    goto_tick(t0 + 101);
    ok(out_pin(0) == 1 && nedges == 1 && edge_ns[0] == tick_ns(t0 + 101),
       "tick 101: OUT high again, one IRQ0 edge");
    goto_tick(t0 + 70000);
    ok(nedges == 1, "mode 4 strobes once");

    /* Mode 5: hardware strobe on channel 2. */
    out(0x43, 0xBA);
    load16(2, 100);
    t = sync_tick();
    goto_tick(t + 200);
    ok(status(2) == 0xFA, "mode 5 waiting for trigger: OUT high, null count");
    t = sync_tick();
    out(0x61, 0x01);
    ok(!(status(2) & 0x40), "triggered: count loaded");
    goto_tick(t + 100);
    ok(!(in(0x61) & 0x20), "tick 100 after trigger: strobe low");
    goto_tick(t + 101);
    ok(in(0x61) & 0x20, "tick 101: high");
    out(0x61, 0x00);

    /* Mode 4 gate low suspends. */
    out(0x61, 0x00);
    out(0x43, 0xB8);
    t = sync_tick();
    load16(2, 10);
    goto_tick(t + 50);
    ok(latch16(2) == 10, "mode 4 with gate low: not counting");
}

static void test_latch_readback_bcd(void)
{
    out(0x43, 0x34);
    uint64_t t0 = sync_tick();
    load16(0, 1000);
    goto_tick(t0 + 10);
    out(0x43, 0x00); /* counter latch ch0 */
    goto_tick(t0 + 20);
    out(0x43, 0x00); /* ignored: already latched */
    ok(read16(0x40) == 990, "latched value survives time");
    ok(read16(0x40) == 980, "then live reads");
    /* Read-back: count of ch0 only (no status). */
    out(0x43, 0xD2);
    goto_tick(t0 + 30);
    ok(read16(0x40) == 980, "read-back count latch");
    /* Both: status first, then count. */
    out(0x43, 0xC2);
    uint8_t st = in(0x40);
    ok(st == 0xB4, "read-back status: OUT, RW=3, mode 2");
    ok(read16(0x40) == 970, "then the latched count");
    /* Status latch twice: the first stays until read. */
    out(0x43, 0xE2);
    out(0x43, 0x30); /* reprogram clears latches */
    out(0x43, 0xE2);
    ok(in(0x40) == 0x70, "status after reprogramming: mode 0, null count");
    /* Read-back of several channels. */
    out(0x43, 0xEE);
    ok((in(0x40) & 0x3F) == 0x30 && (in(0x42) & 0x0E) == 0x08,
       "read-back of all three channels");
    (void)in(0x41);

    /* LSB-only and MSB-only access. */
    out(0x43, 0x10); /* ch0 LSB only, mode 0 */
    uint64_t t1 = sync_tick();
    out(0x40, 0x50);
    goto_tick(t1 + 0x10);
    ok(in(0x40) == 0x40 && in(0x40) == 0x40, "LSB only: reads LSB each time");
    out(0x43, 0x20); /* MSB only */
    t1 = sync_tick();
    out(0x40, 0x02);
    goto_tick(t1 + 1);
    ok(in(0x40) == 0x01, "MSB only: 0x200 - 1 -> MSB 01");
    out(0x43, 0x00);
    ok(in(0x40) == 0x01, "latched, MSB only");

    /* BCD. */
    out(0x43, 0x31); /* mode 0 BCD */
    uint64_t t2 = sync_tick();
    load16(0, 0x1000);
    goto_tick(t2 + 1);
    ok(latch16(0) == 0x0999, "BCD 1000 - 1 = 0999");
    goto_tick(t2 + 1000);
    ok(latch16(0) == 0x0000, "BCD 0000 at terminal count");
    goto_tick(t2 + 1001);
    ok(latch16(0) == 0x9999, "BCD wraps to 9999");
    out(0x43, 0x35); /* mode 2 BCD, count 0 = 10000 */
    uint64_t t3 = sync_tick();
    nedges = 0;
    load16(0, 0);
    goto_tick(t3 + 1);
    ok(latch16(0) == 0x9999, "BCD count 0 = 10000: 9999 after one tick");
    goto_tick(t3 + 10000);
    ok(nedges == 1 && edge_ns[0] == tick_ns(t3 + 10000), "BCD period 10000");
    ok((status(0) & 0x0F) == 0x05, "status shows mode 2 + BCD");

    /* Port 0x61: read/write bits, refresh toggle. */
    out(0x61, 0xFE);
    ok((in(0x61) & 0xCF) == 0x0E, "port 0x61: bits 0-3 kept, 6-7 zero");
    uint8_t r1 = in(0x61) & 0x10;
    vclock_advance(clk, 15085);
    uint8_t r2 = in(0x61) & 0x10;
    ok(r1 != r2, "refresh bit toggles every 15.085 us");
    out(0x61, 0x00);
    ok(in(0x43) == 0xFF, "control port reads FF");
}

static void save_to(SnapWriter *w)
{
    snap_writer_init(w);
    pit_save(pit, w);
}

static void test_snapshot(void)
{
    out(0x43, 0x34);
    uint64_t t0 = sync_tick();
    nedges = 0;
    load16(0, 1000);
    out(0x61, 0x03);
    out(0x43, 0xB6);
    load16(2, 300);
    out(0x43, 0x70); /* ch1 mode 0, waiting for MSB */
    out(0x41, 0x12);
    goto_tick(t0 + 300);
    out(0x43, 0x00); /* latch ch0 */
    (void)in(0x40);  /* half read */

    SnapWriter w1, w2;
    save_to(&w1);
    pit_reset(pit);
    out(0x43, 0x30);
    load16(0, 7);
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    nedges = 0; /* pit_reset lowered IRQ0; the load raised it again */
    ok(pit_load(pit, &r) == 0 && r.pos == w1.len, "load accepts its save");
    ok(nedges == 1 && level, "IRQ0 line level restored");
    nedges = 0;
    save_to(&w2);
    ok(w1.len == w2.len && !memcmp(w1.buf, w2.buf, w1.len),
       "save after load: identical bytes");
    ok(in(0x40) == (700 >> 8), "pending latched MSB restored");
    ok((in(0x61) & 0x0F) == 0x03, "port 0x61 restored");
    out(0x41, 0x34);
    ok(latch16(1) == 0x3412, "half-written count completed after load");
    goto_tick(t0 + 1000);
    ok(nedges == 1 && edge_ns[0] == tick_ns(t0 + 1000),
       "behaviour continues: IRQ0 at the same tick");

    /* Loading into a clock far from the saved one (relative times). */
    uint64_t t1 = cur_tick();
    snap_reader_init(&r, w1.buf, w1.len);
    goto_tick(t1 + 100000);
    uint64_t t2 = cur_tick();
    ok(pit_load(pit, &r) == 0, "reload later");
    (void)in(0x40); /* the pending latched MSB */
    ok(latch16(0) == 700, "counter position is relative to now");
    ok(vclock_next_deadline(clk) == tick_ns(t2 + 700), "timer re-armed");

    /* Corruption is rejected and leaves a reset PIT. */
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 1] = 0; /* ch0 rw = 0 */
    snap_reader_init(&r, bad, w1.len);
    ok(pit_load(pit, &r) == -1, "rw 0 rejected");
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 0] = 9; /* mode 9 */
    snap_reader_init(&r, bad, w1.len);
    ok(pit_load(pit, &r) == -1, "mode 9 rejected");
    snap_reader_init(&r, w1.buf, w1.len - 1);
    ok(pit_load(pit, &r) == -1, "short data rejected");
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER && (in(0x61) & 1) == 0,
       "reset after a failed load");
    free(bad);
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

static uint32_t rng = 777;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Channel 0 against a counter stepped one clock at a time, for modes 0, 2,
 * 3 (even counts) and 4: count, OUT and IRQ0 rising edges after every
 * tick. */
static void test_stepped_reference(void)
{
    static const int modes[] = {0, 2, 3, 4};
    int bad = 0, checked = 0;
    for (int iter = 0; iter < 48; iter++) {
        int mode = modes[iter % 4];
        uint32_t n = 2 + rnd() % 300;
        if (mode == 3)
            n &= ~1u;
        out(0x43, (uint8_t)(0x30 | (mode << 1)));
        uint64_t t0 = sync_tick();
        load16(0, (uint16_t)n);
        nedges = 0;
        uint32_t v = n;
        int o = mode != 0, edges = 0;
        for (uint32_t k = 1; k <= 3 * n + 5; k++) {
            int prev = o;
            switch (mode) {
            case 0:
                v = (v - 1) & 0xFFFF;
                if (v == 0)
                    o = 1;
                break;
            case 2:
                v = v == 1 ? n : v - 1;
                o = v != 1;
                break;
            case 3:
                v -= 2;
                if (v == 0) {
                    v = n;
                    o = !o;
                }
                break;
            default:
                v = (v - 1) & 0xFFFF;
                o = v != 0;
                break;
            }
            if (o && !prev)
                edges++;
            goto_tick(t0 + k);
            checked++;
            if (latch16(0) != v || out_pin(0) != o || nedges != edges) {
                if (bad++ < 5)
                    printf("# mode %d n %u tick %u: count %u/%u out %d/%d "
                           "edges %d/%d\n", mode, n, k, latch16(0), v,
                           out_pin(0), o, nedges, edges);
            }
        }
    }
    printf("# %d tick states compared\n", checked);
    ok(!bad, "modes 0, 2, 3, 4 match a clock-by-clock reference counter");
}

static void test_fuzz(void)
{
    static const uint16_t ports[] = {0x40, 0x41, 0x42, 0x43, 0x61};
    int bad_deadline = 0, bad_snap = 0;
    nedges = 0;
    bad_order = 0;
    pit_reset(pit);
    for (int i = 0; i < 100000; i++) {
        uint32_t k = rnd();
        switch (k % 5) {
        case 0:
        case 1:
            out(ports[(k >> 4) % 5], (uint8_t)(k >> 12));
            break;
        case 2:
            (void)in(ports[(k >> 4) % 5]);
            break;
        case 3:
            vclock_advance(clk, (k >> 8) % 5000);
            break;
        default:
            vclock_advance(clk, (k >> 8) % 300000);
            break;
        }
        uint64_t d = vclock_next_deadline(clk);
        if (d != VCLOCK_NEVER && d <= vclock_now(clk))
            bad_deadline++;
        if (i % 3000 == 0) {
            SnapWriter a, b;
            SnapReader r;
            save_to(&a);
            snap_reader_init(&r, a.buf, a.len);
            if (pit_load(pit, &r) != 0)
                bad_snap++;
            save_to(&b);
            if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
                bad_snap++;
            for (size_t j = 8; j < a.len; j++)
                if (rnd() % 8 == 0)
                    a.buf[j] = (uint8_t)rnd();
            snap_reader_init(&r, a.buf, a.len);
            (void)pit_load(pit, &r);
            snap_writer_free(&a);
            snap_writer_free(&b);
        }
    }
    ok(!bad_deadline, "fuzz: no timer left in the past");
    ok(!bad_order, "fuzz: IRQ0 edges in time order");
    ok(!bad_snap, "fuzz: snapshot round trips");
    printf("# fuzz: %d IRQ0 edges\n", nedges);
}

int main(void)
{
    bus = iobus_new();
    clk = vclock_new(VCLOCK_MANUAL, 0);
    PITOps ops = {.irq0 = irq_line(rec_irq, NULL, 0)};
    pit = pit_new(clk, &ops);
    ok(pit_register(pit, bus, 0x40) == 0 &&
           pit_register_port61(pit, bus, 0x61) == 0,
       "registered at 0x40-0x43 and 0x61");
    ok(pit_register(pit, bus, 0x42) == -1, "overlap rejected");
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER, "power-on: no timer");
    test_mode0();
    test_mode2();
    test_mode3();
    test_gate_modes();
    test_latch_readback_bcd();
    test_snapshot();
    test_stepped_reference();
    test_fuzz();
    pit_free(pit);
    vclock_free(clk);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
