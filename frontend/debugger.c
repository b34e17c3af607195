/* x86pc debugger core and the Bochs-style console debugger (-debugger).
 * See debugger.h for how it stops and resumes the machine. */
#include "frontend/debugger.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/disasm.h"
#include "frontend/trace.h"
#include "memory/endian.h"
#include "memory/mem.h"
#include "memory/paging.h"

#define DBG_COND_LEN 120
typedef struct Bp {
    int id, kind;
    uint64_t addr;
    char cond[DBG_COND_LEN]; /* "b ADDR if EXPR" ("" = always) */
} Bp;
#define DBG_HIST 64
typedef struct Watch {
    int id, type;
    uint32_t addr, len;
} Watch;

struct Dbg {
    PC *pc;
    CPUState *cpu;
    PhysMem *mem;
    GdbStub *gdb;
    int magic;
    Bp bp[DBG_MAX_BP];
    int nbp;
    Watch w[DBG_MAX_WATCH];
    int nw;
    int next_id;

    /* run state */
    int stop_req;      /* stop before the next instruction */
    int stepping;      /* 1: step pending, first instruction not yet run */
    int skip_first;    /* next exec-hook call is the resume point */
    uint32_t resume_lin;
    DbgStop stop;      /* set by the hooks */
    int hook_stop;     /* the exec hook stopped the CPU */
    int watch_pending;
    uint64_t watch_icount;
    unsigned long steps_left; /* console "s N" */

    /* step over ("n"): a temporary breakpoint after the instruction */
    int temp_active;
    uint32_t temp_lin;

    Trace *trace;  /* instruction trace (trace on|off), may be NULL */
    Symtab *syms;  /* symbols (ldsym, u, b SYMBOL), may be NULL */
    uint32_t u_next; /* where "u" without an address continues */
    int u_valid;

    /* console */
    char hist[DBG_HIST][256]; /* command history, ring */
    unsigned long nhist;      /* commands entered so far */
    char last[256];
    char *out;         /* capture buffer (gdb monitor) or NULL: stdout */
    size_t outlen, outpos;
};

/* ------------------------------------------------------------ output */

static void say(Dbg *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (d->out) {
        if (d->outpos + 1 < d->outlen) {
            int n = vsnprintf(d->out + d->outpos, d->outlen - d->outpos, fmt,
                              ap);
            if (n > 0) {
                d->outpos += (size_t)n;
                if (d->outpos >= d->outlen)
                    d->outpos = d->outlen - 1;
            }
        }
    } else {
        vfprintf(stdout, fmt, ap);
    }
    va_end(ap);
}

/* ------------------------------------------------------------ hooks */

static int lin_to_phys(Dbg *d, uint32_t lin, uint64_t *pa);

static int cond_true(Dbg *d, const char *cond);

static int exec_hook(void *opaque, uint32_t lin)
{
    Dbg *d = opaque;
    int first = d->skip_first;
    if (d->trace && trace_enabled(d->trace))
        trace_exec(d->trace, lin);
    d->skip_first = 0;
    if (d->stop_req) {
        d->stop_req = 0;
        d->stop = (DbgStop){.reason = DBG_STOP_INTR};
        d->hook_stop = 1;
        return 1;
    }
    if (d->stepping) {
        /* The first call is the instruction being stepped; the next one is
         * the instruction after it, or the first instruction of the
         * handler of an exception it raised or of an interrupt taken. */
        if (first)
            return 0;
        d->stepping = 0;
        d->stop = (DbgStop){.reason = DBG_STOP_STEP};
        d->hook_stop = 1;
        return 1;
    }
    if (first && lin == d->resume_lin)
        return 0;
    if (d->temp_active && lin == d->temp_lin) {
        d->temp_active = 0;
        d->stop = (DbgStop){.reason = DBG_STOP_STEP};
        d->hook_stop = 1;
        return 1;
    }
    for (int i = 0; i < d->nbp; i++) {
        Bp *b = &d->bp[i];
        int hit;
        if (b->kind == DBG_BP_PHYS) {
            uint64_t pa;
            hit = lin_to_phys(d, lin, &pa) == 0 && pa == b->addr;
        } else {
            hit = b->addr == lin;
        }
        if (hit && b->cond[0] && !cond_true(d, b->cond))
            hit = 0;
        if (hit) {
            d->stop = (DbgStop){.reason = DBG_STOP_BREAK, .kind = b->kind,
                                .id = b->id};
            d->hook_stop = 1;
            return 1;
        }
    }
    return 0;
}

static int watch_hook(void *opaque, uint32_t lin, unsigned size, int write)
{
    Dbg *d = opaque;
    uint64_t a0 = lin, a1 = (uint64_t)lin + size;
    for (int i = 0; i < d->nw; i++) {
        Watch *w = &d->w[i];
        uint64_t w0 = w->addr, w1 = (uint64_t)w->addr + w->len;
        if (!(w->type & (write ? DBG_W_WRITE : DBG_W_READ)))
            continue;
        if (a1 <= w0 || w1 <= a0)
            continue;
        uint64_t ic = cpu_icount(d->cpu);
        /* Keep the first hit of this instruction; a hit left over from an
         * instruction that faulted (and was dropped by the CPU) is
         * replaced. */
        if (!d->watch_pending || d->watch_icount != ic) {
            d->watch_pending = 1;
            d->watch_icount = ic;
            /* The reported address is inside both the access and the
             * watched range, as gdb wants. */
            d->stop = (DbgStop){.reason = DBG_STOP_WATCH,
                                .wtype = w->type == DBG_W_ACCESS ? DBG_W_ACCESS
                                         : write ? DBG_W_WRITE
                                                 : DBG_W_READ,
                                .waddr = (uint32_t)(a0 > w0 ? a0 : w0),
                                .id = w->id};
        }
        return 1;
    }
    return 0;
}

static void update_hooks(Dbg *d)
{
    int need_exec = d->nbp > 0 || d->stepping || d->stop_req ||
                    d->temp_active || (d->trace && trace_enabled(d->trace));
    cpu_set_exec_hook(d->cpu, need_exec ? exec_hook : NULL, d);
    cpu_set_watch_hook(d->cpu, d->nw > 0 ? watch_hook : NULL, d);
}

/* ------------------------------------------------------------ core */

Dbg *dbg_new(PC *pc, int magic_break)
{
    Dbg *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->pc = pc;
    d->cpu = pc_cpu(pc);
    d->mem = pc_mem(pc);
    d->magic = magic_break;
    d->next_id = 1;
    cpu_set_magic_break(d->cpu, magic_break);
    return d;
}

void dbg_free(Dbg *d)
{
    if (!d)
        return;
    cpu_set_exec_hook(d->cpu, NULL, NULL);
    cpu_set_watch_hook(d->cpu, NULL, NULL);
    cpu_set_magic_break(d->cpu, 0);
    free(d);
}

void dbg_set_gdb(Dbg *d, GdbStub *g) { d->gdb = g; }

static void trace_changed(void *opaque) { update_hooks(opaque); }

void dbg_set_tools(Dbg *d, Trace *t, Symtab *syms)
{
    d->trace = t;
    d->syms = syms;
    if (t)
        trace_set_owner(t, trace_changed, d);
    update_hooks(d);
}
CPUState *dbg_cpu(Dbg *d) { return d->cpu; }

int dbg_bp_add(Dbg *d, int kind, uint64_t addr)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bp[i].kind == kind && d->bp[i].addr == addr)
            return d->bp[i].id;
    if (d->nbp == DBG_MAX_BP)
        return -1;
    d->bp[d->nbp] = (Bp){d->next_id++, kind, addr, ""};
    d->nbp++;
    update_hooks(d);
    return d->bp[d->nbp - 1].id;
}

int dbg_bp_del(Dbg *d, int kind, uint64_t addr)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bp[i].kind == kind && d->bp[i].addr == addr) {
            d->bp[i] = d->bp[--d->nbp];
            update_hooks(d);
            return 0;
        }
    return -1;
}

int dbg_watch_add(Dbg *d, int type, uint32_t addr, uint32_t len)
{
    if (len == 0 || len > 4096 || type < 1 || type > 3)
        return -1;
    for (int i = 0; i < d->nw; i++)
        if (d->w[i].type == type && d->w[i].addr == addr &&
            d->w[i].len == len)
            return d->w[i].id;
    if (d->nw == DBG_MAX_WATCH)
        return -1;
    d->w[d->nw] = (Watch){d->next_id++, type, addr, len};
    d->nw++;
    update_hooks(d);
    return d->w[d->nw - 1].id;
}

