/* x86pc-cputest: runs SingleStepTests CPU conformance data (MOO format)
 * against the CPU core.
 *
 *   x86pc-cputest [options] FILE|DIR...
 *
 * Each test gives an initial register set and RAM bytes, one instruction
 * followed by HLT (0xF4), and the state a real chip reached.  We load the
 * state into a fresh CPU, run until HLT and compare.  The data format (MOO)
 * is described in ../shared/singlestep/README.md; in short it is a tree of
 * chunks (4-byte ASCII tag, u32 little-endian length, payload), and unknown
 * chunks are skipped by length so newer files keep working.
 *
 * Where the stop point is.  The data's final IP is the address AFTER the
 * HLT that ends the test (e.g. "add [bx+0Eh],bl" = 00 5F 0E F4 at IP=x ends
 * at IP=x+4; a jump ends at target+1; a fault ends at handler+1; the HLT
 * test itself, F4 F4, ends at x+1).  Our HLT, like hardware, leaves EIP after
 * the HLT byte and cpu_run() returns CPU_STOP_HLT, so the final EIP is
 * compared as is, with no adjustment.
 *
 * 286 sets (CPU id "C286") versus our 386-class core:
 *  - FLAGS bits 12-15 (IOPL, NT) are always 0 on a 286 in real mode, but
 *    the initial states hold random values there.  We load FLAGS with bits
 *    12-15 cleared (that is the state the 286 really had: its PUSHF pushes
 *    them as 0) and compare final FLAGS with those bits masked off (POPF and
 *    IRET on a 386 would load them).
 *  - Undefined flags follow the 286: metadata.json gives an AND mask per
 *    opcode (and per ModRM.reg for group opcodes).  When the test raised an
 *    exception (EXCP chunk), the same mask applies to the two FLAGS bytes it
 *    pushed at EXCP.flag_address (corrected for odd SP: see
 *    pushed_flags_addr()).
 * 386 sets (RG32 chunks) carry their own undefined-result masks (RMSK/RM32,
 * per file or per test); the metadata mask, if any, is applied as well.
 * CR3, DR6 and DR7 cannot be loaded through the public CPU API and are not
 * compared (they do not change in real-mode tests).
 *
 * Portability: all file data is read byte-wise with the little-endian
 * helpers; nothing assumes the host's byte order or alignment, so the runner
 * works on any host and under qemu-user for cross builds. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "cpu/cpu.h"
#include "memory/endian.h"
#include "memory/mem.h"

#ifndef X86PC_SINGLESTEP_DIR
#define X86PC_SINGLESTEP_DIR ""
#endif

#define RAM_SIZE (16u << 20)   /* 286: 24-bit physical addresses */
#define MAX_INSNS 1000         /* per test; REP counts in the data are < 64 */
#define MAX_FILE (256u << 20)  /* refuse absurd decompressed files */
#define VERBOSE_PER_FILE 5

/* ------------------------------------------------------------------ */
/* Registers, in RG32 order.  16-bit REGS chunks are mapped onto these. */
enum {
    RX_CR0, RX_CR3, RX_EAX, RX_EBX, RX_ECX, RX_EDX, RX_ESI, RX_EDI, RX_EBP,
    RX_ESP, RX_CS, RX_DS, RX_ES, RX_FS, RX_GS, RX_SS, RX_EIP, RX_EFLAGS,
    RX_DR6, RX_DR7, RX_N
};
static const char *const rx_name32[RX_N] = {
    "cr0", "cr3", "eax", "ebx", "ecx", "edx", "esi", "edi", "ebp", "esp",
    "cs", "ds", "es", "fs", "gs", "ss", "eip", "eflags", "dr6", "dr7"
};
static const char *const rx_name16[RX_N] = {
    "cr0", "cr3", "ax", "bx", "cx", "dx", "si", "di", "bp", "sp",
    "cs", "ds", "es", "fs", "gs", "ss", "ip", "flags", "dr6", "dr7"
};
/* REGS bit order: ax bx cx dx cs ss ds es sp bp si di ip flags. */
static const int regs16_map[14] = {
    RX_EAX, RX_EBX, RX_ECX, RX_EDX, RX_CS, RX_SS, RX_DS, RX_ES,
    RX_ESP, RX_EBP, RX_ESI, RX_EDI, RX_EIP, RX_EFLAGS
};
/* CPU API numbers for the general registers (-1: not a GPR). */
static int rx_gpr(int rx)
{
    switch (rx) {
    case RX_EAX: return R_EAX;
    case RX_EBX: return R_EBX;
    case RX_ECX: return R_ECX;
    case RX_EDX: return R_EDX;
    case RX_ESI: return R_ESI;
    case RX_EDI: return R_EDI;
    case RX_EBP: return R_EBP;
    case RX_ESP: return R_ESP;
    default: return -1;
    }
}
static int rx_seg(int rx)
{
    switch (rx) {
    case RX_CS: return S_CS;
    case RX_DS: return S_DS;
    case RX_ES: return S_ES;
    case RX_FS: return S_FS;
    case RX_GS: return S_GS;
    case RX_SS: return S_SS;
    default: return -1;
    }
}

typedef struct RegSet {
    uint32_t present;  /* bit i: v[i] valid */
    uint32_t v[RX_N];
} RegSet;

/* A view of a MOO state (INIT or FINA). */
typedef struct MooState {
    RegSet regs;
    RegSet mask;           /* RMSK/RM32 inside the state; present=0 if none */
    const uint8_t *ram;    /* count x (u32 addr, u8 value) */
    uint32_t nram;
} MooState;

typedef struct MooTest {
    uint32_t index;
    const uint8_t *name;
    uint32_t name_len;
    const uint8_t *bytes;
    uint32_t nbytes;
    MooState init, fina;
    int has_excp;
    uint8_t excp_num;
    uint32_t excp_flag_addr;
    int has_hash;
    uint8_t hash[20];
} MooTest;

/* Per-file facts. */
typedef struct MooFile {
    const char *path;
    const char *base;      /* basename, for messages */
    char cpu_id[5];
    int wide;              /* registers are 32-bit (RG32 seen) */
    int is286;             /* CPU id is not a 386: mask FLAGS 12-15 */
    uint32_t meta_opcode;
    int has_meta;
    RegSet file_mask;      /* top-level RMSK/RM32 */
    uint32_t flags_mask;   /* from metadata.json, 0xFFFFFFFF if none */
} MooFile;

