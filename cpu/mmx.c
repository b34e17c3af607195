/* MMX instructions of a Pentium II (0F 60-7F, 0F D1-FE without the SSE2
 * additions PADDQ/PMULUDQ/PSUBQ), on the x87 register file:
 *
 *   - MMn is the 64-bit significand of physical register Rn; writing it sets
 *     the exponent/sign word to FFFFh;
 *   - every MMX instruction except EMMS sets TOP = 0 and tags all registers
 *     valid; EMMS tags them all empty;
 *   - CR0.EM -> #UD, CR0.TS -> #NM, a pending unmasked x87 exception -> #MF
 *     (or FERR#, see fpu.h), checked before the operand is read;
 *   - with a 66h/F2h/F3h prefix the opcode is an SSE2 XMM form (cpu/sse.c);
 *   - the SSE "MMX extensions" (PMINUB, PSHUFW, PMOVMSKB, MASKMOVQ...) and
 *     the SSE2 PADDQ/PSUBQ/PMULUDQ on MMX registers are here too.
 */
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"
#include "cpu/simd.h"

static uint64_t mm_get(const FPUState *f, unsigned r) { return f->r[r & 7].m; }
static void mm_set(FPUState *f, unsigned r, uint64_t v)
{
    f->r[r & 7].m = v;
    f->r[r & 7].se = 0xFFFF;
}

/* Saturation helpers. */
static int64_t sat_s(int64_t v, int bits)
{
    int64_t hi = ((int64_t)1 << (bits - 1)) - 1, lo = -hi - 1;
    return v > hi ? hi : v < lo ? lo : v;
}
static uint64_t sat_u(int64_t v, int bits)
{
    int64_t hi = ((int64_t)1 << bits) - 1;
    return (uint64_t)(v > hi ? hi : v < 0 ? 0 : v);
}
static int64_t lane_s(uint64_t v, int i, int bits)
{
    uint64_t x = (v >> (i * bits)) & (bits == 64 ? ~0ull : ((1ull << bits) - 1));
    if (bits < 64 && (x >> (bits - 1)) & 1)
        x |= ~0ull << bits;
    return (int64_t)x;
}
static uint64_t lane_u(uint64_t v, int i, int bits)
{
    return (v >> (i * bits)) & (bits == 64 ? ~0ull : ((1ull << bits) - 1));
}
static uint64_t put_lane(uint64_t acc, int i, int bits, uint64_t x)
{
    uint64_t m = bits == 64 ? ~0ull : ((1ull << bits) - 1);
    return acc | ((x & m) << (i * bits));
}

enum { A_ADD, A_ADDS, A_ADDUS, A_SUB, A_SUBS, A_SUBUS, A_CMPEQ, A_CMPGT,
       A_MULL, A_MULH, A_MULHU, A_MINU, A_MAXU, A_MINS, A_MAXS, A_AVG };

uint64_t simd_lanewise(uint64_t a, uint64_t b, int bits, int op)
{
    uint64_t r = 0;
    int i, n = 64 / bits;
    for (i = 0; i < n; i++) {
        int64_t x = lane_s(a, i, bits), y = lane_s(b, i, bits);
        uint64_t ux = lane_u(a, i, bits), uy = lane_u(b, i, bits), v = 0;
        switch (op) {
        case A_ADD: v = ux + uy; break;
        case A_ADDS: v = (uint64_t)sat_s(x + y, bits); break;
        case A_ADDUS: v = sat_u((int64_t)(ux + uy), bits); break;
        case A_SUB: v = ux - uy; break;
        case A_SUBS: v = (uint64_t)sat_s(x - y, bits); break;
        case A_SUBUS: v = sat_u((int64_t)ux - (int64_t)uy, bits); break;
        case A_CMPEQ: v = ux == uy ? ~0ull : 0; break;
        case A_CMPGT: v = x > y ? ~0ull : 0; break;
        case A_MULL: v = (uint64_t)(x * y); break;
        case A_MULH: v = (uint64_t)((x * y) >> 16); break;
        case A_MULHU: v = (ux * uy) >> 16; break;
        case A_MINU: v = ux < uy ? ux : uy; break;
        case A_MAXU: v = ux > uy ? ux : uy; break;
        case A_MINS: v = (uint64_t)(x < y ? x : y); break;
        case A_MAXS: v = (uint64_t)(x > y ? x : y); break;
        case A_AVG: v = (ux + uy + 1) >> 1; break;
        }
        r = put_lane(r, i, bits, v);
    }
    return r;
}

