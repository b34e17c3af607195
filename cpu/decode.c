/* Instruction decoder: prefixes, opcode map, ModRM/SIB, displacement and
 * immediates (Intel SDM Vol. 2, chapter 2 and appendix A).
 *
 * The opcode map is one table, opinfo[], indexed by 0x000-0x0FF for the
 * one-byte map and 0x100-0x1FF for the 0F two-byte map.  Each entry says
 * which fields follow the opcode; handler_table[] (same index) says which
 * function executes it.  Undefined entries raise #UD.
 */
#include "cpu/cpu_internal.h"
#include "cpu/handlers.h"

/* Opcode attribute bits. */
enum {
    M = 0x01,  /* ModRM byte follows */
    IB = 0x02, /* imm8 */
    IW = 0x04, /* imm16 */
    IZ = 0x08, /* imm16 or imm32 by operand size */
    AP = 0x10, /* far pointer: imm16/32 offset + imm16 selector */
    MO = 0x20, /* moffs: 16/32-bit by address size */
    GI = 0x40, /* F6/F7: immediate only for /0 and /1 */
    UD = 0x80, /* undefined opcode */
    PF = 0x100, /* prefix byte */
    LK = 0x200, /* LOCK allowed (with a memory destination) */
    EN = IW | IB, /* ENTER */
};

static const uint16_t opinfo[512] = {
    /* 00 */ M | LK, M | LK, M, M, IB, IZ, 0, 0,
    /* 08 */ M | LK, M | LK, M, M, IB, IZ, 0, UD /* 0F escape */,
    /* 10 */ M | LK, M | LK, M, M, IB, IZ, 0, 0,
    /* 18 */ M | LK, M | LK, M, M, IB, IZ, 0, 0,
    /* 20 */ M | LK, M | LK, M, M, IB, IZ, PF, 0,
    /* 28 */ M | LK, M | LK, M, M, IB, IZ, PF, 0,
    /* 30 */ M | LK, M | LK, M, M, IB, IZ, PF, 0,
    /* 38 */ M, M, M, M, IB, IZ, PF, 0,
    /* 40 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 48 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 50 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 58 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 60 */ 0, 0, M, M, PF, PF, PF, PF,
    /* 68 */ IZ, M | IZ, IB, M | IB, 0, 0, 0, 0,
    /* 70 */ IB, IB, IB, IB, IB, IB, IB, IB,
    /* 78 */ IB, IB, IB, IB, IB, IB, IB, IB,
    /* 80 */ M | IB | LK, M | IZ | LK, M | IB | LK, M | IB | LK, M, M, M | LK, M | LK,
    /* 88 */ M, M, M, M, M, M, M, M,
    /* 90 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 98 */ 0, 0, AP, 0, 0, 0, 0, 0,
    /* A0 */ MO, MO, MO, MO, 0, 0, 0, 0,
    /* A8 */ IB, IZ, 0, 0, 0, 0, 0, 0,
    /* B0 */ IB, IB, IB, IB, IB, IB, IB, IB,
    /* B8 */ IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
    /* C0 */ M | IB, M | IB, IW, 0, M, M, M | IB, M | IZ,
    /* C8 */ EN, 0, IW, 0, 0, IB, 0, 0,
    /* D0 */ M, M, M, M, IB, IB, 0, 0,
    /* D8 */ M, M, M, M, M, M, M, M,
    /* E0 */ IB, IB, IB, IB, IB, IB, IB, IB,
    /* E8 */ IZ, IZ, AP, IB, 0, 0, 0, 0,
    /* F0 */ PF, 0, PF, PF, 0, 0, M | GI | LK, M | GI | LK,
    /* F8 */ 0, 0, 0, 0, 0, 0, M | LK, M | LK,
    /* ---- 0F xx ---- */
    /* 0F00 */ M, M, M, M, UD, UD, 0, UD,
    /* 0F08 */ 0, 0, UD, 0 /* UD2 */, UD, UD, UD, UD,
    /* 0F10 */ M, M, M, M, M, M, M, M, /* SSE (cpu/sse.c) */
    /* 0F18 */ M, M, M, M, M, M, M, M, /* hint NOPs */
    /* 0F20 */ M, M, M, M, UD, UD, UD, UD,
    /* 0F28 */ M, M, M, M, M, M, M, M,
    /* 0F30 */ 0, 0, 0, 0, 0, 0, UD, UD,
    /* 0F38 */ UD, UD, UD, UD, UD, UD, UD, UD,
    /* 0F40 */ M, M, M, M, M, M, M, M,
    /* 0F48 */ M, M, M, M, M, M, M, M,
    /* 0F50 */ M, M, M, M, M, M, M, M,
    /* 0F58 */ M, M, M, M, M, M, M, M,
    /* 0F60 */ M, M, M, M, M, M, M, M, /* MMX (cpu/mmx.c) */
    /* 0F68 */ M, M, M, M, M, M, M, M,
    /* 0F70 */ M | IB, M | IB, M | IB, M | IB, M, M, M, 0 /* EMMS */,
    /* 0F78 */ UD, UD, UD, UD, UD, UD, M, M,
    /* 0F80 */ IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
    /* 0F88 */ IZ, IZ, IZ, IZ, IZ, IZ, IZ, IZ,
    /* 0F90 */ M, M, M, M, M, M, M, M,
    /* 0F98 */ M, M, M, M, M, M, M, M,
    /* 0FA0 */ 0, 0, 0, M, M | IB, M, UD, UD,
    /* 0FA8 */ 0, 0, UD /* RSM: no SMM */, M | LK, M | IB, M, M /* grp15 */, M,
    /* 0FB0 */ M | LK, M | LK, M, M | LK, M, M, M, M,
    /* 0FB8 */ UD, UD /* UD1 */, M | IB | LK, M | LK, M, M, M, M,
    /* 0FC0 */ M | LK, M | LK, M | IB, M, M | IB, M | IB, M | IB, M | LK,
    /* 0FC8 */ 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0FD0 */ UD, M, M, M, M, M, M, M, /* MMX/SSE2 (cpu/mmx.c, sse.c) */
    /* 0FD8 */ M, M, M, M, M, M, M, M,
    /* 0FE0 */ M, M, M, M, M, M, M, M,
    /* 0FE8 */ M, M, M, M, M, M, M, M,
    /* 0FF0 */ UD, M, M, M, M, M, M, M,
    /* 0FF8 */ M, M, M, M, M, M, M, UD,
};

