/* 8254 PIT and port 0x61 (see pit.h).
 *
 * Each channel's counting element is described by n (the period in ticks,
 * 1..65536, or 1..10000 in BCD) and d, the ticks counted since it was
 * loaded: d = now - start while the clock runs, frozen_d while it is
 * suspended.  Count and OUT are functions of (mode, n, d).  Tick arithmetic
 * is modulo 2^64, so a snapshot's relative times can be rebased onto any
 * clock. */
#include "devices/pit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct PITChan {
    uint8_t mode_raw;  /* control word bits 3-1 as written */
    uint8_t rw;        /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t bcd;
    uint8_t wstate;    /* rw 3: 1 = MSB expected next */
    uint8_t rstate;    /* rw 3: 1 = MSB is read next */
    uint8_t wlsb;      /* LSB written, waiting for the MSB */
    uint8_t latch_n;   /* latched count bytes still to read (0..2) */
    uint16_t latch;
    uint8_t status_latched;
    uint8_t status;
    uint8_t gate;
    uint8_t null_count;
    uint8_t count_written; /* a count was written since the control word */
    uint16_t count_reg;    /* the count register, as written */
    uint8_t loaded;        /* the counting element holds a count */
    uint8_t running;       /* the counting element is being clocked */
    uint32_t n;
    uint64_t start;
    uint64_t frozen_d;
    uint8_t pending;       /* modes 2/3: new count at the end of the period */
    uint32_t pending_n;
    uint64_t pending_at;
} PITChan;

struct PIT {
    VClock *clk;
    PITChan ch[3];
    IRQLine irq0;
    int irq_level;
    VTimer *timer;
    uint8_t port61; /* bits 0-3 */
};

static uint64_t now_tick(PIT *p)
{
    return vclock_ns_to_ticks(vclock_now(p->clk), PIT_FREQ_HZ);
}

/* The first ns at which now_tick() reads at least t. */
static uint64_t tick_to_ns(uint64_t t)
{
    uint64_t ns = vclock_ticks_to_ns(t, PIT_FREQ_HZ);
    while (vclock_ns_to_ticks(ns, PIT_FREQ_HZ) < t)
        ns++;
    return ns;
}

static int eff_mode(const PITChan *c)
{
    return c->mode_raw > 5 ? c->mode_raw - 4 : c->mode_raw;
}

static uint32_t bcd_to_bin(uint16_t v)
{
    return (uint32_t)((v >> 12) & 15) * 1000 + ((v >> 8) & 15) * 100 +
           ((v >> 4) & 15) * 10 + (v & 15);
}

static uint16_t bin_to_bcd(uint32_t v)
{
    v %= 10000;
    return (uint16_t)(((v / 1000) << 12) | (((v / 100) % 10) << 8) |
                      (((v / 10) % 10) << 4) | (v % 10));
}

/* Period for a count register value: 0 means the maximum. */
static uint32_t count_period(const PITChan *c, uint16_t v)
{
    uint32_t n = c->bcd ? bcd_to_bin(v) : v;
    if (n == 0)
        n = c->bcd ? 10000 : 65536;
    return n;
}

static uint64_t chan_d(const PITChan *c, uint64_t now)
{
    return c->running ? now - c->start : c->frozen_d;
}

/* Applies a deferred mode 2/3 reload that is due. */
static void chan_sync(PITChan *c, uint64_t now)
{
    if (c->pending && c->running && (int64_t)(now - c->pending_at) >= 0) {
        c->start = c->pending_at;
        c->n = c->pending_n;
        c->pending = 0;
        c->null_count = 0;
    }
}

static int chan_out(const PITChan *c, uint64_t now)
{
    int mode = eff_mode(c);
    if (!c->loaded)
        return mode != 0;
    uint64_t d = chan_d(c, now);
    uint32_t n = c->n;
    switch (mode) {
    case 0:
    case 1:
        return d >= n;
    case 2:
        if (!c->running)
            return 1;
        return n < 2 || d % n != n - 1;
    case 3:
        if (!c->running)
            return 1;
        return d % n < (n + 1) / 2;
    default: /* 4, 5 */
        return d != n;
    }
}

