/* Differential test of the x87 FPU against the host CPU.
 *
 * Each case is a short sequence run both natively (x86pc-fpu-oracle, gcc
 * -m32) and on the emulated CPU in flat 32-bit protected mode (CR0.NE = 1):
 *
 *   FNINIT; FLDZ x8; FNINIT     (registers zeroed: FNSAVE shows empty ones)
 *   FLDCW [cw]; FLD TBYTE [b]; FLD TBYTE [a]   (ST0 = a, ST1 = b)
 *   [FLD ST0 x6 to fill the stack]  [or only a: ST1 empty]
 *   <instruction under test>        (memory operand at buf+48, m80 at +64)
 *   FNSTSW [buf+2]; [FWAIT]; FNSAVE [buf+128]
 *
 * and the data buffer (status word, the stored memory results, the whole
 * FNSAVE image: control/status/tag words and all eight registers), EFLAGS
 * (FCOMI) and AX (FNSTSW AX) are compared bit for bit.  FWAIT after an
 * unmasked exception must fault with #MF at the FWAIT.  Excluded from the
 * comparison: the FNSAVE instruction/data pointer and opcode fields (modern
 * hosts deprecate FCS/FDS and update FOP/FDP only on exceptions).
 *
 * Operands are random and edge values: zeros, denormals, pseudo-denormals,
 * unnormals, infinities, QNaN/SNaN, pseudo-NaN, the largest and smallest
 * exponents, integers, halves (rounding ties) and values with few
 * significant bits; every rounding mode and precision control, mostly
 * masked exceptions, sometimes unmasked ones.
 *
 * Transcendental instructions (FSIN...FYL2XP1, family TRANS) run in every
 * rounding mode and are compared bit for bit except where the exact result
 * lies so close to a rounding boundary that silicon's own internal
 * precision decides it (see compare_trans: the allowance is per
 * instruction, the cases are counted and printed).
 *
 * SSE/SSE2: packed and scalar arithmetic, compares, conversions, logic,
 * moves, shuffles and the 128-bit integer forms with random MXCSR rounding,
 * DAZ, FTZ and sometimes an unmasked exception (#XM, CR4.OSXMMEXCPT = 1).
 * RCPPS/RSQRTPS/RCPSS/RSQRTSS are compared bit for bit on an AMD Zen host
 * (the emulator replays tables recorded on Zen, cpu/sse_approx.c) and
 * within the architectural error bound on other hosts.
 *
 * MMX: every MMX instruction (register and memory forms, shift by imm8,
 * MOVD/MOVQ, EMMS) on lane edge values; the result in MM0 is stored with
 * MOVQ and the FNSAVE image shows the aliased registers (exponent FFFFh),
 * TOP = 0 and the tag word.
 *
 * Recorded vectors: `--record FILE` also writes the host's results to a
 * gzip file, `--replay FILE` compares the emulator with them without an
 * oracle (tests/unit/test_fpureplay, built from this file with
 * FPUDIFF_VECTORS, replays tests/diff/fpu-vectors.gz on every host).
 *
 * Usage: fpudiff [--seed N] [--count N] [--family A,B] [--show N]
 *                [--record FILE | --replay FILE] [--list]
 * Exit status: 0 all passed, 1 some case failed, 2 setup error, 77 skip. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "cpu/cpu.h"
#include "cpu/softfloat.h"
#include "memory/mem.h"
#include "tests/diff/fpuproto.h"
#include "tests/diff/oracle_client.h"

/* buffer layout */
#define B_CW 0
#define B_SW 2
#define B_B 16
#define B_A 32
#define B_MEM 48
#define B_OUT 64
#define B_SAVE 128

