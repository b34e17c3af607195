/* Unit tests for the MC146818 RTC/CMOS and the BIOS CMOS layout, driven
 * through the I/O bus with a manual virtual clock.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/cmos_layout.h"
#include "devices/rtc.h"
#include "devices/snap.h"
#include "devices/vclock.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

#define MS 1000000ull
#define US 1000ull
#define SEC 1000000000ull

typedef struct Wire {
    int level, rises, nmi, nmi_calls;
} Wire;

static void w_irq(void *o, int n, int level)
{
    Wire *w = o;
    (void)n;
    if (level && !w->level)
        w->rises++;
    w->level = level;
}

static void w_nmi(void *o, int masked)
{
    Wire *w = o;
    w->nmi = masked;
    w->nmi_calls++;
}

static IOBus *bus;
static VClock *clk;
static Wire wire;

static uint8_t rd(uint8_t idx)
{
    iobus_write(bus, 0x70, idx, 1);
    return (uint8_t)iobus_read(bus, 0x71, 1);
}

static void wr(uint8_t idx, uint8_t v)
{
    iobus_write(bus, 0x70, idx, 1);
    iobus_write(bus, 0x71, v, 1);
}

static RTCState *make(int64_t base)
{
    if (bus)
        iobus_free(bus);
    if (clk)
        vclock_free(clk);
    bus = iobus_new();
    clk = vclock_new(VCLOCK_MANUAL, 0);
    memset(&wire, 0, sizeof(wire));
    RTCOps ops = {.irq = irq_line(w_irq, &wire, 8), .opaque = &wire,
                  .nmi_mask = w_nmi};
    RTCState *s = rtc_new(&ops, clk, base);
    if (!s || rtc_register(s, bus, 0x70) != 0) {
        printf("Bail out! cannot create the RTC\n");
        exit(1);
    }
    return s;
}

/* Advances to the moment of the next update (time registers just changed). */
static uint64_t next_update(void)
{
    uint64_t now = vclock_now(clk);
    /* Updates are at 0.5 s + k s for an RTC created at time 0. */
    uint64_t k = now < SEC / 2 ? 0 : (now - SEC / 2) / SEC + 1;
    return SEC / 2 + k * SEC;
}

static void test_calendar(void)
{
    ok(rtc_days_from_civil(1970, 1, 1) == 0, "days: 1970-01-01 = 0");
    ok(rtc_days_from_civil(2024, 2, 29) == 1709251198 / 86400,
       "days: 2024-02-29");
    ok(rtc_days_from_civil(1900, 3, 1) == -25508 &&
           rtc_days_from_civil(2100, 3, 1) == 47541,
       "days: 1900-03-01 and 2100-03-01 (non-leap centuries)");
    int good = 1;
    for (int64_t d = -800000; d < 800000; d += 997) {
        int64_t y;
        unsigned m, dd;
        rtc_civil_from_days(d, &y, &m, &dd);
        if (rtc_days_from_civil(y, m, dd) != d || m < 1 || m > 12 || dd < 1 ||
            dd > 31)
            good = 0;
    }
    ok(good, "civil_from_days inverts days_from_civil over +-2000 years");
}

