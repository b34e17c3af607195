/* Decoder length tests for cpu_insn_length() (cpu/cpu.h).
 *
 * Part 1, golden model.  The tables below were written by hand from the
 * Intel SDM opcode maps (Vol. 2, Appendix A, tables A-2 "One-byte Opcode
 * Map" and A-3 "Two-byte Opcode Map", plus A-6 "Opcode Extensions for One-
 * and Two-byte Opcodes by Group Number"), restricted to what a Pentium Pro
 * implements.  They are NOT derived from cpu/decode*: the point is to have
 * a second, independent description of the instruction format.  From them
 * the test computes the expected length of every integer opcode with every
 * ModRM byte (mod 0/1/2/3, every rm, SIB with and without base=5), in 16-
 * and 32-bit code, with a set of prefix combinations, and checks:
 *   - the length with the instruction followed by unrelated bytes,
 *   - the length with exactly that many bytes available (heap buffer of the
 *     exact size, so ASan catches over-reads),
 *   - -2 with one byte fewer,
 *   - -1 when the instruction (prefixes included) is longer than 15 bytes.
 * A short list of literal byte strings with hand-computed lengths follows,
 * as a check on the model itself.
 *
 * Part 2, objdump oracle (skipped with a message if objdump is missing):
 * random instructions of the integer opcodes with random prefixes are
 * decoded by us and by binutils (`objdump -D -b binary -m i386`, plus
 * `-M addr16,data16` for 16-bit code) and the lengths compared.
 *
 * Decisions on cases the SDM leaves to the implementation (see "lenient"
 * below); each is counted as passing either way and summarised:
 *   - 0F 0B (UD2) is a defined instruction whose execution raises #UD:
 *     length 2 (strict).  0F 04, 0F 0A, 0F 0C... undefined: 0 (strict).
 *   - Encodings that are defined opcodes but raise #UD because of the ModRM
 *     byte (LEA/LES/LDS/LSS/LFS/LGS/BOUND/CMPXCHG8B/SGDT.../JMP far/CALL far
 *     with mod=3, MOV Sreg with a bad sreg, MOV CRn with a reserved CR),
 *     LOCK on a non-lockable instruction, and the undocumented aliases that
 *     real P6 parts execute (SAL /6, SALC D6, hint NOPs 0F 18-1E, UD1 0F B9,
 *     SYSENTER/SYSEXIT which the Pentium Pro lacks, MOV TRn 0F 24/26) may
 *     return either 0 or the full length.  So may RSM (0F AA), which is #UD
 *     outside System Management Mode, i.e. always for an emulator without
 *     SMM.
 *   - C4/C5 are LES/LDS (32-bit mode has no VEX on a Pentium Pro).
 *
 * Prints "N passed, N failed"; exit status 0 if nothing failed. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"

/* ------------------------------------------------------------------------
 * Opcode specification language.  One string per opcode (or per /reg of a
 * group):
 *   ""   no operands beyond the opcode byte(s)
 *   M    ModRM (with SIB/displacement per the address size)
 *   m    ModRM, memory operand only: mod=3 raises #UD (lenient)
 *   R    ModRM whose mod field is ignored: always a register, no SIB/disp
 *        (MOV to/from CRn/DRn/TRn, SDM "MOV-Move to/from Control Registers")
 *   b    imm8          w  imm16         z  imm16/imm32 by operand size
 *   p    far pointer ptr16:16 / ptr16:32 by operand size
 *   o    moffs (disp16/disp32 by ADDRESS size)
 *   e    ENTER: imm16 + imm8
 *   k    LOCK allowed (when the ModRM operand is memory)
 *   L    lenient: 0 (undefined) and the full length are both accepted
 *   U    undefined opcode: length 0
 *   G    group: the /reg field selects one of the 8 strings in grp[]
 *   P    prefix byte       X  0F escape       S  skipped (x87/MMX/SSE)
 * ------------------------------------------------------------------------ */