int dbg_watch_del(Dbg *d, int type, uint32_t addr, uint32_t len)
{
    for (int i = 0; i < d->nw; i++)
        if (d->w[i].type == type && d->w[i].addr == addr &&
            d->w[i].len == len) {
            d->w[i] = d->w[--d->nw];
            update_hooks(d);
            return 0;
        }
    return -1;
}

int dbg_del_id(Dbg *d, int id)
{
    for (int i = 0; i < d->nbp; i++)
        if (d->bp[i].id == id) {
            d->bp[i] = d->bp[--d->nbp];
            update_hooks(d);
            return 0;
        }
    for (int i = 0; i < d->nw; i++)
        if (d->w[i].id == id) {
            d->w[i] = d->w[--d->nw];
            update_hooks(d);
            return 0;
        }
    return -1;
}

void dbg_clear_all(Dbg *d)
{
    d->nbp = d->nw = 0;
    update_hooks(d);
}

void dbg_request_stop(Dbg *d)
{
    d->stop_req = 1;
    update_hooks(d);
}

void dbg_resume(Dbg *d, int step)
{
    CPUSeg cs;
    cpu_get_seg(d->cpu, S_CS, &cs);
    d->resume_lin = cs.base + cpu_get_eip(d->cpu);
    d->skip_first = 1;
    d->stepping = step;
    d->stop_req = 0;
    d->hook_stop = 0;
    d->watch_pending = 0;
    d->stop.reason = DBG_STOP_NONE;
    update_hooks(d);
}

static void print_location(Dbg *d, const DbgStop *st);
static int parse_num(const char *s, uint64_t *v);

/* Base of the segment selected by sel in the current mode: sel * 16 in
 * real and virtual-8086 mode, else from its GDT/LDT descriptor.  0 or -1
 * (beyond the table limit or unreadable). */
static int sel_base(Dbg *d, uint16_t sel, uint32_t *base)
{
    if (!(cpu_get_cr(d->cpu, 0) & 1) || (cpu_get_eflags(d->cpu) & 0x20000)) {
        *base = (uint32_t)sel << 4;
        return 0;
    }
    uint32_t tbase;
    uint32_t tlimit;
    if (sel & 4) {
        CPUSeg ldt;
        cpu_get_seg(d->cpu, S_LDTR, &ldt);
        tbase = ldt.base;
        tlimit = ldt.limit;
    } else {
        uint16_t l16;
        cpu_get_dtr(d->cpu, 0, &tbase, &l16);
        tlimit = l16;
    }
    uint8_t b[8];
    uint32_t idx = sel & ~7u;
    if (idx + 7 > tlimit || dbg_read_lin(d, tbase + idx, b, 8) < 0)
        return -1;
    *base = (uint32_t)(b[2] | (b[3] << 8) | (b[4] << 16)) |
            ((uint32_t)b[7] << 24);
    return 0;
}

/* A linear address: a number, or SEG:OFF (hex) translated through the
 * current mode (real/V86: seg * 16 + off; protected: descriptor base). */
static int parse_addr(Dbg *d, const char *s, uint64_t *v)
{
    const char *colon = s ? strchr(s, ':') : NULL;
    char *end;
    uint32_t sv;
    if (!colon && s && parse_num(s, v) < 0 && d->syms &&
        symtab_find(d->syms, s, &sv) == 0) {
        *v = sv; /* a symbol (ldsym, hypercall ADDSYM) */
        return 0;
    }
    if (!colon)
        return parse_num(s, v);
    errno = 0;
    unsigned long long seg = strtoull(s, &end, 16);
    if (end != colon || end == s || errno || seg > 0xFFFF)
        return -1;
    unsigned long long off = strtoull(colon + 1, &end, 16);
    if (*end || end == colon + 1 || errno || off > 0xFFFFFFFFull)
        return -1;
    uint32_t base;
    if (sel_base(d, (uint16_t)seg, &base) < 0)
        return -1;
    *v = (uint32_t)(base + (uint32_t)off);
    return 0;
}
static int console_loop(Dbg *d);

int dbg_poll(Dbg *d, int sigint)
{
    DbgStop st = {DBG_STOP_NONE, 0, 0, 0, 0};
    int cpu_stop = pc_cpu_stop(d->pc);

    if (cpu_stop == CPU_STOP_WATCH && d->watch_pending)
        st = d->stop;
    else if (cpu_stop == CPU_STOP_BREAK && d->hook_stop)
        st = d->stop;
    else if (cpu_stop == CPU_STOP_MAGIC)
        st.reason = DBG_STOP_MAGIC;
    else if (d->stepping && cpu_halted(d->cpu))
        st.reason = DBG_STOP_STEP; /* stepped into HLT */
    d->watch_pending = 0;
    d->hook_stop = 0;
    if (st.reason == DBG_STOP_NONE) {
        if (sigint || (d->gdb && gdb_check_interrupt(d->gdb)))
            st.reason = DBG_STOP_INTR;
        else
            return 0;
    }
    if (st.reason == DBG_STOP_STEP && !d->gdb && d->steps_left > 1) {
        d->steps_left--;
        dbg_resume(d, 1);
        return 0;
    }
    d->steps_left = 0;
    /* Stopped: nothing runs until the user resumes. */
    d->temp_active = 0;
    d->stepping = 0;
    d->stop_req = 0;
    update_hooks(d);
    if (d->gdb)
        return gdb_stopped(d->gdb, &st);
    print_location(d, &st);
    return console_loop(d);
}

void dbg_exited(Dbg *d, int status)
{
    if (d->gdb)
        gdb_exited(d->gdb, status);
}

int dbg_read_lin(Dbg *d, uint32_t lin, void *buf, uint32_t len)
{
    return cpu_read_linear(d->cpu, lin, buf, len);
}
int dbg_write_lin(Dbg *d, uint32_t lin, const void *buf, uint32_t len)
{
    return cpu_write_linear(d->cpu, lin, buf, len);
}

/* ------------------------------------------------------------ paging */

static uint32_t phys_ld32(Dbg *d, uint64_t pa)
{
    return (uint32_t)phys_read(d->mem, pa, 4);
}

/* Read-only page walk for the debugger (no accessed/dirty updates).
 * Returns 0 and the physical address, or -1 if not mapped.  When verbose,
 * prints each level. */
static int walk(Dbg *d, uint32_t lin, uint64_t *pa, int verbose)
{
    uint32_t cr0 = cpu_get_cr(d->cpu, 0), cr3 = cpu_get_cr(d->cpu, 3);
    uint32_t cr4 = cpu_get_cr(d->cpu, 4);
    if (!(cr0 & 0x80000000u)) {
        *pa = lin;
        if (verbose)
            say(d, "paging is off: linear %08x = physical %08x\n",
                (unsigned)lin, (unsigned)lin);
        return 0;
    }
    if (cr4 & 0x20) { /* PAE: 3 levels of 64-bit entries */
        uint64_t pdpte_a = (cr3 & ~0x1Fu) + ((lin >> 30) & 3) * 8;
        uint64_t pdpte = phys_read(d->mem, pdpte_a, 8);
        if (verbose)
            say(d, "PDPTE @%08llx = %016llx\n", (unsigned long long)pdpte_a,
                (unsigned long long)pdpte);
        if (!(pdpte & 1))
            goto notmapped;
        uint64_t pde_a = (pdpte & 0xFFFFFF000ull) + ((lin >> 21) & 511) * 8;
        uint64_t pde = phys_read(d->mem, pde_a, 8);
        if (verbose)
            say(d, "PDE   @%08llx = %016llx\n", (unsigned long long)pde_a,
                (unsigned long long)pde);
        if (!(pde & 1))
            goto notmapped;
        if (pde & 0x80) {
            *pa = (pde & 0xFFFE00000ull) | (lin & 0x1FFFFF);
            goto mapped;
        }
        uint64_t pte_a = (pde & 0xFFFFFF000ull) + ((lin >> 12) & 511) * 8;
        uint64_t pte = phys_read(d->mem, pte_a, 8);
        if (verbose)
            say(d, "PTE   @%08llx = %016llx\n", (unsigned long long)pte_a,
                (unsigned long long)pte);
        if (!(pte & 1))
            goto notmapped;
        *pa = (pte & 0xFFFFFF000ull) | (lin & 0xFFF);
        goto mapped;
    }
    {
        uint64_t pde_a = (cr3 & 0xFFFFF000u) + (lin >> 22) * 4;
        uint32_t pde = phys_ld32(d, pde_a);
        if (verbose)
            say(d, "PDE @%08llx = %08x (%s%s%s%s)\n",
                (unsigned long long)pde_a, (unsigned)pde,
                pde & 1 ? "P" : "not present", pde & 2 ? " RW" : "",
                pde & 4 ? " US" : "", pde & 0x80 ? " PS" : "");
        if (!(pde & 1))
            goto notmapped;
        if ((pde & 0x80) && (cr4 & 0x10)) {
            *pa = (uint64_t)(pde & 0xFFC00000u) |
                  ((uint64_t)((pde >> 13) & 0xFF) << 32) | (lin & 0x3FFFFF);
            goto mapped;
        }
        uint64_t pte_a = (pde & 0xFFFFF000u) + ((lin >> 12) & 1023) * 4;
        uint32_t pte = phys_ld32(d, pte_a);
        if (verbose)
            say(d, "PTE @%08llx = %08x (%s%s%s%s%s)\n",
                (unsigned long long)pte_a, (unsigned)pte,
                pte & 1 ? "P" : "not present", pte & 2 ? " RW" : "",
                pte & 4 ? " US" : "", pte & 0x20 ? " A" : "",
                pte & 0x40 ? " D" : "");
        if (!(pte & 1))
            goto notmapped;
        *pa = (pte & 0xFFFFF000u) | (lin & 0xFFF);
    }
mapped:
    if (verbose)
        say(d, "linear %08x -> physical %08llx\n", (unsigned)lin,
            (unsigned long long)*pa);
    return 0;
notmapped:
    if (verbose)
        say(d, "linear %08x: not mapped\n", (unsigned)lin);
    return -1;
}

