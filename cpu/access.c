/* Slow paths of guest memory access: paging, page-crossing accesses,
 * ROM/MMIO, data breakpoints.  The fast path is inline in cpu_internal.h.
 * (The software TLB belongs here once the MMU work lands; today every paged
 * access walks the tables.) */
#include "cpu/cpu_internal.h"
#include "memory/paging.h"

/* Translates a linear address or raises #PF. */
static uint64_t translate(CPUState *c, uint32_t lin, int acc)
{
    PagingRegs r;
    PageWalk w;
    unsigned pw = 0;
    uint32_t e;

    if (!(c->cr0 & CR0_PG))
        return lin & c->fast->a20_mask;
    r.cr0 = c->cr0;
    r.cr3 = c->cr3;
    r.cr4 = c->cr4;
    r.efer = 0;
    r.a20_mask = c->fast->a20_mask;
    if ((acc & 3) == ACC_W)
        pw |= PW_WRITE;
    if ((acc & 3) == ACC_X)
        pw |= PW_FETCH;
    if (c->cpl == 3 && !(acc & ACC_SYS))
        pw |= PW_USER;
    e = paging_walk(c->mem, &r, lin, pw, &w);
    if (e) {
        c->cr2 = lin;
        cpu_raise(c, EX_PF, e & ~PW_FAULT);
    }
    return w.phys & c->fast->a20_mask;
}

/* Data breakpoints (DR0-3 with R/W = 01 write or 11 read/write): matched
 * after the access, reported as a trap after the instruction. */
void dr_check_data(CPUState *c, uint32_t lin, unsigned size, int write)
{
    uint32_t dr7 = c->dr[7];
    int n;
    for (n = 0; n < 4; n++) {
        unsigned rw = (dr7 >> (16 + n * 4)) & 3;
        unsigned len = ((dr7 >> (18 + n * 4)) & 3) + 1;
        uint32_t a;
        if (!((dr7 >> (n * 2)) & 3))
            continue;
        if (rw == 0 || rw == 2)
            continue;
        if (rw == 1 && !write)
            continue;
        if (len == 3)
            len = 4;
        a = c->dr[n] & ~(len - 1);
        if (lin <= a + len - 1 && a <= lin + size - 1)
            c->dr6_pending |= 1u << n;
    }
}

static uint32_t phys_rd(CPUState *c, uint64_t pa, unsigned size)
{
    uint8_t *p = phys_ram_fast(c->fast, pa, size);
    if (p)
        return ld_le(p, size);
    return (uint32_t)phys_read(c->mem, pa, size);
}
static void phys_wr(CPUState *c, uint64_t pa, uint32_t v, unsigned size)
{
    uint8_t *p = phys_ram_fast(c->fast, pa, size);
    if (p)
        st_le(p, v, size);
    else
        phys_write(c->mem, pa, v, size);
}

/* #AC: a misaligned data access at CPL 3 with CR0.AM and EFLAGS.AC set.
 * Implicit supervisor accesses (descriptor tables, TSS) are exempt. */
static void ac_check(CPUState *c, uint32_t lin, unsigned size, int acc)
{
    if (c->ac_on && !(acc & ACC_SYS) && (acc & 3) != ACC_X &&
        (lin & (size - 1)))
        cpu_raise(c, EX_AC, 0);
}

uint32_t lin_read_slow(CPUState *c, uint32_t lin, unsigned size, int acc)
{
    uint32_t v;
    ac_check(c, lin, size, acc);
    if ((c->dr[7] & 0xFF) && (acc & 3) != ACC_X)
        dr_check_data(c, lin, size, 0);
    if (c->watch_hook && (acc & 3) != ACC_X &&
        c->watch_hook(c->watch_opaque, lin, size, 0))
        c->dbg_stop = CPU_STOP_WATCH;
    if (!(c->cr0 & CR0_PG)) {
        uint32_t m = c->fast->a20_mask;
        if (((lin + size - 1) & m) == ((lin & m) + size - 1))
            return phys_rd(c, lin & m, size);
        v = 0;
        for (unsigned k = 0; k < size; k++)
            v |= phys_rd(c, (lin + k) & m, 1) << (8 * k);
        return v;
    }
    if ((lin & 0xFFF) + size <= 0x1000)
        return phys_rd(c, translate(c, lin, acc), size);
    {
        /* Crosses a page: translate both pages before reading. */
        unsigned first = 0x1000 - (lin & 0xFFF), k;
        uint64_t p0 = translate(c, lin, acc);
        uint64_t p1 = translate(c, lin + first, acc);
        v = 0;
        for (k = 0; k < size; k++)
            v |= phys_rd(c, k < first ? p0 + k : p1 + (k - first), 1) << (8 * k);
        return v;
    }
}

void lin_write_slow(CPUState *c, uint32_t lin, uint32_t v, unsigned size,
                    int acc)
{
    ac_check(c, lin, size, acc);
    if (c->dr[7] & 0xFF)
        dr_check_data(c, lin, size, 1);
    if (c->watch_hook && c->watch_hook(c->watch_opaque, lin, size, 1))
        c->dbg_stop = CPU_STOP_WATCH;
    if (!(c->cr0 & CR0_PG)) {
        uint32_t m = c->fast->a20_mask;
        if (((lin + size - 1) & m) == ((lin & m) + size - 1)) {
            phys_wr(c, lin & m, v, size);
            return;
        }
        for (unsigned k = 0; k < size; k++)
            phys_wr(c, (lin + k) & m, (v >> (8 * k)) & 0xFF, 1);
        return;
    }
    if ((lin & 0xFFF) + size <= 0x1000) {
        phys_wr(c, translate(c, lin, acc), v, size);
        return;
    }
    {
        unsigned first = 0x1000 - (lin & 0xFFF), k;
        uint64_t p0 = translate(c, lin, acc);
        uint64_t p1 = translate(c, lin + first, acc);
        for (k = 0; k < size; k++)
            phys_wr(c, k < first ? p0 + k : p1 + (k - first),
                    (v >> (8 * k)) & 0xFF, 1);
    }
}

void lin_probe_write(CPUState *c, uint32_t lin, unsigned size)
{
    if (!(c->cr0 & CR0_PG))
        return;
    translate(c, lin, ACC_W);
    if ((lin & 0xFFF) + size > 0x1000)
        translate(c, lin + size - 1, ACC_W);
}

int cpu_read_linear(CPUState *c, uint32_t lin, void *buf, uint32_t len)
{
    uint8_t *b = buf;
    PagingRegs r = {c->cr0, c->cr3, c->cr4, 0, c->fast->a20_mask};
    for (uint32_t k = 0; k < len; k++) {
        uint64_t pa = (lin + k) & c->fast->a20_mask;
        if (c->cr0 & CR0_PG) {
            PageWalk w;
            if (paging_walk(c->mem, &r, lin + k, 0, &w))
                return -1;
            pa = w.phys;
        }
        b[k] = (uint8_t)phys_rd(c, pa, 1);
    }
    return 0;
}

int cpu_write_linear(CPUState *c, uint32_t lin, const void *buf, uint32_t len)
{
    const uint8_t *b = buf;
    PagingRegs r = {c->cr0, c->cr3, c->cr4, 0, c->fast->a20_mask};
    for (uint32_t k = 0; k < len; k++) {
        uint64_t pa = (lin + k) & c->fast->a20_mask;
        if (c->cr0 & CR0_PG) {
            PageWalk w;
            if (paging_walk(c->mem, &r, lin + k, 0, &w))
                return -1;
            pa = w.phys;
        }
        phys_wr(c, pa, b[k], 1);
    }
    return 0;
}
