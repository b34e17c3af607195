/* MC146818 RTC and CMOS RAM.  See rtc.h.
 *
 * Time model.  The divider chain started at virtual time div_ns; updates
 * (the seconds counter advancing) happen at div_ns + 0.5 s + k s, k >= 0,
 * and periodic-interrupt edges at every P ticks of the 32768 Hz chain.
 * While the clock runs (SET clear, divider not in reset) the time is
 * sec_at plus the number of updates since sec_ns; the time registers are
 * derived from it when read.  While it is stopped, the time registers in
 * cmos[] are the time.  Flags in register C are brought up to date lazily
 * (sync) for everything that happened in (sync_ns, now]; a single VTimer is
 * armed for the next event whose flag would raise IRQF. */
#include "devices/rtc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC 1000000000ull
#define HALF_SEC_NS 500000000ull
#define UIP_NS 244140ull /* 8 periods of 32768 Hz */
#define SEC_LIMIT ((int64_t)1 << 40)

#define REGA_UIP 0x80
#define REGB_SET 0x80
#define REGB_PIE 0x40
#define REGB_AIE 0x20
#define REGB_UIE 0x10
#define REGB_SQWE 0x08
#define REGB_DM 0x04
#define REGB_24H 0x02
#define REGC_IRQF 0x80
#define REGC_PF 0x40
#define REGC_AF 0x20
#define REGC_UF 0x10

struct RTCState {
    RTCOps ops;
    VClock *clk;
    VTimer *timer;
    uint8_t cmos[128];
    uint8_t index;
    uint8_t nmi;
    uint8_t dow_delta; /* 0..6 */
    uint8_t irq_level;
    int64_t sec_at;    /* running: seconds value at sec_ns */
    uint64_t sec_ns;
    uint64_t div_ns;   /* divider chain epoch */
    uint64_t sync_ns;  /* register C is up to date for (.., sync_ns] */
};

/* ---------------------------------------------------------------- calendar */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Years start in March so that the leap day is the last day. */
    if (m <= 2)
        y--;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                       /* 0..399 */
    int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9; /* 0 = March */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468; /* 719468: 0000-03-01 to 1970 */
}

void rtc_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                       /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* ---------------------------------------------------------------- formats */

static int binary_mode(const RTCState *s) { return s->cmos[RTC_REG_B] & REGB_DM; }

static uint8_t to_reg(const RTCState *s, unsigned v)
{
    v %= 100;
    return binary_mode(s) ? (uint8_t)v : (uint8_t)(((v / 10) << 4) | (v % 10));
}

static unsigned from_reg(const RTCState *s, uint8_t b)
{
    return binary_mode(s) ? b : (unsigned)(b >> 4) * 10 + (b & 15);
}

