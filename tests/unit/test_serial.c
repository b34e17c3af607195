/* Unit tests for the 16550A UART, port 0x92 and the debug ports, driven
 * through the I/O bus as a guest would, and a random-register fuzz loop for
 * each of them checked against a model.  TAP output. */
#include <stdio.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/debugport.h"
#include "devices/port92.h"
#include "devices/serial.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

typedef struct Wire {
    uint8_t tx[64];
    int ntx;
    long ntx_all;  /* every byte, also past the 64 kept */
    uint8_t last_tx;
    int irq;       /* current level */
    int irq_edges; /* number of level changes */
    int a20, resets, exit_status, exits;
} Wire;

static void w_tx(void *o, uint8_t b)
{
    Wire *w = o;
    if (w->ntx < 64)
        w->tx[w->ntx++] = b;
    w->ntx_all++;
    w->last_tx = b;
}

static void w_irq(void *o, int level)
{
    Wire *w = o;
    w->irq = level;
    w->irq_edges++;
}

#define B 0x3F8
static IOBus *bus;
static uint8_t in(uint16_t p) { return (uint8_t)iobus_read(bus, p, 1); }
static void out(uint16_t p, uint8_t v) { iobus_write(bus, p, v, 1); }

static void test_serial(void)
{
    Wire w = {0};
    SerialOps ops = {.opaque = &w, .tx = w_tx, .irq = w_irq};
    SerialState *s = serial_new(&ops);
    ok(serial_register(s, bus, B) == 0, "UART registered at 0x3F8");
    ok(serial_register(s, bus, B + 4) == -1, "overlapping UART rejected");

    ok(in(B + 5) == 0x60, "reset: LSR = THRE|TEMT");
    ok(in(B + 2) == 0x01, "reset: IIR = no interrupt, FIFOs off");
    ok((in(B + 6) & 0xF0) == 0xB0, "MSR: CTS, DSR, DCD asserted");

    /* Divisor latch. */
    out(B + 3, 0x80);
    out(B + 0, 0x01);
    out(B + 1, 0x02);
    ok(in(B + 0) == 0x01 && in(B + 1) == 0x02, "DLL/DLM readable with DLAB");
    out(B + 3, 0x03);
    ok(in(B + 3) == 0x03 && in(B + 1) == 0x00, "DLAB off: IER visible again");

    out(B + 7, 0x5A);
    ok(in(B + 7) == 0x5A, "scratch register");

    /* Transmit. */
    out(B + 0, 'h');
    out(B + 0, 'i');
    ok(w.ntx == 2 && w.tx[0] == 'h' && w.tx[1] == 'i', "THR bytes reach tx");
    ok((in(B + 5) & 0x60) == 0x60, "THR empty again after a write");

    /* THRE interrupt: raised by enabling IER.ETBEI, gated by OUT2. */
    out(B + 1, 0x02);
    ok(in(B + 2) == 0x02, "IIR = THRE after enabling ETBEI");
    ok(in(B + 2) == 0x01, "reading IIR cleared the THRE interrupt");
    ok(w.irq == 0, "no IRQ while OUT2 is clear");
    out(B + 4, 0x08); /* OUT2 */
    out(B + 0, 'x');
    ok(w.irq == 1, "THR write with OUT2 set raises IRQ");
    out(B + 0, 'y');
    ok(w.irq == 1 && in(B + 2) == 0x02 && w.irq == 0,
       "IIR read drops the THRE IRQ");
    out(B + 1, 0x00);

    /* Receive without FIFO: one holding register, overrun. */
    out(B + 1, 0x05); /* RDA + RLS */
    ok(serial_can_receive(s) == 1, "FIFO off: room for one byte");
    serial_receive(s, 'a');
    ok(w.irq == 1 && in(B + 2) == 0x04, "received byte: IRQ, IIR = RDA");
    ok(in(B + 5) & 0x01, "LSR.DR set");
    serial_receive(s, 'b');
    ok(in(B + 2) == 0x06, "second byte overruns: IIR = line status");
    ok((in(B + 5) & 0x03) == 0x03 && !(in(B + 5) & 0x02),
       "LSR shows OE once, cleared by the read");
    ok(in(B + 0) == 'a' && !(in(B + 5) & 0x01) && w.irq == 0,
       "RBR returns the first byte; DR and IRQ drop");

    /* FIFO mode, trigger level 4. */
    out(B + 2, 0x47);
    ok((in(B + 2) & 0xC0) == 0xC0, "IIR bits 7..6 show FIFOs enabled");
    ok(serial_can_receive(s) == 16, "FIFO on: room for 16 bytes");
    serial_receive(s, '1');
    ok(in(B + 2) == 0xCC, "below the trigger level: character timeout");
    serial_receive(s, '2');
    serial_receive(s, '3');
    serial_receive(s, '4');
    ok(in(B + 2) == 0xC4, "at the trigger level: data available");
    ok(in(B + 0) == '1' && in(B + 0) == '2' && in(B + 0) == '3' &&
           in(B + 0) == '4' && in(B + 2) == 0xC1,
       "FIFO order kept; no interrupt once empty");
    for (int i = 0; i < 17; i++)
        serial_receive(s, (uint8_t)i);
    ok((in(B + 5) & 0x02) && serial_can_receive(s) == 0,
       "17th byte into a full FIFO overruns");
    out(B + 2, 0x03); /* clear RX FIFO */
    ok(!(in(B + 5) & 0x01), "FCR bit 1 empties the RX FIFO");

    /* Loopback, as Linux's 8250 probe checks it. */
    w.ntx = 0;
    out(B + 4, 0x1A); /* LOOP | OUT2 | RTS */
    ok((in(B + 6) & 0xF0) == 0x90, "loopback: MSR = DCD|CTS (0x90)");
    ok(serial_can_receive(s) == 0, "loopback: external input refused");
    out(B + 0, 'L');
    ok(w.ntx == 0 && in(B + 0) == 'L', "loopback: THR comes back in RBR");
    ok(w.irq == 0, "loopback: IRQ output disconnected");
    out(B + 4, 0x00);
    ok((in(B + 6) & 0xF0) == 0xB0 && (in(B + 6) & 0x0F) == 0,
       "leaving loopback: deltas reported once, then cleared");

    /* Reset. */
    out(B + 1, 0x0F);
    serial_reset(s);
    ok(in(B + 1) == 0 && in(B + 2) == 0x01 && w.irq == 0, "serial_reset");
    serial_free(s);
}

