/* Segmentation: descriptor tables, segment-register loads and their
 * protection checks (SDM Vol. 3 chapter 3 and §5.1-5.8).
 *
 * Descriptor layout (two dwords, lo and hi):
 *
 *   hi: 31..24 base 31..24 | G D/B L AVL | limit 19..16 | P DPL(2) S type(4) | base 23..16
 *   lo: 31..16 base 15..0  | 15..0 limit 15..0
 *
 * The cache keeps bits 40..55 of the descriptor as `ar` (SegCache).
 */
#include "cpu/cpu_internal.h"

uint32_t desc_base(uint32_t lo, uint32_t hi)
{
    return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
}

uint32_t desc_limit(uint32_t lo, uint32_t hi)
{
    uint32_t l = (lo & 0xFFFF) | (hi & 0xF0000);
    if (hi & 0x800000) /* G: 4 KiB granularity */
        l = (l << 12) | 0xFFF;
    return l;
}

void seg_set_cache(CPUState *c, int s, uint16_t sel, uint32_t base,
                   uint32_t limit, uint16_t ar)
{
    SegCache *sc = &c->seg[s];
    sc->sel = sel;
    sc->base = base;
    sc->limit = limit;
    sc->ar = ar;
    sc->lo = 0;
    sc->hi = limit;
    sc->rd = sc->wr = 0;
    if ((ar & AR_P) && (ar & AR_S)) {
        if (ar & AR_CODE) {
            sc->rd = (ar & AR_RW) != 0;
        } else {
            sc->rd = 1;
            sc->wr = (ar & AR_RW) != 0;
            if (ar & AR_EXPDN) {
                sc->lo = limit + 1;
                sc->hi = (ar & AR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
                if (sc->lo == 0) /* limit = 4 GiB - 1: nothing is valid */
                    sc->lo = 0xFFFFFFFFu, sc->hi = 0, sc->rd = sc->wr = 0;
            }
        }
    }
    /* hi - lo is negative when nothing is valid (16-bit expand-down
     * segment with a limit of 64 KiB or more) */
    sc->lim_r = sc->rd ? (int64_t)sc->hi - (int64_t)sc->lo : -1;
    sc->lim_w = sc->wr ? (int64_t)sc->hi - (int64_t)sc->lo : -1;
}

/* Real mode and virtual-8086 mode: base = selector * 16.  Real mode keeps
 * the cached limit (so "unreal mode" works, as on hardware); V86 mode
 * forces a 64 KiB limit and DPL 3 (SDM Vol. 3 §20.1). */
void seg_load_real(CPUState *c, int s, uint16_t sel)
{
    SegCache *sc = &c->seg[s];
    if (c->eflags & F_VM)
        seg_set_cache(c, s, sel, (uint32_t)sel << 4, 0xFFFF, 0xF3);
    else
        seg_set_cache(c, s, sel, (uint32_t)sel << 4, sc->limit,
                      (sc->ar & (AR_G | AR_DB | AR_AVL)) | 0x93);
    if (s == S_SS || s == S_CS)
        cpu_update_mode(c);
}

int desc_read(CPUState *c, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    uint32_t base, limit, idx = sel & 0xFFF8u;
    if (sel & 4) {
        const SegCache *ldt = &c->seg[S_LDTR];
        if ((ldt->sel & 0xFFFC) == 0 || !(ldt->ar & AR_P))
            return -1;
        base = ldt->base;
        limit = ldt->limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    if (idx + 7 > limit)
        return -1;
    *lo = sys_read(c, base + idx, 4);
    *hi = sys_read(c, base + idx + 4, 4);
    return 0;
}

void desc_write_hi(CPUState *c, uint16_t sel, uint32_t hi)
{
    uint32_t base = (sel & 4) ? c->seg[S_LDTR].base : c->gdtr.base;
    sys_write(c, base + (sel & 0xFFF8u) + 4, hi, 4);
}

static void set_accessed(CPUState *c, uint16_t sel, uint32_t *hi)
{
    if (!(*hi & 0x100)) {
        *hi |= 0x100;
        desc_write_hi(c, sel, *hi);
    }
}

void seg_load_desc(CPUState *c, int s, uint16_t sel, uint32_t lo, uint32_t hi)
{
    seg_set_cache(c, s, sel, desc_base(lo, hi), desc_limit(lo, hi),
                  desc_ar(hi));
}

void seg_load_cs(CPUState *c, uint16_t sel, uint32_t lo, uint32_t hi, int cpl)
{
    set_accessed(c, sel, &hi);
    seg_load_desc(c, S_CS, (uint16_t)((sel & 0xFFFC) | cpl), lo, hi);
    c->cpl = (uint8_t)cpl;
    cpu_update_mode(c);
}

/* MOV Sreg, POP Sreg, LDS & co. in protected mode (SDM Vol. 2 "MOV"). */
void seg_load(CPUState *c, int s, uint16_t sel)
{
    uint32_t lo, hi;
    unsigned dpl, rpl = sel & 3;
    uint16_t ar;

    if (!c->pm) {
        seg_load_real(c, s, sel);
        return;
    }
    if ((sel & 0xFFFC) == 0) {
        if (s == S_SS)
            EXC_GP(c, 0);
        seg_set_cache(c, s, sel, 0, 0, 0); /* null: any access faults */
        return;
    }
    if (desc_read(c, sel, &lo, &hi))
        EXC_GP(c, sel & 0xFFFC);
    ar = desc_ar(hi);
    dpl = AR_DPL_OF(ar);
    if (s == S_SS) {
        if (rpl != c->cpl || !(ar & AR_S) || (ar & AR_CODE) ||
            !(ar & AR_RW) || dpl != c->cpl)
            EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_SS, sel & 0xFFFC);
    } else {
        if (!(ar & AR_S) || ((ar & AR_CODE) && !(ar & AR_RW)))
            EXC_GP(c, sel & 0xFFFC);
        /* data and non-conforming code: DPL >= max(CPL, RPL) */
        if (!((ar & AR_CODE) && (ar & AR_CONF)))
            if (dpl < c->cpl || dpl < rpl)
                EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
    }
    set_accessed(c, sel, &hi);
    seg_load_desc(c, s, sel, lo, hi);
    if (s == S_SS)
        cpu_update_mode(c);
}

/* After a return to an outer level: data segment registers whose DPL is
 * below the new CPL are nulled (SDM Vol. 2 "RET", "IRET"). */
void seg_validate_after_ret(CPUState *c)
{
    static const int segs[4] = {S_ES, S_DS, S_FS, S_GS};
    for (int k = 0; k < 4; k++) {
        SegCache *sc = &c->seg[segs[k]];
        uint16_t ar = sc->ar;
        if ((sc->sel & 0xFFFC) == 0 && !(ar & AR_P))
            continue;
        if (!(ar & AR_S) || !((ar & AR_CODE) && (ar & AR_CONF)))
            if (AR_DPL_OF(ar) < c->cpl)
                seg_set_cache(c, segs[k], 0, 0, 0, 0);
    }
}

void set_cpl(CPUState *c, int cpl)
{
    c->cpl = (uint8_t)cpl;
    cpu_update_mode(c);
}

/* A segment limit or rights violation: #SS(0) for SS, #GP(0) otherwise. */
void seg_fault(CPUState *c, int s)
{
    if (s == S_SS && !(c->model286 && !c->pm))
        cpu_raise(c, EX_SS, 0);
    cpu_raise(c, EX_GP, 0);
}
