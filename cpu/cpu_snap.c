/* CPU state save/restore for machine snapshots (see cpu_save in cpu.h).
 *
 * The record is a fixed sequence of little-endian fields (no padding, no
 * host layout): everything architectural plus the bookkeeping that
 * decides how execution continues (interrupt shadow, pending NMI, HLT or
 * shutdown, the retired-instruction count the virtual clock runs on).
 * Derived state (mode bits, TLB, decoded-instruction caches) is rebuilt
 * on load.  A load is untrusted input: it is decoded and checked into a
 * scratch copy first and the CPU is changed only if every check passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu_internal.h"

#define CPU_SNAP_MAGIC 0x55504358u /* "XCPU" */
#define CPU_SNAP_VERSION 1u

typedef struct Out {
    uint8_t *buf;
    size_t cap, len; /* len counts even what did not fit */
} Out;

static void put(Out *o, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, o->len++)
        if (o->len < o->cap)
            o->buf[o->len] = (uint8_t)(v >> (8 * i));
}
#define P8(o, v) put((o), (v), 1)
#define P16(o, v) put((o), (v), 2)
#define P32(o, v) put((o), (v), 4)
#define P64(o, v) put((o), (v), 8)

typedef struct In {
    const uint8_t *buf;
    size_t len, pos;
    int err;
} In;

static uint64_t get(In *in, unsigned n)
{
    uint64_t v = 0;
    if (in->err || n > in->len - in->pos) {
        in->err = 1;
        return 0;
    }
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)in->buf[in->pos + i] << (8 * i);
    in->pos += n;
    return v;
}
#define G8(in) ((uint8_t)get((in), 1))
#define G16(in) ((uint16_t)get((in), 2))
#define G32(in) ((uint32_t)get((in), 4))
#define G64(in) get((in), 8)

static void put_seg(Out *o, const SegCache *s)
{
    P16(o, s->sel);
    P32(o, s->base);
    P32(o, s->limit);
    P32(o, s->lo);
    P32(o, s->hi);
    P16(o, s->ar);
    P8(o, s->rd);
    P8(o, s->wr);
}

static void get_seg(In *in, SegCache *s)
{
    s->sel = G16(in);
    s->base = G32(in);
    s->limit = G32(in);
    s->lo = G32(in);
    s->hi = G32(in);
    s->ar = G16(in);
    s->rd = G8(in);
    s->wr = G8(in);
    /* derived: the one-compare limit checks (see seg_set_cache) */
    s->lim_r = s->rd ? (int64_t)s->hi - (int64_t)s->lo : -1;
    s->lim_w = s->wr ? (int64_t)s->hi - (int64_t)s->lo : -1;
}

size_t cpu_save(const CPUState *c, uint8_t *buf, size_t cap)
{
    Out o = {buf, buf ? cap : 0, 0};
    P32(&o, CPU_SNAP_MAGIC);
    P32(&o, CPU_SNAP_VERSION);
    for (int r = 0; r < 8; r++)
        P32(&o, c->regs[r]);
    P32(&o, c->eip);
    /* EFLAGS with the lazily computed arithmetic flags materialised. */
    uint32_t fl = c->eflags;
    if (c->cc_op != CC_EFLAGS)
        fl = (fl & ~F_ARITH) | flags_arith(c);
    P32(&o, fl);
    P8(&o, c->cpl);
    P8(&o, c->model286);
    for (int s = 0; s < S_NSEG; s++)
        put_seg(&o, &c->seg[s]);
    P32(&o, c->gdtr.base);
    P16(&o, c->gdtr.limit);
    P32(&o, c->idtr.base);
    P16(&o, c->idtr.limit);
    P32(&o, c->cr0);
    P32(&o, c->cr2);
    P32(&o, c->cr3);
    P32(&o, c->cr4);
    for (int i = 0; i < 8; i++)
        P32(&o, c->dr[i]);
    /* MSRs */
    P64(&o, c->tsc);
    P32(&o, c->sysenter_cs);
    P32(&o, c->sysenter_esp);
    P32(&o, c->sysenter_eip);
    P64(&o, c->apic_base);
    P64(&o, c->efer);
    P64(&o, c->misc_enable);
    P64(&o, c->rng);
    for (int i = 0; i < 2; i++) {
        P64(&o, c->perf_ctr[i]);
        P32(&o, c->perf_sel[i]);
    }
    for (int i = 0; i < 32; i++)
        P64(&o, c->mtrr[i]);
    /* x87 / MMX / SSE */
    const FPUState *f = &c->fpu;
    for (int i = 0; i < 8; i++) {
        P64(&o, f->r[i].m);
        P16(&o, f->r[i].se);
    }
    P16(&o, f->cw);
    P16(&o, f->sw);
    P16(&o, f->tw);
    P16(&o, f->fop);
    P32(&o, f->fip);
    P32(&o, f->fdp);
    P16(&o, f->fcs);
    P16(&o, f->fds);
    for (int i = 0; i < 8; i++) {
        P64(&o, f->xmm[i][0]);
        P64(&o, f->xmm[i][1]);
    }
    P32(&o, f->mxcsr);
    P8(&o, f->ne);
    P8(&o, f->ferr_on);
    /* execution state */
    P32(&o, c->prev_eip);
    P32(&o, c->prev_esp);
    P64(&o, c->icount);
    P8(&o, (uint8_t)c->inhibit_irq);
    P8(&o, (uint8_t)c->halted);
    P8(&o, (uint8_t)c->intr_line);
    P8(&o, (uint8_t)c->nmi_pending);
    P8(&o, (uint8_t)c->nmi_blocked);
    P8(&o, (uint8_t)c->tf_trap);
    P32(&o, c->dr6_pending);
    return o.len;
}

