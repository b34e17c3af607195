/* Internal definitions shared by the files of cpu/.  Nothing outside cpu/
 * includes this header: the rest of x86pc uses cpu/cpu.h.
 *
 * Conventions
 *   - Handlers are `void fn(CPUState *c, Insn *i)`.  When a handler runs,
 *     c->eip already points at the next instruction; c->prev_eip is the
 *     address of the current one.
 *   - Faults are delivered with cpu_raise(), which longjmps back to the step
 *     loop (STYLE.md §4).  The loop restores EIP and ESP from the values
 *     committed when the instruction started, so a handler must not change
 *     architectural state other than EIP/ESP before its last access that can
 *     fault.
 *   - Sizes are in bytes: 1, 2 or 4.
 */
#ifndef X86PC_CPU_INTERNAL_H
#define X86PC_CPU_INTERNAL_H
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include "cpu/cpu.h"
#include "memory/endian.h"
#include "memory/mem.h"
#include "cpu/fpu.h" /* x87 state (cpu/fpu.c) */

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define NORETURN __attribute__((noreturn))
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define likely(x) (x)
#define unlikely(x) (x)
#define NORETURN _Noreturn
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

/* ---- EFLAGS bits ------------------------------------------------------ */
#define F_CF 0x0001u
#define F_PF 0x0004u
#define F_AF 0x0010u
#define F_ZF 0x0040u
#define F_SF 0x0080u
#define F_TF 0x0100u
#define F_IF 0x0200u
#define F_DF 0x0400u
#define F_OF 0x0800u
#define F_IOPL 0x3000u
#define F_NT 0x4000u
#define F_RF 0x10000u
#define F_VM 0x20000u
#define F_AC 0x40000u
#define F_VIF 0x80000u
#define F_VIP 0x100000u
#define F_ID 0x200000u
#define F_ARITH (F_CF | F_PF | F_AF | F_ZF | F_SF | F_OF)
/* Bits software can change at all on a Pentium Pro (bit 1 always 1). */
#define F_MASK_ALL                                                             \
    (F_ARITH | F_TF | F_IF | F_DF | F_IOPL | F_NT | F_RF | F_VM | F_AC |      \
     F_VIF | F_VIP | F_ID)

/* ---- control registers ------------------------------------------------- */
#define CR0_PE 0x00000001u
#define CR0_MP 0x00000002u
#define CR0_EM 0x00000004u
#define CR0_TS 0x00000008u
#define CR0_ET 0x00000010u
#define CR0_NE 0x00000020u
#define CR0_WP 0x00010000u
#define CR0_AM 0x00040000u
#define CR0_NW 0x20000000u
#define CR0_CD 0x40000000u
#define CR0_PG 0x80000000u

#define CR4_VME 0x001u
#define CR4_PVI 0x002u
#define CR4_TSD 0x004u
#define CR4_DE 0x008u
#define CR4_PSE 0x010u
#define CR4_PAE 0x020u
#define CR4_MCE 0x040u
#define CR4_PGE 0x080u
#define CR4_PCE 0x100u

/* ---- exception vectors --------------------------------------------------- */
enum {
    EX_DE = 0, EX_DB = 1, EX_NMI = 2, EX_BP = 3, EX_OF = 4, EX_BR = 5,
    EX_UD = 6, EX_NM = 7, EX_DF = 8, EX_TS = 10, EX_NP = 11, EX_SS = 12,
    EX_GP = 13, EX_PF = 14, EX_MF = 16, EX_AC = 17, EX_MC = 18, EX_XM = 19
};

/* ---- descriptor access-rights word (descriptor bits 40..55) ------------- */
#define AR_TYPE 0x000Fu
#define AR_S 0x0010u   /* code/data (1) or system (0) */
#define AR_DPL 0x0060u
#define AR_P 0x0080u
#define AR_AVL 0x1000u
#define AR_DB 0x4000u
#define AR_G 0x8000u
#define AR_DPL_OF(ar) (((ar) >> 5) & 3)
/* code/data type bits (with AR_S set) */
#define AR_CODE 0x8u
#define AR_CONF 0x4u   /* code: conforming */
#define AR_EXPDN 0x4u  /* data: expand-down */
#define AR_RW 0x2u     /* code: readable, data: writable */
#define AR_ACC 0x1u