/* 16-bit ModRM memory forms (SDM Vol. 2 table 2-1):
 *   rm:   0      1      2      3      4   5   6          7
 *         BX+SI  BX+DI  BP+SI  BP+DI  SI  DI  BP/disp16  BX          */
static const uint8_t rm16_base[8] = {R_EBX, R_EBX, R_EBP, R_EBP,
                                     R_ESI, R_EDI, R_EBP, R_EBX};
static const uint8_t rm16_index[8] = {R_ESI, R_EDI, R_ESI, R_EDI,
                                      NOREG, NOREG, NOREG, NOREG};

/* Whether the LOCK prefix is legal: only on the read-modify-write forms
 * listed in the SDM's LOCK entry, and only with a memory destination. */
static int lock_ok(const Insn *i)
{
    if (i->mod == 3 || !(opinfo[i->op] & LK))
        return 0;
    switch (i->op) {
    case 0x80: case 0x81: case 0x82: case 0x83:
        return i->reg != 7; /* CMP cannot be locked */
    case 0xF6: case 0xF7:
        return i->reg == 2 || i->reg == 3; /* NOT, NEG */
    case 0xFE: case 0xFF:
        return i->reg <= 1; /* INC, DEC */
    case 0x1BA:
        return i->reg >= 5; /* BTS, BTR, BTC */
    case 0x1C7:
        return i->reg == 1; /* CMPXCHG8B */
    }
    return 1;
}

/* Undefined ModRM.reg values of group opcodes (SDM Vol. 2 table A-6). */
static int group_undefined(const Insn *i)
{
    switch (i->op) {
    case 0x8F: case 0xC6: case 0xC7:
        return i->reg != 0;
    case 0xFE:
        return i->reg > 1;
    case 0xFF:
        return i->reg == 7;
    case 0x100:
        return i->reg > 5;
    case 0x101:
        return i->reg == 5;
    case 0x1BA:
        return i->reg < 4;
    case 0x1C7: /* /1 CMPXCHG8B m64; /6 RDRAND r16/32 (no F2/F3) */
        if (i->reg == 6 && i->mod == 3)
            return i->rep != 0;
        return i->reg != 1 || i->mod == 3;
    }
    return 0;
}

