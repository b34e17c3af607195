/* Differential test of the disassembler (cpu/disasm.c) against GNU objdump
 * (objdump -D -b binary -m i386|i8086 -M intel).
 *
 * The corpus: every one-byte and 0F opcode with no prefix, 66, F2, F3 and
 * 67, with a spread of ModRM bytes (all 256 for the group and x87 opcodes),
 * plus seeded random byte strings, in 32-bit and 16-bit code.  Each
 * instruction gets a 32-byte slot padded with NOPs so that objdump
 * resynchronises after any instruction it sizes differently.  Only
 * instructions the CPU decodes (disasm() > 0) are compared:
 *   - a length disagreement is a failure (the CPU decoder and objdump must
 *     agree on where every implemented instruction ends);
 *   - objdump calling an implemented instruction "(bad)" is a failure;
 *   - the text is compared after normalisation (lower case, whitespace
 *     collapsed, objdump's comments dropped) and the rules of the
 *     allowlist below; the agreement rate is printed and must stay above
 *     MIN_AGREE percent.
 * Exit 77 (skip) if objdump is missing or cannot disassemble i386.
 *
 * Allowlist (documented differences; A1-A8 and A11/A12 rewrite both texts
 * before the comparison, A9/A10 accept an instruction outright and are
 * counted separately in the report):
 *   A1 objdump prints unused 66/67 prefixes as "data16"/"addr16" (and
 *      data32/addr32); we do not print them: the words are dropped.
 *   A2 objdump suffixes sgdt/sidt/lgdt/lidt with the operand size
 *      (sgdtd, lgdtw); the suffix is dropped.
 *   A3 the undocumented x87 aliases (DC D0 "fcom2", DD C8 "fxch4", DF D0
 *      "fstp8", ...): objdump names them after the documented instruction;
 *      the digit is dropped.
 *   A4 "eiz" (SIB without an index): "+eiz*1" / "eiz*1+" are dropped.
 *   A5 objdump calls F2 on a branch "bnd" (MPX); we print "repnz".
 *   A6 with a 16-bit operand size the CPU truncates branch targets to 16
 *      bits, objdump does not (and in 16-bit code keeps the slot address's
 *      bits above 64 KiB): when our target is below 64 KiB only the low 16
 *      bits of objdump's are compared.
 *   A7 objdump's HLE names xacquire/xrelease are our repnz/repz.
 *   A8 objdump decodes extensions this P6-class CPU lacks where the CPU
 *      ignores the prefix: tzcnt/lzcnt = repz bsf/bsr, wbnoinvd = repz
 *      wbinvd, clflushopt = clflush.
 *   A9 objdump decodes a later extension (MPX bnd*, CET, WAITPKG, RDPID,
 *      FSGSBASE, popcnt, ...) where the CPU executes a hint NOP or ignores
 *      a prefix: accepted.
 *   A10 objdump says "(bad)" for encodings this CPU executes: SALC (D6),
 *      the undocumented x87 register-form aliases, 0F 1A/1B hint NOPs,
 *      LFENCE/MFENCE/SFENCE with a nonzero r/m, and 0F 09/1A/1B/AE/BC/BD
 *      with a 66/F2/F3 prefix: accepted.
 *   A11 3E on an indirect branch is CET "notrack" to objdump; we show the
 *      DS override on the memory operand.
 *   A12 objdump's notes "(8087 only)"/"(287 only)" are dropped.
 * Anything else that differs counts as a disagreement (a few remain:
 * objdump's "rep" vs our "repz" for a non-final F3 before a string
 * instruction, prefix order when several are repeated); the first
 * MAX_SHOW are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/disasm.h"

#define SLOT 32
#define MIN_AGREE 99.5
#define MAX_SHOW (getenv("DISASM_DIFF_ALL") ? 1000000 : 60)

typedef struct Item {
    uint8_t b[16];
    int n;   /* bytes in the slot */
    int len; /* disasm() length */
    char txt[160];
} Item;

static Item *items;
static int nitems, cap;

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

static void add(const uint8_t *b, int n)
{
    if (nitems == cap) {
        cap = cap ? cap * 2 : 4096;
        items = realloc(items, (size_t)cap * sizeof *items);
        if (!items)
            exit(99);
    }
    Item *it = &items[nitems++];
    memset(it, 0, sizeof *it);
    memcpy(it->b, b, (size_t)n);
    it->n = n;
}

