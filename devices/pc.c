/* The PC board: memory map, port map, IRQ wiring and the run loop.
 *
 * Port map (only this file knows it):
 *   0x0000-0x000F 8237A DMA controller 1 (channels 0-3, 8-bit)
 *   0x0020-0x0021 master 8259 PIC (INT -> CPU INTR)
 *   0x0040-0x0043 8254 PIT (channel 0 OUT -> IRQ0)
 *   0x0061        system control port B (PIT channel 2 gate, speaker)
 *   0x0080        POST code (always present; the spare DMA page byte)
 *   0x0081-0x008F DMA page registers (0x81 is channel 2: the floppy)
 *   0x0092        system control port A: fast A20, fast reset
 *   0x00A0-0x00A1 slave 8259 PIC (INT -> master IR2)
 *   0x00C0-0x00DF 8237A DMA controller 2 (channels 4-7, 16-bit; 4 =
 *                 cascade)
 *   0x00E9        debug console (when configured)
 *   0x03F0-0x03F5, 0x03F7  82077AA floppy controller, IRQ6, DMA channel 2
 *   0x03F8 IRQ4   COM1      0x02F8 IRQ3  COM2
 *   0x03E8 IRQ4   COM3      0x02E8 IRQ3  COM4
 *   0x0402        second debug console (when configured: -debugcon2)
 *   0x04D0-0x04D1 ELCR (PIIX edge/level control of the PIC inputs)
 *   iobase        isa-debug-exit (when configured; QEMU default 0x501)
 *
 * Memory map: RAM from 0 (with the PC hole at 0xA0000-0xFFFFF), the BIOS
 * ROM ending at 4 GiB and its last 128 KiB (or all of a smaller image)
 * ending at 1 MiB, as on QEMU's pc machine.
 *
 * ISA IRQ lines go through board_set_irq() into the PIC pair; the PIC's
 * output is the CPU's INTR and its INTA cycle answers CPUHost.intr_ack.
 *
 * Time: one VClock (devices/vclock.h), host time by default or
 * instructions << shift ns with -icount.  The CPU runs in slices that end
 * at the next timer deadline (exactly, in icount mode; at most
 * RT_SLICE_INSNS in realtime mode); timers fire between slices, and a
 * device that arms an earlier timer from an I/O access in mid-slice ends
 * the slice through the clock's kick hook.  HLT with IF=1 skips to the next
 * deadline (icount: vclock_warp, deterministic) or sleeps until it
 * (realtime, through the front end's idle hook).  If every PIC input is
 * masked nothing can wake the CPU; after HALT_GIVE_UP_MS of wall time in
 * that state the run ends as if interrupts were disabled. */
#include "devices/pc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/cpu.h"
#include "devices/ata.h"
#include "devices/blockdev.h"
#include "devices/bus.h"
#include "devices/cmos_layout.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/fw_cfg.h"
#include "devices/kernel_cfg.h"
#include "devices/i440fx.h"
#include "devices/pci.h"
#include "devices/piix4_pm.h"
#include "devices/piix_ide.h"
#include "devices/vga_pci.h"
#include "devices/i8042.h"
#include "devices/rtc.h"
#include "devices/vga.h"
#include "devices/debugport.h"
#include "devices/hypercall.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port92.h"
#include "devices/serial.h"
#include "devices/vclock.h"
#include "memory/mem.h"
#include "devices/pc_internal.h"

/* Where the VGA linear frame buffer sits until the PCI VGA function maps
 * it through its BAR (QEMU's and Bochs' usual address). */
#define VGA_LFB_BASE 0xE0000000u
#define SLICE_INSNS 100000   /* longest slice (host polling interval) */
#define RT_SLICE_INSNS 20000 /* realtime mode: timer latency bound */
#define IDLE_WAIT_MS 10
#define HALT_GIVE_UP_MS 1000

static const uint16_t serial_base[PC_MAX_SERIAL] = {0x3F8, 0x2F8, 0x3E8,
                                                    0x2E8};
