/* SSE and SSE2 (Pentium 4 level, no SSE3): XMM registers, MXCSR,
 * FXSAVE/FXRSTOR, LDMXCSR/STMXCSR, fences, CLFLUSH, the MMX extensions
 * (PMINUB... on MMX registers) and the 66h/F2h/F3h mandatory-prefix forms of
 * the 0F opcode map.
 *
 * Rules (SDM Vol. 3 §13.1, Vol. 1 §11.5):
 *   - XMM instructions: CR0.EM or CR4.OSFXSR = 0 -> #UD; CR0.TS -> #NM;
 *   - SIMD floating-point exceptions accumulate in MXCSR; an unmasked one
 *     leaves the destination unchanged and raises #XM (CR4.OSXMMEXCPT = 1)
 *     or #UD (= 0);
 *   - 128-bit memory operands must be 16-byte aligned (#GP(0)) except for
 *     MOVUPS/MOVUPD/MOVDQU and MASKMOVDQU; scalar operands need not be;
 *   - FXSAVE/FXRSTOR: #NM on CR0.TS or CR0.EM, #GP(0) for a misaligned
 *     area or (FXRSTOR) reserved MXCSR bits; the 512-byte 32-bit layout.
 * RCPPS/RSQRTPS/RCPSS/RSQRTSS return the correctly rounded reciprocal
 * (root) rounded to 12 bits, which is within the architectural error bound
 * (1.5 * 2^-12) but not bit-identical to any Intel part.
 */
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"
#include "cpu/simd.h"

typedef struct X128 {
    uint64_t lo, hi;
} X128;

#define MXCSR_DAZ 0x0040u
#define MXCSR_FTZ 0x8000u
#define MXCSR_MASK_ALL 0xFFFFu

static X128 xr(const FPUState *f, unsigned r)
{
    X128 v;
    v.lo = f->xmm[r & 7][0];
    v.hi = f->xmm[r & 7][1];
    return v;
}
static void xw(FPUState *f, unsigned r, X128 v)
{
    f->xmm[r & 7][0] = v.lo;
    f->xmm[r & 7][1] = v.hi;
}

/* ---- entry checks ------------------------------------------------------------ */
static void sse_enter(CPUState *c)
{
    if ((c->cr0 & CR0_EM) || !(c->cr4 & CR4_OSFXSR))
        EXC_UD(c);
    if (c->cr0 & CR0_TS)
        cpu_raise_noerr(c, EX_NM);
}
/* Instructions that also touch MMX registers: x87 -> MMX transition. */
static void mmx_touch(CPUState *c)
{
    FPUState *f = &c->fpu;
    if ((f->sw & 0x0080) && (c->cr0 & CR0_NE))
        cpu_raise_noerr(c, EX_MF);
    f->sw &= (uint16_t)~0x3800u;
    f->tw = 0;
}
static uint64_t mm_get(const FPUState *f, unsigned r) { return f->r[r & 7].m; }
static void mm_set(FPUState *f, unsigned r, uint64_t v)
{
    f->r[r & 7].m = v;
    f->r[r & 7].se = 0xFFFF;
}

/* ---- memory ------------------------------------------------------------------------ */
static uint32_t ea_lin(CPUState *c, Insn *i, unsigned n, int write, int align)
{
    uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), n, write);
    if (align && (lin & 15))
        EXC_GP(c, 0);
    if (write && c->slow_mem)
        lin_probe_write(c, lin, n);
    return lin;
}
static uint64_t rd64(CPUState *c, uint32_t lin)
{
    uint64_t lo = lin_read(c, lin, 4);
    return lo | (uint64_t)lin_read(c, lin + 4, 4) << 32;
}
static void wr64(CPUState *c, uint32_t lin, uint64_t v)
{
    lin_write(c, lin, (uint32_t)v, 4);
    lin_write(c, lin + 4, (uint32_t)(v >> 32), 4);
}
/* xmm/m128 source */
static X128 src128(CPUState *c, Insn *i, int align)
{
    X128 v;
    uint32_t lin;
    if (i->mod == 3)
        return xr(&c->fpu, i->rm);
    lin = ea_lin(c, i, 16, 0, align);
    v.lo = rd64(c, lin);
    v.hi = rd64(c, lin + 8);
    return v;
}
/* xmm/m64 or xmm/m32 scalar source (low bits) */
static uint64_t src_scalar(CPUState *c, Insn *i, int dbl)
{
    uint32_t lin;
    if (i->mod == 3)
        return dbl ? c->fpu.xmm[i->rm][0] : (uint32_t)c->fpu.xmm[i->rm][0];
    lin = ea_lin(c, i, dbl ? 8 : 4, 0, 0);
    return dbl ? rd64(c, lin) : lin_read(c, lin, 4);
}
static void dst128(CPUState *c, Insn *i, X128 v, int align)
{
    uint32_t lin;
    if (i->mod == 3) {
        xw(&c->fpu, i->rm, v);
        return;
    }
    lin = ea_lin(c, i, 16, 1, align);
    wr64(c, lin, v.lo);
    wr64(c, lin + 8, v.hi);
}
static uint64_t mmsrc(CPUState *c, Insn *i)
{
    uint32_t lin;
    if (i->mod == 3)
        return mm_get(&c->fpu, i->rm);
    lin = ea_lin(c, i, 8, 0, 0);
    return rd64(c, lin);
}

