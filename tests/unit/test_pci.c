/* Unit tests for the PCI bus (devices/pci.c), the i440FX/PIIX3
 * (devices/i440fx.c) and the PIIX4 PM function (devices/piix4_pm.c).
 * The guest side is driven only through ports on the IOBus (0xCF8/0xCFC,
 * the PM block) and physical memory.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/i440fx.h"
#include "devices/irq.h"
#include "devices/pci.h"
#include "devices/piix4_pm.h"
#include "devices/snap.h"
#include "devices/vclock.h"
#include "memory/mem.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

/* ------------------------------------------------------------ fixtures */

/* ISA IRQ recorder: level and number of transitions per line. */
typedef struct IrqRec {
    int level[16];
    int edges[16];
} IrqRec;

static void rec_irq(void *opaque, int n, int level)
{
    IrqRec *r = opaque;
    if (n < 0 || n > 15)
        return;
    if (level != r->level[n])
        r->edges[n]++;
    r->level[n] = level;
}

/* A test PCI function: I/O BAR0 (16 ports), MMIO BAR1 (4 KiB), prefetchable
 * memory BAR2 (16 MiB, mapped by itself through bar_map), a 32 KiB ROM. */
typedef struct TDev {
    PCIDevice *pci;
    int nmap;
    struct {
        int bar;
        uint32_t addr;
        int mapped;
    } map[64];
    int cfg_writes;
} TDev;

static void tdev_bar_map(void *opaque, int bar, uint32_t addr, int mapped)
{
    TDev *t = opaque;
    if (t->nmap < 64) {
        t->map[t->nmap].bar = bar;
        t->map[t->nmap].addr = addr;
        t->map[t->nmap].mapped = mapped;
    }
    t->nmap++;
}

static void tdev_cfg_write(void *opaque, unsigned off, uint32_t val,
                           unsigned size)
{
    TDev *t = opaque;
    t->cfg_writes++;
}

static uint32_t tdev_cfg_read(void *opaque, unsigned off, unsigned size,
                              uint32_t val)
{
    /* Register 0x40 reads a constant computed by the device. */
    if (off == 0x40 && size == 4)
        return 0xC0FFEE00u;
    return val;
}

static uint32_t tdev_io_read(void *opaque, uint16_t port, unsigned size)
{
    TDev *t = opaque;
    uint32_t off = port - pci_bar_addr(t->pci, 0);
    /* 0xA0-0xAF from slot 3, 0xB0-0xBF from slot 4 */
    return 0xA0 + off + (pci_devfn(t->pci) == PCI_DEVFN(4, 0) ? 0x10 : 0);
}

static void tdev_io_write(void *opaque, uint16_t port, uint32_t val,
                          unsigned size)
{
}

static uint64_t tdev_mmio_read(void *opaque, uint64_t off, unsigned size)
{
    return 0x5A000000u + off;
}

static void tdev_mmio_write(void *opaque, uint64_t off, uint64_t val,
                            unsigned size)
{
}

static uint8_t rom_image[20000];

static TDev *tdev_new(PCIBus *bus, int devfn)
{
    TDev *t = calloc(1, sizeof(*t));
    PCIDeviceOps ops = {.opaque = t,
                        .bar_map = tdev_bar_map,
                        .config_read = tdev_cfg_read,
                        .config_write = tdev_cfg_write};
    t->pci = pci_device_new(bus, devfn, 0x1234, 0xABCD, 0x020000, 0x05, &ops);
    if (!t->pci) {
        free(t);
        return NULL;
    }
    pci_bar_init(t->pci, 0, 16, PCI_BAR_IO);
    pci_bar_set_io(t->pci, 0, IO_8, tdev_io_read, tdev_io_write, t);
    pci_bar_init(t->pci, 1, 4096, PCI_BAR_MEM);
    pci_bar_set_mmio(t->pci, 1, tdev_mmio_read, tdev_mmio_write, t);
    pci_bar_init(t->pci, 2, 16u << 20, PCI_BAR_MEM | PCI_BAR_PREFETCH);
    rom_image[0] = 0x55;
    rom_image[1] = 0xAA;
    rom_image[2] = 40; /* 20000 bytes */
    pci_rom_init(t->pci, rom_image, sizeof rom_image);
    pci_set_pin(t->pci, 1);
    t->nmap = 0;
    return t;
}

typedef struct M {
    IOBus *io;
    PhysMem *mem;
    VClock *clk;
    PCIBus *bus;
    I440FX *host;
    PIIX3 *isa;
    PIIX4PM *pm;
    TDev *t3, *t4;
    IrqRec irq;
    int resets, poweroffs, suspends;
} M;

static void on_reset(void *opaque) { ((M *)opaque)->resets++; }
static void on_poweroff(void *opaque) { ((M *)opaque)->poweroffs++; }
static void on_suspend(void *opaque) { ((M *)opaque)->suspends++; }

static uint8_t bios[65536];

static M *m_new(void)
{
    M *m = calloc(1, sizeof(*m));
    m->io = iobus_new();
    m->mem = phys_new(2u << 20, PHYS_LAYOUT_PC);
    for (unsigned i = 0; i < sizeof bios; i++)
        bios[i] = (uint8_t)(0xB0 ^ (i & 0xFF));
    phys_add_rom(m->mem, 0xF0000, bios, sizeof bios);
    m->clk = vclock_new(VCLOCK_MANUAL, 0);
    m->bus = pci_bus_new(m->io, m->mem);
    pci_bus_register(m->bus, m->io, 0xCF8);
    m->host = i440fx_new(m->bus, m->mem);
    PIIX3Ops po = {.opaque = m, .reset = on_reset};
    for (int i = 0; i < 16; i++)
        po.isa_irq[i] = irq_line(rec_irq, &m->irq, i);
    m->isa = piix3_new(m->bus, &po);
    PIIX4PMOps pmo = {.opaque = m,
                      .sci = irq_line(piix3_isa_input, m->isa, 9),
                      .poweroff = on_poweroff,
                      .suspend = on_suspend};
    m->pm = piix4pm_new(m->bus, PCI_DEVFN(1, 3), m->clk, &pmo);
    piix4pm_register_apm(m->pm, m->io, 0xB2);
    piix4pm_register_gpe(m->pm, m->io, 0xAFE0);
    m->t3 = tdev_new(m->bus, PCI_DEVFN(3, 0));
    m->t4 = tdev_new(m->bus, PCI_DEVFN(4, 0));
    return m;
}

static void m_free(M *m)
{
    piix4pm_free(m->pm);
    piix3_free(m->isa);
    i440fx_free(m->host);
    free(m->t3);
    free(m->t4);
    pci_bus_free(m->bus);
    vclock_free(m->clk);
    phys_free(m->mem);
    iobus_free(m->io);
    free(m);
}

/* Configuration access through the ports, as a guest does it. */
static uint32_t cfg_rd(M *m, int devfn, unsigned off, unsigned size)
{
    iobus_write(m->io, 0xCF8, 0x80000000u | (unsigned)devfn << 8 | (off & 0xFC),
                4);
    return iobus_read(m->io, (uint16_t)(0xCFC + (off & 3)), size);
}

