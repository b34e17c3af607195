/* Physical memory map: RAM, ROM and MMIO regions, and the A20 gate.
 *
 * The machine builds the map at start-up.  The CPU reaches RAM through
 * phys_ram_fast() (one compare, then a host pointer) and everything else
 * through phys_read()/phys_write(), which dispatch to ROM or MMIO handlers.
 * Unbacked reads return all-ones, writes to ROM or unbacked space are
 * dropped, exactly as on a PC.  Nothing here includes device headers. */
#ifndef X86PC_MEM_H
#define X86PC_MEM_H
#include <stddef.h>
#include <stdint.h>
#include "memory/endian.h"

typedef struct PhysMem PhysMem;

/* MMIO handlers see the offset from the region base; size is 1, 2, 4 or 8. */
typedef uint64_t (*MmioReadFn)(void *opaque, uint64_t off, unsigned size);
typedef void (*MmioWriteFn)(void *opaque, uint64_t off, uint64_t val,
                            unsigned size);

enum {
    PHYS_LAYOUT_PC = 0, /* PC layout: hole at 0xA0000-0xFFFFF for VGA/ROMs */
    PHYS_LAYOUT_FLAT = 1 /* all RAM, no holes (conformance tests) */
};

/* RAM below 4 GiB ends at PHYS_BELOW_4G_MAX at most (the PCI hole is
 * above); with the PC layout the rest of ram_size is mapped from 4 GiB up
 * (reachable with PAE paging).  ram_size is at most PHYS_RAM_MAX. */
#define PHYS_BELOW_4G_MAX 0xE0000000ull
#define PHYS_RAM_MAX (32ull << 30)

/* Creates the map with ram_size bytes of zeroed RAM.  NULL on failure. */
PhysMem *phys_new(uint64_t ram_size, int layout);
void phys_free(PhysMem *pm);

/* Maps a copy of data (size bytes) read-only at base.  Returns 0 or -1 if it
 * overlaps another ROM/MMIO region. */
int phys_add_rom(PhysMem *pm, uint64_t base, const uint8_t *data, size_t size);
/* Maps an MMIO region.  Returns 0 or -1 on overlap. */
int phys_add_mmio(PhysMem *pm, uint64_t base, uint64_t size, MmioReadFn rd,
                  MmioWriteFn wr, void *opaque);

/* Generic accesses of size 1, 2, 4 or 8 at any alignment (little-endian).
 * addr is already A20-masked by the caller (see phys_a20_mask). */
uint64_t phys_read(PhysMem *pm, uint64_t addr, unsigned size);
void phys_write(PhysMem *pm, uint64_t addr, uint64_t val, unsigned size);

/* Host pointer to plain RAM at [addr, addr+len), or NULL if any part of the
 * range is not plain RAM (ROM, MMIO, unbacked, out of range). */
uint8_t *phys_ram_ptr(PhysMem *pm, uint64_t addr, uint64_t len);

/* Removes the ROM or MMIO region that starts at base (a PCI BAR being moved
 * or disabled).  Returns 0, or -1 if no region starts there. */
int phys_del_region(PhysMem *pm, uint64_t base);

/* Device DMA (bus-master IDE, floppy DMA, ...): copies between guest
 * physical memory and a host buffer, through RAM, ROM (reads) and MMIO like
 * CPU accesses (A20 does not apply: it gates only the CPU), invalidating
 * any cached decoded code the write touches.  len may be anything; the range wraps at 4 GiB. */
void phys_dma_read(PhysMem *pm, uint64_t addr, void *buf, size_t len);
void phys_dma_write(PhysMem *pm, uint64_t addr, const void *buf, size_t len);

/* i440FX PAM (shadow RAM) control of 0xC0000-0xFFFFF: for the range
 * [base, base+size) (16 KiB granules), PHYS_PAM_RE sends reads to RAM
 * instead of ROM/PCI, PHYS_PAM_WE sends writes to RAM.  Both clear (the
 * reset state): reads come from the ROM regions, writes are dropped. */
#define PHYS_PAM_RE 1
#define PHYS_PAM_WE 2
void phys_set_pam(PhysMem *pm, uint64_t base, uint64_t size, int flags);

