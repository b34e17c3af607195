/* x87 instructions (escape opcodes D8-DF and FWAIT) of a Pentium Pro-class
 * FPU on top of cpu/softfloat.c.  See cpu/fpu.h for the state and the
 * unmasked-exception (#MF / FERR#) model.
 *
 * Instruction flow: #NM (CR0.EM or CR0.TS) -> #UD for reserved encodings ->
 * for waiting instructions, a pending unmasked exception -> memory operand
 * read (may fault; FPU state untouched so far) -> last-instruction pointers
 * -> the operation -> status word / unmasked-exception bookkeeping.
 */
#include "cpu/cpu_internal.h"
#include "cpu/fpu.h"

#define SW_IE 0x0001u
#define SW_SF 0x0040u
#define SW_ES 0x0080u
#define SW_C0 0x0100u
#define SW_C1 0x0200u
#define SW_C2 0x0400u
#define SW_C3 0x4000u
#define SW_B 0x8000u
#define SW_CC (SW_C0 | SW_C1 | SW_C2 | SW_C3)

enum { TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3 };

/* ---- state helpers --------------------------------------------------------- */
static unsigned top(const FPUState *f) { return (f->sw >> 11) & 7; }
static void set_top(FPUState *f, unsigned t)
{
    f->sw = (uint16_t)((f->sw & ~0x3800u) | ((t & 7) << 11));
}
static unsigned phys(const FPUState *f, unsigned i) { return (top(f) + i) & 7; }
static int tag_of(const FPUState *f, unsigned p) { return (f->tw >> (2 * p)) & 3; }
static void set_tag(FPUState *f, unsigned p, int t)
{
    f->tw = (uint16_t)((f->tw & ~(3u << (2 * p))) | ((unsigned)t << (2 * p)));
}
static int st_empty(const FPUState *f, unsigned i)
{
    return tag_of(f, phys(f, i)) == TAG_EMPTY;
}
static floatx80 st_get(const FPUState *f, unsigned i) { return f->r[phys(f, i)]; }
static int tag_for(floatx80 v)
{
    switch (fx_class(v)) {
    case FXC_ZERO: return TAG_ZERO;
    case FXC_NORMAL: return TAG_VALID;
    default: return TAG_SPECIAL;
    }
}
static void st_set(FPUState *f, unsigned i, floatx80 v)
{
    unsigned p = phys(f, i);
    f->r[p] = v;
    set_tag(f, p, tag_for(v));
}
static void fpop(FPUState *f)
{
    set_tag(f, phys(f, 0), TAG_EMPTY);
    set_top(f, top(f) + 1);
}
static void fpush(FPUState *f, floatx80 v)
{
    set_top(f, top(f) - 1);
    st_set(f, 0, v);
}
static void set_c1(FPUState *f, int on)
{
    f->sw = (uint16_t)(on ? f->sw | SW_C1 : f->sw & ~SW_C1);
}

static SFCtx ctx_of(const FPUState *f)
{
    SFCtx s;
    s.rc = (f->cw >> 10) & 3;
    s.pc = (f->cw >> 8) & 3;
    s.masks = f->cw & 0x3F;
    s.flags = 0;
    s.c1 = 0;
    s.fmt = 0;
    s.ftz = 0;
    s.tail = 0;
    return s;
}

/* FERR# -> IRQ13 is the CR0.NE = 0 (MS-DOS compatible) reporting path. */
static void ferr(FPUState *f, int level)
{
    if (level && f->ne)
        return;
    if (f->ferr_on == level)
        return;
    f->ferr_on = (uint8_t)level;
    if (f->ferr)
        f->ferr(f->ferr_opaque, level);
}

/* Recomputes ES/B from the flags and masks (FLDCW, FLDENV, FRSTOR). */
static void update_es(FPUState *f)
{
    int was = (f->sw & SW_ES) != 0;
    if (f->sw & ~f->cw & 0x3F)
        f->sw |= SW_ES | SW_B;
    else
        f->sw &= ~(SW_ES | SW_B);
    if (was != ((f->sw & SW_ES) != 0))
        ferr(f, !was);
}

/* Accumulates flags; returns the unmasked ones (0 = result may be used). */
static unsigned post(FPUState *f, const SFCtx *s)
{
    unsigned unmasked = s->flags & ~f->cw & 0x3F;
    f->sw |= s->flags;
    if (unmasked && !(f->sw & SW_ES)) {
        f->sw |= SW_ES | SW_B;
        ferr(f, 1);
    }
    return unmasked;
}

/* Stack fault: IE + SF, C1 = 1 for overflow.  Returns nonzero when IE is
 * unmasked (nothing further is written). */
static int stack_fault(FPUState *f, int overflow)
{
    SFCtx s = ctx_of(f);
    s.flags = SF_IE;
    f->sw |= SW_SF;
    set_c1(f, overflow);
    return post(f, &s) != 0;
}

void fpu_update_es(CPUState *c)
{
    c->fpu.ne = (c->cr0 & CR0_NE) != 0;
    update_es(&c->fpu);
}

void fpu_reset(CPUState *c)
{
    FPUState *f = &c->fpu;
    void (*h)(void *, int) = f->ferr;
    void *o = f->ferr_opaque;
    int was_on = f->ferr_on;
    memset(f, 0, sizeof *f);
    f->ferr = h;
    f->ferr_opaque = o;
    if (h && was_on) /* RESET deasserts FERR# */
        h(o, 0);
    f->cw = 0x0040;
    f->tw = 0x5555; /* power-up: all registers +0, tagged zero */
    f->mxcsr = 0x1F80;
}