/* Table A-2, one-byte opcodes (Pentium Pro). */
static const char *const op1[256] = {
    /*00*/ "Mk", "Mk", "M", "M", "b", "z", "", "",       /* ADD, PUSH/POP ES */
    /*08*/ "Mk", "Mk", "M", "M", "b", "z", "", "X",      /* OR, PUSH CS, 0F */
    /*10*/ "Mk", "Mk", "M", "M", "b", "z", "", "",       /* ADC, PUSH/POP SS */
    /*18*/ "Mk", "Mk", "M", "M", "b", "z", "", "",       /* SBB, PUSH/POP DS */
    /*20*/ "Mk", "Mk", "M", "M", "b", "z", "P", "",      /* AND, ES:, DAA */
    /*28*/ "Mk", "Mk", "M", "M", "b", "z", "P", "",      /* SUB, CS:, DAS */
    /*30*/ "Mk", "Mk", "M", "M", "b", "z", "P", "",      /* XOR, SS:, AAA */
    /*38*/ "M", "M", "M", "M", "b", "z", "P", "",        /* CMP, DS:, AAS */
    /*40*/ "", "", "", "", "", "", "", "",               /* INC r */
    /*48*/ "", "", "", "", "", "", "", "",               /* DEC r */
    /*50*/ "", "", "", "", "", "", "", "",               /* PUSH r */
    /*58*/ "", "", "", "", "", "", "", "",               /* POP r */
    /*60*/ "", "", "m", "M", "P", "P", "P", "P",         /* PUSHA POPA BOUND ARPL FS: GS: 66 67 */
    /*68*/ "z", "Mz", "b", "Mb", "", "", "", "",         /* PUSH Iz, IMUL Iz, PUSH Ib, IMUL Ib, INS/OUTS */
    /*70*/ "b", "b", "b", "b", "b", "b", "b", "b",       /* Jcc Jb */
    /*78*/ "b", "b", "b", "b", "b", "b", "b", "b",
    /*80*/ "G", "G", "G", "G", "M", "M", "Mk", "Mk",     /* Grp1, TEST, XCHG */
    /*88*/ "M", "M", "M", "M", "G", "m", "G", "G",       /* MOV, MOV Ev,Sw, LEA, MOV Sw,Ew, Grp1A */
    /*90*/ "", "", "", "", "", "", "", "",               /* NOP, XCHG eAX,r */
    /*98*/ "", "", "p", "", "", "", "", "",              /* CBW CWD CALLF WAIT PUSHF POPF SAHF LAHF */
    /*A0*/ "o", "o", "o", "o", "", "", "", "",           /* MOV moffs, MOVS, CMPS */
    /*A8*/ "b", "z", "", "", "", "", "", "",             /* TEST, STOS LODS SCAS */
    /*B0*/ "b", "b", "b", "b", "b", "b", "b", "b",       /* MOV r8,Ib */
    /*B8*/ "z", "z", "z", "z", "z", "z", "z", "z",       /* MOV r,Iv */
    /*C0*/ "G", "G", "w", "", "m", "m", "G", "G",        /* Grp2 Ib, RET Iw, RET, LES, LDS, Grp11 */
    /*C8*/ "e", "", "w", "", "", "b", "", "",            /* ENTER LEAVE RETF Iw RETF INT3 INT INTO IRET */
    /*D0*/ "G", "G", "G", "G", "b", "b", "L", "",        /* Grp2 1/CL, AAM, AAD, SALC, XLAT */
    /*D8*/ "S", "S", "S", "S", "S", "S", "S", "S",       /* x87 */
    /*E0*/ "b", "b", "b", "b", "b", "b", "b", "b",       /* LOOPcc JCXZ IN OUT Ib */
    /*E8*/ "z", "z", "p", "b", "", "", "", "",           /* CALL JMP JMPF JMP Jb, IN OUT DX */
    /*F0*/ "P", "", "P", "P", "", "", "G", "G",          /* LOCK INT1 REPNE REP HLT CMC Grp3 */
    /*F8*/ "", "", "", "", "", "", "G", "G",             /* CLC STC CLI STI CLD STD Grp4 Grp5 */
};

/* Table A-3, two-byte opcodes 0F xx (Pentium Pro integer subset). */
static const char *const op2[256] = {
    /*00*/ "G", "G", "M", "M", "U", "U", "", "U",        /* Grp6 Grp7 LAR LSL - (SYSCALL) CLTS (LOADALL) */
    /*08*/ "", "", "U", "", "U", "ML", "U", "U",         /* INVD WBINVD - UD2 - (prefetch) (femms) (3DNow!) */
    /*10*/ "S", "S", "S", "S", "S", "S", "S", "S",       /* SSE */
    /*18*/ "ML", "ML", "ML", "ML", "ML", "ML", "ML", "G", /* hint NOPs, NOP Ev */
    /*20*/ "G", "R", "G", "R", "RL", "U", "RL", "U",     /* MOV CRn/DRn/TRn */
    /*28*/ "S", "S", "S", "S", "S", "S", "S", "S",       /* SSE */
    /*30*/ "", "", "", "", "L", "L", "U", "U",           /* WRMSR RDTSC RDMSR RDPMC (SYSENTER SYSEXIT) */
    /*38*/ "U", "U", "U", "U", "U", "U", "U", "U",       /* 3-byte escapes (later CPUs) */
    /*40*/ "M", "M", "M", "M", "M", "M", "M", "M",       /* CMOVcc */
    /*48*/ "M", "M", "M", "M", "M", "M", "M", "M",
    /*50*/ "S", "S", "S", "S", "S", "S", "S", "S",       /* SSE/MMX */
    /*58*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*60*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*68*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*70*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*78*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*80*/ "z", "z", "z", "z", "z", "z", "z", "z",       /* Jcc Jz */
    /*88*/ "z", "z", "z", "z", "z", "z", "z", "z",
    /*90*/ "M", "M", "M", "M", "M", "M", "M", "M",       /* SETcc Eb */
    /*98*/ "M", "M", "M", "M", "M", "M", "M", "M",
    /*A0*/ "", "", "", "M", "Mb", "M", "U", "U",         /* PUSH/POP FS CPUID BT SHLD - - */
    /*A8*/ "", "", "L", "Mk", "Mb", "M", "S", "M",       /* PUSH/POP GS RSM BTS SHRD Grp15 IMUL */
    /*B0*/ "Mk", "Mk", "m", "Mk", "m", "m", "M", "M",    /* CMPXCHG LSS BTR LFS LGS MOVZX */
    /*B8*/ "U", "ML", "G", "Mk", "M", "M", "M", "M",     /* - UD1 Grp8 BTC BSF BSR MOVSX */
    /*C0*/ "Mk", "Mk", "S", "S", "S", "S", "S", "G",     /* XADD, SSE, Grp9 */
    /*C8*/ "", "", "", "", "", "", "", "",               /* BSWAP */
    /*D0*/ "S", "S", "S", "S", "S", "S", "S", "S",       /* MMX/SSE */
    /*D8*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*E0*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*E8*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*F0*/ "S", "S", "S", "S", "S", "S", "S", "S",
    /*F8*/ "S", "S", "S", "S", "S", "S", "S", "S",
};

/* Table A-6, groups.  Indexed by opcode (two-byte opcodes as 0x100|op). */
typedef struct {
    int op;
    const char *reg[8];
} GroupSpec;

