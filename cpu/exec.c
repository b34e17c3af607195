/* The step loop, fault delivery and escalation, and the public CPU API.
 *
 * The loop (cpu_run) calls setjmp once; cpu_raise() longjmps back to it
 * (STYLE.md §4).  Before each instruction the loop commits EIP and ESP into
 * prev_eip/prev_esp; a fault restores them, so the exception frame points at
 * the faulting instruction.
 */
#include <stdio.h>
#include <stdlib.h>
#include "cpu/cpu_internal.h"

/* ---- exception classes for double-fault escalation (SDM Vol. 3 table 6-5) */
enum { EC_BENIGN, EC_CONTRIB, EC_PF, EC_DF };
static int exc_class(int vec)
{
    switch (vec) {
    case EX_DE: case EX_TS: case EX_NP: case EX_SS: case EX_GP:
        return EC_CONTRIB;
    case EX_PF:
        return EC_PF;
    case EX_DF:
        return EC_DF;
    }
    return EC_BENIGN;
}
static int exc_has_error_code(int vec)
{
    return vec == EX_DF || vec == EX_TS || vec == EX_NP || vec == EX_SS ||
           vec == EX_GP || vec == EX_PF || vec == EX_AC;
}
static const char *const exc_names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
    "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
    "#MF", "#AC", "#MC", "#XM", "#20", "#21", "#22", "#23",
    "#24", "#25", "#26", "#27", "#28", "#29", "#30", "#31"};

static void chain_append(CPUState *c, int vec, int has_err, uint32_t err)
{
    size_t n = strlen(c->chain);
    if (n + 24 >= sizeof c->chain)
        return;
    if (has_err)
        snprintf(c->chain + n, sizeof c->chain - n, "%s%s(0x%04x)",
                 n ? " -> " : "", exc_names[vec & 31], (unsigned)err);
    else
        snprintf(c->chain + n, sizeof c->chain - n, "%s%s", n ? " -> " : "",
                 exc_names[vec & 31]);
}

static NORETURN void raise_common(CPUState *c, int vec, int has_err,
                                  uint32_t err)
{
    if (c->exc_depth > 0) {
        int first = exc_class(c->exc_first);
        int second = exc_class(vec);
        if (first == EC_DF) {
            chain_append(c, vec, has_err, err);
            c->triple = 1;
            longjmp(c->jb, 1);
        }
        if ((first == EC_CONTRIB && second == EC_CONTRIB) ||
            (first == EC_PF && (second == EC_CONTRIB || second == EC_PF))) {
            chain_append(c, vec, has_err, err);
            vec = EX_DF;
            has_err = 1;
            err = 0;
        }
    }
    c->exc_vec = vec;
    c->exc_err = err;
    c->exc_has_err = has_err;
    longjmp(c->jb, 1);
}

void cpu_raise(CPUState *c, int vec, uint32_t err)
{
    raise_common(c, vec, exc_has_error_code(vec), err);
}
void cpu_raise_noerr(CPUState *c, int vec)
{
    raise_common(c, vec, 0, 0);
}

/* ---- construction and reset -------------------------------------------------- */
/* The physical memory map changed (A20, ROM/MMIO regions, PAM): cached
 * translations may point at the wrong thing. */
static void map_changed(void *opaque)
{
    tlb_flush_all((CPUState *)opaque);
}

CPUState *cpu_new(PhysMem *mem, const CPUHost *host)
{
    CPUState *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mem = mem;
    c->fast = phys_fast(mem);
    c->icache = malloc(sizeof(ICEntry) * ICACHE_SIZE);
    c->bcache = malloc(sizeof(Block) * BCACHE_SIZE);
    if (!c->icache || !c->bcache) {
        free(c->icache);
        free(c->bcache);
        free(c);
        return NULL;
    }
    icache_flush(c);
    if (host)
        c->host = *host;
    tlb_flush_all(c);
    c->stats.tlb_flushes = 0;
    phys_set_map_listener(mem, map_changed, c);
    cpu_reset(c);
    return c;
}

void cpu_free(CPUState *c)
{
    if (!c)
        return;
    phys_set_map_listener(c->mem, NULL, NULL);
    free(c->icache);
    free(c->bcache);
    free(c);
}

