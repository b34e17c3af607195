/* x87 behaviour through the public CPU API: #NM from CR0.EM/CR0.TS (and
 * WAIT only with MP+TS), unmasked exceptions raising #MF at the next
 * waiting instruction with CR0.NE=1 or driving the FERR# hook with
 * CR0.NE=0, and FNSAVE/FRSTOR round trips in the 32- and 16-bit formats;
 * SSE: #UD without CR4.OSFXSR, #NM with CR0.TS, an unmasked SIMD exception
 * as #XM (CR4.OSXMMEXCPT) or #UD, #GP for a misaligned MOVAPS, FXSAVE or
 * reserved MXCSR bits, and an FXSAVE/FXRSTOR round trip.
 * No IDT is set up: a fault escalates to a triple fault whose report names
 * the first exception (as in test_cpu_ac). */
#include <stdio.h>
#include <string.h>
#include "cpu/cpu.h"
#include "memory/mem.h"

static int failures, tests;

typedef struct Run {
    char report[512];
    int stop;
    int ferr_calls, ferr_level;
    uint8_t mem[0x400]; /* 0x3000.. after the run */
    uint8_t mem2[0x200]; /* 0x3400.. */
    uint32_t eax;
} Run;

static void ferr_hook(void *o, int level)
{
    Run *r = o;
    r->ferr_calls++;
    r->ferr_level = level;
}

#define CR0_PE 1u
#define CR0_MP 2u
#define CR0_EM 4u
#define CR0_TS 8u
#define CR0_NE 0x20u

static void run(const uint8_t *code, size_t n, uint32_t cr0, Run *r)
{
    PhysMem *pm = phys_new(1 << 20, PHYS_LAYOUT_FLAT);
    CPUState *c = cpu_new(pm, NULL);
    CPUSeg cs = {0x08, 0, 0xFFFFFFFFu, 0xC09B};
    CPUSeg ds = {0x10, 0, 0xFFFFFFFFu, 0xC093};
    static const uint8_t cw[8] = {0x7B, 0x03, 0, 0,  /* 037B: ZE unmasked */
                                  0x80, 0x1D, 0, 0}; /* MXCSR: ZE unmasked */
    static const uint8_t badmx[4] = {0x80, 0x1F, 0x01, 0}; /* bit 16 set */
    int s;
    memset(r, 0, sizeof *r);
    cpu_set_no_reboot(c, 1);
    cpu_set_ferr_hook(c, ferr_hook, r);
    cpu_write_linear(c, 0x1000, code, (uint32_t)n);
    cpu_write_linear(c, 0x2000, cw, sizeof cw);
    cpu_write_linear(c, 0x2010, badmx, sizeof badmx);
    cpu_set_cr0_raw(c, 0x10 | CR0_PE | cr0);
    cpu_set_seg_raw(c, S_CS, &cs);
    for (s = 0; s < 6; s++)
        if (s != S_CS)
            cpu_set_seg_raw(c, s, &ds);
    cpu_set_eip(c, 0x1000);
    cpu_set_reg(c, R_ESP, 0x8000);
    r->stop = cpu_run(c, 1000);
    snprintf(r->report, sizeof r->report, "%s", cpu_fault_report(c));
    cpu_read_linear(c, 0x3000, r->mem, sizeof r->mem);
    cpu_read_linear(c, 0x3400, r->mem2, sizeof r->mem2);
    r->eax = cpu_get_reg(c, R_EAX);
    cpu_free(c);
    phys_free(pm);
}

/* Real mode, CS=DS=0x0100 (code at linear 0x1000), data at DS:0x1000
 * (linear 0x2000). */
static void run_rm(const uint8_t *code, size_t n, Run *r)
{
    PhysMem *pm = phys_new(1 << 20, PHYS_LAYOUT_FLAT);
    CPUState *c = cpu_new(pm, NULL);
    int s;
    memset(r, 0, sizeof *r);
    cpu_set_no_reboot(c, 1);
    cpu_write_linear(c, 0x1000, code, (uint32_t)n);
    for (s = 0; s < 6; s++)
        cpu_set_seg_real(c, s, 0x0100);
    cpu_set_eip(c, 0);
    cpu_set_reg(c, R_ESP, 0x7000);
    r->stop = cpu_run(c, 1000);
    snprintf(r->report, sizeof r->report, "%s", cpu_fault_report(c));
    cpu_read_linear(c, 0x2000, r->mem, sizeof r->mem);
    cpu_free(c);
    phys_free(pm);
}

