/* Public interface of the CPU core.
 *
 * Code outside cpu/ holds an opaque CPUState * and uses only these calls
 * (the debugger, the GDB stub, the conformance runner and the board).  The
 * CPU reaches memory through a PhysMem and the rest of the machine through
 * the callbacks in CPUHost; it never includes device headers. */
#ifndef X86PC_CPU_H
#define X86PC_CPU_H
#include <stdint.h>
#include "memory/mem.h"

typedef struct CPUState CPUState;

typedef struct CPUHost {
    void *opaque;
    uint32_t (*io_read)(void *opaque, uint16_t port, unsigned size);
    void (*io_write)(void *opaque, uint16_t port, uint32_t val, unsigned size);
    /* Called when the CPU accepts a maskable interrupt: returns the vector
     * (the PIC's INTA cycle). */
    int (*intr_ack)(void *opaque);
    /* Called on a triple fault (after the report is stored), before the CPU
     * resets itself.  May be NULL. */
    void (*triple_fault)(void *opaque);
    /* The machine's virtual clock in ns.  When set, the TSC runs at 1 GHz
     * of virtual time (so it agrees with the PIT and the RTC, in realtime
     * and in -icount mode); when NULL it counts retired instructions. */
    uint64_t (*clock_ns)(void *opaque);
} CPUHost;

/* General registers, in encoding order. */
enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
/* Segment registers, in encoding order, then the system segments. */
enum { S_ES, S_CS, S_SS, S_DS, S_FS, S_GS, S_LDTR, S_TR, S_NSEG };

/* Why cpu_run() returned. */
enum {
    CPU_STOP_LIMIT = 0, /* executed max_insns instructions */
    CPU_STOP_HLT,       /* HLT executed (cpu_halted() tells whether it can wake) */
    CPU_STOP_TRIPLE,    /* triple fault (CPU was reset; see cpu_fault_report) */
    CPU_STOP_REQUEST,   /* cpu_request_stop() was called */
    CPU_STOP_BREAK,     /* the exec hook asked to stop; the instruction at
                         * CS:EIP has not been executed */
    CPU_STOP_WATCH,     /* the watch hook reported a hit; the accessing
                         * instruction has completed */
    CPU_STOP_MAGIC,     /* magic breakpoint executed (cpu_set_magic_break) */
};

/* Segment descriptor cache as visible to tools.  ar holds the descriptor's
 * bits 40..55 (access byte in 0..7, AVL/L/D/G nibble in 12..15). */
typedef struct CPUSeg {
    uint16_t sel;
    uint32_t base;
    uint32_t limit; /* byte granular (already scaled by G) */
    uint16_t ar;
} CPUSeg;

CPUState *cpu_new(PhysMem *mem, const CPUHost *host);
void cpu_free(CPUState *c);
/* Power-on/RESET state: real mode, CS=F000 base FFFF0000, EIP=FFF0. */
void cpu_reset(CPUState *c);

/* Runs until max_insns instructions retired, HLT, triple fault or a stop
 * request.  Returns a CPU_STOP_* code. */
int cpu_run(CPUState *c, uint64_t max_insns);
/* Executes exactly one instruction (or delivers one pending event). */
int cpu_step(CPUState *c);
void cpu_request_stop(CPUState *c);

/* Interrupt lines.  level != 0 asserts. */
void cpu_set_intr(CPUState *c, int level);
void cpu_set_nmi(CPUState *c, int level);
/* Nonzero while halted; cpu_halt_can_wake() tells if IF=1 or NMI may wake. */
int cpu_halted(const CPUState *c);
int cpu_halt_can_wake(const CPUState *c);

