/* Differential test of the CPU core against the host CPU.
 *
 * For each instruction form in forms[] this generates random and edge-case
 * inputs, asks the host-CPU oracle (x86pc-diff-oracle, built with gcc -m32,
 * a separate process) for the expected outcome, runs the same bytes on the
 * emulated CPU in flat 32-bit protected mode, and compares the registers,
 * the data buffer and the flags the SDM defines for that instruction.
 *
 * Guest layout (flat, 16 MiB, identity: linear == physical):
 *   0x0F00  GDTR and IDTR pseudo-descriptors
 *   0x1000  GDT: null, 0x08 flat code (D=1, G=1), 0x10 flat data
 *   0x2000  IDT: 32 interrupt gates, vector v -> 0x3000 + 4*v
 *   0x3000  one HLT per vector (so EIP after the stop names the vector)
 *   0x8000  top of the stack (used only by exception delivery)
 *   DIFF_BUF_ADDR   the 256-byte data buffer (same address as the oracle's)
 *   DIFF_INSN_ADDR  the instruction, followed by HLT; it is preceded by
 *                   LGDT and LIDT, where execution starts.
 * The oracle maps its pages at the same addresses, so pointer registers and
 * absolute operands need no relocation.
 *
 * Families: ADD OR ADC SBB AND SUB XOR CMP TEST NOT NEG INC DEC, ROL ROR RCL
 * RCR SHL SHR SAR SHLD SHRD, MUL IMUL (1/2/3 operands) DIV IDIV (including
 * #DE cases), BT BTS BTR BTC BSF BSR, CMOVcc SETcc Jcc LOOP/JECXZ, MOVS CMPS
 * STOS LODS SCAS (REP/REPE/REPNE, DF=0/1), BSWAP XADD CMPXCHG CMPXCHG8B
 * XCHG, DAA DAS AAA AAS AAM AAD, CBW CWDE CWD CDQ, MOVZX MOVSX, LEA (32- and
 * 16-bit addressing), CLC STC CMC CLD STD SAHF LAHF; 8/16/32-bit operand
 * sizes; register and memory operands with every 32-bit addressing form,
 * LOCK on memory destinations and ES/SS/DS overrides now and then.
 *
 * Usage: difftest [--seed N] [--count N] [--family A,B] [--show N]
 *                 [--oracle PATH] [--list] [--verbose]
 *   --count   cases per form (default 2000); --show  mismatches printed per
 *   family (default 3); --verbose  per-form counts; --list  the forms.
 * Exit status: 0 all passed, 1 some case failed, 2 setup error, 77 skip. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "memory/mem.h"
#include "tests/diff/diffproto.h"
#include "tests/diff/oracle_client.h"

/* ------------------------------------------------------------------ flags */

#define CF DIFF_EFL_CF
#define PF DIFF_EFL_PF
#define AF DIFF_EFL_AF
#define ZF DIFF_EFL_ZF
#define SF DIFF_EFL_SF
#define DF DIFF_EFL_DF
#define OF DIFF_EFL_OF

/* Defined-flag masks, from the "Flags Affected" section of each instruction
 * in the Intel SDM, Vol. 2A/2B (order 325383).  A flag the SDM calls "not
 * affected" or "unchanged" stays in the mask: its input value must survive.
 * Only flags the SDM calls "undefined" are dropped.  DF is in every mask (no
 * tested instruction writes it). */
enum {
    FM_ALL = OF | DF | SF | ZF | AF | PF | CF,
    /* ADD ADC SUB SBB CMP NEG XADD CMPXCHG CMPS SCAS: "The OF, SF, ZF, AF,
     * CF, and PF flags are set according to the result."  INC/DEC: "The CF
     * flag is not affected. The OF, SF, ZF, AF, and PF flags are set
     * according to the result."  NOT, CMOVcc, SETcc, BSWAP, MOVS, LODS,
     * STOS, CBW/CWDE/CWD/CDQ, LEA, MOVZX/MOVSX: "None".  CMPXCHG8B: "ZF is
     * set ...; the CF, PF, AF, SF, and OF flags are unaffected." */
    FM_ARITH = FM_ALL,
    /* AND OR XOR TEST: "The OF and CF flags are cleared; the SF, ZF, and PF
     * flags are set according to the result. The state of the AF flag is
     * undefined." */
    FM_LOGIC = FM_ALL & ~AF,
    /* MUL, IMUL (all forms): "The OF and CF flags are set to 0 if the upper
     * half of the result is 0 [MUL] / ... ; the SF, ZF, AF, and PF flags are
     * undefined." */
    FM_MUL = DF | OF | CF,
    /* DIV, IDIV: "The CF, OF, SF, ZF, AF, and PF flags are undefined." */
    FM_DIV = DF,
    /* BT BTS BTR BTC: "The CF flag contains the value of the selected bit.
     * The ZF flag is unaffected. The OF, SF, AF, and PF flags are
     * undefined." */
    FM_BT = DF | CF | ZF,
    /* BSF, BSR: "The ZF flag is set to 1 if the source operand is 0;
     * otherwise, the ZF flag is cleared. The CF, OF, SF, AF, and PF flags
     * are undefined."  (The destination is undefined for a zero source.) */
    FM_BSF = DF | ZF,
    /* DAA, DAS: "The CF and AF flags are set if the adjustment of the value
     * results in a decimal carry/borrow ... The SF, ZF, and PF flags are set
     * according to the result. The OF flag is undefined." */
    FM_DAA = FM_ALL & ~OF,
    /* AAA, AAS: "The AF and CF flags are set to 1 if the adjustment results
     * in a decimal carry/borrow; otherwise they are set to 0. The OF, SF,
     * ZF, and PF flags are undefined." */
    FM_AAA = DF | AF | CF,
    /* AAM, AAD: "The SF, ZF, and PF flags are set according to the
     * resulting binary value in the AL register. The OF, AF, and CF flags
     * are undefined." */
    FM_AAM = DF | SF | ZF | PF,
};

/* Group-2 operations (the /digit of C0 C1 D0-D3). */
enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

/* Defined flags of a group-2 shift or rotate (SDM SAL/SAR/SHL/SHR and
 * RCL/RCR/ROL/ROR "Flags Affected"):
 *  - a masked count (count & 1FH) of 0 affects no flags;
 *  - ROL/ROR/RCL/RCR: CF is the last bit rotated out/through, OF is
 *    defined only for a masked count of 1; SF, ZF, AF, PF are unaffected;
 *  - SHL/SHR/SAR: CF is the last bit shifted out, "undefined for SHL and
 *    SHR instructions where the count is greater than or equal to the size
 *    (in bits) of the destination operand"; OF is defined only for 1-bit
 *    shifts; SF, ZF, PF are set by the result; AF is undefined for a
 *    nonzero count. */
static uint32_t shift_flag_mask(int op, unsigned size, unsigned count)
{
    unsigned m = count & 31;
    uint32_t mask = FM_ALL;
    if (m == 0)
        return FM_ALL;
    if (m != 1)
        mask &= ~OF;
    if (op >= SH_SHL) {
        mask &= ~AF;
        if ((op == SH_SHL || op == SH_SHR || op == SH_SAL) && m >= size)
            mask &= ~CF;
    }
    return mask;
}

/* SHLD/SHRD (SDM "Flags Affected"): a masked count of 0 affects nothing;
 * "If the count is greater than the operand size, the result is undefined"
 * and so are all flags; otherwise CF is the last bit shifted out, SF ZF PF
 * follow the result, OF is defined only for a 1-bit shift and AF is
 * undefined.  Returns the mask and sets *dest_undef. */
static uint32_t shxd_flag_mask(unsigned size, unsigned count, int *dest_undef)
{
    unsigned m = count & 31;
    *dest_undef = 0;
    if (m == 0)
        return FM_ALL;
    if (m > size) {
        *dest_undef = 1;
        return DF;
    }
    return m == 1 ? (FM_ALL & ~AF) : (FM_ALL & ~AF & ~OF);
}

/* ------------------------------------------------------------------ PRNG */

typedef struct Rng {
    uint64_t s;
} Rng;

