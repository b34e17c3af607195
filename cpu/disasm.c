/* x86 disassembler: Intel syntax from the CPU decoder's Insn (see disasm.h).
 *
 * Every opcode has a template "mnemonic op1,op2,op3" whose operand tokens
 * say how to print each operand from the decoded fields:
 *   Eb Ew Ed Ev  ModRM r/m: register or memory of 1/2/4/operand-size bytes
 *   Es           r/m for MOV Sreg: operand-size register, word memory
 *   Ey           r32 or m16 (PINSRW)
 *   Gb Gw Gd Gv  ModRM reg field as a general register
 *   M Mb Mw Md Mq Mt Mx Mp Mv Ma  memory only (no size, byte ... tbyte,
 *                xmmword, far pointer, operand size, BOUND pair)
 *   Ib Iw Iv Is I1  imm8, imm16, imm16/32, imm8 sign-extended, literal 1
 *   Jb Jv Ap O   relative target, far pointer, moffs
 *   Sw Rd Cd Dd  segment register (reg), r32 (rm), CRn, DRn
 *   Pq Qq Qd Nq  MMX reg, mm/m64, mm/m32, mm register (rm)
 *   Vx Wx Wq Wd Ux  XMM reg, xmm/m128, xmm/m64, xmm/m32, xmm register (rm)
 *   eAX..eDI     AX/EAX ... by operand size; STi = st(rm)
 * anything else (al, cl, dx, es, st, ...) is printed as is.  In the
 * mnemonic, "a|b" picks a for a 16-bit and b for a 32-bit operand size and
 * a trailing '~' appends 'w' or 'd' when the operand size differs from the
 * code size (pushfw in 32-bit code).  A memory-only token with a register
 * operand, or a register-only one with memory, makes the instruction
 * invalid: the CPU raises #UD for those forms too. */
#include "cpu/disasm.h"

#include <stdio.h>
#include <string.h>

#include "cpu/cpu_internal.h"

/* ------------------------------------------------------------ tables */

static const char *const one_byte[256] = {
    [0x00] = "add Eb,Gb", "add Ev,Gv", "add Gb,Eb", "add Gv,Ev", "add al,Ib", "add eAX,Iv", "push~ es", "pop~ es",
    [0x08] = "or Eb,Gb", "or Ev,Gv", "or Gb,Eb", "or Gv,Ev", "or al,Ib", "or eAX,Iv", "push~ cs", NULL,
    [0x10] = "adc Eb,Gb", "adc Ev,Gv", "adc Gb,Eb", "adc Gv,Ev", "adc al,Ib", "adc eAX,Iv", "push~ ss", "pop~ ss",
    [0x18] = "sbb Eb,Gb", "sbb Ev,Gv", "sbb Gb,Eb", "sbb Gv,Ev", "sbb al,Ib", "sbb eAX,Iv", "push~ ds", "pop~ ds",
    [0x20] = "and Eb,Gb", "and Ev,Gv", "and Gb,Eb", "and Gv,Ev", "and al,Ib", "and eAX,Iv", NULL, "daa",
    [0x28] = "sub Eb,Gb", "sub Ev,Gv", "sub Gb,Eb", "sub Gv,Ev", "sub al,Ib", "sub eAX,Iv", NULL, "das",
    [0x30] = "xor Eb,Gb", "xor Ev,Gv", "xor Gb,Eb", "xor Gv,Ev", "xor al,Ib", "xor eAX,Iv", NULL, "aaa",
    [0x38] = "cmp Eb,Gb", "cmp Ev,Gv", "cmp Gb,Eb", "cmp Gv,Ev", "cmp al,Ib", "cmp eAX,Iv", NULL, "aas",
    [0x40] = "inc eAX", "inc eCX", "inc eDX", "inc eBX", "inc eSP", "inc eBP", "inc eSI", "inc eDI",
    [0x48] = "dec eAX", "dec eCX", "dec eDX", "dec eBX", "dec eSP", "dec eBP", "dec eSI", "dec eDI",
    [0x50] = "push eAX", "push eCX", "push eDX", "push eBX", "push eSP", "push eBP", "push eSI", "push eDI",
    [0x58] = "pop eAX", "pop eCX", "pop eDX", "pop eBX", "pop eSP", "pop eBP", "pop eSI", "pop eDI",
    [0x60] = "pusha~", "popa~", "bound Gv,Ma", "arpl Ew,Gw", NULL, NULL, NULL, NULL,
    [0x68] = "push~ Iv", "imul Gv,Ev,Iv", "push~ Is", "imul Gv,Ev,Is", NULL, NULL, NULL, NULL,
    [0x70] = "jo Jb", "jno Jb", "jb Jb", "jae Jb", "je Jb", "jne Jb", "jbe Jb", "ja Jb",
    [0x78] = "js Jb", "jns Jb", "jp Jb", "jnp Jb", "jl Jb", "jge Jb", "jle Jb", "jg Jb",
    [0x84] = "test Eb,Gb", "test Ev,Gv", "xchg Eb,Gb", "xchg Ev,Gv",
    [0x88] = "mov Eb,Gb", "mov Ev,Gv", "mov Gb,Eb", "mov Gv,Ev", "mov Es,Sw", "lea Gv,M", "mov Sw,Es", "pop Ev",
    [0x90] = "nop", "xchg eCX,eAX", "xchg eDX,eAX", "xchg eBX,eAX", "xchg eSP,eAX", "xchg eBP,eAX", "xchg eSI,eAX", "xchg eDI,eAX",
    [0x98] = "cbw|cwde", "cwd|cdq", "call Ap", "fwait", "pushf~", "popf~", "sahf", "lahf",
    [0xA0] = "mov al,O", "mov eAX,O", "mov O,al", "mov O,eAX",
    [0xA8] = "test al,Ib", "test eAX,Iv",
    [0xB0] = "mov al,Ib", "mov cl,Ib", "mov dl,Ib", "mov bl,Ib", "mov ah,Ib", "mov ch,Ib", "mov dh,Ib", "mov bh,Ib",
    [0xB8] = "mov eAX,Iv", "mov eCX,Iv", "mov eDX,Iv", "mov eBX,Iv", "mov eSP,Iv", "mov eBP,Iv", "mov eSI,Iv", "mov eDI,Iv",
    [0xC2] = "ret~ Iw", "ret~", "les Gv,Mp", "lds Gv,Mp", "mov Eb,Ib", "mov Ev,Iv",
    [0xC8] = "enter~ Iw,Ib", "leave~", "retf~ Iw", "retf~", "int3", "int Ib", "into", "iret~",
    [0xD4] = "aam Ib", "aad Ib", "salc", "xlat Xb",
    [0xE0] = "loopne Jb", "loope Jb", "loop Jb", NULL, "in al,Ib", "in eAX,Ib", "out Ib,al", "out Ib,eAX",
    [0xE8] = "call~ Jv", "jmp~ Jv", "jmp Ap", "jmp Jb", "in al,dx", "in eAX,dx", "out dx,al", "out dx,eAX",
    [0xF1] = "int1", [0xF4] = "hlt", "cmc",
    [0xF8] = "clc", "stc", "cli", "sti", "cld", "std",
};