static uint8_t fmt_hour(const RTCState *s, unsigned h)
{
    if (s->cmos[RTC_REG_B] & REGB_24H)
        return to_reg(s, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(to_reg(s, h12) | (h >= 12 ? 0x80 : 0));
}

static unsigned parse_hour(const RTCState *s, uint8_t b)
{
    if (s->cmos[RTC_REG_B] & REGB_24H)
        return from_reg(s, b);
    unsigned v = from_reg(s, b & 0x7F);
    return (v == 12 ? 0 : v) + ((b & 0x80) ? 12 : 0);
}

static unsigned weekday0(int64_t days) /* 0 = Sunday; 1970-01-01 = Thu */
{
    int64_t w = (days + 4) % 7;
    return (unsigned)(w < 0 ? w + 7 : w);
}

/* Writes the time registers for `secs`. */
static void materialize(RTCState *s, int64_t secs)
{
    int64_t days = floor_div(secs, 86400);
    int64_t tod = secs - days * 86400;
    int64_t y;
    unsigned m, d;
    rtc_civil_from_days(days, &y, &m, &d);
    y %= 10000;
    if (y < 0)
        y += 10000;
    s->cmos[RTC_SEC] = to_reg(s, (unsigned)(tod % 60));
    s->cmos[RTC_MIN] = to_reg(s, (unsigned)(tod / 60 % 60));
    s->cmos[RTC_HOUR] = fmt_hour(s, (unsigned)(tod / 3600));
    s->cmos[RTC_DOW] =
        to_reg(s, (weekday0(days) + s->dow_delta) % 7 + 1);
    s->cmos[RTC_DAY] = to_reg(s, d);
    s->cmos[RTC_MONTH] = to_reg(s, m);
    s->cmos[RTC_YEAR] = to_reg(s, (unsigned)(y % 100));
    s->cmos[RTC_CENTURY] = to_reg(s, (unsigned)(y / 100));
}

/* Reads the time registers back as seconds (out-of-range fields are
 * clamped or carried, never trusted as indices); updates dow_delta. */
static int64_t parse_time(RTCState *s)
{
    unsigned sec = from_reg(s, s->cmos[RTC_SEC]);
    unsigned min = from_reg(s, s->cmos[RTC_MIN]);
    unsigned hour = parse_hour(s, s->cmos[RTC_HOUR]);
    unsigned day = from_reg(s, s->cmos[RTC_DAY]);
    unsigned mon = from_reg(s, s->cmos[RTC_MONTH]);
    unsigned yr = from_reg(s, s->cmos[RTC_YEAR]);
    unsigned cent = from_reg(s, s->cmos[RTC_CENTURY]);
    unsigned dow = from_reg(s, s->cmos[RTC_DOW]);
    if (mon < 1)
        mon = 1;
    if (mon > 12)
        mon = 12;
    if (day < 1)
        day = 1;
    if (yr > 99)
        yr = 99;
    if (cent > 99)
        cent = 99;
    int64_t days = rtc_days_from_civil((int64_t)cent * 100 + yr, mon, day);
    int64_t secs = days * 86400 + (int64_t)hour * 3600 + (int64_t)min * 60 + sec;
    int64_t rdays = floor_div(secs, 86400);
    if (dow >= 1 && dow <= 7)
        s->dow_delta = (uint8_t)((dow - 1 + 7 - weekday0(rdays)) % 7);
    else
        s->dow_delta = 0;
    return secs;
}

/* ---------------------------------------------------------------- timing */

static int divider_reset(const RTCState *s)
{
    return (s->cmos[RTC_REG_A] & 0x60) == 0x60;
}

static int running(const RTCState *s)
{
    return !(s->cmos[RTC_REG_B] & REGB_SET) && !divider_reset(s);
}

/* Number of updates at times <= t. */
static uint64_t upd_count(const RTCState *s, uint64_t t)
{
    uint64_t first = s->div_ns + HALF_SEC_NS;
    if (t < first)
        return 0;
    return (t - first) / NS_PER_SEC + 1;
}

static uint64_t next_update_after(const RTCState *s, uint64_t t)
{
    uint64_t first = s->div_ns + HALF_SEC_NS;
    if (t < first)
        return first;
    return first + ((t - first) / NS_PER_SEC + 1) * NS_PER_SEC;
}

static int64_t cur_sec(const RTCState *s, uint64_t t)
{
    return s->sec_at + (int64_t)(upd_count(s, t) - upd_count(s, s->sec_ns));
}

/* Periodic interrupt period in 32768 Hz ticks, 0 if off. */
static uint64_t period_ticks(const RTCState *s)
{
    unsigned rs = s->cmos[RTC_REG_A] & 15;
    if (rs == 0 || divider_reset(s))
        return 0;
    if (rs <= 2)
        return rs == 1 ? 128 : 256;
    return (uint64_t)1 << (rs - 1);
}

static uint64_t pcount(const RTCState *s, uint64_t t, uint64_t p)
{
    if (t < s->div_ns)
        return 0;
    return vclock_ns_to_ticks(t - s->div_ns, 32768) / p;
}

/* Time of periodic edge k: the first ns at which the chain has counted
 * k*p ticks (rounded up, so that pcount() agrees exactly). */
static uint64_t pedge(const RTCState *s, uint64_t k, uint64_t p)
{
    uint64_t ticks = k * p;
    uint64_t ns = (ticks / 32768) * NS_PER_SEC +
                  ((ticks % 32768) * NS_PER_SEC + 32767) / 32768;
    return s->div_ns + ns;
}

static int alarm_field(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xC0) == 0xC0 || alarm == now;
}

