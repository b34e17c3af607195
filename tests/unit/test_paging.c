/* Unit test of the page-table walker (memory/paging.c) against hand-built
 * page tables: 32-bit 4 KiB and 4 MiB pages, PAE 4 KiB and 2 MiB pages,
 * rights across levels, CR0.WP, NX, reserved bits, accessed/dirty updates,
 * global pages and the A20 mask on table addresses. */
#include <stdio.h>
#include <stdlib.h>
#include "memory/mem.h"
#include "memory/paging.h"

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

#define CR0_PG 0x80000000u
#define CR0_WP 0x00010000u
#define CR4_PSE 0x10u
#define CR4_PAE 0x20u
#define CR4_PGE 0x80u
#define NXE 0x800u

static PhysMem *pm;

static void w32(uint64_t a, uint32_t v) { phys_write(pm, a, v, 4); }
static void w64(uint64_t a, uint64_t v) { phys_write(pm, a, v, 8); }
static uint32_t r32(uint64_t a) { return (uint32_t)phys_read(pm, a, 4); }

static uint32_t walk(const PagingRegs *r, uint32_t lin, unsigned acc,
                     PageWalk *w)
{
    uint32_t e = paging_walk(pm, r, lin, acc, w);
    return e ? (e & ~PW_FAULT) | 0x100 : 0; /* 0x100: "faulted" */
}

static void test_32bit(void)
{
    PagingRegs r = {CR0_PG, 0x10000, 0, 0, 0xFFFFFFFFu};
    PageWalk w;
    /* PD at 10000: PDE0 -> PT 11000 (user, rw); PDE1 -> PT 12000
     * (supervisor); PDE2 -> PT 13000 (read-only user) */
    w32(0x10000, 0x11000 | 7);
    w32(0x10004, 0x12000 | 3);
    w32(0x10008, 0x13000 | 5);
    w32(0x11000 + 5 * 4, 0x55000 | 7);   /* 5000 -> 55000 */
    w32(0x11000 + 6 * 4, 0x56000 | 5);   /* 6000 read-only user */
    w32(0x11000 + 7 * 4, 0x57000 | 3);   /* 7000 supervisor rw */
    w32(0x12000 + 1 * 4, 0x61000 | 7);   /* 401000: PTE user, PDE not */
    w32(0x13000 + 2 * 4, 0x62000 | 7);   /* 802000: PTE rw, PDE ro */

    CHECK(walk(&r, 0x5123, 0, &w) == 0 && w.phys == 0x55123,
          "4K read phys=%llx", (unsigned long long)w.phys);
    CHECK(w.page_size == 0x1000 && w.user && w.writable, "4K rights");
    CHECK((r32(0x10000) & 0x60) == 0x20, "PDE A only: %x", r32(0x10000));
    CHECK((r32(0x11014) & 0x60) == 0x20, "PTE A only: %x", r32(0x11014));
    CHECK(walk(&r, 0x5123, PW_WRITE, &w) == 0, "4K write");
    CHECK((r32(0x11014) & 0x60) == 0x60, "PTE A+D: %x", r32(0x11014));
    CHECK((r32(0x10000) & 0x40) == 0, "PDE never gets D: %x", r32(0x10000));

    /* not present at each level, every access kind */
    CHECK(walk(&r, 0x8000, 0, &w) == 0x100, "np read");
    CHECK(walk(&r, 0x8000, PW_WRITE, &w) == 0x102, "np write");
    CHECK(walk(&r, 0x8000, PW_USER, &w) == 0x104, "np user read");
    CHECK(walk(&r, 0x8000, PW_USER | PW_WRITE, &w) == 0x106, "np user write");
    CHECK(walk(&r, 0xC00000, 0, &w) == 0x100, "PDE np");
    CHECK(walk(&r, 0x8000, PW_FETCH, &w) == 0x100,
          "np fetch: no I/D bit without NXE");

    /* protection */
    CHECK(walk(&r, 0x7000, PW_USER, &w) == 0x105, "user read sup page");
    CHECK(walk(&r, 0x7000, PW_USER | PW_WRITE, &w) == 0x107,
          "user write sup page");
    CHECK(walk(&r, 0x6000, PW_USER | PW_WRITE, &w) == 0x107,
          "user write ro page");
    CHECK(walk(&r, 0x6000, PW_WRITE, &w) == 0, "sup write ro, WP=0");
    r.cr0 |= CR0_WP;
    CHECK(walk(&r, 0x6000, PW_WRITE, &w) == 0x103, "sup write ro, WP=1");
    CHECK(walk(&r, 0x6000, PW_USER, &w) == 0, "user read ro page");
    CHECK(walk(&r, 0x401000, PW_USER, &w) == 0x105,
          "U/S=0 in the PDE wins");
    CHECK(walk(&r, 0x401000, 0, &w) == 0 && w.phys == 0x61000,
          "sup through sup PDE");
    CHECK(walk(&r, 0x802000, PW_USER | PW_WRITE, &w) == 0x107,
          "R/W=0 in the PDE wins");
    r.cr0 &= ~CR0_WP;
    /* a failed walk sets no A bit */
    uint32_t before = r32(0x11018);
    w32(0x11018, before & ~0x20u);
    walk(&r, 0x6000, PW_USER | PW_WRITE, &w);
    CHECK((r32(0x11018) & 0x20) == 0, "no A bit on a fault");

    /* 4 MiB pages: only with CR4.PSE */
    w32(0x1000C, 0x00C00000u | 0x87);   /* C00000 (PDE3) */
    /* without CR4.PSE the entry points at a page table (here: zeros) */
    CHECK(walk(&r, 0xC12345, 0, &w) == 0x100, "PS without PSE: a table");
    r.cr4 = CR4_PSE;
    CHECK(walk(&r, 0xC12345, PW_WRITE, &w) == 0 && w.phys == 0xC12345 &&
              w.page_size == 0x400000,
          "4M page phys=%llx size=%x", (unsigned long long)w.phys,
          w.page_size);
    CHECK((r32(0x1000C) & 0x60) == 0x60, "4M PDE A+D: %x", r32(0x1000C));
    w32(0x1000C, 0x00C00000u | 0x87 | (1u << 13)); /* PSE-36 bit */
    CHECK(walk(&r, 0xC12345, 0, &w) == 0x109, "4M reserved bit 13");
    w32(0x1000C, 0x00C00000u | 0x87 | (1u << 21));
    CHECK(walk(&r, 0xC12345, PW_USER, &w) == 0x10D, "4M reserved bit 21");

    /* global */
    w32(0x11000 + 9 * 4, 0x59000 | 0x107);
    walk(&r, 0x9000, 0, &w);
    CHECK(!w.global, "G without CR4.PGE");
    r.cr4 |= CR4_PGE;
    walk(&r, 0x9000, 0, &w);
    CHECK(w.global, "G with CR4.PGE");

    /* A20 masks the table addresses */
    PagingRegs ra = {CR0_PG, 0x110000, 0, 0, 0xFFEFFFFFu};
    w32(0x10000 + 0x40 * 4, 0x11000 | 7); /* PD at 110000 aliases 10000 */
    CHECK(walk(&ra, 0x5000, 0, &w) == 0 && w.phys == 0x55000,
          "A20-masked CR3");
}

