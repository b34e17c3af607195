/* 8259A PIC pair with ELCR (see pic.h). */
#include "devices/pic.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct PICChip {
    uint8_t irr, isr, imr;
    uint8_t lines;      /* current input levels */
    uint8_t elcr;       /* 1 = level-triggered (PIIX ELCR) */
    uint8_t elcr_mask;  /* ELCR bits that exist */
    uint8_t base;       /* ICW2 & 0xF8 */
    uint8_t icw3;
    uint8_t prio;       /* IR number with the highest priority */
    uint8_t init_state; /* 0 ready, 1 ICW2 next, 2 ICW3 next, 3 ICW4 next */
    uint8_t need_icw4, single, ltim;
    uint8_t upm, aeoi, sfnm, rotate_aeoi;
    uint8_t read_isr, poll, smm;
} PICChip;

struct PIC {
    PICChip c[2]; /* 0 master, 1 slave */
    IRQLine intr;
    int out_level;
};

static uint8_t level_mask(const PICChip *c)
{
    return c->ltim ? 0xFF : c->elcr;
}

/* Priority rank (0 highest .. 7) of the highest-priority bit in mask, or 8. */
static int best_rank(const PICChip *c, uint8_t mask)
{
    if (!mask)
        return 8;
    for (int r = 0; r < 8; r++)
        if (mask & (1u << ((r + c->prio) & 7)))
            return r;
    return 8;
}

/* The IR the chip would present at INTA now, or -1. */
static int chip_pending(const PICChip *c, int is_master)
{
    uint8_t req = c->irr & (uint8_t)~c->imr;
    if (c->smm) {
        /* Special mask mode: every unmasked level that is not itself in
         * service may interrupt, whatever else is in service. */
        req &= (uint8_t)~c->isr;
        int r = best_rank(c, req);
        return r < 8 ? (r + c->prio) & 7 : -1;
    }
    int r = best_rank(c, req);
    if (r == 8)
        return -1;
    int cur = best_rank(c, c->isr);
    int irq = (r + c->prio) & 7;
    if (r < cur)
        return irq;
    /* Special fully nested mode: the cascade input is accepted again while
     * it is in service (a higher-priority slave request). */
    if (is_master && c->sfnm && r == cur && irq == 2)
        return irq;
    return -1;
}

static void chip_input(PICChip *c, int irq, int level);

static void update(PIC *p)
{
    /* Slave INT -> master IR2 (an ordinary input of the master). */
    chip_input(&p->c[0], 2, chip_pending(&p->c[1], 0) >= 0);
    int lvl = chip_pending(&p->c[0], 1) >= 0;
    if (lvl != p->out_level) {
        p->out_level = lvl;
        irq_set(&p->intr, lvl);
    }
}

static void chip_input(PICChip *c, int irq, int level)
{
    uint8_t m = (uint8_t)(1u << irq);
    if (level_mask(c) & m) {
        if (level)
            c->irr |= m;
        else
            c->irr &= (uint8_t)~m;
    } else if (level && !(c->lines & m)) {
        c->irr |= m; /* rising edge */
    }
    if (level)
        c->lines |= m;
    else
        c->lines &= (uint8_t)~m;
}

void pic_set_irq(void *opaque, int n, int level)
{
    PIC *p = opaque;
    if (n < 0 || n > 15 || n == 2)
        return;
    chip_input(&p->c[n >> 3], n & 7, level != 0);
    update(p);
}

/* Takes irq into service on chip c (second INTA pulse). */
static void chip_ack(PICChip *c, int irq)
{
    uint8_t m = (uint8_t)(1u << irq);
    if (c->aeoi) {
        if (c->rotate_aeoi)
            c->prio = (uint8_t)((irq + 1) & 7);
    } else {
        c->isr |= m;
    }
    if (!(level_mask(c) & m))
        c->irr &= (uint8_t)~m;
}

int pic_ack(PIC *p)
{
    PICChip *m = &p->c[0], *s = &p->c[1];
    int vec;
    int irq = chip_pending(m, 1);
    if (irq < 0) {
        vec = m->base + 7; /* spurious IRQ 7: nothing in service */
    } else {
        chip_ack(m, irq);
        if (irq == 2 && !m->single) {
            int sirq = chip_pending(s, 0);
            if (sirq < 0) {
                vec = s->base + 7; /* spurious IRQ 15 */
            } else {
                chip_ack(s, sirq);
                vec = s->base + sirq;
            }
            /* The slave's INT falls during INTA: a request it still has
             * (auto-EOI, special fully nested) is a new edge for IR2. */
            m->lines &= (uint8_t)~4u;
        } else {
            vec = m->base + irq;
        }
    }
    update(p);
    return vec & 0xFF;
}

int pic_intr_level(const PIC *p) { return p->out_level; }

int pic_can_interrupt(const PIC *p)
{
    uint8_t m = (uint8_t)~p->c[0].imr, sl = (uint8_t)~p->c[1].imr;
    if (p->out_level)
        return 1;
    return (m & ~4u) != 0 || ((m & 4u) && sl);
}

