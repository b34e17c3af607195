/* Intel 8259A programmable interrupt controller pair, as on the PC/AT: a
 * master and a slave chip, the slave's INT output cascaded into the
 * master's IR2, plus the PIIX edge/level control registers (ELCR).
 *
 * Modelled: ICW1-ICW4 initialisation sequence (edge or level mode through
 * ICW1.LTIM, single/cascade, ICW4 needed or not, auto-EOI, special fully
 * nested mode), OCW1 (IMR), OCW2 (non-specific, specific and rotating EOI,
 * rotate in auto-EOI mode, set priority), OCW3 (IRR/ISR read select, poll
 * command, special mask mode), the ELCR (per-input level triggering; IRQ
 * 0, 1, 2, 8 and 13 are always edge-triggered), priority resolution with
 * rotation, spurious IRQ 7/15 when no request is left at INTA time, and the
 * INTA cycle itself (pic_ack returns the vector).
 *
 * Not modelled: MCS-80/85 mode (ICW4.uPM = 0 is stored but vectors are
 * always 8086-style), buffered mode (ICW4.BUF/M-S, no effect on a PC), and
 * the slave ID compare of ICW3 (the slave is always on master IR2).
 *
 * Edge-triggered inputs latch: a rising edge sets the IRR bit and it stays
 * set until the INTA cycle (or reinitialisation) even if the input falls
 * again, so an irq_pulse() is never lost.  (On the real chip the input must
 * stay high until INTA or a spurious IRQ 7 results; no PC device relies on
 * that.)  Level-triggered inputs follow the line: if it drops before INTA
 * the request disappears and INTA yields the spurious vector (base + 7;
 * for the slave, the master takes IR2 in service and the slave returns
 * base + 7 = IRQ 15).
 *
 * Power-on state (before the guest's ICW1): vector bases 0x08 and 0x70 as a
 * BIOS would program them, all inputs masked. */
#ifndef X86PC_PIC_H
#define X86PC_PIC_H
#include <stddef.h>
#include <stdint.h>
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/snap.h"

typedef struct PIC PIC;

typedef struct PICOps {
    IRQLine intr; /* the master's INT output (the CPU's INTR input) */
} PICOps;

PIC *pic_new(const PICOps *ops);
void pic_free(PIC *p);
/* Ports: master base/base+1, slave base/base+1, ELCR elcr/elcr+1.  0, or -1
 * if any of them is taken. */
int pic_register(PIC *p, IOBus *bus, uint16_t master, uint16_t slave,
                 uint16_t elcr);
/* Hardware reset (power-on state above; input levels are kept). */
void pic_reset(PIC *p);

/* Input n (0..15: 0-7 master, 8-15 slave; 2 is the cascade and ignored)
 * set to level.  Has IRQHandler's signature: irq_line(pic_set_irq, pic, n). */
void pic_set_irq(void *pic, int n, int level);
/* The INTA cycle: returns the vector (0..255) for the CPU. */
int pic_ack(PIC *p);
/* Current level of the INT output. */
int pic_intr_level(const PIC *p);
/* Whether an input could still reach the INT output without the CPU
 * reprogramming the PIC: some master input other than IR2 is unmasked, or
 * IR2 and some slave input are. */
int pic_can_interrupt(const PIC *p);

void pic_save(const PIC *p, SnapWriter *w);
/* Debugger dump of both chips (no side effects); returns the length. */
int pic_dump(const PIC *p, char *buf, size_t len);
int pic_load(PIC *p, SnapReader *r);
#endif
