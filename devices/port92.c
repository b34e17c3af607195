/* System control port A: fast A20 gate and fast reset.  See port92.h. */
#include "devices/port92.h"

#include <stdlib.h>

struct Port92 {
    Port92Ops ops;
    uint8_t val;
};

static uint32_t port92_read(void *opaque, uint16_t port, unsigned size)
{
    Port92 *p = opaque;
    return p->val;
}

static void port92_write(void *opaque, uint16_t port, uint32_t v,
                         unsigned size)
{
    Port92 *p = opaque;
    uint8_t old = p->val;
    p->val = (uint8_t)v;
    if (p->ops.a20)
        p->ops.a20(p->ops.opaque, (v >> 1) & 1);
    if ((v & 1) && !(old & 1) && p->ops.reset)
        p->ops.reset(p->ops.opaque);
}

Port92 *port92_new(const Port92Ops *ops)
{
    Port92 *p = calloc(1, sizeof(*p));
    if (p && ops)
        p->ops = *ops;
    return p;
}

void port92_free(Port92 *p)
{
    free(p);
}

int port92_register(Port92 *p, IOBus *bus, uint16_t port)
{
    return iobus_register(bus, port, 1, IO_8, port92_read, port92_write, p);
}

void port92_reset(Port92 *p)
{
    p->val = 0;
}

void port92_save(const Port92 *p, SnapWriter *w)
{
    snap_begin(w, "P92 ", 1);
    snap_put_u8(w, p->val);
}

/* The A20 line itself belongs to the board, which restores it. */
int port92_load(Port92 *p, SnapReader *r)
{
    snap_expect(r, "P92 ", 1);
    uint8_t v = snap_get_u8(r);
    if (r->err)
        return -1;
    p->val = v;
    return 0;
}