void cpu_set_ferr_hook(CPUState *c, void (*fn)(void *opaque, int level),
                       void *opaque)
{
    c->fpu.ferr = fn;
    c->fpu.ferr_opaque = opaque;
}

static void fninit(FPUState *f)
{
    int es = (f->sw & SW_ES) != 0;
    f->cw = 0x037F;
    f->sw = 0;
    f->tw = 0xFFFF;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = 0;
    f->fop = 0;
    if (es)
        ferr(f, 0);
}

/* ---- memory operands ---------------------------------------------------------- */
static uint32_t m_lin(CPUState *c, Insn *i, unsigned n, int write)
{
    uint32_t lin = seg_lin(c, i->seg, insn_ea(c, i), n, write);
    if (write && c->slow_mem)
        lin_probe_write(c, lin, n > 4096 ? 4096 : n);
    return lin;
}
static void m_read(CPUState *c, Insn *i, uint8_t *b, unsigned n)
{
    uint32_t lin = m_lin(c, i, n, 0);
    unsigned k = 0;
    while (k < n) {
        unsigned sz = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        st_le(b + k, lin_read(c, lin + k, sz), sz);
        k += sz;
    }
}
static void m_write(CPUState *c, Insn *i, const uint8_t *b, unsigned n)
{
    uint32_t lin = m_lin(c, i, n, 1);
    unsigned k = 0;
    while (k < n) {
        unsigned sz = n - k >= 4 ? 4 : n - k >= 2 ? 2 : 1;
        lin_write(c, lin + k, ld_le(b + k, sz), sz);
        k += sz;
    }
}
static floatx80 ld80(const uint8_t *b)
{
    floatx80 v;
    v.m = ldq_le(b);
    v.se = ldw_le(b + 8);
    return v;
}
static void st80(uint8_t *b, floatx80 v)
{
    stq_le(b, v.m);
    stw_le(b + 8, v.se);
}

/* ---- pending exceptions ----------------------------------------------------- */
static void check_pending(CPUState *c)
{
    if (c->fpu.sw & SW_ES) {
        if (c->cr0 & CR0_NE)
            cpu_raise_noerr(c, EX_MF);
        /* CR0.NE = 0: FERR# is already asserted (IRQ13); IGNNE# assumed. */
    }
}

HANDLER(op_fwait)
{
    (void)i;
    if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise_noerr(c, EX_NM);
    check_pending(c);
}

/* ---- arithmetic ----------------------------------------------------------------- */
typedef floatx80 (*BinFn)(SFCtx *, floatx80, floatx80);

/* dest = dest OP src for op 0..7 = add mul com comp sub subr div divr.
 * Returns 1 when dest was written. */
static floatx80 arith(SFCtx *s, int op, floatx80 d, floatx80 src)
{
    switch (op) {
    case 0: return fx_add(s, d, src);
    case 1: return fx_mul(s, d, src);
    case 4: return fx_sub(s, d, src);
    case 5: return fx_sub(s, src, d);
    case 6: return fx_div(s, d, src);
    default: return fx_div(s, src, d);
    }
}

static void set_cc_compare(FPUState *f, int r)
{
    f->sw &= ~SW_CC;
    switch (r) {
    case FX_LT: f->sw |= SW_C0; break;
    case FX_EQ: f->sw |= SW_C3; break;
    case FX_GT: break;
    default: f->sw |= SW_C0 | SW_C2 | SW_C3; break;
    }
}

/* ST0 op operand (memory forms of D8/DA/DC/DE).  ldflags: exceptions of
 * converting the m32/m64 operand (SNaN: IE; denormal: DE, reported only
 * when ST0 is not a NaN or unsupported encoding, like the hardware). */
static void arith_st0(FPUState *f, int op, floatx80 src, unsigned ldflags,
                      SFCtx *s)
{
    floatx80 r;
    int c0;
    if (st_empty(f, 0)) {
        int unmasked = stack_fault(f, 0);
        if (op == 2 || op == 3) {
            f->sw |= SW_C0 | SW_C2 | SW_C3;
            if (op == 3 && !unmasked)
                fpop(f);
        } else if (!unmasked) {
            st_set(f, 0, FX_DEFAULT_NAN);
        }
        return;
    }
    c0 = fx_class(st_get(f, 0));
    /* A denormal m32/m64 operand is reported unless ST0 is a NaN or
     * unsupported, or the operation is invalid or a division by zero. */
    if (op == 2 || op == 3) {
        int cmp = fx_compare(s, st_get(f, 0), src, 0);
        if ((ldflags & SF_DE) && !(s->flags & SF_IE) && c0 != FXC_QNAN &&
            c0 != FXC_SNAN)
            s->flags |= SF_DE;
        set_c1(f, 0);
        set_cc_compare(f, cmp);
        if (post(f, s))
            return;
        if (op == 3)
            fpop(f);
        return;
    }
    {
        SFCtx s2 = *s;
        r = arith(&s2, op, st_get(f, 0), src);
        if ((ldflags & SF_DE) && !(s2.flags & (SF_IE | SF_ZE)) &&
            c0 != FXC_QNAN && c0 != FXC_SNAN && c0 != FXC_UNSUPPORTED) {
            if (!(f->cw & SF_DE)) {
                s->flags |= SF_DE;
                set_c1(f, 0);
                post(f, s);
                return;
            }
            s2.flags |= SF_DE;
        }
        *s = s2;
    }
    set_c1(f, 0);
    if (post(f, s) & (SF_IE | SF_DE | SF_ZE))
        return;
    set_c1(f, s->c1);
    st_set(f, 0, r);
}

