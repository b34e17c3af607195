/* Software floating point for the x87 (see softfloat.h).  Pure integer C:
 * values are unpacked to (sign, unbiased exponent, 64-bit significand with
 * the integer bit at bit 63) and results rounded by one routine, rpack(),
 * which implements rounding mode, precision, denormalisation, tininess
 * (detected before rounding, as the x87 does), overflow and the
 * masked/unmasked responses. */
#include "cpu/softfloat.h"

/* ---- 128-bit helpers --------------------------------------------------------- */
typedef struct u128 {
    uint64_t hi, lo;
} u128;

static u128 mul64(uint64_t a, uint64_t b)
{
    uint64_t a0 = a & 0xFFFFFFFFu, a1 = a >> 32;
    uint64_t b0 = b & 0xFFFFFFFFu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xFFFFFFFFu) + (p10 & 0xFFFFFFFFu);
    u128 r;
    r.lo = (mid << 32) | (p00 & 0xFFFFFFFFu);
    r.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    return r;
}
static u128 add128(u128 a, u128 b)
{
    u128 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo);
    return r;
}
static u128 sub128(u128 a, u128 b)
{
    u128 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}
static int cmp128(u128 a, u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}
static u128 shl128(u128 a, int n)
{
    u128 r;
    if (n == 0)
        return a;
    if (n >= 128) {
        r.hi = r.lo = 0;
    } else if (n >= 64) {
        r.hi = a.lo << (n - 64);
        r.lo = 0;
    } else {
        r.hi = (a.hi << n) | (a.lo >> (64 - n));
        r.lo = a.lo << n;
    }
    return r;
}
/* Shift right; bits shifted out are or'ed into bit 0 ("jamming"). */
static u128 shr128_jam(u128 a, int n)
{
    u128 r;
    if (n == 0)
        return a;
    if (n >= 128) {
        r.hi = 0;
        r.lo = (a.hi | a.lo) != 0;
    } else if (n >= 64) {
        uint64_t lost = a.lo | (n > 64 ? a.hi << (128 - n) : 0);
        r.hi = 0;
        r.lo = (n == 64 ? a.hi : a.hi >> (n - 64)) | (lost != 0);
    } else {
        uint64_t lost = a.lo << (64 - n);
        r.lo = (a.lo >> n) | (a.hi << (64 - n)) | (lost != 0);
        r.hi = a.hi >> n;
    }
    return r;
}
static int clz64(uint64_t v)
{
    int n = 0;
    if (v == 0)
        return 64;
    while (!(v & 0x8000000000000000ull)) {
        v <<= 1;
        n++;
    }
    return n;
}

/* ---- classification and unpacking ---------------------------------------------- */
#define BIT63 0x8000000000000000ull
#define BIT62 0x4000000000000000ull
#define EMIN80 (-16382)
#define EMAX80 16383
#define WRAP80 24576

int fx_class(floatx80 a)
{
    int e = a.se & 0x7FFF;
    if (e == 0x7FFF) {
        if (!(a.m & BIT63))
            return FXC_UNSUPPORTED;
        if ((a.m << 1) == 0)
            return FXC_INF;
        return (a.m & BIT62) ? FXC_QNAN : FXC_SNAN;
    }
    if (e == 0)
        return a.m ? FXC_DENORMAL : FXC_ZERO;
    return (a.m & BIT63) ? FXC_NORMAL : FXC_UNSUPPORTED;
}
static int is_nan_class(int c) { return c == FXC_QNAN || c == FXC_SNAN; }

/* Finite nonzero value -> normalised (e unbiased, m bit 63 set). */
static void unpack(floatx80 a, int32_t *e, uint64_t *m)
{
    int32_t ex = a.se & 0x7FFF;
    uint64_t mm = a.m;
    if (ex == 0)
        ex = 1; /* denormals and pseudo-denormals */
    *e = ex - 16383;
    if (!(mm & BIT63)) {
        int sh = clz64(mm);
        mm <<= sh;
        *e -= sh;
    }
    *m = mm;
}

static floatx80 quiet(floatx80 a)
{
    a.m |= BIT62;
    return a;
}
static floatx80 zero(int sign) { return fx_make(sign, 0, 0); }
static floatx80 inf(int sign) { return fx_make(sign, 0x7FFF, BIT63); }

/* A denormal operand: DE; when DE is unmasked the x87 does not perform the
 * operation (the caller discards the result), so the op stops here. */
#define DENORMAL(cond, ret)                                                    \
    do {                                                                       \
        if (cond) {                                                            \
            s->flags |= SF_DE;                                                 \
            if (!(s->masks & SF_DE))                                           \
                return ret;                                                    \
        }                                                                      \
    } while (0)

static floatx80 invalid(SFCtx *s)
{
    s->flags |= SF_IE;
    return FX_DEFAULT_NAN;
}

/* NaN result of a two-operand operation (SDM Vol. 1 table 4-7). */
static floatx80 nan2(SFCtx *s, floatx80 a, floatx80 b, int ca, int cb)
{
    if (ca == FXC_SNAN || cb == FXC_SNAN)
        s->flags |= SF_IE;
    if (is_nan_class(ca) && is_nan_class(cb)) {
        if (ca != cb) /* one SNaN, one QNaN: the QNaN */
            return ca == FXC_QNAN ? a : b;
        {
            uint64_t ma = a.m | BIT62, mb = b.m | BIT62;
            if (ma != mb)
                return quiet(ma > mb ? a : b);
            /* equal significands: the positive one */
            return quiet(fx_sign(a) ? b : a);
        }
    }
    return quiet(is_nan_class(ca) ? a : b);
}

/* ---- rounding ---------------------------------------------------------------- */
typedef struct Fmt {
    int bits;           /* significand precision */
    int32_t emin, emax; /* unbiased exponent range of normal numbers */
    int32_t wrap;       /* exponent wrap for unmasked O/U (0: none) */
} Fmt;


/* Rounds sign * (m:x) * 2^(e-63) to f.  On return *pe and *pm hold the result:
 * m bit 63 set = normal; m bit 63 clear = denormal (e = emin) or zero.
 * Returns 1 when the result is an infinity. */
static int rpack(SFCtx *s, const Fmt *f, int sign, int32_t *pe, uint64_t *pm,
                 uint64_t x)
{
    int32_t e = *pe;
    uint64_t m = *pm;
    int tiny = 0, k, incr = 0, inexact;
    uint64_t lowmask, half, rem;
    int rbit, sticky;

    if (m == 0 && x == 0) {
        *pe = f->emin;
        return 0;
    }
    if (!(m & BIT63)) {
        u128 v = {m, x};
        int sh = m ? clz64(m) : 64 + clz64(x);
        v = shl128(v, sh);
        m = v.hi;
        x = v.lo;
        e -= sh;
    }
    if (e < f->emin) {
        if (!(s->masks & SF_UE)) {
            s->flags |= SF_UE;
            if (!f->wrap) { /* memory destination: nothing is stored */
                s->c1 = 0;
                *pe = f->emin;
                *pm = 0;
                return 0;
            }
            e += f->wrap;
            if (e < f->emin) {
                /* beyond the wrapped range too (only FSCALE gets here):
                 * silicon stores a signed zero with PE, C1 = 0, even where
                 * the wrapped value would be an exact denormal */
                s->flags |= SF_PE;
                s->c1 = 0;
                *pe = f->emin;
                *pm = 0;
                return 0;
            }
        }
        if (e < f->emin) {
            u128 v = {m, x};
            v = shr128_jam(v, (int)(f->emin - e) > 200 ? 200 : (int)(f->emin - e));
            m = v.hi;
            x = v.lo;
            e = f->emin;
            tiny = 1;
        }
    }
    k = 64 - f->bits;
    if (k == 0) {
        rbit = (int)(x >> 63);
        sticky = (x << 1) != 0;
        lowmask = 0;
    } else {
        lowmask = (1ull << k) - 1;
        half = 1ull << (k - 1);
        rem = m & lowmask;
        rbit = (rem & half) != 0;
        sticky = (rem & (half - 1)) != 0 || x != 0;
    }
    inexact = rbit | sticky;
    switch (s->rc) {
    case SF_RN: incr = rbit && (sticky || ((m >> k) & 1)); break;
    case SF_RD: incr = inexact && sign; break;
    case SF_RU: incr = inexact && !sign; break;
    default: incr = 0; break;
    }
    m &= ~lowmask;
    if (incr) {
        uint64_t old = m;
        m += lowmask + 1;
        if (m < old) { /* carry out of bit 63 */
            m = BIT63;
            e++;
        }
    }
    if (e > f->emax) {
        if (!(s->masks & SF_OE)) {
            s->flags |= SF_OE;
            if (!f->wrap) { /* memory destination: nothing is stored */
                s->c1 = 0;
                *pe = f->emax;
                *pm = m;
                return 0;
            }
            e -= f->wrap;
            if (e > f->emax) { /* beyond the wrapped range too: infinity */
                s->flags |= SF_PE;
                s->c1 = 1;
                *pe = f->emax + 1;
                *pm = BIT63;
                return 1;
            }
        } else {
            int to_inf;
            s->flags |= SF_OE | SF_PE;
            switch (s->rc) {
            case SF_RN: to_inf = 1; break;
            case SF_RD: to_inf = sign; break;
            case SF_RU: to_inf = !sign; break;
            default: to_inf = 0; break;
            }
            s->c1 = (uint8_t)to_inf;
            if (to_inf) {
                *pe = f->emax + 1;
                *pm = BIT63;
                return 1;
            }
            *pe = f->emax;
            *pm = ~0ull << k;
            return 0;
        }
    }
    if (tiny && s->ftz && (s->masks & SF_UE)) {
        /* SSE flush-to-zero: a tiny result is +-0, UE and PE */
        s->flags |= SF_UE | SF_PE;
        *pe = f->emin;
        *pm = 0;
        return 0;
    }
    if (inexact) {
        s->flags |= SF_PE;
        s->c1 = (uint8_t)incr;
        if (tiny)
            s->flags |= SF_UE;
    } else {
        s->c1 = 0;
    }
    *pe = e;
    *pm = m;
    return 0;
}

