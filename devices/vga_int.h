/* VGA internals shared by vga.c (registers, memory, DISPI, snapshots) and
 * vga_render.c (display).  Not for other devices. */
#ifndef X86PC_VGA_INT_H
#define X86PC_VGA_INT_H
#include "devices/vga.h"

/* DISPI register indices and bits. */
enum {
    VBE_ID,
    VBE_XRES,
    VBE_YRES,
    VBE_BPP,
    VBE_ENABLE,
    VBE_BANK,
    VBE_VIRT_WIDTH,
    VBE_VIRT_HEIGHT,
    VBE_X_OFFSET,
    VBE_Y_OFFSET,
    VBE_VIDEO_MEMORY_64K,
    VBE_NREGS
};
#define VBE_ID0 0xB0C0
#define VBE_ID5 0xB0C5
#define VBE_EN_ENABLED 0x01
#define VBE_EN_GETCAPS 0x02
#define VBE_EN_8BIT_DAC 0x20
#define VBE_EN_LFB 0x40
#define VBE_EN_NOCLEARMEM 0x80
#define VBE_MAX_XRES 2560
#define VBE_MAX_YRES 1600
#define VBE_MAX_BPP 32

#define VGA_PAGE_SHIFT 8 /* dirty-tracking granule: 256 bytes */
#define VGA_NCR 0x19
#define VGA_NAR 0x15

/* Everything a full redraw depends on apart from the palette (which is
 * compared through the colour tables). */
typedef struct VGAKey {
    uint8_t mode; /* VGA_MODE_* */
    uint8_t misc, sr[5], gr5, gr6, ar10, ar12, ar13, ar14, pas;
    uint8_t cr[VGA_NCR];
    uint16_t vbe[VBE_NREGS];
    int w, h;
} VGAKey;

enum {
    VGA_MODE_BLANK,
    VGA_MODE_TEXT,
    VGA_MODE_PLANAR,
    VGA_MODE_CGA,
    VGA_MODE_256,
    VGA_MODE_VBE
};

struct VGAState {
    VClock *clock;
    uint8_t *vram;
    uint32_t vram_size;
    uint8_t *dirty; /* one bit per 256-byte page of VRAM */
    uint32_t npages;

    /* VGA registers */
    uint8_t misc, fcr;
    uint8_t sr_index, sr[8];
    uint8_t gr_index, gr[16];
    uint8_t cr_index, cr[VGA_NCR];
    uint8_t ar_index, ar[VGA_NAR], ar_flip;
    uint8_t dac_mask, dac_read_index, dac_write_index, dac_sub, dac_state;
    uint8_t dac_cache[3];
    uint8_t palette[768];
    uint32_t latch; /* plane p in bits 8p..8p+7 */

    /* DISPI */
    uint16_t vbe_index;
    uint16_t vbe[VBE_NREGS];

    /* host side */
    PhysMem *lfb_pm;
    uint64_t lfb_base;
    int lfb_mapped;
    uint64_t fake_ns;

    /* renderer */
    uint32_t *fb;
    size_t fb_cap; /* pixels */
    int fb_w, fb_h;
    int full;
    int have_key;
    VGAKey key;
    uint32_t lut16[16], lut256[256];
    uint16_t *text_cache;
    size_t text_cap;
    uint8_t font_cache[2 * 8192];
    int cur_cell; /* cell index of the drawn cursor, -1 none */
    int blink_phase;
    unsigned frames;
};

static inline void vga_mark_dirty(VGAState *s, uint32_t off)
{
    uint32_t p = off >> VGA_PAGE_SHIFT;
    if (p < s->npages)
        s->dirty[p >> 3] |= (uint8_t)(1u << (p & 7));
}

static inline int vga_vbe_enabled(const VGAState *s)
{
    return (s->vbe[VBE_ENABLE] & VBE_EN_ENABLED) != 0;
}

/* Bytes per pixel of a DISPI bpp value (15 -> 2). */
static inline unsigned vga_vbe_bytespp(unsigned bpp)
{
    return (bpp + 7) / 8;
}

uint64_t vga_now(VGAState *s);
void vga_render_free(VGAState *s);
#endif