/* Register forms: D8 (dest ST0, src ST(i)), DC and DE (dest ST(i), src ST0;
 * sub/subr and div/divr swapped), DE pops. */
static void arith_reg(FPUState *f, int esc, int op, unsigned ri)
{
    SFCtx s = ctx_of(f);
    unsigned di = esc == 0 ? 0 : ri, si = esc == 0 ? ri : 0;
    floatx80 r;
    if (esc != 0 && op >= 4)
        op ^= 1;
    if (st_empty(f, 0) || st_empty(f, ri)) {
        if (!stack_fault(f, 0)) {
            st_set(f, di, FX_DEFAULT_NAN);
            if (esc == 6)
                fpop(f);
        }
        return;
    }
    r = arith(&s, op, st_get(f, di), st_get(f, si));
    set_c1(f, 0);
    if (post(f, &s) & (SF_IE | SF_DE | SF_ZE))
        return;
    set_c1(f, s.c1);
    st_set(f, di, r);
    if (esc == 6)
        fpop(f);
}

/* ---- loads and stores ---------------------------------------------------------- */
static void do_load(FPUState *f, floatx80 v, SFCtx *s)
{
    if (!st_empty(f, 7)) {
        if (!stack_fault(f, 1))
            fpush(f, FX_DEFAULT_NAN);
        return;
    }
    set_c1(f, 0);
    if (post(f, s) & SF_IE) /* an unmasked DE (FLD m32/m64) still loads */
        return;
    fpush(f, v);
}

/* Source ST0 for a store: returns 0 when the instruction is finished
 * (stack underflow handled). */
static int store_src(FPUState *f, floatx80 *v)
{
    if (st_empty(f, 0)) {
        if (stack_fault(f, 0))
            return 0;
        *v = FX_DEFAULT_NAN;
        return 2; /* masked underflow: store the indefinite */
    }
    *v = st_get(f, 0);
    return 1;
}

static void bcd_load(FPUState *f, const uint8_t *b)
{
    uint64_t v = 0;
    int k;
    SFCtx s = ctx_of(f);
    floatx80 x;
    for (k = 8; k >= 0; k--)
        v = v * 100 + (uint64_t)((b[k] >> 4) * 10 + (b[k] & 15));
    x = fx_from_i64((int64_t)v);
    if (b[9] & 0x80)
        x = fx_chs(x);
    do_load(f, x, &s);
}

static int bcd_store(FPUState *f, floatx80 v, uint8_t *b)
{
    SFCtx s = ctx_of(f);
    floatx80 r;
    int c;
    s.masks |= SF_DE; /* FBSTP does not report denormal operands */
    r = fx_round_int(&s, v);
    s.flags &= (uint8_t)~SF_DE;
    c = fx_class(r);
    int k;
    memset(b, 0, 10);
    if (c == FXC_ZERO) {
        b[9] = (uint8_t)(fx_sign(v) ? 0x80 : 0);
    } else {
        int64_t iv = 0;
        uint64_t mag;
        SFCtx s2 = s;
        if (c != FXC_NORMAL) {
            s.flags |= SF_IE;
        } else {
            iv = fx_to_int(&s2, r, 64, 1);
            mag = iv < 0 ? (uint64_t)0 - (uint64_t)iv : (uint64_t)iv;
            if ((s2.flags & SF_IE) || mag > 999999999999999999ull)
                s.flags |= SF_IE;
            else {
                for (k = 0; k < 9; k++) {
                    unsigned d = (unsigned)(mag % 100);
                    mag /= 100;
                    b[k] = (uint8_t)(((d / 10) << 4) | (d % 10));
                }
                b[9] = (uint8_t)(fx_sign(v) ? 0x80 : 0);
            }
        }
        if (s.flags & SF_IE) {
            s.flags &= (uint8_t)~SF_PE;
            memset(b, 0, 10);
            b[7] = 0xC0;
            b[8] = 0xFF;
            b[9] = 0xFF;
        }
    }
    set_c1(f, s.flags & SF_IE ? 0 : s.c1);
    return (post(f, &s) & SF_IE) != 0; /* unmasked PE: stored */
}

/* ---- environment ----------------------------------------------------------------- */
static uint16_t full_tag_word(const FPUState *f)
{
    uint16_t tw = 0;
    unsigned p;
    for (p = 0; p < 8; p++) {
        int t = tag_of(f, p);
        if (t != TAG_EMPTY)
            t = tag_for(f->r[p]);
        tw |= (uint16_t)(t << (2 * p));
    }
    return tw;
}

static unsigned env_size(const Insn *i) { return i->osz ? 28 : 14; }

