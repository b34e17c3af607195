/* Lazy arithmetic flags (STYLE.md §3.5).
 *
 * ALU handlers store the operation (cc_op = kind<<3 | size), its operands
 * and result; CF, PF, AF, ZF, SF and OF are computed here only when an
 * instruction reads them.  Operations whose flag rules are irregular
 * (shifts, multiply, BCD) compute them eagerly and set CC_EFLAGS.
 */
#include "cpu/cpu_internal.h"

const uint8_t parity_table[256] = {
#define P2(n) n, n ^ 4, n ^ 4, n
#define P4(n) P2(n), P2(n ^ 4), P2(n ^ 4), P2(n)
#define P6(n) P4(n), P4(n ^ 4), P4(n ^ 4), P4(n)
    P6(4), P6(0), P6(0), P6(4)
#undef P2
#undef P4
#undef P6
};

static uint32_t szp(uint32_t res, unsigned size)
{
    uint32_t f = parity_table[res & 0xFF];
    if ((res & size_mask(size)) == 0)
        f |= F_ZF;
    if (res & sign_bit(size))
        f |= F_SF;
    return f;
}

uint32_t flags_arith(const CPUState *c)
{
    unsigned size = c->cc_op & 7;
    uint32_t r = c->cc_res, a = c->cc_src1, b = c->cc_src2;
    uint32_t sb = sign_bit(size ? size : 1);
    uint32_t f;

    switch (c->cc_op >> 3) {
    case CC_EFLAGS:
        return c->eflags & F_ARITH;
    case CC_ADD:
        f = szp(r, size) | ((a ^ b ^ r) & F_AF);
        if (r < (a & size_mask(size)))
            f |= F_CF;
        if ((~(a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        return f;
    case CC_ADC:
        f = szp(r, size) | ((a ^ b ^ r) & F_AF);
        if (r < (a & size_mask(size)) ||
            (c->cc_cin && r == (a & size_mask(size))))
            f |= F_CF;
        if ((~(a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        return f;
    case CC_SUB:
        f = szp(r, size) | ((a ^ b ^ r) & F_AF);
        if ((a & size_mask(size)) < (b & size_mask(size)))
            f |= F_CF;
        if (((a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        return f;
    case CC_SBB:
        f = szp(r, size) | ((a ^ b ^ r) & F_AF);
        if ((a & size_mask(size)) < (b & size_mask(size)) ||
            (c->cc_cin && (b & size_mask(size)) == size_mask(size)) ||
            (c->cc_cin && (a & size_mask(size)) == (b & size_mask(size))))
            f |= F_CF;
        if (((a ^ b) & (a ^ r)) & sb)
            f |= F_OF;
        return f;
    case CC_LOGIC:
        return szp(r, size);
    case CC_INC:
        f = szp(r, size) | ((a ^ 1 ^ r) & F_AF) | (c->cc_cin ? F_CF : 0);
        if (r == sb)
            f |= F_OF;
        return f;
    case CC_DEC:
        f = szp(r, size) | ((a ^ 1 ^ r) & F_AF) | (c->cc_cin ? F_CF : 0);
        if (r == sb - 1)
            f |= F_OF;
        return f;
    }
    return 0;
}

int flag_cf(const CPUState *c)
{
    unsigned size = c->cc_op & 7;
    uint32_t m = size_mask(size ? size : 1);
    switch (c->cc_op >> 3) {
    case CC_EFLAGS:
        return c->eflags & F_CF;
    case CC_ADD:
        return c->cc_res < (c->cc_src1 & m);
    case CC_SUB:
        return (c->cc_src1 & m) < (c->cc_src2 & m);
    case CC_LOGIC:
        return 0;
    case CC_INC:
    case CC_DEC:
        return c->cc_cin != 0;
    }
    return (flags_arith(c) & F_CF) != 0;
}

uint32_t cpu_eflags(CPUState *c)
{
    if (c->cc_op != CC_EFLAGS) {
        c->eflags = (c->eflags & ~F_ARITH) | flags_arith(c);
        c->cc_op = CC_EFLAGS;
    }
    return c->eflags;
}

void flags_set_arith(CPUState *c, uint32_t arith)
{
    c->eflags = (c->eflags & ~F_ARITH) | (arith & F_ARITH);
    c->cc_op = CC_EFLAGS;
}

void flags_write(CPUState *c, uint32_t v, uint32_t mask)
{
    uint32_t old = cpu_eflags(c);
    c->eflags = ((old & ~mask) | (v & mask) | 2u) & ~(0x8u | 0x20u | 0x8000u);
    c->eflags &= (F_MASK_ALL | 2u);
    if ((old ^ c->eflags) & (F_VM | F_AC))
        cpu_update_mode(c);
}

/* Condition codes 0..15 in Jcc encoding order (SDM Vol. 2 appendix B). */
int cond_true(CPUState *c, int cc)
{
    uint32_t f;
    int r = cond_lazy(c, cc);
    if (r >= 0)
        return r;
    if ((cc >> 1) == 1) { /* B/NB: CF only, the common fast case */
        r = flag_cf(c);
        return (cc & 1) ? !r : r;
    }
    f = (c->cc_op == CC_EFLAGS) ? c->eflags : flags_arith(c);
    switch (cc >> 1) {
    case 0: r = (f & F_OF) != 0; break;
    case 2: r = (f & F_ZF) != 0; break;
    case 3: r = (f & (F_CF | F_ZF)) != 0; break;
    case 4: r = (f & F_SF) != 0; break;
    case 5: r = (f & F_PF) != 0; break;
    case 6: r = ((f & F_SF) != 0) != ((f & F_OF) != 0); break;
    default:
        r = (f & F_ZF) || (((f & F_SF) != 0) != ((f & F_OF) != 0));
        break;
    }
    return (cc & 1) ? !r : r;
}