static const int serial_irq[PC_MAX_SERIAL] = {4, 3, 4, 3};


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
    if (line < 0 || line > 15)
        return;
    if (line == 2) /* the ISA bus's IRQ2 pin is wired to IRQ9 on the AT */
        line = 9;
    if (level)
        pc->irq_levels |= (uint16_t)(1u << line);
    else
        pc->irq_levels &= (uint16_t)~(1u << line);
    if (pc->pic)
        pic_set_irq(pc->pic, line,
                    ((pc->irq_levels | pc->pci_irq_levels) >> line) & 1);
}

/* ISA IRQ n as driven by the PIIX3 (PCI INTx through PIRQRC, the SCI):
 * ORed with the ISA devices on the same line. */
static void pci_isa_irq_cb(void *opaque, int n, int level)
{
    PC *pc = opaque;
    if (n < 0 || n > 15)
        return;
    if (level)
        pc->pci_irq_levels |= (uint16_t)(1u << n);
    else
        pc->pci_irq_levels &= (uint16_t)~(1u << n);
    if (pc->pic)
        pic_set_irq(pc->pic, n,
                    ((pc->irq_levels | pc->pci_irq_levels) >> n) & 1);
}

/* ACPI S5 (or S4) through the PIIX4 PM control register. */
static void poweroff_cb(void *opaque)
{
    PC *pc = opaque;
    pc->powered_off = 1;
    if (!pc->exit_requested) {
        pc->exit_requested = 1;
        pc->exit_status = 0;
    }
    cpu_request_stop(pc->cpu);
}

/* IRQLine target for devices given an IRQLine (n = ISA IRQ number). */
static void board_irq_line(void *opaque, int n, int level)
{
    board_set_irq(opaque, n, level);
}

static void pic_intr_cb(void *opaque, int n, int level)
{
    (void)n;
    PC *pc = opaque;
    cpu_set_intr(pc->cpu, level);
}

/* FERR# from the FPU (CR0.NE=0 error reporting) drives IRQ13. */
static void ferr_cb(void *opaque, int level)
{
    board_set_irq(opaque, 13, level);
}

/* Port F0h: any write clears the latched FPU error (lowers IRQ13). */
static uint32_t fpu_port_read(void *opaque, uint16_t port, unsigned size)
{
    (void)opaque;
    (void)port;
    (void)size;
    return 0xFF;
}
static void fpu_port_write(void *opaque, uint16_t port, uint32_t val,
                           unsigned size)
{
    (void)port;
    (void)val;
    (void)size;
    board_set_irq(opaque, 13, 0);
}

static void clock_kick(void *opaque)
{
    PC *pc = opaque;
    if (pc->in_slice)
        cpu_request_stop(pc->cpu);
}

