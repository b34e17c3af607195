/* Unit tests for the i8042 keyboard controller with its PS/2 keyboard and
 * mouse, driven through the I/O bus as a guest would.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/i8042.h"
#include "devices/snap.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

typedef struct Wire {
    int level[2], rises[2];
    int a20, a20_calls, resets, leds, leds_calls;
} Wire;

static void w_irq(void *o, int n, int level)
{
    Wire *w = o;
    int i = n == 12;
    if (level && !w->level[i])
        w->rises[i]++;
    w->level[i] = level;
}
static void w_a20(void *o, int on)
{
    Wire *w = o;
    w->a20 = on;
    w->a20_calls++;
}
static void w_reset(void *o) { ((Wire *)o)->resets++; }
static void w_leds(void *o, unsigned l)
{
    Wire *w = o;
    w->leds = (int)l;
    w->leds_calls++;
}

static IOBus *bus;
static Wire wire;
static I8042 *kc;

static uint8_t status(void) { return (uint8_t)iobus_read(bus, 0x64, 1); }
static void cmd(uint8_t c) { iobus_write(bus, 0x64, c, 1); }
static void data(uint8_t v) { iobus_write(bus, 0x60, v, 1); }
/* Next byte of output, or -1 if the output buffer is empty. */
static int get(void)
{
    if (!(status() & 1))
        return -1;
    return (int)iobus_read(bus, 0x60, 1);
}
/* Reads up to n bytes and compares them with want (n bytes, then empty). */
static int expect(const int *want, int n)
{
    for (int i = 0; i < n; i++)
        if (get() != want[i])
            return 0;
    return get() == -1;
}
#define EXPECT(...)                                                          \
    expect((const int[]){__VA_ARGS__},                                        \
           (int)(sizeof((const int[]){__VA_ARGS__}) / sizeof(int)))

static void drain(void)
{
    for (int i = 0; i < 200 && get() >= 0; i++)
        ;
}

static void make(void)
{
    if (kc)
        i8042_free(kc);
    if (bus)
        iobus_free(bus);
    bus = iobus_new();
    memset(&wire, 0, sizeof(wire));
    I8042Ops ops = {.irq_kbd = irq_line(w_irq, &wire, 1),
                    .irq_aux = irq_line(w_irq, &wire, 12),
                    .opaque = &wire,
                    .a20 = w_a20,
                    .reset = w_reset,
                    .leds = w_leds};
    kc = i8042_new(&ops);
    if (!kc || i8042_register(kc, bus, 0x60, 0x64) != 0) {
        printf("Bail out! cannot create the i8042\n");
        exit(1);
    }
}

static void set_ccb(uint8_t v)
{
    cmd(0x60);
    data(v);
}