/* ---- for the CPU's TLB and decoded-instruction cache ----
 *
 * phys_page_map: host pointers for the whole 4 KiB page at ppage (page
 * aligned): *rd for reads (RAM, PAM-shadowed RAM or ROM), *wr for writes
 * (RAM only); NULL where accesses must go through phys_read/phys_write
 * (MMIO, unbacked, ROM writes, a page only partly covered). */
void phys_page_map(PhysMem *pm, uint64_t ppage, uint8_t **rd, uint8_t **wr);

/* The map listener is called after anything that changes what a physical
 * address refers to (regions added/removed, PAM, A20): the CPU flushes its
 * TLB.  One listener (the CPU). */
void phys_set_map_listener(PhysMem *pm, void (*fn)(void *), void *opaque);

/* Self-modifying-code tracking.  Pages below code_limit (the RAM/ROM area
 * under 4 GiB that has a RAM backing) carry a version number and a bitmap
 * of the 64-byte chunks holding decoded instructions.  A decoded
 * instruction is valid while its page's version is unchanged; any write
 * into a marked chunk (CPU, DMA, debugger) bumps the version.  The CPU
 * calls phys_code_mark() when it caches instructions and
 * phys_code_write() on writes to pages that hold code; phys_dma_write()
 * and phys_write() do it themselves. */
static inline int phys_code_trackable(const PhysMem *pm, uint64_t pa);
uint32_t phys_code_version(const PhysMem *pm, uint64_t pa);
/* Marks [pa, pa+len) (within one page) as holding cached code.  Returns 1
 * if the page held no code before (the CPU then stops fast-path writes to
 * it). */
int phys_code_mark(PhysMem *pm, uint64_t pa, unsigned len);
/* Nonzero if the page holding pa has cached code. */
int phys_code_page(const PhysMem *pm, uint64_t pa);
/* A write of len bytes at pa (within one page) happened or is about to. */
void phys_code_write(PhysMem *pm, uint64_t pa, unsigned len);

void phys_set_a20(PhysMem *pm, int enabled);
int phys_get_a20(const PhysMem *pm);
uint64_t phys_ram_size(const PhysMem *pm);
/* RAM below 4 GiB (from address 0, hole included) and above 4 GiB. */
uint64_t phys_ram_below_4g(const PhysMem *pm);
uint64_t phys_ram_above_4g(const PhysMem *pm);

/* The fast path the CPU inlines: RAM below lo_end and in [hi_start, hi_end)
 * is one contiguous host allocation `ram` indexed by physical address;
 * RAM above 4 GiB, [top_start, top_end), follows it in the same allocation
 * at ram + top_host. */
#define PHYS_A20_ON (~0ull)
#define PHYS_A20_OFF (~0x100000ull)
struct PhysMemFast {
    uint8_t *ram;
    uint64_t lo_end;   /* RAM is [0, lo_end) */
    uint64_t hi_start; /* and [hi_start, hi_end) */
    uint64_t hi_end;
    uint64_t top_start, top_end; /* and [top_start, top_end): above 4 GiB */
    uint64_t top_host;           /* host offset of top_start */
    uint64_t a20_mask; /* PHYS_A20_ON or PHYS_A20_OFF */
    uint64_t code_limit; /* pages below this are tracked for SMC */
    const uint32_t *code_ver; /* per-page SMC versions (see above) */
};
const struct PhysMemFast *phys_fast(const PhysMem *pm);

static inline int phys_code_trackable(const PhysMem *pm, uint64_t pa)
{
    return pa < phys_fast(pm)->code_limit;
}

/* Returns a host pointer if [addr, addr+size) is plain RAM, else NULL. */
static inline uint8_t *phys_ram_fast(const struct PhysMemFast *f, uint64_t addr,
                                     uint64_t size)
{
    if (addr + size <= f->lo_end ||
        (addr >= f->hi_start && addr + size <= f->hi_end))
        return f->ram + addr;
    if (addr >= f->top_start && addr + size <= f->top_end && addr + size > addr)
        return f->ram + f->top_host + (addr - f->top_start);
    return NULL;
}
#endif