static const Fmt fmt80[4] = {
    {24, EMIN80, EMAX80, WRAP80}, {64, EMIN80, EMAX80, WRAP80},
    {53, EMIN80, EMAX80, WRAP80}, {64, EMIN80, EMAX80, WRAP80}};
static const Fmt fmt80_full = {64, EMIN80, EMAX80, WRAP80};

/* binary32/binary64 result formats (SSE): the value is returned in an
 * extended "carrier" that represents it exactly (denormals normalised). */
static const Fmt fmt32 = {24, -126, 127, 0};
static const Fmt fmt64 = {53, -1022, 1023, 0};
static const Fmt *fmt_of(const SFCtx *s)
{
    return s->fmt == 1 ? &fmt32 : s->fmt == 2 ? &fmt64 : &fmt80[s->pc & 3];
}

static floatx80 pack80(SFCtx *s, const Fmt *f, int sign, int32_t e,
                       uint64_t m, uint64_t x)
{
    if (rpack(s, f, sign, &e, &m, x))
        return inf(sign);
    if (!(m & BIT63)) {
        if (f->emin != EMIN80 && m != 0) {
            int sh = clz64(m);
            return fx_make(sign, e - sh + 16383, m << sh);
        }
        return fx_make(sign, 0, m);
    }
    return fx_make(sign, e + 16383, m);
}

/* ---- add / sub ------------------------------------------------------------------ */
static floatx80 addsub(SFCtx *s, floatx80 a, floatx80 b, int negb)
{
    int ca = fx_class(a), cb = fx_class(b);
    int sa = fx_sign(a), sb = fx_sign(b) ^ negb;
    int32_t ea, eb, d;
    uint64_t ma, mb;
    u128 va, vb, r;
    int sign;
    const Fmt *f = fmt_of(s);

    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca) || is_nan_class(cb))
        return nan2(s, a, b, ca, cb);
    if (ca == FXC_INF || cb == FXC_INF) {
        if (ca == FXC_INF && cb == FXC_INF && sa != sb)
            return invalid(s);
        DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
        return inf(ca == FXC_INF ? sa : sb);
    }
    DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
    if (ca == FXC_ZERO && cb == FXC_ZERO)
        return zero(sa == sb ? sa : s->rc == SF_RD);
    if (ca == FXC_ZERO) {
        unpack(b, &eb, &mb);
        return pack80(s, f, sb, eb, mb, 0);
    }
    if (cb == FXC_ZERO) {
        unpack(a, &ea, &ma);
        return pack80(s, f, sa, ea, ma, 0);
    }
    unpack(a, &ea, &ma);
    unpack(b, &eb, &mb);
    if (ea < eb || (ea == eb && ma < mb)) {
        int32_t te = ea; uint64_t tm = ma; int ts = sa;
        ea = eb; ma = mb; sa = sb;
        eb = te; mb = tm; sb = ts;
    }
    d = ea - eb;
    va.hi = ma; va.lo = 0;
    vb.hi = mb; vb.lo = 0;
    vb = shr128_jam(vb, d > 200 ? 200 : (int)d);
    sign = sa;
    if (sa == sb) {
        r = add128(va, vb);
        if (r.hi < ma) { /* carry */
            r = shr128_jam(r, 1);
            r.hi |= BIT63;
            ea++;
        }
    } else {
        if (cmp128(va, vb) == 0)
            return zero(s->rc == SF_RD);
        r = sub128(va, vb);
        {
            int sh = r.hi ? clz64(r.hi) : 64 + clz64(r.lo);
            r = shl128(r, sh);
            ea -= sh;
        }
    }
    return pack80(s, f, sign, ea, r.hi, r.lo);
}

floatx80 fx_add(SFCtx *s, floatx80 a, floatx80 b) { return addsub(s, a, b, 0); }
floatx80 fx_sub(SFCtx *s, floatx80 a, floatx80 b) { return addsub(s, a, b, 1); }

/* ---- mul / div ------------------------------------------------------------------ */
floatx80 fx_mul(SFCtx *s, floatx80 a, floatx80 b)
{
    int ca = fx_class(a), cb = fx_class(b);
    int sign = fx_sign(a) ^ fx_sign(b);
    int32_t ea, eb, e;
    uint64_t ma, mb;
    u128 p;

    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca) || is_nan_class(cb))
        return nan2(s, a, b, ca, cb);
    if ((ca == FXC_INF && cb == FXC_ZERO) || (ca == FXC_ZERO && cb == FXC_INF))
        return invalid(s);
    DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
    if (ca == FXC_INF || cb == FXC_INF)
        return inf(sign);
    if (ca == FXC_ZERO || cb == FXC_ZERO)
        return zero(sign);
    unpack(a, &ea, &ma);
    unpack(b, &eb, &mb);
    p = mul64(ma, mb);
    e = ea + eb;
    if (p.hi & BIT63)
        e++;
    else
        p = shl128(p, 1);
    return pack80(s, fmt_of(s), sign, e, p.hi, p.lo);
}

/* Long division of the significands: (q:x) = ma / mb with the leading one
 * at bit 63 of q; returns the exponent adjustment (0 or -1). */
static int divsig(uint64_t ma, uint64_t mb, uint64_t *q, uint64_t *x)
{
    u128 acc = {0, 0};
    uint64_t r = ma;
    int carry = 0, i, adj;
    for (i = 0; i < 66; i++) {
        int bit = 0;
        if (carry || r >= mb) {
            r -= mb;
            bit = 1;
        }
        acc = shl128(acc, 1);
        acc.lo |= (uint64_t)bit;
        carry = (int)(r >> 63);
        r <<= 1;
    }
    /* acc holds 66 quotient bits: bit 65 has weight 2^0. */
    if ((acc.hi >> 1) & 1) {
        acc = shl128(acc, 62);
        adj = 0;
    } else {
        acc = shl128(acc, 63);
        adj = -1;
    }
    *q = acc.hi;
    *x = acc.lo | (carry || r != 0);
    return adj;
}

