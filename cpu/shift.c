/* Shifts and rotates: group 2 (C0 C1 D0-D3) and SHLD/SHRD.
 *
 * The count is masked to 5 bits (80286 and later).  A masked count of zero
 * changes nothing, flags included.  Flags the SDM leaves undefined (OF for
 * counts other than 1, AF) follow what the P6 family produces: OF from the
 * same formula as for a count of 1, AF cleared. */
#include "cpu/handlers.h"

static uint32_t szp(uint32_t r, unsigned size)
{
    uint32_t f = parity_table[r & 0xFF];
    if ((r & size_mask(size)) == 0)
        f |= F_ZF;
    if (r & sign_bit(size))
        f |= F_SF;
    return f;
}

/* Returns the result; updates flags.  kind = ModRM.reg. */
static ALWAYS_INLINE uint32_t shift_op(CPUState *c, int kind, uint32_t a,
                                       unsigned count, unsigned size)
{
    unsigned bits = size * 8;
    uint32_t m = size_mask(size), sb = sign_bit(size);
    /* Rotates keep the other flags; shifts set all six, so they need not
     * materialise the old ones. */
    uint32_t f = kind < 4 ? cpu_eflags(c) & F_ARITH : 0, r = a & m, cf;
    uint64_t w;
    a &= m;
    switch (kind) {
    case 0: /* ROL */
        if ((count & (bits - 1)) == 0) {
            /* a multiple of the width: value unchanged, flags still set */
            r = a;
        } else {
            unsigned n = count & (bits - 1);
            r = ((a << n) | (a >> (bits - n))) & m;
        }
        cf = r & 1;
        f = (f & ~(F_CF | F_OF)) | (cf ? F_CF : 0) |
            ((((r & sb) != 0) ^ cf) ? F_OF : 0);
        break;
    case 1: /* ROR */
        if ((count & (bits - 1)) != 0) {
            unsigned n = count & (bits - 1);
            r = ((a >> n) | (a << (bits - n))) & m;
        }
        cf = (r & sb) != 0;
        f = (f & ~(F_CF | F_OF)) | (cf ? F_CF : 0) |
            ((cf ^ ((r & (sb >> 1)) != 0)) ? F_OF : 0);
        break;
    case 2: /* RCL: rotate through CF, width+1 bits */
    case 3: { /* RCR */
        unsigned n = size == 4 ? count : count % (bits + 1);
        uint32_t cin = (f & F_CF) != 0;
        unsigned k;
        r = a;
        cf = cin;
        /* n == 0 with a nonzero masked count (a multiple of width+1): the
         * value and CF are unchanged but OF is recomputed, as the
         * conformance data records (OF is undefined for counts != 1). */
        for (k = 0; k < n; k++) {
            if (kind == 2) {
                uint32_t out = (r & sb) != 0;
                r = ((r << 1) | cf) & m;
                cf = out;
            } else {
                uint32_t out = r & 1;
                r = (r >> 1) | (cf ? sb : 0);
                cf = out;
            }
        }
        if (kind == 2)
            f = (f & ~(F_CF | F_OF)) | (cf ? F_CF : 0) |
                ((((r & sb) != 0) ^ cf) ? F_OF : 0);
        else
            f = (f & ~(F_CF | F_OF)) | (cf ? F_CF : 0) |
                ((((r & sb) != 0) ^ ((r & (sb >> 1)) != 0)) ? F_OF : 0);
        break;
    }
    case 4: /* SHL */
    case 6: /* SAL (undocumented alias) */
        w = (uint64_t)a << count;
        r = (uint32_t)w & m;
        cf = (uint32_t)(w >> bits) & 1;
        f = szp(r, size) | (cf ? F_CF : 0) |
            ((((r & sb) != 0) ^ cf) ? F_OF : 0);
        break;
    case 5: /* SHR */
        r = (uint32_t)((uint64_t)a >> count) & m;
        cf = (uint32_t)((uint64_t)a >> (count - 1)) & 1;
        /* OF: the original sign for a count of 1; undefined (cleared) else */
        f = szp(r, size) | (cf ? F_CF : 0) | ((a & sb) && count == 1 ? F_OF : 0);
        break;
    default: { /* SAR */
        int64_t s = (int64_t)(int32_t)sext(a, size);
        r = (uint32_t)(s >> count) & m;
        cf = (uint32_t)(s >> (count - 1)) & 1;
        f = szp(r, size) | (cf ? F_CF : 0);
        break;
    }
    }
    flags_set_arith(c, f);
    return r;
}