static void p92_a20(void *o, int en) { ((Wire *)o)->a20 = en; }
static void p92_reset(void *o) { ((Wire *)o)->resets++; }
static void d_exit(void *o, int st)
{
    ((Wire *)o)->exit_status = st;
    ((Wire *)o)->exits++;
}
static void d_byte(void *o, uint8_t b) { w_tx(o, b); }

static void test_misc(void)
{
    Wire w = {0};
    Port92Ops ops = {.opaque = &w, .a20 = p92_a20, .reset = p92_reset};
    Port92 *p = port92_new(&ops);
    port92_register(p, bus, 0x92);
    out(0x92, 0x02);
    ok(w.a20 == 1 && w.resets == 0 && in(0x92) == 0x02,
       "port 0x92 bit 1 drives A20, reads back");
    out(0x92, 0x03);
    out(0x92, 0x03);
    ok(w.resets == 1, "port 0x92 bit 0: reset on the 0->1 edge only");
    out(0x92, 0x00);
    ok(w.a20 == 0, "port 0x92 bit 1 clear disables A20");
    port92_free(p);

    w.ntx = 0;
    DebugCon *dc = debugcon_new(d_byte, &w);
    debugcon_register(dc, bus, 0xE9);
    out(0xE9, 'Q');
    ok(w.ntx == 1 && w.tx[0] == 'Q' && in(0xE9) == 0xE9,
       "debugcon: output, and reads return 0xE9");
    debugcon_free(dc);

    PostCode *pc = postcode_new(d_byte, &w);
    postcode_register(pc, bus, 0x80);
    out(0x80, 0x42);
    ok(w.ntx == 2 && w.tx[1] == 0x42 && in(0x80) == 0x42,
       "postcode: byte passed on, read returns the last one");
    postcode_free(pc);

    DebugExit *de = debugexit_new(d_exit, &w);
    debugexit_register(de, bus, 0x501, 2);
    iobus_write(bus, 0x501, 0x10, 2);
    ok(w.exits == 1 && w.exit_status == 0x21,
       "isa-debug-exit: writing 0x10 asks for status 0x21");
    debugexit_free(de);
}