static void test_controller(void)
{
    make();
    ok(status() == 0x10, "power-on status: only 'not inhibited'");
    cmd(0x20);
    ok((status() & 0x09) == 0x09, "after a command: OBF and A2 set");
    ok(get() == 0x61 && status() == 0x18, "command byte 0x61; OBF clears");
    cmd(0xAA);
    ok(EXPECT(0x55), "self-test AA -> 55");
    ok(status() & 0x04, "self-test sets SYS");
    cmd(0xAB);
    ok(EXPECT(0x00), "keyboard interface test AB -> 00");
    cmd(0xA9);
    ok(EXPECT(0x00), "mouse interface test A9 -> 00");
    set_ccb(0x43);
    ok(!(status() & 0x08), "data write clears A2");
    cmd(0x20);
    ok(EXPECT(0x43), "command byte write/read 0x43");
    set_ccb(0x40);
    ok(!(status() & 0x04), "SYS follows command byte bit 2");
    cmd(0x65);
    data(0x99);
    cmd(0x25);
    ok(EXPECT(0x99), "internal RAM byte 5 via 0x65/0x25");
    cmd(0xAD);
    cmd(0x20);
    ok(EXPECT(0x50), "AD sets command byte bit 4");
    cmd(0xAE);
    cmd(0xA7);
    cmd(0x20);
    ok(EXPECT(0x60), "AE clears bit 4, A7 sets bit 5");
    cmd(0xA8);
    cmd(0x20);
    ok(EXPECT(0x40), "A8 clears bit 5");

    /* Output port, A20 and reset. */
    cmd(0xD1);
    data(0xDD);
    ok(wire.a20_calls == 1 && wire.a20 == 0 && wire.resets == 0,
       "D1 0xDD: A20 off, no reset");
    cmd(0xD0);
    ok(EXPECT(0xCD), "D0 reads the output port back (buffer bits live)");
    cmd(0xD1);
    data(0xDF);
    ok(wire.a20 == 1 && wire.resets == 0, "D1 0xDF: A20 on");
    cmd(0xD1);
    data(0xDE);
    ok(wire.resets == 1, "D1 with bit 0 clear: reset");
    cmd(0xDD);
    ok(wire.a20 == 0, "DD: A20 off");
    cmd(0xDF);
    ok(wire.a20 == 1, "DF: A20 on");
    cmd(0xFE);
    ok(wire.resets == 2, "FE pulses reset");
    cmd(0xFF);
    cmd(0xF1);
    cmd(0xF3);
    ok(wire.resets == 2, "FF/F1/F3 (bit 0 not pulsed): no reset");
    cmd(0xF0);
    cmd(0xFC);
    ok(wire.resets == 4, "F0 and FC pulse reset");

    /* D2/D3: bytes placed in the output buffer. */
    set_ccb(0x03);
    cmd(0xD2);
    data(0x12);
    ok((status() & 0x21) == 0x01 && wire.level[0] == 1 && wire.level[1] == 0,
       "D2: keyboard data, IRQ1");
    ok(get() == 0x12 && wire.level[0] == 0, "D2 byte read, IRQ1 drops");
    cmd(0xD3);
    data(0x34);
    ok((status() & 0x21) == 0x21 && wire.level[1] == 1 && wire.level[0] == 0,
       "D3: mouse data (AUXB), IRQ12");
    ok(get() == 0x34 && wire.level[1] == 0 && !(status() & 0x20),
       "D3 byte read, IRQ12 drops, AUXB clear");
    /* IRQ gating. */
    set_ccb(0x00);
    cmd(0xD2);
    data(0x56);
    ok(wire.level[0] == 0 && (status() & 1), "IRQ1 gated off by bit 0");
    set_ccb(0x01);
    ok(wire.level[0] == 1 && get() == 0x56,
       "setting bit 0 with keyboard data pending raises IRQ1");
    drain();
    cmd(0xD3);
    data(0x78);
    ok(wire.level[1] == 0, "IRQ12 gated off by bit 1");
    drain();
    /* A read of an empty buffer returns the last byte again. */
    ok(iobus_read(bus, 0x60, 1) == 0x78, "empty buffer re-reads last byte");
}