floatx80 fx_div(SFCtx *s, floatx80 a, floatx80 b)
{
    int ca = fx_class(a), cb = fx_class(b);
    int sign = fx_sign(a) ^ fx_sign(b);
    int32_t ea, eb, e;
    uint64_t ma, mb, q, x;

    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca) || is_nan_class(cb))
        return nan2(s, a, b, ca, cb);
    if ((ca == FXC_INF && cb == FXC_INF) || (ca == FXC_ZERO && cb == FXC_ZERO))
        return invalid(s);
    if (cb == FXC_ZERO && ca != FXC_INF) {
        s->flags |= SF_ZE;
        return inf(sign);
    }
    DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
    if (ca == FXC_INF)
        return inf(sign);
    if (cb == FXC_INF)
        return zero(sign);
    if (ca == FXC_ZERO)
        return zero(sign);
    unpack(a, &ea, &ma);
    unpack(b, &eb, &mb);
    e = ea - eb + divsig(ma, mb, &q, &x);
    return pack80(s, fmt_of(s), sign, e, q, x);
}

/* ---- sqrt ------------------------------------------------------------------------ */
/* root = isqrt(mm * 2^67) with 66 bits, remainder nonzero -> *sticky. */
static u128 isqrt_sig(u128 mm, int *sticky)
{
    u128 rem = {0, 0}, root = {0, 0};
    int pos;
    /* N = mm << 67 has at most 132 bits: 66 pairs, low bit of pair at pos */
    for (pos = 130; pos >= 0; pos -= 2) {
        unsigned pair = 0;
        int b;
        for (b = 1; b >= 0; b--) {
            int bitpos = pos + b - 67;
            unsigned bit = 0;
            if (bitpos >= 0)
                bit = (unsigned)((bitpos >= 64 ? mm.hi >> (bitpos - 64)
                                               : mm.lo >> bitpos) & 1);
            pair = (pair << 1) | bit;
        }
        {
            u128 trial;
            rem = shl128(rem, 2);
            rem.lo |= pair;
            trial = shl128(root, 2);
            trial.lo |= 1;
            root = shl128(root, 1);
            if (cmp128(rem, trial) >= 0) {
                rem = sub128(rem, trial);
                root.lo |= 1;
            }
        }
    }
    *sticky = (rem.hi | rem.lo) != 0;
    return root;
}

floatx80 fx_sqrt(SFCtx *s, floatx80 a)
{
    int ca = fx_class(a);
    int32_t e;
    uint64_t m;
    u128 mm, root;
    int sticky;

    if (ca == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        return quiet(a);
    }
    if (ca == FXC_ZERO)
        return a;
    if (fx_sign(a))
        return invalid(s);
    if (ca == FXC_INF)
        return a;
    DENORMAL(ca == FXC_DENORMAL, a);
    unpack(a, &e, &m);
    mm.hi = 0;
    mm.lo = m;
    if (e & 1) {
        mm = shl128(mm, 1);
        e -= 1;
    }
    root = isqrt_sig(mm, &sticky);
    /* root has its leading one at bit 65 */
    {
        uint64_t sig = (root.hi << 62) | (root.lo >> 2);
        uint64_t x = (root.lo << 62) | (uint64_t)sticky;
        return pack80(s, fmt_of(s), 0, e / 2, sig, x);
    }
}

/* ---- integer rounding ----------------------------------------------------------- */
/* Rounds |value| = m * 2^(e-63) to an integer magnitude; sets *inexact and *incr. */
static uint64_t round_mag(const SFCtx *s, int sign, int32_t e, uint64_t m,
                          int truncate, int *inexact, int *incr)
{
    int k = 63 - e; /* fraction bits */
    uint64_t ip;
    int rbit, sticky, up = 0;
    if (k <= 0) { /* e >= 63: already integral (caller checks range) */
        *inexact = *incr = 0;
        return m;
    }
    if (k >= 65) {
        ip = 0; rbit = 0; sticky = m != 0;
    } else if (k == 64) {
        ip = 0; rbit = (int)(m >> 63); sticky = (m << 1) != 0;
    } else {
        ip = m >> k;
        rbit = (int)((m >> (k - 1)) & 1);
        sticky = (m & ((1ull << (k - 1)) - 1)) != 0;
    }
    *inexact = rbit | sticky;
    if (!truncate) {
        switch (s->rc) {
        case SF_RN: up = rbit && (sticky || (ip & 1)); break;
        case SF_RD: up = *inexact && sign; break;
        case SF_RU: up = *inexact && !sign; break;
        default: break;
        }
    }
    *incr = up;
    return ip + (uint64_t)up;
}

floatx80 fx_from_i64(int64_t v)
{
    uint64_t mag;
    int sign = v < 0, sh;
    if (v == 0)
        return zero(0);
    mag = sign ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    sh = clz64(mag);
    return fx_make(sign, 16383 + 63 - sh, mag << sh);
}

static floatx80 from_mag(int sign, uint64_t mag)
{
    int sh;
    if (mag == 0)
        return zero(sign);
    sh = clz64(mag);
    return fx_make(sign, 16383 + 63 - sh, mag << sh);
}

floatx80 fx_round_int(SFCtx *s, floatx80 a)
{
    int ca = fx_class(a), inexact, incr;
    int32_t e;
    uint64_t m, mag;
    if (ca == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        return quiet(a);
    }
    if (ca == FXC_ZERO || ca == FXC_INF)
        return a;
    DENORMAL(ca == FXC_DENORMAL, a);
    unpack(a, &e, &m);
    if (e >= 63)
        return a;
    mag = round_mag(s, fx_sign(a), e, m, 0, &inexact, &incr);
    if (inexact) {
        s->flags |= SF_PE;
        s->c1 = (uint8_t)incr;
    }
    return from_mag(fx_sign(a), mag);
}

int64_t fx_to_int(SFCtx *s, floatx80 a, int bits, int truncate)
{
    int ca = fx_class(a), inexact, incr, sign = fx_sign(a);
    int32_t e;
    uint64_t m, mag, lim;
    int64_t indef = (int64_t)((uint64_t)0 - (1ull << (bits - 1)));
    if (ca == FXC_UNSUPPORTED || is_nan_class(ca) || ca == FXC_INF) {
        s->flags |= SF_IE;
        return indef;
    }
    if (ca == FXC_ZERO)
        return 0;
    unpack(a, &e, &m);
    if (e > 63) {
        s->flags |= SF_IE;
        return indef;
    }
    mag = round_mag(s, sign, e, m, truncate, &inexact, &incr);
    lim = (1ull << (bits - 1)) - (sign ? 0 : 1);
    if (mag > lim) {
        s->flags |= SF_IE;
        return indef;
    }
    if (inexact) {
        s->flags |= SF_PE;
        s->c1 = (uint8_t)incr;
    }
    return sign ? (int64_t)((uint64_t)0 - mag) : (int64_t)mag;
}

/* ---- compare ----------------------------------------------------------------------- */
int fx_compare(SFCtx *s, floatx80 a, floatx80 b, int quiet_cmp)
{
    int ca = fx_class(a), cb = fx_class(b);
    int sa = fx_sign(a), sb = fx_sign(b);
    int32_t ea, eb;
    uint64_t ma, mb;
    int r;
    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED ||
        ca == FXC_SNAN || cb == FXC_SNAN) {
        s->flags |= SF_IE;
        return FX_UN;
    }
    if (is_nan_class(ca) || is_nan_class(cb)) {
        if (!quiet_cmp)
            s->flags |= SF_IE;
        return FX_UN;
    }
    if (ca == FXC_DENORMAL || cb == FXC_DENORMAL)
        s->flags |= SF_DE; /* compares are performed even when unmasked */
    if (ca == FXC_ZERO && cb == FXC_ZERO)
        return FX_EQ;
    if (ca == FXC_ZERO)
        return sb ? FX_GT : FX_LT;
    if (cb == FXC_ZERO)
        return sa ? FX_LT : FX_GT;
    if (sa != sb)
        return sa ? FX_LT : FX_GT;
    if (ca == FXC_INF) { ea = 1 << 20; ma = BIT63; } else unpack(a, &ea, &ma);
    if (cb == FXC_INF) { eb = 1 << 20; mb = BIT63; } else unpack(b, &eb, &mb);
    if (ea == eb && ma == mb)
        return FX_EQ;
    r = (ea > eb || (ea == eb && ma > mb)) ? FX_GT : FX_LT;
    if (sa)
        r = r == FX_GT ? FX_LT : FX_GT;
    return r;
}

