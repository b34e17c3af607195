/* Unit tests for the 16550A UART, port 0x92 and the debug ports, driven
 * through the I/O bus as a guest would.  TAP output. */
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
    int irq;       /* current level */
    int irq_edges; /* number of level changes */
    int a20, resets, exit_status, exits;
} Wire;

static void w_tx(void *o, uint8_t b)
{
    Wire *w = o;
    if (w->ntx < 64)
        w->tx[w->ntx++] = b;
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

int main(void)
{
    printf("1..40\n");
    bus = iobus_new();
    test_serial();
    iobus_free(bus);
    bus = iobus_new();
    test_misc();
    iobus_free(bus);
    if (test_no != 40)
        printf("# planned 40 tests but ran %d\n", test_no);
    return failures || test_no != 40;
}
