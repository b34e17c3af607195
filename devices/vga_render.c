/* VGA display: mode decoding and rendering into the host RGB32 frame buffer
 * with dirty tracking.  See vga.h. */
#include "devices/vga.h"
#include "devices/vga_int.h"
#include <stdlib.h>
#include <string.h>

/* Blink half-periods at the 70 Hz frame rate: the cursor toggles every 8
 * frames, blinking characters every 16. */
#define CURSOR_HALF_NS 114285714u
#define CHAR_HALF_NS 228571428u

typedef struct Geo {
    int mode, w, h;
    int cols, rows, cw, ch; /* text */
    uint32_t start, offset; /* plane addresses */
    int msl;                /* max scan line */
    int dbl;                /* double scan */
    unsigned bpp, Bpp;      /* DISPI */
    uint64_t vstart, line;  /* DISPI, bytes */
} Geo;

void vga_render_free(VGAState *s)
{
    free(s->fb);
    free(s->text_cache);
    s->fb = NULL;
    s->text_cache = NULL;
    s->fb_cap = s->text_cap = 0;
}

void vga_invalidate(VGAState *s) { s->full = 1; }

static void compute_geo(const VGAState *s, Geo *g)
{
    memset(g, 0, sizeof(*g));
    if (vga_vbe_enabled(s)) {
        g->mode = VGA_MODE_VBE;
        g->w = s->vbe[VBE_XRES];
        g->h = s->vbe[VBE_YRES];
        g->bpp = s->vbe[VBE_BPP];
        g->Bpp = vga_vbe_bytespp(g->bpp);
        g->line = (uint64_t)s->vbe[VBE_VIRT_WIDTH] * g->Bpp;
        g->vstart = (uint64_t)s->vbe[VBE_Y_OFFSET] * g->line +
                    (uint64_t)s->vbe[VBE_X_OFFSET] * g->Bpp;
        if (g->w <= 0 || g->h <= 0) { /* cannot happen after validation */
            g->mode = VGA_MODE_BLANK;
            g->w = 640;
            g->h = 480;
        }
        return;
    }
    int chars = s->cr[1] + 1;
    int vdisp =
        (s->cr[0x12] | (s->cr[7] & 2) << 7 | (s->cr[7] & 0x40) << 3) + 1;
    g->msl = s->cr[9] & 0x1F;
    g->dbl = s->cr[9] >> 7;
    g->start = (uint32_t)(s->cr[0x0C] << 8 | s->cr[0x0D]);
    g->offset = (uint32_t)s->cr[0x13] * 2;
    int lines = vdisp >> g->dbl;
    if (lines < 1)
        lines = 1;
    if (!(s->gr[6] & 1)) {
        g->mode = VGA_MODE_TEXT;
        g->cw = (s->sr[1] & 1) ? 8 : 9;
        g->ch = g->msl + 1;
        g->cols = chars;
        g->rows = lines / g->ch;
        if (g->rows < 1)
            g->rows = 1;
        g->w = g->cols * g->cw;
        g->h = g->rows * g->ch;
    } else {
        if (s->gr[5] & 0x40) {
            g->mode = VGA_MODE_256;
            g->w = chars * 4;
        } else if (s->gr[5] & 0x20) {
            g->mode = VGA_MODE_CGA;
            g->w = chars * 8;
        } else {
            g->mode = VGA_MODE_PLANAR;
            g->w = chars * 8;
        }
        g->h = (s->cr[0x17] & 1) ? lines / (g->msl + 1) : lines;
        if (g->h < 1)
            g->h = 1;
    }
    if (!(s->ar_index & 0x20) || (s->sr[1] & 0x20))
        g->mode = VGA_MODE_BLANK;
}