typedef struct Rng {
    uint64_t s;
} Rng;
static uint64_t rng_next(Rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static unsigned rnd(Rng *r, unsigned n) { return (unsigned)(rng_next(r) % n); }

static void st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void st32(uint8_t *p, uint32_t v) { st16(p, (uint16_t)v); st16(p + 2, (uint16_t)(v >> 16)); }
static void st64(uint8_t *p, uint64_t v) { st32(p, (uint32_t)v); st32(p + 4, (uint32_t)(v >> 32)); }
static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t ld32(const uint8_t *p) { return ld16(p) | (uint32_t)ld16(p + 2) << 16; }
static uint64_t ld64(const uint8_t *p) { return ld32(p) | (uint64_t)ld32(p + 4) << 32; }

/* ---- operand generation ---------------------------------------------------- */
static void gen_x80(Rng *r, uint8_t *p)
{
    uint64_t m = rng_next(r);
    unsigned e, sg = rnd(r, 2);
    switch (rnd(r, 20)) {
    case 0: m = 0; e = 0; break;
    case 1: e = 0; m = (m >> rnd(r, 64)) & ~(1ull << 63); break; /* denormal */
    case 2: e = 0x7FFF; m = 1ull << 63; break;                    /* inf */
    case 3: e = 0x7FFF; m |= 3ull << 62; break;                   /* QNaN */
    case 4: e = 0x7FFF; m = (m | 1ull << 63) & ~(1ull << 62); m |= 1; break;
    case 5: e = 1 + rnd(r, 64); m |= 1ull << 63; break;
    case 6: e = 0x7FFE - rnd(r, 64); m |= 1ull << 63; break;
    case 7: e = 0; m |= 1ull << 63; break; /* pseudo-denormal */
    case 8: e = 1 + rnd(r, 0x7FFD); m &= ~(1ull << 63); break; /* unnormal */
    case 9: e = 0x7FFF; m &= ~(1ull << 63); break; /* pseudo-NaN/inf */
    case 10: /* small integers and halves */
        e = 16383 + rnd(r, 6);
        m = (m | 1ull << 63) & ~((1ull << (62 - rnd(r, 4))) - 1);
        break;
    case 11: /* few significant bits: exact results, ties */
        e = 16383 + rnd(r, 80) - 40;
        m = (m | 1ull << 63) & ~((1ull << (rnd(r, 64))) - 1);
        break;
    case 12: /* rounding ties for 24/53/64 bits */
        e = 16383 + rnd(r, 40) - 20;
        m |= 1ull << 63;
        {
            unsigned k = rnd(r, 3) == 0 ? 40 : rnd(r, 2) ? 11 : 1;
            m = (m & ~((1ull << k) - 1)) | (1ull << (k - 1));
        }
        break;
    case 13: /* near the f32/f64 ranges */
        e = 16383 + (rnd(r, 2) ? 1 : -1) * (int)(rnd(r, 2) ? 126 + rnd(r, 30) - 24
                                                            : 1022 + rnd(r, 60) - 52);
        m |= 1ull << 63;
        break;
    case 14: /* near the integer ranges */
        e = 16383 + 14 + rnd(r, 52);
        m |= 1ull << 63;
        break;
    default:
        e = 16383 + rnd(r, 200) - 100;
        m |= 1ull << 63;
        break;
    }
    st64(p, m);
    st16(p + 8, (uint16_t)(e | sg << 15));
}

static void gen_mem(Rng *r, uint8_t *p, unsigned kind)
{
    /* kind: 0 m32real 1 m64real 2 m16int 3 m32int 4 m64int 5 m80 6 bcd */
    uint64_t v = rng_next(r);
    unsigned k = rnd(r, 8);
    switch (kind) {
    case 0:
        if (k == 0) v = (v & 0x807FFFFF);                 /* denormal/zero */
        else if (k == 1) v = (v & 0x807FFFFF) | 0x7F800000; /* inf/NaN */
        else if (k == 2) v = (v & 0x80000000) | 0x3F800000 | (v & 0x7F0000);
        st32(p, (uint32_t)v);
        break;
    case 1:
        if (k == 0) v &= 0x800FFFFFFFFFFFFFull;
        else if (k == 1) v |= 0x7FF0000000000000ull;
        else if (k == 2) v = (v & 0x80000000000000FFull) | 0x3FF0000000000000ull;
        st64(p, v);
        break;
    case 2: st16(p, (uint16_t)(k < 3 ? v % 7 - 3 : v)); break;
    case 3: st32(p, (uint32_t)(k < 3 ? v % 7 - 3 : v)); break;
    case 4: st64(p, k < 3 ? v % 7 - 3 : k < 5 ? v >> rnd(r, 64) : v); break;
    case 5: gen_x80(r, p); break;
    case 7: {
        static const uint8_t edge[6] = {0x00, 0x7F, 0x80, 0xFF, 0x01, 0xFE};
        for (unsigned i = 0; i < 8; i++)
            p[i] = rnd(r, 2) ? edge[rnd(r, 6)] : (uint8_t)rng_next(r);
        break;
    }
    default: {
        unsigned i;
        for (i = 0; i < 9; i++) {
            unsigned d = (unsigned)(rng_next(r) % 100);
            p[i] = (uint8_t)((d / 10) << 4 | (d % 10));
        }
        p[9] = (uint8_t)(rnd(r, 2) ? 0x80 : 0);
        break;
    }
    }
}

/* ---- forms ---------------------------------------------------------------------- */
enum { OPK_NONE = -1 };
typedef struct Form {
    const char *family, *name;
    uint8_t op, modrm; /* modrm with mod=00 rm=101 means [buf+48] (or +64) */
    int memkind;       /* operand to generate at buf+48, OPK_NONE: none */
    int out80;         /* memory operand at buf+64 instead */
    int trans;         /* transcendental: n > 0, bit for bit unless within
                          n/16 ulp of a rounding boundary (compare_trans) */
    int mmx;           /* 0F-opcode MMX form: 1 mm0,mm1  2 mm0,[buf+48]
                          3 shift mm0,imm8 (modrm given)  4 EMMS
                          5 SSE xmm0,xmm1 (or modrm given)  6 SSE xmm0,[buf+48] */
    uint8_t pfx;       /* SSE mandatory prefix: 0, 0x66, 0xF2, 0xF3 */
    int imm;           /* SSE: an imm8 follows (random 0..7 or 0..255) */
    int lanes;         /* SSE operand lanes: 0 float, 1 double, 2 integer */
} Form;

#define MEM(reg) (uint8_t)(((reg) << 3) | 5)
static const Form forms[] = {
    /* arithmetic, register forms */
    {"ARITH", "fadd st0,st1", 0xD8, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fmul st0,st1", 0xD8, 0xC9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsub st0,st1", 0xD8, 0xE1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsubr st0,st1", 0xD8, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdiv st0,st1", 0xD8, 0xF1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdivr st0,st1", 0xD8, 0xF9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fadd st1,st0", 0xDC, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsub st1,st0", 0xDC, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsubr st1,st0", 0xDC, 0xE1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdiv st1,st0", 0xDC, 0xF9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdivr st1,st0", 0xDC, 0xF1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "faddp", 0xDE, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fmulp", 0xDE, 0xC9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsubp", 0xDE, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fsubrp", 0xDE, 0xE1, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdivp", 0xDE, 0xF9, -1, 0, 0, 0, 0, 0, 0},
    {"ARITH", "fdivrp", 0xDE, 0xF1, -1, 0, 0, 0, 0, 0, 0},
    /* arithmetic, memory forms */
    {"ARITHM", "fadd m32", 0xD8, MEM(0), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fmul m32", 0xD8, MEM(1), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fsub m32", 0xD8, MEM(4), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fdivr m32", 0xD8, MEM(7), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fadd m64", 0xDC, MEM(0), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fsubr m64", 0xDC, MEM(5), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fdiv m64", 0xDC, MEM(6), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fmul m64", 0xDC, MEM(1), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fiadd m32", 0xDA, MEM(0), 3, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fimul m16", 0xDE, MEM(1), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fisub m16", 0xDE, MEM(4), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fidiv m32", 0xDA, MEM(6), 3, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fidivr m16", 0xDE, MEM(7), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fsubr m32", 0xD8, MEM(5), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fdiv m32", 0xD8, MEM(6), 0, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fsub m64", 0xDC, MEM(4), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fdivr m64", 0xDC, MEM(7), 1, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fiadd m16", 0xDE, MEM(0), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fimul m32", 0xDA, MEM(1), 3, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fisub m32", 0xDA, MEM(4), 3, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fisubr m16", 0xDE, MEM(5), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fisubr m32", 0xDA, MEM(5), 3, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fidiv m16", 0xDE, MEM(6), 2, 0, 0, 0, 0, 0, 0},
    {"ARITHM", "fidivr m32", 0xDA, MEM(7), 3, 0, 0, 0, 0, 0, 0},
    /* compares */
    {"CMP", "fcom st1", 0xD8, 0xD1, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcomp st1", 0xD8, 0xD9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcompp", 0xDE, 0xD9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fucom st1", 0xDD, 0xE1, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fucomp st1", 0xDD, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fucompp", 0xDA, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcomi st1", 0xDB, 0xF1, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fucomi st1", 0xDB, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcomip st1", 0xDF, 0xF1, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fucomip st1", 0xDF, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcom m32", 0xD8, MEM(2), 0, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcomp m64", 0xDC, MEM(3), 1, 0, 0, 0, 0, 0, 0},
    {"CMP", "ficom m16", 0xDE, MEM(2), 2, 0, 0, 0, 0, 0, 0},
    {"CMP", "ficomp m32", 0xDA, MEM(3), 3, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcom m64", 0xDC, MEM(2), 1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fcomp m32", 0xD8, MEM(3), 0, 0, 0, 0, 0, 0, 0},
    {"CMP", "ficom m32", 0xDA, MEM(2), 3, 0, 0, 0, 0, 0, 0},
    {"CMP", "ficomp m16", 0xDE, MEM(3), 2, 0, 0, 0, 0, 0, 0},
    {"CMP", "ftst", 0xD9, 0xE4, -1, 0, 0, 0, 0, 0, 0},
    {"CMP", "fxam", 0xD9, 0xE5, -1, 0, 0, 0, 0, 0, 0},
    /* unary and ST0/ST1 operations */
    {"UNARY", "fchs", 0xD9, 0xE0, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fabs", 0xD9, 0xE1, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fsqrt", 0xD9, 0xFA, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "frndint", 0xD9, 0xFC, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fscale", 0xD9, 0xFD, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fxtract", 0xD9, 0xF4, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fprem", 0xD9, 0xF8, -1, 0, 0, 0, 0, 0, 0},
    {"UNARY", "fprem1", 0xD9, 0xF5, -1, 0, 0, 0, 0, 0, 0},
    /* loads and stores */
    {"LDST", "fld m32", 0xD9, MEM(0), 0, 0, 0, 0, 0, 0, 0},
    {"LDST", "fld m64", 0xDD, MEM(0), 1, 0, 0, 0, 0, 0, 0},
    {"LDST", "fld m80", 0xDB, MEM(5), 5, 0, 0, 0, 0, 0, 0},
    {"LDST", "fild m16", 0xDF, MEM(0), 2, 0, 0, 0, 0, 0, 0},
    {"LDST", "fild m32", 0xDB, MEM(0), 3, 0, 0, 0, 0, 0, 0},
    {"LDST", "fild m64", 0xDF, MEM(5), 4, 0, 0, 0, 0, 0, 0},
    {"LDST", "fbld", 0xDF, MEM(4), 6, 0, 0, 0, 0, 0, 0},
    {"LDST", "fst m32", 0xD9, MEM(2), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fstp m32", 0xD9, MEM(3), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fst m64", 0xDD, MEM(2), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fstp m64", 0xDD, MEM(3), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fstp m80", 0xDB, MEM(7), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fist m16", 0xDF, MEM(2), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fistp m16", 0xDF, MEM(3), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fist m32", 0xDB, MEM(2), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fistp m32", 0xDB, MEM(3), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fistp m64", 0xDF, MEM(7), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fbstp", 0xDF, MEM(6), -1, 1, 0, 0, 0, 0, 0},
    {"LDST", "fld st1", 0xD9, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"LDST", "fst st2", 0xDD, 0xD2, -1, 0, 0, 0, 0, 0, 0},
    {"LDST", "fstp st1", 0xDD, 0xD9, -1, 0, 0, 0, 0, 0, 0},
    {"LDST", "fxch st1", 0xD9, 0xC9, -1, 0, 0, 0, 0, 0, 0},
    /* constants and stack control */
    {"MISC", "fld1", 0xD9, 0xE8, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldl2t", 0xD9, 0xE9, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldl2e", 0xD9, 0xEA, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldpi", 0xD9, 0xEB, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldlg2", 0xD9, 0xEC, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldln2", 0xD9, 0xED, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fldz", 0xD9, 0xEE, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fincstp", 0xD9, 0xF7, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fdecstp", 0xD9, 0xF6, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "ffree st1", 0xDD, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "ffreep st0", 0xDF, 0xC0, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovb", 0xDA, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmove", 0xDA, 0xC9, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovbe", 0xDA, 0xD1, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovu", 0xDA, 0xD9, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovnb", 0xDB, 0xC1, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovnbe", 0xDB, 0xD1, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovne", 0xDB, 0xC9, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fcmovnu", 0xDB, 0xD9, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fnstcw", 0xD9, MEM(7), -1, 1, 0, 0, 0, 0, 0},
    {"MISC", "fnstsw ax", 0xDF, 0xE0, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fnclex", 0xDB, 0xE2, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fnop", 0xD9, 0xD0, -1, 0, 0, 0, 0, 0, 0},
    {"MISC", "fnstenv", 0xD9, MEM(6), -1, 1, 0, 0, 0, 0, 0},
    {"MISC", "fldenv", 0xD9, MEM(4), -1, 1, 0, 0, 0, 0, 0},
    /* transcendental (compare_trans) */
    {"TRANS", "fsin", 0xD9, 0xFE, -1, 0, 1, 0, 0, 0, 0},
    {"TRANS", "fcos", 0xD9, 0xFF, -1, 0, 1, 0, 0, 0, 0},
    {"TRANS", "fptan", 0xD9, 0xF2, -1, 0, 3, 0, 0, 0, 0},
    {"TRANS", "fpatan", 0xD9, 0xF3, -1, 0, 2, 0, 0, 0, 0},
    {"TRANS", "f2xm1", 0xD9, 0xF0, -1, 0, 3, 0, 0, 0, 0},
    {"TRANS", "fyl2x", 0xD9, 0xF1, -1, 0, 2, 0, 0, 0, 0},
    {"TRANS", "fyl2xp1", 0xD9, 0xF9, -1, 0, 4, 0, 0, 0, 0},
    {"TRANS", "fsincos", 0xD9, 0xFB, -1, 0, 1, 0, 0, 0, 0},
    /* MMX: mm0 = a's significand, mm1 = b's; the FNSAVE image shows the
     * registers (exponent FFFFh), TOP = 0 and the tag word */
    {"MMX", "punpcklbw mm0,mm1", 0x60, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpcklwd mm0,mm1", 0x61, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpckldq mm0,mm1", 0x62, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "packsswb mm0,mm1", 0x63, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpgtb mm0,mm1", 0x64, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpgtw mm0,mm1", 0x65, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpgtd mm0,mm1", 0x66, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "packuswb mm0,mm1", 0x67, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpckhbw mm0,mm1", 0x68, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpckhwd mm0,mm1", 0x69, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpckhdq mm0,mm1", 0x6A, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "packssdw mm0,mm1", 0x6B, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpeqb mm0,mm1", 0x74, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpeqw mm0,mm1", 0x75, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pcmpeqd mm0,mm1", 0x76, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psrlw mm0,mm1", 0xD1, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psrld mm0,mm1", 0xD2, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psrlq mm0,mm1", 0xD3, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pmullw mm0,mm1", 0xD5, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubusb mm0,mm1", 0xD8, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubusw mm0,mm1", 0xD9, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pand mm0,mm1", 0xDB, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddusb mm0,mm1", 0xDC, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddusw mm0,mm1", 0xDD, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pandn mm0,mm1", 0xDF, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psraw mm0,mm1", 0xE1, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psrad mm0,mm1", 0xE2, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pmulhw mm0,mm1", 0xE5, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubsb mm0,mm1", 0xE8, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubsw mm0,mm1", 0xE9, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "por mm0,mm1", 0xEB, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddsb mm0,mm1", 0xEC, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddsw mm0,mm1", 0xED, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pxor mm0,mm1", 0xEF, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psllw mm0,mm1", 0xF1, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pslld mm0,mm1", 0xF2, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psllq mm0,mm1", 0xF3, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "pmaddwd mm0,mm1", 0xF5, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubb mm0,mm1", 0xF8, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubw mm0,mm1", 0xF9, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "psubd mm0,mm1", 0xFA, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddb mm0,mm1", 0xFC, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddw mm0,mm1", 0xFD, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "paddd mm0,mm1", 0xFE, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "punpcklbw mm0,m64", 0x60, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "packsswb mm0,m64", 0x63, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pcmpgtd mm0,m64", 0x66, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "punpckhwd mm0,m64", 0x69, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pcmpeqb mm0,m64", 0x74, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "psrlw mm0,m64", 0xD1, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pmullw mm0,m64", 0xD5, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pand mm0,m64", 0xDB, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pandn mm0,m64", 0xDF, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pmulhw mm0,m64", 0xE5, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "por mm0,m64", 0xEB, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "pxor mm0,m64", 0xEF, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "psllq mm0,m64", 0xF3, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "psubw mm0,m64", 0xF9, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "paddw mm0,m64", 0xFD, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "psrlw mm0,imm8", 0x71, 0xD0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psraw mm0,imm8", 0x71, 0xE0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psllw mm0,imm8", 0x71, 0xF0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psrld mm0,imm8", 0x72, 0xD0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psrad mm0,imm8", 0x72, 0xE0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "pslld mm0,imm8", 0x72, 0xF0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psrlq mm0,imm8", 0x73, 0xD0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "psllq mm0,imm8", 0x73, 0xF0, -1, 0, 0, 3, 0, 0, 0},
    {"MMX", "movq mm0,mm1", 0x6F, 0xC1, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "movd mm0,m32", 0x6E, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "movq mm0,m64", 0x6F, MEM(0), 7, 0, 0, 2, 0, 0, 0},
    {"MMX", "movd eax,mm1", 0x7E, 0xC8, -1, 0, 0, 1, 0, 0, 0},
    {"MMX", "movq m64,mm1", 0x7F, MEM(1), -1, 0, 0, 2, 0, 0, 0},
    {"MMX", "emms", 0x77, 0, -1, 0, 0, 4, 0, 0, 0},
    /* SSE/SSE2: LDMXCSR [buf+4] (random RC/DAZ/FTZ, sometimes an unmasked
     * exception), xmm0 = [buf+16], xmm1 = [buf+32], source m128 at
     * [buf+48]; results: xmm0 at [buf+64], mm0 at [buf+80], STMXCSR at
     * [buf+8], EAX, EFLAGS */
    {"SSE", "addps", 0x58, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "addps m", 0x58, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "addss", 0x58, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "addss m", 0x58, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "addpd", 0x58, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "addpd m", 0x58, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "addsd", 0x58, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "addsd m", 0x58, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "mulps", 0x59, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "mulps m", 0x59, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "mulss", 0x59, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "mulss m", 0x59, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "mulpd", 0x59, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "mulpd m", 0x59, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "mulsd", 0x59, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "mulsd m", 0x59, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "subps", 0x5C, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "subps m", 0x5C, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "subss", 0x5C, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "subss m", 0x5C, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "subpd", 0x5C, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "subpd m", 0x5C, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "subsd", 0x5C, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "subsd m", 0x5C, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "minps", 0x5D, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "minps m", 0x5D, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "minss", 0x5D, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "minss m", 0x5D, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "minpd", 0x5D, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "minpd m", 0x5D, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "minsd", 0x5D, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "minsd m", 0x5D, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "divps", 0x5E, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "divps m", 0x5E, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "divss", 0x5E, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "divss m", 0x5E, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "divpd", 0x5E, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "divpd m", 0x5E, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "divsd", 0x5E, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "divsd m", 0x5E, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "maxps", 0x5F, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "maxps m", 0x5F, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "maxss", 0x5F, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "maxss m", 0x5F, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "maxpd", 0x5F, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "maxpd m", 0x5F, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "maxsd", 0x5F, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "maxsd m", 0x5F, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "sqrtps", 0x51, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "sqrtps m", 0x51, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "sqrtss", 0x51, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "sqrtss m", 0x51, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "sqrtpd", 0x51, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "sqrtpd m", 0x51, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "sqrtsd", 0x51, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "sqrtsd m", 0x51, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "cmpps", 0xC2, 0xC1, -1, 0, 0, 5, 0x00, 8, 0},
    {"SSE", "cmpps m", 0xC2, MEM(0), -1, 0, 0, 6, 0x00, 8, 0},
    {"SSE", "cmpss", 0xC2, 0xC1, -1, 0, 0, 5, 0xF3, 8, 0},
    {"SSE", "cmpss m", 0xC2, MEM(0), -1, 0, 0, 6, 0xF3, 8, 0},
    {"SSE", "cmppd", 0xC2, 0xC1, -1, 0, 0, 5, 0x66, 8, 1},
    {"SSE", "cmppd m", 0xC2, MEM(0), -1, 0, 0, 6, 0x66, 8, 1},
    {"SSE", "cmpsd", 0xC2, 0xC1, -1, 0, 0, 5, 0xF2, 8, 1},
    {"SSE", "cmpsd m", 0xC2, MEM(0), -1, 0, 0, 6, 0xF2, 8, 1},
    {"SSE", "andps", 0x54, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "andps m", 0x54, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "andnps", 0x55, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "andnps m", 0x55, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "orpd", 0x56, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "orpd m", 0x56, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "xorps", 0x57, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "xorps m", 0x57, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "ucomiss", 0x2E, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "ucomiss m", 0x2E, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "comiss", 0x2F, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "comiss m", 0x2F, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "ucomisd", 0x2E, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "ucomisd m", 0x2E, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "comisd", 0x2F, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "comisd m", 0x2F, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "cvtss2sd", 0x5A, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "cvtss2sd m", 0x5A, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "cvtsd2ss", 0x5A, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "cvtsd2ss m", 0x5A, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "cvtps2pd", 0x5A, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "cvtps2pd m", 0x5A, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "cvtpd2ps", 0x5A, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "cvtpd2ps m", 0x5A, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "cvtdq2ps", 0x5B, 0xC1, -1, 0, 0, 5, 0x00, 0, 2},
    {"SSE", "cvtdq2ps m", 0x5B, MEM(0), -1, 0, 0, 6, 0x00, 0, 2},
    {"SSE", "cvtps2dq", 0x5B, 0xC1, -1, 0, 0, 5, 0x66, 0, 0},
    {"SSE", "cvtps2dq m", 0x5B, MEM(0), -1, 0, 0, 6, 0x66, 0, 0},
    {"SSE", "cvttps2dq", 0x5B, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "cvttps2dq m", 0x5B, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "cvtdq2pd", 0xE6, 0xC1, -1, 0, 0, 5, 0xF3, 0, 2},
    {"SSE", "cvtdq2pd m", 0xE6, MEM(0), -1, 0, 0, 6, 0xF3, 0, 2},
    {"SSE", "cvtpd2dq", 0xE6, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "cvtpd2dq m", 0xE6, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "cvttpd2dq", 0xE6, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "cvttpd2dq m", 0xE6, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "cvtss2si", 0x2D, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "cvtss2si m", 0x2D, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "cvttss2si", 0x2C, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "cvttss2si m", 0x2C, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "cvtsd2si", 0x2D, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "cvtsd2si m", 0x2D, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "cvttsd2si", 0x2C, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "cvttsd2si m", 0x2C, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "cvtsi2ss eax", 0x2A, 0xC0, -1, 0, 0, 5, 0xF3, 0, 2},
    {"SSE", "cvtsi2sd eax", 0x2A, 0xC0, -1, 0, 0, 5, 0xF2, 0, 2},
    {"SSE", "cvtps2pi", 0x2D, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "cvtps2pi m", 0x2D, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "cvttpd2pi", 0x2C, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "cvttpd2pi m", 0x2C, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "cvtpi2ps", 0x2A, 0xC1, -1, 0, 0, 5, 0x00, 0, 2},
    {"SSE", "cvtpi2ps m", 0x2A, MEM(0), -1, 0, 0, 6, 0x00, 0, 2},
    {"SSE", "cvtpi2pd", 0x2A, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "cvtpi2pd m", 0x2A, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "rcpps", 0x53, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "rsqrtss", 0x52, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "movss", 0x10, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "movss m", 0x10, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "movsd", 0x10, 0xC1, -1, 0, 0, 5, 0xF2, 0, 1},
    {"SSE", "movsd m", 0x10, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "movups", 0x10, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "movups m", 0x10, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movaps", 0x28, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "movaps m", 0x28, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movhlps", 0x12, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "movlhps", 0x16, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "unpcklps", 0x14, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "unpcklps m", 0x14, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "unpckhpd", 0x15, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "unpckhpd m", 0x15, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "shufps", 0xC6, 0xC1, -1, 0, 0, 5, 0x00, 256, 0},
    {"SSE", "shufps m", 0xC6, MEM(0), -1, 0, 0, 6, 0x00, 256, 0},
    {"SSE", "shufpd", 0xC6, 0xC1, -1, 0, 0, 5, 0x66, 4, 1},
    {"SSE", "shufpd m", 0xC6, MEM(0), -1, 0, 0, 6, 0x66, 4, 1},
    {"SSE", "movmskps eax", 0x50, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "movmskpd eax", 0x50, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "punpcklbw xmm", 0x60, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpcklbw xmm m", 0x60, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpckhwd xmm", 0x69, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpckhwd xmm m", 0x69, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpcklqdq xmm", 0x6C, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpcklqdq xmm m", 0x6C, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpckhqdq xmm", 0x6D, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpckhqdq xmm m", 0x6D, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "packsswb xmm", 0x63, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "packsswb xmm m", 0x63, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "packuswb xmm", 0x67, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "packuswb xmm m", 0x67, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "packssdw xmm", 0x6B, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "packssdw xmm m", 0x6B, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpgtb xmm", 0x64, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpgtb xmm m", 0x64, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpeqd xmm", 0x76, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpeqd xmm m", 0x76, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psrlw xmm", 0xD1, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psrlw xmm m", 0xD1, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psrlq xmm", 0xD3, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psrlq xmm m", 0xD3, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddq xmm", 0xD4, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddq xmm m", 0xD4, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmullw xmm", 0xD5, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmullw xmm m", 0xD5, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubusb xmm", 0xD8, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubusb xmm m", 0xD8, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pminub xmm", 0xDA, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pminub xmm m", 0xDA, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pand xmm", 0xDB, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pand xmm m", 0xDB, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddusw xmm", 0xDD, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddusw xmm m", 0xDD, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmaxub xmm", 0xDE, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmaxub xmm m", 0xDE, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pavgb xmm", 0xE0, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pavgb xmm m", 0xE0, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psraw xmm", 0xE1, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psraw xmm m", 0xE1, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psrad xmm", 0xE2, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psrad xmm m", 0xE2, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pavgw xmm", 0xE3, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pavgw xmm m", 0xE3, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmulhuw xmm", 0xE4, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmulhuw xmm m", 0xE4, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmulhw xmm", 0xE5, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmulhw xmm m", 0xE5, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubsb xmm", 0xE8, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubsb xmm m", 0xE8, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pminsw xmm", 0xEA, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pminsw xmm m", 0xEA, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "por xmm", 0xEB, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "por xmm m", 0xEB, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddsw xmm", 0xED, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddsw xmm m", 0xED, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmaxsw xmm", 0xEE, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmaxsw xmm m", 0xEE, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pxor xmm", 0xEF, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pxor xmm m", 0xEF, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psllw xmm", 0xF1, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psllw xmm m", 0xF1, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psllq xmm", 0xF3, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psllq xmm m", 0xF3, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmuludq xmm", 0xF4, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmuludq xmm m", 0xF4, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pmaddwd xmm", 0xF5, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pmaddwd xmm m", 0xF5, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psadbw xmm", 0xF6, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psadbw xmm m", 0xF6, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubq xmm", 0xFB, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubq xmm m", 0xFB, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddd xmm", 0xFE, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddd xmm m", 0xFE, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pminub mm", 0xDA, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pavgw mm", 0xE3, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "psadbw mm", 0xF6, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pmulhuw mm", 0xE4, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "paddq mm", 0xD4, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pmuludq mm", 0xF4, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pshufd", 0x70, 0xC1, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "pshufd m", 0x70, MEM(0), -1, 0, 0, 6, 0x66, 256, 2},
    {"SSE", "pshufhw", 0x70, 0xC1, -1, 0, 0, 5, 0xF3, 256, 2},
    {"SSE", "pshufhw m", 0x70, MEM(0), -1, 0, 0, 6, 0xF3, 256, 2},
    {"SSE", "pshuflw", 0x70, 0xC1, -1, 0, 0, 5, 0xF2, 256, 2},
    {"SSE", "pshuflw m", 0x70, MEM(0), -1, 0, 0, 6, 0xF2, 256, 2},
    {"SSE", "pshufw mm", 0x70, 0xC1, -1, 0, 0, 7, 0, 256, 2},
    {"SSE", "psrldq", 0x73, 0xD8, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "pslldq", 0x73, 0xF8, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psrlq imm", 0x73, 0xD0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psraw imm", 0x71, 0xE0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "pextrw eax", 0xC5, 0xC1, -1, 0, 0, 5, 0x66, 8, 2},
    {"SSE", "pinsrw", 0xC4, 0xC0, -1, 0, 0, 5, 0x66, 8, 2},
    {"SSE", "pmovmskb eax", 0xD7, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "movdqa", 0x6F, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "movdqa m", 0x6F, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movdqu", 0x6F, 0xC1, -1, 0, 0, 5, 0xF3, 0, 2},
    {"SSE", "movdqu m", 0x6F, MEM(0), -1, 0, 0, 6, 0xF3, 0, 2},
    {"SSE", "movq xmm", 0x7E, 0xC1, -1, 0, 0, 5, 0xF3, 0, 2},
    {"SSE", "movq xmm m", 0x7E, MEM(0), -1, 0, 0, 6, 0xF3, 0, 2},
    {"SSE", "movd xmm,eax", 0x6E, 0xC0, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "movd eax,xmm", 0x7E, 0xC0, -1, 0, 0, 5, 0x66, 0, 2},
    /* the remaining SSE/SSE2 forms: logic and unpacks on doubles, the
     * approximations' other forms, MOVAPD/MOVUPD/MOVLPS/MOVHPS/MOVLPD/MOVHPD loads, every
     * store form (the bytes at buf+48 are compared), non-temporal stores,
     * MOVQ2DQ/MOVDQ2Q, the rest of the 128-bit integer set, the SSE integer
     * extensions on MMX registers, and MASKMOVQ/MASKMOVDQU (EDI = buf+48) */
    {"SSE", "andpd", 0x54, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "andpd m", 0x54, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "andnpd", 0x55, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "andnpd m", 0x55, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "orps", 0x56, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "orps m", 0x56, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "xorpd", 0x57, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "xorpd m", 0x57, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "unpckhps", 0x15, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "unpckhps m", 0x15, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "unpcklpd", 0x14, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "unpcklpd m", 0x14, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "rcpss", 0x53, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "rcpss m", 0x53, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "rsqrtps", 0x52, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "rsqrtps m", 0x52, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "rcpps m", 0x53, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "rsqrtss m", 0x52, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "cvttps2pi", 0x2C, 0xC1, -1, 0, 0, 5, 0x00, 0, 0},
    {"SSE", "cvttps2pi m", 0x2C, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "cvtpd2pi", 0x2D, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "cvtpd2pi m", 0x2D, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "cvtsi2ss m", 0x2A, MEM(0), -1, 0, 0, 6, 0xF3, 0, 2},
    {"SSE", "cvtsi2sd m", 0x2A, MEM(0), -1, 0, 0, 6, 0xF2, 0, 2},
    {"SSE", "movapd", 0x28, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "movapd m", 0x28, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movupd", 0x10, 0xC1, -1, 0, 0, 5, 0x66, 0, 1},
    {"SSE", "movupd m", 0x10, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movlps m", 0x12, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movhps m", 0x16, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movlpd m", 0x12, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movhpd m", 0x16, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movd xmm,m32 m", 0x6E, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movups st", 0x11, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movaps st", 0x29, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movupd st", 0x11, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movapd st", 0x29, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movss st", 0x11, MEM(0), -1, 0, 0, 6, 0xF3, 0, 0},
    {"SSE", "movsd st", 0x11, MEM(0), -1, 0, 0, 6, 0xF2, 0, 1},
    {"SSE", "movlps st", 0x13, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movhps st", 0x17, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movlpd st", 0x13, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movhpd st", 0x17, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movdqa st", 0x7F, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movdqu st", 0x7F, MEM(0), -1, 0, 0, 6, 0xF3, 0, 2},
    {"SSE", "movq st", 0xD6, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movd m32,xmm", 0x7E, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movntps", 0x2B, MEM(0), -1, 0, 0, 6, 0x00, 0, 0},
    {"SSE", "movntpd", 0x2B, MEM(0), -1, 0, 0, 6, 0x66, 0, 1},
    {"SSE", "movntdq", 0xE7, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "movnti", 0xC3, MEM(0), -1, 0, 0, 6, 0x00, 0, 2},
    {"SSE", "movntq", 0xE7, MEM(0), -1, 0, 0, 6, 0x00, 0, 2},
    {"SSE", "movss st xmm", 0x11, 0xC1, -1, 0, 0, 5, 0xF3, 0, 0},
    {"SSE", "movq2dq", 0xD6, 0xC1, -1, 0, 0, 5, 0xF3, 0, 2},
    {"SSE", "movdq2q", 0xD6, 0xC1, -1, 0, 0, 5, 0xF2, 0, 2},
    {"SSE", "punpcklwd xmm", 0x61, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpcklwd xmm m", 0x61, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpckldq xmm", 0x62, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpckldq xmm m", 0x62, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpckhbw xmm", 0x68, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpckhbw xmm m", 0x68, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "punpckhdq xmm", 0x6A, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "punpckhdq xmm m", 0x6A, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpgtw xmm", 0x65, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpgtw xmm m", 0x65, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpgtd xmm", 0x66, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpgtd xmm m", 0x66, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpeqb xmm", 0x74, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpeqb xmm m", 0x74, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pcmpeqw xmm", 0x75, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pcmpeqw xmm m", 0x75, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psrld xmm", 0xD2, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psrld xmm m", 0xD2, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubusw xmm", 0xD9, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubusw xmm m", 0xD9, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddusb xmm", 0xDC, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddusb xmm m", 0xDC, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pandn xmm", 0xDF, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pandn xmm m", 0xDF, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubsw xmm", 0xE9, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubsw xmm m", 0xE9, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddsb xmm", 0xEC, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddsb xmm m", 0xEC, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "pslld xmm", 0xF2, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "pslld xmm m", 0xF2, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubb xmm", 0xF8, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubb xmm m", 0xF8, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubw xmm", 0xF9, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubw xmm m", 0xF9, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psubd xmm", 0xFA, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "psubd xmm m", 0xFA, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddb xmm", 0xFC, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddb xmm m", 0xFC, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "paddw xmm", 0xFD, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "paddw xmm m", 0xFD, MEM(0), -1, 0, 0, 6, 0x66, 0, 2},
    {"SSE", "psrlw imm", 0x71, 0xD0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psllw imm", 0x71, 0xF0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psrld imm", 0x72, 0xD0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psrad imm", 0x72, 0xE0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "pslld imm", 0x72, 0xF0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "psllq imm", 0x73, 0xF0, -1, 0, 0, 5, 0x66, 256, 2},
    {"SSE", "pinsrw m", 0xC4, MEM(0), -1, 0, 0, 6, 0x66, 8, 2},
    {"SSE", "pmaxub mm", 0xDE, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pmaxsw mm", 0xEE, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pminsw mm", 0xEA, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pavgb mm", 0xE0, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "psubq mm", 0xFB, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pmovmskb eax,mm", 0xD7, 0xC1, -1, 0, 0, 1, 0, 0, 2},
    {"SSE", "pextrw eax,mm", 0xC5, 0xC1, -1, 0, 0, 7, 0, 256, 2},
    {"SSE", "pinsrw mm,eax", 0xC4, 0xC0, -1, 0, 0, 7, 0, 256, 2},
    {"SSE", "pminub mm m", 0xDA, MEM(0), 7, 0, 0, 2, 0, 0, 2},
    {"SSE", "psadbw mm m", 0xF6, MEM(0), 7, 0, 0, 2, 0, 0, 2},
    {"SSE", "maskmovdqu", 0xF7, 0xC1, -1, 0, 0, 5, 0x66, 0, 2},
    {"SSE", "maskmovq", 0xF7, 0xC1, -1, 0, 0, 5, 0x00, 0, 2},
};
#define NFORMS (sizeof forms / sizeof forms[0])

typedef struct Case {
    FpuCase in;
    int fwait;
} Case;

static unsigned emit_abs(uint8_t *c, unsigned n, uint8_t op, uint8_t modrm,
                         uint32_t addr)
{
    c[n++] = op;
    c[n++] = modrm;
    st32(c + n, addr);
    return n + 4;
}

/* A finite value with |x| in a sane range for the transcendental checks. */
static void gen_trans(Rng *r, uint8_t *p, const Form *f)
{
    uint64_t m = rng_next(r) | 1ull << 63;
    int e;
    if (!strcmp(f->name, "f2xm1"))
        e = -1 - (int)rnd(r, 40);
    else if (!strcmp(f->name, "fyl2xp1"))
        e = -2 - (int)rnd(r, 40);
    else if (!strcmp(f->name, "fyl2x") || !strcmp(f->name, "fpatan"))
        e = (int)rnd(r, 80) - 40;
    else
        e = (int)rnd(r, 40) - 30;
    st64(p, m);
    st16(p + 8, (uint16_t)((16383 + e) | (rnd(r, 2) && strcmp(f->name, "fyl2x") ? 0x8000 : 0)));
}


/* SSE lanes: floats/doubles with edge values, or integer edge bytes. */
static void gen_lanes(Rng *r, uint8_t *p, int lanes)
{
    unsigned k;
    if (lanes == 2) {
        gen_mem(r, p, 7);
        gen_mem(r, p + 8, 7);
        if (rnd(r, 4) == 0) /* shift counts */
            st64(p, rnd(r, 70)), st64(p + 8, 0);
        return;
    }
    for (k = 0; k < (lanes ? 2u : 4u); k++) {
        uint8_t t[16];
        gen_mem(r, t, lanes ? 1 : 0);
        if (rnd(r, 3) == 0) { /* near-equal / small exponent / int-range */
            if (lanes)
                st64(t, (ld64(t) & 0x800FFFFFFFFFFFFFull) |
                        (uint64_t)(rnd(r, 3) ? 0x3FF + rnd(r, 64) - 32 : rnd(r, 60)) << 52);
            else
                st32(t, (ld32(t) & 0x807FFFFFu) |
                        (uint32_t)(rnd(r, 3) ? 127 + rnd(r, 40) - 20 : rnd(r, 30)) << 23);
        }
        memcpy(p + k * (lanes ? 8 : 4), t, lanes ? 8 : 4);
    }
}

static void gen_sse(const Form *f, Rng *r, Case *tc)
{
    FpuCase *c = &tc->in;
    unsigned n = 0;
    uint32_t mx = 0x1F80u | rnd(r, 4) << 13;
    if (rnd(r, 3) == 0)
        mx |= 0x40; /* DAZ */
    if (rnd(r, 3) == 0)
        mx |= 0x8000; /* FTZ */
    if (rnd(r, 6) == 0)
        mx &= ~(0x80u << rnd(r, 6)); /* one exception unmasked */
    st32(c->buf + 4, mx);
    gen_lanes(r, c->buf + 16, f->lanes);
    gen_lanes(r, c->buf + 32, f->lanes);
    gen_lanes(r, c->buf + B_MEM, f->lanes);
    if (rnd(r, 4) == 0) /* equal operands */
        memcpy(c->buf + 32, c->buf + 16, 16);
    c->regs[0] = rnd(r, 2) ? (uint32_t)rng_next(r) : rnd(r, 100) - 50;
    c->eflags = (uint32_t)rng_next(r) & DIFF_EFL_ARITH;
    if (f->op == 0xF7) /* MASKMOVQ/MASKMOVDQU store to [EDI] */
        c->regs[7] = DIFF_BUF_ADDR + B_MEM;
    c->code[n++] = 0xDB; c->code[n++] = 0xE3;                       /* fninit */
    c->code[n++] = 0x0F;                                            /* ldmxcsr */
    n = emit_abs(c->code, n, 0xAE, MEM(2), DIFF_BUF_ADDR + 4);
    c->code[n++] = 0x0F;                                            /* movups xmm0 */
    n = emit_abs(c->code, n, 0x10, MEM(0), DIFF_BUF_ADDR + 16);
    c->code[n++] = 0x0F;                                            /* movups xmm1 */
    n = emit_abs(c->code, n, 0x10, MEM(1), DIFF_BUF_ADDR + 32);
    c->code[n++] = 0x0F;                                            /* movq mm0,[a] */
    n = emit_abs(c->code, n, 0x6F, MEM(0), DIFF_BUF_ADDR + 16);
    c->code[n++] = 0x0F;                                            /* movq mm1,[b] */
    n = emit_abs(c->code, n, 0x6F, MEM(1), DIFF_BUF_ADDR + 32);
    if (f->pfx)
        c->code[n++] = f->pfx;
    c->code[n++] = 0x0F;
    if (f->mmx == 6) {
        n = emit_abs(c->code, n, f->op, f->modrm, DIFF_BUF_ADDR + B_MEM);
    } else {
        c->code[n++] = f->op;
        c->code[n++] = f->modrm;
    }
    if (f->imm)
        c->code[n++] = (uint8_t)rnd(r, (unsigned)f->imm);
    c->code[n++] = 0x0F;                                            /* movups [out],xmm0 */
    n = emit_abs(c->code, n, 0x11, MEM(0), DIFF_BUF_ADDR + B_OUT);
    c->code[n++] = 0x0F;                                            /* movq [out+16],mm0 */
    n = emit_abs(c->code, n, 0x7F, MEM(0), DIFF_BUF_ADDR + B_OUT + 16);
    c->code[n++] = 0x0F;                                            /* stmxcsr */
    n = emit_abs(c->code, n, 0xAE, MEM(3), DIFF_BUF_ADDR + 8);
    c->code[n++] = 0x0F;                                            /* emms */
    c->code[n++] = 0x77;
    c->len = n;
    tc->fwait = 0;
}

static void gen_case(const Form *f, Rng *r, Case *tc)
{
    FpuCase *c = &tc->in;
    unsigned n = 0, shape = rnd(r, 12);
    static const uint16_t pcs[4] = {0, 2, 3, 3};
    uint16_t cw;
    memset(c, 0, sizeof *c);
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++)
        c->buf[i] = (uint8_t)rng_next(r);
    cw = (uint16_t)(pcs[rnd(r, 4)] << 8 | rnd(r, 4) << 10 | 0x3F);
    if (!f->trans && rnd(r, 6) == 0)
        cw &= (uint16_t)~(1u << rnd(r, 6)); /* one exception unmasked */
    if (f->trans) /* all rounding modes; precision control does not apply */
        cw = (uint16_t)(0x007F | rnd(r, 4) << 8 | rnd(r, 4) << 10);
    st16(c->buf + B_CW, cw);
    if (f->mmx == 5 || f->mmx == 6) {
        gen_sse(f, r, tc);
        return;
    }
    if (f->mmx) {
        gen_mem(r, c->buf + B_A, 7);
        gen_mem(r, c->buf + B_B, 7);
        if (rnd(r, 4) == 0) /* shift counts: small values in the low bits */
            st64(c->buf + B_B, rnd(r, 70));
        if (f->memkind >= 0)
            gen_mem(r, c->buf + B_MEM, (unsigned)f->memkind);
        c->code[n++] = 0xDB; c->code[n++] = 0xE3;               /* fninit */
        for (int k = 0; k < 8; k++) {                           /* fldz */
            c->code[n++] = 0xD9;
            c->code[n++] = 0xEE;
        }
        c->code[n++] = 0xDB; c->code[n++] = 0xE3;               /* fninit */
        c->code[n++] = 0x0F;                                    /* movq mm0,[a] */
        n = emit_abs(c->code, n, 0x6F, MEM(0), DIFF_BUF_ADDR + B_A);
        c->code[n++] = 0x0F;                                    /* movq mm1,[b] */
        n = emit_abs(c->code, n, 0x6F, MEM(1), DIFF_BUF_ADDR + B_B);
        c->code[n++] = 0x0F;
        if (f->mmx == 2) {
            n = emit_abs(c->code, n, f->op, f->modrm,
                         DIFF_BUF_ADDR + (f->op == 0x7F ? B_OUT : B_MEM));
        } else if (f->mmx == 4) {
            c->code[n++] = f->op;
        } else {
            c->code[n++] = f->op;
            c->code[n++] = f->modrm;
            if (f->mmx == 3)
                c->code[n++] = (uint8_t)rnd(r, 70);
            if (f->mmx == 7)
                c->code[n++] = (uint8_t)rnd(r, 256);
        }
        if (f->mmx != 4) {
            c->code[n++] = 0x0F;                                /* movq [out],mm0 */
            n = emit_abs(c->code, n, 0x7F, MEM(0), DIFF_BUF_ADDR + B_OUT + 16);
        }
        n = emit_abs(c->code, n, 0xDD, MEM(7), DIFF_BUF_ADDR + B_SW);
        n = emit_abs(c->code, n, 0xDD, MEM(6), DIFF_BUF_ADDR + B_SAVE);
        c->len = n;
        tc->fwait = 0;
        return;
    }
    if (f->trans) {
        gen_trans(r, c->buf + B_A, f);
        gen_trans(r, c->buf + B_B, f);
        /* sometimes an edge operand: zeros, denormals, infinities, NaNs,
         * unsupported encodings, huge (FSIN/FCOS/FPTAN out of range), ... */
        if (rnd(r, 6) == 0)
            gen_x80(r, c->buf + B_A);
        if (rnd(r, 6) == 0)
            gen_x80(r, c->buf + B_B);
        shape = 0;
    } else {
        gen_x80(r, c->buf + B_A);
        gen_x80(r, c->buf + B_B);
    }
    if (f->memkind >= 0)
        gen_mem(r, c->buf + B_MEM, (unsigned)f->memkind);
    c->eflags = (uint32_t)rng_next(r) & (DIFF_EFL_CF | DIFF_EFL_ZF | DIFF_EFL_PF);
    c->regs[0] = 0x12345678;
    c->code[n++] = 0xDB; c->code[n++] = 0xE3;                   /* fninit */
    for (int k = 0; k < 8; k++) {                               /* fldz */
        c->code[n++] = 0xD9;
        c->code[n++] = 0xEE;
    }
    c->code[n++] = 0xDB; c->code[n++] = 0xE3;                   /* fninit */
    n = emit_abs(c->code, n, 0xD9, MEM(5), DIFF_BUF_ADDR + B_CW); /* fldcw */
    if (shape != 1)
        n = emit_abs(c->code, n, 0xDB, MEM(5), DIFF_BUF_ADDR + B_B);
    n = emit_abs(c->code, n, 0xDB, MEM(5), DIFF_BUF_ADDR + B_A);
    if (shape == 2)
        for (int k = 0; k < 6; k++) {
            c->code[n++] = 0xD9;
            c->code[n++] = 0xC0;
        }
    if ((f->modrm & 0xC7) == 5) {
        n = emit_abs(c->code, n, f->op, f->modrm,
                     DIFF_BUF_ADDR + (f->out80 ? B_OUT : B_MEM));
    } else {
        c->code[n++] = f->op;
        c->code[n++] = f->modrm;
    }
    n = emit_abs(c->code, n, 0xDD, MEM(7), DIFF_BUF_ADDR + B_SW); /* fnstsw */
    tc->fwait = (cw & 0x3F) != 0x3F && rnd(r, 2);
    if (tc->fwait)
        c->code[n++] = 0x9B;
    n = emit_abs(c->code, n, 0xDD, MEM(6), DIFF_BUF_ADDR + B_SAVE); /* fnsave */
    c->len = n;
    /* fldenv reads a 28-byte image at buf+64: make it a plausible one */
    if (!strcmp(f->name, "fldenv")) {
        uint8_t *e = c->buf + B_OUT;
        st16(e, (uint16_t)(0x0340 | rnd(r, 64) | rnd(r, 4) << 10));
        st16(e + 4, (uint16_t)(rng_next(r) & 0x7FFF));
        st16(e + 8, (uint16_t)rng_next(r));
    }
}


/* ---- recorded vectors (replay on any host) ---------------------------------------
 * `--record FILE` writes the host's results of every case run to a gzip
 * file; `--replay FILE` runs the same cases on the emulator alone and
 * compares them with those results, with the same comparison as a live
 * run.  The cases themselves are not stored: they are regenerated from the
 * seed (the generator is our own and host-independent), and a hash of each
 * regenerated case must equal the recorded one, so vectors that no longer
 * fit the generator are reported as stale instead of compared.
 *
 * Format (integers little-endian): "X86PCFPV", u32 version (1), u64 seed,
 * u32 cases per form, u8 RCP/RSQRT-exact (recorded on AMD Zen), then per
 * form: u8 name length, the name, and per case: u32 case hash, i32 fault,
 * u32 fault EIP, u32 EAX, u32 EFLAGS, a 32-byte mask of the buffer bytes
 * the host changed and those bytes.  A name of length 0 ends the file. */
#define VEC_MAGIC "X86PCFPV"

static uint32_t fnv_bytes(uint32_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}
static uint32_t fnv_u32(uint32_t h, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    return fnv_bytes(h, b, 4);
}
/* Hash of a case in a byte-order independent serialisation. */
static uint32_t case_hash(const Case *tc)
{
    const FpuCase *c = &tc->in;
    uint32_t h = fnv_u32(2166136261u, c->len);
    h = fnv_bytes(h, c->code, c->len <= FPU_MAX_CODE ? c->len : FPU_MAX_CODE);
    for (int r = 0; r < 8; r++)
        h = fnv_u32(h, c->regs[r]);
    h = fnv_u32(h, c->eflags);
    h = fnv_bytes(h, c->buf, DIFF_BUF_SIZE);
    return fnv_u32(h, (uint32_t)tc->fwait);
}
/* Seed of a form's case generator: from its name, so that adding forms
 * does not change the cases of the others (or their recorded vectors). */
static uint64_t form_seed(uint64_t seed, const char *name)
{
    uint64_t h = 1469598103934665603ull;
    for (; *name; name++)
        h = (h ^ (uint8_t)*name) * 1099511628211ull;
    return seed * 0x100000001B3ull + h;
}

static void vw_u32(gzFile z, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    gzwrite(z, b, 4);
}
static int vr_bytes(gzFile z, void *p, unsigned n)
{
    return gzread(z, p, n) == (int)n ? 0 : -1;
}
static int vr_u32(gzFile z, uint32_t *v)
{
    uint8_t b[4];
    if (vr_bytes(z, b, 4))
        return -1;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return 0;
}
static void vec_write_result(gzFile z, const Case *tc, const FpuResult *x)
{
    uint8_t mask[DIFF_BUF_SIZE / 8] = {0}, diff[DIFF_BUF_SIZE];
    unsigned nd = 0;
    vw_u32(z, case_hash(tc));
    vw_u32(z, (uint32_t)x->fault);
    vw_u32(z, x->fault_eip);
    vw_u32(z, x->regs[0]);
    vw_u32(z, x->eflags);
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++)
        if (x->buf[i] != tc->in.buf[i]) {
            mask[i / 8] |= (uint8_t)(1u << (i % 8));
            diff[nd++] = x->buf[i];
        }
    gzwrite(z, mask, sizeof mask);
    if (nd)
        gzwrite(z, diff, nd);
}
/* Reads one recorded result for the regenerated case tc: 0, -1 truncated
 * or corrupt file, -2 stale (the case differs from the recorded one). */
static int vec_read_result(gzFile z, const Case *tc, FpuResult *x)
{
    uint8_t mask[DIFF_BUF_SIZE / 8];
    uint32_t h, fault;
    memset(x, 0, sizeof *x);
    if (vr_u32(z, &h) || vr_u32(z, &fault) || vr_u32(z, &x->fault_eip) ||
        vr_u32(z, &x->regs[0]) || vr_u32(z, &x->eflags) || vr_bytes(z, mask, sizeof mask))
        return -1;
    x->fault = (int32_t)fault;
    if (x->fault < -1 || x->fault > 31)
        return -1;
    memcpy(x->buf, tc->in.buf, DIFF_BUF_SIZE);
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++)
        if (mask[i / 8] >> (i % 8) & 1) {
            if (vr_bytes(z, &x->buf[i], 1))
                return -1;
        }
    return h == case_hash(tc) ? 0 : -2;
}

/* ---- oracle process ---------------------------------------------------------- */
static int oracle_batch(Oracle *o, const Case *tcs, FpuResult *res, uint32_t n)
{
    return oracle_batch_raw(o, &tcs[0].in, sizeof tcs[0], sizeof tcs[0].in,
                            res, sizeof res[0], n);
}

/* ---- emulator ------------------------------------------------------------------- */
#define EMU_RAM (16u << 20)
#define PSEUDO_DESC 0x0F00u
#define GDT_ADDR 0x1000u
#define IDT_ADDR 0x2000u
#define HANDLERS 0x3000u
#define STACK_TOP 0x8000u
#define NVEC 32u
#define START_EIP (DIFF_INSN_ADDR - 27u) /* CR4 stub, LGDT, LIDT */

typedef struct Emu {
    PhysMem *pm;
    CPUState *cpu;
    uint8_t tables[0x3000 + 4 * NVEC - PSEUDO_DESC];
} Emu;

static uint32_t io_rd(void *o, uint16_t p, unsigned s) { (void)o; (void)p; (void)s; return ~0u; }
static void io_wr(void *o, uint16_t p, uint32_t v, unsigned s) { (void)o; (void)p; (void)v; (void)s; }
static int iack(void *o) { (void)o; return 0x20; }
static const CPUHost emu_host = {NULL, io_rd, io_wr, iack, NULL, NULL};

static int emu_init(Emu *e)
{
    static const uint8_t gdt[24] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0,
        0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0,
    };
    uint8_t *t = e->tables;
    memset(t, 0, sizeof e->tables);
    st16(t + 0, sizeof gdt - 1);
    st32(t + 2, GDT_ADDR);
    st16(t + 8, NVEC * 8 - 1);
    st32(t + 10, IDT_ADDR);
    memcpy(t + (GDT_ADDR - PSEUDO_DESC), gdt, sizeof gdt);
    for (uint32_t v = 0; v < NVEC; v++) {
        uint8_t *g = t + (IDT_ADDR - PSEUDO_DESC) + 8 * v;
        uint32_t off = HANDLERS + 4 * v;
        st16(g, (uint16_t)off);
        st16(g + 2, 0x08);
        g[4] = 0;
        g[5] = 0x8E;
        st16(g + 6, (uint16_t)(off >> 16));
        memset(t + (HANDLERS - PSEUDO_DESC) + 4 * v, 0xF4, 4);
    }
    e->pm = phys_new(EMU_RAM, PHYS_LAYOUT_FLAT);
    if (!e->pm)
        return -1;
    e->cpu = cpu_new(e->pm, &emu_host);
    return e->cpu ? 0 : -1;
}

static int emu_run(Emu *e, const Case *tc, FpuResult *out, char *why, size_t wl)
{
    CPUState *c = e->cpu;
    uint8_t code[27 + FPU_MAX_CODE + 1];
    unsigned len = tc->in.len;
    CPUSeg cs = {0x08, 0, 0xFFFFFFFFu, 0xC09B};
    CPUSeg ds = {0x10, 0, 0xFFFFFFFFu, 0xC093};

    memset(out, 0, sizeof *out);
    out->fault = -1;
    cpu_reset(c);
    cpu_set_no_reboot(c, 1);
    cpu_set_cr0_raw(c, (cpu_get_cr(c, 0) | 1u | 0x20u) & ~0x60000000u);
    cpu_set_seg_raw(c, S_CS, &cs);
    cpu_set_seg_raw(c, S_SS, &ds);
    cpu_set_seg_raw(c, S_DS, &ds);
    cpu_set_seg_raw(c, S_ES, &ds);
    for (int r = 0; r < 8; r++)
        cpu_set_reg(c, r, r == 4 ? STACK_TOP : tc->in.regs[r]);
    cpu_set_eflags(c, (tc->in.eflags & DIFF_EFL_IN_MASK) | 2u);
    cpu_set_eip(c, START_EIP);
    /* mov eax,0x600; mov cr4,eax (OSFXSR, OSXMMEXCPT); mov eax,imm */
    code[0] = 0xB8;
    st32(code + 1, 0x600);
    code[5] = 0x0F; code[6] = 0x22; code[7] = 0xE0;
    code[8] = 0xB8;
    st32(code + 9, tc->in.regs[0]);
    code[13] = 0x0F; code[14] = 0x01; code[15] = 0x15;
    st32(code + 16, PSEUDO_DESC);
    code[20] = 0x0F; code[21] = 0x01; code[22] = 0x1D;
    st32(code + 23, PSEUDO_DESC + 8);
    memcpy(code + 27, tc->in.code, len);
    code[27 + len] = 0xF4;
    if (cpu_write_linear(c, PSEUDO_DESC, e->tables, sizeof e->tables) ||
        cpu_write_linear(c, START_EIP, code, 27 + len + 1) ||
        cpu_write_linear(c, DIFF_BUF_ADDR, tc->in.buf, DIFF_BUF_SIZE)) {
        snprintf(why, wl, "cpu_write_linear failed");
        return -1;
    }
    int stop = cpu_run(c, 100);
    uint32_t eip = cpu_get_eip(c);
    for (int r = 0; r < 8; r++)
        out->regs[r] = cpu_get_reg(c, r);
    out->eflags = cpu_get_eflags(c);
    cpu_read_linear(c, DIFF_BUF_ADDR, out->buf, DIFF_BUF_SIZE);
    if (stop != CPU_STOP_HLT) {
        snprintf(why, wl, "cpu_run returned %d at EIP=%08" PRIx32, stop, eip);
        return -1;
    }
    if (eip == DIFF_INSN_ADDR + len + 1)
        return 0;
    if (eip > HANDLERS && eip <= HANDLERS + 4 * NVEC && (eip - HANDLERS - 1) % 4 == 0) {
        uint32_t v = (eip - HANDLERS - 1) / 4;
        int has_err = v == 8 || (v >= 10 && v <= 14) || v == 17;
        uint8_t frame[8];
        out->fault = (int32_t)v;
        if (cpu_read_linear(c, out->regs[4], frame, 8) == 0)
            out->fault_eip = ld32(frame + (has_err ? 4 : 0));
        out->regs[4] = tc->in.regs[4];
        return 0;
    }
    snprintf(why, wl, "HLT at unexpected EIP=%08" PRIx32, eip);
    return -1;
}

/* ---- compare ------------------------------------------------------------------- */
/* Bytes of the buffer not compared: the FNSAVE pointer/opcode fields. */
static int ignored(const Form *f, unsigned off)
{
    if (!strcmp(f->name, "fnstenv") && off >= B_OUT + 12 && off < B_OUT + 28)
        return 1;
    return off >= B_SAVE + 12 && off < B_SAVE + 28;
}

static int ulp_close(const uint8_t *a, const uint8_t *b)
{
    uint64_t ma = ld64(a), mb = ld64(b);
    uint16_t ea = ld16(a + 8), eb = ld16(b + 8);
    if (ea == eb)
        return ma - mb + 1 <= 2; /* |ma - mb| <= 1 */
    if ((ea ^ eb) & 0x8000)
        return 0;
    /* across a binade: 0x8000... vs 0xFFFF... */
    if ((uint16_t)(ea + 1) == eb)
        return ma == ~0ull && mb == 1ull << 63;
    if ((uint16_t)(eb + 1) == ea)
        return mb == ~0ull && ma == 1ull << 63;
    return 0;
}

/* Transcendentals.  Silicon evaluates them in a wider internal format
 * (about 68 bits on AMD Zen) with its own approximation error, then rounds
 * once; the emulator evaluates to ~2^-120 and rounds once.  Both round the
 * same way unless the exact result lies close to a rounding boundary: the
 * midpoint between two representable values decides the value in
 * round-to-nearest, a representable value decides it in the directed modes
 * and decides C1 (rounded up or not) in every mode.  So a case passes when
 * host and emulator agree bit for bit (values, C1, flags, tags), or when
 * they differ only in such a decision and the emulator's unrounded result
 * (SFCtx.tail) lies within trans/16 ulp of the boundary that decides it:
 * a register by one ulp, C1 by its bit.  Those cases are counted and
 * printed with the largest such distance seen; any other difference fails.
 * The allowances (1/16 ulp for FSIN/FCOS/FSINCOS, 2/16 for FPATAN/FYL2X,
 * 3/16 for FPTAN/F2XM1, 4/16 for FYL2XP1) lie above the largest distances
 * seen on an AMD EPYC host in 400,000 cases per instruction (0.036, 0.10,
 * 0.15 and 0.18 ulp): AMD's own error, not the emulator's. */
static unsigned near_boundary;
static uint64_t near_worst; /* largest boundary distance among them */

/* distance of the unrounded result from the nearest representable value
 * (mid = 0) or midpoint (mid = 1), in 2^-64 ulp */
static uint64_t tail_dist(uint64_t t, int mid)
{
    uint64_t h = 1ull << 63;
    if (mid)
        return t > h ? t - h : h - t;
    return t < h ? t : ~t + 1;
}

static int compare_trans(const Form *f, const Case *tc, const FpuResult *x,
                         const FpuResult *g, char *msg, size_t ml)
{
    const uint8_t *b = tc->in.buf, *hs = x->buf + B_SAVE, *gs = g->buf + B_SAVE;
    uint16_t cw = ld16(b + B_CW);
    SFCtx s, sc;
    floatx80 a, bb, r, r2;
    uint64_t tail[2] = {0, 0}, c1tail, allow = (uint64_t)f->trans << 60, worst = 0;
    int has[2] = {0, 0}, mid = ((cw >> 10) & 3) == SF_RN;
    unsigned i;
    memset(&s, 0, sizeof s);
    s.rc = (uint8_t)((cw >> 10) & 3);
    s.pc = (uint8_t)((cw >> 8) & 3);
    s.masks = (uint8_t)(cw & 0x3F);
    sc = s;
    a = fx_make(ld16(b + B_A + 8) >> 15, ld16(b + B_A + 8) & 0x7FFF, ld64(b + B_A));
    bb = fx_make(ld16(b + B_B + 8) >> 15, ld16(b + B_B + 8) & 0x7FFF, ld64(b + B_B));
    if (x->fault != g->fault) {
        snprintf(msg, ml, "fault: host %d, emu %d", x->fault, g->fault);
        return 1;
    }
    for (i = 0; i < DIFF_BUF_SIZE && (ignored(f, i) || x->buf[i] == g->buf[i]); i++)
        ;
    if (i == DIFF_BUF_SIZE)
        return 0; /* bit for bit (the FNSAVE pointers excluded) */
    /* The emulator's unrounded results for the case's operands (the
     * instruction itself ran on the emulated CPU; this recovers the tails):
     * which register holds which result, and which result C1 describes. */
    if (!strcmp(f->name, "fsin") || !strcmp(f->name, "fcos") ||
        !strcmp(f->name, "fsincos")) {
        fx_sincos(&s, &sc, a, &r, &r2);
        if (!strcmp(f->name, "fsincos")) {
            tail[0] = sc.tail, tail[1] = s.tail, has[0] = has[1] = 1;
            c1tail = s.tail; /* C1 describes the sine */
        } else {
            tail[0] = c1tail = f->name[1] == 'c' ? sc.tail : s.tail;
            has[0] = 1;
        }
    } else {
        if (!strcmp(f->name, "fptan"))
            fx_tan(&s, a, &r);
        else if (!strcmp(f->name, "fpatan"))
            r = fx_patan(&s, bb, a);
        else if (!strcmp(f->name, "f2xm1"))
            r = fx_f2xm1(&s, a);
        else
            r = fx_yl2x(&s, a, bb, !strcmp(f->name, "fyl2xp1"));
        c1tail = s.tail;
        i = !strcmp(f->name, "fptan"); /* FPTAN: ST0 = 1.0, ST1 = tan */
        tail[i] = s.tail;
        has[i] = 1;
    }
    /* everything but C1 and the result registers must be equal */
    for (i = 0; i < DIFF_BUF_SIZE; i++) {
        int reg = i >= B_SAVE + 28 ? (int)(i - B_SAVE - 28) / 10 : -1;
        if (ignored(f, i) || x->buf[i] == g->buf[i] || (reg >= 0 && reg < 2 && has[reg]))
            continue;
        if ((i == B_SW + 1 || i == B_SAVE + 5) && !((x->buf[i] ^ g->buf[i]) & ~0x02))
            continue; /* C1 only */
        snprintf(msg, ml, "buf[%u]: host %02x, emu %02x", i, x->buf[i], g->buf[i]);
        return 1;
    }
    if (((ld16(hs + 4) ^ ld16(gs + 4)) & 0x0200) &&
        !memcmp(hs + 28, gs + 28, 20)) {
        /* C1 alone (a differing value implies a differing C1) */
        uint64_t d = tail_dist(c1tail, 0);
        if (d >= allow) {
            snprintf(msg, ml, "C1: host %d, emu %d, %.4f ulp from a representable value",
                     ld16(hs + 4) >> 9 & 1, ld16(gs + 4) >> 9 & 1,
                     (double)d / 18446744073709551616.0);
            return 1;
        }
        worst = d;
    }
    for (int k = 0; k < 2; k++) {
        const uint8_t *hr = hs + 28 + 10 * k, *gr = gs + 28 + 10 * k;
        uint64_t d = tail_dist(tail[k], mid);
        if (!has[k] || !memcmp(hr, gr, 10))
            continue;
        if (!ulp_close(hr, gr) || d >= allow) {
            snprintf(msg, ml, "ST%d: host %04x:%016" PRIx64 ", emu %04x:%016" PRIx64
                     " (%.4f ulp from the %s)", k, ld16(hr + 8), ld64(hr), ld16(gr + 8),
                     ld64(gr), (double)d / 18446744073709551616.0,
                     mid ? "midpoint" : "representable value");
            return 1;
        }
        if (d > worst)
            worst = d;
    }
    near_boundary++;
    if (worst > near_worst)
        near_worst = worst;
    return 0;
}

/* RCPPS/RSQRTPS are compared bit for bit when the host is the silicon the
 * emulator's tables were recorded on (AMD Zen, see cpu/sse_approx.c), else
 * within the architectural error bound. */
static int approx_exact;

static int compare(const Form *f, const Case *tc, const FpuResult *x,
                   const FpuResult *g, char *msg, size_t ml)
{
    (void)tc;
    if (x->fault != g->fault) {
        snprintf(msg, ml, "fault: host %d, emu %d", x->fault, g->fault);
        return 1;
    }
    if (x->fault >= 0 && x->fault_eip != g->fault_eip) {
        snprintf(msg, ml, "fault EIP: host %08x, emu %08x", x->fault_eip,
                 g->fault_eip);
        return 1;
    }
    if (f->trans)
        return compare_trans(f, tc, x, g, msg, ml);
    if (!approx_exact && (!strncmp(f->name, "rcp", 3) || !strncmp(f->name, "rsqrt", 5))) {
        /* approximations: each lane within 2 * 1.5 * 2^-12 of the host's
         * (both are within 1.5 * 2^-12 of the true value) */
        for (unsigned k = 0; k < 4; k++) {
            int32_t hv = (int32_t)ld32(x->buf + B_OUT + 4 * k);
            int32_t gv = (int32_t)ld32(g->buf + B_OUT + 4 * k);
            int32_t d = hv - gv;
            if (d < -6144 || d > 6144 || ((hv ^ gv) < 0)) {
                snprintf(msg, ml, "lane %u: host %08x, emu %08x (beyond "
                         "3 * 2^-12)", k, (uint32_t)hv, (uint32_t)gv);
                return 1;
            }
        }
    }
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++) {
        if (ignored(f, i) || x->buf[i] == g->buf[i])
            continue;
        if (!approx_exact && (!strncmp(f->name, "rcp", 3) || !strncmp(f->name, "rsqrt", 5)) &&
            i >= B_OUT && i < B_OUT + 16)
            continue;
        snprintf(msg, ml, "buf[%u]: host %02x, emu %02x", i, x->buf[i], g->buf[i]);
        return 1;
    }
    if ((x->eflags ^ g->eflags) & DIFF_EFL_ARITH) {
        snprintf(msg, ml, "eflags: host %08x, emu %08x", x->eflags, g->eflags);
        return 1;
    }
    if (x->regs[0] != g->regs[0]) {
        snprintf(msg, ml, "eax: host %08x, emu %08x", x->regs[0], g->regs[0]);
        return 1;
    }
    return 0;
}

static void dump80(const char *tag, const uint8_t *p)
{
    printf(" %s=%04x:%016" PRIx64, tag, ld16(p + 8), ld64(p));
}

static void report(const Form *f, const Case *tc, const FpuResult *x,
                   const FpuResult *g, const char *msg)
{
    const uint8_t *b = tc->in.buf;
    printf("MISMATCH %s: %s\n  in: cw=%04x", f->name, msg, ld16(b + B_CW));
    dump80("a", b + B_A);
    dump80("b", b + B_B);
    printf(" mem=%016" PRIx64 "%04x code=", ld64(b + B_MEM), ld16(b + B_MEM + 8));
    for (unsigned i = 0; i < tc->in.len; i++)
        printf("%02x", tc->in.code[i]);
    printf("\n  host: sw=%04x save.sw=%04x tw=%04x", ld16(x->buf + B_SW),
           ld16(x->buf + B_SAVE + 4), ld16(x->buf + B_SAVE + 8));
    dump80("st0", x->buf + B_SAVE + 28);
    dump80("st1", x->buf + B_SAVE + 38);
    dump80("out", x->buf + B_OUT);
    printf("\n  emu:  sw=%04x save.sw=%04x tw=%04x", ld16(g->buf + B_SW),
           ld16(g->buf + B_SAVE + 4), ld16(g->buf + B_SAVE + 8));
    dump80("st0", g->buf + B_SAVE + 28);
    dump80("st1", g->buf + B_SAVE + 38);
    dump80("out", g->buf + B_OUT);
    printf("\n");
}

/* Runs one form's cases: against the oracle (live, optionally recording
 * its results to rec) or against recorded results (replay).  Returns the
 * number of failed cases, or -1 on a setup/file error (message printed). */
static long run_form(const Form *f, uint64_t seed, unsigned count, unsigned show,
                     Oracle *orc, Emu *emu, gzFile rec, gzFile rep)
{
    static Case tcs[FPU_MAX_BATCH];
    static FpuResult exp[FPU_MAX_BATCH];
    unsigned ffail = 0, shown = 0;
    Rng rng = {form_seed(seed, f->name)};
    for (unsigned done = 0; done < count;) {
        uint32_t n = count - done < FPU_MAX_BATCH ? count - done : FPU_MAX_BATCH;
        for (uint32_t i = 0; i < n; i++)
            gen_case(f, &rng, &tcs[i]);
        if (rep) {
            for (uint32_t i = 0; i < n; i++) {
                int e = vec_read_result(rep, &tcs[i], &exp[i]);
                if (e) {
                    fprintf(stderr, "fpudiff: recorded vectors: %s at form %s case %u%s\n",
                            e == -2 ? "stale (the generated case differs from the "
                                      "recorded one)" : "truncated or corrupt file",
                            f->name, done + i,
                            e == -2 ? "; regenerate them on x86 with `make regen-fpu-vectors`" : "");
                    return -1;
                }
            }
        } else if (oracle_batch(orc, tcs, exp, n)) {
            fprintf(stderr, "fpudiff: the oracle stopped answering\n");
            return -1;
        }
        for (uint32_t i = 0; i < n; i++) {
            FpuResult got;
            char why[512];
            int bad;
            if (rec)
                vec_write_result(rec, &tcs[i], &exp[i]);
            bad = emu_run(emu, &tcs[i], &got, why, sizeof why);
            if (!bad)
                bad = compare(f, &tcs[i], &exp[i], &got, why, sizeof why);
            if (bad) {
                ffail++;
                if (shown++ < show)
                    report(f, &tcs[i], &exp[i], &got, why);
            }
        }
        done += n;
    }
    if (f->trans)
        printf("  %-8s %-14s %u/%u failed; %u differ within %.4f ulp of a "
               "rounding boundary (allowed: %d/16)\n", f->family, f->name, ffail,
               count, near_boundary, (double)near_worst / 18446744073709551616.0,
               f->trans);
    else
        printf("  %-8s %-14s %u/%u failed\n", f->family, f->name, ffail, count);
    near_boundary = 0;
    near_worst = 0;
    return ffail;
}

static const Form *form_by_name(const char *name)
{
    for (unsigned k = 0; k < NFORMS; k++)
        if (!strcmp(forms[k].name, name))
            return &forms[k];
    return NULL;
}

/* Replays recorded vectors: 0 all passed, 1 failures, 2 file error. */
static int replay(const char *path, const char *families, unsigned show, Emu *emu)
{
    gzFile z = gzopen(path, "rb");
    uint8_t magic[8], exact;
    uint32_t ver, count, lo, hi;
    unsigned pass = 0, fail = 0, nforms = 0;
    if (!z) {
        fprintf(stderr, "fpudiff: %s: cannot open recorded vectors\n", path);
        return 2;
    }
    if (vr_bytes(z, magic, 8) || memcmp(magic, VEC_MAGIC, 8) || vr_u32(z, &ver) ||
        ver != 1 || vr_u32(z, &lo) || vr_u32(z, &hi) || vr_u32(z, &count) ||
        vr_bytes(z, &exact, 1) || count == 0 || count > 1000000) {
        fprintf(stderr, "fpudiff: %s: not a version 1 vector file\n", path);
        gzclose(z);
        return 2;
    }
    uint64_t seed = (uint64_t)hi << 32 | lo;
    approx_exact = exact != 0;
    printf("fpudiff: replaying %s: seed %#" PRIx64 ", %u cases per form, host "
           "results recorded on %s\n", path, seed, count,
           exact ? "AMD Zen (RCP/RSQRT bit for bit)" : "a non-Zen x86");
    for (;;) {
        uint8_t len;
        char name[256];
        const Form *f;
        if (vr_bytes(z, &len, 1))
            goto corrupt;
        if (len == 0)
            break;
        if (vr_bytes(z, name, len))
            goto corrupt;
        name[len] = 0;
        f = form_by_name(name);
        if (!f) {
            fprintf(stderr, "fpudiff: %s: form \"%s\" is no longer in the table: stale "
                    "vectors, regenerate them on x86 with `make regen-fpu-vectors`\n", path, name);
            gzclose(z);
            return 2;
        }
        if (!family_selected(families, f->family) && !family_selected(families, f->name)) {
            /* skip its records: regenerate the cases to know their sizes */
            Rng rng = {form_seed(seed, f->name)};
            for (uint32_t i = 0; i < count; i++) {
                Case tc;
                FpuResult x;
                gen_case(f, &rng, &tc);
                if (vec_read_result(z, &tc, &x))
                    goto corrupt;
            }
            continue;
        }
        long r = run_form(f, seed, count, show, NULL, emu, NULL, z);
        if (r < 0) {
            gzclose(z);
            return 2;
        }
        pass += count - (unsigned)r;
        fail += (unsigned)r;
        nforms++;
    }
    gzclose(z);
    printf("TOTAL: %u passed, %u failed (%u forms replayed)\n", pass, fail, nforms);
    return fail ? 1 : 0;
corrupt:
    fprintf(stderr, "fpudiff: %s: truncated or corrupt vector file\n", path);
    gzclose(z);
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t seed = 0xF00D;
    unsigned count = 1500, show = 3;
    const char *families = NULL, *record = NULL, *replay_path = NULL;
    char oracle[4200], self[4096];
#ifdef FPUDIFF_VECTORS
    replay_path = FPUDIFF_VECTORS;
#endif
    ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
    if (l > 0) {
        self[l] = 0;
        char *s = strrchr(self, '/');
        if (s)
            s[1] = 0;
    } else {
        strcpy(self, "./");
    }
    snprintf(oracle, sizeof oracle, "%sx86pc-fpu-oracle", self);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--list")) {
            for (unsigned k = 0; k < NFORMS; k++)
                printf("%-8s %s\n", forms[k].family, forms[k].name);
            return 0;
        } else if (v && !strcmp(a, "--seed")) {
            seed = strtoull(v, NULL, 0);
            i++;
        } else if (v && !strcmp(a, "--count")) {
            count = (unsigned)strtoul(v, NULL, 0);
            i++;
        } else if (v && !strcmp(a, "--family")) {
            families = v;
            i++;
        } else if (v && !strcmp(a, "--show")) {
            show = (unsigned)strtoul(v, NULL, 0);
            i++;
        } else if (v && !strcmp(a, "--oracle")) {
            snprintf(oracle, sizeof oracle, "%s", v);
            i++;
        } else if (v && !strcmp(a, "--record")) {
            record = v;
            i++;
        } else if (v && !strcmp(a, "--replay")) {
            replay_path = v;
            i++;
        } else {
            fprintf(stderr, "usage: fpudiff [--seed N] [--count N] [--family A,B] "
                            "[--show N] [--oracle P] [--record FILE | --replay FILE] "
                            "[--list]\n");
            return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    Emu emu;
    if (replay_path) {
        if (emu_init(&emu))
            return 2;
        int r = replay(replay_path, families, show, &emu);
        cpu_free(emu.cpu);
        phys_free(emu.pm);
        return r;
    }
    if (access(oracle, X_OK) != 0) {
        printf("SKIP: no host x86 oracle (%s not found)\n", oracle);
        return 77;
    }
    Oracle orc;
    if (oracle_start(&orc, oracle, "fpudiff") || emu_init(&emu))
        return 2;
    approx_exact = host_is_zen();
    printf("fpudiff: seed %#" PRIx64 ", %u cases per form; RCP/RSQRT compared %s\n",
           seed, count, approx_exact ? "bit for bit (AMD Zen host)"
                                     : "within 3 * 2^-12 (host is not AMD Zen)");
    gzFile rec = NULL;
    if (record) {
        uint8_t exact = (uint8_t)approx_exact;
        rec = gzopen(record, "wb9");
        if (!rec) {
            fprintf(stderr, "fpudiff: %s: cannot create\n", record);
            return 2;
        }
        gzwrite(rec, VEC_MAGIC, 8);
        vw_u32(rec, 1);
        vw_u32(rec, (uint32_t)seed);
        vw_u32(rec, (uint32_t)(seed >> 32));
        vw_u32(rec, count);
        gzwrite(rec, &exact, 1);
    }
    unsigned pass = 0, fail = 0;
    for (unsigned k = 0; k < NFORMS; k++) {
        const Form *f = &forms[k];
        if (!family_selected(families, f->family) &&
            !family_selected(families, f->name))
            continue;
        if (rec) {
            uint8_t len = (uint8_t)strlen(f->name);
            gzwrite(rec, &len, 1);
            gzwrite(rec, f->name, len);
        }
        long r = run_form(f, seed, count, show, &orc, &emu, rec, NULL);
        if (r < 0)
            return 2;
        pass += count - (unsigned)r;
        fail += (unsigned)r;
    }
    if (rec) {
        uint8_t end = 0;
        gzwrite(rec, &end, 1);
        if (gzclose(rec) != Z_OK) {
            fprintf(stderr, "fpudiff: %s: write error\n", record);
            return 2;
        }
    }
    oracle_stop(&orc);
    cpu_free(emu.cpu);
    phys_free(emu.pm);
    printf("TOTAL: %u passed, %u failed\n", pass, fail);
    return fail ? 1 : 0;
}