/* The handler for a decoded instruction: the generic one from
 * handler_table[], or a specialised one for the commonest operand forms
 * (32-bit operands; register or memory r/m), which does the same without
 * run-time dispatch on size and operand kind. */
static InsnFn fast_handler(const Insn *i)
{
    InsnFn f = NULL;
    int rr = i->mod == 3;
    unsigned op = i->op;
    if (op < 0x40 && (op & 7) <= 3) { /* ALU Eb,Gb Ev,Gv Gb,Eb Gv,Ev */
        if (i->osz && (op & 1))
            f = (op & 2) ? (rr ? alu_GE_rr32 : alu_GE_m32)[(op >> 3) & 7]
                         : (rr ? alu_EG_rr32 : alu_EG_m32)[(op >> 3) & 7];
    } else if ((op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F)) {
        f = jcc_fast[op & 15];
    } else {
        switch (op) {
        case 0x81: case 0x83:
            if (i->osz)
                f = (rr ? grp1_r32 : grp1_m32)[i->reg];
            break;
        case 0xC1: case 0xD1: case 0xD3:
            if (i->osz && rr)
                f = shift_r32[i->reg];
            break;
        case 0x85:
            if (i->osz)
                f = rr ? op_test_EG_rr32 : op_test_EG_m32;
            break;
        case 0x88:
            if (!rr)
                f = op_mov_EG_m8;
            break;
        case 0x89:
            if (i->osz)
                f = rr ? op_mov_EG_rr32 : op_mov_EG_m32;
            break;
        case 0x8A:
            if (!rr)
                f = op_mov_GE_m8;
            break;
        case 0x8B:
            if (i->osz)
                f = rr ? op_mov_GE_rr32 : op_mov_GE_m32;
            break;
        case 0x8D:
            if (i->osz && !rr)
                f = op_lea32;
            break;
        case 0xC6:
            if (!rr && i->reg == 0)
                f = op_mov_EI_m8;
            break;
        case 0xC7:
            if (i->osz && !rr && i->reg == 0)
                f = op_mov_EI_m32;
            break;
        case 0x50: case 0x51: case 0x52: case 0x53:
        case 0x54: case 0x55: case 0x56: case 0x57:
            if (i->osz)
                f = op_push_r32;
            break;
        case 0x58: case 0x59: case 0x5A: case 0x5B:
        case 0x5C: case 0x5D: case 0x5E: case 0x5F:
            if (i->osz)
                f = op_pop_r32;
            break;
        case 0x1B6:
            if (i->osz)
                f = op_movzx_b32;
            break;
        case 0x1B7:
            if (i->osz)
                f = op_movzx_w32;
            break;
        }
    }
    return f ? f : handler_table[op];
}

