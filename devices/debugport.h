/* Debug ports for guests and tests:
 *   debugcon        - Bochs/QEMU "port 0xE9 hack": bytes written go to a
 *                     console; reads return the port number (0xE9), which is
 *                     how guests detect it.
 *   postcode        - the POST diagnostic port 0x80: each byte written is
 *                     handed to a sink; reads return the last byte written.
 *   isa-debug-exit  - QEMU's exit device: writing v asks the machine to exit
 *                     with status (v << 1) | 1; reads return 0.
 * The board chooses the ports; the devices know nothing of the host. */
#ifndef X86PC_DEBUGPORT_H
#define X86PC_DEBUGPORT_H
#include <stdint.h>
#include "devices/bus.h"
#include "devices/snap.h"

/* Receives each byte written to a debugcon or postcode port. */
typedef void (*DebugByteFn)(void *opaque, uint8_t byte);
/* Receives the exit status requested through isa-debug-exit. */
typedef void (*DebugExitFn)(void *opaque, int status);

typedef struct DebugCon DebugCon;
DebugCon *debugcon_new(DebugByteFn out, void *opaque);
void debugcon_free(DebugCon *d);
/* Registers one byte-wide port.  0 or -1 if the port is taken. */
int debugcon_register(DebugCon *d, IOBus *bus, uint16_t port);

typedef struct PostCode PostCode;
PostCode *postcode_new(DebugByteFn out, void *opaque);
void postcode_free(PostCode *p);
int postcode_register(PostCode *p, IOBus *bus, uint16_t port);
void postcode_reset(PostCode *p);
uint8_t postcode_last(const PostCode *p);

typedef struct DebugExit DebugExit;
DebugExit *debugexit_new(DebugExitFn fn, void *opaque);
void debugexit_free(DebugExit *d);
/* Registers [base, base+size) for 1-, 2- and 4-byte accesses. */
int debugexit_register(DebugExit *d, IOBus *bus, uint16_t base,
                       unsigned size);
/* Snapshot of the POST port's last value (the console and the exit port
 * have no state). */
void postcode_save(const PostCode *p, SnapWriter *w);
int postcode_load(PostCode *p, SnapReader *r);
#endif
