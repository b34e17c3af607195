/* Instruction trace: see trace.h for the format. */
#include "frontend/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/disasm.h"
#include "devices/hypercall.h"
#include "frontend/debugger.h"

struct Trace {
    struct CPUState *cpu;
    FILE *f;
    int own_file;
    int enabled, regs;
    int failed; /* the output could not be written: tracing stopped */
    void (*changed)(void *opaque);
    void *owner;
    /* the instruction seen last by the hook, not yet written */
    int pending;
    uint64_t p_icount;
    uint16_t p_cs;
    uint32_t p_eip, p_lin;
    uint8_t p_bytes[16];
    int p_n;   /* bytes read (0: unreadable) */
    int p_len; /* disasm() result */
    char p_text[160];
};

static int trace_hook(void *opaque, uint32_t lin)
{
    return trace_exec(opaque, lin);
}

static void install(Trace *t)
{
    if (t->changed)
        t->changed(t->owner);
    else
        cpu_set_exec_hook(t->cpu, t->enabled ? trace_hook : NULL, t);
}

Trace *trace_new(struct CPUState *cpu)
{
    Trace *t = calloc(1, sizeof *t);
    if (t)
        t->cpu = cpu;
    return t;
}

static FILE *out(Trace *t)
{
    return t->f ? t->f : stderr;
}

static void write_regs(Trace *t, FILE *f)
{
    static const char *const n[8] = {"eax", "ecx", "edx", "ebx",
                                      "esp", "ebp", "esi", "edi"};
    fputs(" |", f);
    for (int r = 0; r < 8; r++)
        fprintf(f, " %s=%08lx", n[r], (unsigned long)cpu_get_reg(t->cpu, r));
    fprintf(f, " eflags=%08lx", (unsigned long)cpu_get_eflags(t->cpu));
}

/* The pending instruction retired: its line. */
static void write_pending(Trace *t)
{
    FILE *f = out(t);
    char hex[40];
    int k, p = 0;
    if (t->p_n == 0) {
        strcpy(hex, "??");
        p = 2;
    } else {
        int n = t->p_len > 0 ? t->p_len : 1;
        for (k = 0; k < n && k < 15 && p + 2 < (int)sizeof hex; k++)
            p += snprintf(hex + p, sizeof hex - (size_t)p, "%02x", t->p_bytes[k]);
    }
    fprintf(f, "%016llx %04x:%08lx %08lx %-30s %s",
            (unsigned long long)t->p_icount, t->p_cs, (unsigned long)t->p_eip,
            (unsigned long)t->p_lin, hex, t->p_text);
    if (t->regs)
        write_regs(t, f);
    fputc('\n', f);
    t->pending = 0;
}

void trace_flush(Trace *t)
{
    if (!t)
        return;
    if (t->pending && cpu_icount(t->cpu) > t->p_icount)
        write_pending(t);
    fflush(out(t));
}

/* A write error on the trace output (a closed pipe such as `| head`, a
 * full disk) stops tracing with one line; the machine runs on. */
static int write_failed(Trace *t)
{
    int e = errno;
    if (!ferror(out(t)))
        return 0;
    fprintf(stderr, "x86pc: trace: %s: tracing stopped\n",
            e == EPIPE ? "the reader of the trace output went away"
                       : strerror(e));
    t->failed = 1;
    t->pending = 0;
    return 1;
}

