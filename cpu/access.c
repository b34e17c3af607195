/* Slow paths of guest memory access and the software TLB (see
 * cpu_internal.h): page walks, TLB fills and flushes, page-crossing
 * accesses, ROM/MMIO, data breakpoints, #AC and writes to pages that hold
 * cached code.  The fast path is inline in cpu_internal.h. */
#include "cpu/cpu_internal.h"
#include "memory/paging.h"

/* ---- TLB ---------------------------------------------------------------- */

/* The fast-path tags of an entry (same set and index). */
static TLBFast *fast_of(CPUState *c, const TLBEntry *e)
{
    return &c->tlbf[0][0] + (e - &c->tlb[0][0]);
}

static void entry_clear(CPUState *c, TLBEntry *e)
{
    TLBFast *f = fast_of(c, e);
    f->tag_r = f->tag_w = TLB_INVALID;
    f->host = NULL;
    e->tag_x = TLB_INVALID;
    e->lpage = TLB_INVALID;
    e->perm = 0;
    e->global = 0;
    e->host_r = e->host_w = NULL;
}

void tlb_flush_all(CPUState *c)
{
    for (unsigned s = 0; s < 2; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            entry_clear(c, &c->tlb[s][k]);
    c->tlb_large = 0;
    c->stats.tlb_flushes++;
}

void tlb_flush_nonglobal(CPUState *c)
{
    if (!(c->cr4 & CR4_PGE)) {
        tlb_flush_all(c);
        return;
    }
    for (unsigned s = 0; s < 2; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (!c->tlb[s][k].global)
                entry_clear(c, &c->tlb[s][k]);
    c->stats.tlb_flushes++;
}

void tlb_flush_page(CPUState *c, uint32_t lin)
{
    /* Entries are 4 KiB pieces; a large page may be spread over many
     * slots, so INVLPG inside one drops everything (global too, as INVLPG
     * does). */
    if (c->tlb_large) {
        tlb_flush_all(c);
        return;
    }
    for (unsigned s = 0; s < 2; s++) {
        TLBEntry *e = &c->tlb[s][(lin >> 12) & TLB_MASK];
        if (e->lpage == (lin & ~0xFFFu))
            entry_clear(c, e);
    }
    c->stats.tlb_invlpg++;
}

void tlb_check_mode(CPUState *c)
{
    uint32_t cr0 = c->cr0 & (CR0_PG | CR0_WP);
    uint32_t cr4 = c->cr4 & (CR4_PGE | CR4_PAE | CR4_PSE);
    if (cr0 != c->tlb_cr0 || cr4 != c->tlb_cr4) {
        c->tlb_cr0 = cr0;
        c->tlb_cr4 = cr4;
        tlb_flush_all(c);
    }
}

void tlb_code_page(CPUState *c, uint64_t ppage)
{
    for (unsigned s = 0; s < 2; s++)
        for (unsigned k = 0; k < TLB_SIZE; k++)
            if (c->tlb[s][k].ppage == ppage)
                c->tlbf[s][k].tag_w = TLB_INVALID;
}

static void set_tags(CPUState *c, TLBEntry *e)
{
    TLBFast *f = fast_of(c, e);
    f->host = e->host_r ? e->host_r : e->host_w;
    f->tag_r = (e->perm & TLBP_R) && e->host_r ? e->lpage : TLB_INVALID;
    e->tag_x = (e->perm & TLBP_X) && e->host_r ? e->lpage : TLB_INVALID;
    f->tag_w = (e->perm & TLBP_W) && e->host_w && e->host_w == f->host &&
                       !phys_code_page(c->mem, e->ppage)
                   ? e->lpage
                   : TLB_INVALID;
}

TLBEntry *tlb_lookup(CPUState *c, uint32_t lin, int acc)
{
    int kind = acc & 3;
    int set = c->cpl == 3 && !(acc & ACC_SYS);
    TLBEntry *e = &c->tlb[set][(lin >> 12) & TLB_MASK];
    uint32_t lp = lin & ~0xFFFu;
    unsigned need = kind == ACC_W ? TLBP_W : kind == ACC_X ? TLBP_X : TLBP_R;
    unsigned grant;
    uint64_t pa;
    int global = 0;

    if (e->lpage == lp && (e->perm & need))
        return e;
    c->stats.tlb_misses++;
    if (!(c->cr0 & CR0_PG)) {
        pa = lp & c->fast->a20_mask;
        grant = TLBP_R | TLBP_W | TLBP_X;
    } else {
        PagingRegs r;
        PageWalk w;
        unsigned pw = 0;
        uint32_t err;
        r.cr0 = c->cr0;
        r.cr3 = c->cr3;
        r.cr4 = c->cr4;
        r.efer = c->efer;
        r.a20_mask = c->fast->a20_mask;
        if (kind == ACC_W)
            pw |= PW_WRITE;
        if (kind == ACC_X)
            pw |= PW_FETCH;
        if (set)
            pw |= PW_USER;
        err = paging_walk(c->mem, &r, lin, pw, &w);
        if (err) {
            c->cr2 = lin;
            cpu_raise(c, EX_PF, err & ~PW_FAULT);
        }
        pa = (w.phys & ~0xFFFull) & c->fast->a20_mask;
        /* A successful walk of one kind also proves a read (present and
         * U/S allowed); writes set D, so only a write walk grants W. */
        grant = TLBP_R | need;
        global = w.global && (c->cr4 & CR4_PGE);
        if (w.page_size > 0x1000)
            c->tlb_large = 1;
    }
    if (e->lpage != lp || e->ppage != pa) {
        entry_clear(c, e);
        e->lpage = lp;
        e->ppage = pa;
        phys_page_map(c->mem, pa, &e->host_r, &e->host_w);
    }
    e->perm |= (uint8_t)grant;
    e->global = (uint8_t)global;
    set_tags(c, e);
    return e;
}

static uint64_t translate(CPUState *c, uint32_t lin, int acc)
{
    TLBEntry *e = tlb_lookup(c, lin, acc);
    return e->ppage | (lin & 0xFFFu);
}

int cpu_tlb_probe(const CPUState *c, uint32_t lin, int user, uint64_t *phys,
                  unsigned *perm)
{
    const TLBEntry *e = &c->tlb[user ? 1 : 0][(lin >> 12) & TLB_MASK];
    if (e->lpage != (lin & ~0xFFFu) || !e->perm)
        return -1;
    *phys = e->ppage | (lin & 0xFFFu);
    *perm = e->perm;
    return 0;
}

void cpu_get_stats(const CPUState *c, CPUStats *out) { *out = c->stats; }

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
    if (p) {
        if (phys_code_page(c->mem, pa)) {
            phys_code_write(c->mem, pa, size);
            c->stats.icache_smc++;
        }
        st_le(p, v, size);
    } else {
        phys_write(c->mem, pa, v, size); /* does its own SMC check */
    }
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
    if ((lin & 0xFFF) + size <= 0x1000) {
        TLBEntry *e = tlb_lookup(c, lin, acc);
        if (e->host_r)
            return ld_le(e->host_r + (lin & 0xFFFu), size);
        return (uint32_t)phys_read(c->mem, e->ppage | (lin & 0xFFFu), size);
    }
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
    if ((lin & 0xFFF) + size <= 0x1000) {
        TLBEntry *e = tlb_lookup(c, lin, acc);
        uint64_t pa = e->ppage | (lin & 0xFFFu);
        if (e->host_w) {
            if (phys_code_page(c->mem, pa)) {
                phys_code_write(c->mem, pa, size);
                c->stats.icache_smc++;
            }
            st_le(e->host_w + (lin & 0xFFFu), v, size);
        } else {
            phys_write(c->mem, pa, v, size);
        }
        return;
    }
    {
        /* Both pages are validated before any byte is written, so a fault
         * on the second leaves memory untouched. */
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
    translate(c, lin, ACC_W);
    if ((lin & 0xFFF) + size > 0x1000)
        translate(c, lin + size - 1, ACC_W);
}

int cpu_read_linear(CPUState *c, uint32_t lin, void *buf, uint32_t len)
{
    uint8_t *b = buf;
    PagingRegs r = {c->cr0, c->cr3, c->cr4, c->efer, c->fast->a20_mask};
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
    PagingRegs r = {c->cr0, c->cr3, c->cr4, c->efer, c->fast->a20_mask};
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
