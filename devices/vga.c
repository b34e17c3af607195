/* VGA + Bochs VBE DISPI: registers, planar memory, DISPI, LFB, snapshots.
 * The display side is in vga_render.c.  See vga.h. */
#include "devices/vga.h"
#include "devices/vga_int.h"
#include <stdlib.h>
#include <string.h>

/* Writable bits of the sequencer, graphics and attribute registers. */
static const uint8_t sr_mask[8] = {0x03, 0x3D, 0x0F, 0x3F, 0x0E, 0, 0, 0};
static const uint8_t gr_mask[16] = {0x0F, 0x0F, 0x0F, 0x1F, 0x03, 0x7B,
                                    0x0F, 0x0F, 0xFF};
static const uint8_t ar_mask[VGA_NAR] = {
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0x3F,
    0x3F, 0x3F, 0x3F, 0x3F, 0x3F, 0xEF, 0xFF, 0x3F, 0x0F, 0x0F};

/* Fallback raster timing (mode 3: 449 lines of 31.778 us, retrace on lines
 * 412-413) used when the CRTC holds no usable vertical timing. */
#define LINE_NS 31778u
#define VBE_FRAME_NS 16666667u

uint64_t vga_now(VGAState *s)
{
    return s->clock ? vclock_now(s->clock) : s->fake_ns;
}

/* ------------------------------------------------------------------ */
/* lifetime */

VGAState *vga_new(const VGAOps *ops)
{
    VGAState *s = calloc(1, sizeof(*s));
    uint64_t want = ops && ops->vram_size ? ops->vram_size : 16u << 20;
    uint32_t sz = 256u << 10;
    if (!s)
        return NULL;
    while (sz < want && sz < (256u << 20))
        sz <<= 1;
    s->clock = ops ? ops->clock : NULL;
    s->vram_size = sz;
    s->vram = calloc(1, sz);
    s->npages = sz >> VGA_PAGE_SHIFT;
    s->dirty = calloc(1, (s->npages + 7) / 8);
    if (!s->vram || !s->dirty) {
        free(s->vram);
        free(s->dirty);
        free(s);
        return NULL;
    }
    vga_reset(s);
    return s;
}

void vga_free(VGAState *s)
{
    if (!s)
        return;
    vga_render_free(s);
    free(s->vram);
    free(s->dirty);
    free(s);
}

void vga_reset(VGAState *s)
{
    s->misc = 0;
    s->fcr = 0;
    s->sr_index = 0;
    memset(s->sr, 0, sizeof(s->sr));
    s->gr_index = 0;
    memset(s->gr, 0, sizeof(s->gr));
    s->cr_index = 0;
    memset(s->cr, 0, sizeof(s->cr));
    s->ar_index = 0;
    memset(s->ar, 0, sizeof(s->ar));
    s->ar_flip = 0;
    s->dac_mask = 0xFF;
    s->dac_read_index = s->dac_write_index = 0;
    s->dac_sub = 0;
    s->dac_state = 0;
    memset(s->dac_cache, 0, sizeof(s->dac_cache));
    memset(s->palette, 0, sizeof(s->palette));
    s->latch = 0;
    s->vbe_index = 0;
    memset(s->vbe, 0, sizeof(s->vbe));
    s->vbe[VBE_ID] = VBE_ID5;
    s->vbe[VBE_XRES] = 640;
    s->vbe[VBE_YRES] = 480;
    s->vbe[VBE_BPP] = 8;
    s->vbe[VBE_VIDEO_MEMORY_64K] = (uint16_t)(s->vram_size >> 16);
    s->full = 1;
}

uint32_t vga_vram_size(const VGAState *s) { return s->vram_size; }

/* ------------------------------------------------------------------ */
/* input status 1: raster position from the clock */