int trace_exec(Trace *t, uint32_t lin)
{
    if (t->failed)
        return 0;
    uint64_t ic = cpu_icount(t->cpu);
    CPUSeg cs;
    cpu_get_seg(t->cpu, S_CS, &cs);
    uint32_t eip = cpu_get_eip(t->cpu);
    if (t->pending) {
        if (ic > t->p_icount) {
            write_pending(t);
        } else if (lin == t->p_lin && eip == t->p_eip && cs.sel == t->p_cs) {
            return 0; /* the same instruction again (a new run slice, a
                       * debugger stop): already recorded */
        } else {
            /* Control moved on without it retiring: interrupt or fault. */
            fprintf(out(t), "%016llx %04x:%08lx %08lx event -> %04x:%08lx %08lx\n",
                    (unsigned long long)t->p_icount, t->p_cs,
                    (unsigned long)t->p_eip, (unsigned long)t->p_lin, cs.sel,
                    (unsigned long)eip, (unsigned long)lin);
            t->pending = 0;
        }
        if (write_failed(t))
            return 0;
    }
    /* Record this one; its line is written when it has retired. */
    t->pending = 1;
    t->p_icount = ic;
    t->p_cs = cs.sel;
    t->p_eip = eip;
    t->p_lin = lin;
    t->p_n = 0;
    int code32 = (cs.ar >> 14) & 1;
    /* Only the instruction's own bytes are read (the CPU fetched them):
     * reading further could touch MMIO with side effects. */
    for (int k = 0; k < 15; k++) {
        if (cpu_read_linear(t->cpu, lin + (uint32_t)k, &t->p_bytes[k], 1) < 0)
            break;
        t->p_n = k + 1;
        if (cpu_insn_length(t->p_bytes, t->p_n, code32) != -2)
            break;
    }
    if (t->p_n == 0) {
        t->p_len = -1;
        strcpy(t->p_text, "(unreadable)");
    } else {
        t->p_len = disasm_ex(t->p_bytes, t->p_n, eip, code32, cs.base,
                             t->p_text, sizeof t->p_text);
    }
    return 0;
}

int trace_open(Trace *t, const char *path)
{
    FILE *f;
    if (!strcmp(path, "-")) {
        f = stdout;
    } else {
        f = fopen(path, "w");
        if (!f)
            return -1;
    }
    trace_flush(t);
    if (t->f && t->own_file)
        fclose(t->f);
    t->f = f;
    t->own_file = f != stdout;
    return 0;
}

void trace_set_regs(Trace *t, int on) { t->regs = on != 0; }
int trace_enabled(const Trace *t) { return t && t->enabled; }

void trace_set_enabled(Trace *t, int on)
{
    on = on != 0;
    if (on == t->enabled)
        return;
    if (!on)
        trace_flush(t);
    else if (t->failed) { /* "trace on" again after a write error */
        clearerr(out(t));
        t->failed = 0;
    }
    t->pending = 0;
    t->enabled = on;
    install(t);
}

void trace_set_owner(Trace *t, void (*changed)(void *opaque), void *opaque)
{
    t->changed = changed;
    t->owner = opaque;
    install(t);
}

void trace_free(Trace *t)
{
    if (!t)
        return;
    trace_flush(t);
    if (!t->changed)
        cpu_set_exec_hook(t->cpu, NULL, NULL);
    if (t->f && t->own_file)
        fclose(t->f);
    free(t);
}

/* ------------------------------------------------------------ symbols */

typedef struct Sym {
    uint32_t value;
    char name[SYM_MAX_NAME];
} Sym;

struct Symtab {
    Sym *v;
    int n, cap;
    int sorted;
};

Symtab *symtab_new(void) { return calloc(1, sizeof(Symtab)); }

void symtab_free(Symtab *s)
{
    if (s) {
        free(s->v);
        free(s);
    }
}

int symtab_count(const Symtab *s) { return s ? s->n : 0; }

static int valid_name(const char *name)
{
    size_t l = strlen(name);
    if (l == 0 || l >= SYM_MAX_NAME)
        return 0;
    for (size_t k = 0; k < l; k++)
        if ((unsigned char)name[k] <= ' ' || (unsigned char)name[k] >= 127)
            return 0;
    return 1;
}

int symtab_add(Symtab *s, uint32_t value, const char *name)
{
    if (!s || !valid_name(name))
        return -1;
    for (int k = 0; k < s->n; k++)
        if (!strcmp(s->v[k].name, name)) {
            s->v[k].value = value;
            s->sorted = 0;
            return 0;
        }
    if (s->n == s->cap) {
        int nc = s->cap ? s->cap * 2 : 64;
        Sym *nv;
        if (nc > 1 << 20)
            return -1;
        nv = realloc(s->v, (size_t)nc * sizeof *nv);
        if (!nv)
            return -1;
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n].value = value;
    snprintf(s->v[s->n].name, SYM_MAX_NAME, "%s", name);
    s->n++;
    s->sorted = 0;
    return 0;
}

