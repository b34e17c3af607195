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
#endif