static int lin_to_phys(Dbg *d, uint32_t lin, uint64_t *pa)
{
    return walk(d, lin, pa, 0);
}

/* ------------------------------------------------------------ console */

static const char *const gpr_names[8] = {"eax", "ecx", "edx", "ebx",
                                         "esp", "ebp", "esi", "edi"};
static const char *const seg_names[S_NSEG] = {"es", "cs", "ss", "ds",
                                              "fs", "gs", "ldtr", "tr"};

static uint32_t cur_lin(Dbg *d)
{
    CPUSeg cs;
    cpu_get_seg(d->cpu, S_CS, &cs);
    return cs.base + cpu_get_eip(d->cpu);
}

static void print_location(Dbg *d, const DbgStop *st)
{
    CPUSeg cs;
    uint8_t b[8];
    cpu_get_seg(d->cpu, S_CS, &cs);
    switch (st->reason) {
    case DBG_STOP_BREAK:
        say(d, "(%d) Breakpoint %d, ", 0, st->id);
        break;
    case DBG_STOP_WATCH:
        say(d, "(0) Watchpoint %d: %s at %08x, ", st->id,
            st->wtype == DBG_W_WRITE ? "write" : st->wtype == DBG_W_READ
                                                     ? "read"
                                                     : "access",
            (unsigned)st->waddr);
        break;
    case DBG_STOP_MAGIC:
        say(d, "(0) Magic breakpoint, ");
        break;
    case DBG_STOP_INTR:
        say(d, "(0) Stopped, ");
        break;
    default:
        break;
    }
    say(d, "next at %04x:%08x (linear %08x):", (unsigned)cs.sel,
        (unsigned)cpu_get_eip(d->cpu), (unsigned)cur_lin(d));
    int n = 8;
    while (n > 0 && dbg_read_lin(d, cur_lin(d), b, (uint32_t)n) < 0)
        n--;
    for (int i = 0; i < n; i++)
        say(d, " %02x", b[i]);
    if (n == 0)
        say(d, " (not mapped)");
    say(d, "\n");
    if (!d->out)
        fflush(stdout);
}

/* Parses a number (C syntax: 0x.., decimal, 0..).  Returns 0 on
 * success. */
static int parse_num(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s || strchr(s, ':'))
        return -1;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end || errno || *s == '-')
        return -1;
    *v = x;
    return 0;
}

static void cmd_regs(Dbg *d)
{
    for (int r = 0; r < 8; r++)
        say(d, "%s: 0x%08x%s", gpr_names[r], (unsigned)cpu_get_reg(d->cpu, r),
            (r & 3) == 3 ? "\n" : "  ");
    uint32_t f = cpu_get_eflags(d->cpu);
    static const struct { uint32_t bit; const char *n; } fl[] = {
        {1u << 21, "id"}, {1u << 19, "vif"}, {1u << 18, "ac"},
        {1u << 17, "vm"}, {1u << 16, "rf"}, {1u << 14, "nt"},
        {1u << 11, "of"}, {1u << 10, "df"}, {1u << 9, "if"}, {1u << 8, "tf"},
        {1u << 7, "sf"}, {1u << 6, "zf"}, {1u << 4, "af"}, {1u << 2, "pf"},
        {1u << 0, "cf"}};
    say(d, "eip: 0x%08x  eflags: 0x%08x iopl=%u", (unsigned)cpu_get_eip(d->cpu),
        (unsigned)f, (unsigned)(f >> 12) & 3);
    for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
        if (f & fl[i].bit)
            say(d, " %s", fl[i].n);
    say(d, "\n");
}

static void cmd_sreg(Dbg *d)
{
    for (int s = 0; s < S_NSEG; s++) {
        CPUSeg g;
        cpu_get_seg(d->cpu, s, &g);
        say(d, "%-4s: sel=0x%04x base=0x%08x limit=0x%08x ar=0x%04x\n",
            seg_names[s], (unsigned)g.sel, (unsigned)g.base,
            (unsigned)g.limit, (unsigned)g.ar);
    }
    for (int t = 0; t < 2; t++) {
        uint32_t base;
        uint16_t lim;
        cpu_get_dtr(d->cpu, t, &base, &lim);
        say(d, "%s: base=0x%08x limit=0x%04x\n", t ? "idtr" : "gdtr",
            (unsigned)base, (unsigned)lim);
    }
}

static void cmd_creg(Dbg *d)
{
    uint32_t cr0 = cpu_get_cr(d->cpu, 0);
    say(d, "cr0: 0x%08x%s%s%s%s\n", (unsigned)cr0, cr0 & 0x80000000u ? " PG" : "",
        cr0 & 0x10000 ? " WP" : "", cr0 & 8 ? " TS" : "", cr0 & 1 ? " PE" : "");
    say(d, "cr2: 0x%08x\ncr3: 0x%08x\ncr4: 0x%08x\n",
        (unsigned)cpu_get_cr(d->cpu, 2), (unsigned)cpu_get_cr(d->cpu, 3),
        (unsigned)cpu_get_cr(d->cpu, 4));
}

static void cmd_dreg(Dbg *d)
{
    for (int n = 0; n < 8; n++) {
        if (n == 4 || n == 5)
            continue;
        say(d, "dr%d: 0x%08x\n", n, (unsigned)cpu_get_dr(d->cpu, n));
    }
}

static void cmd_u(Dbg *d, uint32_t lin, unsigned long count);

/* x /NUF ADDR: N count, U unit b/h/w/g, F format x/d/u/o/c. */
static void cmd_x(Dbg *d, const char *fmt, const char *addr, int phys)
{
    unsigned long count = 1;
    unsigned unit = 4;
    char f = 'x';
    uint64_t a;
    if (fmt) {
        const char *p = fmt + 1;
        if (isdigit((unsigned char)*p))
            count = strtoul(p, (char **)&p, 10);
        for (; *p; p++) {
            switch (*p) {
            case 'b': unit = 1; break;
            case 'h': unit = 2; break;
            case 'w': unit = 4; break;
            case 'g': unit = 8; break;
            case 'x': case 'd': case 'u': case 'o': case 'c': case 'i': f = *p; break;
            default:
                say(d, "bad format '%c' (units b h w g, formats x d u o c i)\n",
                    *p);
                return;
            }
        }
    }
    if (f == 'c')
        unit = 1;
    if ((phys ? parse_num(addr, &a) : parse_addr(d, addr, &a)) < 0) {
        say(d, "bad address '%s'\n", addr ? addr : "");
        return;
    }
    if (count == 0 || count > 4096)
        count = count ? 4096 : 1;
    if (f == 'i') { /* instructions */
        if (phys) {
            say(d, "xp: format i needs a linear address (use x)\n");
            return;
        }
        cmd_u(d, (uint32_t)a, count);
        return;
    }
    unsigned per_line = unit == 8 ? 2 : unit == 4 ? 4 : 8;
    for (unsigned long i = 0; i < count; i++) {
        uint64_t at = a + i * unit;
        uint8_t b[8];
        if (phys) {
            if (at + unit > (1ull << 32)) {
                say(d, "\n0x%08llx: beyond 4 GiB\n", (unsigned long long)at);
                return;
            }
            for (unsigned k = 0; k < unit; k++)
                b[k] = (uint8_t)phys_read(d->mem, at + k, 1);
        } else if (dbg_read_lin(d, (uint32_t)at, b, unit) < 0) {
            say(d, "%s0x%08x: not mapped\n", i % per_line ? "\n" : "",
                (unsigned)at);
            return;
        }
        uint64_t v = unit == 8 ? ldq_le(b) : ld_le(b, unit);
        if (i % per_line == 0)
            say(d, "0x%08llx:", (unsigned long long)(phys ? at
                                                          : (uint32_t)at));
        switch (f) {
        case 'x': say(d, " 0x%0*llx", (int)unit * 2, (unsigned long long)v); break;
        case 'u': say(d, " %llu", (unsigned long long)v); break;
        case 'o': say(d, " 0%llo", (unsigned long long)v); break;
        case 'c': say(d, " %c", isprint((int)v) ? (int)v : '.'); break;
        case 'd': {
            int64_t sv = unit == 1 ? (int8_t)v : unit == 2 ? (int16_t)v
                       : unit == 4 ? (int32_t)v : (int64_t)v;
            say(d, " %lld", (long long)sv);
            break;
        }
        }
        if (i % per_line == per_line - 1 || i + 1 == count)
            say(d, "\n");
    }
}