/* ---- binary32 / binary64 ------------------------------------------------------- */
static floatx80 from_bin(SFCtx *s, int sign, int32_t bexp, uint64_t frac,
                         int fbits, int32_t bias, int32_t emaxb)
{
    /* frac has fbits bits */
    uint64_t m = frac << (63 - fbits);
    if (bexp == emaxb) {
        if (frac == 0)
            return inf(sign);
        return fx_make(sign, 0x7FFF, BIT63 | m); /* SNaN stays signaling */
    }
    if (bexp == 0) {
        int sh;
        if (frac == 0)
            return zero(sign);
        s->flags |= SF_DE;
        sh = clz64(m);
        return fx_make(sign, 1 - bias - sh + 16383, m << sh);
    }
    return fx_make(sign, bexp - bias + 16383, BIT63 | m);
}

floatx80 fx_from_f32(SFCtx *s, uint32_t f)
{
    return from_bin(s, (int)(f >> 31), (f >> 23) & 0xFF, f & 0x7FFFFF, 23, 127,
                    0xFF);
}
floatx80 fx_from_f64(SFCtx *s, uint64_t f)
{
    return from_bin(s, (int)(f >> 63), (int32_t)((f >> 52) & 0x7FF),
                    f & 0xFFFFFFFFFFFFFull, 52, 1023, 0x7FF);
}

/* Returns the bits of a in a binary format with fbits fraction bits. */
static uint64_t to_bin(SFCtx *s, floatx80 a, int fbits, int32_t bias,
                       uint64_t expmax)
{
    int ca = fx_class(a), sign = fx_sign(a);
    uint64_t sbit = (uint64_t)sign << (fbits + (expmax == 0xFF ? 8 : 11));
    uint64_t qnan_bit = 1ull << (fbits - 1);
    Fmt f;
    int32_t e;
    uint64_t m;
    if (ca == FXC_UNSUPPORTED) {
        s->flags |= SF_IE;
        return (1ull << (fbits + (expmax == 0xFF ? 8 : 11))) |
               (expmax << fbits) | qnan_bit;
    }
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        return sbit | (expmax << fbits) | qnan_bit |
               ((a.m << 1) >> (64 - fbits));
    }
    if (ca == FXC_INF)
        return sbit | (expmax << fbits);
    if (ca == FXC_ZERO)
        return sbit;
    unpack(a, &e, &m);
    f.bits = fbits + 1;
    f.emin = 1 - bias;
    f.emax = bias;
    f.wrap = 0;
    if (rpack(s, &f, sign, &e, &m, 0))
        return sbit | (expmax << fbits);
    if (!(m & BIT63))
        return sbit | (m >> (63 - fbits));
    return sbit | ((uint64_t)(e + bias) << fbits) |
           ((m << 1) >> (64 - fbits));
}

uint32_t fx_to_f32(SFCtx *s, floatx80 a)
{
    return (uint32_t)to_bin(s, a, 23, 127, 0xFF);
}
uint64_t fx_to_f64(SFCtx *s, floatx80 a)
{
    return to_bin(s, a, 52, 1023, 0x7FF);
}

/* ---- FSCALE / FXTRACT / FPREM ------------------------------------------------- */
floatx80 fx_scale(SFCtx *s, floatx80 a, floatx80 b)
{
    int ca = fx_class(a), cb = fx_class(b), sa = fx_sign(a);
    int32_t ea, eb, n;
    uint64_t ma, mb;
    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca) || is_nan_class(cb))
        return nan2(s, a, b, ca, cb);
    if (cb == FXC_INF) {
        if (!fx_sign(b)) {
            if (ca == FXC_ZERO)
                return invalid(s);
            DENORMAL(ca == FXC_DENORMAL, a);
            return inf(sa);
        }
        if (ca == FXC_INF)
            return invalid(s);
        DENORMAL(ca == FXC_DENORMAL, a);
        return zero(sa);
    }
    DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
    if (ca == FXC_INF || ca == FXC_ZERO)
        return a;
    unpack(a, &ea, &ma);
    if (cb == FXC_ZERO) {
        n = 0;
    } else {
        unpack(b, &eb, &mb);
        if (eb < 0)
            n = 0;
        else if (eb > 30)
            n = 1 << 20;
        else
            n = (int32_t)(mb >> (63 - eb));
        if (fx_sign(b))
            n = -n;
    }
    return pack80(s, &fmt80_full, sa, ea + n, ma, 0);
}

floatx80 fx_extract(SFCtx *s, floatx80 a, floatx80 *exp_out)
{
    int ca = fx_class(a), sa = fx_sign(a);
    int32_t e;
    uint64_t m;
    if (ca == FXC_UNSUPPORTED) {
        *exp_out = invalid(s);
        return FX_DEFAULT_NAN;
    }
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        *exp_out = quiet(a);
        return quiet(a);
    }
    if (ca == FXC_ZERO) {
        s->flags |= SF_ZE;
        *exp_out = inf(1);
        return a;
    }
    if (ca == FXC_INF) {
        *exp_out = inf(0);
        return a;
    }
    DENORMAL(ca == FXC_DENORMAL, a);
    unpack(a, &e, &m);
    *exp_out = fx_from_i64(e);
    return fx_make(sa, 16383, m);
}

floatx80 fx_prem(SFCtx *s, floatx80 a, floatx80 b, int ieee, uint64_t *qout,
                 int *incomplete)
{
    int ca = fx_class(a), cb = fx_class(b), sa = fx_sign(a);
    int32_t ea, eb, d, steps, i;
    uint64_t ma, mb, r, q = 0;
    int carry = 0;
    *qout = 0;
    *incomplete = 0;
    if (ca == FXC_UNSUPPORTED || cb == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(ca) || is_nan_class(cb))
        return nan2(s, a, b, ca, cb);
    if (ca == FXC_INF || cb == FXC_ZERO)
        return invalid(s);
    DENORMAL(ca == FXC_DENORMAL || cb == FXC_DENORMAL, a);
    if (ca == FXC_ZERO)
        return a;
    unpack(a, &ea, &ma);
    if (cb == FXC_INF)
        return pack80(s, &fmt80_full, sa, ea, ma, 0);
    unpack(b, &eb, &mb);
    d = ea - eb;
    if (d < -1 || (d == -1 && !ieee))
        return pack80(s, &fmt80_full, sa, ea, ma, 0);
    if (d > 63) {
        /* Partial remainder: reduce by b * 2^(d - N), N = 32..63; the
         * hardware chooses N so that d - N is a multiple of 32. */
        int32_t n = 32 + (d - 32) % 32;
        steps = n;
        *incomplete = 1;
        eb += d - n;
        d = n;
        ieee = 0;
    } else {
        steps = d;
    }
    if (d == -1) {
        /* |a| in [b/2, b): FPREM1 may round the quotient up to 1 */
        r = ma;
        q = 0;
        /* compare 2a with b: a has exponent eb-1, so 2a ~ ma vs mb */
        if (ma > mb) {
            /* a > b/2: remainder a - b, quotient 1 */
            u128 vb = {mb, 0}, va = {ma, 0};
            u128 diff;
            va = shr128_jam(va, 1);
            diff = sub128(vb, va);
            *qout = 1;
            {
                int sh = diff.hi ? clz64(diff.hi) : 64 + clz64(diff.lo);
                diff = shl128(diff, sh);
                return pack80(s, &fmt80_full, !sa, eb - sh, diff.hi, diff.lo);
            }
        }
        return pack80(s, &fmt80_full, sa, ea, ma, 0);
    }
    r = ma;
    for (i = 0; i <= steps; i++) {
        q <<= 1;
        if (carry || r >= mb) {
            r -= mb;
            q |= 1;
        }
        if (i < steps) {
            carry = (int)(r >> 63);
            r <<= 1;
        }
    }
    /* remainder r has weight 2^(eb-63) */
    if (ieee) {
        /* round the quotient to nearest: compare 2r with mb */
        int c2 = (r >> 63) ? 1 : ((r << 1) > mb ? 1 : (r << 1) == mb ? 0 : -1);
        if (c2 > 0 || (c2 == 0 && (q & 1))) {
            r = mb - r;
            q++;
            sa = !sa;
        }
    }
    *qout = q;
    if (r == 0)
        return zero(fx_sign(a));
    return pack80(s, &fmt80_full, sa, eb, r, 0);
}

