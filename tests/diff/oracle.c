/* x86pc-diff-oracle: runs single x86 instructions on the host CPU.
 *
 * Built with `gcc -m32 -O1` as a separate program (never linked with the
 * emulator).  It reads DiffCase batches on stdin (see diffproto.h), runs each
 * instruction natively in 32-bit user mode and writes DiffResult records on
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
 *   x86pc-diff-oracle            serve batches on stdin/stdout
 *   x86pc-diff-oracle --selftest run a few known cases and report */
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

#include "tests/diff/diffproto.h"
typedef DiffCase OracleCase;
typedef DiffResult OracleResult;
#define ORACLE_NAME "x86pc-diff-oracle"
#define ORACLE_MAX_CODE DIFF_MAX_INSN
#define ORACLE_MAX_BATCH DIFF_MAX_BATCH
#define ORACLE_CODE_FIELD insn
#include "tests/diff/oracle_harness.inc"

/* A handful of cases with known answers, to check the stubs themselves. */
static int selftest(void)
{
    int bad = 0;
    DiffCase c;
    DiffResult r;

    /* add eax,ebx: 0x7FFFFFFF + 1 -> 0x80000000, OF SF AF set. */
    memset(&c, 0, sizeof c);
    c.len = 2;
    c.insn[0] = 0x01;
    c.insn[1] = 0xD8;
    c.regs[0] = 0x7FFFFFFF;
    c.regs[3] = 1;
    c.regs[5] = 0x55555555;
    c.regs[6] = 0x66666666;
    run_case(&c, &r);
    if (r.fault != -1 || r.regs[0] != 0x80000000u || r.regs[3] != 1 ||
        r.regs[5] != 0x55555555u || r.regs[6] != 0x66666666u ||
        (r.eflags & 0x8D5u) != 0x894u) {
        printf("selftest add: fault=%d eax=%08x efl=%08x\n", r.fault,
               (unsigned)r.regs[0], (unsigned)r.eflags);
        bad++;
    }

    /* div ecx with ecx = 0 -> #DE, registers as before. */
    memset(&c, 0, sizeof c);
    c.len = 2;
    c.insn[0] = 0xF7;
    c.insn[1] = 0xF1;
    c.regs[0] = 1234;
    run_case(&c, &r);
    if (r.fault != 0 || r.regs[0] != 1234 || r.fault_eip != DIFF_INSN_ADDR) {
        printf("selftest div0: fault=%d eip=%08x\n", r.fault,
               (unsigned)r.fault_eip);
        bad++;
    }

    /* std; rep movsb would need 2 insns: use DF from eflags instead.
     * rep movsb, DF=1, ECX=3: copies buf[10..8] to buf[20..18]. */
    memset(&c, 0, sizeof c);
    c.len = 2;
    c.insn[0] = 0xF3;
    c.insn[1] = 0xA4;
    c.regs[1] = 3;
    c.regs[6] = DIFF_BUF_ADDR + 10;
    c.regs[7] = DIFF_BUF_ADDR + 20;
    c.eflags = DIFF_EFL_DF;
    for (unsigned i = 0; i < DIFF_BUF_SIZE; i++)
        c.buf[i] = (uint8_t)i;
    run_case(&c, &r);
    if (r.fault != -1 || r.regs[1] != 0 || r.regs[6] != DIFF_BUF_ADDR + 7 ||
        r.regs[7] != DIFF_BUF_ADDR + 17 || r.buf[20] != 10 ||
        r.buf[18] != 8 || r.buf[17] != 17 || !(r.eflags & DIFF_EFL_DF)) {
        printf("selftest rep movsb: fault=%d ecx=%08x esi=%08x edi=%08x\n",
               r.fault, (unsigned)r.regs[1], (unsigned)r.regs[6],
               (unsigned)r.regs[7]);
        bad++;
    }

    /* The host's DF must be clear again after a DF=1 case. */
    memset(&c, 0, sizeof c);
    c.len = 1;
    c.insn[0] = 0x90;
    run_case(&c, &r);
    if (r.eflags & DIFF_EFL_DF) {
        printf("selftest: DF leaked\n");
        bad++;
    }
    printf("oracle selftest: %d passed, %d failed\n", 4 - bad, bad);
    return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
    setup();
    if (argc > 1 && strcmp(argv[1], "--selftest") == 0)
        return selftest();
    if (argc > 1) {
        fprintf(stderr, "usage: x86pc-diff-oracle [--selftest]\n");
        return 2;
    }
    return serve();
}