/* The first seconds value after s0 that matches the alarm, or INT64_MAX. */
static int64_t alarm_next(const RTCState *s, int64_t s0)
{
    int64_t t = s0 + 1;
    for (int i = 0; i < 500; i++) {
        int64_t tod = t - floor_div(t, 86400) * 86400;
        unsigned h = (unsigned)(tod / 3600), m = (unsigned)(tod / 60 % 60),
                 sec = (unsigned)(tod % 60);
        if (!alarm_field(s->cmos[RTC_HOUR_ALARM], fmt_hour(s, h))) {
            t += 3600 - tod % 3600;
            continue;
        }
        if (!alarm_field(s->cmos[RTC_MIN_ALARM], to_reg(s, m))) {
            t += 60 - sec;
            continue;
        }
        if (!alarm_field(s->cmos[RTC_SEC_ALARM], to_reg(s, sec))) {
            t++;
            continue;
        }
        return t;
    }
    return INT64_MAX;
}

static void update_irq(RTCState *s)
{
    uint8_t c = s->cmos[RTC_REG_C];
    if (c & s->cmos[RTC_REG_B] & 0x70)
        c |= REGC_IRQF;
    s->cmos[RTC_REG_C] = c;
    uint8_t level = (c & REGC_IRQF) ? 1 : 0;
    if (level != s->irq_level) {
        s->irq_level = level;
        irq_set(&s->ops.irq, level);
    }
}

/* Sets the flags of everything that happened in (sync_ns, now]. */
static void sync(RTCState *s, uint64_t now)
{
    if (now <= s->sync_ns)
        return;
    uint64_t a = s->sync_ns;
    uint64_t p = period_ticks(s);
    if (p && pcount(s, now, p) > pcount(s, a, p))
        s->cmos[RTC_REG_C] |= REGC_PF;
    if (running(s)) {
        uint64_t n = upd_count(s, now) - upd_count(s, a);
        if (n) {
            s->cmos[RTC_REG_C] |= REGC_UF;
            int64_t s0 = cur_sec(s, a);
            if (alarm_next(s, s0) <= s0 + (int64_t)n)
                s->cmos[RTC_REG_C] |= REGC_AF;
        }
    }
    s->sync_ns = now;
    update_irq(s);
}

/* Arms the timer for the next event that would raise IRQF. */
static void arm(RTCState *s)
{
    uint64_t now = vclock_now(s->clk);
    uint64_t when = VCLOCK_NEVER;
    uint8_t b = s->cmos[RTC_REG_B];
    if (!(s->cmos[RTC_REG_C] & REGC_IRQF)) {
        uint64_t p = period_ticks(s);
        if ((b & REGB_PIE) && p) {
            uint64_t t = pedge(s, pcount(s, now, p) + 1, p);
            if (t < when)
                when = t;
        }
        if (running(s) && (b & (REGB_UIE | REGB_AIE))) {
            uint64_t nu = next_update_after(s, now);
            if ((b & REGB_UIE) && nu < when)
                when = nu;
            if (b & REGB_AIE) {
                int64_t s0 = cur_sec(s, now);
                int64_t sa = alarm_next(s, s0);
                if (sa != INT64_MAX) {
                    uint64_t k = (uint64_t)(sa - s0 - 1);
                    if (k < (1u << 20)) { /* at most about a day */
                        uint64_t t = nu + k * NS_PER_SEC;
                        if (t < when)
                            when = t;
                    }
                }
            }
        }
    }
    if (when == VCLOCK_NEVER)
        vclock_timer_del(s->timer);
    else
        vclock_timer_mod(s->timer, when);
}

static void rtc_timer_cb(void *opaque)
{
    RTCState *s = opaque;
    sync(s, vclock_now(s->clk));
    arm(s);
}

/* ---------------------------------------------------------------- access */

static int is_time_reg(unsigned i)
{
    return i == RTC_SEC || i == RTC_MIN || i == RTC_HOUR || i == RTC_DOW ||
           i == RTC_DAY || i == RTC_MONTH || i == RTC_YEAR || i == RTC_CENTURY;
}