static void test_keyboard(void)
{
    make();
    set_ccb(0x41); /* translation, IRQ1 */
    data(0xFF);
    ok(EXPECT(0xFA, 0xAA), "keyboard FF -> FA AA");
    data(0xF2);
    ok(EXPECT(0xFA, 0xAB, 0x41), "F2 translated -> FA AB 41");
    set_ccb(0x01);
    data(0xF2);
    ok(EXPECT(0xFA, 0xAB, 0x83), "F2 untranslated -> FA AB 83");
    data(0xEE);
    ok(EXPECT(0xEE), "EE echo");
    data(0xED);
    ok(EXPECT(0xFA), "ED acked");
    data(0x05);
    ok(EXPECT(0xFA) && wire.leds == 5 && i8042_kbd_leds(kc) == 5,
       "LED byte 5 acked, callback");
    data(0xED);
    data(0xF4); /* a command instead of the LED byte */
    ok(EXPECT(0xFA, 0xFA) && wire.leds == 5,
       "ED then a command: command executed, LEDs kept");
    data(0xF0);
    data(0x00);
    ok(EXPECT(0xFA, 0xFA, 0x02), "F0 00 reports set 2");
    set_ccb(0x41);
    data(0xF0);
    data(0x00);
    ok(EXPECT(0xFA, 0xFA, 0x41), "translated set-2 report reads 0x41");
    data(0xF0);
    data(0x03);
    data(0xF0);
    data(0x00);
    ok(EXPECT(0xFA, 0xFA, 0xFA, 0xFA, 0x3F), "set 3 accepted; report 0x3F");
    data(0xF0);
    data(0x07);
    ok(EXPECT(0xFA, 0xFE), "F0 07: invalid set -> FE");
    data(0xF3);
    data(0x20);
    ok(EXPECT(0xFA, 0xFA), "F3 typematic acked twice");
    data(0x88);
    ok(EXPECT(0xFE), "unknown command -> FE");
    data(0xFE);
    ok(EXPECT(0xFE), "FE resends the last byte");
    data(0xF6);
    ok(EXPECT(0xFA), "F6 defaults");
    data(0xF0);
    data(0x00);
    ok(EXPECT(0xFA, 0xFA, 0x41), "F6 restored set 2");

    /* Key input and translation. */
    static const uint8_t a_dn[] = {0x1C}, a_up[] = {0xF0, 0x1C},
                         up_up[] = {0xE0, 0xF0, 0x75},
                         pause[] = {0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14,
                                    0xF0, 0x77};
    ok(i8042_kbd_put_bytes(kc, a_dn, 1) == 0 && wire.level[0] == 1,
       "key press raises IRQ1");
    ok(EXPECT(0x1E), "A make translated to set 1 (1E)");
    i8042_kbd_put_bytes(kc, a_up, 2);
    ok(EXPECT(0x9E), "A break F0 1C translated to 9E");
    i8042_kbd_put_bytes(kc, up_up, 3);
    ok(EXPECT(0xE0, 0xC8), "Up break E0 F0 75 -> E0 C8");
    i8042_kbd_put_bytes(kc, pause, 8);
    ok(EXPECT(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), "Pause -> E1 1D 45 E1 9D C5");
    set_ccb(0x01);
    i8042_kbd_put_bytes(kc, a_up, 2);
    ok(EXPECT(0xF0, 0x1C), "untranslated: raw set 2");
    data(0xF0);
    data(0x01);
    ok(EXPECT(0xFA, 0xFA), "keyboard to set 1");
    i8042_kbd_put_bytes(kc, a_up, 2);
    ok(EXPECT(0x9E), "set-1 keyboard converts itself");
    data(0xF6);
    drain();

    /* The key helper (translation on). */
    set_ccb(0x41);
    i8042_kbd_key(kc, 0x1C, 1);
    i8042_kbd_key(kc, 0x1C, 0);
    ok(EXPECT(0x1E, 0x9E), "key helper: A press/release");
    i8042_kbd_key(kc, 0xE014, 1);
    i8042_kbd_key(kc, 0xE014, 0);
    ok(EXPECT(0xE0, 0x1D, 0xE0, 0x9D), "key helper: right Ctrl (E0 14)");
    i8042_kbd_key(kc, I8042_KEY_PRINT, 1);
    i8042_kbd_key(kc, I8042_KEY_PRINT, 0);
    ok(EXPECT(0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA),
       "key helper: Print Screen make/break");
    ok(i8042_kbd_key(kc, I8042_KEY_PAUSE, 1) == 0 &&
           i8042_kbd_key(kc, I8042_KEY_PAUSE, 0) == 0,
       "key helper: Pause accepted");
    ok(EXPECT(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), "Pause: press only");
    ok(i8042_kbd_key(kc, 0x1234, 1) == -1 && i8042_kbd_key(kc, 0xF0, 1) == -1 &&
           i8042_kbd_key(kc, 0, 1) == -1 && get() == -1,
       "key helper: invalid codes rejected");
    set_ccb(0x01);

    /* IRQ edges: each byte is a new edge. */
    int r0 = wire.rises[0];
    i8042_kbd_put_bytes(kc, a_up, 2);
    get();
    get();
    ok(wire.rises[0] == r0 + 2 && wire.level[0] == 0,
       "two queued bytes give two IRQ1 edges");

    /* Disabled interface / disabled scanning. */
    cmd(0xAD);
    i8042_kbd_put_bytes(kc, a_dn, 1);
    ok(!(status() & 1), "AD: key held back");
    cmd(0xAE);
    ok(EXPECT(0x1C), "AE: key delivered");
    data(0xF5);
    ok(EXPECT(0xFA), "F5 disable");
    ok(i8042_kbd_put_bytes(kc, a_dn, 1) == -1 && get() == -1,
       "scanning disabled: key dropped");
    data(0xF4);
    ok(EXPECT(0xFA), "F4 enable");
    /* Overrun. */
    cmd(0xAD);
    int dropped = 0;
    for (int i = 0; i < 20; i++)
        if (i8042_kbd_put_bytes(kc, a_dn, 1))
            dropped++;
    cmd(0xAE);
    int n = 0, last = -1, b;
    while ((b = get()) >= 0) {
        last = b;
        n++;
    }
    ok(dropped == 4 && n == 16 && last == 0x1C,
       "16-byte buffer: extra keys dropped");
    cmd(0xAD);
    for (int i = 0; i < 15; i++)
        i8042_kbd_put_bytes(kc, a_dn, 1);
    ok(i8042_kbd_put_bytes(kc, a_up, 2) == -1, "no room for a 2-byte code");
    cmd(0xAE);
    n = 0;
    while ((b = get()) >= 0) {
        last = b;
        n++;
    }
    ok(n == 16 && last == 0x00, "overrun code 00 queued in the last slot");
    /* Writing to the keyboard re-enables the interface. */
    cmd(0xAD);
    data(0xEE);
    ok(EXPECT(0xEE) && !(i8042_command_byte(kc) & 0x10),
       "a byte to the keyboard clears the disable bit");
}

