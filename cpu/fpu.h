/* x87 FPU state of the CPU (a Pentium Pro-class FPU; cpu/fpu.c executes
 * the D8-DF escapes and FWAIT).  Included by cpu_internal.h for the
 * FPUState member of CPUState; nothing else needs it.
 *
 * Unmasked exceptions: the faulting instruction sets SW.ES/B.  The next
 * waiting FPU instruction (or FWAIT) raises #MF when CR0.NE = 1.  With
 * CR0.NE = 0 (MS-DOS compatible mode) FERR# is asserted as soon as ES is
 * set (only while CR0.NE = 0): the board's ferr callback (cpu_set_ferr_hook, cpu.h) gets level 1
 * and should raise IRQ13 on the slave PIC; FNCLEX/FNINIT/FLDENV/FRSTOR
 * clearing ES call it with level 0.  The CPU then continues as if IGNNE#
 * were asserted (the usual PC wiring asserts IGNNE# when software writes
 * port F0h, which the handler does before clearing the exception).
 *
 * MMX (cpu/mmx.c) uses the same register file; SSE/SSE2 (cpu/sse.c) adds
 * the XMM registers and MXCSR here.  Not modelled: the FPU data pointer of
 * register forms is left unchanged.
 */
#ifndef X86PC_FPU_H
#define X86PC_FPU_H
#include <stdint.h>
#include "cpu/softfloat.h"

typedef struct FPUState {
    floatx80 r[8];  /* physical registers R0..R7 */
    uint16_t cw;
    uint16_t sw;    /* TOP kept in bits 11..13 */
    uint16_t tw;    /* 2 bits per physical register; only 11 (empty) is
                       authoritative, the rest is recomputed on FNSTENV */
    uint16_t fop;   /* last opcode, 11 bits */
    uint32_t fip, fdp;
    uint16_t fcs, fds;
    void (*ferr)(void *opaque, int level);
    void *ferr_opaque;
    uint64_t xmm[8][2]; /* SSE registers, [0] = low quadword */
    uint32_t mxcsr;
    uint8_t ne;      /* CR0.NE when the current instruction started */
    uint8_t ferr_on; /* FERR# currently asserted through the hook */
} FPUState;

#define CR4_OSFXSR 0x200u
#define CR4_OSXMMEXCPT 0x400u

struct CPUState;
struct Insn;
void fpu_update_es(struct CPUState *c); /* after FXRSTOR */
void fpu_reset(struct CPUState *c);  /* power-up state (FNINIT + TW) */
void op_fpu(struct CPUState *c, struct Insn *i);   /* D8-DF */
void op_fwait(struct CPUState *c, struct Insn *i); /* 9B */
void op_mmx(struct CPUState *c, struct Insn *i);   /* 0F 60-7F, C4-C5, D0-FF */
void op_sse(struct CPUState *c, struct Insn *i);   /* other SSE opcodes */

#endif