static void test_time_read(void)
{
    RTCState *s = make(1709251198); /* 2024-02-29 23:59:58 UTC, Thursday */
    ok(rd(RTC_REG_A) == 0x26 && rd(RTC_REG_B) == 0x02, "power-on A=26 B=02");
    ok(rd(RTC_REG_D) == 0x80, "register D: VRT set");
    ok(rd(0) == 0x58 && rd(2) == 0x59 && rd(4) == 0x23, "BCD time 23:59:58");
    ok(rd(7) == 0x29 && rd(8) == 0x02 && rd(9) == 0x24 && rd(0x32) == 0x20,
       "BCD date 2024-02-29, century 20");
    ok(rd(6) == 5, "day of week Thursday = 5");
    vclock_advance(clk, SEC / 2 - 1);
    ok(rd(0) == 0x58, "no update before 0.5 s");
    vclock_advance(clk, 1);
    ok(rd(0) == 0x59, "first update at 0.5 s");
    vclock_advance(clk, SEC);
    ok(rd(0) == 0 && rd(2) == 0 && rd(4) == 0 && rd(7) == 1 && rd(8) == 3 &&
           rd(9) == 0x24,
       "leap-day rollover to 2024-03-01 00:00:00");
    ok(rd(6) == 6, "day of week Friday = 6");
    ok(rtc_get_time(s) == 1709251200, "rtc_get_time follows");

    wr(RTC_REG_B, 0x06); /* binary, 24h */
    ok(rd(7) == 1 && rd(8) == 3 && rd(9) == 24 && rd(0x32) == 20,
       "binary mode date");
    vclock_advance(clk, 13 * 3600 * SEC + 45 * SEC);
    ok(rd(4) == 13 && rd(0) == 45, "binary 13:00:45");
    wr(RTC_REG_B, 0x04); /* binary, 12h */
    ok(rd(4) == (0x80 | 1), "12h binary: 1 PM = 0x81");
    wr(RTC_REG_B, 0x00); /* BCD, 12h */
    ok(rd(4) == 0x81, "12h BCD: 1 PM = 0x81");
    vclock_advance(clk, 11 * 3600 * SEC);
    ok(rd(4) == 0x12 && rd(7) == 0x02, "12h BCD: midnight reads 12 AM (0x12)");
    vclock_advance(clk, 12 * 3600 * SEC);
    ok(rd(4) == 0x92, "12h BCD: noon reads 12 PM (0x92)");
    wr(RTC_REG_B, 0x02);
    ok(rd(4) == 0x12, "back to 24h BCD: 12");

    /* Century rollover. */
    rtc_free(s);
    s = make(946684799);
    vclock_advance(clk, SEC / 2);
    ok(rd(9) == 0x00 && rd(0x32) == 0x20 && rd(8) == 1 && rd(7) == 1 &&
           rd(6) == 7,
       "1999-12-31 23:59:59 rolls to 2000-01-01 (Saturday, century 20)");
    rtc_free(s);
}

static void test_set_time(void)
{
    RTCState *s = make(1709251198);
    vclock_advance(clk, 3 * SEC / 4); /* mid-second */
    wr(RTC_REG_B, 0x82);              /* SET, 24h BCD */
    uint8_t frozen = rd(0);
    wr(0, 0x30);
    wr(2, 0x15);
    wr(4, 0x10);
    wr(7, 0x04);
    wr(8, 0x07);
    wr(9, 0x99);
    wr(0x32, 0x19);
    wr(6, 1);
    vclock_advance(clk, 3 * SEC);
    ok(rd(0) == 0x30 && rd(4) == 0x10 && frozen == 0x59,
       "SET: registers hold written values, clock stopped");
    ok((rd(RTC_REG_A) & 0x80) == 0, "SET: UIP clear");
    wr(RTC_REG_B, 0x02);
    ok(rtc_get_time(s) == 931083330, "cleared SET: time 1999-07-04 10:15:30");
    ok(rd(6) == 1, "written day of week kept (1 = Sunday)");
    uint64_t nu = next_update();
    vclock_advance(clk, nu - vclock_now(clk) - 1);
    ok(rd(0) == 0x30, "next update on the old divider phase, not before");
    vclock_advance(clk, 1);
    ok(rd(0) == 0x31 && rd(2) == 0x15, "clock runs on from the set time");

    /* Write without SET while running. */
    wr(2, 0x45);
    ok(rd(2) == 0x45 && rd(0) == 0x31 && rd(4) == 0x10,
       "direct minute write while running");
    vclock_advance(clk, SEC);
    ok(rd(2) == 0x45 && rd(0) == 0x32, "and keeps counting");

    /* SET clears UIE. */
    wr(RTC_REG_B, 0x12);
    wr(RTC_REG_B, 0x92);
    ok(rd(RTC_REG_B) == 0x82, "setting SET clears UIE");
    wr(RTC_REG_B, 0x02);

    /* Divider reset. */
    wr(RTC_REG_A, 0x76);
    uint8_t sec = rd(0);
    vclock_advance(clk, 5 * SEC);
    ok(rd(0) == sec, "divider reset (DV=11x): time stopped");
    wr(RTC_REG_A, 0x26);
    vclock_advance(clk, SEC / 2 - 1);
    ok(rd(0) == sec, "leaving divider reset: no update before 500 ms");
    vclock_advance(clk, 1);
    ok(rd(0) == (uint8_t)(sec + 1), "first update 500 ms after leaving reset");
    rtc_free(s);
}

