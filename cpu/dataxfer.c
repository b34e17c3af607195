/* Data transfer: MOV forms, LEA, XCHG, XLAT, LAHF/SAHF, MOVZX/MOVSX,
 * CMPXCHG, XADD, CMPXCHG8B, LDS/LES/LSS/LFS/LGS, NOP. */
#include "cpu/handlers.h"

HANDLER(op_mov_EG)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    rm_write(c, i, reg_read(c, i->reg, size), size);
}

HANDLER(op_mov_GE)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    reg_write(c, i->reg, rm_read(c, i, size), size);
}

/* 8C: MOV Ev,Sreg.  A 32-bit register destination gets the selector
 * zero-extended (P6); a memory destination is always 16 bits. */
HANDLER(op_mov_ES)
{
    if (i->reg > 5 || (c->model286 && i->reg > 3))
        EXC_UD(c);
    if (i->mod == 3)
        reg_write(c, i->rm, c->seg[i->reg].sel, opsize(i));
    else
        rm_write(c, i, c->seg[i->reg].sel, 2);
}

/* 8E: MOV Sreg,Ew.  MOV CS is #UD; MOV SS inhibits interrupts and debug
 * traps for one instruction. */
HANDLER(op_mov_SE)
{
    uint16_t sel;
    if (i->reg > 5 || i->reg == S_CS || (c->model286 && i->reg > 3))
        EXC_UD(c);
    sel = (uint16_t)rm_read(c, i, 2);
    seg_load(c, i->reg, sel);
    if (i->reg == S_SS)
        c->inhibit_irq = 3;
}

HANDLER(op_mov_AO)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    reg_write(c, R_EAX, mem_read(c, i->seg, i->disp, size), size);
}

HANDLER(op_mov_OA)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    mem_write(c, i->seg, i->disp, reg_read(c, R_EAX, size), size);
}

HANDLER(op_mov_RI)
{
    if (i->op < 0xB8)
        reg_write(c, i->op & 7, i->imm, 1);
    else
        reg_write(c, i->op & 7, i->imm, opsize(i));
}

HANDLER(op_mov_EI)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    if (i->reg != 0)
        EXC_UD(c);
    rm_write(c, i, i->imm, size);
}

HANDLER(op_lea)
{
    if (i->mod == 3)
        EXC_UD(c);
    reg_write(c, i->reg, insn_ea(c, i), opsize(i));
}

HANDLER(op_xchg_EG)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t lin = 0, a = rmw_begin(c, i, size, &lin);
    uint32_t b = reg_read(c, i->reg, size);
    rmw_end(c, i, lin, b, size);
    reg_write(c, i->reg, a, size);
    /* XCHG BX,BX (87 DB): the magic breakpoint (cpu_set_magic_break). */
    if (unlikely(c->magic_break) && i->modrm == 0xDB && (i->op & 1))
        c->dbg_stop = CPU_STOP_MAGIC;
}

HANDLER(op_xchg_AR)
{
    unsigned size = opsize(i);
    int r = i->op & 7;
    uint32_t a = reg_read(c, R_EAX, size), b = reg_read(c, r, size);
    reg_write(c, R_EAX, b, size);
    reg_write(c, r, a, size);
}

HANDLER(op_xlat)
{
    uint32_t off = c->regs[R_EBX] + (c->regs[R_EAX] & 0xFF);
    if (!i->asz)
        off &= 0xFFFF;
    reg_write(c, R_EAX, mem_read(c, i->seg, off, 1), 1);
}

HANDLER(op_lahf)
{
    uint32_t f = cpu_eflags(c);
    reg_write(c, 4 /* AH */, (f & (F_SF | F_ZF | F_AF | F_PF | F_CF)) | 2, 1);
}

HANDLER(op_sahf)
{
    uint32_t ah = (c->regs[R_EAX] >> 8) & 0xFF;
    uint32_t f = cpu_eflags(c);
    uint32_t m = F_SF | F_ZF | F_AF | F_PF | F_CF;
    flags_set_arith(c, (f & ~m) | (ah & m) | (f & F_OF));
}

HANDLER(op_movzx)
{
    unsigned src = (i->op & 1) ? 2 : 1;
    reg_write(c, i->reg, rm_read(c, i, src), opsize(i));
}

HANDLER(op_movsx)
{
    unsigned src = (i->op & 1) ? 2 : 1;
    reg_write(c, i->reg, sext(rm_read(c, i, src), src), opsize(i));
}

/* CMPXCHG Eb/Ev,Gb/Gv: the destination is written in both cases (with its
 * own value when the comparison fails), as the processor does. */
HANDLER(op_cmpxchg)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t lin = 0, d = rmw_begin(c, i, size, &lin);
    uint32_t a = reg_read(c, R_EAX, size), m = size_mask(size);
    cc_set(c, CC_SUB, size, (a - d) & m, a, d);
    if (a == d) {
        rmw_end(c, i, lin, reg_read(c, i->reg, size), size);
    } else {
        rmw_end(c, i, lin, d, size);
        reg_write(c, R_EAX, d, size);
    }
}

