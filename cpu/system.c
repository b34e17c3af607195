/* System instructions: descriptor-table registers, LLDT/LTR, LAR/LSL,
 * VERR/VERW, ARPL, control and debug registers, MSRs, CPUID, RDTSC,
 * SYSENTER/SYSEXIT, HLT, CLI/STI, flag operations and port I/O with the
 * IOPL / I/O-permission-bitmap checks. */
#include "cpu/handlers.h"

/* ---- CPU model ------------------------------------------------------------
 * A P6-family core with an x87 FPU (cpu/fpu.c), MMX (cpu/mmx.c) and
 * SSE/SSE2 (cpu/sse.c), identified as family 6 model 13 stepping 8 (the
 * Pentium M "Dothan", the P6 that brought SSE2, PAE and NX together), with
 * the brand string "x86pc virtual CPU".  CPUID claims only what is
 * implemented:
 *   EDX bit 0 FPU, 2 DE, 3 PSE, 4 TSC, 5 MSR, 6 PAE, 8 CX8, 11 SEP, 13 PGE,
 *   15 CMOV (FCMOVcc/FCOMI included: CMOV+FPU), 19 CLFSH, 23 MMX, 24 FXSR,
 *   25 SSE, 26 SSE2; EBX[15:8] = 8: CLFLUSH line size 64 bytes
 * (no VME, MCE, APIC, MTRR, MCA, PAT, SSE3 until they exist). */
#define CPUID_EDX ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | \
                   (1u << 6) | (1u << 8) | (1u << 11) | (1u << 13) | (1u << 15) | \
                   (1u << 19) | (1u << 23) | (1u << 24) | (1u << 25) | (1u << 26))
/* ECX bit 30 RDRAND (deterministic: see op_cmpxchg8b in dataxfer.c). */
#define CPUID_ECX (1u << 30)
#define CPUID_SIGNATURE 0x06D8u /* family 6, model 13, stepping 8 */
#define CR4_VALID (CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCE | \
                   CR4_OSFXSR | CR4_OSXMMEXCPT)

static void need_pm(CPUState *c)
{
    if (!c->pm)
        EXC_UD(c);
}
static void need_cpl0(CPUState *c)
{
    if (c->cpl != 0)
        EXC_GP(c, 0);
}

int iopl_ok(const CPUState *c)
{
    if (!(c->cr0 & CR0_PE))
        return 1;
    if (c->eflags & F_VM)
        return 0;
    return c->cpl <= iopl(c);
}

/* I/O permission: CPL <= IOPL, else (and always in V86 mode) the TSS I/O
 * bitmap must clear every bit of the accessed ports (SDM Vol. 1 §18.5). */
void io_check(CPUState *c, uint16_t port, unsigned size)
{
    const SegCache *tr = &c->seg[S_TR];
    uint32_t base, off, bits;
    if (iopl_ok(c))
        return;
    if ((tr->ar & 0xF) != 0xB && (tr->ar & 0xF) != 0x9)
        EXC_GP(c, 0);
    if (tr->limit < 0x67)
        EXC_GP(c, 0);
    base = sys_read(c, tr->base + 0x66, 2);
    off = base + (port >> 3);
    if (off + 1 > tr->limit)
        EXC_GP(c, 0);
    bits = sys_read(c, tr->base + off, 2);
    if ((bits >> (port & 7)) & ((1u << size) - 1))
        EXC_GP(c, 0);
}

uint32_t io_in(CPUState *c, uint16_t port, unsigned size)
{
    if (!c->host.io_read)
        return size_mask(size);
    return c->host.io_read(c->host.opaque, port, size) & size_mask(size);
}

void io_out(CPUState *c, uint16_t port, uint32_t v, unsigned size)
{
    if (c->host.io_write)
        c->host.io_write(c->host.opaque, port, v & size_mask(size), size);
}

/* E4 IN AL,Ib; E5 IN eAX,Ib; EC IN AL,DX; ED IN eAX,DX */
HANDLER(op_in)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint16_t port = (i->op & 8) ? (uint16_t)c->regs[R_EDX] : (uint16_t)(i->imm & 0xFF);
    io_check(c, port, size);
    reg_write(c, R_EAX, io_in(c, port, size), size);
}