/* ---- descriptor cache ------------------------------------------------------ */
typedef struct SegCache {
    uint32_t base;
    uint32_t limit; /* byte-granular */
    uint32_t lo, hi; /* valid offsets are lo..hi (expand-down aware) */
    uint16_t sel;
    uint16_t ar;
    uint8_t rd, wr;  /* reads/writes allowed through this register */
    /* The same checks folded for seg_lin(): [off, off+size) is valid for
     * reads iff (off - lo) + size - 1 <= lim_r, computed without wrapping
     * (64-bit); -1 when no read is valid.  lim_w likewise for writes.
     * Set by seg_set_cache() with the fields above. */
    int64_t lim_r, lim_w;
} SegCache;

/* ---- decoded instruction ---------------------------------------------------
 * One fixed-size record per instruction (STYLE.md §2).  The handler is
 * chosen from the opcode map at decode time.
 *
 *   op     0x000-0x0FF one-byte opcodes, 0x100-0x1FF 0F xx opcodes
 *   osz    operand size 0 = 16-bit, 1 = 32-bit (after 66h)
 *   asz    address size 0 = 16-bit, 1 = 32-bit (after 67h)
 *   seg    segment of the memory operand (override or the default)
 *   base, index: register numbers, NOREG when absent; scale is a shift count
 */
#define NOREG 8
typedef struct Insn Insn;
typedef struct CPUState CPUState;
typedef void (*InsnFn)(CPUState *c, Insn *i);
struct Insn {
    InsnFn fn;
    uint16_t op;
    uint8_t len;
    uint8_t osz, asz;
    uint8_t seg;
    uint8_t seg_override; /* 1 when a segment prefix was present */
    uint8_t rep;          /* 0, 0xF2 or 0xF3 */
    uint8_t lock;
    uint8_t modrm, mod, reg, rm;
    uint8_t base, index, scale;
    union {
        uint32_t disp; /* ModRM displacement or moffs */
        uint32_t imm2; /* far pointer selector (9A, EA), ENTER level: these
                        * opcodes have no ModRM or moffs */
    };
    uint32_t imm;
};
/* Two to a 64-byte cache line: blocks are arrays of these. */
_Static_assert(sizeof(Insn) <= 32, "Insn grew beyond 32 bytes");

/* ---- lazy flags -------------------------------------------------------------
 * ALU handlers record the operation and its operands; the arithmetic flags
 * are computed only when read (STYLE.md §3.5).  cc_op = CC_OP(kind, size).
 * CC_EFLAGS means the arithmetic bits in c->eflags are up to date.
 */
enum {
    CC_EFLAGS = 0,
    CC_ADD, CC_ADC, CC_SUB, CC_SBB, CC_LOGIC, CC_INC, CC_DEC,
};
#define CC_OP(kind, size) (((kind) << 3) | (size))

/* ---- software TLB (access.c) --------------------------------------------------
 * The shadow page table: a direct-mapped cache of linear page -> physical
 * page and host pointer, one set for user (CPL 3) and one for supervisor
 * accesses.  An entry records which kinds of access a page walk has
 * validated (perm); the tag_* fields are the fast-path tags: equal to the
 * linear page when that access may go straight to host memory, TLB_INVALID
 * otherwise (MMIO, ROM writes, pages holding cached code for writes, or not
 * validated).  The common access is one compare and an add. */