/* ---- MXCSR and SIMD exceptions ------------------------------------------------- */
static SFCtx sctx(const FPUState *f)
{
    SFCtx s;
    s.rc = (f->mxcsr >> 13) & 3;
    s.pc = SF_P64;
    s.masks = (f->mxcsr >> 7) & 0x3F;
    s.flags = 0;
    s.c1 = 0;
    s.fmt = 0;
    s.ftz = (f->mxcsr & MXCSR_FTZ) != 0;
    s.tail = 0;
    return s;
}
static int daz(const FPUState *f) { return (f->mxcsr & MXCSR_DAZ) != 0; }
/* Records the flags; raises #XM/#UD when one is unmasked (the caller has
 * not written the destination yet). */
static void simd_exc(CPUState *c, const SFCtx *s)
{
    FPUState *f = &c->fpu;
    f->mxcsr |= s->flags;
    if (s->flags & ~s->masks & 0x3F) {
        if (c->cr4 & CR4_OSXMMEXCPT)
            cpu_raise_noerr(c, EX_XM);
        EXC_UD(c);
    }
}

/* ---- lane helpers ------------------------------------------------------------- */
static uint64_t lane(X128 v, int i, int dbl)
{
    if (dbl)
        return i ? v.hi : v.lo;
    return (uint32_t)((i < 2 ? v.lo : v.hi) >> (32 * (i & 1)));
}
static void set_lane(X128 *v, int i, int dbl, uint64_t x)
{
    if (dbl) {
        if (i)
            v->hi = x;
        else
            v->lo = x;
        return;
    }
    {
        uint64_t *w = i < 2 ? &v->lo : &v->hi;
        int sh = 32 * (i & 1);
        *w = (*w & ~(0xFFFFFFFFull << sh)) | ((x & 0xFFFFFFFFull) << sh);
    }
}

/* CMPPS predicate imm8 0..7 */
static uint64_t cmp_pred(SFCtx *s, uint64_t a, uint64_t b, int dbl, int dz,
                         unsigned imm)
{
    int signal = (imm & 3) == 1 || (imm & 3) == 2; /* LT LE NLT NLE */
    int r = sse_compare(s, a, b, dbl, dz, signal);
    int t;
    switch (imm & 7) {
    case 0: t = r == FX_EQ; break;
    case 1: t = r == FX_LT; break;
    case 2: t = r == FX_LT || r == FX_EQ; break;
    case 3: t = r == FX_UN; break;
    case 4: t = r != FX_EQ; break;
    case 5: t = r != FX_LT; break;
    case 6: t = !(r == FX_LT || r == FX_EQ); break;
    default: t = r != FX_UN; break;
    }
    return t ? (dbl ? ~0ull : 0xFFFFFFFFull) : 0;
}

/* Approximate reciprocal / reciprocal square root (binary32).
 *
 * The 12-bit result significands come from tables recorded on AMD Zen
 * silicon (cpu/sse_approx.c, tests/tools/gen-approx.c): RCPPS looks up the
 * top 12 significand bits, RSQRTPS the exponent's low bit and the top 12
 * significand bits.  MXCSR has no effect (no DAZ/FTZ/rounding, no flags):
 * zero and denormal inputs give +-infinity, results below the normal range
 * are +-0, a NaN is quieted, RSQRT of a negative number is the default
 * NaN.  tests/diff/approxdiff checks all 2^32 inputs against the host. */
uint32_t sse_rcp_approx(uint32_t a, int rsqrt)
{
    uint32_t sign = a & 0x80000000u;
    uint32_t e = (a >> 23) & 0xFF, fr = a & 0x7FFFFF;
    int re;
    if (e == 0xFF) {
        if (fr)
            return a | 0x400000u;
        if (rsqrt)
            return sign ? 0xFFC00000u : 0;
        return sign;
    }
    if (e == 0) /* zero or denormal: read as zero, result +-infinity */
        return sign | 0x7F800000u;
    if (!rsqrt) {
        re = 253 - (int)e;
        if (re <= 0)
            return sign;
        return sign | (uint32_t)re << 23 | (uint32_t)sse_rcp_tab[fr >> 11] << 11;
    }
    if (sign)
        return 0xFFC00000u;
    /* x = 1.f * 2^u: 1/sqrt(x) = (1/sqrt(1.f * 2^(u & 1))) * 2^-(u >> 1) */
    re = 126 - ((int)e - 127 - (int)((e & 1) ^ 1)) / 2;
    return (uint32_t)re << 23 |
           (uint32_t)sse_rsqrt_tab[((e & 1) ^ 1) << 12 | fr >> 11] << 11;
}

