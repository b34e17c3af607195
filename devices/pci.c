/* PCI bus 0, configuration mechanism #1 and the generic PCI function (see
 * pci.h).
 *
 * INTx bookkeeping: each function counts at most once on one PIRQ
 * (intx_out/intx_pirq); the bus keeps per-PIRQ counts of asserting
 * functions, so a PIRQ's level is count != 0 and sharing is an OR.  BAR
 * bookkeeping: bar[i].mapped is the address the BAR decodes now (what the
 * device was last told through bar_map), recomputed from the configuration
 * space after every change. */
#include "devices/pci.h"

#include <stdlib.h>
#include <string.h>

#define NBARS 7 /* 6 BARs + expansion ROM */

typedef struct PCIBar {
    uint32_t size;  /* 0: not declared */
    unsigned flags; /* PCI_BAR_IO, PCI_BAR_PREFETCH */
    uint32_t mapped; /* decoded address or PCI_BAR_UNMAPPED */
    int registered;  /* the core's own registration at `mapped` succeeded */
    /* handlers the core registers itself (optional) */
    int kind; /* 0 none, 1 I/O, 2 MMIO, 3 ROM data */
    unsigned widths;
    IoReadFn io_rd;
    IoWriteFn io_wr;
    MmioReadFn mm_rd;
    MmioWriteFn mm_wr;
    void *hopaque;
} PCIBar;

struct PCIDevice {
    PCIBus *bus;
    int devfn;
    PCIDeviceOps ops;
    uint8_t config[256];
    uint8_t wmask[256];
    uint8_t w1cmask[256];
    PCIBar bar[NBARS];
    uint8_t *rom;
    uint32_t rom_size;
    int irq_level; /* level the device drives on its pin */
    int intx_out;  /* 1: counted as asserting on bus->pirq_count[intx_pirq] */
    int intx_pirq;
};

struct PCIBus {
    IOBus *io;
    PhysMem *mem;
    PCIDevice *dev[256];
    uint32_t confadd;
    int freed; /* a BAR released its space: retry refused registrations */
    unsigned pirq_count[4];
    void (*pirq_fn)(void *, int, int);
    void *pirq_opaque;
    uint8_t (*cf9_rd)(void *);
    void (*cf9_wr)(void *, uint8_t);
    void *cf9_opaque;
    uint16_t base;
};

/* ------------------------------------------------------------ helpers */

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

static uint32_t cfg_ld(const PCIDevice *d, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        if (off + i < 256)
            v |= (uint32_t)d->config[off + i] << (8 * i);
    return v;
}

static void cfg_st(PCIDevice *d, unsigned off, uint32_t v, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        if (off + i < 256)
            d->config[off + i] = (uint8_t)(v >> (8 * i));
}

static unsigned bar_off(int bar)
{
    return bar == PCI_ROM_BAR ? PCI_ROM_ADDRESS
                              : PCI_BASE_ADDRESS_0 + 4u * (unsigned)bar;
}

/* Where BAR `i` should decode according to the configuration space. */
static uint32_t bar_decode(const PCIDevice *d, int i)
{
    const PCIBar *b = &d->bar[i];
    uint16_t cmd = (uint16_t)cfg_ld(d, PCI_COMMAND, 2);
    uint32_t v = cfg_ld(d, bar_off(i), 4);
    uint32_t addr;
    if (!b->size)
        return PCI_BAR_UNMAPPED;
    if (i == PCI_ROM_BAR) {
        if (!(cmd & PCI_COMMAND_MEMORY) || !(v & 1))
            return PCI_BAR_UNMAPPED;
        addr = v & 0xFFFFF800u & ~(b->size - 1);
    } else if (b->flags & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO))
            return PCI_BAR_UNMAPPED;
        addr = v & ~3u & ~(b->size - 1);
        if (addr == 0 || (uint64_t)addr + b->size > 0x10000u)
            return PCI_BAR_UNMAPPED;
        return addr;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY))
            return PCI_BAR_UNMAPPED;
        addr = v & ~0xFu & ~(b->size - 1);
    }
    if (addr == 0 || (uint64_t)addr + b->size - 1 >= 0xFFFFFFFFu)
        return PCI_BAR_UNMAPPED;
    return addr;
}

