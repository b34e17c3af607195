/* Integer ALU family: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC/DEC,
 * NOT/NEG, the group dispatchers 80-83 / F6-F7 / FE / FF, BCD adjust and
 * sign extension of the accumulator. */
#include "cpu/handlers.h"

/* kind: 0 ADD, 1 OR, 2 ADC, 3 SBB, 4 AND, 5 SUB, 6 XOR, 7 CMP. */
static ALWAYS_INLINE uint32_t alu_inl(CPUState *c, int kind, uint32_t a,
                                      uint32_t b, unsigned size)
{
    uint32_t m = size_mask(size), r, cin;
    a &= m;
    b &= m;
    switch (kind) {
    case 0:
        r = (a + b) & m;
        cc_set(c, CC_ADD, size, r, a, b);
        return r;
    case 1:
        r = a | b;
        cc_set(c, CC_LOGIC, size, r, 0, 0);
        return r;
    case 2:
        cin = (uint32_t)flag_cf(c);
        r = (a + b + cin) & m;
        cc_set(c, CC_ADC, size, r, a, b);
        c->cc_cin = cin;
        return r;
    case 3:
        cin = (uint32_t)flag_cf(c);
        r = (a - b - cin) & m;
        cc_set(c, CC_SBB, size, r, a, b);
        c->cc_cin = cin;
        return r;
    case 4:
        r = a & b;
        cc_set(c, CC_LOGIC, size, r, 0, 0);
        return r;
    case 5:
    case 7:
        r = (a - b) & m;
        cc_set(c, CC_SUB, size, r, a, b);
        return r;
    default:
        r = a ^ b;
        cc_set(c, CC_LOGIC, size, r, 0, 0);
        return r;
    }
}

static uint32_t alu(CPUState *c, int kind, uint32_t a, uint32_t b,
                    unsigned size)
{
    return alu_inl(c, kind, a, b, size);
}

/* ---- specialised 32-bit forms (decode.c fast_handler) ----------------------
 * The same steps as op_alu_EG/op_alu_GE/op_grp1/op_test_EG for one
 * operation, operand size 32 and a register (rr) or memory (m) r/m
 * operand: the kind and size are constants, so alu_inl() folds. */
#define ALU32_FORMS(name, kind)                                                \
    static void name##_EG_rr(CPUState *c, Insn *i)                             \
    {                                                                          \
        uint32_t r = alu_inl(c, kind, c->regs[i->rm], c->regs[i->reg], 4);    \
        if (kind != 7)                                                         \
            c->regs[i->rm] = r;                                                \
    }                                                                          \
    static void name##_EG_m(CPUState *c, Insn *i)                              \
    {                                                                          \
        uint32_t lin, a;                                                       \
        if (kind == 7) {                                                       \
            alu_inl(c, 7, mem_read(c, i->seg, insn_ea(c, i), 4),               \
                    c->regs[i->reg], 4);                                       \
            return;                                                            \
        }                                                                      \
        lin = seg_lin(c, i->seg, insn_ea(c, i), 4, 1);                         \
        if (unlikely(c->slow_mem))                                             \
            lin_probe_write(c, lin, 4);                                        \
        a = lin_read(c, lin, 4);                                               \
        lin_write(c, lin, alu_inl(c, kind, a, c->regs[i->reg], 4), 4);        \
    }                                                                          \
    static void name##_GE_rr(CPUState *c, Insn *i)                             \
    {                                                                          \
        uint32_t r = alu_inl(c, kind, c->regs[i->reg], c->regs[i->rm], 4);    \
        if (kind != 7)                                                         \
            c->regs[i->reg] = r;                                               \
    }                                                                          \
    static void name##_GE_m(CPUState *c, Insn *i)                              \
    {                                                                          \
        uint32_t b = mem_read(c, i->seg, insn_ea(c, i), 4);                    \
        uint32_t r = alu_inl(c, kind, c->regs[i->reg], b, 4);                  \
        if (kind != 7)                                                         \
            c->regs[i->reg] = r;                                               \
    }                                                                          \
    static void name##_I_r(CPUState *c, Insn *i)                               \
    {                                                                          \
        uint32_t imm = i->op == 0x83 ? sext(i->imm, 1) : i->imm;               \
        uint32_t r = alu_inl(c, kind, c->regs[i->rm], imm, 4);                 \
        if (kind != 7)                                                         \
            c->regs[i->rm] = r;                                                \
    }                                                                          \
    static void name##_I_m(CPUState *c, Insn *i)                               \
    {                                                                          \
        uint32_t imm = i->op == 0x83 ? sext(i->imm, 1) : i->imm;               \
        uint32_t lin, a;                                                       \
        if (kind == 7) {                                                       \
            alu_inl(c, 7, mem_read(c, i->seg, insn_ea(c, i), 4), imm, 4);      \
            return;                                                            \
        }                                                                      \
        lin = seg_lin(c, i->seg, insn_ea(c, i), 4, 1);                         \
        if (unlikely(c->slow_mem))                                             \
            lin_probe_write(c, lin, 4);                                        \
        a = lin_read(c, lin, 4);                                               \
        lin_write(c, lin, alu_inl(c, kind, a, imm, 4), 4);                     \
    }