/* Counting element value as the counter would be read. */
static uint16_t chan_count(const PITChan *c, uint64_t now)
{
    if (!c->loaded)
        return c->count_reg;
    uint32_t m = c->bcd ? 10000 : 65536;
    uint64_t d = chan_d(c, now);
    uint32_t n = c->n, v;
    switch (eff_mode(c)) {
    case 2:
        v = n - (uint32_t)(d % n);
        break;
    case 3: {
        uint32_t ph = (uint32_t)(d % n), hi = (n + 1) / 2;
        if (n & 1) /* odd: counts N-1, N-3, ... in each half (approx.) */
            v = ph < hi ? n - 1 - 2 * ph : n - 1 - 2 * (ph - hi);
        else
            v = ph < hi ? n - 2 * ph : n - 2 * (ph - hi);
        break;
    }
    default: /* 0, 1, 4, 5: counts down and wraps */
        v = (uint32_t)((n % m + m - d % m) % m);
        break;
    }
    v %= m;
    return c->bcd ? bin_to_bcd(v) : (uint16_t)v;
}

/* Tick of the next rising edge of OUT after now, or VCLOCK_NEVER. */
static uint64_t chan_next_rise(const PITChan *c, uint64_t now)
{
    if (!c->loaded || !c->running)
        return VCLOCK_NEVER;
    uint64_t d = now - c->start;
    uint32_t n = c->n;
    switch (eff_mode(c)) {
    case 0:
    case 1:
        return d < n ? c->start + n : VCLOCK_NEVER;
    case 2:
    case 3:
        return c->start + (d / n + 1) * n;
    default:
        return d < (uint64_t)n + 1 ? c->start + n + 1 : VCLOCK_NEVER;
    }
}

static void set_irq(PIT *p, int level)
{
    if (level != p->irq_level) {
        p->irq_level = level;
        irq_set(&p->irq0, level);
    }
}

static void arm_ch0(PIT *p, uint64_t now)
{
    PITChan *c = &p->ch[0];
    if (!p->timer)
        return;
    uint64_t e = p->irq0.fn ? chan_next_rise(c, now) : VCLOCK_NEVER;
    if (e == VCLOCK_NEVER)
        vclock_timer_del(p->timer);
    else
        vclock_timer_mod(p->timer, tick_to_ns(e));
}

/* Re-derives channel 0's output line and its next event. */
static void update_ch0(PIT *p, uint64_t now)
{
    PITChan *c = &p->ch[0];
    chan_sync(c, now);
    set_irq(p, chan_out(c, now));
    arm_ch0(p, now);
}

static void pit_timer_cb(void *opaque)
{
    PIT *p = opaque;
    uint64_t now = now_tick(p);
    PITChan *c = &p->ch[0];
    chan_sync(c, now);
    /* A rising edge of OUT is due (or past): make the line show it. */
    set_irq(p, 0);
    set_irq(p, 1);
    update_ch0(p, now);
}

static void after_change(PIT *p, int ch, uint64_t now)
{
    if (ch == 0)
        update_ch0(p, now);
}

/* ------------------------------------------------------------ channel ops */

static void start_counting(PITChan *c, uint32_t n, uint64_t now)
{
    c->loaded = 1;
    c->n = n;
    c->null_count = 0;
    c->pending = 0;
    if (c->gate || eff_mode(c) == 1 || eff_mode(c) == 5) {
        c->running = 1;
        c->start = now;
    } else {
        c->running = 0;
        c->frozen_d = 0;
    }
}

static void count_written(PITChan *c, uint16_t v, uint64_t now)
{
    uint32_t n;
    c->count_reg = v;
    c->count_written = 1;
    c->null_count = 1;
    n = count_period(c, v);
    switch (eff_mode(c)) {
    case 0:
    case 4:
        start_counting(c, n, now);
        break;
    case 1:
    case 5:
        break; /* loaded at the next gate trigger */
    default:   /* 2, 3 */
        if (!c->loaded) {
            start_counting(c, n, now);
        } else if (c->running) {
            uint64_t d = now - c->start;
            c->pending = 1;
            c->pending_n = n;
            c->pending_at = c->start + (d / c->n + 1) * c->n;
        }
        /* loaded but gate low: the gate's rising edge reloads */
        break;
    }
}