static const char *const grp1[8] = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};
static const char *const grp2[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "shl", "sar"};
static const char *const grp3[8] = {"test E,I", "test E,I", "not E", "neg E",
                                    "mul E", "imul E", "div E", "idiv E"};
static const char *const grp5[8] = {"inc Ev", "dec Ev", "call Ev", "call Mp",
                                    "jmp Ev", "jmp Mp", "push Ev", NULL};
static const char *const cc[16] = {"o", "no", "b", "ae", "e", "ne", "be", "a",
                                   "s", "ns", "p", "np", "l", "ge", "le", "g"};

/* 0F map, except the prefix-dependent SSE/MMX opcodes (sse_tab). */
static const char *const two_byte[256] = {
    [0x02] = "lar Gv,Es", "lsl Gv,Es", [0x06] = "clts",
    [0x08] = "invd", "wbinvd", [0x0B] = "ud2",
    [0x19] = "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev", "nop Ev",
    [0x20] = "mov Rd,Cd", "mov Rd,Dd", "mov Cd,Rd", "mov Dd,Rd",
    [0x30] = "wrmsr", "rdtsc", "rdmsr", "rdpmc", "sysenter", "sysexit",
    [0xA0] = "push~ fs", "pop~ fs", "cpuid", "bt Ev,Gv", "shld Ev,Gv,Ib", "shld Ev,Gv,cl",
    [0xA8] = "push~ gs", "pop~ gs", [0xAB] = "bts Ev,Gv", "shrd Ev,Gv,Ib", "shrd Ev,Gv,cl",
    [0xAF] = "imul Gv,Ev",
    [0xB0] = "cmpxchg Eb,Gb", "cmpxchg Ev,Gv", "lss Gv,Mp", "btr Ev,Gv", "lfs Gv,Mp", "lgs Gv,Mp",
    "movzx Gv,Eb", "movzx Gv,Ew",
    [0xBB] = "btc Ev,Gv", "bsf Gv,Ev", "bsr Gv,Ev", "movsx Gv,Eb", "movsx Gv,Ew",
    [0xC0] = "xadd Eb,Gb", "xadd Ev,Gv",
    [0xC8] = "bswap Rv", "bswap Rv", "bswap Rv", "bswap Rv", "bswap Rv", "bswap Rv", "bswap Rv", "bswap Rv",
};