int decode_buf(const uint8_t *b, int n, int code32, Insn *i)
{
    int p = 0;
    int osz = code32, asz = code32;
    uint16_t info;

    memset(i, 0, sizeof *i);
    i->seg = S_DS;
    i->base = i->index = NOREG;
    /* Prefixes (any order, any number, up to the 15-byte limit). */
    for (;;) {
        if (p >= 15)
            return -1;
        if (p >= n)
            return -2;
        switch (b[p]) {
        case 0x26: i->seg = S_ES; i->seg_override = 1; p++; continue;
        case 0x2E: i->seg = S_CS; i->seg_override = 1; p++; continue;
        case 0x36: i->seg = S_SS; i->seg_override = 1; p++; continue;
        case 0x3E: i->seg = S_DS; i->seg_override = 1; p++; continue;
        case 0x64: i->seg = S_FS; i->seg_override = 1; p++; continue;
        case 0x65: i->seg = S_GS; i->seg_override = 1; p++; continue;
        case 0x66: osz = !code32; p++; continue;
        case 0x67: asz = !code32; p++; continue;
        case 0xF0: i->lock = 1; p++; continue;
        case 0xF2: case 0xF3: i->rep = b[p]; p++; continue;
        }
        break;
    }
    i->osz = (uint8_t)osz;
    i->asz = (uint8_t)asz;
    i->op = b[p++];
    if (i->op == 0x0F) {
        if (p >= 15)
            return -1;
        if (p >= n)
            return -2;
        i->op = 0x100 | b[p++];
    }
    info = opinfo[i->op];
#define NEED(k)                                                                \
    do {                                                                       \
        if (p + (k) > 15)                                                      \
            return -1;                                                         \
        if (p + (k) > n)                                                       \
            return -2;                                                         \
    } while (0)
    if (info & M) {
        NEED(1);
        i->modrm = b[p++];
        i->mod = i->modrm >> 6;
        i->reg = (i->modrm >> 3) & 7;
        i->rm = i->modrm & 7;
        /* MOV to/from CRn/DRn: the mod field is ignored, the operand is
         * always a register (SDM Vol. 2 "MOV-Move to/from Control Regs") */
        if (i->op >= 0x120 && i->op <= 0x123)
            i->mod = 3;
        if (i->mod != 3) {
            if (!asz) {
                if (i->mod == 0 && i->rm == 6) {
                    NEED(2);
                    i->disp = ldw_le(b + p);
                    p += 2;
                } else {
                    i->base = rm16_base[i->rm];
                    i->index = rm16_index[i->rm];
                    if (i->rm == 2 || i->rm == 3 || i->rm == 6)
                        if (!i->seg_override)
                            i->seg = S_SS;
                    if (i->mod == 1) {
                        NEED(1);
                        i->disp = (uint32_t)(int32_t)(int8_t)b[p++];
                    } else if (i->mod == 2) {
                        NEED(2);
                        i->disp = ldw_le(b + p);
                        p += 2;
                    }
                }
            } else {
                int base = i->rm;
                if (i->rm == 4) { /* SIB follows */
                    uint8_t sib;
                    NEED(1);
                    sib = b[p++];
                    base = sib & 7;
                    i->scale = sib >> 6;
                    i->index = (sib >> 3) & 7;
                    if (i->index == R_ESP)
                        i->index = NOREG; /* no index */
                }
                if (base == 5 && i->mod == 0) {
                    NEED(4);
                    i->disp = ldl_le(b + p);
                    p += 4;
                } else {
                    i->base = (uint8_t)base;
                    if ((base == R_ESP || base == R_EBP) && !i->seg_override)
                        i->seg = S_SS;
                    if (i->mod == 1) {
                        NEED(1);
                        i->disp = (uint32_t)(int32_t)(int8_t)b[p++];
                    } else if (i->mod == 2) {
                        NEED(4);
                        i->disp = ldl_le(b + p);
                        p += 4;
                    }
                }
            }
        }
    }
    if (info & GI) /* TEST Eb,Ib / TEST Ev,Iz are /0 and /1 of F6/F7 */
        if (i->reg < 2)
            info |= (i->op == 0xF6) ? IB : IZ;
    if (info & MO) {
        NEED(asz ? 4 : 2);
        i->disp = asz ? ldl_le(b + p) : ldw_le(b + p);
        p += asz ? 4 : 2;
    }
    if (info & (IZ | AP)) {
        NEED(osz ? 4 : 2);
        i->imm = osz ? ldl_le(b + p) : ldw_le(b + p);
        p += osz ? 4 : 2;
    }
    if (info & IW) {
        NEED(2);
        i->imm = ldw_le(b + p); /* no opcode has both IW and IZ/AP */
        p += 2;
    }
    if (info & AP) { /* the 16-bit selector follows the offset: imm2 */
        NEED(2);
        i->imm2 = ldw_le(b + p);
        p += 2;
    }
    if (info & IB) {
        NEED(1);
        if (info & IW) /* ENTER iw, ib */
            i->imm2 = b[p++];
        else
            i->imm = b[p++];
    }
#undef NEED
    i->len = (uint8_t)p;
    i->fn = handler_table[i->op];
    if (info & UD || i->fn == NULL || ((info & M) && group_undefined(i)))
        return 0;
    i->fn = fast_handler(i);
    return p;
}

int cpu_insn_length(const uint8_t *buf, int n, int code32)
{
    Insn i;
    int r = decode_buf(buf, n, code32, &i);
    if (r > 0 && i.lock && !lock_ok(&i))
        return 0; /* LOCK on a non-lockable form: #UD */
    return r;
}

/* Fetches up to 15 bytes at CS:EIP and decodes them.  Bytes beyond the CS
 * limit or on a page that faults are fetched only if the decoder needs
 * them, so the fault is raised exactly when the instruction reaches that
 * byte (SDM Vol. 3 §6.15, #GP for limit, #PF for fetch). */
