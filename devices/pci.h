/* PCI bus 0 with configuration mechanism #1, and the generic PCI function
 * that every PCI device model builds on.
 *
 * Models:
 *   - CONFIG_ADDRESS at 0xCF8 (32-bit accesses only; bit 31 enable, bits
 *     23:16 bus, 15:11 device, 10:8 function, 7:2 register; reads back what
 *     was written with bits 30:24 and 1:0 as 0) and CONFIG_DATA at
 *     0xCFC-0xCFF (8/16/32-bit accesses at any byte offset within the
 *     dword).  Only bus 0 exists: other buses, absent functions and a clear
 *     enable bit read all-ones and drop writes.  A byte access to 0xCF9 is
 *     not part of mechanism #1: it is handed to the hook installed with
 *     pci_bus_set_port_cf9() (the PIIX3 reset control register).
 *   - Per function a 256-byte type-0 configuration space with per-byte write
 *     masks (vendor/device/class/revision/header type are read-only) and
 *     write-1-to-clear bits (the PCI status error bits), the standard command
 *     register (I/O, memory, bus master, INTx disable writable), up to 6
 *     BARs (I/O, or 32-bit memory optionally prefetchable; size probing by
 *     writing all-ones; naturally aligned), an optional expansion ROM BAR,
 *     interrupt line (RW) and pin (RO), and status bit 3 (interrupt status).
 *     Device-specific registers 0x40-0xFF are writable by default (as QEMU
 *     does); a device narrows them with pci_set_wmask().
 *   - INTx: pci_set_irq() drives the function's INTx pin; the bus maps it to
 *     PIRQ A-D with the standard swizzle (pin - 1 + slot) & 3 and ORs all
 *     functions on each PIRQ.  The PIRQ levels go to the hook installed with
 *     pci_bus_set_pirq_handler() (the PIIX3's PIRQ router, devices/i440fx.h).
 *   - The header type's multi-function bit (0x0E bit 7) of function 0 is set
 *     automatically when another function exists in the same slot.
 *
 * Not modelled: buses other than 0 (no PCI-PCI bridges), 64-bit BARs,
 * capability lists (a device may build one with pci_config_set*), parity
 * and error signalling (the status error bits are only stored), mechanism
 * #2, MSI.
 *
 * BAR decoding.  A BAR is "mapped" when its command-register enable is set
 * (I/O space for I/O BARs; memory space for memory BARs and the ROM, which
 * also needs its own enable bit 0), its address is not 0, and the whole BAR
 * lies below 64 KiB (I/O) or ends below 0xFFFFFFFF (memory; this also keeps
 * the all-ones probe value from mapping anything over the BIOS).  Whenever
 * the mapped address of a BAR changes, the core
 *   1. if it was mapped: removes what it registered for it and calls
 *      bar_map(opaque, bar, old_addr, 0);
 *   2. if it is now mapped: registers the BAR's handlers (if the device gave
 *      any with pci_bar_set_io/pci_bar_set_mmio/pci_rom_init) on the bus's
 *      IOBus/PhysMem and calls bar_map(opaque, bar, new_addr, 1).
 * bar is 0-5, or PCI_ROM_BAR for the expansion ROM.  A registration that
 * fails because the guest placed the BAR over another device is skipped
 * (bar_map is still called) and retried whenever another BAR releases its
 * space.  A device that registers things itself from bar_map must cope
 * with such clashes on its own (iobus_register/phys_add_mmio return -1).
 *
 * Example (a device with one 16-port I/O BAR and INTA):
 *
 *     static uint32_t my_io_read(void *opaque, uint16_t port, unsigned size)
 *     {
 *         My *m = opaque;
 *         uint32_t off = port - pci_bar_addr(m->pci, 0);  // 0..15
 *         ...
 *     }
 *     My *my_new(PCIBus *bus)
 *     {
 *         My *m = calloc(1, sizeof *m);
 *         PCIDeviceOps ops = {.opaque = m};   // hooks optional
 *         m->pci = pci_device_new(bus, PCI_DEVFN(3, 0), 0x1234, 0x5678,
 *                                 0x020000, 0x01, &ops);
 *         if (!m->pci) ...                    // slot taken / no memory
 *         pci_bar_init(m->pci, 0, 16, PCI_BAR_IO);
 *         pci_bar_set_io(m->pci, 0, IO_8 | IO_16 | IO_32, my_io_read,
 *                        my_io_write, m);
 *         pci_set_pin(m->pci, 1);             // INTA
 *         return m;
 *     }
 *     void my_reset(My *m) { pci_device_reset(m->pci); ... }
 *     void my_save(const My *m, SnapWriter *w)
 *     {   snap_begin(w, "MYDV", 1); pci_device_save(m->pci, w); ... }
 *     ... and pci_set_irq(m->pci, level) whenever the interrupt changes.
 *
 * A memory BAR works the same way with pci_bar_init(.., PCI_BAR_MEM |
 * PCI_BAR_PREFETCH) and pci_bar_set_mmio() (handlers see the offset into the
 * BAR), or the device registers things itself from its bar_map callback.
 *
 * The bus owns the PCIDevice objects: they live until pci_bus_free(), which
 * neither unmaps BARs nor calls any hook.  Tear-down order: each device's
 * own free (which may still use the bus: piix3_free unhooks itself,
 * piix4pm_free unregisters its ports), then pci_bus_free, then the IOBus,
 * PhysMem and VClock. */