static const char *const sys_types[16] = {
    "reserved", "16-bit TSS (avail)", "LDT", "16-bit TSS (busy)",
    "16-bit call gate", "task gate", "16-bit interrupt gate",
    "16-bit trap gate", "reserved", "32-bit TSS (avail)", "reserved",
    "32-bit TSS (busy)", "32-bit call gate", "reserved",
    "32-bit interrupt gate", "32-bit trap gate"};

static void decode_desc(Dbg *d, unsigned idx, uint32_t lo, uint32_t hi,
                        int idt)
{
    unsigned type = (hi >> 8) & 15, s = (hi >> 12) & 1, dpl = (hi >> 13) & 3;
    unsigned p = (hi >> 15) & 1;
    say(d, "%s[0x%02x] = %08x%08x: ", idt == 2 ? "LDT" : idt ? "IDT" : "GDT", idx, (unsigned)hi,
        (unsigned)lo);
    if (!lo && !hi) {
        say(d, "null\n");
        return;
    }
    if (!s && (type == 4 || type == 5 || type == 6 || type == 7 ||
               type == 12 || type == 14 || type == 15)) {
        uint32_t off = (lo & 0xFFFF) | (hi & 0xFFFF0000u);
        if (type == 5)
            off = 0;
        say(d, "%s sel=0x%04x off=0x%08x dpl=%u%s\n", sys_types[type],
            (unsigned)(lo >> 16), (unsigned)off, dpl, p ? "" : " not present");
        return;
    }
    uint32_t base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u);
    uint32_t limit = (lo & 0xFFFF) | (hi & 0xF0000);
    if (hi & 0x800000)
        limit = (limit << 12) | 0xFFF;
    if (s)
        say(d, "%s%s%s base=0x%08x limit=0x%08x dpl=%u %s%s\n",
            type & 8 ? "code" : "data",
            type & 8 ? (type & 2 ? " readable" : " exec-only")
                     : (type & 2 ? " writable" : " read-only"),
            type & 8 ? (type & 4 ? " conforming" : "")
                     : (type & 4 ? " expand-down" : ""),
            (unsigned)base, (unsigned)limit, dpl,
            hi & 0x400000 ? "32-bit" : "16-bit", p ? "" : " not present");
    else
        say(d, "%s base=0x%08x limit=0x%08x dpl=%u%s\n", sys_types[type],
            (unsigned)base, (unsigned)limit, dpl, p ? "" : " not present");
}

static void cmd_info_dt(Dbg *d, int idt, const char *a1, const char *a2)
{
    uint32_t base;
    uint16_t limit;
    uint64_t first = 0, last;
    cpu_get_dtr(d->cpu, idt, &base, &limit);
    int real = !(cpu_get_cr(d->cpu, 0) & 1);
    unsigned esz = (idt && real) ? 4 : 8;
    last = ((uint64_t)limit + 1) / esz;
    if (last)
        last--;
    if (a1 && parse_num(a1, &first) == 0) {
        last = first;
        if (a2 && parse_num(a2, &last) < 0)
            last = first;
    }
    say(d, "%s (base=0x%08x, limit=0x%04x):\n", idt ? "IDT" : "GDT",
        (unsigned)base, (unsigned)limit);
    if (last - first > 255)
        last = first + 255;
    for (uint64_t i = first; i <= last; i++) {
        uint8_t b[8];
        if ((i + 1) * esz - 1 > limit)
            break;
        if (dbg_read_lin(d, base + (uint32_t)(i * esz), b, esz) < 0) {
            say(d, "%s[0x%02x]: not mapped\n", idt ? "IDT" : "GDT",
                (unsigned)i);
            continue;
        }
        if (esz == 4) {
            say(d, "IDT[0x%02x] = %04x:%04x (real-mode vector)\n", (unsigned)i,
                (unsigned)ld_le(b + 2, 2), (unsigned)ld_le(b, 2));
            continue;
        }
        decode_desc(d, (unsigned)i, ld_le(b, 4), ld_le(b + 4, 4), idt);
    }
}

static int reg_by_name(const char *n, int *kind, int *idx)
{
    static const char *const r16[8] = {"ax", "cx", "dx", "bx",
                                       "sp", "bp", "si", "di"};
    for (int r = 0; r < 8; r++) {
        if (!strcmp(n, gpr_names[r])) { *kind = 0; *idx = r; return 0; }
        if (!strcmp(n, r16[r])) { *kind = 1; *idx = r; return 0; }
    }
    if (!strcmp(n, "eip")) { *kind = 2; *idx = 0; return 0; }
    if (!strcmp(n, "ip")) { *kind = 5; *idx = 0; return 0; }
    if (!strcmp(n, "eflags")) { *kind = 3; *idx = 0; return 0; }
    for (int s = 0; s < 6; s++)
        if (!strcmp(n, seg_names[s])) { *kind = 4; *idx = s; return 0; }
    return -1;
}

static void cmd_set(Dbg *d, char **tok, int nt)
{
    /* set REG = VALUE  (also "set REG VALUE") */
    const char *name = nt > 1 ? tok[1] : NULL;
    const char *val = nt > 3 && !strcmp(tok[2], "=") ? tok[3]
                    : nt > 2 && strcmp(tok[2], "=") ? tok[2] : NULL;
    int kind, idx;
    uint64_t v;
    if (!name || !val || reg_by_name(name, &kind, &idx) < 0 ||
        parse_num(val, &v) < 0 || v > 0xFFFFFFFFull) {
        say(d, "usage: set REG = VALUE (eax..edi, ax..di, eip, ip, eflags, "
               "es..gs in real mode)\n");
        return;
    }
    switch (kind) {
    case 0: cpu_set_reg(d->cpu, idx, (uint32_t)v); break;
    case 1:
        cpu_set_reg(d->cpu, idx, (cpu_get_reg(d->cpu, idx) & 0xFFFF0000u) |
                                     (uint32_t)(v & 0xFFFF));
        break;
    case 2: cpu_set_eip(d->cpu, (uint32_t)v); break;
    case 5: cpu_set_eip(d->cpu, (uint32_t)(v & 0xFFFF)); break;
    case 3: cpu_set_eflags(d->cpu, (uint32_t)v); break;
    case 4:
        if ((cpu_get_cr(d->cpu, 0) & 1) && !(cpu_get_eflags(d->cpu) & 0x20000)) {
            say(d, "set %s: only in real or virtual-8086 mode\n", name);
            return;
        }
        if (v > 0xFFFF) {
            say(d, "set %s: selector must be 0..0xffff\n", name);
            return;
        }
        cpu_set_seg_real(d->cpu, idx, (uint16_t)v);
        break;
    }
    say(d, "%s = 0x%llx\n", name, (unsigned long long)v);
}