/* Debug API. */
uint32_t cpu_get_reg(const CPUState *c, int r);
void cpu_set_reg(CPUState *c, int r, uint32_t v);
uint32_t cpu_get_eip(const CPUState *c);
void cpu_set_eip(CPUState *c, uint32_t v);
uint32_t cpu_get_eflags(CPUState *c);
void cpu_set_eflags(CPUState *c, uint32_t v); /* raw: no privilege checks */
void cpu_get_seg(const CPUState *c, int s, CPUSeg *out);
/* Loads a segment register the way real mode does (base = sel << 4). */
void cpu_set_seg_real(CPUState *c, int s, uint16_t sel);
/* Loads a descriptor cache directly (for tests and snapshots). */
void cpu_set_seg_raw(CPUState *c, int s, const CPUSeg *seg);
uint32_t cpu_get_cr(const CPUState *c, int n);
void cpu_set_cr0_raw(CPUState *c, uint32_t v);
/* Sets CR0, CR2, CR3 or CR4 without the MOV CRn checks (debugger, tests),
 * with the TLB flushes the architecture implies. */
void cpu_set_cr_raw(CPUState *c, int n, uint32_t v);
int cpu_get_cpl(const CPUState *c);
uint64_t cpu_icount(const CPUState *c);

/* MMU and decoder counters, for the debugger and the benchmarks.  Fast-path
 * TLB hits are counted per data access; instruction fetches count in the
 * icache numbers. */
typedef struct CPUStats {
    uint64_t tlb_hits;      /* data accesses served by the fast path */
    uint64_t tlb_misses;    /* translations that needed a page walk */
    uint64_t tlb_flushes;   /* full or non-global flushes */
    uint64_t tlb_invlpg;    /* single-page invalidations */
    uint64_t icache_hits;   /* instructions executed from the cache */
    uint64_t icache_misses; /* instructions decoded */
    uint64_t icache_smc;    /* cached code pages invalidated by writes */
} CPUStats;
void cpu_get_stats(const CPUState *c, CPUStats *out);
/* Describes the TLB entry for lin (for `info tlb`): returns 0 and fills
 * *phys and *perm (1 read, 2 write, 4 execute validated) if the user
 * (user=1) or supervisor set holds it, -1 otherwise. */
int cpu_tlb_probe(const CPUState *c, uint32_t lin, int user, uint64_t *phys,
                  unsigned *perm);
/* Text of the last triple fault: "triple fault at CS:EIP ...: #GP(0008) ->
 * #DF -> #GP" (empty if none). */
const char *cpu_fault_report(const CPUState *c);

/* Reads/writes guest memory through the CPU's current translation (paging
 * if enabled).  Return 0 on success, -1 if some byte is unmapped.  Used by
 * debuggers; never raises guest exceptions. */
int cpu_read_linear(CPUState *c, uint32_t lin, void *buf, uint32_t len);
int cpu_write_linear(CPUState *c, uint32_t lin, const void *buf, uint32_t len);

/* Decoder helper for tests and tools: length of the instruction at buf
 * (n bytes available) in 16-bit (code32 = 0) or 32-bit code.  Returns the
 * length, 0 for an undefined opcode (#UD), -1 if longer than 15 bytes, -2 if
 * more bytes are needed. */
int cpu_insn_length(const uint8_t *buf, int n, int code32);

/* CPU model.  CPU_MODEL_P6 (the default) is the Pentium Pro/II-class CPU
 * x86pc emulates.  CPU_MODEL_286 switches on the documented real-mode
 * behaviours in which the 80286 differs from every later CPU, so that
 * hardware-captured 80286 test data (../shared/singlestep) can be checked
 * exactly; it does not turn off 386 instructions:
 *   - LOCK is accepted on any instruction (no #UD);
 *   - the instruction length limit is 10 bytes, not 15;
 *   - there are no FS/GS registers: MOV to/from Sreg 4/5 is #UD;
 *   - a real-mode segment overrun (word at offset FFFFh) is interrupt 13
 *     for every segment, SS included (the 386 raises #SS for SS);
 *   - string instructions update SI/DI (and CX) before raising it. */
enum { CPU_MODEL_P6 = 0, CPU_MODEL_286 = 1 };
void cpu_set_model(CPUState *c, int model);

