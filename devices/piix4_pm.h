/* ACPI power management function as QEMU's `pc` machine has it: a PIIX4
 * PM function (8086:7113 rev 03, class 0680) at 00:01.3 next to the PIIX3.
 *
 * Models:
 *   - PMBA (config 0x40, bits 15:6, bit 0 reads 1) and PMREGMISC (0x80,
 *     bit 0 enables the PM I/O space): the 64-byte PM I/O block is
 *     registered on the bus's IOBus at PMBA while enabled (not gated by the
 *     PCI command register, as on the chip and in QEMU).
 *   - In the PM block:
 *       +0 PM1_STS  (W1C) TMROF_STS bit 0, BM 4, GBL 5, PWRBTN 8, RTC 10,
 *                   WAK 15
 *       +2 PM1_EN   TMROF_EN 0, GBL_EN 5, PWRBTN_EN 8, RTC_EN 10
 *       +4 PM1_CNT  SCI_EN 0, BM_RLD 1, GBL_RLS 2 (write-only), SLP_TYP
 *                   12:10, SLP_EN 13 (write-only)
 *       +8 PM_TMR   24-bit 3.579545 MHz counter computed from the VClock
 *                   on read (TMR_VAL_EXT = 0)
 *     other offsets read 0 and ignore writes.  TMROF_STS is set whenever
 *     timer bit 23 changes (worked out lazily on access); a VTimer is armed
 *     for the next change only while TMROF_EN is set, to raise the SCI.
 *   - Writing SLP_EN with SLP_TYP 0 (the _S5 value of QEMU's and SeaBIOS's
 *     DSDT) or 2 (their _S4: QEMU powers off) calls `poweroff`; SLP_TYP 1
 *     (_S3) calls `suspend` if given.  Other types are ignored.
 *   - SCI = (PM1_STS & PM1_EN) or (GPE0_STS & GPE0_EN), on the `sci` line
 *     (the board wires it to ISA IRQ 9).  Not gated by SCI_EN (as QEMU).
 *   - Optional extras the board can register: the APM control/status ports
 *     (0xB2/0xB3: writing ACPI_ENABLE 0xF1 / ACPI_DISABLE 0xF0 to APMC sets
 *     / clears SCI_EN; no SMI) and QEMU's 4-byte GPE0 block (0xAFE0: two
 *     W1C status bytes, two enable bytes; nothing in this machine sets a
 *     GPE status bit).
 *   - piix4pm_power_button(): the power button (PWRBTN_STS, SCI if enabled).
 * Not modelled: SMBus (the SMBBA register at 0x90 is only stored), SMI
 * generation, the device activity/idle timers, GPIO, throttling, wake-up
 * from S3 (QEMU resets the machine; here `suspend` decides). */
#ifndef X86PC_PIIX4_PM_H
#define X86PC_PIIX4_PM_H
#include "devices/bus.h"
#include "devices/irq.h"
#include "devices/pci.h"
#include "devices/snap.h"
#include "devices/vclock.h"

#define PIIX4PM_TIMER_HZ 3579545u

typedef struct PIIX4PM PIIX4PM;

typedef struct PIIX4PMOps {
    void *opaque;
    IRQLine sci;
    /* SLP_EN with SLP_TYP 0 (S5) or 2 (S4).  May be NULL. */
    void (*poweroff)(void *opaque);
    /* SLP_EN with SLP_TYP 1 (S3).  May be NULL (ignored). */
    void (*suspend)(void *opaque);
    /* Nonzero: SCI_EN is set at reset (a machine without SMM, where the
     * firmware cannot switch to ACPI mode; QEMU's smm=off).  Zero: the OS
     * enables ACPI mode by writing 0xF1 to the APM port. */
    int sci_en_at_reset;
} PIIX4PMOps;

/* Creates the function at devfn (PCI_DEVFN(1, 3) on a PC); the PM block
 * goes on the bus's IOBus.  NULL if devfn is taken or out of memory. */
PIIX4PM *piix4pm_new(PCIBus *bus, int devfn, VClock *clock,
                     const PIIX4PMOps *ops);
/* Unregisters its ports and frees its timer: call before freeing the
 * IOBus, the VClock or the PCI bus. */
void piix4pm_free(PIIX4PM *pm);
void piix4pm_reset(PIIX4PM *pm);
/* APMC/APMS at base, base+1 (0xB2). */
int piix4pm_register_apm(PIIX4PM *pm, IOBus *io, uint16_t base);
/* GPE0 block (4 bytes) at base (0xAFE0). */
int piix4pm_register_gpe(PIIX4PM *pm, IOBus *io, uint16_t base);
void piix4pm_power_button(PIIX4PM *pm);
/* Current PM timer value (24 bits). */
uint32_t piix4pm_timer(PIIX4PM *pm);
/* Where the PM block decodes, or 0 while it is disabled. */
uint16_t piix4pm_io_base(const PIIX4PM *pm);
int piix4pm_sci_level(const PIIX4PM *pm);
PCIDevice *piix4pm_pci(PIIX4PM *pm);
void piix4pm_save(const PIIX4PM *pm, SnapWriter *w);
int piix4pm_load(PIIX4PM *pm, SnapReader *r);
#endif