HANDLER(op_out)
{
    unsigned size = (i->op & 1) ? opsize(i) : 1;
    uint16_t port = (i->op & 8) ? (uint16_t)c->regs[R_EDX] : (uint16_t)(i->imm & 0xFF);
    io_check(c, port, size);
    io_out(c, port, reg_read(c, R_EAX, size), size);
}

HANDLER(op_hlt)
{
    if (c->pm)
        need_cpl0(c);
    else if (c->eflags & F_VM)
        EXC_GP(c, 0);
    c->halted = 1;
}

/* CLI/STI: CPL <= IOPL; in V86 mode (CPL 3) that means IOPL = 3. */
static int cli_sti_ok(const CPUState *c)
{
    if (!(c->cr0 & CR0_PE))
        return 1;
    return c->cpl <= iopl(c);
}

HANDLER(op_cli)
{
    if (!cli_sti_ok(c))
        EXC_GP(c, 0);
    c->eflags &= ~F_IF;
}

HANDLER(op_sti)
{
    if (!cli_sti_ok(c))
        EXC_GP(c, 0);
    if (!(c->eflags & F_IF))
        c->inhibit_irq = 1;
    c->eflags |= F_IF;
}

/* F5 CMC, F8 CLC, F9 STC, FC CLD, FD STD */
HANDLER(op_flagop)
{
    uint32_t f = cpu_eflags(c);
    switch (i->op) {
    case 0xF5: f ^= F_CF; break;
    case 0xF8: f &= ~F_CF; break;
    case 0xF9: f |= F_CF; break;
    case 0xFC: f &= ~F_DF; break;
    default: f |= F_DF; break;
    }
    c->eflags = f;
}

HANDLER(op_ud2) { EXC_UD(c); }

HANDLER(op_invd)
{
    if (c->pm)
        need_cpl0(c);
}

/* ---- descriptor tables ------------------------------------------------------ */
static int desc_visible(CPUState *c, uint16_t sel, uint32_t hi)
{
    uint16_t ar = desc_ar(hi);
    unsigned dpl = AR_DPL_OF(ar);
    if ((ar & AR_S) && (ar & AR_CODE) && (ar & AR_CONF))
        return 1;
    return dpl >= c->cpl && dpl >= (sel & 3u);
}

HANDLER(op_grp6)
{
    uint16_t sel;
    uint32_t lo, hi;
    uint16_t ar;
    need_pm(c);
    switch (i->reg) {
    case 0: /* SLDT */
    case 1: /* STR */
        sel = c->seg[i->reg == 0 ? S_LDTR : S_TR].sel;
        if (i->mod == 3)
            reg_write(c, i->rm, sel, opsize(i));
        else
            rm_write(c, i, sel, 2);
        return;
    case 2: /* LLDT */
        need_cpl0(c);
        sel = (uint16_t)rm_read(c, i, 2);
        if ((sel & 0xFFFC) == 0) {
            seg_set_cache(c, S_LDTR, sel, 0, 0, 0);
            return;
        }
        if ((sel & 4) || desc_read(c, sel, &lo, &hi))
            EXC_GP(c, sel & 0xFFFC);
        ar = desc_ar(hi);
        if ((ar & 0x1F) != 0x02)
            EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
        seg_load_desc(c, S_LDTR, sel, lo, hi);
        return;
    case 3: /* LTR */
        need_cpl0(c);
        sel = (uint16_t)rm_read(c, i, 2);
        if ((sel & 0xFFFC) == 0)
            EXC_GP(c, 0);
        if ((sel & 4) || desc_read(c, sel, &lo, &hi))
            EXC_GP(c, sel & 0xFFFC);
        ar = desc_ar(hi);
        if ((ar & 0x1F) != 0x01 && (ar & 0x1F) != 0x09)
            EXC_GP(c, sel & 0xFFFC);
        if (!(ar & AR_P))
            cpu_raise(c, EX_NP, sel & 0xFFFC);
        hi |= 0x200;
        desc_write_hi(c, sel, hi);
        seg_load_desc(c, S_TR, sel, lo, hi);
        return;
    case 4: /* VERR */
    case 5: { /* VERW */
        int ok = 0;
        sel = (uint16_t)rm_read(c, i, 2);
        if ((sel & 0xFFFC) && desc_read(c, sel, &lo, &hi) == 0) {
            ar = desc_ar(hi);
            if ((ar & AR_S) && desc_visible(c, sel, hi)) {
                if (i->reg == 4)
                    ok = !(ar & AR_CODE) || (ar & AR_RW);
                else
                    ok = !(ar & AR_CODE) && (ar & AR_RW);
            }
        }
        flags_set_arith(c, ok ? (cpu_eflags(c) | F_ZF) : (cpu_eflags(c) & ~F_ZF));
        return;
    }
    }
    EXC_UD(c);
}