static void env_store(CPUState *c, const Insn *i, uint8_t *b)
{
    FPUState *f = &c->fpu;
    int pm = c->pm;
    uint16_t tw = full_tag_word(f);
    if (i->osz) {
        memset(b, 0xFF, 28);
        stw_le(b + 0, f->cw);
        stw_le(b + 4, f->sw);
        stw_le(b + 8, tw);
        if (pm) {
            stl_le(b + 12, f->fip);
            stl_le(b + 16, f->fcs | ((uint32_t)(f->fop & 0x7FF) << 16));
            stl_le(b + 20, f->fdp);
            stw_le(b + 24, f->fds);
        } else {
            uint32_t ip = f->fip + ((uint32_t)f->fcs << 4);
            uint32_t dp = f->fdp + ((uint32_t)f->fds << 4);
            stw_le(b + 12, (uint16_t)ip);
            stl_le(b + 16, (f->fop & 0x7FFu) | ((ip >> 16) << 12));
            stw_le(b + 20, (uint16_t)dp);
            stl_le(b + 24, (dp >> 16) << 12);
        }
    } else {
        stw_le(b + 0, f->cw);
        stw_le(b + 2, f->sw);
        stw_le(b + 4, tw);
        if (pm) {
            stw_le(b + 6, (uint16_t)f->fip);
            stw_le(b + 8, f->fcs);
            stw_le(b + 10, (uint16_t)f->fdp);
            stw_le(b + 12, f->fds);
        } else {
            uint32_t ip = f->fip + ((uint32_t)f->fcs << 4);
            uint32_t dp = f->fdp + ((uint32_t)f->fds << 4);
            stw_le(b + 6, (uint16_t)ip);
            stw_le(b + 8, (uint16_t)(((ip >> 16) & 0xF) << 12 | (f->fop & 0x7FF)));
            stw_le(b + 10, (uint16_t)dp);
            stw_le(b + 12, (uint16_t)(((dp >> 16) & 0xF) << 12));
        }
    }
}

static void env_load(CPUState *c, const Insn *i, const uint8_t *b)
{
    FPUState *f = &c->fpu;
    int pm = c->pm;
    uint16_t tw;
    unsigned p;
    if (i->osz) {
        f->cw = ldw_le(b + 0);
        f->sw = ldw_le(b + 4);
        tw = ldw_le(b + 8);
        if (pm) {
            f->fip = ldl_le(b + 12);
            f->fcs = ldw_le(b + 16);
            f->fop = (uint16_t)((ldl_le(b + 16) >> 16) & 0x7FF);
            f->fdp = ldl_le(b + 20);
            f->fds = ldw_le(b + 24);
        } else {
            f->fip = ldw_le(b + 12) | ((ldl_le(b + 16) >> 12 & 0xFFFF) << 16);
            f->fop = ldw_le(b + 16) & 0x7FF;
            f->fdp = ldw_le(b + 20) | ((ldl_le(b + 24) >> 12 & 0xFFFF) << 16);
            f->fcs = f->fds = 0;
        }
    } else {
        f->cw = ldw_le(b + 0);
        f->sw = ldw_le(b + 2);
        tw = ldw_le(b + 4);
        if (pm) {
            f->fip = ldw_le(b + 6);
            f->fcs = ldw_le(b + 8);
            f->fdp = ldw_le(b + 10);
            f->fds = ldw_le(b + 12);
        } else {
            f->fip = ldw_le(b + 6) | ((uint32_t)(ldw_le(b + 8) >> 12) << 16);
            f->fop = ldw_le(b + 8) & 0x7FF;
            f->fdp = ldw_le(b + 10) | ((uint32_t)(ldw_le(b + 12) >> 12) << 16);
            f->fcs = f->fds = 0;
        }
    }
    /* Only "empty" is taken from the loaded tag word. */
    for (p = 0; p < 8; p++)
        set_tag(f, p, ((tw >> (2 * p)) & 3) == TAG_EMPTY ? TAG_EMPTY
                                                        : tag_for(f->r[p]));
    f->cw |= 0x0040; /* bit 6 reads as 1 */
    f->cw &= 0x1F7F;
    update_es(f);
}

/* ---- FXAM / FTST / misc -------------------------------------------------------- */
static void fxam(FPUState *f)
{
    floatx80 v = st_get(f, 0);
    unsigned cc = 0;
    f->sw &= ~SW_CC;
    if (fx_sign(v))
        f->sw |= SW_C1;
    if (st_empty(f, 0)) {
        cc = SW_C3 | SW_C0;
    } else {
        switch (fx_class(v)) {
        case FXC_UNSUPPORTED: cc = 0; break;
        case FXC_QNAN: case FXC_SNAN: cc = SW_C0; break;
        case FXC_NORMAL: cc = SW_C2; break;
        case FXC_INF: cc = SW_C2 | SW_C0; break;
        case FXC_ZERO: cc = SW_C3; break;
        default: cc = SW_C3 | SW_C2; break;
        }
    }
    f->sw |= (uint16_t)cc;
}