static void cmd_info_break(Dbg *d)
{
    if (!d->nbp && !d->nw)
        say(d, "no breakpoints or watchpoints\n");
    for (int i = 0; i < d->nbp; i++) {
        const char *name;
        uint32_t off;
        say(d, "%3d %s breakpoint at 0x%08llx", d->bp[i].id,
            d->bp[i].kind == DBG_BP_PHYS ? "physical" : "linear",
            (unsigned long long)d->bp[i].addr);
        if (d->bp[i].kind != DBG_BP_PHYS && d->syms &&
            symtab_lookup(d->syms, (uint32_t)d->bp[i].addr, &name, &off))
            say(d, off ? " <%s+0x%x>" : " <%s>", name, (unsigned)off);
        say(d, "%s%s\n", d->bp[i].cond[0] ? " if " : "", d->bp[i].cond);
    }
    for (int i = 0; i < d->nw; i++)
        say(d, "%3d %s watchpoint at 0x%08x len %u\n", d->w[i].id,
            d->w[i].type == DBG_W_WRITE ? "write" : d->w[i].type == DBG_W_READ
                                                        ? "read"
                                                        : "access",
            (unsigned)d->w[i].addr, (unsigned)d->w[i].len);
}

/* ------------------------------------------------------------ expressions */

/* Breakpoint conditions: OR of ANDs of comparisons of terms, e.g.
 *   eax==0x10 && ecx!=0 || [bx]... (no memory operands)
 * term: a register (eax..edi, ax..di, al..bh, eip, ip, eflags, cs..gs,
 * cr0/cr2/cr3/cr4, cpl), a number (C syntax) or a symbol; operators
 * == != < > <= >= (unsigned), &&, ||; a bare term is true when nonzero.
 * Returns 0 and the value, or -1 on a syntax error. */
typedef struct Expr {
    Dbg *d;
    const char *p;
    int err;
} Expr;

