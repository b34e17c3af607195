/* 8237A DMA controller pair and page registers.  See dma.h. */
#include "devices/dma.h"

#include <stdlib.h>
#include <string.h>

/* Mode register fields. */
#define MODE_TYPE(m) (((m) >> 2) & 3) /* 0 verify, 1 write, 2 read, 3 ill. */
#define MODE_AUTOINIT 0x10
#define MODE_DEC 0x20
#define MODE_SEL(m) (((m) >> 6) & 3) /* 0 demand, 1 single, 2 block, 3 casc */
#define TYPE_VERIFY 0
#define TYPE_WRITE 1 /* device -> memory */
#define TYPE_READ 2  /* memory -> device */
#define SEL_CASCADE 3
#define CMD_DISABLE 0x04

typedef struct DMAChan {
    uint16_t base_addr, base_count, cur_addr, cur_count;
    uint8_t mode;
    DMAServiceFn service;
    void *opaque;
} DMAChan;

typedef struct DMACtl {
    DMAChan ch[4];
    uint8_t command;
    uint8_t mask;    /* bits 0-3 */
    uint8_t status;  /* TC bits 0-3; request bits 4-7 computed */
    uint8_t request; /* software request bits 0-3 */
    uint8_t flipflop;
} DMACtl;

struct DMA {
    PhysMem *mem;
    DMACtl c[2];
    uint8_t page[16];  /* page registers, index = port - page_base */
    uint8_t dreq;      /* hardware DREQ, bit = channel 0-7 */
    int in_service;    /* service call in progress (no recursion) */
};

/* page register index of each channel */
static const uint8_t page_index[8] = {7, 3, 1, 2, 0xF, 0xB, 9, 0xA};

static DMAChan *chan(DMA *d, unsigned ch) { return &d->c[ch >> 2].ch[ch & 3]; }
static const DMAChan *cchan(const DMA *d, unsigned ch)
{
    return &d->c[ch >> 2].ch[ch & 3];
}

DMA *dma_new(PhysMem *mem)
{
    DMA *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->mem = mem;
    dma_reset(d);
    return d;
}

void dma_free(DMA *d) { free(d); }

static void master_clear(DMACtl *c)
{
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->flipflop = 0;
    c->mask = 0x0F;
}

void dma_reset(DMA *d)
{
    for (int i = 0; i < 2; i++) {
        master_clear(&d->c[i]);
        for (int k = 0; k < 4; k++) {
            DMAChan *ch = &d->c[i].ch[k];
            ch->base_addr = ch->base_count = ch->cur_addr = ch->cur_count = 0;
            ch->mode = 0;
        }
    }
    memset(d->page, 0, sizeof(d->page));
    d->dreq = 0;
}

void dma_set_service(DMA *d, unsigned ch, DMAServiceFn fn, void *opaque)
{
    if (ch > 7)
        return;
    chan(d, ch)->service = fn;
    chan(d, ch)->opaque = opaque;
}

int dma_channel_ready(const DMA *d, unsigned ch)
{
    if (ch > 7)
        return 0;
    const DMACtl *c = &d->c[ch >> 2];
    if ((c->mask >> (ch & 3)) & 1 || (c->command & CMD_DISABLE))
        return 0;
    if (MODE_SEL(cchan(d, ch)->mode) == SEL_CASCADE)
        return 0;
    if (ch < 4) { /* through the cascade input of controller 2 */
        const DMACtl *m = &d->c[1];
        if ((m->mask & 1) || (m->command & CMD_DISABLE))
            return 0;
    }
    return 1;
}

/* Calls the service function of every channel that has DREQ high and can
 * transfer now.  Not re-entered from a service function. */
static void dma_kick(DMA *d)
{
    if (d->in_service)
        return;
    d->in_service = 1;
    for (unsigned ch = 0; ch < 8; ch++) {
        DMAChan *c = chan(d, ch);
        if (((d->dreq >> ch) & 1) && c->service && dma_channel_ready(d, ch))
            c->service(c->opaque, ch);
    }
    d->in_service = 0;
}

void dma_set_dreq(DMA *d, unsigned ch, int level)
{
    if (ch > 7)
        return;
    if (level)
        d->dreq |= (uint8_t)(1u << ch);
    else
        d->dreq &= (uint8_t)~(1u << ch);
    if (level)
        dma_kick(d);
}

uint32_t dma_channel_address(const DMA *d, unsigned ch)
{
    if (ch > 7)
        return 0;
    const DMAChan *c = cchan(d, ch);
    uint32_t page = d->page[page_index[ch]];
    if (ch < 4)
        return (page << 16) | c->cur_addr;
    return ((page & 0xFEu) << 16) | ((uint32_t)c->cur_addr << 1);
}

uint16_t dma_channel_count(const DMA *d, unsigned ch)
{
    return ch > 7 ? 0 : cchan(d, ch)->cur_count;
}