/* ---- packed/scalar floating point: 0F 51-5F, C2 --------------------------------- */
static void fp_op(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    unsigned op = i->op & 0xFF;
    int dbl = pfx == 1 || pfx == 2, scalar = pfx >= 2;
    int n = scalar ? 1 : (dbl ? 2 : 4), k;
    SFCtx s = sctx(f);
    X128 a = xr(f, i->reg), b, r = a;
    int dz = daz(f);
    if (scalar) {
        b.lo = src_scalar(c, i, dbl);
        b.hi = 0;
    } else {
        b = src128(c, i, 1);
    }
    for (k = 0; k < n; k++) {
        uint64_t x = lane(a, k, dbl), y = lane(b, k, dbl), v = 0;
        switch (op) {
        case 0x51: v = sse_arith(&s, SSE_SQRT, x, y, dbl, dz); break;
        case 0x52: v = sse_rcp_approx((uint32_t)y, 1); break;
        case 0x53: v = sse_rcp_approx((uint32_t)y, 0); break;
        case 0x58: v = sse_arith(&s, SSE_ADD, x, y, dbl, dz); break;
        case 0x59: v = sse_arith(&s, SSE_MUL, x, y, dbl, dz); break;
        case 0x5C: v = sse_arith(&s, SSE_SUB, x, y, dbl, dz); break;
        case 0x5D: v = sse_arith(&s, SSE_MIN, x, y, dbl, dz); break;
        case 0x5E: v = sse_arith(&s, SSE_DIV, x, y, dbl, dz); break;
        case 0x5F: v = sse_arith(&s, SSE_MAX, x, y, dbl, dz); break;
        case 0xC2: v = cmp_pred(&s, x, y, dbl, dz, i->imm); break;
        }
        set_lane(&r, k, dbl, v);
    }
    simd_exc(c, &s);
    xw(f, i->reg, r);
}

/* ---- conversions ----------------------------------------------------------------------- */
static int64_t to_int32(SFCtx *s, const FPUState *f, uint64_t v, int dbl, int trunc)
{
    return sse_to_int(s, v, dbl, 32, trunc, daz(f));
}

static void cvt_2a(CPUState *c, Insn *i, int pfx) /* 0F 2A */
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    X128 r = xr(f, i->reg);
    if (pfx == 0 || pfx == 1) { /* CVTPI2PS / CVTPI2PD xmm, mm/m64 */
        uint64_t m = mmsrc(c, i);
        if (i->mod == 3 || pfx == 0)
            mmx_touch(c);
        if (pfx == 0) {
            set_lane(&r, 0, 0, sse_from_int(&s, (int32_t)m, 0));
            set_lane(&r, 1, 0, sse_from_int(&s, (int32_t)(m >> 32), 0));
        } else {
            r.lo = sse_from_int(&s, (int32_t)m, 1);
            r.hi = sse_from_int(&s, (int32_t)(m >> 32), 1);
        }
    } else { /* CVTSI2SS / CVTSI2SD xmm, r/m32 */
        int32_t v = (int32_t)rm_read(c, i, 4);
        set_lane(&r, 0, pfx == 2, sse_from_int(&s, v, pfx == 2));
    }
    simd_exc(c, &s);
    xw(f, i->reg, r);
}

static void cvt_2c2d(CPUState *c, Insn *i, int pfx) /* 0F 2C/2D */
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    int trunc = (i->op & 0xFF) == 0x2C;
    if (pfx == 0 || pfx == 1) { /* CVT(T)PS2PI / CVT(T)PD2PI mm, xmm/m */
        X128 b;
        uint64_t r;
        if (pfx == 0) {
            b.lo = src_scalar(c, i, 1);
            b.hi = 0;
        } else {
            b = src128(c, i, 1);
        }
        r = (uint32_t)to_int32(&s, f, lane(b, 0, pfx), pfx, trunc) |
            (uint64_t)(uint32_t)to_int32(&s, f, lane(b, 1, pfx), pfx, trunc) << 32;
        simd_exc(c, &s);
        mmx_touch(c);
        mm_set(f, i->reg, r);
        return;
    }
    {
        uint64_t v = src_scalar(c, i, pfx == 2);
        uint32_t r = (uint32_t)to_int32(&s, f, v, pfx == 2, trunc);
        simd_exc(c, &s);
        reg_write(c, i->reg, r, 4);
    }
}

