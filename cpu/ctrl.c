/* Control transfer: Jcc, JMP, CALL, RET (near and far), LOOP/JCXZ, INT n,
 * INT3, INTO, INT1, IRET, BOUND.  Far transfers through call gates, task
 * gates and TSS descriptors (SDM Vol. 2 "JMP", "CALL", "RET"; Vol. 3 §5.8).
 */
#include "cpu/handlers.h"

/* Near branch target: wraps to the operand size, then checked against the
 * CS limit (#GP(0)). */
static void near_branch(CPUState *c, uint32_t target, int osz)
{
    if (!osz)
        target &= 0xFFFF;
    if (target > c->seg[S_CS].limit)
        EXC_GP(c, 0);
    c->eip = target;
}

HANDLER(op_jcc)
{
    if (cond_true(c, i->op & 15)) {
        uint32_t d = i->op < 0x100 ? sext(i->imm, 1) : (i->osz ? i->imm : sext(i->imm, 2));
        near_branch(c, c->eip + d, i->osz);
    }
}

/* Jcc specialised per condition (decode.c fast_handler): the condition
 * is a constant, so the lazy-flag test folds to a few instructions. */
#define JCC_FAST(cc)                                                           \
    static void jcc_##cc(CPUState *c, Insn *i)                                 \
    {                                                                          \
        int r = cond_lazy(c, cc);                                              \
        if (r < 0)                                                             \
            r = cond_true(c, cc);                                              \
        if (r) {                                                               \
            uint32_t d = i->op < 0x100 ? sext(i->imm, 1)                       \
                                       : (i->osz ? i->imm : sext(i->imm, 2));  \
            near_branch(c, c->eip + d, i->osz);                                \
        }                                                                      \
    }
JCC_FAST(0) JCC_FAST(1) JCC_FAST(2) JCC_FAST(3) JCC_FAST(4) JCC_FAST(5)
JCC_FAST(6) JCC_FAST(7) JCC_FAST(8) JCC_FAST(9) JCC_FAST(10) JCC_FAST(11)
JCC_FAST(12) JCC_FAST(13) JCC_FAST(14) JCC_FAST(15)
#undef JCC_FAST
const InsnFn jcc_fast[16] = {jcc_0, jcc_1, jcc_2, jcc_3, jcc_4, jcc_5,
                             jcc_6, jcc_7, jcc_8, jcc_9, jcc_10, jcc_11,
                             jcc_12, jcc_13, jcc_14, jcc_15};

HANDLER(op_jmp_rel)
{
    uint32_t d = i->op == 0xEB ? sext(i->imm, 1) : (i->osz ? i->imm : sext(i->imm, 2));
    near_branch(c, c->eip + d, i->osz);
}

HANDLER(op_call_rel)
{
    unsigned size = opsize(i);
    uint32_t target = c->eip + (i->osz ? i->imm : sext(i->imm, 2));
    if (!i->osz)
        target &= 0xFFFF;
    if (target > c->seg[S_CS].limit)
        EXC_GP(c, 0);
    push(c, c->eip, size);
    c->eip = target;
}

/* C3 RET, C2 RET imm16 */
HANDLER(op_ret)
{
    unsigned size = opsize(i);
    uint32_t target = pop(c, size);
    if (target > c->seg[S_CS].limit)
        EXC_GP(c, 0);
    c->eip = target;
    if (i->op == 0xC2)
        set_esp(c, c->regs[R_ESP] + (i->imm & 0xFFFF));
}

HANDLER(op_retf)
{
    far_ret(c, i->osz, i->op == 0xCA ? (uint16_t)i->imm : 0);
}

HANDLER(op_jmp_far)
{
    far_jump(c, (uint16_t)i->imm2, i->imm, i->osz);
}