HANDLER(op_grp2)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    unsigned count;
    uint32_t lin = 0, a, r;
    switch (i->op) {
    case 0xC0: case 0xC1: count = i->imm & 0xFF; break;
    case 0xD0: case 0xD1: count = 1; break;
    default: count = c->regs[R_ECX] & 0xFF; break;
    }
    count &= 0x1F;
    if (count == 0) {
        (void)rm_read(c, i, size);
        return;
    }
    a = rmw_begin(c, i, size, &lin);
    r = shift_op(c, i->reg, a, count, size);
    rmw_end(c, i, lin, r, size);
}

/* SHL/SHR/SAR with a 32-bit register operand (decode.c fast_handler):
 * op_grp2 with the operation and size constant. */
#define SHIFT_R32(name, kind)                                                  \
    static void name(CPUState *c, Insn *i)                                     \
    {                                                                          \
        unsigned count;                                                        \
        switch (i->op) {                                                       \
        case 0xC1: count = i->imm & 0xFF; break;                               \
        case 0xD1: count = 1; break;                                           \
        default: count = c->regs[R_ECX] & 0xFF; break;                         \
        }                                                                      \
        count &= 0x1F;                                                         \
        if (count == 0)                                                        \
            return;                                                            \
        c->regs[i->rm] = shift_op(c, kind, c->regs[i->rm], count, 4);         \
    }
SHIFT_R32(shl32_r, 4)
SHIFT_R32(shr32_r, 5)
SHIFT_R32(sar32_r, 7)
#undef SHIFT_R32
const InsnFn shift_r32[8] = {NULL, NULL, NULL, NULL,
                             shl32_r, shr32_r, shl32_r, sar32_r};

/* SHLD Ev,Gv,Ib/CL.  For 16-bit operands and counts 17..31 the result is
 * undefined; this model shifts the 48-bit value op1:op2:op1 like the P6. */
HANDLER(op_shld)
{
    unsigned size = opsize(i);
    unsigned count = ((i->op == 0x1A4) ? i->imm : c->regs[R_ECX]) & 0x1F;
    uint32_t lin = 0, a, b, r, cf, f;
    if (count == 0) {
        (void)rm_read(c, i, size);
        return;
    }
    a = rmw_begin(c, i, size, &lin);
    b = reg_read(c, i->reg, size);
    if (size == 4) {
        r = (a << count) | (count ? b >> (32 - count) : 0);
        cf = (a >> (32 - count)) & 1;
    } else {
        uint64_t v = ((uint64_t)a << 32) | ((uint64_t)b << 16) | a;
        r = (uint32_t)(v >> (32 - count)) & 0xFFFF;
        cf = (uint32_t)(v >> (48 - count)) & 1;
    }
    f = szp(r, size) | (cf ? F_CF : 0) |
        ((((r & sign_bit(size)) != 0) ^ cf) ? F_OF : 0);
    flags_set_arith(c, f);
    rmw_end(c, i, lin, r, size);
}

HANDLER(op_shrd)
{
    unsigned size = opsize(i);
    unsigned count = ((i->op == 0x1AC) ? i->imm : c->regs[R_ECX]) & 0x1F;
    uint32_t lin = 0, a, b, r, cf, f, sb = sign_bit(size);
    if (count == 0) {
        (void)rm_read(c, i, size);
        return;
    }
    a = rmw_begin(c, i, size, &lin);
    b = reg_read(c, i->reg, size);
    if (size == 4) {
        r = (a >> count) | (b << (32 - count));
        cf = (a >> (count - 1)) & 1;
    } else {
        uint64_t v = (uint64_t)a | ((uint64_t)b << 16) | ((uint64_t)a << 32);
        r = (uint32_t)(v >> count) & 0xFFFF;
        cf = (uint32_t)(v >> (count - 1)) & 1;
    }
    f = szp(r, size) | (cf ? F_CF : 0) |
        ((((r & sb) != 0) ^ ((r & (sb >> 1)) != 0)) ? F_OF : 0);
    flags_set_arith(c, f);
    rmw_end(c, i, lin, r, size);
}