static void cvt_5a(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    X128 r = xr(f, i->reg), b;
    int dz = daz(f);
    switch (pfx) {
    case 0: /* CVTPS2PD xmm, xmm/m64 */
        b.lo = src_scalar(c, i, 1);
        r.lo = sse_convert(&s, (uint32_t)b.lo, 0, dz);
        r.hi = sse_convert(&s, b.lo >> 32, 0, dz);
        break;
    case 1: /* CVTPD2PS */
        b = src128(c, i, 1);
        r.lo = sse_convert(&s, b.lo, 1, dz) | sse_convert(&s, b.hi, 1, dz) << 32;
        r.hi = 0;
        break;
    case 3: /* CVTSS2SD */
        r.lo = sse_convert(&s, src_scalar(c, i, 0), 0, dz);
        break;
    default: /* CVTSD2SS */
        set_lane(&r, 0, 0, sse_convert(&s, src_scalar(c, i, 1), 1, dz));
        break;
    }
    simd_exc(c, &s);
    xw(f, i->reg, r);
}

static void cvt_5b(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    X128 b = src128(c, i, 1), r;
    int k;
    r.lo = r.hi = 0;
    if (pfx == 2)
        EXC_UD(c);
    for (k = 0; k < 4; k++) {
        uint64_t x = lane(b, k, 0);
        if (pfx == 0) /* CVTDQ2PS */
            set_lane(&r, k, 0, sse_from_int(&s, (int32_t)x, 0));
        else /* CVTPS2DQ (66) / CVTTPS2DQ (F3) */
            set_lane(&r, k, 0, (uint64_t)to_int32(&s, f, x, 0, pfx == 3));
    }
    simd_exc(c, &s);
    xw(f, i->reg, r);
}

static void cvt_e6(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    X128 r;
    if (pfx == 0)
        EXC_UD(c);
    if (pfx == 3) { /* CVTDQ2PD xmm, xmm/m64 */
        uint64_t m = src_scalar(c, i, 1);
        r.lo = sse_from_int(&s, (int32_t)m, 1);
        r.hi = sse_from_int(&s, (int32_t)(m >> 32), 1);
    } else { /* CVTTPD2DQ (66) / CVTPD2DQ (F2) */
        X128 b = src128(c, i, 1);
        r.lo = (uint32_t)to_int32(&s, f, b.lo, 1, pfx == 1) |
               (uint64_t)(uint32_t)to_int32(&s, f, b.hi, 1, pfx == 1) << 32;
        r.hi = 0;
    }
    simd_exc(c, &s);
    xw(f, i->reg, r);
}

/* ---- COMISS / UCOMISS -------------------------------------------------------------- */
static void comis(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    SFCtx s = sctx(f);
    int dbl = pfx == 1;
    uint64_t a = dbl ? f->xmm[i->reg][0] : (uint32_t)f->xmm[i->reg][0];
    uint64_t b = src_scalar(c, i, dbl);
    int r = sse_compare(&s, a, b, dbl, daz(f), (i->op & 0xFF) == 0x2F);
    uint32_t fl = cpu_eflags(c) & ~(F_ZF | F_PF | F_CF | F_OF | F_SF | F_AF);
    simd_exc(c, &s);
    switch (r) {
    case FX_LT: fl |= F_CF; break;
    case FX_EQ: fl |= F_ZF; break;
    case FX_GT: break;
    default: fl |= F_ZF | F_PF | F_CF; break;
    }
    c->eflags = fl;
    c->cc_op = CC_EFLAGS;
}

/* ---- FXSAVE / FXRSTOR / MXCSR / fences (0F AE) ---------------------------------- */
static void fxsave(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    uint8_t b[512];
    uint32_t lin;
    unsigned k, n;
    memset(b, 0, sizeof b);
    stw_le(b + 0, f->cw);
    stw_le(b + 2, f->sw);
    for (k = 0; k < 8; k++)
        if (((f->tw >> (2 * k)) & 3) != 3)
            b[4] |= (uint8_t)(1u << k);
    stw_le(b + 6, f->fop);
    stl_le(b + 8, f->fip);
    stw_le(b + 12, f->fcs);
    stl_le(b + 16, f->fdp);
    stw_le(b + 20, f->fds);
    stl_le(b + 24, f->mxcsr);
    stl_le(b + 28, MXCSR_MASK_ALL);
    for (k = 0; k < 8; k++) {
        const floatx80 *r = &f->r[(((f->sw >> 11) & 7) + k) & 7];
        stq_le(b + 32 + 16 * k, r->m);
        stw_le(b + 40 + 16 * k, r->se);
    }
    for (k = 0; k < 8; k++) {
        stq_le(b + 160 + 16 * k, f->xmm[k][0]);
        stq_le(b + 168 + 16 * k, f->xmm[k][1]);
    }
    lin = ea_lin(c, i, 512, 1, 1);
    for (n = 0; n < 512; n += 4)
        lin_write(c, lin + n, ldl_le(b + n), 4);
}

