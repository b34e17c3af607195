/* i8042 keyboard controller.  See i8042.h. */
#include "devices/i8042.h"

#include <stdlib.h>
#include <string.h>

#include "devices/ps2.h"

#define ST_OBF 0x01
#define ST_SYS 0x04
#define ST_A2 0x08
#define ST_INH 0x10 /* 1 = keyboard not inhibited */
#define ST_AUXB 0x20

#define CCB_INT1 0x01
#define CCB_INT12 0x02
#define CCB_SYS 0x04
#define CCB_KBD_OFF 0x10
#define CCB_AUX_OFF 0x20
#define CCB_XLAT 0x40

#define CTRLQ 8

struct I8042 {
    I8042Ops ops;
    PS2Kbd kbd;
    PS2Mouse mouse;
    uint8_t ram[32];   /* ram[0] is the command byte */
    uint8_t sys, a2;
    uint8_t outport;
    uint8_t pending;   /* command waiting for a data byte, or 0 */
    uint8_t ob, ob_full, ob_aux;
    uint8_t xlat_break; /* translator saw F0 */
    uint8_t ctrl_data[CTRLQ], ctrl_aux[CTRLQ], ctrl_rd, ctrl_count;
    uint8_t irq1, irq12;
};

static void update_irq(I8042 *c)
{
    uint8_t l1 = c->ob_full && !c->ob_aux && (c->ram[0] & CCB_INT1);
    uint8_t l12 = c->ob_full && c->ob_aux && (c->ram[0] & CCB_INT12);
    if (l1 != c->irq1) {
        c->irq1 = l1;
        irq_set(&c->ops.irq_kbd, l1);
    }
    if (l12 != c->irq12) {
        c->irq12 = l12;
        irq_set(&c->ops.irq_aux, l12);
    }
}

/* Fills an empty output buffer from the sources in priority order. */
static void service(I8042 *c)
{
    while (!c->ob_full) {
        if (c->ctrl_count) {
            c->ob = c->ctrl_data[c->ctrl_rd];
            c->ob_aux = c->ctrl_aux[c->ctrl_rd];
            c->ctrl_rd = (uint8_t)((c->ctrl_rd + 1) % CTRLQ);
            c->ctrl_count--;
            c->ob_full = 1;
        } else if (!(c->ram[0] & CCB_KBD_OFF) && ps2kbd_has_data(&c->kbd)) {
            uint8_t b = (uint8_t)ps2kbd_read(&c->kbd);
            if (c->ram[0] & CCB_XLAT) {
                if (b == 0xF0) {
                    c->xlat_break = 1;
                    continue;
                }
                b = (uint8_t)(ps2_set2_to_set1[b] | (c->xlat_break ? 0x80 : 0));
                c->xlat_break = 0;
            }
            c->ob = b;
            c->ob_aux = 0;
            c->ob_full = 1;
        } else if (!(c->ram[0] & CCB_AUX_OFF) && ps2mouse_has_data(&c->mouse)) {
            c->ob = (uint8_t)ps2mouse_read(&c->mouse);
            c->ob_aux = 1;
            c->ob_full = 1;
        } else {
            break;
        }
    }
    update_irq(c);
}

static void dev_notify(void *opaque) { service(opaque); }

static void ctrl_reply(I8042 *c, uint8_t b, int aux)
{
    if (c->ctrl_count >= CTRLQ)
        return; /* the guest is not reading replies: drop */
    unsigned i = (c->ctrl_rd + c->ctrl_count) % CTRLQ;
    c->ctrl_data[i] = b;
    c->ctrl_aux[i] = aux ? 1 : 0;
    c->ctrl_count++;
}

static uint8_t outport_value(const I8042 *c)
{
    uint8_t v = c->outport & (uint8_t)~0x30;
    if (c->ob_full && !c->ob_aux)
        v |= 0x10;
    if (c->ob_full && c->ob_aux)
        v |= 0x20;
    return v;
}

static void set_a20(I8042 *c, int on)
{
    c->outport = (uint8_t)((c->outport & ~2) | (on ? 2 : 0));
    if (c->ops.a20)
        c->ops.a20(c->ops.opaque, on);
}

static void do_reset(I8042 *c)
{
    if (c->ops.reset)
        c->ops.reset(c->ops.opaque);
}

static void write_outport(I8042 *c, uint8_t v)
{
    c->outport = v;
    set_a20(c, (v >> 1) & 1);
    if (!(v & 1))
        do_reset(c);
}

static void write_ccb(I8042 *c, uint8_t v)
{
    c->ram[0] = v;
    c->sys = (v & CCB_SYS) ? 1 : 0;
}