/* ------------------------------------------------------------------ */
/* Small utilities. */

static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("x86pc-cputest: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory (%zu bytes)", n);
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static const char *path_base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Directory part of a path ("." if none), malloc'd. */
static char *path_dir(const char *p)
{
    const char *s = strrchr(p, '/');
    if (!s)
        return xstrdup(".");
    if (s == p)
        return xstrdup("/");
    size_t n = (size_t)(s - p);
    char *d = xmalloc(n + 1);
    memcpy(d, p, n);
    d[n] = 0;
    return d;
}

static char *path_join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = xmalloc(na + nb + 2);
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    return p;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int ends_with_ci(const char *s, const char *suf)
{
    size_t ns = strlen(s), nf = strlen(suf);
    if (ns < nf)
        return 0;
    s += ns - nf;
    for (size_t i = 0; i < nf; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)suf[i]))
            return 0;
    return 1;
}

static int is_moo_name(const char *n)
{
    return ends_with_ci(n, ".MOO") || ends_with_ci(n, ".MOO.gz");
}

/* Reads a whole file, gzip or plain (gzread handles both).  Returns NULL
 * and fills err on failure. */
static uint8_t *read_file_gz(const char *path, size_t *len, char *err,
                             size_t errlen)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap >= MAX_FILE) {
                snprintf(err, errlen, "larger than %u MiB decompressed",
                         MAX_FILE >> 20);
                free(buf);
                gzclose(gz);
                return NULL;
            }
            cap *= 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb)
                die("out of memory reading %s", path);
            buf = nb;
        }
        size_t want = cap - n;
        if (want > (1u << 30))
            want = 1u << 30;
        int r = gzread(gz, buf + n, (unsigned)want);
        if (r < 0) {
            int zerr;
            const char *m = gzerror(gz, &zerr);
            snprintf(err, errlen, "read error: %s",
                     zerr == Z_ERRNO ? strerror(errno) : m);
            free(buf);
            gzclose(gz);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    gzclose(gz);
    *len = n;
    return buf;
}

/* ------------------------------------------------------------------ */
/* A minimal JSON reader: enough for metadata.json (objects, arrays,
 * strings, numbers, literals).  Builds a tree; depth is bounded. */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
typedef struct JNode {
    int type;
    char *key;             /* member name when inside an object */
    char *str;
    double num;
    struct JNode *child;   /* first element/member */
    struct JNode *next;
} JNode;

typedef struct JParser {
    const char *p, *end;
    const char *err;
    int depth;
} JParser;

static void j_ws(JParser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
                             *j->p == '\r'))
        j->p++;
}

static char *j_string(JParser *j)
{
    /* j->p at the opening quote.  \uXXXX escapes are kept only for ASCII;
     * other code points become '?' (metadata keys are ASCII). */
    j->p++;
    size_t cap = 16, n = 0;
    char *s = xmalloc(cap);
    while (j->p < j->end && *j->p != '"') {
        char ch = *j->p++;
        if (ch == '\\') {
            if (j->p >= j->end)
                break;
            char e = *j->p++;
            switch (e) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4; i++) {
                    if (j->p >= j->end || !isxdigit((unsigned char)*j->p)) {
                        j->err = "bad \\u escape";
                        free(s);
                        return NULL;
                    }
                    char h = *j->p++;
                    v = v * 16 + (unsigned)(isdigit((unsigned char)h)
                                                ? h - '0'
                                                : tolower((unsigned char)h) - 'a' + 10);
                }
                ch = v < 0x80 ? (char)v : '?';
                break;
            }
            default: ch = e; break; /* \" \\ \/ */
            }
        }
        if (n + 1 >= cap) {
            cap *= 2;
            char *ns = realloc(s, cap);
            if (!ns)
                die("out of memory");
            s = ns;
        }
        s[n++] = ch;
    }
    if (j->p >= j->end) {
        j->err = "unterminated string";
        free(s);
        return NULL;
    }
    j->p++;
    s[n] = 0;
    return s;
}

static JNode *j_value(JParser *j);

static JNode *j_new(int type)
{
    JNode *n = xmalloc(sizeof *n);
    memset(n, 0, sizeof *n);
    n->type = type;
    return n;
}

static void j_free(JNode *n)
{
    while (n) {
        JNode *next = n->next;
        j_free(n->child);
        free(n->key);
        free(n->str);
        free(n);
        n = next;
    }
}

static JNode *j_container(JParser *j, int type)
{
    char close = type == J_OBJ ? '}' : ']';
    JNode *n = j_new(type), **tail = &n->child;
    if (++j->depth > 64) {
        j->err = "nested too deeply";
        return n;
    }
    j->p++;
    j_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return n;
    }
    for (;;) {
        char *key = NULL;
        j_ws(j);
        if (type == J_OBJ) {
            if (j->p >= j->end || *j->p != '"') {
                j->err = "expected member name";
                return n;
            }
            key = j_string(j);
            if (!key)
                return n;
            j_ws(j);
            if (j->p >= j->end || *j->p != ':') {
                free(key);
                j->err = "expected ':'";
                return n;
            }
            j->p++;
        }
        JNode *v = j_value(j);
        if (!v) {
            free(key);
            return n;
        }
        v->key = key;
        *tail = v;
        tail = &v->next;
        if (j->err)
            return n;
        j_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return n;
        }
        j->err = type == J_OBJ ? "expected ',' or '}'" : "expected ',' or ']'";
        return n;
    }
}

