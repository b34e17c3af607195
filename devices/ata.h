/* ATA/ATAPI channel (one IDE cable: master + slave) with bus-master DMA.
 *
 * What it models:
 *   - the command block (base..base+7) with a per-drive copy of the task
 *     file (writes reach both drives, as on the cable), 48-bit HOB
 *     registers, and the control block port (device control: nIEN, SRST,
 *     HOB; alternate status);
 *   - ATA hard disks on a BlockDev: IDENTIFY DEVICE, PIO, multiple-mode and
 *     DMA reads/writes in CHS, LBA28 and LBA48, READ VERIFY, SET FEATURES,
 *     SET MULTIPLE MODE, INITIALIZE DEVICE PARAMETERS, FLUSH CACHE (fsync),
 *     power commands, EXECUTE DEVICE DIAGNOSTIC, RECALIBRATE, SEEK;
 *     default geometry 16 heads / 63 sectors, cylinders capped at 16383;
 *   - ATAPI CD-ROM drives on a BlockDev opened with BDEV_CDROM (2048-byte
 *     sectors): the PACKET protocol with byte-count limit and interrupt
 *     reason, PIO or DMA data, INQUIRY, TEST UNIT READY, REQUEST SENSE,
 *     READ CAPACITY, READ(10)/(12), READ TOC (formats 0 and 1), MODE
 *     SENSE(10) (pages 01h, 2Ah), GET CONFIGURATION, GET EVENT STATUS
 *     NOTIFICATION (polled, media class), START STOP UNIT, PREVENT ALLOW
 *     MEDIUM REMOVAL, SET CD SPEED, SEEK(10); sense key/ASC reporting and a
 *     unit attention after a media change;
 *   - the bus-master IDE register block of one channel (PIIX3 style, 8
 *     bytes: command, status, PRD table address), PRD walking and data
 *     movement through phys_dma_read/phys_dma_write.
 * Commands complete at once: BSY is only seen while SRST is held, and a
 * DMA transfer happens entirely when both the command is issued and the
 * bus master is started.  The interrupt line is a level: asserted while a
 * drive interrupt is pending and nIEN is clear; reading the status
 * register (not the alternate status) or writing a command clears it.
 * Not modelled: timing, overlapped/queued commands, security, SMART, HPA,
 * CD audio, writing CDs, the 8-bit data port mode (byte accesses to the
 * data port move one byte).
 *
 * BlockDevs are owned by the caller; the channel never closes them. */
#ifndef X86PC_ATA_H
#define X86PC_ATA_H
#include <stdint.h>
#include "devices/blockdev.h"
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"
#include "memory/mem.h"

typedef struct ATAChannel ATAChannel;

enum { ATA_NONE = 0, ATA_DISK = 1, ATA_CDROM = 2 };

typedef struct ATAOps {
    IRQLine irq;  /* INTRQ (ISA IRQ 14 or 15 on a PC) */
    PhysMem *mem; /* for bus-master DMA; NULL: DMA commands abort */
    unsigned id;  /* channel number (0 primary, 1 secondary): serial numbers */
} ATAOps;

ATAChannel *ata_new(const ATAOps *ops);
void ata_free(ATAChannel *ch);
/* Hardware reset of the channel and both drives. */
void ata_reset(ATAChannel *ch);
/* Registers the 8 command block ports at base and the device control /
 * alternate status port at ctl (0x1F0/0x3F6 or 0x170/0x376).  0 or -1. */
int ata_register(ATAChannel *ch, IOBus *bus, uint16_t base, uint16_t ctl);

/* Puts a drive on the channel (unit 0 = master, 1 = slave).  A disk needs
 * a BlockDev; a CD-ROM may start empty (bd NULL).  0, or -1 for a bad
 * unit/kind or a disk without an image. */
int ata_attach(ATAChannel *ch, int unit, int kind, BlockDev *bd);
int ata_drive_kind(const ATAChannel *ch, int unit);
BlockDev *ata_blockdev(const ATAChannel *ch, int unit);
/* Media change on a CD-ROM: bd is the new disc (NULL: eject).  The guest
 * sees a unit attention and a media event.  Returns -1 if the unit is not
 * a CD-ROM, or if the guest has locked the medium (PREVENT MEDIUM REMOVAL)
 * and force is 0.  The previous BlockDev (ata_blockdev before the call) is
 * the caller's to close. */
int ata_cd_change(ATAChannel *ch, int unit, BlockDev *bd, int force);

/* Current level of the interrupt output. */
int ata_irq_level(const ATAChannel *ch);

/* Bus-master IDE registers of this channel (8 bytes; the PIIX3 IDE
 * function's BAR4 holds channel 0 at +0 and channel 1 at +8).
 * bmdma_register places them on an I/O bus at base; the PCI function can
 * instead dispatch to bmdma_read/bmdma_write with the offset 0..7 itself
 * (e.g. when the BAR moves). */
int bmdma_register(ATAChannel *ch, IOBus *bus, uint16_t base);
uint32_t bmdma_read(ATAChannel *ch, unsigned off, unsigned size);
void bmdma_write(ATAChannel *ch, unsigned off, uint32_t val, unsigned size);

/* State of the channel, both drives and the bus master (not the images:
 * see blockdev_save for a snapshot-mode overlay).  The drive kinds and
 * image sizes must match the saved ones. */
void ata_save(const ATAChannel *ch, SnapWriter *w);
int ata_load(ATAChannel *ch, SnapReader *r);
#endif