static uint64_t rng_next(Rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t r32(Rng *r)
{
    return (uint32_t)(rng_next(r) >> 32);
}

static uint32_t rnd(Rng *r, uint32_t n) /* 0 .. n-1 */
{
    return (uint32_t)(rng_next(r) % n);
}

static uint32_t size_mask(unsigned size)
{
    return size >= 32 ? 0xFFFFFFFFu : ((1u << size) - 1);
}

static const uint32_t edge_vals[] = {
    0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x7F, 0x80, 0x81, 0xFF, 0x100,
    0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000,
    0x80000001, 0x0F, 0x10, 0x09, 0x99, 0x55555555, 0xAAAAAAAA,
};

/* An operand value of `size` bits, biased towards edge cases. */
static uint32_t opval(Rng *r, unsigned size)
{
    uint32_t v;
    switch (rnd(r, 12)) {
    case 0: case 1: case 2:
        v = edge_vals[rnd(r, sizeof edge_vals / sizeof edge_vals[0])];
        break;
    case 3:
        v = rnd(r, 16);
        break;
    case 4:
        v = (uint32_t)-(int32_t)(rnd(r, 16) + 1);
        break;
    case 5:
        v = 1u << rnd(r, size);
        if (rnd(r, 2))
            v -= 1;
        break;
    case 6: /* near the sign boundary of this size */
        v = (1u << (size - 1)) + rnd(r, 5) - 2;
        break;
    default:
        v = r32(r);
        break;
    }
    return v & size_mask(size);
}

/* ---------------------------------------------------------- test cases */

typedef struct TestCase {
    DiffCase in;
    uint32_t reg_skip;   /* bit r: register r is not compared */
    uint32_t flag_mask;  /* EFLAGS bits compared */
    uint16_t skip_off;   /* buffer bytes [skip_off, skip_off+skip_len) */
    uint16_t skip_len;   /* are not compared */
} TestCase;

/* Generator state for one case. */
typedef struct Gen {
    Rng *rng;
    TestCase *tc;
    uint32_t used; /* full registers with a role (not free for addressing) */
} Gen;

static void emit(Gen *g, uint8_t b)
{
    DiffCase *c = &g->tc->in;
    if (c->len >= DIFF_MAX_INSN) {
        fprintf(stderr, "difftest: generated instruction too long\n");
        exit(2);
    }
    c->insn[c->len++] = b;
}

static void emit_n(Gen *g, uint32_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        emit(g, (uint8_t)(v >> (8 * i)));
}

static void modrm(Gen *g, unsigned mod, unsigned reg, unsigned rm)
{
    emit(g, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (rm & 7)));
}

static unsigned full_reg(unsigned r, unsigned size)
{
    return size == 8 ? (r & 3) : r;
}

static void set_reg(Gen *g, unsigned r, unsigned size, uint32_t v)
{
    uint32_t *regs = g->tc->in.regs;
    if (size == 32) {
        regs[r] = v;
    } else if (size == 16) {
        regs[r] = (regs[r] & 0xFFFF0000u) | (v & 0xFFFFu);
    } else if (r < 4) {
        regs[r] = (regs[r] & 0xFFFFFF00u) | (v & 0xFFu);
    } else {
        regs[r - 4] = (regs[r - 4] & 0xFFFF00FFu) | ((v & 0xFFu) << 8);
    }
}

static uint32_t get_reg(const Gen *g, unsigned r, unsigned size)
{
    const uint32_t *regs = g->tc->in.regs;
    if (size == 32)
        return regs[r];
    if (size == 16)
        return regs[r] & 0xFFFFu;
    if (r < 4)
        return regs[r] & 0xFFu;
    return (regs[r - 4] >> 8) & 0xFFu;
}

/* Picks a register number for an operand of `size` whose full register is
 * not in `avoid` (ESP is never used for 16/32-bit operands: the instruction
 * runs on the host's real stack).  Marks it used. */
static unsigned pick_reg(Gen *g, unsigned size, uint32_t avoid)
{
    for (int tries = 0; tries < 1000; tries++) {
        unsigned r = rnd(g->rng, 8);
        unsigned f = full_reg(r, size);
        if (size != 8 && r == R_ESP)
            continue;
        if (avoid & (1u << f))
            continue;
        g->used |= 1u << f;
        return r;
    }
    fprintf(stderr, "difftest: no register left to pick\n");
    exit(2);
}

/* Picks a register with a random value for a register operand. */
static unsigned reg_operand(Gen *g, unsigned size, uint32_t avoid)
{
    unsigned r = pick_reg(g, size, avoid);
    set_reg(g, r, size, opval(g->rng, size));
    return r;
}