static const GroupSpec groups[] = {
    /* Grp1 Eb,Ib / Ev,Iz / Eb,Ib (82: alias of 80 outside 64-bit mode) /
     * Ev,Ib; /7 is CMP, which cannot be locked. */
    {0x80, {"Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mb"}},
    {0x81, {"Mzk", "Mzk", "Mzk", "Mzk", "Mzk", "Mzk", "Mzk", "Mz"}},
    {0x82, {"Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mb"}},
    {0x83, {"Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mbk", "Mb"}},
    /* MOV Ev,Sw / MOV Sw,Ew: sreg 6 and 7 do not exist; MOV CS,Ew is #UD. */
    {0x8C, {"M", "M", "M", "M", "M", "M", "ML", "ML"}},
    {0x8E, {"M", "ML", "M", "M", "M", "M", "ML", "ML"}},
    /* Grp1A: POP Ev is /0 only (/1-/7 are XOP on AMD, #UD on Intel). */
    {0x8F, {"M", "U", "U", "U", "U", "U", "U", "U"}},
    /* Grp2 ROL ROR RCL RCR SHL SHR (SAL alias) SAR. */
    {0xC0, {"Mb", "Mb", "Mb", "Mb", "Mb", "Mb", "MbL", "Mb"}},
    {0xC1, {"Mb", "Mb", "Mb", "Mb", "Mb", "Mb", "MbL", "Mb"}},
    {0xD0, {"M", "M", "M", "M", "M", "M", "ML", "M"}},
    {0xD1, {"M", "M", "M", "M", "M", "M", "ML", "M"}},
    {0xD2, {"M", "M", "M", "M", "M", "M", "ML", "M"}},
    {0xD3, {"M", "M", "M", "M", "M", "M", "ML", "M"}},
    /* Grp11: MOV Eb,Ib / Ev,Iz is /0 only on a Pentium Pro. */
    {0xC6, {"Mb", "U", "U", "U", "U", "U", "U", "U"}},
    {0xC7, {"Mz", "U", "U", "U", "U", "U", "U", "U"}},
    /* Grp3 TEST (/0 and its alias /1 take an immediate) NOT NEG MUL IMUL
     * DIV IDIV. */
    {0xF6, {"Mb", "Mb", "Mk", "Mk", "M", "M", "M", "M"}},
    {0xF7, {"Mz", "Mz", "Mk", "Mk", "M", "M", "M", "M"}},
    /* Grp4 INC/DEC Eb; Grp5 INC DEC CALL CALLF JMP JMPF PUSH -. */
    {0xFE, {"Mk", "Mk", "U", "U", "U", "U", "U", "U"}},
    {0xFF, {"Mk", "Mk", "M", "m", "M", "m", "M", "U"}},
    /* Grp6 SLDT STR LLDT LTR VERR VERW (JMPE) -. */
    {0x100, {"M", "M", "M", "M", "M", "M", "U", "U"}},
    /* Grp7 SGDT SIDT LGDT LIDT SMSW - LMSW INVLPG.  On a Pentium Pro the
     * mod=3 forms of /0-/3 and /7 are #UD (later CPUs put MONITOR, VMCALL,
     * SWAPGS... there); /5 is undefined. */
    {0x101, {"m", "m", "m", "m", "M", "U", "M", "m"}},
    /* 0F 1F: NOP Ev (/0 documented; P6 treats every /reg as a NOP). */
    {0x11F, {"M", "ML", "ML", "ML", "ML", "ML", "ML", "ML"}},
    /* MOV Rd,CRn / MOV CRn,Rd: CR1 and CR5-CR7 are reserved (#UD). */
    {0x120, {"R", "RL", "R", "R", "R", "RL", "RL", "RL"}},
    {0x122, {"R", "RL", "R", "R", "R", "RL", "RL", "RL"}},
    /* Grp8 BT BTS BTR BTC Ev,Ib (/4-/7). */
    {0x1BA, {"U", "U", "U", "U", "Mb", "Mbk", "Mbk", "Mbk"}},
    /* Grp9 CMPXCHG8B Mq (/1), RDRAND Rv (/6, register form only; the
     * memory form and F2/F3 are #UD, so those are accepted either way). */
    {0x1C7, {"U", "mk", "U", "U", "U", "U", "ML", "U"}},
};

static const char *spec_for(int op, int reg)
{
    const char *s = op >= 0x100 ? op2[op & 0xFF] : op1[op];
    if (strchr(s, 'G') == NULL)
        return s;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (groups[i].op == op)
            return groups[i].reg[reg];
    fprintf(stderr, "test_decode: no group table for opcode %03X\n", op);
    exit(99);
}

/* ------------------------------------------------------------------------
 * Expected length from the model.
 * ------------------------------------------------------------------------ */

enum { EXP_LEN, EXP_UNDEF, EXP_SKIP };

typedef struct {
    int kind;    /* EXP_* */
    int len;     /* when EXP_LEN: total length including prefixes */
    int lenient; /* 0 is also acceptable */
} Expect;

/* Bytes of SIB + displacement after a ModRM byte. */
static int modrm_extra(int addr32, int modrm, int sib)
{
    int mod = modrm >> 6, rm = modrm & 7;
    if (mod == 3)
        return 0;
    if (!addr32) {
        /* 16-bit addressing: Vol. 2 Table 2-1. */
        if (mod == 0)
            return rm == 6 ? 2 : 0;
        return mod == 1 ? 1 : 2;
    }
    /* 32-bit addressing: Vol. 2 Tables 2-2 and 2-3. */
    int n = 0;
    if (rm == 4) {
        n = 1;
        if (mod == 0 && (sib & 7) == 5)
            n += 4;
    }
    if (mod == 0)
        return n + (rm == 5 ? 4 : 0);
    return n + (mod == 1 ? 1 : 4);
}