uint8_t dma_channel_mode(const DMA *d, unsigned ch)
{
    return ch > 7 ? 0 : cchan(d, ch)->mode;
}

/* The common transfer loop.  dir: TYPE_WRITE device->memory (buf is read),
 * TYPE_READ memory->device (buf is written). */
static size_t transfer(DMA *d, unsigned ch, uint8_t *buf, size_t len,
                       int dir, int *tc)
{
    if (tc)
        *tc = 0;
    if (ch > 7 || !dma_channel_ready(d, ch))
        return 0;
    DMACtl *ctl = &d->c[ch >> 2];
    DMAChan *c = chan(d, ch);
    unsigned unit = ch < 4 ? 1 : 2;
    int type = MODE_TYPE(c->mode);
    int dec = (c->mode & MODE_DEC) != 0;
    size_t done = 0;
    len -= len % unit;
    while (done < len) {
        /* A run of units that neither wraps the address nor passes TC. */
        size_t units = (len - done) / unit;
        size_t left = (size_t)c->cur_count + 1; /* units until TC */
        if (units > left)
            units = left;
        if (!dec) {
            size_t room = 0x10000u - c->cur_addr;
            if (units > room)
                units = room;
        } else {
            units = 1; /* decrement: one unit at a time */
        }
        uint32_t pa = dma_channel_address(d, ch);
        size_t bytes = units * unit;
        if (type == TYPE_WRITE && dir == TYPE_WRITE)
            phys_dma_write(d->mem, pa, buf + done, bytes);
        else if (type == TYPE_READ && dir == TYPE_READ)
            phys_dma_read(d->mem, pa, buf + done, bytes);
        else if (dir == TYPE_READ)
            memset(buf + done, 0xFF, bytes); /* nothing drives the bus */
        done += bytes;
        if (dec)
            c->cur_addr = (uint16_t)(c->cur_addr - units);
        else
            c->cur_addr = (uint16_t)(c->cur_addr + units);
        if (units == left) { /* terminal count */
            c->cur_count = 0xFFFF;
            ctl->status |= (uint8_t)(1u << (ch & 3));
            ctl->request &= (uint8_t)~(1u << (ch & 3));
            if (c->mode & MODE_AUTOINIT) {
                c->cur_addr = c->base_addr;
                c->cur_count = c->base_count;
            } else {
                ctl->mask |= (uint8_t)(1u << (ch & 3));
            }
            if (tc)
                *tc = 1;
            break;
        }
        c->cur_count = (uint16_t)(c->cur_count - units);
    }
    return done;
}

size_t dma_write_memory(DMA *d, unsigned ch, const void *buf, size_t len,
                        int *tc)
{
    /* buf is only read on this path */
    return transfer(d, ch, (uint8_t *)(uintptr_t)buf, len, TYPE_WRITE, tc);
}

size_t dma_read_memory(DMA *d, unsigned ch, void *buf, size_t len, int *tc)
{
    return transfer(d, ch, buf, len, TYPE_READ, tc);
}

/* ------------------------------------------------------------ ports */

/* reg 0-15 of controller n */
static uint8_t ctl_read(DMA *d, int n, unsigned reg)
{
    DMACtl *c = &d->c[n];
    if (reg < 8) {
        DMAChan *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
        uint8_t b = c->flipflop ? (uint8_t)(v >> 8) : (uint8_t)v;
        c->flipflop ^= 1;
        return b;
    }
    switch (reg) {
    case 8: { /* status: TC bits cleared by the read */
        uint8_t req = (uint8_t)(((d->dreq >> (4 * n)) & 0x0F) | c->request);
        uint8_t v = (uint8_t)((c->status & 0x0F) | (req << 4));
        c->status &= (uint8_t)~0x0Fu;
        return v;
    }
    case 0xD: /* temporary register (memory-to-memory only) */
        return 0;
    case 0xF: /* all mask bits (readable on PIIX and later) */
        return (uint8_t)(0xF0 | c->mask);
    default:
        return 0xFF;
    }
}

static void ctl_write(DMA *d, int n, unsigned reg, uint8_t v)
{
    DMACtl *c = &d->c[n];
    int kick = 0;
    if (reg < 8) {
        DMAChan *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
        if (c->flipflop)
            *base = (uint16_t)((*base & 0x00FF) | (v << 8));
        else
            *base = (uint16_t)((*base & 0xFF00) | v);
        *cur = *base;
        c->flipflop ^= 1;
        return;
    }
    switch (reg) {
    case 8: /* command */
        c->command = v;
        kick = !(v & CMD_DISABLE);
        break;
    case 9: /* request register: software DREQ (memory-to-memory not
             * modelled; only the status bit) */
        if (v & 4)
            c->request |= (uint8_t)(1u << (v & 3));
        else
            c->request &= (uint8_t)~(1u << (v & 3));
        break;
    case 0xA: /* single mask bit */
        if (v & 4)
            c->mask |= (uint8_t)(1u << (v & 3));
        else {
            c->mask &= (uint8_t)~(1u << (v & 3));
            kick = 1;
        }
        break;
    case 0xB: /* mode */
        c->ch[v & 3].mode = v;
        break;
    case 0xC: /* clear byte pointer flip-flop */
        c->flipflop = 0;
        break;
    case 0xD: /* master clear */
        master_clear(c);
        break;
    case 0xE: /* clear mask register */
        c->mask = 0;
        kick = 1;
        break;
    case 0xF: /* write all mask bits */
        c->mask = v & 0x0F;
        kick = c->mask != 0x0F;
        break;
    }
    if (kick)
        dma_kick(d);
}