#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_MASK (TLB_SIZE - 1)
#define TLB_INVALID 1u /* never equal to a page-aligned address */
#define TLBP_R 1u
#define TLBP_W 2u
#define TLBP_X 4u
typedef struct TLBEntry {
    uint32_t tag_x;  /* fetch fast-path tag (see above) */
    uint32_t lpage;  /* linear page described, or TLB_INVALID */
    uint8_t *host_r; /* host copy of the page for reads, or NULL */
    uint8_t *host_w; /* for writes (RAM), or NULL */
    uint64_t ppage;  /* physical page (A20 applied) */
    uint8_t perm;    /* TLBP_* validated by walks */
    uint8_t global;  /* from a global mapping (CR4.PGE) */
} TLBEntry;
/* The data fast path's tags, kept apart from TLBEntry in a compact array
 * (16 bytes an entry, four to a cache line) so the hot part of the TLB
 * takes little cache: tag_r/tag_w as above; host is the host copy both
 * tags refer to (a page whose read and write copies differ, e.g. PAM
 * write-only shadow RAM over ROM, gets only the read tag). */
typedef struct TLBFast {
    uint32_t tag_r, tag_w;
    uint8_t *host;
} TLBFast;

/* ---- decoded-instruction cache (decode.c) --------------------------------------
 * Decoded instructions keyed by physical address and decode mode, valid
 * while the physical page's SMC version (memory/mem.h) is unchanged.
 * Instructions that cross a page boundary are not cached. */
#define ICACHE_BITS 15
#define ICACHE_SIZE (1u << ICACHE_BITS)
typedef struct ICEntry {
    uint32_t pa;   /* physical address of the first byte; 1 = empty */
    uint32_t ver;  /* page version when decoded */
    uint8_t mode;  /* code32 | model286 << 1 */
    Insn insn;
} ICEntry;

/* ---- decoded basic blocks (decode.c, exec.c) -----------------------------------
 * Straight-line runs of up to BLOCK_MAX instructions within one physical
 * page, ending after any instruction that transfers control, does I/O or
 * changes system state.  Keyed like the instruction cache (physical
 * address, decode mode, page SMC version); executed without a lookup per
 * instruction while nothing needs per-instruction attention (TF, RF, DR7,
 * debugger hooks). */
#define BLOCK_MAX 16
#define BCACHE_BITS 12
#define BCACHE_SIZE (1u << BCACHE_BITS)
typedef struct Block {
    uint32_t pa;    /* 1 = empty */
    uint32_t ver;
    uint8_t mode;
    uint8_t n;      /* instructions */
    uint16_t bytes; /* total length */
    Insn insn[BLOCK_MAX];
} Block;

/* ---- the CPU ---------------------------------------------------------------- */
struct CPUState {
    /* hot: registers, EIP, lazy flags.  regs[NOREG] is always 0, so an
     * effective address adds base and index without testing for them. */
    uint32_t regs[9];
    uint32_t eip;
    uint32_t eflags; /* arithmetic bits valid only when cc_op == CC_EFLAGS */
    uint32_t cc_op;
    uint32_t cc_res, cc_src1, cc_src2;
    uint32_t cc_cin; /* ADC/SBB carry in; INC/DEC: the preserved CF */

    /* memory fast-path state */
    const struct PhysMemFast *fast;
    int slow_mem; /* paging on or data breakpoints armed: take slow path */
    uint8_t code32; /* CS.D */
    uint8_t ss32;   /* SS.B */
    uint8_t cpl;
    uint8_t pm;     /* CR0.PE and not VM86 */
    uint8_t model286; /* CPU_MODEL_286 quirks (see cpu.h) */
    uint8_t ac_on;  /* alignment checking: CR0.AM, EFLAGS.AC and CPL 3 */

    SegCache seg[S_NSEG];
    struct {
        uint32_t base;
        uint16_t limit;
    } gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint32_t dr[8];

    /* model-specific */
    uint64_t tsc;
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t apic_base;
    uint64_t efer;     /* IA32_EFER: NXE only */
    uint64_t misc_enable; /* IA32_MISC_ENABLE (stored) */
    uint64_t rng;         /* RDRAND generator state */
    uint64_t perf_ctr[2]; /* PERFCTR0/1 (stored, not counting) */
    uint32_t perf_sel[2]; /* PERFEVTSEL0/1 */
    uint64_t mtrr[32]; /* stored, no effect */

    /* x87 FPU, MMX and SSE state (cpu/fpu.c, mmx.c, sse.c) */
    FPUState fpu;