static int has_modrm_spec(const char *s)
{
    return strpbrk(s, "MmRG") != NULL;
}

/* op: 0x00-0xFF or 0x100|xx; npfx prefixes with the given effects. */
static Expect expect_len(int op, int modrm, int sib, int code32, int npfx,
                         int p66, int p67, int lock)
{
    Expect e = {EXP_LEN, 0, 0};
    const char *s = op >= 0x100 ? op2[op & 0xFF] : op1[op];
    if (strchr(s, 'S') || strchr(s, 'P') || strchr(s, 'X')) {
        e.kind = EXP_SKIP;
        return e;
    }
    s = spec_for(op, (modrm >> 3) & 7);
    if (strchr(s, 'U')) {
        e.kind = EXP_UNDEF;
        return e;
    }
    int o32 = code32 ^ p66, a32 = code32 ^ p67;
    int len = npfx + (op >= 0x100 ? 2 : 1);
    int mem = 0;
    if (strchr(s, 'R')) {
        len += 1;
    } else if (strpbrk(s, "Mm")) {
        len += 1 + modrm_extra(a32, modrm, sib);
        mem = (modrm >> 6) != 3;
        if (strchr(s, 'm') && !mem)
            e.lenient = 1;
    }
    for (const char *c = s; *c; c++) {
        switch (*c) {
        case 'b': len += 1; break;
        case 'w': len += 2; break;
        case 'z': len += o32 ? 4 : 2; break;
        case 'p': len += o32 ? 6 : 4; break;
        case 'o': len += a32 ? 4 : 2; break;
        case 'e': len += 3; break;
        default: break;
        }
    }
    if (strchr(s, 'L'))
        e.lenient = 1;
    /* LOCK with anything but a lockable instruction's memory form is #UD
     * (SDM "LOCK-Assert LOCK# Signal Prefix"). */
    if (lock && !(strchr(s, 'k') && mem))
        e.lenient = 1;
    e.len = len;
    return e;
}

/* ------------------------------------------------------------------------
 * Checking.
 * ------------------------------------------------------------------------ */

static unsigned long n_pass, n_fail, n_lenient0, n_lenient_len;
static unsigned long fail_by_op[0x200];
static int fail_prints;