static void ex_space(Expr *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

static uint64_t ex_term(Expr *e)
{
    static const char *const r8[8] = {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"};
    char w[SYM_MAX_NAME + 1];
    int n = 0, kind, idx;
    ex_space(e);
    while ((isalnum((unsigned char)*e->p) || *e->p == '_' || *e->p == '.' ||
            *e->p == '$') && n < SYM_MAX_NAME)
        w[n++] = *e->p++;
    w[n] = 0;
    if (!n) {
        e->err = 1;
        return 0;
    }
    if (isdigit((unsigned char)w[0])) {
        uint64_t v;
        if (parse_num(w, &v) < 0)
            e->err = 1;
        return v;
    }
    if (reg_by_name(w, &kind, &idx) == 0) {
        switch (kind) {
        case 0: return cpu_get_reg(e->d->cpu, idx);
        case 1: return cpu_get_reg(e->d->cpu, idx) & 0xFFFF;
        case 2: return cpu_get_eip(e->d->cpu);
        case 5: return cpu_get_eip(e->d->cpu) & 0xFFFF;
        case 3: return cpu_get_eflags(e->d->cpu);
        case 4: {
            CPUSeg sg;
            cpu_get_seg(e->d->cpu, idx, &sg);
            return sg.sel;
        }
        }
    }
    for (int r = 0; r < 8; r++)
        if (!strcmp(w, r8[r]))
            return (cpu_get_reg(e->d->cpu, r & 3) >> (r & 4 ? 8 : 0)) & 0xFF;
    if (!strcmp(w, "cr0") || !strcmp(w, "cr2") || !strcmp(w, "cr3") ||
        !strcmp(w, "cr4"))
        return cpu_get_cr(e->d->cpu, w[2] - '0');
    if (!strcmp(w, "cpl"))
        return (uint64_t)cpu_get_cpl(e->d->cpu);
    {
        uint32_t v;
        if (e->d->syms && symtab_find(e->d->syms, w, &v) == 0)
            return v;
    }
    e->err = 1;
    return 0;
}

static uint64_t ex_cmp(Expr *e)
{
    uint64_t a = ex_term(e), b;
    ex_space(e);
    const char *p = e->p;
    int op = 0;
    if (!strncmp(p, "==", 2)) op = 1;
    else if (!strncmp(p, "!=", 2)) op = 2;
    else if (!strncmp(p, "<=", 2)) op = 3;
    else if (!strncmp(p, ">=", 2)) op = 4;
    else if (*p == '<') op = 5;
    else if (*p == '>') op = 6;
    if (!op)
        return a != 0;
    e->p += op <= 4 ? 2 : 1;
    b = ex_term(e);
    switch (op) {
    case 1: return a == b;
    case 2: return a != b;
    case 3: return a <= b;
    case 4: return a >= b;
    case 5: return a < b;
    default: return a > b;
    }
}

static uint64_t ex_and(Expr *e)
{
    uint64_t v = ex_cmp(e);
    for (;;) {
        ex_space(e);
        if (strncmp(e->p, "&&", 2))
            return v;
        e->p += 2;
        v = ex_cmp(e) && v; /* evaluate both: errors are found */
    }
}

static int expr_eval(Dbg *d, const char *s, uint64_t *out)
{
    Expr e = {d, s, 0};
    uint64_t v = ex_and(&e);
    for (;;) {
        ex_space(&e);
        if (strncmp(e.p, "||", 2))
            break;
        e.p += 2;
        v = ex_and(&e) || v;
    }
    ex_space(&e);
    if (e.err || *e.p)
        return -1;
    *out = v;
    return 0;
}

static int cond_true(Dbg *d, const char *cond)
{
    uint64_t v;
    return expr_eval(d, cond, &v) < 0 ? 1 : v != 0; /* bad: stop */
}

/* ------------------------------------------------------------ disassembly */

static int code32_now(Dbg *d)
{
    CPUSeg cs;
    cpu_get_seg(d->cpu, S_CS, &cs);
    return (cs.ar >> 14) & 1;
}

/* Disassembles the instruction at linear address lin; returns its length
 * (>= 1, 1 for undecodable bytes) or 0 if unreadable.  text gets the
 * disassembly, bytes/nb the bytes. */
static int dis_at(Dbg *d, uint32_t lin, char *text, size_t tl, uint8_t *bytes,
                  int *nb)
{
    int n = 0, r;
    CPUSeg cs;
    /* read the instruction's bytes only (more could touch MMIO) */
    while (n < 15 && dbg_read_lin(d, lin + (uint32_t)n, &bytes[n], 1) == 0) {
        n++;
        if (cpu_insn_length(bytes, n, code32_now(d)) != -2)
            break;
    }
    *nb = n;
    if (!n)
        return 0;
    cpu_get_seg(d->cpu, S_CS, &cs);
    /* EIP-relative targets: the instruction's offset in the current CS */
    r = disasm_ex(bytes, n, lin - cs.base, code32_now(d), cs.base, text, tl);
    return r > 0 ? r : 1;
}

static void cmd_u(Dbg *d, uint32_t lin, unsigned long count)
{
    char text[200];
    uint8_t b[16];
    int nb;
    if (count == 0 || count > 1000)
        count = count ? 1000 : 1;
    for (unsigned long k = 0; k < count; k++) {
        const char *name;
        uint32_t off;
        int len = dis_at(d, lin, text, sizeof text, b, &nb);
        if (!len) {
            say(d, "%08x: not mapped\n", (unsigned)lin);
            break;
        }
        if (d->syms && symtab_lookup(d->syms, lin, &name, &off) && off == 0)
            say(d, "%s:\n", name);
        say(d, "%08x:", (unsigned)lin);
        for (int i = 0; i < 8; i++)
            say(d, i < len && i < nb ? " %02x" : "   ", b[i]);
        say(d, " %s\n", text);
        lin += (uint32_t)len;
    }
    d->u_next = lin;
    d->u_valid = 1;
}

/* Step over: the instruction at CS:EIP is a CALL, INT or REP string
 * instruction (returns its length), or 0. */
static int step_over_len(Dbg *d)
{
    char text[200];
    uint8_t b[16];
    int nb, k = 0;
    int len = dis_at(d, cur_lin(d), text, sizeof text, b, &nb);
    if (!len || len > nb)
        return 0;
    while (k < len && (b[k] == 0x66 || b[k] == 0x67 || b[k] == 0x26 ||
                       b[k] == 0x2E || b[k] == 0x36 || b[k] == 0x3E ||
                       b[k] == 0x64 || b[k] == 0x65 || b[k] == 0xF0 ||
                       b[k] == 0xF2 || b[k] == 0xF3))
        k++;
    if (k >= len)
        return 0;
    if (!strncmp(text, "call", 4) || strstr(text, " call ") ||
        !strncmp(text, "int", 3) || !strncmp(text, "into", 4))
        return len;
    if (!strncmp(text, "rep", 3)) /* rep, repz, repnz string instructions */
        return len;
    if (b[k] == 0xE2 || b[k] == 0xE1 || b[k] == 0xE0) /* loop* */
        return 0;
    return 0;
}

/* ------------------------------------------------------------ info tlb, tss, ldt */

static void cmd_info_tlb(Dbg *d, const char *a)
{
    CPUStats st;
    uint64_t v;
    uint32_t lin = cur_lin(d);
    if (a) {
        if (parse_addr(d, a, &v) < 0 || v > 0xFFFFFFFFull) {
            say(d, "bad address '%s'\n", a);
            return;
        }
        lin = (uint32_t)v;
    }
    cpu_get_stats(d->cpu, &st);
    say(d, "TLB: hits %llu misses %llu flushes %llu invlpg %llu; icache: hits "
           "%llu misses %llu smc %llu\n",
        (unsigned long long)st.tlb_hits, (unsigned long long)st.tlb_misses,
        (unsigned long long)st.tlb_flushes, (unsigned long long)st.tlb_invlpg,
        (unsigned long long)st.icache_hits,
        (unsigned long long)st.icache_misses, (unsigned long long)st.icache_smc);
    for (int user = 0; user < 2; user++) {
        uint64_t pa;
        unsigned perm;
        if (cpu_tlb_probe(d->cpu, lin, user, &pa, &perm) == 0)
            say(d, "%s TLB: linear %08x -> physical %08llx (validated:%s%s%s)\n",
                user ? "user" : "supervisor", (unsigned)lin,
                (unsigned long long)pa, perm & 1 ? " read" : "",
                perm & 2 ? " write" : "", perm & 4 ? " execute" : "");
        else
            say(d, "%s TLB: linear %08x not cached\n",
                user ? "user" : "supervisor", (unsigned)lin);
    }
}

static void cmd_info_tss(Dbg *d)
{
    CPUSeg tr;
    uint8_t b[104];
    cpu_get_seg(d->cpu, S_TR, &tr);
    unsigned type = tr.ar & 0xF;
    say(d, "TR: sel=0x%04x base=0x%08x limit=0x%08x type=%u (%s)\n",
        (unsigned)tr.sel, (unsigned)tr.base, (unsigned)tr.limit, type,
        sys_types[type]);
    if (type == 9 || type == 11) {
        static const char *const r[] = {"eax", "ecx", "edx", "ebx",
                                        "esp", "ebp", "esi", "edi"};
        if (tr.limit < 103 || dbg_read_lin(d, tr.base, b, 104) < 0) {
            say(d, "32-bit TSS not readable\n");
            return;
        }
        say(d, "link=0x%04x esp0=0x%08x ss0=0x%04x esp1=0x%08x ss1=0x%04x "
               "esp2=0x%08x ss2=0x%04x\n",
            (unsigned)ld_le(b, 2), (unsigned)ld_le(b + 4, 4),
            (unsigned)ld_le(b + 8, 2), (unsigned)ld_le(b + 12, 4),
            (unsigned)ld_le(b + 16, 2), (unsigned)ld_le(b + 20, 4),
            (unsigned)ld_le(b + 24, 2));
        say(d, "cr3=0x%08x eip=0x%08x eflags=0x%08x\n", (unsigned)ld_le(b + 28, 4),
            (unsigned)ld_le(b + 32, 4), (unsigned)ld_le(b + 36, 4));
        for (int k = 0; k < 8; k++)
            say(d, "%s=0x%08x%s", r[k], (unsigned)ld_le(b + 40 + 4 * k, 4),
                k == 3 || k == 7 ? "\n" : " ");
        say(d, "es=0x%04x cs=0x%04x ss=0x%04x ds=0x%04x fs=0x%04x gs=0x%04x "
               "ldt=0x%04x iomap=0x%04x%s\n",
            (unsigned)ld_le(b + 72, 2), (unsigned)ld_le(b + 76, 2),
            (unsigned)ld_le(b + 80, 2), (unsigned)ld_le(b + 84, 2),
            (unsigned)ld_le(b + 88, 2), (unsigned)ld_le(b + 92, 2),
            (unsigned)ld_le(b + 96, 2), (unsigned)ld_le(b + 102, 2),
            b[100] & 1 ? " T" : "");
    } else if (type == 1 || type == 3) {
        static const char *const r[] = {"ax", "cx", "dx", "bx",
                                        "sp", "bp", "si", "di"};
        if (tr.limit < 43 || dbg_read_lin(d, tr.base, b, 44) < 0) {
            say(d, "16-bit TSS not readable\n");
            return;
        }
        say(d, "link=0x%04x sp0=0x%04x ss0=0x%04x sp1=0x%04x ss1=0x%04x "
               "sp2=0x%04x ss2=0x%04x ip=0x%04x flags=0x%04x\n",
            (unsigned)ld_le(b, 2), (unsigned)ld_le(b + 2, 2),
            (unsigned)ld_le(b + 4, 2), (unsigned)ld_le(b + 6, 2),
            (unsigned)ld_le(b + 8, 2), (unsigned)ld_le(b + 10, 2),
            (unsigned)ld_le(b + 12, 2), (unsigned)ld_le(b + 14, 2),
            (unsigned)ld_le(b + 16, 2));
        for (int k = 0; k < 8; k++)
            say(d, "%s=0x%04x%s", r[k], (unsigned)ld_le(b + 18 + 2 * k, 2),
                k == 7 ? "\n" : " ");
        say(d, "es=0x%04x cs=0x%04x ss=0x%04x ds=0x%04x ldt=0x%04x\n",
            (unsigned)ld_le(b + 34, 2), (unsigned)ld_le(b + 36, 2),
            (unsigned)ld_le(b + 38, 2), (unsigned)ld_le(b + 40, 2),
            (unsigned)ld_le(b + 42, 2));
    } else {
        say(d, "no task loaded (TR is not a TSS)\n");
    }
}

static void cmd_info_ldt(Dbg *d, const char *a1, const char *a2)
{
    CPUSeg l;
    uint64_t first = 0, last;
    cpu_get_seg(d->cpu, S_LDTR, &l);
    say(d, "LDT (sel=0x%04x base=0x%08x, limit=0x%04x):\n", (unsigned)l.sel,
        (unsigned)l.base, (unsigned)l.limit);
    if ((l.sel & ~3u) == 0 || l.limit < 7) {
        say(d, "no LDT loaded\n");
        return;
    }
    last = ((uint64_t)l.limit + 1) / 8 - 1;
    if (a1 && parse_num(a1, &first) == 0) {
        last = first;
        if (a2 && parse_num(a2, &last) < 0)
            last = first;
    }
    if (last - first > 255)
        last = first + 255;
    for (uint64_t i = first; i <= last; i++) {
        uint8_t b[8];
        if ((i + 1) * 8 - 1 > l.limit)
            break;
        if (dbg_read_lin(d, l.base + (uint32_t)(i * 8), b, 8) < 0) {
            say(d, "LDT[0x%02x]: not mapped\n", (unsigned)i);
            continue;
        }
        decode_desc(d, (unsigned)i, ld_le(b, 4), ld_le(b + 4, 4), 2);
    }
}

static void cmd_help(Dbg *d)
{
    say(d,
        "c                      continue\n"
        "s [N]                  step N instructions (default 1)\n"
        "b ADDR | lb ADDR       breakpoint at a linear address (or SEG:OFF, "
        "hex,\n"
        "                       through the current mode)\n"
        "pb ADDR                breakpoint at a physical address\n"
        "info break | lb        list breakpoints and watchpoints\n"
        "d N                    delete breakpoint/watchpoint N\n"
        "watch r|w|a ADDR [LEN] watchpoint on linear reads/writes/both\n"
        "r | info registers     general registers, eip, eflags\n"
        "sreg | creg | dreg     segment / control / debug registers\n"
        "x /NUF ADDR            examine linear memory (N count, U: b h w g, "
        "F: x d u o c)\n"
        "xp /NUF ADDR           examine physical memory\n"
        "page LADDR             show the page walk of a linear address\n"
        "set REG = VALUE        change a register\n"
        "setpmem ADDR SIZE VAL  write 1, 2 or 4 bytes of physical memory\n"
        "writemem FILE ADDR LEN save linear memory to a file\n"
        "info gdt|idt [N [M]]   decode descriptor table entries\n"
        "n                      step over CALL/INT/REP (temporary breakpoint "
        "after it)\n"
        "b ADDR|SYMBOL if COND  conditional breakpoint: COND compares "
        "registers,\n"
        "                       numbers, symbols with == != < > <= >= && ||\n"
        "u [ADDR] [N]           disassemble N instructions (default 10; "
        "continues)\n"
        "x /Ni ADDR             disassemble N instructions\n"
        "ldsym FILE             load symbols (nm output or \"ADDR NAME\" "
        "lines)\n"
        "trace on [FILE] | off  instruction trace (frontend/trace.h format)\n"
        "info tlb [ADDR]        TLB/icache counters and the TLB entries of "
        "ADDR\n"
        "info tss | info ldt [N [M]]  current task state segment / LDT "
        "entries\n"
        "info device NAME       device state (see \"info device\" for the "
        "list)\n"
        "savevm FILE | loadvm FILE  save / restore the whole machine "
        "(README\n"
        "                       \"Snapshots\"; not the disk images)\n"
        "history | !N | !!      command history, rerun command N / the last\n"
        "q                      quit x86pc\n"
        "An empty line repeats the last command.\n");
}

int dbg_command(Dbg *d, const char *line, char *out, size_t outlen,
                int from_gdb)
{
    char buf[256];
    char *tok[8];
    int nt = 0;
    int ret = DBGCMD_OK;
    char *saved_out = d->out;
    size_t saved_len = d->outlen, saved_pos = d->outpos;

    if (out && outlen) {
        d->out = out;
        d->outlen = outlen;
        d->outpos = 0;
        out[0] = '\0';
    }
    snprintf(buf, sizeof(buf), "%s", line);
    /* "b ADDR if COND": the condition is kept as text */
    const char *cond = NULL;
    {
        char *ifp = strstr(buf, " if ");
        size_t w = strspn(buf, " \t");
        size_t wl = strcspn(buf + w, " \t");
        int is_b = (wl == 1 && buf[w] == 'b') ||
                   (wl == 2 && (!strncmp(buf + w, "lb", 2) || !strncmp(buf + w, "vb", 2) ||
                                !strncmp(buf + w, "pb", 2))) ||
                   (wl == 5 && !strncmp(buf + w, "break", 5)) ||
                   (wl == 6 && !strncmp(buf + w, "pbreak", 6));
        if (ifp && is_b) {
            *ifp = '\0';
            cond = line + (ifp - buf) + 4;
        }
    }
    for (char *p = strtok(buf, " \t\r\n"); p && nt < 8;
         p = strtok(NULL, " \t\r\n"))
        tok[nt++] = p;
    /* "x/4wx" is "x /4wx" */
    char xsplit[2][64];
    if (nt && nt < 8 && (tok[0][0] == 'x') && strchr(tok[0], '/')) {
        char *sl = strchr(tok[0], '/');
        size_t n = (size_t)(sl - tok[0]);
        if (n < sizeof(xsplit[0])) {
            memcpy(xsplit[0], tok[0], n);
            xsplit[0][n] = '\0';
            snprintf(xsplit[1], sizeof(xsplit[1]), "%s", sl);
            memmove(tok + 2, tok + 1, (size_t)(nt - 1) * sizeof(tok[0]));
            tok[0] = xsplit[0];
            tok[1] = xsplit[1];
            nt++;
        }
    }
    if (nt == 0)
        goto done;
    const char *c0 = tok[0];
    uint64_t v, v2;

    if (!strcmp(c0, "c") || !strcmp(c0, "cont") || !strcmp(c0, "continue") ||
        !strcmp(c0, "s") || !strcmp(c0, "step") || !strcmp(c0, "si") ||
        !strcmp(c0, "stepi") || !strcmp(c0, "n") || !strcmp(c0, "next")) {
        if (from_gdb) {
            say(d, "use gdb's own commands to run the machine\n");
            goto done;
        }
        ret = DBGCMD_RESUME;
        goto done; /* the console loop handles running */
    } else if (!strcmp(c0, "q") || !strcmp(c0, "quit") ||
               !strcmp(c0, "exit")) {
        ret = DBGCMD_QUIT;
    } else if ((!strcmp(c0, "b") || !strcmp(c0, "lb") ||
                !strcmp(c0, "break") || !strcmp(c0, "vb") ||
                !strcmp(c0, "pb") || !strcmp(c0, "pbreak")) && nt == 2) {
        int phys = c0[0] == 'p';
        if ((phys ? parse_num(tok[1], &v) : parse_addr(d, tok[1], &v)) < 0 ||
            v > 0xFFFFFFFFull) {
            say(d, "bad address '%s'\n", tok[1]);
            goto done;
        }
        uint64_t cv;
        if (cond && (strlen(cond) >= DBG_COND_LEN || expr_eval(d, cond, &cv) < 0)) {
            say(d, "bad condition '%s' (registers, numbers, symbols; == != < > "
                   "<= >= && ||)\n", cond);
            goto done;
        }
        int id = dbg_bp_add(d, phys ? DBG_BP_PHYS : DBG_BP_SW, v);
        if (id < 0) {
            say(d, "too many breakpoints\n");
            goto done;
        }
        for (int i = 0; i < d->nbp; i++)
            if (d->bp[i].id == id)
                snprintf(d->bp[i].cond, DBG_COND_LEN, "%s", cond ? cond : "");
        say(d, "Breakpoint %d at 0x%08llx (%s)%s%s\n", id,
            (unsigned long long)v, phys ? "physical" : "linear",
            cond ? " if " : "", cond ? cond : "");
    } else if ((!strcmp(c0, "info") && nt >= 2 &&
                (!strcmp(tok[1], "break") || !strcmp(tok[1], "b") ||
                 !strcmp(tok[1], "watch"))) ||
               (!strcmp(c0, "watch") && nt == 1) ||
               (!strcmp(c0, "lb") && nt == 1) || !strcmp(c0, "blist")) {
        cmd_info_break(d);
    } else if ((!strcmp(c0, "d") || !strcmp(c0, "del") ||
                !strcmp(c0, "delete")) && nt == 2) {
        if (parse_num(tok[1], &v) < 0 || v > 0x7FFFFFFF ||
            dbg_del_id(d, (int)v) < 0)
            say(d, "no breakpoint number %s\n", tok[1]);
        else
            say(d, "deleted %d\n", (int)v);
    } else if (!strcmp(c0, "watch") && nt >= 3) {
        int type = !strcmp(tok[1], "r") || !strcmp(tok[1], "read") ? DBG_W_READ
                 : !strcmp(tok[1], "w") || !strcmp(tok[1], "write")
                     ? DBG_W_WRITE
                 : !strcmp(tok[1], "a") || !strcmp(tok[1], "access")
                     ? DBG_W_ACCESS
                     : 0;
        v2 = 1;
        if (!type || parse_addr(d, tok[2], &v) < 0 || v > 0xFFFFFFFFull ||
            (nt > 3 && (parse_num(tok[3], &v2) < 0 || v2 < 1 || v2 > 4096))) {
            say(d, "usage: watch r|w|a ADDR [LEN 1..4096]\n");
            goto done;
        }
        int id = dbg_watch_add(d, type, (uint32_t)v, (uint32_t)v2);
        if (id < 0)
            say(d, "too many watchpoints\n");
        else
            say(d, "Watchpoint %d: %s 0x%08x len %u\n", id, tok[1],
                (unsigned)v, (unsigned)v2);
    } else if (!strcmp(c0, "r") || !strcmp(c0, "reg") ||
               !strcmp(c0, "registers") ||
               (!strcmp(c0, "info") && nt >= 2 &&
                (!strcmp(tok[1], "registers") || !strcmp(tok[1], "r")))) {
        cmd_regs(d);
    } else if (!strcmp(c0, "sreg")) {
        cmd_sreg(d);
    } else if (!strcmp(c0, "creg")) {
        cmd_creg(d);
    } else if (!strcmp(c0, "dreg")) {
        cmd_dreg(d);
    } else if (!strcmp(c0, "x") || !strcmp(c0, "xp")) {
        const char *fmt = nt > 2 && tok[1][0] == '/' ? tok[1] : NULL;
        const char *addr = fmt ? tok[2] : nt > 1 ? tok[1] : NULL;
        cmd_x(d, fmt, addr, c0[1] == 'p');
    } else if (!strcmp(c0, "page") && nt == 2) {
        uint64_t pa;
        if (parse_addr(d, tok[1], &v) < 0 || v > 0xFFFFFFFFull)
            say(d, "bad address '%s'\n", tok[1]);
        else
            walk(d, (uint32_t)v, &pa, 1);
    } else if (!strcmp(c0, "set")) {
        cmd_set(d, tok, nt);
    } else if (!strcmp(c0, "setpmem") && nt == 4) {
        uint64_t sz, val;
        if (parse_num(tok[1], &v) < 0 || parse_num(tok[2], &sz) < 0 ||
            parse_num(tok[3], &val) < 0 || (sz != 1 && sz != 2 && sz != 4) ||
            v + sz > (1ull << 32)) {
            say(d, "usage: setpmem ADDR 1|2|4 VALUE\n");
            goto done;
        }
        phys_write(d->mem, v, val, (unsigned)sz);
    } else if (!strcmp(c0, "writemem") && nt == 4) {
        if (from_gdb) {
            say(d, "writemem: not available through gdb\n");
            goto done;
        }
        if (parse_addr(d, tok[2], &v) < 0 || parse_num(tok[3], &v2) < 0 ||
            v > 0xFFFFFFFFull || v2 > 0x10000000ull) {
            say(d, "usage: writemem FILE LADDR LEN (LEN up to 256 MiB)\n");
            goto done;
        }
        FILE *f = fopen(tok[1], "wb");
        if (!f) {
            say(d, "writemem: cannot open %s: %s\n", tok[1], strerror(errno));
            goto done;
        }
        uint8_t chunk[4096];
        uint64_t left = v2, at = v;
        int bad = 0;
        while (left && !bad) {
            uint32_t n = left > sizeof(chunk) ? sizeof(chunk) : (uint32_t)left;
            if (dbg_read_lin(d, (uint32_t)at, chunk, n) < 0 ||
                fwrite(chunk, 1, n, f) != n)
                bad = 1;
            left -= n;
            at += n;
        }
        if (fclose(f) != 0 || bad)
            say(d, "writemem: failed (unmapped memory or write error)\n");
        else
            say(d, "wrote %llu bytes to %s\n", (unsigned long long)v2, tok[1]);
    } else if (!strcmp(c0, "info") && nt >= 2 &&
               (!strcmp(tok[1], "gdt") || !strcmp(tok[1], "idt"))) {
        cmd_info_dt(d, tok[1][0] == 'i', nt > 2 ? tok[2] : NULL,
                    nt > 3 ? tok[3] : NULL);
    } else if (!strcmp(c0, "u") || !strcmp(c0, "disasm")) {
        uint64_t a = d->u_valid ? d->u_next : cur_lin(d), cnt = 10;
        if (nt > 1 && parse_addr(d, tok[1], &a) < 0) {
            say(d, "bad address '%s'\n", tok[1]);
            goto done;
        }
        if (nt > 2 && (parse_num(tok[2], &cnt) < 0 || cnt > 1000)) {
            say(d, "usage: u [ADDR] [N (1..1000)]\n");
            goto done;
        }
        cmd_u(d, (uint32_t)a, (unsigned long)cnt);
    } else if (!strcmp(c0, "info") && nt >= 2 && !strcmp(tok[1], "tlb")) {
        cmd_info_tlb(d, nt > 2 ? tok[2] : NULL);
    } else if (!strcmp(c0, "info") && nt >= 2 && !strcmp(tok[1], "tss")) {
        cmd_info_tss(d);
    } else if (!strcmp(c0, "info") && nt >= 2 && !strcmp(tok[1], "ldt")) {
        cmd_info_ldt(d, nt > 2 ? tok[2] : NULL, nt > 3 ? tok[3] : NULL);
    } else if (!strcmp(c0, "info") && nt >= 2 && !strcmp(tok[1], "device")) {
        char dump[4096];
        if (nt < 3 || pc_dump_device(d->pc, tok[2], dump, sizeof dump) < 0)
            say(d, "info device NAME: one of %s\n", pc_dump_device_names());
        else
            say(d, "%s", dump);
    } else if (!strcmp(c0, "info") && nt >= 2 && !strcmp(tok[1], "symbols")) {
        say(d, "%d symbols\n", symtab_count(d->syms));
    } else if (!strcmp(c0, "ldsym") && nt == 2) {
        if (from_gdb) {
            say(d, "ldsym: not available through gdb\n");
            goto done;
        }
        int k = d->syms ? symtab_load(d->syms, tok[1]) : -1;
        if (k < 0)
            say(d, "ldsym: cannot read %s\n", tok[1]);
        else
            say(d, "loaded %d symbols from %s\n", k, tok[1]);
    } else if (!strcmp(c0, "trace") && nt >= 2 &&
               (!strcmp(tok[1], "on") || !strcmp(tok[1], "off"))) {
        if (!d->trace) {
            say(d, "trace: not available\n");
            goto done;
        }
        if (nt > 2) {
            if (from_gdb) {
                say(d, "trace FILE: not available through gdb\n");
                goto done;
            }
            if (trace_open(d->trace, tok[2]) < 0) {
                say(d, "trace: cannot open %s: %s\n", tok[2], strerror(errno));
                goto done;
            }
        }
        trace_set_enabled(d->trace, tok[1][1] == 'n');
        say(d, "trace %s\n", tok[1]);
    } else if ((!strcmp(c0, "savevm") || !strcmp(c0, "loadvm")) &&
               nt == 2) {
        char serr[400];
        int load = c0[0] == 'l';
        if (from_gdb) {
            say(d, "%s: not available through gdb\n", c0);
            goto done;
        }
        if ((load ? pc_snapshot_load : pc_snapshot_save)(d->pc, tok[1], serr,
                                                        sizeof serr) < 0)
            say(d, "%s\n", serr);
        else
            say(d, "%s %s: done (%llu instructions retired)\n", c0, tok[1],
                (unsigned long long)cpu_icount(pc_cpu(d->pc)));
    } else if (!strcmp(c0, "history")) {
        unsigned long k0 = d->nhist > DBG_HIST ? d->nhist - DBG_HIST : 0;
        for (unsigned long k = k0; k < d->nhist; k++)
            say(d, "%5lu  %s\n", k + 1, d->hist[k % DBG_HIST]);
    } else if (!strcmp(c0, "help") || !strcmp(c0, "h") ||
               !strcmp(c0, "?")) {
        cmd_help(d);
    } else {
        say(d, "unknown command '%s' (try help)\n", line);
    }
done:
    if (out && outlen) {
        d->out = saved_out;
        d->outlen = saved_len;
        d->outpos = saved_pos;
    }
    return ret;
}

/* The console prompt: returns 0 to resume, 1 to quit. */
static int console_loop(Dbg *d)
{
    char line[256];
    for (;;) {
        printf("<x86pc> ");
        fflush(stdout);
        errno = 0;
        if (!fgets(line, sizeof(line), stdin)) {
            if (errno == EINTR && !feof(stdin)) {
                clearerr(stdin); /* Ctrl-C at the prompt: ignored */
                printf("\n");
                continue;
            }
            printf("\n");
            return 1; /* EOF: quit */
        }
        line[strcspn(line, "\r\n")] = '\0';
        const char *cmd = line;
        if (line[0] == '!') { /* !N, !!: rerun from the history */
            const char *h = NULL;
            if (line[1] == '!' && d->nhist)
                h = d->hist[(d->nhist - 1) % DBG_HIST];
            else if (isdigit((unsigned char)line[1])) {
                unsigned long k = strtoul(line + 1, NULL, 10);
                if (k >= 1 && k <= d->nhist && d->nhist - k < DBG_HIST)
                    h = d->hist[(k - 1) % DBG_HIST];
            }
            if (!h) {
                printf("%s: no such command in the history\n", line);
                continue;
            }
            snprintf(line, sizeof(line), "%s", h);
            printf("%s\n", line);
        }
        if (!line[strspn(line, " \t")]) {
            cmd = d->last;
        } else {
            snprintf(d->last, sizeof(d->last), "%s", line);
            snprintf(d->hist[d->nhist % DBG_HIST], sizeof(d->hist[0]), "%s",
                     line);
            d->nhist++;
        }
        if (!*cmd)
            continue;
        int r = dbg_command(d, cmd, NULL, 0, 0);
        if (r == DBGCMD_QUIT)
            return 1;
        if (r == DBGCMD_RESUME) {
            char c0[16];
            unsigned long n = 1;
            sscanf(cmd, "%15s %lu", c0, &n);
            if (c0[0] == 'c') {
                dbg_resume(d, 0);
                return 0;
            }
            if (c0[0] == 'n') { /* step over CALL/INT/REP */
                int len = step_over_len(d);
                if (len) {
                    dbg_resume(d, 0);
                    d->temp_active = 1;
                    d->temp_lin = cur_lin(d) + (uint32_t)len;
                    update_hooks(d);
                    return 0;
                }
                n = 1;
            }
            /* s [N]: steps through the board like every other run. */
            d->steps_left = n ? n : 1;
            dbg_resume(d, 1);
            return 0;
        }
    }
}