void decode_insn(CPUState *c, Insn *i)
{
    uint8_t buf[16];
    const SegCache *cs = &c->seg[S_CS];
    uint32_t eip = c->eip;
    int n = 0, r;
    uint32_t avail;

    /* Bytes available before the CS limit. */
    if (eip < cs->lo || eip > cs->hi)
        EXC_GP(c, 0);
    avail = cs->hi - eip + 1;
    if (avail == 0 || avail > 15) /* avail==0: hi-lo covers 4 GiB */
        avail = 15;
    if (!c->code32 && avail > 0x10000 - (eip & 0xFFFF))
        avail = 0x10000 - (eip & 0xFFFF);
    /* Fast path: the page is in the TLB for execution and in host memory:
     * decode in place as far as the page goes. */
    {
        uint32_t lin = cs->base + eip;
        uint32_t off = lin & 0xFFFu, in_page = 0x1000 - off;
        const TLBEntry *e = &c->tlb[c->cpl == 3][(lin >> 12) & TLB_MASK];
        if (e->tag_x == (lin & ~0xFFFu)) {
            uint32_t k = avail < in_page ? avail : in_page;
            r = decode_buf(e->host_r + off, (int)k, c->code32, i);
            if (r != -2 || k == avail)
                goto done;
        }
    }
    /* First chunk: up to the end of the 4 KiB page. */
    {
        uint32_t lin = cs->base + eip;
        uint32_t in_page = 0x1000 - (lin & 0xFFF);
        uint32_t k = avail < in_page ? avail : in_page;
        uint32_t j;
        for (j = 0; j < k; j++)
            buf[j] = (uint8_t)lin_read_slow(c, lin + j, 1, ACC_X);
        n = (int)k;
    }
    r = decode_buf(buf, n, c->code32, i);
    if (r == -2 && (uint32_t)n < avail) {
        /* Instruction crosses a page: fetch the rest (may #PF). */
        uint32_t lin = cs->base + eip + n;
        uint32_t j;
        for (j = n; j < avail && j < 15; j++)
            buf[j] = (uint8_t)lin_read_slow(c, lin + (j - n), 1, ACC_X);
        n = (int)j;
        r = decode_buf(buf, n, c->code32, i);
    }
done:
    if (r == -1)
        EXC_GP(c, 0); /* longer than 15 bytes */
    if (r == -2)
        EXC_GP(c, 0); /* runs past the CS limit */
    if (r == 0)
        EXC_UD(c);
    if (c->model286) {
        if (r > 10)
            EXC_GP(c, 0); /* the 80286 limit */
    } else if (i->lock && !lock_ok(i)) {
        EXC_UD(c);
    }
}

/* ---- decoded-instruction cache ---------------------------------------------- */
void icache_flush(CPUState *c)
{
    for (unsigned k = 0; k < ICACHE_SIZE; k++)
        c->icache[k].pa = 1;
    for (unsigned k = 0; k < BCACHE_SIZE; k++)
        c->bcache[k].pa = 1;
}

/* Instructions after which a block ends: unconditional control transfers,
 * I/O (a device may remap memory or raise an interrupt), and anything that
 * changes paging, privilege, the flags that need per-instruction handling,
 * or the decode mode.  A conditional jump does not end its block: the
 * block loop stops when one is taken (EIP is not the next instruction's),
 * and runs on without a new block lookup when it is not. */
static int ends_block(const Insn *i)
{
    unsigned op = i->op;
    if (op < 0x100) {
        if (op >= 0x6C && op <= 0x6F)
            return 1; /* INS/OUTS */
        if (op >= 0xE0 && op <= 0xEF)
            return 1; /* LOOP, JCXZ, IN/OUT, CALL, JMP */
        if (op >= 0xC2 && op <= 0xC3)
            return 1; /* RET */
        if (op >= 0xCA && op <= 0xCF)
            return 1; /* RETF, INT3, INT, INTO, IRET */
        switch (op) {
        case 0x9A: /* CALL far */
        case 0x9D: /* POPF */
        case 0xF1: /* ICEBP */
        case 0xF4: /* HLT */
        case 0xFA: /* CLI */
        case 0xFB: /* STI */
        case 0xFF: /* CALL/JMP indirect */
            return 1;
        }
        return 0;
    }
    op &= 0xFF;
    switch (op) {
    case 0x00: case 0x01: /* LLDT/LTR/LGDT/LIDT/LMSW/INVLPG... */
    case 0x05: case 0x06: case 0x07: /* SYSCALL, CLTS, SYSRET */
    case 0x20: case 0x21: case 0x22: case 0x23: /* MOV CR/DR */
    case 0x30: case 0x32: case 0x34: case 0x35: /* WRMSR RDMSR SYSENTER/EXIT */
    case 0xAA: /* RSM */
        return 1;
    }
    return 0;
}