static void mouse(uint8_t v)
{
    cmd(0xD4);
    data(v);
}

static void test_mouse(void)
{
    make();
    set_ccb(0x03); /* IRQ1+IRQ12, both enabled, no translation */
    mouse(0xFF);
    ok((status() & 0x21) == 0x21 && wire.level[1] == 1 && wire.level[0] == 0,
       "mouse reply: AUXB, IRQ12");
    ok(EXPECT(0xFA, 0xAA, 0x00), "mouse FF -> FA AA 00");
    mouse(0xF2);
    ok(EXPECT(0xFA, 0x00), "ID 0");
    mouse(0xF3); mouse(200);
    mouse(0xF3); mouse(100);
    mouse(0xF3); mouse(80);
    ok(EXPECT(0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA), "rates acked");
    mouse(0xF2);
    ok(EXPECT(0xFA, 0x03) && i8042_mouse_id(kc) == 3,
       "knock 200,100,80 -> ID 3");
    mouse(0xF3); mouse(200);
    mouse(0xF3); mouse(200);
    mouse(0xF3); mouse(80);
    drain();
    mouse(0xF2);
    ok(EXPECT(0xFA, 0x04), "knock 200,200,80 -> ID 4");

    i8042_mouse_event(kc, 5, 5, 0, 0);
    ok(get() == -1, "reporting disabled: no packet");
    mouse(0xF4);
    ok(EXPECT(0xFA), "F4 enable");
    i8042_mouse_event(kc, 10, -5, 0, 1);
    ok(EXPECT(0x09, 0x0A, 0x05, 0x00), "ID 4 packet: left, +10, up 5");
    i8042_mouse_event(kc, -3, 4, 2, 0x18);
    ok(EXPECT(0x38, 0xFD, 0xFC, 0x32), "negative x/y signs, wheel 2, buttons 4/5");
    i8042_mouse_event(kc, 0, 0, -20, 0);
    ok(EXPECT(0x08, 0x00, 0x00, 0x08), "ID 4 wheel clamped to -8");
    i8042_mouse_event(kc, 300, -400, 0, 0);
    ok(EXPECT(0x48 | 0x80, 0xFF, 0xFF, 0x00), "x and y overflow bits, clamped");
    i8042_mouse_event(kc, -300, 0, 0, 0);
    ok(EXPECT(0x58, 0x00, 0x00, 0x00), "negative overflow: -256, sign+overflow");
    i8042_mouse_event(kc, 0, 0, 0, 4);
    ok(EXPECT(0x0C, 0x00, 0x00, 0x00), "button-only change: middle");
    i8042_mouse_event(kc, 0, 0, 0, 4);
    ok(get() == -1, "no change: no packet");

    /* Accumulation while the output is not read. */
    cmd(0xA7);
    for (int i = 0; i < 100; i++)
        i8042_mouse_event(kc, 1, 0, 0, 4);
    cmd(0xA8);
    int n = 0, sum = 0, b, k = 0;
    while ((b = get()) >= 0) {
        if (k % 4 == 1)
            sum += b;
        k++;
        n++;
    }
    ok(n == 68 && sum == 100,
       "disabled aux: 16 packets fill the buffer, the rest accumulates "
       "into one more");

    /* ID 3. */
    mouse(0xFF);
    mouse(0xF3); mouse(200);
    mouse(0xF3); mouse(100);
    mouse(0xF3); mouse(80);
    mouse(0xF4);
    drain();
    i8042_mouse_event(kc, 1, 1, -1, 0x18);
    ok(EXPECT(0x28, 0x01, 0xFF, 0xFF), "ID 3 packet: wheel byte -1, no buttons 4/5");

    /* Status, resolution, scaling. */
    mouse(0xE8); mouse(3);
    mouse(0xF3); mouse(40);
    mouse(0xE7);
    drain();
    i8042_mouse_event(kc, 0, 0, 0, 1);
    drain();
    mouse(0xE9);
    ok(EXPECT(0xFA, 0x34, 0x03, 40), "E9 status: enabled, 2:1, left; res 3; rate 40");
    i8042_mouse_event(kc, 4, 0, 0, 1);
    ok(EXPECT(0x09, 0x06, 0x00, 0x00), "2:1 scaling: 4 -> 6");
    mouse(0xE6);
    drain();
    i8042_mouse_event(kc, 4, 0, 0, 1);
    ok(EXPECT(0x09, 0x04, 0x00, 0x00), "1:1 scaling: 4");
    mouse(0xE8);
    mouse(9);
    ok(EXPECT(0xFA, 0xFE), "E8 9: bad resolution -> FE");

    /* Remote mode. */
    mouse(0xF0);
    ok(EXPECT(0xFA), "F0 remote mode");
    i8042_mouse_event(kc, 7, 0, 0, 0);
    ok(get() == -1, "remote: no automatic packet");
    mouse(0xEB);
    ok(EXPECT(0xFA, 0x08, 0x07, 0x00, 0x00), "EB read data");
    mouse(0xEA);
    ok(EXPECT(0xFA), "EA stream mode");

    /* Wrap mode. */
    mouse(0xEE);
    mouse(0x55);
    mouse(0xF2);
    ok(EXPECT(0xFA, 0x55, 0xF2), "wrap mode echoes");
    mouse(0xEC);
    mouse(0x88);
    ok(EXPECT(0xFA, 0xFE), "EC leaves wrap; unknown -> FE");
    mouse(0xF6);
    mouse(0xF3);
    mouse(0);
    ok(EXPECT(0xFA, 0xFA, 0xFE), "F6 defaults; rate 0 rejected");

    /* IRQ12 gating and D4 re-enables the aux interface. */
    set_ccb(0x21);
    mouse(0xF2);
    ok(!(i8042_command_byte(kc) & 0x20) && wire.level[1] == 0 &&
           (status() & 0x21) == 0x21,
       "D4 clears the aux disable bit; IRQ12 gated by bit 1");
    drain();
    /* Keyboard data has priority over queued mouse data. */
    mouse(0xF4);
    drain();
    set_ccb(0x33); /* both interfaces disabled */
    i8042_mouse_event(kc, 1, 0, 0, 0);
    static const uint8_t key[] = {0x29};
    i8042_kbd_put_bytes(kc, key, 1);
    ok(get() == -1, "both interfaces disabled: nothing delivered");
    set_ccb(0x03);
    ok((status() & 0x21) == 0x01 && wire.level[0] == 1,
       "enabling both: keyboard byte first (IRQ1)");
    ok(EXPECT(0x29, 0x08, 0x01, 0x00, 0x00), "then the mouse packet (ID 3)");
}

