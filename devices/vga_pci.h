/* The VGA's PCI function as QEMU's `-vga std` presents it: 1234:1111,
 * class 03:00:00, BAR0 = prefetchable linear frame buffer (the VRAM size),
 * no interrupt.  Moving or disabling BAR0 remaps the VGA's LFB
 * (vga_pci_bar0_update).  The legacy ports and the A0000 window are not
 * BARs and always decode, as on real VGA cards. */
#ifndef X86PC_VGA_PCI_H
#define X86PC_VGA_PCI_H
#include "devices/pci.h"
#include "devices/vga.h"

typedef struct VGAPCI VGAPCI;

VGAPCI *vga_pci_new(PCIBus *bus, int devfn, VGAState *vga, PhysMem *mem);
void vga_pci_free(VGAPCI *v);
void vga_pci_reset(VGAPCI *v);
void vga_pci_save(const VGAPCI *v, SnapWriter *w);
int vga_pci_load(VGAPCI *v, SnapReader *r);
#endif