int symtab_load(Symtab *s, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int added = 0;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        char a[64], b[SYM_MAX_NAME + 8], c[SYM_MAX_NAME + 8];
        char *end;
        unsigned long long v;
        int n = sscanf(line, "%63s %71s %71s", a, b, c);
        const char *name;
        if (n < 2)
            continue;
        errno = 0;
        v = strtoull(a, &end, 16);
        if (*end || end == a || errno || v > 0xFFFFFFFFull)
            continue;
        if (n == 3 && strlen(b) == 1)
            name = c; /* nm: ADDR TYPE NAME */
        else
            name = b; /* ADDR NAME */
        if (symtab_add(s, (uint32_t)v, name) == 0)
            added++;
    }
    fclose(f);
    return added;
}

static int sym_cmp(const void *x, const void *y)
{
    const Sym *a = x, *b = y;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return strcmp(a->name, b->name);
}

int symtab_lookup(const Symtab *cs, uint32_t addr, const char **name,
                  uint32_t *off)
{
    Symtab *s = (Symtab *)cs;
    int lo = 0, hi;
    if (!s || s->n == 0)
        return 0;
    if (!s->sorted) {
        qsort(s->v, (size_t)s->n, sizeof *s->v, sym_cmp);
        s->sorted = 1;
    }
    hi = s->n - 1;
    if (addr < s->v[0].value)
        return 0;
    while (lo < hi) { /* last entry with value <= addr */
        int mid = (lo + hi + 1) / 2;
        if (s->v[mid].value <= addr)
            lo = mid;
        else
            hi = mid - 1;
    }
    while (lo > 0 && s->v[lo - 1].value == s->v[lo].value)
        lo--; /* the alphabetically first of equal values */
    if (addr - s->v[lo].value >= 0x10000)
        return 0;
    *name = s->v[lo].name;
    *off = addr - s->v[lo].value;
    return 1;
}

int symtab_find(const Symtab *s, const char *name, uint32_t *value)
{
    if (!s)
        return -1;
    for (int k = 0; k < s->n; k++)
        if (!strcmp(s->v[k].name, name)) {
            *value = s->v[k].value;
            return 0;
        }
    return -1;
}

static int sym_hook(void *opaque, uint32_t addr, const char **name,
                    uint32_t *off)
{
    return symtab_lookup(opaque, addr, name, off);
}

void symtab_install(Symtab *s)
{
    disasm_set_symbols(s ? sym_hook : NULL, s);
}

/* ------------------------------------------------------------ hypercalls */

static int hc_read_mem(void *o, uint32_t lin, void *buf, uint32_t len)
{
    HcHost *h = o;
    return h->cpu ? cpu_read_linear(h->cpu, lin, buf, len) : -1;
}

static void hc_print(void *o, const char *text)
{
    (void)o;
    fflush(stdout);
    fprintf(stderr, "x86pc: guest: %s\n", text);
}

static void hc_symbol(void *o, uint32_t value, const char *name)
{
    HcHost *h = o;
    symtab_add(h->syms, value, name);
}

static void hc_trace(void *o, int on)
{
    HcHost *h = o;
    if (h->trace)
        trace_set_enabled(h->trace, on);
}

static void hc_brk(void *o)
{
    HcHost *h = o;
    if (h->dbg)
        dbg_request_stop(h->dbg);
}

static void hc_exit(void *o, int status)
{
    HcHost *h = o;
    if (!h->exit_req) {
        h->exit_req = 1;
        h->exit_status = status;
    }
    if (h->cpu)
        cpu_request_stop(h->cpu);
}

void hchost_ops(HcHost *h, HypercallOps *ops)
{
    *ops = (HypercallOps){h, hc_read_mem, hc_print, hc_symbol, hc_trace,
                          hc_brk, hc_exit};
}