    /* instruction bookkeeping */
    uint32_t prev_eip, prev_esp;
    uint64_t icount;
    int inhibit_irq; /* after STI / MOV SS / POP SS: one instruction */
    int halted;
    int stop_req;
    int intr_line;
    int nmi_pending, nmi_blocked;
    int tf_trap;     /* single-step trap pending after this instruction */
    uint32_t dr6_pending;

    /* debugger hooks (cpu.h): dbg_on is nonzero while any is set */
    int dbg_on;
    int dbg_stop;     /* CPU_STOP_WATCH/MAGIC to return before the next insn */
    uint8_t magic_break;
    CPUExecHook exec_hook;
    void *exec_opaque;
    CPUWatchHook watch_hook;
    void *watch_opaque;

    /* exception delivery and escalation */
    jmp_buf jb;
    int exc_vec;
    uint32_t exc_err;
    int exc_has_err;
    int exc_depth;    /* exceptions being delivered (0 = none) */
    int exc_first;    /* the vector being delivered at depth 1 */
    int triple;
    int no_reboot;
    char chain[256];
    char report[400];

    PhysMem *mem;
    CPUHost host;

    /* MMU */
    TLBFast tlbf[2][TLB_SIZE]; /* data fast path of tlb[][] (same index) */
    TLBEntry tlb[2][TLB_SIZE]; /* [0] supervisor, [1] user */
    uint32_t tlb_cr0, tlb_cr4; /* paging bits the TLB was filled under */
    int tlb_large;             /* an entry came from a 2/4 MiB page */
    CPUStats stats;
    ICEntry *icache;           /* ICACHE_SIZE entries */
    Block *bcache;             /* BCACHE_SIZE entries */
};

/* ---- registers ----------------------------------------------------------------- */
static inline uint32_t reg_read(const CPUState *c, int r, unsigned size)
{
    if (size == 4)
        return c->regs[r];
    if (size == 2)
        return c->regs[r] & 0xFFFF;
    return r < 4 ? c->regs[r] & 0xFF : (c->regs[r - 4] >> 8) & 0xFF;
}
static inline void reg_write(CPUState *c, int r, uint32_t v, unsigned size)
{
    if (size == 4)
        c->regs[r] = v;
    else if (size == 2)
        c->regs[r] = (c->regs[r] & 0xFFFF0000u) | (v & 0xFFFF);
    else if (r < 4)
        c->regs[r] = (c->regs[r] & 0xFFFFFF00u) | (v & 0xFF);
    else
        c->regs[r - 4] = (c->regs[r - 4] & 0xFFFF00FFu) | ((v & 0xFF) << 8);
}
static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xFFFFFFFFu : size == 2 ? 0xFFFFu : 0xFFu;
}
static inline uint32_t sign_bit(unsigned size)
{
    return size == 4 ? 0x80000000u : size == 2 ? 0x8000u : 0x80u;
}
static inline uint32_t sext(uint32_t v, unsigned size)
{
    return size == 1 ? (uint32_t)(int32_t)(int8_t)v
         : size == 2 ? (uint32_t)(int32_t)(int16_t)v
                     : v;
}
static inline unsigned opsize(const Insn *i) { return i->osz ? 4 : 2; }

/* ---- exceptions (exec.c) ----------------------------------------------------- */
NORETURN void cpu_raise(CPUState *c, int vec, uint32_t err);
NORETURN void cpu_raise_noerr(CPUState *c, int vec);
#define EXC_GP(c, e) cpu_raise((c), EX_GP, (e))
#define EXC_UD(c) cpu_raise_noerr((c), EX_UD)