static void cfg_wr(M *m, int devfn, unsigned off, uint32_t val, unsigned size)
{
    iobus_write(m->io, 0xCF8, 0x80000000u | (unsigned)devfn << 8 | (off & 0xFC),
                4);
    iobus_write(m->io, (uint16_t)(0xCFC + (off & 3)), val, size);
}

#define D_HOST PCI_DEVFN(0, 0)
#define D_ISA PCI_DEVFN(1, 0)
#define D_PM PCI_DEVFN(1, 3)
#define D_T3 PCI_DEVFN(3, 0)
#define D_T4 PCI_DEVFN(4, 0)

/* ------------------------------------------------------------ tests */

static void test_mechanism(void)
{
    M *m = m_new();
    iobus_write(m->io, 0xCF8, 0x80000000u, 4);
    ok(iobus_read(m->io, 0xCF8, 4) == 0x80000000u,
       "CONFIG_ADDRESS reads back 0x80000000");
    iobus_write(m->io, 0xCFB, 0x01, 1); /* Linux's type-1 probe */
    ok(iobus_read(m->io, 0xCF8, 4) == 0x80000000u,
       "byte write to 0xCFB does not touch CONFIG_ADDRESS");
    iobus_write(m->io, 0xCF8, 0xFFFFFFFFu, 4);
    ok(iobus_read(m->io, 0xCF8, 4) == 0x80FFFFFCu,
       "CONFIG_ADDRESS reserved bits 30:24 and 1:0 read 0");
    ok(iobus_read(m->io, 0xCF8, 2) == 0xFFFF &&
           iobus_read(m->io, 0xCFA, 1) == 0xFF,
       "16/8-bit reads of 0xCF8-0xCFB are not CONFIG_ADDRESS");
    iobus_write(m->io, 0xCF8, 0x12345678u, 2);
    ok(iobus_read(m->io, 0xCF8, 4) == 0x80FFFFFCu,
       "16-bit write to 0xCF8 ignored");

    ok(cfg_rd(m, D_HOST, 0, 4) == 0x12378086u, "00:00.0 is 8086:1237");
    ok(cfg_rd(m, D_ISA, 0, 4) == 0x70008086u, "00:01.0 is 8086:7000");
    ok(cfg_rd(m, D_PM, 0, 4) == 0x71138086u, "00:01.3 is 8086:7113");
    ok(cfg_rd(m, PCI_DEVFN(1, 1), 0, 4) == 0xFFFFFFFFu &&
           cfg_rd(m, PCI_DEVFN(2, 0), 0, 4) == 0xFFFFFFFFu &&
           cfg_rd(m, PCI_DEVFN(31, 7), 0, 2) == 0xFFFF,
       "absent functions read all-ones");
    iobus_write(m->io, 0xCF8, 0x80010000u, 4); /* bus 1, 00.0 */
    ok(iobus_read(m->io, 0xCFC, 4) == 0xFFFFFFFFu, "bus 1 reads all-ones");
    iobus_write(m->io, 0xCF8, 0x00000000u, 4); /* enable bit clear */
    ok(iobus_read(m->io, 0xCFC, 4) == 0xFFFFFFFFu,
       "enable bit clear: data port reads all-ones");
    iobus_write(m->io, 0xCFC, 0x0000, 2);
    ok(cfg_rd(m, D_HOST, 0x04, 2) == 0x0006,
       "write with the enable bit clear reaches nothing");

    ok(cfg_rd(m, D_HOST, 0x08, 4) == 0x06000002u &&
           cfg_rd(m, D_ISA, 0x08, 4) == 0x06010000u &&
           cfg_rd(m, D_PM, 0x08, 4) == 0x06800003u,
       "class/revision: host bridge, ISA bridge, bridge-other");
    ok(cfg_rd(m, D_ISA, 0x0E, 1) == 0x80 && cfg_rd(m, D_HOST, 0x0E, 1) == 0 &&
           cfg_rd(m, D_PM, 0x0E, 1) == 0,
       "PIIX3 function 0 has the multi-function header type");
    ok(cfg_rd(m, D_PM, 0x3D, 1) == 1 && cfg_rd(m, D_ISA, 0x3D, 1) == 0,
       "interrupt pin: PM INTA, ISA bridge none");
    ok(cfg_rd(m, D_HOST, 0x2C, 4) == 0x11001AF4u, "subsystem 1AF4:1100");
    PCIBus *b2 = pci_bus_new(m->io, NULL);
    ok(pci_bus_register(b2, m->io, 0xCF8) == -1 &&
           cfg_rd(m, D_HOST, 0, 4) == 0x12378086u,
       "a second bus on 0xCF8 is refused; the first keeps working");
    ok(pci_device_new(m->bus, D_ISA, 1, 2, 0, 0, NULL) == NULL &&
           pci_device_new(m->bus, 256, 1, 2, 0, 0, NULL) == NULL,
       "taken or out-of-range devfn refused");
    pci_bus_free(b2);
    m_free(m);
}