/* The bus handlers get the DMA itself; the low port bits select the
 * register (dma_register insists on aligned bases). */
static uint32_t dma8_read(void *opaque, uint16_t port, unsigned size)
{
    DMA *d = opaque;
    (void)size;
    return ctl_read(d, 0, port & 0x0F);
}
static void dma8_write(void *opaque, uint16_t port, uint32_t val,
                       unsigned size)
{
    (void)size;
    ctl_write(opaque, 0, port & 0x0F, (uint8_t)val);
}
static uint32_t dma16_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    return ctl_read(opaque, 1, (port >> 1) & 0x0F);
}
static void dma16_write(void *opaque, uint16_t port, uint32_t val,
                        unsigned size)
{
    (void)size;
    ctl_write(opaque, 1, (port >> 1) & 0x0F, (uint8_t)val);
}
static uint32_t page_read(void *opaque, uint16_t port, unsigned size)
{
    DMA *d = opaque;
    (void)size;
    return d->page[port & 0x0F];
}
static void page_write(void *opaque, uint16_t port, uint32_t val,
                       unsigned size)
{
    DMA *d = opaque;
    (void)size;
    d->page[port & 0x0F] = (uint8_t)val;
}

int dma_register(DMA *d, IOBus *bus, uint16_t base8, uint16_t base16,
                 uint16_t page_base)
{
    /* The decoders use the low port bits, so the bases must be aligned. */
    if ((base8 & 0x0F) || (base16 & 0x1F) || (page_base & 0x0F))
        return -1;
    if (iobus_register(bus, base8, 16, IO_8, dma8_read, dma8_write, d) < 0 ||
        iobus_register(bus, base16, 32, IO_8, dma16_read, dma16_write, d) < 0 ||
        iobus_register(bus, (uint16_t)(page_base + 1), 15, IO_8, page_read,
                       page_write, d) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ snapshot */

void dma_save(const DMA *d, SnapWriter *w)
{
    snap_begin(w, "DMA ", 1);
    for (int i = 0; i < 2; i++) {
        const DMACtl *c = &d->c[i];
        for (int k = 0; k < 4; k++) {
            const DMAChan *ch = &c->ch[k];
            snap_put_u16(w, ch->base_addr);
            snap_put_u16(w, ch->base_count);
            snap_put_u16(w, ch->cur_addr);
            snap_put_u16(w, ch->cur_count);
            snap_put_u8(w, ch->mode);
        }
        snap_put_u8(w, c->command);
        snap_put_u8(w, c->mask);
        snap_put_u8(w, c->status);
        snap_put_u8(w, c->request);
        snap_put_u8(w, c->flipflop);
    }
    snap_put_bytes(w, d->page, sizeof(d->page));
    snap_put_u8(w, d->dreq);
}

int dma_load(DMA *d, SnapReader *r)
{
    DMACtl c[2];
    uint8_t page[16], dreq;
    memset(c, 0, sizeof(c));
    snap_expect(r, "DMA ", 1);
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) {
            DMAChan *ch = &c[i].ch[k];
            ch->base_addr = snap_get_u16(r);
            ch->base_count = snap_get_u16(r);
            ch->cur_addr = snap_get_u16(r);
            ch->cur_count = snap_get_u16(r);
            ch->mode = snap_get_u8(r);
        }
        c[i].command = snap_get_u8(r);
        c[i].mask = snap_get_u8(r);
        c[i].status = snap_get_u8(r);
        c[i].request = snap_get_u8(r);
        c[i].flipflop = snap_get_u8(r);
        snap_check(r, c[i].mask <= 0x0F && (c[i].status & 0xF0) == 0 &&
                          c[i].request <= 0x0F && c[i].flipflop <= 1);
    }
    snap_get_bytes(r, page, sizeof(page));
    dreq = snap_get_u8(r);
    if (r->err) {
        dma_reset(d);
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        for (int k = 0; k < 4; k++) { /* keep the host attachments */
            c[i].ch[k].service = d->c[i].ch[k].service;
            c[i].ch[k].opaque = d->c[i].ch[k].opaque;
        }
        d->c[i] = c[i];
    }
    memcpy(d->page, page, sizeof(page));
    d->dreq = dreq;
    return 0;
}