/* Shifts by a count (64-bit count from a register/memory or imm8). */
uint64_t simd_shift(uint64_t a, uint64_t count, int bits, int kind)
{
    /* kind: 0 logical right, 1 arithmetic right, 2 left */
    uint64_t r = 0;
    int i, n = 64 / bits;
    for (i = 0; i < n; i++) {
        uint64_t v;
        if (kind == 1) {
            int64_t x = lane_s(a, i, bits);
            v = (uint64_t)(x >> (count > (uint64_t)bits - 1 ? bits - 1 : (int)count));
        } else if (count > (uint64_t)bits - 1) {
            v = 0;
        } else if (kind == 0) {
            v = lane_u(a, i, bits) >> count;
        } else {
            v = lane_u(a, i, bits) << count;
        }
        r = put_lane(r, i, bits, v);
    }
    return r;
}

uint64_t simd_pack(uint64_t a, uint64_t b, int from, int unsig)
{
    /* a's lanes then b's lanes, narrowed to from/2 bits with saturation */
    uint64_t r = 0;
    int n = 64 / from, i, to = from / 2;
    for (i = 0; i < 2 * n; i++) {
        int64_t x = lane_s(i < n ? a : b, i % n, from);
        uint64_t v = unsig ? sat_u(x, to) : (uint64_t)sat_s(x, to);
        r = put_lane(r, i, to, v);
    }
    return r;
}

uint64_t simd_unpack(uint64_t a, uint64_t b, int bits, int high)
{
    uint64_t r = 0;
    int n = 32 / bits, i;
    for (i = 0; i < n; i++) {
        int src = high ? i + n : i;
        r = put_lane(r, 2 * i, bits, lane_u(a, src, bits));
        r = put_lane(r, 2 * i + 1, bits, lane_u(b, src, bits));
    }
    return r;
}

/* One 64-bit half of a lanewise MMX/SSE2 integer operation (0F opcode
 * byte op); for the shifts b is the count.  Returns 0 if op is not one. */
int simd_half(unsigned op, uint64_t a, uint64_t b, uint64_t *res)
{
    uint64_t r;
    switch (op) {
    case 0x64: r = simd_lanewise(a, b, 8, A_CMPGT); break;
    case 0x65: r = simd_lanewise(a, b, 16, A_CMPGT); break;
    case 0x66: r = simd_lanewise(a, b, 32, A_CMPGT); break;
    case 0x74: r = simd_lanewise(a, b, 8, A_CMPEQ); break;
    case 0x75: r = simd_lanewise(a, b, 16, A_CMPEQ); break;
    case 0x76: r = simd_lanewise(a, b, 32, A_CMPEQ); break;
    case 0xD1: r = simd_shift(a, b, 16, 0); break;
    case 0xD2: r = simd_shift(a, b, 32, 0); break;
    case 0xD3: r = simd_shift(a, b, 64, 0); break;
    case 0xD4: r = a + b; break; /* PADDQ */
    case 0xD5: r = simd_lanewise(a, b, 16, A_MULL); break;
    case 0xD8: r = simd_lanewise(a, b, 8, A_SUBUS); break;
    case 0xD9: r = simd_lanewise(a, b, 16, A_SUBUS); break;
    case 0xDA: r = simd_lanewise(a, b, 8, A_MINU); break;
    case 0xDB: r = a & b; break;
    case 0xDC: r = simd_lanewise(a, b, 8, A_ADDUS); break;
    case 0xDD: r = simd_lanewise(a, b, 16, A_ADDUS); break;
    case 0xDE: r = simd_lanewise(a, b, 8, A_MAXU); break;
    case 0xDF: r = ~a & b; break;
    case 0xE0: r = simd_lanewise(a, b, 8, A_AVG); break;
    case 0xE1: r = simd_shift(a, b, 16, 1); break;
    case 0xE2: r = simd_shift(a, b, 32, 1); break;
    case 0xE3: r = simd_lanewise(a, b, 16, A_AVG); break;
    case 0xE4: r = simd_lanewise(a, b, 16, A_MULHU); break;
    case 0xE5: r = simd_lanewise(a, b, 16, A_MULH); break;
    case 0xE8: r = simd_lanewise(a, b, 8, A_SUBS); break;
    case 0xE9: r = simd_lanewise(a, b, 16, A_SUBS); break;
    case 0xEA: r = simd_lanewise(a, b, 16, A_MINS); break;
    case 0xEB: r = a | b; break;
    case 0xEC: r = simd_lanewise(a, b, 8, A_ADDS); break;
    case 0xED: r = simd_lanewise(a, b, 16, A_ADDS); break;
    case 0xEE: r = simd_lanewise(a, b, 16, A_MAXS); break;
    case 0xEF: r = a ^ b; break;
    case 0xF1: r = simd_shift(a, b, 16, 2); break;
    case 0xF2: r = simd_shift(a, b, 32, 2); break;
    case 0xF3: r = simd_shift(a, b, 64, 2); break;
    case 0xF4: r = (a & 0xFFFFFFFFu) * (b & 0xFFFFFFFFu); break; /* PMULUDQ */
    case 0xF5: { /* PMADDWD */
        int k;
        r = 0;
        for (k = 0; k < 2; k++) {
            int64_t s = lane_s(a, 2 * k, 16) * lane_s(b, 2 * k, 16) +
                        lane_s(a, 2 * k + 1, 16) * lane_s(b, 2 * k + 1, 16);
            r = put_lane(r, k, 32, (uint64_t)s);
        }
        break;
    }
    case 0xF6: { /* PSADBW */
        int k;
        uint64_t sum = 0;
        for (k = 0; k < 8; k++) {
            uint64_t x = lane_u(a, k, 8), y = lane_u(b, k, 8);
            sum += x > y ? x - y : y - x;
        }
        r = sum;
        break;
    }
    case 0xF8: r = simd_lanewise(a, b, 8, A_SUB); break;
    case 0xF9: r = simd_lanewise(a, b, 16, A_SUB); break;
    case 0xFA: r = simd_lanewise(a, b, 32, A_SUB); break;
    case 0xFB: r = a - b; break; /* PSUBQ */
    case 0xFC: r = simd_lanewise(a, b, 8, A_ADD); break;
    case 0xFD: r = simd_lanewise(a, b, 16, A_ADD); break;
    case 0xFE: r = simd_lanewise(a, b, 32, A_ADD); break;
    default: return 0;
    }
    *res = r;
    return 1;
}