/* Unary ST0 operations (D9 E0..FF except constants and stack ops). */
static void unary(FPUState *f, unsigned rm)
{
    SFCtx s = ctx_of(f);
    floatx80 a, r, r2;
    if (st_empty(f, 0)) {
        if (!stack_fault(f, 0)) {
            st_set(f, 0, FX_DEFAULT_NAN);
        }
        return;
    }
    a = st_get(f, 0);
    set_c1(f, 0);
    switch (rm) {
    case 0x0: /* F2XM1 */
        r = fx_f2xm1(&s, a);
        break;
    case 0x2: /* FPTAN */
        if (!st_empty(f, 7)) {
            if (!stack_fault(f, 1)) {
                st_set(f, 0, FX_DEFAULT_NAN);
                fpush(f, FX_DEFAULT_NAN);
            }
            return;
        }
        f->sw &= ~SW_C2;
        if (fx_tan(&s, a, &r)) {
            f->sw |= SW_C2;
            return;
        }
        if (post(f, &s) & (SF_IE | SF_DE))
            return;
        set_c1(f, s.c1);
        st_set(f, 0, r);
        if (fx_class(r) != FXC_QNAN)
            fpush(f, fx_const(&s, 0));
        else
            fpush(f, r);
        return;
    case 0x4: /* FXTRACT */
        if (!st_empty(f, 7)) {
            if (!stack_fault(f, 1)) {
                st_set(f, 0, FX_DEFAULT_NAN);
                fpush(f, FX_DEFAULT_NAN);
            }
            return;
        }
        r = fx_extract(&s, a, &r2);
        if (post(f, &s) & (SF_IE | SF_DE | SF_ZE))
            return;
        st_set(f, 0, r2);
        fpush(f, r);
        return;
    case 0xA: /* FSQRT */
        r = fx_sqrt(&s, a);
        break;
    case 0xB: { /* FSINCOS */
        SFCtx sc = ctx_of(f);
        if (!st_empty(f, 7)) {
            if (!stack_fault(f, 1)) {
                st_set(f, 0, FX_DEFAULT_NAN);
                fpush(f, FX_DEFAULT_NAN);
            }
            return;
        }
        f->sw &= ~SW_C2;
        if (fx_sincos(&s, &sc, a, &r, &r2)) {
            f->sw |= SW_C2;
            return;
        }
        s.flags |= sc.flags;
        if (post(f, &s) & (SF_IE | SF_DE))
            return;
        set_c1(f, s.c1); /* C1 of the sine, as AMD silicon reports it */
        st_set(f, 0, r);
        fpush(f, r2);
        return;
    }
    case 0xC: /* FRNDINT */
        r = fx_round_int(&s, a);
        break;
    case 0xE: /* FSIN */
    case 0xF: { /* FCOS */
        SFCtx sc = ctx_of(f);
        f->sw &= ~SW_C2;
        if (fx_sincos(&s, &sc, a, &r, &r2)) {
            f->sw |= SW_C2;
            return;
        }
        if (rm == 0xF) {
            r = r2;
            s = sc;
        }
        break;
    }
    default:
        return;
    }
    if (post(f, &s) & (SF_IE | SF_DE | SF_ZE))
        return;
    set_c1(f, s.c1);
    st_set(f, 0, r);
}

/* Two-operand ST0/ST1 operations: FYL2X FPATAN FPREM1 FPREM FYL2XP1 FSCALE */
static void binary01(FPUState *f, unsigned rm)
{
    SFCtx s = ctx_of(f);
    floatx80 a, b, r;
    uint64_t q;
    int inc, pop = 0;
    if (st_empty(f, 0) || st_empty(f, 1)) {
        if (!stack_fault(f, 0)) {
            if (rm == 0x1 || rm == 0x3 || rm == 0x9) {
                st_set(f, 1, FX_DEFAULT_NAN);
                fpop(f);
            } else {
                st_set(f, 0, FX_DEFAULT_NAN);
            }
        }
        return;
    }
    a = st_get(f, 0);
    b = st_get(f, 1);
    set_c1(f, 0);
    switch (rm) {
    case 0x1: r = fx_yl2x(&s, a, b, 0); pop = 1; break;
    case 0x3: r = fx_patan(&s, b, a); pop = 1; break;
    case 0x9: r = fx_yl2x(&s, a, b, 1); pop = 1; break;
    case 0xD: r = fx_scale(&s, a, b); break;
    default: /* 0x5 FPREM1, 0x8 FPREM */
        r = fx_prem(&s, a, b, rm == 0x5, &q, &inc);
        /* an unmasked underflow (a denormal remainder) still delivers the
         * quotient bits and the remainder, its exponent biased by 24576,
         * like the arithmetic instructions do (checked on silicon) */
        if (post(f, &s) & (SF_IE | SF_DE))
            return;
        f->sw &= ~SW_CC;
        if (inc) {
            f->sw |= SW_C2;
        } else {
            if (q & 1) f->sw |= SW_C1;
            if (q & 2) f->sw |= SW_C3;
            if (q & 4) f->sw |= SW_C0;
        }
        st_set(f, 0, r);
        return;
    }
    if (post(f, &s) & (SF_IE | SF_DE | SF_ZE))
        return;
    set_c1(f, s.c1);
    if (pop) {
        st_set(f, 1, r);
        fpop(f);
    } else {
        st_set(f, 0, r);
    }
}

static void fcomi(CPUState *c, unsigned ri, int quiet, int pop)
{
    FPUState *f = &c->fpu;
    SFCtx s = ctx_of(f);
    int r;
    uint32_t fl = cpu_eflags(c) & ~(F_ZF | F_PF | F_CF | F_OF | F_SF | F_AF);
    set_c1(f, 0);
    if (st_empty(f, 0) || st_empty(f, ri)) {
        if (stack_fault(f, 0))
            pop = 0; /* unmasked: flags still set, no pop */
        r = FX_UN;
    } else {
        r = fx_compare(&s, st_get(f, 0), st_get(f, ri), quiet);
    }
    switch (r) {
    case FX_LT: fl |= F_CF; break;
    case FX_EQ: fl |= F_ZF; break;
    case FX_GT: break;
    default: fl |= F_ZF | F_PF | F_CF; break;
    }
    c->eflags = fl;
    c->cc_op = CC_EFLAGS;
    if (post(f, &s))
        return; /* unmasked: flags set, no pop */
    if (pop)
        fpop(f);
}

/* FCOM family on registers. */
static void fcom_reg(FPUState *f, unsigned ri, int quiet, int pops)
{
    SFCtx s = ctx_of(f);
    int r;
    set_c1(f, 0);
    if (st_empty(f, 0) || st_empty(f, ri)) {
        /* unordered even when IE is unmasked; then no pop */
        int unmasked = stack_fault(f, 0);
        f->sw |= SW_C0 | SW_C2 | SW_C3;
        if (unmasked)
            return;
    } else {
        r = fx_compare(&s, st_get(f, 0), st_get(f, ri), quiet);
        set_cc_compare(f, r);
        if (post(f, &s))
            return; /* unmasked: condition codes set, no pop */
    }
    while (pops-- > 0)
        fpop(f);
}

