/* The software TLB and the decoded-instruction cache, through the public
 * CPU API: translations are cached until INVLPG / CR3 loads (as hardware
 * may), a page-crossing write that faults on its second page writes
 * nothing, device DMA and debugger writes into cached code are seen by the
 * next instruction, A20 and ROM/MMIO mappings are honoured, and the
 * counters move. */
#include <stdio.h>
#include <string.h>
#include "cpu/cpu.h"
#include "memory/mem.h"

static int fails, checks;
#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        checks++;                                                             \
        if (!(cond)) {                                                        \
            fails++;                                                          \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                       \
            printf(__VA_ARGS__);                                              \
            printf("\n");                                                     \
        }                                                                     \
    } while (0)

static PhysMem *pm;
static CPUState *c;

static void w32(uint64_t a, uint32_t v) { phys_write(pm, a, v, 4); }
static uint32_t r32(uint64_t a) { return (uint32_t)phys_read(pm, a, 4); }

/* Flat 32-bit ring 0. */
static void flat_pm(void)
{
    CPUSeg cs = {0x08, 0, 0xFFFFFFFFu, 0xC09B};
    CPUSeg ds = {0x10, 0, 0xFFFFFFFFu, 0xC093};
    cpu_set_cr0_raw(c, 0x11);
    cpu_set_seg_raw(c, S_CS, &cs);
    for (int s = 0; s < 6; s++)
        if (s != S_CS)
            cpu_set_seg_raw(c, s, &ds);
    cpu_set_reg(c, R_ESP, 0x9000);
    cpu_set_eflags(c, 2);
}

/* Copies code to lin (through the CPU's view) and runs it to its HLT. */
static int run_at(uint32_t lin, const uint8_t *code, size_t n)
{
    if (code)
        cpu_write_linear(c, lin, code, (uint32_t)n);
    cpu_set_eip(c, lin);
    return cpu_run(c, 1000);
}

static void paging_on(void)
{
    /* PD 10000: PDE0 identity 4 MiB via PT 11000, PDE1 -> PT 12000 */
    for (int i = 0; i < 1024; i++) {
        w32(0x10000 + i * 4, 0);
        w32(0x11000 + i * 4, (uint32_t)(i << 12) | 3);
        w32(0x12000 + i * 4, 0);
    }
    w32(0x10000, 0x11000 | 3);
    w32(0x10004, 0x12000 | 3);
    cpu_set_cr_raw(c, 3, 0x10000);
    cpu_set_cr_raw(c, 0, 0x80000011u);
}

static void test_stale_and_invlpg(void)
{
    /* mov eax,[400000]; hlt */
    static const uint8_t rd[] = {0xA1, 0x00, 0x00, 0x40, 0x00, 0xF4};
    /* invlpg [400000]; mov eax,[400000]; hlt */
    static const uint8_t inv[] = {0x0F, 0x01, 0x3D, 0x00, 0x00, 0x40, 0x00,
                                  0xA1, 0x00, 0x00, 0x40, 0x00, 0xF4};
    /* mov eax,cr3; mov cr3,eax; mov eax,[400000]; hlt */
    static const uint8_t cr3[] = {0x0F, 0x20, 0xD8, 0x0F, 0x22, 0xD8,
                                  0xA1, 0x00, 0x00, 0x40, 0x00, 0xF4};
    CPUStats s0, s1;
    uint64_t phys;
    unsigned perm;
    w32(0x50000, 0xAAAAAAAA);
    w32(0x60000, 0xBBBBBBBB);
    w32(0x12000, 0x50000 | 3);
    run_at(0x1000, rd, sizeof rd);
    CHECK(cpu_get_reg(c, R_EAX) == 0xAAAAAAAA, "first read %08x",
          cpu_get_reg(c, R_EAX));
    CHECK(cpu_tlb_probe(c, 0x400123, 0, &phys, &perm) == 0 &&
              phys == 0x50123 && (perm & 1),
          "tlb holds 400000 -> 50000 (phys %llx perm %u)",
          (unsigned long long)phys, perm);
    w32(0x12000, 0x60000 | 3); /* remap without telling the CPU */
    run_at(0x1000, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0xAAAAAAAA,
          "cached translation used until invalidated");
    cpu_get_stats(c, &s0);
    run_at(0x1100, inv, sizeof inv);
    cpu_get_stats(c, &s1);
    CHECK(cpu_get_reg(c, R_EAX) == 0xBBBBBBBB, "after INVLPG %08x",
          cpu_get_reg(c, R_EAX));
    CHECK(s1.tlb_invlpg == s0.tlb_invlpg + 1, "invlpg counted");
    CHECK(s1.tlb_misses > s0.tlb_misses, "a miss after invlpg");
    w32(0x12000, 0x50000 | 3);
    run_at(0x1200, cr3, sizeof cr3);
    CHECK(cpu_get_reg(c, R_EAX) == 0xAAAAAAAA, "after CR3 reload");
    cpu_get_stats(c, &s1);
    CHECK(s1.tlb_flushes > s0.tlb_flushes, "CR3 load counted as a flush");
}