HANDLER(op_grp7)
{
    uint32_t ea, base, limit;
    switch (i->reg) {
    case 0: /* SGDT */
    case 1: /* SIDT */
        if (i->mod == 3)
            EXC_UD(c);
        ea = insn_ea(c, i);
        base = i->reg == 0 ? c->gdtr.base : c->idtr.base;
        limit = i->reg == 0 ? c->gdtr.limit : c->idtr.limit;
        if (!i->osz)
            base &= 0x00FFFFFF;
        mem_write(c, i->seg, ea, limit, 2);
        mem_write(c, i->seg, (ea + 2) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), base, 4);
        return;
    case 2: /* LGDT */
    case 3: /* LIDT */
        if (i->mod == 3)
            EXC_UD(c);
        if ((c->cr0 & CR0_PE) && (c->cpl != 0 || (c->eflags & F_VM)))
            EXC_GP(c, 0);
        ea = insn_ea(c, i);
        limit = mem_read(c, i->seg, ea, 2);
        base = mem_read(c, i->seg, (ea + 2) & (i->asz ? 0xFFFFFFFFu : 0xFFFFu), 4);
        if (!i->osz)
            base &= 0x00FFFFFF;
        if (i->reg == 2) {
            c->gdtr.base = base;
            c->gdtr.limit = (uint16_t)limit;
        } else {
            c->idtr.base = base;
            c->idtr.limit = (uint16_t)limit;
        }
        return;
    case 4: /* SMSW: a register gets all of CR0 with a 32-bit operand */
        if (i->mod == 3)
            reg_write(c, i->rm, c->cr0, opsize(i));
        else
            rm_write(c, i, c->cr0 & 0xFFFF, 2);
        return;
    case 6: { /* LMSW: PE can be set, not cleared */
        uint32_t v;
        if ((c->cr0 & CR0_PE) && (c->cpl != 0 || (c->eflags & F_VM)))
            EXC_GP(c, 0);
        v = rm_read(c, i, 2) & 0xF;
        if (c->cr0 & CR0_PE)
            v |= CR0_PE;
        cpu_set_cr0(c, (c->cr0 & ~0xEu) | v);
        return;
    }
    case 7: /* INVLPG */
        if (i->mod == 3)
            EXC_UD(c);
        if ((c->cr0 & CR0_PE) && (c->cpl != 0 || (c->eflags & F_VM)))
            EXC_GP(c, 0);
        tlb_flush_page(c, c->seg[i->seg].base + insn_ea(c, i));
        return;
    }
    EXC_UD(c);
}

/* LAR/LSL: ZF=1 and the result if the descriptor is visible and of an
 * accepted type, else ZF=0 and the destination unchanged. */
static int lar_lsl(CPUState *c, Insn *i, int lsl, uint32_t *out)
{
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    uint32_t lo, hi;
    uint16_t ar;
    need_pm(c);
    if ((sel & 0xFFFC) == 0 || desc_read(c, sel, &lo, &hi))
        return 0;
    ar = desc_ar(hi);
    if (!(ar & AR_S)) {
        unsigned t = ar & 0xF;
        int ok = lsl ? (t == 1 || t == 2 || t == 3 || t == 9 || t == 11)
                     : (t == 1 || t == 2 || t == 3 || t == 4 || t == 5 ||
                        t == 9 || t == 11 || t == 12);
        if (!ok)
            return 0;
    }
    if (!desc_visible(c, sel, hi))
        return 0;
    *out = lsl ? desc_limit(lo, hi) : (hi & 0x00FFFF00u);
    return 1;
}

