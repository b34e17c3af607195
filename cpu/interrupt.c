/* Interrupt and exception delivery, and IRET (SDM Vol. 3 §6.12, §20.3).
 *
 * Real mode: the IVT at IDTR.base holds 4-byte CS:IP vectors.
 * Protected mode: the IDT holds 8-byte gates:
 *
 *   hi: 31..16 offset 31..16 | P DPL(2) 0 type(4) | 000 unused
 *   lo: 31..16 selector      | 15..0 offset 15..0
 *   type 5 task gate, 6/7 16-bit interrupt/trap, 14/15 32-bit interrupt/trap
 *
 * Everything is read and checked first; state changes only after the last
 * push succeeded, so a fault during delivery leaves the interrupted context
 * intact for the double-fault logic in exec.c.
 */
#include "cpu/handlers.h"

static void real_interrupt(CPUState *c, int vec)
{
    uint32_t ent = (uint32_t)vec * 4, ip, cs;
    uint32_t f = cpu_eflags(c);
    if (ent + 3 > c->idtr.limit)
        EXC_GP(c, 0);
    ip = lin_read(c, c->idtr.base + ent, 2);
    cs = lin_read(c, c->idtr.base + ent + 2, 2);
    push(c, f & 0xFFFF, 2);
    push(c, c->seg[S_CS].sel, 2);
    push(c, c->eip & 0xFFFF, 2);
    c->eflags &= ~(F_IF | F_TF | F_AC | F_RF);
    seg_load_real(c, S_CS, (uint16_t)cs);
    c->eip = ip;
}