HANDLER(op_call_far)
{
    far_call(c, (uint16_t)i->imm2, i->imm, i->osz);
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP, E3 JCXZ/JECXZ: the counter is CX or ECX by
 * address size. */
HANDLER(op_loop)
{
    uint32_t m = i->asz ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t cx = c->regs[R_ECX] & m;
    int take;
    if (i->op == 0xE3) {
        take = cx == 0;
    } else {
        cx = (cx - 1) & m;
        if (i->asz)
            c->regs[R_ECX] = cx;
        else
            reg_write(c, R_ECX, cx, 2);
        take = cx != 0;
        if (i->op == 0xE0)
            take = take && !cond_true(c, 4);
        else if (i->op == 0xE1)
            take = take && cond_true(c, 4);
    }
    if (take)
        near_branch(c, c->eip + sext(i->imm, 1), i->osz);
}

HANDLER(op_int3)
{
    c->tf_trap = 0;
    do_interrupt(c, EX_BP, INT_SOFT, 0, 0);
}

HANDLER(op_int)
{
    c->tf_trap = 0;
    do_interrupt(c, i->imm & 0xFF, INT_SOFT, 0, 0);
}

HANDLER(op_into)
{
    if (cond_true(c, 0)) {
        c->tf_trap = 0;
        do_interrupt(c, EX_OF, INT_SOFT, 0, 0);
    }
}

/* F1: INT1 / ICEBP: a #DB trap delivered without the gate-DPL check. */
HANDLER(op_int1)
{
    c->tf_trap = 0;
    do_interrupt(c, EX_DB, INT_ICEBP, 0, 0);
}

HANDLER(op_iret)
{
    do_iret(c, i->osz);
}

/* BOUND Gv,Ma: #BR if the index is outside [lower, upper] (signed). */
HANDLER(op_bound)
{
    unsigned size = opsize(i);
    uint32_t ea, lo, hi, v;
    if (i->mod == 3)
        EXC_UD(c);
    ea = insn_ea(c, i);
    lo = mem_read(c, i->seg, ea, size);
    hi = mem_read(c, i->seg, (ea + size) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), size);
    v = reg_read(c, i->reg, size);
    if ((int32_t)sext(v, size) < (int32_t)sext(lo, size) ||
        (int32_t)sext(v, size) > (int32_t)sext(hi, size))
        cpu_raise_noerr(c, EX_BR);
}

/* FF /2 CALL Ev, /3 CALLF Mp, /4 JMP Ev, /5 JMPF Mp, /6 PUSH Ev */
void ctrl_grp5(CPUState *c, Insn *i)
{
    unsigned size = opsize(i);
    uint32_t v, ea;
    uint16_t sel;
    switch (i->reg) {
    case 2:
        v = rm_read(c, i, size);
        if (!i->osz)
            v &= 0xFFFF;
        if (v > c->seg[S_CS].limit)
            EXC_GP(c, 0);
        push(c, c->eip, size);
        c->eip = v;
        return;
    case 4:
        near_branch(c, rm_read(c, i, size), i->osz);
        return;
    case 6:
        push(c, rm_read(c, i, size), size);
        return;
    case 3:
    case 5:
        if (i->mod == 3)
            EXC_UD(c);
        ea = insn_ea(c, i);
        v = mem_read(c, i->seg, ea, size);
        sel = (uint16_t)mem_read(c, i->seg, (ea + size) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), 2);
        if (i->reg == 3)
            far_call(c, sel, v, i->osz);
        else
            far_jump(c, sel, v, i->osz);
        return;
    }
}

/* ---- far transfers ------------------------------------------------------- */

static void check_code_target(CPUState *c, uint16_t sel, uint32_t hi,
                              uint16_t errsel)
{
    uint16_t ar = desc_ar(hi);
    unsigned dpl = AR_DPL_OF(ar), rpl = sel & 3;
    if (!(ar & AR_S) || !(ar & AR_CODE))
        EXC_GP(c, errsel);
    if (ar & AR_CONF) {
        if (dpl > c->cpl)
            EXC_GP(c, errsel);
    } else if (rpl > c->cpl || dpl != c->cpl) {
        EXC_GP(c, errsel);
    }
    if (!(ar & AR_P))
        cpu_raise(c, EX_NP, errsel);
}