HANDLER(op_xadd)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint32_t lin = 0, d = rmw_begin(c, i, size, &lin);
    uint32_t s = reg_read(c, i->reg, size), m = size_mask(size);
    uint32_t r = (d + s) & m;
    cc_set(c, CC_ADD, size, r, d, s);
    /* SDM order: SRC <- DEST, then DEST <- SUM (matters for xadd r,r). */
    if (i->mod == 3) {
        reg_write(c, i->reg, d, size);
        reg_write(c, i->rm, r, size);
    } else {
        rmw_end(c, i, lin, r, size);
        reg_write(c, i->reg, d, size);
    }
}

/* 0F C7 /6 (register form): RDRAND.  The numbers come from a xorshift64*
 * generator seeded at RESET, so runs stay repeatable (a golden reference
 * must be deterministic); CF=1 (a value is always ready), OF/SF/ZF/AF/PF
 * cleared. */
static void rdrand(CPUState *c, Insn *i)
{
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    x *= 0x2545F4914F6CDD1Dull;
    reg_write(c, i->rm, (uint32_t)(x >> 32), opsize(i));
    flags_set_arith(c, (cpu_eflags(c) & ~(F_OF | F_SF | F_ZF | F_AF | F_PF)) |
                           F_CF);
}

HANDLER(op_cmpxchg8b)
{
    uint32_t off, lin, lo, hi;
    if (i->mod == 3 && i->reg == 6 && !i->rep) {
        rdrand(c, i);
        return;
    }
    if (i->mod == 3 || i->reg != 1)
        EXC_UD(c);
    off = insn_ea(c, i);
    lin = seg_lin(c, i->seg, off, 8, 1);
    if (c->slow_mem)
        lin_probe_write(c, lin, 8);
    lo = lin_read(c, lin, 4);
    hi = lin_read(c, lin + 4, 4);
    if (lo == c->regs[R_EAX] && hi == c->regs[R_EDX]) {
        lin_write(c, lin, c->regs[R_EBX], 4);
        lin_write(c, lin + 4, c->regs[R_ECX], 4);
        flags_set_arith(c, cpu_eflags(c) | F_ZF);
    } else {
        lin_write(c, lin, lo, 4);
        lin_write(c, lin + 4, hi, 4);
        c->regs[R_EAX] = lo;
        c->regs[R_EDX] = hi;
        flags_set_arith(c, cpu_eflags(c) & ~F_ZF);
    }
}

/* LES C4, LDS C5, LSS 0F B2, LFS 0F B4, LGS 0F B5: load a far pointer. */
HANDLER(op_lfp)
{
    unsigned size = opsize(i);
    uint32_t off, ea;
    uint16_t sel;
    int s;
    if (i->mod == 3)
        EXC_UD(c);
    switch (i->op) {
    case 0xC4: s = S_ES; break;
    case 0xC5: s = S_DS; break;
    case 0x1B2: s = S_SS; break;
    case 0x1B4: s = S_FS; break;
    default: s = S_GS; break;
    }
    ea = insn_ea(c, i);
    off = mem_read(c, i->seg, ea, size);
    sel = (uint16_t)mem_read(c, i->seg, (ea + size) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), 2);
    seg_load(c, s, sel);
    reg_write(c, i->reg, off, size);
}

HANDLER(op_nop) { (void)c; (void)i; }
HANDLER(op_nop_E) { (void)c; (void)i; } /* 0F 18-1F: hint NOPs, no access */

/* ---- specialised forms (decode.c picks them for the operand form) --------
 * Each does exactly what the generic handler does for that form, without
 * the run-time size and register/memory dispatch.  rr: ModRM register
 * operand; m: memory operand; 32: 32-bit operand size. */
HANDLER(op_mov_EG_rr32) { c->regs[i->rm] = c->regs[i->reg]; }
HANDLER(op_mov_EG_m32)
{
    mem_write(c, i->seg, insn_ea(c, i), c->regs[i->reg], 4);
}
HANDLER(op_mov_GE_rr32) { c->regs[i->reg] = c->regs[i->rm]; }
HANDLER(op_mov_GE_m32)
{
    c->regs[i->reg] = mem_read(c, i->seg, insn_ea(c, i), 4);
}
HANDLER(op_mov_EG_m8)
{
    mem_write(c, i->seg, insn_ea(c, i), reg_read(c, i->reg, 1), 1);
}
HANDLER(op_mov_GE_m8)
{
    reg_write(c, i->reg, mem_read(c, i->seg, insn_ea(c, i), 1), 1);
}
HANDLER(op_mov_EI_m32) /* C7 /0 (decode rejects other reg values) */
{
    mem_write(c, i->seg, insn_ea(c, i), i->imm, 4);
}
HANDLER(op_mov_EI_m8) /* C6 /0 */
{
    mem_write(c, i->seg, insn_ea(c, i), i->imm, 1);
}
HANDLER(op_lea32) { c->regs[i->reg] = insn_ea(c, i); }
HANDLER(op_movzx_b32) { c->regs[i->reg] = rm_read(c, i, 1); }
HANDLER(op_movzx_w32) { c->regs[i->reg] = rm_read(c, i, 2); }