static void test_widths(void)
{
    M *m = m_new();
    int good = 1;
    /* Every byte of the header of 00:01.3 through every width/offset. */
    for (unsigned off = 0; off < 64; off++) {
        uint32_t d = cfg_rd(m, D_PM, off & ~3u, 4);
        uint8_t b = (uint8_t)(d >> (8 * (off & 3)));
        if (cfg_rd(m, D_PM, off, 1) != b)
            good = 0;
        if ((off & 1) == 0 &&
            cfg_rd(m, D_PM, off, 2) != ((d >> (8 * (off & 3))) & 0xFFFF))
            good = 0;
    }
    ok(good, "8/16-bit reads at every offset agree with 32-bit reads");
    ok(cfg_rd(m, D_HOST, 1, 2) == 0x3780,
       "16-bit read at 0xCFD (odd offset) spans the dword correctly");
    iobus_write(m->io, 0xCF8, 0x80000000u, 4);
    ok(iobus_read(m->io, 0xCFD, 4) == 0xFF123780u,
       "32-bit read at 0xCFD: bytes 1-3 then an unassigned port");
    ok(iobus_read(m->io, 0xCFF, 2) == 0xFF12,
       "16-bit read at 0xCFF: byte 3 then an unassigned port");

    cfg_wr(m, D_T3, 0x3C, 0x0B, 1);
    ok(cfg_rd(m, D_T3, 0x3C, 4) == 0x0000010Bu,
       "interrupt line writable, pin read-only");
    cfg_wr(m, D_T3, 0x3C, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x3C, 4) == 0x000001FFu,
       "32-bit write to 0x3C changes only the line");
    cfg_wr(m, D_T3, 0x3D, 0x77, 1);
    ok(cfg_rd(m, D_T3, 0x3D, 1) == 1, "byte write to the pin ignored");
    cfg_wr(m, D_T3, 0, 0xFFFFFFFFu, 4);
    cfg_wr(m, D_T3, 8, 0xFFFFFFFFu, 4);
    cfg_wr(m, D_T3, 0x0E, 0xFF, 1);
    ok(cfg_rd(m, D_T3, 0, 4) == 0xABCD1234u &&
           cfg_rd(m, D_T3, 8, 4) == 0x02000005u &&
           cfg_rd(m, D_T3, 0x0E, 1) == 0,
       "IDs, class, revision, header type are read-only");
    cfg_wr(m, D_T3, 0x40, 0x11223344u, 4);
    ok(cfg_rd(m, D_T3, 0x40, 4) == 0xC0FFEE00u &&
           cfg_rd(m, D_T3, 0x41, 1) == 0x33 && m->t3->cfg_writes > 0,
       "device config read/write hooks see the accesses");
    cfg_wr(m, D_T3, 0x52, 0xBEEF, 2);
    cfg_wr(m, D_T3, 0x51, 0x77, 1);
    ok(cfg_rd(m, D_T3, 0x50, 4) == 0xBEEF7700u,
       "device-specific registers: 16-bit write at +2, 8-bit at +1");

    /* Command register. */
    cfg_wr(m, D_T3, 0x04, 0xFFFF, 2);
    ok(cfg_rd(m, D_T3, 0x04, 2) == 0x0407,
       "command: only I/O, memory, master, INTx disable writable");
    /* Status: W1C error bits, read-only rest. */
    pci_config_set16(m->t3->pci, PCI_STATUS, 0xF910 | 0x0200);
    cfg_wr(m, D_T3, 0x06, 0x0100, 2);
    ok(cfg_rd(m, D_T3, 0x06, 2) == 0xF810 + 0x0200,
       "status: writing 1 to bit 8 clears only bit 8");
    cfg_wr(m, D_T3, 0x07, 0xFF, 1);
    ok(cfg_rd(m, D_T3, 0x06, 2) == 0x0210,
       "status: byte write of 0xFF clears all W1C bits, keeps RO bits");
    cfg_wr(m, D_T3, 0x04, 0x0000FFFFu, 4); /* command + zeros to status */
    ok(cfg_rd(m, D_T3, 0x06, 2) == 0x0210,
       "status: writing 0s clears nothing");
    m_free(m);
}

static int saw(const TDev *t, int from, int bar, uint32_t addr, int mapped)
{
    for (int i = from; i < t->nmap && i < 64; i++)
        if (t->map[i].bar == bar && t->map[i].addr == addr &&
            t->map[i].mapped == mapped)
            return 1;
    return 0;
}

static void test_bars(void)
{
    M *m = m_new();
    TDev *t = m->t3;
    cfg_wr(m, D_T3, 0x10, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x10, 4) == 0xFFFFFFF1u, "I/O BAR0 probe: 16 bytes");
    cfg_wr(m, D_T3, 0x14, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x14, 4) == 0xFFFFF000u, "mem BAR1 probe: 4 KiB");
    cfg_wr(m, D_T3, 0x18, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x18, 4) == 0xFF000008u,
       "mem BAR2 probe: 16 MiB prefetchable");
    cfg_wr(m, D_T3, 0x1C, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x1C, 4) == 0, "unimplemented BAR3 reads 0");
    cfg_wr(m, D_T3, 0x30, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_T3, 0x30, 4) == 0xFFFF8001u,
       "ROM BAR probe: 32 KiB (20000 bytes rounded up) + enable bit");
    ok(t->nmap == 0, "nothing mapped while the command register is 0");

    cfg_wr(m, D_T3, 0x10, 0xC008, 4); /* unaligned: rounded down */
    ok(cfg_rd(m, D_T3, 0x10, 4) == 0xC001u, "I/O BAR aligned to its size");
    cfg_wr(m, D_T3, 0x04, 0x0001, 2);
    ok(t->nmap == 1 && saw(t, 0, 0, 0xC000, 1) &&
           pci_bar_addr(t->pci, 0) == 0xC000,
       "I/O enable: bar_map(0, 0xC000, mapped)");
    ok(iobus_read(m->io, 0xC000, 1) == 0xA0 &&
           iobus_read(m->io, 0xC00F, 1) == 0xAF,
       "the device answers at 0xC000-0xC00F");
    ok(pci_bar_addr(t->pci, 1) == PCI_BAR_UNMAPPED &&
           pci_bar_addr(t->pci, PCI_ROM_BAR) == PCI_BAR_UNMAPPED,
       "memory BARs stay unmapped without memory enable");

    int n0 = t->nmap;
    cfg_wr(m, D_T3, 0x11, 0xC1, 1); /* move by a byte write: 0xC100 */
    ok(saw(t, n0, 0, 0xC000, 0) && saw(t, n0, 0, 0xC100, 1) &&
           t->nmap == n0 + 2,
       "moving the BAR: unmapped at 0xC000, mapped at 0xC100");
    ok(iobus_read(m->io, 0xC000, 1) == 0xFF &&
           iobus_read(m->io, 0xC105, 1) == 0xA5,
       "the I/O device moved to 0xC100");

    n0 = t->nmap;
    cfg_wr(m, D_T3, 0x04, 0x0000, 2);
    ok(saw(t, n0, 0, 0xC100, 0) && iobus_read(m->io, 0xC100, 1) == 0xFF &&
           pci_bar_addr(t->pci, 0) == PCI_BAR_UNMAPPED,
       "I/O disable unmaps the BAR");
    cfg_wr(m, D_T3, 0x04, 0x0001, 2);
    ok(iobus_read(m->io, 0xC100, 1) == 0xA0, "I/O re-enable maps it again");

    /* Probing with decoding on: the all-ones value must not map. */
    n0 = t->nmap;
    cfg_wr(m, D_T3, 0x10, 0xFFFFFFFFu, 4);
    ok(pci_bar_addr(t->pci, 0) == PCI_BAR_UNMAPPED && saw(t, n0, 0, 0xC100, 0),
       "all-ones I/O probe while enabled unmaps (beyond 64 KiB)");
    cfg_wr(m, D_T3, 0x10, 0xC101, 4);

    /* Memory BARs. */
    cfg_wr(m, D_T3, 0x14, 0xFEB01000u, 4);
    cfg_wr(m, D_T3, 0x18, 0xFD000000u, 4);
    n0 = t->nmap;
    cfg_wr(m, D_T3, 0x04, 0x0003, 2);
    ok(saw(t, n0, 1, 0xFEB01000u, 1) && saw(t, n0, 2, 0xFD000000u, 1),
       "memory enable maps BAR1 and BAR2 (callback)");
    ok(phys_read(m->mem, 0xFEB01010u, 4) == 0x5A000010u,
       "BAR1 MMIO handler answers at its address with the offset");
    cfg_wr(m, D_T3, 0x14, 0xFEB02000u, 4);
    ok(phys_read(m->mem, 0xFEB01010u, 4) == 0xFFFFFFFFu &&
           phys_read(m->mem, 0xFEB02004u, 4) == 0x5A000004u,
       "BAR1 MMIO region moved");
    n0 = t->nmap;
    cfg_wr(m, D_T3, 0x18, 0xFFFFFFFFu, 4);
    ok(saw(t, n0, 2, 0xFD000000u, 0) &&
           pci_bar_addr(t->pci, 2) == PCI_BAR_UNMAPPED,
       "all-ones memory probe while enabled unmaps (would end at 4 GiB)");

    /* Expansion ROM: needs memory enable and its own enable bit. */
    cfg_wr(m, D_T3, 0x30, 0xFEB10000u, 4);
    ok(phys_read(m->mem, 0xFEB10000u, 2) == 0xFFFF,
       "ROM not decoded without its enable bit");
    cfg_wr(m, D_T3, 0x30, 0xFEB10001u, 4);
    ok(phys_read(m->mem, 0xFEB10000u, 2) == 0xAA55 &&
           phys_read(m->mem, 0xFEB10000u + 20000, 1) == 0xFF &&
           saw(t, 0, PCI_ROM_BAR, 0xFEB10000u, 1),
       "ROM enabled: image at the BAR, padded with 0xFF");
    cfg_wr(m, D_T3, 0x04, 0x0001, 2);
    ok(phys_read(m->mem, 0xFEB10000u, 2) == 0xFFFF &&
           phys_read(m->mem, 0xFEB02004u, 4) == 0xFFFFFFFFu,
       "memory disable unmaps ROM and MMIO");

    /* A BAR placed over the configuration ports decodes nothing, and the
     * configuration ports keep working. */
    cfg_wr(m, D_T3, 0x10, 0x0CF1, 4);
    ok(pci_bar_addr(t->pci, 0) == 0x0CF0 &&
           cfg_rd(m, D_HOST, 0, 4) == 0x12378086u,
       "BAR over 0xCF8: registration refused, config space still works");
    cfg_wr(m, D_T3, 0x10, 0xD001, 4);
    ok(iobus_read(m->io, 0xD003, 1) == 0xA3 &&
           cfg_rd(m, D_T3, 0x10, 4) == 0xD001u,
       "moved away from the clash: decodes again");

    /* Swapping two BARs one write at a time: the first write clashes. */
    cfg_wr(m, D_T4, 0x10, 0xC001, 4);
    cfg_wr(m, D_T4, 0x04, 0x0001, 2);
    cfg_wr(m, D_T3, 0x10, 0xC001, 4); /* t3: 0xD000 -> 0xC000 (taken) */
    ok(iobus_read(m->io, 0xC000, 1) == 0xB0 &&
           iobus_read(m->io, 0xD000, 1) == 0xFF,
       "BAR moved onto another device's BAR: the other keeps decoding");
    cfg_wr(m, D_T4, 0x10, 0xD001, 4); /* t4: 0xC000 -> 0xD000 */
    ok(iobus_read(m->io, 0xC000, 1) == 0xA0 &&
           iobus_read(m->io, 0xD000, 1) == 0xB0,
       "after the second write both BARs decode (refused one retried)");
    cfg_wr(m, D_T4, 0x04, 0x0000, 2);
    cfg_wr(m, D_T3, 0x10, 0xD001, 4);

    /* Reset unmaps everything and clears writable registers. */
    n0 = t->nmap;
    pci_device_reset(t->pci);
    ok(saw(t, n0, 0, 0xD000, 0) && cfg_rd(m, D_T3, 0x10, 4) == 1 &&
           cfg_rd(m, D_T3, 0x04, 2) == 0 && cfg_rd(m, D_T3, 0x3D, 1) == 1 &&
           iobus_read(m->io, 0xD000, 1) == 0xFF,
       "pci_device_reset: BARs cleared and unmapped, pin kept");
    m_free(m);
}