void do_interrupt(CPUState *c, int vec, int kind, int has_err, uint32_t err)
{
    uint32_t lo, hi, clo, chi, goff, ext, flags;
    uint16_t ar, csel, car;
    unsigned type, dpl, cdpl, gsize;

    if (!(c->cr0 & CR0_PE)) {
        real_interrupt(c, vec);
        return;
    }
    if ((c->eflags & F_VM) && kind == INT_SOFT && iopl(c) < 3)
        EXC_GP(c, 0); /* INT n in V86 mode with IOPL < 3 (no VME) */
    ext = (kind == INT_HW || kind == INT_EXC || kind == INT_ICEBP) ? 1 : 0;
    if ((uint32_t)vec * 8 + 7 > c->idtr.limit)
        EXC_GP(c, (uint32_t)vec * 8 + 2 + ext);
    lo = sys_read(c, c->idtr.base + (uint32_t)vec * 8, 4);
    hi = sys_read(c, c->idtr.base + (uint32_t)vec * 8 + 4, 4);
    ar = desc_ar(hi);
    type = ar & 0x1F; /* includes S: must be 0 */
    if (type != 5 && type != 6 && type != 7 && type != 14 && type != 15)
        EXC_GP(c, (uint32_t)vec * 8 + 2 + ext);
    dpl = AR_DPL_OF(ar);
    if (kind == INT_SOFT && dpl < c->cpl)
        EXC_GP(c, (uint32_t)vec * 8 + 2);
    if (!(ar & AR_P))
        cpu_raise(c, EX_NP, (uint32_t)vec * 8 + 2 + ext);
    if (type == 5) {
        uint16_t tss = (uint16_t)(lo >> 16);
        uint32_t tlo, thi;
        if ((tss & 4) || desc_read(c, tss, &tlo, &thi))
            cpu_raise(c, EX_TS, (tss & 0xFFFC) + ext);
        if (((thi >> 8) & 0x1F) != 0x01 && ((thi >> 8) & 0x1F) != 0x09)
            cpu_raise(c, EX_TS, (tss & 0xFFFC) + ext);
        if (!(thi & 0x8000))
            cpu_raise(c, EX_NP, (tss & 0xFFFC) + ext);
        task_switch(c, tss, tlo, thi, TS_INT, has_err, err);
        return;
    }
    gsize = (type & 8) ? 4 : 2;
    goff = (lo & 0xFFFF) | (gsize == 4 ? (hi & 0xFFFF0000u) : 0);
    csel = (uint16_t)(lo >> 16);
    if ((csel & 0xFFFC) == 0)
        EXC_GP(c, ext);
    if (desc_read(c, csel, &clo, &chi))
        EXC_GP(c, (csel & 0xFFFC) + ext);
    car = desc_ar(chi);
    cdpl = AR_DPL_OF(car);
    if (!(car & AR_S) || !(car & AR_CODE) || cdpl > c->cpl)
        EXC_GP(c, (csel & 0xFFFC) + ext);
    if (!(car & AR_P))
        cpu_raise(c, EX_NP, (csel & 0xFFFC) + ext);
    flags = cpu_eflags(c);

    if (!(car & AR_CONF) && cdpl < c->cpl) {
        /* Inner privilege: new stack from the TSS. */
        uint16_t nss;
        uint32_t nesp, slo, shi;
        SegCache tmp, save;
        int nss32, from_v86 = (flags & F_VM) != 0;
        uint32_t e;
        if (from_v86 && cdpl != 0)
            EXC_GP(c, (csel & 0xFFFC) + ext);
        tss_stack(c, (int)cdpl, &nss, &nesp);
        check_new_ss(c, nss, (int)cdpl, &slo, &shi);
        save = c->seg[S_SS];
        seg_load_desc(c, S_SS, nss, slo, shi);
        tmp = c->seg[S_SS];
        c->seg[S_SS] = save;
        nss32 = (tmp.ar & AR_DB) != 0;
        if (goff > desc_limit(clo, chi))
            EXC_GP(c, 0);
        e = nss & 0xFFFC;
        if (from_v86) {
            push_to(c, &tmp, nss32, &nesp, c->seg[S_GS].sel, gsize, e);
            push_to(c, &tmp, nss32, &nesp, c->seg[S_FS].sel, gsize, e);
            push_to(c, &tmp, nss32, &nesp, c->seg[S_DS].sel, gsize, e);
            push_to(c, &tmp, nss32, &nesp, c->seg[S_ES].sel, gsize, e);
        }
        push_to(c, &tmp, nss32, &nesp, c->seg[S_SS].sel, gsize, e);
        push_to(c, &tmp, nss32, &nesp, c->regs[R_ESP], gsize, e);
        push_to(c, &tmp, nss32, &nesp, flags, gsize, e);
        push_to(c, &tmp, nss32, &nesp, c->seg[S_CS].sel, gsize, e);
        push_to(c, &tmp, nss32, &nesp, c->eip, gsize, e);
        if (has_err)
            push_to(c, &tmp, nss32, &nesp, err, gsize, e);
        /* commit */
        if (from_v86) {
            seg_set_cache(c, S_GS, 0, 0, 0, 0);
            seg_set_cache(c, S_FS, 0, 0, 0, 0);
            seg_set_cache(c, S_DS, 0, 0, 0, 0);
            seg_set_cache(c, S_ES, 0, 0, 0, 0);
        }
        c->eflags &= ~(F_VM | F_TF | F_NT | F_RF);
        if (!(type & 1))
            c->eflags &= ~F_IF;
        shi |= 0x100;
        desc_write_hi(c, nss, shi);
        seg_load_desc(c, S_SS, nss, slo, shi);
        seg_load_cs(c, csel, clo, chi, (int)cdpl);
        c->regs[R_ESP] = nesp;
        c->eip = goff;
        cpu_update_mode(c);
        return;
    }
    if (flags & F_VM)
        EXC_GP(c, (csel & 0xFFFC) + ext);
    if (!(car & AR_CONF) && cdpl != c->cpl)
        EXC_GP(c, (csel & 0xFFFC) + ext);
    if (goff > desc_limit(clo, chi))
        EXC_GP(c, 0);
    push(c, flags, gsize);
    push(c, c->seg[S_CS].sel, gsize);
    push(c, c->eip, gsize);
    if (has_err)
        push(c, err, gsize);
    c->eflags &= ~(F_TF | F_NT | F_RF | F_VM);
    if (!(type & 1))
        c->eflags &= ~F_IF;
    seg_load_cs(c, csel, clo, chi, c->cpl);
    c->eip = goff;
}

