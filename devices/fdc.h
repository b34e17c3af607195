/* Intel 82077AA floppy disk controller (PC-AT mode) with up to two drives.
 *
 * Registers (base = 0x3F0 on the PC; base+6 belongs to the IDE controller
 * and is not registered): base+2 DOR, base+3 TDR, base+4 MSR (read) / DSR
 * (write), base+5 data FIFO, base+7 DIR (read: bit 7 disk change of the
 * drive selected in the DOR) / CCR (write: data rate).  base+0/+1 (status
 * registers A/B, PS/2 mode only) read 0xFF.  The interrupt output (IRQ6) and
 * the DMA request are enabled by DOR bit 3, as in AT mode.
 *
 * Commands: SPECIFY, SENSE DRIVE STATUS, RECALIBRATE, SENSE INTERRUPT
 * STATUS, SEEK and RELATIVE SEEK, READ DATA, WRITE DATA (multi-track, and
 * implied seeks when CONFIGURE sets EIS), READ ID, FORMAT TRACK, VERSION
 * (0x90), CONFIGURE, LOCK, PERPENDICULAR MODE (stored only), DUMPREG; any
 * other opcode gives the one-byte invalid-command result 0x80.  Data moves
 * by DMA (channel 2 on the PC: FDCOps.dreq and the DACK callbacks) or, after
 * SPECIFY with ND=1, through the FIFO in non-DMA mode (an interrupt is
 * raised when a sector's data is ready / wanted; cleared by the next FIFO
 * access).  A transfer ends at DMA terminal count (normal termination) or
 * after the last sector of the track/cylinder (EOT; abnormal termination
 * with ST1 EN, as on the chip: in non-DMA mode there is no TC).
 * Reset: DOR bit 2 low (and at power-on: the DOR is 0) or DSR bit 7; when
 * the reset ends four SENSE INTERRUPT STATUS results 0xC0+drive are pending
 * (one if CONFIGURE disabled polling).  CONFIGURE/PRETRK survive a reset
 * after LOCK.
 *
 * Media are raw images (devices/blockdev.h, 512-byte sectors); the
 * geometry comes from the image size (fdc_geometry): 160K, 180K, 320K,
 * 360K, 720K, 1.2M, 1.44M, 1.68M (DMF 21 sectors) and 2.88M.  Each sector
 * ID is (physical track, head, sector, N=2); a READ/WRITE whose C, H, R or N
 * does not match gives ST1 ND (ST2 WC when C differs from the track under
 * the head).  The data rate (DSR/CCR) must suit the media (500 kbit/s for
 * 1.2M/1.44M/1.68M, 250 for 720K and 360K-class (300 accepted too), 1000
 * for 2.88M), otherwise ST1 MA, as a real drive finds no address marks.
 * No media, an FM (MFM=0) command or a track beyond the media: ST1 MA.
 * Read-only images are write-protected (ST3 WP; writes/format: ST1 NW).
 * The disk-change bit is set at power-on and when media are changed, and
 * cleared by a SEEK/RECALIBRATE with a disk in the drive.
 * Not modelled: timing (every command completes at once; motor-on and
 * head-settle times are ignored, a drive whose motor is off still works),
 * READ TRACK, VERIFY, READ/WRITE DELETED DATA, SCAN commands (invalid),
 * FIFO threshold/overrun behaviour, deleted-data marks, CRC errors, sector
 * sizes other than 512 bytes, drives C/D (drives 2 and 3 are absent:
 * RECALIBRATE fails with EC, I/O with MA). */
#ifndef X86PC_FDC_H
#define X86PC_FDC_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"

struct BlockDev;
typedef struct FDC FDC;

/* Drive/media types; the values are the CMOS floppy type codes. */
enum {
    FDC_TYPE_NONE = 0, FDC_TYPE_360K = 1, FDC_TYPE_1200K = 2,
    FDC_TYPE_720K = 3, FDC_TYPE_1440K = 4, FDC_TYPE_2880K = 5
};

typedef struct FDCGeometry {
    unsigned tracks, heads, sectors; /* per track */
    int type;                        /* FDC_TYPE_*: the drive it needs */
} FDCGeometry;

/* The geometry of an image of `bytes` bytes: 0, or -1 if no standard
 * format has that size. */
int fdc_geometry(uint64_t bytes, FDCGeometry *g);

typedef struct FDCOps {
    IRQLine irq; /* IRQ6 */
    void *opaque;
    /* The DMA request line (channel 2).  The board passes it to the DMA
     * controller, which answers with fdc_dma_service() when the channel can
     * transfer.  May be NULL (no DMA: only non-DMA mode works). */
    void (*dreq)(void *opaque, int level);
    /* DACK transfers: device -> memory and memory -> device; they return
     * the bytes moved and set *tc at terminal count. */
    size_t (*dma_write_memory)(void *opaque, const void *buf, size_t len,
                               int *tc);
    size_t (*dma_read_memory)(void *opaque, void *buf, size_t len, int *tc);
} FDCOps;

FDC *fdc_new(const FDCOps *ops);
void fdc_free(FDC *f);
/* Hardware reset: DOR = 0 (controller held in reset until the guest sets
 * DOR bit 2), drives' heads at track 0. */
void fdc_reset(FDC *f);
/* Registers base..base+5 and base+7.  0 or -1 on a conflict. */
int fdc_register(FDC *f, IOBus *bus, uint16_t base);

/* Fits drive 0 (A:) or 1 (B:) of drive type `type` (FDC_TYPE_*, not
 * NONE).  0, or -1 for a bad drive number or type. */
int fdc_add_drive(FDC *f, unsigned drive, int type);
/* Inserts media (bd, or NULL to eject) into a fitted drive; sets the
 * disk-change bit.  The image's size must be one of fdc_geometry's; a
 * read-only image is write-protected.  0, or -1 (bad drive, no such drive,
 * unknown image size).  The FDC does not own bd. */
int fdc_insert(FDC *f, unsigned drive, struct BlockDev *bd);

/* The DMA channel can transfer now (DACK): moves data of the command in
 * progress. */
void fdc_dma_service(FDC *f);

/* Current level of the interrupt output (tests). */
int fdc_irq_level(const FDC *f);

void fdc_save(const FDC *f, SnapWriter *w);
/* The media (host attachments) stay as inserted; a loaded state whose
 * in-progress command addresses missing media just fails that command.
 * The IRQ and DREQ outputs are re-signalled if they change, so load the
 * DMA controller first. */
int fdc_load(FDC *f, SnapReader *r);
#endif