static void put_mem(Gen *g, uint32_t off, unsigned bytes, uint32_t v)
{
    for (unsigned i = 0; i < bytes; i++)
        g->tc->in.buf[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_mem(const Gen *g, uint32_t off, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint32_t)g->tc->in.buf[off + i] << (8 * i);
    return v;
}

static unsigned free_regs(const Gen *g)
{
    return ~g->used & 0xFFu & ~(1u << R_ESP);
}

static unsigned pick_free(Gen *g, unsigned allowed)
{
    unsigned n = (unsigned)__builtin_popcount(allowed);
    unsigned k = rnd(g->rng, n);
    for (unsigned r = 0; r < 8; r++) {
        if (!(allowed & (1u << r)))
            continue;
        if (k-- == 0) {
            g->used |= 1u << r;
            return r;
        }
    }
    return 0; /* not reached */
}

/* Emits ModRM (+SIB, +displacement) for a memory operand at buffer offset
 * `off`, choosing a random 32-bit addressing form whose registers are not
 * used by other operands, and sets those registers. */
static void emit_mem_at(Gen *g, unsigned reg_field, uint32_t off)
{
    uint32_t target = DIFF_BUF_ADDR + off;
    unsigned fr = free_regs(g);
    unsigned nfree = (unsigned)__builtin_popcount(fr);
    unsigned mode = rnd(g->rng, 7);
    uint32_t *regs = g->tc->in.regs;

    if (nfree == 0)
        mode = 0;
    else if (nfree < 2 && (mode == 4 || mode == 5))
        mode = 2;
    if (mode == 1 && !(fr & ~(1u << R_EBP)))
        mode = 2;

    switch (mode) {
    case 0: /* [disp32] */
        modrm(g, 0, reg_field, 5);
        emit_n(g, target, 4);
        break;
    case 1: { /* [base] */
        unsigned b = pick_free(g, fr & ~(1u << R_EBP));
        modrm(g, 0, reg_field, b);
        regs[b] = target;
        break;
    }
    case 2: { /* [base + disp8] */
        unsigned b = pick_free(g, fr);
        int8_t d = (int8_t)r32(g->rng);
        modrm(g, 1, reg_field, b);
        emit(g, (uint8_t)d);
        regs[b] = target - (uint32_t)(int32_t)d;
        break;
    }
    case 3: { /* [base + disp32] */
        unsigned b = pick_free(g, fr);
        uint32_t d = r32(g->rng);
        modrm(g, 2, reg_field, b);
        emit_n(g, d, 4);
        regs[b] = target - d;
        break;
    }
    case 4: { /* [base + index*scale + disp8] */
        unsigned b = pick_free(g, fr);
        unsigned i = pick_free(g, fr & ~(1u << b));
        unsigned s = rnd(g->rng, 4);
        uint32_t iv = (uint32_t)((int32_t)rnd(g->rng, 64) - 32);
        int8_t d = (int8_t)r32(g->rng);
        modrm(g, 1, reg_field, 4);
        emit(g, (uint8_t)((s << 6) | (i << 3) | b));
        emit(g, (uint8_t)d);
        regs[i] = iv;
        regs[b] = target - (uint32_t)(int32_t)d - (iv << s);
        break;
    }
    case 5: { /* [index*scale + disp32] (SIB, no base) */
        unsigned i = pick_free(g, fr);
        unsigned s = rnd(g->rng, 4);
        uint32_t iv = r32(g->rng);
        modrm(g, 0, reg_field, 4);
        emit(g, (uint8_t)((s << 6) | (i << 3) | 5));
        emit_n(g, target - (iv << s), 4);
        regs[i] = iv;
        break;
    }
    default: { /* SIB with no index: [base + disp8] */
        unsigned b = pick_free(g, fr);
        unsigned s = rnd(g->rng, 4);
        int8_t d = (int8_t)r32(g->rng);
        modrm(g, 1, reg_field, 4);
        emit(g, (uint8_t)((s << 6) | (4 << 3) | b));
        emit(g, (uint8_t)d);
        regs[b] = target - (uint32_t)(int32_t)d;
        break;
    }
    }
}

/* Memory operand of `bytes` at a random offset holding `val`. */
static uint32_t mem_operand(Gen *g, unsigned reg_field, unsigned bytes,
                            uint32_t val)
{
    uint32_t off = rnd(g->rng, DIFF_BUF_SIZE - bytes + 1);
    put_mem(g, off, bytes, val);
    emit_mem_at(g, reg_field, off);
    return off;
}

/* The r/m operand: a register (returned in *rm) or memory (returns 1 and
 * the offset in *rm).  `avoid` lists full registers the r/m register must
 * not be; `same` >= 0 is a register the r/m may equal now and then. */
static int rm_operand(Gen *g, int mem, unsigned reg_field, unsigned size,
                      uint32_t val, uint32_t avoid, int same, uint32_t *rm)
{
    if (mem) {
        *rm = mem_operand(g, reg_field, size / 8, val);
        return 1;
    }
    unsigned r;
    if (same >= 0 && rnd(g->rng, 8) == 0)
        r = (unsigned)same;
    else
        r = pick_reg(g, size, avoid);
    set_reg(g, r, size, val);
    modrm(g, 3, reg_field, r);
    *rm = r;
    return 0;
}

/* The operand-size prefix for 16-bit forms, and now and then a segment
 * override (ES, SS or DS: flat on both sides; CS is not writable and FS/GS
 * have a TLS base in the oracle's process, so they are left out). */
static void prefix_size(Gen *g, unsigned size)
{
    static const uint8_t seg[3] = {0x26, 0x36, 0x3E};
    if (rnd(g->rng, 10) == 0)
        emit(g, seg[rnd(g->rng, 3)]);
    if (size == 16)
        emit(g, 0x66);
}

/* A LOCK prefix now and then for memory-destination read-modify-write
 * forms (SDM "LOCK": valid only with a memory destination). */
static void maybe_lock(Gen *g, int mem)
{
    if (mem && rnd(g->rng, 6) == 0)
        emit(g, 0xF0);
}

static unsigned count_val(Rng *r, unsigned size)
{
    static const unsigned special[] = {0, 1, 2, 7, 8, 9, 15, 16, 17,
                                       31, 32, 33, 63, 64, 255};
    switch (rnd(r, 10)) {
    case 0:
        return special[rnd(r, sizeof special / sizeof special[0])];
    case 1:
        return rnd(r, 256);
    case 2:
        return size - 1 + rnd(r, 3);
    default:
        return rnd(r, 34);
    }
}

/* ------------------------------------------------------------ forms */

typedef struct Form Form;
typedef void (*GenFn)(Gen *g, const Form *f);
struct Form {
    const char *family; /* reported group */
    const char *name;   /* one form within the family */
    GenFn gen;
    int op;
    unsigned size;      /* operand size in bits */
};

/* ADD OR ADC SBB AND SUB XOR CMP: opcodes 00-3D and group 1 (80-83). */
static void gen_alu(Gen *g, const Form *f)
{
    unsigned sz = f->size, nb = sz / 8, op = (unsigned)f->op;
    int logic = op == 1 || op == 4 || op == 6;
    uint8_t w = sz == 8 ? 0 : 1;
    unsigned v = rnd(g->rng, 8);
    int mem = rnd(g->rng, 3) == 0;
    int lockable = op != 7;
    uint32_t rm;

    g->tc->flag_mask = logic ? FM_LOGIC : FM_ARITH;
    switch (v) {
    case 0: case 1: { /* op Eb/Ev, Gb/Gv */
        if (lockable)
            maybe_lock(g, mem);
        prefix_size(g, sz);
        emit(g, (uint8_t)(op * 8 + w));
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
        break;
    }
    case 2: case 3: { /* op Gb/Gv, Eb/Ev */
        prefix_size(g, sz);
        emit(g, (uint8_t)(op * 8 + 2 + w));
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
        break;
    }
    case 4: /* op AL/eAX, imm */
        prefix_size(g, sz);
        emit(g, (uint8_t)(op * 8 + 4 + w));
        set_reg(g, R_EAX, sz, opval(g->rng, sz));
        emit_n(g, opval(g->rng, sz), nb);
        break;
    default: { /* group 1: 80 /op ib, 81 /op iz, 83 /op ib, 82 (alias) */
        uint8_t opc;
        if (sz == 8)
            opc = rnd(g->rng, 4) == 0 ? 0x82 : 0x80;
        else
            opc = rnd(g->rng, 2) ? 0x83 : 0x81;
        if (lockable)
            maybe_lock(g, mem);
        prefix_size(g, sz);
        emit(g, opc);
        rm_operand(g, mem, op, sz, opval(g->rng, sz), 0, -1, &rm);
        if (opc == 0x81)
            emit_n(g, opval(g->rng, sz), nb);
        else
            emit(g, (uint8_t)opval(g->rng, 8));
        break;
    }
    }
}

/* TEST: 84/85 /r, A8/A9, F6/F7 /0. */
static void gen_test(Gen *g, const Form *f)
{
    unsigned sz = f->size, nb = sz / 8;
    uint8_t w = sz == 8 ? 0 : 1;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_LOGIC;
    prefix_size(g, sz);
    switch (rnd(g->rng, 3)) {
    case 0: {
        emit(g, (uint8_t)(0x84 + w));
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
        break;
    }
    case 1:
        emit(g, (uint8_t)(0xA8 + w));
        set_reg(g, R_EAX, sz, opval(g->rng, sz));
        emit_n(g, opval(g->rng, sz), nb);
        break;
    default:
        emit(g, (uint8_t)(0xF6 + w));
        rm_operand(g, mem, 0, sz, opval(g->rng, sz), 0, -1, &rm);
        emit_n(g, opval(g->rng, sz), nb);
        break;
    }
}

/* NOT (F6/F7 /2) and NEG (/3). */
static void gen_unary(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ALL;
    maybe_lock(g, mem);
    prefix_size(g, sz);
    emit(g, sz == 8 ? 0xF6 : 0xF7);
    rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1, &rm);
}

/* INC/DEC: FE/FF /0 /1, and 40+r / 48+r. */
static void gen_incdec(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ALL;
    if (sz != 8 && !mem && rnd(g->rng, 2)) {
        prefix_size(g, sz);
        unsigned r = reg_operand(g, sz, 0);
        emit(g, (uint8_t)(0x40 + 8 * f->op + r));
        return;
    }
    maybe_lock(g, mem);
    prefix_size(g, sz);
    emit(g, sz == 8 ? 0xFE : 0xFF);
    rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1, &rm);
}

/* Group 2: D0/D1 (by 1), D2/D3 (by CL), C0/C1 ib. */
static void gen_shift(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    uint8_t w = sz == 8 ? 0 : 1;
    int mem = rnd(g->rng, 3) == 0;
    unsigned kind = rnd(g->rng, 3);
    unsigned count;
    uint32_t rm;

    prefix_size(g, sz);
    if (kind == 0) {
        emit(g, (uint8_t)(0xD0 + w));
        rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1,
                   &rm);
        count = 1;
    } else if (kind == 1) {
        emit(g, (uint8_t)(0xD2 + w));
        g->used |= 1u << R_ECX;
        count = count_val(g->rng, sz);
        set_reg(g, R_ECX, 8, count);
        rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz),
                   1u << R_ECX, -1, &rm);
    } else {
        emit(g, (uint8_t)(0xC0 + w));
        rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1,
                   &rm);
        count = count_val(g->rng, sz);
        emit(g, (uint8_t)count);
    }
    g->tc->flag_mask = shift_flag_mask(f->op, sz, count);
}

/* SHLD (0F A4 ib, 0F A5 CL) and SHRD (0F AC, 0F AD), Ev,Gv. */
static void gen_shxd(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    int by_cl = rnd(g->rng, 2);
    unsigned count = count_val(g->rng, sz);
    uint8_t base = f->op == 0 ? 0xA4 : 0xAC;
    uint32_t avoid = 0, rm;
    int undef;

    prefix_size(g, sz);
    emit(g, 0x0F);
    emit(g, (uint8_t)(base + by_cl));
    if (by_cl) {
        avoid = 1u << R_ECX;
        g->used |= avoid;
        set_reg(g, R_ECX, 8, count);
    }
    unsigned r = reg_operand(g, sz, avoid);
    mem = rm_operand(g, mem, r, sz, opval(g->rng, sz), avoid, (int)r, &rm);
    if (!by_cl)
        emit(g, (uint8_t)count);
    g->tc->flag_mask = shxd_flag_mask(sz, count, &undef);
    if (undef) {
        if (mem) {
            g->tc->skip_off = (uint16_t)rm;
            g->tc->skip_len = (uint16_t)(sz / 8);
        } else {
            g->tc->reg_skip |= 1u << rm;
        }
    }
}