static void hexbytes(char *out, size_t cap, const uint8_t *b, int n)
{
    size_t k = 0;
    out[0] = 0;
    for (int i = 0; i < n && k + 4 < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%02X", i ? " " : "", b[i]);
}

static void report_fail(int op, const uint8_t *b, int n, int blen, int code32,
                        const char *what, int expect, int got)
{
    n_fail++;
    /* At most 3 lines per opcode, so that one broken group does not hide
     * the others; the per-opcode counts are printed at the end. */
    if (fail_by_op[op & 0x1FF]++ < 3 && fail_prints++ < 200) {
        char hex[64];
        hexbytes(hex, sizeof hex, b, blen);
        printf("FAIL %s-bit [%s] n=%d %s: expected %d, got %d\n",
               code32 ? "32" : "16", hex, n, what, expect, got);
    }
}

/* Calls the decoder with exactly n bytes in a heap buffer of size n. */
static int decode_exact(const uint8_t *b, int n, int code32)
{
    uint8_t *p = malloc(n ? (size_t)n : 1);
    if (!p) {
        fprintf(stderr, "test_decode: out of memory\n");
        exit(99);
    }
    memcpy(p, b, (size_t)n);
    int r = cpu_insn_length(p, n, code32);
    free(p);
    return r;
}

/* Checks one encoded instruction (instruction bytes then filler, 32 bytes
 * in buf) against the model's expectation. */
static void check_one(int op, const uint8_t *buf, int code32, Expect e)
{
    if (e.kind == EXP_SKIP)
        return;
    int got = cpu_insn_length(buf, 32, code32);
    if (e.kind == EXP_UNDEF) {
        /* Undefined: 0.  With many prefixes the decoder may also notice the
         * 15-byte limit first. */
        if (got == 0 || got == -1)
            n_pass++;
        else
            report_fail(op, buf, 32, 16, code32, "undefined opcode", 0, got);
        return;
    }
    int want = e.len > 15 ? -1 : e.len;
    if (e.lenient && got == 0) {
        n_lenient0++;
        n_pass++;
        return;
    }
    if (got != want) {
        report_fail(op, buf, 32, e.len > 15 ? 16 : e.len, code32,
                    "padded", want, got);
        return;
    }
    if (e.lenient)
        n_lenient_len++;
    if (want < 0) {
        n_pass++;
        return;
    }
    int g2 = decode_exact(buf, want, code32);
    if (g2 != want) {
        report_fail(op, buf, want, want, code32, "exact buffer", want, g2);
        return;
    }
    int g3 = decode_exact(buf, want - 1, code32);
    if (g3 != -2) {
        report_fail(op, buf, want - 1, want - 1, code32, "truncated", -2, g3);
        return;
    }
    n_pass++;
}

/* Prefix sets exercised for every opcode.  flags: 1 = 66, 2 = 67, 4 = F0. */
typedef struct {
    const char *name;
    int n;
    uint8_t b[15];
    int flags;
} PrefixSet;

static const PrefixSet prefix_sets[] = {
    {"none", 0, {0}, 0},
    {"66", 1, {0x66}, 1},
    {"67", 1, {0x67}, 2},
    {"66 67", 2, {0x66, 0x67}, 3},
    {"67 66", 2, {0x67, 0x66}, 3},
    {"66 66", 2, {0x66, 0x66}, 1},
    {"67 67", 2, {0x67, 0x67}, 2},
    {"26", 1, {0x26}, 0},
    {"2E", 1, {0x2E}, 0},
    {"36", 1, {0x36}, 0},
    {"3E", 1, {0x3E}, 0},
    {"64", 1, {0x64}, 0},
    {"65", 1, {0x65}, 0},
    {"F0", 1, {0xF0}, 4},
    {"F2", 1, {0xF2}, 0},
    {"F3", 1, {0xF3}, 0},
    {"F0 66 2E", 3, {0xF0, 0x66, 0x2E}, 5},
    {"F3 66 67 64", 4, {0xF3, 0x66, 0x67, 0x64}, 3},
    {"26 2E 36 3E 64 65 F2 F3 66", 9,
     {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0xF2, 0xF3, 0x66}, 1},
    {"x12", 12,
     {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0xF2, 0xF3, 0x66, 0x67, 0x3E, 0x67},
     3},
};

static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
    /* xorshift32: deterministic filler bytes. */
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static void golden_model(void)
{
    static const uint8_t sibs[2] = {0x00, 0x25}; /* base=EAX, base=5 */
    for (int code32 = 0; code32 < 2; code32++) {
        for (size_t ps = 0; ps < sizeof prefix_sets / sizeof prefix_sets[0];
             ps++) {
            const PrefixSet *P = &prefix_sets[ps];
            for (int op = 0; op < 0x200; op++) {
                if (op == 0x0F)
                    continue;
                const char *s = op >= 0x100 ? op2[op & 0xFF] : op1[op];
                if (strpbrk(s, "SPX"))
                    continue;
                int modrm_n = has_modrm_spec(s) ? 256 : 1;
                for (int modrm = 0; modrm < modrm_n; modrm++) {
                    int nsib = modrm_n > 1 && (modrm >> 6) != 3 &&
                                       (modrm & 7) == 4 ? 2 : 1;
                    for (int si = 0; si < nsib; si++) {
                        uint8_t buf[32];
                        int k = 0;
                        memcpy(buf, P->b, (size_t)P->n);
                        k = P->n;
                        if (op >= 0x100)
                            buf[k++] = 0x0F;
                        buf[k++] = (uint8_t)op;
                        if (modrm_n > 1)
                            buf[k++] = (uint8_t)modrm;
                        uint8_t sib = (uint8_t)(sibs[si] | (rng() & 0xF8));
                        /* filler: displacements/immediates/next bytes.  The
                         * first filler byte is the SIB candidate. */
                        for (int i = k; i < 32; i++)
                            buf[i] = (uint8_t)rng();
                        if (modrm_n > 1)
                            buf[k] = sib;
                        Expect e = expect_len(op, modrm, sib, code32, P->n,
                                              P->flags & 1, (P->flags >> 1) & 1,
                                              (P->flags >> 2) & 1);
                        check_one(op, buf, code32, e);
                    }
                }
            }
        }
        /* 15-byte limit with plain prefixes before NOP: 14 prefixes + 90 is
         * 15 bytes (allowed), 15 + 90 is 16 (not). */
        for (int np = 0; np <= 16; np++) {
            uint8_t buf[32];
            for (int i = 0; i < 32; i++)
                buf[i] = 0x90;
            for (int i = 0; i < np; i++)
                buf[i] = (i & 1) ? 0x3E : 0x66;
            Expect e = {EXP_LEN, np + 1, 0};
            check_one(0x90, buf, code32, e);
        }
    }
}

/* ------------------------------------------------------------------------
 * Literal vectors: byte strings with lengths computed by hand from the SDM,
 * independent of the model above.
 * ------------------------------------------------------------------------ */

typedef struct {
    const char *hex;
    int len16, len32; /* expected; -3 = don't check that mode */
} Literal;

static const Literal literals[] = {
    {"90", 1, 1},
    {"66 90", 2, 2},
    {"B8 01 00 00 00", 3, 5},                /* MOV eAX,Iv */
    {"66 B8 01 00 00 00", 6, 4},
    {"66 66 B8 01 00 00 00", 7, 5},          /* a repeated 66 toggles once */
    {"8B 04 24", 2, 3},                      /* [si] / [esp] via SIB */
    {"8B 05 11 22 33 44", 2, 6},             /* [di] / [disp32] */
    {"8B 04 25 11 22 33 44", 2, 7},          /* SIB base=5 mod 0: disp32 */
    {"8B 44 24 08", 3, 4},                   /* [si+8] / [esp+8] */
    {"8B 84 24 11 22 33 44", 4, 7},          /* [si+disp16] / [esp+disp32] */
    {"8B 06 34 12", 4, 2},                   /* [disp16] / [esi] */
    {"67 8B 06 34 12", 3, 5},                /* 67 swaps the forms */
    {"67 8B 04 25 11 22 33 44", 8, 3},
    {"67 8B 44 24 08", 5, 4},
    {"8B C0", 2, 2},
    {"A1 11 22 33 44", 3, 5},                /* moffs by address size */
    {"66 A1 11 22 33 44", 4, 6},             /* 66 does not change moffs */
    {"67 A1 11 22 33 44", 6, 4},
    {"9A 11 22 33 44 55 66", 5, 7},          /* CALLF ptr16:16 / ptr16:32 */
    {"66 9A 11 22 33 44 55 66", 8, 6},
    {"EA 11 22 33 44 55 66", 5, 7},
    {"67 EA 11 22 33 44 55 66", 6, 8},       /* 67 does not change ptr */
    {"C8 10 00 01", 4, 4},                   /* ENTER Iw,Ib */
    {"66 C8 10 00 01", 5, 5},
    {"C2 08 00", 3, 3},                      /* RET Iw */
    {"66 C2 08 00", 4, 4},
    {"CA 08 00", 3, 3},
    {"F6 05 11 22 33 44 55", 3, 7},          /* TEST Eb,Ib */
    {"F6 0D 11 22 33 44 55", 3, 7},          /* /1 alias has Ib too */
    {"F6 15 11 22 33 44 55", 2, 6},          /* NOT: no immediate */
    {"F6 C0 11", 3, 3},
    {"F6 D8", 2, 2},
    {"F7 05 11 22 33 44 55 66 77 88", 4, 10},
    {"66 F7 C0 34 12 00 00", 7, 5},
    {"F7 F9", 2, 2},                         /* IDIV */
    {"69 C0 11 22 33 44", 4, 6},
    {"6B C0 11", 3, 3},
    {"68 11 22 33 44", 3, 5},
    {"6A 11", 2, 2},
    {"E8 11 22 33 44", 3, 5},
    {"66 E8 11 22 33 44", 6, 4},
    {"EB 11", 2, 2},
    {"67 E3 11", 3, 3},                      /* JCXZ rel8, 67 = ECX */
    {"0F 84 11 22 33 44", 4, 6},
    {"66 0F 84 11 22 33 44", 7, 5},
    {"0F 20 C0", 3, 3},                      /* MOV r32,CR0 */
    {"0F 20 05 11 22 33 44", 3, 3},          /* mod is ignored */
    {"0F 22 04 24", 3, 3},
    {"0F 23 80 11 22 33 44", 3, 3},
    {"67 0F 21 06 11 22", 4, 4},
    {"0F BA E0 05", 4, 4},                   /* BT r,Ib */
    {"0F BA 20 05", 4, 4},
    {"0F BA 25 11 22 33 44 05", 4, 8},
    {"0F A4 C0 04", 4, 4},                   /* SHLD Ib */
    {"0F A5 C0", 3, 3},
    {"0F C7 0E 11 22", 5, 3},                /* CMPXCHG8B [disp16] / [esi] */
    {"0F 0B", 2, 2},                         /* UD2 */
    {"0F 04", 0, 0},
    {"0F 0A", 0, 0},
    {"0F 0C", 0, 0},
    {"0F A6 C0", 0, 0},
    {"0F B8 C0", 0, 0},
    {"0F BA C0 01", 0, 0},                   /* Grp8 /0 */
    {"C4 00", 2, 2},                         /* LES (not VEX) */
    {"C5 06 11 22", 4, 2},                   /* LDS */
    {"FF 15 11 22 33 44", 2, 6},             /* CALL [disp32] / [di] */
    {"FF 1E 11 22", 4, 2},                   /* CALLF m16:16 [disp16] */
    {"FF 3F", 0, 0},                         /* Grp5 /7 */
    {"FE 10", 0, 0},                         /* Grp4 /2 */
    {"8F C0", 2, 2},
    {"8F C8", 0, 0},
    {"C6 C0 05", 3, 3},
    {"C6 C8 05", 0, 0},
    {"C7 05 11 22 33 44 55 66 77 88", 4, 10},
    {"66 67 C7 06 11 22 33 44 55 66", 8, 8},
    {"0F 00 F0", 0, 0},                      /* Grp6 /6 */
    {"0F 01 E0", 3, 3},                      /* SMSW eax */
    {"0F 01 38", 3, 2 + 1},                  /* INVLPG [bx+si] / [eax] */
    {"0F 01 2D 11 22 33 44", 0, 0},          /* Grp7 /5 */
    {"0F 1F 00", 3, 3},                      /* NOP Ev */
    {"0F 1F 44 00 00", 4, 5},
    {"66 0F 1F 84 00 00 00 00 00", 6, 9},
    {"D4 0A", 2, 2},
    {"CD 21", 2, 2},
    {"F3 A4", 2, 2},
    {"F0 01 00", 3, 3},
    {"2E 66 67 F3 81 84 24 11 22 33 44 55 66 77 88", 15, 10},
    {"F0 66 81 84 24 11 22 33 44 55 66", 10, 11},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", 15, 15},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", -1, -1},
    {"26 2E 36 3E 64 65 F2 F3 66 67 81 84 24 11 22 33 44 55 66 77 88", -1,
     -1},
    {"26 2E 36 3E 64 65 F2 F3 F2 81 80 11 22 33 44 55 66 77 88", 15,
     -1},
};

