/* The PC board: memory map, port map, IRQ wiring and the run loop.
 *
 * Port map (only this file knows it):
 *   0x0080        POST code (always present)
 *   0x0092        system control port A: fast A20, fast reset
 *   0x00E9        debug console (when configured)
 *   0x03F8 IRQ4   COM1      0x02F8 IRQ3  COM2
 *   0x03E8 IRQ4   COM3      0x02E8 IRQ3  COM4
 *   iobase        isa-debug-exit (when configured; QEMU default 0x501)
 *
 * Memory map: RAM from 0 (with the PC hole at 0xA0000-0xFFFFF), the BIOS
 * ROM ending at 4 GiB and its last 128 KiB (or all of a smaller image)
 * ending at 1 MiB, as on QEMU's pc machine.
 *
 * There is no interrupt controller yet: IRQ lines are recorded in
 * irq_levels but reach nothing, and the CPU's INTR input stays low.  A CPU
 * halted with IF=1 can therefore never wake; after HALT_GIVE_UP_MS of wall
 * time in that state the run ends as if interrupts were disabled.  Once the
 * board has a device that can interrupt the CPU, has_intr_source() becomes
 * true and the board waits for it instead. */
#include "devices/pc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu.h"
#include "devices/bus.h"
#include "devices/debugport.h"
#include "devices/port92.h"
#include "devices/serial.h"
#include "memory/mem.h"

#define SLICE_INSNS 100000
#define IDLE_WAIT_MS 10
#define HALT_GIVE_UP_MS 1000

static const uint16_t serial_base[PC_MAX_SERIAL] = {0x3F8, 0x2F8, 0x3E8,
                                                    0x2E8};
static const int serial_irq[PC_MAX_SERIAL] = {4, 3, 4, 3};

typedef struct PCSerialPort {
    struct PC *pc;
    SerialState *uart;
    PCChar chr;
    int irq;
} PCSerialPort;

struct PC {
    PCConfig cfg;
    PhysMem *mem;
    IOBus *bus;
    CPUState *cpu;
    DebugCon *debugcon;
    PostCode *postcode;
    DebugExit *debugexit;
    Port92 *port92;
    PCSerialPort serial[PC_MAX_SERIAL];
    uint16_t irq_levels; /* bit n: ISA IRQ line n asserted */
    int exit_requested, exit_status;
    int reset_requested;
    unsigned resets; /* guest-caused resets so far */
    int cpu_stop;    /* CPU_STOP_* of the last slice (pc_cpu_stop) */
};

/* ------------------------------------------------------------ callbacks */

static void chr_write(void *opaque, uint8_t byte)
{
    PCChar *c = opaque;
    if (c->write)
        c->write(c->opaque, byte);
}

static void board_log(PC *pc, const char *line)
{
    if (pc->cfg.log)
        pc->cfg.log(pc->cfg.host, line);
}

static void board_set_irq(PC *pc, int line, int level)
{
    if (level)
        pc->irq_levels |= (uint16_t)(1u << line);
    else
        pc->irq_levels &= (uint16_t)~(1u << line);
    /* No 8259 yet: the line is recorded and goes no further. */
}

static void serial_irq_cb(void *opaque, int level)
{
    PCSerialPort *p = opaque;
    board_set_irq(p->pc, p->irq, level);
}

static void serial_tx_cb(void *opaque, uint8_t byte)
{
    PCSerialPort *p = opaque;
    chr_write(&p->chr, byte);
}

static void debug_exit_cb(void *opaque, int status)
{
    PC *pc = opaque;
    if (!pc->exit_requested) {
        pc->exit_requested = 1;
        pc->exit_status = status;
    }
    cpu_request_stop(pc->cpu);
}

static void a20_cb(void *opaque, int enabled)
{
    PC *pc = opaque;
    phys_set_a20(pc->mem, enabled);
}

static void reset_cb(void *opaque)
{
    PC *pc = opaque;
    pc->reset_requested = 1;
    cpu_request_stop(pc->cpu);
}

static uint32_t host_io_read(void *opaque, uint16_t port, unsigned size)
{
    PC *pc = opaque;
    return iobus_read(pc->bus, port, size);
}

static void host_io_write(void *opaque, uint16_t port, uint32_t val,
                          unsigned size)
{
    PC *pc = opaque;
    iobus_write(pc->bus, port, val, size);
}

static int host_intr_ack(void *opaque)
{
    /* Unreachable while INTR is never raised; a PIC would supply the
     * vector.  0x0F is what an 8259 with the BIOS's base gives for a
     * spurious IRQ7. */
    return 0x0F;
}

