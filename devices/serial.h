/* 16550A UART (the PC's COM ports).
 *
 * Eight byte-wide registers at base..base+7.  Transmission is instantaneous:
 * a byte written to THR goes straight to the `tx` callback, so THR and the
 * shift register are always empty again by the next access.  Received bytes
 * are pushed in by the board with serial_receive() (16-byte FIFO, or a single
 * holding register while FIFOs are disabled).  Baud rate, parity and framing
 * are stored but not simulated.  The interrupt output is reported through
 * `irq`; as on a PC it is gated by MCR.OUT2 and forced off in loopback. */
#ifndef X86PC_SERIAL_H
#define X86PC_SERIAL_H
#include <stdint.h>
#include "devices/bus.h"
#include "devices/snap.h"

typedef struct SerialState SerialState;

typedef struct SerialOps {
    void *opaque;
    /* A byte the guest transmitted (not called in loopback mode).  May be
     * NULL: the byte is dropped. */
    void (*tx)(void *opaque, uint8_t byte);
    /* The level of the interrupt line changed.  May be NULL. */
    void (*irq)(void *opaque, int level);
} SerialOps;

SerialState *serial_new(const SerialOps *ops);
void serial_free(SerialState *s);
/* Registers the 8 ports at base.  0, or -1 if they overlap another device. */
int serial_register(SerialState *s, IOBus *bus, uint16_t base);
/* Hardware reset (MR pin): FIFOs off and empty, IER/MCR/LCR cleared. */
void serial_reset(SerialState *s);

/* How many bytes serial_receive() would accept right now. */
unsigned serial_can_receive(const SerialState *s);
/* A byte arrives on the line.  When there is no room it is lost and the
 * overrun error bit is set, as on the chip. */
void serial_receive(SerialState *s, uint8_t byte);
/* Current level of the interrupt output. */
int serial_irq_level(const SerialState *s);
/* Snapshot of the registers and the receive FIFO (devices/snap.h); a load
 * re-drives the interrupt line. */
void serial_save(const SerialState *s, SnapWriter *w);
int serial_load(SerialState *s, SnapReader *r);
#endif