/* ---------------------------------------------------------------- fuzz */
static uint32_t rng = 2024;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Random register accesses and received bytes on a UART.  Checked against
 * a model of what the guest alone decides (DLAB, loopback, the scratch
 * register, which writes transmit) and the chip's invariants: the IRQ
 * callback follows serial_irq_level(), the output is gated by OUT2 and off
 * in loopback, THR/TEMT are always empty (instant transmission), the FIFO
 * never claims room for more than 16 bytes. */
static void test_fuzz_serial(void)
{
    enum { P = 0x2F8 };
    Wire w = {0};
    SerialOps ops = {.opaque = &w, .tx = w_tx, .irq = w_irq};
    SerialState *s = serial_new(&ops);
    serial_register(s, bus, P);
    int dlab = 0, loop = 0;
    int scr = -1;   /* unknown until written */
    long want_tx = 0;
    int bad_irq = 0, bad_gate = 0, bad_lsr = 0, bad_room = 0, bad_scr = 0,
        bad_tx = 0, resets = 0, irq_high = 0, rx_bytes = 0;
    for (int i = 0; i < 200000; i++) {
        uint32_t k = rnd();
        unsigned reg = (k >> 4) & 7;
        uint8_t v = (uint8_t)(k >> 12);
        switch (k % 16) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6:
            /* Mostly sensible values for LCR (DLAB rarely left set) and
             * MCR, so that the data paths are reached too. */
            if (reg == 3 && (k & 0x100000))
                v &= 0x7F;
            out((uint16_t)(P + reg), v);
            if (reg == 3)
                dlab = v >> 7;
            else if (reg == 4)
                loop = (v >> 4) & 1;
            else if (reg == 7)
                scr = v;
            else if (reg == 0 && !dlab && !loop)
                want_tx++;
            break;
        case 7: case 8: case 9: case 10: case 11: {
            uint8_t got = in((uint16_t)(P + reg));
            if (reg == 7 && scr >= 0 && got != scr)
                bad_scr++;
            if (reg == 5 && (got & 0x60) != 0x60)
                bad_lsr++;
            if (reg == 3 && (got >> 7) != dlab)
                bad_lsr++;
            break;
        }
        case 12: case 13: case 14:
            serial_receive(s, v);
            rx_bytes++;
            break;
        default:
            if ((k >> 4) % 500 == 0) {
                serial_reset(s);
                dlab = loop = 0;
                scr = -1;
                resets++;
            }
            break;
        }
        int level = serial_irq_level(s);
        if (w.irq != level)
            bad_irq++;
        if (level) {
            irq_high++;
            uint8_t mcr = in(P + 4);
            if (!(mcr & 0x08) || (mcr & 0x10))
                bad_gate++;
        }
        unsigned room = serial_can_receive(s);
        if (room > 16 || (loop && room))
            bad_room++;
        if (w.ntx_all != want_tx)
            bad_tx++;
    }
    printf("# fuzz: %d resets, %d received bytes, %ld transmitted, IRQ high "
           "after %d steps\n", resets, rx_bytes, w.ntx_all, irq_high);
    ok(!bad_irq, "fuzz: IRQ callback always equals serial_irq_level()");
    ok(!bad_gate, "fuzz: IRQ only with OUT2 set and loopback off");
    ok(!bad_lsr, "fuzz: LSR THRE/TEMT always set; LCR reads back");
    ok(!bad_room, "fuzz: receive room at most 16, none in loopback");
    ok(!bad_scr, "fuzz: scratch register keeps the last value written");
    ok(!bad_tx, "fuzz: exactly the THR writes outside DLAB/loopback are sent");
    ok(resets > 0 && irq_high > 0 && rx_bytes > 0 && want_tx > 0,
       "fuzz: reached resets, interrupts, reception and transmission");

    /* The UART still works normally afterwards. */
    serial_reset(s);
    out(P + 2, 0x00);
    serial_receive(s, 'z');
    ok(in(P + 5) == 0x61 && in(P + 0) == 'z' && in(P + 5) == 0x60,
       "fuzz: after a reset, a received byte reads back");
    long n = w.ntx_all;
    out(P + 0, 'k');
    ok(w.ntx_all == n + 1 && w.last_tx == 'k' && in(P + 2) == 0x01 && w.irq == 0,
       "fuzz: and a byte written is transmitted");
    serial_free(s);
}

