/* PS/2 keyboard and mouse.  See ps2.h. */
#include "devices/ps2.h"

#include <string.h>

/* Set-2 code -> set-1 code as the 8042 translates it.  Codes 0x85 and up
 * (prefixes E0/E1 and the protocol bytes FA, AA, EE, FE ...) pass
 * unchanged; F0 is handled by the translator, not through this table. */
const uint8_t ps2_set2_to_set1[256] = {
    0xff, 0x43, 0x41, 0x3f, 0x3d, 0x3b, 0x3c, 0x58, /* 00 */
    0x64, 0x44, 0x42, 0x40, 0x3e, 0x0f, 0x29, 0x59,
    0x65, 0x38, 0x2a, 0x70, 0x1d, 0x10, 0x02, 0x5a, /* 10 */
    0x66, 0x71, 0x2c, 0x1f, 0x1e, 0x11, 0x03, 0x5b,
    0x67, 0x2e, 0x2d, 0x20, 0x12, 0x05, 0x04, 0x5c, /* 20 */
    0x68, 0x39, 0x2f, 0x21, 0x14, 0x13, 0x06, 0x5d,
    0x69, 0x31, 0x30, 0x23, 0x22, 0x15, 0x07, 0x5e, /* 30 */
    0x6a, 0x72, 0x32, 0x24, 0x16, 0x08, 0x09, 0x5f,
    0x6b, 0x33, 0x25, 0x17, 0x18, 0x0b, 0x0a, 0x60, /* 40 */
    0x6c, 0x34, 0x35, 0x26, 0x27, 0x19, 0x0c, 0x61,
    0x6d, 0x73, 0x28, 0x74, 0x1a, 0x0d, 0x62, 0x6e, /* 50 */
    0x3a, 0x36, 0x1c, 0x1b, 0x75, 0x2b, 0x63, 0x76,
    0x55, 0x56, 0x77, 0x78, 0x79, 0x7a, 0x0e, 0x7b, /* 60 */
    0x7c, 0x4f, 0x7d, 0x4b, 0x47, 0x7e, 0x7f, 0x6f,
    0x52, 0x53, 0x50, 0x4c, 0x4d, 0x48, 0x01, 0x45, /* 70 */
    0x57, 0x4e, 0x51, 0x4a, 0x37, 0x49, 0x46, 0x54,
    0x80, 0x81, 0x82, 0x41, 0x54, 0x85, 0x86, 0x87, /* 80 */
    0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
    0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97,
    0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
    0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
    0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
    0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
    0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
    0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
    0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,
    0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
    0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7,
    0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
    0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

#define ACK 0xFA
#define RESEND 0xFE

/* ---------------------------------------------------------------- queue */

static void q_init(PS2Queue *q, uint8_t limit)
{
    memset(q, 0, sizeof(*q));
    q->limit = limit;
}

static void q_clear(PS2Queue *q)
{
    q->rd = 0;
    q->count = 0;
}

static unsigned q_room(const PS2Queue *q) { return (unsigned)q->limit - q->count; }

static int q_push(PS2Queue *q, uint8_t b)
{
    if (q->count >= q->limit)
        return -1;
    q->data[(q->rd + q->count) % PS2_QCAP] = b;
    q->count++;
    return 0;
}

static int q_pop(PS2Queue *q)
{
    if (!q->count)
        return -1;
    uint8_t b = q->data[q->rd];
    q->rd = (uint8_t)((q->rd + 1) % PS2_QCAP);
    q->count--;
    return b;
}

static void q_save(const PS2Queue *q, SnapWriter *w)
{
    snap_put_u8(w, q->count);
    for (unsigned i = 0; i < q->count; i++)
        snap_put_u8(w, q->data[(q->rd + i) % PS2_QCAP]);
}

static void q_load(PS2Queue *q, SnapReader *r)
{
    uint8_t n = snap_get_u8(r);
    if (!snap_check(r, n <= q->limit))
        return;
    q_clear(q);
    for (unsigned i = 0; i < n; i++)
        q_push(q, snap_get_u8(r));
}

/* ---------------------------------------------------------------- keyboard */

static void kbd_out(PS2Kbd *k, uint8_t b)
{
    q_push(&k->q, b);
}

static void kbd_notify(PS2Kbd *k)
{
    if (k->notify)
        k->notify(k->notify_opaque);
}

static void kbd_set_leds(PS2Kbd *k, uint8_t leds)
{
    k->leds = leds & 7;
    if (k->leds_cb)
        k->leds_cb(k->leds_opaque, k->leds);
}

static void kbd_defaults(PS2Kbd *k)
{
    k->typematic = 0x2B; /* 10.9 cps, 500 ms */
    k->set = 2;
    k->pending = 0;
}

void ps2kbd_init(PS2Kbd *k, PS2Notify notify, void *opaque)
{
    void (*leds_cb)(void *, unsigned) = k->leds_cb;
    void *leds_opaque = k->leds_opaque;
    memset(k, 0, sizeof(*k));
    k->leds_cb = leds_cb;
    k->leds_opaque = leds_opaque;
    k->notify = notify;
    k->notify_opaque = opaque;
    q_init(&k->q, 16);
    ps2kbd_reset(k);
}

void ps2kbd_reset(PS2Kbd *k)
{
    q_clear(&k->q);
    kbd_defaults(k);
    k->scanning = 1;
    k->leds = 0;
    k->last = 0;
}

static void kbd_command(PS2Kbd *k, uint8_t b)
{
    switch (b) {
    case 0xED: /* set LEDs */
    case 0xF0: /* scancode set */
    case 0xF3: /* typematic */
        kbd_out(k, ACK);
        k->pending = b;
        break;
    case 0xEE:
        kbd_out(k, 0xEE);
        break;
    case 0xF2:
        kbd_out(k, ACK);
        kbd_out(k, 0xAB);
        kbd_out(k, 0x83);
        break;
    case 0xF4:
        q_clear(&k->q);
        k->scanning = 1;
        kbd_out(k, ACK);
        break;
    case 0xF5:
        q_clear(&k->q);
        kbd_defaults(k);
        k->scanning = 0;
        kbd_out(k, ACK);
        break;
    case 0xF6:
        q_clear(&k->q);
        kbd_defaults(k);
        k->scanning = 1;
        kbd_out(k, ACK);
        break;
    case 0xF7: case 0xF8: case 0xF9: case 0xFA:
    case 0xFB: case 0xFC: case 0xFD:
        kbd_out(k, ACK);
        break;
    case 0xFE:
        kbd_out(k, k->last);
        break;
    case 0xFF:
        q_clear(&k->q);
        kbd_defaults(k);
        k->scanning = 1;
        kbd_set_leds(k, 0);
        kbd_out(k, ACK);
        kbd_out(k, 0xAA);
        break;
    default:
        kbd_out(k, RESEND);
        break;
    }
}

void ps2kbd_write(PS2Kbd *k, uint8_t b)
{
    uint8_t p = k->pending;
    k->pending = 0;
    if (p && !((p == 0xED || p == 0xF3) && (b & 0x80))) {
        switch (p) {
        case 0xED:
            kbd_set_leds(k, b);
            kbd_out(k, ACK);
            break;
        case 0xF3:
            k->typematic = b;
            kbd_out(k, ACK);
            break;
        default: /* 0xF0 */
            if (b == 0) {
                kbd_out(k, ACK);
                kbd_out(k, k->set);
            } else if (b <= 3) {
                k->set = b;
                kbd_out(k, ACK);
            } else {
                kbd_out(k, RESEND);
            }
            break;
        }
    } else {
        /* A command byte (possibly abandoning an argument wait). */
        kbd_command(k, b);
    }
    kbd_notify(k);
}

int ps2kbd_read(PS2Kbd *k)
{
    int b = q_pop(&k->q);
    if (b >= 0)
        k->last = (uint8_t)b;
    return b;
}

int ps2kbd_has_data(const PS2Kbd *k) { return k->q.count != 0; }

int ps2kbd_put_bytes(PS2Kbd *k, const uint8_t *bytes, size_t n)
{
    uint8_t conv[16];
    size_t m = 0;
    if (!k->scanning || n == 0)
        return -1;
    if (n > sizeof(conv))
        return -1;
    if (k->set == 1) {
        int brk = 0;
        for (size_t i = 0; i < n; i++) {
            if (bytes[i] == 0xF0) {
                brk = 1;
                continue;
            }
            conv[m++] = (uint8_t)(ps2_set2_to_set1[bytes[i]] | (brk ? 0x80 : 0));
            brk = 0;
        }
    } else {
        memcpy(conv, bytes, n);
        m = n;
    }
    if (q_room(&k->q) < m) {
        if (q_room(&k->q) > 0)
            kbd_out(k, k->set == 1 ? 0xFF : 0x00);
        kbd_notify(k);
        return -1;
    }
    for (size_t i = 0; i < m; i++)
        kbd_out(k, conv[i]);
    kbd_notify(k);
    return 0;
}

void ps2kbd_save(const PS2Kbd *k, SnapWriter *w)
{
    snap_begin(w, "PS2K", 1);
    q_save(&k->q, w);
    snap_put_u8(w, k->scanning);
    snap_put_u8(w, k->set);
    snap_put_u8(w, k->leds);
    snap_put_u8(w, k->typematic);
    snap_put_u8(w, k->pending);
    snap_put_u8(w, k->last);
}

int ps2kbd_load(PS2Kbd *k, SnapReader *r)
{
    PS2Kbd t = *k;
    snap_expect(r, "PS2K", 1);
    q_load(&t.q, r);
    t.scanning = snap_get_u8(r);
    t.set = snap_get_u8(r);
    t.leds = snap_get_u8(r);
    t.typematic = snap_get_u8(r);
    t.pending = snap_get_u8(r);
    t.last = snap_get_u8(r);
    snap_check(r, t.scanning <= 1);
    snap_check(r, t.set >= 1 && t.set <= 3);
    snap_check(r, t.leds <= 7);
    snap_check(r, t.pending == 0 || t.pending == 0xED || t.pending == 0xF0 ||
                      t.pending == 0xF3);
    if (r->err)
        return -1;
    *k = t;
    return 0;
}

/* ---------------------------------------------------------------- mouse */

static void mouse_notify(PS2Mouse *m)
{
    if (m->notify)
        m->notify(m->notify_opaque);
}

static void mouse_defaults(PS2Mouse *m)
{
    m->rate = 100;
    m->resolution = 2;
    m->scaling21 = 0;
    m->remote = 0;
    m->reporting = 0;
    m->pending = 0;
    m->dx = m->dy = m->dz = 0;
}

void ps2mouse_init(PS2Mouse *m, PS2Notify notify, void *opaque)
{
    memset(m, 0, sizeof(*m));
    m->notify = notify;
    m->notify_opaque = opaque;
    q_init(&m->q, PS2_QCAP);
    ps2mouse_reset(m);
}

void ps2mouse_reset(PS2Mouse *m)
{
    q_clear(&m->q);
    mouse_defaults(m);
    m->wrap = 0;
    m->id = 0;
    m->last = 0;
    m->buttons = m->sent_buttons = 0;
    memset(m->hist, 0, sizeof(m->hist));
}

static unsigned packet_len(const PS2Mouse *m) { return m->id ? 4 : 3; }

static int32_t scale21(int32_t v)
{
    int32_t a = v < 0 ? -v : v, r;
    switch (a) {
    case 0: r = 0; break;
    case 1: r = 1; break;
    case 2: r = 1; break;
    case 3: r = 3; break;
    case 4: r = 6; break;
    case 5: r = 9; break;
    default: r = a * 2; break;
    }
    return v < 0 ? -r : r;
}

/* Queues one movement packet from the counters and clears them. */
static void mouse_packet(PS2Mouse *m, int stream)
{
    int32_t dx = m->dx, dy = m->dy, dz = m->dz;
    if (stream && m->scaling21) {
        dx = scale21(dx);
        dy = scale21(dy);
    }
    uint8_t b0 = 0x08 | (m->buttons & 7);
    if (dx > 255) {
        dx = 255;
        b0 |= 0x40;
    } else if (dx < -256) {
        dx = -256;
        b0 |= 0x40;
    }
    if (dy > 255) {
        dy = 255;
        b0 |= 0x80;
    } else if (dy < -256) {
        dy = -256;
        b0 |= 0x80;
    }
    if (dx < 0)
        b0 |= 0x10;
    if (dy < 0)
        b0 |= 0x20;
    q_push(&m->q, b0);
    q_push(&m->q, (uint8_t)(dx & 0xFF));
    q_push(&m->q, (uint8_t)(dy & 0xFF));
    if (m->id == 3) {
        if (dz > 127)
            dz = 127;
        if (dz < -128)
            dz = -128;
        q_push(&m->q, (uint8_t)(dz & 0xFF));
    } else if (m->id == 4) {
        if (dz > 7)
            dz = 7;
        if (dz < -8)
            dz = -8;
        q_push(&m->q, (uint8_t)((dz & 0x0F) | ((m->buttons & 0x18) << 1)));
    }
    m->dx = m->dy = m->dz = 0;
    m->sent_buttons = m->buttons;
}

/* Stream mode: report what changed if there is room for a packet. */
static void mouse_try_send(PS2Mouse *m)
{
    if (m->remote || !m->reporting || m->wrap)
        return;
    if (!m->dx && !m->dy && !m->dz && m->buttons == m->sent_buttons)
        return;
    if (q_room(&m->q) < packet_len(m))
        return;
    mouse_packet(m, 1);
}

static void mouse_command(PS2Mouse *m, uint8_t b)
{
    switch (b) {
    case 0xE6:
        m->scaling21 = 0;
        q_push(&m->q, ACK);
        break;
    case 0xE7:
        m->scaling21 = 1;
        q_push(&m->q, ACK);
        break;
    case 0xE8:
    case 0xF3:
        q_push(&m->q, ACK);
        m->pending = b;
        break;
    case 0xE9: {
        uint8_t st = (uint8_t)((m->remote ? 0x40 : 0) | (m->reporting ? 0x20 : 0) |
                               (m->scaling21 ? 0x10 : 0) |
                               ((m->buttons & 1) ? 0x04 : 0) |
                               ((m->buttons & 4) ? 0x02 : 0) |
                               ((m->buttons & 2) ? 0x01 : 0));
        q_push(&m->q, ACK);
        q_push(&m->q, st);
        q_push(&m->q, m->resolution);
        q_push(&m->q, m->rate);
        break;
    }
    case 0xEA:
        q_clear(&m->q);
        m->remote = 0;
        m->dx = m->dy = m->dz = 0;
        q_push(&m->q, ACK);
        break;
    case 0xEB:
        q_push(&m->q, ACK);
        if (q_room(&m->q) >= packet_len(m))
            mouse_packet(m, 0);
        break;
    case 0xEC:
        m->wrap = 0;
        q_push(&m->q, ACK);
        break;
    case 0xEE:
        m->wrap = 1;
        m->dx = m->dy = m->dz = 0;
        q_push(&m->q, ACK);
        break;
    case 0xF0:
        q_clear(&m->q);
        m->remote = 1;
        m->dx = m->dy = m->dz = 0;
        q_push(&m->q, ACK);
        break;
    case 0xF2:
        q_push(&m->q, ACK);
        q_push(&m->q, m->id);
        break;
    case 0xF4:
        q_clear(&m->q);
        m->reporting = 1;
        m->dx = m->dy = m->dz = 0;
        m->sent_buttons = m->buttons;
        q_push(&m->q, ACK);
        break;
    case 0xF5:
        q_clear(&m->q);
        m->reporting = 0;
        m->dx = m->dy = m->dz = 0;
        q_push(&m->q, ACK);
        break;
    case 0xF6:
        q_clear(&m->q);
        mouse_defaults(m);
        q_push(&m->q, ACK);
        break;
    case 0xFE:
        q_push(&m->q, m->last);
        break;
    case 0xFF:
        ps2mouse_reset(m);
        q_push(&m->q, ACK);
        q_push(&m->q, 0xAA);
        q_push(&m->q, 0x00);
        break;
    default:
        q_push(&m->q, RESEND);
        break;
    }
}

void ps2mouse_write(PS2Mouse *m, uint8_t b)
{
    if (m->wrap && b != 0xEC && b != 0xFF) {
        q_push(&m->q, b); /* wrap mode echoes */
    } else if (m->pending) {
        uint8_t p = m->pending;
        m->pending = 0;
        if (p == 0xE8) {
            if (b <= 3) {
                m->resolution = b;
                q_push(&m->q, ACK);
            } else {
                q_push(&m->q, RESEND);
            }
        } else { /* F3 */
            if (b) {
                m->rate = b;
                m->hist[0] = m->hist[1];
                m->hist[1] = m->hist[2];
                m->hist[2] = b;
                if (m->id == 0 && m->hist[0] == 200 && m->hist[1] == 100 &&
                    m->hist[2] == 80)
                    m->id = 3;
                else if (m->id == 3 && m->hist[0] == 200 &&
                         m->hist[1] == 200 && m->hist[2] == 80)
                    m->id = 4;
                q_push(&m->q, ACK);
            } else {
                q_push(&m->q, RESEND);
            }
        }
    } else {
        mouse_command(m, b);
    }
    mouse_notify(m);
}

int ps2mouse_read(PS2Mouse *m)
{
    int b = q_pop(&m->q);
    if (b >= 0)
        m->last = (uint8_t)b;
    mouse_try_send(m);
    return b;
}

int ps2mouse_has_data(const PS2Mouse *m) { return m->q.count != 0; }

static int32_t sat_add(int32_t a, int b)
{
    int64_t v = (int64_t)a + b;
    if (v > (1 << 20))
        v = 1 << 20;
    if (v < -(1 << 20))
        v = -(1 << 20);
    return (int32_t)v;
}

void ps2mouse_event(PS2Mouse *m, int dx, int dy, int dz, unsigned buttons)
{
    if (m->wrap)
        return;
    m->dx = sat_add(m->dx, dx);
    m->dy = sat_add(m->dy, dy == (-2147483647 - 1) ? 2147483647 : -dy);
    m->dz = sat_add(m->dz, dz);
    m->buttons = (uint8_t)(buttons & 0x1F);
    mouse_try_send(m);
    mouse_notify(m);
}

void ps2mouse_save(const PS2Mouse *m, SnapWriter *w)
{
    snap_begin(w, "PS2M", 1);
    q_save(&m->q, w);
    snap_put_u8(w, m->reporting);
    snap_put_u8(w, m->remote);
    snap_put_u8(w, m->wrap);
    snap_put_u8(w, m->scaling21);
    snap_put_u8(w, m->rate);
    snap_put_u8(w, m->resolution);
    snap_put_u8(w, m->id);
    snap_put_u8(w, m->pending);
    snap_put_u8(w, m->last);
    snap_put_bytes(w, m->hist, 3);
    snap_put_u8(w, m->buttons);
    snap_put_u8(w, m->sent_buttons);
    snap_put_u32(w, (uint32_t)m->dx);
    snap_put_u32(w, (uint32_t)m->dy);
    snap_put_u32(w, (uint32_t)m->dz);
}

static int counter_ok(int32_t v) { return v >= -(1 << 20) && v <= (1 << 20); }

int ps2mouse_load(PS2Mouse *m, SnapReader *r)
{
    PS2Mouse t = *m;
    snap_expect(r, "PS2M", 1);
    q_load(&t.q, r);
    t.reporting = snap_get_u8(r);
    t.remote = snap_get_u8(r);
    t.wrap = snap_get_u8(r);
    t.scaling21 = snap_get_u8(r);
    t.rate = snap_get_u8(r);
    t.resolution = snap_get_u8(r);
    t.id = snap_get_u8(r);
    t.pending = snap_get_u8(r);
    t.last = snap_get_u8(r);
    snap_get_bytes(r, t.hist, 3);
    t.buttons = snap_get_u8(r);
    t.sent_buttons = snap_get_u8(r);
    t.dx = (int32_t)snap_get_u32(r);
    t.dy = (int32_t)snap_get_u32(r);
    t.dz = (int32_t)snap_get_u32(r);
    snap_check(r, t.reporting <= 1 && t.remote <= 1 && t.wrap <= 1 &&
                      t.scaling21 <= 1);
    snap_check(r, t.resolution <= 3);
    snap_check(r, t.id == 0 || t.id == 3 || t.id == 4);
    snap_check(r, t.pending == 0 || t.pending == 0xE8 || t.pending == 0xF3);
    snap_check(r, t.buttons <= 0x1F && t.sent_buttons <= 0x1F);
    snap_check(r, counter_ok(t.dx) && counter_ok(t.dy) && counter_ok(t.dz));
    if (r->err)
        return -1;
    *m = t;
    return 0;
}
