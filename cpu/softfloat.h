/* Software floating point for the x87: 80-bit extended precision
 * (floatx80) arithmetic with conversions to and from 32/64-bit binary
 * formats and integers, in pure integer C (no host float, double or long
 * double anywhere), following the Intel SDM Vol. 1 chapter 4 and 8 rules:
 *
 *   - rounding: the four RC modes; precision control (24/53/64-bit
 *     significand) for the operations the SDM subjects to it (add, sub,
 *     mul, div, sqrt), always with the extended exponent range;
 *   - encodings: denormals (DE when used as operands), pseudo-denormals
 *     (accepted as denormals), unnormals, pseudo-NaNs and pseudo-infinities
 *     (unsupported: IE, result the default NaN), QNaN/SNaN propagation
 *     (SDM Vol. 1 table 4-7), default NaN = negative QNaN "real indefinite";
 *   - exceptions: IE DE ZE OE UE PE accumulated in SFCtx.flags with the
 *     x87 status-word bit positions; C1 set when a result was rounded up;
 *   - masked responses built in; unmasked overflow/underflow on an
 *     extended result wrap the exponent by 24576 (SDM Vol. 1 §8.5.4/8.5.5),
 *     as the x87 delivers them to a register destination.
 *
 * What it does not do: SSE's DAZ/FTZ and SSE NaN rules (no SSE yet).
 */
#ifndef X86PC_SOFTFLOAT_H
#define X86PC_SOFTFLOAT_H
#include <stdint.h>

typedef struct floatx80 {
    uint64_t m;  /* significand, explicit integer bit in bit 63 */
    uint16_t se; /* sign in bit 15, biased exponent in bits 0..14 */
} floatx80;

/* Exception flags (x87 status word bits 0..5). */
enum {
    SF_IE = 0x01, SF_DE = 0x02, SF_ZE = 0x04,
    SF_OE = 0x08, SF_UE = 0x10, SF_PE = 0x20
};
/* Rounding control (x87 CW bits 10..11). */
enum { SF_RN = 0, SF_RD = 1, SF_RU = 2, SF_RZ = 3 };
/* Precision control (x87 CW bits 8..9): 0 = 24 bits, 2 = 53, 3 = 64. */
enum { SF_P24 = 0, SF_P53 = 2, SF_P64 = 3 };

typedef struct SFCtx {
    uint8_t rc;    /* SF_RN.. */
    uint8_t pc;    /* SF_P24.. (1 = reserved, behaves as 64) */
    uint8_t masks; /* exception masks (CW bits 0..5) */
    uint8_t flags; /* raised exceptions, accumulated */
    uint8_t c1;    /* set to 1 when a result was rounded up in magnitude */
    uint8_t fmt;   /* result format of add/sub/mul/div/sqrt: 0 = x87
                      (extended, precision control), 1 = binary32,
                      2 = binary64 (SSE, see sse_*) */
    uint8_t ftz;   /* SSE MXCSR.FTZ: tiny results flushed to zero */
    uint64_t tail; /* transcendentals: the 64 bits of the unrounded result
                      below its last significand bit (the distance from the
                      rounding boundaries, for tests); 0 otherwise */
} SFCtx;

/* Constants. */
#define FX_DEFAULT_NAN ((floatx80){0xC000000000000000ull, 0xFFFF})

/* Classification. */
enum {
    FXC_ZERO, FXC_NORMAL, FXC_DENORMAL, FXC_INF, FXC_QNAN, FXC_SNAN,
    FXC_UNSUPPORTED /* unnormal, pseudo-NaN, pseudo-infinity */
};
int fx_class(floatx80 a);
static inline int fx_sign(floatx80 a) { return a.se >> 15; }
static inline floatx80 fx_make(int sign, int exp, uint64_t m)
{
    floatx80 r;
    r.m = m;
    r.se = (uint16_t)((sign ? 0x8000 : 0) | (exp & 0x7FFF));
    return r;
}
static inline floatx80 fx_chs(floatx80 a)
{
    a.se ^= 0x8000;
    return a;
}
static inline floatx80 fx_abs(floatx80 a)
{
    a.se &= 0x7FFF;
    return a;
}