/* Control-register bits the model lets software set. */
#define CR0_VALID (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE |     \
                   CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
#define CR4_VALID (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | \
                   CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT)

int cpu_load(CPUState *c, const uint8_t *buf, size_t len, char *err,
             size_t errlen)
{
    In in = {buf, len, 0, 0};
    const char *why = NULL;
    /* Decode into a scratch copy of the variable part. */
    CPUState *t = malloc(sizeof(*t));
    if (!t) {
        if (errlen)
            snprintf(err, errlen, "CPU state: out of memory");
        return -1;
    }
    memcpy(t, c, sizeof(*t));
    if (G32(&in) != CPU_SNAP_MAGIC) {
        why = "bad CPU record tag";
        goto bad;
    }
    uint32_t ver = G32(&in);
    if (!in.err && ver != CPU_SNAP_VERSION) {
        why = "unsupported CPU record version";
        goto bad;
    }
    for (int r = 0; r < 8; r++)
        t->regs[r] = G32(&in);
    t->eip = G32(&in);
    t->eflags = G32(&in);
    t->cc_op = CC_EFLAGS;
    t->cc_res = t->cc_src1 = t->cc_src2 = t->cc_cin = 0;
    t->cpl = G8(&in);
    t->model286 = G8(&in);
    for (int s = 0; s < S_NSEG; s++)
        get_seg(&in, &t->seg[s]);
    t->gdtr.base = G32(&in);
    t->gdtr.limit = G16(&in);
    t->idtr.base = G32(&in);
    t->idtr.limit = G16(&in);
    t->cr0 = G32(&in);
    t->cr2 = G32(&in);
    t->cr3 = G32(&in);
    t->cr4 = G32(&in);
    for (int i = 0; i < 8; i++)
        t->dr[i] = G32(&in);
    t->tsc = G64(&in);
    t->sysenter_cs = G32(&in);
    t->sysenter_esp = G32(&in);
    t->sysenter_eip = G32(&in);
    t->apic_base = G64(&in);
    t->efer = G64(&in);
    t->misc_enable = G64(&in);
    t->rng = G64(&in);
    for (int i = 0; i < 2; i++) {
        t->perf_ctr[i] = G64(&in);
        t->perf_sel[i] = G32(&in);
    }
    for (int i = 0; i < 32; i++)
        t->mtrr[i] = G64(&in);
    FPUState *f = &t->fpu;
    for (int i = 0; i < 8; i++) {
        f->r[i].m = G64(&in);
        f->r[i].se = G16(&in);
    }
    f->cw = G16(&in);
    f->sw = G16(&in);
    f->tw = G16(&in);
    f->fop = G16(&in);
    f->fip = G32(&in);
    f->fdp = G32(&in);
    f->fcs = G16(&in);
    f->fds = G16(&in);
    for (int i = 0; i < 8; i++) {
        f->xmm[i][0] = G64(&in);
        f->xmm[i][1] = G64(&in);
    }
    f->mxcsr = G32(&in);
    f->ne = G8(&in);
    f->ferr_on = G8(&in);
    t->prev_eip = G32(&in);
    t->prev_esp = G32(&in);
    t->icount = G64(&in);
    t->inhibit_irq = G8(&in);
    t->halted = G8(&in);
    t->intr_line = G8(&in);
    t->nmi_pending = G8(&in);
    t->nmi_blocked = G8(&in);
    t->tf_trap = G8(&in);
    t->dr6_pending = G32(&in);
    if (in.err) {
        why = "CPU record truncated";
        goto bad;
    }
    if (in.pos != in.len) {
        why = "CPU record has trailing data";
        goto bad;
    }
    /* Values the CPU could never have produced. */
    if ((t->eflags & 2u) == 0 || (t->eflags & ~(F_MASK_ALL | 2u)) != 0)
        why = "EFLAGS has reserved bits";
    else if (t->cpl > 3 || t->model286 > 1)
        why = "CPL or CPU model out of range";
    else if ((t->cr0 & ~CR0_VALID) || (t->cr4 & ~CR4_VALID) ||
             (!(t->cr0 & CR0_PE) && (t->cr0 & CR0_PG)) ||
             (!(t->cr0 & CR0_PE) && t->cpl != 0))
        why = "control registers inconsistent";
    else if ((t->eflags & F_VM) && t->cpl != 3)
        why = "V86 mode with CPL != 3";
    else if (f->mxcsr & ~0xFFFFu)
        why = "MXCSR has reserved bits";
    else if (f->fop > 0x7FF || f->ne > 1 || f->ferr_on > 1)
        why = "x87 state out of range";
    else if (t->inhibit_irq > 1 || t->halted > 2 || t->intr_line > 1 ||
             t->nmi_pending > 1 || t->nmi_blocked > 1 || t->tf_trap > 1)
        why = "execution state out of range";
    else if ((t->efer & ~(uint64_t)EFER_NXE_BIT) ||
             (t->perf_ctr[0] >> 40) || (t->perf_ctr[1] >> 40))
        why = "MSR value out of range";
    for (int s = 0; s < S_NSEG && !why; s++)
        if (t->seg[s].rd > 1 || t->seg[s].wr > 1)
            why = "segment cache out of range";
    if (why)
        goto bad;

    /* Commit: copy the loaded fields, keep the host attachments, hooks,
     * caches and statistics of c. */
    memcpy(c->regs, t->regs, sizeof(c->regs));
    c->eip = t->eip;
    c->eflags = t->eflags;
    c->cc_op = CC_EFLAGS;
    c->cc_res = c->cc_src1 = c->cc_src2 = c->cc_cin = 0;
    c->cpl = t->cpl;
    c->model286 = t->model286;
    memcpy(c->seg, t->seg, sizeof(c->seg));
    c->gdtr = t->gdtr;
    c->idtr = t->idtr;
    c->cr0 = t->cr0;
    c->cr2 = t->cr2;
    c->cr3 = t->cr3;
    c->cr4 = t->cr4;
    memcpy(c->dr, t->dr, sizeof(c->dr));
    c->tsc = t->tsc;
    c->sysenter_cs = t->sysenter_cs;
    c->sysenter_esp = t->sysenter_esp;
    c->sysenter_eip = t->sysenter_eip;
    c->apic_base = t->apic_base;
    c->efer = t->efer;
    c->misc_enable = t->misc_enable;
    c->rng = t->rng;
    memcpy(c->perf_ctr, t->perf_ctr, sizeof(c->perf_ctr));
    memcpy(c->perf_sel, t->perf_sel, sizeof(c->perf_sel));
    memcpy(c->mtrr, t->mtrr, sizeof(c->mtrr));
    {
        void (*h)(void *, int) = c->fpu.ferr;
        void *ho = c->fpu.ferr_opaque;
        c->fpu = t->fpu;
        /* FERR# is a wire: the board restores what it drives. */
        c->fpu.ferr = h;
        c->fpu.ferr_opaque = ho;
    }
    c->prev_eip = t->prev_eip;
    c->prev_esp = t->prev_esp;
    c->icount = t->icount;
    c->inhibit_irq = t->inhibit_irq;
    c->halted = t->halted;
    c->intr_line = t->intr_line;
    c->nmi_pending = t->nmi_pending;
    c->nmi_blocked = t->nmi_blocked;
    c->tf_trap = t->tf_trap;
    c->dr6_pending = t->dr6_pending;
    c->stop_req = 0;
    c->dbg_stop = 0;
    c->exc_depth = 0;
    c->triple = 0;
    free(t);
    /* Derived state: mode bits, then every cached translation and decoded
     * instruction (the memory behind them is being replaced). */
    cpu_update_mode(c);
    tlb_flush_all(c);
    icache_flush(c);
    return 0;
bad:
    free(t);
    if (errlen)
        snprintf(err, errlen, "%s", why ? why : "bad CPU record");
    return -1;
}

void cpu_flush_caches(CPUState *c)
{
    tlb_flush_all(c);
    icache_flush(c);
}
