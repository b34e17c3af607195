/* i440FX host bridge and PIIX3 ISA bridge (see i440fx.h). */
#include "devices/i440fx.h"

#include <stdlib.h>

/* ------------------------------------------------------------ i440FX */

#define I440FX_PAM0 0x59
#define I440FX_SMRAM 0x72
#define SMRAM_D_OPEN 0x40
#define SMRAM_D_CLS 0x20
#define SMRAM_D_LCK 0x10
#define SMRAM_G_SMRAME 0x08
#define SMRAM_C_BASE_SEG 0x02 /* 010: 0xA0000 */

struct I440FX {
    PCIDevice *pci;
    PhysMem *mem;
};

static void pam_apply(I440FX *h)
{
    if (!h->mem)
        return;
    /* PAM0 high nibble: the 64 KiB BIOS area. */
    int f = (pci_get_u8(h->pci, I440FX_PAM0) >> 4) & 3;
    phys_set_pam(h->mem, 0xF0000, 0x10000, f);
    /* PAM1-PAM6: 16 KiB granules from 0xC0000, low nibble first. */
    for (unsigned i = 0; i < 12; i++) {
        uint8_t r = pci_get_u8(h->pci, I440FX_PAM0 + 1 + i / 2);
        f = (i & 1 ? r >> 4 : r) & 3;
        phys_set_pam(h->mem, 0xC0000 + 0x4000u * i, 0x4000, f);
    }
}

static void smram_write(I440FX *h, uint8_t v)
{
    uint8_t cur = pci_get_u8(h->pci, I440FX_SMRAM), n;
    if (cur & SMRAM_D_LCK) {
        n = (uint8_t)((cur & ~SMRAM_D_CLS) | (v & SMRAM_D_CLS));
    } else {
        n = (uint8_t)((v & (SMRAM_D_OPEN | SMRAM_D_CLS | SMRAM_D_LCK |
                            SMRAM_G_SMRAME)) |
                      SMRAM_C_BASE_SEG);
        if (n & SMRAM_D_LCK)
            n &= (uint8_t)~SMRAM_D_OPEN;
    }
    pci_config_set8(h->pci, I440FX_SMRAM, n);
}

static void i440fx_config_write(void *opaque, unsigned off, uint32_t val,
                                unsigned size)
{
    I440FX *h = opaque;
    if (off <= I440FX_PAM0 + 6 && off + size > I440FX_PAM0)
        pam_apply(h);
    if (off <= I440FX_SMRAM && off + size > I440FX_SMRAM)
        smram_write(h, (uint8_t)(val >> (8 * (I440FX_SMRAM - off))));
}

I440FX *i440fx_new(PCIBus *bus, PhysMem *mem)
{
    I440FX *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    PCIDeviceOps ops = {.opaque = h, .config_write = i440fx_config_write};
    h->pci = pci_device_new(bus, PCI_DEVFN(0, 0), 0x8086, 0x1237, 0x060000,
                            0x02, &ops);
    if (!h->pci) {
        free(h);
        return NULL;
    }
    h->mem = mem;
    /* PAM: only the RE/WE bits of each field exist. */
    pci_set_wmask(h->pci, I440FX_PAM0, 1, 0x30);
    pci_set_wmask(h->pci, I440FX_PAM0 + 1, 6, 0x33);
    /* SMRAM: written through smram_write() (lock semantics). */
    pci_set_wmask(h->pci, I440FX_SMRAM, 1, 0x00);
    i440fx_reset(h);
    return h;
}

void i440fx_free(I440FX *h) { free(h); }

void i440fx_reset(I440FX *h)
{
    pci_device_reset(h->pci);
    pci_config_set16(h->pci, PCI_COMMAND, 0x0006);
    pci_config_set16(h->pci, PCI_STATUS, 0x0280);
    for (unsigned i = 0; i < 7; i++)
        pci_config_set8(h->pci, I440FX_PAM0 + i, 0);
    pci_config_set8(h->pci, I440FX_SMRAM, SMRAM_C_BASE_SEG);
    pam_apply(h);
}

PCIDevice *i440fx_pci(I440FX *h) { return h->pci; }

void i440fx_save(const I440FX *h, SnapWriter *w)
{
    snap_begin(w, "I440", 1);
    pci_device_save(h->pci, w);
}

int i440fx_load(I440FX *h, SnapReader *r)
{
    snap_expect(r, "I440", 1);
    if (r->err || pci_device_load(h->pci, r) < 0) {
        i440fx_reset(h);
        return -1;
    }
    /* Reserved bits stay 0 whatever the data says. */
    pci_config_set8(h->pci, I440FX_PAM0,
                    pci_get_u8(h->pci, I440FX_PAM0) & 0x30);
    for (unsigned i = 1; i < 7; i++)
        pci_config_set8(h->pci, I440FX_PAM0 + i,
                        pci_get_u8(h->pci, I440FX_PAM0 + i) & 0x33);
    pci_config_set8(h->pci, I440FX_SMRAM,
                    (pci_get_u8(h->pci, I440FX_SMRAM) & 0x78) |
                        SMRAM_C_BASE_SEG);
    pam_apply(h);
    return 0;
}

/* ------------------------------------------------------------ PIIX3 */

#define PIIX3_PIRQRC 0x60

struct PIIX3 {
    PCIDevice *pci;
    PCIBus *bus;
    PIIX3Ops ops;
    uint8_t rcr;     /* reset control register (0xCF9) */
    uint16_t ext;    /* extra sources (piix3_isa_input) asserted */
    uint16_t out;    /* ISA IRQ outputs as last driven */
};