void do_iret(CPUState *c, int osz)
{
    unsigned size = osz ? 4 : 2;
    uint32_t eip, cs, fl, mask;

    c->nmi_blocked = 0;
    if (!(c->cr0 & CR0_PE) || (c->eflags & F_VM)) {
        if ((c->eflags & F_VM) && iopl(c) < 3)
            EXC_GP(c, 0);
        eip = stack_peek(c, 0, size);
        cs = stack_peek(c, size, 2);
        fl = stack_peek(c, 2 * size, size);
        if (!osz)
            eip &= 0xFFFF;
        if (eip > c->seg[S_CS].limit)
            EXC_GP(c, 0);
        if (c->eflags & F_VM)
            mask = F_ARITH | F_TF | F_IF | F_DF | F_NT | F_RF | F_AC | F_ID;
        else
            mask = F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_RF |
                   F_AC | F_ID;
        if (!osz)
            mask &= 0xFFFF;
        set_esp(c, c->regs[R_ESP] + 3 * size);
        seg_load_real(c, S_CS, (uint16_t)cs);
        c->eip = eip;
        flags_write(c, fl, mask);
        return;
    }
    if (c->eflags & F_NT) {
        /* Return from a nested task: the back link of the current TSS. */
        uint16_t link = (uint16_t)sys_read(c, c->seg[S_TR].base, 2);
        uint32_t lo, hi;
        if ((link & 4) || desc_read(c, link, &lo, &hi))
            cpu_raise(c, EX_TS, link & 0xFFFC);
        if (((hi >> 8) & 0x1F) != 0x03 && ((hi >> 8) & 0x1F) != 0x0B)
            cpu_raise(c, EX_TS, link & 0xFFFC);
        if (!(hi & 0x8000))
            cpu_raise(c, EX_NP, link & 0xFFFC);
        task_switch(c, link, lo, hi, TS_IRET, 0, 0);
        return;
    }
    eip = stack_peek(c, 0, size);
    cs = stack_peek(c, size, 2);
    fl = stack_peek(c, 2 * size, size);
    if (osz && (fl & F_VM) && c->cpl == 0) {
        /* Return to virtual-8086 mode (SDM "IRET": RETURN-TO-VIRTUAL-8086-MODE) */
        uint32_t nesp = stack_peek(c, 12, 4);
        uint16_t nss = (uint16_t)stack_peek(c, 16, 4);
        uint16_t es = (uint16_t)stack_peek(c, 20, 4);
        uint16_t ds = (uint16_t)stack_peek(c, 24, 4);
        uint16_t fs = (uint16_t)stack_peek(c, 28, 4);
        uint16_t gs = (uint16_t)stack_peek(c, 32, 4);
        flags_write(c, fl, F_MASK_ALL);
        c->eflags |= F_VM;
        cpu_update_mode(c);
        seg_load_real(c, S_CS, (uint16_t)cs);
        seg_load_real(c, S_SS, nss);
        seg_load_real(c, S_ES, es);
        seg_load_real(c, S_DS, ds);
        seg_load_real(c, S_FS, fs);
        seg_load_real(c, S_GS, gs);
        c->regs[R_ESP] = nesp;
        c->eip = eip & 0xFFFF;
        c->cpl = 3;
        cpu_update_mode(c);
        return;
    }
    {
        uint32_t lo, hi;
        unsigned rpl = cs & 3;
        int old_cpl = c->cpl;
        if (!osz)
            eip &= 0xFFFF;
        ret_check_cs(c, (uint16_t)cs, &lo, &hi);
        mask = F_ARITH | F_TF | F_DF | F_NT | F_RF | F_AC | F_ID;
        if (old_cpl <= iopl(c))
            mask |= F_IF;
        if (old_cpl == 0)
            mask |= F_IOPL | (osz ? (F_VIF | F_VIP) : 0);
        if (!osz)
            mask &= 0xFFFF;
        if (rpl == c->cpl) {
            if (eip > desc_limit(lo, hi))
                EXC_GP(c, 0);
            seg_load_cs(c, (uint16_t)cs, lo, hi, c->cpl);
            set_esp(c, c->regs[R_ESP] + 3 * size);
            c->eip = eip;
            flags_write(c, fl, mask);
        } else {
            uint32_t nesp = stack_peek(c, 3 * size, size), slo, shi;
            uint16_t nss = (uint16_t)stack_peek(c, 4 * size, 2);
            ret_check_ss(c, nss, rpl, &slo, &shi);
            if (eip > desc_limit(lo, hi))
                EXC_GP(c, 0);
            seg_load_cs(c, (uint16_t)cs, lo, hi, (int)rpl);
            shi |= 0x100;
            desc_write_hi(c, nss, shi);
            seg_load_desc(c, S_SS, nss, slo, shi);
            cpu_update_mode(c);
            if (c->ss32)
                c->regs[R_ESP] = nesp;
            else
                reg_write(c, R_ESP, nesp, 2);
            c->eip = eip;
            flags_write(c, fl, mask);
            seg_validate_after_ret(c);
        }
    }
}