static uint8_t ram_at(M *m, uint32_t a) { return phys_fast(m->mem)->ram[a]; }

static void test_pam(void)
{
    M *m = m_new();
    ok(phys_read(m->mem, 0xF0010, 1) == (0xB0 ^ 0x10),
       "PAM reset: 0xF0000 reads the BIOS ROM");
    phys_write(m->mem, 0xF0010, 0x11, 1);
    ok(phys_read(m->mem, 0xF0010, 1) == (0xB0 ^ 0x10) &&
           ram_at(m, 0xF0010) == 0,
       "PAM reset: writes dropped");
    cfg_wr(m, D_HOST, 0x59, 0x20, 1); /* WE only */
    phys_write(m->mem, 0xF0010, 0x11, 1);
    ok(ram_at(m, 0xF0010) == 0x11 &&
           phys_read(m->mem, 0xF0010, 1) == (0xB0 ^ 0x10),
       "PAM0=0x20: write lands in RAM, reads still from ROM");
    cfg_wr(m, D_HOST, 0x59, 0x10, 1); /* RE only */
    phys_write(m->mem, 0xF0010, 0x22, 1);
    ok(phys_read(m->mem, 0xF0010, 1) == 0x11 && ram_at(m, 0xF0010) == 0x11,
       "PAM0=0x10: reads from RAM, writes dropped");
    cfg_wr(m, D_HOST, 0x59, 0x30, 1);
    phys_write(m->mem, 0xFFFF0, 0x33, 1);
    ok(phys_read(m->mem, 0xFFFF0, 1) == 0x33,
       "PAM0=0x30: 0xFFFF0 is read/write RAM");
    ok(phys_read(m->mem, 0xEFFF0, 1) == 0xFF,
       "0xE0000-0xEFFFF not affected by PAM0");
    cfg_wr(m, D_HOST, 0x59, 0x00, 1);
    ok(phys_read(m->mem, 0xFFFF0, 1) == (0xB0 ^ 0xF0),
       "PAM0=0: back to ROM");
    cfg_wr(m, D_HOST, 0x59, 0xFF, 1);
    cfg_wr(m, D_HOST, 0x5A, 0xFFFF, 2);
    ok(cfg_rd(m, D_HOST, 0x59, 1) == 0x30 && cfg_rd(m, D_HOST, 0x5A, 2) == 0x3333,
       "PAM reserved bits read 0");
    /* PAM1: low nibble 0xC0000-0xC3FFF, high nibble 0xC4000-0xC7FFF. */
    cfg_wr(m, D_HOST, 0x5A, 0x03, 1);
    phys_write(m->mem, 0xC3FFF, 0x44, 1);
    phys_write(m->mem, 0xC4000, 0x55, 1);
    ok(phys_read(m->mem, 0xC3FFF, 1) == 0x44 &&
           phys_read(m->mem, 0xC4000, 1) == 0xFF && ram_at(m, 0xC4000) == 0,
       "PAM1 low nibble: 0xC0000-0xC3FFF only");
    cfg_wr(m, D_HOST, 0x5F, 0x30, 1);
    phys_write(m->mem, 0xEC000, 0x66, 1);
    phys_write(m->mem, 0xEBFFF, 0x77, 1);
    ok(phys_read(m->mem, 0xEC000, 1) == 0x66 &&
           phys_read(m->mem, 0xEFFFF, 1) == 0 && ram_at(m, 0xEBFFF) == 0,
       "PAM6 high nibble: 0xEC000-0xEFFFF only");
    /* All seven registers in one 32-bit + 16-bit + 8-bit write. */
    cfg_wr(m, D_HOST, 0x58, 0x33333300u, 4);
    cfg_wr(m, D_HOST, 0x5C, 0x33333333u, 4);
    int good = 1;
    for (uint32_t a = 0xC0000; a < 0x100000; a += 0x4000) {
        phys_write(m->mem, a + 7, 0x99, 1);
        if (phys_read(m->mem, a + 7, 1) != 0x99)
            good = 0;
    }
    ok(good, "all PAM granules 0xC0000-0xFFFFF read/write after 0x33 fill");
    i440fx_reset(m->host);
    ok(phys_read(m->mem, 0xC0007, 1) == 0xFF &&
           phys_read(m->mem, 0xF0007, 1) == (0xB0 ^ 7),
       "i440fx_reset restores ROM/unbacked decoding");

    /* SMRAM. */
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x02, "SMRAM resets to 0x02");
    cfg_wr(m, D_HOST, 0x72, 0x4F, 1);
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x4A,
       "SMRAM: D_OPEN|G_SMRAME stored, C_BASE_SEG fixed at 010");
    cfg_wr(m, D_HOST, 0x70, 0x00180000u, 4);
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x1A,
       "SMRAM: setting D_LCK clears D_OPEN");
    cfg_wr(m, D_HOST, 0x72, 0x60, 1);
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x3A,
       "SMRAM locked: only D_CLS still writable");
    i440fx_reset(m->host);
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x02, "reset unlocks SMRAM");
    m_free(m);
}