static void test_crossing_write(void)
{
    /* mov dword [400FFE], 11223344; hlt  -- 401000 is not present */
    static const uint8_t wr[] = {0xC7, 0x05, 0xFE, 0x0F, 0x40, 0x00,
                                 0x44, 0x33, 0x22, 0x11, 0xF4};
    w32(0x12000, 0x50000 | 3);
    w32(0x12004, 0);
    cpu_set_cr_raw(c, 3, 0x10000);
    w32(0x50FFC, 0x99999999);
    cpu_set_no_reboot(c, 1);
    int r = run_at(0x1300, wr, sizeof wr);
    CHECK(r == CPU_STOP_TRIPLE, "no IDT: the #PF escalates (%d)", r);
    CHECK(strstr(cpu_fault_report(c), "#PF") != NULL, "report names #PF: %s",
          cpu_fault_report(c));
    CHECK(r32(0x50FFC) == 0x99999999,
          "no partial write before the faulting page (%08x)", r32(0x50FFC));
    CHECK(cpu_get_cr(c, 2) == 0x401000, "CR2=%08x", cpu_get_cr(c, 2));
}

static void test_smc_dma(void)
{
    /* mov eax, 11111111; hlt */
    static const uint8_t code[] = {0xB8, 0x11, 0x11, 0x11, 0x11, 0xF4};
    static const uint8_t patch[] = {0x22, 0x22, 0x22, 0x22};
    CPUStats s0, s1;
    run_at(0x3000, code, sizeof code);
    CHECK(cpu_get_reg(c, R_EAX) == 0x11111111, "code runs");
    run_at(0x3000, NULL, 0); /* the first run may start mid-page blocks */
    cpu_get_stats(c, &s0);
    run_at(0x3000, NULL, 0);
    cpu_get_stats(c, &s1);
    CHECK(s1.icache_hits >= s0.icache_hits + 2 &&
              s1.icache_misses == s0.icache_misses,
          "third run from the cache (hits %llu->%llu misses %llu->%llu)",
          (unsigned long long)s0.icache_hits,
          (unsigned long long)s1.icache_hits,
          (unsigned long long)s0.icache_misses,
          (unsigned long long)s1.icache_misses);
    phys_dma_write(pm, 0x3001, patch, sizeof patch); /* a device writes */
    run_at(0x3000, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0x22222222, "DMA-patched code: %08x",
          cpu_get_reg(c, R_EAX));
    static const uint8_t patch2[] = {0x33};
    cpu_write_linear(c, 0x3002, patch2, 1); /* the debugger writes */
    run_at(0x3000, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0x22223322, "debugger-patched code: %08x",
          cpu_get_reg(c, R_EAX));
    /* a write next to the code (same page, other chunk) keeps the cache */
    cpu_get_stats(c, &s0);
    w32(0x3800, 1);
    run_at(0x3000, NULL, 0);
    cpu_get_stats(c, &s1);
    CHECK(s1.icache_misses == s0.icache_misses,
          "data write elsewhere in the page: no re-decode");
}

