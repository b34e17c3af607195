/* Port-I/O bus: a flat 64K table of handlers.
 *
 * Devices register a range of ports with the access widths they accept
 * (mask bit 0 = 1 byte, bit 1 = 2 bytes, bit 2 = 4 bytes).  A wider access
 * that the device does not accept is split into narrower ones.  Unassigned
 * ports read all-ones and ignore writes.  Overlapping registrations are
 * rejected. */
#ifndef X86PC_BUS_H
#define X86PC_BUS_H
#include <stdint.h>

typedef struct IOBus IOBus;
typedef uint32_t (*IoReadFn)(void *opaque, uint16_t port, unsigned size);
typedef void (*IoWriteFn)(void *opaque, uint16_t port, uint32_t val,
                          unsigned size);

#define IO_8 1u
#define IO_16 2u
#define IO_32 4u

IOBus *iobus_new(void);
void iobus_free(IOBus *b);
/* Returns 0, or -1 if any port in [base, base+count) is taken. */
int iobus_register(IOBus *b, uint16_t base, unsigned count, unsigned widths,
                   IoReadFn rd, IoWriteFn wr, void *opaque);
/* Removes the registration made with exactly this base and count (a PCI
 * I/O BAR being moved or disabled): its ports become unassigned again and
 * its slot is reused by later registrations.  Returns 0, or -1 (nothing
 * changed) if no registration has exactly that base and count. */
int iobus_unregister(IOBus *b, uint16_t base, unsigned count);
uint32_t iobus_read(IOBus *b, uint16_t port, unsigned size);
/* Optional observer of accesses nobody answers: called once for every byte
 * of an access that reaches no device (an unassigned port, or a device that
 * takes no 1-byte accesses) with write = 0 (the read returns 0xFF) or 1
 * (val = the byte dropped).  NULL (the default) turns it off. */
typedef void (*IoUnassignedFn)(void *opaque, uint16_t port, int write,
                               uint8_t val);
void iobus_set_unassigned(IOBus *b, IoUnassignedFn fn, void *opaque);
void iobus_write(IOBus *b, uint16_t port, uint32_t val, unsigned size);
#endif