/* ---- flags (flags.c) --------------------------------------------------------- */
extern const uint8_t parity_table[256];
uint32_t flags_arith(const CPUState *c); /* CF PF AF ZF SF OF */
int flag_cf(const CPUState *c);
uint32_t cpu_eflags(CPUState *c);         /* full EFLAGS, materialised */
void flags_set_arith(CPUState *c, uint32_t arith); /* eager result */
/* Writes EFLAGS bits selected by mask (mask already reflects privilege). */
void flags_write(CPUState *c, uint32_t v, uint32_t mask);
int cond_true(CPUState *c, int cc); /* Jcc/SETcc/CMOVcc condition 0..15 */
/* The cheap cases of cond_true(), read straight from the recorded lazy
 * operation without materialising the flags: ZF and SF of every lazy
 * kind come from the (size-masked) result as in flags_arith(); after
 * CMP/SUB, CF and the unsigned and signed orderings of the operands give
 * B, BE, L and LE; after a logic operation CF = OF = 0.  Returns the
 * condition (0/1), or -1 when cond_true() must decide. */
static ALWAYS_INLINE int cond_lazy(const CPUState *c, int cc)
{
    unsigned size = c->cc_op & 7, kind = c->cc_op >> 3;
    uint32_t sb = sign_bit(size ? size : 1), res = c->cc_res;
    int r;
    if (c->cc_op == CC_EFLAGS)
        return -1;
    switch (cc >> 1) {
    case 2:
        r = res == 0;
        break;
    case 4:
        r = (res & sb) != 0;
        break;
    default:
        if (kind == CC_SUB) {
            uint32_t m = size_mask(size ? size : 1);
            uint32_t a = c->cc_src1 & m, b = c->cc_src2 & m;
            switch (cc >> 1) {
            case 1: r = a < b; break;
            case 3: r = a <= b; break;
            case 6: r = (a ^ sb) < (b ^ sb); break;
            case 7: r = (a ^ sb) <= (b ^ sb); break;
            default: return -1;
            }
        } else if (kind == CC_LOGIC) {
            switch (cc >> 1) {
            case 0: case 1: r = 0; break;
            case 3: r = res == 0; break;
            case 6: r = (res & sb) != 0; break;
            case 7: r = res == 0 || (res & sb) != 0; break;
            default: return -1;
            }
        } else {
            return -1;
        }
    }
    return (cc & 1) ? !r : r;
}

static inline void cc_set(CPUState *c, int kind, unsigned size, uint32_t res,
                          uint32_t s1, uint32_t s2)
{
    c->cc_op = CC_OP(kind, size);
    c->cc_res = res & size_mask(size);
    c->cc_src1 = s1;
    c->cc_src2 = s2;
}

/* ---- memory access (access.c) --------------------------------------------
 * Linear accesses translate through paging when enabled.  Access kinds: */
enum { ACC_R = 0, ACC_W = 1, ACC_X = 2 };
/* Flag or'ed into the kind for implicit supervisor accesses (GDT, IDT, TSS)
 * that are checked as CPL 0 even at CPL 3. */
#define ACC_SYS 0x10

uint32_t lin_read_slow(CPUState *c, uint32_t lin, unsigned size, int acc);
void lin_write_slow(CPUState *c, uint32_t lin, uint32_t v, unsigned size,
                    int acc);
/* Checks a write would succeed (paging), so multi-part writes are atomic. */
void lin_probe_write(CPUState *c, uint32_t lin, unsigned size);

static inline uint32_t tlb_read(CPUState *c, int set, uint32_t lin,
                                unsigned size, int acc)
{
    if (likely(!c->slow_mem)) {
        const TLBFast *e = &c->tlbf[set][(lin >> 12) & TLB_MASK];
        uint32_t off = lin & 0xFFFu;
        if (likely(e->tag_r == (lin & ~0xFFFu) && off <= 0x1000u - size)) {
            c->stats.tlb_hits++;
            return ld_le(e->host + off, size);
        }
    }
    return lin_read_slow(c, lin, size, acc);
}
static inline void tlb_write(CPUState *c, int set, uint32_t lin, uint32_t v,
                             unsigned size, int acc)
{
    if (likely(!c->slow_mem)) {
        const TLBFast *e = &c->tlbf[set][(lin >> 12) & TLB_MASK];
        uint32_t off = lin & 0xFFFu;
        if (likely(e->tag_w == (lin & ~0xFFFu) && off <= 0x1000u - size)) {
            c->stats.tlb_hits++;
            st_le(e->host + off, v, size);
            return;
        }
    }
    lin_write_slow(c, lin, v, size, acc);
}
static inline uint32_t lin_read(CPUState *c, uint32_t lin, unsigned size)
{
    return tlb_read(c, c->cpl == 3, lin, size, ACC_R);
}
static inline void lin_write(CPUState *c, uint32_t lin, uint32_t v,
                             unsigned size)
{
    tlb_write(c, c->cpl == 3, lin, v, size, ACC_W);
}
/* System-structure accesses (descriptor tables, TSS): supervisor rights. */
static inline uint32_t sys_read(CPUState *c, uint32_t lin, unsigned size)
{
    return tlb_read(c, 0, lin, size, ACC_R | ACC_SYS);
}
static inline void sys_write(CPUState *c, uint32_t lin, uint32_t v,
                             unsigned size)
{
    tlb_write(c, 0, lin, v, size, ACC_W | ACC_SYS);
}

