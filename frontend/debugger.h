/* x86pc debugger core and built-in console debugger.
 *
 * The core (Dbg) owns the breakpoint and watchpoint tables and the
 * run/stop state shared by the two user interfaces: the Bochs-style
 * console debugger in debugger.c (-debugger) and the GDB remote stub in
 * gdbstub.c (-gdb).  It drives the CPU only through the debugger hooks of
 * cpu/cpu.h:
 *   - an exec hook, installed while breakpoints exist, while stepping and
 *     while a stop is requested, compares CS.base+EIP (and, for physical
 *     breakpoints, its translation) with the table before each
 *     instruction.  Breakpoints are never written into guest memory.
 *   - a watch hook, installed while watchpoints exist, matches the CPU's
 *     linear data accesses; the stop comes after the accessing
 *     instruction has completed.
 *   - the magic breakpoint (XCHG BX,BX) with -magic-break.
 * The machine stops when cpu_run() returns because of one of them; the
 * board (devices/pc.c) then calls the front end's poll hook, which calls
 * dbg_poll(): the debugger interacts with the user inside that call, with
 * the machine standing still, and returns when the user resumes.
 *
 * Not modelled: breakpoints in physical memory are checked against the
 * translation of the instruction's first byte only; watchpoints see data
 * accesses made by the CPU, not DMA or debugger writes. */
#ifndef X86PC_DEBUGGER_H
#define X86PC_DEBUGGER_H
#include <stddef.h>
#include <stdint.h>

#include "devices/pc.h"

typedef struct Dbg Dbg;
typedef struct GdbStub GdbStub;

/* Breakpoint kinds (physical breakpoints: console only). */
enum { DBG_BP_SW, DBG_BP_HW, DBG_BP_PHYS };
/* Watchpoint types: bit 0 write, bit 1 read. */
enum { DBG_W_WRITE = 1, DBG_W_READ = 2, DBG_W_ACCESS = 3 };
/* Why the machine stopped. */
enum {
    DBG_STOP_NONE,
    DBG_STOP_BREAK, /* breakpoint; kind in DbgStop.kind */
    DBG_STOP_WATCH, /* watchpoint; type/address in DbgStop */
    DBG_STOP_STEP,  /* single step done */
    DBG_STOP_MAGIC, /* XCHG BX,BX with -magic-break */
    DBG_STOP_INTR,  /* user interrupt (Ctrl-C, -S, gdb attach) */
};

typedef struct DbgStop {
    int reason;
    int kind;       /* DBG_BP_* for DBG_STOP_BREAK */
    int wtype;      /* DBG_W_* for DBG_STOP_WATCH */
    uint32_t waddr; /* accessed address within the watched range */
    int id;         /* breakpoint/watchpoint number (console) */
} DbgStop;

#define DBG_MAX_BP 64
#define DBG_MAX_WATCH 16

Dbg *dbg_new(PC *pc, int magic_break);
void dbg_free(Dbg *d);
/* Routes stops to a GDB stub instead of the console. */
void dbg_set_gdb(Dbg *d, GdbStub *g);
/* Instruction trace and symbol table (frontend/trace.h), either NULL: the
 * debugger takes over the trace's exec hook and uses the symbols in "u",
 * "x /i", "b SYMBOL" and addresses generally; "ldsym" loads into it. */
struct Trace;
struct Symtab;
void dbg_set_tools(Dbg *d, struct Trace *t, struct Symtab *syms);

/* Breakpoints: returns the new number (>= 1) or -1 if the table is full
 * (adding an existing one returns its number).  Deleting returns 0, or -1
 * if there is no such breakpoint. */
int dbg_bp_add(Dbg *d, int kind, uint64_t addr);
int dbg_bp_del(Dbg *d, int kind, uint64_t addr);
/* Watchpoints: len 1..4096, any alignment. */
int dbg_watch_add(Dbg *d, int type, uint32_t addr, uint32_t len);
int dbg_watch_del(Dbg *d, int type, uint32_t addr, uint32_t len);
int dbg_del_id(Dbg *d, int id);
void dbg_clear_all(Dbg *d);

/* Stop before the next instruction (-S, Ctrl-C). */
void dbg_request_stop(Dbg *d);
/* Called while stopped: resume when dbg_poll() returns (step = 1: stop
 * again after one instruction). */
void dbg_resume(Dbg *d, int step);

/* Called from the front end's poll hook after every run slice.  sigint: the
 * user pressed Ctrl-C.  Returns 0 to go on running, 1 to quit x86pc. */
int dbg_poll(Dbg *d, int sigint);
/* The machine has stopped for good with this exit status: tells gdb. */
void dbg_exited(Dbg *d, int status);

/* Memory access for the user interfaces; 0 or -1 (unmapped). */
int dbg_read_lin(Dbg *d, uint32_t lin, void *buf, uint32_t len);
int dbg_write_lin(Dbg *d, uint32_t lin, const void *buf, uint32_t len);
struct CPUState *dbg_cpu(Dbg *d);

/* Runs one console command line (as typed at the prompt or through gdb's
 * "monitor"); output goes to out (a buffer of outlen bytes, truncated) or
 * to stdout when out is NULL.  Returns DBGCMD_*. */
enum { DBGCMD_OK, DBGCMD_RESUME, DBGCMD_QUIT };
int dbg_command(Dbg *d, const char *line, char *out, size_t outlen,
                int from_gdb);

/* ---- gdbstub.c ---- */
/* spec: "tcp::PORT" or "tcp:HOST:PORT" (or just PORT).  Listens at once.
 * Returns NULL with a message in err on failure. */
GdbStub *gdb_new(Dbg *d, const char *spec, char *err, size_t errlen);
void gdb_free(GdbStub *g);
/* Called by dbg_poll while running: handles a new connection or Ctrl-C
 * from gdb.  Returns 1 if gdb asked to stop the machine. */
int gdb_check_interrupt(GdbStub *g);
/* The machine stopped: reports it to gdb and serves packets until gdb
 * resumes (returns 0) or kills (returns 1).  Without a connection, waits
 * for one. */
int gdb_stopped(GdbStub *g, const DbgStop *st);
void gdb_exited(GdbStub *g, int status);
#endif
