/* Unit tests for the virtual clock and its timer queue: ordering, re-arming
 * from callbacks, deletion, the kick hook, warp in MANUAL and ICOUNT mode,
 * tick conversions.  TAP output. */
#include <stdio.h>
#include <string.h>

#include "devices/vclock.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static VClock *clk;
static char order[64];
static int norder;
static uint64_t fired_at[8];

typedef struct Tm {
    VTimer *t;
    char name;
    uint64_t rearm; /* period, 0 = one-shot */
    int count;
} Tm;

static void cb(void *o)
{
    Tm *m = o;
    if (norder < 63)
        order[norder++] = m->name;
    order[norder] = 0;
    fired_at[(m->name - 'a') & 7] = vclock_now(clk);
    m->count++;
    if (m->rearm)
        vclock_timer_mod(m->t, vclock_now(clk) + m->rearm);
}

static int kicks;
static void kick(void *o)
{
    (void)o;
    kicks++;
}

static uint64_t fake_icount;
static uint64_t get_icount(void *o)
{
    (void)o;
    return fake_icount;
}

static void test_manual(void)
{
    clk = vclock_new(VCLOCK_MANUAL, 0);
    Tm a = {0}, b = {0}, c = {0};
    a.name = 'a', b.name = 'b', c.name = 'c';
    a.t = vclock_timer_new(clk, cb, &a);
    b.t = vclock_timer_new(clk, cb, &b);
    c.t = vclock_timer_new(clk, cb, &c);
    vclock_set_kick(clk, kick, NULL);
    ok(vclock_now(clk) == 0 && vclock_next_deadline(clk) == VCLOCK_NEVER,
       "starts at 0 with nothing armed");
    vclock_timer_mod(a.t, 300);
    ok(kicks == 1, "arming earlier than the deadline kicks");
    vclock_timer_mod(b.t, 100);
    ok(kicks == 2, "earlier again: kick");
    vclock_timer_mod(c.t, 200);
    ok(kicks == 2, "later than the deadline: no kick");
    ok(vclock_next_deadline(clk) == 100, "deadline = earliest");
    ok(vclock_timer_pending(c.t) && vclock_timer_expire(c.t) == 200,
       "pending/expire");
    vclock_advance(clk, 250);
    ok(!strcmp(order, "bc"), "fired in expiry order");
    ok(fired_at[1] == 100 && fired_at[2] == 200,
       "callbacks see the clock at their own expiry");
    ok(vclock_now(clk) == 250 && vclock_next_deadline(clk) == 300,
       "clock at target; a still pending");
    ok(!vclock_timer_pending(b.t) && vclock_timer_expire(b.t) == VCLOCK_NEVER,
       "fired timer idle");
    /* Re-arm moves a pending timer. */
    vclock_timer_mod(a.t, 400);
    vclock_advance(clk, 100);
    ok(!strcmp(order, "bc"), "re-armed later: not fired at the old time");
    vclock_advance(clk, 50);
    ok(!strcmp(order, "bca"), "fired at the new time");
    /* Delete. */
    vclock_timer_mod(b.t, 500);
    vclock_timer_del(b.t);
    vclock_advance(clk, 1000);
    ok(!strcmp(order, "bca") && vclock_next_deadline(clk) == VCLOCK_NEVER,
       "deleted timer never fires");
    /* Periodic re-arm from the callback, same expiry ties in arming order. */
    norder = 0;
    order[0] = 0;
    a.rearm = 100;
    a.count = 0;
    uint64_t t0 = vclock_now(clk);
    vclock_timer_mod(a.t, t0 + 100);
    vclock_timer_mod(c.t, t0 + 100);
    vclock_advance(clk, 1000);
    ok(a.count == 10, "periodic timer re-armed from its callback: 10 times");
    ok(order[0] == 'a' && order[1] == 'c', "equal expiry: first armed first");
    ok(vclock_next_deadline(clk) == t0 + 1100, "next period armed");
    /* Warp. */
    vclock_warp(clk);
    ok(vclock_now(clk) == t0 + 1100 && a.count == 10,
       "warp jumps to the deadline without firing");
    vclock_run_timers(clk);
    ok(a.count == 11, "run_timers fires what is due");
    a.rearm = 0;
    vclock_timer_del(a.t);
    uint64_t now = vclock_now(clk);
    vclock_warp(clk);
    ok(vclock_now(clk) == now, "warp with nothing armed: no change");
    /* A timer armed in the past fires at the next run. */
    int bc = b.count;
    vclock_timer_mod(b.t, 5);
    vclock_run_timers(clk);
    ok(b.count == bc + 1, "timer in the past fires at once");
    vclock_timer_free(c.t);
    vclock_timer_mod(a.t, now + 10);
    vclock_advance(clk, 20);
    ok(a.count == 12, "freeing one timer leaves the others working");
    vclock_free(clk);
}

static void test_icount(void)
{
    clk = vclock_new(VCLOCK_ICOUNT, 3);
    vclock_set_icount_source(clk, get_icount, NULL);
    ok(vclock_mode(clk) == VCLOCK_ICOUNT, "ICOUNT mode");
    fake_icount = 1000;
    ok(vclock_now(clk) == 8000, "time = icount << shift");
    Tm a = {0};
    a.name = 'a';
    a.t = vclock_timer_new(clk, cb, &a);
    vclock_timer_mod(a.t, 10000);
    fake_icount = 1249;
    vclock_run_timers(clk);
    ok(a.count == 0, "not due at 9992 ns");
    fake_icount = 1250;
    vclock_run_timers(clk);
    ok(a.count == 1, "due at 10000 ns");
    vclock_timer_mod(a.t, 50000);
    vclock_warp(clk);
    ok(vclock_now(clk) == 50000, "warp adds the halted time");
    fake_icount = 1251;
    ok(vclock_now(clk) == 50008, "instructions count on top of the warp");
    vclock_run_timers(clk);
    ok(a.count == 2, "warped deadline fires");
    vclock_free(clk);

    ok(vclock_ticks_to_ns(1193182, 1193182) == 1000000000u &&
           vclock_ns_to_ticks(1000000000u, 1193182) == 1193182,
       "one second of PIT ticks");
    ok(vclock_ns_to_ticks(838, 1193182) == 0 &&
           vclock_ns_to_ticks(839, 1193182) == 1,
       "tick 1 starts at 838.1 ns");
    uint64_t big = 1000000000ull * 3600 * 24 * 365 * 10; /* ten years */
    ok(vclock_ns_to_ticks(big, 1193182) / 1193182 == 3600ull * 24 * 365 * 10,
       "no overflow over ten years");
}

static void test_realtime(void)
{
    clk = vclock_new(VCLOCK_REALTIME, 0);
    uint64_t a = vclock_now(clk), b = vclock_now(clk);
    ok(b >= a, "realtime is monotonic");
    Tm m = {0};
    m.name = 'a';
    m.t = vclock_timer_new(clk, cb, &m);
    vclock_timer_mod(m.t, 0);
    vclock_run_timers(clk);
    ok(m.count == 1, "realtime timer at 0 fires");
    uint64_t before = vclock_now(clk);
    vclock_timer_mod(m.t, before + 1000000000u);
    vclock_warp(clk);
    ok(vclock_now(clk) < before + 1000000000u, "warp has no effect");
    vclock_free(clk);
}

int main(void)
{
    test_manual();
    test_icount();
    test_realtime();
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