/* Chooses DIV/IDIV operands so that the quotient fits (no #DE), except
 * now and then, when anything goes (the oracle then reports #DE and the
 * emulator must raise it too). */
static void div_operands(Gen *g, int is_signed, unsigned sz, uint32_t *hi,
                         uint32_t *lo, uint32_t *divisor)
{
    Rng *r = g->rng;
    uint32_t m = size_mask(sz);
    if (rnd(r, 25) == 0) {
        *divisor = rnd(r, 4) == 0 ? 0 : opval(r, sz);
        *hi = opval(r, sz);
        *lo = opval(r, sz);
        return;
    }
    uint32_t d;
    do
        d = opval(r, sz);
    while (d == 0);
    *divisor = d;
    if (!is_signed) {
        *hi = opval(r, sz) % d;
        *lo = opval(r, sz);
        return;
    }
    /* dividend = q*d + rem, |rem| < |d|, rem has the dividend's sign. */
    int64_t sd = sz == 32 ? (int32_t)d : sz == 16 ? (int16_t)d : (int8_t)d;
    int64_t qmin = -((int64_t)1 << (sz - 1)), qmax = ((int64_t)1 << (sz - 1)) - 1;
    int64_t q = (int64_t)(int32_t)opval(r, 32);
    if (rnd(r, 2))
        q = (int64_t)(int32_t)(opval(r, sz) << (32 - sz)) >> (32 - sz);
    if (q < qmin || q > qmax)
        q = q % (qmax + 1);
    int64_t ad = sd < 0 ? -sd : sd;
    int64_t rem = ad > 1 ? (int64_t)(rng_next(r) % (uint64_t)ad) : 0;
    int64_t prod = q * sd;
    if (prod < 0 || (prod == 0 && rnd(r, 2)))
        rem = -rem;
    uint64_t dividend = (uint64_t)(prod + rem);
    *lo = (uint32_t)dividend & m;
    *hi = (uint32_t)(dividend >> sz) & m;
}

/* MUL IMUL DIV IDIV with one operand: F6/F7 /4../7. */
static void gen_muldiv1(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    int is_div = f->op >= 6;
    uint32_t rm, hi, lo, src;
    /* The accumulator pair: AX for 8-bit, DX:AX / EDX:EAX otherwise. */
    uint32_t acc = sz == 8 ? (1u << R_EAX) : (1u << R_EAX) | (1u << R_EDX);

    g->tc->flag_mask = is_div ? FM_DIV : FM_MUL;
    prefix_size(g, sz);
    emit(g, sz == 8 ? 0xF6 : 0xF7);
    if (is_div) {
        div_operands(g, f->op == 7, sz, &hi, &lo, &src);
        g->used |= acc;
        if (sz == 8) {
            set_reg(g, R_EAX, 16, (hi << 8) | lo);
        } else {
            set_reg(g, R_EAX, sz, lo);
            set_reg(g, R_EDX, sz, hi);
        }
        rm_operand(g, mem, (unsigned)f->op, sz, src, acc, -1, &rm);
    } else {
        set_reg(g, R_EAX, sz, opval(g->rng, sz));
        /* the source may be the accumulator itself (mul eax) */
        if (!mem && rnd(g->rng, 8) == 0) {
            modrm(g, 3, (unsigned)f->op, R_EAX);
        } else {
            g->used |= acc;
            rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1,
                       &rm);
        }
    }
}

/* IMUL Gv, Ev (0F AF) and IMUL Gv, Ev, imm (69 iz, 6B ib). */
static void gen_imul_n(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_MUL;
    prefix_size(g, sz);
    if (f->op == 2) {
        emit(g, 0x0F);
        emit(g, 0xAF);
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
    } else {
        int imm8 = rnd(g->rng, 2);
        emit(g, imm8 ? 0x6B : 0x69);
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
        if (imm8)
            emit(g, (uint8_t)opval(g->rng, 8));
        else
            emit_n(g, opval(g->rng, sz), sz / 8);
    }
}

/* BT BTS BTR BTC: 0F A3/AB/B3/BB (Ev,Gv) and 0F BA /4../7 ib.  op is the
 * /digit of the immediate form. */