static uint8_t status1(VGAState *s)
{
    uint64_t now;
    uint32_t total, active, vrs, vre, line_ns;
    if (!s->clock)
        s->fake_ns += 1000;
    now = vga_now(s);
    if (vga_vbe_enabled(s)) {
        active = s->vbe[VBE_YRES] ? s->vbe[VBE_YRES] : 1;
        total = active + 45;
        vrs = active + 10;
        vre = vrs + 2;
        line_ns = VBE_FRAME_NS / total;
    } else {
        total = (s->cr[6] | (s->cr[7] & 1) << 8 | (s->cr[7] & 0x20) << 4) + 2;
        active = (s->cr[0x12] | (s->cr[7] & 2) << 7 | (s->cr[7] & 0x40) << 3) +
                 1;
        vrs = s->cr[0x10] | (s->cr[7] & 4) << 6 | (s->cr[7] & 0x80) << 2;
        /* the end register holds the low 4 bits of the end line */
        vre = (vrs & ~0xFu) | (s->cr[0x11] & 0xF);
        if (vre <= vrs)
            vre += 16;
        if (total < 16 || active >= total || vrs >= total) {
            total = 449;
            active = 400;
            vrs = 412;
            vre = 414;
        }
        line_ns = LINE_NS;
    }
    uint64_t t = now % ((uint64_t)total * line_ns);
    uint32_t line = (uint32_t)(t / line_ns);
    uint32_t in_line = (uint32_t)(t % line_ns);
    uint8_t v = 0;
    if (line >= vrs && line < vre)
        v |= 0x08;
    if (line >= active || in_line >= line_ns / 5 * 4)
        v |= 0x01;
    return v;
}

/* ------------------------------------------------------------------ */
/* port I/O */

static int color_mode(const VGAState *s) { return s->misc & 1; }

static uint32_t vga_ioport_read(void *opaque, uint16_t port, unsigned size)
{
    VGAState *s = opaque;
    uint8_t v = 0xFF;
    if ((port >= 0x3B0 && port <= 0x3BF && color_mode(s)) ||
        (port >= 0x3D0 && port <= 0x3DF && !color_mode(s)))
        return 0xFF;
    switch (port) {
    case 0x3C0:
        v = s->ar_index;
        break;
    case 0x3C1: {
        unsigned i = s->ar_index & 0x1F;
        v = i < VGA_NAR ? s->ar[i] : 0;
        break;
    }
    case 0x3C2: /* input status 0: switch sense reads 1 (colour monitor) */
        v = 0x10;
        break;
    case 0x3C3: /* video subsystem enable */
        v = 0x01;
        break;
    case 0x3C4:
        v = s->sr_index;
        break;
    case 0x3C5:
        v = s->sr[s->sr_index & 7];
        break;
    case 0x3C6:
        v = s->dac_mask;
        break;
    case 0x3C7:
        v = s->dac_state;
        break;
    case 0x3C8:
        v = s->dac_write_index;
        break;
    case 0x3C9:
        v = s->palette[s->dac_read_index * 3 + s->dac_sub];
        if (++s->dac_sub == 3) {
            s->dac_sub = 0;
            s->dac_read_index++;
        }
        break;
    case 0x3CA:
        v = s->fcr;
        break;
    case 0x3CC:
        v = s->misc;
        break;
    case 0x3CE:
        v = s->gr_index;
        break;
    case 0x3CF:
        v = s->gr[s->gr_index & 0xF];
        break;
    case 0x3B4:
    case 0x3D4:
        v = s->cr_index;
        break;
    case 0x3B5:
    case 0x3D5:
        if (s->cr_index < VGA_NCR)
            v = s->cr[s->cr_index];
        else if (s->cr_index == 0x22) /* latch of the read map */
            v = (uint8_t)(s->latch >> (8 * (s->gr[4] & 3)));
        else if (s->cr_index == 0x24) /* attribute flip-flop and index */
            v = (uint8_t)((s->ar_flip ? 0x80 : 0) | (s->ar_index & 0x3F));
        else
            v = 0;
        break;
    case 0x3BA:
    case 0x3DA:
        s->ar_flip = 0;
        v = status1(s);
        break;
    default:
        v = 0xFF;
        break;
    }
    return v;
}

static void cr_write(VGAState *s, uint8_t val)
{
    unsigned i = s->cr_index;
    if (i >= VGA_NCR)
        return;
    if ((s->cr[0x11] & 0x80) && i <= 7) {
        /* protected; only the line compare bit 8 in CR7 stays writable */
        if (i == 7)
            s->cr[7] = (uint8_t)((s->cr[7] & ~0x10) | (val & 0x10));
        return;
    }
    s->cr[i] = val;
}

