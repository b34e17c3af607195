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
};

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
    if (ram_size == 0 || ram_size > (uint64_t)3584 << 20)
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
    pm->fast.a20_mask = 0xFFFFFFFFu;
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
        pm->fast.hi_end = ram_size > 0x100000 ? ram_size : 0x100000;
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
           (a >= pm->fast.hi_start && a < pm->fast.hi_end);
}

static uint8_t read_byte(PhysMem *pm, uint64_t a)
{
    Region *r;
    if (is_ram(pm, a) || (pam_flags(pm, a) & PHYS_PAM_RE))
        return pm->fast.ram[a];
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
        pm->fast.ram[a] = v;
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
    if (addr + size <= pm->fast.lo_end ||
        (addr >= pm->fast.hi_start && addr + size <= pm->fast.hi_end)) {
        const uint8_t *p = pm->fast.ram + addr;
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
    if (addr + size <= pm->fast.lo_end ||
        (addr >= pm->fast.hi_start && addr + size <= pm->fast.hi_end)) {
        uint8_t *p = pm->fast.ram + addr;
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
    if (addr + len <= pm->fast.lo_end ||
        (addr >= pm->fast.hi_start && addr + len <= pm->fast.hi_end))
        return pm->fast.ram + addr;
    return NULL;
}

int phys_del_region(PhysMem *pm, uint64_t base)
{
    for (int i = 0; i < pm->nreg; i++) {
        if (pm->reg[i].base != base)
            continue;
        free(pm->reg[i].rom);
        memmove(&pm->reg[i], &pm->reg[i + 1],
                (size_t)(pm->nreg - i - 1) * sizeof(Region));
        pm->nreg--;
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
    if (p) {
        memcpy(p, buf, len);
        return;
    }
    for (size_t i = 0; i < len; i++)
        write_byte(pm, (addr + i) & 0xFFFFFFFFu, b[i]);
}

void phys_set_a20(PhysMem *pm, int enabled)
{
    pm->fast.a20_mask = enabled ? 0xFFFFFFFFu : 0xFFEFFFFFu;
}
int phys_get_a20(const PhysMem *pm) { return pm->fast.a20_mask == 0xFFFFFFFFu; }
uint64_t phys_ram_size(const PhysMem *pm) { return pm->ram_size; }
const struct PhysMemFast *phys_fast(const PhysMem *pm) { return &pm->fast; }