/* Arithmetic; precision control applies (s->pc). */
floatx80 fx_add(SFCtx *s, floatx80 a, floatx80 b);
floatx80 fx_sub(SFCtx *s, floatx80 a, floatx80 b);
floatx80 fx_mul(SFCtx *s, floatx80 a, floatx80 b);
floatx80 fx_div(SFCtx *s, floatx80 a, floatx80 b);
floatx80 fx_sqrt(SFCtx *s, floatx80 a);
/* Round to an integral value in the current rounding mode (FRNDINT). */
floatx80 fx_round_int(SFCtx *s, floatx80 a);
/* FSCALE: a * 2^trunc(b). */
floatx80 fx_scale(SFCtx *s, floatx80 a, floatx80 b);
/* FXTRACT: *exp_out = unbiased exponent, return the significand. */
floatx80 fx_extract(SFCtx *s, floatx80 a, floatx80 *exp_out);
/* FPREM (ieee = 0, truncating quotient) / FPREM1 (ieee = 1, nearest).
 * Returns the (partial) remainder; *q gets the low 3 quotient bits and
 * *incomplete is set when the exponent difference exceeded 63. */
floatx80 fx_prem(SFCtx *s, floatx80 a, floatx80 b, int ieee, uint64_t *q,
                 int *incomplete);

/* Comparison: returns FX_LT, FX_EQ, FX_GT or FX_UN.  quiet = 1: only an
 * SNaN (or unsupported operand) raises IE (FUCOM); quiet = 0: any NaN does
 * (FCOM). */
enum { FX_LT = 0, FX_EQ = 1, FX_GT = 2, FX_UN = 3 };
int fx_compare(SFCtx *s, floatx80 a, floatx80 b, int quiet);

/* Conversions.  Loading narrower formats is exact; a denormal source sets
 * DE; an SNaN stays an SNaN (the caller quiets it for FLD, or lets the
 * arithmetic see it). */
floatx80 fx_from_f32(SFCtx *s, uint32_t f);
floatx80 fx_from_f64(SFCtx *s, uint64_t f);
floatx80 fx_from_i64(int64_t v);
/* Stores: rounded with the current rounding mode; flags as the SDM says for
 * FST/FIST.  Integer results out of range (or NaN) give IE and the integer
 * indefinite (the most negative value). */
uint32_t fx_to_f32(SFCtx *s, floatx80 a);
uint64_t fx_to_f64(SFCtx *s, floatx80 a);
int64_t fx_to_int(SFCtx *s, floatx80 a, int bits, int truncate);

/* Transcendental helpers (accurate to about 1 ulp of the 64-bit
 * significand; see softfloat.c). */
floatx80 fx_f2xm1(SFCtx *s, floatx80 a);
floatx80 fx_yl2x(SFCtx *s, floatx80 x, floatx80 y, int plus1);
floatx80 fx_patan(SFCtx *s, floatx80 y, floatx80 x);
/* FSIN/FCOS/FSINCOS/FPTAN: returns 0, or 1 when |a| >= 2^63 (C2 = 1, the
 * operand is left unchanged).  fx_sincos rounds the sine with s and the
 * cosine with sc (operand exceptions are reported in both). */
int fx_sincos(SFCtx *s, SFCtx *sc, floatx80 a, floatx80 *sin_out,
              floatx80 *cos_out);
int fx_tan(SFCtx *s, floatx80 a, floatx80 *tan_out);

/* Constants for FLDPI & co. (rounded per s->rc).  which: 0 = 1, 1 = L2T,
 * 2 = L2E, 3 = PI, 4 = LG2, 5 = LN2, 6 = +0. */
floatx80 fx_const(const SFCtx *s, int which);

/* SSE scalar operations on binary32 (dbl = 0) / binary64 bits with the SSE
 * NaN rules, DAZ (daz) and FTZ (s->ftz); see softfloat.c. */
enum { SSE_ADD, SSE_SUB, SSE_MUL, SSE_DIV, SSE_SQRT, SSE_MIN, SSE_MAX };
uint64_t sse_arith(SFCtx *s, int op, uint64_t a, uint64_t b, int dbl, int daz);
int sse_compare(SFCtx *s, uint64_t a, uint64_t b, int dbl, int daz,
                int signal_qnan);
uint64_t sse_convert(SFCtx *s, uint64_t a, int from_dbl, int daz);
int64_t sse_to_int(SFCtx *s, uint64_t a, int dbl, int bits, int truncate,
                   int daz);
uint64_t sse_from_int(SFCtx *s, int64_t v, int dbl);

#endif
