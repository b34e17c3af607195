/* Physical memory map: one host allocation for RAM plus a short list of
 * ROM and MMIO regions (see mem.h). */
#include <stdlib.h>
#include <string.h>
#include "memory/mem.h"

#define MAX_REGIONS 64

typedef struct Region {
    uint64_t base, size;
    uint8_t *rom;   /* ROM contents, or NULL for MMIO */
    MmioReadFn rd;
    MmioWriteFn wr;
    void *opaque;
} Region;

struct PhysMem {
    struct PhysMemFast fast;
    uint64_t ram_size;
    int layout;
    Region reg[MAX_REGIONS];
    int nreg;
    uint8_t pam[16]; /* 0xC0000-0xFFFFF in 16 KiB granules: PHYS_PAM_* */
    void (*listener)(void *);
    void *listener_opaque;
    /* SMC tracking, one entry per 4 KiB page below fast.code_limit */
    uint32_t *code_ver;
    uint64_t *code_mask; /* bit n: chunk [n*64, n*64+64) holds code */
};

static void code_write_range(PhysMem *pm, uint64_t pa, size_t len);

static void map_changed(PhysMem *pm)
{
    if (pm->listener)
        pm->listener(pm->listener_opaque);
}

/* The contents behind [base, base+size) changed identity (ROM mapped or
 * unmapped, PAM switched): cached code there is stale. */
static void code_invalidate_range(PhysMem *pm, uint64_t base, uint64_t size)
{
    for (uint64_t a = base & ~0xFFFull; a < base + size &&
                                        a < pm->fast.code_limit; a += 0x1000) {
        pm->code_ver[a >> 12]++;
        pm->code_mask[a >> 12] = 0;
    }
}

#define PAM_BASE 0xC0000u
#define PAM_END 0x100000u

/* PAM granule flags for a, or 0 outside the PAM range (or without RAM
 * behind it). */
static int pam_flags(const PhysMem *pm, uint64_t a)
{
    if (a < PAM_BASE || a >= PAM_END || pm->ram_size < PAM_END)
        return 0;
    return pm->pam[(a - PAM_BASE) >> 14];
}

PhysMem *phys_new(uint64_t ram_size, int layout)
{
    PhysMem *pm;
    if (ram_size == 0 || ram_size > PHYS_RAM_MAX ||
        (layout == PHYS_LAYOUT_FLAT && ram_size > PHYS_BELOW_4G_MAX))
        return NULL;
    pm = calloc(1, sizeof *pm);
    if (!pm)
        return NULL;
    pm->fast.ram = calloc(1, (size_t)ram_size);
    if (!pm->fast.ram) {
        free(pm);
        return NULL;
    }
    pm->ram_size = ram_size;
    pm->layout = layout;
    uint64_t below = ram_size < PHYS_BELOW_4G_MAX ? ram_size : PHYS_BELOW_4G_MAX;
    /* Pages tracked for cached code: the RAM-backed pages below 4 GiB
     * (code above 4 GiB runs, but is decoded every time). */
    pm->fast.code_limit = below & ~0xFFFull;
    {
        size_t np = (size_t)(pm->fast.code_limit >> 12);
        pm->code_ver = calloc(np ? np : 1, sizeof(uint32_t));
        pm->code_mask = calloc(np ? np : 1, sizeof(uint64_t));
        pm->fast.code_ver = pm->code_ver;
        if (!pm->code_ver || !pm->code_mask) {
            free(pm->code_ver);
            free(pm->code_mask);
            free(pm->fast.ram);
            free(pm);
            return NULL;
        }
    }
    pm->fast.a20_mask = PHYS_A20_ON;
    pm->fast.top_start = pm->fast.top_end = 0;
    if (ram_size > below) {
        pm->fast.top_start = 0x100000000ull;
        pm->fast.top_end = 0x100000000ull + (ram_size - below);
        pm->fast.top_host = below;
    }
    if (layout == PHYS_LAYOUT_FLAT || ram_size <= 0xA0000) {
        pm->fast.lo_end = layout == PHYS_LAYOUT_FLAT ? ram_size
                          : ram_size;
        pm->fast.hi_start = pm->fast.hi_end = 0;
        if (layout != PHYS_LAYOUT_FLAT && ram_size > 0xA0000)
            pm->fast.lo_end = 0xA0000;
    } else {
        /* PC: 0xA0000-0xFFFFF is the VGA window and ROM area. */
        pm->fast.lo_end = 0xA0000;
        pm->fast.hi_start = 0x100000;
        pm->fast.hi_end = below > 0x100000 ? below : 0x100000;
    }
    return pm;
}