static uint64_t clock_icount(void *opaque)
{
    PC *pc = opaque;
    return cpu_icount(pc->cpu);
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

/* The A20 gate follows the last write from either source (port 92h bit 1
 * or the i8042 output port), as on QEMU and Bochs, the references for our
 * guest tests. */
static void a20_update(PC *pc, int enabled)
{
    phys_set_a20(pc->mem, enabled);
}

static void a20_cb(void *opaque, int enabled)
{
    PC *pc = opaque;
    pc->a20_p92 = enabled != 0;
    a20_update(pc, enabled);
}

static void kbc_a20_cb(void *opaque, int enabled)
{
    PC *pc = opaque;
    pc->a20_kbc = enabled != 0;
    a20_update(pc, enabled);
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

static uint64_t host_clock_ns(void *opaque)
{
    PC *pc = opaque;
    return pc->clk ? vclock_now(pc->clk) : 0;
}

static int host_intr_ack(void *opaque)
{
    PC *pc = opaque;
    return pic_ack(pc->pic);
}

/* Floppy controller <-> DMA channel 2 (the board wires them; neither
 * knows the other). */
#define FDC_DMA_CHANNEL 2
static void fdc_dreq_cb(void *opaque, int level)
{
    PC *pc = opaque;
    dma_set_dreq(pc->dma, FDC_DMA_CHANNEL, level);
}
static size_t fdc_dma_wr_cb(void *opaque, const void *buf, size_t len,
                            int *tc)
{
    PC *pc = opaque;
    return dma_write_memory(pc->dma, FDC_DMA_CHANNEL, buf, len, tc);
}
static size_t fdc_dma_rd_cb(void *opaque, void *buf, size_t len, int *tc)
{
    PC *pc = opaque;
    return dma_read_memory(pc->dma, FDC_DMA_CHANNEL, buf, len, tc);
}
static void fdc_dack_cb(void *opaque, unsigned ch)
{
    PC *pc = opaque;
    (void)ch;
    fdc_dma_service(pc->fdc);
}

/* -d unimp: the first access to each port that no device answers. */
static void unassigned_cb(void *opaque, uint16_t port, int write,
                          uint8_t val)
{
    PC *pc = opaque;
    uint8_t bit = (uint8_t)(1u << (port & 7));
    if (pc->unimp_seen[port >> 3] & bit)
        return;
    pc->unimp_seen[port >> 3] |= bit;
    char line[96];
    if (write)
        snprintf(line, sizeof(line), "unassigned I/O port 0x%04X: write "
                 "0x%02X (further accesses not reported)", port, val);
    else
        snprintf(line, sizeof(line), "unassigned I/O port 0x%04X: read "
                 "(further accesses not reported)", port);
    board_log(pc, line);
}

/* ------------------------------------------------------------ build */

/* Device reset shared by power-on and guest-requested resets (the CPU
 * resets itself on a triple fault; cpu_reset() covers the rest). */
static void pc_reset_devices(PC *pc)
{
    /* A20 at power-on: the i8042 output port (CF) has it enabled. */
    pc->a20_kbc = 1;
    pc->a20_p92 = 0;
    a20_update(pc, 1);
    port92_reset(pc->port92);
    if (pc->hcall)
        hypercall_reset(pc->hcall);
    if (pc->rtc)
        rtc_reset(pc->rtc);
    if (pc->kbc)
        i8042_reset(pc->kbc);
    if (pc->vga)
        vga_reset(pc->vga);
    for (int c = 0; c < 2; c++)
        if (pc->ide[c])
            ata_reset(pc->ide[c]);
    if (pc->fwcfg)
        fw_cfg_reset(pc->fwcfg);
    if (pc->pci) {
        pci_bus_reset(pc->pci);
        i440fx_reset(pc->i440fx); /* PAM back to ROM */
        piix3_reset(pc->piix3);
        piix4pm_reset(pc->pm);
        piix_ide_reset(pc->ide_pci);
        vga_pci_reset(pc->vga_pci);
        /* The LFB's power-on address, until firmware programs BAR0. */
        vga_map_lfb(pc->vga, pc->mem, VGA_LFB_BASE);
    }
    if (pc->dma)
        dma_reset(pc->dma);
    if (pc->fdc)
        fdc_reset(pc->fdc);
    postcode_reset(pc->postcode);
    pic_reset(pc->pic);
    pit_reset(pc->pit);
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
    if (cfg->vgabios_size > 128 * 1024)
        return fail(pc, status, 2, err, errlen,
                    "VGA BIOS image is %u bytes; at most 128 KiB fit at "
                    "0xC0000", (unsigned)cfg->vgabios_size, 0);
    if (cfg->vgabios && cfg->vgabios_size &&
        phys_add_rom(pc->mem, 0xC0000, cfg->vgabios, cfg->vgabios_size) < 0)
        return fail(pc, status, 1, err, errlen,
                    "cannot map the VGA BIOS ROM", 0, 0);

    pc->bus = iobus_new();
    if (!pc->bus)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    CPUHost host = {
        .opaque = pc,
        .io_read = host_io_read,
        .io_write = host_io_write,
        .intr_ack = host_intr_ack,
        .clock_ns = host_clock_ns,
        .triple_fault = NULL,
    };
    pc->cpu = cpu_new(pc->mem, &host);
    if (!pc->cpu)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    cpu_set_no_reboot(pc->cpu, cfg->no_reboot);
    cpu_set_ferr_hook(pc->cpu, ferr_cb, pc);
    cpu_set_intr(pc->cpu, 0);

    int icount = cfg->clock == PC_CLOCK_ICOUNT;
    if (icount && cfg->icount_shift > 10)
        return fail(pc, status, 2, err, errlen,
                    "-icount: shift %u is out of range (0 to 10)",
                    cfg->icount_shift, 0);
    pc->clk = vclock_new(icount ? VCLOCK_ICOUNT : VCLOCK_REALTIME,
                         icount ? cfg->icount_shift : 0);
    if (!pc->clk)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    vclock_set_icount_source(pc->clk, clock_icount, pc);
    vclock_set_kick(pc->clk, clock_kick, pc);
    /* At most 3 ms of guest time per slice (a slice is well under 1 ms of
     * work): host stalls become steal time instead of bursts of lost timer
     * ticks (HZ=250 ticks are 4 ms apart). */
    vclock_set_max_step(pc->clk, 3000000);
    PICOps picops = {.intr = irq_line(pic_intr_cb, pc, 0)};
    pc->pic = pic_new(&picops);
    PITOps pitops = {.irq0 = irq_line(board_irq_line, pc, 0)};
    pc->pit = pit_new(pc->clk, &pitops);
    if (!pc->pic || !pc->pit)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (iobus_register(pc->bus, 0xF0, 1, IO_8, fpu_port_read,
                       fpu_port_write, pc) < 0 ||
        pic_register(pc->pic, pc->bus, 0x20, 0xA0, 0x4D0) < 0 ||
        pit_register(pc->pit, pc->bus, 0x40) < 0 ||
        pit_register_port61(pc->pit, pc->bus, 0x61) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);

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
    if (cfg->debugcon2) {
        pc->debugcon2 = debugcon_new(chr_write, &pc->cfg.debugcon2_chr);
        if (!pc->debugcon2)
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        if (debugcon_register(pc->debugcon2, pc->bus, 0x402) < 0)
            return fail(pc, status, 2, err, errlen,
                        "-debugcon2: port 0x%X is already in use", 0x402, 0);
    }
    if (cfg->log_unimp)
        iobus_set_unassigned(pc->bus, unassigned_cb, pc);
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
    /* RTC/CMOS at 0x70 (IRQ8), keyboard controller at 0x60/0x64 (IRQ1,
     * IRQ12), VGA (ports 3B0-3DF, 1CE-1D0; window A0000-BFFFF; LFB),
     * IDE channels at 1F0/3F6 (IRQ14) and 170/376 (IRQ15). */
    RTCOps rops = {.irq = irq_line(board_irq_line, pc, 8)};
    pc->rtc = rtc_new(&rops, pc->clk, (int64_t)cfg->rtc_base);
    I8042Ops kops = {.irq_kbd = irq_line(board_irq_line, pc, 1),
                     .irq_aux = irq_line(board_irq_line, pc, 12),
                     .opaque = pc, .a20 = kbc_a20_cb, .reset = reset_cb};
    pc->kbc = i8042_new(&kops);
    VGAOps vops = {.clock = pc->clk, .vram_size = 0};
    pc->vga = vga_new(&vops);
    if (!pc->rtc || !pc->kbc || !pc->vga)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (rtc_register(pc->rtc, pc->bus, 0x70) < 0 ||
        i8042_register(pc->kbc, pc->bus, 0x60, 0x64) < 0 ||
        vga_register(pc->vga, pc->bus) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);
    if (vga_register_mmio(pc->vga, pc->mem) < 0 ||
        vga_map_lfb(pc->vga, pc->mem, VGA_LFB_BASE) < 0)
        return fail(pc, status, 1, err, errlen,
                    "cannot map the VGA memory", 0, 0);
    static const uint16_t ide_cmd[2] = {0x1F0, 0x170};
    static const uint16_t ide_ctl[2] = {0x3F6, 0x376};
    static const int ide_irq[2] = {14, 15};
    CmosLayout cl;
    memset(&cl, 0, sizeof(cl));
    uint8_t cmos_trans = 0; /* CMOS 0x39: 2 bits per IDE disk, 1 = LBA */
    for (int ch = 0; ch < 2; ch++) {
        ATAOps aops = {.irq = irq_line(board_irq_line, pc, ide_irq[ch]),
                       .mem = pc->mem, .id = (unsigned)ch};
        pc->ide[ch] = ata_new(&aops);
        if (!pc->ide[ch])
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        for (int u = 0; u < 2; u++) {
            int idx = ch * 2 + u, kind = cfg->drive[idx].kind;
            if (kind == PC_DRIVE_NONE)
                continue;
            if (ata_attach(pc->ide[ch], u,
                           kind == PC_DRIVE_CDROM ? ATA_CDROM : ATA_DISK,
                           cfg->drive[idx].bd) < 0)
                return fail(pc, status, 2, err, errlen,
                            "IDE drive %u: a hard disk needs an image",
                            (unsigned)idx, 0);
            if (kind == PC_DRIVE_DISK) {
                /* The BIOS-visible (logical) geometry with LBA-assisted
                 * translation, as QEMU puts it in CMOS: 63 sectors, the
                 * fewest heads (16, 32, 64, 128, 255) that keep the
                 * cylinders at 1024 or below; CMOS 0x39 says "LBA" for a
                 * translated disk (SeaBIOS reads it). */
                uint64_t secs = blockdev_sectors(cfg->drive[idx].bd);
                static const unsigned hs[] = {16, 32, 64, 128, 255};
                unsigned heads = 16;
                uint64_t cyl = secs / (16 * 63);
                for (unsigned k = 0; k < 5 && cyl > 1024; k++) {
                    heads = hs[k];
                    cyl = secs / ((uint64_t)heads * 63);
                }
                if (heads > 16)
                    cmos_trans |= (uint8_t)(1u << (idx * 2));
                if (idx < 2) {
                    cl.disk[idx].present = 1;
                    cl.disk[idx].cylinders = (unsigned)(cyl > 1024 ? 1024
                                                        : cyl ? cyl : 1);
                    cl.disk[idx].heads = heads;
                    cl.disk[idx].sectors = 63;
                }
            }
        }
        if (ata_register(pc->ide[ch], pc->bus, ide_cmd[ch], ide_ctl[ch]) < 0)
            return fail(pc, status, 2, err, errlen,
                        "IDE ports at 0x%X are already in use", ide_cmd[ch],
                        0);
    }
    /* DMA controllers (0x00, 0xC0, pages 0x81-0x8F; 0x80 stays the POST
     * port) and the floppy controller at 0x3F0 (IRQ6, DMA channel 2). */
    pc->dma = dma_new(pc->mem);
    FDCOps fops = {.irq = irq_line(board_irq_line, pc, 6), .opaque = pc,
                   .dreq = fdc_dreq_cb, .dma_write_memory = fdc_dma_wr_cb,
                   .dma_read_memory = fdc_dma_rd_cb};
    pc->fdc = fdc_new(&fops);
    if (!pc->dma || !pc->fdc)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    dma_set_service(pc->dma, FDC_DMA_CHANNEL, fdc_dack_cb, pc);
    if (dma_register(pc->dma, pc->bus, 0x00, 0xC0, 0x80) < 0 ||
        fdc_register(pc->fdc, pc->bus, 0x3F0) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);
    for (unsigned i = 0; i < 2; i++) {
        FDCGeometry g;
        if (!cfg->floppy[i])
            continue;
        if (fdc_geometry(blockdev_size(cfg->floppy[i]), &g) < 0 ||
            fdc_add_drive(pc->fdc, i, g.type) < 0 ||
            fdc_insert(pc->fdc, i, cfg->floppy[i]) < 0)
            return fail(pc, status, 2, err, errlen,
                        "floppy %c: the image size (%u bytes) is not a "
                        "standard floppy format", 'A' + i,
                        (unsigned)blockdev_size(cfg->floppy[i]));
        cl.floppy[i] = (unsigned)g.type; /* FDC_TYPE_* = CMOS codes */
    }

    /* The standard CMOS contents a BIOS reads (written once, at power-on). */
    cl.ram_below_4g = phys_ram_below_4g(pc->mem);
    cl.ram_above_4g = phys_ram_above_4g(pc->mem);
    cl.boot_order = cfg->boot_order;
    cl.fpu = 1; /* x87 present (equipment byte bit 1) */
    cmos_layout_apply(pc->rtc, &cl);
    rtc_cmos_set(pc->rtc, 0x39, cmos_trans); /* outside the checksum */

    /* PCI as on QEMU's pc machine: i440FX host bridge 00:00.0, PIIX3 ISA
     * bridge 00:01.0, its IDE function 00:01.1, PIIX4 ACPI/PM 00:01.3 (SCI
     * on IRQ 9), the VGA at 00:02.0. */
    pc->pci = pci_bus_new(pc->bus, pc->mem);
    if (!pc->pci)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (pci_bus_register(pc->pci, pc->bus, 0xCF8) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);
    pc->i440fx = i440fx_new(pc->pci, pc->mem);
    PIIX3Ops p3 = {.opaque = pc, .reset = reset_cb};
    for (int i = 0; i < 16; i++)
        p3.isa_irq[i] = irq_line(pci_isa_irq_cb, pc, i);
    pc->piix3 = piix3_new(pc->pci, &p3);
    if (!pc->i440fx || !pc->piix3)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    PIIX4PMOps pmo = {.opaque = pc,
                      .sci = irq_line(piix3_isa_input, pc->piix3, 9),
                      .poweroff = poweroff_cb};
    pc->pm = piix4pm_new(pc->pci, PCI_DEVFN(1, 3), pc->clk, &pmo);
    pc->ide_pci = piix_ide_new(pc->pci, PCI_DEVFN(1, 1), pc->ide[0],
                               pc->ide[1]);
    pc->vga_pci = vga_pci_new(pc->pci, PCI_DEVFN(2, 0), pc->vga, pc->mem);
    if (!pc->pm || !pc->ide_pci || !pc->vga_pci)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (piix4pm_register_apm(pc->pm, pc->bus, 0xB2) < 0 ||
        piix4pm_register_gpe(pc->pm, pc->bus, 0xAFE0) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);

    /* fw_cfg at 0x510/0x511 (QEMU's interface): RAM size and the E820
     * map for the firmware. */
    pc->fwcfg = fw_cfg_new();
    if (!pc->fwcfg)
        return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
    if (fw_cfg_register(pc->fwcfg, pc->bus, 0x510) < 0)
        return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);
    fw_cfg_add_i64(pc->fwcfg, FW_CFG_RAM_SIZE, cfg->ram_size);
    fw_cfg_add_i16(pc->fwcfg, FW_CFG_NB_CPUS, 1);
    {
        uint8_t e2[2 * FW_CFG_E820_ENTRY_SIZE];
        size_t n = FW_CFG_E820_ENTRY_SIZE;
        fw_cfg_e820_entry(e2, 0, phys_ram_below_4g(pc->mem), FW_CFG_E820_RAM);
        if (phys_ram_above_4g(pc->mem)) {
            fw_cfg_e820_entry(e2 + n, 0x100000000ull,
                              phys_ram_above_4g(pc->mem), FW_CFG_E820_RAM);
            n += FW_CFG_E820_ENTRY_SIZE;
        }
        fw_cfg_add_file(pc->fwcfg, "etc/e820", e2, n);
    }
    if (cfg->vgabios && cfg->vgabios_size)
        fw_cfg_add_file(pc->fwcfg, "vgaroms/vgabios.bin", cfg->vgabios,
                        cfg->vgabios_size);
    if (cfg->kernel) {
        KernelSpec ks = {cfg->kernel, cfg->kernel_size, cfg->kernel_name,
                         cfg->cmdline, cfg->initrd, cfg->initrd_size,
                         cfg->nmodules, cfg->module_size,
                         cfg->module_cmdline};
        const char *kerr = fw_cfg_load_kernel(pc->fwcfg, &ks, cfg->ram_size);
        if (kerr)
            return fail(pc, status, 2, err, errlen, kerr, 0, 0);
    }

    if (cfg->hypercall) {
        pc->hcall = hypercall_new(cfg->hypercall);
        if (!pc->hcall)
            return fail(pc, status, 1, err, errlen, "out of memory", 0, 0);
        if (hypercall_register(pc->hcall, pc->bus, HC_PORT_BASE) < 0)
            return fail(pc, status, 2, err, errlen, "port conflict", 0, 0);
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
    hypercall_free(pc->hcall);
    debugcon_free(pc->debugcon);
    debugcon_free(pc->debugcon2);
    postcode_free(pc->postcode);
    port92_free(pc->port92);
    fw_cfg_free(pc->fwcfg);
    vga_pci_free(pc->vga_pci);
    piix_ide_free(pc->ide_pci);
    if (pc->pm)
        piix4pm_free(pc->pm);
    if (pc->piix3)
        piix3_free(pc->piix3);
    if (pc->i440fx)
        i440fx_free(pc->i440fx);
    if (pc->pci)
        pci_bus_free(pc->pci);
    fdc_free(pc->fdc);
    dma_free(pc->dma);
    for (int c = 0; c < 2; c++)
        ata_free(pc->ide[c]);
    vga_free(pc->vga); /* before phys_free: nothing is unmapped */
    i8042_free(pc->kbc);
    rtc_free(pc->rtc);
    pit_free(pc->pit); /* before the clock that owns its timer */
    pic_free(pc->pic);
    vclock_free(pc->clk);
    if (pc->cpu)
        cpu_free(pc->cpu);
    iobus_free(pc->bus);
    if (pc->mem)
        phys_free(pc->mem);
    free(pc);
}

VGAState *pc_vga(PC *pc) { return pc->vga; }
I8042 *pc_kbc(PC *pc) { return pc->kbc; }
CPUState *pc_cpu(PC *pc) { return pc->cpu; }
PhysMem *pc_mem(PC *pc) { return pc->mem; }
int pc_cpu_stop(const PC *pc) { return pc->cpu_stop; }

void pc_power_button(PC *pc)
{
    if (pc->pm)
        piix4pm_power_button(pc->pm);
}

void pc_request_reset(PC *pc)
{
    pc->reset_requested = 1;
    cpu_request_stop(pc->cpu);
}

/* ------------------------------------------------------------ run loop */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Whether any device could ever raise the CPU's INTR line while the CPU is
 * halted: not if the PIC masks every input (only the CPU could unmask). */
static int has_intr_source(const PC *pc)
{
    return pc->pic && pic_can_interrupt(pc->pic);
}

/* The CPU is halted with IF=1 and INTR low: let time pass up to the next
 * timer deadline. */
static void wait_for_deadline(PC *pc)
{
    uint64_t dl = vclock_next_deadline(pc->clk);
    if (vclock_mode(pc->clk) == VCLOCK_ICOUNT) {
        if (dl != VCLOCK_NEVER) {
            vclock_warp(pc->clk); /* deterministic: no host time involved */
            return;
        }
        /* Only host input (a serial port) can wake the CPU now. */
        if (pc->cfg.idle)
            pc->cfg.idle(pc->cfg.host, IDLE_WAIT_MS);
        return;
    }
    uint64_t now = vclock_now(pc->clk);
    unsigned ms = IDLE_WAIT_MS;
    if (dl != VCLOCK_NEVER) {
        if (dl <= now)
            return;
        uint64_t left = (dl - now + 999999u) / 1000000u;
        if (left < ms)
            ms = (unsigned)left;
    }
    if (pc->cfg.idle)
        pc->cfg.idle(pc->cfg.host, ms);
}

/* Instructions the next slice may run, before any stop_icount cap. */
static uint64_t slice_budget_clock(PC *pc)
{
    uint64_t dl = vclock_next_deadline(pc->clk);
    if (vclock_mode(pc->clk) != VCLOCK_ICOUNT)
        return RT_SLICE_INSNS;
    if (dl == VCLOCK_NEVER)
        return SLICE_INSNS;
    uint64_t now = vclock_now(pc->clk);
    if (dl <= now)
        return 1;
    unsigned shift = pc->cfg.icount_shift;
    /* The first instruction boundary at or after the deadline. */
    uint64_t n = ((dl - now) >> shift) +
                 (((dl - now) & ((1ull << shift) - 1)) != 0);
    if (n < 1)
        n = 1;
    return n < SLICE_INSNS ? n : SLICE_INSNS;
}

/* Instructions the next slice may run: no slice runs past the timer
 * deadline (icount mode) nor past stop_icount.  An extra slice boundary
 * changes nothing the guest can see: timers fire only once due. */
static uint64_t slice_budget(PC *pc)
{
    uint64_t n = slice_budget_clock(pc);
    uint64_t ic = cpu_icount(pc->cpu);
    if (pc->stop_icount > ic && pc->stop_icount - ic < n)
        n = pc->stop_icount - ic;
    return n;
}

void pc_set_stop_icount(PC *pc, uint64_t n) { pc->stop_icount = n; }

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
    int waited = 0; /* the CPU idled (the board slept) since the last slice */
    for (;;) {
        vclock_slice(pc->clk, waited);
        waited = 0;
        vclock_run_timers(pc->clk);
        pc->in_slice = 1;
        int r = cpu_run(pc->cpu, slice_budget(pc));
        pc->in_slice = 0;
        pc->cpu_stop = r;

        if (pc->exit_requested) {
            if (pc->powered_off)
                snprintf(msg, msglen, "guest powered off (ACPI S5)");
            return pc->exit_status;
        }
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
            if (!has_intr_source(pc)) {
                uint64_t t = now_ms();
                if (!halted_since)
                    halted_since = t ? t : 1;
                if (t - halted_since >= HALT_GIVE_UP_MS) {
                    where(pc, at, sizeof(at));
                    snprintf(msg, msglen,
                             "CPU halted with interrupts enabled, but every "
                             "interrupt is masked, at %s", at);
                    return 0;
                }
                if (pc->cfg.idle)
                    pc->cfg.idle(pc->cfg.host, IDLE_WAIT_MS);
                waited = 1;
            } else {
                halted_since = 0;
                wait_for_deadline(pc);
                waited = 1;
            }
        } else {
            halted_since = 0;
        }

        if (pc->cfg.poll && pc->cfg.poll(pc->cfg.host))
            return PC_EXIT_HOST;
        feed_serial_input(pc);
    }
}