static JNode *j_value(JParser *j)
{
    j_ws(j);
    if (j->p >= j->end) {
        j->err = "unexpected end of input";
        return NULL;
    }
    char ch = *j->p;
    if (ch == '{')
        return j_container(j, J_OBJ);
    if (ch == '[')
        return j_container(j, J_ARR);
    if (ch == '"') {
        char *s = j_string(j);
        if (!s)
            return NULL;
        JNode *n = j_new(J_STR);
        n->str = s;
        return n;
    }
    if (ch == '-' || isdigit((unsigned char)ch)) {
        char buf[64];
        size_t k = 0;
        while (j->p < j->end && k + 1 < sizeof buf &&
               (isdigit((unsigned char)*j->p) || strchr("+-.eE", *j->p)))
            buf[k++] = *j->p++;
        buf[k] = 0;
        char *e;
        double v = strtod(buf, &e);
        if (e == buf || *e) {
            j->err = "bad number";
            return NULL;
        }
        JNode *n = j_new(J_NUM);
        n->num = v;
        return n;
    }
    static const struct { const char *w; int type; double v; } lits[] = {
        { "true", J_BOOL, 1 }, { "false", J_BOOL, 0 }, { "null", J_NULL, 0 }
    };
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        size_t l = strlen(lits[i].w);
        if ((size_t)(j->end - j->p) >= l && !memcmp(j->p, lits[i].w, l)) {
            j->p += l;
            JNode *n = j_new(lits[i].type);
            n->num = lits[i].v;
            return n;
        }
    }
    j->err = "unexpected character";
    return NULL;
}

static JNode *j_get(const JNode *obj, const char *key)
{
    if (!obj || obj->type != J_OBJ)
        return NULL;
    for (JNode *m = obj->child; m; m = m->next)
        if (m->key && !strcmp(m->key, key))
            return m;
    return NULL;
}

static JNode *json_load(const char *path)
{
    size_t len;
    char err[256];
    uint8_t *buf = read_file_gz(path, &len, err, sizeof err);
    if (!buf)
        die("%s: %s", path, err);
    JParser j = { (const char *)buf, (const char *)buf + len, NULL, 0 };
    JNode *root = j_value(&j);
    if (!j.err) {
        j_ws(&j);
        if (j.p != j.end)
            j.err = "trailing data";
    }
    if (j.err) {
        long line = 1;
        for (const char *q = (const char *)buf; q < j.p; q++)
            line += *q == '\n';
        die("%s:%ld: JSON error: %s", path, line, j.err);
    }
    free(buf);
    return root;
}

/* flags-mask for a test file: opcodes[OP].reg[R]["flags-mask"] for group
 * files named OP.R.MOO(.gz), else opcodes[OP]["flags-mask"].  OP comes from
 * the file name, or from META's opcode if the name does not match. */
static uint32_t meta_flags_mask(const JNode *meta, const MooFile *f)
{
    const JNode *ops = j_get(meta, "opcodes");
    if (!ops)
        return 0xFFFFFFFFu;
    char op[32] = "", reg[2] = "";
    const char *b = f->base;
    size_t k = 0;
    while (b[k] && b[k] != '.' && k + 1 < sizeof op) {
        op[k] = (char)toupper((unsigned char)b[k]);
        k++;
    }
    op[k] = 0;
    if (b[k] == '.' && b[k + 1] >= '0' && b[k + 1] <= '7' && b[k + 2] == '.') {
        reg[0] = b[k + 1];
        reg[1] = 0;
    }
    const JNode *o = j_get(ops, op);
    if (!o && f->has_meta) {
        snprintf(op, sizeof op, f->meta_opcode > 0xFF ? "%04X" : "%02X",
                 (unsigned)f->meta_opcode);
        o = j_get(ops, op);
    }
    if (!o)
        return 0xFFFFFFFFu;
    const JNode *m = NULL;
    if (reg[0])
        m = j_get(j_get(j_get(o, "reg"), reg), "flags-mask");
    if (!m)
        m = j_get(o, "flags-mask");
    if (!m || m->type != J_NUM || m->num < 0 || m->num > 4294967295.0)
        return 0xFFFFFFFFu;
    uint32_t v = (uint32_t)m->num;
    /* A 16-bit mask leaves the upper EFLAGS half alone. */
    return v <= 0xFFFF ? v | 0xFFFF0000u : v;
}

/* ------------------------------------------------------------------ */
/* Revocation list: one 40-digit hex SHA-1 per line, '#' comments. */

typedef struct StrList {
    char **v;
    size_t n, cap;
} StrList;

static void strlist_add(StrList *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        char **nv = realloc(l->v, l->cap * sizeof *nv);
        if (!nv)
            die("out of memory");
        l->v = nv;
    }
    l->v[l->n++] = s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Splits a text file into trimmed, non-empty, non-comment lines. */
static void read_lines(const char *path, StrList *out)
{
    size_t len;
    char err[256];
    uint8_t *buf = read_file_gz(path, &len, err, sizeof err);
    if (!buf)
        die("%s: %s", path, err);
    size_t i = 0;
    while (i < len) {
        size_t s = i;
        while (i < len && buf[i] != '\n')
            i++;
        size_t e = i++;
        while (s < e && isspace(buf[s]))
            s++;
        while (e > s && isspace(buf[e - 1]))
            e--;
        if (s == e || buf[s] == '#')
            continue;
        char *line = xmalloc(e - s + 1);
        memcpy(line, buf + s, e - s);
        line[e - s] = 0;
        strlist_add(out, line);
    }
    free(buf);
}

static void revocations_load(const char *path, StrList *rev)
{
    StrList lines = { 0 };
    read_lines(path, &lines);
    for (size_t i = 0; i < lines.n; i++) {
        char *s = lines.v[i];
        size_t n = 0;
        while (isxdigit((unsigned char)s[n]))
            n++;
        if (n != 40 || (s[n] && !isspace((unsigned char)s[n]))) {
            fprintf(stderr, "x86pc-cputest: %s: ignoring line '%s' (not a "
                    "40-digit hex hash)\n", path, s);
            free(s);
            continue;
        }
        s[40] = 0;
        for (int k = 0; k < 40; k++)
            s[k] = (char)tolower((unsigned char)s[k]);
        strlist_add(rev, s);
    }
    free(lines.v);
    if (rev->n)
        qsort(rev->v, rev->n, sizeof *rev->v, cmp_str);
}

