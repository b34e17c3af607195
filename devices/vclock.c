/* Virtual clock and timer queue (see vclock.h).  The queue is a short
 * sorted singly-linked list: a PC has a handful of timers. */
#include "devices/vclock.h"
#include <stdlib.h>
#include <time.h>

struct VTimer {
    VClock *clk;
    VTimerFn fn;
    void *opaque;
    uint64_t expire;
    int pending;
    VTimer *next;     /* in the pending list */
    VTimer *all_next; /* every timer, for freeing */
};

struct VClock {
    int mode;
    unsigned shift;
    uint64_t (*icount)(void *);
    void *icount_opaque;
    void (*kick)(void *);
    void *kick_opaque;
    uint64_t host_start; /* REALTIME: host ns at creation */
    uint64_t manual;     /* MANUAL: current time */
    uint64_t warp;       /* ICOUNT: ns skipped while halted */
    uint64_t stolen;     /* REALTIME: host ns not shown to the guest */
    uint64_t max_step;   /* REALTIME: most ns per slice, 0 = unlimited */
    uint64_t slice_base; /* REALTIME: guest time at the slice start */
    uint64_t last;       /* REALTIME: last value returned (monotonic) */
    VTimer *pending;
    VTimer *all;
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

VClock *vclock_new(int mode, unsigned icount_shift)
{
    VClock *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->mode = mode;
    c->shift = icount_shift > 20 ? 20 : icount_shift;
    c->host_start = host_ns();
    return c;
}

void vclock_free(VClock *c)
{
    if (!c)
        return;
    VTimer *t = c->all;
    while (t) {
        VTimer *n = t->all_next;
        free(t);
        t = n;
    }
    free(c);
}

int vclock_mode(const VClock *c) { return c->mode; }

void vclock_set_icount_source(VClock *c, uint64_t (*get)(void *), void *opaque)
{
    c->icount = get;
    c->icount_opaque = opaque;
}

void vclock_set_kick(VClock *c, void (*kick)(void *), void *opaque)
{
    c->kick = kick;
    c->kick_opaque = opaque;
}

void vclock_set_max_step(VClock *c, uint64_t max_ns) { c->max_step = max_ns; }

void vclock_slice(VClock *c, int waited)
{
    if (c->mode != VCLOCK_REALTIME || !c->max_step)
        return;
    uint64_t raw = host_ns() - c->host_start - c->stolen;
    uint64_t cap = c->slice_base + c->max_step;
    if (!waited && raw > cap) {
        c->stolen += raw - cap;
        raw = cap;
    }
    if (raw < c->last)
        raw = c->last;
    c->slice_base = raw;
}

uint64_t vclock_now(VClock *c)
{
    switch (c->mode) {
    case VCLOCK_REALTIME: {
        uint64_t t = host_ns() - c->host_start - c->stolen;
        if (c->max_step && t > c->slice_base + c->max_step)
            t = c->slice_base + c->max_step;
        if (t < c->last)
            t = c->last;
        c->last = t;
        return t;
    }
    case VCLOCK_ICOUNT: {
        uint64_t n = c->icount ? c->icount(c->icount_opaque) : 0;
        return (n << c->shift) + c->warp;
    }
    default:
        return c->manual;
    }
}

static void unlink_timer(VTimer *t)
{
    VTimer **pp = &t->clk->pending;
    while (*pp && *pp != t)
        pp = &(*pp)->next;
    if (*pp)
        *pp = t->next;
    t->next = NULL;
    t->pending = 0;
}

VTimer *vclock_timer_new(VClock *c, VTimerFn fn, void *opaque)
{
    VTimer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->clk = c;
    t->fn = fn;
    t->opaque = opaque;
    t->expire = VCLOCK_NEVER;
    t->all_next = c->all;
    c->all = t;
    return t;
}

void vclock_timer_free(VTimer *t)
{
    if (!t)
        return;
    VClock *c = t->clk;
    if (t->pending)
        unlink_timer(t);
    VTimer **pp = &c->all;
    while (*pp && *pp != t)
        pp = &(*pp)->all_next;
    if (*pp)
        *pp = t->all_next;
    free(t);
}

void vclock_timer_mod(VTimer *t, uint64_t expire_ns)
{
    VClock *c = t->clk;
    uint64_t old_deadline = vclock_next_deadline(c);
    if (t->pending)
        unlink_timer(t);
    t->expire = expire_ns;
    t->pending = 1;
    VTimer **pp = &c->pending;
    while (*pp && (*pp)->expire <= expire_ns)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    if (expire_ns < old_deadline && c->kick)
        c->kick(c->kick_opaque);
}

void vclock_timer_del(VTimer *t)
{
    if (t->pending)
        unlink_timer(t);
    t->expire = VCLOCK_NEVER;
}

int vclock_timer_pending(const VTimer *t) { return t->pending; }
uint64_t vclock_timer_expire(const VTimer *t)
{
    return t->pending ? t->expire : VCLOCK_NEVER;
}

uint64_t vclock_next_deadline(const VClock *c)
{
    return c->pending ? c->pending->expire : VCLOCK_NEVER;
}

void vclock_run_timers(VClock *c)
{
    uint64_t now = vclock_now(c);
    /* Bounded so that a timer re-arming itself in the past cannot loop
     * forever. */
    for (int guard = 0; guard < 100000 && c->pending &&
                        c->pending->expire <= now; guard++) {
        VTimer *t = c->pending;
        unlink_timer(t);
        t->expire = VCLOCK_NEVER;
        t->fn(t->opaque);
    }
}

void vclock_advance(VClock *c, uint64_t ns)
{
    uint64_t target = c->manual + ns;
    /* Fire timers at their own expiry times, in order, so a callback that
     * reads the clock sees the time it was due. */
    while (c->pending && c->pending->expire <= target) {
        if (c->pending->expire > c->manual)
            c->manual = c->pending->expire;
        vclock_run_timers(c);
    }
    c->manual = target;
    vclock_run_timers(c);
}

void vclock_warp(VClock *c)
{
    uint64_t d = vclock_next_deadline(c);
    if (d == VCLOCK_NEVER)
        return;
    uint64_t now = vclock_now(c);
    if (d <= now)
        return;
    if (c->mode == VCLOCK_ICOUNT)
        c->warp += d - now;
    else if (c->mode == VCLOCK_MANUAL)
        c->manual = d;
}

int vclock_restore(VClock *c, uint64_t t)
{
    switch (c->mode) {
    case VCLOCK_ICOUNT: {
        uint64_t n = c->icount ? c->icount(c->icount_opaque) : 0;
        if (c->shift && (n >> (64 - c->shift)) != 0)
            return -1; /* the time would overflow */
        uint64_t base = n << c->shift;
        if (t < base)
            return -1;
        c->warp = t - base;
        return 0;
    }
    case VCLOCK_REALTIME: {
        /* Modulo 2^64: now = host_ns() - host_start stays right even if
         * the host has been up for less than t. */
        c->host_start = host_ns() - t;
        c->stolen = 0;
        c->last = t;
        c->slice_base = t;
        return 0;
    }
    default:
        c->manual = t;
        return 0;
    }
}

/* Creation index: the all list is newest first. */
static uint32_t timer_id(const VClock *c, const VTimer *t)
{
    uint32_t n = 0, pos = 0;
    for (const VTimer *x = c->all; x; x = x->all_next, n++)
        if (x == t)
            pos = n;
    return n - 1 - pos;
}

size_t vclock_pending(const VClock *c, uint32_t *ids, uint64_t *exp,
                      size_t max)
{
    size_t n = 0;
    for (const VTimer *t = c->pending; t; t = t->next, n++)
        if (n < max) {
            ids[n] = timer_id(c, t);
            exp[n] = t->expire;
        }
    return n;
}

int vclock_set_pending_order(VClock *c, const uint32_t *ids, size_t n)
{
    size_t npend = 0, nall = 0;
    for (const VTimer *t = c->pending; t; t = t->next)
        npend++;
    for (const VTimer *t = c->all; t; t = t->all_next)
        nall++;
    if (n != npend || n > 64)
        return -1;
    VTimer *order[64];
    for (size_t i = 0; i < n; i++) {
        if (ids[i] >= nall)
            return -1;
        VTimer *t = c->all;
        for (size_t k = nall - 1 - ids[i]; k; k--)
            t = t->all_next;
        if (!t->pending)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (order[j] == t)
                return -1;
        if (i && order[i - 1]->expire > t->expire)
            return -1;
        order[i] = t;
    }
    c->pending = NULL;
    for (size_t i = n; i-- > 0;) {
        order[i]->next = c->pending;
        c->pending = order[i];
    }
    return 0;
}

uint64_t vclock_ticks_to_ns(uint64_t ticks, uint64_t freq_hz)
{
    return (ticks / freq_hz) * 1000000000u +
           (ticks % freq_hz) * 1000000000u / freq_hz;
}

uint64_t vclock_ns_to_ticks(uint64_t ns, uint64_t freq_hz)
{
    return (ns / 1000000000u) * freq_hz +
           (ns % 1000000000u) * freq_hz / 1000000000u;
}