static void gen(void)
{
    static const uint8_t pfx[] = {0, 0x66, 0xF2, 0xF3, 0x67};
    static const uint8_t tail[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
                                     0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x01, 0x02};
    for (int two = 0; two < 2; two++)
        for (int op = 0; op < 256; op++) {
            int full = two ? (op == 0x00 || op == 0x01 || op == 0xAE || op == 0xBA ||
                              op == 0xC7 || (op >= 0x71 && op <= 0x73) || op == 0x18)
                           : ((op >= 0x80 && op <= 0x83) || op == 0x8F || op == 0xC0 ||
                              op == 0xC1 || (op >= 0xD0 && op <= 0xDF) || op == 0xF6 ||
                              op == 0xF7 || op == 0xFE || op == 0xFF || op == 0xC6 ||
                              op == 0xC7);
            if (!two && (op == 0x0F || op == 0x26 || op == 0x2E || op == 0x36 ||
                         op == 0x3E || (op >= 0x64 && op <= 0x67) || op == 0xF0 ||
                         op == 0xF2 || op == 0xF3))
                continue;
            for (unsigned p = 0; p < sizeof pfx; p++)
                for (int m = 0; m < 256; m++) {
                    uint8_t b[16];
                    int k = 0;
                    if (!full && (m & 7) != 0 && (m & 7) != 4 && (m & 7) != 5 &&
                        (m & 7) != 6)
                        continue;
                    if (!full && ((m >> 3) & 7) != 1 && ((m >> 3) & 7) != 6)
                        continue;
                    if (pfx[p])
                        b[k++] = pfx[p];
                    if (two)
                        b[k++] = 0x0F;
                    b[k++] = (uint8_t)op;
                    b[k++] = (uint8_t)m;
                    memcpy(b + k, tail, (size_t)(15 - k));
                    add(b, 15);
                }
        }
    /* random: 1-3 random prefixes (half the time), random opcode bytes */
    for (int r = 0; r < 40000; r++) {
        static const uint8_t rp[] = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66,
                                     0x67, 0xF0, 0xF2, 0xF3};
        uint8_t b[16];
        int k = 0;
        if (rnd() & 1) {
            int np = 1 + (int)(rnd() % 2);
            for (int j = 0; j < np; j++)
                b[k++] = rp[rnd() % sizeof rp];
        }
        if (rnd() % 3 == 0)
            b[k++] = 0x0F;
        while (k < 15)
            b[k++] = (uint8_t)rnd();
        add(b, 15);
    }
}

static void normalise(char *s)
{
    char tmp[200], *d = tmp;
    const char *p;
    int sp = 1;
    char *h = strstr(s, " #"); /* objdump comment */
    if (h)
        *h = 0;
    h = strstr(s, "\t#");
    if (h)
        *h = 0;
    for (p = s; *p && d < tmp + sizeof tmp - 1; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch == ' ' || ch == '\t') {
            if (!sp)
                *d++ = ' ';
            sp = 1;
            continue;
        }
        sp = 0;
        *d++ = ch;
    }
    while (d > tmp && d[-1] == ' ')
        d--;
    *d = 0;
    strcpy(s, tmp);
}