static void make_key(const VGAState *s, const Geo *g, VGAKey *k)
{
    memset(k, 0, sizeof(*k));
    k->mode = (uint8_t)g->mode;
    k->misc = s->misc;
    memcpy(k->sr, s->sr, sizeof(k->sr));
    k->gr5 = s->gr[5];
    k->gr6 = s->gr[6];
    k->ar10 = s->ar[0x10];
    k->ar12 = s->ar[0x12];
    k->ar13 = s->ar[0x13];
    k->ar14 = s->ar[0x14];
    k->pas = s->ar_index & 0x20;
    memcpy(k->cr, s->cr, sizeof(k->cr));
    k->cr[0x0E] = k->cr[0x0F] = 0; /* cursor moves redraw two cells only */
    memcpy(k->vbe, s->vbe, sizeof(k->vbe));
    k->vbe[VBE_BANK] = 0;
    k->w = g->w;
    k->h = g->h;
}

static uint32_t dac_rgb(const VGAState *s, unsigned i)
{
    const uint8_t *p = &s->palette[(i & 0xFF) * 3];
    uint32_t r = p[0], gg = p[1], b = p[2];
    if (!(s->vbe[VBE_ENABLE] & VBE_EN_8BIT_DAC)) {
        r = (r & 0x3F) << 2 | (r & 0x3F) >> 4;
        gg = (gg & 0x3F) << 2 | (gg & 0x3F) >> 4;
        b = (b & 0x3F) << 2 | (b & 0x3F) >> 4;
    }
    return r << 16 | gg << 8 | b;
}

static void build_luts(const VGAState *s, uint32_t lut16[16],
                       uint32_t lut256[256])
{
    for (unsigned i = 0; i < 256; i++)
        lut256[i] = dac_rgb(s, i & s->dac_mask);
    for (unsigned i = 0; i < 16; i++) {
        unsigned v = s->ar[i & s->ar[0x12] & 0xF], idx;
        if (s->ar[0x10] & 0x80)
            idx = (v & 0x0F) | (s->ar[0x14] & 3) << 4;
        else
            idx = v & 0x3F;
        idx |= (s->ar[0x14] & 0x0C) << 4;
        lut16[i] = lut256[idx & 0xFF];
    }
}

/* Is any page of the VRAM byte range [off, off + len) dirty? */
static int bytes_dirty(const VGAState *s, uint64_t off, uint64_t len)
{
    if (len == 0)
        return 0;
    uint64_t p0 = off >> VGA_PAGE_SHIFT, p1 = (off + len - 1) >> VGA_PAGE_SHIFT;
    if (p1 >= s->npages)
        p1 = s->npages - 1;
    for (uint64_t p = p0; p <= p1; p++)
        if (s->dirty[p >> 3] & (1u << (p & 7)))
            return 1;
    return 0;
}

/* Plane addresses [a, a + n) of the 64K planes, wrapping. */
static int planes_dirty(const VGAState *s, uint32_t a, uint32_t n)
{
    a &= 0xFFFF;
    if (n > 0x10000)
        n = 0x10000;
    if (a + n <= 0x10000)
        return bytes_dirty(s, (uint64_t)a * 4, (uint64_t)n * 4);
    return bytes_dirty(s, (uint64_t)a * 4, (0x10000u - a) * 4u) ||
           bytes_dirty(s, 0, (a + n - 0x10000u) * 4u);
}

typedef struct Box {
    int x0, y0, x1, y1; /* x1/y1 exclusive; empty when x1 <= x0 */
} Box;

static void box_add(Box *b, int x0, int y0, int x1, int y1)
{
    if (b->x1 <= b->x0) {
        b->x0 = x0;
        b->y0 = y0;
        b->x1 = x1;
        b->y1 = y1;
        return;
    }
    if (x0 < b->x0)
        b->x0 = x0;
    if (y0 < b->y0)
        b->y0 = y0;
    if (x1 > b->x1)
        b->x1 = x1;
    if (y1 > b->y1)
        b->y1 = y1;
}

/* ------------------------------------------------------------------ */
/* text */