void phys_free(PhysMem *pm)
{
    int i;
    if (!pm)
        return;
    for (i = 0; i < pm->nreg; i++)
        free(pm->reg[i].rom);
    free(pm->code_ver);
    free(pm->code_mask);
    free(pm->fast.ram);
    free(pm);
}

static int overlaps(PhysMem *pm, uint64_t base, uint64_t size)
{
    int i;
    for (i = 0; i < pm->nreg; i++)
        if (base < pm->reg[i].base + pm->reg[i].size &&
            pm->reg[i].base < base + size)
            return 1;
    return 0;
}

int phys_add_rom(PhysMem *pm, uint64_t base, const uint8_t *data, size_t size)
{
    Region *r;
    if (size == 0 || pm->nreg >= MAX_REGIONS || overlaps(pm, base, size))
        return -1;
    r = &pm->reg[pm->nreg];
    r->rom = malloc(size);
    if (!r->rom)
        return -1;
    memcpy(r->rom, data, size);
    r->base = base;
    r->size = size;
    r->rd = NULL;
    r->wr = NULL;
    r->opaque = NULL;
    pm->nreg++;
    code_invalidate_range(pm, base, size);
    map_changed(pm);
    return 0;
}

int phys_add_mmio(PhysMem *pm, uint64_t base, uint64_t size, MmioReadFn rd,
                  MmioWriteFn wr, void *opaque)
{
    Region *r;
    if (size == 0 || pm->nreg >= MAX_REGIONS || overlaps(pm, base, size))
        return -1;
    r = &pm->reg[pm->nreg++];
    r->base = base;
    r->size = size;
    r->rom = NULL;
    r->rd = rd;
    r->wr = wr;
    r->opaque = opaque;
    code_invalidate_range(pm, base, size);
    map_changed(pm);
    return 0;
}

static Region *find(PhysMem *pm, uint64_t a)
{
    int i;
    for (i = 0; i < pm->nreg; i++)
        if (a >= pm->reg[i].base && a - pm->reg[i].base < pm->reg[i].size)
            return &pm->reg[i];
    return NULL;
}

static int is_ram(const PhysMem *pm, uint64_t a)
{
    return a < pm->fast.lo_end ||
           (a >= pm->fast.hi_start && a < pm->fast.hi_end) ||
           (a >= pm->fast.top_start && a < pm->fast.top_end);
}

/* Host byte of RAM address a (is_ram(a), or a PAM page below 1 MiB). */
static uint8_t *ram_host(PhysMem *pm, uint64_t a)
{
    if (a >= pm->fast.top_start && a < pm->fast.top_end)
        return pm->fast.ram + pm->fast.top_host + (a - pm->fast.top_start);
    return pm->fast.ram + a;
}

static uint8_t read_byte(PhysMem *pm, uint64_t a)
{
    Region *r;
    if (is_ram(pm, a) || (pam_flags(pm, a) & PHYS_PAM_RE))
        return *ram_host(pm, a);
    r = find(pm, a);
    if (!r)
        return 0xFF;
    if (r->rom)
        return r->rom[a - r->base];
    return r->rd ? (uint8_t)r->rd(r->opaque, a - r->base, 1) : 0xFF;
}