/* Allowlist rules A1-A8, A11, A12 (see the header comment). */
static void allow(char *s, int code32)
{
    static const char *const drop[] = {"data16 ", "addr16 ", "data32 ", "addr32 ",
                                       "+eiz*1", "eiz*1+"};
    for (unsigned k = 0; k < sizeof drop / sizeof *drop; k++) {
        char *p;
        while ((p = strstr(s, drop[k])) != NULL)
            memmove(p, p + strlen(drop[k]), strlen(p + strlen(drop[k])) + 1);
    }
    /* A5: bnd (F2 on a branch, MPX) is our repnz; A12: objdump's notes
     * "(8087 only)"/"(287 only)" are dropped. */
    {
        char t[220], *p;
        if ((p = strstr(s, "bnd ")) != NULL && (p == s || p[-1] == ' ')) {
            snprintf(t, sizeof t, "%.*srepnz %s", (int)(p - s), s, p + 4);
            strcpy(s, t);
        }
        if ((p = strstr(s, "(8087 only)")) != NULL || (p = strstr(s, "(287 only)")) != NULL)
            *p = 0;
    }
    /* A7: HLE prefixes (xacquire/xrelease) are F2/F3 to this CPU. */
    {
        char *p;
        while ((p = strstr(s, "xacquire ")) != NULL)
            memcpy(p, "repnz    ", 9);
        while ((p = strstr(s, "xrelease ")) != NULL)
            memcpy(p, "repz     ", 9);
        normalise(s);
    }
    /* A8: later extensions objdump decodes where this P6-class CPU ignores
     * the prefix: tzcnt/lzcnt (F3 0F BC/BD) are bsf/bsr, wbnoinvd (F3 0F
     * 09) is wbinvd, clflushopt (66 0F AE /7) is clflush. */
    {
        static const char *const ext[][2] = {{"tzcnt ", "repz bsf "}, {"lzcnt ", "repz bsr "},
                                             {"wbnoinvd", "repz wbinvd"},
                                             {"clflushopt ", "clflush "}};
        for (unsigned k = 0; k < 4; k++) {
            char *p = strstr(s, ext[k][0]);
            if (p) {
                char t[200];
                snprintf(t, sizeof t, "%.*s%s%s", (int)(p - s), s, ext[k][1],
                         p + strlen(ext[k][0]));
                strcpy(s, t);
            }
        }
        (void)code32;
    }
    static const char *const sfx[] = {"sgdt", "sidt", "lgdt", "lidt"};
    for (unsigned k = 0; k < 4; k++) {
        size_t l = strlen(sfx[k]);
        char *p = strstr(s, sfx[k]);
        if (p && (p == s || p[-1] == ' ') && (p[l] == 'w' || p[l] == 'd'))
            memmove(p + l, p + l + 1, strlen(p + l + 1) + 1);
    }
    if (!strncmp(s, "fcom2 ", 6) || !strncmp(s, "fcomp3 ", 7) || !strncmp(s, "fxch4 ", 6) ||
        !strncmp(s, "fcomp5 ", 7) || !strncmp(s, "fxch7 ", 6) || !strncmp(s, "fstp1 ", 6) ||
        !strncmp(s, "fstp8 ", 6) || !strncmp(s, "fstp9 ", 6)) {
        char *d = strchr(s, ' ') - 1;
        memmove(d, d + 1, strlen(d + 1) + 1);
    }
}

/* Rule A10: encodings objdump rejects that this CPU executes: SALC (D6),
 * the undocumented FSTP alias D9 D8+i, and the 0F 09/1A/1B/AE/BC/BD
 * opcodes with a 66/F2/F3 prefix that later extensions gave a meaning
 * (the P6 ignores it).  Also E3 (jcxz) etc. never need this. */
static int bad_allowed(const uint8_t *b, int n)
{
    int k = 0, pfx = 0;
    while (k < n && (b[k] == 0x26 || b[k] == 0x2E || b[k] == 0x36 || b[k] == 0x3E ||
                     b[k] == 0x64 || b[k] == 0x65 || b[k] == 0x66 || b[k] == 0x67 ||
                     b[k] == 0xF0 || b[k] == 0xF2 || b[k] == 0xF3)) {
        if (b[k] == 0x66 || b[k] == 0xF2 || b[k] == 0xF3 || b[k] == 0x67)
            pfx = 1;
        k++;
    }
    if (k >= n)
        return 0;
    if (b[k] == 0xD6)
        return 1;
    if (k + 1 < n) { /* undocumented x87 register-form aliases */
        uint8_t m = b[k + 1];
        if ((b[k] == 0xD9 && (m & 0xF8) == 0xD8) || (b[k] == 0xDC && (m & 0xF0) == 0xD0) ||
            (b[k] == 0xDD && (m & 0xF8) == 0xC8) || (b[k] == 0xDE && (m & 0xF8) == 0xD0) ||
            (b[k] == 0xDF && (m & 0xF0) == 0xC0 && (m & 0xF8) != 0xC0) ||
            (b[k] == 0xDF && (m & 0xF0) == 0xD0))
            return 1;
    }
    if (b[k] == 0x0F && k + 2 < n && (b[k + 1] == 0x1A || b[k + 1] == 0x1B))
        return 1; /* hint NOPs (MPX space) */
    if (b[k] == 0x0F && k + 2 < n && b[k + 1] == 0xAE && b[k + 2] >= 0xE8)
        return 1; /* LFENCE/MFENCE/SFENCE with a nonzero r/m */
    if (b[k] == 0x0F && k + 1 < n && pfx)
        switch (b[k + 1]) {
        case 0x09: case 0x1A: case 0x1B: case 0xAE: case 0xBC: case 0xBD:
            return 1;
        }
    return 0;
}