static uint32_t rng = 777;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void test_fuzz(void)
{
    make();
    int good = 1;
    for (int i = 0; i < 50000; i++) {
        uint32_t r = rnd();
        uint8_t v = (uint8_t)(r >> 8);
        switch (r % 8) {
        case 0: cmd(v); break;
        case 1: case 2: data(v); break;
        case 3: case 4: iobus_read(bus, 0x60, 1); break;
        case 5: {
            uint8_t k[3] = {(uint8_t)(r >> 16), 0xF0, (uint8_t)(r >> 24)};
            i8042_kbd_put_bytes(kc, k + (r >> 30 & 1), 1 + (r >> 31));
            break;
        }
        case 6:
            i8042_mouse_event(kc, (int8_t)(r >> 16), (int8_t)(r >> 24),
                              (int)(r >> 12 & 7) - 3, r >> 4);
            break;
        default:
            break;
        }
        uint8_t st = status(), ccb = i8042_command_byte(kc);
        int want1 = (st & 1) && !(st & 0x20) && (ccb & 1);
        int want12 = (st & 1) && (st & 0x20) && (ccb & 2);
        if (wire.level[0] != want1 || wire.level[1] != want12)
            good = 0;
        if ((st & 0x20) && !(st & 1))
            good = 0;
        if (st & 0xC2)
            good = 0;
    }
    ok(good, "fuzz: IRQ lines always match OBF/AUXB and the gates; "
             "no IBF/timeout/parity");
    ok(wire.resets > 0 && wire.a20_calls > 0, "fuzz reached reset and A20 paths");
}