static void bar_unmap(PCIDevice *d, int i)
{
    PCIBar *b = &d->bar[i];
    uint32_t old = b->mapped;
    if (old == PCI_BAR_UNMAPPED)
        return;
    if (b->registered) {
        if (b->kind == 1)
            iobus_unregister(d->bus->io, (uint16_t)old, b->size);
        else if (b->kind == 2 || b->kind == 3)
            phys_del_region(d->bus->mem, old);
        d->bus->freed = 1;
    }
    b->registered = 0;
    b->mapped = PCI_BAR_UNMAPPED;
    if (d->ops.bar_map)
        d->ops.bar_map(d->ops.opaque, i, old, 0);
}

/* Registers the core-managed handlers of BAR i at its mapped address. */
static void try_register(PCIDevice *d, int i)
{
    PCIBar *b = &d->bar[i];
    uint32_t addr = b->mapped;
    int r = -1;
    if (b->kind == 1 && d->bus->io)
        r = iobus_register(d->bus->io, (uint16_t)addr, b->size, b->widths,
                           b->io_rd, b->io_wr, b->hopaque);
    else if (b->kind == 2 && d->bus->mem)
        r = phys_add_mmio(d->bus->mem, addr, b->size, b->mm_rd, b->mm_wr,
                          b->hopaque);
    else if (b->kind == 3 && d->bus->mem && d->rom)
        r = phys_add_rom(d->bus->mem, addr, d->rom, d->rom_size);
    b->registered = r == 0;
}

static void bar_map(PCIDevice *d, int i, uint32_t addr)
{
    d->bar[i].mapped = addr;
    try_register(d, i);
    if (d->ops.bar_map)
        d->ops.bar_map(d->ops.opaque, i, addr, 1);
}

/* A BAR whose registration was refused (the guest placed it over
 * something else) gets another chance whenever some BAR has released its
 * space, so e.g. swapping two BARs one write at a time ends with both
 * decoding, as on real hardware. */
static void retry_refused(PCIBus *bus)
{
    while (bus->freed) {
        bus->freed = 0;
        for (int f = 0; f < 256; f++) {
            PCIDevice *d = bus->dev[f];
            for (int i = 0; d && i < NBARS; i++)
                if (d->bar[i].mapped != PCI_BAR_UNMAPPED &&
                    !d->bar[i].registered && d->bar[i].kind)
                    try_register(d, i);
        }
    }
}

static void update_mappings(PCIDevice *d)
{
    for (int i = 0; i < NBARS; i++) {
        uint32_t a = bar_decode(d, i);
        if (a == d->bar[i].mapped)
            continue;
        bar_unmap(d, i);
        if (a != PCI_BAR_UNMAPPED)
            bar_map(d, i, a);
    }
    retry_refused(d->bus);
}

static void pirq_change(PCIBus *bus, int pirq, int delta)
{
    unsigned before = bus->pirq_count[pirq];
    if (delta > 0)
        bus->pirq_count[pirq]++;
    else if (bus->pirq_count[pirq])
        bus->pirq_count[pirq]--;
    int was = before != 0, now = bus->pirq_count[pirq] != 0;
    if (was != now && bus->pirq_fn)
        bus->pirq_fn(bus->pirq_opaque, pirq, now);
}