static void test_uip(void)
{
    RTCState *s = make(0);
    uint64_t nu = next_update();
    vclock_advance(clk, nu - 245 * US);
    ok(!(rd(RTC_REG_A) & 0x80), "UIP clear 245 us before the update");
    vclock_advance(clk, 2 * US);
    ok(rd(RTC_REG_A) & 0x80, "UIP set 243 us before the update");
    uint8_t sec = rd(0);
    vclock_advance(clk, 243 * US - 1);
    ok((rd(RTC_REG_A) & 0x80) && rd(0) == sec, "UIP set 1 ns before, old time");
    vclock_advance(clk, 1);
    ok(!(rd(RTC_REG_A) & 0x80) && rd(0) == sec + 1,
       "at the update: UIP clear, new time");
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER,
       "no timer armed with no interrupt enabled");
    rtc_free(s);
}

/* Counts interrupts over `span` ns stepping by `step`, acknowledging each
 * by reading C. */
static int count_irqs(uint64_t span, uint64_t step)
{
    int n = 0;
    uint64_t start = vclock_now(clk), steps = span / step;
    for (uint64_t i = 1; i <= steps; i++) {
        /* Exact tiling of [start, start + span]. */
        vclock_advance(clk, start + span * i / steps - vclock_now(clk));
        if (wire.level) {
            uint8_t c = rd(RTC_REG_C);
            if (c & 0x80)
                n++;
        }
    }
    return n;
}

static void test_periodic(void)
{
    RTCState *s = make(0);
    static const struct {
        uint8_t rs;
        int hz;
    } rates[] = {{6, 1024}, {15, 2}, {3, 8192}, {1, 256}, {2, 128}, {13, 8}};
    for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        rtc_free(s);
        s = make(0); /* divider epoch at time 0: edges at k * period */
        wr(RTC_REG_A, (uint8_t)(0x20 | rates[i].rs));
        wr(RTC_REG_B, 0x42); /* PIE */
        rd(RTC_REG_C);
        uint64_t step = SEC / ((uint64_t)rates[i].hz * 4);
        int n = count_irqs(SEC, step);
        char what[80];
        snprintf(what, sizeof(what), "RS=%u: %d interrupts in 1 s (want %d)",
                 rates[i].rs, n, rates[i].hz);
        ok(n == rates[i].hz, what);
        wr(RTC_REG_B, 0x02);
        rd(RTC_REG_C);
    }
    /* PF without PIE: no interrupt, no timer, but the flag. */
    wr(RTC_REG_A, 0x26);
    wr(RTC_REG_B, 0x02);
    rd(RTC_REG_C);
    int rises = wire.rises;
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER, "PIE off: no timer armed");
    vclock_advance(clk, 2 * MS);
    ok(wire.rises == rises && (rd(RTC_REG_C) & 0xC0) == 0x40,
       "PIE off: PF set without IRQF or IRQ");
    ok(rd(RTC_REG_C) == 0, "C cleared by the read");
    /* Enabling PIE with PF pending raises IRQF at once. */
    vclock_advance(clk, 2 * MS);
    wr(RTC_REG_B, 0x42);
    ok(wire.level == 1, "enabling PIE with PF pending asserts IRQ8");
    ok(rd(RTC_REG_C) == 0xC0 && wire.level == 0,
       "reading C returns IRQF|PF and lowers IRQ8");
    wr(RTC_REG_A, 0x20);
    rd(RTC_REG_C);
    vclock_advance(clk, 100 * MS);
    ok(!(rd(RTC_REG_C) & 0x40) && wire.level == 0, "RS=0: no periodic flag");
    wr(RTC_REG_B, 0x02);
    rtc_free(s);
}