static void gen_bt(Gen *g, const Form *f)
{
    static const uint8_t reg_opc[4] = {0xA3, 0xAB, 0xB3, 0xBB};
    unsigned sz = f->size, nb = sz / 8;
    int lockable = f->op != 4;
    uint32_t rm;
    g->tc->flag_mask = FM_BT;
    switch (rnd(g->rng, 4)) {
    case 0: { /* register, register */
        prefix_size(g, sz);
        emit(g, 0x0F);
        emit(g, reg_opc[f->op - 4]);
        unsigned r = reg_operand(g, sz, 0);
        rm_operand(g, 0, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
        break;
    }
    case 1: { /* memory bit string, register offset in [-512, 511] */
        maybe_lock(g, lockable);
        prefix_size(g, sz);
        emit(g, 0x0F);
        emit(g, reg_opc[f->op - 4]);
        unsigned r = pick_reg(g, sz, 0);
        int32_t bit = (int32_t)rnd(g->rng, 1024) - 512;
        if (rnd(g->rng, 4) == 0)
            bit = (int32_t)rnd(g->rng, 2 * sz) - (int32_t)sz;
        set_reg(g, r, sz, (uint32_t)bit);
        uint32_t off = 64 + rnd(g->rng, 128 - nb + 1);
        emit_mem_at(g, r, off);
        break;
    }
    default: { /* immediate bit offset, register or memory */
        int mem = rnd(g->rng, 2);
        if (lockable)
            maybe_lock(g, mem);
        prefix_size(g, sz);
        emit(g, 0x0F);
        emit(g, 0xBA);
        rm_operand(g, mem, (unsigned)f->op, sz, opval(g->rng, sz), 0, -1,
                   &rm);
        emit(g, (uint8_t)(rnd(g->rng, 2) ? rnd(g->rng, sz) : r32(g->rng)));
        break;
    }
    }
}

/* BSF (0F BC) / BSR (0F BD). */
static void gen_bsf(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm, src;
    g->tc->flag_mask = FM_BSF;
    prefix_size(g, sz);
    emit(g, 0x0F);
    emit(g, (uint8_t)(0xBC + f->op));
    switch (rnd(g->rng, 6)) {
    case 0: src = 0; break;
    case 1: src = (1u << rnd(g->rng, sz)) | (rnd(g->rng, 2) ? 1u << rnd(g->rng, sz) : 0); break;
    default: src = opval(g->rng, sz); break;
    }
    unsigned r = reg_operand(g, sz, 0);
    rm_operand(g, mem, r, sz, src, 0, (int)r, &rm);
    /* Read the source back: with r == rm it is what the register holds. */
    src = mem ? get_mem(g, rm, sz / 8) : get_reg(g, rm, sz);
    if (src == 0)
        g->tc->reg_skip |= 1u << r; /* "the content of the destination
                                       operand is undefined" */
}

/* CMOVcc Gv, Ev (0F 40+cc), all 16 conditions. */
static void gen_cmov(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ALL;
    prefix_size(g, sz);
    emit(g, 0x0F);
    emit(g, (uint8_t)(0x40 + rnd(g->rng, 16)));
    unsigned r = reg_operand(g, sz, 0);
    rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
}

/* SETcc Eb (0F 90+cc); the reg field is ignored by the CPU. */
static void gen_setcc(Gen *g, const Form *f)
{
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    (void)f;
    g->tc->flag_mask = FM_ALL;
    emit(g, 0x0F);
    emit(g, (uint8_t)(0x90 + rnd(g->rng, 16)));
    rm_operand(g, mem, rnd(g->rng, 4) == 0 ? rnd(g->rng, 8) : 0, 8,
               opval(g->rng, 8), 0, -1, &rm);
}

/* String instructions.  op: 0 MOVS, 1 CMPS, 2 STOS, 3 LODS, 4 SCAS. */
enum { ST_MOVS, ST_CMPS, ST_STOS, ST_LODS, ST_SCAS };
static void gen_string(Gen *g, const Form *f)
{
    static const uint8_t opc8[5] = {0xA4, 0xA6, 0xAA, 0xAC, 0xAE};
    static const uint8_t segpfx[4] = {0x26, 0x2E, 0x36, 0x3E};
    unsigned sz = f->size, nb = sz / 8;
    int cmp = f->op == ST_CMPS || f->op == ST_SCAS;
    int uses_si = f->op == ST_MOVS || f->op == ST_CMPS || f->op == ST_LODS;
    TestCase *tc = g->tc;
    unsigned rep = rnd(g->rng, cmp ? 3 : 2); /* 0 none, 1 F3, 2 F2 */
    int df = rnd(g->rng, 2);
    uint32_t si_off = 40 + rnd(g->rng, 176 - nb);
    uint32_t di_off = 40 + rnd(g->rng, 176 - nb);

    tc->flag_mask = cmp ? FM_ARITH : FM_ALL;
    tc->in.eflags = (tc->in.eflags & ~DF) | (df ? DF : 0);
    if (rep)
        emit(g, rep == 1 ? 0xF3 : 0xF2);
    if (uses_si && rnd(g->rng, 4) == 0)
        emit(g, segpfx[rnd(g->rng, 4)]);
    prefix_size(g, sz);
    emit(g, (uint8_t)(opc8[f->op] + (sz == 8 ? 0 : 1)));

    tc->in.regs[R_ESI] = DIFF_BUF_ADDR + si_off;
    tc->in.regs[R_EDI] = DIFF_BUF_ADDR + di_off;
    tc->in.regs[R_ECX] = rep ? rnd(g->rng, 9) : r32(g->rng);
    set_reg(g, R_EAX, sz, opval(g->rng, sz));

    if (cmp) {
        /* Make the compared data mostly equal so REPE runs on. */
        int32_t step = df ? -(int32_t)nb : (int32_t)nb;
        for (int i = 0; i < 9; i++) {
            uint32_t s = si_off + (uint32_t)(step * i);
            uint32_t d = di_off + (uint32_t)(step * i);
            if (rnd(g->rng, 3) == 0)
                continue;
            if (f->op == ST_CMPS)
                memmove(&tc->in.buf[d], &tc->in.buf[s], nb);
            else
                put_mem(g, d, nb, get_reg(g, R_EAX, sz));
        }
    }
}

/* BSWAP r32 (0F C8+r). */
static void gen_bswap(Gen *g, const Form *f)
{
    (void)f;
    g->tc->flag_mask = FM_ALL;
    emit(g, 0x0F);
    emit(g, (uint8_t)(0xC8 + reg_operand(g, 32, 0)));
}

/* XADD Eb/Ev, Gb/Gv (0F C0/C1). */
static void gen_xadd(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ARITH;
    maybe_lock(g, mem);
    prefix_size(g, sz);
    emit(g, 0x0F);
    emit(g, sz == 8 ? 0xC0 : 0xC1);
    unsigned r = reg_operand(g, sz, 0);
    rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
}

/* CMPXCHG Eb/Ev, Gb/Gv (0F B0/B1). */
static void gen_cmpxchg(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ARITH;
    maybe_lock(g, mem);
    prefix_size(g, sz);
    emit(g, 0x0F);
    emit(g, sz == 8 ? 0xB0 : 0xB1);
    g->used |= 1u << R_EAX;
    unsigned r = reg_operand(g, sz, 0);
    uint32_t dv = opval(g->rng, sz);
    mem = rm_operand(g, mem, r, sz, dv, 0, (int)r, &rm);
    if (rnd(g->rng, 2)) /* make the accumulator match the destination */
        set_reg(g, R_EAX, sz, mem ? dv : get_reg(g, rm, sz));
}

/* CMPXCHG8B m64 (0F C7 /1). */
static void gen_cmpxchg8b(Gen *g, const Form *f)
{
    (void)f;
    g->tc->flag_mask = FM_ALL;
    maybe_lock(g, 1);
    emit(g, 0x0F);
    emit(g, 0xC7);
    g->used |= 0x0Fu; /* EAX ECX EDX EBX are operands */
    uint32_t off = rnd(g->rng, DIFF_BUF_SIZE - 8 + 1);
    emit_mem_at(g, 1, off);
    if (rnd(g->rng, 2)) {
        g->tc->in.regs[R_EAX] = get_mem(g, off, 4);
        g->tc->in.regs[R_EDX] = get_mem(g, off + 4, 4);
    }
}

/* DAA DAS AAA AAS AAM AAD: op is the opcode byte. */
static void gen_bcd(Gen *g, const Form *f)
{
    Rng *r = g->rng;
    uint32_t al;
    switch (rnd(r, 3)) {
    case 0: al = (rnd(r, 10) << 4) | rnd(r, 10); break; /* valid BCD */
    case 1: al = (rnd(r, 16) << 4) | rnd(r, 16); break;
    default: al = opval(r, 8); break;
    }
    set_reg(g, R_EAX, 8, al);
    set_reg(g, 4 /* AH */, 8, rnd(r, 2) ? rnd(r, 10) : opval(r, 8));
    emit(g, (uint8_t)f->op);
    switch (f->op) {
    case 0x27: case 0x2F: g->tc->flag_mask = FM_DAA; break;
    case 0x37: case 0x3F: g->tc->flag_mask = FM_AAA; break;
    default: {
        uint8_t imm = 10;
        unsigned k = rnd(r, 50);
        if (k == 0 && f->op == 0xD4)
            imm = 0; /* #DE; the oracle reports it */
        else if (k < 20)
            imm = (uint8_t)(1 + rnd(r, 255));
        emit(g, imm);
        g->tc->flag_mask = FM_AAM;
        break;
    }
    }
}

/* CBW CWDE (98) and CWD CDQ (99); op is the opcode, size 16 adds 66. */
static void gen_conv(Gen *g, const Form *f)
{
    g->tc->flag_mask = FM_ALL;
    set_reg(g, R_EAX, 32, (r32(g->rng) & 0xFFFF0000u) | opval(g->rng, 16));
    if (rnd(g->rng, 2))
        set_reg(g, R_EAX, 32, opval(g->rng, 32));
    prefix_size(g, f->size);
    emit(g, (uint8_t)f->op);
}

/* MOVZX (0F B6/B7) and MOVSX (0F BE/BF); op is the second opcode byte. */
static void gen_movx(Gen *g, const Form *f)
{
    unsigned src_sz = (f->op & 1) ? 16 : 8;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ALL;
    prefix_size(g, f->size);
    emit(g, 0x0F);
    emit(g, (uint8_t)f->op);
    unsigned r = reg_operand(g, f->size, 0);
    rm_operand(g, mem, r, src_sz, opval(g->rng, src_sz), 0,
               src_sz == 8 ? -1 : (int)r, &rm);
}

/* LEA Gv, M (8D) with any 32-bit or (67) 16-bit addressing form; no memory
 * is touched, so all registers are random (except ESP, which differs
 * between the oracle and the emulator and is never a base). */
static void gen_lea(Gen *g, const Form *f)
{
    Rng *r = g->rng;
    unsigned mod = rnd(r, 3), rm = rnd(r, 8);
    int a16 = rnd(r, 4) == 0;
    g->tc->flag_mask = FM_ALL;
    for (unsigned i = 0; i < 8; i++)
        g->tc->in.regs[i] = rnd(r, 2) ? opval(r, 32) : r32(r);
    if (a16)
        emit(g, 0x67);
    prefix_size(g, f->size);
    emit(g, 0x8D);
    unsigned reg = pick_reg(g, 32, 0);
    if (a16) {
        modrm(g, mod, reg, rm);
        if (mod == 1)
            emit(g, (uint8_t)r32(r));
        else if (mod == 2 || (mod == 0 && rm == 6))
            emit_n(g, r32(r), 2);
        return;
    }
    if (rm == 4) {
        unsigned base = rnd(r, 8), index = rnd(r, 8), scale = rnd(r, 4);
        if (base == R_ESP)
            base = R_EBP;
        modrm(g, mod, reg, 4);
        emit(g, (uint8_t)((scale << 6) | (index << 3) | base));
        if (mod == 1)
            emit(g, (uint8_t)r32(r));
        else if (mod == 2 || base == 5)
            emit_n(g, r32(r), 4);
        return;
    }
    modrm(g, mod, reg, rm);
    if (mod == 1)
        emit(g, (uint8_t)r32(r));
    else if (mod == 2 || (mod == 0 && rm == 5))
        emit_n(g, r32(r), 4);
}

/* Conditional branches: "jcc +1; inc eax", so EAX tells whether the branch
 * was taken.  op: 0 Jcc rel8 (70+cc), 1 Jcc rel32 (0F 80+cc), 2 LOOP family
 * and JECXZ (E0-E3), optionally with 67 (CX instead of ECX). */
static void gen_branch(Gen *g, const Form *f)
{
    Rng *r = g->rng;
    g->tc->flag_mask = FM_ALL;
    if (f->op == 0) {
        emit(g, (uint8_t)(0x70 + rnd(r, 16)));
        emit(g, 1);
    } else if (f->op == 1) {
        emit(g, 0x0F);
        emit(g, (uint8_t)(0x80 + rnd(r, 16)));
        emit_n(g, 1, 4);
    } else {
        static const uint32_t cx[] = {0, 1, 2, 0x10000, 0x10001, 0xFFFFFFFF};
        if (rnd(r, 4) == 0)
            emit(g, 0x67);
        emit(g, (uint8_t)(0xE0 + rnd(r, 4)));
        emit(g, 1);
        g->tc->in.regs[R_ECX] = rnd(r, 2) ? cx[rnd(r, 6)] : r32(r);
    }
    emit(g, 0x40); /* inc eax */
}

/* XCHG Eb/Ev, Gb/Gv (86/87) and XCHG eAX, r (90+r). */
static void gen_xchg(Gen *g, const Form *f)
{
    unsigned sz = f->size;
    int mem = rnd(g->rng, 3) == 0;
    uint32_t rm;
    g->tc->flag_mask = FM_ALL;
    if (sz != 8 && !mem && rnd(g->rng, 3) == 0) {
        prefix_size(g, sz);
        set_reg(g, R_EAX, sz, opval(g->rng, sz));
        emit(g, (uint8_t)(0x90 + reg_operand(g, sz, 1u << R_EAX)));
        return;
    }
    maybe_lock(g, mem);
    prefix_size(g, sz);
    emit(g, sz == 8 ? 0x86 : 0x87);
    unsigned r = reg_operand(g, sz, 0);
    rm_operand(g, mem, r, sz, opval(g->rng, sz), 0, (int)r, &rm);
}

/* CMC CLC STC CLD STD SAHF LAHF. */
static void gen_flagop(Gen *g, const Form *f)
{
    static const uint8_t ops[7] = {0xF5, 0xF8, 0xF9, 0xFC, 0xFD, 0x9E, 0x9F};
    (void)f;
    g->tc->flag_mask = FM_ALL;
    emit(g, ops[rnd(g->rng, 7)]);
}

#define S3(fam, nm, fn, op) \
    {fam, nm "8", fn, op, 8}, {fam, nm "16", fn, op, 16}, {fam, nm "32", fn, op, 32}
#define S2(fam, nm, fn, op) {fam, nm "16", fn, op, 16}, {fam, nm "32", fn, op, 32}

static const Form forms[] = {
    S3("ADD", "add ", gen_alu, 0), S3("OR", "or ", gen_alu, 1),
    S3("ADC", "adc ", gen_alu, 2), S3("SBB", "sbb ", gen_alu, 3),
    S3("AND", "and ", gen_alu, 4), S3("SUB", "sub ", gen_alu, 5),
    S3("XOR", "xor ", gen_alu, 6), S3("CMP", "cmp ", gen_alu, 7),
    S3("TEST", "test ", gen_test, 0),
    S3("NOT", "not ", gen_unary, 2), S3("NEG", "neg ", gen_unary, 3),
    S3("INC", "inc ", gen_incdec, 0), S3("DEC", "dec ", gen_incdec, 1),
    S3("ROL", "rol ", gen_shift, SH_ROL), S3("ROR", "ror ", gen_shift, SH_ROR),
    S3("RCL", "rcl ", gen_shift, SH_RCL), S3("RCR", "rcr ", gen_shift, SH_RCR),
    S3("SHL", "shl ", gen_shift, SH_SHL), S3("SHR", "shr ", gen_shift, SH_SHR),
    S3("SAR", "sar ", gen_shift, SH_SAR),
    S2("SHLD", "shld ", gen_shxd, 0), S2("SHRD", "shrd ", gen_shxd, 1),
    S3("MUL", "mul ", gen_muldiv1, 4), S3("IMUL", "imul1 ", gen_muldiv1, 5),
    S2("IMUL", "imul2 ", gen_imul_n, 2), S2("IMUL", "imul3 ", gen_imul_n, 3),
    S3("DIV", "div ", gen_muldiv1, 6), S3("IDIV", "idiv ", gen_muldiv1, 7),
    S2("BT", "bt ", gen_bt, 4), S2("BTS", "bts ", gen_bt, 5),
    S2("BTR", "btr ", gen_bt, 6), S2("BTC", "btc ", gen_bt, 7),
    S2("BSF", "bsf ", gen_bsf, 0), S2("BSR", "bsr ", gen_bsf, 1),
    S2("CMOVcc", "cmovcc ", gen_cmov, 0),
    {"SETcc", "setcc", gen_setcc, 0, 8},
    S3("MOVS", "movs ", gen_string, ST_MOVS),
    S3("CMPS", "cmps ", gen_string, ST_CMPS),
    S3("STOS", "stos ", gen_string, ST_STOS),
    S3("LODS", "lods ", gen_string, ST_LODS),
    S3("SCAS", "scas ", gen_string, ST_SCAS),
    {"BSWAP", "bswap32", gen_bswap, 0, 32},
    S3("XADD", "xadd ", gen_xadd, 0),
    S3("CMPXCHG", "cmpxchg ", gen_cmpxchg, 0),
    {"CMPXCHG8B", "cmpxchg8b", gen_cmpxchg8b, 0, 64},
    {"DAA", "daa", gen_bcd, 0x27, 8}, {"DAS", "das", gen_bcd, 0x2F, 8},
    {"AAA", "aaa", gen_bcd, 0x37, 8}, {"AAS", "aas", gen_bcd, 0x3F, 8},
    {"AAM", "aam", gen_bcd, 0xD4, 8}, {"AAD", "aad", gen_bcd, 0xD5, 8},
    {"CBW", "cbw", gen_conv, 0x98, 16}, {"CBW", "cwde", gen_conv, 0x98, 32},
    {"CWD", "cwd", gen_conv, 0x99, 16}, {"CWD", "cdq", gen_conv, 0x99, 32},
    {"MOVZX", "movzx r16,rm8", gen_movx, 0xB6, 16},
    {"MOVZX", "movzx r32,rm8", gen_movx, 0xB6, 32},
    {"MOVZX", "movzx r32,rm16", gen_movx, 0xB7, 32},
    {"MOVSX", "movsx r16,rm8", gen_movx, 0xBE, 16},
    {"MOVSX", "movsx r32,rm8", gen_movx, 0xBE, 32},
    {"MOVSX", "movsx r32,rm16", gen_movx, 0xBF, 32},
    S2("LEA", "lea ", gen_lea, 0),
    S3("XCHG", "xchg ", gen_xchg, 0),
    {"Jcc", "jcc rel8", gen_branch, 0, 32},
    {"Jcc", "jcc rel32", gen_branch, 1, 32},
    {"LOOP", "loop/loopcc/jecxz", gen_branch, 2, 32},
    {"FLAGOPS", "cmc/clc/stc/cld/std/sahf/lahf", gen_flagop, 0, 32},
};
#define NFORMS (sizeof forms / sizeof forms[0])

static void gen_case(const Form *f, Rng *rng, TestCase *tc)
{
    Gen g = {rng, tc, 1u << R_ESP};
    memset(tc, 0, sizeof *tc);
    for (unsigned i = 0; i < 8; i++)
        tc->in.regs[i] = rnd(rng, 4) == 0 ? opval(rng, 32) : r32(rng);
    tc->in.regs[R_ESP] = 0;
    tc->in.eflags = r32(rng) & DIFF_EFL_IN_MASK;
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++)
        tc->in.buf[i] = (uint8_t)r32(rng);
    f->gen(&g, f);
    tc->flag_mask |= DF;
}