void cpu_reset(CPUState *c)
{
    int s;
    memset(c->regs, 0, sizeof c->regs);
    c->regs[R_EDX] = 0x06D8; /* family 6 model 13 stepping 8 (CPUID 1 EAX) */
    c->eflags = 2;
    c->cc_op = CC_EFLAGS;
    c->cr0 = CR0_ET | CR0_CD | CR0_NW;
    c->cr2 = c->cr3 = c->cr4 = 0;
    memset(c->dr, 0, sizeof c->dr);
    c->dr[6] = 0xFFFF0FF0u;
    c->dr[7] = 0x400;
    for (s = 0; s < S_NSEG; s++)
        seg_set_cache(c, s, 0, 0, 0xFFFF, 0x93);
    seg_set_cache(c, S_CS, 0xF000, 0xFFFF0000u, 0xFFFF, 0x93);
    seg_set_cache(c, S_LDTR, 0, 0, 0xFFFF, 0x82);
    seg_set_cache(c, S_TR, 0, 0, 0xFFFF, 0x8B);
    c->gdtr.base = c->idtr.base = 0;
    c->gdtr.limit = c->idtr.limit = 0xFFFF;
    c->eip = 0xFFF0;
    c->cpl = 0;
    c->tsc = 0;
    c->sysenter_cs = c->sysenter_esp = c->sysenter_eip = 0;
    c->apic_base = 0xFEE00900ull;
    c->efer = 0;
    c->misc_enable = 1; /* fast-string operations enabled */
    c->rng = 0x9E3779B97F4A7C15ull; /* RDRAND: the same sequence every run */
    c->perf_ctr[0] = c->perf_ctr[1] = 0;
    c->perf_sel[0] = c->perf_sel[1] = 0;
    c->halted = 0;
    c->inhibit_irq = 0;
    c->nmi_pending = c->nmi_blocked = 0;
    c->exc_depth = 0;
    c->triple = 0;
    c->tf_trap = 0;
    c->dr6_pending = 0;
    c->dbg_stop = 0;
    fpu_reset(c);
    cpu_update_mode(c);
}

/* Recomputes the cached mode bits after CR0, EFLAGS.VM, CS or SS change. */
void cpu_update_mode(CPUState *c)
{
    c->pm = (c->cr0 & CR0_PE) && !(c->eflags & F_VM);
    c->code32 = (c->cr0 & CR0_PE) && !(c->eflags & F_VM) &&
                (c->seg[S_CS].ar & AR_DB) != 0;
    c->ss32 = (c->cr0 & CR0_PE) && !(c->eflags & F_VM) &&
              (c->seg[S_SS].ar & AR_DB) != 0;
    if (!(c->cr0 & CR0_PE))
        c->cpl = 0;
    else if (c->eflags & F_VM)
        c->cpl = 3;
    c->ac_on = (c->cr0 & CR0_AM) && (c->eflags & F_AC) && c->cpl == 3;
    /* Anything that needs a per-access check takes the slow path. */
    c->slow_mem = (c->dr[7] & 0xFF) != 0 || c->ac_on || c->watch_hook != NULL;
    tlb_check_mode(c);
}

/* ---- debug registers: instruction breakpoints ------------------------------ */
static uint32_t dr_match_exec(CPUState *c, uint32_t lin)
{
    uint32_t hit = 0, dr7 = c->dr[7];
    int n;
    for (n = 0; n < 4; n++) {
        if (!((dr7 >> (n * 2)) & 3))
            continue;
        if (((dr7 >> (16 + n * 4)) & 3) != 0) /* R/W = 00: execution */
            continue;
        if (c->dr[n] == lin)
            hit |= 1u << n;
    }
    return hit;
}

/* ---- events between instructions -------------------------------------------- */
/* Returns 1 if an event was delivered. */
static int service_events(CPUState *c)
{
    if (c->inhibit_irq)
        return 0;
    if (c->nmi_pending && !c->nmi_blocked) {
        c->nmi_pending = 0;
        c->nmi_blocked = 1;
        c->halted = 0;
        c->prev_eip = c->eip;
        c->prev_esp = c->regs[R_ESP];
        do_interrupt(c, EX_NMI, INT_HW, 0, 0);
        return 1;
    }
    if (c->intr_line && (c->eflags & F_IF)) {
        int vec;
        c->halted = 0;
        c->prev_eip = c->eip;
        c->prev_esp = c->regs[R_ESP];
        vec = c->host.intr_ack ? c->host.intr_ack(c->host.opaque) : 0x08;
        do_interrupt(c, vec & 0xFF, INT_HW, 0, 0);
        return 1;
    }
    return 0;
}