/* ---- constants ---------------------------------------------------------------- */
floatx80 fx_const(const SFCtx *s, int which)
{
    /* 66-bit-accurate values: 64-bit significand plus the next two bits
     * (round bit, sticky) deciding the rounding in RU/RD/RZ. */
    static const struct {
        uint16_t se;
        uint64_t m;
        int rbit, sticky;
    } k[] = {
        {0x3FFF, 0x8000000000000000ull, 0, 0}, /* 1 */
        {0x4000, 0xD49A784BCD1B8AFEull, 0, 1}, /* log2(10) */
        {0x3FFF, 0xB8AA3B295C17F0BBull, 1, 1}, /* log2(e) */
        {0x4000, 0xC90FDAA22168C234ull, 1, 1}, /* pi */
        {0x3FFD, 0x9A209A84FBCFF798ull, 1, 1}, /* log10(2) */
        {0x3FFE, 0xB17217F7D1CF79ABull, 1, 1}, /* ln(2) */
        {0x0000, 0, 0, 0},                     /* +0 */
    };
    uint64_t m = k[which].m;
    int inexact = k[which].rbit | k[which].sticky;
    int up = 0;
    switch (s->rc) {
    case SF_RN: up = k[which].rbit && (k[which].sticky || (m & 1)); break;
    case SF_RU: up = inexact; break;
    default: break;
    }
    return fx_make(0, k[which].se, m + (uint64_t)up);
}

/* ---- transcendental functions ------------------------------------------------
 * Evaluated in a 128-bit-significand software float (BF) with truncating
 * arithmetic, so intermediate error is a few units of 2^-125, then rounded
 * once to 64 bits (SFCtx.tail keeps the bits below the rounding point for
 * the differential test).  FSIN/FCOS/FPTAN reduce their argument modulo
 * pi/2 exactly with the 66-bit pi the x87 uses, so large arguments behave
 * like the hardware's (and unlike the true function).  This gives AMD Zen
 * silicon's bits except where the exact result lies within a small fraction
 * of an ulp of a rounding boundary (silicon's ~68-bit internal evaluation
 * decides those; tests/diff/fpudiff measures the band).  Where the SDM
 * leaves results undefined or says nothing about flags, the code follows
 * Zen: see fx_f2xm1 and fx_yl2x. */
typedef struct BF {
    int sign;
    int32_t e;  /* value = m * 2^(e - 127) */
    u128 m;     /* bit 127 set, or zero */
} BF;

static const u128 BF_PI_M = {0xC90FDAA22168C234ull, 0xC4C6628B80DC1CD1ull};
static const u128 BF_LN2_M = {0xB17217F7D1CF79ABull, 0xC9E3B39803F2F6AFull};

static int bf_zero(BF a) { return (a.m.hi | a.m.lo) == 0; }
static BF bf_make(int sign, int32_t e, u128 m)
{
    BF r;
    int sh;
    r.sign = sign;
    if ((m.hi | m.lo) == 0) {
        r.e = 0;
        r.m = m;
        return r;
    }
    sh = m.hi ? clz64(m.hi) : 64 + clz64(m.lo);
    r.m = shl128(m, sh);
    r.e = e - sh;
    return r;
}
static BF bf_from_fx(floatx80 a)
{
    int32_t e;
    uint64_t m;
    u128 mm;
    unpack(a, &e, &m);
    mm.hi = m;
    mm.lo = 0;
    return bf_make(fx_sign(a), e, mm);
}
static BF bf_int(int64_t v)
{
    u128 m;
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    m.hi = mag;
    m.lo = 0;
    return bf_make(v < 0, 63, m);
}
static BF bf_const(u128 m, int32_t e)
{
    BF r;
    r.sign = 0;
    r.e = e;
    r.m = m;
    return r;
}
static floatx80 bf_to_fx(SFCtx *s, BF a)
{
    if (bf_zero(a))
        return zero(a.sign);
    /* the bits below the rounding point: below bit 63 of the significand,
     * or of the denormal significand for results below the normal range */
    if (a.e >= -16382)
        s->tail = a.m.lo;
    else
        s->tail = -16382 - a.e < 128 ? shr128_jam(a.m, -16382 - a.e).lo : 1;
    return pack80(s, &fmt80_full, a.sign, a.e, a.m.hi, a.m.lo);
}
static BF bf_mul(BF a, BF b)
{
    u128 hh, hl, lh, ll, top;
    uint64_t mid, c = 0, t;
    if (bf_zero(a) || bf_zero(b))
        return bf_make(a.sign ^ b.sign, 0, (u128){0, 0});
    hh = mul64(a.m.hi, b.m.hi);
    hl = mul64(a.m.hi, b.m.lo);
    lh = mul64(a.m.lo, b.m.hi);
    ll = mul64(a.m.lo, b.m.lo);
    mid = hl.lo;
    t = mid + lh.lo;
    c += t < mid;
    mid = t;
    t = mid + ll.hi;
    c += t < mid;
    mid = t;
    top = add128(hh, (u128){0, hl.hi});
    top = add128(top, (u128){0, lh.hi});
    top = add128(top, (u128){0, c});
    if (top.hi & BIT63)
        return bf_make(a.sign ^ b.sign, a.e + b.e + 1, top);
    top = shl128(top, 1);
    top.lo |= mid >> 63;
    return bf_make(a.sign ^ b.sign, a.e + b.e, top);
}
static BF bf_add(BF a, BF b)
{
    u128 bm, r;
    int32_t d;
    if (bf_zero(b))
        return a;
    if (bf_zero(a))
        return b;
    if (a.e < b.e || (a.e == b.e && cmp128(a.m, b.m) < 0)) {
        BF t = a;
        a = b;
        b = t;
    }
    d = a.e - b.e;
    bm = shr128_jam(b.m, d > 200 ? 200 : (int)d);
    if (a.sign == b.sign) {
        r = add128(a.m, bm);
        if (cmp128(r, a.m) < 0) {
            r = shr128_jam(r, 1);
            r.hi |= BIT63;
            return bf_make(a.sign, a.e + 1, r);
        }
        return bf_make(a.sign, a.e, r);
    }
    r = sub128(a.m, bm);
    return bf_make(a.sign, a.e, r);
}
static BF bf_neg(BF a)
{
    a.sign ^= 1;
    return a;
}
static BF bf_sub(BF a, BF b) { return bf_add(a, bf_neg(b)); }
static BF bf_div(BF a, BF b)
{
    u128 r = a.m, q = {0, 0};
    int carry = 0, i;
    if (bf_zero(a))
        return a;
    for (i = 0; i < 128; i++) {
        q = shl128(q, 1);
        if (carry || cmp128(r, b.m) >= 0) {
            r = sub128(r, b.m);
            q.lo |= 1;
        }
        carry = (int)(r.hi >> 63);
        r = shl128(r, 1);
    }
    if ((r.hi | r.lo) != 0 || carry)
        q.lo |= 1; /* sticky */
    if (q.hi & BIT63)
        return bf_make(a.sign ^ b.sign, a.e - b.e, q);
    return bf_make(a.sign ^ b.sign, a.e - b.e - 1, shl128(q, 1));
}
static int bf_small(BF t, int32_t lim) { return bf_zero(t) || t.e < lim; }
/* A series stopped at the first term below 2^-130 of the sum: the rest is
 * far below the rounding precision but not zero, and has the sign of that
 * term.  If the sum is still exact in 64 bits (nothing was added yet, as
 * in sin(x) = x - x^3/6... for a tiny x), adding a token of the rest
 * (2^-200 of the sum, a sticky bit) makes it inexact on the right side of
 * the representable value, so PE, UE and C1 come out as for the exact
 * value.  Otherwise the terms already added decide the side. */
static BF bf_nudge(BF sum, BF term)
{
    if (bf_zero(term) || bf_zero(sum) || sum.m.lo != 0)
        return sum;
    return bf_add(sum, bf_make(term.sign, sum.e - 200, (u128){BIT63, 0}));
}