ALU32_FORMS(add32, 0)
ALU32_FORMS(or32, 1)
ALU32_FORMS(and32, 4)
ALU32_FORMS(sub32, 5)
ALU32_FORMS(xor32, 6)
ALU32_FORMS(cmp32, 7)
#undef ALU32_FORMS
#define ALU32_TABLE(form)                                                      \
    {add32_##form, or32_##form, NULL, NULL,                                    \
     and32_##form, sub32_##form, xor32_##form, cmp32_##form}
const InsnFn alu_EG_rr32[8] = ALU32_TABLE(EG_rr);
const InsnFn alu_EG_m32[8] = ALU32_TABLE(EG_m);
const InsnFn alu_GE_rr32[8] = ALU32_TABLE(GE_rr);
const InsnFn alu_GE_m32[8] = ALU32_TABLE(GE_m);
const InsnFn grp1_r32[8] = ALU32_TABLE(I_r);
const InsnFn grp1_m32[8] = ALU32_TABLE(I_m);
#undef ALU32_TABLE

HANDLER(op_test_EG_rr32)
{
    alu_inl(c, 4, c->regs[i->rm], c->regs[i->reg], 4);
}
HANDLER(op_test_EG_m32)
{
    alu_inl(c, 4, mem_read(c, i->seg, insn_ea(c, i), 4), c->regs[i->reg], 4);
}

/* op Eb,Gb / op Ev,Gv */
HANDLER(op_alu_EG)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    int kind = (i->op >> 3) & 7;
    uint32_t lin = 0, a, r;
    if (kind == 7) {
        alu(c, 7, rm_read(c, i, size), reg_read(c, i->reg, size), size);
        return;
    }
    a = rmw_begin(c, i, size, &lin);
    r = alu(c, kind, a, reg_read(c, i->reg, size), size);
    rmw_end(c, i, lin, r, size);
}

/* op Gb,Eb / op Gv,Ev */
HANDLER(op_alu_GE)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    int kind = (i->op >> 3) & 7;
    uint32_t r = alu(c, kind, reg_read(c, i->reg, size), rm_read(c, i, size),
                     size);
    if (kind != 7)
        reg_write(c, i->reg, r, size);
}

/* op AL,Ib / op eAX,Iz */
HANDLER(op_alu_AI)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    int kind = (i->op >> 3) & 7;
    uint32_t r = alu(c, kind, reg_read(c, R_EAX, size), i->imm, size);
    if (kind != 7)
        reg_write(c, R_EAX, r, size);
}

/* 80 /r Eb,Ib; 81 Ev,Iz; 82 (alias of 80); 83 Ev,Ib sign-extended */
HANDLER(op_grp1)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t imm = i->op == 0x83 ? sext(i->imm, 1) : i->imm;
    uint32_t lin = 0, a, r;
    if (i->reg == 7) {
        alu(c, 7, rm_read(c, i, size), imm, size);
        return;
    }
    a = rmw_begin(c, i, size, &lin);
    r = alu(c, i->reg, a, imm, size);
    rmw_end(c, i, lin, r, size);
}

HANDLER(op_test_EG)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    alu(c, 4, rm_read(c, i, size), reg_read(c, i->reg, size), size);
}

HANDLER(op_test_AI)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    alu(c, 4, reg_read(c, R_EAX, size), i->imm, size);
}

static uint32_t inc_dec(CPUState *c, uint32_t a, int dec, unsigned size)
{
    uint32_t cf = (uint32_t)flag_cf(c);
    uint32_t r = (dec ? a - 1 : a + 1) & size_mask(size);
    cc_set(c, dec ? CC_DEC : CC_INC, size, r, a & size_mask(size), 1);
    c->cc_cin = cf;
    return r;
}

HANDLER(op_inc_r)
{
    unsigned size = opsize(i);
    int r = i->op & 7;
    reg_write(c, r, inc_dec(c, reg_read(c, r, size), 0, size), size);
}

HANDLER(op_dec_r)
{
    unsigned size = opsize(i);
    int r = i->op & 7;
    reg_write(c, r, inc_dec(c, reg_read(c, r, size), 1, size), size);
}

/* F6/F7: TEST, TEST (alias), NOT, NEG, MUL, IMUL, DIV, IDIV */
HANDLER(op_grp3)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t lin = 0, a;
    switch (i->reg) {
    case 0:
    case 1:
        alu(c, 4, rm_read(c, i, size), i->imm, size);
        return;
    case 2:
        a = rmw_begin(c, i, size, &lin);
        rmw_end(c, i, lin, ~a & size_mask(size), size);
        return;
    case 3:
        a = rmw_begin(c, i, size, &lin);
        rmw_end(c, i, lin, alu(c, 5, 0, a, size), size);
        return;
    default:
        muldiv_grp3(c, i, size);
        return;
    }
}

