/* Standard BIOS CMOS layout (see cmos_layout.h). */
#include "devices/cmos_layout.h"

#include <stddef.h>

static void put16(RTCState *rtc, unsigned index, unsigned v)
{
    rtc_cmos_set(rtc, index, (uint8_t)(v & 0xFF));
    rtc_cmos_set(rtc, index + 1, (uint8_t)(v >> 8));
}

static unsigned clampu(unsigned v, unsigned lo, unsigned hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void put_disk(RTCState *rtc, unsigned base, const CmosDisk *d)
{
    unsigned cyl = clampu(d->cylinders, 1, 65535);
    unsigned heads = clampu(d->heads, 1, 255);
    unsigned spt = clampu(d->sectors, 1, 255);
    put16(rtc, base + 0, cyl);
    rtc_cmos_set(rtc, base + 2, (uint8_t)heads);
    put16(rtc, base + 3, 0xFFFF);
    rtc_cmos_set(rtc, base + 5, (uint8_t)(0xC0 | (heads > 8 ? 0x08 : 0)));
    put16(rtc, base + 6, cyl);
    rtc_cmos_set(rtc, base + 8, (uint8_t)spt);
}

static unsigned boot_code(char c)
{
    switch (c) {
    case 'a': case 'A': return 1;
    case 'c': case 'C': return 2;
    case 'd': case 'D': return 3;
    case 'n': case 'N': return 4;
    default: return 0;
    }
}

uint16_t cmos_checksum(RTCState *rtc)
{
    unsigned sum = 0;
    for (unsigned i = 0x10; i <= 0x2D; i++)
        sum += rtc_cmos_get(rtc, i);
    return (uint16_t)sum;
}

int cmos_layout_apply(RTCState *rtc, const CmosLayout *l)
{
    if (l->floppy[0] > CMOS_FD_2880K || l->floppy[1] > CMOS_FD_2880K)
        return -1;

    rtc_cmos_set(rtc, 0x10, (uint8_t)((l->floppy[0] << 4) | l->floppy[1]));

    unsigned nfd = (l->floppy[0] != 0) + (l->floppy[1] != 0);
    uint8_t equip = 0;
    if (nfd)
        equip |= (uint8_t)(0x01 | ((nfd - 1) << 6));
    if (l->fpu)
        equip |= 0x02;
    rtc_cmos_set(rtc, 0x14, equip);

    /* Hard disks: type 0xF in 0x12 points at 47 (user type) in 0x19/0x1A. */
    uint8_t hd = 0;
    for (int i = 0; i < 2; i++) {
        if (l->disk[i].present) {
            hd |= (uint8_t)(0xF << (i ? 0 : 4));
            rtc_cmos_set(rtc, 0x19 + i, 47);
            put_disk(rtc, i ? 0x24 : 0x1B, &l->disk[i]);
        } else {
            rtc_cmos_set(rtc, 0x19 + i, 0);
            for (unsigned j = 0; j < 9; j++)
                rtc_cmos_set(rtc, (i ? 0x24 : 0x1B) + j, 0);
        }
    }
    rtc_cmos_set(rtc, 0x12, hd);

    /* Memory. */
    uint64_t below = l->ram_below_4g;
    unsigned base_kb = below >= 640 * 1024 ? 640 : (unsigned)(below / 1024);
    put16(rtc, 0x15, base_kb);
    uint64_t ext_kb = below > 0x100000 ? (below - 0x100000) / 1024 : 0;
    if (ext_kb > 0xFFFF)
        ext_kb = 0xFFFF;
    put16(rtc, 0x17, (unsigned)ext_kb);
    put16(rtc, 0x30, (unsigned)ext_kb);
    uint64_t hi64k = below > 0x1000000 ? (below - 0x1000000) >> 16 : 0;
    if (hi64k > 0xFFFF)
        hi64k = 0xFFFF;
    put16(rtc, 0x34, (unsigned)hi64k);
    uint64_t above = l->ram_above_4g >> 16;
    if (above > 0xFFFFFF)
        above = 0xFFFFFF;
    rtc_cmos_set(rtc, 0x5B, (uint8_t)above);
    rtc_cmos_set(rtc, 0x5C, (uint8_t)(above >> 8));
    rtc_cmos_set(rtc, 0x5D, (uint8_t)(above >> 16));

    /* Boot order. */
    unsigned codes[3] = {0, 0, 0}, n = 0;
    const char *bo = (l->boot_order && l->boot_order[0]) ? l->boot_order : "c";
    for (size_t i = 0; bo[i] && n < 3; i++) {
        unsigned c = boot_code(bo[i]);
        if (c)
            codes[n++] = c;
    }
    rtc_cmos_set(rtc, 0x3D, (uint8_t)(codes[0] | (codes[1] << 4)));
    rtc_cmos_set(rtc, 0x38,
                 (uint8_t)((codes[2] << 4) | (l->no_floppy_sig_check ? 1 : 0)));

    uint16_t sum = cmos_checksum(rtc);
    rtc_cmos_set(rtc, 0x2E, (uint8_t)(sum >> 8));
    rtc_cmos_set(rtc, 0x2F, (uint8_t)sum);
    return 0;
}