static void fxch(FPUState *f, unsigned ri)
{
    floatx80 a, b;
    set_c1(f, 0);
    if (st_empty(f, 0) || st_empty(f, ri)) {
        if (stack_fault(f, 0))
            return;
        a = st_empty(f, 0) ? FX_DEFAULT_NAN : st_get(f, 0);
        b = st_empty(f, ri) ? FX_DEFAULT_NAN : st_get(f, ri);
    } else {
        a = st_get(f, 0);
        b = st_get(f, ri);
    }
    st_set(f, 0, b);
    st_set(f, ri, a);
}

/* FST/FSTP ST(i) */
static void fst_reg(FPUState *f, unsigned ri, int pop)
{
    floatx80 v;
    set_c1(f, 0);
    if (st_empty(f, 0)) {
        if (stack_fault(f, 0))
            return;
        v = FX_DEFAULT_NAN;
    } else {
        v = st_get(f, 0);
    }
    st_set(f, ri, v);
    if (pop)
        fpop(f);
}

/* ---- the escape handler ------------------------------------------------------------ */
/* Non-waiting control instructions do not check for pending exceptions and
 * do not update the last-instruction pointers. */
static int is_control(const Insn *i)
{
    unsigned esc = i->op & 7;
    if (i->mod != 3)
        return (esc == 1 && i->reg >= 4) || (esc == 5 && (i->reg == 4 || i->reg >= 6));
    return (esc == 3 && (i->rm == 2 || i->rm == 3) && i->reg == 4) ||
           (esc == 7 && i->reg == 4 && i->rm == 0);
}

/* Reserved encodings (#UD). */
static int is_reserved(const Insn *i)
{
    unsigned esc = i->op & 7, reg = i->reg, rm = i->rm;
    if (i->mod != 3) {
        switch (esc) {
        case 1: return reg == 1;
        case 3: return reg == 1 || reg == 4 || reg == 6; /* FISTTP: SSE3 */
        case 5: return reg == 1 || reg == 5;
        case 7: return reg == 1;
        }
        return 0;
    }
    switch (esc) {
    case 1:
        if (reg == 2) return rm != 0;
        if (reg == 4) return rm == 2 || rm == 3 || rm == 6 || rm == 7;
        if (reg == 5) return rm == 7;
        return 0;
    case 2:
        if (reg <= 3) return 0;
        return !(reg == 5 && rm == 1);
    case 3:
        if (reg <= 3) return 0;
        if (reg == 4) return rm > 4;
        return reg == 7;
    case 5:
        return reg >= 6;
    case 6:
        return reg == 3 && rm != 1;
    case 7:
        if (reg <= 3) return 0;
        if (reg == 4) return rm != 0;
        return reg == 7;
    }
    return 0;
}

static int64_t ld_int(const uint8_t *b, unsigned n)
{
    if (n == 2) return (int16_t)ldw_le(b);
    if (n == 4) return (int32_t)ldl_le(b);
    return (int64_t)ldq_le(b);
}

static void fist(CPUState *c, Insn *i, unsigned n, int pop)
{
    FPUState *f = &c->fpu;
    SFCtx s = ctx_of(f);
    floatx80 v;
    uint8_t b[8];
    int64_t r;
    int st = store_src(f, &v);
    if (!st)
        return;
    (void)m_lin(c, i, n, 1);
    set_c1(f, 0);
    if (st == 2)
        r = (int64_t)((uint64_t)0 - (1ull << (n * 8 - 1)));
    else
        r = fx_to_int(&s, v, (int)n * 8, 0);
    set_c1(f, s.c1);
    if (post(f, &s) & (SF_IE))
        return;
    stq_le(b, (uint64_t)r);
    m_write(c, i, b, n);
    if (pop)
        fpop(f);
}

static void fst_mem(CPUState *c, Insn *i, unsigned n, int pop)
{
    FPUState *f = &c->fpu;
    SFCtx s = ctx_of(f);
    floatx80 v;
    uint8_t b[10];
    int st = store_src(f, &v);
    if (!st)
        return;
    (void)m_lin(c, i, n, 1);
    set_c1(f, 0);
    if (n == 4)
        stl_le(b, fx_to_f32(&s, v));
    else if (n == 8)
        stq_le(b, fx_to_f64(&s, v));
    else
        st80(b, v);
    set_c1(f, s.c1);
    if (post(f, &s) & (SF_IE | SF_OE | SF_UE))
        return;
    m_write(c, i, b, n);
    if (pop)
        fpop(f);
}

