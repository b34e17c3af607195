/* The CPU's debugger hooks through the public API (cpu.h): the exec hook
 * stops before an instruction without executing it, the watch hook sees
 * linear data accesses and stops after the accessing instruction, a hit by
 * an instruction that faults is dropped and the stop lands on the
 * exception handler's first instruction, and XCHG BX,BX stops only with
 * the magic breakpoint on.  Real mode, code at 0100:0000 (linear 0x1000). */
#include <stdio.h>
#include <string.h>
#include "cpu/cpu.h"
#include "memory/mem.h"

static int failures, checks;

static void check(int ok, const char *what)
{
    checks++;
    if (!ok)
        failures++;
    printf("%s %s\n", ok ? "PASS" : "FAIL", what);
}

static const uint8_t prog[] = {
    0xB8, 0x34, 0x12,       /* 0: mov ax, 0x1234 */
    0xA3, 0x00, 0x20,       /* 3: mov [0x2000], ax */
    0x87, 0xDB,             /* 6: xchg bx, bx */
    0x40,                   /* 8: inc ax */
    0xA1, 0x02, 0x20,       /* 9: mov ax, [0x2002] */
    0xF7, 0x36, 0x04, 0x20, /* C: div word [0x2004]  (= 0: #DE) */
    0xF4,                   /* 10: hlt (not reached) */
};

static PhysMem *pm;

static CPUState *setup(void)
{
    static const uint8_t handler[] = {0x90, 0xF4}; /* 0300:0000 nop; hlt */
    static const uint8_t ivt0[] = {0x00, 0x00, 0x00, 0x03}; /* 0300:0000 */
    uint8_t zero[8] = {0};
    CPUState *c;
    pm = phys_new(1 << 20, PHYS_LAYOUT_FLAT);
    c = cpu_new(pm, NULL);
    cpu_write_linear(c, 0x1000, prog, sizeof prog);
    cpu_write_linear(c, 0x3000, handler, sizeof handler);
    cpu_write_linear(c, 0, ivt0, sizeof ivt0);
    cpu_write_linear(c, 0x2000, zero, sizeof zero);
    cpu_set_seg_real(c, S_CS, 0x100);
    cpu_set_seg_real(c, S_DS, 0);
    cpu_set_seg_real(c, S_SS, 0);
    cpu_set_reg(c, R_ESP, 0x8000);
    cpu_set_eip(c, 0);
    return c;
}

static void teardown(CPUState *c)
{
    cpu_free(c);
    phys_free(pm);
}

/* exec hook: log of addresses, stops at `stop_at` */
static uint32_t exec_log[32];
static int nexec;
static uint32_t stop_at;
static int exec_fn(void *opaque, uint32_t lin)
{
    (void)opaque;
    if (nexec < 32)
        exec_log[nexec++] = lin;
    return lin == stop_at;
}

/* watch hook: watches [waddr, waddr+wlen) for wwrite (1) / reads (0) */
static uint32_t waddr, wlen;
static int wwrite, nwatch;
static uint32_t hit_lin;
static unsigned hit_size;
static int watch_fn(void *opaque, uint32_t lin, unsigned size, int write)
{
    (void)opaque;
    if (write != wwrite || lin + size <= waddr || waddr + wlen <= lin)
        return 0;
    nwatch++;
    hit_lin = lin;
    hit_size = size;
    return 1;
}

int main(void)
{
    CPUState *c;
    uint8_t b[2];
    int r;

    /* exec hook: stop before the store, which must not have run */
    c = setup();
    nexec = 0;
    stop_at = 0x1003;
    cpu_set_exec_hook(c, exec_fn, NULL);
    r = cpu_run(c, 100);
    cpu_read_linear(c, 0x2000, b, 2);
    check(r == CPU_STOP_BREAK && cpu_get_eip(c) == 3, "exec hook stops at 0x1003");
    check(b[0] == 0 && b[1] == 0, "the instruction at the break did not run");
    check(nexec == 2 && exec_log[0] == 0x1000 && exec_log[1] == 0x1003,
          "exec hook saw 0x1000 then 0x1003");
    cpu_set_exec_hook(c, NULL, NULL);
    r = cpu_run(c, 1);
    cpu_read_linear(c, 0x2000, b, 2);
    check(r == CPU_STOP_LIMIT && b[0] == 0x34 && b[1] == 0x12,
          "without the hook the store runs");
    teardown(c);

    /* write watch on 0x2001 (1 byte): the word store at 0x2000 hits */
    c = setup();
    waddr = 0x2001, wlen = 1, wwrite = 1, nwatch = 0;
    cpu_set_watch_hook(c, watch_fn, NULL);
    r = cpu_run(c, 100);
    cpu_read_linear(c, 0x2000, b, 2);
    check(r == CPU_STOP_WATCH && cpu_get_eip(c) == 6,
          "write watch stops after the writing instruction");
    check(b[0] == 0x34 && b[1] == 0x12, "the write was done");
    check(nwatch == 1 && hit_lin == 0x2000 && hit_size == 2,
          "hook got linear 0x2000, size 2");
    teardown(c);

    /* magic breakpoint: off runs through, on stops after XCHG BX,BX */
    c = setup();
    cpu_set_magic_break(c, 1);
    r = cpu_run(c, 100);
    check(r == CPU_STOP_MAGIC && cpu_get_eip(c) == 8,
          "magic break stops after xchg bx,bx");
    teardown(c);
    c = setup();
    r = cpu_run(c, 4);
    check(r == CPU_STOP_LIMIT && cpu_get_eip(c) == 9,
          "without -magic-break xchg bx,bx is an ordinary instruction");
    teardown(c);

    /* read watch on 0x2002: mov ax,[0x2002] hits */
    c = setup();
    waddr = 0x2002, wlen = 2, wwrite = 0, nwatch = 0;
    cpu_set_watch_hook(c, watch_fn, NULL);
    r = cpu_run(c, 100);
    check(r == CPU_STOP_WATCH && cpu_get_eip(c) == 0xC && hit_lin == 0x2002,
          "read watch stops after mov ax,[0x2002]");
    /* read watch on 0x2004: the DIV reads it, then faults (#DE): the hit
     * is dropped and the handler runs to its HLT */
    waddr = 0x2004, wlen = 2, nwatch = 0;
    r = cpu_run(c, 100);
    CPUSeg cs;
    cpu_get_seg(c, S_CS, &cs);
    check(nwatch == 1 && r == CPU_STOP_HLT && cs.sel == 0x300,
          "a watch hit by a faulting instruction is dropped");
    teardown(c);

    /* exec hook after a fault: the next call is the handler's first
     * instruction (what a single step over a faulting instruction sees) */
    c = setup();
    cpu_set_eip(c, 0xC);
    nexec = 0;
    stop_at = 0x3000;
    cpu_set_exec_hook(c, exec_fn, NULL);
    r = cpu_run(c, 100);
    cpu_get_seg(c, S_CS, &cs);
    check(r == CPU_STOP_BREAK && nexec == 2 && exec_log[0] == 0x100C &&
              exec_log[1] == 0x3000 && cs.sel == 0x300 && cpu_get_eip(c) == 0,
          "after #DE the exec hook sees the handler's first instruction");
    teardown(c);

    printf("%d passed, %d failed\n", checks - failures, failures);
    return failures ? 1 : 0;
}