HANDLER(op_lar)
{
    uint32_t v;
    if (lar_lsl(c, i, 0, &v)) {
        reg_write(c, i->reg, i->osz ? v : (v & 0xFF00), opsize(i));
        flags_set_arith(c, cpu_eflags(c) | F_ZF);
    } else {
        flags_set_arith(c, cpu_eflags(c) & ~F_ZF);
    }
}

HANDLER(op_lsl)
{
    uint32_t v;
    if (lar_lsl(c, i, 1, &v)) {
        reg_write(c, i->reg, v, opsize(i));
        flags_set_arith(c, cpu_eflags(c) | F_ZF);
    } else {
        flags_set_arith(c, cpu_eflags(c) & ~F_ZF);
    }
}

HANDLER(op_arpl)
{
    uint32_t lin = 0, d, s;
    need_pm(c);
    d = rmw_begin(c, i, 2, &lin);
    s = reg_read(c, i->reg, 2);
    if ((d & 3) < (s & 3)) {
        rmw_end(c, i, lin, (d & ~3u) | (s & 3), 2);
        flags_set_arith(c, cpu_eflags(c) | F_ZF);
    } else {
        flags_set_arith(c, cpu_eflags(c) & ~F_ZF);
    }
}

HANDLER(op_clts)
{
    if (c->cr0 & CR0_PE) {
        if (c->eflags & F_VM)
            EXC_GP(c, 0);
        need_cpl0(c);
    }
    c->cr0 &= ~CR0_TS;
}

/* ---- control and debug registers -------------------------------------------- */
void cpu_set_cr0(CPUState *c, uint32_t v)
{
    if ((v & CR0_PG) && !(v & CR0_PE))
        EXC_GP(c, 0);
    if ((v & CR0_NW) && !(v & CR0_CD))
        EXC_GP(c, 0);
    c->cr0 = (v | CR0_ET) & (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET |
                             CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG);
    cpu_update_mode(c);
}

void cpu_set_cr4(CPUState *c, uint32_t v)
{
    if (v & ~CR4_VALID)
        EXC_GP(c, 0);
    c->cr4 = v;
    tlb_check_mode(c);
}

void cpu_set_cr3(CPUState *c, uint32_t v)
{
    c->cr3 = v;
    tlb_flush_nonglobal(c);
}

static void cr_dr_priv(CPUState *c)
{
    if (c->cr0 & CR0_PE) {
        if (c->eflags & F_VM)
            EXC_GP(c, 0);
        need_cpl0(c);
    }
}

HANDLER(op_mov_from_cr)
{
    uint32_t v;
    cr_dr_priv(c);
    switch (i->reg) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4: v = c->cr4; break;
    default: EXC_UD(c);
    }
    c->regs[i->rm] = v;
}

HANDLER(op_mov_to_cr)
{
    uint32_t v;
    if (i->reg == 1 || i->reg > 4)
        EXC_UD(c);
    cr_dr_priv(c);
    v = c->regs[i->rm];
    switch (i->reg) {
    case 0: cpu_set_cr0(c, v); break;
    case 2: c->cr2 = v; break;
    case 3: cpu_set_cr3(c, v); break;
    case 4: cpu_set_cr4(c, v); break;
    }
}

static int dr_index(CPUState *c, int n)
{
    if (n == 4 || n == 5) {
        if (c->cr4 & CR4_DE)
            EXC_UD(c);
        return n + 2;
    }
    return n;
}

static void dr_gd_check(CPUState *c)
{
    if (c->dr[7] & 0x2000) { /* GD: general detect */
        c->dr[7] &= ~0x2000u;
        c->dr[6] |= 0x2000;
        cpu_raise_noerr(c, EX_DB);
    }
}

HANDLER(op_mov_from_dr)
{
    int n;
    cr_dr_priv(c);
    n = dr_index(c, i->reg);
    dr_gd_check(c);
    c->regs[i->rm] = c->dr[n];
}

HANDLER(op_mov_to_dr)
{
    int n;
    uint32_t v;
    cr_dr_priv(c);
    n = dr_index(c, i->reg);
    dr_gd_check(c);
    v = c->regs[i->rm];
    if (n == 6)
        v = (v & 0xE00F) | 0xFFFF0FF0u;
    else if (n == 7)
        v = (v & 0xFFFF2FFFu) | 0x400;
    c->dr[n] = v;
    cpu_update_mode(c);
}

