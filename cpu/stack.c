/* Stack instructions: PUSH/POP of registers, segments, memory and flags,
 * PUSHA/POPA, ENTER/LEAVE.  The stack width is SS.B (16 or 32 bits). */
#include "cpu/handlers.h"

void push(CPUState *c, uint32_t v, unsigned size)
{
    uint32_t sp = (c->regs[R_ESP] - size) & sp_mask(c);
    mem_write(c, S_SS, sp, v, size);
    set_esp(c, sp);
}

uint32_t pop(CPUState *c, unsigned size)
{
    uint32_t sp = c->regs[R_ESP] & sp_mask(c);
    uint32_t v = mem_read(c, S_SS, sp, size);
    set_esp(c, sp + size);
    return v;
}

uint32_t stack_peek(CPUState *c, uint32_t off, unsigned size)
{
    return mem_read(c, S_SS, (c->regs[R_ESP] + off) & sp_mask(c), size);
}

HANDLER(op_push_r)
{
    /* PUSH SP pushes the value before the decrement (80286 and later). */
    push(c, reg_read(c, i->op & 7, opsize(i)), opsize(i));
}

HANDLER(op_pop_r)
{
    unsigned size = opsize(i);
    uint32_t v = pop(c, size);
    reg_write(c, i->op & 7, v, size); /* POP SP: the popped value wins */
}

/* Specialised 32-bit forms (decode.c fast_handler). */
HANDLER(op_push_r32) { push(c, c->regs[i->op & 7], 4); }
HANDLER(op_pop_r32)
{
    uint32_t v = pop(c, 4);
    c->regs[i->op & 7] = v; /* POP ESP: the popped value wins */
}

static int seg_of_op(uint16_t op)
{
    switch (op) {
    case 0x06: case 0x07: return S_ES;
    case 0x0E: return S_CS;
    case 0x16: case 0x17: return S_SS;
    case 0x1E: case 0x1F: return S_DS;
    case 0x1A0: case 0x1A1: return S_FS;
    default: return S_GS;
    }
}

/* PUSH Sreg with a 32-bit operand size moves ESP by 4 but writes only the
 * 16-bit selector, leaving the upper half of the slot unchanged (P6 and
 * later, SDM Vol. 2 "PUSH"). */
HANDLER(op_push_seg)
{
    unsigned size = opsize(i);
    uint32_t sp = (c->regs[R_ESP] - size) & sp_mask(c);
    mem_write(c, S_SS, sp, c->seg[seg_of_op(i->op)].sel, 2);
    set_esp(c, sp);
}

HANDLER(op_pop_seg)
{
    unsigned size = opsize(i);
    int s = seg_of_op(i->op);
    uint16_t sel = (uint16_t)stack_peek(c, 0, 2);
    if (size == 4)
        (void)stack_peek(c, 0, 4); /* the whole slot must be readable */
    seg_load(c, s, sel);
    set_esp(c, c->regs[R_ESP] + size);
    if (s == S_SS)
        c->inhibit_irq = 3;
}

HANDLER(op_pusha)
{
    unsigned size = opsize(i);
    uint32_t sp = c->regs[R_ESP];
    int r;
    for (r = 0; r < 8; r++)
        push(c, r == R_ESP ? (sp & size_mask(size)) : reg_read(c, r, size), size);
}

HANDLER(op_popa)
{
    unsigned size = opsize(i);
    uint32_t v[8];
    int r;
    for (r = 7; r >= 0; r--)
        v[r] = stack_peek(c, (uint32_t)(7 - r) * size, size);
    for (r = 7; r >= 0; r--)
        if (r != R_ESP)
            reg_write(c, r, v[r], size);
    set_esp(c, c->regs[R_ESP] + 8 * size);
}

HANDLER(op_push_I)
{
    unsigned size = opsize(i);
    push(c, i->op == 0x6A ? sext(i->imm, 1) : i->imm, size);
}

/* 8F /0: POP Ev.  An ESP-based address is computed after the increment. */
HANDLER(op_pop_E)
{
    unsigned size = opsize(i);
    uint32_t v;
    if (i->reg != 0)
        EXC_UD(c);
    v = stack_peek(c, 0, size);
    set_esp(c, c->regs[R_ESP] + size);
    rm_write(c, i, v, size);
}

HANDLER(op_pushf)
{
    unsigned size = opsize(i);
    uint32_t f;
    if ((c->eflags & F_VM) && iopl(c) < 3)
        EXC_GP(c, 0);
    f = cpu_eflags(c) & ~(F_VM | F_RF);
    push(c, f, size);
}

HANDLER(op_popf)
{
    unsigned size = opsize(i);
    uint32_t v, mask;
    if ((c->eflags & F_VM) && iopl(c) < 3)
        EXC_GP(c, 0);
    v = stack_peek(c, 0, size);
    /* Which bits POPF may change (SDM Vol. 2 "POPF"). */
    mask = F_ARITH | F_TF | F_DF | F_NT | F_AC | F_ID;
    if (c->eflags & F_VM) {
        mask |= F_IF; /* IOPL = 3 here */
    } else {
        if (c->cpl == 0)
            mask |= F_IOPL;
        if (c->cpl <= iopl(c))
            mask |= F_IF;
    }
    if (size == 2)
        mask &= 0xFFFF;
    set_esp(c, c->regs[R_ESP] + size);
    flags_write(c, v, mask);
    c->eflags &= ~F_RF;
}

HANDLER(op_enter)
{
    unsigned size = opsize(i);
    uint32_t alloc = i->imm & 0xFFFF, level = i->imm2 & 31;
    uint32_t m = sp_mask(c);
    uint32_t sp = c->regs[R_ESP], bp = c->regs[R_EBP], frame;
    sp = (sp - size) & m;
    mem_write(c, S_SS, sp, reg_read(c, R_EBP, size), size);
    frame = sp;
    if (level > 0) {
        uint32_t k;
        for (k = 1; k < level; k++) {
            uint32_t v;
            bp = (bp - size) & m;
            v = mem_read(c, S_SS, bp, size);
            sp = (sp - size) & m;
            mem_write(c, S_SS, sp, v, size);
        }
        sp = (sp - size) & m;
        mem_write(c, S_SS, sp, frame, size);
    }
    sp = (sp - alloc) & m;
    /* The final stack top must be writable too (SDM: checked). */
    (void)seg_lin(c, S_SS, sp, 1, 1);
    reg_write(c, R_EBP, frame, size);
    set_esp(c, sp);
}

HANDLER(op_leave)
{
    unsigned size = opsize(i);
    uint32_t bp = c->regs[R_EBP] & sp_mask(c);
    uint32_t v = mem_read(c, S_SS, bp, size);
    set_esp(c, bp + size);
    reg_write(c, R_EBP, v, size);
}