/* ------------------------------------------------------------ oracle */

static int oracle_batch(Oracle *o, const TestCase *tcs, DiffResult *res,
                        uint32_t n)
{
    return oracle_batch_raw(o, &tcs[0].in, sizeof tcs[0], sizeof tcs[0].in,
                            res, sizeof res[0], n);
}

/* ------------------------------------------------------------ emulator */

#define EMU_RAM (16u << 20)
#define PSEUDO_DESC 0x0F00u
#define GDT_ADDR 0x1000u
#define IDT_ADDR 0x2000u
#define HANDLERS 0x3000u
#define STACK_TOP 0x8000u
#define NVEC 32u
#define START_EIP (DIFF_INSN_ADDR - 14u) /* LGDT [m]; LIDT [m]; insn */

typedef struct Emu {
    PhysMem *pm;
    CPUState *cpu;
    int tables_ok; /* tables written and no failure since */
    uint8_t tables[0x3000 + 4 * NVEC - PSEUDO_DESC];
} Emu;

static uint32_t emu_io_read(void *o, uint16_t port, unsigned size)
{
    (void)o; (void)port; (void)size;
    return 0xFFFFFFFFu;
}

static void emu_io_write(void *o, uint16_t port, uint32_t v, unsigned size)
{
    (void)o; (void)port; (void)v; (void)size;
}