/* Recomputes the function's INTx output and status bit 3. */
static void update_intx(PCIDevice *d)
{
    unsigned pin = d->config[PCI_INTERRUPT_PIN];
    uint16_t cmd = (uint16_t)cfg_ld(d, PCI_COMMAND, 2);
    int want = d->irq_level && pin >= 1 && pin <= 4 &&
               !(cmd & PCI_COMMAND_INTX_DISABLE);
    int pirq = pin >= 1 && pin <= 4
                   ? (int)((pin - 1 + (unsigned)(d->devfn >> 3)) & 3)
                   : 0;
    if (d->irq_level)
        d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else
        d->config[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
    if (d->intx_out && (!want || pirq != d->intx_pirq)) {
        d->intx_out = 0;
        pirq_change(d->bus, d->intx_pirq, -1);
    }
    if (want && !d->intx_out) {
        d->intx_out = 1;
        d->intx_pirq = pirq;
        pirq_change(d->bus, pirq, +1);
    }
}

static void changed(PCIDevice *d)
{
    update_mappings(d);
    update_intx(d);
}

/* ------------------------------------------------------------ config access */

static int access_ok(unsigned off, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && off < 256 &&
           (off & 3) + size <= 4;
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, unsigned off,
                             unsigned size)
{
    uint32_t ones = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (!access_ok(off, size) || devfn < 0 || devfn > 255 || !bus->dev[devfn])
        return ones;
    PCIDevice *d = bus->dev[devfn];
    uint32_t v = cfg_ld(d, off, size);
    if (d->ops.config_read)
        v = d->ops.config_read(d->ops.opaque, off, size, v) & ones;
    return v;
}

void pci_bus_config_write(PCIBus *bus, int devfn, unsigned off, uint32_t val,
                          unsigned size)
{
    if (!access_ok(off, size) || devfn < 0 || devfn > 255 || !bus->dev[devfn])
        return;
    PCIDevice *d = bus->dev[devfn];
    for (unsigned i = 0; i < size; i++) {
        unsigned o = off + i;
        uint8_t b = (uint8_t)(val >> (8 * i));
        uint8_t wm = d->wmask[o], w1c = d->w1cmask[o];
        uint8_t c = (uint8_t)((d->config[o] & ~wm) | (b & wm));
        c &= (uint8_t)~(b & w1c);
        d->config[o] = c;
    }
    changed(d);
    if (d->ops.config_write)
        d->ops.config_write(d->ops.opaque, off, val, size);
}

static uint32_t addr_read(void *opaque, uint16_t port, unsigned size)
{
    PCIBus *bus = opaque;
    unsigned o = (uint16_t)(port - bus->base);
    if (o == 0 && size == 4)
        return bus->confadd;
    if (o == 1 && size == 1 && bus->cf9_rd)
        return bus->cf9_rd(bus->cf9_opaque);
    return 0xFFFFFFFFu;
}

static void addr_write(void *opaque, uint16_t port, uint32_t val,
                       unsigned size)
{
    PCIBus *bus = opaque;
    unsigned o = (uint16_t)(port - bus->base);
    if (o == 0 && size == 4)
        bus->confadd = val & 0x80FFFFFCu;
    else if (o == 1 && size == 1 && bus->cf9_wr)
        bus->cf9_wr(bus->cf9_opaque, (uint8_t)val);
}

/* devfn addressed by CONFIG_ADDRESS, or -1 (disabled or another bus). */
static int cur_devfn(const PCIBus *bus)
{
    if (!(bus->confadd & 0x80000000u) || ((bus->confadd >> 16) & 0xFF) != 0)
        return -1;
    return (int)((bus->confadd >> 8) & 0xFF);
}

static uint32_t data_read(void *opaque, uint16_t port, unsigned size)
{
    PCIBus *bus = opaque;
    unsigned o = (uint16_t)(port - bus->base - 4) & 3;
    int devfn = cur_devfn(bus);
    if (devfn < 0)
        return 0xFFFFFFFFu;
    return pci_bus_config_read(bus, devfn, (bus->confadd & 0xFC) + o, size);
}

static void data_write(void *opaque, uint16_t port, uint32_t val,
                       unsigned size)
{
    PCIBus *bus = opaque;
    unsigned o = (uint16_t)(port - bus->base - 4) & 3;
    int devfn = cur_devfn(bus);
    if (devfn >= 0)
        pci_bus_config_write(bus, devfn, (bus->confadd & 0xFC) + o, val,
                             size);
}

/* ------------------------------------------------------------ bus */

PCIBus *pci_bus_new(IOBus *io, PhysMem *mem)
{
    PCIBus *bus = calloc(1, sizeof(*bus));
    if (!bus)
        return NULL;
    bus->io = io;
    bus->mem = mem;
    return bus;
}

void pci_bus_free(PCIBus *bus)
{
    if (!bus)
        return;
    for (int i = 0; i < 256; i++) {
        if (bus->dev[i]) {
            free(bus->dev[i]->rom);
            free(bus->dev[i]);
        }
    }
    free(bus);
}

int pci_bus_register(PCIBus *bus, IOBus *io, uint16_t base)
{
    if ((uint32_t)base + 8 > 0x10000u)
        return -1;
    bus->base = base;
    if (iobus_register(io, base, 4, IO_8 | IO_16 | IO_32, addr_read,
                       addr_write, bus) < 0)
        return -1;
    if (iobus_register(io, (uint16_t)(base + 4), 4, IO_8 | IO_16 | IO_32,
                       data_read, data_write, bus) < 0) {
        iobus_unregister(io, base, 4);
        return -1;
    }
    return 0;
}

void pci_bus_reset(PCIBus *bus) { bus->confadd = 0; }
IOBus *pci_bus_io(const PCIBus *bus) { return bus->io; }
PhysMem *pci_bus_mem(const PCIBus *bus) { return bus->mem; }

void pci_bus_set_pirq_handler(PCIBus *bus,
                              void (*fn)(void *opaque, int pirq, int level),
                              void *opaque)
{
    bus->pirq_fn = fn;
    bus->pirq_opaque = opaque;
}

int pci_bus_pirq_level(const PCIBus *bus, int pirq)
{
    return pirq >= 0 && pirq < 4 && bus->pirq_count[pirq] != 0;
}

void pci_bus_set_port_cf9(PCIBus *bus, uint8_t (*rd)(void *opaque),
                          void (*wr)(void *opaque, uint8_t val), void *opaque)
{
    bus->cf9_rd = rd;
    bus->cf9_wr = wr;
    bus->cf9_opaque = opaque;
}

PCIDevice *pci_bus_find(const PCIBus *bus, int devfn)
{
    return devfn >= 0 && devfn < 256 ? bus->dev[devfn] : NULL;
}

void pci_bus_save(const PCIBus *bus, SnapWriter *w)
{
    snap_begin(w, "PCIB", 1);
    snap_put_u32(w, bus->confadd);
}

int pci_bus_load(PCIBus *bus, SnapReader *r)
{
    snap_expect(r, "PCIB", 1);
    uint32_t a = snap_get_u32(r);
    snap_check(r, (a & ~0x80FFFFFCu) == 0);
    if (r->err)
        return -1;
    bus->confadd = a;
    return 0;
}

/* ------------------------------------------------------------ functions */

PCIDevice *pci_device_new(PCIBus *bus, int devfn, uint16_t vendor,
                          uint16_t device, uint32_t class_code, uint8_t rev,
                          const PCIDeviceOps *ops)
{
    if (devfn < 0 || devfn > 255 || bus->dev[devfn])
        return NULL;
    PCIDevice *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->bus = bus;
    d->devfn = devfn;
    if (ops)
        d->ops = *ops;
    for (int i = 0; i < NBARS; i++)
        d->bar[i].mapped = PCI_BAR_UNMAPPED;
    cfg_st(d, PCI_VENDOR_ID, vendor, 2);
    cfg_st(d, PCI_DEVICE_ID, device, 2);
    d->config[PCI_REVISION_ID] = rev;
    cfg_st(d, PCI_CLASS_PROG, class_code & 0xFFFFFF, 3);
    cfg_st(d, PCI_SUBSYSTEM_VENDOR_ID, 0x1AF4, 2);
    cfg_st(d, PCI_SUBSYSTEM_ID, 0x1100, 2);
    /* Writable: command I/O, memory, bus master, INTx disable; cache line
     * size, latency timer, interrupt line; device-specific registers. */
    d->wmask[PCI_COMMAND] = 0x07;
    d->wmask[PCI_COMMAND + 1] = 0x04;
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xFF;
    d->wmask[PCI_LATENCY_TIMER] = 0xFF;
    d->wmask[PCI_INTERRUPT_LINE] = 0xFF;
    memset(d->wmask + 0x40, 0xFF, 256 - 0x40);
    /* Status: master data parity error (bit 8), signalled/received target
     * abort, received master abort, signalled system error, detected
     * parity error (bits 11-15) are write-1-to-clear. */
    d->w1cmask[PCI_STATUS + 1] = 0xF9;
    /* Multi-function: function 0 says so when other functions exist. */
    int slot0 = devfn & ~7;
    if (devfn & 7) {
        if (bus->dev[slot0])
            bus->dev[slot0]->config[PCI_HEADER_TYPE] |= 0x80;
    } else {
        for (int f = 1; f < 8; f++)
            if (bus->dev[slot0 + f])
                d->config[PCI_HEADER_TYPE] |= 0x80;
    }
    bus->dev[devfn] = d;
    return d;
}

int pci_devfn(const PCIDevice *d) { return d->devfn; }

void pci_device_reset(PCIDevice *d)
{
    d->irq_level = 0;
    for (int i = 0; i < 256; i++)
        d->config[i] &= (uint8_t)~(d->wmask[i] | d->w1cmask[i]);
    changed(d);
}

int pci_bar_init(PCIDevice *d, int bar, uint32_t size, unsigned flags)
{
    if (bar < 0 || bar >= PCI_NUM_BARS || !is_pow2(size))
        return -1;
    uint32_t low, mask;
    if (flags == PCI_BAR_IO) {
        if (size < 4 || size > 0x10000u)
            return -1;
        low = 1;
        mask = ~(size - 1) & ~3u;
    } else if (flags == PCI_BAR_MEM || flags == (PCI_BAR_MEM | PCI_BAR_PREFETCH)) {
        if (size < 16 || size > 0x80000000u)
            return -1;
        low = flags & PCI_BAR_PREFETCH;
        mask = ~(size - 1) & ~0xFu;
    } else {
        return -1;
    }
    bar_unmap(d, bar);
    d->bar[bar].size = size;
    d->bar[bar].flags = flags;
    unsigned off = bar_off(bar);
    cfg_st(d, off, low, 4);
    for (unsigned i = 0; i < 4; i++)
        d->wmask[off + i] = (uint8_t)(mask >> (8 * i));
    changed(d);
    return 0;
}

void pci_bar_set_io(PCIDevice *d, int bar, unsigned widths, IoReadFn rd,
                    IoWriteFn wr, void *opaque)
{
    if (bar < 0 || bar >= PCI_NUM_BARS || !(d->bar[bar].flags & PCI_BAR_IO))
        return;
    bar_unmap(d, bar);
    PCIBar *b = &d->bar[bar];
    b->kind = 1;
    b->widths = widths;
    b->io_rd = rd;
    b->io_wr = wr;
    b->hopaque = opaque;
    changed(d);
}

void pci_bar_set_mmio(PCIDevice *d, int bar, MmioReadFn rd, MmioWriteFn wr,
                      void *opaque)
{
    if (bar < 0 || bar >= PCI_NUM_BARS || !d->bar[bar].size ||
        (d->bar[bar].flags & PCI_BAR_IO))
        return;
    bar_unmap(d, bar);
    PCIBar *b = &d->bar[bar];
    b->kind = 2;
    b->mm_rd = rd;
    b->mm_wr = wr;
    b->hopaque = opaque;
    changed(d);
}

int pci_rom_init(PCIDevice *d, const uint8_t *data, size_t len)
{
    if (len == 0 || len > (16u << 20))
        return -1;
    uint32_t size = 2048;
    while (size < len)
        size <<= 1;
    uint8_t *rom = NULL;
    if (data) {
        rom = malloc(size);
        if (!rom)
            return -1;
        memset(rom, 0xFF, size);
        memcpy(rom, data, len);
    }
    bar_unmap(d, PCI_ROM_BAR);
    free(d->rom);
    d->rom = rom;
    d->rom_size = size;
    PCIBar *b = &d->bar[PCI_ROM_BAR];
    b->size = size;
    b->flags = 0;
    b->kind = rom ? 3 : 0;
    uint32_t mask = (~(size - 1) & 0xFFFFF800u) | 1u;
    cfg_st(d, PCI_ROM_ADDRESS, 0, 4);
    for (unsigned i = 0; i < 4; i++)
        d->wmask[PCI_ROM_ADDRESS + i] = (uint8_t)(mask >> (8 * i));
    changed(d);
    return 0;
}

uint32_t pci_bar_addr(const PCIDevice *d, int bar)
{
    return bar >= 0 && bar < NBARS ? d->bar[bar].mapped : PCI_BAR_UNMAPPED;
}

uint32_t pci_bar_size(const PCIDevice *d, int bar)
{
    return bar >= 0 && bar < NBARS ? d->bar[bar].size : 0;
}

uint8_t pci_get_u8(const PCIDevice *d, unsigned off)
{
    return (uint8_t)cfg_ld(d, off, 1);
}
uint16_t pci_get_u16(const PCIDevice *d, unsigned off)
{
    return (uint16_t)cfg_ld(d, off, 2);
}
uint32_t pci_get_u32(const PCIDevice *d, unsigned off)
{
    return cfg_ld(d, off, 4);
}

void pci_config_set8(PCIDevice *d, unsigned off, uint8_t v)
{
    cfg_st(d, off, v, 1);
    changed(d);
}
void pci_config_set16(PCIDevice *d, unsigned off, uint16_t v)
{
    cfg_st(d, off, v, 2);
    changed(d);
}
void pci_config_set32(PCIDevice *d, unsigned off, uint32_t v)
{
    cfg_st(d, off, v, 4);
    changed(d);
}

void pci_set_wmask(PCIDevice *d, unsigned off, unsigned len, uint8_t mask)
{
    for (unsigned i = 0; i < len && off + i < 256; i++)
        d->wmask[off + i] = mask;
}

void pci_set_w1cmask(PCIDevice *d, unsigned off, unsigned len, uint8_t mask)
{
    for (unsigned i = 0; i < len && off + i < 256; i++)
        d->w1cmask[off + i] = mask;
}

void pci_set_pin(PCIDevice *d, int pin)
{
    if (pin < 0 || pin > 4)
        return;
    d->config[PCI_INTERRUPT_PIN] = (uint8_t)pin;
    update_intx(d);
}

void pci_set_irq(PCIDevice *d, int level)
{
    d->irq_level = level != 0;
    update_intx(d);
}

void pci_device_save(const PCIDevice *d, SnapWriter *w)
{
    snap_begin(w, "PCID", 1);
    snap_put_u8(w, (uint8_t)d->devfn);
    snap_put_bytes(w, d->config, 256);
    snap_put_u8(w, (uint8_t)d->irq_level);
}

int pci_device_load(PCIDevice *d, SnapReader *r)
{
    uint8_t cfg[256];
    snap_expect(r, "PCID", 1);
    int devfn = snap_get_u8(r);
    snap_get_bytes(r, cfg, sizeof cfg);
    int level = snap_get_u8(r);
    snap_check(r, devfn == d->devfn);
    snap_check(r, memcmp(cfg, d->config, 4) == 0); /* vendor, device */
    snap_check(r, level <= 1);
    if (r->err)
        return -1;
    /* The standard header's read-only bits are the model's (BAR type bits,
     * class, header type, pin); device-specific registers load as saved. */
    for (int i = 0; i < 0x40; i++) {
        uint8_t m = d->wmask[i] | d->w1cmask[i];
        cfg[i] = (uint8_t)((cfg[i] & m) | (d->config[i] & ~m));
    }
    memcpy(d->config, cfg, sizeof cfg);
    d->irq_level = level;
    changed(d);
    return 0;
}
