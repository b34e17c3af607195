/* Instruction handlers, one declaration per function, grouped by the file
 * that defines them.  optable.c maps opcodes to these. */
#ifndef X86PC_HANDLERS_H
#define X86PC_HANDLERS_H
#include "cpu/cpu_internal.h"

/* alu.c */
HANDLER(op_alu_EG); HANDLER(op_alu_GE); HANDLER(op_alu_AI); HANDLER(op_grp1);
HANDLER(op_test_EG); HANDLER(op_test_AI); HANDLER(op_inc_r); HANDLER(op_dec_r);
HANDLER(op_grp3); HANDLER(op_grp4); HANDLER(op_grp5);
HANDLER(op_daa); HANDLER(op_das); HANDLER(op_aaa); HANDLER(op_aas);
HANDLER(op_aam); HANDLER(op_aad); HANDLER(op_salc); HANDLER(op_cbw);
HANDLER(op_cwd);
/* specialised 32-bit forms (decode.c fast_handler): [kind] as in ALU
 * opcodes (0 ADD ... 7 CMP), NULL where the generic handler is used */
extern const InsnFn alu_EG_rr32[8], alu_EG_m32[8], alu_GE_rr32[8],
    alu_GE_m32[8], grp1_r32[8], grp1_m32[8];
HANDLER(op_test_EG_rr32); HANDLER(op_test_EG_m32);
/* shift.c */
HANDLER(op_grp2); HANDLER(op_shld); HANDLER(op_shrd);
extern const InsnFn shift_r32[8]; /* by ModRM.reg, 32-bit register form */
/* muldiv.c */
HANDLER(op_imul_GE); HANDLER(op_imul_GEI);
void muldiv_grp3(CPUState *c, Insn *i, unsigned size);
/* bitops.c */
HANDLER(op_bt_EG); HANDLER(op_bt_EI); HANDLER(op_bsf); HANDLER(op_bsr);
HANDLER(op_bswap); HANDLER(op_setcc); HANDLER(op_cmovcc);
/* string.c */
HANDLER(op_movs); HANDLER(op_cmps); HANDLER(op_stos); HANDLER(op_lods);
HANDLER(op_scas); HANDLER(op_ins); HANDLER(op_outs);
/* dataxfer.c */
HANDLER(op_mov_EG); HANDLER(op_mov_GE); HANDLER(op_mov_ES); HANDLER(op_mov_SE);
HANDLER(op_mov_AO); HANDLER(op_mov_OA); HANDLER(op_mov_RI); HANDLER(op_mov_EI);
HANDLER(op_lea); HANDLER(op_xchg_EG); HANDLER(op_xchg_AR); HANDLER(op_xlat);
HANDLER(op_lahf); HANDLER(op_sahf); HANDLER(op_movzx); HANDLER(op_movsx);
HANDLER(op_cmpxchg); HANDLER(op_xadd); HANDLER(op_cmpxchg8b); HANDLER(op_lfp);
HANDLER(op_nop); HANDLER(op_nop_E);
HANDLER(op_mov_EG_rr32); HANDLER(op_mov_EG_m32); HANDLER(op_mov_GE_rr32);
HANDLER(op_mov_GE_m32); HANDLER(op_mov_EG_m8); HANDLER(op_mov_GE_m8);
HANDLER(op_mov_EI_m32); HANDLER(op_mov_EI_m8); HANDLER(op_lea32);
HANDLER(op_movzx_b32); HANDLER(op_movzx_w32);
/* stack.c */
HANDLER(op_push_r); HANDLER(op_pop_r); HANDLER(op_push_seg); HANDLER(op_pop_seg);
HANDLER(op_pusha); HANDLER(op_popa); HANDLER(op_push_I); HANDLER(op_pop_E);
HANDLER(op_pushf); HANDLER(op_popf); HANDLER(op_enter); HANDLER(op_leave);
HANDLER(op_push_r32); HANDLER(op_pop_r32);
/* ctrl.c */
HANDLER(op_jcc); HANDLER(op_jmp_rel); HANDLER(op_jmp_far); HANDLER(op_call_rel);
HANDLER(op_call_far); HANDLER(op_ret); HANDLER(op_retf); HANDLER(op_loop);
HANDLER(op_int3); HANDLER(op_int); HANDLER(op_into); HANDLER(op_int1);
HANDLER(op_iret); HANDLER(op_bound);
extern const InsnFn jcc_fast[16]; /* Jcc by condition (decode.c) */
void ctrl_grp5(CPUState *c, Insn *i);
/* system.c */
HANDLER(op_grp6); HANDLER(op_grp7); HANDLER(op_lar); HANDLER(op_lsl);
HANDLER(op_clts); HANDLER(op_invd); HANDLER(op_ud2); HANDLER(op_mov_from_cr);
HANDLER(op_mov_to_cr); HANDLER(op_mov_from_dr); HANDLER(op_mov_to_dr);
HANDLER(op_wrmsr); HANDLER(op_rdtsc); HANDLER(op_rdmsr); HANDLER(op_rdpmc);
HANDLER(op_sysenter); HANDLER(op_sysexit); HANDLER(op_cpuid); HANDLER(op_hlt);
HANDLER(op_cli); HANDLER(op_sti); HANDLER(op_flagop); HANDLER(op_in);
HANDLER(op_out); HANDLER(op_arpl);
/* fpu.c: op_fpu (D8-DF), op_fwait (9B) are declared in cpu/fpu.h */
#endif