static void fxrstor(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    uint8_t b[512];
    uint32_t lin = ea_lin(c, i, 512, 0, 1), mx;
    unsigned k, n, top;
    for (n = 0; n < 512; n += 4)
        stl_le(b + n, lin_read(c, lin + n, 4));
    mx = ldl_le(b + 24);
    if (mx & ~MXCSR_MASK_ALL)
        EXC_GP(c, 0);
    f->cw = (uint16_t)((ldw_le(b + 0) & 0x1F7F) | 0x0040);
    f->sw = ldw_le(b + 2);
    f->fop = ldw_le(b + 6) & 0x7FF;
    f->fip = ldl_le(b + 8);
    f->fcs = ldw_le(b + 12);
    f->fdp = ldl_le(b + 16);
    f->fds = ldw_le(b + 20);
    f->mxcsr = mx;
    top = (f->sw >> 11) & 7;
    for (k = 0; k < 8; k++) {
        floatx80 *r = &f->r[(top + k) & 7];
        r->m = ldq_le(b + 32 + 16 * k);
        r->se = ldw_le(b + 40 + 16 * k);
    }
    f->tw = 0;
    for (k = 0; k < 8; k++)
        if (!(b[4] & (1u << k)))
            f->tw |= (uint16_t)(3u << (2 * k));
    for (k = 0; k < 8; k++) {
        f->xmm[k][0] = ldq_le(b + 160 + 16 * k);
        f->xmm[k][1] = ldq_le(b + 168 + 16 * k);
    }
    fpu_update_es(c);
}

static void op_0fae(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    if (i->mod == 3) {
        /* LFENCE (E8), MFENCE (F0), SFENCE (F8): ordering is trivially
         * satisfied by an in-order interpreter */
        if (i->reg >= 5)
            return;
        EXC_UD(c);
    }
    switch (i->reg) {
    case 0: case 1:
        if (c->cr0 & (CR0_EM | CR0_TS))
            cpu_raise_noerr(c, EX_NM);
        if (i->reg == 0)
            fxsave(c, i);
        else
            fxrstor(c, i);
        return;
    case 2: { /* LDMXCSR */
        uint32_t v, lin;
        sse_enter(c);
        lin = ea_lin(c, i, 4, 0, 0);
        v = lin_read(c, lin, 4);
        if (v & ~MXCSR_MASK_ALL)
            EXC_GP(c, 0);
        f->mxcsr = v;
        return;
    }
    case 3: { /* STMXCSR */
        uint32_t lin;
        sse_enter(c);
        lin = ea_lin(c, i, 4, 1, 0);
        lin_write(c, lin, f->mxcsr, 4);
        return;
    }
    case 7: /* CLFLUSH: faults like a byte read; no cache to flush */
        (void)lin_read(c, seg_lin(c, i->seg, insn_ea(c, i), 1, 0), 1);
        return;
    }
    EXC_UD(c);
}

/* ---- 128-bit integer (66 prefix on the MMX opcodes) ------------------------------ */
static X128 shuf_words(X128 b, unsigned imm, int high)
{
    X128 r = b;
    uint64_t src = high ? b.hi : b.lo, out = 0;
    int k;
    for (k = 0; k < 4; k++)
        out |= ((src >> (16 * ((imm >> (2 * k)) & 3))) & 0xFFFF) << (16 * k);
    if (high)
        r.hi = out;
    else
        r.lo = out;
    return r;
}

static X128 byte_shift(X128 v, unsigned n, int left)
{
    uint8_t in[16], out[16];
    unsigned k;
    stq_le(in, v.lo);
    stq_le(in + 8, v.hi);
    memset(out, 0, 16);
    if (n > 16)
        n = 16;
    for (k = 0; k < 16; k++) {
        if (left && k >= n)
            out[k] = in[k - n];
        else if (!left && k + n < 16)
            out[k] = in[k + n];
    }
    v.lo = ldq_le(out);
    v.hi = ldq_le(out + 8);
    return v;
}