static void mmx_enter(CPUState *c, const Insn *i)
{
    (void)i;
    if (c->cr0 & CR0_EM)
        EXC_UD(c);
    if (c->cr0 & CR0_TS)
        cpu_raise_noerr(c, EX_NM);
    if (c->fpu.sw & 0x0080) { /* pending unmasked x87 exception */
        if (c->cr0 & CR0_NE)
            cpu_raise_noerr(c, EX_MF);
    }
}

static uint64_t src64(CPUState *c, Insn *i)
{
    uint64_t lo, hi;
    uint32_t lin;
    if (i->mod == 3)
        return mm_get(&c->fpu, i->rm);
    lin = seg_lin(c, i->seg, insn_ea(c, i), 8, 0);
    lo = lin_read(c, lin, 4);
    hi = lin_read(c, lin + 4, 4);
    return lo | hi << 32;
}

static void mmx_state(FPUState *f)
{
    f->sw &= (uint16_t)~0x3800u; /* TOP = 0 */
    f->tw = 0;                   /* all valid */
}

void op_mmx(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    unsigned op = i->op & 0xFF, d = i->reg;
    uint64_t a, b, r;

    if (i->osz != c->code32 || i->rep) { /* 66/F2/F3: XMM forms */
        sse_int_op(c, i);
        return;
    }
    mmx_enter(c, i);
    if (op == 0x77) { /* EMMS */
        f->tw = 0xFFFF;
        return;
    }
    switch (op) {
    case 0x6E: { /* MOVD mm, r/m32 */
        uint32_t v = rm_read(c, i, 4);
        mmx_state(f);
        mm_set(f, d, v);
        return;
    }
    case 0x7E: { /* MOVD r/m32, mm */
        if (i->mod != 3) {
            uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), 4, 1);
            lin_write(c, lin, (uint32_t)mm_get(f, d), 4);
        } else {
            reg_write(c, i->rm, (uint32_t)mm_get(f, d), 4);
        }
        mmx_state(f);
        return;
    }
    case 0x6F: /* MOVQ mm, mm/m64 */
        b = src64(c, i);
        mmx_state(f);
        mm_set(f, d, b);
        return;
    case 0x7F: /* MOVQ mm/m64, mm */
        if (i->mod != 3) {
            uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), 8, 1);
            if (c->slow_mem)
                lin_probe_write(c, lin, 8);
            lin_write(c, lin, (uint32_t)mm_get(f, d), 4);
            lin_write(c, lin + 4, (uint32_t)(mm_get(f, d) >> 32), 4);
        } else {
            mm_set(f, i->rm, mm_get(f, d));
        }
        mmx_state(f);
        return;
    case 0xD7: { /* PMOVMSKB r32, mm */
        uint32_t m = 0;
        int k;
        if (i->mod != 3)
            EXC_UD(c);
        a = mm_get(f, i->rm);
        for (k = 0; k < 8; k++)
            m |= (uint32_t)((a >> (8 * k + 7)) & 1) << k;
        mmx_state(f);
        reg_write(c, d, m, 4);
        return;
    }
    case 0xE7: /* MOVNTQ m64, mm */
        if (i->mod == 3)
            EXC_UD(c);
        {
            uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), 8, 1);
            if (c->slow_mem)
                lin_probe_write(c, lin, 8);
            lin_write(c, lin, (uint32_t)mm_get(f, d), 4);
            lin_write(c, lin + 4, (uint32_t)(mm_get(f, d) >> 32), 4);
        }
        mmx_state(f);
        return;
    case 0xF7: { /* MASKMOVQ mm, mm: bytes to DS:(E)DI */
        uint32_t off = i->asz ? c->regs[R_EDI] : (c->regs[R_EDI] & 0xFFFF);
        int seg = i->seg_override ? i->seg : S_DS, k;
        if (i->mod != 3)
            EXC_UD(c);
        a = mm_get(f, d);
        b = mm_get(f, i->rm);
        for (k = 0; k < 8; k++)
            if ((b >> (8 * k + 7)) & 1)
                mem_write(c, seg, (off + (uint32_t)k) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu),
                          (uint32_t)(a >> (8 * k)) & 0xFF, 1);
        mmx_state(f);
        return;
    }
    case 0xC4: { /* PINSRW mm, r32/m16, imm8 */
        uint32_t v = rm_read(c, i, 2);
        unsigned k = i->imm & 3;
        a = mm_get(f, d);
        a = (a & ~(0xFFFFull << (16 * k))) | ((uint64_t)(v & 0xFFFF) << (16 * k));
        mmx_state(f);
        mm_set(f, d, a);
        return;
    }
    case 0xC5: /* PEXTRW r32, mm, imm8 */
        if (i->mod != 3)
            EXC_UD(c);
        a = mm_get(f, i->rm);
        mmx_state(f);
        reg_write(c, d, (uint32_t)((a >> (16 * (i->imm & 3))) & 0xFFFF), 4);
        return;
    case 0xD6: case 0xE6: case 0x6C: case 0x6D: /* XMM-only opcodes */
        EXC_UD(c);
    case 0x71: case 0x72: case 0x73: { /* shift groups, imm8 */
        static const int bits[3] = {16, 32, 64};
        int sz = bits[op - 0x71];
        if (i->mod != 3)
            EXC_UD(c);
        a = mm_get(f, i->rm);
        switch (i->reg) {
        case 2: r = simd_shift(a, i->imm & 0xFF, sz, 0); break;
        case 4:
            if (sz == 64)
                EXC_UD(c);
            r = simd_shift(a, i->imm & 0xFF, sz, 1);
            break;
        case 6: r = simd_shift(a, i->imm & 0xFF, sz, 2); break;
        default: EXC_UD(c);
        }
        mmx_state(f);
        mm_set(f, i->rm, r);
        return;
    }
    }
    b = src64(c, i);
    a = mm_get(f, d);
    switch (op) {
    case 0x60: r = simd_unpack(a, b, 8, 0); break;
    case 0x61: r = simd_unpack(a, b, 16, 0); break;
    case 0x62: r = simd_unpack(a, b, 32, 0); break;
    case 0x63: r = simd_pack(a, b, 16, 0); break;
    case 0x67: r = simd_pack(a, b, 16, 1); break;
    case 0x68: r = simd_unpack(a, b, 8, 1); break;
    case 0x69: r = simd_unpack(a, b, 16, 1); break;
    case 0x6A: r = simd_unpack(a, b, 32, 1); break;
    case 0x6B: r = simd_pack(a, b, 32, 0); break;
    case 0x70: { /* PSHUFW mm, mm/m64, imm8 */
        int k;
        r = 0;
        for (k = 0; k < 4; k++)
            r = put_lane(r, k, 16, lane_u(b, (int)((i->imm >> (2 * k)) & 3), 16));
        break;
    }
    default:
        if (!simd_half(op, a, b, &r))
            EXC_UD(c);
        break;
    }
    mmx_state(f);
    mm_set(f, d, r);
}
