/* Intel 440FX PCI host bridge (PMC) and PIIX3 PCI-to-ISA bridge, as on
 * QEMU's `pc` machine.
 *
 * i440FX, 00:00.0, 8086:1237 rev 02, class 0600 (host bridge):
 *   - PAM0-PAM6 (0x59-0x5F) drive the shadow-RAM attributes of
 *     0xC0000-0xFFFFF through phys_set_pam(): 0x59 bits 5:4 cover
 *     0xF0000-0xFFFFF; 0x5A-0x5F hold two 16 KiB granules each, low nibble
 *     first, from 0xC0000 up to 0xEFFFF.  In each field bit 0 = RE (reads
 *     from DRAM), bit 1 = WE (writes to DRAM); reserved bits read 0.
 *   - SMRAM (0x72), reset value 0x02: D_OPEN, D_CLS, D_LCK, G_SMRAME are
 *     stored with the D_LCK lock (once set, D_OPEN is cleared and D_OPEN,
 *     D_LCK, G_SMRAME become read-only until reset); C_BASE_SEG reads 010.
 *     There is no SMM, so SMRAM never changes the memory map.
 *   Not modelled: DRAM row boundaries/types, error reporting, the
 *   0xA0000-0xBFFFF SMRAM window, ESMRAMC, bus/arbitration tuning
 *   registers (stored as plain bytes).
 *
 * PIIX3 function 0, 00:01.0, 8086:7000, class 0601 (ISA bridge),
 * multi-function header:
 *   - PIRQRC[A-D] (0x60-0x63, reset 0x80): bit 7 disables routing, bits
 *     3:0 give the ISA IRQ (3-7, 9-12, 14, 15; the values the datasheet
 *     reserves, 0-2, 8 and 13, route nowhere).  Each ISA IRQ output is the
 *     OR of the PIRQs routed to it and of the extra sources fed in through
 *     piix3_isa_input() (the ACPI SCI), and drives isa_irq[n] on changes
 *     only (shared level-triggered line).
 *   - The reset control register at I/O port 0xCF9 (through the PCI bus
 *     hook): bit 1 (SRST, hard/soft reset type) is stored, writing bit 2
 *     (RST_CPU) requests a reset through the `reset` callback.
 *   - Other registers (IORT, XBCS, TOM, MBIRQ, MBDMA, PCSC, APICBASE, SMI
 *     control) take their datasheet reset values and are stored only.
 *   Not modelled here: the 8259s, 8254, DMA and ELCR (separate devices),
 *   the IDE and USB functions (other files), SMI generation.
 */
#ifndef X86PC_I440FX_H
#define X86PC_I440FX_H
#include "devices/irq.h"
#include "devices/pci.h"
#include "devices/snap.h"
#include "memory/mem.h"

typedef struct I440FX I440FX;
typedef struct PIIX3 PIIX3;

/* Creates 00:00.0 on bus; PAM changes go to mem (may be NULL).  NULL if
 * the slot is taken or out of memory. */
I440FX *i440fx_new(PCIBus *bus, PhysMem *mem);
void i440fx_free(I440FX *h);
/* Power-on state: PAM all 0 (reads from ROM, writes dropped), SMRAM 0x02. */
void i440fx_reset(I440FX *h);
void i440fx_save(const I440FX *h, SnapWriter *w);
int i440fx_load(I440FX *h, SnapReader *r);
PCIDevice *i440fx_pci(I440FX *h);

typedef struct PIIX3Ops {
    void *opaque;
    /* ISA IRQ lines 0-15 (unconnected entries are fine). */
    IRQLine isa_irq[16];
    /* Guest wrote RST_CPU to 0xCF9.  May be NULL. */
    void (*reset)(void *opaque);
} PIIX3Ops;

/* Creates function 00:01.0 on bus, installs the PIRQ router and the 0xCF9
 * hook.  ops is copied. */
PIIX3 *piix3_new(PCIBus *bus, const PIIX3Ops *ops);
void piix3_free(PIIX3 *p);
void piix3_reset(PIIX3 *p);
/* An extra interrupt source on ISA IRQ n (0-15) merged into the output
 * (OR); use as an IRQHandler: irq_line(piix3_isa_input, piix3, 9).  Up to
 * one source per IRQ number. */
void piix3_isa_input(void *piix3, int n, int level);
/* Current level of ISA IRQ output n. */
int piix3_isa_level(const PIIX3 *p, int n);
/* piix3_load re-derives the outputs from the loaded routing and the
 * current PIRQ levels and drives all 16 lines with their levels; functions
 * loaded later update the lines through their INTx as usual.  Load the
 * interrupt controller after the PCI devices, or let it treat a repeated
 * level as no event. */
void piix3_save(const PIIX3 *p, SnapWriter *w);
int piix3_load(PIIX3 *p, SnapReader *r);
PCIDevice *piix3_pci(PIIX3 *p);
#endif