/* Prefix-selected forms: [none, 66, F2, F3] (cpu/sse.c prefix_of order). */
#define MX(n) { n " Pq,Qq", n " Vx,Wx", NULL, NULL }
#define ML(n) { n " Pq,Qd", n " Vx,Wx", NULL, NULL } /* punpckl*: m32 MMX form */
#define PS4(n) { n "ps Vx,Wx", n "pd Vx,Wx", n "sd Vx,Wq", n "ss Vx,Wd" }
#define PS2(n) { n "ps Vx,Wx", n "pd Vx,Wx", NULL, NULL }
static const char *const sse_tab[256][4] = {
    [0x10] = { "movups Vx,Wx", "movupd Vx,Wx", "movsd Vx,Wq", "movss Vx,Wd" },
    [0x11] = { "movups Wx,Vx", "movupd Wx,Vx", "movsd Wq,Vx", "movss Wd,Vx" },
    [0x12] = { "movlps Vx,Mq", "movlpd Vx,Mq", NULL, NULL }, /* mod 3: movhlps */
    [0x13] = { "movlps Mq,Vx", "movlpd Mq,Vx", NULL, NULL },
    [0x14] = PS2("unpckl"), [0x15] = PS2("unpckh"),
    [0x16] = { "movhps Vx,Mq", "movhpd Vx,Mq", NULL, NULL }, /* mod 3: movlhps */
    [0x17] = { "movhps Mq,Vx", "movhpd Mq,Vx", NULL, NULL },
    [0x28] = { "movaps Vx,Wx", "movapd Vx,Wx", NULL, NULL },
    [0x29] = { "movaps Wx,Vx", "movapd Wx,Vx", NULL, NULL },
    [0x2A] = { "cvtpi2ps Vx,Qq", "cvtpi2pd Vx,Qq", "cvtsi2sd Vx,Ed", "cvtsi2ss Vx,Ed" },
    [0x2B] = { "movntps Mx,Vx", "movntpd Mx,Vx", NULL, NULL },
    [0x2C] = { "cvttps2pi Pq,Wq", "cvttpd2pi Pq,Wx", "cvttsd2si Gd,Wq", "cvttss2si Gd,Wd" },
    [0x2D] = { "cvtps2pi Pq,Wq", "cvtpd2pi Pq,Wx", "cvtsd2si Gd,Wq", "cvtss2si Gd,Wd" },
    [0x2E] = { "ucomiss Vx,Wd", "ucomisd Vx,Wq", NULL, NULL },
    [0x2F] = { "comiss Vx,Wd", "comisd Vx,Wq", NULL, NULL },
    [0x50] = { "movmskps Gd,Ux", "movmskpd Gd,Ux", NULL, NULL },
    [0x51] = PS4("sqrt"),
    [0x52] = { "rsqrtps Vx,Wx", NULL, NULL, "rsqrtss Vx,Wd" },
    [0x53] = { "rcpps Vx,Wx", NULL, NULL, "rcpss Vx,Wd" },
    [0x54] = PS2("and"), [0x55] = PS2("andn"), [0x56] = PS2("or"), [0x57] = PS2("xor"),
    [0x58] = PS4("add"), [0x59] = PS4("mul"),
    [0x5A] = { "cvtps2pd Vx,Wq", "cvtpd2ps Vx,Wx", "cvtsd2ss Vx,Wq", "cvtss2sd Vx,Wd" },
    [0x5B] = { "cvtdq2ps Vx,Wx", "cvtps2dq Vx,Wx", NULL, "cvttps2dq Vx,Wx" },
    [0x5C] = PS4("sub"), [0x5D] = PS4("min"), [0x5E] = PS4("div"), [0x5F] = PS4("max"),
    [0x60] = ML("punpcklbw"), [0x61] = ML("punpcklwd"), [0x62] = ML("punpckldq"),
    [0x63] = MX("packsswb"), [0x64] = MX("pcmpgtb"), [0x65] = MX("pcmpgtw"),
    [0x66] = MX("pcmpgtd"), [0x67] = MX("packuswb"),
    [0x68] = MX("punpckhbw"), [0x69] = MX("punpckhwd"), [0x6A] = MX("punpckhdq"),
    [0x6B] = MX("packssdw"),
    [0x6C] = { NULL, "punpcklqdq Vx,Wx", NULL, NULL },
    [0x6D] = { NULL, "punpckhqdq Vx,Wx", NULL, NULL },
    [0x6E] = { "movd Pq,Ed", "movd Vx,Ed", NULL, NULL },
    [0x6F] = { "movq Pq,Qq", "movdqa Vx,Wx", NULL, "movdqu Vx,Wx" },
    [0x70] = { "pshufw Pq,Qq,Ib", "pshufd Vx,Wx,Ib", "pshuflw Vx,Wx,Ib", "pshufhw Vx,Wx,Ib" },
    /* 71-73: shift groups (special) */
    [0x74] = MX("pcmpeqb"), [0x75] = MX("pcmpeqw"), [0x76] = MX("pcmpeqd"),
    [0x77] = { "emms", NULL, NULL, NULL },
    [0x7E] = { "movd Ed,Pq", "movd Ed,Vx", NULL, "movq Vx,Wq" },
    [0x7F] = { "movq Qq,Pq", "movdqa Wx,Vx", NULL, "movdqu Wx,Vx" },
    [0xC2] = { "cmpps Vx,Wx,Ib", "cmppd Vx,Wx,Ib", "cmpsd Vx,Wq,Ib", "cmpss Vx,Wd,Ib" },
    [0xC4] = { "pinsrw Pq,Ey,Ib", "pinsrw Vx,Ey,Ib", NULL, NULL },
    [0xC5] = { "pextrw Gd,Nq,Ib", "pextrw Gd,Ux,Ib", NULL, NULL },
    [0xC6] = { "shufps Vx,Wx,Ib", "shufpd Vx,Wx,Ib", NULL, NULL },
    [0xD1] = MX("psrlw"), [0xD2] = MX("psrld"), [0xD3] = MX("psrlq"), [0xD4] = MX("paddq"),
    [0xD5] = MX("pmullw"),
    [0xD6] = { NULL, "movq Wq,Vx", "movdq2q Pq,Ux", "movq2dq Vx,Nq" },
    [0xD7] = { "pmovmskb Gd,Nq", "pmovmskb Gd,Ux", NULL, NULL },
    [0xD8] = MX("psubusb"), [0xD9] = MX("psubusw"), [0xDA] = MX("pminub"), [0xDB] = MX("pand"),
    [0xDC] = MX("paddusb"), [0xDD] = MX("paddusw"), [0xDE] = MX("pmaxub"), [0xDF] = MX("pandn"),
    [0xE0] = MX("pavgb"), [0xE1] = MX("psraw"), [0xE2] = MX("psrad"), [0xE3] = MX("pavgw"),
    [0xE4] = MX("pmulhuw"), [0xE5] = MX("pmulhw"),
    [0xE6] = { NULL, "cvttpd2dq Vx,Wx", "cvtpd2dq Vx,Wx", "cvtdq2pd Vx,Wq" },
    [0xE7] = { "movntq Mq,Pq", "movntdq Mx,Vx", NULL, NULL },
    [0xE8] = MX("psubsb"), [0xE9] = MX("psubsw"), [0xEA] = MX("pminsw"), [0xEB] = MX("por"),
    [0xEC] = MX("paddsb"), [0xED] = MX("paddsw"), [0xEE] = MX("pmaxsw"), [0xEF] = MX("pxor"),
    [0xF1] = MX("psllw"), [0xF2] = MX("pslld"), [0xF3] = MX("psllq"), [0xF4] = MX("pmuludq"),
    [0xF5] = MX("pmaddwd"), [0xF6] = MX("psadbw"),
    [0xF7] = { "maskmovq Pq,Nq", "maskmovdqu Vx,Ux", NULL, NULL },
    [0xF8] = MX("psubb"), [0xF9] = MX("psubw"), [0xFA] = MX("psubd"), [0xFB] = MX("psubq"),
    [0xFC] = MX("paddb"), [0xFD] = MX("paddw"), [0xFE] = MX("paddd"),
};