/* ---- Debugger hooks (GDB stub, built-in debugger).  All are off by
 * default and cost one predictable branch per instruction when off.
 *
 * Exec hook: while set, called before every instruction with the linear
 * address CS.base + EIP of the instruction about to execute (not while
 * halted; again after an interrupt or exception was delivered, with the
 * handler's address).  Returning nonzero makes cpu_run() return
 * CPU_STOP_BREAK without executing it.  fn = NULL removes it. */
typedef int (*CPUExecHook)(void *opaque, uint32_t lin);
void cpu_set_exec_hook(CPUState *c, CPUExecHook fn, void *opaque);
/* Watch hook: while set, every data access (not instruction fetches, not
 * cpu_read_linear/cpu_write_linear) takes the slow memory path and calls fn
 * with its linear address, size in bytes and write flag (0 read, 1 write;
 * a read-modify-write calls it for both) before the access is made.
 * Returning nonzero makes cpu_run() return CPU_STOP_WATCH once the
 * instruction has completed; if the instruction faults instead, the hit is
 * dropped and the exception is delivered.  fn = NULL removes it. */
typedef int (*CPUWatchHook)(void *opaque, uint32_t lin, unsigned size,
                            int write);
void cpu_set_watch_hook(CPUState *c, CPUWatchHook fn, void *opaque);
/* Magic breakpoint (Bochs): when on, executing XCHG BX,BX (87 DB, with or
 * without a 66h prefix) makes cpu_run() return CPU_STOP_MAGIC after it. */
void cpu_set_magic_break(CPUState *c, int on);
/* Debug registers DR0-DR7 (DR4/5 read as DR6/7) and GDTR/IDTR (idt = 0:
 * GDTR, 1: IDTR), for debuggers. */
uint32_t cpu_get_dr(const CPUState *c, int n);
void cpu_get_dtr(const CPUState *c, int idt, uint32_t *base, uint16_t *limit);

/* Option: when nonzero a triple fault stops the machine (no reboot). */
void cpu_set_no_reboot(CPUState *c, int on);

/* x87 FERR# output (cpu/fpu.h): called with level 1 when an unmasked x87
 * exception becomes pending while CR0.NE = 0 (MS-DOS compatible error
 * reporting), with 0 when FNCLEX/FNINIT/FLDENV/FRSTOR/FXRSTOR or RESET
 * clear it.  The PC board routes it to IRQ13 (slave PIC input 5). */
void cpu_set_ferr_hook(CPUState *c, void (*fn)(void *opaque, int level),
                       void *opaque);

/* ---- Snapshots (cpu/cpu_snap.c).
 * cpu_save writes the complete CPU state (registers, EFLAGS with the lazy
 * flags materialised, segment/descriptor-table caches, CR/DR, MSRs, x87/
 * MMX/SSE, FERR# state, interrupt shadow, pending NMI, INTR line, HLT/
 * shutdown, the retired-instruction count) as a self-describing
 * little-endian record into buf[cap] and returns its size; call with
 * buf = NULL to learn the size.  Host attachments (CPUHost, hooks) and
 * configuration (no_reboot) are not part of it.  Call it between
 * cpu_run()/cpu_step() calls only.
 * cpu_load checks the record (untrusted input) and on success replaces the
 * state, rebuilds the mode bits and flushes the TLB and the decoded-
 * instruction caches; the FERR# hook is not called (the board restores
 * the IRQ13 line itself).  On failure it returns -1 with a one-line
 * message in err and leaves the CPU unchanged. */
size_t cpu_save(const CPUState *c, uint8_t *buf, size_t cap);
int cpu_load(CPUState *c, const uint8_t *buf, size_t len, char *err,
             size_t errlen);
/* Flushes the TLB and the decoded-instruction caches (after guest memory
 * was replaced behind the CPU's back). */
void cpu_flush_caches(CPUState *c);
#endif
