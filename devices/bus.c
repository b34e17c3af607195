/* Port-I/O bus: a flat 64K table mapping each port to its handler.
 *
 * map[port] holds 0 for an unassigned port, or 1 + the index of the
 * registration in `h`.  Handlers receive the absolute port number (not an
 * offset), and only access sizes they declared in `widths`.
 *
 * Dispatch of an access of size s (1, 2 or 4) at port p:
 *   - if p is owned by a device that accepts size s and [p, p+s) lies
 *     inside that one registration, the device sees one access;
 *   - otherwise a 4-byte access becomes two 2-byte accesses (p, p+2) and a
 *     2-byte access two 1-byte accesses (p, p+1), each dispatched again, the
 *     lower port supplying the low bits (x86 is little-endian);
 *   - a 1-byte access that cannot be delivered (unassigned port, or a device
 *     that accepts no 1-byte accesses) reads 0xFF and drops writes.
 * Port numbers wrap at 0xFFFF like the 16-bit port address of the CPU.
 * A slot of `h` freed by iobus_unregister() has end == 0 and is reused by
 * the next registration, so moving a PCI BAR forever does not grow `h`. */
#include "devices/bus.h"

#include <stdlib.h>

typedef struct IOHandler {
    uint32_t base;  /* first port */
    uint32_t end;   /* one past the last port (<= 0x10000) */
    unsigned widths;
    IoReadFn rd;
    IoWriteFn wr;
    void *opaque;
} IOHandler;

struct IOBus {
    uint16_t map[65536];
    IOHandler *h;
    unsigned nh, cap;
    IoUnassignedFn unassigned;
    void *unassigned_opaque;
};

void iobus_set_unassigned(IOBus *b, IoUnassignedFn fn, void *opaque)
{
    b->unassigned = fn;
    b->unassigned_opaque = opaque;
}

IOBus *iobus_new(void)
{
    return calloc(1, sizeof(IOBus));
}

void iobus_free(IOBus *b)
{
    if (!b)
        return;
    free(b->h);
    free(b);
}

int iobus_register(IOBus *b, uint16_t base, unsigned count, unsigned widths,
                   IoReadFn rd, IoWriteFn wr, void *opaque)
{
    if (count == 0 || (uint32_t)base + count > 0x10000u ||
        (widths & (IO_8 | IO_16 | IO_32)) == 0 || (widths & ~7u) != 0)
        return -1;
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        if (b->map[p])
            return -1;
    /* Reuse a slot freed by iobus_unregister() first. */
    for (unsigned i = 0; i < b->nh; i++) {
        if (b->h[i].end == 0) {
            b->h[i] = (IOHandler){base, (uint32_t)base + count, widths, rd,
                                  wr, opaque};
            for (uint32_t p = base; p < (uint32_t)base + count; p++)
                b->map[p] = (uint16_t)(i + 1);
            return 0;
        }
    }
    if (b->nh >= 0xFFFFu)
        return -1;
    if (b->nh == b->cap) {
        unsigned ncap = b->cap ? b->cap * 2 : 16;
        IOHandler *nh = realloc(b->h, ncap * sizeof(*nh));
        if (!nh)
            return -1;
        b->h = nh;
        b->cap = ncap;
    }
    b->h[b->nh] = (IOHandler){base, (uint32_t)base + count, widths, rd, wr,
                              opaque};
    b->nh++;
    for (uint32_t p = base; p < (uint32_t)base + count; p++)
        b->map[p] = (uint16_t)b->nh;
    return 0;
}

int iobus_unregister(IOBus *b, uint16_t base, unsigned count)
{
    unsigned i = b->map[base];
    if (!i || count == 0)
        return -1;
    IOHandler *h = &b->h[i - 1];
    if (h->base != base || h->end != (uint32_t)base + count)
        return -1;
    for (uint32_t p = h->base; p < h->end; p++)
        b->map[p] = 0;
    *h = (IOHandler){0, 0, 0, NULL, NULL, NULL}; /* end == 0: free slot */
    return 0;
}

static uint32_t size_mask(unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

/* The handler that takes an access of `size` at `port` whole, or NULL. */
static const IOHandler *whole(const IOBus *b, uint16_t port, unsigned size)
{
    unsigned i = b->map[port];
    if (!i)
        return NULL;
    const IOHandler *h = &b->h[i - 1];
    if (!(h->widths & size) || (uint32_t)port + size > h->end)
        return NULL;
    return h;
}

uint32_t iobus_read(IOBus *b, uint16_t port, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        return 0xFFFFFFFFu;
    const IOHandler *h = whole(b, port, size);
    if (h)
        return h->rd ? h->rd(h->opaque, port, size) & size_mask(size)
                     : size_mask(size);
    if (size == 1) {
        if (b->unassigned)
            b->unassigned(b->unassigned_opaque, port, 0, 0xFF);
        return 0xFF;
    }
    unsigned half = size / 2;
    uint32_t lo = iobus_read(b, port, half);
    uint32_t hi = iobus_read(b, (uint16_t)(port + half), half);
    return lo | (hi << (8 * half));
}

void iobus_write(IOBus *b, uint16_t port, uint32_t val, unsigned size)
{
    if (size != 1 && size != 2 && size != 4)
        return;
    const IOHandler *h = whole(b, port, size);
    if (h) {
        if (h->wr)
            h->wr(h->opaque, port, val & size_mask(size), size);
        return;
    }
    if (size == 1) {
        if (b->unassigned)
            b->unassigned(b->unassigned_opaque, port, 1, (uint8_t)val);
        return;
    }
    unsigned half = size / 2;
    iobus_write(b, port, val & size_mask(half), half);
    iobus_write(b, (uint16_t)(port + half), val >> (8 * half), half);
}