static void test_pirq(void)
{
    M *m = m_new();
    PCIDevice *d3 = m->t3->pci, *d4 = m->t4->pci;
    ok(cfg_rd(m, D_ISA, 0x60, 4) == 0x80808080u, "PIRQRC reset 0x80");
    /* Slot 3 INTA -> PIRQD (0x63). */
    cfg_wr(m, D_ISA, 0x63, 0x0B, 1);
    pci_set_irq(d3, 1);
    ok(m->irq.level[11] == 1 && pci_bus_pirq_level(m->bus, 3),
       "slot 3 INTA -> PIRQD -> IRQ11");
    ok(cfg_rd(m, D_T3, 0x06, 2) & PCI_STATUS_INTERRUPT,
       "status bit 3 shows the pending interrupt");
    cfg_wr(m, D_ISA, 0x63, 0x8B, 1);
    ok(m->irq.level[11] == 0, "PIRQRC bit 7 disables the routing");
    cfg_wr(m, D_ISA, 0x60, 0x8B8B8B0Bu, 4);
    ok(m->irq.level[11] == 0, "PIRQA routed to 11 does not carry PIRQD");
    cfg_wr(m, D_ISA, 0x63, 0x0A, 1);
    ok(m->irq.level[10] == 1 && m->irq.level[11] == 0,
       "rerouted PIRQD to IRQ10");
    cfg_wr(m, D_ISA, 0x63, 0x02, 1);
    ok(m->irq.level[10] == 0 && m->irq.level[2] == 0,
       "reserved routing value (IRQ2) drives nothing");
    pci_set_irq(d3, 0);

    /* Swizzle: slot 3 INTB -> PIRQA; slot 4 INTA -> PIRQA. */
    pci_set_pin(d3, 2);
    cfg_wr(m, D_ISA, 0x60, 0x80808005u, 4); /* PIRQA -> 5 */
    pci_set_irq(d3, 1);
    ok(m->irq.level[5] == 1, "slot 3 INTB -> PIRQA -> IRQ5");
    memset(m->irq.edges, 0, sizeof m->irq.edges);
    pci_set_irq(d4, 1);
    ok(m->irq.level[5] == 1 && m->irq.edges[5] == 0,
       "slot 4 INTA shares PIRQA: line stays high, no new edge");
    pci_set_irq(d3, 0);
    ok(m->irq.level[5] == 1, "one sharer lowered: line still high");
    pci_set_irq(d4, 0);
    ok(m->irq.level[5] == 0, "both lowered: line low");

    /* Two PIRQs routed to one IRQ are ORed. */
    pci_set_pin(d3, 1); /* PIRQD */
    cfg_wr(m, D_ISA, 0x60, 0x0A80800Au, 4); /* A and D -> 10 */
    pci_set_irq(d3, 1);
    pci_set_irq(d4, 1);
    pci_set_irq(d3, 0);
    ok(m->irq.level[10] == 1, "PIRQA and PIRQD on IRQ10 ORed");
    pci_set_irq(d4, 0);
    ok(m->irq.level[10] == 0, "IRQ10 low when both PIRQs low");

    /* Command INTx disable. */
    pci_set_irq(d3, 1);
    cfg_wr(m, D_T3, 0x04, 0x0400, 2);
    ok(m->irq.level[10] == 0 &&
           (cfg_rd(m, D_T3, 0x06, 2) & PCI_STATUS_INTERRUPT),
       "INTx disable masks the pin; status still shows it");
    cfg_wr(m, D_T3, 0x04, 0x0000, 2);
    ok(m->irq.level[10] == 1, "INTx re-enabled: line high again");

    /* The SCI shares IRQ9 with a PIRQ routed there. */
    cfg_wr(m, D_ISA, 0x63, 0x09, 1);
    ok(m->irq.level[9] == 1 && m->irq.level[10] == 0, "PIRQD -> IRQ9");
    piix3_isa_input(m->isa, 9, 1);
    pci_set_irq(d3, 0);
    ok(m->irq.level[9] == 1, "SCI keeps IRQ9 high after the PCI source drops");
    piix3_isa_input(m->isa, 9, 0);
    ok(m->irq.level[9] == 0, "IRQ9 low when SCI and PIRQ are both low");

    pci_set_irq(d3, 1);
    piix3_reset(m->isa);
    ok(m->irq.level[9] == 0 && cfg_rd(m, D_ISA, 0x63, 1) == 0x80,
       "PIIX3 reset disables the routing");

    /* Reset control register at 0xCF9. */
    iobus_write(m->io, 0xCF9, 0x02, 1);
    ok(iobus_read(m->io, 0xCF9, 1) == 0x02 && m->resets == 0,
       "0xCF9: SRST stored, no reset");
    iobus_write(m->io, 0xCF9, 0x06, 1);
    ok(m->resets == 1, "0xCF9: RST_CPU requests a reset");
    m_free(m);
}

