/* Instruction trace (-trace FILE, -trace-regs; the debugger's "trace on|off";
 * the guest hypercall port's trace command).
 *
 * One line per executed instruction, written through the CPU's exec hook
 * (so tracing slows the machine down; it costs nothing while off).
 * Format (fixed columns, one space between fields, lowercase hex):
 *
 *   ICOUNT CS:EIP LINEAR BYTES DISASSEMBLY[ | REGS]
 *
 *   ICOUNT  16 hex digits: instructions retired before this one
 *   CS:EIP  4:8 hex digits
 *   LINEAR  8 hex digits (CS.base + EIP)
 *   BYTES   the instruction bytes, 2 hex digits each, padded with spaces
 *           to 30 columns ("??" if the code could not be read)
 *   DISASSEMBLY  as cpu/disasm.c prints it (Intel syntax; branch targets
 *           carry symbols when the debugger loaded some)
 *   REGS    with -trace-regs: the state after the instruction (before the
 *           next traced event): "eax=........ ecx=... edx ebx esp ebp esi
 *           edi eflags=........"
 *
 * A line is written once the instruction has retired (the instruction
 * count moved on).  When control moves elsewhere without the instruction
 * retiring (an interrupt taken before it, or an exception it raised), the
 * line reads instead:
 *
 *   ICOUNT CS:EIP LINEAR event -> CS:EIP LINEAR
 *
 * naming the instruction that did not complete and the handler entered.
 * The output depends only on the guest's execution, so two runs with
 * -icount give identical files.
 *
 * The exec hook is shared with the debugger: without one the trace owns
 * the CPU hook; with one (trace_set_owner), the debugger's hook calls
 * trace_exec() and reinstalls its hook when tracing is switched. */
#ifndef X86PC_TRACE_H
#define X86PC_TRACE_H
#include <stdint.h>
#include <stdio.h>

struct CPUState;
typedef struct Trace Trace;

Trace *trace_new(struct CPUState *cpu);
/* Writes the last pending line, closes the file. */
void trace_free(Trace *t);
/* Output file (path "-" = stdout); replaces the previous one.  Returns 0,
 * or -1 with errno if it cannot be opened.  Without a file, stderr. */
int trace_open(Trace *t, const char *path);
void trace_set_regs(Trace *t, int on);
void trace_set_enabled(Trace *t, int on);
int trace_enabled(const Trace *t);
/* The debugger takes over the exec hook: changed(opaque) is called when
 * tracing is switched on or off so it can reinstall its hook, which must
 * call trace_exec() while trace_enabled(). */
void trace_set_owner(Trace *t, void (*changed)(void *opaque), void *opaque);
/* Exec-hook body: records the instruction at lin.  Always returns 0. */
int trace_exec(Trace *t, uint32_t lin);
/* Writes a pending line whose instruction has retired, and flushes. */
void trace_flush(Trace *t);

/* ---- symbols: shared by the debugger (ldsym, u, b SYMBOL), the trace and
 * the hypercall port's ADDSYM.  Names are at most SYM_MAX_NAME-1 chars. */
#define SYM_MAX_NAME 64
typedef struct Symtab Symtab;
Symtab *symtab_new(void);
void symtab_free(Symtab *s);
/* Adds (or redefines) name = value.  0, or -1 (bad name, out of memory). */
int symtab_add(Symtab *s, uint32_t value, const char *name);
/* Loads a map file: nm-style "ADDR TYPE NAME" or "ADDR NAME" lines (hex
 * ADDR, optional 0x); other lines are skipped.  Returns the number of
 * symbols added, or -1 if the file cannot be read. */
int symtab_load(Symtab *s, const char *path);
int symtab_count(const Symtab *s);
/* The symbol at or below addr (within 64 KiB): 1 and name/offset, else 0. */
int symtab_lookup(const Symtab *s, uint32_t addr, const char **name,
                  uint32_t *off);
/* Value of a symbol by name: 0 or -1. */
int symtab_find(const Symtab *s, const char *name, uint32_t *value);
/* Makes the disassembler (and so traces and the debugger) name branch
 * targets with this table (NULL: none). */
void symtab_install(Symtab *s);

/* ---- host side of the guest hypercall port (devices/hypercall.h) */
struct Dbg;
struct HypercallOps;
typedef struct HcHost {
    struct CPUState *cpu; /* set once the machine exists */
    Trace *trace;
    Symtab *syms;
    struct Dbg *dbg;      /* NULL without -debugger/-gdb */
    int exit_req, exit_status;
} HcHost;
/* Fills ops with callbacks on h: print to stderr ("x86pc: guest: TEXT"),
 * symbols into h->syms, trace on/off, break into h->dbg, exit (sets
 * exit_req/exit_status and stops the CPU; the front end's poll hook then
 * ends the run). */
void hchost_ops(HcHost *h, struct HypercallOps *ops);
#endif