static void test_alarm_update(void)
{
    RTCState *s = make(1709251198 - 86400 + 2); /* 2024-02-29 00:00:00 */
    wr(RTC_REG_A, 0x20); /* no periodic flag, so C is exact below */
    /* Update-ended interrupt. */
    wr(RTC_REG_B, 0x12);
    int n = count_irqs(3 * SEC, 10 * MS);
    ok(n == 3, "UIE: one interrupt per second");
    vclock_advance(clk, next_update() - vclock_now(clk));
    ok(wire.level == 1, "UIE: IRQ8 at the update");
    uint8_t c = rd(RTC_REG_C);
    ok(c == 0x90, "C = IRQF|UF");
    ok(wire.level == 0 && rd(RTC_REG_C) == 0, "C read clears flags and IRQ");
    wr(RTC_REG_B, 0x02);
    rd(RTC_REG_C);

    /* Set 10:20:30 and an alarm at 10:20:35. */
    wr(RTC_REG_B, 0x82);
    wr(0, 0x30);
    wr(2, 0x20);
    wr(4, 0x10);
    wr(RTC_REG_B, 0x02);
    rd(RTC_REG_C);
    uint64_t u0 = next_update(); /* seconds become 31 */
    wr(RTC_SEC_ALARM, 0x35);
    wr(RTC_MIN_ALARM, 0x20);
    wr(RTC_HOUR_ALARM, 0x10);
    wr(RTC_REG_B, 0x22); /* AIE */
    ok(vclock_next_deadline(clk) == u0 + 4 * SEC,
       "AIE: timer armed exactly for the 10:20:35 update");
    vclock_advance(clk, u0 + 4 * SEC - 1 - vclock_now(clk));
    ok(wire.level == 0 && rd(0) == 0x34, "no alarm at 10:20:34");
    vclock_advance(clk, 1);
    ok(wire.level == 1 && rd(0) == 0x35, "alarm interrupt at 10:20:35");
    ok(rd(RTC_REG_C) == 0xB0, "C = IRQF|AF|UF");
    ok(rd(RTC_REG_C) == 0 && wire.level == 0, "second read of C is 0");

    /* Don't-care values: every second. */
    wr(RTC_SEC_ALARM, 0xC0);
    wr(RTC_MIN_ALARM, 0xFF);
    wr(RTC_HOUR_ALARM, 0xC5);
    n = count_irqs(3 * SEC, 10 * MS);
    ok(n == 3, "alarm with all fields don't-care: every second");
    /* Minute and second don't-care, hour 11: first at 11:00:00. */
    wr(RTC_HOUR_ALARM, 0x11);
    rd(RTC_REG_C);
    int64_t t = rtc_get_time(s);
    int64_t to11 = 3600 - (t % 3600);
    uint64_t nu = next_update();
    ok(vclock_next_deadline(clk) == nu + (uint64_t)(to11 - 1) * SEC,
       "alarm hour 11, rest don't-care: timer at 11:00:00");
    vclock_advance(clk, nu + (uint64_t)(to11 - 1) * SEC - vclock_now(clk));
    ok(wire.level == 1 && rd(4) == 0x11 && rd(2) == 0 && rd(0) == 0,
       "fires at 11:00:00");
    rd(RTC_REG_C);
    vclock_advance(clk, SEC);
    ok(wire.level == 1 && rd(0) == 1, "and at 11:00:01 (seconds don't-care)");
    rd(RTC_REG_C);

    /* 12-hour alarm: 1 PM. */
    wr(RTC_REG_B, 0x20); /* 12h BCD, AIE */
    wr(RTC_SEC_ALARM, 0x00);
    wr(RTC_MIN_ALARM, 0x00);
    wr(RTC_HOUR_ALARM, 0x81);
    rd(RTC_REG_C);
    t = rtc_get_time(s);
    nu = next_update();
    int64_t to13 = 13 * 3600 - (t % 86400);
    ok(vclock_next_deadline(clk) == nu + (uint64_t)(to13 - 1) * SEC,
       "12h alarm 0x81 (1 PM): timer at 13:00:00");
    vclock_advance(clk, nu + (uint64_t)(to13 - 1) * SEC - vclock_now(clk));
    ok(wire.level == 1 && rd(4) == 0x81, "fires at 1 PM");
    rd(RTC_REG_C);

    /* AF without AIE, found when C is read. */
    wr(RTC_REG_B, 0x02);
    wr(RTC_HOUR_ALARM, 0x13);
    wr(RTC_MIN_ALARM, 0x00);
    wr(RTC_SEC_ALARM, 0x05);
    rd(RTC_REG_C);
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER, "AIE off: no timer");
    vclock_advance(clk, 10 * SEC);
    ok(wire.level == 0 && rd(RTC_REG_C) == 0x30,
       "AIE off: AF and UF found lazily, no IRQF");
    vclock_advance(clk, 10 * SEC);
    ok(rd(RTC_REG_C) == 0x10, "alarm passed: only UF");

    /* An alarm value that can never match. */
    wr(RTC_SEC_ALARM, 0x7A);
    wr(RTC_REG_B, 0x22);
    rd(RTC_REG_C);
    ok(vclock_next_deadline(clk) == VCLOCK_NEVER,
       "impossible alarm second 0x7A: never armed");
    vclock_advance(clk, 90000 * SEC);
    ok(wire.level == 0 && rd(RTC_REG_C) == 0x10, "and never fires in a day");
    wr(RTC_REG_B, 0x02);

    /* RESET pin. */
    wr(RTC_REG_B, 0x7A);
    vclock_advance(clk, SEC);
    ok(wire.level == 1, "interrupt pending before reset");
    rtc_reset(s);
    ok(wire.level == 0 && rd(RTC_REG_B) == 0x02 && rd(RTC_REG_C) == 0,
       "rtc_reset clears PIE/AIE/UIE/SQWE and C");
    rtc_free(s);
}

