/* The virtual clock's snapshot support (devices/vclock.h): vclock_restore
 * in ICOUNT and MANUAL mode, vclock_pending (ids in creation order, firing
 * order) and vclock_set_pending_order (ties re-ordered, bad lists
 * refused without a change). */
#include <stdio.h>
#include <string.h>

#include "devices/vclock.h"

static int failures;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
            failures++;                                                      \
        }                                                                    \
    } while (0)

static uint64_t insns;
static uint64_t get_insns(void *o)
{
    (void)o;
    return insns;
}

static char fired[16];
static size_t nfired;
static void cb(void *o)
{
    if (nfired < sizeof(fired) - 1)
        fired[nfired++] = *(const char *)o;
}

int main(void)
{
    printf("test_vclock_snap: restore\n");
    VClock *c = vclock_new(VCLOCK_ICOUNT, 10);
    vclock_set_icount_source(c, get_insns, NULL);
    insns = 1000;
    CHECK(vclock_now(c) == 1000u << 10, "icount time");
    CHECK(vclock_restore(c, (1000u << 10) + 777) == 0, "restore ahead");
    CHECK(vclock_now(c) == (1000u << 10) + 777, "now %llu",
          (unsigned long long)vclock_now(c));
    insns = 1001;
    CHECK(vclock_now(c) == (1001u << 10) + 777, "runs on from there");
    CHECK(vclock_restore(c, 5) != 0, "a time below the instruction count");
    CHECK(vclock_now(c) == (1001u << 10) + 777, "refused restore changed it");
    insns = (uint64_t)1 << 60;
    CHECK(vclock_restore(c, UINT64_MAX) != 0, "overflowing count refused");
    vclock_free(c);

    VClock *m = vclock_new(VCLOCK_MANUAL, 0);
    CHECK(vclock_restore(m, 123456) == 0 && vclock_now(m) == 123456,
          "manual restore");

    printf("test_vclock_snap: pending list and order\n");
    static const char name[4] = {'a', 'b', 'c', 'd'};
    VTimer *t[4];
    for (int i = 0; i < 4; i++)
        t[i] = vclock_timer_new(m, cb, (void *)&name[i]);
    vclock_timer_mod(t[2], 200000);
    vclock_timer_mod(t[0], 200000); /* tie with c, queued after it */
    vclock_timer_mod(t[1], 150000);
    uint32_t ids[8];
    uint64_t exp[8];
    size_t n = vclock_pending(m, ids, exp, 8);
    CHECK(n == 3 && ids[0] == 1 && ids[1] == 2 && ids[2] == 0,
          "pending ids (%zu: %u %u %u)", n, ids[0], ids[1], ids[2]);
    CHECK(exp[0] == 150000 && exp[1] == 200000 && exp[2] == 200000,
          "pending expiries");
    CHECK(vclock_pending(m, ids, exp, 1) == 3, "count beyond max");

    uint32_t bad1[3] = {2, 1, 0}; /* expiries out of order */
    uint32_t bad2[3] = {1, 0, 3}; /* 3 is not pending */
    uint32_t bad3[2] = {1, 0};    /* not all of them */
    uint32_t bad4[3] = {1, 0, 0}; /* twice */
    uint32_t bad5[3] = {1, 0, 9}; /* no such timer */
    CHECK(vclock_set_pending_order(m, bad1, 3) < 0, "out of order taken");
    CHECK(vclock_set_pending_order(m, bad2, 3) < 0, "idle timer taken");
    CHECK(vclock_set_pending_order(m, bad3, 2) < 0, "partial list taken");
    CHECK(vclock_set_pending_order(m, bad4, 3) < 0, "duplicate taken");
    CHECK(vclock_set_pending_order(m, bad5, 3) < 0, "unknown id taken");
    n = vclock_pending(m, ids, exp, 8);
    CHECK(n == 3 && ids[0] == 1 && ids[1] == 2 && ids[2] == 0,
          "a refused order changed the queue");
    uint32_t good[3] = {1, 0, 2}; /* a before c at the tie */
    CHECK(vclock_set_pending_order(m, good, 3) == 0, "good order refused");
    vclock_advance(m, 200000);
    fired[nfired] = 0;
    CHECK(!strcmp(fired, "bac"), "fired in order '%s', wanted 'bac'", fired);
    CHECK(vclock_next_deadline(m) == VCLOCK_NEVER, "queue empty");
    vclock_free(m);

    if (failures) {
        printf("test_vclock_snap: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_vclock_snap: all passed\n");
    return 0;
}
