/* PIIX3 IDE function (00:01.1, 8086:7010, class 01:01:80): the PCI face
 * of the two legacy IDE channels (devices/ata.h).
 *
 * The channels stay at their legacy ports and IRQs 14/15 (programming
 * interface 0x80: legacy mode on both channels, bus mastering); BAR4 is
 * the 16-byte bus-master IDE block, channel 0 at +0 and channel 1 at +8,
 * forwarded to bmdma_read/bmdma_write.
 * Not modelled: the command register's bus-master enable does not gate DMA
 * (the ATA model moves data whenever its start bit is set), and the IDE
 * timing registers 0x40-0x4F are plain storage. */
#ifndef X86PC_PIIX_IDE_H
#define X86PC_PIIX_IDE_H
#include "devices/ata.h"
#include "devices/pci.h"

typedef struct PIIXIDE PIIXIDE;

PIIXIDE *piix_ide_new(PCIBus *bus, int devfn, ATAChannel *ch0,
                      ATAChannel *ch1);
void piix_ide_free(PIIXIDE *p);
void piix_ide_reset(PIIXIDE *p);
void piix_ide_save(const PIIXIDE *p, SnapWriter *w);
int piix_ide_load(PIIXIDE *p, SnapReader *r);
#endif