static void test_pm(void)
{
    M *m = m_new();
    ok(piix4pm_io_base(m->pm) == 0 && iobus_read(m->io, 0x608, 4) == 0xFFFFFFFFu,
       "PM block disabled at reset");
    cfg_wr(m, D_PM, 0x40, 0x0601, 4); /* as SeaBIOS: 0x600 | 1 */
    ok(cfg_rd(m, D_PM, 0x40, 4) == 0x0601u && piix4pm_io_base(m->pm) == 0,
       "PMBA set; still disabled without PMREGMISC");
    cfg_wr(m, D_PM, 0x80, 0x01, 1);
    ok(piix4pm_io_base(m->pm) == 0x600, "PMREGMISC bit 0 enables at 0x600");
    cfg_wr(m, D_PM, 0x40, 0xFFFFFFFFu, 4);
    ok(cfg_rd(m, D_PM, 0x40, 4) == 0xFFC1u, "PMBA: bits 15:6 writable");
    cfg_wr(m, D_PM, 0x40, 0x0601, 4);

    ok(iobus_read(m->io, 0x608, 4) == 0, "PM timer 0 at time 0");
    vclock_advance(m->clk, 1000000000u);
    ok(iobus_read(m->io, 0x608, 4) == 3579545u,
       "PM timer after 1 s: 3579545");
    ok(iobus_read(m->io, 0x608, 2) == (3579545u & 0xFFFF) &&
           iobus_read(m->io, 0x60A, 1) == ((3579545u >> 16) & 0xFF),
       "16/8-bit reads of the timer");
    /* 2^24 ticks = 4.687 s: the counter wraps at 24 bits. */
    vclock_advance(m->clk, 4000000000u);
    uint32_t t = iobus_read(m->io, 0x608, 4);
    ok(t == ((3579545u * 5u) & 0xFFFFFFu) && t < 0x1000000u,
       "PM timer wraps at 24 bits (5 s)");
    ok((iobus_read(m->io, 0x600, 2) & 1) == 1 && m->irq.level[9] == 0,
       "TMROF_STS set by bit-23 toggles; no SCI while disabled");
    iobus_write(m->io, 0x600, 0x0001, 2);
    ok((iobus_read(m->io, 0x600, 2) & 1) == 0, "TMROF_STS cleared by W1C");

    /* Enable: the VTimer raises the SCI exactly at the next bit-23 toggle. */
    iobus_write(m->io, 0x602, 0x0001, 2);
    uint64_t now = vclock_now(m->clk);
    uint64_t ticks = vclock_ns_to_ticks(now, PIIX4PM_TIMER_HZ);
    uint64_t next = ((ticks >> 23) + 1) << 23;
    uint64_t at = vclock_ticks_to_ns(next, PIIX4PM_TIMER_HZ);
    while (vclock_ns_to_ticks(at, PIIX4PM_TIMER_HZ) < next)
        at++;
    ok(vclock_next_deadline(m->clk) == at, "overflow timer armed for the toggle");
    vclock_advance(m->clk, at - 1 - now);
    ok(m->irq.level[9] == 0 && piix4pm_sci_level(m->pm) == 0,
       "1 ns before the toggle: no SCI");
    vclock_advance(m->clk, 1);
    ok(m->irq.level[9] == 1 && (iobus_read(m->io, 0x600, 2) & 1),
       "at the toggle: TMROF_STS and SCI on IRQ9");
    iobus_write(m->io, 0x600, 0x0001, 2);
    ok(m->irq.level[9] == 0, "clearing TMROF_STS drops the SCI");
    ok(vclock_next_deadline(m->clk) > at, "timer re-armed for the next toggle");
    iobus_write(m->io, 0x602, 0x0000, 2);
    ok(vclock_next_deadline(m->clk) == VCLOCK_NEVER,
       "TMROF_EN clear: no timer armed");

    /* Power button. */
    iobus_write(m->io, 0x602, 0x0100, 2);
    piix4pm_power_button(m->pm);
    ok(m->irq.level[9] == 1 && (iobus_read(m->io, 0x600, 2) & 0x100),
       "power button: PWRBTN_STS and SCI");
    iobus_write(m->io, 0x601, 0x01, 1);
    ok(m->irq.level[9] == 0, "byte W1C at 0x601 clears PWRBTN_STS");
    iobus_write(m->io, 0x602, 0xFFFF, 2);
    ok(iobus_read(m->io, 0x602, 2) == 0x0521, "PM1_EN writable bits");
    iobus_write(m->io, 0x602, 0, 2);

    /* GPE0 block. */
    iobus_write(m->io, 0xAFE2, 0x03, 1);
    ok(iobus_read(m->io, 0xAFE2, 1) == 0x03 && iobus_read(m->io, 0xAFE0, 1) == 0,
       "GPE0 enable stored, status 0");

    /* ACPI enable through the APM port; PM1_CNT. */
    ok((iobus_read(m->io, 0x604, 2) & 1) == 0, "SCI_EN clear at reset");
    iobus_write(m->io, 0xB2, 0xF1, 1);
    ok((iobus_read(m->io, 0x604, 2) & 1) == 1, "APMC 0xF1 sets SCI_EN");
    iobus_write(m->io, 0xB2, 0xF0, 1);
    ok((iobus_read(m->io, 0x604, 2) & 1) == 0, "APMC 0xF0 clears SCI_EN");
    iobus_write(m->io, 0xB3, 0x5A, 1);
    ok(iobus_read(m->io, 0xB3, 1) == 0x5A, "APMS scratch");

    iobus_write(m->io, 0x604, (5u << 10) | 0x2000 | 1, 2);
    ok(m->poweroffs == 0 && m->suspends == 0 &&
           iobus_read(m->io, 0x604, 2) == ((5u << 10) | 1),
       "SLP_TYP 5 + SLP_EN: nothing; SLP_EN reads 0");
    iobus_write(m->io, 0x604, (0u << 10) | 1, 2);
    ok(m->poweroffs == 0, "SLP_TYP 0 without SLP_EN: nothing");
    iobus_write(m->io, 0x605, 0x20 | (1u << 2), 1);
    ok(m->suspends == 1 && m->poweroffs == 0,
       "byte write SLP_TYP 1 + SLP_EN: suspend (S3)");
    iobus_write(m->io, 0x604, 0x2000 | 1, 4);
    ok(m->poweroffs == 1, "SLP_TYP 0 + SLP_EN: poweroff (S5)");

    cfg_wr(m, D_PM, 0x80, 0x00, 1);
    ok(piix4pm_io_base(m->pm) == 0 && iobus_read(m->io, 0x600, 2) == 0xFFFF,
       "PMREGMISC cleared: PM block gone");
    cfg_wr(m, D_PM, 0x41, 0xB0, 1);
    cfg_wr(m, D_PM, 0x80, 0x01, 1);
    ok(piix4pm_io_base(m->pm) == 0xB000 &&
           iobus_read(m->io, 0xB008, 4) == piix4pm_timer(m->pm),
       "PM block moved to 0xB000");
    m_free(m);

    /* sci_en_at_reset */
    IOBus *io = iobus_new();
    VClock *c = vclock_new(VCLOCK_MANUAL, 0);
    PCIBus *bus = pci_bus_new(io, NULL);
    PIIX4PMOps o = {.sci_en_at_reset = 1};
    PIIX4PM *pm = piix4pm_new(bus, PCI_DEVFN(1, 3), c, &o);
    pci_bus_config_write(bus, PCI_DEVFN(1, 3), 0x40, 0x601, 4);
    pci_bus_config_write(bus, PCI_DEVFN(1, 3), 0x80, 1, 1);
    ok((iobus_read(io, 0x604, 2) & 1) == 1, "sci_en_at_reset: SCI_EN set");
    ok(piix4pm_new(bus, PCI_DEVFN(1, 3), c, &o) == NULL,
       "second function at a taken devfn refused");
    piix4pm_free(pm);
    ok(iobus_read(io, 0x604, 2) == 0xFFFF, "piix4pm_free unregisters ports");
    pci_bus_free(bus);
    vclock_free(c);
    iobus_free(io);
}