/* e^t - 1 (Taylor series). */
static BF bf_expm1(BF t)
{
    BF sum = t, term = t;
    int k;
    for (k = 2; k < 80; k++) {
        term = bf_div(bf_mul(term, t), bf_int(k));
        if (bf_small(term, sum.e - 130))
            return bf_nudge(sum, term);
        sum = bf_add(sum, term);
    }
    return sum;
}
/* 2 * atanh(z) = ln((1+z)/(1-z)) for |z| < 0.2 */
static BF bf_2atanh(BF z)
{
    BF z2 = bf_mul(z, z), p = z, sum = z;
    int k;
    if (bf_zero(z))
        return z;
    for (k = 3; k < 200; k += 2) {
        BF term;
        p = bf_mul(p, z2);
        term = bf_div(p, bf_int(k));
        if (bf_small(term, sum.e - 130)) {
            sum = bf_nudge(sum, term);
            break;
        }
        sum = bf_add(sum, term);
    }
    sum.e += 1;
    return sum;
}
/* atan(t) for |t| <= 0.25: alternating series */
static BF bf_atan_series(BF t)
{
    BF t2 = bf_mul(t, t), p = t, sum = t;
    int k;
    if (bf_zero(t))
        return t;
    for (k = 3; k < 400; k += 2) {
        BF term;
        p = bf_neg(bf_mul(p, t2));
        term = bf_div(p, bf_int(k));
        if (bf_small(term, sum.e - 130))
            return bf_nudge(sum, term);
        sum = bf_add(sum, term);
    }
    return sum;
}
/* sqrt by Newton iterations from the 64-bit root. */
static BF bf_sqrt(BF a)
{
    SFCtx s = {SF_RN, SF_P64, 0x3F, 0, 0, 0, 0, 0};
    BF r, half;
    int k;
    floatx80 ax = pack80(&s, &fmt80_full, 0, a.e, a.m.hi, a.m.lo);
    r = bf_from_fx(fx_sqrt(&s, ax));
    half = bf_const((u128){BIT63, 0}, -1);
    for (k = 0; k < 2; k++)
        r = bf_mul(bf_add(r, bf_div(a, r)), half);
    return r;
}
/* atan(t), t >= 0, t <= 1: two argument halvings t/(1+sqrt(1+t^2)). */
static BF bf_atan01(BF t)
{
    BF one = bf_int(1);
    int k;
    for (k = 0; k < 2; k++)
        t = bf_div(t, bf_add(one, bf_sqrt(bf_add(one, bf_mul(t, t)))));
    t = bf_atan_series(t);
    t.e += 2;
    return t;
}
/* sin and cos of |r| <= pi/4 */
static void bf_sincos(BF r, BF *sn, BF *cs)
{
    BF r2 = bf_mul(r, r), term = r, sum = r;
    int k;
    for (k = 2; k < 100; k += 2) {
        term = bf_neg(bf_div(bf_mul(term, r2), bf_int((int64_t)k * (k + 1))));
        if (bf_small(term, sum.e - 130)) {
            sum = bf_nudge(sum, term);
            break;
        }
        sum = bf_add(sum, term);
    }
    *sn = sum;
    term = bf_int(1);
    sum = term;
    for (k = 1; k < 100; k += 2) {
        term = bf_neg(bf_div(bf_mul(term, r2), bf_int((int64_t)k * (k + 1))));
        if (bf_small(term, -130)) {
            sum = bf_nudge(sum, term);
            break;
        }
        sum = bf_add(sum, term);
    }
    *cs = sum;
}

static int unary_special(SFCtx *s, floatx80 a, floatx80 *r)
{
    int ca = fx_class(a);
    if (ca == FXC_UNSUPPORTED) {
        *r = invalid(s);
        return 1;
    }
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        *r = quiet(a);
        return 1;
    }
    if (ca == FXC_DENORMAL) {
        s->flags |= SF_DE;
        if (!(s->masks & SF_DE)) {
            *r = a;
            return 1;
        }
    }
    return 0;
}

floatx80 fx_f2xm1(SFCtx *s, floatx80 a)
{
    floatx80 r;
    int ca = fx_class(a);
    if (unary_special(s, a, &r))
        return r;
    if (ca == FXC_ZERO)
        return a;
    if (ca == FXC_INF)
        return fx_sign(a) ? fx_make(1, 16383, BIT63) : a;
    /* Outside the SDM's domain [-1, +1] the result is undefined; AMD Zen
     * silicon (the project's oracle) returns the operand with PE, and at
     * +-1 reports PE too: +1 as 1 - epsilon (1.0 with C1 in round-to-
     * nearest, 0.FFFF... rounding down), -1 as exactly -0.5. */
    if ((a.se & 0x7FFF) > 16383 || ((a.se & 0x7FFF) == 16383 && a.m > BIT63)) {
        s->flags |= SF_PE;
        return a;
    }
    if (a.m == BIT63 && (a.se & 0x7FFF) == 16383) { /* +-1 */
        if (fx_sign(a)) {
            s->flags |= SF_PE;
            return fx_make(1, 16382, BIT63);
        }
        return bf_to_fx(s, bf_nudge(bf_int(1), bf_int(-1)));
    }
    return bf_to_fx(s, bf_expm1(bf_mul(bf_from_fx(a), bf_const(BF_LN2_M, -1))));
}

/* ln(v) for v > 0: v = mb * 2^e with mb in [sqrt(2)/2, sqrt(2)),
 * ln(mb) = 2 atanh((mb - 1) / (mb + 1)) */
static BF bf_ln_bf(BF v)
{
    int32_t e = v.e;
    BF mb = v, one = bf_int(1), z;
    mb.e = 0;
    mb.sign = 0;
    if (v.m.hi > 0xB504F333F9DE6484ull) { /* mb > sqrt(2): use mb/2 */
        mb.e -= 1;
        e += 1;
    }
    z = bf_div(bf_sub(mb, one), bf_add(mb, one));
    return bf_add(bf_2atanh(z), bf_mul(bf_int(e), bf_const(BF_LN2_M, -1)));
}
static BF bf_ln(floatx80 x) { return bf_ln_bf(bf_from_fx(x)); }

