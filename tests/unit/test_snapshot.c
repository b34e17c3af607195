/* Whole-machine snapshots (devices/pc_snap.c, cpu/cpu_snap.c):
 *   - round trip: a machine runs guest code (PIT interrupts, x87), is
 *     saved, loaded into a fresh machine and saved again: identical bytes;
 *   - continuation: both machines then run on and stay identical;
 *   - bad input: truncated files, bad magic, another version, another RAM
 *     size or configuration, a bad device section and a bad CPU record
 *     (with valid checksums) are refused with a message and leave the
 *     machine exactly as it was. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cpu/cpu.h"
#include "devices/pc.h"
#include "memory/mem.h"

static int failures;
#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
            printf(__VA_ARGS__);                                             \
            printf("\n");                                                    \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* ------------------------------------------------------------ guest ROM */

static uint8_t rom[65536];
static size_t at;
static void b(unsigned n, ...)
{
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 0; i < n; i++)
        rom[at++] = (uint8_t)va_arg(ap, int);
    va_end(ap);
}

/* Real-mode program at F000:0000: IRQ0 from PIT channel 0 (mode 2)
 * counted at 0x502, a main loop counting at 0x500 with some x87 work
 * and a HLT every 64 passes (halted time is skipped: the clock's warp). */
static void build_rom(void)
{
    memset(rom, 0xFF, sizeof(rom));
    at = 0;
    b(1, 0xFA);                         /* cli */
    b(2, 0x31, 0xC0);                   /* xor ax,ax */
    b(2, 0x8E, 0xD8);                   /* mov ds,ax */
    b(2, 0x8E, 0xD0);                   /* mov ss,ax */
    b(3, 0xBC, 0x00, 0x7C);             /* mov sp,0x7C00 */
    size_t patch = at + 4;
    b(6, 0xC7, 0x06, 0x20, 0x00, 0, 0); /* mov word [0x20],handler */
    b(6, 0xC7, 0x06, 0x22, 0x00, 0x00, 0xF0); /* mov word [0x22],0xF000 */
    static const uint8_t pic[][2] = {{0x11, 0x20}, {0x08, 0x21},
                                     {0x04, 0x21}, {0x01, 0x21},
                                     {0xFE, 0x21}, {0x34, 0x43},
                                     {0x00, 0x40}, {0x10, 0x40}};
    for (unsigned i = 0; i < 8; i++)
        b(4, 0xB0, pic[i][0], 0xE6, pic[i][1]); /* mov al,v; out p,al */
    b(2, 0xDB, 0xE3);                   /* fninit */
    b(2, 0xD9, 0xE8);                   /* fld1 */
    b(1, 0xFB);                         /* sti */
    size_t loop = at;
    b(4, 0xFF, 0x06, 0x00, 0x05);       /* inc word [0x500] */
    b(2, 0xD8, 0xC0);                   /* fadd st0,st0 */
    b(2, 0xD9, 0xE1);                   /* fabs */
    b(3, 0xF6, 0x06, 0x00);             /* test byte [0x500],0x3F ... */
    b(2, 0x05, 0x3F);
    b(2, 0x75, 0x01);                   /* jnz +1 */
    b(1, 0xF4);                         /* hlt (every 64th pass: the
                                         * clock skips to the next IRQ0) */
    b(2, 0xEB, (uint8_t)(loop - (at + 2))); /* jmp loop */
    size_t handler = at;
    b(4, 0xFF, 0x06, 0x02, 0x05);       /* inc word [0x502] */
    b(1, 0x50);                         /* push ax */
    b(4, 0xB0, 0x20, 0xE6, 0x20);       /* mov al,0x20; out 0x20,al */
    b(1, 0x58);                         /* pop ax */
    b(1, 0xCF);                         /* iret */
    rom[patch] = (uint8_t)handler;
    rom[patch + 1] = (uint8_t)(handler >> 8);
    /* reset vector: jmp far F000:0000 */
    at = 0xFFF0;
    b(5, 0xEA, 0x00, 0x00, 0x00, 0xF0);
}

/* ------------------------------------------------------------ machines */