/* ---- MSRs, TSC, CPUID, SYSENTER ------------------------------------------------ */
/* The time-stamp counter: 1 GHz of virtual time when the board provides
 * its clock, else the retired-instruction count; c->tsc is the offset a
 * WRMSR to IA32_TIME_STAMP_COUNTER set. */
static uint64_t tsc_raw(CPUState *c)
{
    return c->host.clock_ns ? c->host.clock_ns(c->host.opaque) : c->icount;
}
static uint64_t tsc_now(CPUState *c) { return c->tsc + tsc_raw(c); }

static int msr_read(CPUState *c, uint32_t n, uint64_t *v)
{
    switch (n) {
    case 0x10: *v = tsc_now(c); return 1;
    case 0x1B: *v = c->apic_base; return 1;
    case 0x174: *v = c->sysenter_cs; return 1;
    case 0x175: *v = c->sysenter_esp; return 1;
    case 0x176: *v = c->sysenter_eip; return 1;
    case 0x8B: *v = 0; return 1; /* microcode signature */
    case 0xC0000080: *v = c->efer; return 1;
    case 0x1A0: *v = c->misc_enable; return 1; /* IA32_MISC_ENABLE */
    case 0x17: *v = 0; return 1; /* IA32_PLATFORM_ID: platform 0 */
    case 0xC1: case 0xC2: /* P6 performance counters: stored, never count */
        *v = c->perf_ctr[n - 0xC1];
        return 1;
    case 0x186: case 0x187: /* their event selects */
        *v = c->perf_sel[n - 0x186];
        return 1;
    }
    return 0;
}

static int msr_write(CPUState *c, uint32_t n, uint64_t v)
{
    switch (n) {
    case 0x10: c->tsc = v - tsc_raw(c); return 1;
    case 0x1B: c->apic_base = v; return 1;
    case 0x174: c->sysenter_cs = (uint32_t)v & 0xFFFF; return 1;
    case 0x175: c->sysenter_esp = (uint32_t)v; return 1;
    case 0x176: c->sysenter_eip = (uint32_t)v; return 1;
    case 0x8B: return 1;
    case 0xC0000080: /* EFER: only NXE (no SYSCALL, no long mode yet) */
        if (v & ~(uint64_t)EFER_NXE_BIT)
            return 0;
        c->efer = v;
        tlb_flush_all(c); /* NX changes what a walk grants */
        return 1;
    case 0x1A0: /* fast strings (bit 0) and the other enables: stored */
        c->misc_enable = v;
        return 1;
    case 0xC1: case 0xC2:
        c->perf_ctr[n - 0xC1] = v & 0xFFFFFFFFFFull; /* 40 bits */
        return 1;
    case 0x186: case 0x187:
        c->perf_sel[n - 0x186] = (uint32_t)v;
        return 1;
    }
    return 0;
}

HANDLER(op_rdmsr)
{
    uint64_t v;
    if ((c->cr0 & CR0_PE) && c->cpl != 0)
        EXC_GP(c, 0);
    if (!msr_read(c, c->regs[R_ECX], &v))
        EXC_GP(c, 0);
    c->regs[R_EAX] = (uint32_t)v;
    c->regs[R_EDX] = (uint32_t)(v >> 32);
}

HANDLER(op_wrmsr)
{
    if ((c->cr0 & CR0_PE) && c->cpl != 0)
        EXC_GP(c, 0);
    if (!msr_write(c, c->regs[R_ECX],
                   ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX]))
        EXC_GP(c, 0);
}

/* The TSC counts retired instructions: deterministic by construction. */
HANDLER(op_rdtsc)
{
    uint64_t t;
    if ((c->cr4 & CR4_TSD) && c->cpl != 0 && (c->cr0 & CR0_PE))
        EXC_GP(c, 0);
    t = tsc_now(c);
    c->regs[R_EAX] = (uint32_t)t;
    c->regs[R_EDX] = (uint32_t)(t >> 32);
}

HANDLER(op_rdpmc)
{
    if (c->regs[R_ECX] > 1 ||
        (!(c->cr4 & CR4_PCE) && c->cpl != 0 && (c->cr0 & CR0_PE)))
        EXC_GP(c, 0);
    c->regs[R_EAX] = c->regs[R_EDX] = 0;
}

