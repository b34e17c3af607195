/* Wire protocol between the differential tester (tests/diff/difftest.c,
 * built for the host) and the host-CPU oracle (tests/diff/oracle.c, built
 * with gcc -m32).  Both run on the same x86 machine, so the records are
 * plain host-endian structs whose layout is identical in -m32 and -m64
 * (only fixed-size fields, every one naturally aligned).
 *
 * Both sides place the instruction and the data buffer at the SAME linear
 * addresses (the oracle maps its pages there with mmap; the emulator uses a
 * flat 16 MiB guest), so pointer registers and absolute disp32 operands mean
 * the same thing on both sides and need no relocation.
 *
 * Stream: the tester writes a batch header (uint32_t n, 1..DIFF_MAX_BATCH)
 * followed by n DiffCase records; the oracle answers with n DiffResult
 * records and flushes.  n == 0 ends the session. */
#ifndef X86PC_TESTS_DIFF_DIFFPROTO_H
#define X86PC_TESTS_DIFF_DIFFPROTO_H
#include <stdint.h>

/* Oracle page holding the entry stub; the instruction under test starts at
 * DIFF_INSN_ADDR and is followed by the exit stub. */
#define DIFF_CODE_PAGE 0x00300000u
#define DIFF_INSN_ADDR 0x00300100u
/* Data page; the compared 256-byte buffer sits in its middle so that small
 * overruns by a buggy case do not fault natively. */
#define DIFF_BUF_PAGE 0x00200000u
#define DIFF_BUF_ADDR 0x00200800u
#define DIFF_BUF_SIZE 256u
#define DIFF_MAX_INSN 15
#define DIFF_MAX_BATCH 128u

/* EFLAGS bits a case may set on input: OF DF SF ZF AF PF CF. */
#define DIFF_EFL_CF 0x001u
#define DIFF_EFL_PF 0x004u
#define DIFF_EFL_AF 0x010u
#define DIFF_EFL_ZF 0x040u
#define DIFF_EFL_SF 0x080u
#define DIFF_EFL_DF 0x400u
#define DIFF_EFL_OF 0x800u
#define DIFF_EFL_ARITH 0x8D5u
#define DIFF_EFL_IN_MASK 0xCD5u

typedef struct DiffCase {
    uint8_t len;                  /* 1..DIFF_MAX_INSN */
    uint8_t insn[DIFF_MAX_INSN];
    uint32_t regs[8];             /* EAX..EDI; ESP is ignored (host stack) */
    uint32_t eflags;              /* only DIFF_EFL_IN_MASK bits are used */
    uint8_t buf[DIFF_BUF_SIZE];   /* initial contents at DIFF_BUF_ADDR */
} DiffCase;

typedef struct DiffResult {
    int32_t fault;                /* -1: none, else the exception vector */
    uint32_t fault_eip;           /* EIP at the fault (when fault >= 0) */
    uint32_t regs[8];             /* after the instruction (or at the fault) */
    uint32_t eflags;
    uint8_t buf[DIFF_BUF_SIZE];   /* buffer contents afterwards */
} DiffResult;

_Static_assert(sizeof(DiffCase) == 308, "DiffCase layout");
_Static_assert(sizeof(DiffResult) == 300, "DiffResult layout");
#endif
