/* Wire protocol between the x87 differential tester (tests/diff/fpudiff.c)
 * and its host-CPU oracle (tests/diff/fpuoracle.c, gcc -m32).  Same scheme
 * as diffproto.h, but a case is a short instruction SEQUENCE (FNINIT, 8 x
 * FLDZ, FNINIT (so empty registers hold +0 on both sides), FLDCW,
 * operand loads, the instruction under test, FNSTSW, FNSAVE) so the whole
 * FPU state can be compared through the data buffer.
 *
 * Stream: uint32_t n (1..FPU_MAX_BATCH), n FpuCase; the oracle answers with
 * n FpuResult.  n == 0 ends the session. */
#ifndef X86PC_TESTS_DIFF_FPUPROTO_H
#define X86PC_TESTS_DIFF_FPUPROTO_H
#include <stdint.h>
#include "tests/diff/diffproto.h"

#define FPU_MAX_CODE 96u
#define FPU_MAX_BATCH 128u

typedef struct FpuCase {
    uint32_t len;                 /* 1..FPU_MAX_CODE */
    uint8_t code[FPU_MAX_CODE];
    uint32_t regs[8];             /* EAX..EDI; ESP ignored */
    uint32_t eflags;              /* DIFF_EFL_IN_MASK bits */
    uint8_t buf[DIFF_BUF_SIZE];
} FpuCase;

typedef struct FpuResult {
    int32_t fault;                /* -1 none, else the vector */
    uint32_t fault_eip;
    uint32_t regs[8];
    uint32_t eflags;
    uint8_t buf[DIFF_BUF_SIZE];
} FpuResult;

_Static_assert(sizeof(FpuCase) == 4 + 96 + 32 + 4 + 256, "FpuCase layout");
_Static_assert(sizeof(FpuResult) == 300, "FpuResult layout");
#endif