#ifndef X86PC_PCI_H
#define X86PC_PCI_H
#include <stdint.h>
#include <stddef.h>
#include "devices/bus.h"
#include "devices/snap.h"
#include "memory/mem.h"

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

#define PCI_DEVFN(slot, fn) ((((slot) & 31) << 3) | ((fn) & 7))
#define PCI_NUM_BARS 6
#define PCI_ROM_BAR 6 /* bar index of the expansion ROM in bar_map */
#define PCI_BAR_UNMAPPED 0xFFFFFFFFu

/* Standard configuration registers. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CACHE_LINE_SIZE 0x0C
#define PCI_LATENCY_TIMER 0x0D
#define PCI_HEADER_TYPE 0x0E
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2C
#define PCI_SUBSYSTEM_ID 0x2E
#define PCI_ROM_ADDRESS 0x30
#define PCI_INTERRUPT_LINE 0x3C
#define PCI_INTERRUPT_PIN 0x3D

#define PCI_COMMAND_IO 0x0001
#define PCI_COMMAND_MEMORY 0x0002
#define PCI_COMMAND_MASTER 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT 0x0008

/* pci_bar_init flags */
#define PCI_BAR_MEM 0x0       /* 32-bit memory BAR */
#define PCI_BAR_IO 0x1        /* I/O BAR */
#define PCI_BAR_PREFETCH 0x8  /* memory BAR is prefetchable */

typedef struct PCIDeviceOps {
    void *opaque;
    /* A BAR's decoding changed: addr is where it was (mapped == 0) or now is
     * (mapped == 1).  May be NULL. */
    void (*bar_map)(void *opaque, int bar, uint32_t addr, int mapped);
    /* Called for every configuration read of this function with the value
     * the core would return (size 1, 2 or 4 bytes at off, off + size <=
     * 256, never crossing a dword); returns the value the guest sees.  May
     * be NULL. */
    uint32_t (*config_read)(void *opaque, unsigned off, unsigned size,
                            uint32_t val);
    /* Called after the core has applied a configuration write (write masks,
     * W1C, BAR remapping); read the new register values with pci_get_*().
     * val/size are what the guest wrote.  May be NULL. */
    void (*config_write)(void *opaque, unsigned off, uint32_t val,
                         unsigned size);
} PCIDeviceOps;

/* ------------------------------------------------------------ the bus */

/* io: where I/O BARs are registered; mem: where memory BARs and ROMs are
 * mapped (either may be NULL if no device needs it). */
PCIBus *pci_bus_new(IOBus *io, PhysMem *mem);
void pci_bus_free(PCIBus *bus); /* frees its devices too */
/* Registers CONFIG_ADDRESS/CONFIG_DATA at base..base+7 (0xCF8 on a PC). */
int pci_bus_register(PCIBus *bus, IOBus *io, uint16_t base);
/* Clears CONFIG_ADDRESS.  Devices are reset by their own reset calls. */
void pci_bus_reset(PCIBus *bus);
IOBus *pci_bus_io(const PCIBus *bus);
PhysMem *pci_bus_mem(const PCIBus *bus);
/* The PIRQ router: fn(opaque, pirq 0-3, level) on every change of a PIRQ
 * line's level (OR of all functions routed to it). */
void pci_bus_set_pirq_handler(PCIBus *bus,
                              void (*fn)(void *opaque, int pirq, int level),
                              void *opaque);
int pci_bus_pirq_level(const PCIBus *bus, int pirq);
/* Byte accesses to base+1 (0xCF9). */
void pci_bus_set_port_cf9(PCIBus *bus, uint8_t (*rd)(void *opaque),
                          void (*wr)(void *opaque, uint8_t val), void *opaque);
