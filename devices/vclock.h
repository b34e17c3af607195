/* The machine's one virtual clock and its timer-event queue.
 *
 * Time is in nanoseconds since the machine was created.  Devices never poll:
 * they arm a VTimer for the moment something happens (a PIT channel reaching
 * zero, the RTC's next update) and compute register values such as a running
 * counter from vclock_now() when the guest reads them.
 *
 * Modes:
 *   VCLOCK_REALTIME  the host's monotonic clock: the guest sees host time
 *                    pass (the default).
 *   VCLOCK_ICOUNT    time is (instructions retired << shift) ns plus the
 *                    time skipped while the CPU was halted (see
 *                    vclock_warp()).  A pure function of the instruction
 *                    stream, so runs are reproducible (-icount).
 *   VCLOCK_MANUAL    time moves only through vclock_advance() (unit tests).
 *
 * Timers fire from vclock_run_timers(), which the board calls between CPU
 * slices; the board sizes slices so that no slice runs past
 * vclock_next_deadline().  A timer callback may re-arm any timer.  When a
 * device arms a timer earlier than the current deadline (typically from an
 * I/O write made by the guest in the middle of a slice), the clock calls the
 * `kick` hook so the board can end the slice early. */
#ifndef X86PC_VCLOCK_H
#define X86PC_VCLOCK_H
#include <stddef.h>
#include <stdint.h>

#define VCLOCK_NEVER UINT64_MAX

enum { VCLOCK_REALTIME, VCLOCK_ICOUNT, VCLOCK_MANUAL };

typedef struct VClock VClock;
typedef struct VTimer VTimer;
typedef void (*VTimerFn)(void *opaque);

VClock *vclock_new(int mode, unsigned icount_shift);
void vclock_free(VClock *c); /* frees its timers too */
int vclock_mode(const VClock *c);

/* ICOUNT mode: where the instruction count comes from. */
void vclock_set_icount_source(VClock *c, uint64_t (*get)(void *), void *opaque);
/* Called when a timer is armed earlier than the previous deadline. */
void vclock_set_kick(VClock *c, void (*kick)(void *), void *opaque);

uint64_t vclock_now(VClock *c);
/* MANUAL mode: moves time forward and fires what is due. */
void vclock_advance(VClock *c, uint64_t ns);
/* ICOUNT/MANUAL: jumps time forward to the next deadline (the CPU is halted
 * and nothing else can happen before it).  No effect in REALTIME mode. */
void vclock_warp(VClock *c);

VTimer *vclock_timer_new(VClock *c, VTimerFn fn, void *opaque);
void vclock_timer_free(VTimer *t);
/* Arms (or re-arms) the timer to fire once at absolute time expire_ns. */
void vclock_timer_mod(VTimer *t, uint64_t expire_ns);
void vclock_timer_del(VTimer *t);
int vclock_timer_pending(const VTimer *t);
uint64_t vclock_timer_expire(const VTimer *t); /* VCLOCK_NEVER if idle */

/* Earliest pending expiry, or VCLOCK_NEVER. */
uint64_t vclock_next_deadline(const VClock *c);
/* Fires every timer whose expiry is <= now, earliest first. */
void vclock_run_timers(VClock *c);

/* REALTIME mode: time may advance by at most max_ns within one CPU slice
 * (0, the default: unlimited).  Host time the emulator loses to the host
 * (preemption, a stalled terminal) beyond that is not shown to the guest,
 * as steal time: the guest's clocks all stay consistent with the work its
 * CPU could do, so timer ticks are not lost in bursts and the kernel's
 * clocksource watchdog sees no skew.  vclock_slice() is called by the board
 * before each slice; waited != 0 means the CPU was idle (halted, the board
 * slept until a deadline) since the last slice, so the whole interval
 * counts. */
void vclock_set_max_step(VClock *c, uint64_t max_ns);
void vclock_slice(VClock *c, int waited);

/* Snapshots: the clock's state is its current time, vclock_now().
 * vclock_restore makes the clock read t from now on: ICOUNT mode sets the
 * time skipped while halted so that (instructions << shift) + skipped = t
 * (restore the instruction source first; -1 if t is below what the
 * instruction count alone gives), REALTIME mode moves the host origin
 * (steal time starts again from 0), MANUAL mode sets the time.  Timers
 * are not touched: devices re-arm theirs from their own saved state
 * (relative to the restored time) in their X_load. */
int vclock_restore(VClock *c, uint64_t t);
/* The pending timers in firing order, for snapshots: each timer's id (its
 * creation index: the same in every machine built the same way) and its
 * expiry.  Returns the number of pending timers (at most max are stored).
 * vclock_set_pending_order re-links the pending timers in the order of
 * ids (timers with equal expiry fire in queue order), if ids names exactly
 * the pending timers and their expiries are in order; else returns -1 and
 * changes nothing. */
size_t vclock_pending(const VClock *c, uint32_t *ids, uint64_t *exp,
                      size_t max);
int vclock_set_pending_order(VClock *c, const uint32_t *ids, size_t n);

/* ns for a count of ticks of a clock of freq_hz, and back (no overflow for
 * any realistic run). */
uint64_t vclock_ticks_to_ns(uint64_t ticks, uint64_t freq_hz);
uint64_t vclock_ns_to_ticks(uint64_t ns, uint64_t freq_hz);
#endif