static void test_nmi_ram(void)
{
    RTCState *s = make(0);
    iobus_write(bus, 0x70, 0x8F, 1);
    ok(rtc_nmi_masked(s) == 1 && wire.nmi == 1 && wire.nmi_calls == 1,
       "index write with bit 7: NMI masked, callback told");
    iobus_write(bus, 0x71, 0x5A, 1);
    iobus_write(bus, 0x70, 0x0F, 1);
    ok(rtc_nmi_masked(s) == 0 && wire.nmi == 0,
       "index write without bit 7: NMI unmasked");
    ok(iobus_read(bus, 0x71, 1) == 0x5A, "bit 7 not part of the index");
    ok(iobus_read(bus, 0x70, 1) == 0xFF, "index port reads 0xFF");
    int good = 1;
    for (unsigned i = 0x0E; i < 0x80; i++)
        if (i != RTC_CENTURY)
            wr((uint8_t)i, (uint8_t)(i * 7 + 1));
    for (unsigned i = 0x0E; i < 0x80; i++)
        if (i != RTC_CENTURY && rd((uint8_t)i) != (uint8_t)(i * 7 + 1))
            good = 0;
    ok(good, "CMOS RAM 0x0E-0x7F holds its bytes");
    wr(RTC_REG_D, 0x00);
    wr(RTC_REG_C, 0xFF);
    ok(rd(RTC_REG_D) == 0x80 && rd(RTC_REG_C) == 0, "C and D read-only");
    wr(RTC_REG_A, 0xA6);
    ok((rd(RTC_REG_A) & 0x7F) == 0x26, "A: bits 6-0 stored");
    rtc_free(s);
}