static int emu_intr_ack(void *o)
{
    (void)o;
    return 0x20;
}

static const CPUHost emu_host = {NULL, emu_io_read, emu_io_write,
                                 emu_intr_ack, NULL, NULL};

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, (uint16_t)v);
    st16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t ld32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static int emu_init(Emu *e)
{
    static const uint8_t gdt[24] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0xFF, 0xFF, 0, 0, 0, 0x9B, 0xCF, 0, /* 0x08: flat 32-bit code */
        0xFF, 0xFF, 0, 0, 0, 0x93, 0xCF, 0, /* 0x10: flat data */
    };
    uint8_t *t = e->tables;
    memset(t, 0, sizeof e->tables);
    st16(t + 0, sizeof gdt - 1);
    st32(t + 2, GDT_ADDR);
    st16(t + 8, NVEC * 8 - 1);
    st32(t + 10, IDT_ADDR);
    memcpy(t + (GDT_ADDR - PSEUDO_DESC), gdt, sizeof gdt);
    for (uint32_t v = 0; v < NVEC; v++) {
        uint8_t *gate = t + (IDT_ADDR - PSEUDO_DESC) + 8 * v;
        uint32_t off = HANDLERS + 4 * v;
        st16(gate, (uint16_t)off);
        st16(gate + 2, 0x08);
        gate[4] = 0;
        gate[5] = 0x8E; /* present, DPL 0, 32-bit interrupt gate */
        st16(gate + 6, (uint16_t)(off >> 16));
        memset(t + (HANDLERS - PSEUDO_DESC) + 4 * v, 0xF4, 4);
    }
    e->tables_ok = 0;
    e->pm = phys_new(EMU_RAM, PHYS_LAYOUT_FLAT);
    if (!e->pm) {
        fprintf(stderr, "difftest: phys_new failed\n");
        return -1;
    }
    e->cpu = cpu_new(e->pm, &emu_host);
    if (!e->cpu) {
        fprintf(stderr, "difftest: cpu_new failed\n");
        return -1;
    }
    return 0;
}

static void emu_free(Emu *e)
{
    cpu_free(e->cpu);
    phys_free(e->pm);
}

/* Runs one case; fills *out like the oracle does.  Returns 0, or -1 with a
 * reason in why when the run did not end in a recognisable place. */
static int emu_run(Emu *e, const TestCase *tc, DiffResult *out, char *why,
                   size_t whylen)
{
    CPUState *c = e->cpu;
    uint8_t code[14 + DIFF_MAX_INSN + 1];
    unsigned len = tc->in.len;
    CPUSeg cs = {0x08, 0, 0xFFFFFFFFu, 0xC09B};
    CPUSeg ds = {0x10, 0, 0xFFFFFFFFu, 0xC093};

    memset(out, 0, sizeof *out);
    out->fault = -1;
    cpu_reset(c);
    cpu_set_no_reboot(c, 1);
    cpu_set_cr0_raw(c, cpu_get_cr(c, 0) | 1u);
    cpu_set_seg_raw(c, S_CS, &cs);
    cpu_set_seg_raw(c, S_SS, &ds);
    cpu_set_seg_raw(c, S_DS, &ds);
    cpu_set_seg_raw(c, S_ES, &ds);
    cpu_set_seg_raw(c, S_FS, &ds);
    cpu_set_seg_raw(c, S_GS, &ds);
    for (int r = 0; r < 8; r++)
        cpu_set_reg(c, r, r == R_ESP ? STACK_TOP : tc->in.regs[r]);
    cpu_set_eflags(c, (tc->in.eflags & DIFF_EFL_IN_MASK) | 0x2u);
    cpu_set_eip(c, START_EIP);

    /* 0F 01 15 disp32 = LGDT [disp32]; 0F 01 1D disp32 = LIDT [disp32] */
    code[0] = 0x0F; code[1] = 0x01; code[2] = 0x15;
    st32(code + 3, PSEUDO_DESC);
    code[7] = 0x0F; code[8] = 0x01; code[9] = 0x1D;
    st32(code + 10, PSEUDO_DESC + 8);
    memcpy(code + 14, tc->in.insn, len);
    code[14 + len] = 0xF4;
    /* The tables are rewritten only after a failure (a buggy instruction
     * could have scribbled on them): writing 8 KiB per case would dominate
     * the run time. */
    if (!e->tables_ok &&
        cpu_write_linear(c, PSEUDO_DESC, e->tables, sizeof e->tables)) {
        snprintf(why, whylen, "cpu_write_linear failed");
        return -1;
    }
    e->tables_ok = 1;
    if (cpu_write_linear(c, START_EIP, code, 14 + len + 1) ||
        cpu_write_linear(c, DIFF_BUF_ADDR, tc->in.buf, DIFF_BUF_SIZE)) {
        snprintf(why, whylen, "cpu_write_linear failed");
        return -1;
    }

    int stop = cpu_run(c, 100);
    uint32_t eip = cpu_get_eip(c);
    for (int r = 0; r < 8; r++)
        out->regs[r] = cpu_get_reg(c, r);
    out->eflags = cpu_get_eflags(c);
    cpu_read_linear(c, DIFF_BUF_ADDR, out->buf, DIFF_BUF_SIZE);
    if (stop != CPU_STOP_HLT) {
        snprintf(why, whylen, "cpu_run returned %d (not HLT) at EIP=%08" PRIx32
                 "%s%s", stop, eip, stop == CPU_STOP_TRIPLE ? ": " : "",
                 stop == CPU_STOP_TRIPLE ? cpu_fault_report(c) : "");
        return -1;
    }
    if (eip == DIFF_INSN_ADDR + len + 1)
        return 0;
    if (eip > HANDLERS && eip <= HANDLERS + 4 * NVEC &&
        (eip - HANDLERS - 1) % 4 == 0) {
        uint32_t v = (eip - HANDLERS - 1) / 4;
        /* Vectors 8, 10-14 and 17 push an error code below EIP. */
        int has_err = v == 8 || (v >= 10 && v <= 14) || v == 17;
        uint8_t frame[8];
        out->fault = (int32_t)v;
        if (cpu_read_linear(c, out->regs[R_ESP], frame, 8) == 0)
            out->fault_eip = ld32(frame + (has_err ? 4 : 0));
        out->regs[R_ESP] = tc->in.regs[R_ESP];
        return 0;
    }
    snprintf(why, whylen, "HLT at unexpected EIP=%08" PRIx32
             " (expected %08" PRIx32 ")", eip,
             (uint32_t)(DIFF_INSN_ADDR + len + 1));
    return -1;
}

/* ------------------------------------------------------------ compare */

static const char *const reg_names[8] = {"eax", "ecx", "edx", "ebx",
                                         "esp", "ebp", "esi", "edi"};

static void flags_str(uint32_t f, uint32_t mask, char *s)
{
    static const struct { uint32_t bit; char c; } fl[] = {
        {OF, 'O'}, {DF, 'D'}, {SF, 'S'}, {ZF, 'Z'},
        {AF, 'A'}, {PF, 'P'}, {CF, 'C'},
    };
    for (unsigned i = 0; i < 7; i++) {
        if (!(mask & fl[i].bit))
            *s++ = '.';
        else
            *s++ = (f & fl[i].bit) ? fl[i].c : '-';
    }
    *s = 0;
}

/* Appends a description of every difference to d (may be NULL).
 * Returns the number of differences. */