static void strlist_free(StrList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static int revoked(const StrList *rev, const uint8_t hash[20])
{
    if (!rev->n)
        return 0;
    char hex[41], *key = hex;
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", hash[i]);
    return bsearch(&key, rev->v, rev->n, sizeof *rev->v, cmp_str) != NULL;
}

/* ------------------------------------------------------------------ */
/* Expected failures: "NAME.MOO.gz  reason..." per line, '#' comments. */

typedef struct XFail {
    char *name;
    char *reason;
    int seen;
} XFail;

typedef struct XFailList {
    XFail *v;
    size_t n;
} XFailList;

static void xfail_load(const char *path, XFailList *xl)
{
    StrList lines = { 0 };
    read_lines(path, &lines);
    xl->v = xmalloc((lines.n ? lines.n : 1) * sizeof *xl->v);
    xl->n = 0;
    for (size_t i = 0; i < lines.n; i++) {
        char *s = lines.v[i], *p = s;
        while (*p && !isspace((unsigned char)*p))
            p++;
        char *r = p;
        if (*r) {
            *r++ = 0;
            while (isspace((unsigned char)*r))
                r++;
        }
        XFail *x = &xl->v[xl->n++];
        x->name = xstrdup(s);
        x->reason = xstrdup(*r ? r : "(no reason given)");
        x->seen = 0;
        free(s);
    }
    free(lines.v);
}

/* Names match exactly or with a trailing ".gz" ignored on either side. */
static int moo_name_eq(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (ends_with_ci(a, ".gz"))
        na -= 3;
    if (ends_with_ci(b, ".gz"))
        nb -= 3;
    return na == nb && !memcmp(a, b, na);
}

static XFail *xfail_find(XFailList *xl, const char *base)
{
    for (size_t i = 0; i < xl->n; i++)
        if (moo_name_eq(xl->v[i].name, base))
            return &xl->v[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* MOO parsing.  Every length is checked against its container. */

typedef struct Chunk {
    char tag[5];
    const uint8_t *data;
    uint32_t len;
} Chunk;

/* Reads the chunk at *off within [0, end).  Returns 1 and advances, 0 at
 * the end, -1 if truncated. */
static int chunk_next(const uint8_t *base, size_t end, size_t *off, Chunk *c)
{
    if (*off >= end)
        return 0;
    if (end - *off < 8)
        return -1;
    const uint8_t *p = base + *off;
    uint32_t len = ldl_le(p + 4);
    if (len > end - *off - 8)
        return -1;
    memcpy(c->tag, p, 4);
    c->tag[4] = 0;
    c->data = p + 8;
    c->len = len;
    *off += 8 + (size_t)len;
    return 1;
}

static int tag_is(const Chunk *c, const char *t)
{
    return !memcmp(c->tag, t, 4);
}

/* REGS/RMSK (wide = 0) or RG32/RM32 (wide = 1) into rs.  Values of the
 * 16-bit form are zero-extended. */
static const char *parse_regs(const Chunk *c, int wide, RegSet *rs)
{
    if (!wide) {
        if (c->len < 2)
            return "REGS chunk too short";
        uint16_t m = ldw_le(c->data);
        uint32_t off = 2;
        for (int i = 0; i < 14; i++) {
            if (!(m >> i & 1))
                continue;
            if (off + 2 > c->len)
                return "REGS chunk shorter than its mask says";
            int rx = regs16_map[i];
            rs->v[rx] = ldw_le(c->data + off);
            rs->present |= 1u << rx;
            off += 2;
        }
    } else {
        if (c->len < 4)
            return "RG32 chunk too short";
        uint32_t m = ldl_le(c->data);
        uint32_t off = 4;
        for (int i = 0; i < RX_N; i++) {
            if (!(m >> i & 1))
                continue;
            if (off + 4 > c->len)
                return "RG32 chunk shorter than its mask says";
            rs->v[i] = ldl_le(c->data + off);
            rs->present |= 1u << i;
            off += 4;
        }
    }
    return NULL;
}

static const char *parse_state(const Chunk *sc, MooState *st, MooFile *f)
{
    size_t off = 0;
    Chunk c;
    int r;
    memset(st, 0, sizeof *st);
    while ((r = chunk_next(sc->data, sc->len, &off, &c)) > 0) {
        const char *e = NULL;
        if (tag_is(&c, "REGS")) {
            e = parse_regs(&c, 0, &st->regs);
        } else if (tag_is(&c, "RG32")) {
            f->wide = 1;
            e = parse_regs(&c, 1, &st->regs);
        } else if (tag_is(&c, "RMSK")) {
            e = parse_regs(&c, 0, &st->mask);
        } else if (tag_is(&c, "RM32")) {
            e = parse_regs(&c, 1, &st->mask);
        } else if (tag_is(&c, "RAM ")) {
            if (c.len < 4)
                return "RAM chunk too short";
            uint32_t n = ldl_le(c.data);
            if (n > (c.len - 4) / 5)
                return "RAM chunk shorter than its count says";
            st->ram = c.data + 4;
            st->nram = n;
        } else if (tag_is(&c, "EA32")) {
            if (c.len < 23)
                return "EA32 chunk too short";
        } /* QUEU and unknown chunks: skipped */
        if (e)
            return e;
    }
    return r < 0 ? "truncated chunk inside INIT/FINA" : NULL;
}

static const char *parse_test(const Chunk *tc, MooTest *t, MooFile *f)
{
    memset(t, 0, sizeof *t);
    if (tc->len < 4)
        return "TEST chunk too short";
    t->index = ldl_le(tc->data);
    size_t off = 4;
    Chunk c;
    int r, have_init = 0, have_fina = 0;
    while ((r = chunk_next(tc->data, tc->len, &off, &c)) > 0) {
        const char *e = NULL;
        if (tag_is(&c, "NAME") || tag_is(&c, "BYTS")) {
            if (c.len < 4 || ldl_le(c.data) > c.len - 4)
                return tag_is(&c, "NAME") ? "bad NAME chunk" : "bad BYTS chunk";
            if (tag_is(&c, "NAME")) {
                t->name = c.data + 4;
                t->name_len = ldl_le(c.data);
            } else {
                t->bytes = c.data + 4;
                t->nbytes = ldl_le(c.data);
            }
        } else if (tag_is(&c, "INIT")) {
            e = parse_state(&c, &t->init, f);
            have_init = 1;
        } else if (tag_is(&c, "FINA")) {
            e = parse_state(&c, &t->fina, f);
            have_fina = 1;
        } else if (tag_is(&c, "EXCP")) {
            if (c.len < 5)
                return "EXCP chunk too short";
            t->has_excp = 1;
            t->excp_num = c.data[0];
            t->excp_flag_addr = ldl_le(c.data + 1);
        } else if (tag_is(&c, "HASH")) {
            if (c.len < 20)
                return "HASH chunk too short";
            t->has_hash = 1;
            memcpy(t->hash, c.data, 20);
        } /* CYCL, GMET and unknown chunks: skipped */
        if (e)
            return e;
    }
    if (r < 0)
        return "truncated chunk inside TEST";
    if (!have_init || !have_fina)
        return "TEST without INIT or FINA";
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Running tests. */

typedef struct Options {
    const char *metadata;
    const char *revocations;
    const char *xfail;
    int verbose;
    long limit;            /* tests per file, <0: all */
    long only_index;       /* run only this test index, <0: all */
} Options;

typedef struct Runner {
    PhysMem *mem;
    CPUState *cpu;
    CPUHost host;
    const Options *opt;
    /* metadata/revocations cache (keyed by directory) */
    char *meta_dir;
    JNode *meta;
    JNode *meta_forced;
    char *rev_dir;
    StrList rev;
    int rev_forced;
} Runner;

static uint32_t host_io_read(void *opaque, uint16_t port, unsigned size)
{
    return size >= 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}
static void host_io_write(void *opaque, uint16_t port, uint32_t val,
                          unsigned size)
{
}
static int host_intr_ack(void *opaque)
{
    return 8; /* never asked for: the runner does not raise INTR */
}

static int ram_entry(const MooState *st, uint32_t i, uint32_t *addr)
{
    const uint8_t *e = st->ram + 5 * (size_t)i;
    *addr = ldl_le(e);
    return e[4];
}

/* Loads the initial state.  RAM is written before cpu_reset(), which must
 * drop any cached decode of guest memory, since phys_write() bypasses the
 * CPU's own write path.  Returns an error text or NULL. */
static const char *load_test(Runner *rn, const MooFile *f, const MooTest *t)
{
    for (uint32_t i = 0; i < t->init.nram; i++) {
        uint32_t a;
        int v = ram_entry(&t->init, i, &a);
        if (a >= RAM_SIZE)
            return "INIT RAM address beyond 16 MiB";
        phys_write(rn->mem, a, (uint64_t)v, 1);
    }
    CPUState *c = rn->cpu;
    cpu_reset(c);
    /* The MOO header names the CPU the data was captured on: for an 80286
     * set, switch on the CPU's documented 286 real-mode behaviours. */
    cpu_set_model(c, f->is286 ? CPU_MODEL_286 : CPU_MODEL_P6);
    const RegSet *r = &t->init.regs;
    if (r->present & 1u << RX_CR0)
        cpu_set_cr0_raw(c, r->v[RX_CR0]);
    for (int rx = 0; rx < RX_N; rx++) {
        if (!(r->present & 1u << rx))
            continue;
        uint32_t v = r->v[rx];
        int g = rx_gpr(rx), s = rx_seg(rx);
        if (g >= 0)
            cpu_set_reg(c, g, f->wide ? v : v & 0xFFFF);
        else if (s >= 0)
            cpu_set_seg_real(c, s, (uint16_t)v);
        else if (rx == RX_EIP)
            cpu_set_eip(c, f->wide ? v : v & 0xFFFF);
    }
    if (r->present & 1u << RX_EFLAGS) {
        uint32_t fl = r->v[RX_EFLAGS];
        if (!f->wide)
            fl &= 0xFFFF;
        if (f->is286)
            fl &= 0x0FFF; /* see the header comment */
        cpu_set_eflags(c, fl | 2);
    } else {
        cpu_set_eflags(c, 2);
    }
    return NULL;
}

/* Zeroes every byte the test named, so the next test starts from clean
 * RAM without clearing all 16 MiB. */
static void clear_test_ram(Runner *rn, const MooTest *t)
{
    const MooState *sts[2] = { &t->init, &t->fina };
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < sts[k]->nram; i++) {
            uint32_t a;
            ram_entry(sts[k], i, &a);
            if (a < RAM_SIZE)
                phys_write(rn->mem, a, 0, 1);
        }
}

static uint32_t actual_reg(CPUState *c, int rx)
{
    int g = rx_gpr(rx), s = rx_seg(rx);
    if (g >= 0)
        return cpu_get_reg(c, g);
    if (s >= 0) {
        CPUSeg sg;
        cpu_get_seg(c, s, &sg);
        return sg.sel;
    }
    switch (rx) {
    case RX_EIP: return cpu_get_eip(c);
    case RX_EFLAGS: return cpu_get_eflags(c);
    case RX_CR0: return cpu_get_cr(c, 0);
    default: return 0;
    }
}

/* Mask for comparing register rx of this test. */
static uint32_t reg_mask(const MooFile *f, const MooTest *t, int rx)
{
    /* Full 32 bits even for 16-bit sets: their values are zero-extended
     * and 16-bit code must never touch the upper halves. */
    uint32_t m = rx_seg(rx) >= 0 ? 0xFFFFu : 0xFFFFFFFFu;
    if (f->file_mask.present & 1u << rx)
        m &= f->file_mask.v[rx];
    if (t->fina.mask.present & 1u << rx)
        m &= t->fina.mask.v[rx];
    if (rx == RX_EFLAGS) {
        m &= f->flags_mask;
        if (f->is286)
            m &= 0xFFFF0FFFu;
    }
    return m;
}

/* Where the exception pushed FLAGS (low and high byte).  EXCP.flag_address
 * is exact when SP was even; when SP was odd the data gives the address
 * rounded down to even, although the chip (checked against the FINA bytes
 * of all 217 such tests) pushed FLAGS at SS:SP-2 as usual.  So for a 16-bit
 * frame we use SS:((SP-2) & 0xFFFF) whenever flag_address is that address
 * or that address rounded down, and flag_address as given otherwise. */
static void pushed_flags_addr(const MooFile *f, const MooTest *t,
                              uint32_t *lo, uint32_t *hi)
{
    uint32_t fa = t->excp_flag_addr;
    const RegSet *r = &t->init.regs;
    *lo = fa;
    *hi = fa + 1;
    if (f->wide || !(r->present & 1u << RX_SS) || !(r->present & 1u << RX_ESP))
        return;
    uint32_t base = (r->v[RX_SS] & 0xFFFF) << 4;
    uint32_t sp = r->v[RX_ESP] & 0xFFFF;
    uint32_t calc = base + ((sp - 2) & 0xFFFF);
    if (fa == calc || fa == (calc & ~1u)) {
        *lo = calc;
        *hi = base + ((sp - 1) & 0xFFFF);
    }
}

static void fmt_flags(char *buf, size_t n, uint32_t v)
{
    static const struct { int bit; char ch; } fl[] = {
        { 11, 'o' }, { 10, 'd' }, { 9, 'i' }, { 8, 't' }, { 7, 's' },
        { 6, 'z' }, { 4, 'a' }, { 2, 'p' }, { 0, 'c' }
    };
    size_t k = 0;
    for (size_t i = 0; i < sizeof fl / sizeof fl[0] && k + 1 < n; i++)
        buf[k++] = (v >> fl[i].bit & 1) ? (char)toupper(fl[i].ch) : '.';
    buf[k] = 0;
}

static void print_test_header(const MooFile *f, const MooTest *t)
{
    printf("  FAIL %s #%u: %.*s  [", f->base, (unsigned)t->index,
           (int)(t->name_len > 200 ? 200 : t->name_len),
           t->name ? (const char *)t->name : "");
    for (uint32_t i = 0; i < t->nbytes && i < 32; i++)
        printf("%s%02X", i ? " " : "", t->bytes[i]);
    printf("]");
    if (t->has_excp) {
        uint32_t lo, hi;
        pushed_flags_addr(f, t, &lo, &hi);
        printf("  exception %u, FLAGS pushed at %06X", t->excp_num,
               (unsigned)lo);
        if (lo != t->excp_flag_addr)
            printf(" (EXCP says %06X)", (unsigned)t->excp_flag_addr);
    }
    printf("\n    init:");
    const char *const *nm = f->wide ? rx_name32 : rx_name16;
    for (int rx = 0; rx < RX_N; rx++)
        if (t->init.regs.present & 1u << rx)
            printf(f->wide ? " %s=%08X" : " %s=%04X", nm[rx],
                   (unsigned)t->init.regs.v[rx]);
    if (t->has_hash) {
        printf("\n    hash: ");
        for (int i = 0; i < 20; i++)
            printf("%02x", t->hash[i]);
    }
    printf("\n");
}

/* Runs one test.  Returns 1 if it passed.  With verbose, prints why not. */
static int run_test(Runner *rn, const MooFile *f, const MooTest *t,
                    int verbose)
{
    CPUState *c = rn->cpu;
    const char *err = load_test(rn, f, t);
    int stop = -1;
    if (!err) {
        stop = cpu_run(c, MAX_INSNS);
        if (stop != CPU_STOP_HLT)
            err = stop == CPU_STOP_LIMIT ? "did not reach HLT within the instruction limit"
                  : stop == CPU_STOP_TRIPLE ? "triple fault"
                  : "cpu_run() stopped for another reason";
    }
    int ok = !err, header = 0;
#define FAILHDR()                                   \
    do {                                            \
        ok = 0;                                     \
        if (verbose && !header) {                   \
            print_test_header(f, t);                \
            header = 1;                             \
        }                                           \
    } while (0)
    if (err) {
        FAILHDR();
        if (verbose) {
            printf("    %s", err);
            if (stop >= 0) {
                CPUSeg cs;
                cpu_get_seg(c, S_CS, &cs);
                printf(" (stopped at %04X:%04X", cs.sel,
                       (unsigned)cpu_get_eip(c));
                if (stop == CPU_STOP_TRIPLE)
                    printf(": %s", cpu_fault_report(c));
                printf(")");
            }
            printf("\n");
        }
    }
    if (stop == CPU_STOP_HLT) {
        const char *const *nm = f->wide ? rx_name32 : rx_name16;
        for (int rx = 0; rx < RX_N; rx++) {
            if (!(t->init.regs.present & 1u << rx) &&
                !(t->fina.regs.present & 1u << rx))
                continue;
            if (rx == RX_CR3 || rx == RX_DR6 || rx == RX_DR7)
                continue; /* not reachable through the CPU API */
            uint32_t exp = t->fina.regs.present & 1u << rx
                               ? t->fina.regs.v[rx] : t->init.regs.v[rx];
            uint32_t m = reg_mask(f, t, rx);
            uint32_t act = actual_reg(c, rx);
            if (((exp ^ act) & m) == 0)
                continue;
            FAILHDR();
            if (!verbose)
                break;
            if (rx == RX_EFLAGS) {
                char fe[16], fa[16], fm[16];
                fmt_flags(fe, sizeof fe, exp & m);
                fmt_flags(fa, sizeof fa, act & m);
                fmt_flags(fm, sizeof fm, (exp ^ act) & m);
                printf("    %s: expected %04X %s, got %04X %s (mask %04X,"
                       " differ %s)\n", nm[rx], (unsigned)(exp & m), fe,
                       (unsigned)(act & m), fa, (unsigned)(f->wide ? m : m & 0xFFFF), fm);
            } else {
                printf(f->wide ? "    %s: expected %08X, got %08X"
                               : "    %s: expected %04X, got %04X",
                       nm[rx], (unsigned)(exp & m), (unsigned)(act & m));
                if (m != 0xFFFFFFFFu && m != 0xFFFFu)
                    printf(" (mask %X)", (unsigned)m);
                printf("\n");
            }
        }
        if (ok || verbose) {
            uint32_t fmask = reg_mask(f, t, RX_EFLAGS), flo = 0, fhi = 0;
            if (t->has_excp)
                pushed_flags_addr(f, t, &flo, &fhi);
            for (uint32_t i = 0; i < t->fina.nram; i++) {
                uint32_t a;
                int exp = ram_entry(&t->fina, i, &a), m = 0xFF;
                if (a >= RAM_SIZE) {
                    FAILHDR();
                    if (verbose)
                        printf("    FINA RAM address %08X beyond 16 MiB\n",
                               (unsigned)a);
                    continue;
                }
                if (t->has_excp && a == flo)
                    m = (int)(fmask & 0xFF);
                else if (t->has_excp && a == fhi)
                    m = (int)(fmask >> 8 & 0xFF);
                int act = (int)phys_read(rn->mem, a, 1);
                if (((exp ^ act) & m) == 0)
                    continue;
                FAILHDR();
                if (!verbose)
                    break;
                printf("    mem[%06X]: expected %02X, got %02X", (unsigned)a,
                       exp & m, act & m);
                if (m != 0xFF)
                    printf(" (pushed FLAGS, mask %02X)", m);
                printf("\n");
            }
        }
    }
#undef FAILHDR
    clear_test_ram(rn, t);
    return ok;
}

/* Finds metadata and revocations for a file (explicit options win;
 * otherwise metadata.json next to the file and revocation_list.txt in the
 * parent directory, each loaded once per directory). */
static void runner_prepare_dir(Runner *rn, const char *path)
{
    char *dir = path_dir(path);
    if (!rn->opt->metadata && (!rn->meta_dir || strcmp(rn->meta_dir, dir))) {
        j_free(rn->meta);
        rn->meta = NULL;
        free(rn->meta_dir);
        rn->meta_dir = xstrdup(dir);
        char *p = path_join(dir, "metadata.json");
        if (file_exists(p))
            rn->meta = json_load(p);
        free(p);
    }
    if (!rn->rev_forced && (!rn->rev_dir || strcmp(rn->rev_dir, dir))) {
        strlist_free(&rn->rev);
        free(rn->rev_dir);
        rn->rev_dir = xstrdup(dir);
        char *parent = path_join(dir, "..");
        char *p = path_join(parent, "revocation_list.txt");
        if (file_exists(p))
            revocations_load(p, &rn->rev);
        free(p);
        free(parent);
    }
    free(dir);
}

typedef struct FileStats {
    unsigned long passed, failed, skipped;
    const char *error;     /* file could not be read/parsed */
    char errbuf[256];
} FileStats;

static void run_file(Runner *rn, const char *path, FileStats *st)
{
    memset(st, 0, sizeof *st);
    runner_prepare_dir(rn, path);
    size_t len;
    uint8_t *buf = read_file_gz(path, &len, st->errbuf, sizeof st->errbuf);
    if (!buf) {
        st->error = st->errbuf;
        return;
    }
    MooFile f;
    memset(&f, 0, sizeof f);
    f.path = path;
    f.base = path_base(path);
    f.flags_mask = 0xFFFFFFFFu;
    f.is286 = 1;
    size_t off = 0;
    Chunk c;
    int r, seen_header = 0, printed = 0, mask_ready = 0;
    long ntests = 0;
    const JNode *meta = rn->meta_forced ? rn->meta_forced : rn->meta;
    while ((r = chunk_next(buf, len, &off, &c)) > 0) {
        if (tag_is(&c, "MOO ")) {
            if (c.len < 12) {
                st->error = "MOO header chunk too short";
                break;
            }
            memcpy(f.cpu_id, c.data + 8, 4);
            f.cpu_id[4] = 0;
            f.is286 = strstr(f.cpu_id, "386") == NULL;
            seen_header = 1;
        } else if (tag_is(&c, "META")) {
            if (c.len >= 7) {
                f.has_meta = 1;
                f.meta_opcode = ldl_le(c.data + 3);
            }
        } else if (tag_is(&c, "RMSK") || tag_is(&c, "RM32")) {
            const char *e = parse_regs(&c, tag_is(&c, "RM32"), &f.file_mask);
            if (e) {
                st->error = e;
                break;
            }
        } else if (tag_is(&c, "TEST")) {
            if (!seen_header) {
                st->error = "TEST before the MOO header: not a MOO file?";
                break;
            }
            if (!mask_ready) {
                f.flags_mask = meta ? meta_flags_mask(meta, &f) : 0xFFFFFFFFu;
                mask_ready = 1;
            }
            if (rn->opt->limit >= 0 && ntests >= rn->opt->limit)
                break;
            MooTest t;
            const char *e = parse_test(&c, &t, &f);
            if (e) {
                snprintf(st->errbuf, sizeof st->errbuf, "test at offset %zu: %s",
                         (size_t)(c.data - buf) - 8, e);
                st->error = st->errbuf;
                break;
            }
            if (rn->opt->only_index >= 0 &&
                t.index != (uint32_t)rn->opt->only_index)
                continue;
            ntests++;
            if (t.has_hash && revoked(&rn->rev, t.hash)) {
                st->skipped++;
                continue;
            }
            if (run_test(rn, &f, &t, 0)) {
                st->passed++;
            } else {
                st->failed++;
                if (rn->opt->verbose && printed < VERBOSE_PER_FILE) {
                    printed++;
                    run_test(rn, &f, &t, 1); /* again, printing details */
                }
            }
        } else if (!seen_header) {
            st->error = "does not start with a MOO header chunk";
            break;
        }
    }
    if (!st->error && !seen_header)
        st->error = "not a MOO file (no MOO header chunk)";
    if (!st->error && r < 0)
        st->error = "truncated chunk at the top level";
    free(buf);
}

/* ------------------------------------------------------------------ */
/* Command line. */

static void usage(FILE *o)
{
    fprintf(o,
        "usage: x86pc-cputest [options] FILE|DIR...\n"
        "Runs SingleStepTests CPU tests (*.MOO / *.MOO.gz; a directory means\n"
        "every such file in it, sorted) and compares with the recorded state.\n"
        "\n"
        "  --metadata FILE           per-opcode flag masks (default: metadata.json\n"
        "                            next to each test file, if present)\n"
        "  --revocations FILE        skip tests whose hash is listed (default:\n"
        "                            revocation_list.txt in the parent directory)\n"
        "  --expected-failures FILE  files allowed to fail ('NAME.MOO.gz reason');\n"
        "                            a listed file that passes is an error (XPASS)\n"
        "  --limit N                 run at most N tests per file\n"
        "  --test N                  run only the test with index N\n"
        "  -v, --verbose             details of failing tests (first %d per file)\n"
        "  --print-data-dir          print the configured SingleStepTests directory\n"
        "  -h, --help                this text\n"
        "Exit status: 0 all passed (or failed as expected), 1 unexpected\n"
        "failures, 2 usage or I/O error.\n", VERBOSE_PER_FILE);
}

static long parse_count(const char *opt, const char *s)
{
    char *e;
    errno = 0;
    long v = strtol(s, &e, 10);
    if (errno || e == s || *e || v < 0)
        die("%s: '%s' is not a non-negative number", opt, s);
    return v;
}

/* Adds FILE or every MOO file of DIR (sorted) to files.  Returns 1 for a
 * directory. */
static int collect(const char *arg, StrList *files)
{
    struct stat st;
    if (stat(arg, &st) != 0)
        die("%s: %s", arg, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        strlist_add(files, xstrdup(arg));
        return 0;
    }
    DIR *d = opendir(arg);
    if (!d)
        die("%s: %s", arg, strerror(errno));
    StrList names = { 0 };
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.' && is_moo_name(de->d_name))
            strlist_add(&names, xstrdup(de->d_name));
    closedir(d);
    if (!names.n)
        die("%s: no *.MOO or *.MOO.gz files in this directory", arg);
    qsort(names.v, names.n, sizeof *names.v, cmp_str);
    for (size_t i = 0; i < names.n; i++) {
        strlist_add(files, path_join(arg, names.v[i]));
        free(names.v[i]);
    }
    free(names.v);
    return 1;
}

int main(int argc, char **argv)
{
    Options opt = { NULL, NULL, NULL, 0, -1, -1 };
    StrList files = { 0 };
    int nargs = 0, nargs_dirs = 0; /* nargs_dirs: some argument was a dir */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[64];
        /* --opt=value or --opt value */
        if (a[0] == '-' && a[1] == '-' && a[2]) {
            const char *eq = strchr(a, '=');
            size_t n = eq ? (size_t)(eq - a) : strlen(a);
            if (n >= sizeof name)
                die("unknown option '%s' (see --help)", a);
            memcpy(name, a, n);
            name[n] = 0;
            val = eq ? eq + 1 : NULL;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        int takes = !strcmp(name, "--metadata") || !strcmp(name, "--revocations") ||
                    !strcmp(name, "--expected-failures") || !strcmp(name, "--limit") ||
                    !strcmp(name, "--test");
        if (takes && !val) {
            if (i + 1 >= argc)
                die("%s needs an argument", name);
            val = argv[++i];
        }
        if (!strcmp(name, "--metadata"))
            opt.metadata = val;
        else if (!strcmp(name, "--revocations"))
            opt.revocations = val;
        else if (!strcmp(name, "--expected-failures"))
            opt.xfail = val;
        else if (!strcmp(name, "--limit"))
            opt.limit = parse_count("--limit", val);
        else if (!strcmp(name, "--test"))
            opt.only_index = parse_count("--test", val);
        else if (!strcmp(name, "-v") || !strcmp(name, "--verbose"))
            opt.verbose = 1;
        else if (!strcmp(name, "--print-data-dir")) {
            printf("%s\n", X86PC_SINGLESTEP_DIR);
            return 0;
        } else if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(name, "--")) {
            for (i++; i < argc; i++, nargs++)
                nargs_dirs |= collect(argv[i], &files);
        } else if (a[0] == '-' && a[1]) {
            die("unknown option '%s' (see --help)", a);
        } else {
            nargs_dirs |= collect(a, &files);
            nargs++;
        }
    }
    if (!nargs) {
        usage(stderr);
        return 2;
    }

    Runner rn;
    memset(&rn, 0, sizeof rn);
    rn.opt = &opt;
    if (opt.metadata)
        rn.meta_forced = json_load(opt.metadata);
    if (opt.revocations) {
        revocations_load(opt.revocations, &rn.rev);
        rn.rev_forced = 1;
    }
    XFailList xl = { NULL, 0 };
    if (opt.xfail)
        xfail_load(opt.xfail, &xl);

    rn.mem = phys_new(RAM_SIZE, PHYS_LAYOUT_FLAT);
    if (!rn.mem)
        die("cannot create 16 MiB of guest RAM");
    phys_set_a20(rn.mem, 1);
    rn.host.opaque = &rn;
    rn.host.io_read = host_io_read;
    rn.host.io_write = host_io_write;
    rn.host.intr_ack = host_intr_ack;
    rn.host.triple_fault = NULL;
    rn.cpu = cpu_new(rn.mem, &rn.host);
    if (!rn.cpu)
        die("cpu_new() failed");
    cpu_set_no_reboot(rn.cpu, 1);

    unsigned long tp = 0, tf = 0, ts = 0;
    unsigned nxfail = 0;
    StrList bad = { 0 };
    for (size_t i = 0; i < files.n; i++) {
        FileStats st;
        const char *base = path_base(files.v[i]);
        run_file(&rn, files.v[i], &st);
        tp += st.passed;
        tf += st.failed;
        ts += st.skipped;
        XFail *x = xfail_find(&xl, base);
        if (x)
            x->seen = 1;
        printf("%s: %lu passed, %lu failed", base, st.passed, st.failed);
        if (st.skipped)
            printf(", %lu skipped (revoked)", st.skipped);
        if (st.error) {
            /* A broken data file is never an expected failure. */
            printf("  ERROR: %s", st.error);
            strlist_add(&bad, xstrdup(base));
        } else if (x && st.failed) {
            printf("  XFAIL (%s)", x->reason);
            nxfail++;
        } else if (x) {
            printf("  XPASS \xe2\x80\x94 remove it from the list");
            strlist_add(&bad, xstrdup(base));
        } else if (st.failed) {
            strlist_add(&bad, xstrdup(base));
        }
        printf("\n");
        fflush(stdout);
    }
    printf("TOTAL: %lu passed, %lu failed (%zu files)", tp, tf, files.n);
    if (ts)
        printf(", %lu skipped (revoked)", ts);
    printf("\n");
    if (nxfail)
        printf("%u file%s failed as expected (listed in %s)\n", nxfail,
               nxfail == 1 ? "" : "s", opt.xfail);
    for (size_t i = 0; i < xl.n; i++)
        if (!xl.v[i].seen && nargs_dirs)
            printf("note: %s is listed in %s but was not run\n",
                   xl.v[i].name, opt.xfail);
    if (bad.n) {
        printf("UNEXPECTED:");
        for (size_t i = 0; i < bad.n; i++)
            printf(" %s", bad.v[i]);
        printf("\n");
    }

    int status = bad.n ? 1 : 0;
    cpu_free(rn.cpu);
    phys_free(rn.mem);
    strlist_free(&bad);
    strlist_free(&files);
    strlist_free(&rn.rev);
    j_free(rn.meta);
    j_free(rn.meta_forced);
    free(rn.meta_dir);
    free(rn.rev_dir);
    for (size_t i = 0; i < xl.n; i++) {
        free(xl.v[i].name);
        free(xl.v[i].reason);
    }
    free(xl.v);
    return status;
}