#define EFER_NXE_BIT (1u << 11)

/* TLB maintenance (access.c). */
void tlb_flush_all(CPUState *c);      /* incl. global entries */
void tlb_flush_nonglobal(CPUState *c); /* MOV CR3, task switch */
void tlb_flush_page(CPUState *c, uint32_t lin); /* INVLPG */
/* Checks the paging bits of CR0/CR4 against those the TLB was filled under
 * and flushes on a change (called from cpu_update_mode and CR4 writes). */
void tlb_check_mode(CPUState *c);
/* Translates the page of lin for an access of kind acc (raising #PF) and
 * returns the TLB entry. */
TLBEntry *tlb_lookup(CPUState *c, uint32_t lin, int acc);
/* A page now holds cached code: stop fast-path writes to it. */
void tlb_code_page(CPUState *c, uint64_t ppage);

NORETURN void seg_fault(CPUState *c, int s);
/* Segment check: returns the linear address of [off, off+size). */
static inline uint32_t seg_lin(CPUState *c, int s, uint32_t off, unsigned size,
                               int write)
{
    const SegCache *sc = &c->seg[s];
    /* rd/wr, off >= lo, off + size - 1 <= hi and no wrap, in one test */
    if (unlikely((int64_t)(uint32_t)(off - sc->lo) + (int64_t)(size - 1) >
                 (write ? sc->lim_w : sc->lim_r)))
        seg_fault(c, s);
    return sc->base + off;
}
static inline uint32_t mem_read(CPUState *c, int s, uint32_t off,
                                unsigned size)
{
    return lin_read(c, seg_lin(c, s, off, size, 0), size);
}
static inline void mem_write(CPUState *c, int s, uint32_t off, uint32_t v,
                             unsigned size)
{
    lin_write(c, seg_lin(c, s, off, size, 1), v, size);
}

/* Effective address of the ModRM memory operand. */
static inline uint32_t insn_ea(const CPUState *c, const Insn *i)
{
    /* NOREG reads regs[NOREG] == 0 (and an absent index has scale 0). */
    uint32_t a = i->disp + c->regs[i->base] + (c->regs[i->index] << i->scale);
    return i->asz ? a : (a & 0xFFFF);
}
/* Reads/writes the r/m operand (register or memory). */
static inline uint32_t rm_read(CPUState *c, const Insn *i, unsigned size)
{
    if (i->mod == 3)
        return reg_read(c, i->rm, size);
    return mem_read(c, i->seg, insn_ea(c, i), size);
}
static inline void rm_write(CPUState *c, const Insn *i, uint32_t v,
                            unsigned size)
{
    if (i->mod == 3)
        reg_write(c, i->rm, v, size);
    else
        mem_write(c, i->seg, insn_ea(c, i), v, size);
}

/* Read-modify-write of the r/m operand: rmw_begin checks write access and
 * returns the old value and the linear address for rmw_end. */