static uint32_t font_base(unsigned map) /* map 0-7 -> plane-2 address */
{
    return (map & 3) * 0x4000u + ((map & 4) ? 0x2000u : 0);
}

static void text_maps(const VGAState *s, uint32_t *a, uint32_t *b)
{
    uint8_t v = s->sr[3];
    *a = font_base((unsigned)(((v >> 5) & 1) << 2 | ((v >> 2) & 3)));
    *b = font_base((unsigned)(((v >> 4) & 1) << 2 | (v & 3)));
}

/* Cell index of the cursor, or -1 (disabled, empty shape or off-screen). */
static int cursor_cell(const VGAState *s, const Geo *g)
{
    if (s->cr[0x0A] & 0x20)
        return -1;
    if ((s->cr[0x0A] & 0x1F) > (s->cr[0x0B] & 0x1F))
        return -1;
    uint32_t cur = (uint32_t)(s->cr[0x0E] << 8 | s->cr[0x0F]);
    uint32_t d = (cur - g->start) & 0xFFFF;
    uint32_t cy, cx;
    if (g->offset) {
        cy = d / g->offset;
        cx = d % g->offset;
    } else {
        cy = 0;
        cx = d;
    }
    if (cy >= (uint32_t)g->rows || cx >= (uint32_t)g->cols)
        return -1;
    return (int)(cy * (uint32_t)g->cols + cx);
}

static void draw_cell(VGAState *s, const Geo *g, const uint32_t *lut, int cx,
                      int cy, uint8_t chr, uint8_t attr, int cursor,
                      int blink_on, uint32_t map_a, uint32_t map_b)
{
    unsigned fgi = attr & 0xF, bgi = attr >> 4;
    if (s->ar[0x10] & 0x08) {
        bgi &= 7;
        if ((attr & 0x80) && !blink_on)
            fgi = bgi;
    }
    uint32_t fg = lut[fgi], bg = lut[bgi];
    uint32_t glyph = ((attr & 8) ? map_a : map_b) + chr * 32u;
    int ninth = g->cw == 9 && (s->ar[0x10] & 4) && chr >= 0xC0 && chr <= 0xDF;
    int cs = s->cr[0x0A] & 0x1F, ce = s->cr[0x0B] & 0x1F;
    for (int l = 0; l < g->ch; l++) {
        uint8_t bits = s->vram[(((glyph + (uint32_t)l) & 0xFFFF) << 2) | 2];
        uint32_t *px = s->fb + (size_t)(cy * g->ch + l) * (size_t)g->w +
                       (size_t)cx * (size_t)g->cw;
        if (cursor && l >= cs && l <= ce) {
            for (int i = 0; i < g->cw; i++)
                px[i] = fg;
            continue;
        }
        for (int i = 0; i < 8; i++)
            px[i] = (bits & (0x80 >> i)) ? fg : bg;
        if (g->cw == 9)
            px[8] = (ninth && (bits & 1)) ? fg : bg;
    }
}

