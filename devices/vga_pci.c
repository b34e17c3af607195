/* VGA PCI function (see vga_pci.h). */
#include "devices/vga_pci.h"
#include <stdlib.h>

struct VGAPCI {
    PCIDevice *pci;
    VGAState *vga;
    PhysMem *mem;
};

static void bar_map(void *opaque, int bar, uint32_t addr, int mapped)
{
    VGAPCI *v = opaque;
    if (bar == 0)
        vga_pci_bar0_update(v->vga, v->mem, addr, mapped);
}

VGAPCI *vga_pci_new(PCIBus *bus, int devfn, VGAState *vga, PhysMem *mem)
{
    VGAPCI *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->vga = vga;
    v->mem = mem;
    PCIDeviceOps ops = {.opaque = v, .bar_map = bar_map};
    v->pci = pci_device_new(bus, devfn, 0x1234, 0x1111, 0x030000, 0x02, &ops);
    if (!v->pci ||
        pci_bar_init(v->pci, 0, (uint32_t)vga_pci_bar0_size(vga),
                     PCI_BAR_MEM | PCI_BAR_PREFETCH) < 0) {
        free(v);
        return NULL;
    }
    return v;
}

void vga_pci_free(VGAPCI *v) { free(v); }
void vga_pci_reset(VGAPCI *v) { pci_device_reset(v->pci); }

void vga_pci_save(const VGAPCI *v, SnapWriter *w)
{
    snap_begin(w, "VPCI", 1);
    pci_device_save(v->pci, w);
}

int vga_pci_load(VGAPCI *v, SnapReader *r)
{
    snap_expect(r, "VPCI", 1);
    if (r->err)
        return -1;
    return pci_device_load(v->pci, r);
}