/* ------------------------------------------------------------ fuzz */

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void test_fuzz(void)
{
    M *m = m_new();
    static const int devfns[] = {D_HOST, D_ISA, D_PM, D_T3, D_T4, 9, 200};
    int good = 1;
    for (int i = 0; i < 30000; i++) {
        uint32_t r = rnd();
        int devfn = devfns[r % 7];
        unsigned off = (rnd() >> 3) & 0xFF;
        unsigned size = 1u << (rnd() % 3);
        uint32_t val = rnd();
        if ((r >> 8) % 8 == 0) {
            /* raw port access anywhere in 0xCF8-0xCFF */
            uint16_t port = (uint16_t)(0xCF8 + rnd() % 8);
            if (port == 0xCF9 && size == 1)
                continue; /* reset request: counted below */
            if (rnd() & 1)
                iobus_write(m->io, port, val, size);
            else
                iobus_read(m->io, port, size);
            continue;
        }
        iobus_write(m->io, 0xCF8,
                    0x80000000u | (unsigned)devfn << 8 | (off & 0xFC), 4);
        uint16_t port = (uint16_t)(0xCFC + (off & 3));
        if (r & 0x10000)
            iobus_write(m->io, port, val, size);
        else
            iobus_read(m->io, port, size);
        if ((r & 0x7000) == 0 && piix4pm_io_base(m->pm)) {
            uint16_t pp = (uint16_t)(piix4pm_io_base(m->pm) + rnd() % 64);
            if (rnd() & 1)
                iobus_write(m->io, pp, rnd(), size);
            else
                iobus_read(m->io, pp, size);
            vclock_advance(m->clk, rnd() % 100000000u);
        }
        if ((r & 0x38000) == 0) {
            uint32_t a = pci_bar_addr(m->t3->pci, (int)(rnd() % 7));
            if (a != PCI_BAR_UNMAPPED)
                phys_read(m->mem, a + (rnd() & 0xFFF), size);
        }
        if ((r & 0xF00000) == 0)
            pci_set_irq(m->t3->pci, (int)(rnd() & 1));
        if ((r & 0xF000000) == 0)
            pci_set_irq(m->t4->pci, (int)(rnd() & 1));
    }
    printf("# fuzz: %d BAR (un)mappings of 00:03.0, %d of 00:04.0, "
           "PM block at 0x%X, %d power-offs\n", m->t3->nmap, m->t4->nmap,
           piix4pm_io_base(m->pm), m->poweroffs);
    ok(cfg_rd(m, D_HOST, 0, 4) == 0x12378086u &&
           cfg_rd(m, D_ISA, 0, 4) == 0x70008086u &&
           cfg_rd(m, D_PM, 0, 4) == 0x71138086u &&
           cfg_rd(m, D_T3, 0, 4) == 0xABCD1234u,
       "fuzz: IDs intact");
    ok((cfg_rd(m, D_T3, 0x10, 4) & 3) == 1 &&
           (cfg_rd(m, D_T3, 0x18, 4) & 0xF) == 8 &&
           (cfg_rd(m, D_ISA, 0x0E, 1) == 0x80) &&
           (cfg_rd(m, D_HOST, 0x59, 1) & 0xCF) == 0 &&
           (cfg_rd(m, D_HOST, 0x72, 1) & 0x87) == 0x02,
       "fuzz: read-only bits intact");
    /* Decoding agrees with the configuration space. */
    for (int k = 0; k < 2; k++) {
        TDev *t = k ? m->t4 : m->t3;
        uint32_t a = pci_bar_addr(t->pci, 0);
        uint16_t cmd = (uint16_t)cfg_rd(m, pci_devfn(t->pci), 4, 2);
        uint32_t bar = cfg_rd(m, pci_devfn(t->pci), 0x10, 4) & ~0xFu;
        if ((cmd & 1) && bar && bar + 16 <= 0x10000) {
            if (a != bar)
                good = 0;
        } else if (a != PCI_BAR_UNMAPPED) {
            good = 0;
        }
    }
    ok(good, "fuzz: BAR0 decode state matches command/BAR registers");
    /* PIRQ levels agree with the devices. */
    int lv[4] = {0};
    for (int k = 0; k < 2; k++) {
        TDev *t = k ? m->t4 : m->t3;
        int devfn = pci_devfn(t->pci);
        int pin = (int)cfg_rd(m, devfn, 0x3D, 1);
        int pend = (cfg_rd(m, devfn, 6, 2) & 8) != 0;
        int dis = (cfg_rd(m, devfn, 4, 2) & 0x400) != 0;
        if (pend && !dis && pin)
            lv[(pin - 1 + (devfn >> 3)) & 3] = 1;
    }
    good = 1;
    for (int p = 0; p < 4; p++)
        if (pci_bus_pirq_level(m->bus, p) != lv[p])
            good = 0;
    ok(good, "fuzz: PIRQ levels match the functions' INTx state");
    good = 1;
    for (int n = 0; n < 16; n++)
        if (piix3_isa_level(m->isa, n) != m->irq.level[n])
            good = 0;
    ok(good, "fuzz: ISA IRQ lines match the PIIX3 outputs");
    m_free(m);
}

/* ------------------------------------------------------------ snapshots */

typedef void (*SaveFn)(const void *, SnapWriter *);

static int same(const SnapWriter *a, const SnapWriter *b)
{
    return a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0;
}