static void exec_one(CPUState *c)
{
    Insn insn, *ip;
    uint32_t tf = c->eflags & F_TF;

    c->prev_eip = c->eip;
    c->prev_esp = c->regs[R_ESP];
    if (unlikely(c->dr[7] & 0xFF) && !(c->eflags & F_RF)) {
        uint32_t hit = dr_match_exec(c, c->seg[S_CS].base + c->eip);
        if (hit) {
            c->dr[6] = (c->dr[6] & ~0xFu) | hit;
            cpu_raise_noerr(c, EX_DB);
        }
    }
    /* RF suppresses instruction breakpoints for one instruction only; an
     * IRET below may set it again for the next one (SDM Vol. 3 §17.3.1.1). */
    c->eflags &= ~F_RF;
    ip = fetch_insn(c, &insn);
    c->eip += ip->len;
    if (!c->code32)
        c->eip &= 0xFFFF;
    c->inhibit_irq = 0;
    c->tf_trap = tf != 0;
    c->dr6_pending = 0;
    ip->fn(c, ip);
    c->icount++;
    if (unlikely(c->tf_trap || c->dr6_pending)) {
        uint32_t dr6 = c->dr6_pending;
        if (c->tf_trap)
            dr6 |= 0x4000; /* BS */
        c->tf_trap = 0;
        c->dr6_pending = 0;
        if (c->inhibit_irq & 2) /* MOV SS / POP SS: traps wait one insn */
            return;
        c->dr[6] = (c->dr[6] & ~0xFu) | dr6;
        c->prev_eip = c->eip;
        c->prev_esp = c->regs[R_ESP];
        cpu_raise_noerr(c, EX_DB);
    }
}

/* Runs a decoded block from CS:EIP (at least one instruction).  Falls back
 * to exec_one() whenever the block cannot be used as a whole.  Kept out of
 * cpu_run(): a function that calls setjmp() keeps its variables in memory
 * across calls, which would put the loop's state on the stack. */
static NOINLINE void exec_block(CPUState *c, uint64_t end)
{
    const SegCache *cs = &c->seg[S_CS];
    uint32_t eip = c->eip, lin = cs->base + eip;
    const TLBEntry *e = &c->tlb[c->cpl == 3][(lin >> 12) & TLB_MASK];
    uint64_t pa;
    Block *b;
    uint32_t last, ver;
    const uint32_t *verp;

    if (unlikely(e->tag_x != (lin & ~0xFFFu))) {
        exec_one(c);
        return;
    }
    pa = e->ppage | (lin & 0xFFFu);
    if (unlikely(pa >= c->fast->code_limit)) {
        exec_one(c);
        return;
    }
    verp = &c->fast->code_ver[pa >> 12];
    b = &c->bcache[bc_hash((uint32_t)pa)];
    if (unlikely(b->pa != (uint32_t)pa || b->mode != c->code32 ||
                 b->ver != *verp)) {
        if (!block_build(c, b, e->host_r, pa)) {
            exec_one(c);
            return;
        }
        c->stats.icache_misses += b->n;
    }
    last = eip + b->bytes - 1;
    if (unlikely(eip < cs->lo || last > cs->hi || last < eip ||
                 (!c->code32 && last > 0xFFFF))) {
        exec_one(c);
        return;
    }
    ver = b->ver;
    /* After an instruction that does not end the block, only an MMIO
     * write (a device raising INTR or asking to stop), a branch taken by a
     * REP string instruction, SMC or the slice end can need attention: TF,
     * RF, DR7, HLT and the debugger hooks change only through
     * block-ending instructions or between slices. */
    const Insn *ip = b->insn, *last_ip = b->insn + b->n;
    uint32_t mask = c->code32 ? 0xFFFFFFFFu : 0xFFFFu;
    do {
        uint32_t next = (c->eip + ip->len) & mask;
        c->prev_eip = c->eip;
        c->prev_esp = c->regs[R_ESP];
        c->eip = next;
        c->inhibit_irq = 0;
        ip->fn(c, (Insn *)ip);
        c->icount++;
        ip++;
        if (unlikely(c->eip != next || *verp != ver || c->icount >= end ||
                     (c->stop_req | c->intr_line)))
            break;
    } while (ip < last_ip);
    c->stats.icache_hits += (uint64_t)(ip - b->insn);
}