static inline uint32_t rmw_begin(CPUState *c, const Insn *i, unsigned size,
                                 uint32_t *lin)
{
    if (i->mod == 3)
        return reg_read(c, i->rm, size);
    *lin = seg_lin(c, i->seg, insn_ea(c, i), size, 1);
    if (unlikely(c->slow_mem))
        lin_probe_write(c, *lin, size);
    return lin_read(c, *lin, size);
}
static inline void rmw_end(CPUState *c, const Insn *i, uint32_t lin,
                           uint32_t v, unsigned size)
{
    if (i->mod == 3)
        reg_write(c, i->rm, v, size);
    else
        lin_write(c, lin, v, size);
}

/* ---- stack (stack.c) --------------------------------------------------------- */
static inline uint32_t sp_mask(const CPUState *c)
{
    return c->ss32 ? 0xFFFFFFFFu : 0xFFFFu;
}
void push(CPUState *c, uint32_t v, unsigned size);
uint32_t pop(CPUState *c, unsigned size);
/* Reads the stack at ESP+off without changing ESP. */
uint32_t stack_peek(CPUState *c, uint32_t off, unsigned size);
static inline void set_esp(CPUState *c, uint32_t v)
{
    if (c->ss32)
        c->regs[R_ESP] = v;
    else
        c->regs[R_ESP] = (c->regs[R_ESP] & 0xFFFF0000u) | (v & 0xFFFF);
}

/* ---- segments (seg.c) -------------------------------------------------------- */
void seg_load_real(CPUState *c, int s, uint16_t sel); /* real and V86 */
void seg_set_cache(CPUState *c, int s, uint16_t sel, uint32_t base,
                   uint32_t limit, uint16_t ar);
/* MOV/POP/LDS...: loads a data segment or SS with protected-mode checks. */
void seg_load(CPUState *c, int s, uint16_t sel);
/* Reads the 8-byte descriptor of sel from the GDT/LDT.  Returns 0, or -1 if
 * the selector is beyond the table limit. */
int desc_read(CPUState *c, uint16_t sel, uint32_t *lo, uint32_t *hi);
void desc_write_hi(CPUState *c, uint16_t sel, uint32_t hi);
uint32_t desc_base(uint32_t lo, uint32_t hi);
uint32_t desc_limit(uint32_t lo, uint32_t hi);
static inline uint16_t desc_ar(uint32_t hi) { return (hi >> 8) & 0xF0FF; }
void seg_load_desc(CPUState *c, int s, uint16_t sel, uint32_t lo, uint32_t hi);
void cpu_update_mode(CPUState *c); /* recompute code32/ss32/pm/slow_mem */
/* Loads CS for a far transfer after all checks passed. */
void seg_load_cs(CPUState *c, uint16_t sel, uint32_t lo, uint32_t hi, int cpl);
/* Invalidates DS/ES/FS/GS not accessible at the new CPL (RET/IRET outward). */
void seg_validate_after_ret(CPUState *c);

/* ---- control transfer (ctrl.c, interrupt.c, task.c) --------------------------- */
void far_jump(CPUState *c, uint16_t sel, uint32_t off, int osz);
void far_call(CPUState *c, uint16_t sel, uint32_t off, int osz);
void far_ret(CPUState *c, int osz, uint16_t extra);
void do_iret(CPUState *c, int osz);
enum { INT_HW = 0, INT_SOFT = 1, INT_EXC = 2, INT_ICEBP = 3 };
/* Delivers interrupt/exception vec.  kind INT_SOFT applies gate-DPL checks. */
void do_interrupt(CPUState *c, int vec, int kind, int has_err, uint32_t err);
enum { TS_JMP, TS_CALL, TS_IRET, TS_INT };
void task_switch(CPUState *c, uint16_t sel, uint32_t lo, uint32_t hi,
                 int reason, int has_err, uint32_t err);
void set_cpl(CPUState *c, int cpl);