static uint8_t cmos_read(RTCState *s, unsigned i)
{
    uint64_t now = vclock_now(s->clk);
    sync(s, now);
    i &= 0x7F;
    if (is_time_reg(i)) {
        if (running(s))
            materialize(s, cur_sec(s, now));
        return s->cmos[i];
    }
    switch (i) {
    case RTC_REG_A: {
        uint8_t a = s->cmos[RTC_REG_A] & 0x7F;
        if (running(s) && next_update_after(s, now) - now <= UIP_NS)
            a |= REGA_UIP;
        return a;
    }
    case RTC_REG_C: {
        uint8_t c = s->cmos[RTC_REG_C];
        s->cmos[RTC_REG_C] = 0;
        update_irq(s);
        arm(s);
        return c;
    }
    case RTC_REG_D:
        return 0x80;
    default:
        return s->cmos[i];
    }
}

static void cmos_write(RTCState *s, unsigned i, uint8_t v)
{
    uint64_t now = vclock_now(s->clk);
    sync(s, now);
    i &= 0x7F;
    int was = running(s);
    if (was)
        materialize(s, cur_sec(s, now));
    if (is_time_reg(i)) {
        s->cmos[i] = v;
        if (was) {
            s->sec_at = parse_time(s);
            s->sec_ns = now;
        }
    } else if (i == RTC_REG_A) {
        int was_reset = divider_reset(s);
        s->cmos[RTC_REG_A] = v & 0x7F;
        if (was_reset && !divider_reset(s))
            s->div_ns = now; /* first update 500 ms from now */
    } else if (i == RTC_REG_B) {
        if (v & REGB_SET)
            v &= (uint8_t)~REGB_UIE;
        s->cmos[RTC_REG_B] = v;
    } else if (i == RTC_REG_C || i == RTC_REG_D) {
        /* read-only */
    } else {
        s->cmos[i] = v;
    }
    if (!was && running(s)) {
        s->sec_at = parse_time(s);
        s->sec_ns = now;
    }
    update_irq(s);
    arm(s);
}

static uint32_t rtc_port_read(void *opaque, uint16_t port, unsigned size)
{
    RTCState *s = opaque;
    (void)size;
    if (!(port & 1))
        return 0xFF; /* the index port is write-only */
    return cmos_read(s, s->index);
}

static void rtc_port_write(void *opaque, uint16_t port, uint32_t val,
                           unsigned size)
{
    RTCState *s = opaque;
    (void)size;
    if (!(port & 1)) {
        s->index = val & 0x7F;
        s->nmi = (val >> 7) & 1;
        if (s->ops.nmi_mask)
            s->ops.nmi_mask(s->ops.opaque, s->nmi);
        return;
    }
    cmos_write(s, s->index, (uint8_t)val);
}

/* ---------------------------------------------------------------- API */

static int64_t clamp_sec(int64_t v)
{
    if (v > SEC_LIMIT)
        return SEC_LIMIT;
    if (v < -SEC_LIMIT)
        return -SEC_LIMIT;
    return v;
}

RTCState *rtc_new(const RTCOps *ops, VClock *clk, int64_t base_unix)
{
    RTCState *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    if (ops)
        s->ops = *ops;
    s->clk = clk;
    s->timer = vclock_timer_new(clk, rtc_timer_cb, s);
    if (!s->timer) {
        free(s);
        return NULL;
    }
    uint64_t now = vclock_now(clk);
    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = REGB_24H;
    s->cmos[RTC_REG_D] = 0x80;
    s->div_ns = 0;
    /* base_unix is the time at virtual time 0. */
    s->sec_at = clamp_sec(base_unix);
    s->sec_ns = 0;
    s->sync_ns = now;
    materialize(s, cur_sec(s, now));
    return s;
}

void rtc_free(RTCState *s)
{
    if (!s)
        return;
    vclock_timer_free(s->timer);
    free(s);
}

int rtc_register(RTCState *s, IOBus *bus, uint16_t base)
{
    return iobus_register(bus, base, 2, IO_8, rtc_port_read, rtc_port_write, s);
}