static uint64_t stop_at;
static PC *cur;
static unsigned long polls;
static int poll_cb(void *host)
{
    (void)host;
    /* A machine that can no longer reach stop_at (halted with no timer
     * armed) ends the run instead of hanging the test. */
    return cpu_icount(pc_cpu(cur)) >= stop_at || ++polls > 3000000ul;
}

/* The board's log: a load whose devices re-arm their timers differently
 * from the snapshot says so there. */
static int log_lines;
static void log_cb(void *host, const char *line)
{
    (void)host;
    printf("  log: %s\n", line);
    log_lines++;
}

static PC *make(uint64_t ram, unsigned shift)
{
    PCConfig cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.ram_size = ram;
    cfg.bios = rom;
    cfg.bios_size = sizeof(rom);
    cfg.clock = PC_CLOCK_ICOUNT;
    cfg.icount_shift = shift;
    cfg.poll = poll_cb;
    cfg.log = log_cb;
    char err[256];
    int st;
    PC *pc = pc_new(&cfg, err, sizeof(err), &st);
    if (!pc) {
        printf("FAIL: pc_new: %s\n", err);
        exit(1);
    }
    return pc;
}

static void run_to(PC *pc, uint64_t n)
{
    char msg[256];
    cur = pc;
    stop_at = n;
    polls = 0;
    pc_set_stop_icount(pc, n);
    int r = pc_run(pc, msg, sizeof(msg));
    CHECK(r == PC_EXIT_HOST, "pc_run returned %d (%s)", r, msg);
    CHECK(cpu_icount(pc_cpu(pc)) == n, "stopped at %llu, wanted %llu",
          (unsigned long long)cpu_icount(pc_cpu(pc)), (unsigned long long)n);
}

static uint8_t *save(PC *pc, size_t *len)
{
    uint8_t *buf;
    char err[256];
    if (pc_snapshot_save_mem(pc, &buf, len, err, sizeof(err)) < 0) {
        printf("FAIL: save: %s\n", err);
        exit(1);
    }
    return buf;
}

static int same(const uint8_t *a, size_t al, const uint8_t *b2, size_t bl)
{
    return al == bl && memcmp(a, b2, al) == 0;
}

/* Loading bad must fail with a message containing want, and leave pc as
 * it was (its snapshot unchanged). */
static void expect_refused(PC *pc, const uint8_t *bad, size_t len,
                           const char *want, const char *what)
{
    size_t l0, l1;
    uint8_t *s0 = save(pc, &l0);
    char err[400] = "";
    int r = pc_snapshot_load_mem(pc, bad, len, err, sizeof(err));
    CHECK(r < 0, "%s: accepted", what);
    CHECK(strstr(err, want) != NULL, "%s: message '%s' lacks '%s'", what, err,
          want);
    CHECK(strchr(err, '\n') == NULL && err[0], "%s: not one line", what);
    uint8_t *s1 = save(pc, &l1);
    CHECK(same(s0, l0, s1, l1), "%s: the machine changed", what);
    printf("  %s: %s\n", what, err);
    free(s0);
    free(s1);
}

/* Rebuilds a snapshot with its state block changed by fn (checksums
 * recomputed), so that only the sections' own validation can catch it. */
