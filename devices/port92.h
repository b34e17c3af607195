/* System control port A (port 0x92, "fast A20"):
 *   bit 1  A20 gate: written values are passed to the `a20` callback
 *   bit 0  fast reset: a 0 -> 1 transition calls `reset`
 * Reads return the last value written. */
#ifndef X86PC_PORT92_H
#define X86PC_PORT92_H
#include <stdint.h>
#include "devices/bus.h"
#include "devices/snap.h"

typedef struct Port92 Port92;

typedef struct Port92Ops {
    void *opaque;
    void (*a20)(void *opaque, int enabled);
    void (*reset)(void *opaque);
} Port92Ops;

Port92 *port92_new(const Port92Ops *ops);
void port92_free(Port92 *p);
int port92_register(Port92 *p, IOBus *bus, uint16_t port);
/* Clears the register; does not touch the A20 line (the board does). */
void port92_reset(Port92 *p);
void port92_save(const Port92 *p, SnapWriter *w);
int port92_load(Port92 *p, SnapReader *r);
#endif