floatx80 fx_yl2x(SFCtx *s, floatx80 x, floatx80 y, int plus1)
{
    int cx = fx_class(x), cy = fx_class(y), sy = fx_sign(y), sx = fx_sign(x);
    BF l;
    if (cx == FXC_UNSUPPORTED || cy == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(cx) || is_nan_class(cy))
        return nan2(s, x, y, cx, cy);
    /* invalid operations and divide-by-zero take precedence over DE (SDM
     * Vol. 1 §8.7): DE is raised only on the paths that compute */
#define YL2X_DE DENORMAL(cx == FXC_DENORMAL || cy == FXC_DENORMAL, x)
    if (plus1) {
        /* y * log2(1 + x).  The SDM defines it for |x| < 1 - sqrt(2)/2;
         * AMD Zen silicon (the project's oracle) computes it for every
         * x > -1 and +infinity, and for x <= -1 returns x (PE), or a zero
         * or an infinity of sign sx ^ sy when y is one. */
        if (cx == FXC_INF && sx)
            return invalid(s);
        if (cx == FXC_INF) {
            if (cy == FXC_ZERO)
                return invalid(s);
            YL2X_DE;
            return inf(sy);
        }
        if (cx == FXC_ZERO) {
            if (cy == FXC_INF)
                return invalid(s);
            YL2X_DE;
            return zero(sx ^ sy);
        }
        if (sx && ((x.se & 0x7FFF) > 16383 ||
                   ((x.se & 0x7FFF) == 16383 && x.m >= BIT63))) { /* x <= -1 */
            if (cy == FXC_INF)
                return inf(sy ^ sx);
            if (cy == FXC_ZERO)
                return zero(sy ^ sx);
            YL2X_DE;
            s->flags |= SF_PE;
            return x;
        }
        YL2X_DE;
        if (cy == FXC_INF)
            return inf(sy ^ sx);
        if (cy == FXC_ZERO)
            return zero(sy ^ sx);
        {
            BF xb = bf_from_fx(x);
            BF two = bf_int(2);
            if ((x.se & 0x7FFF) < 16382) /* |x| < 0.5: no cancellation */
                l = bf_2atanh(bf_div(xb, bf_add(two, xb)));
            else
                l = bf_ln_bf(bf_add(bf_int(1), xb));
        }
    } else {
        if (sx && cx != FXC_ZERO)
            return invalid(s);
        if (cx == FXC_ZERO) {
            if (cy == FXC_ZERO)
                return invalid(s);
            if (cy != FXC_INF)
                s->flags |= SF_ZE;
            else
                YL2X_DE;
            return inf(!sy);
        }
        if (cx == FXC_INF) {
            if (cy == FXC_ZERO)
                return invalid(s);
            YL2X_DE;
            return inf(sy);
        }
        {
            int32_t e;
            uint64_t m;
            unpack(x, &e, &m);
            if (m == BIT63 && e == 0 && cy == FXC_INF)
                return invalid(s); /* log2(1) * inf */
            YL2X_DE;
            if (m == BIT63) { /* power of two: exact log2 */
                SFCtx t = *s;
                floatx80 r;
                if (e == 0)
                    return zero(sy);
                if (cy == FXC_INF)
                    return inf(sy ^ (e < 0));
                t.pc = SF_P64;
                r = fx_mul(&t, y, fx_from_i64(e));
                /* exact, but AMD Zen silicon reports it inexact (PE, and
                 * UE for a tiny result), as for any other x */
                if (cy != FXC_ZERO)
                    t.flags |= SF_PE;
                if ((r.se & 0x7FFF) == 0 && r.m)
                    t.flags |= SF_UE;
                s->flags = t.flags;
                s->c1 = t.c1;
                return r;
            }
            /* log2(x) is irrational */
            if (cy == FXC_INF)
                return inf(sy ^ (e < 0));
            if (cy == FXC_ZERO)
                return zero(sy ^ (e < 0));
        }
        l = bf_ln(x);
    }
#undef YL2X_DE
    /* y * l / ln2; inexact even when exact (1 + x a power of two in
     * FYL2XP1), as AMD Zen silicon reports it */
    {
        floatx80 r = bf_to_fx(s, bf_mul(bf_from_fx(y),
                                        bf_div(l, bf_const(BF_LN2_M, -1))));
        s->flags |= SF_PE;
        return r;
    }
}

floatx80 fx_patan(SFCtx *s, floatx80 y, floatx80 x)
{
    int cx = fx_class(x), cy = fx_class(y), sy = fx_sign(y), sx = fx_sign(x);
    BF pi = bf_const(BF_PI_M, 1), r;
    if (cx == FXC_UNSUPPORTED || cy == FXC_UNSUPPORTED)
        return invalid(s);
    if (is_nan_class(cx) || is_nan_class(cy))
        return nan2(s, x, y, cx, cy);
    DENORMAL(cx == FXC_DENORMAL || cy == FXC_DENORMAL, x);
    if (cy == FXC_ZERO || (cx == FXC_INF && cy != FXC_INF)) {
        if (!sx)
            return zero(sy);
        pi.sign = sy;
        return bf_to_fx(s, pi);
    }
    if (cx == FXC_ZERO || (cy == FXC_INF && cx != FXC_INF)) {
        pi.e -= 1;
        pi.sign = sy;
        return bf_to_fx(s, pi);
    }
    if (cx == FXC_INF) { /* both infinite */
        BF q = pi;
        q.e -= 2;
        r = sx ? bf_sub(pi, q) : q;
        r.sign = sy;
        return bf_to_fx(s, r);
    }
    {
        BF ay = bf_from_fx(fx_abs(y)), ax = bf_from_fx(fx_abs(x));
        int swap = fx_compare(s, fx_abs(y), fx_abs(x), 1) == FX_GT;
        BF t = swap ? bf_div(ax, ay) : bf_div(ay, ax);
        BF hp = pi;
        r = bf_atan01(t);
        hp.e -= 1;
        if (swap)
            r = bf_sub(hp, r);
        if (sx)
            r = bf_sub(pi, r);
        r.sign = sy;
        return bf_to_fx(s, r);
    }
}

/* Reduces |a| modulo pi/2 with the x87's 66-bit pi.  Returns 1 if out of
 * range (|a| >= 2^63). */
static int reduce(floatx80 a, BF *r, unsigned *quadrant)
{
    static const u128 P66 = {0x3ull, 0x243F6A8885A308D3ull}; /* pi * 2^64 */
    int32_t e;
    uint64_t m;
    unpack(a, &e, &m);
    *quadrant = 0;
    if (e >= 63)
        return 1;
    if (e < -1) { /* |a| < 0.5 < pi/4 */
        *r = bf_make(0, e, (u128){m, 0});
        return 0;
    }
    {
        /* |a| = N * 2^-65, pi/2 = P66 * 2^-65 */
        u128 n = shl128((u128){0, m}, e + 2), q = {0, 0}, rem = {0, 0};
        int k;
        for (k = 127; k >= 0; k--) {
            rem = shl128(rem, 1);
            rem.lo |= (k >= 64 ? n.hi >> (k - 64) : n.lo >> k) & 1;
            q = shl128(q, 1);
            if (cmp128(rem, P66) >= 0) {
                rem = sub128(rem, P66);
                q.lo |= 1;
            }
        }
        /* nearest multiple: |r| <= pi/4 */
        if (cmp128(shl128(rem, 1), P66) > 0) {
            rem = sub128(P66, rem);
            q.lo += 1;
            *r = bf_make(1, 127 - 65, rem);
        } else {
            *r = bf_make(0, 127 - 65, rem);
        }
        *quadrant = (unsigned)(q.lo & 3);
    }
    return 0;
}

int fx_sincos(SFCtx *s, SFCtx *sc, floatx80 a, floatx80 *sin_out,
              floatx80 *cos_out)
{
    int ca = fx_class(a);
    BF r, sn, cs, rs, rc;
    unsigned q;
    floatx80 nan;
    if (unary_special(s, a, &nan)) {
        sc->flags |= s->flags;
        *sin_out = *cos_out = nan;
        return 0;
    }
    if (ca == FXC_INF) {
        *sin_out = *cos_out = invalid(s);
        sc->flags |= s->flags;
        return 0;
    }
    sc->flags |= s->flags;
    if (ca == FXC_ZERO) {
        *sin_out = a;
        *cos_out = fx_make(0, 16383, BIT63);
        return 0;
    }
    if (reduce(a, &r, &q))
        return 1;
    bf_sincos(r, &sn, &cs);
    switch (q) {
    case 0: rs = sn; rc = cs; break;
    case 1: rs = cs; rc = bf_neg(sn); break;
    case 2: rs = bf_neg(sn); rc = bf_neg(cs); break;
    default: rs = bf_neg(cs); rc = sn; break;
    }
    if (fx_sign(a))
        rs = bf_neg(rs);
    *sin_out = bf_to_fx(s, rs);
    *cos_out = bf_to_fx(sc, rc);
    return 0;
}

int fx_tan(SFCtx *s, floatx80 a, floatx80 *tan_out)
{
    int ca = fx_class(a);
    BF r, sn, cs;
    unsigned q;
    if (unary_special(s, a, tan_out))
        return 0;
    if (ca == FXC_INF) {
        *tan_out = invalid(s);
        return 0;
    }
    if (ca == FXC_ZERO) {
        *tan_out = a;
        return 0;
    }
    if (reduce(a, &r, &q))
        return 1;
    if (!(q & 1) && r.e < -66) {
        /* tan(r) = r + r^3/3 + ...: the rest is below the 128-bit precision
         * (the sine and cosine nudges would cancel in the quotient) */
        r = bf_nudge(r, r);
    } else {
        bf_sincos(r, &sn, &cs);
        if (q & 1)
            r = bf_neg(bf_div(cs, sn));
        else
            r = bf_div(sn, cs);
    }
    if (fx_sign(a))
        r = bf_neg(r);
    *tan_out = bf_to_fx(s, r);
    return 0;
}

