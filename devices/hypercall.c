/* Guest hypercall port (see hypercall.h). */
#include "devices/hypercall.h"

#include <stdlib.h>
#include <string.h>

struct Hypercall {
    HypercallOps ops;
    uint32_t args[HC_MAX_ARGS];
    unsigned nargs;    /* 0..HC_MAX_ARGS + 1 (overflow) */
    uint32_t result;
    uint16_t base;
};

Hypercall *hypercall_new(const HypercallOps *ops)
{
    Hypercall *h = calloc(1, sizeof *h);
    if (h && ops)
        h->ops = *ops;
    return h;
}

void hypercall_free(Hypercall *h) { free(h); }

void hypercall_reset(Hypercall *h)
{
    h->nargs = 0;
    h->result = HC_OK;
}

/* Copies the guest string at lin into buf (NUL-terminated); -1 if a byte
 * is unreadable or there is no NUL within HC_MAX_STR bytes. */
static int read_str(Hypercall *h, uint32_t lin, char *buf)
{
    if (!h->ops.read_mem)
        return -1;
    for (uint32_t k = 0; k < HC_MAX_STR; k++) {
        uint8_t b;
        if (h->ops.read_mem(h->ops.opaque, lin + k, &b, 1) < 0)
            return -1;
        buf[k] = (char)b;
        if (!b)
            return 0;
    }
    return -1;
}

static uint32_t run(Hypercall *h, uint32_t cmd)
{
    static const unsigned need[] = {0, 1, 2, 1, 0, 1};
    char s[HC_MAX_STR];
    void *o = h->ops.opaque;
    if (cmd < HC_PRINT || cmd > HC_EXIT)
        return HC_ECMD;
    if (h->nargs != need[cmd])
        return HC_EARGS;
    switch (cmd) {
    case HC_PRINT:
        if (!h->ops.print)
            return HC_EHOST;
        if (read_str(h, h->args[0], s) < 0)
            return HC_EFAULT;
        h->ops.print(o, s);
        return HC_OK;
    case HC_ADDSYM:
        if (!h->ops.add_symbol)
            return HC_EHOST;
        if (read_str(h, h->args[1], s) < 0 || !s[0])
            return HC_EFAULT;
        h->ops.add_symbol(o, h->args[0], s);
        return HC_OK;
    case HC_TRACE:
        if (!h->ops.trace)
            return HC_EHOST;
        h->ops.trace(o, h->args[0] != 0);
        return HC_OK;
    case HC_BREAK:
        if (!h->ops.brk)
            return HC_EHOST;
        h->ops.brk(o);
        return HC_OK;
    case HC_EXIT:
        if (!h->ops.exit)
            return HC_EHOST;
        h->ops.exit(o, (int)(h->args[0] & 0xFF));
        return HC_OK;
    }
    return HC_ECMD;
}

static uint32_t hc_read(void *opaque, uint16_t port, unsigned size)
{
    Hypercall *h = opaque;
    unsigned off = (uint16_t)(port - h->base);
    uint32_t v = (off & 4) ? h->result : HC_SIGNATURE;
    unsigned sh = 8 * (off & 3);
    v >>= sh;
    return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void hc_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    Hypercall *h = opaque;
    unsigned off = (uint16_t)(port - h->base);
    (void)size;
    if (off & 3)
        return; /* only the first byte of each register is decoded */
    if (!(off & 4)) {
        if (h->nargs < HC_MAX_ARGS)
            h->args[h->nargs] = val;
        if (h->nargs <= HC_MAX_ARGS)
            h->nargs++;
        return;
    }
    h->result = run(h, val);
    h->nargs = 0;
}

int hypercall_register(Hypercall *h, IOBus *bus, uint16_t base)
{
    h->base = base;
    return iobus_register(bus, base, 8, IO_8 | IO_16 | IO_32, hc_read,
                          hc_write, h);
}

void hypercall_save(const Hypercall *h, SnapWriter *w)
{
    snap_begin(w, "HCAL", 1);
    snap_put_u8(w, (uint8_t)h->nargs);
    for (int k = 0; k < HC_MAX_ARGS; k++)
        snap_put_u32(w, h->args[k]);
    snap_put_u32(w, h->result);
}

int hypercall_load(Hypercall *h, SnapReader *r)
{
    uint8_t n;
    snap_expect(r, "HCAL", 1);
    n = snap_get_u8(r);
    snap_check(r, n <= HC_MAX_ARGS + 1);
    for (int k = 0; k < HC_MAX_ARGS; k++)
        h->args[k] = snap_get_u32(r);
    h->result = snap_get_u32(r);
    if (r->err) {
        hypercall_reset(h);
        return -1;
    }
    h->nargs = n;
    return 0;
}