/* Random 1/2/4-byte accesses over port 0x92, the POST port, debugcon and
 * isa-debug-exit and the unassigned ports next to them, checked byte by
 * byte against a model (the bus splits what the byte-wide devices do not
 * take; unassigned bytes read FFh). */
static void test_fuzz_misc(void)
{
    static const uint16_t ports[] = {0x7E, 0x7F, 0x80, 0x81, 0x90, 0x91,
                                     0x92, 0x93, 0xE7, 0xE8, 0xE9, 0xEA,
                                     0x500, 0x501, 0x502};
    Wire w = {0};
    Port92Ops pops = {.opaque = &w, .a20 = p92_a20, .reset = p92_reset};
    Port92 *p92 = port92_new(&pops);
    port92_register(p92, bus, 0x92);
    Wire con = {0}, post = {0};
    DebugCon *dc = debugcon_new(d_byte, &con);
    debugcon_register(dc, bus, 0xE9);
    PostCode *pc = postcode_new(d_byte, &post);
    postcode_register(pc, bus, 0x80);
    DebugExit *de = debugexit_new(d_exit, &w);
    debugexit_register(de, bus, 0x501, 2);

    uint8_t p92v = 0, postv = 0;
    int a20 = -1, want_resets = 0, want_exits = 0, want_status = 0;
    long want_con = 0, want_post = 0;
    uint8_t want_last_con = 0;
    int bad_read = 0, bad_side = 0;
    for (int i = 0; i < 100000; i++) {
        uint32_t k = rnd();
        uint16_t port = ports[(k >> 3) % (sizeof ports / sizeof ports[0])];
        unsigned size = 1u << ((k >> 8) % 3);
        /* isa-debug-exit takes wide accesses itself (QEMU's semantics for
         * one that overhangs its range are not ours to model): bytes there */
        if (port + size > 0x501 && port <= 0x502)
            size = 1;
        uint32_t v = rnd() ^ (k << 16);
        if (k % 7 == 0) {
            port92_reset(p92);
            p92v = 0;
        } else if (k & 1) {
            iobus_write(bus, port, v, size);
            for (unsigned b = 0; b < size; b++) {
                uint8_t byte = (uint8_t)(v >> (8 * b));
                switch (port + b) {
                case 0x92:
                    if ((byte & 1) && !(p92v & 1))
                        want_resets++;
                    p92v = byte;
                    a20 = (byte >> 1) & 1;
                    break;
                case 0x80:
                    postv = byte;
                    want_post++;
                    break;
                case 0xE9:
                    want_con++;
                    want_last_con = byte;
                    break;
                case 0x501: case 0x502:
                    want_exits++;
                    want_status = ((byte << 1) | 1) & 0xFF;
                    break;
                }
            }
        } else {
            uint32_t got = iobus_read(bus, port, size);
            for (unsigned b = 0; b < size; b++) {
                uint8_t want;
                switch (port + b) {
                case 0x92: want = p92v; break;
                case 0x80: want = postv; break;
                case 0xE9: want = 0xE9; break;
                case 0x501: case 0x502: want = 0; break;
                default: want = 0xFF; break;
                }
                if ((uint8_t)(got >> (8 * b)) != want)
                    bad_read++;
            }
        }
        if (w.resets != want_resets || (a20 >= 0 && w.a20 != a20) ||
            con.ntx_all != want_con || post.ntx_all != want_post ||
            (want_con && con.last_tx != want_last_con) ||
            (want_post && post.last_tx != postv) || w.exits != want_exits ||
            (want_exits && w.exit_status != want_status) ||
            postcode_last(pc) != postv)
            bad_side++;
    }
    printf("# fuzz: %d fast resets, %ld debugcon bytes, %ld POST codes, %d "
           "exits\n", want_resets, want_con, want_post, want_exits);
    ok(!bad_read, "fuzz: every byte read matches the model (FFh unassigned)");
    ok(!bad_side, "fuzz: A20, resets, console/POST bytes and exit statuses "
                  "match the model");
    ok(want_resets > 0 && want_con > 0 && want_post > 0 && want_exits > 0,
       "fuzz: every device was reached");
    port92_free(p92);
    debugcon_free(dc);
    postcode_free(pc);
    debugexit_free(de);
}

