/* Hardware task switching (SDM Vol. 3 §7.3).
 *
 * 32-bit TSS (type 9/11)            16-bit TSS (type 1/3)
 *   00 back link                      00 back link
 *   04 ESP0  08 SS0 ... 18 SS2        02 SP0 04 SS0 ... 0C SS2
 *   1C CR3  20 EIP  24 EFLAGS         0E IP  10 FLAGS
 *   28..44 EAX ECX EDX EBX ESP EBP ESI EDI   12..20 AX..DI
 *   48..5C ES CS SS DS FS GS          22..28 ES CS SS DS
 *   60 LDT  64 T bit, I/O map base    2A LDT
 *
 * Order: the new TSS is read completely, then the old one is written, then
 * the new state is committed; faults from loading the new segment registers
 * are delivered in the context of the new task.
 */
#include "cpu/handlers.h"

static void load_seg_in_task(CPUState *c, int s, uint16_t sel)
{
    uint32_t lo, hi;
    uint16_t ar;
    unsigned dpl, rpl = sel & 3;
    if ((sel & 0xFFFC) == 0) {
        if (s == S_SS || s == S_CS)
            cpu_raise(c, EX_TS, 0);
        seg_set_cache(c, s, sel, 0, 0, 0);
        return;
    }
    if (desc_read(c, sel, &lo, &hi))
        cpu_raise(c, EX_TS, sel & 0xFFFC);
    ar = desc_ar(hi);
    dpl = AR_DPL_OF(ar);
    if (!(ar & AR_S))
        cpu_raise(c, EX_TS, sel & 0xFFFC);
    if (s == S_CS) {
        if (!(ar & AR_CODE) || ((ar & AR_CONF) ? dpl > rpl : dpl != rpl))
            cpu_raise(c, EX_TS, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
    } else if (s == S_SS) {
        if ((ar & AR_CODE) || !(ar & AR_RW) || dpl != c->cpl || rpl != c->cpl)
            cpu_raise(c, EX_TS, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_SS, sel & 0xFFFC);
    } else {
        if ((ar & AR_CODE) && !(ar & AR_RW))
            cpu_raise(c, EX_TS, sel & 0xFFFC);
        if (!((ar & AR_CODE) && (ar & AR_CONF)) && (dpl < c->cpl || dpl < rpl))
            cpu_raise(c, EX_TS, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
    }
    if (!(hi & 0x100)) {
        hi |= 0x100;
        desc_write_hi(c, sel, hi);
    }
    seg_load_desc(c, s, sel, lo, hi);
}

void task_switch(CPUState *c, uint16_t sel, uint32_t lo, uint32_t hi,
                 int reason, int has_err, uint32_t err)
{
    uint32_t nbase = desc_base(lo, hi), nlimit = desc_limit(lo, hi);
    int n32 = ((hi >> 8) & 0x8) != 0;
    SegCache *tr = &c->seg[S_TR];
    int o32 = (tr->ar & 0x8) != 0;
    uint32_t regs[8], neip, nfl, ncr3 = 0;
    uint16_t nseg[6], nldt;
    uint32_t ofl;
    int k;

    if (nlimit < (n32 ? 0x67u : 0x2Bu))
        cpu_raise(c, EX_TS, sel & 0xFFFC);
    /* Read the new task's state. */
    if (n32) {
        ncr3 = sys_read(c, nbase + 0x1C, 4);
        neip = sys_read(c, nbase + 0x20, 4);
        nfl = sys_read(c, nbase + 0x24, 4);
        for (k = 0; k < 8; k++)
            regs[k] = sys_read(c, nbase + 0x28 + 4 * k, 4);
        for (k = 0; k < 6; k++)
            nseg[k] = (uint16_t)sys_read(c, nbase + 0x48 + 4 * k, 2);
        nldt = (uint16_t)sys_read(c, nbase + 0x60, 2);
    } else {
        neip = sys_read(c, nbase + 0x0E, 2);
        nfl = sys_read(c, nbase + 0x10, 2);
        for (k = 0; k < 8; k++)
            regs[k] = 0xFFFF0000u | sys_read(c, nbase + 0x12 + 2 * k, 2);
        for (k = 0; k < 4; k++)
            nseg[k] = (uint16_t)sys_read(c, nbase + 0x22 + 2 * k, 2);
        nseg[S_FS] = nseg[S_GS] = 0;
        nldt = (uint16_t)sys_read(c, nbase + 0x2A, 2);
    }
    /* Save the outgoing task. */
    ofl = cpu_eflags(c);
    if (reason == TS_IRET)
        ofl &= ~F_NT;
    if (o32) {
        sys_write(c, tr->base + 0x20, c->eip, 4);
        sys_write(c, tr->base + 0x24, ofl, 4);
        for (k = 0; k < 8; k++)
            sys_write(c, tr->base + 0x28 + 4 * k, c->regs[k], 4);
        for (k = 0; k < 6; k++)
            sys_write(c, tr->base + 0x48 + 4 * k, c->seg[k].sel, 2);
    } else {
        sys_write(c, tr->base + 0x0E, c->eip, 2);
        sys_write(c, tr->base + 0x10, ofl, 2);
        for (k = 0; k < 8; k++)
            sys_write(c, tr->base + 0x12 + 2 * k, c->regs[k], 2);
        for (k = 0; k < 4; k++)
            sys_write(c, tr->base + 0x22 + 2 * k, c->seg[k].sel, 2);
    }
    /* Busy bits and the back link. */
    if (reason == TS_JMP || reason == TS_IRET) {
        uint32_t olo, ohi;
        if (desc_read(c, tr->sel, &olo, &ohi) == 0)
            desc_write_hi(c, tr->sel, ohi & ~0x200u);
    }
    if (reason == TS_CALL || reason == TS_INT) {
        sys_write(c, nbase, tr->sel, 2);
        nfl |= F_NT;
    }
    if (reason != TS_IRET)
        desc_write_hi(c, sel, hi | 0x200u);
    hi |= 0x200u;

    /* Commit the new task. */
    seg_set_cache(c, S_TR, sel, nbase, nlimit, desc_ar(hi));
    c->cr0 |= CR0_TS;
    if (n32 && (c->cr0 & CR0_PG))
        cpu_set_cr3(c, ncr3);
    else if (n32)
        c->cr3 = ncr3;
    for (k = 0; k < 8; k++)
        c->regs[k] = n32 ? regs[k] : ((c->regs[k] & 0xFFFF0000u) | (regs[k] & 0xFFFF));
    c->eip = neip;
    c->cc_op = CC_EFLAGS;
    c->eflags = (nfl | 2u) & (F_MASK_ALL | 2u);
    if (!n32)
        c->eflags &= 0xFFFF;
    /* Selectors first, without descriptors, so a fault below reports the
     * new task's state. */
    for (k = 0; k < 6; k++)
        c->seg[k].sel = nseg[k];
    c->seg[S_LDTR].sel = nldt;
    c->prev_eip = c->eip;
    c->prev_esp = c->regs[R_ESP];
    /* LDT */
    if ((nldt & 0xFFFC) == 0) {
        seg_set_cache(c, S_LDTR, nldt, 0, 0, 0);
    } else {
        uint32_t llo, lhi;
        if ((nldt & 4) || desc_read(c, nldt, &llo, &lhi) ||
            ((lhi >> 8) & 0x1F) != 0x02)
            cpu_raise(c, EX_TS, nldt & 0xFFFC);
        if (!(lhi & 0x8000))
            cpu_raise(c, EX_TS, nldt & 0xFFFC);
        seg_load_desc(c, S_LDTR, nldt, llo, lhi);
    }
    if (c->eflags & F_VM) {
        c->cpl = 3;
        cpu_update_mode(c);
        for (k = 0; k < 6; k++)
            seg_load_real(c, k, nseg[k]);
    } else {
        c->cpl = nseg[S_CS] & 3;
        cpu_update_mode(c);
        load_seg_in_task(c, S_CS, nseg[S_CS]);
        cpu_update_mode(c);
        load_seg_in_task(c, S_SS, nseg[S_SS]);
        load_seg_in_task(c, S_DS, nseg[S_DS]);
        load_seg_in_task(c, S_ES, nseg[S_ES]);
        load_seg_in_task(c, S_FS, nseg[S_FS]);
        load_seg_in_task(c, S_GS, nseg[S_GS]);
    }
    cpu_update_mode(c);
    if (c->eip > c->seg[S_CS].limit)
        EXC_GP(c, 0);
    if (has_err)
        push(c, err, n32 ? 4 : 2);
}