/* ------------------------------------------------------------ registers */

static void chip_init_reset(PICChip *c)
{
    /* ICW1: IMR cleared, IR7 lowest priority, special mask mode off, IRR
     * selected for reads, edge-sense latches reset. */
    c->imr = 0;
    c->isr = 0;
    c->irr = c->lines & level_mask(c);
    c->prio = 0;
    c->smm = 0;
    c->read_isr = 0;
    c->poll = 0;
    c->rotate_aeoi = 0;
    c->aeoi = 0;
    c->sfnm = 0;
    c->upm = 0;
}

static void chip_eoi(PICChip *c, unsigned ocw2)
{
    unsigned op = ocw2 >> 5, l = ocw2 & 7;
    switch (op) {
    case 1: /* non-specific EOI */
    case 5: { /* rotate on non-specific EOI */
        int r = best_rank(c, c->isr);
        if (r < 8) {
            int irq = (r + c->prio) & 7;
            c->isr &= (uint8_t)~(1u << irq);
            if (op == 5)
                c->prio = (uint8_t)((irq + 1) & 7);
        }
        break;
    }
    case 3: /* specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= (uint8_t)~(1u << l);
        c->prio = (uint8_t)((l + 1) & 7);
        break;
    case 6: /* set priority: L becomes the lowest */
        c->prio = (uint8_t)((l + 1) & 7);
        break;
    case 4: /* rotate in automatic EOI mode: set */
        c->rotate_aeoi = 1;
        break;
    case 0: /* ... clear */
        c->rotate_aeoi = 0;
        break;
    default: /* 2: no operation */
        break;
    }
}

static uint8_t chip_read(PIC *p, int idx, int odd)
{
    PICChip *c = &p->c[idx];
    if (odd)
        return c->imr;
    if (c->poll) {
        /* Poll command: this read is the INTA. */
        c->poll = 0;
        int irq = chip_pending(c, idx == 0);
        if (irq < 0)
            return 0x00;
        chip_ack(c, irq);
        update(p);
        return (uint8_t)(0x80 | irq);
    }
    return c->read_isr ? c->isr : c->irr;
}

static void chip_write(PIC *p, int idx, int odd, uint8_t v)
{
    PICChip *c = &p->c[idx];
    if (!odd) {
        if (v & 0x10) { /* ICW1 */
            c->need_icw4 = v & 1;
            c->single = (v >> 1) & 1;
            c->ltim = (v >> 3) & 1;
            chip_init_reset(c);
            c->init_state = 1;
        } else if (v & 0x08) { /* OCW3 */
            if (v & 0x02)
                c->read_isr = v & 1;
            c->poll = (v >> 2) & 1;
            if (v & 0x40)
                c->smm = (v >> 5) & 1;
        } else { /* OCW2 */
            chip_eoi(c, v);
        }
    } else {
        switch (c->init_state) {
        case 1: /* ICW2 */
            c->base = v & 0xF8;
            c->init_state = c->single ? (c->need_icw4 ? 3 : 0) : 2;
            break;
        case 2: /* ICW3 */
            c->icw3 = v;
            c->init_state = c->need_icw4 ? 3 : 0;
            break;
        case 3: /* ICW4 */
            c->upm = v & 1;
            c->aeoi = (v >> 1) & 1;
            c->sfnm = (v >> 4) & 1;
            c->init_state = 0;
            break;
        default: /* OCW1 */
            c->imr = v;
            break;
        }
    }
    /* Level inputs follow their lines (ICW1 may have changed LTIM). */
    uint8_t lm = level_mask(c);
    c->irr = (uint8_t)((c->irr & ~lm) | (c->lines & lm));
    update(p);
}

static uint32_t pic_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    PIC *p = opaque;
    return chip_read(p, (port & 0x80) ? 1 : 0, port & 1);
}

static void pic_io_write(void *opaque, uint16_t port, uint32_t val,
                         unsigned size)
{
    (void)size;
    PIC *p = opaque;
    chip_write(p, (port & 0x80) ? 1 : 0, port & 1, (uint8_t)val);
}

static uint32_t elcr_io_read(void *opaque, uint16_t port, unsigned size)
{
    (void)size;
    PIC *p = opaque;
    return p->c[port & 1].elcr;
}

static void elcr_io_write(void *opaque, uint16_t port, uint32_t val,
                          unsigned size)
{
    (void)size;
    PIC *p = opaque;
    PICChip *c = &p->c[port & 1];
    c->elcr = (uint8_t)val & c->elcr_mask;
    uint8_t lm = level_mask(c);
    c->irr = (uint8_t)((c->irr & ~lm) | (c->lines & lm));
    update(p);
}

/* ------------------------------------------------------------ lifecycle */

