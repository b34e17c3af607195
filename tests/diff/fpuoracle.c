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

#if !defined(__i386__)
#error "the diff oracle must be built for 32-bit x86 (gcc -m32)"
#endif

#define PAGE 4096u
/* Context block in the code page: input registers, input flags, output
 * registers, output flags, saved host ESP. */
#define CTX_ADDR (DIFF_CODE_PAGE + 0x800u)
#define CTX_IN (CTX_ADDR + 0x00u)      /* 8 dwords */
#define CTX_IN_EFL (CTX_ADDR + 0x20u)
#define CTX_OUT (CTX_ADDR + 0x40u)     /* 8 dwords */
#define CTX_OUT_EFL (CTX_ADDR + 0x60u)
#define CTX_SAVED_ESP (CTX_ADDR + 0x64u)

typedef struct Ctx {
    uint32_t in[8];
    uint32_t in_efl;
    uint32_t pad0[7];
    uint32_t out[8];
    uint32_t out_efl;
    uint32_t saved_esp;
} Ctx;
_Static_assert(sizeof(uint32_t) * 24 == 0x60, "ctx layout");

static uint8_t *code_page;
static uint8_t *buf_page;
static volatile Ctx *ctx;
static sigjmp_buf fault_jmp;
static volatile int fault_vec;
static volatile uint32_t fault_regs[8];
static volatile uint32_t fault_efl, fault_eip;

static size_t put8(uint8_t *p, size_t n, uint8_t b)
{
    p[n] = b;
    return n + 1;
}

static size_t put32(uint8_t *p, size_t n, uint32_t v)
{
    memcpy(p + n, &v, 4); /* the oracle only runs on little-endian x86 */
    return n + 4;
}

/* Encodes `op modrm disp32` with mod=00 rm=101 (absolute address). */
static size_t put_abs(uint8_t *p, size_t n, uint8_t op, unsigned reg,
                      uint32_t addr)
{
    n = put8(p, n, op);
    n = put8(p, n, (uint8_t)(0x05 | (reg << 3)));
    return put32(p, n, addr);
}

/* Entry stub at the start of the code page, then NOPs up to the insn. */
static void build_entry(void)
{
    uint8_t *p = code_page;
    size_t n = 0;
    n = put8(p, n, 0x60);                             /* pushad */
    n = put8(p, n, 0x9C);                             /* pushfd */
    n = put_abs(p, n, 0x89, 4, CTX_SAVED_ESP);        /* mov [saved],esp */
    n = put_abs(p, n, 0xFF, 6, CTX_IN_EFL);           /* push dword [efl] */
    n = put8(p, n, 0x9D);                             /* popfd */
    for (unsigned r = 0; r < 8; r++) {
        if (r == 4)
            continue;                                 /* keep host ESP */
        n = put_abs(p, n, 0x8B, r, CTX_IN + 4 * r);   /* mov r,[in+4r] */
    }
    while (n < DIFF_INSN_ADDR - DIFF_CODE_PAGE)
        n = put8(p, n, 0x90);
}

/* Exit stub, written right after the instruction bytes. */
static void build_exit(uint8_t *p)
{
    size_t n = 0;
    for (unsigned r = 0; r < 8; r++)
        n = put_abs(p, n, 0x89, r, CTX_OUT + 4 * r);  /* mov [out+4r],r */
    n = put8(p, n, 0x9C);                             /* pushfd */
    n = put_abs(p, n, 0x8F, 0, CTX_OUT_EFL);          /* pop dword [oefl] */
    n = put_abs(p, n, 0x8B, 4, CTX_SAVED_ESP);        /* mov esp,[saved] */
    n = put8(p, n, 0x9D);                             /* popfd */
    n = put8(p, n, 0x61);                             /* popad */
    put8(p, n, 0xC3);                                 /* ret */
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    (void)si;
    fault_vec = (int)g[REG_TRAPNO];
    if (sig == SIGFPE && fault_vec != 0 && fault_vec != 16 && fault_vec != 19)
        fault_vec = 0;
    fault_regs[0] = (uint32_t)g[REG_EAX];
    fault_regs[1] = (uint32_t)g[REG_ECX];
    fault_regs[2] = (uint32_t)g[REG_EDX];
    fault_regs[3] = (uint32_t)g[REG_EBX];
    fault_regs[4] = (uint32_t)g[REG_ESP];
    fault_regs[5] = (uint32_t)g[REG_EBP];
    fault_regs[6] = (uint32_t)g[REG_ESI];
    fault_regs[7] = (uint32_t)g[REG_EDI];
    fault_efl = (uint32_t)g[REG_EFL];
    fault_eip = (uint32_t)g[REG_EIP];
    siglongjmp(fault_jmp, 1);
}

