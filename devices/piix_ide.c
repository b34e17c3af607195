/* PIIX3 IDE function (see piix_ide.h). */
#include "devices/piix_ide.h"
#include <stdlib.h>

struct PIIXIDE {
    PCIDevice *pci;
    ATAChannel *ch[2];
};

static uint32_t bm_read(void *opaque, uint16_t port, unsigned size)
{
    PIIXIDE *p = opaque;
    unsigned off = (unsigned)(port - pci_bar_addr(p->pci, 4)) & 15;
    return bmdma_read(p->ch[off >> 3], off & 7, size);
}

static void bm_write(void *opaque, uint16_t port, uint32_t val, unsigned size)
{
    PIIXIDE *p = opaque;
    unsigned off = (unsigned)(port - pci_bar_addr(p->pci, 4)) & 15;
    bmdma_write(p->ch[off >> 3], off & 7, val, size);
}

static void set_defaults(PIIXIDE *p)
{
    /* Legacy mode: no BARs 0-3, no interrupt pin (IRQ 14/15 are ISA). */
    pci_config_set16(p->pci, PCI_STATUS, 0x0280); /* fast b2b, medium DEVSEL */
}

PIIXIDE *piix_ide_new(PCIBus *bus, int devfn, ATAChannel *ch0,
                      ATAChannel *ch1)
{
    PIIXIDE *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->ch[0] = ch0;
    p->ch[1] = ch1;
    PCIDeviceOps ops = {.opaque = p};
    p->pci = pci_device_new(bus, devfn, 0x8086, 0x7010, 0x010180, 0x00, &ops);
    if (!p->pci || pci_bar_init(p->pci, 4, 16, PCI_BAR_IO) < 0) {
        free(p);
        return NULL;
    }
    pci_bar_set_io(p->pci, 4, IO_8 | IO_16 | IO_32, bm_read, bm_write, p);
    set_defaults(p);
    return p;
}

void piix_ide_free(PIIXIDE *p) { free(p); }

void piix_ide_reset(PIIXIDE *p)
{
    pci_device_reset(p->pci);
    set_defaults(p);
}

void piix_ide_save(const PIIXIDE *p, SnapWriter *w)
{
    snap_begin(w, "PIDE", 1);
    pci_device_save(p->pci, w);
}

int piix_ide_load(PIIXIDE *p, SnapReader *r)
{
    snap_expect(r, "PIDE", 1);
    if (r->err)
        return -1;
    return pci_device_load(p->pci, r);
}
