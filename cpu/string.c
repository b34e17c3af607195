/* String instructions MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
 *
 * A REP instruction runs in batches: after each element the registers are
 * committed, so a fault leaves ECX/ESI/EDI describing the remaining work
 * and EIP at the instruction (restartable, SDM Vol. 1 §7.3.9.2).  When the
 * batch ends with work left, or an interrupt is pending, or TF is set, EIP
 * is moved back to the instruction so that it resumes after the event. */
#include "cpu/handlers.h"

#define REP_BATCH 1024

static inline uint32_t amask(const Insn *i) { return i->asz ? 0xFFFFFFFFu : 0xFFFFu; }
static inline uint32_t get_idx(CPUState *c, const Insn *i, int r)
{
    return c->regs[r] & amask(i);
}
static inline void add_idx(CPUState *c, const Insn *i, int r, int32_t d)
{
    if (i->asz)
        c->regs[r] += (uint32_t)d;
    else
        c->regs[r] = (c->regs[r] & 0xFFFF0000u) | ((c->regs[r] + (uint32_t)d) & 0xFFFF);
}
static inline int32_t step(CPUState *c, unsigned size)
{
    return (c->eflags & F_DF) ? -(int32_t)size : (int32_t)size;
}

/* Returns how many elements to do in this batch (0 = none at all). */
static uint32_t rep_count(CPUState *c, const Insn *i)
{
    uint32_t n;
    if (!i->rep)
        return 1;
    n = c->regs[R_ECX] & amask(i);
    if (n == 0)
        return 0;
    if (c->eflags & F_TF)
        return 1;
    return n;
}
static void rep_dec(CPUState *c, const Insn *i)
{
    add_idx(c, i, R_ECX, -1);
}
/* Called after a batch: re-execute if more remains.  RF is set until the
 * next batch starts, so an interrupt or single-step trap taken between
 * iterations pushes RF = 1 and an instruction breakpoint on the REP
 * instruction does not fire again for each batch (SDM Vol. 3 17.3.1.1). */
static void rep_resume(CPUState *c, const Insn *i, int cond_stop)
{
    if (i->rep && !cond_stop && (c->regs[R_ECX] & amask(i)) != 0) {
        c->eip = c->prev_eip;
        c->eflags |= F_RF;
    }
}

typedef void (*ElemFn)(CPUState *c, Insn *i, unsigned size);

/* CPU_MODEL_286: a real-mode segment overrun inside a string element is
 * raised after SI/DI (and CX under REP) have been stepped. */
static void overrun286(CPUState *c, Insn *i, unsigned size, int si_seg,
                       int di, int di_first)
{
    int bad_si = 0, bad_di = 0;
    if (!c->model286 || c->pm || size == 1)
        return;
    if (si_seg >= 0 && get_idx(c, i, R_ESI) + size - 1 > c->seg[si_seg].limit)
        bad_si = 1;
    if (di && get_idx(c, i, R_EDI) + size - 1 > c->seg[S_ES].limit)
        bad_di = 1;
    if (!bad_si && !bad_di)
        return;
    /* The first access that overruns stops the element: MOVS/LODS/OUTS
     * access DS:SI first, CMPS accesses ES:DI first. */
    if (di_first) {
        add_idx(c, i, R_EDI, step(c, size));
        if (!bad_di)
            add_idx(c, i, R_ESI, step(c, size));
    } else {
        if (si_seg >= 0)
            add_idx(c, i, R_ESI, step(c, size));
        if (di && !bad_si)
            add_idx(c, i, R_EDI, step(c, size));
    }
    /* CX under REP, as the 80286 microcode leaves it: CMPS has not
     * counted the element yet, MOVS/LODS/OUTS have counted it once, and
     * STOS/INS/SCAS twice. */
    if (i->rep && !di_first) {
        add_idx(c, i, R_ECX, -1);
        if (si_seg < 0)
            add_idx(c, i, R_ECX, -1);
    }
    EXC_GP(c, 0);
}