static void int128(CPUState *c, Insn *i, int pfx)
{
    FPUState *f = &c->fpu;
    unsigned op = i->op & 0xFF;
    X128 a = xr(f, i->reg), b, r;

    /* PINSRW, PEXTRW, PMOVMSKB, MOVNTDQ, MASKMOVDQU exist only with 66:
     * their F2/F3 encodings are reserved (#UD). */
    if ((pfx == 2 || pfx == 3) && (op == 0xC4 || op == 0xC5 || op == 0xD7 ||
                                   op == 0xE7 || op == 0xF7))
        EXC_UD(c);
    switch (op) {
    case 0x6E: /* MOVD xmm, r/m32 */
        if (pfx != 1)
            EXC_UD(c);
        r.lo = rm_read(c, i, 4);
        r.hi = 0;
        xw(f, i->reg, r);
        return;
    case 0x7E:
        if (pfx == 1) { /* MOVD r/m32, xmm */
            rm_write(c, i, (uint32_t)a.lo, 4);
            return;
        }
        if (pfx == 3) { /* MOVQ xmm, xmm/m64 */
            r.lo = src_scalar(c, i, 1);
            r.hi = 0;
            xw(f, i->reg, r);
            return;
        }
        EXC_UD(c);
    case 0x6F: /* MOVDQA (66) / MOVDQU (F3) */
        if (pfx != 1 && pfx != 3)
            EXC_UD(c);
        xw(f, i->reg, src128(c, i, pfx == 1));
        return;
    case 0x7F:
        if (pfx != 1 && pfx != 3)
            EXC_UD(c);
        dst128(c, i, a, pfx == 1);
        return;
    case 0xD6:
        if (pfx == 1) { /* MOVQ xmm/m64, xmm */
            if (i->mod == 3) {
                r.lo = a.lo;
                r.hi = 0;
                xw(f, i->rm, r);
            } else {
                wr64(c, ea_lin(c, i, 8, 1, 0), a.lo);
            }
            return;
        }
        if (i->mod != 3)
            EXC_UD(c);
        if (pfx == 3) { /* MOVQ2DQ xmm, mm */
            mmx_touch(c);
            r.lo = mm_get(f, i->rm);
            r.hi = 0;
            xw(f, i->reg, r);
        } else { /* MOVDQ2Q mm, xmm */
            mmx_touch(c);
            mm_set(f, i->reg, f->xmm[i->rm][0]);
        }
        return;
    case 0x70: /* PSHUFD / PSHUFHW / PSHUFLW */
        b = src128(c, i, 1);
        if (pfx == 1) {
            int k;
            uint32_t d[4];
            for (k = 0; k < 4; k++)
                d[k] = (uint32_t)lane(b, (int)((i->imm >> (2 * k)) & 3), 0);
            r.lo = d[0] | (uint64_t)d[1] << 32;
            r.hi = d[2] | (uint64_t)d[3] << 32;
        } else {
            r = shuf_words(b, i->imm & 0xFF, pfx == 3);
        }
        xw(f, i->reg, r);
        return;
    case 0x71: case 0x72: case 0x73: {
        static const int bits[3] = {16, 32, 64};
        int sz = bits[op - 0x71];
        unsigned cnt = i->imm & 0xFF;
        if (pfx != 1 || i->mod != 3)
            EXC_UD(c);
        a = xr(f, i->rm);
        switch (i->reg) {
        case 2: r.lo = simd_shift(a.lo, cnt, sz, 0); r.hi = simd_shift(a.hi, cnt, sz, 0); break;
        case 4:
            if (sz == 64)
                EXC_UD(c);
            r.lo = simd_shift(a.lo, cnt, sz, 1);
            r.hi = simd_shift(a.hi, cnt, sz, 1);
            break;
        case 6: r.lo = simd_shift(a.lo, cnt, sz, 2); r.hi = simd_shift(a.hi, cnt, sz, 2); break;
        case 3: if (sz != 64) EXC_UD(c); r = byte_shift(a, cnt, 0); break; /* PSRLDQ */
        case 7: if (sz != 64) EXC_UD(c); r = byte_shift(a, cnt, 1); break; /* PSLLDQ */
        default: EXC_UD(c);
        }
        xw(f, i->rm, r);
        return;
    }
    case 0xC4: { /* PINSRW xmm, r32/m16, imm8 */
        uint32_t v = rm_read(c, i, 2);
        unsigned k = i->imm & 7;
        uint64_t *w = k < 4 ? &a.lo : &a.hi;
        *w = (*w & ~(0xFFFFull << (16 * (k & 3)))) | ((uint64_t)(v & 0xFFFF) << (16 * (k & 3)));
        xw(f, i->reg, a);
        return;
    }
    case 0xC5: { /* PEXTRW r32, xmm, imm8 */
        unsigned k = i->imm & 7;
        if (i->mod != 3)
            EXC_UD(c);
        b = xr(f, i->rm);
        reg_write(c, i->reg, (uint32_t)(((k < 4 ? b.lo : b.hi) >> (16 * (k & 3))) & 0xFFFF), 4);
        return;
    }
    case 0xD7: { /* PMOVMSKB r32, xmm */
        uint32_t m = 0;
        int k;
        if (i->mod != 3)
            EXC_UD(c);
        b = xr(f, i->rm);
        for (k = 0; k < 8; k++) {
            m |= (uint32_t)((b.lo >> (8 * k + 7)) & 1) << k;
            m |= (uint32_t)((b.hi >> (8 * k + 7)) & 1) << (k + 8);
        }
        reg_write(c, i->reg, m, 4);
        return;
    }
    case 0xE7: /* MOVNTDQ m128, xmm */
        if (i->mod == 3)
            EXC_UD(c);
        dst128(c, i, a, 1);
        return;
    case 0xF7: { /* MASKMOVDQU xmm, xmm: bytes to DS:(E)DI */
        uint32_t off = i->asz ? c->regs[R_EDI] : (c->regs[R_EDI] & 0xFFFF);
        int seg = i->seg_override ? i->seg : S_DS;
        uint8_t d[16], m[16];
        unsigned k;
        if (i->mod != 3)
            EXC_UD(c);
        b = xr(f, i->rm);
        stq_le(d, a.lo);
        stq_le(d + 8, a.hi);
        stq_le(m, b.lo);
        stq_le(m + 8, b.hi);
        for (k = 0; k < 16; k++)
            if (m[k] & 0x80)
                mem_write(c, seg, (off + k) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), d[k], 1);
        return;
    }
    }
    if (pfx != 1)
        EXC_UD(c);
    b = src128(c, i, 1);
    switch (op) {
    case 0x60: r.lo = simd_unpack(a.lo, b.lo, 8, 0); r.hi = simd_unpack(a.lo, b.lo, 8, 1); break;
    case 0x61: r.lo = simd_unpack(a.lo, b.lo, 16, 0); r.hi = simd_unpack(a.lo, b.lo, 16, 1); break;
    case 0x62: r.lo = simd_unpack(a.lo, b.lo, 32, 0); r.hi = simd_unpack(a.lo, b.lo, 32, 1); break;
    case 0x68: r.lo = simd_unpack(a.hi, b.hi, 8, 0); r.hi = simd_unpack(a.hi, b.hi, 8, 1); break;
    case 0x69: r.lo = simd_unpack(a.hi, b.hi, 16, 0); r.hi = simd_unpack(a.hi, b.hi, 16, 1); break;
    case 0x6A: r.lo = simd_unpack(a.hi, b.hi, 32, 0); r.hi = simd_unpack(a.hi, b.hi, 32, 1); break;
    case 0x6C: r.lo = a.lo; r.hi = b.lo; break; /* PUNPCKLQDQ */
    case 0x6D: r.lo = a.hi; r.hi = b.hi; break; /* PUNPCKHQDQ */
    case 0x63: r.lo = simd_pack(a.lo, a.hi, 16, 0); r.hi = simd_pack(b.lo, b.hi, 16, 0); break;
    case 0x67: r.lo = simd_pack(a.lo, a.hi, 16, 1); r.hi = simd_pack(b.lo, b.hi, 16, 1); break;
    case 0x6B: r.lo = simd_pack(a.lo, a.hi, 32, 0); r.hi = simd_pack(b.lo, b.hi, 32, 0); break;
    case 0xD1: case 0xD2: case 0xD3: case 0xE1: case 0xE2:
    case 0xF1: case 0xF2: case 0xF3: /* shifts: count = low qword */
        simd_half(op, a.lo, b.lo, &r.lo);
        simd_half(op, a.hi, b.lo, &r.hi);
        break;
    default:
        if (!simd_half(op, a.lo, b.lo, &r.lo))
            EXC_UD(c);
        simd_half(op, a.hi, b.hi, &r.hi);
        break;
    }
    xw(f, i->reg, r);
}

