/* x86pc-fpu-oracle: runs short x87 instruction sequences on the host CPU
 * for tests/diff/fpudiff.c (records in fpuproto.h).  Derived from
 * oracle.c: same entry/exit stubs and fault handling.
 *
 * Built with `gcc -m32 -O1` as a separate program (never linked with the
 * emulator).  It reads FpuCase batches on stdin (see diffproto.h), runs each
 * instruction natively in 32-bit user mode and writes FpuResult records on
 * stdout.  tests/diff/difftest.c runs the same bytes on the emulated CPU and
 * compares.
 *
 * How one case runs: the entry stub at DIFF_CODE_PAGE (machine code written
 * here at start-up, so no inline assembly is needed) saves the host
 * registers and flags, loads EFLAGS and EAX..EDI (not ESP: the instruction
 * runs on the real host stack) from the context block, and falls through a
 * NOP sled into the instruction at DIFF_INSN_ADDR.  The exit stub copied
 * right after the instruction stores EAX..EDI and EFLAGS into the context
 * block, restores the host state and returns.  A fault (#DE from DIV, or a
 * #GP/#PF/#UD from a bad case) arrives as a signal; the handler records the
 * vector and registers from the signal context and siglongjmps back.
 *
 *   x86pc-fpu-oracle            serve batches on stdin/stdout
 *   x86pc-fpu-oracle --selftest run a few known cases and report */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "tests/diff/fpuproto.h"
typedef FpuCase OracleCase;
typedef FpuResult OracleResult;
#define ORACLE_NAME "x86pc-fpu-oracle"
#define ORACLE_MAX_CODE FPU_MAX_CODE
#define ORACLE_MAX_BATCH FPU_MAX_BATCH
#define ORACLE_CODE_FIELD code
#include "tests/diff/oracle_harness.inc"

/* Known answer: 1.0 + 2.0 stored as a double. */
static int selftest(void)
{
    static const uint8_t code[] = {
        0xDB, 0xE3,                                     /* fninit */
        0xD9, 0xE8,                                     /* fld1 */
        0xD9, 0xC0,                                     /* fld st0 */
        0xDE, 0xC1,                                     /* faddp */
        0xD9, 0xE8,                                     /* fld1 */
        0xDE, 0xC1,                                     /* faddp -> 3 */
        0xDD, 0x1D, 0x00, 0x08, 0x20, 0x00,             /* fstp qword [buf] */
    };
    FpuCase c;
    FpuResult r;
    memset(&c, 0, sizeof c);
    c.len = sizeof code;
    memcpy(c.code, code, sizeof code);
    run_case(&c, &r);
    uint64_t v;
    memcpy(&v, r.buf, 8);
    int bad = r.fault != -1 || v != 0x4008000000000000ull;
    printf("fpu oracle selftest: %s\n", bad ? "FAILED" : "passed");
    return bad;
}

int main(int argc, char **argv)
{
    setup();
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0)
        return selftest();
    if (argc > 1) {
        fprintf(stderr, "usage: x86pc-fpu-oracle [--selftest]\n");
        return 2;
    }
    return serve();
}