static void task_gate_or_tss(CPUState *c, uint16_t sel, uint32_t lo,
                             uint32_t hi, int reason)
{
    uint16_t ar = desc_ar(hi);
    unsigned type = ar & 0xF, dpl = AR_DPL_OF(ar);
    if (dpl < c->cpl || dpl < (sel & 3u))
        EXC_GP(c, sel & 0xFFFC);
    if (type == 5) { /* task gate */
        uint16_t tss = (uint16_t)(lo >> 16);
        uint32_t tlo, thi;
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
        if ((tss & 4) || desc_read(c, tss, &tlo, &thi))
            EXC_GP(c, tss & 0xFFFC);
        if (((thi >> 8) & 0x1F) != 0x01 && ((thi >> 8) & 0x1F) != 0x09)
            EXC_GP(c, tss & 0xFFFC);
        if (!(thi & 0x8000))
            cpu_raise(c, EX_NP, tss & 0xFFFC);
        task_switch(c, tss, tlo, thi, reason, 0, 0);
        return;
    }
    /* available TSS (1 or 9); busy ones are rejected */
    if (type != 1 && type != 9)
        EXC_GP(c, sel & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(c, EX_NP, sel & 0xFFFC);
    task_switch(c, sel, lo, hi, reason, 0, 0);
}

void far_jump(CPUState *c, uint16_t sel, uint32_t off, int osz)
{
    uint32_t lo, hi;
    uint16_t ar;
    if (!osz)
        off &= 0xFFFF;
    if (!c->pm) {
        if (off > c->seg[S_CS].limit)
            EXC_GP(c, 0);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        return;
    }
    if ((sel & 0xFFFC) == 0)
        EXC_GP(c, 0);
    if (desc_read(c, sel, &lo, &hi))
        EXC_GP(c, sel & 0xFFFC);
    ar = desc_ar(hi);
    if (ar & AR_S) {
        check_code_target(c, sel, hi, sel & 0xFFFC);
        if (off > desc_limit(lo, hi))
            EXC_GP(c, 0);
        seg_load_cs(c, sel, lo, hi, c->cpl);
        c->eip = off;
        return;
    }
    switch (ar & 0xF) {
    case 4:
    case 12: { /* call gate */
        uint16_t csel = (uint16_t)(lo >> 16);
        uint32_t clo, chi, goff;
        unsigned dpl = AR_DPL_OF(ar);
        if (dpl < c->cpl || dpl < (sel & 3u))
            EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
        if ((csel & 0xFFFC) == 0)
            EXC_GP(c, 0);
        if (desc_read(c, csel, &clo, &chi))
            EXC_GP(c, csel & 0xFFFC);
        {
            uint16_t car = desc_ar(chi);
            unsigned cdpl = AR_DPL_OF(car);
            if (!(car & AR_S) || !(car & AR_CODE) ||
                ((car & AR_CONF) ? cdpl > c->cpl : cdpl != c->cpl))
                EXC_GP(c, csel & 0xFFFC);
            if (!(car & AR_P))
                cpu_raise(c, EX_NP, csel & 0xFFFC);
        }
        goff = (lo & 0xFFFF) | ((ar & 0xF) == 12 ? (hi & 0xFFFF0000u) : 0);
        if (goff > desc_limit(clo, chi))
            EXC_GP(c, 0);
        seg_load_cs(c, csel, clo, chi, c->cpl);
        c->eip = goff;
        return;
    }
    case 5: case 1: case 9:
        task_gate_or_tss(c, sel, lo, hi, TS_JMP);
        return;
    }
    EXC_GP(c, sel & 0xFFFC);
}

/* Reads SS:ESP for privilege level dpl from the current TSS. */
void tss_stack(CPUState *c, int dpl, uint16_t *ss, uint32_t *esp)
{
    const SegCache *tr = &c->seg[S_TR];
    if ((tr->ar & 0xF) == 0xB || (tr->ar & 0xF) == 0x9) {
        uint32_t off = 4 + (uint32_t)dpl * 8;
        if (off + 5 > tr->limit)
            cpu_raise(c, EX_TS, tr->sel & 0xFFFC);
        *esp = sys_read(c, tr->base + off, 4);
        *ss = (uint16_t)sys_read(c, tr->base + off + 4, 2);
    } else {
        uint32_t off = 2 + (uint32_t)dpl * 4;
        if (off + 3 > tr->limit)
            cpu_raise(c, EX_TS, tr->sel & 0xFFFC);
        *esp = sys_read(c, tr->base + off, 2);
        *ss = (uint16_t)sys_read(c, tr->base + off + 2, 2);
    }
}

/* Validates a new inner stack segment (#TS errors), returns its descriptor. */
void check_new_ss(CPUState *c, uint16_t ss, int dpl, uint32_t *lo,
                  uint32_t *hi)
{
    uint16_t ar;
    if ((ss & 0xFFFC) == 0)
        cpu_raise(c, EX_TS, ss & 0xFFFC);
    if (desc_read(c, ss, lo, hi))
        cpu_raise(c, EX_TS, ss & 0xFFFC);
    ar = desc_ar(*hi);
    if ((ss & 3u) != (unsigned)dpl || AR_DPL_OF(ar) != (unsigned)dpl ||
        !(ar & AR_S) || (ar & AR_CODE) || !(ar & AR_RW))
        cpu_raise(c, EX_TS, ss & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(c, EX_SS, ss & 0xFFFC);
}

/* Pushes onto a stack described by a temporary cache (new stack before it is
 * committed).  Faults are #SS with the given error code. */
void push_to(CPUState *c, const SegCache *ss, int ss32, uint32_t *esp,
             uint32_t v, unsigned size, uint32_t err)
{
    uint32_t m = ss32 ? 0xFFFFFFFFu : 0xFFFFu;
    uint32_t sp = (*esp - size) & m, end = sp + size - 1;
    if (!ss->wr || sp < ss->lo || end > ss->hi || end < sp)
        cpu_raise(c, EX_SS, err);
    sys_write(c, ss->base + sp, v, size);
    *esp = ss32 ? sp : ((*esp & 0xFFFF0000u) | sp);
}

void far_call(CPUState *c, uint16_t sel, uint32_t off, int osz)
{
    uint32_t lo, hi;
    uint16_t ar;
    unsigned size = osz ? 4 : 2;
    if (!osz)
        off &= 0xFFFF;
    if (!c->pm) {
        uint16_t oldcs = c->seg[S_CS].sel;
        if (off > c->seg[S_CS].limit)
            EXC_GP(c, 0);
        push(c, oldcs, size);
        push(c, c->eip, size);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        return;
    }
    if ((sel & 0xFFFC) == 0)
        EXC_GP(c, 0);
    if (desc_read(c, sel, &lo, &hi))
        EXC_GP(c, sel & 0xFFFC);
    ar = desc_ar(hi);
    if (ar & AR_S) {
        check_code_target(c, sel, hi, sel & 0xFFFC);
        if (off > desc_limit(lo, hi))
            EXC_GP(c, 0);
        push(c, c->seg[S_CS].sel, size);
        push(c, c->eip, size);
        seg_load_cs(c, sel, lo, hi, c->cpl);
        c->eip = off;
        return;
    }
    switch (ar & 0xF) {
    case 4:
    case 12: {
        uint16_t csel = (uint16_t)(lo >> 16);
        uint32_t clo, chi, goff;
        uint16_t car;
        unsigned dpl = AR_DPL_OF(ar), cdpl;
        unsigned gsize = (ar & 0xF) == 12 ? 4 : 2;
        unsigned nparam = hi & 0x1F; /* gate bits 32..36 */
        if (dpl < c->cpl || dpl < (sel & 3u))
            EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
        if ((csel & 0xFFFC) == 0)
            EXC_GP(c, 0);
        if (desc_read(c, csel, &clo, &chi))
            EXC_GP(c, csel & 0xFFFC);
        car = desc_ar(chi);
        cdpl = AR_DPL_OF(car);
        if (!(car & AR_S) || !(car & AR_CODE) || cdpl > c->cpl)
            EXC_GP(c, csel & 0xFFFC);
        if (!(car & AR_P))
            cpu_raise(c, EX_NP, csel & 0xFFFC);
        goff = (lo & 0xFFFF) | (gsize == 4 ? (hi & 0xFFFF0000u) : 0);
        if (!(car & AR_CONF) && cdpl < c->cpl) {
            /* more privileged: switch to the inner stack from the TSS */
            uint16_t nss;
            uint32_t nesp, slo, shi, oldss = c->seg[S_SS].sel;
            uint32_t oldesp = c->regs[R_ESP];
            uint32_t params[32];
            SegCache tmp;
            int nss32;
            unsigned k;
            tss_stack(c, (int)cdpl, &nss, &nesp);
            check_new_ss(c, nss, (int)cdpl, &slo, &shi);
            memset(&tmp, 0, sizeof tmp);
            {
                SegCache save = c->seg[S_SS];
                seg_load_desc(c, S_SS, nss, slo, shi);
                tmp = c->seg[S_SS];
                c->seg[S_SS] = save;
            }
            nss32 = (tmp.ar & AR_DB) != 0;
            for (k = 0; k < nparam; k++)
                params[k] = stack_peek(c, k * gsize, gsize);
            if (goff > desc_limit(clo, chi))
                EXC_GP(c, 0);
            push_to(c, &tmp, nss32, &nesp, oldss, gsize, nss & 0xFFFC);
            push_to(c, &tmp, nss32, &nesp, oldesp, gsize, nss & 0xFFFC);
            for (k = nparam; k > 0; k--)
                push_to(c, &tmp, nss32, &nesp, params[k - 1], gsize, nss & 0xFFFC);
            push_to(c, &tmp, nss32, &nesp, c->seg[S_CS].sel, gsize, nss & 0xFFFC);
            push_to(c, &tmp, nss32, &nesp, c->eip, gsize, nss & 0xFFFC);
            /* commit */
            shi |= 0x100;
            desc_write_hi(c, nss, shi);
            seg_load_desc(c, S_SS, nss, slo, shi);
            seg_load_cs(c, csel, clo, chi, (int)cdpl);
            c->regs[R_ESP] = nesp;
            c->eip = goff;
            return;
        }
        if (goff > desc_limit(clo, chi))
            EXC_GP(c, 0);
        push(c, c->seg[S_CS].sel, gsize);
        push(c, c->eip, gsize);
        seg_load_cs(c, csel, clo, chi, c->cpl);
        c->eip = goff;
        return;
    }
    case 5: case 1: case 9:
        task_gate_or_tss(c, sel, lo, hi, TS_CALL);
        return;
    }
    EXC_GP(c, sel & 0xFFFC);
}

/* Checks a return CS (RETF/IRET, SDM "RET" protected-mode checks). */
static void check_return_cs(CPUState *c, uint16_t sel, uint32_t *lo,
                            uint32_t *hi)
{
    uint16_t ar;
    unsigned rpl = sel & 3, dpl;
    if ((sel & 0xFFFC) == 0)
        EXC_GP(c, 0);
    if (desc_read(c, sel, lo, hi))
        EXC_GP(c, sel & 0xFFFC);
    ar = desc_ar(*hi);
    dpl = AR_DPL_OF(ar);
    if (rpl < c->cpl || !(ar & AR_S) || !(ar & AR_CODE))
        EXC_GP(c, sel & 0xFFFC);
    if ((ar & AR_CONF) ? dpl > rpl : dpl != rpl)
        EXC_GP(c, sel & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(c, EX_NP, sel & 0xFFFC);
}

/* Checks the outer SS on a return to an outer level. */
static void check_return_ss(CPUState *c, uint16_t ss, unsigned rpl,
                            uint32_t *lo, uint32_t *hi)
{
    uint16_t ar;
    if ((ss & 0xFFFC) == 0)
        EXC_GP(c, 0);
    if (desc_read(c, ss, lo, hi))
        EXC_GP(c, ss & 0xFFFC);
    ar = desc_ar(*hi);
    if ((ss & 3u) != rpl || !(ar & AR_S) || (ar & AR_CODE) || !(ar & AR_RW) ||
        AR_DPL_OF(ar) != rpl)
        EXC_GP(c, ss & 0xFFFC);
    if (!(ar & AR_P))
        cpu_raise(c, EX_SS, ss & 0xFFFC);
}

void far_ret(CPUState *c, int osz, uint16_t extra)
{
    unsigned size = osz ? 4 : 2;
    uint32_t off, lo, hi;
    uint16_t sel;
    off = stack_peek(c, 0, size);
    sel = (uint16_t)stack_peek(c, size, 2);
    if (!osz)
        off &= 0xFFFF;
    if (!c->pm) {
        if (off > c->seg[S_CS].limit)
            EXC_GP(c, 0);
        seg_load_real(c, S_CS, sel);
        c->eip = off;
        set_esp(c, c->regs[R_ESP] + 2 * size + extra);
        return;
    }
    check_return_cs(c, sel, &lo, &hi);
    if ((sel & 3u) == c->cpl) {
        if (off > desc_limit(lo, hi))
            EXC_GP(c, 0);
        seg_load_cs(c, sel, lo, hi, c->cpl);
        c->eip = off;
        set_esp(c, c->regs[R_ESP] + 2 * size + extra);
    } else {
        uint32_t nesp, slo, shi;
        uint16_t nss;
        nesp = stack_peek(c, 2 * size + extra, size);
        nss = (uint16_t)stack_peek(c, 3 * size + extra, 2);
        check_return_ss(c, nss, sel & 3u, &slo, &shi);
        if (off > desc_limit(lo, hi))
            EXC_GP(c, 0);
        seg_load_cs(c, sel, lo, hi, sel & 3);
        shi |= 0x100;
        desc_write_hi(c, nss, shi);
        seg_load_desc(c, S_SS, nss, slo, shi);
        cpu_update_mode(c);
        if (c->ss32)
            c->regs[R_ESP] = nesp + extra;
        else
            reg_write(c, R_ESP, (nesp + extra) & 0xFFFF, 2);
        c->eip = off;
        seg_validate_after_ret(c);
    }
}

/* Exported for interrupt.c (IRET uses the same checks). */
void ret_check_cs(CPUState *c, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    check_return_cs(c, sel, lo, hi);
}
void ret_check_ss(CPUState *c, uint16_t ss, unsigned rpl, uint32_t *lo,
                  uint32_t *hi)
{
    check_return_ss(c, ss, rpl, lo, hi);
}