PIC *pic_new(const PICOps *ops)
{
    PIC *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    if (ops)
        p->intr = ops->intr;
    pic_reset(p);
    return p;
}

void pic_free(PIC *p) { free(p); }

int pic_register(PIC *p, IOBus *bus, uint16_t master, uint16_t slave,
                 uint16_t elcr)
{
    /* The chip number is taken from port bit 7 (0x20 vs 0xA0) and the
     * register from bit 0, so the bases must look like the PC's. */
    if ((master & 0x81) != 0 || (slave & 0x81) != 0x80 || (elcr & 1))
        return -1;
    if (iobus_register(bus, master, 2, IO_8, pic_io_read, pic_io_write, p) <
        0)
        return -1;
    if (iobus_register(bus, slave, 2, IO_8, pic_io_read, pic_io_write, p) < 0)
        return -1;
    if (iobus_register(bus, elcr, 2, IO_8, elcr_io_read, elcr_io_write, p) <
        0)
        return -1;
    return 0;
}

void pic_reset(PIC *p)
{
    for (int i = 0; i < 2; i++) {
        PICChip *c = &p->c[i];
        uint8_t lines = c->lines;
        memset(c, 0, sizeof(*c));
        c->lines = lines;
        c->elcr_mask = i ? 0xDE : 0xF8;
        c->base = i ? 0x70 : 0x08;
        c->icw3 = i ? 2 : 4;
        c->imr = 0xFF;
        c->irr = 0;
    }
    /* The master's IR2 edge latch must see the slave's next output edge. */
    p->c[0].lines &= (uint8_t)~4u;
    update(p);
}

/* ------------------------------------------------------------ snapshots */

void pic_save(const PIC *p, SnapWriter *w)
{
    snap_begin(w, "PIC ", 1);
    for (int i = 0; i < 2; i++) {
        const PICChip *c = &p->c[i];
        const uint8_t f[] = {c->irr, c->isr, c->imr, c->lines, c->elcr,
                             c->base, c->icw3, c->prio, c->init_state,
                             c->need_icw4, c->single, c->ltim, c->upm,
                             c->aeoi, c->sfnm, c->rotate_aeoi, c->read_isr,
                             c->poll, c->smm};
        snap_put_bytes(w, f, sizeof(f));
    }
    snap_put_u8(w, (uint8_t)p->out_level);
}

int pic_load(PIC *p, SnapReader *r)
{
    PICChip c[2];
    snap_expect(r, "PIC ", 1);
    for (int i = 0; i < 2 && !r->err; i++) {
        uint8_t f[19];
        snap_get_bytes(r, f, sizeof(f));
        PICChip *x = &c[i];
        memset(x, 0, sizeof(*x));
        x->irr = f[0], x->isr = f[1], x->imr = f[2], x->lines = f[3];
        x->elcr = f[4], x->base = f[5], x->icw3 = f[6], x->prio = f[7];
        x->init_state = f[8];
        x->need_icw4 = f[9], x->single = f[10], x->ltim = f[11];
        x->upm = f[12], x->aeoi = f[13], x->sfnm = f[14];
        x->rotate_aeoi = f[15], x->read_isr = f[16], x->poll = f[17];
        x->smm = f[18];
        x->elcr_mask = i ? 0xDE : 0xF8;
        snap_check(r, (x->elcr & ~x->elcr_mask) == 0);
        snap_check(r, (x->base & 7) == 0 && x->prio < 8 &&
                          x->init_state < 4);
        for (int k = 9; k < 19; k++)
            snap_check(r, f[k] <= 1);
    }
    uint8_t out = snap_get_u8(r);
    snap_check(r, out <= 1);
    if (r->err) {
        pic_reset(p);
        return -1;
    }
    p->c[0] = c[0];
    p->c[1] = c[1];
    /* The CPU's INTR input is part of the CPU's state; re-derive ours and
     * drive the line to match. */
    p->out_level = -1;
    update(p);
    return 0;
}

int pic_dump(const PIC *p, char *buf, size_t len)
{
    int n = 0;
    for (int i = 0; i < 2 && len; i++) {
        const PICChip *c = &p->c[i];
        int k = snprintf(buf + n, len - (size_t)n,
                         "%s PIC: irr=%02x isr=%02x imr=%02x lines=%02x elcr=%02x "
                         "base=%02x icw3=%02x prio=%u init=%u%s%s%s%s\n",
                         i ? "slave " : "master", c->irr, c->isr, c->imr,
                         c->lines, c->elcr, c->base, c->icw3, c->prio,
                         c->init_state, c->ltim ? " level" : "",
                         c->aeoi ? " aeoi" : "", c->sfnm ? " sfnm" : "",
                         c->read_isr ? " read-isr" : "");
        if (k < 0 || (size_t)(n + k) >= len)
            return (int)len - 1;
        n += k;
    }
    if (len && (size_t)n + 1 < len)
        n += snprintf(buf + n, len - (size_t)n, "INTR output: %d\n", p->out_level);
    return n;
}