/* The ISA IRQ a PIRQRC value routes to, or -1. */
static int pirq_target(uint8_t rc)
{
    if (rc & 0x80)
        return -1;
    unsigned irq = rc & 0x0F;
    if (irq <= 2 || irq == 8 || irq == 13)
        return -1;
    return (int)irq;
}

static void piix3_update(PIIX3 *p)
{
    uint16_t lv = p->ext;
    for (int i = 0; i < 4; i++) {
        int t = pirq_target(pci_get_u8(p->pci, PIIX3_PIRQRC + i));
        if (t >= 0 && pci_bus_pirq_level(p->bus, i))
            lv |= (uint16_t)(1u << t);
    }
    uint16_t diff = lv ^ p->out;
    p->out = lv;
    for (int n = 0; n < 16; n++)
        if (diff & (1u << n))
            irq_set(&p->ops.isa_irq[n], (lv >> n) & 1);
}

static void piix3_pirq(void *opaque, int pirq, int level)
{
    piix3_update(opaque);
}

void piix3_isa_input(void *opaque, int n, int level)
{
    PIIX3 *p = opaque;
    if (n < 0 || n > 15)
        return;
    if (level)
        p->ext |= (uint16_t)(1u << n);
    else
        p->ext &= (uint16_t)~(1u << n);
    piix3_update(p);
}

int piix3_isa_level(const PIIX3 *p, int n)
{
    return n >= 0 && n < 16 && ((p->out >> n) & 1);
}

static void piix3_config_write(void *opaque, unsigned off, uint32_t val,
                               unsigned size)
{
    PIIX3 *p = opaque;
    if (off < PIIX3_PIRQRC + 4 && off + size > PIIX3_PIRQRC)
        piix3_update(p);
}

static uint8_t rcr_read(void *opaque)
{
    PIIX3 *p = opaque;
    return p->rcr;
}

static void rcr_write(void *opaque, uint8_t val)
{
    PIIX3 *p = opaque;
    p->rcr = val & 0x02;
    if ((val & 0x04) && p->ops.reset)
        p->ops.reset(p->ops.opaque);
}

PIIX3 *piix3_new(PCIBus *bus, const PIIX3Ops *ops)
{
    PIIX3 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    PCIDeviceOps pops = {.opaque = p, .config_write = piix3_config_write};
    p->pci = pci_device_new(bus, PCI_DEVFN(1, 0), 0x8086, 0x7000, 0x060100,
                            0x00, &pops);
    if (!p->pci) {
        free(p);
        return NULL;
    }
    p->bus = bus;
    if (ops)
        p->ops = *ops;
    pci_set_wmask(p->pci, PIIX3_PIRQRC, 4, 0x8F);
    /* A multi-function device even before its other functions exist. */
    pci_config_set8(p->pci, PCI_HEADER_TYPE, 0x80);
    pci_bus_set_pirq_handler(bus, piix3_pirq, p);
    pci_bus_set_port_cf9(bus, rcr_read, rcr_write, p);
    piix3_reset(p);
    return p;
}

void piix3_free(PIIX3 *p)
{
    if (!p)
        return;
    pci_bus_set_pirq_handler(p->bus, NULL, NULL);
    pci_bus_set_port_cf9(p->bus, NULL, NULL, NULL);
    free(p);
}

void piix3_reset(PIIX3 *p)
{
    PCIDevice *d = p->pci;
    pci_device_reset(d);
    pci_config_set16(d, PCI_COMMAND, 0x0007);
    pci_config_set16(d, PCI_STATUS, 0x0200);
    pci_config_set8(d, 0x4C, 0x4D);  /* IORT */
    pci_config_set16(d, 0x4E, 0x0003); /* XBCS */
    for (int i = 0; i < 4; i++)
        pci_config_set8(d, PIIX3_PIRQRC + i, 0x80);
    pci_config_set8(d, 0x69, 0x02);  /* TOM */
    pci_config_set8(d, 0x70, 0x80);  /* MBIRQ0 */
    pci_config_set8(d, 0x76, 0x0C);  /* MBDMA0 */
    pci_config_set8(d, 0x77, 0x0C);  /* MBDMA1 */
    pci_config_set16(d, 0x78, 0x0002); /* PCSC */
    pci_config_set8(d, 0xA0, 0x08);  /* SMICNTL */
    pci_config_set8(d, 0xA8, 0x0F);  /* FTMR */
    p->rcr = 0;
    piix3_update(p);
}

PCIDevice *piix3_pci(PIIX3 *p) { return p->pci; }

void piix3_save(const PIIX3 *p, SnapWriter *w)
{
    snap_begin(w, "PIX3", 1);
    pci_device_save(p->pci, w);
    snap_put_u8(w, p->rcr);
    snap_put_u16(w, p->ext);
    snap_put_u16(w, p->out);
}

int piix3_load(PIIX3 *p, SnapReader *r)
{
    snap_expect(r, "PIX3", 1);
    if (r->err || pci_device_load(p->pci, r) < 0)
        goto bad;
    uint8_t rcr = snap_get_u8(r);
    uint16_t ext = snap_get_u16(r);
    uint16_t out = snap_get_u16(r);
    snap_check(r, (rcr & ~0x02) == 0);
    if (r->err)
        goto bad;
    p->rcr = rcr;
    p->ext = ext;
    /* Re-derive the outputs from the routing and the PIRQ levels, then
     * drive every line with its level (a repeat of the level the
     * interrupt controller already has is no event for a level input). */
    p->out = out;
    piix3_update(p);
    for (int n = 0; n < 16; n++)
        irq_set(&p->ops.isa_irq[n], (p->out >> n) & 1);
    return 0;
bad:
    piix3_reset(p);
    return -1;
}