static void triple_fault(CPUState *c)
{
    snprintf(c->report, sizeof c->report,
             "triple fault at CS:EIP=%04x:%08x: %s", c->seg[S_CS].sel,
             (unsigned)c->prev_eip, c->chain);
    c->triple = 0;
    c->exc_depth = 0;
    c->chain[0] = 0;
    if (c->host.triple_fault)
        c->host.triple_fault(c->host.opaque);
    if (!c->no_reboot)
        cpu_reset(c);
    else
        c->halted = 2; /* shut down: only RESET leaves this state */
}

int cpu_run(CPUState *c, uint64_t max_insns)
{
    uint64_t end = c->icount + max_insns;

    if (setjmp(c->jb)) {
        /* A fault: restore the committed state and deliver it. */
        if (c->triple) {
            triple_fault(c);
            return CPU_STOP_TRIPLE;
        }
        c->eip = c->prev_eip;
        c->regs[R_ESP] = c->prev_esp;
        if (c->exc_depth == 0) {
            c->chain[0] = 0;
            c->exc_first = c->exc_vec;
        } else {
            c->exc_first = c->exc_vec;
        }
        chain_append(c, c->exc_vec, c->exc_has_err, c->exc_err);
        c->exc_depth++;
        c->halted = 0;
        c->tf_trap = 0;
        c->dr6_pending = 0;
        c->dbg_stop = 0; /* a watch hit by a faulting instruction is dropped */
        /* Fault-class exceptions push RF = 1 (SDM Vol. 3 17.3.1.1), so the
         * handler's IRET restarts the instruction without an instruction
         * breakpoint firing again; #DB (breakpoint faults, traps) and the
         * #DF abort push RF as it is. */
        if ((1u << (c->exc_vec & 31)) & ((1u << EX_DE) | (1u << EX_BR) | (1u << EX_UD) |
                                        (1u << EX_NM) | (1u << EX_TS) | (1u << EX_NP) |
                                        (1u << EX_SS) | (1u << EX_GP) | (1u << EX_PF) |
                                        (1u << EX_MF) | (1u << EX_AC) | (1u << EX_XM)))
            c->eflags |= F_RF;
        do_interrupt(c, c->exc_vec, INT_EXC, c->exc_has_err, c->exc_err);
        c->exc_depth = 0;
    }
    for (;;) {
        if (unlikely(c->stop_req | c->dbg_on)) {
            if (c->stop_req) {
                c->stop_req = 0;
                return CPU_STOP_REQUEST;
            }
            if (c->dbg_stop) {
                int r = c->dbg_stop;
                c->dbg_stop = 0;
                return r;
            }
            if (c->exec_hook && !c->halted &&
                c->exec_hook(c->exec_opaque, c->seg[S_CS].base + c->eip))
                return CPU_STOP_BREAK;
        }
        if (c->icount >= end)
            break;
        if (c->halted == 2)
            return CPU_STOP_HLT;
        if (unlikely(c->intr_line | c->nmi_pending | c->halted)) {
            if (service_events(c)) {
                c->exc_depth = 0;
                continue;
            }
            if (c->halted)
                return CPU_STOP_HLT;
        }
        if (likely(!c->dbg_on && !((c->eflags & (F_TF | F_RF)) |
                                   (c->dr[7] & 0xFF))))
            exec_block(c, end);
        else
            exec_one(c);
        c->exc_depth = 0;
        if (unlikely(c->halted))
            return CPU_STOP_HLT;
    }
    return CPU_STOP_LIMIT;
}

int cpu_step(CPUState *c)
{
    return cpu_run(c, 1);
}

void cpu_request_stop(CPUState *c) { c->stop_req = 1; }
void cpu_set_intr(CPUState *c, int level) { c->intr_line = level != 0; }
void cpu_set_nmi(CPUState *c, int level)
{
    if (level)
        c->nmi_pending = 1;
}
int cpu_halted(const CPUState *c) { return c->halted != 0; }
int cpu_halt_can_wake(const CPUState *c)
{
    if (c->halted == 2)
        return 0;
    return (c->eflags & F_IF) != 0;
}