/* ------------------------------------------------------------ build */

/* Device reset shared by power-on and guest-requested resets (the CPU
 * resets itself on a triple fault; cpu_reset() covers the rest). */
static void pc_reset_devices(PC *pc)
{
    phys_set_a20(pc->mem, 1);
    port92_reset(pc->port92);
    postcode_reset(pc->postcode);
    for (int i = 0; i < PC_MAX_SERIAL; i++)
        if (pc->serial[i].uart)
            serial_reset(pc->serial[i].uart);
}

static PC *fail(PC *pc, int *status, int code, char *err, size_t errlen,
                const char *fmt, unsigned a, unsigned b)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, a, b);
    if (status)
        *status = code;
    pc_free(pc);
    return NULL;
}

PC *pc_new(const PCConfig *cfg, char *err, size_t errlen, int *status)
{
    PC *pc = calloc(1, sizeof(*pc));
    if (!pc)
        return fail(NULL, status, 1, err, errlen, "out of memory", 0, 0);
    pc->cfg = *cfg;

    pc->mem = phys_new(cfg->ram_size, PHYS_LAYOUT_PC);
    if (!pc->mem)
        return fail(pc, status, 1, err, errlen,
                    "cannot allocate %u MiB of guest RAM",
                    (unsigned)(cfg->ram_size >> 20), 0);
    size_t sz = cfg->bios_size;
    if (sz != 64 * 1024 && sz != 128 * 1024 && sz != 256 * 1024)
        return fail(pc, status, 2, err, errlen,
                    "BIOS image is %u bytes; it must be 64, 128 or 256 KiB",
                    (unsigned)sz, 0);
    size_t low = sz > 128 * 1024 ? 128 * 1024 : sz;
    if (phys_add_rom(pc->mem, 0x100000000ull - sz, cfg->bios, sz) < 0 ||
        phys_add_rom(pc->mem, 0x100000 - low, cfg->bios + (sz - low), low) < 0)
        return fail(pc, status, 1, err, errlen,
                    "cannot map the BIOS ROM", 0, 0);

    pc->bus = iobus_new();
    if (!pc->bus)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    CPUHost host = {
        .opaque = pc,
        .io_read = host_io_read,
        .io_write = host_io_write,
        .intr_ack = host_intr_ack,
        .triple_fault = NULL,
    };
    pc->cpu = cpu_new(pc->mem, &host);
    if (!pc->cpu)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    cpu_set_no_reboot(pc->cpu, cfg->no_reboot);
    cpu_set_intr(pc->cpu, 0); /* no interrupt controller yet */

    pc->postcode = postcode_new(chr_write, &pc->cfg.postcode);
    Port92Ops p92 = {.opaque = pc, .a20 = a20_cb, .reset = reset_cb};
    pc->port92 = port92_new(&p92);
    if (!pc->postcode || !pc->port92)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (postcode_register(pc->postcode, pc->bus, 0x80) < 0 ||
        port92_register(pc->port92, pc->bus, 0x92) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);

    if (cfg->debugcon) {
        pc->debugcon = debugcon_new(chr_write, &pc->cfg.debugcon_chr);
        if (!pc->debugcon)
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        if (debugcon_register(pc->debugcon, pc->bus, 0xE9) < 0)
            return fail(pc, status, 2, err, errlen,
                        "-debugcon: port 0x%X is already in use", 0xE9, 0);
    }
    for (int i = 0; i < PC_MAX_SERIAL; i++) {
        PCSerialPort *p = &pc->serial[i];
        if (!cfg->serial[i].present)
            continue;
        p->pc = pc;
        p->chr = cfg->serial[i].chr;
        p->irq = serial_irq[i];
        SerialOps ops = {.opaque = p, .tx = serial_tx_cb, .irq = serial_irq_cb};
        p->uart = serial_new(&ops);
        if (!p->uart)
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        if (serial_register(p->uart, pc->bus, serial_base[i]) < 0)
            return fail(pc, status, 2, err, errlen,
                        "-serial: COM%u ports at 0x%X are already in use",
                        (unsigned)i + 1, serial_base[i]);
    }
    /* Last, so that a clash names the user's -device option. */
    if (cfg->debug_exit) {
        pc->debugexit = debugexit_new(debug_exit_cb, pc);
        if (!pc->debugexit)
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        if (debugexit_register(pc->debugexit, pc->bus, cfg->debug_exit_base,
                               cfg->debug_exit_size) < 0)
            return fail(pc, status, 2, err, errlen,
                        "-device isa-debug-exit: ports 0x%X-0x%X overlap "
                        "another device",
                        cfg->debug_exit_base,
                        cfg->debug_exit_base + cfg->debug_exit_size - 1);
    }
    pc_reset_devices(pc);
    return pc;
}

