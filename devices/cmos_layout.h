/* The standard PC BIOS layout of CMOS RAM (IBM AT bytes plus the
 * Bochs/SeaBIOS extensions), written into the RTC by the board at power-on.
 *
 *   0x10        floppy types: drive A high nibble, drive B low nibble
 *   0x12        hard disk types: disk 0 high nibble, disk 1 low; 0xF means
 *               "extended type in 0x19 / 0x1A"
 *   0x14        equipment byte: bit 0 floppies present, bits 7-6 floppy count
 *               - 1, bit 1 math coprocessor, bits 5-4 = 00 (EGA/VGA)
 *   0x15/0x16   base memory in KiB (640)
 *   0x17/0x18   extended memory in KiB above 1 MiB, capped at 0xFFFF
 *   0x19/0x1A   extended disk types (47 = user-defined geometry)
 *   0x1B-0x23   disk 0 user geometry: cylinders (LE16), heads, write
 *               precompensation (LE16, 0xFFFF = none), control byte (0xC0,
 *               | 0x08 for more than 8 heads), landing zone (LE16), sectors
 *   0x24-0x2C   the same for disk 1
 *   0x2E/0x2F   checksum of 0x10-0x2D (0x2E high byte, 0x2F low byte)
 *   0x30/0x31   extended memory again (as found by POST)
 *   0x34/0x35   RAM between 16 MiB and 4 GiB in 64 KiB units, capped
 *   0x38        high nibble: third boot device; bit 0: skip the floppy
 *               boot-signature check
 *   0x3D        low nibble: first boot device, high nibble: second
 *               (device codes 1 floppy, 2 hard disk, 3 CD-ROM, 4 network)
 *   0x5B-0x5D   RAM above 4 GiB in 64 KiB units (24 bits, LE)
 * The century byte 0x32 belongs to the RTC, which keeps it in step with the
 * clock; this module does not write it. */
#ifndef X86PC_CMOS_LAYOUT_H
#define X86PC_CMOS_LAYOUT_H
#include <stdint.h>
#include "devices/rtc.h"

/* CMOS floppy type codes. */
enum {
    CMOS_FD_NONE = 0, CMOS_FD_360K = 1, CMOS_FD_1200K = 2, CMOS_FD_720K = 3,
    CMOS_FD_1440K = 4, CMOS_FD_2880K = 5
};

typedef struct CmosDisk {
    int present;
    unsigned cylinders, heads, sectors; /* clamped to 1..65535/255/255 */
} CmosDisk;

typedef struct CmosLayout {
    uint64_t ram_below_4g; /* bytes of RAM from address 0 up */
    uint64_t ram_above_4g; /* bytes of RAM mapped from 4 GiB up */
    unsigned floppy[2];    /* CMOS_FD_* for drives A and B */
    CmosDisk disk[2];      /* primary master and slave */
    /* Boot order as letters: 'a' floppy, 'c' hard disk, 'd' CD-ROM,
     * 'n' network; up to three used, NULL or "" = "c".  Unknown letters
     * are skipped. */
    const char *boot_order;
    int fpu;                /* equipment bit 1 */
    int no_floppy_sig_check; /* 0x38 bit 0 */
} CmosLayout;

/* Writes the layout into the RTC's CMOS and the checksum.  Returns 0, or -1
 * (nothing written) if a field is out of range (floppy type > 5). */
int cmos_layout_apply(RTCState *rtc, const CmosLayout *l);
/* The checksum as 0x2E/0x2F should hold it: sum of bytes 0x10-0x2D. */
uint16_t cmos_checksum(RTCState *rtc);
#endif