static void write_byte(PhysMem *pm, uint64_t a, uint8_t v)
{
    Region *r;
    if (is_ram(pm, a) || (pam_flags(pm, a) & PHYS_PAM_WE)) {
        if (a < pm->fast.code_limit && pm->code_mask[a >> 12])
            phys_code_write(pm, a, 1);
        *ram_host(pm, a) = v;
        return;
    }
    r = find(pm, a);
    if (r && !r->rom && r->wr)
        r->wr(r->opaque, a - r->base, v, 1);
}

uint64_t phys_read(PhysMem *pm, uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    unsigned k;
    {
        const uint8_t *p = phys_ram_fast(&pm->fast, addr, size);
        if (p)
            return size == 8 ? ldq_le(p) : ld_le(p, size);
    }
    if (!pam_flags(pm, addr)) {
        Region *r = find(pm, addr);
        if (r && !r->rom && r->rd && addr - r->base + size <= r->size)
            return r->rd(r->opaque, addr - r->base, size);
    }
    for (k = 0; k < size; k++)
        v |= (uint64_t)read_byte(pm, addr + k) << (8 * k);
    return v;
}

void phys_write(PhysMem *pm, uint64_t addr, uint64_t val, unsigned size)
{
    unsigned k;
    uint8_t *p = phys_ram_fast(&pm->fast, addr, size);
    if (p) {
        code_write_range(pm, addr, size);
        if (size == 8)
            stq_le(p, val);
        else
            st_le(p, (uint32_t)val, size);
        return;
    }
    if (!pam_flags(pm, addr)) {
        Region *r = find(pm, addr);
        if (r && !r->rom && r->wr && addr - r->base + size <= r->size) {
            r->wr(r->opaque, addr - r->base, val, size);
            return;
        }
    }
    for (k = 0; k < size; k++)
        write_byte(pm, addr + k, (uint8_t)(val >> (8 * k)));
}

uint8_t *phys_ram_ptr(PhysMem *pm, uint64_t addr, uint64_t len)
{
    return phys_ram_fast(&pm->fast, addr, len);
}

int phys_del_region(PhysMem *pm, uint64_t base)
{
    for (int i = 0; i < pm->nreg; i++) {
        if (pm->reg[i].base != base)
            continue;
        uint64_t size = pm->reg[i].size;
        free(pm->reg[i].rom);
        memmove(&pm->reg[i], &pm->reg[i + 1],
                (size_t)(pm->nreg - i - 1) * sizeof(Region));
        pm->nreg--;
        code_invalidate_range(pm, base, size);
        map_changed(pm);
        return 0;
    }
    return -1;
}

void phys_set_pam(PhysMem *pm, uint64_t base, uint64_t size, int flags)
{
    for (uint64_t a = base; a < base + size; a += 0x4000)
        if (a >= PAM_BASE && a < PAM_END)
            pm->pam[(a - PAM_BASE) >> 14] =
                (uint8_t)(flags & (PHYS_PAM_RE | PHYS_PAM_WE));
    code_invalidate_range(pm, base, size);
    map_changed(pm);
}

void phys_set_map_listener(PhysMem *pm, void (*fn)(void *), void *opaque)
{
    pm->listener = fn;
    pm->listener_opaque = opaque;
}

void phys_page_map(PhysMem *pm, uint64_t ppage, uint8_t **rd, uint8_t **wr)
{
    *rd = *wr = NULL;
    {
        uint8_t *p = phys_ram_fast(&pm->fast, ppage, 0x1000);
        if (p) {
            *rd = *wr = p;
            return;
        }
    }
    int pf = pam_flags(pm, ppage);
    if (pf) {
        if (pf & PHYS_PAM_RE)
            *rd = pm->fast.ram + ppage;
        if (pf & PHYS_PAM_WE)
            *wr = pm->fast.ram + ppage;
        if (pf == (PHYS_PAM_RE | PHYS_PAM_WE))
            return;
    }
    if (!*rd) {
        Region *r = find(pm, ppage);
        if (r && r->rom && ppage + 0x1000 <= r->base + r->size)
            *rd = r->rom + (ppage - r->base);
    }
}