static void render_text(VGAState *s, const Geo *g, int full, Box *box,
                        uint64_t now)
{
    size_t cells = (size_t)g->cols * (size_t)g->rows;
    uint32_t map_a, map_b;
    int cursor_on, blink_on;

    if (cells > s->text_cap) {
        uint16_t *n = realloc(s->text_cache, cells * sizeof(uint16_t));
        if (!n)
            return;
        s->text_cache = n;
        s->text_cap = cells;
        full = 1;
    }
    text_maps(s, &map_a, &map_b);
    /* font change: compare the glyphs of both selected maps */
    if (full || bytes_dirty(s, 0, 256u << 10)) {
        uint8_t cur[2 * 8192];
        for (uint32_t i = 0; i < 8192; i++) {
            cur[i] = s->vram[(((map_a + i) & 0xFFFF) << 2) | 2];
            cur[8192 + i] = s->vram[(((map_b + i) & 0xFFFF) << 2) | 2];
        }
        if (memcmp(cur, s->font_cache, sizeof(cur))) {
            memcpy(s->font_cache, cur, sizeof(cur));
            full = 1;
        }
    }
    if (s->clock) {
        cursor_on = ((now / CURSOR_HALF_NS) & 1) == 0;
        blink_on = ((now / CHAR_HALF_NS) & 1) == 0;
    } else {
        cursor_on = ((s->frames / 8) & 1) == 0;
        blink_on = ((s->frames / 16) & 1) == 0;
    }
    int cc = cursor_on ? cursor_cell(s, g) : -1;
    int old_cc = full ? -1 : s->cur_cell;
    int blink_changed = (s->ar[0x10] & 0x08) && blink_on != s->blink_phase;

    for (int y = 0; y < g->rows; y++) {
        uint32_t row = (g->start + (uint32_t)y * g->offset) & 0xFFFF;
        int row_has_cursor = (cc >= 0 && cc / g->cols == y) ||
                             (old_cc >= 0 && old_cc / g->cols == y);
        if (!full && !blink_changed && !row_has_cursor &&
            !planes_dirty(s, row, (uint32_t)g->cols))
            continue;
        for (int x = 0; x < g->cols; x++) {
            int idx = y * g->cols + x;
            uint32_t a = (row + (uint32_t)x) & 0xFFFF;
            uint8_t chr = s->vram[a << 2], attr = s->vram[(a << 2) | 1];
            uint16_t v = (uint16_t)(chr | attr << 8);
            int redraw = full || v != s->text_cache[idx] ||
                         ((idx == cc) != (idx == old_cc)) ||
                         (blink_changed && (attr & 0x80));
            if (!redraw)
                continue;
            s->text_cache[idx] = v;
            draw_cell(s, g, s->lut16, x, y, chr, attr, idx == cc, blink_on,
                      map_a, map_b);
            box_add(box, x * g->cw, y * g->ch, (x + 1) * g->cw,
                    (y + 1) * g->ch);
        }
    }
    s->cur_cell = cc;
    s->blink_phase = blink_on;
}

/* ------------------------------------------------------------------ */
/* graphics */

static uint32_t gfx_line_addr(const VGAState *s, const Geo *g, int j)
{
    uint32_t per = (uint32_t)g->msl + 1;
    uint32_t scan = (s->cr[0x17] & 1) ? (uint32_t)j * per : (uint32_t)j;
    uint32_t row = scan / per, rs = scan % per;
    uint32_t addr = g->start + row * g->offset;
    unsigned bit = (s->cr[0x17] & 0x40) ? 13 : 12; /* byte : word mode */
    if (!(s->cr[0x17] & 1))
        addr = (addr & ~(1u << bit)) | ((rs & 1) << bit);
    if (!(s->cr[0x17] & 2))
        addr = (addr & ~(2u << bit)) | (((rs >> 1) & 1) << (bit + 1));
    return addr & 0xFFFF;
}

static void draw_gfx_line(const VGAState *s, const Geo *g, uint32_t addr,
                          uint32_t *out)
{
    const uint8_t *v = s->vram;
    if (g->mode == VGA_MODE_256) {
        int groups = g->w / 4;
        for (int i = 0; i < groups; i++) {
            const uint8_t *p = v + (((addr + (uint32_t)i) & 0xFFFF) << 2);
            for (int k = 0; k < 4; k++)
                *out++ = s->lut256[p[k]];
        }
        return;
    }
    int groups = g->w / 8;
    for (int i = 0; i < groups; i++) {
        const uint8_t *p = v + (((addr + (uint32_t)i) & 0xFFFF) << 2);
        if (g->mode == VGA_MODE_CGA) {
            for (int k = 0; k < 4; k++)
                *out++ = s->lut16[(p[0] >> (6 - 2 * k)) & 3];
            for (int k = 0; k < 4; k++)
                *out++ = s->lut16[(p[1] >> (6 - 2 * k)) & 3];
        } else {
            for (int b = 7; b >= 0; b--)
                *out++ = s->lut16[((p[0] >> b) & 1) | ((p[1] >> b) & 1) << 1 |
                                  ((p[2] >> b) & 1) << 2 |
                                  ((p[3] >> b) & 1) << 3];
        }
    }
}

