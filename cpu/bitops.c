/* Bit instructions: BT/BTS/BTR/BTC, BSF/BSR, BSWAP, SETcc, CMOVcc. */
#include "cpu/handlers.h"

static void set_cf(CPUState *c, int v)
{
    uint32_t f = cpu_eflags(c);
    flags_set_arith(c, v ? (f | F_CF) : (f & ~F_CF));
}

/* kind: 0 BT, 1 BTS, 2 BTR, 3 BTC.  For a register bit offset with a
 * memory operand, the offset is signed and may address outside the operand
 * (SDM Vol. 2 "BT": bit base addressing). */
static void bt_common(CPUState *c, Insn *i, int kind, uint32_t off, int imm)
{
    unsigned size = opsize(i), bits = size * 8;
    uint32_t v, bit, lin = 0;
    if (i->mod == 3 || imm) {
        bit = off & (bits - 1);
        if (i->mod == 3) {
            v = reg_read(c, i->rm, size);
        } else if (kind == 0) {
            v = rm_read(c, i, size);
        } else {
            v = rmw_begin(c, i, size, &lin);
        }
    } else {
        int32_t soff = size == 2 ? (int16_t)off : (int32_t)off;
        uint32_t ea = insn_ea(c, i) + (uint32_t)((soff >> (size == 2 ? 4 : 5)) * (int32_t)size);
        if (!i->asz)
            ea &= 0xFFFF;
        bit = (uint32_t)soff & (bits - 1);
        if (kind == 0) {
            v = mem_read(c, i->seg, ea, size);
        } else {
            lin = seg_lin(c, i->seg, ea, size, 1);
            if (c->slow_mem)
                lin_probe_write(c, lin, size);
            v = lin_read(c, lin, size);
        }
        set_cf(c, (v >> bit) & 1);
        if (kind == 1) v |= 1u << bit;
        else if (kind == 2) v &= ~(1u << bit);
        else if (kind == 3) v ^= 1u << bit;
        if (kind)
            lin_write(c, lin, v, size);
        return;
    }
    set_cf(c, (v >> bit) & 1);
    if (kind == 0)
        return;
    if (kind == 1) v |= 1u << bit;
    else if (kind == 2) v &= ~(1u << bit);
    else v ^= 1u << bit;
    if (i->mod == 3)
        reg_write(c, i->rm, v, size);
    else
        lin_write(c, lin, v, size);
}

/* 0F A3 BT, AB BTS, B3 BTR, BB BTC: Ev,Gv */
HANDLER(op_bt_EG)
{
    int kind = i->op == 0x1A3 ? 0 : i->op == 0x1AB ? 1 : i->op == 0x1B3 ? 2 : 3;
    bt_common(c, i, kind, reg_read(c, i->reg, opsize(i)), 0);
}

/* 0F BA /4-/7: Ev,Ib */
HANDLER(op_bt_EI)
{
    if (i->reg < 4)
        EXC_UD(c);
    bt_common(c, i, i->reg - 4, i->imm & 0xFF, 1);
}

/* BSF/BSR: ZF=1 and the destination unchanged when the source is zero. */
HANDLER(op_bsf)
{
    unsigned size = opsize(i);
    uint32_t v = rm_read(c, i, size), f = cpu_eflags(c) & ~F_ARITH, n = 0;
    if (v == 0) {
        flags_set_arith(c, f | F_ZF);
        return;
    }
    while (!((v >> n) & 1))
        n++;
    flags_set_arith(c, f | parity_table[n & 0xFF]);
    reg_write(c, i->reg, n, size);
}

HANDLER(op_bsr)
{
    unsigned size = opsize(i);
    uint32_t v = rm_read(c, i, size), f = cpu_eflags(c) & ~F_ARITH, n;
    if (v == 0) {
        flags_set_arith(c, f | F_ZF);
        return;
    }
    n = size * 8 - 1;
    while (!((v >> n) & 1))
        n--;
    flags_set_arith(c, f | parity_table[n & 0xFF]);
    reg_write(c, i->reg, n, size);
}

/* BSWAP r32; with a 16-bit operand size the result is undefined: the P6
 * zeroes the low word. */
HANDLER(op_bswap)
{
    int r = i->op & 7;
    uint32_t v = c->regs[r];
    if (!i->osz) {
        reg_write(c, r, 0, 2);
        return;
    }
    c->regs[r] = (v >> 24) | ((v >> 8) & 0xFF00) | ((v << 8) & 0xFF0000) | (v << 24);
}

HANDLER(op_setcc)
{
    rm_write(c, i, (uint32_t)cond_true(c, i->op & 15), 1);
}

HANDLER(op_cmovcc)
{
    unsigned size = opsize(i);
    uint32_t v = rm_read(c, i, size); /* the source is read either way */
    if (cond_true(c, i->op & 15))
        reg_write(c, i->reg, v, size);
}