/* ---- misc (system.c) ---------------------------------------------------------- */
void io_check(CPUState *c, uint16_t port, unsigned size);
uint32_t io_in(CPUState *c, uint16_t port, unsigned size);
void io_out(CPUState *c, uint16_t port, uint32_t v, unsigned size);
void cpu_set_cr0(CPUState *c, uint32_t v);
void cpu_set_cr4(CPUState *c, uint32_t v);
void cpu_set_cr3(CPUState *c, uint32_t v);
int iopl_ok(const CPUState *c); /* CPL <= IOPL (and not V86 with IOPL<3) */
static inline int iopl(const CPUState *c) { return (c->eflags >> 12) & 3; }
void dr_check_data(CPUState *c, uint32_t lin, unsigned size, int write);

/* ---- decoder (decode.c) --------------------------------------------------------- */
/* Decodes at CS:EIP into *i.  Raises #GP/#PF on fetch faults, #UD on
 * invalid opcodes. */
void decode_insn(CPUState *c, Insn *i);
/* The instruction at CS:EIP through the decoded-instruction cache:
 * fetch_insn is the inline hit path, fetch_insn_slow everything else
 * (TLB miss, cache miss, stale page, CS limit cases). */
Insn *fetch_insn_slow(CPUState *c, Insn *scratch);
/* Direct-mapped by the low address bits: consecutive instructions land in
 * neighbouring entries, which keeps straight-line code cache friendly. */
static inline unsigned ic_hash(uint32_t pa)
{
    return pa & (ICACHE_SIZE - 1);
}
static inline Insn *fetch_insn(CPUState *c, Insn *scratch)
{
    const SegCache *cs = &c->seg[S_CS];
    uint32_t eip = c->eip;
    uint32_t lin = cs->base + eip;
    const TLBEntry *e = &c->tlb[c->cpl == 3][(lin >> 12) & TLB_MASK];
    if (likely(e->tag_x == (lin & ~0xFFFu))) {
        uint64_t pa = e->ppage | (lin & 0xFFFu);
        ICEntry *ic = &c->icache[ic_hash((uint32_t)pa)];
        if (likely(ic->pa == (uint32_t)pa && pa < c->fast->code_limit &&
                   ic->mode == (uint8_t)(c->code32 | (c->model286 << 1)) &&
                   ic->ver == c->fast->code_ver[pa >> 12])) {
            uint32_t last = eip + ic->insn.len - 1;
            if (likely(eip >= cs->lo && last <= cs->hi && last >= eip &&
                       (c->code32 || last <= 0xFFFF))) {
                c->stats.icache_hits++;
                return &ic->insn;
            }
        }
    }
    return fetch_insn_slow(c, scratch);
}
void icache_flush(CPUState *c);
/* Decodes the block starting at physical address pa (host bytes at page +
 * offset) into *b.  Returns the number of instructions (0: the first one
 * cannot go in a block; execute it singly). */
int block_build(CPUState *c, Block *b, const uint8_t *page, uint64_t pa);
static inline unsigned bc_hash(uint32_t pa)
{
    return (pa * 0x9E3779B1u) >> (32 - BCACHE_BITS);
}
/* Fills in the decoded fields from a byte buffer; returns the length, 0 for
 * #UD, -1 for >15 bytes, -2 for more bytes needed. */
int decode_buf(const uint8_t *b, int n, int code32, Insn *i);

/* ---- handler tables (one per family file) --------------------------------------- */
extern const InsnFn handler_table[512];
#define HANDLER(name) void name(CPUState *c, Insn *i)

#endif

/* ---- shared by ctrl.c / interrupt.c / task.c ---- */
#ifndef X86PC_CPU_INTERNAL_SHARED
#define X86PC_CPU_INTERNAL_SHARED
void tss_stack(CPUState *c, int dpl, uint16_t *ss, uint32_t *esp);
void check_new_ss(CPUState *c, uint16_t ss, int dpl, uint32_t *lo, uint32_t *hi);
void push_to(CPUState *c, const SegCache *ss, int ss32, uint32_t *esp,
             uint32_t v, unsigned size, uint32_t err);
void ret_check_cs(CPUState *c, uint16_t sel, uint32_t *lo, uint32_t *hi);
void ret_check_ss(CPUState *c, uint16_t ss, unsigned rpl, uint32_t *lo, uint32_t *hi);
#endif