static void chan_write(PIT *p, int ch, uint8_t v)
{
    PITChan *c = &p->ch[ch];
    uint64_t now = now_tick(p);
    chan_sync(c, now);
    switch (c->rw) {
    case 1:
        count_written(c, v, now);
        break;
    case 2:
        count_written(c, (uint16_t)(v << 8), now);
        break;
    default:
        if (!c->wstate) {
            c->wlsb = v;
            c->wstate = 1;
            /* Mode 0: writing the first byte stops the count. */
            if (eff_mode(c) == 0 && c->running) {
                c->frozen_d = now - c->start;
                c->running = 0;
            }
        } else {
            c->wstate = 0;
            count_written(c, (uint16_t)(c->wlsb | (v << 8)), now);
        }
        break;
    }
    after_change(p, ch, now);
}

static uint8_t chan_read(PIT *p, int ch)
{
    PITChan *c = &p->ch[ch];
    if (c->status_latched) {
        c->status_latched = 0;
        return c->status;
    }
    if (c->latch_n) {
        uint8_t b;
        if (c->rw == 2)
            b = (uint8_t)(c->latch >> 8);
        else if (c->rw == 3 && c->latch_n == 1)
            b = (uint8_t)(c->latch >> 8);
        else
            b = (uint8_t)c->latch;
        c->latch_n--;
        if (c->rw != 3)
            c->latch_n = 0;
        return b;
    }
    uint64_t now = now_tick(p);
    chan_sync(c, now);
    uint16_t v = chan_count(c, now);
    switch (c->rw) {
    case 1:
        return (uint8_t)v;
    case 2:
        return (uint8_t)(v >> 8);
    default:
        c->rstate ^= 1;
        return c->rstate ? (uint8_t)v : (uint8_t)(v >> 8);
    }
}

static void latch_count(PIT *p, PITChan *c)
{
    if (c->latch_n)
        return; /* already latched: ignored until read */
    uint64_t now = now_tick(p);
    chan_sync(c, now);
    c->latch = chan_count(c, now);
    c->latch_n = c->rw == 3 ? 2 : 1;
}

static void latch_status(PIT *p, PITChan *c)
{
    if (c->status_latched)
        return;
    uint64_t now = now_tick(p);
    chan_sync(c, now);
    c->status = (uint8_t)((chan_out(c, now) << 7) | (c->null_count << 6) |
                          (c->rw << 4) | (c->mode_raw << 1) | c->bcd);
    c->status_latched = 1;
}

static void control_write(PIT *p, uint8_t v)
{
    int sc = v >> 6;
    if (sc == 3) { /* read-back */
        for (int i = 0; i < 3; i++) {
            if (!(v & (2u << i)))
                continue;
            /* Status first, so it reports the state before the latch. */
            if (!(v & 0x10))
                latch_status(p, &p->ch[i]);
            if (!(v & 0x20))
                latch_count(p, &p->ch[i]);
        }
        return;
    }
    PITChan *c = &p->ch[sc];
    int rw = (v >> 4) & 3;
    if (rw == 0) {
        latch_count(p, c);
        return;
    }
    uint64_t now = now_tick(p);
    c->mode_raw = (v >> 1) & 7;
    c->rw = (uint8_t)rw;
    c->bcd = v & 1;
    c->wstate = c->rstate = 0;
    c->latch_n = 0;
    c->status_latched = 0;
    c->null_count = 1;
    c->count_written = 0;
    c->loaded = c->running = 0;
    c->frozen_d = 0;
    c->pending = 0;
    after_change(p, sc, now);
}