static void render_gfx(VGAState *s, const Geo *g, int full, Box *box)
{
    uint32_t per_line = (uint32_t)(g->mode == VGA_MODE_256 ? g->w / 4 : g->w / 8);
    for (int j = 0; j < g->h; j++) {
        uint32_t addr = gfx_line_addr(s, g, j);
        if (!full && !planes_dirty(s, addr, per_line))
            continue;
        draw_gfx_line(s, g, addr, s->fb + (size_t)j * (size_t)g->w);
        box_add(box, 0, j, g->w, j + 1);
    }
}

static void draw_vbe_line(const VGAState *s, const Geo *g, const uint8_t *p,
                          uint32_t *out)
{
    int w = g->w;
    switch (g->bpp) {
    case 8:
        for (int x = 0; x < w; x++)
            out[x] = s->lut256[p[x]];
        break;
    case 15:
        for (int x = 0; x < w; x++) {
            uint32_t c = ldw_le(p + 2 * x);
            uint32_t r = (c >> 10) & 0x1F, gg = (c >> 5) & 0x1F, b = c & 0x1F;
            out[x] = (r << 3 | r >> 2) << 16 | (gg << 3 | gg >> 2) << 8 |
                     (b << 3 | b >> 2);
        }
        break;
    case 16:
        for (int x = 0; x < w; x++) {
            uint32_t c = ldw_le(p + 2 * x);
            uint32_t r = (c >> 11) & 0x1F, gg = (c >> 5) & 0x3F, b = c & 0x1F;
            out[x] = (r << 3 | r >> 2) << 16 | (gg << 2 | gg >> 4) << 8 |
                     (b << 3 | b >> 2);
        }
        break;
    case 24:
        for (int x = 0; x < w; x++)
            out[x] = (uint32_t)p[3 * x + 2] << 16 |
                     (uint32_t)p[3 * x + 1] << 8 | p[3 * x];
        break;
    default: /* 32 */
        for (int x = 0; x < w; x++)
            out[x] = (uint32_t)p[4 * x + 2] << 16 |
                     (uint32_t)p[4 * x + 1] << 8 | p[4 * x];
        break;
    }
}

static void render_vbe(VGAState *s, const Geo *g, int full, Box *box)
{
    uint64_t len = (uint64_t)g->w * g->Bpp;
    for (int y = 0; y < g->h; y++) {
        uint64_t base = g->vstart + (uint64_t)y * g->line;
        uint32_t *out = s->fb + (size_t)y * (size_t)g->w;
        if (base + len > s->vram_size) { /* off the end of VRAM: black */
            if (full) {
                memset(out, 0, (size_t)g->w * sizeof(uint32_t));
                box_add(box, 0, y, g->w, y + 1);
            }
            continue;
        }
        if (!full && !bytes_dirty(s, base, len))
            continue;
        draw_vbe_line(s, g, s->vram + base, out);
        box_add(box, 0, y, g->w, y + 1);
    }
}

/* ------------------------------------------------------------------ */

static int ensure_fb(VGAState *s, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    if (n > s->fb_cap) {
        uint32_t *nb = realloc(s->fb, n * sizeof(uint32_t));
        if (!nb)
            return -1;
        s->fb = nb;
        s->fb_cap = n;
    }
    s->fb_w = w;
    s->fb_h = h;
    return 0;
}