/* ---- the handler --------------------------------------------------------------------- */
static int prefix_of(const CPUState *c, const Insn *i)
{
    if (i->rep == 0xF3)
        return 3;
    if (i->rep == 0xF2)
        return 2;
    return i->osz != c->code32 ? 1 : 0;
}

/* Called for the MMX opcodes with a 66/F2/F3 prefix (from mmx.c). */
void sse_int_op(CPUState *c, Insn *i)
{
    sse_enter(c);
    if ((i->op & 0xFF) == 0xE6) {
        cvt_e6(c, i, prefix_of(c, i));
        return;
    }
    int128(c, i, prefix_of(c, i));
}

void op_sse(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    unsigned op = i->op & 0xFF;
    int pfx;
    X128 a, b, r;

    if (op == 0xAE) {
        op_0fae(c, i);
        return;
    }
    if (op == 0xC3) { /* MOVNTI m32, r32 */
        if (i->mod == 3 || i->rep || i->osz != c->code32)
            EXC_UD(c);
        mem_write(c, i->seg, insn_ea(c, i), c->regs[i->reg], 4);
        return;
    }
    sse_enter(c);
    pfx = prefix_of(c, i);
    a = xr(f, i->reg);
    switch (op) {
    case 0x10: /* MOVUPS/MOVUPD/MOVSS/MOVSD xmm, xmm/m */
        if (pfx >= 2) {
            int dbl = pfx == 2;
            if (i->mod == 3) {
                b = xr(f, i->rm);
                if (dbl)
                    a.lo = b.lo;
                else
                    set_lane(&a, 0, 0, lane(b, 0, 0));
                xw(f, i->reg, a);
            } else {
                r.lo = src_scalar(c, i, dbl);
                r.hi = 0;
                xw(f, i->reg, r);
            }
            return;
        }
        xw(f, i->reg, src128(c, i, 0));
        return;
    case 0x11:
        if (pfx >= 2) {
            int dbl = pfx == 2;
            if (i->mod == 3) {
                b = xr(f, i->rm);
                if (dbl)
                    b.lo = a.lo;
                else
                    set_lane(&b, 0, 0, lane(a, 0, 0));
                xw(f, i->rm, b);
            } else if (dbl) {
                wr64(c, ea_lin(c, i, 8, 1, 0), a.lo);
            } else {
                lin_write(c, ea_lin(c, i, 4, 1, 0), (uint32_t)a.lo, 4);
            }
            return;
        }
        dst128(c, i, a, 0);
        return;
    case 0x12: case 0x13: case 0x16: case 0x17: {
        int high = op >= 0x16;
        if (pfx >= 2)
            EXC_UD(c);
        if (op == 0x12 || op == 0x16) {
            uint64_t v;
            if (i->mod == 3) {
                if (pfx == 1)
                    EXC_UD(c);
                b = xr(f, i->rm); /* MOVHLPS / MOVLHPS */
                v = high ? b.lo : b.hi;
            } else {
                v = rd64(c, ea_lin(c, i, 8, 0, 0));
            }
            if (high)
                a.hi = v;
            else
                a.lo = v;
            xw(f, i->reg, a);
        } else {
            if (i->mod == 3)
                EXC_UD(c);
            wr64(c, ea_lin(c, i, 8, 1, 0), high ? a.hi : a.lo);
        }
        return;
    }
    case 0x14: case 0x15: /* UNPCKLPS/PD, UNPCKHPS/PD */
        if (pfx >= 2)
            EXC_UD(c);
        b = src128(c, i, 1);
        if (pfx == 1) {
            r.lo = op == 0x14 ? a.lo : a.hi;
            r.hi = op == 0x14 ? b.lo : b.hi;
        } else {
            int base = op == 0x14 ? 0 : 2;
            r.lo = lane(a, base, 0) | lane(b, base, 0) << 32;
            r.hi = lane(a, base + 1, 0) | lane(b, base + 1, 0) << 32;
        }
        xw(f, i->reg, r);
        return;
    case 0x28: /* MOVAPS/MOVAPD */
        if (pfx >= 2)
            EXC_UD(c);
        xw(f, i->reg, src128(c, i, 1));
        return;
    case 0x29:
    case 0x2B: /* MOVNTPS/PD: memory only */
        if (pfx >= 2 || (op == 0x2B && i->mod == 3))
            EXC_UD(c);
        dst128(c, i, a, 1);
        return;
    case 0x2A: cvt_2a(c, i, pfx); return;
    case 0x2C: case 0x2D: cvt_2c2d(c, i, pfx); return;
    case 0x2E: case 0x2F:
        if (pfx >= 2)
            EXC_UD(c);
        comis(c, i, pfx);
        return;
    case 0x50: { /* MOVMSKPS/PD r32, xmm */
        uint32_t m;
        if (pfx >= 2 || i->mod != 3)
            EXC_UD(c);
        b = xr(f, i->rm);
        if (pfx == 1)
            m = (uint32_t)(b.lo >> 63) | (uint32_t)(b.hi >> 63) << 1;
        else
            m = (uint32_t)((b.lo >> 31) & 1) | (uint32_t)((b.lo >> 63) << 1) |
                (uint32_t)((b.hi >> 31) & 1) << 2 | (uint32_t)((b.hi >> 63) << 3);
        reg_write(c, i->reg, m, 4);
        return;
    }
    case 0x51: case 0x58: case 0x59: case 0x5C: case 0x5D: case 0x5E:
    case 0x5F: case 0xC2:
        fp_op(c, i, pfx);
        return;
    case 0x52: case 0x53: /* RSQRT/RCP: PS and SS only */
        if (pfx == 1 || pfx == 2)
            EXC_UD(c);
        fp_op(c, i, pfx);
        return;
    case 0x54: case 0x55: case 0x56: case 0x57: /* AND ANDN OR XOR */
        if (pfx >= 2)
            EXC_UD(c);
        b = src128(c, i, 1);
        switch (op) {
        case 0x54: r.lo = a.lo & b.lo; r.hi = a.hi & b.hi; break;
        case 0x55: r.lo = ~a.lo & b.lo; r.hi = ~a.hi & b.hi; break;
        case 0x56: r.lo = a.lo | b.lo; r.hi = a.hi | b.hi; break;
        default: r.lo = a.lo ^ b.lo; r.hi = a.hi ^ b.hi; break;
        }
        xw(f, i->reg, r);
        return;
    case 0x5A: cvt_5a(c, i, pfx); return;
    case 0x5B: cvt_5b(c, i, pfx); return;
    case 0xC6: { /* SHUFPS / SHUFPD */
        unsigned imm = i->imm & 0xFF;
        if (pfx >= 2)
            EXC_UD(c);
        b = src128(c, i, 1);
        if (pfx == 1) {
            r.lo = (imm & 1) ? a.hi : a.lo;
            r.hi = (imm & 2) ? b.hi : b.lo;
        } else {
            r.lo = lane(a, imm & 3, 0) | lane(a, (imm >> 2) & 3, 0) << 32;
            r.hi = lane(b, (imm >> 4) & 3, 0) | lane(b, (imm >> 6) & 3, 0) << 32;
        }
        xw(f, i->reg, r);
        return;
    }
    case 0xE6: cvt_e6(c, i, pfx); return;
    }
    EXC_UD(c);
}