/* ---- debug API ------------------------------------------------------------------ */
uint32_t cpu_get_reg(const CPUState *c, int r) { return c->regs[r & 7]; }
void cpu_set_reg(CPUState *c, int r, uint32_t v) { c->regs[r & 7] = v; }
uint32_t cpu_get_eip(const CPUState *c) { return c->eip; }
/* Moving EIP also ends a HLT (not a shutdown): the debugger or a test
 * resumes the CPU somewhere else. */
void cpu_set_eip(CPUState *c, uint32_t v)
{
    c->eip = v;
    if (c->halted == 1)
        c->halted = 0;
}
uint32_t cpu_get_eflags(CPUState *c) { return cpu_eflags(c); }
void cpu_set_eflags(CPUState *c, uint32_t v)
{
    c->cc_op = CC_EFLAGS;
    c->eflags = (v | 2u) & (F_MASK_ALL | 2u);
    cpu_update_mode(c);
}
void cpu_get_seg(const CPUState *c, int s, CPUSeg *out)
{
    const SegCache *sc = &c->seg[s];
    out->sel = sc->sel;
    out->base = sc->base;
    out->limit = sc->limit;
    out->ar = sc->ar;
}
void cpu_set_seg_real(CPUState *c, int s, uint16_t sel)
{
    seg_set_cache(c, s, sel, (uint32_t)sel << 4, 0xFFFF,
                  s == S_CS ? 0x93 : c->seg[s].ar | AR_P);
    cpu_update_mode(c);
}
void cpu_set_seg_raw(CPUState *c, int s, const CPUSeg *seg)
{
    seg_set_cache(c, s, seg->sel, seg->base, seg->limit, seg->ar);
    if (s == S_CS && (c->cr0 & CR0_PE) && !(c->eflags & F_VM))
        c->cpl = seg->sel & 3;
    cpu_update_mode(c);
}
uint32_t cpu_get_cr(const CPUState *c, int n)
{
    switch (n) {
    case 0: return c->cr0;
    case 2: return c->cr2;
    case 3: return c->cr3;
    case 4: return c->cr4;
    }
    return 0;
}
void cpu_set_cr0_raw(CPUState *c, uint32_t v)
{
    c->cr0 = v | CR0_ET;
    cpu_update_mode(c);
}
void cpu_set_cr_raw(CPUState *c, int n, uint32_t v)
{
    switch (n) {
    case 0:
        cpu_set_cr0_raw(c, v);
        break;
    case 2:
        c->cr2 = v;
        break;
    case 3:
        c->cr3 = v;
        tlb_flush_nonglobal(c);
        break;
    case 4:
        c->cr4 = v;
        tlb_check_mode(c);
        break;
    }
}
int cpu_get_cpl(const CPUState *c) { return c->cpl; }
uint64_t cpu_icount(const CPUState *c) { return c->icount; }
const char *cpu_fault_report(const CPUState *c) { return c->report; }
void cpu_set_no_reboot(CPUState *c, int on) { c->no_reboot = on; }
void cpu_set_model(CPUState *c, int model) { c->model286 = model == CPU_MODEL_286; }

/* ---- debugger hooks ---------------------------------------------------------- */
static void dbg_update(CPUState *c)
{
    c->dbg_on = c->exec_hook != NULL || c->watch_hook != NULL ||
                c->magic_break != 0;
    cpu_update_mode(c); /* slow_mem follows watch_hook */
}
void cpu_set_exec_hook(CPUState *c, CPUExecHook fn, void *opaque)
{
    c->exec_hook = fn;
    c->exec_opaque = opaque;
    dbg_update(c);
}
void cpu_set_watch_hook(CPUState *c, CPUWatchHook fn, void *opaque)
{
    c->watch_hook = fn;
    c->watch_opaque = opaque;
    if (!fn && c->dbg_stop == CPU_STOP_WATCH)
        c->dbg_stop = 0;
    dbg_update(c);
}
void cpu_set_magic_break(CPUState *c, int on)
{
    c->magic_break = on != 0;
    dbg_update(c);
}
uint32_t cpu_get_dr(const CPUState *c, int n)
{
    if (n == 4 || n == 5)
        n += 2;
    return c->dr[n & 7];
}
void cpu_get_dtr(const CPUState *c, int idt, uint32_t *base, uint16_t *limit)
{
    *base = idt ? c->idtr.base : c->gdtr.base;
    *limit = idt ? c->idtr.limit : c->gdtr.limit;
}