static int compare(const TestCase *tc, const DiffResult *exp,
                   const DiffResult *got, char *d, size_t dl)
{
    int n = 0;
    size_t pos = 0;
#define NOTE(...)                                                   \
    do {                                                            \
        n++;                                                        \
        if (d && pos < dl)                                          \
            pos += (size_t)snprintf(d + pos, dl - pos, __VA_ARGS__); \
    } while (0)
    if (d && dl)
        d[0] = 0;
    if (exp->fault != got->fault) {
        NOTE(" fault(exp %d got %d)", (int)exp->fault, (int)got->fault);
        return n;
    }
    if (exp->fault >= 0 && exp->fault_eip != got->fault_eip)
        NOTE(" fault_eip(exp %08" PRIx32 " got %08" PRIx32 ")",
             exp->fault_eip, got->fault_eip);
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP || (tc->reg_skip & (1u << r)))
            continue;
        if (exp->regs[r] != got->regs[r])
            NOTE(" %s", reg_names[r]);
    }
    uint32_t fd = (exp->eflags ^ got->eflags) & tc->flag_mask;
    if (fd) {
        char s[8];
        flags_str(fd, fd, s);
        NOTE(" flags[%s]", s);
    }
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++) {
        if (tc->skip_len && i >= tc->skip_off &&
            i < (unsigned)tc->skip_off + tc->skip_len)
            continue;
        if (exp->buf[i] != got->buf[i]) {
            NOTE(" buf[%u]", i);
            break;
        }
    }
#undef NOTE
    return n;
}

static void print_state(const char *tag, const uint32_t *regs, uint32_t efl,
                        uint32_t mask, int fault)
{
    char fs[8];
    flags_str(efl, mask, fs);
    printf("    %s:", tag);
    for (int r = 0; r < 8; r++)
        if (r != R_ESP)
            printf(" %s=%08" PRIx32, reg_names[r], regs[r]);
    printf(" fl=%s", fs);
    if (fault >= 0)
        printf(" FAULT #%d", fault);
    printf("\n");
}

static void print_buf_diff(const TestCase *tc, const DiffResult *exp,
                           const DiffResult *got)
{
    int shown = 0;
    for (unsigned i = 0; i < DIFF_BUF_SIZE && shown < 4; i++) {
        if (exp->buf[i] == got->buf[i])
            continue;
        unsigned lo = i & ~7u;
        printf("    buf+%02x: in ", lo);
        for (unsigned k = lo; k < lo + 8; k++)
            printf("%02x", tc->in.buf[k]);
        printf(" exp ");
        for (unsigned k = lo; k < lo + 8; k++)
            printf("%02x", exp->buf[k]);
        printf(" got ");
        for (unsigned k = lo; k < lo + 8; k++)
            printf("%02x", got->buf[k]);
        printf("\n");
        i = lo + 7;
        shown++;
    }
}

static void report(const Form *f, unsigned idx, const TestCase *tc,
                   const DiffResult *exp, const DiffResult *got,
                   const char *why)
{
    char d[256];
    printf("MISMATCH %s [%s] case %u: bytes", f->family, f->name, idx);
    for (unsigned i = 0; i < tc->in.len; i++)
        printf(" %02x", tc->in.insn[i]);
    printf("\n");
    print_state("in ", tc->in.regs, tc->in.eflags, DIFF_EFL_IN_MASK, -1);
    print_state("exp", exp->regs, exp->eflags, tc->flag_mask, exp->fault);
    if (why) {
        printf("    got: %s\n", why);
    } else {
        print_state("got", got->regs, got->eflags, tc->flag_mask, got->fault);
        compare(tc, exp, got, d, sizeof d);
        printf("    differs:%s\n", d);
        print_buf_diff(tc, exp, got);
    }
}

/* ------------------------------------------------------------ main */

typedef struct FamStat {
    const char *family;
    unsigned passed, failed, shown;
} FamStat;

/* The oracle lives next to this program (same build directory). */
static void find_oracle(const char *argv0, char *out, size_t n)
{
    char self[4096];
    ssize_t l = readlink("/proc/self/exe", self, sizeof self - 1);
    if (l > 0) {
        self[l] = 0;
    } else {
        snprintf(self, sizeof self, "%s", argv0);
    }
    char *slash = strrchr(self, '/');
    if (slash)
        slash[1] = 0;
    else
        strcpy(self, "./");
    snprintf(out, n, "%sx86pc-diff-oracle", self);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: difftest [--seed N] [--count N] [--family A,B,...] "
            "[--show N] [--oracle PATH] [--list] [--verbose]\n");
}

int main(int argc, char **argv)
{
    uint64_t seed = 0x5EED;
    unsigned count = 2000, show = 3, show_total = 40;
    const char *families = NULL;
    char oracle_path[4200];
    int verbose = 0;

    find_oracle(argv[0], oracle_path, sizeof oracle_path);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--list")) {
            for (unsigned k = 0; k < NFORMS; k++)
                printf("%-10s %s\n", forms[k].family, forms[k].name);
            return 0;
        } else if (!strcmp(a, "--verbose")) {
            verbose = 1;
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
            show_total = show * 20;
            i++;
        } else if (v && !strcmp(a, "--oracle")) {
            snprintf(oracle_path, sizeof oracle_path, "%s", v);
            i++;
        } else {
            usage();
            return 2;
        }
    }
    if (access(oracle_path, X_OK) != 0) {
        printf("SKIP: no host x86 oracle (%s not found)\n", oracle_path);
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);

    Oracle orc;
    Emu emu;
    if (oracle_start(&orc, oracle_path, "difftest") || emu_init(&emu))
        return 2;
    printf("difftest: seed %#" PRIx64 ", %u cases per form, oracle %s\n",
           seed, count, oracle_path);

    static TestCase tcs[DIFF_MAX_BATCH];
    static DiffResult exp[DIFF_MAX_BATCH];
    FamStat stats[NFORMS];
    unsigned nfam = 0, total_pass = 0, total_fail = 0, total_shown = 0;
    unsigned oracle_bad = 0;

    for (unsigned k = 0; k < NFORMS; k++) {
        const Form *f = &forms[k];
        if (!family_selected(families, f->family))
            continue;
        FamStat *st = NULL;
        for (unsigned j = 0; j < nfam; j++)
            if (!strcmp(stats[j].family, f->family))
                st = &stats[j];
        if (!st) {
            st = &stats[nfam++];
            memset(st, 0, sizeof *st);
            st->family = f->family;
        }
        /* Each form has its own stream, so --family does not change the
         * cases of the others. */
        Rng rng = {seed * 0x100000001B3ull + k * 0x9E3779B97F4A7C15ull};
        unsigned form_fail = 0, form_de = 0;
        for (unsigned done = 0; done < count;) {
            uint32_t n = count - done < DIFF_MAX_BATCH ? count - done
                                                       : DIFF_MAX_BATCH;
            for (uint32_t i = 0; i < n; i++)
                gen_case(f, &rng, &tcs[i]);
            if (oracle_batch(&orc, tcs, exp, n)) {
                fprintf(stderr, "difftest: the oracle stopped answering\n");
                return 2;
            }
            for (uint32_t i = 0; i < n; i++) {
                DiffResult got;
                char why[512];
                int bad = emu_run(&emu, &tcs[i], &got, why, sizeof why);
                /* A fault other than #DE natively means a generator bug. */
                if (exp[i].fault == 0)
                    form_de++;
                if (exp[i].fault > 0) {
                    snprintf(why, sizeof why, "oracle faulted (#%d): "
                             "generator bug", (int)exp[i].fault);
                    bad = -1;
                    oracle_bad++;
                }
                if (bad || compare(&tcs[i], &exp[i], &got, NULL, 0)) {
                    emu.tables_ok = 0;
                    st->failed++;
                    form_fail++;
                    if (st->shown < show && total_shown < show_total) {
                        st->shown++;
                        total_shown++;
                        report(f, done + i, &tcs[i], &exp[i], &got,
                               bad ? why : NULL);
                    }
                } else {
                    st->passed++;
                }
            }
            done += n;
        }
        if (verbose)
            printf("  %-16s %u/%u failed (%u #DE cases)\n", f->name,
                   form_fail, count, form_de);
    }
    oracle_stop(&orc);
    emu_free(&emu);

    for (unsigned j = 0; j < nfam; j++) {
        printf("%s: %u passed, %u failed\n", stats[j].family, stats[j].passed,
               stats[j].failed);
        total_pass += stats[j].passed;
        total_fail += stats[j].failed;
    }
    if (oracle_bad)
        printf("WARNING: %u cases faulted natively with a vector other than "
               "#DE (difftest generator bug)\n", oracle_bad);
    printf("TOTAL: %u passed, %u failed\n", total_pass, total_fail);
    return total_fail ? 1 : 0;
}