static void test_snapshot(void)
{
    M *m = m_new();
    /* Program a state worth saving. */
    cfg_wr(m, D_HOST, 0x59, 0x30, 1);
    cfg_wr(m, D_HOST, 0x5A, 0x13, 1);
    cfg_wr(m, D_HOST, 0x72, 0x48, 1);
    phys_write(m->mem, 0xF1234, 0xC3, 1);
    cfg_wr(m, D_ISA, 0x60, 0x0B0A8005u, 4);
    iobus_write(m->io, 0xCF9, 0x02, 1);
    cfg_wr(m, D_PM, 0x40, 0x0601, 4);
    cfg_wr(m, D_PM, 0x80, 0x01, 1);
    iobus_write(m->io, 0x602, 0x0101, 2);
    iobus_write(m->io, 0x604, 0x0001, 2);
    iobus_write(m->io, 0xAFE2, 0x01, 1);
    piix4pm_power_button(m->pm);
    cfg_wr(m, D_T3, 0x10, 0xC101, 4);
    cfg_wr(m, D_T3, 0x04, 0x0001, 2);
    pci_set_irq(m->t3->pci, 1); /* slot 3 INTA -> PIRQD -> 11 */
    iobus_write(m->io, 0xCF8, 0x80000810u, 4);

    SnapWriter w1, w2;
    snap_writer_init(&w1);
    pci_bus_save(m->bus, &w1);
    i440fx_save(m->host, &w1);
    piix3_save(m->isa, &w1);
    piix4pm_save(m->pm, &w1);
    pci_device_save(m->t3->pci, &w1);
    ok(!w1.err && w1.len > 4 * 256, "saved bus + 4 functions");

    /* Mutate everything. */
    pci_bus_reset(m->bus);
    i440fx_reset(m->host);
    piix3_reset(m->isa);
    piix4pm_reset(m->pm);
    pci_set_irq(m->t3->pci, 0);
    pci_device_reset(m->t3->pci);
    ok(phys_read(m->mem, 0xF1234, 1) != 0xC3 && m->irq.level[11] == 0 &&
           iobus_read(m->io, 0xC101, 1) == 0xFF && piix4pm_io_base(m->pm) == 0,
       "after reset: PAM, routing, BAR, PM block all changed");

    SnapReader r;
    snap_reader_init(&r, w1.buf, w1.len);
    int rc = pci_bus_load(m->bus, &r);
    rc |= i440fx_load(m->host, &r);
    rc |= piix3_load(m->isa, &r);
    rc |= piix4pm_load(m->pm, &r);
    rc |= pci_device_load(m->t3->pci, &r);
    ok(rc == 0 && !r.err && r.pos == w1.len, "loaded everything back");

    snap_writer_init(&w2);
    pci_bus_save(m->bus, &w2);
    i440fx_save(m->host, &w2);
    piix3_save(m->isa, &w2);
    piix4pm_save(m->pm, &w2);
    pci_device_save(m->t3->pci, &w2);
    ok(same(&w1, &w2), "save after load: identical bytes");
    ok(iobus_read(m->io, 0xCF8, 4) == 0x80000810u,
       "bus: CONFIG_ADDRESS restored");

    ok(phys_read(m->mem, 0xF1234, 1) == 0xC3, "i440FX: PAM decoding restored");
    ok(cfg_rd(m, D_HOST, 0x72, 1) == 0x4A, "i440FX: SMRAM restored");
    ok(m->irq.level[11] == 1 && iobus_read(m->io, 0xCF9, 1) == 0x02,
       "PIIX3: routing (IRQ11 high again) and RCR restored");
    ok(iobus_read(m->io, 0xC101, 1) == 0xA1 &&
           pci_bar_addr(m->t3->pci, 0) == 0xC100,
       "test function: BAR0 remapped at 0xC100");
    ok(piix4pm_io_base(m->pm) == 0x600 &&
           iobus_read(m->io, 0x602, 2) == 0x0101 &&
           (iobus_read(m->io, 0x600, 2) & 0x100) && m->irq.level[9] == 1 &&
           iobus_read(m->io, 0xAFE2, 1) == 0x01,
       "PM: block, PM1_EN, PWRBTN_STS, SCI, GPE restored");
    ok(vclock_next_deadline(m->clk) != VCLOCK_NEVER,
       "PM: overflow timer re-armed (TMROF_EN)");
    iobus_write(m->io, 0x600, 0x0100, 2);
    ok(m->irq.level[9] == 0, "PM behaviour continues: W1C drops the SCI");
    /* Bad snapshots. */
    SnapReader bad;
    snap_reader_init(&bad, w1.buf, 20);
    pci_bus_load(m->bus, &bad);
    ok(i440fx_load(m->host, &bad) == -1 &&
           cfg_rd(m, D_HOST, 0, 4) == 0x12378086u,
       "truncated i440FX snapshot rejected, device usable");
    uint8_t *copy = malloc(w1.len);
    memcpy(copy, w1.buf, w1.len);
    /* The PCID record of the test function is last: corrupt its vendor. */
    size_t tpos = w1.len - (8 + 1 + 256 + 1);
    copy[tpos + 9] ^= 0xFF;
    snap_reader_init(&bad, copy + tpos, w1.len - tpos);
    ok(pci_device_load(m->t3->pci, &bad) == -1,
       "snapshot of another device (vendor mismatch) rejected");
    memcpy(copy, w1.buf, w1.len);
    copy[w1.len - 1] = 7; /* INTx level 7 */
    snap_reader_init(&bad, copy + tpos, w1.len - tpos);
    ok(pci_device_load(m->t3->pci, &bad) == -1, "bad INTx level rejected");
    /* BAR type bits in the snapshot cannot change the BAR type. */
    memcpy(copy, w1.buf, w1.len);
    copy[tpos + 9 + 0x10] = 0x00; /* BAR0 low byte: claims memory */
    snap_reader_init(&bad, copy + tpos, w1.len - tpos);
    ok(pci_device_load(m->t3->pci, &bad) == 0 &&
           (cfg_rd(m, D_T3, 0x10, 4) & 1) == 1,
       "BAR type bits come from the model, not the snapshot");
    free(copy);

    /* PM epoch: far future rejected; in the past accepted and handled. */
    SnapWriter w3;
    snap_writer_init(&w3);
    piix4pm_save(m->pm, &w3);
    size_t epos = 8 + (8 + 1 + 256 + 1) + 6;
    for (int k = 0; k < 8; k++)
        w3.buf[epos + k] = k == 5 ? 0x01 : 0; /* 2^40 */
    snap_reader_init(&bad, w3.buf, w3.len);
    ok(piix4pm_load(m->pm, &bad) == -1, "PM: absurd timer epoch rejected");
    piix4pm_save(m->pm, &w3); /* after the reset that the failure did */
    snap_writer_free(&w3);
    snap_writer_init(&w3);
    iobus_write(m->io, 0xCF8, 0x80000B40u, 4);
    iobus_write(m->io, 0xCFC, 0x0601, 4);
    iobus_write(m->io, 0xCF8, 0x80000B80u, 4);
    iobus_write(m->io, 0xCFC, 0x01, 1);
    iobus_write(m->io, 0x602, 0x0001, 2);
    vclock_advance(m->clk, 3000000000u); /* one epoch passes */
    piix4pm_save(m->pm, &w3);
    for (int k = 0; k < 8; k++)
        w3.buf[epos + k] = 0; /* epoch 0: long past */
    snap_reader_init(&bad, w3.buf, w3.len);
    ok(piix4pm_load(m->pm, &bad) == 0, "PM: epoch in the past accepted");
    vclock_advance(m->clk, 1);
    ok((iobus_read(m->io, 0x600, 2) & 1) && m->irq.level[9] == 1 &&
           vclock_next_deadline(m->clk) > vclock_now(m->clk),
       "PM: stale epoch gives one overflow event, timer armed ahead");
    snap_writer_free(&w3);
    snap_writer_free(&w1);
    snap_writer_free(&w2);
    m_free(m);
}

int main(void)
{
    test_mechanism();
    test_widths();
    test_bars();
    test_pam();
    test_pirq();
    test_pm();
    test_fuzz();
    test_snapshot();
    printf("1..%d\n", test_no);
    return failures != 0;
}
