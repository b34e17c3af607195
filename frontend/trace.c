/* Instruction trace: see trace.h for the format. */
#include "frontend/trace.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "cpu/disasm.h"

struct Trace {
    struct CPUState *cpu;
    FILE *f;
    int own_file;
    int enabled, regs;
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

int trace_exec(Trace *t, uint32_t lin)
{
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
    }
    /* Record this one; its line is written when it has retired. */
    t->pending = 1;
    t->p_icount = ic;
    t->p_cs = cs.sel;
    t->p_eip = eip;
    t->p_lin = lin;
    t->p_n = 0;
    for (int k = 0; k < 15; k++) { /* stop at the first unreadable byte */
        if (cpu_read_linear(t->cpu, lin + (uint32_t)k, &t->p_bytes[k], 1) < 0)
            break;
        t->p_n = k + 1;
    }
    if (t->p_n == 0) {
        t->p_len = -1;
        strcpy(t->p_text, "(unreadable)");
    } else {
        int code32 = (cs.ar >> 14) & 1;
        t->p_len = disasm(t->p_bytes, t->p_n, eip, code32, t->p_text,
                          sizeof t->p_text);
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