static uint8_t *reseal(const uint8_t *snap, size_t len, size_t *outlen,
                       void (*fn)(uint8_t *st, size_t n))
{
    size_t pos = 8 + 4 + 8;
    uint32_t fplen = (uint32_t)(snap[pos] | snap[pos + 1] << 8 |
                                snap[pos + 2] << 16 |
                                (uint32_t)snap[pos + 3] << 24);
    pos += 4 + fplen;
    uint64_t n = 0, zl = 0;
    for (int i = 0; i < 8; i++) {
        n |= (uint64_t)snap[pos + i] << (8 * i);
        zl |= (uint64_t)snap[pos + 12 + i] << (8 * i);
    }
    uLongf dl = (uLongf)n;
    uint8_t *st = malloc(n);
    if (uncompress(st, &dl, snap + pos + 20, (uLong)zl) != Z_OK || dl != n) {
        printf("FAIL: reseal: cannot inflate\n");
        exit(1);
    }
    fn(st, n);
    uLongf cl = compressBound((uLong)n);
    uint8_t *z = malloc(cl);
    compress2(z, &cl, st, (uLong)n, 1);
    size_t tail = pos + 20 + zl;
    size_t tot = pos + 20 + cl + (len - tail);
    uint8_t *o = malloc(tot);
    memcpy(o, snap, pos);
    uint32_t crc = (uint32_t)crc32(crc32(0, Z_NULL, 0), st, (uInt)n);
    for (int i = 0; i < 8; i++) {
        o[pos + i] = (uint8_t)(n >> (8 * i));
        o[pos + 12 + i] = (uint8_t)((uint64_t)cl >> (8 * i));
    }
    for (int i = 0; i < 4; i++)
        o[pos + 8 + i] = (uint8_t)(crc >> (8 * i));
    memcpy(o + pos + 20, z, cl);
    memcpy(o + pos + 20 + cl, snap + tail, len - tail);
    free(st);
    free(z);
    *outlen = tot;
    return o;
}

static uint8_t *find_tag(uint8_t *st, size_t n, const char *tag)
{
    for (size_t i = 0; i + 8 <= n; i++)
        if (!memcmp(st + i, tag, 4) && st[i + 4] == 1 && !st[i + 5] &&
            !st[i + 6] && !st[i + 7])
            return st + i;
    return NULL;
}
static void bad_pit(uint8_t *st, size_t n)
{
    uint8_t *p = find_tag(st, n, "PIT ");
    if (p)
        p[8] = 0xFF; /* channel 0 mode: 3 bits */
}
static void bad_cpu(uint8_t *st, size_t n)
{
    uint8_t *p = find_tag(st, n, "CPU ");
    if (p) /* EFLAGS: tag 4, version 4, length 4, magic 4, version 4,
            * 8 registers, EIP */
        memset(p + 12 + 8 + 32 + 4, 0, 4);
}
static void bad_a20(uint8_t *st, size_t n)
{
    uint8_t *p = find_tag(st, n, "BORD");
    if (p)
        p[8 + 4 + 2] = 7; /* the A20 gate: 0 or 1 */
}

static uint64_t fuzz_seed = 12345;
static void fuzz_state(uint8_t *st, size_t n)
{
    uint64_t x = fuzz_seed;
    for (int k = 0; k < 24; k++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        size_t off = (size_t)(x >> 33) % 4096;
        size_t pos = (x >> 20) & 1 ? off : n - 1 - off * 2;
        if (pos < n)
            st[pos] = (uint8_t)(x >> 40);
    }
}