const char *pc_dump_device_names(void)
{
    return "pic pit rtc ata vga";
}

/* ATA and VGA: what their public getters show (no side effects). */
static void dump_ata_vga(PC *pc, int vga, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    if (!vga) {
        static const char *const kind[] = {"none", "disk", "cdrom"};
        for (int c = 0; c < 2 && n < len; c++) {
            int k0 = pc->ide[c] ? ata_drive_kind(pc->ide[c], 0) : 0;
            int k1 = pc->ide[c] ? ata_drive_kind(pc->ide[c], 1) : 0;
            n += (size_t)snprintf(buf + n, len - n,
                                  "IDE%d: master %s, slave %s, irq %d\n", c,
                                  kind[k0 >= 0 && k0 <= 2 ? k0 : 0],
                                  kind[k1 >= 0 && k1 <= 2 ? k1 : 0],
                                  pc->ide[c] ? ata_irq_level(pc->ide[c]) : 0);
        }
        return;
    }
    VGATextInfo ti;
    int w, h, stride;
    const uint32_t *px;
    if (vga_get_text(pc->vga, NULL, 0, &ti) == 0) {
        snprintf(buf, len, "VGA: text mode %dx%d, cursor %d,%d, VRAM %u KiB\n",
                 ti.cols, ti.rows, ti.cursor_x, ti.cursor_y,
                 (unsigned)(vga_vram_size(pc->vga) >> 10));
    } else {
        vga_get_display(pc->vga, &w, &h, &px, &stride);
        snprintf(buf, len, "VGA: graphics mode, last frame %dx%d, VRAM %u KiB\n",
                 w, h, (unsigned)(vga_vram_size(pc->vga) >> 10));
    }
}

int pc_dump_device(PC *pc, const char *name, char *buf, size_t len)
{
    if (!len)
        return -1;
    if (!strcmp(name, "pic") && pc->pic)
        pic_dump(pc->pic, buf, len);
    else if (!strcmp(name, "pit") && pc->pit)
        pit_dump(pc->pit, buf, len);
    else if (!strcmp(name, "rtc") && pc->rtc)
        rtc_dump(pc->rtc, buf, len);
    else if (!strcmp(name, "ata") || (!strcmp(name, "vga") && pc->vga))
        dump_ata_vga(pc, name[0] == 'v', buf, len);
    else
        return -1;
    return 0;
}