int block_build(CPUState *c, Block *b, const uint8_t *page, uint64_t pa)
{
    unsigned off = (unsigned)(pa & 0xFFFu), n = 0, bytes = 0;
    b->pa = 1; /* the entry is being overwritten: invalid until complete */
    if (c->model286)
        return 0; /* the 80286 model's length/LOCK rules: singly */
    while (n < BLOCK_MAX) {
        unsigned avail = 0x1000 - (off + bytes);
        Insn *i = &b->insn[n];
        int r;
        if (avail == 0)
            break;
        if (avail > 15)
            avail = 15;
        r = decode_buf(page + off + bytes, (int)avail, c->code32, i);
        if (r <= 0 || (i->lock && !lock_ok(i)))
            break; /* faults, or needs the next page: singly */
        bytes += (unsigned)r;
        n++;
        if (ends_block(i))
            break;
    }
    if (n == 0)
        return 0;
    if (phys_code_mark(c->mem, pa, bytes))
        tlb_code_page(c, pa & ~0xFFFull);
    b->pa = (uint32_t)pa;
    b->ver = c->fast->code_ver[pa >> 12];
    b->mode = (uint8_t)c->code32;
    b->n = (uint8_t)n;
    b->bytes = (uint16_t)bytes;
    return (int)n;
}

/* Direct-mapped by the low address bits: consecutive instructions land in
 * neighbouring entries, which keeps straight-line code cache friendly. */


/* The instruction at CS:EIP, from the cache when its page is unchanged
 * since it was decoded, else decoded (and cached when it lies within one
 * trackable page).  *scratch holds instructions that are not cached. */
Insn *fetch_insn_slow(CPUState *c, Insn *scratch)
{
    const SegCache *cs = &c->seg[S_CS];
    uint32_t eip = c->eip;
    uint32_t lin = cs->base + eip;
    const TLBEntry *e = &c->tlb[c->cpl == 3][(lin >> 12) & TLB_MASK];
    uint64_t pa;
    ICEntry *ic;
    uint8_t mode;

    if (unlikely(e->tag_x != (lin & ~0xFFFu))) {
        /* Translate the first byte's page now (the CS limit check comes
         * first, as in decode_insn), so even the first execution is
         * cached. */
        if (eip < cs->lo || eip > cs->hi)
            EXC_GP(c, 0);
        e = tlb_lookup(c, lin, ACC_X);
        if (e->tag_x != (lin & ~0xFFFu)) { /* not in host memory */
            decode_insn(c, scratch);
            return scratch;
        }
    }
    pa = e->ppage | (lin & 0xFFFu);
    if (unlikely(pa >= c->fast->code_limit)) {
        decode_insn(c, scratch);
        return scratch;
    }
    ic = &c->icache[ic_hash((uint32_t)pa)];
    mode = (uint8_t)(c->code32 | (c->model286 << 1));
    if (likely(ic->pa == (uint32_t)pa && ic->mode == mode &&
               ic->ver == c->fast->code_ver[pa >> 12])) {
        uint32_t last = eip + ic->insn.len - 1;
        if (likely(eip >= cs->lo && last <= cs->hi && last >= eip &&
                   (c->code32 || last <= 0xFFFF))) {
            c->stats.icache_hits++;
            return &ic->insn;
        }
    }
    decode_insn(c, scratch); /* may fault: nothing is cached then */
    c->stats.icache_misses++;
    if ((lin & 0xFFFu) + scratch->len > 0x1000)
        return scratch;
    if (phys_code_mark(c->mem, pa, scratch->len))
        tlb_code_page(c, pa & ~0xFFFull);
    ic->pa = (uint32_t)pa;
    ic->mode = mode;
    ic->ver = c->fast->code_ver[pa >> 12];
    ic->insn = *scratch;
    return &ic->insn;
}