static void vga_ioport_write(void *opaque, uint16_t port, uint32_t val32,
                             unsigned size)
{
    VGAState *s = opaque;
    uint8_t val = (uint8_t)val32;
    if ((port >= 0x3B0 && port <= 0x3BF && color_mode(s)) ||
        (port >= 0x3D0 && port <= 0x3DF && !color_mode(s)))
        return;
    switch (port) {
    case 0x3C0:
        if (!s->ar_flip) {
            s->ar_index = val & 0x3F;
        } else {
            unsigned i = s->ar_index & 0x1F;
            if (i < VGA_NAR)
                s->ar[i] = val & ar_mask[i];
        }
        s->ar_flip ^= 1;
        break;
    case 0x3C2:
        s->misc = val;
        break;
    case 0x3C4:
        s->sr_index = val & 7;
        break;
    case 0x3C5:
        s->sr[s->sr_index & 7] = val & sr_mask[s->sr_index & 7];
        break;
    case 0x3C6:
        s->dac_mask = val;
        break;
    case 0x3C7:
        s->dac_read_index = val;
        s->dac_sub = 0;
        s->dac_state = 3;
        break;
    case 0x3C8:
        s->dac_write_index = val;
        s->dac_sub = 0;
        s->dac_state = 0;
        break;
    case 0x3C9:
        s->dac_cache[s->dac_sub] =
            (s->vbe[VBE_ENABLE] & VBE_EN_8BIT_DAC) ? val : (val & 0x3F);
        if (++s->dac_sub == 3) {
            memcpy(&s->palette[s->dac_write_index * 3], s->dac_cache, 3);
            s->dac_sub = 0;
            s->dac_write_index++;
        }
        break;
    case 0x3CE:
        s->gr_index = val & 0x0F;
        break;
    case 0x3CF:
        s->gr[s->gr_index & 0xF] = val & gr_mask[s->gr_index & 0xF];
        break;
    case 0x3B4:
    case 0x3D4:
        s->cr_index = val;
        break;
    case 0x3B5:
    case 0x3D5:
        cr_write(s, val);
        break;
    case 0x3BA:
    case 0x3DA:
        s->fcr = val & 0x0B;
        break;
    default:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* DISPI */

static void vbe_set_geometry(VGAState *s)
{
    unsigned bpp = vga_vbe_bytespp(s->vbe[VBE_BPP]);
    uint32_t line = (uint32_t)s->vbe[VBE_VIRT_WIDTH] * bpp;
    uint32_t h = line ? s->vram_size / line : 0;
    s->vbe[VBE_VIRT_HEIGHT] = (uint16_t)(h > 0xFFFF ? 0xFFFF : h);
}

static uint16_t vbe_read(VGAState *s)
{
    unsigned i = s->vbe_index;
    if (i >= VBE_NREGS)
        return 0;
    if (s->vbe[VBE_ENABLE] & VBE_EN_GETCAPS) {
        if (i == VBE_XRES)
            return VBE_MAX_XRES;
        if (i == VBE_YRES)
            return VBE_MAX_YRES;
        if (i == VBE_BPP)
            return VBE_MAX_BPP;
    }
    return s->vbe[i];
}

static void vbe_write(VGAState *s, uint16_t val)
{
    unsigned i = s->vbe_index;
    int en = vga_vbe_enabled(s);
    switch (i) {
    case VBE_ID:
        if (val >= VBE_ID0 && val <= VBE_ID5)
            s->vbe[VBE_ID] = val;
        break;
    case VBE_XRES:
        if (!en && val <= VBE_MAX_XRES && (val & 7) == 0)
            s->vbe[VBE_XRES] = val;
        break;
    case VBE_YRES:
        if (!en && val <= VBE_MAX_YRES)
            s->vbe[VBE_YRES] = val;
        break;
    case VBE_BPP:
        if (val == 0)
            val = 8;
        if (!en && (val == 8 || val == 15 || val == 16 || val == 24 ||
                    val == 32))
            s->vbe[VBE_BPP] = val;
        break;
    case VBE_BANK:
        if ((uint32_t)val < (s->vram_size >> 16))
            s->vbe[VBE_BANK] = val;
        break;
    case VBE_ENABLE: {
        uint16_t keep = VBE_EN_ENABLED | VBE_EN_GETCAPS | VBE_EN_8BIT_DAC |
                        VBE_EN_LFB | VBE_EN_NOCLEARMEM;
        val &= keep;
        if ((val & VBE_EN_ENABLED) && !en) {
            unsigned bpp = vga_vbe_bytespp(s->vbe[VBE_BPP]);
            uint64_t need = (uint64_t)s->vbe[VBE_XRES] * s->vbe[VBE_YRES] * bpp;
            if (!s->vbe[VBE_XRES] || !s->vbe[VBE_YRES] || need > s->vram_size) {
                val &= (uint16_t)~VBE_EN_ENABLED; /* refuse the mode */
            } else {
                s->vbe[VBE_VIRT_WIDTH] = s->vbe[VBE_XRES];
                vbe_set_geometry(s);
                s->vbe[VBE_X_OFFSET] = s->vbe[VBE_Y_OFFSET] = 0;
                s->vbe[VBE_BANK] = 0;
                if (!(val & VBE_EN_NOCLEARMEM)) {
                    memset(s->vram, 0, (size_t)need);
                    for (uint64_t o = 0; o < need; o += 1u << VGA_PAGE_SHIFT)
                        vga_mark_dirty(s, (uint32_t)o);
                }
                /* graphics mode, window at A0000 (64K), as VBE BIOSes do */
                s->gr[6] = (uint8_t)((s->gr[6] & 0xF3) | 0x05);
            }
        }
        s->vbe[VBE_ENABLE] = val;
        break;
    }
    case VBE_VIRT_WIDTH: {
        unsigned bpp = vga_vbe_bytespp(s->vbe[VBE_BPP]);
        if (val >= s->vbe[VBE_XRES] &&
            (uint64_t)val * bpp * s->vbe[VBE_YRES] <= s->vram_size) {
            s->vbe[VBE_VIRT_WIDTH] = val;
            vbe_set_geometry(s);
        }
        break;
    }
    case VBE_X_OFFSET:
    case VBE_Y_OFFSET:
        /* stored as written; the renderer clamps to VRAM */
        s->vbe[i] = val;
        break;
    default: /* VIRT_HEIGHT and VIDEO_MEMORY_64K are read-only */
        break;
    }
}

static uint32_t vbe_ioport_read(void *opaque, uint16_t port, unsigned size)
{
    VGAState *s = opaque;
    if (port == 0x1CE)
        return s->vbe_index;
    if (port == 0x1CF)
        return vbe_read(s);
    return 0xFF; /* 0x1D0: only the high byte of a word access at 0x1CF */
}

static void vbe_ioport_write(void *opaque, uint16_t port, uint32_t val,
                             unsigned size)
{
    VGAState *s = opaque;
    if (port == 0x1CE)
        s->vbe_index = (uint16_t)val;
    else if (port == 0x1CF)
        vbe_write(s, (uint16_t)val);
}

int vga_register(VGAState *s, IOBus *bus)
{
    if (iobus_register(bus, 0x3C0, 16, IO_8, vga_ioport_read,
                       vga_ioport_write, s) ||
        iobus_register(bus, 0x3B4, 2, IO_8, vga_ioport_read, vga_ioport_write,
                       s) ||
        iobus_register(bus, 0x3BA, 1, IO_8, vga_ioport_read, vga_ioport_write,
                       s) ||
        iobus_register(bus, 0x3D4, 2, IO_8, vga_ioport_read, vga_ioport_write,
                       s) ||
        iobus_register(bus, 0x3DA, 1, IO_8, vga_ioport_read, vga_ioport_write,
                       s) ||
        iobus_register(bus, 0x1CE, 3, IO_8 | IO_16, vbe_ioport_read,
                       vbe_ioport_write, s))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the A0000-BFFFF window */

static uint32_t expand4(unsigned bits)
{
    uint32_t v = 0;
    for (unsigned p = 0; p < 4; p++)
        if (bits & (1u << p))
            v |= 0xFFu << (8 * p);
    return v;
}

/* Offset in the window -> offset in the selected map, or -1. */
static int32_t window_offset(const VGAState *s, uint32_t addr)
{
    switch ((s->gr[6] >> 2) & 3) {
    case 0:
        return (int32_t)addr;
    case 1:
        return addr < 0x10000 ? (int32_t)addr : -1;
    case 2:
        return addr >= 0x10000 && addr < 0x18000 ? (int32_t)(addr - 0x10000)
                                                 : -1;
    default:
        return addr >= 0x18000 ? (int32_t)(addr - 0x18000) : -1;
    }
}

static uint8_t vga_mem_readb(VGAState *s, uint32_t addr)
{
    if (vga_vbe_enabled(s)) {
        uint64_t off;
        if (addr >= 0x10000)
            return 0xFF;
        off = ((uint64_t)s->vbe[VBE_BANK] << 16) + addr;
        return off < s->vram_size ? s->vram[off] : 0xFF;
    }
    int32_t o = window_offset(s, addr);
    if (o < 0)
        return 0xFF;
    uint32_t a = (uint32_t)o;
    if (s->sr[4] & 0x08) { /* chain-4: byte a is plane a&3, address a>>2 */
        s->latch = ldl_le(s->vram + (a & ~3u));
        return s->vram[a];
    }
    if (s->gr[5] & 0x10) { /* odd/even read */
        unsigned plane = (s->gr[4] & 2) | (a & 1);
        return s->vram[((a >> 1) << 2) | plane];
    }
    a &= 0xFFFF;
    s->latch = ldl_le(s->vram + a * 4);
    if (!(s->gr[5] & 0x08)) /* read mode 0 */
        return (uint8_t)(s->latch >> (8 * (s->gr[4] & 3)));
    /* read mode 1: colour compare with don't-care */
    uint32_t cmp = expand4(s->gr[2]), dc = expand4(s->gr[7]);
    uint32_t diff = (s->latch ^ cmp) & dc;
    uint8_t any = (uint8_t)(diff | diff >> 8 | diff >> 16 | diff >> 24);
    return (uint8_t)~any;
}

static void vga_mem_writeb(VGAState *s, uint32_t addr, uint8_t val)
{
    if (vga_vbe_enabled(s)) {
        uint64_t off;
        if (addr >= 0x10000)
            return;
        off = ((uint64_t)s->vbe[VBE_BANK] << 16) + addr;
        if (off < s->vram_size) {
            s->vram[off] = val;
            vga_mark_dirty(s, (uint32_t)off);
        }
        return;
    }
    int32_t o = window_offset(s, addr);
    if (o < 0)
        return;
    uint32_t a = (uint32_t)o;
    if (s->sr[4] & 0x08) { /* chain-4 */
        if (s->sr[2] & (1u << (a & 3))) {
            s->vram[a] = val;
            vga_mark_dirty(s, a);
        }
        return;
    }
    if (!(s->sr[4] & 0x04)) { /* odd/even write */
        unsigned plane = (s->gr[4] & 2) | (a & 1);
        if (s->sr[2] & (1u << plane)) {
            uint32_t off = ((a >> 1) << 2) | plane;
            s->vram[off] = val;
            vga_mark_dirty(s, off);
        }
        return;
    }
    a &= 0xFFFF;
    uint32_t v, bitmask;
    unsigned rot = s->gr[3] & 7;
    uint8_t b = (uint8_t)((val >> rot) | (val << (8 - rot)));
    switch (s->gr[5] & 3) {
    case 0: {
        uint32_t en = expand4(s->gr[1]);
        v = (b * 0x01010101u & ~en) | (expand4(s->gr[0]) & en);
        bitmask = s->gr[8];
        break;
    }
    case 1:
        v = s->latch;
        goto store;
    case 2:
        v = expand4(val & 0x0F);
        bitmask = s->gr[8];
        break;
    default:
        v = expand4(s->gr[0]);
        bitmask = s->gr[8] & b;
        break;
    }
    switch ((s->gr[3] >> 3) & 3) {
    case 1:
        v &= s->latch;
        break;
    case 2:
        v |= s->latch;
        break;
    case 3:
        v ^= s->latch;
        break;
    default:
        break;
    }
    bitmask *= 0x01010101u;
    v = (v & bitmask) | (s->latch & ~bitmask);
store:
    for (unsigned p = 0; p < 4; p++)
        if (s->sr[2] & (1u << p))
            s->vram[a * 4 + p] = (uint8_t)(v >> (8 * p));
    if (s->sr[2] & 0x0F)
        vga_mark_dirty(s, a * 4);
}

static uint64_t vga_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    VGAState *s = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size && i < 8; i++) {
        uint64_t a = off + i;
        uint8_t b = a < 0x20000 ? vga_mem_readb(s, (uint32_t)a) : 0xFF;
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void vga_mmio_write(void *opaque, uint64_t off, uint64_t val,
                           unsigned size)
{
    VGAState *s = opaque;
    for (unsigned i = 0; i < size && i < 8; i++) {
        uint64_t a = off + i;
        if (a < 0x20000)
            vga_mem_writeb(s, (uint32_t)a, (uint8_t)(val >> (8 * i)));
    }
}

int vga_register_mmio(VGAState *s, PhysMem *pm)
{
    return phys_add_mmio(pm, 0xA0000, 0x20000, vga_mmio_read, vga_mmio_write,
                         s);
}

/* ------------------------------------------------------------------ */
/* linear frame buffer */

static uint64_t lfb_read(void *opaque, uint64_t off, unsigned size)
{
    VGAState *s = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size && i < 8; i++) {
        uint64_t a = off + i;
        v |= (uint64_t)(a < s->vram_size ? s->vram[a] : 0xFF) << (8 * i);
    }
    return v;
}

static void lfb_write(void *opaque, uint64_t off, uint64_t val, unsigned size)
{
    VGAState *s = opaque;
    for (unsigned i = 0; i < size && i < 8; i++) {
        uint64_t a = off + i;
        if (a < s->vram_size) {
            s->vram[a] = (uint8_t)(val >> (8 * i));
            vga_mark_dirty(s, (uint32_t)a);
        }
    }
}

void vga_unmap_lfb(VGAState *s)
{
    if (s->lfb_mapped) {
        phys_del_region(s->lfb_pm, s->lfb_base);
        s->lfb_mapped = 0;
        s->lfb_pm = NULL;
    }
}

int vga_map_lfb(VGAState *s, PhysMem *pm, uint64_t base)
{
    vga_unmap_lfb(s);
    if (phys_add_mmio(pm, base, s->vram_size, lfb_read, lfb_write, s))
        return -1;
    s->lfb_pm = pm;
    s->lfb_base = base;
    s->lfb_mapped = 1;
    return 0;
}

uint64_t vga_pci_bar0_size(const VGAState *s) { return s->vram_size; }

int vga_pci_bar0_update(VGAState *s, PhysMem *pm, uint64_t base, int enabled)
{
    if (!enabled || base == 0) {
        vga_unmap_lfb(s);
        return 0;
    }
    if (s->lfb_mapped && s->lfb_pm == pm && s->lfb_base == base)
        return 0;
    return vga_map_lfb(s, pm, base);
}

/* ------------------------------------------------------------------ */
/* snapshots */

#define VGA_SNAP_VERSION 1

void vga_save(const VGAState *s, SnapWriter *w)
{
    snap_begin(w, "VGA ", VGA_SNAP_VERSION);
    snap_put_u32(w, s->vram_size);
    snap_put_u8(w, s->misc);
    snap_put_u8(w, s->fcr);
    snap_put_u8(w, s->sr_index);
    snap_put_bytes(w, s->sr, sizeof(s->sr));
    snap_put_u8(w, s->gr_index);
    snap_put_bytes(w, s->gr, sizeof(s->gr));
    snap_put_u8(w, s->cr_index);
    snap_put_bytes(w, s->cr, sizeof(s->cr));
    snap_put_u8(w, s->ar_index);
    snap_put_bytes(w, s->ar, sizeof(s->ar));
    snap_put_u8(w, s->ar_flip);
    snap_put_u8(w, s->dac_mask);
    snap_put_u8(w, s->dac_read_index);
    snap_put_u8(w, s->dac_write_index);
    snap_put_u8(w, s->dac_sub);
    snap_put_u8(w, s->dac_state);
    snap_put_bytes(w, s->dac_cache, sizeof(s->dac_cache));
    snap_put_bytes(w, s->palette, sizeof(s->palette));
    snap_put_u32(w, s->latch);
    snap_put_u16(w, s->vbe_index);
    for (int i = 0; i < VBE_NREGS; i++)
        snap_put_u16(w, s->vbe[i]);
    snap_put_bytes(w, s->vram, s->vram_size);
}

static int bpp_ok(unsigned b)
{
    return b == 8 || b == 15 || b == 16 || b == 24 || b == 32;
}

int vga_load(VGAState *s, SnapReader *r)
{
    uint8_t sr[8], gr[16], cr[VGA_NCR], ar[VGA_NAR], cache[3];
    uint16_t vbe[VBE_NREGS];
    uint8_t misc, fcr, sri, gri, cri, ari, flip, mask, rdi, wri, sub, state;
    uint32_t latch;
    uint16_t vbei;
    int ok = 1;

    snap_expect(r, "VGA ", VGA_SNAP_VERSION);
    if (snap_get_u32(r) != s->vram_size)
        snap_check(r, 0);
    misc = snap_get_u8(r);
    fcr = snap_get_u8(r);
    sri = snap_get_u8(r);
    snap_get_bytes(r, sr, sizeof(sr));
    gri = snap_get_u8(r);
    snap_get_bytes(r, gr, sizeof(gr));
    cri = snap_get_u8(r);
    snap_get_bytes(r, cr, sizeof(cr));
    ari = snap_get_u8(r);
    snap_get_bytes(r, ar, sizeof(ar));
    flip = snap_get_u8(r);
    mask = snap_get_u8(r);
    rdi = snap_get_u8(r);
    wri = snap_get_u8(r);
    sub = snap_get_u8(r);
    state = snap_get_u8(r);
    snap_get_bytes(r, cache, sizeof(cache));
    if (r->err) {
        vga_reset(s);
        return -1;
    }
    /* validate everything the guest could not have produced */
    ok &= sri < 8 && gri < 16 && ari < 0x40 && flip <= 1 && sub < 3 &&
          (state == 0 || state == 3) && (fcr & ~0x0B) == 0;
    for (int i = 0; i < 8; i++)
        ok &= (sr[i] & ~sr_mask[i]) == 0;
    for (int i = 0; i < 16; i++)
        ok &= (gr[i] & ~gr_mask[i]) == 0;
    for (int i = 0; i < VGA_NAR; i++)
        ok &= (ar[i] & ~ar_mask[i]) == 0;
    snap_check(r, ok);
    if (r->err) {
        vga_reset(s);
        return -1;
    }
    /* the palette and VRAM go straight in only after the header passed;
     * read the rest into the live state, reset on failure */
    snap_get_bytes(r, s->palette, sizeof(s->palette));
    latch = snap_get_u32(r);
    vbei = snap_get_u16(r);
    for (int i = 0; i < VBE_NREGS; i++)
        vbe[i] = snap_get_u16(r);
    if (!r->err) {
        unsigned bpp = vga_vbe_bytespp(vbe[VBE_BPP]);
        ok = vbe[VBE_ID] >= VBE_ID0 && vbe[VBE_ID] <= VBE_ID5 &&
             vbe[VBE_XRES] <= VBE_MAX_XRES && (vbe[VBE_XRES] & 7) == 0 &&
             vbe[VBE_YRES] <= VBE_MAX_YRES && bpp_ok(vbe[VBE_BPP]) &&
             (vbe[VBE_ENABLE] & ~(VBE_EN_ENABLED | VBE_EN_GETCAPS |
                                  VBE_EN_8BIT_DAC | VBE_EN_LFB |
                                  VBE_EN_NOCLEARMEM)) == 0 &&
             (uint32_t)vbe[VBE_BANK] < (s->vram_size >> 16) &&
             vbe[VBE_VIDEO_MEMORY_64K] == (uint16_t)(s->vram_size >> 16);
        if (ok && (vbe[VBE_ENABLE] & VBE_EN_ENABLED))
            ok = vbe[VBE_XRES] && vbe[VBE_YRES] &&
                 vbe[VBE_VIRT_WIDTH] >= vbe[VBE_XRES] &&
                 (uint64_t)vbe[VBE_VIRT_WIDTH] * bpp * vbe[VBE_YRES] <=
                     s->vram_size;
        snap_check(r, ok);
    }
    snap_get_bytes(r, s->vram, s->vram_size);
    if (r->err) {
        vga_reset(s);
        return -1;
    }
    s->misc = misc;
    s->fcr = fcr;
    s->sr_index = sri;
    memcpy(s->sr, sr, sizeof(sr));
    s->gr_index = gri;
    memcpy(s->gr, gr, sizeof(gr));
    s->cr_index = cri;
    memcpy(s->cr, cr, sizeof(cr));
    s->ar_index = ari;
    memcpy(s->ar, ar, sizeof(ar));
    s->ar_flip = flip;
    s->dac_mask = mask;
    s->dac_read_index = rdi;
    s->dac_write_index = wri;
    s->dac_sub = sub;
    s->dac_state = state;
    memcpy(s->dac_cache, cache, sizeof(cache));
    s->latch = latch;
    s->vbe_index = vbei;
    memcpy(s->vbe, vbe, sizeof(vbe));
    memset(s->dirty, 0xFF, (s->npages + 7) / 8);
    s->full = 1;
    return 0;
}