/* ---- SSE scalar operations on binary32/binary64 ------------------------------
 * dbl selects binary64.  SSE rules (SDM Vol. 1 §11.5): a NaN operand gives
 * the first operand if it is a NaN, else the second, quieted; invalid
 * operations give the default NaN (negative QNaN); DAZ reads denormal
 * operands as zero (no DE), FTZ flushes tiny results (s->ftz). */
static int bin_class(uint64_t v, int dbl, int *sign)
{
    uint64_t e = dbl ? (v >> 52) & 0x7FF : (v >> 23) & 0xFF;
    uint64_t f = dbl ? v & 0xFFFFFFFFFFFFFull : v & 0x7FFFFF;
    uint64_t emax = dbl ? 0x7FF : 0xFF;
    *sign = (int)(dbl ? v >> 63 : (v >> 31) & 1);
    if (e == emax) {
        if (f == 0)
            return FXC_INF;
        return (f >> (dbl ? 51 : 22)) & 1 ? FXC_QNAN : FXC_SNAN;
    }
    if (e == 0)
        return f ? FXC_DENORMAL : FXC_ZERO;
    return FXC_NORMAL;
}
static uint64_t bin_qbit(int dbl) { return dbl ? 1ull << 51 : 1ull << 22; }
static uint64_t bin_default_nan(int dbl)
{
    return dbl ? 0xFFF8000000000000ull : 0xFFC00000ull;
}
static uint64_t bin_signbit(int dbl) { return dbl ? 1ull << 63 : 1ull << 31; }

/* Exact conversion of an already rounded carrier to binary bits. */
static uint64_t carrier_to_bin(floatx80 r, int dbl)
{
    SFCtx t = {SF_RN, SF_P64, 0x3F, 0, 0, 0, 0, 0};
    return dbl ? fx_to_f64(&t, r) : fx_to_f32(&t, r);
}
static floatx80 bin_to_fx(SFCtx *s, uint64_t v, int dbl)
{
    return dbl ? fx_from_f64(s, v) : fx_from_f32(s, (uint32_t)v);
}

uint64_t sse_arith(SFCtx *s, int op, uint64_t a, uint64_t b, int dbl, int daz)
{
    int sa, sb, ca = bin_class(a, dbl, &sa), cb = bin_class(b, dbl, &sb);
    floatx80 x, y, r;
    uint8_t keep_fmt = s->fmt;
    if (op == SSE_SQRT) { /* unary: the operand is b */
        a = b;
        ca = cb;
        sa = sb;
    }
    if (daz) {
        if (ca == FXC_DENORMAL) { a &= bin_signbit(dbl); ca = FXC_ZERO; }
        if (cb == FXC_DENORMAL) { b &= bin_signbit(dbl); cb = FXC_ZERO; }
    }
    if (op == SSE_MIN || op == SSE_MAX) {
        /* any NaN: IE, result the second operand; also for equal values
         * (+0/-0) the second operand */
        int r2;
        if (is_nan_class(ca) || is_nan_class(cb)) {
            s->flags |= SF_IE;
            return b;
        }
        if (ca == FXC_DENORMAL || cb == FXC_DENORMAL)
            s->flags |= SF_DE;
        {
            SFCtx t = *s;
            r2 = fx_compare(&t, bin_to_fx(&t, a, dbl), bin_to_fx(&t, b, dbl), 1);
        }
        if (op == SSE_MIN)
            return r2 == FX_LT ? a : b;
        return r2 == FX_GT ? a : b;
    }
    if (op == SSE_SQRT) {
        if (is_nan_class(ca)) {
            if (ca == FXC_SNAN)
                s->flags |= SF_IE;
            return a | bin_qbit(dbl);
        }
    } else if (is_nan_class(ca) || is_nan_class(cb)) {
        if (ca == FXC_SNAN || cb == FXC_SNAN)
            s->flags |= SF_IE;
        return (is_nan_class(ca) ? a : b) | bin_qbit(dbl);
    }
    {
        /* operand DE is reported only if the operation is not invalid and
         * not a division by zero */
        SFCtx u = *s;
        uint8_t de;
        u.flags = 0;
        x = bin_to_fx(&u, a, dbl);
        y = bin_to_fx(&u, b, dbl);
        if (op == SSE_SQRT && ca != FXC_DENORMAL)
            u.flags &= (uint8_t)~SF_DE;
        de = u.flags & SF_DE;
        u.flags = 0;
        u.fmt = (uint8_t)(dbl ? 2 : 1);
        switch (op) {
        case SSE_ADD: r = fx_add(&u, x, y); break;
        case SSE_SUB: r = fx_sub(&u, x, y); break;
        case SSE_MUL: r = fx_mul(&u, x, y); break;
        case SSE_DIV: r = fx_div(&u, x, y); break;
        default: r = fx_sqrt(&u, x); break;
        }
        if (!(u.flags & (SF_IE | SF_ZE)))
            u.flags |= de;
        s->flags |= u.flags;
        s->c1 = u.c1;
    }
    (void)keep_fmt;
    if (fx_class(r) == FXC_QNAN)
        return bin_default_nan(dbl);
    return carrier_to_bin(r, dbl);
}

int sse_compare(SFCtx *s, uint64_t a, uint64_t b, int dbl, int daz,
                int signal_qnan)
{
    int sa, sb, ca = bin_class(a, dbl, &sa), cb = bin_class(b, dbl, &sb);
    SFCtx t = *s;
    int r;
    if (daz) {
        if (ca == FXC_DENORMAL) { a &= bin_signbit(dbl); ca = FXC_ZERO; }
        if (cb == FXC_DENORMAL) { b &= bin_signbit(dbl); cb = FXC_ZERO; }
    }
    if (is_nan_class(ca) || is_nan_class(cb)) {
        if (signal_qnan || ca == FXC_SNAN || cb == FXC_SNAN)
            s->flags |= SF_IE;
        return FX_UN;
    }
    if (ca == FXC_DENORMAL || cb == FXC_DENORMAL)
        s->flags |= SF_DE;
    r = fx_compare(&t, bin_to_fx(&t, a, dbl), bin_to_fx(&t, b, dbl), 1);
    return r;
}

/* binary32 <-> binary64 (CVTSS2SD / CVTSD2SS). */
uint64_t sse_convert(SFCtx *s, uint64_t a, int from_dbl, int daz)
{
    int sa, ca = bin_class(a, from_dbl, &sa);
    floatx80 x;
    if (daz && ca == FXC_DENORMAL) {
        a &= bin_signbit(from_dbl);
        ca = FXC_ZERO;
    }
    if (is_nan_class(ca)) {
        if (ca == FXC_SNAN)
            s->flags |= SF_IE;
        x = bin_to_fx(s, a, from_dbl);
        x.m |= BIT62;
        return carrier_to_bin(x, !from_dbl);
    }
    x = bin_to_fx(s, a, from_dbl);
    if (from_dbl) {
        /* round to binary32 with FTZ */
        int32_t e;
        uint64_t m;
        if (ca == FXC_ZERO || ca == FXC_INF)
            return carrier_to_bin(x, 0);
        unpack(x, &e, &m);
        return carrier_to_bin(pack80(s, &fmt32, sa, e, m, 0), 0);
    }
    return carrier_to_bin(x, 1);
}

/* Float -> int32/int64 (CVT(T)SS2SI...): out of range or NaN: IE and the
 * integer indefinite. */
int64_t sse_to_int(SFCtx *s, uint64_t a, int dbl, int bits, int truncate,
                   int daz)
{
    int sa, ca = bin_class(a, dbl, &sa);
    SFCtx t = *s;
    int64_t r;
    if (daz && ca == FXC_DENORMAL)
        return 0;
    t.flags = 0;
    r = fx_to_int(&t, bin_to_fx(&t, a, dbl), bits, truncate);
    s->flags |= t.flags & (uint8_t)~SF_DE;
    return r;
}

/* Integer -> float (CVTSI2SS...), rounded per s->rc. */
uint64_t sse_from_int(SFCtx *s, int64_t v, int dbl)
{
    floatx80 x = fx_from_i64(v);
    int32_t e;
    uint64_t m;
    if (v == 0)
        return 0;
    unpack(x, &e, &m);
    return carrier_to_bin(pack80(s, dbl ? &fmt64 : &fmt32, fx_sign(x), e, m, 0),
                          dbl);
}