static int later_ext(const char *s)
{
    static const char *const ext[] = {"bndcl ", "bndcu ", "bndcn ", "bndmk ", "bndmov ",
                                      "bndldx ", "bndstx ", "tpause ", "umonitor ",
                                      "umwait ", "incsspd ", "rdsspd ", "ptwrite ",
                                      "clwb ", "rdfsbase ", "rdgsbase ", "wrfsbase ",
                                      "wrgsbase ", "rdpid ", "cldemote ", "endbr32",
                                      "endbr64", "rdsspq ", "setssbsy", "saveprevssp",
                                      "rstorssp ", "clrssbsy ", "nop ", "popcnt "};
    for (unsigned k = 0; k < sizeof ext / sizeof *ext; k++)
        if (strstr(s, ext[k]) && (strstr(s, ext[k]) == s || strstr(s, ext[k])[-1] == ' '))
            return strncmp(ext[k], "nop ", 4) != 0;
    return 0;
}

/* Rule A6: the first hex number after a branch mnemonic, or -1. */
static char *branch_target(char *s)
{
    static const char *const pw[] = {"repz ", "repnz ", "cs ", "ds ", "es ",
                                     "ss ", "fs ", "gs ", "lock "};
    for (;;) {
        unsigned k;
        for (k = 0; k < sizeof pw / sizeof *pw; k++)
            if (!strncmp(s, pw[k], strlen(pw[k]))) {
                s += strlen(pw[k]);
                break;
            }
        if (k == sizeof pw / sizeof *pw)
            break;
    }
    if (s[0] == 'j' || !strncmp(s, "call", 4) || !strncmp(s, "loop", 4)) {
        char *h = strstr(s, " 0x");
        if (h && !strchr(h, ':') && !strchr(h, '['))
            return h;
    }
    return NULL;
}

