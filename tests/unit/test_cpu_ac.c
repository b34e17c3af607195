/* #AC alignment check through the public CPU API: a misaligned load at
 * CPL 3 with CR0.AM and EFLAGS.AC raises #AC(0); with either off, or with an
 * aligned address, it does not.  No IDT is set up, so the first exception
 * escalates to a triple fault whose report names the fault chain; the test
 * reads the first link of that chain. */
#include <stdio.h>
#include <string.h>
#include "cpu/cpu.h"
#include "memory/mem.h"

static int failures;

/* Runs "mov eax,[ebx]; hlt" at CPL 3 and returns the fault report. */
static const char *run(uint32_t ebx, int am, int ac, char *out, size_t n)
{
    PhysMem *pm = phys_new(1 << 20, PHYS_LAYOUT_FLAT);
    CPUState *c = cpu_new(pm, NULL);
    static const uint8_t code[] = {0x8B, 0x03, 0xF4}; /* mov eax,[ebx]; hlt */
    CPUSeg cs = {0x1B, 0, 0xFFFFFFFFu, 0xC0FB}; /* DPL 3 code, 32-bit */
    CPUSeg ds = {0x23, 0, 0xFFFFFFFFu, 0xC0F3}; /* DPL 3 data */
    int s;
    cpu_set_no_reboot(c, 1);
    cpu_write_linear(c, 0x1000, code, sizeof code);
    cpu_set_cr0_raw(c, 0x11 | (am ? 0x40000u : 0)); /* PE, ET, AM */
    cpu_set_seg_raw(c, S_CS, &cs);
    for (s = 0; s < 6; s++)
        if (s != S_CS)
            cpu_set_seg_raw(c, s, &ds);
    cpu_set_eip(c, 0x1000);
    cpu_set_reg(c, R_EBX, ebx);
    cpu_set_reg(c, R_ESP, 0x8000);
    cpu_set_eflags(c, 2 | (ac ? 0x40000u : 0));
    cpu_run(c, 100);
    snprintf(out, n, "%s", cpu_fault_report(c));
    cpu_free(c);
    phys_free(pm);
    return out;
}

static void expect(const char *name, uint32_t ebx, int am, int ac,
                   const char *first)
{
    char buf[512];
    const char *r = run(ebx, am, ac, buf, sizeof buf);
    const char *chain = strstr(r, ": #");
    if (!chain || strncmp(chain + 2, first, strlen(first)) != 0) {
        printf("FAIL %s: expected the chain to start with %s, report: %s\n",
               name, first, r);
        failures++;
    } else {
        printf("PASS %s\n", name);
    }
}

int main(void)
{
    /* The HLT at CPL 3 is a #GP: that is the "no #AC" outcome. */
    expect("misaligned, AM+AC", 0x2001, 1, 1, "#AC(0x0000)");
    expect("aligned, AM+AC", 0x2004, 1, 1, "#GP(0x0000)");
    expect("misaligned, AC only", 0x2001, 0, 1, "#GP(0x0000)");
    expect("misaligned, AM only", 0x2001, 1, 0, "#GP(0x0000)");
    printf("%d passed, %d failed\n", 4 - failures, failures);
    return failures ? 1 : 0;
}
