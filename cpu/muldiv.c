/* MUL, IMUL (one, two and three operands), DIV, IDIV.
 * CF and OF tell whether the high half is significant; SF, ZF, AF and PF
 * are undefined: this model sets SF/ZF/PF from the low half and clears AF.
 * Division by zero and quotient overflow raise #DE before any register
 * changes. */
#include "cpu/handlers.h"

static void mul_flags(CPUState *c, uint32_t lo, int overflow, unsigned size)
{
    uint32_t f = parity_table[lo & 0xFF];
    if ((lo & size_mask(size)) == 0)
        f |= F_ZF;
    if (lo & sign_bit(size))
        f |= F_SF;
    if (overflow)
        f |= F_CF | F_OF;
    flags_set_arith(c, f);
}

void muldiv_grp3(CPUState *c, Insn *i, unsigned size)
{
    uint32_t src = rm_read(c, i, size);
    switch (i->reg) {
    case 4: /* MUL */
        if (size == 1) {
            uint32_t r = (c->regs[R_EAX] & 0xFF) * src;
            reg_write(c, R_EAX, r, 2);
            mul_flags(c, r & 0xFF, (r >> 8) != 0, 1);
        } else if (size == 2) {
            uint32_t r = (c->regs[R_EAX] & 0xFFFF) * src;
            reg_write(c, R_EAX, r & 0xFFFF, 2);
            reg_write(c, R_EDX, r >> 16, 2);
            mul_flags(c, r & 0xFFFF, (r >> 16) != 0, 2);
        } else {
            uint64_t r = (uint64_t)c->regs[R_EAX] * src;
            c->regs[R_EAX] = (uint32_t)r;
            c->regs[R_EDX] = (uint32_t)(r >> 32);
            mul_flags(c, (uint32_t)r, (r >> 32) != 0, 4);
        }
        return;
    case 5: /* IMUL */
        if (size == 1) {
            int32_t r = (int8_t)c->regs[R_EAX] * (int8_t)src;
            reg_write(c, R_EAX, (uint32_t)r & 0xFFFF, 2);
            mul_flags(c, (uint32_t)r, r != (int8_t)r, 1);
        } else if (size == 2) {
            int32_t r = (int16_t)c->regs[R_EAX] * (int16_t)src;
            reg_write(c, R_EAX, (uint32_t)r & 0xFFFF, 2);
            reg_write(c, R_EDX, ((uint32_t)r >> 16) & 0xFFFF, 2);
            mul_flags(c, (uint32_t)r, r != (int16_t)r, 2);
        } else {
            int64_t r = (int64_t)(int32_t)c->regs[R_EAX] * (int32_t)src;
            c->regs[R_EAX] = (uint32_t)r;
            c->regs[R_EDX] = (uint32_t)((uint64_t)r >> 32);
            mul_flags(c, (uint32_t)r, r != (int32_t)r, 4);
        }
        return;
    case 6: /* DIV */
        if (src == 0)
            cpu_raise_noerr(c, EX_DE);
        if (size == 1) {
            uint32_t n = c->regs[R_EAX] & 0xFFFF, q = n / src;
            if (q > 0xFF)
                cpu_raise_noerr(c, EX_DE);
            reg_write(c, R_EAX, ((n % src) << 8) | q, 2);
        } else if (size == 2) {
            uint32_t n = ((c->regs[R_EDX] & 0xFFFF) << 16) |
                         (c->regs[R_EAX] & 0xFFFF);
            uint32_t q = n / src;
            if (q > 0xFFFF)
                cpu_raise_noerr(c, EX_DE);
            reg_write(c, R_EAX, q, 2);
            reg_write(c, R_EDX, n % src, 2);
        } else {
            uint64_t n = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
            uint64_t q = n / src;
            if (q > 0xFFFFFFFFu)
                cpu_raise_noerr(c, EX_DE);
            c->regs[R_EAX] = (uint32_t)q;
            c->regs[R_EDX] = (uint32_t)(n % src);
        }
        return;
    default: /* IDIV */
        if (src == 0)
            cpu_raise_noerr(c, EX_DE);
        if (size == 1) {
            int32_t n = (int16_t)c->regs[R_EAX], d = (int8_t)src;
            int32_t q = n / d, r = n % d;
            if (q > 127 || q < -128)
                cpu_raise_noerr(c, EX_DE);
            reg_write(c, R_EAX, (((uint32_t)r & 0xFF) << 8) | ((uint32_t)q & 0xFF), 2);
        } else if (size == 2) {
            int32_t n = (int32_t)(((c->regs[R_EDX] & 0xFFFF) << 16) |
                                  (c->regs[R_EAX] & 0xFFFF));
            int32_t d = (int16_t)src;
            int64_t q = (int64_t)n / d, r = (int64_t)n % d;
            if (q > 32767 || q < -32768)
                cpu_raise_noerr(c, EX_DE);
            reg_write(c, R_EAX, (uint32_t)q, 2);
            reg_write(c, R_EDX, (uint32_t)r, 2);
        } else {
            int64_t n = (int64_t)(((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX]);
            int64_t d = (int32_t)src;
            int64_t q, r;
            if (n == INT64_MIN && d == -1)
                cpu_raise_noerr(c, EX_DE);
            q = n / d;
            r = n % d;
            if (q > INT32_MAX || q < INT32_MIN)
                cpu_raise_noerr(c, EX_DE);
            c->regs[R_EAX] = (uint32_t)q;
            c->regs[R_EDX] = (uint32_t)r;
        }
        return;
    }
}

static uint32_t imul2(CPUState *c, uint32_t a, uint32_t b, unsigned size)
{
    if (size == 2) {
        int32_t r = (int16_t)a * (int16_t)b;
        mul_flags(c, (uint32_t)r, r != (int16_t)r, 2);
        return (uint32_t)r & 0xFFFF;
    } else {
        int64_t r = (int64_t)(int32_t)a * (int32_t)b;
        mul_flags(c, (uint32_t)r, r != (int32_t)r, 4);
        return (uint32_t)r;
    }
}

/* 0F AF: IMUL Gv,Ev */
HANDLER(op_imul_GE)
{
    unsigned size = opsize(i);
    uint32_t r = imul2(c, reg_read(c, i->reg, size), rm_read(c, i, size), size);
    reg_write(c, i->reg, r, size);
}

/* 69: IMUL Gv,Ev,Iz; 6B: IMUL Gv,Ev,Ib */
HANDLER(op_imul_GEI)
{
    unsigned size = opsize(i);
    uint32_t imm = i->op == 0x6B ? sext(i->imm, 1) : i->imm;
    uint32_t r = imul2(c, rm_read(c, i, size), imm, size);
    reg_write(c, i->reg, r, size);
}