void pit_set_gate(PIT *p, int ch, int level)
{
    if (ch < 0 || ch > 2)
        return;
    PITChan *c = &p->ch[ch];
    level = level != 0;
    if (level == c->gate)
        return;
    uint64_t now = now_tick(p);
    chan_sync(c, now);
    c->gate = (uint8_t)level;
    switch (eff_mode(c)) {
    case 0:
    case 4:
        if (!c->loaded)
            break;
        if (level && !c->running) {
            c->start = now - c->frozen_d;
            c->running = 1;
        } else if (!level && c->running) {
            c->frozen_d = now - c->start;
            c->running = 0;
        }
        break;
    case 1:
    case 5:
        if (level && c->count_written)
            start_counting(c, count_period(c, c->count_reg), now);
        break;
    default: /* 2, 3 */
        if (level && c->count_written) {
            start_counting(c, count_period(c, c->count_reg), now);
        } else if (!level && c->running) {
            c->frozen_d = now - c->start;
            c->running = 0;
            c->pending = 0;
        }
        break;
    }
    after_change(p, ch, now);
}

int pit_get_out(PIT *p, int ch)
{
    if (ch < 0 || ch > 2)
        return 0;
    uint64_t now = now_tick(p);
    chan_sync(&p->ch[ch], now);
    return chan_out(&p->ch[ch], now);
}

/* ------------------------------------------------------------ I/O */

static uint32_t pit_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    PIT *p = opaque;
    int r = port & 3;
    if (r == 3)
        return 0xFF; /* the control register is write-only */
    return chan_read(p, r);
}

static void pit_io_write(void *opaque, uint16_t port, uint32_t val,
                         unsigned size)
{
    (void)size;
    PIT *p = opaque;
    int r = port & 3;
    if (r == 3)
        control_write(p, (uint8_t)val);
    else
        chan_write(p, r, (uint8_t)val);
}

#define REFRESH_NS 15085u

static uint32_t p61_read(void *opaque, uint16_t port, unsigned size)
{
    (void)port;
    (void)size;
    PIT *p = opaque;
    uint64_t ns = vclock_now(p->clk);
    return (uint32_t)(p->port61 & 0x0F) | (uint32_t)(((ns / REFRESH_NS) & 1) << 4) |
           (uint32_t)(pit_get_out(p, 2) << 5);
}

static void p61_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    (void)port;
    (void)size;
    PIT *p = opaque;
    p->port61 = (uint8_t)(val & 0x0F);
    pit_set_gate(p, 2, val & 1);
}

/* ------------------------------------------------------------ lifecycle */

PIT *pit_new(VClock *clk, const PITOps *ops)
{
    PIT *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->clk = clk;
    if (ops)
        p->irq0 = ops->irq0;
    p->timer = vclock_timer_new(clk, pit_timer_cb, p);
    if (!p->timer) {
        free(p);
        return NULL;
    }
    pit_reset(p);
    return p;
}

void pit_free(PIT *p)
{
    if (!p)
        return;
    vclock_timer_free(p->timer);
    free(p);
}

int pit_register(PIT *p, IOBus *bus, uint16_t base)
{
    return iobus_register(bus, base, 4, IO_8, pit_io_read, pit_io_write, p);
}

int pit_register_port61(PIT *p, IOBus *bus, uint16_t port)
{
    return iobus_register(bus, port, 1, IO_8, p61_read, p61_write, p);
}

void pit_reset(PIT *p)
{
    for (int i = 0; i < 3; i++) {
        PITChan *c = &p->ch[i];
        memset(c, 0, sizeof(*c));
        c->rw = 3;
        c->null_count = 1;
        c->gate = i < 2; /* channels 0 and 1: gate tied high */
    }
    p->port61 = 0;
    vclock_timer_del(p->timer);
    p->irq_level = 0;
    irq_set(&p->irq0, 0);
    update_ch0(p, now_tick(p));
}

/* ------------------------------------------------------------ snapshots */

void pit_save(const PIT *p, SnapWriter *w)
{
    uint64_t now = vclock_ns_to_ticks(vclock_now(p->clk), PIT_FREQ_HZ);
    snap_begin(w, "PIT ", 1);
    for (int i = 0; i < 3; i++) {
        PITChan cc = p->ch[i];
        const PITChan *c = &cc;
        chan_sync(&cc, now); /* a due reload is saved as done */
        const uint8_t f[] = {c->mode_raw, c->rw, c->bcd, c->wstate,
                             c->rstate, c->wlsb, c->latch_n,
                             c->status_latched, c->status, c->gate,
                             c->null_count, c->count_written, c->loaded,
                             c->running, c->pending};
        snap_put_bytes(w, f, sizeof(f));
        snap_put_u16(w, c->latch);
        snap_put_u16(w, c->count_reg);
        snap_put_u32(w, c->n);
        snap_put_u64(w, chan_d(c, now));
        snap_put_u32(w, c->pending_n);
        snap_put_u64(w, c->pending ? c->pending_at - now : 0);
    }
    snap_put_u8(w, (uint8_t)p->irq_level);
    snap_put_u8(w, p->port61);
}