static int parse_hex(const char *s, uint8_t *out, int cap)
{
    int n = 0;
    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        unsigned v;
        if (n >= cap || sscanf(s, "%2x", &v) != 1) {
            fprintf(stderr, "test_decode: bad literal \"%s\"\n", s);
            exit(99);
        }
        out[n++] = (uint8_t)v;
        s += 2;
    }
    return n;
}

static void golden_literals(void)
{
    for (size_t i = 0; i < sizeof literals / sizeof literals[0]; i++) {
        uint8_t buf[32];
        memset(buf, 0xCC, sizeof buf);
        int blen = parse_hex(literals[i].hex, buf, 32);
        for (int code32 = 0; code32 < 2; code32++) {
            int want = code32 ? literals[i].len32 : literals[i].len16;
            int got = cpu_insn_length(buf, 32, code32);
            if (got != want) {
                n_fail++;
                printf("FAIL literal %s-bit [%s]: expected %d, got %d\n",
                       code32 ? "32" : "16", literals[i].hex, want, got);
                continue;
            }
            if (want > 0) {
                int g2 = decode_exact(buf, want, code32);
                int g3 = decode_exact(buf, want - 1, code32);
                if (g2 != want || g3 != -2) {
                    n_fail++;
                    printf("FAIL literal %s-bit [%s]: exact %d -> %d, "
                           "truncated %d -> %d (want %d, -2)\n",
                           code32 ? "32" : "16", literals[i].hex, want, g2,
                           want - 1, g3, want);
                    continue;
                }
            }
            n_pass++;
        }
        (void)blen;
    }
    /* Empty buffer and lone prefixes/escapes need more bytes. */
    static const char *const need_more[] = {"", "66", "0F", "F0 2E 67",
                                            "8B", "8B 04", "8B 84 24 11",
                                            "0F 01", "C8 10 00"};
    for (size_t i = 0; i < sizeof need_more / sizeof need_more[0]; i++) {
        uint8_t buf[32];
        int n = parse_hex(need_more[i], buf, 32);
        int got = decode_exact(buf, n, 1);
        if (got == -2) {
            n_pass++;
        } else {
            n_fail++;
            printf("FAIL truncated 32-bit [%s] n=%d: expected -2, got %d\n",
                   need_more[i], n, got);
        }
    }
}