void rtc_reset(RTCState *s)
{
    uint64_t now = vclock_now(s->clk);
    sync(s, now);
    s->cmos[RTC_REG_B] &=
        (uint8_t)~(REGB_PIE | REGB_AIE | REGB_UIE | REGB_SQWE);
    s->cmos[RTC_REG_C] = 0;
    update_irq(s);
    arm(s);
}

void rtc_cmos_set(RTCState *s, unsigned index, uint8_t value)
{
    if (index < 128)
        cmos_write(s, index, value);
}

uint8_t rtc_cmos_get(RTCState *s, unsigned index)
{
    return index < 128 ? cmos_read(s, index) : 0xFF;
}

int rtc_nmi_masked(const RTCState *s) { return s->nmi; }

int64_t rtc_get_time(RTCState *s)
{
    if (running(s))
        return cur_sec(s, vclock_now(s->clk));
    uint8_t keep = s->dow_delta;
    int64_t t = parse_time(s);
    s->dow_delta = keep;
    return t;
}

void rtc_save(const RTCState *s, SnapWriter *w)
{
    snap_begin(w, "RTC0", 1);
    snap_put_bytes(w, s->cmos, sizeof(s->cmos));
    snap_put_u8(w, s->index);
    snap_put_u8(w, s->nmi);
    snap_put_u8(w, s->dow_delta);
    snap_put_u8(w, s->irq_level);
    snap_put_u64(w, (uint64_t)s->sec_at);
    snap_put_u64(w, s->sec_ns);
    snap_put_u64(w, s->div_ns);
    snap_put_u64(w, s->sync_ns);
}

int rtc_load(RTCState *s, SnapReader *r)
{
    RTCState t = *s;
    snap_expect(r, "RTC0", 1);
    snap_get_bytes(r, t.cmos, sizeof(t.cmos));
    t.index = snap_get_u8(r);
    t.nmi = snap_get_u8(r);
    t.dow_delta = snap_get_u8(r);
    t.irq_level = snap_get_u8(r);
    t.sec_at = (int64_t)snap_get_u64(r);
    t.sec_ns = snap_get_u64(r);
    t.div_ns = snap_get_u64(r);
    t.sync_ns = snap_get_u64(r);
    snap_check(r, t.index < 128);
    snap_check(r, t.nmi <= 1);
    snap_check(r, t.dow_delta < 7);
    snap_check(r, t.irq_level <= 1);
    snap_check(r, !(t.cmos[RTC_REG_A] & REGA_UIP));
    snap_check(r, !(t.cmos[RTC_REG_C] & 0x0F));
    snap_check(r, t.cmos[RTC_REG_D] == 0x80);
    snap_check(r, t.sec_at >= -SEC_LIMIT && t.sec_at <= SEC_LIMIT);
    snap_check(r, t.div_ns < ((uint64_t)1 << 62) &&
                      t.sec_ns < ((uint64_t)1 << 62) &&
                      t.sync_ns < ((uint64_t)1 << 62));
    snap_check(r, t.irq_level == !!(t.cmos[RTC_REG_C] & REGC_IRQF));
    /* The time base and the divider epoch are only ever set to the time
     * of a sync. */
    snap_check(r, t.sec_ns <= t.sync_ns && t.div_ns <= t.sync_ns);
    if (r->err)
        return -1;
    /* Keep the host attachments, take the state. */
    uint8_t old_level = s->irq_level;
    t.ops = s->ops;
    t.clk = s->clk;
    t.timer = s->timer;
    *s = t;
    if (s->irq_level != old_level)
        irq_set(&s->ops.irq, s->irq_level);
    arm(s);
    return 0;
}

int rtc_dump(const RTCState *s, char *buf, size_t len)
{
    if (!len)
        return 0;
    int n = snprintf(buf, len,
                     "RTC: index=%02x nmi_mask=%u A=%02x B=%02x C=%02x D=%02x "
                     "irq8=%u (time registers are computed when read)\n",
                     s->index, s->nmi, s->cmos[0x0A], s->cmos[0x0B],
                     s->cmos[0x0C], s->cmos[0x0D], s->irq_level);
    return n < 0 ? 0 : (size_t)n >= len ? (int)len - 1 : n;
}