void op_fpu(CPUState *c, Insn *i)
{
    FPUState *f = &c->fpu;
    unsigned esc = i->op & 7, reg = i->reg, rm = i->rm;
    int mem = i->mod != 3;
    uint8_t b[108];
    SFCtx s;

    if (c->cr0 & (CR0_EM | CR0_TS))
        cpu_raise_noerr(c, EX_NM);
    f->ne = (c->cr0 & CR0_NE) != 0;
    if (c->model286) {
        /* The 80286 conformance model has no coprocessor: the escape is
         * decoded (memory operand checked) and otherwise ignored. */
        static const uint8_t msize[8] = {4, 4, 4, 4, 8, 8, 2, 2};
        if (mem)
            (void)seg_lin(c, i->seg, insn_ea(c, i), msize[esc], 0);
        return;
    }
    if (is_reserved(i))
        EXC_UD(c);
    if (!is_control(i)) {
        check_pending(c);
        f->fop = (uint16_t)((esc << 8) | i->modrm);
        f->fip = c->prev_eip;
        f->fcs = c->seg[S_CS].sel;
        if (mem) {
            f->fdp = insn_ea(c, i);
            f->fds = c->seg[i->seg].sel;
        }
    }
    s = ctx_of(f);

    if (mem) {
        switch (esc) {
        case 0: case 2: case 4: case 6: { /* arithmetic with memory source */
            static const uint8_t size[4] = {4, 4, 8, 2};
            unsigned n = size[esc >> 1];
            floatx80 src;
            SFCtx ls = s;
            m_read(c, i, b, n);
            if (esc == 0)
                src = fx_from_f32(&ls, ldl_le(b));
            else if (esc == 4)
                src = fx_from_f64(&ls, ldq_le(b));
            else
                src = fx_from_i64(ld_int(b, n));
            arith_st0(f, (int)reg, src, ls.flags, &s);
            return;
        }
        case 1:
            switch (reg) {
            case 0: /* FLD m32 */
                m_read(c, i, b, 4);
                {
                    floatx80 v = fx_from_f32(&s, ldl_le(b));
                    if (fx_class(v) == FXC_SNAN) {
                        s.flags |= SF_IE;
                        v.m |= 1ull << 62;
                    }
                    do_load(f, v, &s);
                }
                return;
            case 2: fst_mem(c, i, 4, 0); return;
            case 3: fst_mem(c, i, 4, 1); return;
            case 4: /* FLDENV */
                m_read(c, i, b, env_size(i));
                env_load(c, i, b);
                return;
            case 5: /* FLDCW */
                m_read(c, i, b, 2);
                f->cw = (uint16_t)((ldw_le(b) & 0x1F7F) | 0x0040);
                update_es(f);
                return;
            case 6: /* FNSTENV */
                (void)m_lin(c, i, env_size(i), 1);
                env_store(c, i, b);
                m_write(c, i, b, env_size(i));
                f->cw |= 0x3F;
                update_es(f);
                return;
            case 7: /* FNSTCW */
                stw_le(b, f->cw);
                m_write(c, i, b, 2);
                return;
            }
            break;
        case 3:
            switch (reg) {
            case 0: /* FILD m32 */
                m_read(c, i, b, 4);
                do_load(f, fx_from_i64(ld_int(b, 4)), &s);
                return;
            case 2: fist(c, i, 4, 0); return;
            case 3: fist(c, i, 4, 1); return;
            case 5: /* FLD m80 */
                m_read(c, i, b, 10);
                do_load(f, ld80(b), &s);
                return;
            case 7: fst_mem(c, i, 10, 1); return;
            }
            break;
        case 5:
            switch (reg) {
            case 0: /* FLD m64 */
                m_read(c, i, b, 8);
                {
                    floatx80 v = fx_from_f64(&s, ldq_le(b));
                    if (fx_class(v) == FXC_SNAN) {
                        s.flags |= SF_IE;
                        v.m |= 1ull << 62;
                    }
                    do_load(f, v, &s);
                }
                return;
            case 2: fst_mem(c, i, 8, 0); return;
            case 3: fst_mem(c, i, 8, 1); return;
            case 4: { /* FRSTOR */
                unsigned n = env_size(i), k;
                unsigned t;
                m_read(c, i, b, n + 80);
                t = (ldw_le(b + (i->osz ? 4 : 2)) >> 11) & 7;
                for (k = 0; k < 8; k++) {
                    unsigned p = (t + k) & 7;
                    f->r[p] = ld80(b + n + 10 * k);
                }
                env_load(c, i, b);
                return;
            }
            case 6: { /* FNSAVE */
                unsigned n = env_size(i), k;
                (void)m_lin(c, i, n + 80, 1);
                env_store(c, i, b);
                for (k = 0; k < 8; k++)
                    st80(b + n + 10 * k, st_get(f, k));
                m_write(c, i, b, n + 80);
                fninit(f);
                return;
            }
            case 7: /* FNSTSW m16 */
                stw_le(b, f->sw);
                m_write(c, i, b, 2);
                return;
            }
            break;
        case 7:
            switch (reg) {
            case 0: /* FILD m16 */
                m_read(c, i, b, 2);
                do_load(f, fx_from_i64(ld_int(b, 2)), &s);
                return;
            case 2: fist(c, i, 2, 0); return;
            case 3: fist(c, i, 2, 1); return;
            case 4: /* FBLD */
                m_read(c, i, b, 10);
                if (!st_empty(f, 7)) {
                    if (!stack_fault(f, 1))
                        fpush(f, FX_DEFAULT_NAN);
                    return;
                }
                bcd_load(f, b);
                return;
            case 5: /* FILD m64 */
                m_read(c, i, b, 8);
                do_load(f, fx_from_i64(ld_int(b, 8)), &s);
                return;
            case 6: { /* FBSTP */
                floatx80 v;
                int st = store_src(f, &v);
                if (!st)
                    return;
                (void)m_lin(c, i, 10, 1);
                set_c1(f, 0);
                if (st == 2) {
                    memset(b, 0, 10);
                    b[7] = 0xC0;
                    b[8] = b[9] = 0xFF;
                } else if (bcd_store(f, v, b)) {
                    return;
                }
                m_write(c, i, b, 10);
                fpop(f);
                return;
            }
            case 7: fist(c, i, 8, 1); return;
            }
            break;
        }
        EXC_UD(c);
    }

    /* register forms */
    switch (esc) {
    case 0:
        if (reg == 2 || reg == 3)
            fcom_reg(f, rm, 0, reg == 3);
        else
            arith_reg(f, 0, (int)reg, rm);
        return;
    case 1:
        switch (reg) {
        case 0: { /* FLD ST(i) */
            floatx80 v;
            if (st_empty(f, rm)) {
                if (!st_empty(f, 7)) {
                    if (!stack_fault(f, 1))
                        fpush(f, FX_DEFAULT_NAN);
                    return;
                }
                if (!stack_fault(f, 0))
                    fpush(f, FX_DEFAULT_NAN);
                return;
            }
            v = st_get(f, rm);
            do_load(f, v, &s);
            return;
        }
        case 1: fxch(f, rm); return;
        case 2: set_c1(f, 0); return; /* FNOP */
        case 3: fst_reg(f, rm, 1); return; /* FSTP1 alias */
        case 4:
            if (rm == 5) {
                fxam(f);
                return;
            }
            if (st_empty(f, 0)) {
                int unmasked = stack_fault(f, 0);
                if (rm == 4)
                    f->sw |= SW_C0 | SW_C2 | SW_C3;
                else if (!unmasked)
                    st_set(f, 0, FX_DEFAULT_NAN);
                return;
            }
            set_c1(f, 0);
            if (rm == 0)
                st_set(f, 0, fx_chs(st_get(f, 0)));
            else if (rm == 1)
                st_set(f, 0, fx_abs(st_get(f, 0)));
            else { /* FTST */
                int r = fx_compare(&s, st_get(f, 0), fx_const(&s, 6), 0);
                set_cc_compare(f, r);
                post(f, &s);
            }
            return;
        case 5: /* constants */
            {
                static const int which[7] = {0, 1, 2, 3, 4, 5, 6};
                do_load(f, fx_const(&s, which[rm]), &s);
            }
            return;
        case 6:
            switch (rm) {
            case 1: case 3: case 5: binary01(f, rm); return;
            case 6: set_top(f, top(f) - 1); set_c1(f, 0); return; /* FDECSTP */
            case 7: set_top(f, top(f) + 1); set_c1(f, 0); return; /* FINCSTP */
            default: unary(f, rm); return; /* F2XM1 FPTAN FXTRACT */
            }
        case 7:
            switch (rm) {
            case 0: case 1: case 5: binary01(f, rm + 8); return;
            default: unary(f, rm + 8); return;
            }
        }
        break;
    case 2:
    case 3:
        if (reg <= 3) { /* FCMOVcc */
            static const int cc[4] = {2, 4, 6, 10};
            int cond = cond_true(c, cc[reg]);
            if (esc == 3)
                cond = !cond;
            set_c1(f, 0);
            if (st_empty(f, 0) || st_empty(f, rm)) {
                if (!stack_fault(f, 0))
                    st_set(f, 0, FX_DEFAULT_NAN);
                return;
            }
            if (cond)
                st_set(f, 0, st_get(f, rm));
            return;
        }
        if (esc == 2) { /* DA E9 FUCOMPP */
            fcom_reg(f, 1, 1, 2);
            return;
        }
        if (reg == 4) {
            switch (rm) {
            case 2: /* FNCLEX */
                if (f->sw & SW_ES)
                    ferr(f, 0);
                f->sw &= ~(0x3F | SW_SF | SW_ES | SW_B);
                return;
            case 3: fninit(f); return;
            default: return; /* FNENI, FNDISI, FSETPM: no-ops on a P6 */
            }
        }
        fcomi(c, rm, reg == 5, 0); /* E8 FUCOMI, F0 FCOMI */
        return;
    case 4:
        if (reg == 2 || reg == 3)
            fcom_reg(f, rm, 0, reg == 3); /* FCOM2 / FCOMP3 aliases */
        else
            arith_reg(f, 4, (int)reg, rm);
        return;
    case 5:
        switch (reg) {
        case 0: set_tag(f, phys(f, rm), TAG_EMPTY); set_c1(f, 0); return;
        case 1: fxch(f, rm); return; /* FXCH4 alias */
        case 2: fst_reg(f, rm, 0); return;
        case 3: fst_reg(f, rm, 1); return;
        case 4: fcom_reg(f, rm, 1, 0); return; /* FUCOM */
        case 5: fcom_reg(f, rm, 1, 1); return; /* FUCOMP */
        }
        break;
    case 6:
        if (reg == 2) { fcom_reg(f, rm, 0, 1); return; } /* FCOMP5 alias */
        if (reg == 3) { fcom_reg(f, 1, 0, 2); return; }  /* FCOMPP */
        arith_reg(f, 6, (int)reg, rm);
        return;
    case 7:
        switch (reg) {
        case 0: /* FFREEP */
            set_tag(f, phys(f, rm), TAG_EMPTY);
            set_top(f, top(f) + 1);
            set_c1(f, 0);
            return;
        case 1: fxch(f, rm); return; /* FXCH7 alias */
        case 2: case 3: fst_reg(f, rm, 1); return; /* FSTP8/9 aliases */
        case 4: reg_write(c, R_EAX, f->sw, 2); return; /* FNSTSW AX */
        case 5: fcomi(c, rm, 1, 1); return; /* FUCOMIP */
        case 6: fcomi(c, rm, 0, 1); return; /* FCOMIP */
        }
        break;
    }
    EXC_UD(c);
}