/* ------------------------------------------------------------------------
 * Part 2: objdump oracle.
 * ------------------------------------------------------------------------ */

enum { SLOT = 32, SLOT_RAND = 16 };

static const uint8_t oracle_prefixes[] = {0x66, 0x66, 0x67, 0x67, 0x26,
                                          0x2E, 0x36, 0x3E, 0x64, 0x65,
                                          0xF0, 0xF2, 0xF3};

/* Random integer opcode (one-byte, or 0F xx) per the tables above. */
static int random_opcode(void)
{
    for (;;) {
        int op = (rng() & 3) == 0 ? 0x100 | (int)(rng() & 0xFF)
                                  : (int)(rng() & 0xFF);
        const char *s = op >= 0x100 ? op2[op & 0xFF] : op1[op];
        if (op == 0x0F || strpbrk(s, "SPX"))
            continue;
        return op;
    }
}

static int is_prefix_word(const char *w)
{
    static const char *const names[] = {
        "data16", "data32", "addr16", "addr32", "es", "cs", "ss", "ds",
        "fs", "gs", "lock", "rep", "repz", "repnz", "repe", "repne",
        "bnd", "notrack", "xacquire", "xrelease", "ds:", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(w, names[i]) == 0)
            return 1;
    return 0;
}

typedef struct {
    int len;      /* bytes objdump consumed at the slot start; 0 = none */
    int bad;      /* "(bad)" or an unusable line */
    int skip;     /* FPU/SIMD/VEX decode, or a lone prefix line */
    char text[96];
} ObjLine;

/* Runs objdump on the file and fills lines[] for slot starts. */
static int run_objdump(const char *path, int code32, ObjLine *lines,
                       int nslots)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "objdump -D -z -b binary -m i386 --insn-width=16 %s '%s' "
             "2>/dev/null",
             code32 ? "" : "-M addr16,data16", path);
    FILE *f = popen(cmd, "r");
    if (!f)
        return -1;
    char line[512];
    int nlines = 0;
    while (fgets(line, sizeof line, f)) {
        /* "     20:\t66 90     \txchg   %ax,%ax" */
        char *colon = strchr(line, ':');
        char *tab1 = strchr(line, '\t');
        if (!colon || !tab1 || colon > tab1)
            continue;
        char *endp;
        unsigned long addr = strtoul(line, &endp, 16);
        if (endp != colon)
            continue;
        nlines++;
        if (addr % SLOT != 0 || addr / SLOT >= (unsigned long)nslots)
            continue;
        ObjLine *o = &lines[addr / SLOT];
        char *bytes = tab1 + 1;
        char *tab2 = strchr(bytes, '\t');
        char *text = tab2 ? tab2 + 1 : (char *)"";
        if (tab2)
            *tab2 = 0;
        int nb = 0;
        for (char *p = bytes; *p;) {
            while (*p == ' ')
                p++;
            if (p[0] && p[1] && p[0] != '\n') {
                unsigned v;
                if (sscanf(p, "%2x", &v) == 1)
                    nb++;
                p += 2;
            } else {
                break;
            }
        }
        text[strcspn(text, "\n")] = 0;
        o->len = nb;
        snprintf(o->text, sizeof o->text, "%s", text);
        if (strstr(text, "(bad)") || nb == 0)
            o->bad = 1;
        /* FPU, MMX/SSE, VEX/EVEX/XOP, MPX, 3DNow!: not integer. */
        if (strstr(text, "%st") || strstr(text, "%mm") ||
            strstr(text, "%xmm") || strstr(text, "%ymm") ||
            strstr(text, "%zmm") || strstr(text, "%k") ||
            strstr(text, "%bnd") || strchr(text, '{'))
            o->skip = 1;
        /* A line that is only prefixes: objdump printed a prefix on its
         * own (e.g. two prefixes of one group); its length is not the
         * instruction's. */
        char tmp[96];
        snprintf(tmp, sizeof tmp, "%s", text);
        int only_prefixes = 1, words = 0;
        for (char *w = strtok(tmp, " "); w; w = strtok(NULL, " ")) {
            words++;
            if (!is_prefix_word(w)) {
                only_prefixes = 0;
                break;
            }
        }
        if (words == 0 || only_prefixes)
            o->skip = 1;
        /* x87 mnemonics start with 'f'; objdump also folds a WAIT (9B)
         * into a following x87 instruction ("fstsw" = 9B DF E0). */
        snprintf(tmp, sizeof tmp, "%s", text);
        for (char *w = strtok(tmp, " "); w; w = strtok(NULL, " ")) {
            if (is_prefix_word(w))
                continue;
            if (w[0] == 'f')
                o->skip = 1;
            break;
        }
    }
    int st = pclose(f);
    if (st != 0 || nlines == 0)
        return -1;
    return 0;
}