static void controller_command(I8042 *c, uint8_t cmd)
{
    c->pending = 0;
    if (cmd >= 0x20 && cmd <= 0x3F) {
        ctrl_reply(c, c->ram[cmd & 0x1F], 0);
        return;
    }
    if (cmd >= 0x60 && cmd <= 0x7F) {
        c->pending = cmd;
        return;
    }
    if (cmd >= 0xF0) {
        if (!(cmd & 1))
            do_reset(c);
        return;
    }
    switch (cmd) {
    case 0xA7:
        c->ram[0] |= CCB_AUX_OFF;
        break;
    case 0xA8:
        c->ram[0] &= (uint8_t)~CCB_AUX_OFF;
        break;
    case 0xA9:
    case 0xAB:
        ctrl_reply(c, 0x00, 0);
        break;
    case 0xAA:
        c->sys = 1;
        ctrl_reply(c, 0x55, 0);
        break;
    case 0xAD:
        c->ram[0] |= CCB_KBD_OFF;
        break;
    case 0xAE:
        c->ram[0] &= (uint8_t)~CCB_KBD_OFF;
        break;
    case 0xC0:
        /* Keyboard not inhibited, no manufacturing jumper, colour display. */
        ctrl_reply(c, 0xA0, 0);
        break;
    case 0xD0:
        ctrl_reply(c, outport_value(c), 0);
        break;
    case 0xD1:
    case 0xD2:
    case 0xD3:
    case 0xD4:
        c->pending = cmd;
        break;
    case 0xDD:
        set_a20(c, 0);
        break;
    case 0xDF:
        set_a20(c, 1);
        break;
    case 0xE0:
        ctrl_reply(c, 0x00, 0);
        break;
    default:
        break; /* unknown commands are ignored */
    }
}

static void data_write(I8042 *c, uint8_t v)
{
    uint8_t p = c->pending;
    c->pending = 0;
    if (p >= 0x60 && p <= 0x7F) {
        if ((p & 0x1F) == 0)
            write_ccb(c, v);
        else
            c->ram[p & 0x1F] = v;
        return;
    }
    switch (p) {
    case 0xD1:
        write_outport(c, v);
        break;
    case 0xD2:
        ctrl_reply(c, v, 0);
        break;
    case 0xD3:
        ctrl_reply(c, v, 1);
        break;
    case 0xD4:
        c->ram[0] &= (uint8_t)~CCB_AUX_OFF;
        ps2mouse_write(&c->mouse, v);
        break;
    default:
        c->ram[0] &= (uint8_t)~CCB_KBD_OFF;
        ps2kbd_write(&c->kbd, v);
        break;
    }
}

static uint32_t i8042_read(void *opaque, uint16_t port, unsigned size)
{
    I8042 *c = opaque;
    (void)size;
    if (port & 4) {
        return (c->ob_full ? ST_OBF : 0) | (c->sys ? ST_SYS : 0) |
               (c->a2 ? ST_A2 : 0) | ST_INH |
               (c->ob_full && c->ob_aux ? ST_AUXB : 0);
    }
    uint8_t v = c->ob;
    if (c->ob_full) {
        c->ob_full = 0;
        c->ob_aux = 0;
        update_irq(c); /* the line drops: a refill below is a new edge */
        service(c);
    }
    return v;
}

static void i8042_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    I8042 *c = opaque;
    (void)size;
    if (port & 4) {
        c->a2 = 1;
        controller_command(c, (uint8_t)val);
    } else {
        c->a2 = 0;
        data_write(c, (uint8_t)val);
    }
    service(c);
}

static void leds_cb(void *opaque, unsigned leds)
{
    I8042 *c = opaque;
    if (c->ops.leds)
        c->ops.leds(c->ops.opaque, leds);
}

I8042 *i8042_new(const I8042Ops *ops)
{
    I8042 *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    if (ops)
        c->ops = *ops;
    ps2kbd_init(&c->kbd, dev_notify, c);
    c->kbd.leds_cb = leds_cb;
    c->kbd.leds_opaque = c;
    ps2mouse_init(&c->mouse, dev_notify, c);
    i8042_reset(c);
    return c;
}

void i8042_free(I8042 *c) { free(c); }

int i8042_register(I8042 *c, IOBus *bus, uint16_t data_port, uint16_t cmd_port)
{
    if (iobus_register(bus, data_port, 1, IO_8, i8042_read, i8042_write, c))
        return -1;
    return iobus_register(bus, cmd_port, 1, IO_8, i8042_read, i8042_write, c);
}

void i8042_reset(I8042 *c)
{
    memset(c->ram, 0, sizeof(c->ram));
    c->ram[0] = CCB_XLAT | CCB_AUX_OFF | CCB_INT1;
    c->sys = 0;
    c->a2 = 0;
    c->outport = 0xCF;
    c->pending = 0;
    c->ob = 0;
    c->ob_full = c->ob_aux = 0;
    c->xlat_break = 0;
    c->ctrl_rd = c->ctrl_count = 0;
    ps2kbd_reset(&c->kbd);
    ps2mouse_reset(&c->mouse);
    update_irq(c);
}

int i8042_kbd_put_bytes(I8042 *c, const uint8_t *bytes, size_t n)
{
    return ps2kbd_put_bytes(&c->kbd, bytes, n);
}