/* The function at devfn, or NULL. */
PCIDevice *pci_bus_find(const PCIBus *bus, int devfn);
/* Configuration access as through 0xCF8/0xCFC (tests, firmware helpers). */
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, unsigned off,
                             unsigned size);
void pci_bus_config_write(PCIBus *bus, int devfn, unsigned off, uint32_t val,
                          unsigned size);
void pci_bus_save(const PCIBus *bus, SnapWriter *w); /* CONFIG_ADDRESS */
int pci_bus_load(PCIBus *bus, SnapReader *r);

/* ------------------------------------------------------------ functions */

/* Adds a function at devfn (PCI_DEVFN(slot, fn)) with the given IDs and
 * class code (class << 16 | subclass << 8 | prog-if).  The subsystem IDs
 * default to 1AF4:1100 as on QEMU.  NULL if devfn is taken or out of range
 * or out of memory.  ops is copied. */
PCIDevice *pci_device_new(PCIBus *bus, int devfn, uint16_t vendor,
                          uint16_t device, uint32_t class_code, uint8_t rev,
                          const PCIDeviceOps *ops);
int pci_devfn(const PCIDevice *d);
/* Reset: unmaps all BARs, clears every writable and W1C bit of the
 * configuration space (command, BAR addresses, interrupt line, ...) and
 * lowers the INTx pin.  A device then sets its own reset values with
 * pci_config_set*(). */
void pci_device_reset(PCIDevice *d);

/* Declares BAR `bar` (0-5): size a power of two (>= 4 for I/O, >= 16 for
 * memory, at most 64 KiB for I/O and 2 GiB for memory).  0 or -1. */
int pci_bar_init(PCIDevice *d, int bar, uint32_t size, unsigned flags);
/* Optional: the core registers these handlers on the bus's IOBus at the
 * BAR's address while it is mapped (handlers get absolute port numbers). */
void pci_bar_set_io(PCIDevice *d, int bar, unsigned widths, IoReadFn rd,
                    IoWriteFn wr, void *opaque);
/* Optional: the core maps an MMIO region on the bus's PhysMem while the
 * (memory) BAR is mapped (handlers get the offset into the BAR). */
void pci_bar_set_mmio(PCIDevice *d, int bar, MmioReadFn rd, MmioWriteFn wr,
                      void *opaque);
/* Declares the expansion ROM BAR with a copy of data (len bytes, padded
 * with 0xFF to a power of two >= 2 KiB); the core maps it as ROM while
 * enabled.  data may be NULL (size len, nothing mapped: use bar_map). */
int pci_rom_init(PCIDevice *d, const uint8_t *data, size_t len);
/* Where the BAR decodes now, or PCI_BAR_UNMAPPED. */
uint32_t pci_bar_addr(const PCIDevice *d, int bar);
uint32_t pci_bar_size(const PCIDevice *d, int bar); /* 0: no such BAR */

/* Raw access to the configuration space (no masks, no hooks): for the
 * device's own use, e.g. setting reset values or read-only registers.
 * Offsets beyond 256 are ignored / read 0.  Changes to the command
 * register, BARs or interrupt pin take effect (remap, INTx) at once. */
uint8_t pci_get_u8(const PCIDevice *d, unsigned off);
uint16_t pci_get_u16(const PCIDevice *d, unsigned off);
uint32_t pci_get_u32(const PCIDevice *d, unsigned off);
void pci_config_set8(PCIDevice *d, unsigned off, uint8_t v);
void pci_config_set16(PCIDevice *d, unsigned off, uint16_t v);
void pci_config_set32(PCIDevice *d, unsigned off, uint32_t v);
/* Guest-writable bits of the bytes [off, off+len) (mask per byte). */
void pci_set_wmask(PCIDevice *d, unsigned off, unsigned len, uint8_t mask);
/* Write-1-to-clear bits of the bytes [off, off+len). */
void pci_set_w1cmask(PCIDevice *d, unsigned off, unsigned len, uint8_t mask);

/* Interrupt pin: 0 none, 1-4 INTA-INTD. */
void pci_set_pin(PCIDevice *d, int pin);
/* Drives the function's INTx pin (ignored while the command register's
 * INTx disable bit is set, as the PCI spec requires; status bit 3 shows
 * the level either way). */
void pci_set_irq(PCIDevice *d, int level);

/* The function's PCI state (configuration space, INTx level).  The load
 * checks that the snapshot is for this function (devfn, vendor, device),
 * keeps the BAR type bits this model declares, and remaps the BARs. */
void pci_device_save(const PCIDevice *d, SnapWriter *w);
int pci_device_load(PCIDevice *d, SnapReader *r);
#endif