/* FE: INC Eb, DEC Eb */
HANDLER(op_grp4)
{
    uint32_t lin = 0, a;
    if (i->reg > 1)
        EXC_UD(c);
    a = rmw_begin(c, i, 1, &lin);
    rmw_end(c, i, lin, inc_dec(c, a, i->reg, 1), 1);
}

/* FF: INC, DEC, CALL, CALLF, JMP, JMPF, PUSH Ev */
HANDLER(op_grp5)
{
    unsigned size = opsize(i);
    uint32_t lin = 0, a;
    if (i->reg <= 1) {
        a = rmw_begin(c, i, size, &lin);
        rmw_end(c, i, lin, inc_dec(c, a, i->reg, size), size);
        return;
    }
    if (i->reg == 7)
        EXC_UD(c);
    ctrl_grp5(c, i);
}

/* ---- BCD (SDM Vol. 2 DAA/DAS/AAA/AAS/AAM/AAD pseudo-code) ---------------- */
static void set_szp8(CPUState *c, uint32_t v, uint32_t other)
{
    uint32_t f = other | parity_table[v & 0xFF];
    if ((v & 0xFF) == 0)
        f |= F_ZF;
    if (v & 0x80)
        f |= F_SF;
    flags_set_arith(c, f);
}

HANDLER(op_daa)
{
    uint32_t f = cpu_eflags(c), al = reg_read(c, R_EAX, 1), old = al;
    uint32_t cf = f & F_CF, nf = 0;
    if ((al & 0xF) > 9 || (f & F_AF)) {
        al += 6;
        nf |= F_AF;
        if (cf || al > 0xFF)
            nf |= F_CF;
    }
    if (old > 0x99 || cf) {
        al += 0x60;
        nf |= F_CF;
    }
    al &= 0xFF;
    /* OF is undefined; hardware computes it as for the final addition. */
    if (!(old & 0x80) && (al & 0x80))
        nf |= F_OF;
    reg_write(c, R_EAX, al, 1);
    set_szp8(c, al, nf);
}

HANDLER(op_das)
{
    uint32_t f = cpu_eflags(c), al = reg_read(c, R_EAX, 1), old = al;
    uint32_t cf = f & F_CF, nf = 0;
    if ((al & 0xF) > 9 || (f & F_AF)) {
        nf |= F_AF;
        if (cf || al < 6)
            nf |= F_CF;
        al -= 6;
    }
    if (old > 0x99 || cf) {
        al -= 0x60;
        nf |= F_CF;
    }
    al &= 0xFF;
    if ((old & 0x80) && !(al & 0x80))
        nf |= F_OF;
    reg_write(c, R_EAX, al, 1);
    set_szp8(c, al, nf);
}

HANDLER(op_aaa)
{
    uint32_t f = cpu_eflags(c), ax = reg_read(c, R_EAX, 2), nf = 0;
    if ((ax & 0xF) > 9 || (f & F_AF)) {
        ax += 0x106;
        nf = F_AF | F_CF;
    }
    ax &= 0xFF0F;
    reg_write(c, R_EAX, ax, 2);
    set_szp8(c, ax & 0xFF, nf);
}

HANDLER(op_aas)
{
    uint32_t f = cpu_eflags(c), ax = reg_read(c, R_EAX, 2), nf = 0;
    if ((ax & 0xF) > 9 || (f & F_AF)) {
        ax = (ax - 6) & 0xFFFF;
        ax = (ax - 0x100) & 0xFFFF;
        nf = F_AF | F_CF;
    }
    ax &= 0xFF0F;
    reg_write(c, R_EAX, ax, 2);
    set_szp8(c, ax & 0xFF, nf);
}

HANDLER(op_aam)
{
    uint32_t al = reg_read(c, R_EAX, 1), base = i->imm & 0xFF;
    if (base == 0)
        cpu_raise_noerr(c, EX_DE);
    reg_write(c, R_EAX, ((al / base) << 8) | (al % base), 2);
    set_szp8(c, al % base, 0);
}

HANDLER(op_aad)
{
    uint32_t ax = reg_read(c, R_EAX, 2), base = i->imm & 0xFF;
    uint32_t prod = ((ax >> 8) * base) & 0xFF, al = ax & 0xFF;
    uint32_t r = (al + prod) & 0xFF;
    reg_write(c, R_EAX, r, 2);
    /* Flags as for the byte addition AL + AH*imm (undefined ones too). */
    cc_set(c, CC_ADD, 1, r, al, prod);
}

HANDLER(op_salc)
{
    reg_write(c, R_EAX, flag_cf(c) ? 0xFF : 0, 1);
}

HANDLER(op_cbw)
{
    if (i->osz)
        c->regs[R_EAX] = sext(c->regs[R_EAX], 2);
    else
        reg_write(c, R_EAX, sext(c->regs[R_EAX], 1), 2);
}

HANDLER(op_cwd)
{
    if (i->osz)
        c->regs[R_EDX] = (c->regs[R_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
    else
        reg_write(c, R_EDX, (c->regs[R_EAX] & 0x8000) ? 0xFFFF : 0, 2);
}