HANDLER(op_cpuid)
{
    uint32_t leaf = c->regs[R_EAX];
    if (leaf == 0x80000000u) {
        c->regs[R_EAX] = 0x80000004u; /* highest extended leaf */
        c->regs[R_EBX] = c->regs[R_ECX] = c->regs[R_EDX] = 0;
        return;
    }
    if (leaf >= 0x80000002u && leaf <= 0x80000004u) {
        /* Brand string, 48 bytes, NUL padded. */
        static const char brand[48] = "x86pc virtual CPU";
        const char *p = brand + (leaf - 0x80000002u) * 16;
        for (int r = 0; r < 4; r++) {
            uint32_t v = 0;
            for (int b = 0; b < 4; b++)
                v |= (uint32_t)(uint8_t)p[r * 4 + b] << (8 * b);
            c->regs[r == 0 ? R_EAX : r == 1 ? R_EBX : r == 2 ? R_ECX : R_EDX] = v;
        }
        return;
    }
    if (leaf == 0x80000001u) {
        c->regs[R_EAX] = c->regs[R_EBX] = c->regs[R_ECX] = 0;
        c->regs[R_EDX] = 1u << 20; /* NX (EFER.NXE with PAE paging) */
        return;
    }
    if (leaf > 2)
        leaf = 2; /* beyond the maximum: the highest basic leaf (Intel) */
    switch (leaf) {
    case 0:
        c->regs[R_EAX] = 2;
        c->regs[R_EBX] = 0x756E6547; /* "Genu" */
        c->regs[R_EDX] = 0x49656E69; /* "ineI" */
        c->regs[R_ECX] = 0x6C65746E; /* "ntel" */
        break;
    case 1:
        c->regs[R_EAX] = CPUID_SIGNATURE;
        c->regs[R_EBX] = 0x0800; /* CLFLUSH line size: 8 * 8 bytes */
        c->regs[R_ECX] = CPUID_ECX;
        c->regs[R_EDX] = CPUID_EDX;
        break;
    default: /* cache descriptors: 0x01 ITLB, 0x02 ITLB 4M, 0x03 DTLB,
                0x43 512K L2, 0x08 16K I, 0x0C 16K D */
        c->regs[R_EAX] = 0x03020101;
        c->regs[R_EBX] = 0;
        c->regs[R_ECX] = 0;
        c->regs[R_EDX] = 0x0C040843;
        break;
    }
}

/* SYSENTER/SYSEXIT load flat segments derived from IA32_SYSENTER_CS. */
HANDLER(op_sysenter)
{
    uint16_t cs = (uint16_t)c->sysenter_cs;
    if (!(c->cr0 & CR0_PE) || (cs & 0xFFFC) == 0)
        EXC_GP(c, 0);
    c->eflags &= ~(F_VM | F_IF | F_RF);
    seg_set_cache(c, S_CS, cs & 0xFFFC, 0, 0xFFFFFFFFu, 0xCF9B & 0xF0FF);
    seg_set_cache(c, S_SS, (cs + 8) & 0xFFFC, 0, 0xFFFFFFFFu, 0xCF93 & 0xF0FF);
    c->cpl = 0;
    c->regs[R_ESP] = c->sysenter_esp;
    c->eip = c->sysenter_eip;
    cpu_update_mode(c);
}

HANDLER(op_sysexit)
{
    uint16_t cs = (uint16_t)c->sysenter_cs;
    if (!(c->cr0 & CR0_PE) || (c->eflags & F_VM) || c->cpl != 0 ||
        (cs & 0xFFFC) == 0)
        EXC_GP(c, 0);
    seg_set_cache(c, S_CS, (uint16_t)((cs + 16) | 3), 0, 0xFFFFFFFFu, 0xCFFB & 0xF0FF);
    seg_set_cache(c, S_SS, (uint16_t)((cs + 24) | 3), 0, 0xFFFFFFFFu, 0xCFF3 & 0xF0FF);
    c->cpl = 3;
    c->regs[R_ESP] = c->regs[R_ECX];
    c->eip = c->regs[R_EDX];
    cpu_update_mode(c);
}
