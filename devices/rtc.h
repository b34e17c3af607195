/* Motorola MC146818 real-time clock and CMOS RAM (the AT's RTC at 0x70/0x71).
 *
 * Models: the index port (bits 6-0 select one of 128 bytes, bit 7 masks
 * NMI: reported through rtc_nmi_masked() and the `nmi_mask` callback; the
 * index port reads 0xFF as on the AT), the time/calendar registers 0x00-0x09
 * plus the century byte 0x32, registers A-D, and 114 bytes of plain CMOS RAM.
 *   A: UIP (read-only), DV2-0 divider control (11x holds the divider in
 *      reset: time stops and the first update comes 500 ms after leaving
 *      reset), RS3-0 periodic rate (RS 1 and 2 give 256 and 128 Hz, RS n>=3
 *      gives 65536 >> n Hz).  Any DV value other than 11x runs the clock at
 *      the real rate: the PC has only the 32.768 kHz crystal.
 *   B: SET (stops updates; time registers become plain storage; clears UIE
 *      and UIP), PIE, AIE, UIE, SQWE (stored only: no square-wave pin),
 *      DM (1 = binary, 0 = BCD), 24/12 (12-hour mode: hours 1-12 with bit 7
 *      = PM), DSE (stored, daylight saving is not applied).
 *   C: IRQF PF AF UF, cleared by reading.  Flags are set whether or not the
 *      matching interrupt is enabled.
 *   D: VRT always 1 (battery good).
 * Time is base_unix (seconds since 1970, given to rtc_new) plus the virtual
 * clock's elapsed time; updates happen on whole seconds of the divider
 * chain, and UIP reads 1 for the 244 us before each update.  Guest writes to
 * the time registers (with or without SET) move the clock.  The update
 * itself is instantaneous (no 1984 us window in which the registers are
 * unreadable).  Alarm registers 0x01/0x03/0x05 with 0xC0-0xFF meaning "don't
 * care".  Interrupts (IRQ8) use one VTimer armed for the next enabled event
 * only; flags of disabled events are computed when register C is read.
 * The day of week follows the date (a guest-written value keeps its offset).
 *
 * Not modelled: the square-wave output, daylight-saving adjustment, the
 * 2 ms register lockout during an update, the extended bank at 0x72/0x73,
 * leap seconds.
 *
 * CMOS RAM is initialised by the board through rtc_cmos_set() (see
 * cmos_layout.h for the standard BIOS layout). */
#ifndef X86PC_RTC_H
#define X86PC_RTC_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"
#include "devices/vclock.h"

typedef struct RTCState RTCState;

typedef struct RTCOps {
    IRQLine irq; /* IRQ8: high while register C's IRQF is set */
    void *opaque;
    /* Bit 7 of a write to the index port (1 = NMI masked).  May be NULL. */
    void (*nmi_mask)(void *opaque, int masked);
} RTCOps;

/* Standard register indices. */
enum {
    RTC_SEC = 0x00, RTC_SEC_ALARM = 0x01, RTC_MIN = 0x02,
    RTC_MIN_ALARM = 0x03, RTC_HOUR = 0x04, RTC_HOUR_ALARM = 0x05,
    RTC_DOW = 0x06, RTC_DAY = 0x07, RTC_MONTH = 0x08, RTC_YEAR = 0x09,
    RTC_REG_A = 0x0A, RTC_REG_B = 0x0B, RTC_REG_C = 0x0C, RTC_REG_D = 0x0D,
    RTC_CENTURY = 0x32
};

/* base_unix: the wall-clock time (seconds since 1970-01-01 UTC) at virtual
 * time 0.  Power-on state: A = 0x26, B = 0x02 (24-hour, BCD), RAM zero. */
RTCState *rtc_new(const RTCOps *ops, VClock *clk, int64_t base_unix);
void rtc_free(RTCState *s);
/* Registers the index port at base and the data port at base + 1. */
int rtc_register(RTCState *s, IOBus *bus, uint16_t base);
/* The chip's RESET pin: clears PIE/AIE/UIE/SQWE and register C (lowering
 * IRQ8).  Time, CMOS RAM and the NMI mask are untouched (battery-backed). */
void rtc_reset(RTCState *s);

/* Host-side CMOS access, as if by the guest through the ports (writes to
 * the time registers set the clock; reads of C do clear it). */
void rtc_cmos_set(RTCState *s, unsigned index, uint8_t value);
uint8_t rtc_cmos_get(RTCState *s, unsigned index);
/* Current NMI-mask state (bit 7 of the last index write). */
int rtc_nmi_masked(const RTCState *s);
/* The clock's current time as seconds since 1970 (what the time registers
 * say, or would say while SET is held). */
int64_t rtc_get_time(RTCState *s);

/* Snapshots: absolute virtual-clock times are saved, so the VClock must be
 * restored to the same time; the timer is re-armed by rtc_load. */
void rtc_save(const RTCState *s, SnapWriter *w);
/* Debugger dump: index register and registers A-D (no side effects);
 * returns the length. */
int rtc_dump(const RTCState *s, char *buf, size_t len);
int rtc_load(RTCState *s, SnapReader *r);

/* Calendar helpers (proleptic Gregorian, UTC), exposed for the tests. */
int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d);
void rtc_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
#endif