static uint32_t mmio_reads;
static uint64_t mmio_rd(void *o, uint64_t off, unsigned size)
{
    (void)o;
    (void)size;
    mmio_reads++;
    return 0x1000 + off;
}
static void mmio_wr(void *o, uint64_t off, uint64_t v, unsigned size)
{
    (void)o;
    (void)off;
    (void)v;
    (void)size;
}

static void test_pc_map(void)
{
    /* PC layout: ROM at F0000, MMIO at E0000000, A20. Paging off. */
    PhysMem *p = phys_new(2u << 20, PHYS_LAYOUT_PC);
    CPUState *k = cpu_new(p, NULL);
    uint8_t rom[0x10000];
    memset(rom, 0x5A, sizeof rom);
    CHECK(phys_add_rom(p, 0xF0000, rom, sizeof rom) == 0, "rom");
    CHECK(phys_add_mmio(p, 0xE0000000u, 0x1000, mmio_rd, mmio_wr, NULL) == 0,
          "mmio");
    PhysMem *save_pm = pm;
    CPUState *save_c = c;
    pm = p;
    c = k;
    flat_pm();
    /* mov dword [F0010], 0; mov eax,[F0010]; hlt */
    static const uint8_t rom_wr[] = {0xC7, 0x05, 0x10, 0x00, 0x0F, 0x00,
                                     0x00, 0x00, 0x00, 0x00, 0xA1, 0x10,
                                     0x00, 0x0F, 0x00, 0xF4};
    run_at(0x1000, rom_wr, sizeof rom_wr);
    CHECK(cpu_get_reg(c, R_EAX) == 0x5A5A5A5A, "ROM write ignored: %08x",
          cpu_get_reg(c, R_EAX));
    /* mov eax,[E0000010]; mov eax,[E0000010]; hlt */
    static const uint8_t mm[] = {0xA1, 0x10, 0x00, 0x00, 0xE0,
                                 0xA1, 0x10, 0x00, 0x00, 0xE0, 0xF4};
    run_at(0x1100, mm, sizeof mm);
    CHECK(cpu_get_reg(c, R_EAX) == 0x1010 && mmio_reads == 2,
          "MMIO reads reach the device every time (%08x, %u reads)",
          cpu_get_reg(c, R_EAX), mmio_reads);
    /* A20: [100000] aliases [0] when the gate is off */
    w32(0x0, 0x12345678);
    w32(0x100000, 0x9ABCDEF0);
    static const uint8_t hi[] = {0xA1, 0x00, 0x00, 0x10, 0x00, 0xF4};
    run_at(0x1200, hi, sizeof hi);
    CHECK(cpu_get_reg(c, R_EAX) == 0x9ABCDEF0, "A20 on");
    phys_set_a20(p, 0);
    run_at(0x1200, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0x12345678, "A20 off wraps (TLB flushed)");
    phys_set_a20(p, 1);
    run_at(0x1200, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0x9ABCDEF0, "A20 on again");
    /* PAM: shadow RAM at F0000 */
    phys_set_pam(p, 0xF0000, 0x10000, PHYS_PAM_RE | PHYS_PAM_WE);
    run_at(0x1000, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0, "PAM RE|WE: RAM behind the ROM");
    phys_set_pam(p, 0xF0000, 0x10000, 0);
    run_at(0x1000, NULL, 0);
    CHECK(cpu_get_reg(c, R_EAX) == 0x5A5A5A5A, "PAM off: the ROM again");
    cpu_free(k);
    phys_free(p);
    pm = save_pm;
    c = save_c;
}