static void test_snapshot(void)
{
    make();
    set_ccb(0x43);
    mouse(0xF3); mouse(200);
    mouse(0xF3); mouse(100);
    mouse(0xF3); mouse(80);
    mouse(0xF4);
    drain();
    static const uint8_t keys[] = {0x1C, 0xF0, 0x1C, 0xE0, 0x75};
    i8042_kbd_put_bytes(kc, keys, 5);
    i8042_mouse_event(kc, 3, 3, 1, 2);
    data(0xED); /* LED argument pending */
    get();      /* take one byte: 0x1E */
    cmd(0xD1);  /* controller waits for a data byte */
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    i8042_save(kc, &w1);
    /* Record what follows from here. */
    data(0xCF);
    int seq[32], n = 0, b;
    while ((b = get()) >= 0 && n < 32)
        seq[n++] = b;
    /* Load back and replay. */
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    ok(i8042_load(kc, &r) == 0, "snapshot loads");
    i8042_save(kc, &w2);
    ok(w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save/load/save: identical bytes");
    int a20 = wire.a20_calls;
    data(0xCF);
    int same = wire.a20_calls == a20 + 1;
    for (int i = 0; i < n; i++)
        if (get() != seq[i])
            same = 0;
    ok(same && get() == -1 && n == 8 && seq[0] == 0x9E && seq[3] == 0xFA, "behaviour after load replays identically");
    ok(i8042_mouse_id(kc) == 3 && i8042_command_byte(kc) == 0x43,
       "mouse ID and command byte restored");
    data(0xED);
    data(0x02);
    ok(EXPECT(0xFA, 0xFA) && wire.leds == 2, "keyboard still works");

    /* Bad data. */
    snap_reader_init(&r, w1.buf, w1.len - 1);
    ok(i8042_load(kc, &r) == -1, "truncated snapshot rejected");
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 32 + 3] = 0xB0; /* pending = unknown command */
    snap_reader_init(&r, bad, w1.len);
    ok(i8042_load(kc, &r) == -1, "bad pending command rejected");
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 32 + 8] = 200; /* controller queue count */
    snap_reader_init(&r, bad, w1.len);
    ok(i8042_load(kc, &r) == -1, "oversized controller queue rejected");
    /* Keyboard queue count: find the PS2K tag. */
    int found = 0;
    for (size_t i = 0; i + 9 < w1.len; i++)
        if (!memcmp(w1.buf + i, "PS2K", 4)) {
            memcpy(bad, w1.buf, w1.len);
            bad[i + 8] = 17;
            snap_reader_init(&r, bad, w1.len);
            found = i8042_load(kc, &r) == -1;
        }
    ok(found, "keyboard queue longer than 16 rejected");
    free(bad);
    ok(i8042_mouse_id(kc) == 3, "device unchanged after failed loads");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
}

int main(void)
{
    printf("TAP version 13\n");
    test_controller();
    test_keyboard();
    test_mouse();
    test_fuzz();
    test_snapshot();
    i8042_free(kc);
    iobus_free(bus);
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