static void test_layout(void)
{
    RTCState *s = make(1709251198);
    CmosLayout l = {0};
    l.ram_below_4g = 3ull << 30;        /* 3 GiB */
    l.ram_above_4g = 1ull << 30;        /* 1 GiB */
    l.floppy[0] = CMOS_FD_1440K;
    l.disk[0].present = 1;
    l.disk[0].cylinders = 1024;
    l.disk[0].heads = 16;
    l.disk[0].sectors = 63;
    l.boot_order = "cda";
    l.fpu = 1;
    ok(cmos_layout_apply(s, &l) == 0, "layout applied");
    ok(rd(0x10) == 0x40, "0x10: drive A 1.44M, no B");
    ok(rd(0x12) == 0xF0 && rd(0x19) == 47 && rd(0x1A) == 0,
       "0x12/0x19/0x1A: disk 0 type 47");
    ok(rd(0x1B) == 0x00 && rd(0x1C) == 0x04 && rd(0x1D) == 16 &&
           rd(0x20) == 0xC8 && rd(0x23) == 63,
       "disk 0 geometry 1024/16/63, control byte 0xC8");
    ok(rd(0x14) == 0x03, "0x14 equipment: one floppy, FPU");
    ok(rd(0x15) == 0x80 && rd(0x16) == 0x02, "0x15/0x16: 640 KiB");
    ok(rd(0x17) == 0xFF && rd(0x18) == 0xFF && rd(0x30) == 0xFF &&
           rd(0x31) == 0xFF,
       "extended memory capped at 0xFFFF KiB");
    /* (3 GiB - 16 MiB) / 64 KiB = 0xBF00 */
    ok(rd(0x34) == 0x00 && rd(0x35) == 0xBF, "0x34/0x35: 0xBF00 x 64 KiB");
    ok(rd(0x5B) == 0x00 && rd(0x5C) == 0x40 && rd(0x5D) == 0x00,
       "0x5B-0x5D: 1 GiB above 4G = 0x4000 x 64 KiB");
    ok(rd(0x3D) == 0x32 && (rd(0x38) & 0xF0) == 0x10,
       "boot order c,d,a: 0x3D = 0x32, 0x38 high nibble 1");
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rd((uint8_t)i);
    ok(((rd(0x2E) << 8) | rd(0x2F)) == (sum & 0xFFFF),
       "checksum 0x2E/0x2F = sum of 0x10-0x2D");
    ok(rd(0x32) == 0x20, "century byte left to the RTC (20)");

    CmosLayout m = {0};
    m.ram_below_4g = 32ull << 20;
    ok(cmos_layout_apply(s, &m) == 0, "small machine layout applied");
    ok(rd(0x17) == 0x00 && rd(0x18) == 0x7C && rd(0x34) == 0x00 &&
           rd(0x35) == 0x01 && rd(0x14) == 0 && rd(0x12) == 0 &&
           rd(0x3D) == 0x02 && rd(0x5B) == 0,
       "32 MiB: ext 31744 KiB, 256 x 64K above 16M, boot c");
    sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rd((uint8_t)i);
    ok(((rd(0x2E) << 8) | rd(0x2F)) == sum && cmos_checksum(s) == sum,
       "checksum recomputed");
    m.floppy[1] = 9;
    ok(cmos_layout_apply(s, &m) == -1, "bad floppy type rejected");
    rtc_free(s);
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void test_fuzz(void)
{
    RTCState *s = make(1709251198);
    int good_irq = 1, good_d = 1, good_time = 1;
    for (int i = 0; i < 20000; i++) {
        uint32_t r = rnd();
        uint8_t idx = (uint8_t)(r % 0x40);
        switch ((r >> 8) % 4) {
        case 0:
            wr(idx, (uint8_t)(r >> 16));
            break;
        case 1:
            rd(idx);
            break;
        case 2:
            vclock_advance(clk, (r >> 12) % (3 * SEC));
            break;
        default:
            iobus_write(bus, 0x70, (uint8_t)(r >> 16), 1);
            iobus_read(bus, 0x71, 1);
            break;
        }
        if (rd(RTC_REG_D) != 0x80)
            good_d = 0;
        uint8_t b = rd(RTC_REG_B), a = rd(RTC_REG_A);
        if (!(b & 0x80) && (a & 0x60) != 0x60) {
            unsigned v = rd(0);
            if (!(b & 4))
                v = (v >> 4) * 10 + (v & 15);
            if (v > 59)
                good_time = 0;
        }
        if (i % 64 == 0) {
            int lvl = wire.level;
            uint8_t c = rd(RTC_REG_C);
            if (((c >> 7) & 1) != lvl || wire.level != 0)
                good_irq = 0;
        }
    }
    ok(good_d, "fuzz: D stays 0x80");
    ok(good_time, "fuzz: seconds always valid while running");
    ok(good_irq, "fuzz: IRQ8 level always equals IRQF; C read lowers it");
    rtc_free(s);
}

static void test_snapshot(void)
{
    RTCState *s = make(1709251198);
    wr(RTC_REG_A, 0x2A);
    wr(RTC_REG_B, 0x52); /* PIE + UIE */
    wr(0x40, 0x77);
    iobus_write(bus, 0x70, 0x80 | 0x40, 1);
    vclock_advance(clk, 1234 * MS);
    SnapWriter w1, w2;
    snap_writer_init(&w1);
    snap_writer_init(&w2);
    rtc_save(s, &w1);
    uint64_t deadline = vclock_next_deadline(clk);
    /* Mutate. */
    wr(0x40, 0x11);
    wr(RTC_REG_B, 0x82);
    wr(0, 0x00);
    iobus_write(bus, 0x70, 0x01, 1);
    rd(RTC_REG_C);
    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    ok(rtc_load(s, &r) == 0, "snapshot loads");
    rtc_save(s, &w2);
    ok(w1.len == w2.len && memcmp(w1.buf, w2.buf, w1.len) == 0,
       "save/load/save: identical bytes");
    ok(vclock_next_deadline(clk) == deadline, "timer re-armed as before");
    ok(rtc_nmi_masked(s) == 1 && rd(0x40) == 0x77 && rd(RTC_REG_B) == 0x52,
       "state restored");
    int64_t t0 = rtc_get_time(s);
    vclock_advance(clk, SEC);
    ok(rtc_get_time(s) == t0 + 1 && wire.level == 1,
       "clock and interrupts continue after load");

    /* Bad snapshots. */
    snap_reader_init(&r, w1.buf, w1.len - 3);
    ok(rtc_load(s, &r) == -1, "truncated snapshot rejected");
    uint8_t *bad = malloc(w1.len);
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 128] = 0x80; /* index */
    snap_reader_init(&r, bad, w1.len);
    ok(rtc_load(s, &r) == -1, "index out of range rejected");
    memcpy(bad, w1.buf, w1.len);
    bad[8 + RTC_REG_D] = 0;
    snap_reader_init(&r, bad, w1.len);
    ok(rtc_load(s, &r) == -1, "register D != 0x80 rejected");
    memcpy(bad, w1.buf, w1.len);
    bad[8 + 128 + 4 + 7] = 0x7F; /* sec_at top byte */
    snap_reader_init(&r, bad, w1.len);
    ok(rtc_load(s, &r) == -1, "absurd time rejected");
    free(bad);
    ok(rd(0x40) == 0x77, "device unchanged after failed loads");
    snap_writer_free(&w1);
    snap_writer_free(&w2);
    rtc_free(s);
}

int main(void)
{
    printf("TAP version 13\n");
    test_calendar();
    test_time_read();
    test_set_time();
    test_uip();
    test_periodic();
    test_alarm_update();
    test_nmi_ram();
    test_layout();
    test_fuzz();
    test_snapshot();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