/* RAM above 4 GiB (-m beyond 3.5 GiB): reachable through PAE paging, with
 * the A20 mask and the TLB keeping all 36 address bits. */
static void test_ram_above_4g(void)
{
    uint64_t size = PHYS_BELOW_4G_MAX + (64u << 20); /* 3.5 GiB + 64 MiB */
    PhysMem *p = phys_new(size, PHYS_LAYOUT_PC);
    if (!p) {
        printf("# SKIP RAM above 4 GiB: cannot reserve %llu bytes here\n",
               (unsigned long long)size);
        return;
    }
    CPUState *k = cpu_new(p, NULL);
    PhysMem *save_pm = pm;
    CPUState *save_c = c;
    pm = p;
    c = k;
    CHECK(phys_ram_below_4g(p) == PHYS_BELOW_4G_MAX &&
              phys_ram_above_4g(p) == (64u << 20),
          "3.5 GiB below 4 GiB, the rest above");
    phys_write(p, 0x100000000ull + 0x3000, 0x600DCAFE, 4);
    CHECK(phys_read(p, 0x100003000ull, 4) == 0x600DCAFE &&
              phys_read(p, 0x3000, 4) == 0,
          "RAM at 4 GiB is its own memory, not an alias of 0");
    CHECK(phys_read(p, 0x100000000ull + (64u << 20), 4) == 0xFFFFFFFFu,
          "past the end of high RAM: unbacked");
    flat_pm();
    /* PAE: PDPT 20000, PD 21000, PT 22000; 400000 -> 1_0000_3000 */
    for (int i = 0; i < 3 * 512; i++)
        phys_write(p, 0x20000 + (uint64_t)i * 8, 0, 8);
    phys_write(p, 0x20000, 0x21000 | 1, 8);
    phys_write(p, 0x21000, 0x000000 | 0x83, 8);     /* 0-2M identity */
    phys_write(p, 0x21000 + 2 * 8, 0x22000 | 3, 8); /* 400000 */
    phys_write(p, 0x22000, 0x100003000ull | 3, 8);
    cpu_set_cr_raw(c, 4, 0x20); /* PAE */
    cpu_set_cr_raw(c, 3, 0x20000);
    cpu_set_cr_raw(c, 0, 0x80000011u);
    /* mov eax,[400000]; mov dword [400004],12345678; hlt */
    static const uint8_t code[] = {0xA1, 0x00, 0x00, 0x40, 0x00, 0xC7, 0x05,
                                   0x04, 0x00, 0x40, 0x00, 0x78, 0x56, 0x34,
                                   0x12, 0xF4};
    phys_dma_write(p, 0x1000, code, sizeof code);
    cpu_set_eip(c, 0x1000);
    cpu_run(c, 100);
    CHECK(cpu_get_reg(c, R_EAX) == 0x600DCAFE, "PAE read above 4 GiB: %08x",
          cpu_get_reg(c, R_EAX));
    CHECK(phys_read(p, 0x100003004ull, 4) == 0x12345678,
          "PAE write above 4 GiB");
    uint64_t phys;
    unsigned perm;
    CHECK(cpu_tlb_probe(c, 0x400000, 0, &phys, &perm) == 0 &&
              phys == 0x100003000ull,
          "TLB entry keeps bit 32 (%llx)", (unsigned long long)phys);
    cpu_free(k);
    phys_free(p);
    pm = save_pm;
    c = save_c;
}

int main(void)
{
    pm = phys_new(16u << 20, PHYS_LAYOUT_FLAT);
    c = cpu_new(pm, NULL);
    if (!pm || !c) {
        printf("setup failed\n");
        return 1;
    }
    flat_pm();
    test_smc_dma();
    paging_on();
    test_stale_and_invlpg();
    test_crossing_write();
    test_pc_map();
    test_ram_above_4g();
    cpu_free(c);
    phys_free(pm);
    printf("test_tlb: %d checks, %d failed\n", checks, fails);
    return fails != 0;
}
