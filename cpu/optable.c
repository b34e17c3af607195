/* Opcode -> handler map.  Index 0x000-0x0FF: one-byte opcodes; 0x100-0x1FF:
 * 0F xx.  NULL entries are undefined (#UD); the operand layout of each
 * opcode is in decode.c opinfo[]. */
#include "cpu/handlers.h"
#include "cpu/fpu.h"

#define ALU_ROW(x) [x + 0] = op_alu_EG, [x + 1] = op_alu_EG, [x + 2] = op_alu_GE, \
                   [x + 3] = op_alu_GE, [x + 4] = op_alu_AI, [x + 5] = op_alu_AI
#define R8(x, f) [x + 0] = f, [x + 1] = f, [x + 2] = f, [x + 3] = f, \
                 [x + 4] = f, [x + 5] = f, [x + 6] = f, [x + 7] = f
#define R16(x, f) R8(x, f), R8(x + 8, f)

const InsnFn handler_table[512] = {
    ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),
    ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),
    /*06*/ [0x06] = op_push_seg, [0x07] = op_pop_seg, [0x0E] = op_push_seg,
    /*16*/ [0x16] = op_push_seg, [0x17] = op_pop_seg, [0x1E] = op_push_seg,
    [0x1F] = op_pop_seg,
    /*27*/ [0x27] = op_daa, [0x2F] = op_das, [0x37] = op_aaa, [0x3F] = op_aas,
    R8(0x40, op_inc_r), R8(0x48, op_dec_r), R8(0x50, op_push_r), R8(0x58, op_pop_r),
    /*60*/ [0x60] = op_pusha, [0x61] = op_popa, [0x62] = op_bound, [0x63] = op_arpl,
    /*68*/ [0x68] = op_push_I, [0x69] = op_imul_GEI, [0x6A] = op_push_I,
    [0x6B] = op_imul_GEI, [0x6C] = op_ins, [0x6D] = op_ins, [0x6E] = op_outs,
    [0x6F] = op_outs,
    R16(0x70, op_jcc),
    /*80*/ [0x80] = op_grp1, [0x81] = op_grp1, [0x82] = op_grp1, [0x83] = op_grp1,
    [0x84] = op_test_EG, [0x85] = op_test_EG, [0x86] = op_xchg_EG, [0x87] = op_xchg_EG,
    /*88*/ [0x88] = op_mov_EG, [0x89] = op_mov_EG, [0x8A] = op_mov_GE, [0x8B] = op_mov_GE,
    [0x8C] = op_mov_ES, [0x8D] = op_lea, [0x8E] = op_mov_SE, [0x8F] = op_pop_E,
    /*90*/ [0x90] = op_xchg_AR, [0x91] = op_xchg_AR, [0x92] = op_xchg_AR,
    [0x93] = op_xchg_AR, [0x94] = op_xchg_AR, [0x95] = op_xchg_AR,
    [0x96] = op_xchg_AR, [0x97] = op_xchg_AR,
    /*98*/ [0x98] = op_cbw, [0x99] = op_cwd, [0x9A] = op_call_far, [0x9B] = op_fwait,
    [0x9C] = op_pushf, [0x9D] = op_popf, [0x9E] = op_sahf, [0x9F] = op_lahf,
    /*A0*/ [0xA0] = op_mov_AO, [0xA1] = op_mov_AO, [0xA2] = op_mov_OA, [0xA3] = op_mov_OA,
    [0xA4] = op_movs, [0xA5] = op_movs, [0xA6] = op_cmps, [0xA7] = op_cmps,
    /*A8*/ [0xA8] = op_test_AI, [0xA9] = op_test_AI, [0xAA] = op_stos, [0xAB] = op_stos,
    [0xAC] = op_lods, [0xAD] = op_lods, [0xAE] = op_scas, [0xAF] = op_scas,
    R16(0xB0, op_mov_RI),
    /*C0*/ [0xC0] = op_grp2, [0xC1] = op_grp2, [0xC2] = op_ret, [0xC3] = op_ret,
    [0xC4] = op_lfp, [0xC5] = op_lfp, [0xC6] = op_mov_EI, [0xC7] = op_mov_EI,
    /*C8*/ [0xC8] = op_enter, [0xC9] = op_leave, [0xCA] = op_retf, [0xCB] = op_retf,
    [0xCC] = op_int3, [0xCD] = op_int, [0xCE] = op_into, [0xCF] = op_iret,
    /*D0*/ [0xD0] = op_grp2, [0xD1] = op_grp2, [0xD2] = op_grp2, [0xD3] = op_grp2,
    [0xD4] = op_aam, [0xD5] = op_aad, [0xD6] = op_salc, [0xD7] = op_xlat,
    R8(0xD8, op_fpu),
    /*E0*/ [0xE0] = op_loop, [0xE1] = op_loop, [0xE2] = op_loop, [0xE3] = op_loop,
    [0xE4] = op_in, [0xE5] = op_in, [0xE6] = op_out, [0xE7] = op_out,
    /*E8*/ [0xE8] = op_call_rel, [0xE9] = op_jmp_rel, [0xEA] = op_jmp_far,
    [0xEB] = op_jmp_rel, [0xEC] = op_in, [0xED] = op_in, [0xEE] = op_out, [0xEF] = op_out,
    /*F0*/ [0xF1] = op_int1, [0xF4] = op_hlt, [0xF5] = op_flagop, [0xF6] = op_grp3,
    [0xF7] = op_grp3,
    /*F8*/ [0xF8] = op_flagop, [0xF9] = op_flagop, [0xFA] = op_cli, [0xFB] = op_sti,
    [0xFC] = op_flagop, [0xFD] = op_flagop, [0xFE] = op_grp4, [0xFF] = op_grp5,

    /* ---- 0F xx ---- */
    [0x100] = op_grp6, [0x101] = op_grp7, [0x102] = op_lar, [0x103] = op_lsl,
    [0x106] = op_clts, [0x108] = op_invd, [0x109] = op_invd, [0x10B] = op_ud2,
    R8(0x118, op_nop_E),
    [0x120] = op_mov_from_cr, [0x121] = op_mov_from_dr, [0x122] = op_mov_to_cr,
    [0x123] = op_mov_to_dr,
    [0x130] = op_wrmsr, [0x131] = op_rdtsc, [0x132] = op_rdmsr, [0x133] = op_rdpmc,
    [0x134] = op_sysenter, [0x135] = op_sysexit,
    R16(0x140, op_cmovcc),
    R16(0x180, op_jcc),
    R16(0x190, op_setcc),
    [0x1A0] = op_push_seg, [0x1A1] = op_pop_seg, [0x1A2] = op_cpuid, [0x1A3] = op_bt_EG,
    [0x1A4] = op_shld, [0x1A5] = op_shld,
    [0x1A8] = op_push_seg, [0x1A9] = op_pop_seg, [0x1AB] = op_bt_EG,
    [0x1AC] = op_shrd, [0x1AD] = op_shrd, [0x1AF] = op_imul_GE,
    [0x1B0] = op_cmpxchg, [0x1B1] = op_cmpxchg, [0x1B2] = op_lfp, [0x1B3] = op_bt_EG,
    [0x1B4] = op_lfp, [0x1B5] = op_lfp, [0x1B6] = op_movzx, [0x1B7] = op_movzx,
    [0x1BA] = op_bt_EI, [0x1BB] = op_bt_EG, [0x1BC] = op_bsf, [0x1BD] = op_bsr,
    [0x1BE] = op_movsx, [0x1BF] = op_movsx,
    [0x1C0] = op_xadd, [0x1C1] = op_xadd, [0x1C7] = op_cmpxchg8b,
    R8(0x1C8, op_bswap),

    /* ---- MMX (cpu/mmx.c; undefined ones are UD in decode.c opinfo) ---- */
    R16(0x160, op_mmx), R16(0x170, op_mmx),
    R16(0x1D0, op_mmx), R16(0x1E0, op_mmx), R16(0x1F0, op_mmx),
    [0x1C4] = op_mmx, [0x1C5] = op_mmx,
    /* ---- SSE/SSE2 (cpu/sse.c) ---- */
    R8(0x110, op_sse), R8(0x128, op_sse), R16(0x150, op_sse),
    [0x1AE] = op_sse, [0x1C2] = op_sse, [0x1C3] = op_sse, [0x1C6] = op_sse,
};