/* x87 memory forms: [escape][reg] */
static const char *const fpu_mem[8][8] = {
    {"fadd Md", "fmul Md", "fcom Md", "fcomp Md", "fsub Md", "fsubr Md", "fdiv Md", "fdivr Md"},
    {"fld Md", NULL, "fst Md", "fstp Md", "fldenv~ M", "fldcw Mw", "fnstenv~ M", "fnstcw Mw"},
    {"fiadd Md", "fimul Md", "ficom Md", "ficomp Md", "fisub Md", "fisubr Md", "fidiv Md", "fidivr Md"},
    {"fild Md", NULL, "fist Md", "fistp Md", NULL, "fld Mt", NULL, "fstp Mt"},
    {"fadd Mq", "fmul Mq", "fcom Mq", "fcomp Mq", "fsub Mq", "fsubr Mq", "fdiv Mq", "fdivr Mq"},
    {"fld Mq", NULL, "fst Mq", "fstp Mq", "frstor~ M", NULL, "fnsave~ M", "fnstsw Mw"},
    {"fiadd Mw", "fimul Mw", "ficom Mw", "ficomp Mw", "fisub Mw", "fisubr Mw", "fidiv Mw", "fidivr Mw"},
    {"fild Mw", NULL, "fist Mw", "fistp Mw", "fbld Mt", "fild Mq", "fbstp Mt", "fistp Mq"},
};
/* x87 register forms by escape and reg, for the rows that take st(i). */
static const char *const fpu_reg[8][8] = {
    {"fadd st,STi", "fmul st,STi", "fcom STi", "fcomp STi", "fsub st,STi", "fsubr st,STi", "fdiv st,STi", "fdivr st,STi"},
    {"fld STi", "fxch STi", NULL, "fstp1 STi", NULL, NULL, NULL, NULL},
    {"fcmovb st,STi", "fcmove st,STi", "fcmovbe st,STi", "fcmovu st,STi", NULL, NULL, NULL, NULL},
    {"fcmovnb st,STi", "fcmovne st,STi", "fcmovnbe st,STi", "fcmovnu st,STi", NULL, "fucomi st,STi", "fcomi st,STi", NULL},
    {"fadd STi,st", "fmul STi,st", "fcom2 STi", "fcomp3 STi", "fsubr STi,st", "fsub STi,st", "fdivr STi,st", "fdiv STi,st"},
    {"ffree STi", "fxch4 STi", "fst STi", "fstp STi", "fucom STi", "fucomp STi", NULL, NULL},
    {"faddp STi,st", "fmulp STi,st", "fcomp5 STi", NULL, "fsubrp STi,st", "fsubp STi,st", "fdivrp STi,st", "fdivp STi,st"},
    {"ffreep STi", "fxch7 STi", "fstp8 STi", "fstp9 STi", NULL, "fucomip st,STi", "fcomip st,STi", NULL},
};
static const char *const fpu_d9[4][8] = { /* D9 E0-FF */
    {"fchs", "fabs", NULL, NULL, "ftst", "fxam", NULL, NULL},
    {"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", NULL},
    {"f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp"},
    {"fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"},
};

/* ------------------------------------------------------------ output */

typedef struct Out {
    char *p;
    size_t len, pos;
} Out;

static void put(Out *o, const char *s)
{
    while (*s) {
        if (o->pos + 1 < o->len)
            o->p[o->pos] = *s;
        o->pos++;
        s++;
    }
    if (o->len)
        o->p[o->pos + 1 < o->len ? o->pos : o->len - 1] = 0;
}

static void putf(Out *o, const char *fmt, uint32_t v)
{
    char b[32];
    snprintf(b, sizeof b, fmt, (unsigned long)v);
    put(o, b);
}

static DisasmSymFn sym_fn;
static void *sym_opaque;

void disasm_set_symbols(DisasmSymFn fn, void *opaque)
{
    sym_fn = fn;
    sym_opaque = opaque;
}