int pit_load(PIT *p, SnapReader *r)
{
    PITChan ch[3];
    uint64_t now = now_tick(p);
    memset(ch, 0, sizeof(ch));
    snap_expect(r, "PIT ", 1);
    for (int i = 0; i < 3 && !r->err; i++) {
        PITChan *c = &ch[i];
        uint8_t f[15];
        memset(c, 0, sizeof(*c));
        snap_get_bytes(r, f, sizeof(f));
        c->mode_raw = f[0], c->rw = f[1], c->bcd = f[2], c->wstate = f[3];
        c->rstate = f[4], c->wlsb = f[5], c->latch_n = f[6];
        c->status_latched = f[7], c->status = f[8], c->gate = f[9];
        c->null_count = f[10], c->count_written = f[11], c->loaded = f[12];
        c->running = f[13], c->pending = f[14];
        c->latch = snap_get_u16(r);
        c->count_reg = snap_get_u16(r);
        c->n = snap_get_u32(r);
        uint64_t d = snap_get_u64(r);
        c->pending_n = snap_get_u32(r);
        uint64_t rel = snap_get_u64(r);
        snap_check(r, c->mode_raw < 8 && c->rw >= 1 && c->rw <= 3 &&
                          c->latch_n <= 2);
        snap_check(r, c->bcd <= 1 && c->wstate <= 1 && c->rstate <= 1 &&
                          c->status_latched <= 1 && c->gate <= 1 &&
                          c->null_count <= 1 && c->count_written <= 1 &&
                          c->loaded <= 1 && c->running <= 1 &&
                          c->pending <= 1);
        /* n is bounded by the largest BCD reading of an invalid count
         * (F999 -> 15999) and by 65536. */
        snap_check(r, !c->loaded || (c->n >= 1 && c->n <= 65536));
        snap_check(r, !c->running || c->loaded);
        snap_check(r, !c->pending || (c->running && c->pending_n >= 1 &&
                                      c->pending_n <= 65536 &&
                                      rel <= 65536));
        if (c->running)
            c->start = now - d;
        else
            c->frozen_d = d;
        if (c->pending)
            c->pending_at = now + rel;
    }
    uint8_t lvl = snap_get_u8(r);
    uint8_t p61 = snap_get_u8(r);
    snap_check(r, lvl <= 1 && p61 <= 0x0F);
    snap_check(r, ((p61 & 1) != 0) == (ch[2].gate != 0));
    if (r->err) {
        pit_reset(p);
        return -1;
    }
    memcpy(p->ch, ch, sizeof(ch));
    p->port61 = p61;
    p->irq_level = -1;
    set_irq(p, lvl);
    chan_sync(&p->ch[0], now);
    arm_ch0(p, now);
    return 0;
}

int pit_dump(const PIT *p, char *buf, size_t len)
{
    int n = 0;
    for (int i = 0; i < 3 && len; i++) {
        const PITChan *c = &p->ch[i];
        int k = snprintf(buf + n, len - (size_t)n,
                         "PIT ch%d: mode=%d rw=%u%s count_reg=%04x n=%lu gate=%u "
                         "loaded=%u running=%u null=%u latch_n=%u\n",
                         i, eff_mode(c), c->rw, c->bcd ? " bcd" : "", c->count_reg,
                         (unsigned long)c->n, c->gate, c->loaded, c->running,
                         c->null_count, c->latch_n);
        if (k < 0 || (size_t)(n + k) >= len)
            return (int)len - 1;
        n += k;
    }
    if (len && (size_t)n + 1 < len)
        n += snprintf(buf + n, len - (size_t)n, "IRQ0 level: %d port61: %x\n",
                      p->irq_level, p->port61);
    return n;
}