static void elem_movs(CPUState *c, Insn *i, unsigned size)
{
    overrun286(c, i, size, i->seg, 1, 0);
    uint32_t v = mem_read(c, i->seg, get_idx(c, i, R_ESI), size);
    mem_write(c, S_ES, get_idx(c, i, R_EDI), v, size);
    add_idx(c, i, R_ESI, step(c, size));
    add_idx(c, i, R_EDI, step(c, size));
}
static void elem_stos(CPUState *c, Insn *i, unsigned size)
{
    overrun286(c, i, size, -1, 1, 0);
    mem_write(c, S_ES, get_idx(c, i, R_EDI), reg_read(c, R_EAX, size), size);
    add_idx(c, i, R_EDI, step(c, size));
}
static void elem_lods(CPUState *c, Insn *i, unsigned size)
{
    overrun286(c, i, size, i->seg, 0, 0);
    uint32_t v = mem_read(c, i->seg, get_idx(c, i, R_ESI), size);
    reg_write(c, R_EAX, v, size);
    add_idx(c, i, R_ESI, step(c, size));
}
static void elem_ins(CPUState *c, Insn *i, unsigned size)
{
    uint16_t port = (uint16_t)c->regs[R_EDX];
    uint32_t di;
    overrun286(c, i, size, -1, 1, 0);
    di = get_idx(c, i, R_EDI);
    uint32_t lin = seg_lin(c, S_ES, di, size, 1);
    uint32_t v;
    if (c->slow_mem)
        lin_probe_write(c, lin, size); /* fault before the port read */
    v = io_in(c, port, size);
    lin_write(c, lin, v, size);
    add_idx(c, i, R_EDI, step(c, size));
}
static void elem_outs(CPUState *c, Insn *i, unsigned size)
{
    overrun286(c, i, size, i->seg, 0, 0);
    uint32_t v = mem_read(c, i->seg, get_idx(c, i, R_ESI), size);
    io_out(c, (uint16_t)c->regs[R_EDX], v, size);
    add_idx(c, i, R_ESI, step(c, size));
}

static void run_simple(CPUState *c, Insn *i, ElemFn fn)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t n = rep_count(c, i), k;
    if (n > REP_BATCH)
        n = REP_BATCH;
    for (k = 0; k < n; k++) {
        fn(c, i, size);
        if (i->rep) {
            rep_dec(c, i);
            if (k + 1 < n && (c->intr_line || c->nmi_pending) && (k & 15) == 15)
                break;
        }
    }
    rep_resume(c, i, 0);
}

HANDLER(op_movs) { run_simple(c, i, elem_movs); }
HANDLER(op_stos) { run_simple(c, i, elem_stos); }
HANDLER(op_lods) { run_simple(c, i, elem_lods); }
HANDLER(op_ins)
{
    io_check(c, (uint16_t)c->regs[R_EDX], (i->op & 1) ? opsize(i) : 1);
    run_simple(c, i, elem_ins);
}
HANDLER(op_outs)
{
    io_check(c, (uint16_t)c->regs[R_EDX], (i->op & 1) ? opsize(i) : 1);
    run_simple(c, i, elem_outs);
}

/* CMPS/SCAS: REPE (F3) stops when ZF=0, REPNE (F2) when ZF=1. */
static void run_cmp(CPUState *c, Insn *i, int scas)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t n = rep_count(c, i), k, m = size_mask(size);
    int stop = 0;
    if (n > REP_BATCH)
        n = REP_BATCH;
    for (k = 0; k < n; k++) {
        uint32_t a, b, r;
        overrun286(c, i, size, scas ? -1 : i->seg, 1, !scas);
        if (scas) {
            a = reg_read(c, R_EAX, size);
            b = mem_read(c, S_ES, get_idx(c, i, R_EDI), size);
        } else {
            a = mem_read(c, i->seg, get_idx(c, i, R_ESI), size);
            b = mem_read(c, S_ES, get_idx(c, i, R_EDI), size);
            add_idx(c, i, R_ESI, step(c, size));
        }
        add_idx(c, i, R_EDI, step(c, size));
        r = (a - b) & m;
        cc_set(c, CC_SUB, size, r, a, b);
        if (i->rep) {
            rep_dec(c, i);
            if ((i->rep == 0xF3 && r != 0) || (i->rep == 0xF2 && r == 0)) {
                stop = 1;
                break;
            }
            if (k + 1 < n && (c->intr_line || c->nmi_pending) && (k & 15) == 15)
                break;
        }
    }
    rep_resume(c, i, stop);
}

HANDLER(op_cmps) { run_cmp(c, i, 0); }
HANDLER(op_scas) { run_cmp(c, i, 1); }