static const char *const r8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
static const char *const r16[8] = {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"};
static const char *const r32[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const sregs[8] = {"es", "cs", "ss", "ds", "fs", "gs", "?", "?"};

static const char *reg_name(int size, int r)
{
    return size == 1 ? r8[r & 7] : size == 2 ? r16[r & 7] : r32[r & 7];
}

/* ------------------------------------------------------------ state */

typedef struct Ctx {
    const Insn *i;
    const uint8_t *bytes;
    int code32;
    uint32_t eip;
    int bad;      /* an operand form the CPU rejects */
    int seg_used; /* a memory operand printed the segment override */
    uint32_t cs_base; /* for symbol lookups of branch targets */
} Ctx;

static void put_mem(Ctx *x, Out *o, const char *size)
{
    const Insn *i = x->i;
    int sib = i->asz && i->rm == 4;
    int idx_none = sib && i->index == NOREG;
    if (size && *size) {
        put(o, size);
        put(o, " ptr ");
    }
    if (i->seg_override) {
        put(o, sregs[i->seg]);
        put(o, ":");
        x->seg_used = 1;
    }
    if (sib && i->base == NOREG && i->index == NOREG && !i->scale) {
        putf(o, "[0x%lx]", i->disp); /* SIB with neither base nor index */
        return;
    }
    if (i->base == NOREG && i->index == NOREG && !(idx_none && i->scale)) {
        /* displacement only */
        if (!i->seg_override)
            put(o, "ds:");
        putf(o, "0x%lx", i->asz ? i->disp : (i->disp & 0xFFFF));
        return;
    }
    put(o, "[");
    if (!i->asz) {
        static const char *const m16[8] = {"bx+si", "bx+di", "bp+si", "bp+di",
                                           "si", "di", "bp", "bx"};
        put(o, m16[i->rm]);
        if (i->mod == 1) {
            int8_t d = (int8_t)i->disp;
            putf(o, d < 0 ? "-0x%lx" : "+0x%lx", (uint32_t)(d < 0 ? -d : d));
        } else if (i->mod == 2) {
            int16_t d = (int16_t)i->disp;
            putf(o, d < 0 ? "-0x%lx" : "+0x%lx",
                 (uint32_t)(d < 0 ? -(int32_t)d : d));
        }
    } else {
        int any = 0;
        if (i->base != NOREG) {
            put(o, r32[i->base]);
            any = 1;
        }
        if (i->index != NOREG || (idx_none && (i->base != R_ESP || i->scale))) {
            char b[16];
            if (any)
                put(o, "+");
            snprintf(b, sizeof b, "%s*%d",
                     i->index == NOREG ? "eiz" : r32[i->index], 1 << i->scale);
            put(o, b);
            any = 1;
        }
        if (i->base == NOREG || i->mod == 2) { /* disp32 */
            int32_t d = (int32_t)i->disp;
            putf(o, d < 0 ? "-0x%lx" : "+0x%lx",
                 d < 0 ? (uint32_t)0 - (uint32_t)d : (uint32_t)d);
        } else if (i->mod == 1) {
            int8_t d = (int8_t)i->disp;
            putf(o, d < 0 ? "-0x%lx" : "+0x%lx", (uint32_t)(d < 0 ? -d : d));
        } else if (i->mod == 2) {
            int32_t d = (int32_t)i->disp;
            putf(o, d < 0 ? "-0x%lx" : "+0x%lx",
                 d < 0 ? (uint32_t)0 - (uint32_t)d : (uint32_t)d);
        }
    }
    put(o, "]");
}

static void put_target(Out *o, uint32_t t, uint32_t cs_base)
{
    const char *name;
    uint32_t off;
    putf(o, "0x%lx", t);
    if (sym_fn && sym_fn(sym_opaque, cs_base + t, &name, &off)) {
        put(o, " <");
        put(o, name);
        if (off)
            putf(o, "+0x%lx", off);
        put(o, ">");
    }
}

/* Prints one operand token; returns 0 for an unknown token. */
static void put_operand(Ctx *x, Out *o, const char *t, int tl)
{
    const Insn *i = x->i;
    int osz = i->osz ? 4 : 2;
    char tok[16];
    if (tl >= (int)sizeof tok)
        tl = (int)sizeof tok - 1;
    memcpy(tok, t, (size_t)tl);
    tok[tl] = 0;

    if (tok[0] == 'E' && tl == 2) {
        int sz = tok[1] == 'b' ? 1 : tok[1] == 'w' ? 2 : tok[1] == 'd' ? 4 : osz;
        if (i->mod == 3) {
            put(o, reg_name(tok[1] == 'y' ? 4 : sz, i->rm));
        } else {
            if (tok[1] == 's' || tok[1] == 'y')
                sz = 2;
            put_mem(x, o, sz == 1 ? "byte" : sz == 2 ? "word" : "dword");
        }
        return;
    }
    if (tok[0] == 'G' && tl == 2) {
        int sz = tok[1] == 'b' ? 1 : tok[1] == 'w' ? 2 : tok[1] == 'd' ? 4 : osz;
        put(o, reg_name(sz, i->reg));
        return;
    }
    if (tok[0] == 'M' && tl <= 2) {
        const char *sz = "";
        if (i->mod == 3) {
            x->bad = 1;
            return;
        }
        switch (tl == 2 ? tok[1] : 0) {
        case 'b': sz = "byte"; break;
        case 'w': sz = "word"; break;
        case 'd': sz = "dword"; break;
        case 'q': sz = "qword"; break;
        case 't': sz = "tbyte"; break;
        case 'x': sz = "xmmword"; break;
        case 'p': sz = i->osz ? "fword" : "dword"; break;
        case 'v': sz = i->osz ? "dword" : "word"; break;
        case 'a': sz = i->osz ? "qword" : "dword"; break;
        }
        put_mem(x, o, sz);
        return;
    }
    if (!strcmp(tok, "Ib")) {
        putf(o, "0x%lx", i->op == 0xC8 ? i->imm2 : (i->imm & 0xFF));
        return;
    }
    if (!strcmp(tok, "Iw")) {
        putf(o, "0x%lx", i->imm & 0xFFFF);
        return;
    }
    if (!strcmp(tok, "Iv")) {
        putf(o, "0x%lx", i->osz ? i->imm : (i->imm & 0xFFFF));
        return;
    }
    if (!strcmp(tok, "Is")) {
        uint32_t v = (uint32_t)(int32_t)(int8_t)i->imm;
        putf(o, "0x%lx", i->osz ? v : (v & 0xFFFF));
        return;
    }
    if (!strcmp(tok, "I1")) {
        put(o, "1");
        return;
    }
    if (tok[0] == 'J') {
        uint32_t rel = tok[1] == 'b' ? (uint32_t)(int32_t)(int8_t)i->imm
                       : i->osz      ? i->imm
                                     : (uint32_t)(int32_t)(int16_t)i->imm;
        uint32_t t = x->eip + i->len + rel;
        if (!i->osz)
            t &= 0xFFFF;
        put_target(o, t, x->cs_base);
        return;
    }
    if (!strcmp(tok, "Ap")) {
        putf(o, "0x%lx:", i->imm2);
        putf(o, "0x%lx", i->osz ? i->imm : (i->imm & 0xFFFF));
        return;
    }
    if (!strcmp(tok, "O")) {
        if (i->seg_override) {
            put(o, sregs[i->seg]);
            x->seg_used = 1;
        } else {
            put(o, "ds");
        }
        putf(o, ":0x%lx", i->disp);
        return;
    }
    if (!strcmp(tok, "Sw")) {
        if (i->reg > 5 || (i->op == 0x8E && i->reg == S_CS))
            x->bad = 1;
        put(o, sregs[i->reg]);
        return;
    }
    if (!strcmp(tok, "Xb")) { /* XLAT: byte ptr seg:[(e)bx] */
        put(o, "byte ptr ");
        put(o, i->seg_override ? sregs[i->seg] : "ds");
        put(o, i->asz ? ":[ebx]" : ":[bx]");
        x->seg_used = 1;
        return;
    }
    if (!strcmp(tok, "Rd")) {
        put(o, r32[i->rm]);
        return;
    }
    if (!strcmp(tok, "Rv")) {
        put(o, reg_name(osz, i->op & 7));
        return;
    }
    if (!strcmp(tok, "Cd")) {
        if (i->reg == 1 || i->reg > 4)
            x->bad = 1;
        putf(o, "cr%lu", i->reg);
        return;
    }
    if (!strcmp(tok, "Dd")) {
        putf(o, "dr%lu", i->reg);
        return;
    }
    if (!strcmp(tok, "Pq")) {
        putf(o, "mm%lu", i->reg);
        return;
    }
    if (!strcmp(tok, "Nq")) {
        if (i->mod != 3)
            x->bad = 1;
        putf(o, "mm%lu", i->rm);
        return;
    }
    if (!strcmp(tok, "Qq") || !strcmp(tok, "Qd")) {
        if (i->mod == 3)
            putf(o, "mm%lu", i->rm);
        else
            put_mem(x, o, tok[1] == 'q' ? "qword" : "dword");
        return;
    }
    if (!strcmp(tok, "Vx")) {
        putf(o, "xmm%lu", i->reg);
        return;
    }
    if (!strcmp(tok, "Ux")) {
        if (i->mod != 3)
            x->bad = 1;
        putf(o, "xmm%lu", i->rm);
        return;
    }
    if (tok[0] == 'W' && tl == 2) {
        if (i->mod == 3)
            putf(o, "xmm%lu", i->rm);
        else
            put_mem(x, o, tok[1] == 'x' ? "xmmword" : tok[1] == 'q' ? "qword" : "dword");
        return;
    }
    if (!strcmp(tok, "STi")) {
        putf(o, "st(%lu)", i->rm);
        return;
    }
    if (tok[0] == 'e' && tl == 3 && tok[1] >= 'A' && tok[1] <= 'Z') {
        static const char *const nm[8] = {"AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI"};
        for (int k = 0; k < 8; k++)
            if (!strcmp(tok + 1, nm[k]))
                put(o, reg_name(osz, k));
        return;
    }
    put(o, tok); /* literal register */
}

/* Prints template t ("mnem ops") with prefix text pfx already emitted. */
static void put_template(Ctx *x, Out *o, const char *t)
{
    const Insn *i = x->i;
    const char *sp = strchr(t, ' ');
    size_t ml = sp ? (size_t)(sp - t) : strlen(t);
    char mn[32];
    const char *bar;
    if (ml >= sizeof mn)
        ml = sizeof mn - 1;
    memcpy(mn, t, ml);
    mn[ml] = 0;
    bar = strchr(mn, '|');
    if (bar) {
        if (i->osz)
            memmove(mn, bar + 1, strlen(bar + 1) + 1);
        else
            mn[bar - mn] = 0;
    }
    ml = strlen(mn);
    if (ml && mn[ml - 1] == '~') {
        mn[ml - 1] = 0;
        if (i->osz != x->code32)
            strcat(mn, i->osz ? "d" : "w");
    }
    put(o, mn);
    if (!sp)
        return;
    put(o, " ");
    t = sp + 1;
    while (*t) {
        const char *e = strchr(t, ',');
        int tl = e ? (int)(e - t) : (int)strlen(t);
        put_operand(x, o, t, tl);
        if (!e)
            break;
        put(o, ",");
        t = e + 1;
    }
}

/* Reserved x87 register forms (the CPU's #UD cases, cpu/fpu.c). */
static const char *fpu_template(const Insn *i, char *buf, size_t n)
{
    unsigned esc = i->op & 7, reg = i->reg, rm = i->rm;
    if (i->mod != 3)
        return fpu_mem[esc][reg];
    switch (esc) {
    case 1:
        if (reg == 2)
            return rm == 0 ? "fnop" : NULL;
        if (reg >= 4)
            return fpu_d9[reg - 4][rm];
        break;
    case 2:
        if (reg == 5)
            return rm == 1 ? "fucompp" : NULL;
        break;
    case 3:
        if (reg == 4) {
            static const char *const d[5] = {"fneni", "fndisi", "fnclex",
                                             "fninit", "fnsetpm"};
            return rm <= 4 ? d[rm] : NULL;
        }
        break;
    case 6:
        if (reg == 3)
            return rm == 1 ? "fcompp" : NULL;
        break;
    case 7:
        if (reg == 4)
            return rm == 0 ? "fnstsw ax" : NULL;
        break;
    }
    (void)buf;
    (void)n;
    return fpu_reg[esc][reg];
}

static int is_string_op(unsigned op)
{
    return (op >= 0x6C && op <= 0x6F) || (op >= 0xA4 && op <= 0xA7) ||
           (op >= 0xAA && op <= 0xAF);
}

/* String instructions: explicit operands with their segments. */
static void put_string(Ctx *x, Out *o)
{
    const Insn *i = x->i;
    static const char *const names[] = {"ins", "ins", "outs", "outs"};
    unsigned op = i->op;
    int sz = (op & 1) ? (i->osz ? 4 : 2) : 1;
    const char *szs = sz == 1 ? "byte" : sz == 2 ? "word" : "dword";
    const char *si = i->asz ? "esi" : "si", *di = i->asz ? "edi" : "di";
    const char *src_seg = i->seg_override ? sregs[i->seg] : "ds";
    const char *acc = reg_name(sz, R_EAX);
    char d[48], s[48];
    const char *mn;
    /* only the DS:(E)SI operand can be overridden */
    x->seg_used = op == 0x6E || op == 0x6F || op == 0xA4 || op == 0xA5 ||
                  op == 0xA6 || op == 0xA7 || op == 0xAC || op == 0xAD;
    snprintf(d, sizeof d, "%s ptr es:[%s]", szs, di);
    snprintf(s, sizeof s, "%s ptr %s:[%s]", szs, src_seg, si);
    if (op <= 0x6F)
        mn = names[op - 0x6C];
    else if (op <= 0xA5)
        mn = "movs";
    else if (op <= 0xA7)
        mn = "cmps";
    else if (op <= 0xAB)
        mn = "stos";
    else if (op <= 0xAD)
        mn = "lods";
    else
        mn = "scas";
    put(o, mn);
    put(o, " ");
    if (op == 0x6C || op == 0x6D) {
        put(o, d); put(o, ",dx");
    } else if (op == 0x6E || op == 0x6F) {
        put(o, "dx,"); put(o, s);
    } else if (op <= 0xA5) {
        put(o, d); put(o, ","); put(o, s);
    } else if (op <= 0xA7) {
        put(o, s); put(o, ","); put(o, d);
    } else if (op <= 0xAB) {
        put(o, d); put(o, ","); put(o, acc);
    } else if (op <= 0xAD) {
        put(o, acc); put(o, ","); put(o, s);
    } else {
        put(o, acc); put(o, ","); put(o, d);
    }
}

/* The template for instruction i ("" / NULL: undefined).  May write into
 * buf for composed templates. */
static const char *choose(Ctx *x, char *buf, size_t bl, int *sse)
{
    const Insn *i = x->i;
    unsigned op = i->op;
    *sse = 0;
    if (op < 0x100) {
        switch (op) {
        case 0x80: case 0x81: case 0x82: case 0x83:
            snprintf(buf, bl, "%s %s,%s", grp1[i->reg], op == 0x81 ? "Ev" : (op & 1) ? "Ev" : "Eb",
                     op == 0x81 ? "Iv" : op == 0x83 ? "Is" : "Ib");
            return buf;
        case 0xC0: case 0xC1: case 0xD0: case 0xD1: case 0xD2: case 0xD3:
            snprintf(buf, bl, "%s %s,%s", grp2[i->reg], (op & 1) ? "Ev" : "Eb",
                     op <= 0xC1 ? "Ib" : op <= 0xD1 ? "I1" : "cl");
            return buf;
        case 0xF6: case 0xF7: {
            const char *g = grp3[i->reg];
            char *p = buf;
            size_t k = 0;
            for (; *g && k + 3 < bl; g++) {
                p[k++] = *g;
                if (*g == 'E')
                    p[k++] = op == 0xF6 ? 'b' : 'v';
                else if (*g == 'I')
                    p[k++] = op == 0xF6 ? 'b' : 'v';
            }
            p[k] = 0;
            return buf;
        }
        case 0xFE:
            return i->reg == 0 ? "inc Eb" : "dec Eb";
        case 0xFF:
            return grp5[i->reg];
        case 0x8F:
            return "pop Ev";
        case 0xE3:
            return i->asz ? "jecxz Jb" : "jcxz Jb";
        case 0x90:
            if (i->rep == 0xF3)
                return "pause";
            return i->osz != x->code32 ? "xchg eAX,eAX" : "nop";
        }
        if (op >= 0xD8 && op <= 0xDF)
            return fpu_template(i, buf, bl);
        return one_byte[op];
    }
    op &= 0xFF;
    switch (op) {
    case 0x00: {
        static const char *const g6[6] = {"sldt Es", "str Es", "lldt Ew", "ltr Ew", "verr Ew", "verw Ew"};
        return i->reg < 6 ? g6[i->reg] : NULL;
    }
    case 0x01: {
        static const char *const g7m[8] = {"sgdt M", "sidt M", "lgdt M", "lidt M",
                                           "smsw Ew", NULL, "lmsw Ew", "invlpg Mb"};
        if (i->mod == 3 && (i->reg < 4 || i->reg == 7))
            return NULL;
        if (i->mod == 3 && i->reg == 4)
            return "smsw Ev";
        return g7m[i->reg];
    }
    case 0x12:
        if (i->mod == 3 && !i->rep && i->osz == x->code32)
            return "movhlps Vx,Ux";
        break;
    case 0x16:
        if (i->mod == 3 && !i->rep && i->osz == x->code32)
            return "movlhps Vx,Ux";
        break;
    case 0x71: case 0x72: case 0x73: {
        static const char *const sh[3][8] = {
            {NULL, NULL, "psrlw", NULL, "psraw", NULL, "psllw", NULL},
            {NULL, NULL, "psrld", NULL, "psrad", NULL, "pslld", NULL},
            {NULL, NULL, "psrlq", "psrldq", NULL, NULL, "psllq", "pslldq"},
        };
        const char *n = sh[op - 0x71][i->reg];
        int x66 = i->osz != x->code32;
        *sse = 1;
        if (!n || i->mod != 3 || i->rep || (!x66 && (i->reg == 3 || i->reg == 7)))
            return NULL;
        snprintf(buf, bl, "%s %s,Ib", n, x66 ? "Ux" : "Nq");
        return buf;
    }
    case 0xAE: {
        static const char *const g15[8] = {"fxsave M", "fxrstor M", "ldmxcsr Md", "stmxcsr Md",
                                           NULL, NULL, NULL, "clflush Mb"};
        static const char *const fence[8] = {NULL, NULL, NULL, NULL, NULL, "lfence", "mfence", "sfence"};
        return i->mod == 3 ? fence[i->reg] : g15[i->reg];
    }
    case 0x18: {
        static const char *const pf[4] = {"prefetchnta Mb", "prefetcht0 Mb",
                                          "prefetcht1 Mb", "prefetcht2 Mb"};
        return i->reg < 4 && i->mod != 3 ? pf[i->reg] : "nop Ev";
    }
    case 0xC3:
        if (i->rep || i->osz != x->code32)
            return NULL;
        return "movnti Md,Gd";
    case 0xC7:
        if (i->mod == 3 && i->reg == 6)
            return "rdrand Ev";
        return "cmpxchg8b Mq";
    case 0xBA: {
        static const char *const g8[8] = {NULL, NULL, NULL, NULL, "bt", "bts", "btr", "btc"};
        if (!g8[i->reg])
            return NULL;
        snprintf(buf, bl, "%s Ev,Ib", g8[i->reg]);
        return buf;
    }
    }
    if ((op >= 0x40 && op <= 0x4F) || (op >= 0x80 && op <= 0x9F)) {
        snprintf(buf, bl, "%s%s %s", op < 0x50 ? "cmov" : op < 0x90 ? "j" : "set",
                 cc[op & 15], op < 0x50 ? "Gv,Ev" : op < 0x90 ? "Jv" : "Eb");
        return buf;
    }
    if (sse_tab[op][0] || sse_tab[op][1] || sse_tab[op][2] || sse_tab[op][3]) {
        int pfx = i->rep == 0xF3 ? 3 : i->rep == 0xF2 ? 2 : i->osz != x->code32 ? 1 : 0;
        *sse = 1;
        if (op == 0xC2 && (i->imm & 0xFF) < 8) { /* cmpltps etc. */
            static const char *const pr[8] = {"eq", "lt", "le", "unord",
                                              "neq", "nlt", "nle", "ord"};
            static const char *const ty[4][2] = {{"ps", "Wx"}, {"pd", "Wx"},
                                                 {"sd", "Wq"}, {"ss", "Wd"}};
            snprintf(buf, bl, "cmp%s%s Vx,%s", pr[i->imm & 7], ty[pfx][0], ty[pfx][1]);
            return buf;
        }
        return sse_tab[op][pfx];
    }
    return two_byte[op];
}

int disasm(const uint8_t *buf, int n, uint32_t eip, int code32, char *out,
           size_t outlen)
{
    return disasm_ex(buf, n, eip, code32, 0, out, outlen);
}

int disasm_ex(const uint8_t *buf, int n, uint32_t eip, int code32,
              uint32_t cs_base, char *out, size_t outlen)
{
    Insn in;
    Ctx x;
    Out o = {out, outlen, 0};
    char tb[64], body[160];
    Out ob = {body, sizeof body, 0};
    const char *t;
    int r, sse, str, last_seg = -1, last_rep = -1;

    if (outlen)
        out[0] = 0;
    r = cpu_insn_length(buf, n, code32);
    if (r < 0) {
        put(&o, "(incomplete)");
        return -1;
    }
    if (r == 0 || decode_buf(buf, n, code32, &in) <= 0) {
        put(&o, "(bad)");
        return 0;
    }
    memset(&x, 0, sizeof x);
    x.i = &in;
    x.bytes = buf;
    x.code32 = code32;
    x.eip = eip;
    x.cs_base = cs_base;
    body[0] = 0;
    sse = 0;
    str = in.op < 0x100 && is_string_op(in.op);
    if (str) {
        put_string(&x, &ob);
    } else {
        t = choose(&x, tb, sizeof tb, &sse);
        if (!t) {
            put(&o, "(bad)");
            return 0;
        }
        put_template(&x, &ob, t);
        if (x.bad) {
            put(&o, "(bad)");
            return 0;
        }
    }
    /* Prefixes in byte order, each printed unless an operand or the
     * mnemonic already shows it: the last segment override when a memory
     * operand used it, the last F2/F3 of a string instruction (rep, repz,
     * repnz), of an SSE instruction (part of the opcode) or of PAUSE.
     * 66 and 67 only change sizes and are not printed. */
    for (int k = 0; k < r; k++)
        switch (buf[k]) {
        case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
            if (k > last_seg)
                last_seg = k;
            continue;
        case 0xF2: case 0xF3:
            if (k > last_rep)
                last_rep = k;
            continue;
        case 0x66: case 0x67: case 0xF0:
            continue;
        default:
            k = r;
        }
    for (int k = 0; k < r; k++) {
        uint8_t b = buf[k];
        switch (b) {
        case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
            if (k != last_seg || !x.seg_used) {
                put(&o, sregs[b == 0x26 ? 0 : b == 0x2E ? 1 : b == 0x36 ? 2 : b == 0x3E ? 3 : b == 0x64 ? 4 : 5]);
                put(&o, " ");
            }
            continue;
        case 0xF0:
            put(&o, "lock ");
            continue;
        case 0xF2: case 0xF3:
            if (k == last_rep && str) {
                unsigned op = in.op;
                int cmp = (op >= 0xA6 && op <= 0xA7) || op >= 0xAE;
                put(&o, b == 0xF2 ? "repnz " : cmp ? "repz " : "rep ");
            } else if (!(k == last_rep && (sse || (in.op == 0x90 && b == 0xF3)))) {
                put(&o, b == 0xF2 ? "repnz " : "repz ");
            }
            continue;
        case 0x66: case 0x67:
            continue;
        }
        break;
    }
    put(&o, body);
    return r;
}