/* Snapshots: a UART with a half-full FIFO, DLAB settings and a pending
 * interrupt saves, is reset, loads, saves the same bytes again and goes on
 * delivering the queued bytes; bad data is refused and leaves it usable.
 * Port 92h and the POST port likewise. */
static void test_snapshots(void)
{
    Wire w = {0};
    SerialOps ops = {.opaque = &w, .tx = w_tx, .irq = w_irq};
    SerialState *s = serial_new(&ops);
    serial_register(s, bus, B);
    serial_reset(s);
    out(B + 3, 0x80);
    out(B + 0, 0x0C); /* 9600 baud */
    out(B + 3, 0x03);
    out(B + 2, 0xC1); /* FIFO, trigger 14 */
    out(B + 4, 0x08); /* OUT2 */
    out(B + 1, 0x01); /* RDA interrupt */
    out(B + 7, 0x77);
    serial_receive(s, 'x');
    serial_receive(s, 'y');
    serial_receive(s, 'z');
    SnapWriter a, b;
    snap_writer_init(&a);
    snap_writer_init(&b);
    serial_save(s, &a);
    serial_reset(s);
    SnapReader r;
    snap_reader_init(&r, a.buf, a.len);
    int rc = serial_load(s, &r);
    serial_save(s, &b);
    ok(rc == 0 && !a.err && a.len == b.len && !memcmp(a.buf, b.buf, a.len),
       "UART snapshot: save, reset, load, save gives the same bytes");
    ok(w.irq == 1 && in(B + 7) == 0x77 && in(B + 0) == 'x' &&
           in(B + 0) == 'y' && in(B + 0) == 'z' && !(in(B + 5) & 1),
       "UART snapshot: IRQ re-driven, scratch and the queued bytes back");
    a.buf[8 + 11] = 0xFF; /* rx_head (after tag, version and 11 bytes) */
    snap_reader_init(&r, a.buf, a.len);
    ok(serial_load(s, &r) == -1, "UART snapshot: bad FIFO index refused");
    snap_reader_init(&r, a.buf, 5);
    ok(serial_load(s, &r) == -1 && in(B + 7) == 0x77,
       "UART snapshot: short data refused, state unchanged");
    snap_writer_free(&a);
    snap_writer_free(&b);
    serial_free(s);

    Port92Ops po = {.opaque = &w, .a20 = NULL, .reset = NULL};
    Port92 *p = port92_new(&po);
    PostCode *pc = postcode_new(NULL, NULL);
    port92_register(p, bus, 0x92);
    postcode_register(pc, bus, 0x80);
    out(0x92, 0x02);
    out(0x80, 0x5A);
    snap_writer_init(&a);
    port92_save(p, &a);
    postcode_save(pc, &a);
    port92_reset(p);
    out(0x80, 0x00);
    snap_reader_init(&r, a.buf, a.len);
    rc = port92_load(p, &r) | postcode_load(pc, &r);
    ok(rc == 0 && in(0x92) == 0x02 && in(0x80) == 0x5A,
       "port 92h and POST snapshots restore their values");
    snap_reader_init(&r, a.buf, 3);
    ok(port92_load(p, &r) == -1, "port 92h snapshot: short data refused");
    snap_writer_free(&a);
    port92_free(p);
    postcode_free(pc);
}

int main(void)
{
    printf("1..58\n");
    bus = iobus_new();
    test_serial();
    iobus_free(bus);
    bus = iobus_new();
    test_misc();
    iobus_free(bus);
    bus = iobus_new();
    test_fuzz_serial();
    iobus_free(bus);
    bus = iobus_new();
    test_fuzz_misc();
    iobus_free(bus);
    bus = iobus_new();
    test_snapshots();
    iobus_free(bus);
    if (test_no != 58)
        printf("# planned 58 tests but ran %d\n", test_no);
    return failures || test_no != 58;
}