static void test_pae(void)
{
    PagingRegs r = {CR0_PG, 0x20000, CR4_PAE, 0, 0xFFFFFFFFu};
    PageWalk w;
    w64(0x20000, 0x21000 | 1);                 /* PDPTE0 */
    w64(0x20008, 0x28000 | 1 | 2);             /* PDPTE1: RW is reserved */
    w64(0x21000 + 0 * 8, 0x22000 | 7);         /* PDE0 -> PT */
    w64(0x21000 + 1 * 8, 0x00600000 | 0x87);   /* 200000: 2M page */
    w64(0x21000 + 2 * 8, 0x00600000 | 0x87 | (1ull << 63)); /* NX 2M */
    w64(0x21000 + 3 * 8, 0x00600000 | 0x87 | (1ull << 13)); /* rsvd */
    w64(0x22000 + 1 * 8, 0x71000 | 7);
    w64(0x22000 + 2 * 8, 0x72000 | 7 | (1ull << 63)); /* NX */
    w64(0x22000 + 3 * 8, 0x73000 | 7 | (1ull << 40)); /* > MAXPHYADDR */

    CHECK(walk(&r, 0x1ABC, 0, &w) == 0 && w.phys == 0x71ABC, "PAE 4K");
    CHECK(walk(&r, 0x212345, PW_WRITE, &w) == 0 && w.phys == 0x612345 &&
              w.page_size == 0x200000,
          "PAE 2M phys=%llx", (unsigned long long)w.phys);
    CHECK((r32(0x21008) & 0x60) == 0x60, "2M PDE A+D");
    CHECK((r32(0x20000) & 0x20) == 0, "no A bit in a PAE PDPTE");
    /* NX without NXE: bit 63 is reserved */
    CHECK(walk(&r, 0x2000, 0, &w) == 0x109, "bit 63 with NXE=0");
    r.efer = NXE;
    CHECK(walk(&r, 0x2000, 0, &w) == 0 && w.nx, "read NX page");
    CHECK(walk(&r, 0x2000, PW_FETCH, &w) == 0x111, "fetch NX 4K");
    CHECK(walk(&r, 0x400000, PW_FETCH | PW_USER, &w) == 0x115,
          "user fetch NX 2M");
    CHECK(walk(&r, 0x1000, PW_FETCH, &w) == 0, "fetch ok");
    CHECK(walk(&r, 0x5000, PW_FETCH, &w) == 0x110, "fetch np: I bit");
    CHECK(walk(&r, 0x3000, PW_WRITE, &w) == 0x10B, "PTE bit 40 reserved");
    CHECK(walk(&r, 0x600000, 0, &w) == 0x109, "2M PDE bit 13 reserved");
    CHECK(walk(&r, 0x40000000, 0, &w) == 0x109, "PDPTE RW reserved");
    CHECK(walk(&r, 0x80000000, 0, &w) == 0x100, "PDPTE not present");
}

int main(void)
{
    pm = phys_new(16u << 20, PHYS_LAYOUT_FLAT);
    if (!pm) {
        printf("phys_new failed\n");
        return 1;
    }
    test_32bit();
    test_pae();
    phys_free(pm);
    printf("test_paging: %d checks, %d failed\n", checks, fails);
    return fails != 0;
}