static void *map_fixed(uint32_t addr, int prot, const char *what)
{
    void *want = (void *)(uintptr_t)addr;
    void *p = mmap(want, PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        fprintf(stderr, "x86pc-fpu-oracle: mmap of the %s page failed\n",
                what);
        exit(2);
    }
    if (p != want) {
        fprintf(stderr,
                "x86pc-fpu-oracle: could not map the %s page at 0x%08x "
                "(got %p)\n", what, (unsigned)addr, p);
        exit(2);
    }
    return p;
}

static void setup(void)
{
    code_page = map_fixed(DIFF_CODE_PAGE, PROT_READ | PROT_WRITE | PROT_EXEC,
                          "code");
    buf_page = map_fixed(DIFF_BUF_PAGE, PROT_READ | PROT_WRITE, "data");
    ctx = (volatile Ctx *)(code_page + (CTX_ADDR - DIFF_CODE_PAGE));
    build_entry();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGFPE, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGTRAP, &sa, NULL);
}

static void run_case(const FpuCase *in, FpuResult *out)
{
    uint8_t *buf = buf_page + (DIFF_BUF_ADDR - DIFF_BUF_PAGE);
    uint8_t *insn = code_page + (DIFF_INSN_ADDR - DIFF_CODE_PAGE);
    unsigned len = in->len;

    memset(out, 0, sizeof *out);
    out->fault = -1;
    if (len < 1 || len > FPU_MAX_CODE) {
        out->fault = 6; /* treat as #UD: malformed record */
        return;
    }
    memcpy(insn, in->code, len);
    build_exit(insn + len);
    memcpy(buf, in->buf, DIFF_BUF_SIZE);
    for (unsigned r = 0; r < 8; r++)
        ctx->in[r] = in->regs[r];
    ctx->in_efl = (in->eflags & DIFF_EFL_IN_MASK) | 0x2u;
    __builtin___clear_cache((char *)code_page, (char *)code_page + PAGE);

    if (sigsetjmp(fault_jmp, 1) == 0) {
        void (*fn)(void) = (void (*)(void))(uintptr_t)DIFF_CODE_PAGE;
        fn();
        for (unsigned r = 0; r < 8; r++)
            out->regs[r] = ctx->out[r];
        out->eflags = ctx->out_efl;
    } else {
        out->fault = fault_vec;
        out->fault_eip = fault_eip;
        for (unsigned r = 0; r < 8; r++)
            out->regs[r] = fault_regs[r];
        out->eflags = fault_efl;
    }
    out->regs[4] = in->regs[4]; /* ESP is not under test */
    memcpy(out->buf, buf, DIFF_BUF_SIZE);
}

static int read_full(void *p, size_t n)
{
    return fread(p, 1, n, stdin) == n;
}

static int serve(void)
{
    static FpuCase cases[FPU_MAX_BATCH];
    static FpuResult res[FPU_MAX_BATCH];
    for (;;) {
        uint32_t n;
        if (!read_full(&n, sizeof n))
            return 0; /* EOF: the tester went away */
        if (n == 0)
            return 0;
        if (n > FPU_MAX_BATCH) {
            fprintf(stderr, "x86pc-fpu-oracle: bad batch size %u\n",
                    (unsigned)n);
            return 2;
        }
        if (!read_full(cases, n * sizeof cases[0])) {
            fprintf(stderr, "x86pc-fpu-oracle: truncated batch\n");
            return 2;
        }
        for (uint32_t i = 0; i < n; i++)
            run_case(&cases[i], &res[i]);
        if (fwrite(res, sizeof res[0], n, stdout) != n || fflush(stdout)) {
            fprintf(stderr, "x86pc-fpu-oracle: write failed\n");
            return 2;
        }
    }
}

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