int i8042_kbd_key(I8042 *c, unsigned key, int down)
{
    uint8_t seq[8];
    size_t n = 0;
    if (key == I8042_KEY_PAUSE) {
        static const uint8_t pause[8] = {0xE1, 0x14, 0x77, 0xE1,
                                         0xF0, 0x14, 0xF0, 0x77};
        return down ? ps2kbd_put_bytes(&c->kbd, pause, 8) : 0;
    }
    if (key == I8042_KEY_PRINT) {
        static const uint8_t mk[4] = {0xE0, 0x12, 0xE0, 0x7C},
                             br[6] = {0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12};
        return down ? ps2kbd_put_bytes(&c->kbd, mk, 4)
                    : ps2kbd_put_bytes(&c->kbd, br, 6);
    }
    uint8_t code = (uint8_t)key;
    if ((key >> 8) != 0 && (key >> 8) != 0xE0)
        return -1;
    if (code == 0 || code == 0xE0 || code == 0xE1 || code == 0xF0)
        return -1;
    if (key >> 8)
        seq[n++] = 0xE0;
    if (!down)
        seq[n++] = 0xF0;
    seq[n++] = code;
    return ps2kbd_put_bytes(&c->kbd, seq, n);
}

void i8042_mouse_event(I8042 *c, int dx, int dy, int dz, unsigned buttons)
{
    ps2mouse_event(&c->mouse, dx, dy, dz, buttons);
}

uint8_t i8042_command_byte(const I8042 *c) { return c->ram[0]; }
unsigned i8042_kbd_leds(const I8042 *c) { return c->kbd.leds; }
unsigned i8042_mouse_id(const I8042 *c) { return c->mouse.id; }

void i8042_save(const I8042 *c, SnapWriter *w)
{
    snap_begin(w, "8042", 1);
    snap_put_bytes(w, c->ram, sizeof(c->ram));
    snap_put_u8(w, c->sys);
    snap_put_u8(w, c->a2);
    snap_put_u8(w, c->outport);
    snap_put_u8(w, c->pending);
    snap_put_u8(w, c->ob);
    snap_put_u8(w, c->ob_full);
    snap_put_u8(w, c->ob_aux);
    snap_put_u8(w, c->xlat_break);
    snap_put_u8(w, c->ctrl_count);
    for (unsigned i = 0; i < c->ctrl_count; i++) {
        unsigned j = (c->ctrl_rd + i) % CTRLQ;
        snap_put_u8(w, c->ctrl_data[j]);
        snap_put_u8(w, c->ctrl_aux[j]);
    }
    snap_put_u8(w, c->irq1);
    snap_put_u8(w, c->irq12);
    ps2kbd_save(&c->kbd, w);
    ps2mouse_save(&c->mouse, w);
}

static int pending_ok(uint8_t p)
{
    return p == 0 || (p >= 0x60 && p <= 0x7F) || (p >= 0xD1 && p <= 0xD4);
}

int i8042_load(I8042 *c, SnapReader *r)
{
    I8042 t = *c;
    snap_expect(r, "8042", 1);
    snap_get_bytes(r, t.ram, sizeof(t.ram));
    t.sys = snap_get_u8(r);
    t.a2 = snap_get_u8(r);
    t.outport = snap_get_u8(r);
    t.pending = snap_get_u8(r);
    t.ob = snap_get_u8(r);
    t.ob_full = snap_get_u8(r);
    t.ob_aux = snap_get_u8(r);
    t.xlat_break = snap_get_u8(r);
    t.ctrl_count = snap_get_u8(r);
    t.ctrl_rd = 0;
    if (snap_check(r, t.ctrl_count <= CTRLQ)) {
        for (unsigned i = 0; i < t.ctrl_count; i++) {
            t.ctrl_data[i] = snap_get_u8(r);
            t.ctrl_aux[i] = snap_get_u8(r);
            snap_check(r, t.ctrl_aux[i] <= 1);
        }
    }
    t.irq1 = snap_get_u8(r);
    t.irq12 = snap_get_u8(r);
    snap_check(r, t.sys <= 1 && t.a2 <= 1 && t.ob_full <= 1 && t.ob_aux <= 1 &&
                      t.xlat_break <= 1);
    snap_check(r, !t.ob_aux || t.ob_full);
    snap_check(r, pending_ok(t.pending));
    snap_check(r, t.irq1 == (t.ob_full && !t.ob_aux && (t.ram[0] & CCB_INT1)));
    snap_check(r, t.irq12 == (t.ob_full && t.ob_aux && (t.ram[0] & CCB_INT12)));
    if (r->err || ps2kbd_load(&t.kbd, r) || ps2mouse_load(&t.mouse, r))
        return -1;
    uint8_t old1 = c->irq1, old12 = c->irq12;
    *c = t; /* callbacks and notify pointers came along from *c */
    if (c->irq1 != old1)
        irq_set(&c->ops.irq_kbd, c->irq1);
    if (c->irq12 != old12)
        irq_set(&c->ops.irq_aux, c->irq12);
    return 0;
}