static void ok(int cond, const char *what, const Run *r)
{
    tests++;
    if (!cond) {
        failures++;
        printf("FAIL %s (stop %d, report \"%s\")\n", what, r->stop, r->report);
    } else {
        printf("PASS %s\n", what);
    }
}
static int first_fault(const Run *r, const char *exc)
{
    const char *chain = strstr(r->report, ": #");
    return chain && strncmp(chain + 2, exc, strlen(exc)) == 0;
}
static int halted_clean(const Run *r)
{
    return r->stop == CPU_STOP_HLT && r->report[0] == 0;
}

int main(void)
{
    static const uint8_t fld1[] = {0xD9, 0xE8, 0xF4};
    static const uint8_t fwait[] = {0x9B, 0xF4};
    /* fninit; fldcw [0x2000]; fld1; fldz; fdivp; fnstsw [0x3000]; fwait; hlt */
    static const uint8_t zdiv[] = {0xDB, 0xE3, 0xD9, 0x2D, 0x00, 0x20, 0, 0,
                                   0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9,
                                   0xDD, 0x3D, 0x00, 0x30, 0, 0, 0x9B, 0xF4};
    /* same, then fnclex; fnstsw ax; hlt */
    static const uint8_t zdiv_clex[] = {0xDB, 0xE3, 0xD9, 0x2D, 0x00, 0x20, 0, 0,
                                        0xD9, 0xE8, 0xD9, 0xEE, 0xDE, 0xF9,
                                        0x9B, 0xDB, 0xE2, 0xDF, 0xE0, 0xF4};
    /* fninit; fld1; fldpi; fnsave [0x3000]; frstor [0x3000];
     * fnsave [0x3100]; hlt  -- with an optional 66h on the save/restore */
    uint8_t save32[] = {0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEB,
                        0xDD, 0x35, 0x00, 0x30, 0, 0,
                        0xDD, 0x25, 0x00, 0x30, 0, 0,
                        0xDD, 0x35, 0x00, 0x31, 0, 0, 0xF4};
    uint8_t save16[] = {0xDB, 0xE3, 0xD9, 0xE8, 0xD9, 0xEB,
                        0x66, 0xDD, 0x35, 0x00, 0x30, 0, 0,
                        0x66, 0xDD, 0x25, 0x00, 0x30, 0, 0,
                        0x66, 0xDD, 0x35, 0x00, 0x31, 0, 0, 0xF4};
    static const uint8_t pi80[10] = {0x35, 0xC2, 0x68, 0x21, 0xA2, 0xDA,
                                     0x0F, 0xC9, 0x00, 0x40};
    Run r;

    run(fld1, sizeof fld1, CR0_EM, &r);
    ok(first_fault(&r, "#NM"), "CR0.EM: FLD1 raises #NM", &r);
    run(fld1, sizeof fld1, CR0_TS, &r);
    ok(first_fault(&r, "#NM"), "CR0.TS: FLD1 raises #NM", &r);
    run(fld1, sizeof fld1, CR0_MP, &r);
    ok(halted_clean(&r), "CR0.MP alone: FLD1 runs", &r);
    run(fwait, sizeof fwait, CR0_TS, &r);
    ok(halted_clean(&r), "CR0.TS without MP: WAIT runs", &r);
    run(fwait, sizeof fwait, CR0_TS | CR0_MP, &r);
    ok(first_fault(&r, "#NM"), "CR0.TS+MP: WAIT raises #NM", &r);
    run(fwait, sizeof fwait, CR0_EM, &r);
    ok(halted_clean(&r), "CR0.EM: WAIT runs", &r);

    run(zdiv, sizeof zdiv, CR0_NE, &r);
    ok(first_fault(&r, "#MF"), "CR0.NE: unmasked ZE -> #MF at FWAIT", &r);
    ok((r.mem[0] & 0x84) == 0x84 && (r.mem[1] & 0x80),
       "status word: ES, B and ZE set", &r);
    ok(r.ferr_calls == 0, "CR0.NE=1: FERR# hook not used", &r);
    run(zdiv, sizeof zdiv, 0, &r);
    ok(halted_clean(&r), "CR0.NE=0: FWAIT continues (IGNNE#)", &r);
    ok(r.ferr_calls == 1 && r.ferr_level == 1, "CR0.NE=0: FERR# hook raised", &r);
    run(zdiv_clex, sizeof zdiv_clex, 0, &r);
    ok(halted_clean(&r) && r.ferr_calls == 2 && r.ferr_level == 0,
       "FNCLEX lowers FERR#", &r);
    ok((r.eax & 0x80FF) == 0, "FNCLEX clears ES and the flags", &r);

    run(save32, sizeof save32, 0, &r);
    ok(halted_clean(&r), "FNSAVE/FRSTOR 32-bit runs", &r);
    ok(memcmp(r.mem, r.mem + 0x100, 108) == 0, "32-bit image round trip", &r);
    ok(memcmp(r.mem + 28, pi80, 10) == 0, "32-bit image: ST0 = pi at +28", &r);
    ok((r.mem[8] | r.mem[9] << 8) == 0x0FFF, "32-bit image: tag word 0FFF", &r);
    ok((r.mem[0] | r.mem[1] << 8) == 0x037F, "32-bit image: control word 037F", &r);
    run(save16, sizeof save16, 0, &r);
    ok(halted_clean(&r), "FNSAVE/FRSTOR 16-bit runs", &r);
    ok(memcmp(r.mem, r.mem + 0x100, 94) == 0, "16-bit image round trip", &r);
    ok(memcmp(r.mem + 14, pi80, 10) == 0, "16-bit image: ST0 = pi at +14", &r);
    ok((r.mem[4] | r.mem[5] << 8) == 0x0FFF, "16-bit image: tag word 0FFF", &r);

    {
        /* mov eax,CR4VAL; mov cr4,eax; <body>; hlt */
#define CR4PRE(v) 0xB8, (v) & 0xFF, ((v) >> 8) & 0xFF, 0, 0, 0x0F, 0x22, 0xE0
        static const uint8_t addps_nofxsr[] = {CR4PRE(0), 0x0F, 0x58, 0xC1, 0xF4};
        static const uint8_t addps_fxsr[] = {CR4PRE(0x200), 0x0F, 0x58, 0xC1, 0xF4};
        /* ldmxcsr [0x2004]; xorps xmm1,xmm1; mov eax,1.0; movd xmm0,eax;
         * divss xmm0,xmm1; hlt */
#define ZDIV_BODY 0x0F, 0xAE, 0x15, 0x04, 0x20, 0, 0, 0x0F, 0x57, 0xC9, \
                  0xB8, 0, 0, 0x80, 0x3F, 0x66, 0x0F, 0x6E, 0xC0, \
                  0xF3, 0x0F, 0x5E, 0xC1, 0xF4
        static const uint8_t zdiv_xm[] = {CR4PRE(0x600), ZDIV_BODY};
        static const uint8_t zdiv_ud[] = {CR4PRE(0x200), ZDIV_BODY};
        static const uint8_t movaps_mis[] = {CR4PRE(0x200), 0x0F, 0x28, 0x05, 0x01,
                                             0x30, 0, 0, 0xF4};
        static const uint8_t fxsave_mis[] = {CR4PRE(0x200), 0x0F, 0xAE, 0x05, 0x08,
                                             0x30, 0, 0, 0xF4};
        static const uint8_t ldmx_bad[] = {CR4PRE(0x200), 0x0F, 0xAE, 0x15, 0x10,
                                           0x20, 0, 0, 0xF4};
        /* fninit; fldpi; mov eax,12345678h; movd xmm3,eax; fxsave [3000h];
         * fninit; pxor xmm3,xmm3; fxrstor [3000h]; fxsave [3400h]; hlt */
        static const uint8_t fxsr_rt[] = {CR4PRE(0x200), 0xDB, 0xE3, 0xD9, 0xEB,
            0xB8, 0x78, 0x56, 0x34, 0x12, 0x66, 0x0F, 0x6E, 0xD8,
            0x0F, 0xAE, 0x05, 0x00, 0x30, 0, 0, 0xDB, 0xE3,
            0x66, 0x0F, 0xEF, 0xDB, 0x0F, 0xAE, 0x0D, 0x00, 0x30, 0, 0,
            0x0F, 0xAE, 0x05, 0x00, 0x34, 0, 0, 0xF4};

        run(addps_nofxsr, sizeof addps_nofxsr, 0, &r);
        ok(first_fault(&r, "#UD"), "SSE without CR4.OSFXSR: #UD", &r);
        run(addps_fxsr, sizeof addps_fxsr, CR0_TS, &r);
        ok(first_fault(&r, "#NM"), "SSE with CR0.TS: #NM", &r);
        run(addps_fxsr, sizeof addps_fxsr, CR0_EM, &r);
        ok(first_fault(&r, "#UD"), "SSE with CR0.EM: #UD", &r);
        run(addps_fxsr, sizeof addps_fxsr, 0, &r);
        ok(halted_clean(&r), "SSE with CR4.OSFXSR runs", &r);
        run(zdiv_xm, sizeof zdiv_xm, 0, &r);
        ok(first_fault(&r, "#XM"), "unmasked ZE, CR4.OSXMMEXCPT: #XM", &r);
        run(zdiv_ud, sizeof zdiv_ud, 0, &r);
        ok(first_fault(&r, "#UD"), "unmasked ZE without OSXMMEXCPT: #UD", &r);
        run(movaps_mis, sizeof movaps_mis, 0, &r);
        ok(first_fault(&r, "#GP(0x0000)"), "misaligned MOVAPS: #GP(0)", &r);
        run(fxsave_mis, sizeof fxsave_mis, 0, &r);
        ok(first_fault(&r, "#GP(0x0000)"), "misaligned FXSAVE: #GP(0)", &r);
        run(ldmx_bad, sizeof ldmx_bad, 0, &r);
        ok(first_fault(&r, "#GP(0x0000)"), "LDMXCSR reserved bit: #GP(0)", &r);
        run(fxsr_rt, sizeof fxsr_rt, 0, &r);
        ok(halted_clean(&r), "FXSAVE/FXRSTOR runs", &r);
        ok(memcmp(r.mem, r.mem2, 512) == 0, "FXSAVE image round trip", &r);
        ok(r.mem[0] == 0x7F && r.mem[1] == 0x03 && r.mem[4] == 0x80,
           "FXSAVE: FCW 037F, abridged tag 80h (R7 valid)", &r);
        ok(r.mem[24] == 0x80 && r.mem[25] == 0x1F && r.mem[28] == 0xFF &&
           r.mem[29] == 0xFF, "FXSAVE: MXCSR 1F80, MXCSR_MASK FFFF", &r);
        ok(memcmp(r.mem + 32, pi80, 10) == 0, "FXSAVE: ST0 = pi at +32", &r);
        ok(r.mem[160 + 48] == 0x78 && r.mem[160 + 51] == 0x12,
           "FXSAVE: XMM3 restored and saved at +208", &r);
    }
    {
        /* fninit; fld1; fld dword [0x0040]; fnstenv [0x1000];
         * o32 fnstenv [0x1020]; hlt   (real mode, CS=DS=0100h) */
        static const uint8_t env_rm[] = {0xDB, 0xE3, 0xD9, 0xE8,
                                         0xD9, 0x06, 0x40, 0x00,
                                         0xD9, 0x36, 0x00, 0x10,
                                         0x66, 0xD9, 0x36, 0x20, 0x10, 0xF4};
        run_rm(env_rm, sizeof env_rm, &r);
        ok(r.stop == CPU_STOP_HLT, "real mode FNSTENV runs", &r);
        /* 16-bit real format: IP linear 0x1004 (fld dword at 0100:0004),
         * opcode D9 /0 modrm 06 -> 0x106, DP linear 0x1040 */
        ok((r.mem[6] | r.mem[7] << 8) == 0x1004, "16-bit real env: FIP[15:0]", &r);
        ok((r.mem[8] | r.mem[9] << 8) == 0x0106, "16-bit real env: FIP[19:16] and FOP", &r);
        ok((r.mem[10] | r.mem[11] << 8) == 0x1040, "16-bit real env: FDP[15:0]", &r);
        ok((r.mem[12] | r.mem[13] << 8) == 0x0000, "16-bit real env: FDP[19:16]", &r);
        ok((r.mem[0x20 + 12] | r.mem[0x20 + 13] << 8) == 0x1004 &&
           (r.mem[0x20 + 16] | r.mem[0x20 + 17] << 8) == 0x0106 &&
           (r.mem[0x20 + 20] | r.mem[0x20 + 21] << 8) == 0x1040,
           "32-bit real env: FIP, FOP, FDP", &r);
        /* TOP = 6; R7 = 1.0 (valid 00), R6 = +0 (zero 01), rest empty */
        ok((r.mem[4] | r.mem[5] << 8) == 0x1FFF &&
           ((r.mem[2] | r.mem[3] << 8) & 0x3800) == 0x3000,
           "env: tag word 1FFF and TOP 6 after two loads", &r);
    }
    printf("%d passed, %d failed\n", tests - failures, failures);
    return failures ? 1 : 0;
}