static int objdump_available(void)
{
    return system("objdump --version >/dev/null 2>&1") == 0;
}

static void oracle(int nsamples)
{
    if (!objdump_available()) {
        printf("SKIP objdump oracle: objdump (binutils) not found\n");
        return;
    }
    uint8_t *data = malloc((size_t)nsamples * SLOT);
    ObjLine *lines = calloc((size_t)nsamples, sizeof *lines);
    if (!data || !lines) {
        fprintf(stderr, "test_decode: out of memory\n");
        exit(99);
    }
    unsigned long agree = 0, differ = 0, ours_undef = 0, theirs_bad = 0,
                  skipped = 0;
    int prints = 0, info_prints = 0;
    /* X86PC_DECODE_VERBOSE=1 prints every disagreement, not just the first
     * few. */
    const char *verbose = getenv("X86PC_DECODE_VERBOSE");
    int info_max = verbose && *verbose == '1' ? 1 << 30 : 12;
    int fail_max = verbose && *verbose == '1' ? 1 << 30 : 40;
    for (int code32 = 0; code32 < 2; code32++) {
        for (int i = 0; i < nsamples; i++) {
            uint8_t *s = data + (size_t)i * SLOT;
            int k = 0;
            int np = (int)(rng() % 5) - 1; /* -1..3; weighted to few */
            for (int j = 0; j < np; j++)
                s[k++] = oracle_prefixes[rng() % sizeof oracle_prefixes];
            int op = random_opcode();
            if (op >= 0x100)
                s[k++] = 0x0F;
            s[k++] = (uint8_t)op;
            while (k < SLOT_RAND)
                s[k++] = (uint8_t)rng();
            while (k < SLOT)
                s[k++] = 0x90;
        }
        char path[] = "/tmp/x86pc-test-decode-XXXXXX";
        int fd = mkstemp(path);
        if (fd < 0) {
            printf("SKIP objdump oracle: cannot create a temporary file: "
                   "%s\n", strerror(errno));
            free(data);
            free(lines);
            return;
        }
        FILE *f = fdopen(fd, "wb");
        if (!f || fwrite(data, SLOT, (size_t)nsamples, f) != (size_t)nsamples ||
            fclose(f) != 0) {
            printf("SKIP objdump oracle: cannot write %s\n", path);
            unlink(path);
            free(data);
            free(lines);
            return;
        }
        memset(lines, 0, (size_t)nsamples * sizeof *lines);
        int r = run_objdump(path, code32, lines, nsamples);
        unlink(path);
        if (r != 0) {
            printf("SKIP objdump oracle: objdump failed on the sample file\n");
            free(data);
            free(lines);
            return;
        }
        for (int i = 0; i < nsamples; i++) {
            uint8_t *s = data + (size_t)i * SLOT;
            ObjLine *o = &lines[i];
            int ours = cpu_insn_length(s, SLOT, code32);
            char hex[64];
            if (ours < 0 || o->skip) {
                skipped++;
                continue;
            }
            if (ours == 0 && !o->bad) {
                ours_undef++;
                if (info_prints++ < info_max) {
                    hexbytes(hex, sizeof hex, s, o->len);
                    printf("note %s-bit [%s]: undefined for us, objdump: %s\n",
                           code32 ? "32" : "16", hex, o->text);
                }
                continue;
            }
            if (ours > 0 && o->bad) {
                theirs_bad++;
                if (info_prints++ < info_max) {
                    hexbytes(hex, sizeof hex, s, ours);
                    printf("note %s-bit [%s]: length %d for us, objdump: "
                           "(bad)\n", code32 ? "32" : "16", hex, ours);
                }
                continue;
            }
            if (ours == 0 && o->bad) {
                agree++;
                n_pass++;
                continue;
            }
            if (ours == o->len) {
                agree++;
                n_pass++;
                continue;
            }
            differ++;
            n_fail++;
            if (prints++ < fail_max) {
                hexbytes(hex, sizeof hex, s, ours > o->len ? ours : o->len);
                printf("FAIL oracle %s-bit [%s]: ours %d, objdump %d (%s)\n",
                       code32 ? "32" : "16", hex, ours, o->len, o->text);
            }
        }
    }
    printf("objdump oracle: %lu agree, %lu differ, %lu undefined only for "
           "us, %lu (bad) only for objdump, %lu skipped (FPU/SIMD/prefix "
           "lines/over 15 bytes)\n",
           agree, differ, ours_undef, theirs_bad, skipped);
    free(data);
    free(lines);
}

int main(int argc, char **argv)
{
    int nsamples = 20000;
    const char *env = getenv("X86PC_DECODE_SAMPLES");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end || v < 0 || v > 10000000) {
            fprintf(stderr, "test_decode: bad X86PC_DECODE_SAMPLES '%s'\n",
                    env);
            return 99;
        }
        nsamples = (int)v;
    }
    env = getenv("X86PC_DECODE_SEED");
    if (env && *env)
        rng_state = (uint32_t)strtoul(env, NULL, 0) | 1u;
    (void)argc;
    (void)argv;

    golden_literals();
    unsigned long lit_fail = n_fail;
    golden_model();
    printf("golden: %lu failed (literals %lu); lenient cases: %lu returned 0, "
           "%lu returned the length\n",
           n_fail, lit_fail, n_lenient0, n_lenient_len);
    if (n_fail > lit_fail) {
        printf("failures by opcode:");
        for (int op = 0; op < 0x200; op++)
            if (fail_by_op[op])
                printf(" %s%02X:%lu", op >= 0x100 ? "0F" : "", op & 0xFF,
                       fail_by_op[op]);
        printf("\n");
    }
    if (nsamples > 0)
        oracle(nsamples);
    printf("%lu passed, %lu failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