static int run(int code32, const char *objdump)
{
    char bin[] = "/tmp/x86pc-disasm-XXXXXX";
    int fd = mkstemp(bin);
    FILE *f, *p;
    char cmd[512], line[512];
    int *olen;
    char (*otxt)[160];
    int same = 0, allowed = 0, cmpd = 0, lenbad = 0, badbad = 0, shown = 0;

    if (fd < 0)
        return 99;
    f = fdopen(fd, "wb");
    for (int k = 0; k < nitems; k++) {
        uint8_t slot[SLOT];
        Item *it = &items[k];
        memset(slot, 0x90, sizeof slot);
        it->len = disasm(it->b, it->n, (uint32_t)k * SLOT, code32, it->txt, sizeof it->txt);
        if (it->len > 0)
            memcpy(slot, it->b, (size_t)it->len);
        fwrite(slot, 1, SLOT, f);
    }
    fclose(f);
    olen = calloc((size_t)nitems, sizeof *olen);
    otxt = calloc((size_t)nitems, sizeof *otxt);
    snprintf(cmd, sizeof cmd, "%s -D -b binary -m %s -M intel --insn-width=16 %s", objdump,
             code32 ? "i386" : "i8086", bin);
    p = popen(cmd, "r");
    if (!p)
        return 99;
    /* lines: "  addr:\tbytes\tmnemonic ops" */
    long prev = -1;
    while (fgets(line, sizeof line, p)) {
        char *c1 = strchr(line, ':'), *t1, *t2;
        long a;
        if (!c1 || c1[1] != '\t')
            continue;
        a = strtol(line, NULL, 16);
        t1 = c1 + 2;
        t2 = strchr(t1, '\t');
        int nb = 0;
        for (char *q = t1; t2 && q < t2; q++)
            if (q[0] != ' ' && (q == t1 || q[-1] == ' '))
                nb++;
        (void)prev;
        if (a % SLOT == 0 && a / SLOT < nitems) {
            olen[a / SLOT] = nb;
            snprintf(otxt[a / SLOT], 160, "%s", t2 ? t2 + 1 : "");
            char *nl = strchr(otxt[a / SLOT], '\n');
            if (nl)
                *nl = 0;
        }
        prev = a;
    }
    pclose(p);
    unlink(bin);
    for (int k = 0; k < nitems; k++) {
        Item *it = &items[k];
        char a[200], b[200];
        if (it->len <= 0)
            continue;
        cmpd++;
        snprintf(a, sizeof a, "%s", it->txt);
        snprintf(b, sizeof b, "%s", otxt[k]);
        normalise(a);
        normalise(b);
        if (strstr(b, "(bad)")) {
            if (bad_allowed(it->b, it->len)) {
                allowed++;
                continue;
            }
            badbad++;
            if (shown++ < MAX_SHOW)
                printf("BAD  %d-bit %02x %02x %02x %02x: ours \"%s\" objdump (bad)\n",
                       code32 ? 32 : 16, it->b[0], it->b[1], it->b[2], it->b[3], a);
            continue;
        }
        if (olen[k] != it->len) {
            lenbad++;
            if (shown++ < MAX_SHOW)
                printf("LEN  %d-bit %02x %02x %02x %02x: ours %d \"%s\", objdump %d \"%s\"\n",
                       code32 ? 32 : 16, it->b[0], it->b[1], it->b[2], it->b[3], it->len,
                       a, olen[k], b);
            continue;
        }
        allow(a, code32);
        allow(b, code32);
        /* A6: with a 16-bit operand size the CPU truncates branch
         * targets to 16 bits, objdump does not (and keeps the slot
         * address's high bits in 16-bit code): when ours is below 64 KiB,
         * compare the low 16 bits of objdump's. */
        {
            char *ha = branch_target(a), *hb = branch_target(b);
            if (ha && hb && strtoul(ha + 1, NULL, 16) <= 0xFFFF)
                sprintf(hb, " 0x%lx", strtoul(hb + 1, NULL, 16) & 0xFFFF);
        }
        /* A11: 3E on an indirect branch is CET "notrack" to objdump; we
         * show the DS override on the operand. */
        {
            char *p = strstr(b, "notrack ");
            char *q = strstr(a, "ds:[");
            if (p && q) {
                memmove(p, p + 8, strlen(p + 8) + 1);
                memmove(q, q + 3, strlen(q + 3) + 1);
            }
        }
        /* A9: objdump decodes an extension this P6-class CPU lacks
         * where the CPU ignores a prefix or executes a hint NOP. */
        if (later_ext(b)) {
            allowed++;
            continue;
        }
        if (!strcmp(a, b)) {
            same++;
        } else if (shown++ < MAX_SHOW) {
            printf("TEXT %d-bit", code32 ? 32 : 16);
            for (int j = 0; j < it->len; j++)
                printf(" %02x", it->b[j]);
            printf(": ours \"%s\" objdump \"%s\"\n", a, b);
        }
    }
    double rate = cmpd ? 100.0 * (same + allowed) / cmpd : 0;
    printf("%d-bit: %d instructions, %d valid; text agrees for %d (%.2f%%), "
           "%d more by allowlist rules A9/A10 (agreement %.2f%%); "
           "%d length disagreements, %d objdump (bad)\n",
           code32 ? 32 : 16, nitems, cmpd, same, cmpd ? 100.0 * same / cmpd : 0.0,
           allowed, rate, lenbad, badbad);
    free(olen);
    free(otxt);
    return (lenbad || badbad || rate < MIN_AGREE) ? 1 : 0;
}

int main(int argc, char **argv)
{
    const char *objdump = getenv("OBJDUMP") ? getenv("OBJDUMP") : "objdump";
    char cmd[300];
    int rc = 0;
    (void)argc;
    (void)argv;
    char probe[64];
    snprintf(probe, sizeof probe, "/tmp/x86pc-dprobe%d.bin", (int)getpid());
    snprintf(cmd, sizeof cmd,
             "printf '\\220' > %s && %s -D -b binary -m i386 -M intel %s 2>/dev/null "
             "| grep -q nop",
             probe, objdump, probe);
    int pr = system(cmd);
    unlink(probe);
    if (pr != 0) {
        printf("SKIP: %s cannot disassemble i386\n", objdump);
        return 77;
    }
    gen();
    rc |= run(1, objdump);
    rc |= run(0, objdump);
    printf("%s\n", rc ? "FAIL" : "PASS");
    return rc;
}
