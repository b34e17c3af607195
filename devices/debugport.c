/* Debug ports: port 0xE9 console, POST code port, isa-debug-exit.
 * See debugport.h. */
#include "devices/debugport.h"

#include <stdlib.h>

/* ------------------------------------------------------------ debugcon */
struct DebugCon {
    DebugByteFn out;
    void *opaque;
    uint16_t port;
};

static uint32_t debugcon_read(void *opaque, uint16_t port, unsigned size)
{
    DebugCon *d = opaque;
    return d->port & 0xFF; /* Bochs: reading 0xE9 returns 0xE9 */
}

static void debugcon_write(void *opaque, uint16_t port, uint32_t val,
                           unsigned size)
{
    DebugCon *d = opaque;
    if (d->out)
        d->out(d->opaque, (uint8_t)val);
}

DebugCon *debugcon_new(DebugByteFn out, void *opaque)
{
    DebugCon *d = calloc(1, sizeof(*d));
    if (d) {
        d->out = out;
        d->opaque = opaque;
    }
    return d;
}

void debugcon_free(DebugCon *d)
{
    free(d);
}

int debugcon_register(DebugCon *d, IOBus *bus, uint16_t port)
{
    if (iobus_register(bus, port, 1, IO_8, debugcon_read, debugcon_write,
                       d) < 0)
        return -1;
    d->port = port;
    return 0;
}

/* ------------------------------------------------------------ postcode */
struct PostCode {
    DebugByteFn out;
    void *opaque;
    uint8_t last;
};

static uint32_t postcode_read(void *opaque, uint16_t port, unsigned size)
{
    PostCode *p = opaque;
    return p->last;
}

static void postcode_write(void *opaque, uint16_t port, uint32_t val,
                           unsigned size)
{
    PostCode *p = opaque;
    p->last = (uint8_t)val;
    if (p->out)
        p->out(p->opaque, (uint8_t)val);
}

PostCode *postcode_new(DebugByteFn out, void *opaque)
{
    PostCode *p = calloc(1, sizeof(*p));
    if (p) {
        p->out = out;
        p->opaque = opaque;
    }
    return p;
}

void postcode_free(PostCode *p)
{
    free(p);
}

int postcode_register(PostCode *p, IOBus *bus, uint16_t port)
{
    return iobus_register(bus, port, 1, IO_8, postcode_read, postcode_write,
                          p);
}

void postcode_reset(PostCode *p)
{
    p->last = 0;
}

uint8_t postcode_last(const PostCode *p)
{
    return p->last;
}

/* ------------------------------------------------------------ isa-debug-exit */
struct DebugExit {
    DebugExitFn fn;
    void *opaque;
};

static uint32_t debugexit_read(void *opaque, uint16_t port, unsigned size)
{
    return 0;
}

static void debugexit_write(void *opaque, uint16_t port, uint32_t val,
                            unsigned size)
{
    DebugExit *d = opaque;
    /* QEMU semantics; the host truncates exit statuses to 8 bits. */
    if (d->fn)
        d->fn(d->opaque, (int)(((val << 1) | 1) & 0xFF));
}

DebugExit *debugexit_new(DebugExitFn fn, void *opaque)
{
    DebugExit *d = calloc(1, sizeof(*d));
    if (d) {
        d->fn = fn;
        d->opaque = opaque;
    }
    return d;
}

void debugexit_free(DebugExit *d)
{
    free(d);
}

int debugexit_register(DebugExit *d, IOBus *bus, uint16_t base, unsigned size)
{
    return iobus_register(bus, base, size, IO_8 | IO_16 | IO_32,
                          debugexit_read, debugexit_write, d);
}

/* The debug console and isa-debug-exit keep no state; the POST port keeps
 * the last code (it reads back). */
void postcode_save(const PostCode *p, SnapWriter *w)
{
    snap_begin(w, "POST", 1);
    snap_put_u8(w, p->last);
}

int postcode_load(PostCode *p, SnapReader *r)
{
    snap_expect(r, "POST", 1);
    uint8_t v = snap_get_u8(r);
    if (r->err)
        return -1;
    p->last = v;
    return 0;
}