uint32_t phys_code_version(const PhysMem *pm, uint64_t pa)
{
    return pa < pm->fast.code_limit ? pm->code_ver[pa >> 12] : 0;
}

int phys_code_page(const PhysMem *pm, uint64_t pa)
{
    return pa < pm->fast.code_limit && pm->code_mask[pa >> 12] != 0;
}

static uint64_t chunk_bits(uint64_t pa, unsigned len)
{
    unsigned first = (unsigned)(pa & 0xFFF) >> 6;
    unsigned last = (unsigned)((pa & 0xFFF) + (len ? len - 1 : 0)) >> 6;
    if (last > 63)
        last = 63;
    uint64_t hi = last == 63 ? ~0ull : ((1ull << (last + 1)) - 1);
    return hi & ~((1ull << first) - 1);
}

int phys_code_mark(PhysMem *pm, uint64_t pa, unsigned len)
{
    if (pa >= pm->fast.code_limit)
        return 0;
    uint64_t *m = &pm->code_mask[pa >> 12];
    int was_empty = *m == 0;
    *m |= chunk_bits(pa, len);
    return was_empty;
}

void phys_code_write(PhysMem *pm, uint64_t pa, unsigned len)
{
    if (pa >= pm->fast.code_limit)
        return;
    uint64_t *m = &pm->code_mask[pa >> 12];
    if (*m & chunk_bits(pa, len)) {
        *m = 0;
        pm->code_ver[pa >> 12]++;
    }
}

/* SMC check for a write of len bytes at pa that may cross pages. */
static void code_write_range(PhysMem *pm, uint64_t pa, size_t len)
{
    while (len) {
        size_t n = 0x1000 - (size_t)(pa & 0xFFF);
        if (n > len)
            n = len;
        if (pa < pm->fast.code_limit && pm->code_mask[pa >> 12])
            phys_code_write(pm, pa, (unsigned)n);
        pa += n;
        len -= n;
    }
}

void phys_dma_read(PhysMem *pm, uint64_t addr, void *buf, size_t len)
{
    uint8_t *b = buf;
    uint8_t *p = addr + len <= 0x100000000ull ? phys_ram_ptr(pm, addr, len)
                                              : NULL;
    if (p) {
        memcpy(buf, p, len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        b[i] = read_byte(pm, (addr + i) & 0xFFFFFFFFu);
}

void phys_dma_write(PhysMem *pm, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    uint8_t *p = addr + len <= 0x100000000ull ? phys_ram_ptr(pm, addr, len)
                                              : NULL;
    code_write_range(pm, addr, len);
    if (p) {
        memcpy(p, buf, len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        write_byte(pm, (addr + i) & 0xFFFFFFFFu, b[i]);
}

void phys_set_a20(PhysMem *pm, int enabled)
{
    uint64_t m = enabled ? PHYS_A20_ON : PHYS_A20_OFF;
    if (m != pm->fast.a20_mask) {
        pm->fast.a20_mask = m;
        map_changed(pm);
    }
}
int phys_get_a20(const PhysMem *pm) { return pm->fast.a20_mask == PHYS_A20_ON; }
uint64_t phys_ram_size(const PhysMem *pm) { return pm->ram_size; }
uint64_t phys_ram_below_4g(const PhysMem *pm)
{
    return pm->ram_size < PHYS_BELOW_4G_MAX ? pm->ram_size : PHYS_BELOW_4G_MAX;
}
uint64_t phys_ram_above_4g(const PhysMem *pm)
{
    return pm->ram_size - phys_ram_below_4g(pm);
}
const struct PhysMemFast *phys_fast(const PhysMem *pm) { return &pm->fast; }
