/* Raw disk image back-end for the ATA disks and ATAPI CD-ROM.
 *
 * An image is a plain file (or host block device) read and written with
 * pread/pwrite in 512-byte sectors.  What it models:
 *   - read-write images, locked exclusively (flock) so that a second x86pc
 *     cannot open the same image at the same time;
 *   - read-only images (BDEV_READONLY): opened O_RDONLY with a shared lock,
 *     writes fail with EROFS;
 *   - snapshot images (BDEV_SNAPSHOT): the base file is opened O_RDONLY
 *     (shared lock) and never written; guest writes go to an in-memory
 *     overlay of 512-byte sectors that is lost when the image is closed
 *     (it can be saved/restored with blockdev_save/blockdev_load);
 *   - CD images (BDEV_CDROM): always read-only.  An ISO whose size is not a
 *     multiple of 2048 is accepted silently: its length is rounded up to
 *     whole 2048-byte sectors and the missing tail reads as zeros.
 * A hard-disk image must be a non-empty multiple of 512 bytes; anything
 * else is refused (a truncated download is the usual cause).
 * Flush is fsync() on the image (nothing to do for snapshot/read-only).
 * What it does not do: image formats (qcow2, vmdk, ...), backing files,
 * growing images, asynchronous I/O. */
#ifndef X86PC_BLOCKDEV_H
#define X86PC_BLOCKDEV_H
#include <stddef.h>
#include <stdint.h>
#include "devices/snap.h"

typedef struct BlockDev BlockDev;

#define BDEV_READONLY 1u
#define BDEV_SNAPSHOT 2u
#define BDEV_CDROM 4u

/* Opens an image.  On failure returns NULL and writes a one-line message
 * (no newline) naming the file and the reason into err[errlen]. */
BlockDev *blockdev_open(const char *path, unsigned flags, char *err,
                        size_t errlen);
void blockdev_close(BlockDev *bd);

const char *blockdev_path(const BlockDev *bd);
unsigned blockdev_flags(const BlockDev *bd);
/* Guest-visible writes refused (read-only image or CD). */
int blockdev_is_readonly(const BlockDev *bd);
/* Size in bytes (for a CD rounded up to a multiple of 2048). */
uint64_t blockdev_size(const BlockDev *bd);
/* Size in 512-byte sectors. */
uint64_t blockdev_sectors(const BlockDev *bd);

/* Sector I/O (512-byte sectors).  0, or -1 with errno set: EINVAL if any
 * part of [sector, sector+count) is beyond the end, EROFS for a write to a
 * read-only image, ENOMEM if the snapshot overlay cannot grow, EIO or the
 * host error otherwise. */
int blockdev_read(BlockDev *bd, uint64_t sector, uint32_t count, void *buf);
int blockdev_write(BlockDev *bd, uint64_t sector, uint32_t count,
                   const void *buf);
/* Makes written data durable: fsync() of a writable image; 0 or -1. */
int blockdev_flush(BlockDev *bd);

/* Number of sectors held in the snapshot overlay. */
uint64_t blockdev_overlay_sectors(const BlockDev *bd);
/* Snapshot-mode overlay contents (empty for other modes).  The load
 * validates every sector number against the image size and drops the
 * current overlay first; -1 on bad data (the overlay is then empty). */
void blockdev_save(const BlockDev *bd, SnapWriter *w);
int blockdev_load(BlockDev *bd, SnapReader *r);

/* Parsed -drive option (and the -hda/-hdb/-hdc/-hdd/-cdrom shorthands,
 * which the front end can express as "file=PATH,index=N[,media=cdrom]").
 * Syntax: comma-separated KEY=VALUE; ",," inside a value is a literal
 * comma.  Keys: file=PATH (required unless media=cdrom: an empty drive),
 * if=ide|floppy, index=0..3 for IDE (0 primary master, 1 primary slave, 2
 * secondary master, 3 secondary slave) or 0..1 for a floppy (A:, B:),
 * media=disk|cdrom (a floppy cannot be a CD-ROM), format=raw,
 * readonly=on|off, snapshot=on|off. */
typedef struct DriveSpec {
    char *path;     /* malloc'ed; NULL for an empty CD-ROM drive */
    int index;      /* 0..3, or -1: the first free slot */
    int cdrom;      /* media=cdrom */
    int floppy;     /* if=floppy (index 0..1) */
    unsigned flags; /* BDEV_READONLY, BDEV_SNAPSHOT (BDEV_CDROM for a CD) */
} DriveSpec;

/* 0, or -1 with a one-line message in err (no prefix, no newline). */
int drivespec_parse(const char *opt, DriveSpec *out, char *err, size_t errlen);
void drivespec_free(DriveSpec *d);
#endif