int vga_render(VGAState *s, VGARect *dirty)
{
    Geo g;
    VGAKey k;
    uint32_t lut16[16], lut256[256];
    Box box = {0, 0, 0, 0};
    uint64_t now = s->clock ? vclock_now(s->clock) : 0;

    compute_geo(s, &g);
    make_key(s, &g, &k);
    build_luts(s, lut16, lut256);
    int full = s->full || !s->have_key || memcmp(&k, &s->key, sizeof(k)) ||
               memcmp(lut16, s->lut16, sizeof(lut16)) ||
               memcmp(lut256, s->lut256, sizeof(lut256));
    if (dirty)
        memset(dirty, 0, sizeof(*dirty));
    if (g.w != s->fb_w || g.h != s->fb_h || !s->fb)
        full = 1;
    if (ensure_fb(s, g.w, g.h)) {
        s->full = 1;
        return 0;
    }
    memcpy(s->lut16, lut16, sizeof(lut16));
    memcpy(s->lut256, lut256, sizeof(lut256));
    s->frames++;

    switch (g.mode) {
    case VGA_MODE_TEXT:
        render_text(s, &g, full, &box, now);
        break;
    case VGA_MODE_PLANAR:
    case VGA_MODE_CGA:
    case VGA_MODE_256:
        render_gfx(s, &g, full, &box);
        break;
    case VGA_MODE_VBE:
        render_vbe(s, &g, full, &box);
        break;
    default: /* blank */
        if (full) {
            memset(s->fb, 0, (size_t)g.w * (size_t)g.h * sizeof(uint32_t));
            box_add(&box, 0, 0, g.w, g.h);
        }
        break;
    }
    if (g.mode != VGA_MODE_TEXT)
        s->cur_cell = -1;
    memset(s->dirty, 0, (s->npages + 7) / 8);
    s->key = k;
    s->have_key = 1;
    s->full = 0;
    if (box.x1 <= box.x0)
        return 0;
    if (dirty) {
        dirty->x = box.x0;
        dirty->y = box.y0;
        dirty->w = box.x1 - box.x0;
        dirty->h = box.y1 - box.y0;
    }
    return 1;
}

void vga_get_display(VGAState *s, int *w, int *h, const uint32_t **pixels,
                     int *stride)
{
    if (!s->fb) {
        if (ensure_fb(s, 640, 480) == 0)
            memset(s->fb, 0, 640 * 480 * sizeof(uint32_t));
        s->full = 1;
    }
    *w = s->fb ? s->fb_w : 0;
    *h = s->fb ? s->fb_h : 0;
    *pixels = s->fb;
    *stride = (s->fb ? s->fb_w : 0) * (int)sizeof(uint32_t);
}

int vga_get_text(const VGAState *s, uint16_t *cells, size_t max_cells,
                 VGATextInfo *info)
{
    Geo g;
    compute_geo(s, &g);
    if (vga_vbe_enabled(s) || (s->gr[6] & 1))
        return -1;
    if (g.mode == VGA_MODE_BLANK) { /* blanked text mode: still text */
        g.cw = (s->sr[1] & 1) ? 8 : 9;
    }
    g.ch = g.msl + 1;
    {
        int vdisp =
            (s->cr[0x12] | (s->cr[7] & 2) << 7 | (s->cr[7] & 0x40) << 3) + 1;
        int lines = vdisp >> g.dbl;
        g.cols = s->cr[1] + 1;
        g.rows = lines / g.ch;
        if (g.rows < 1)
            g.rows = 1;
    }
    info->cols = g.cols;
    info->rows = g.rows;
    size_t n = 0;
    for (int y = 0; y < g.rows; y++)
        for (int x = 0; x < g.cols; x++) {
            if (n >= max_cells)
                break;
            uint32_t a = (g.start + (uint32_t)y * g.offset + (uint32_t)x) &
                         0xFFFF;
            cells[n++] = (uint16_t)(s->vram[a << 2] | s->vram[(a << 2) | 1] << 8);
        }
    int cc = cursor_cell(s, &g);
    info->cursor_x = cc < 0 ? -1 : cc % g.cols;
    info->cursor_y = cc < 0 ? -1 : cc / g.cols;
    return 0;
}