int main(void)
{
    build_rom();
    printf("test_snapshot: round trip\n");
    PC *a = make(16 << 20, 10);
    run_to(a, 150001);
    uint16_t ticks = (uint16_t)phys_read(pc_mem(a), 0x502, 2);
    CHECK(ticks > 10, "only %u timer interrupts", ticks);
    size_t la, lb;
    uint8_t *sa = save(a, &la);
    PC *bm = make(16 << 20, 10);
    char err[400];
    CHECK(pc_snapshot_load_mem(bm, sa, la, err, sizeof(err)) == 0,
          "load: %s", err);
    uint8_t *sb = save(bm, &lb);
    CHECK(same(sa, la, sb, lb), "save/load/save differs (%zu vs %zu bytes)",
          la, lb);
    CHECK(cpu_icount(pc_cpu(bm)) == 150001, "icount not restored");
    CHECK(log_lines == 0, "the load logged %d line(s)", log_lines);
    free(sb);

    printf("test_snapshot: continuation\n");
    run_to(a, 400000);
    run_to(bm, 400000);
    size_t lca, lcb;
    uint8_t *ca = save(a, &lca), *cb = save(bm, &lcb);
    CHECK(same(ca, lca, cb, lcb), "the machines differ after running on");
    uint16_t t2 = (uint16_t)phys_read(pc_mem(bm), 0x502, 2);
    CHECK(t2 > ticks + 10, "no interrupts after the load (%u -> %u)", ticks,
          t2);
    CHECK(phys_read(pc_mem(a), 0x500, 4) == phys_read(pc_mem(bm), 0x500, 4),
          "loop counters differ");
    printf("  %u timer interrupts before the save, %u at the end\n", ticks,
           t2);
    free(ca);
    free(cb);

    printf("test_snapshot: bad input\n");
    /* truncated at several places, header through RAM */
    size_t cuts[] = {0, 7, 12, 23, 60, la / 3, la - 1};
    for (unsigned i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "truncated to %zu bytes", cuts[i]);
        expect_refused(bm, sa, cuts[i], cuts[i] < 8 ? "magic" : "snapshot",
                       what);
    }
    uint8_t *t = malloc(la);
    memcpy(t, sa, la);
    t[0] ^= 0x20;
    expect_refused(bm, t, la, "bad magic", "flipped magic");
    memcpy(t, sa, la);
    t[8] = 9;
    expect_refused(bm, t, la, "version 9", "another format version");
    /* 16 bytes in the middle of the compressed RAM (one byte alone may
     * hit bits deflate ignores) */
    memcpy(t, sa, la);
    for (size_t k = 0; k < 16; k++)
        t[la - (la - 200) / 4 + k] ^= 0x55;
    expect_refused(bm, t, la, "corrupted", "garbage in the RAM data");
    free(t);
    PC *big = make(32 << 20, 10);
    expect_refused(big, sa, la, "RAM", "another RAM size");
    pc_free(big);
    PC *other = make(16 << 20, 9);
    expect_refused(other, sa, la, "icount:10", "another clock");
    pc_free(other);
    size_t lr;
    uint8_t *r = reseal(sa, la, &lr, bad_pit);
    expect_refused(bm, r, lr, "PIT", "bad PIT section (valid checksum)");
    free(r);
    r = reseal(sa, la, &lr, bad_cpu);
    expect_refused(bm, r, lr, "EFLAGS", "bad CPU record (valid checksum)");
    free(r);
    r = reseal(sa, la, &lr, bad_a20);
    expect_refused(bm, r, lr, "board", "bad board section (valid checksum)");
    free(r);
    /* Random garbage in the sections around the VRAM bulk (CPU, clock,
     * board, i8042, RTC, VGA registers at the start; IDE..PIC at the
     * end): never a crash (the sanitizer build runs this too); a refused
     * load leaves the machine as it was. */
    {
        unsigned refused = 0, taken = 0;
        for (unsigned it = 0; it < 12; it++) {
            fuzz_seed = fuzz_seed * 6364136223846793005ull + 1442695040888963407ull;
            r = reseal(sa, la, &lr, fuzz_state);
            size_t l0, l1;
            uint8_t *s0 = save(bm, &l0);
            if (pc_snapshot_load_mem(bm, r, lr, err, sizeof(err)) < 0) {
                uint8_t *s1 = save(bm, &l1);
                CHECK(same(s0, l0, s1, l1), "fuzz %u: refused load changed "
                      "the machine (%s)", it, err);
                CHECK(err[0] && !strchr(err, '\n'), "fuzz %u: message", it);
                free(s1);
                refused++;
            } else {
                taken++;
                run_to(bm, cpu_icount(pc_cpu(bm)) + 2000);
                CHECK(pc_snapshot_load_mem(bm, sa, la, err, sizeof(err)) == 0,
                      "fuzz %u: reload: %s", it, err);
            }
            free(s0);
            free(r);
        }
        printf("  fuzz: %u garbage snapshots refused, %u loaded (and run)\n",
               refused, taken);
        CHECK(refused > 0, "no garbage refused");
    }
    /* the untouched file still loads after all that */
    CHECK(pc_snapshot_load_mem(bm, sa, la, err, sizeof(err)) == 0,
          "reload: %s", err);
    CHECK(cpu_icount(pc_cpu(bm)) == 150001, "reload: icount");

    free(sa);
    pc_free(a);
    pc_free(bm);
    if (failures) {
        printf("test_snapshot: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_snapshot: all passed\n");
    return 0;
}