void pc_free(PC *pc)
{
    if (!pc)
        return;
    for (int i = 0; i < PC_MAX_SERIAL; i++)
        serial_free(pc->serial[i].uart);
    debugexit_free(pc->debugexit);
    debugcon_free(pc->debugcon);
    postcode_free(pc->postcode);
    port92_free(pc->port92);
    if (pc->cpu)
        cpu_free(pc->cpu);
    iobus_free(pc->bus);
    if (pc->mem)
        phys_free(pc->mem);
    free(pc);
}

CPUState *pc_cpu(PC *pc) { return pc->cpu; }
PhysMem *pc_mem(PC *pc) { return pc->mem; }
int pc_cpu_stop(const PC *pc) { return pc->cpu_stop; }

/* ------------------------------------------------------------ run loop */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Whether any device could ever raise the CPU's INTR line.  None can until
 * the board has an interrupt controller. */
static int has_intr_source(const PC *pc)
{
    return 0;
}

/* Moves pending host input into the UARTs, as far as their FIFOs allow. */
static void feed_serial_input(PC *pc)
{
    for (int i = 0; i < PC_MAX_SERIAL; i++) {
        PCSerialPort *p = &pc->serial[i];
        if (!p->uart || !p->chr.read)
            continue;
        while (serial_can_receive(p->uart)) {
            int b = p->chr.read(p->chr.opaque);
            if (b < 0)
                break;
            serial_receive(p->uart, (uint8_t)b);
        }
    }
}

static void where(PC *pc, char *buf, size_t len)
{
    CPUSeg cs;
    cpu_get_seg(pc->cpu, S_CS, &cs);
    snprintf(buf, len, "CS:EIP=%04X:%08X after %llu instructions",
             (unsigned)cs.sel, (unsigned)cpu_get_eip(pc->cpu),
             (unsigned long long)cpu_icount(pc->cpu));
}

int pc_run(PC *pc, char *msg, size_t msglen)
{
    char at[96];
    uint64_t halted_since = 0; /* 0: not in a wakeable halt */

    if (msglen)
        msg[0] = '\0';
    for (;;) {
        int r = cpu_run(pc->cpu, SLICE_INSNS);
        pc->cpu_stop = r;

        if (pc->exit_requested)
            return pc->exit_status;
        if (pc->reset_requested) {
            pc->reset_requested = 0;
            if (pc->cfg.no_reboot) {
                snprintf(msg, msglen,
                         "guest requested a reset; exiting (-no-reboot)");
                return 0;
            }
            if (pc->resets++ == 0)
                board_log(pc, "guest requested a reset; resetting");
            cpu_reset(pc->cpu);
            pc_reset_devices(pc);
            halted_since = 0;
            continue;
        }

        if (r == CPU_STOP_TRIPLE) {
            const char *rep = cpu_fault_report(pc->cpu);
            if (pc->cfg.no_reboot) {
                snprintf(msg, msglen, "%s", rep && *rep ? rep : "triple fault");
                for (char *p = msg; *p; p++)
                    if (*p == '\n' || *p == '\r')
                        *p = ' ';
                return 3;
            }
            if (pc->resets++ == 0) {
                char line[320];
                snprintf(line, sizeof(line), "%s; resetting (further resets "
                         "not reported)", rep && *rep ? rep : "triple fault");
                board_log(pc, line);
            }
            /* The CPU has reset itself; the rest of the board follows. */
            pc_reset_devices(pc);
            halted_since = 0;
        } else if (r == CPU_STOP_HLT) {
            if (!cpu_halt_can_wake(pc->cpu)) {
                where(pc, at, sizeof(at));
                snprintf(msg, msglen,
                         "CPU halted with interrupts disabled at %s", at);
                return 0;
            }
            uint64_t t = now_ms();
            if (!halted_since)
                halted_since = t ? t : 1;
            if (!has_intr_source(pc) && t - halted_since >= HALT_GIVE_UP_MS) {
                where(pc, at, sizeof(at));
                snprintf(msg, msglen,
                         "CPU halted with interrupts enabled, but no device "
                         "can raise one, at %s", at);
                return 0;
            }
            if (pc->cfg.idle)
                pc->cfg.idle(pc->cfg.host, IDLE_WAIT_MS);
        } else {
            halted_since = 0;
        }

        if (pc->cfg.poll && pc->cfg.poll(pc->cfg.host))
            return PC_EXIT_HOST;
        feed_serial_input(pc);
    }
}
