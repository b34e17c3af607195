/* Intel 8254 programmable interval timer (three channels, 1.193182 MHz) and
 * the PC's port 0x61 (system control port B: speaker gate and timer 2).
 *
 * Modelled: modes 0-5 (6 and 7 alias 2 and 3), LSB/MSB/LSB-then-MSB access
 * with the read/write flip-flops, the counter latch command, the read-back
 * command (count and status: OUT, null count, RW, mode, BCD), BCD counting,
 * gate inputs (channels 0 and 1 tied high, channel 2 from port 0x61 bit 0)
 * with the per-mode gate behaviour (0/4 suspend, 1/5 trigger, 2/3 stop with
 * OUT high and restart on the rising edge), a new count in modes 2/3 taking
 * effect at the end of the current period, OUT pins.  Channel 0's OUT drives
 * the `irq0` line.  Port 0x61: bits 0-3 read back as written (bit 0 timer 2
 * gate, bit 1 speaker data enable), bit 4 the refresh-request toggle
 * (15.085 us period, derived from the clock), bit 5 timer 2 OUT, bits 6-7
 * (parity / I/O channel check) always 0.
 *
 * Timing: the counters are not stepped.  Each channel remembers the tick at
 * which it started counting and computes its count and OUT from
 * vclock_now() when read.  A VTimer is armed only for the next rising edge
 * of a channel whose OUT is wired to an IRQ line (channel 0), so the cost
 * is one event per timer interrupt.  The IRQ line sees every rising edge of
 * OUT exactly once at its time; the low phases of modes 2-5 may be
 * compressed (the line is lowered just before it is raised again) when
 * nothing observed the pin in between.
 *
 * Not modelled: the one-clock delay between writing a count and the count
 * being loaded into the counting element (counting starts at the write),
 * the exact count sequence of mode 3 with an odd count (the half periods
 * are exact, the values read are approximate), a new mode 3 count taking
 * effect at a half-period boundary (it takes effect at the end of the full
 * period), invalid BCD digits (treated as their binary weights), the
 * speaker sound itself. */
#ifndef X86PC_PIT_H
#define X86PC_PIT_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"
#include "devices/vclock.h"

#define PIT_FREQ_HZ 1193182u

typedef struct PIT PIT;

typedef struct PITOps {
    IRQLine irq0; /* channel 0 OUT */
} PITOps;

PIT *pit_new(VClock *clk, const PITOps *ops);
void pit_free(PIT *p);
/* Ports base..base+3 (counters 0-2, control word). */
int pit_register(PIT *p, IOBus *bus, uint16_t base);
/* Port 0x61 (system control port B) at `port`. */
int pit_register_port61(PIT *p, IOBus *bus, uint16_t port);
/* Power-on state: every channel waiting for a control word, OUT low, gate
 * 2 low. */
void pit_reset(PIT *p);

/* Gate input of channel ch (0..2).  Channel 2's gate is also written by
 * port 0x61 bit 0. */
void pit_set_gate(PIT *p, int ch, int level);
/* Current OUT pin of channel ch. */
int pit_get_out(PIT *p, int ch);

/* Times are saved relative to the clock, so a snapshot can be loaded into
 * a machine whose clock reads differently. */
void pit_save(const PIT *p, SnapWriter *w);
/* Debugger dump of the three channels (no side effects); returns the
 * length. */
int pit_dump(const PIT *p, char *buf, size_t len);
int pit_load(PIT *p, SnapReader *r);
#endif
