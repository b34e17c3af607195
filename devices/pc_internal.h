/* The board's private state, shared by pc.c and pc_snap.c (snapshots).
 * Nothing outside devices/pc*.c includes this header. */
#ifndef X86PC_PC_INTERNAL_H
#define X86PC_PC_INTERNAL_H
#include "cpu/cpu.h"
#include "devices/ata.h"
#include "devices/blockdev.h"
#include "devices/bus.h"
#include "devices/dma.h"
#include "devices/fdc.h"
#include "devices/fw_cfg.h"
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
#include "devices/pc.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/port92.h"
#include "devices/serial.h"
#include "devices/vclock.h"
#include "memory/mem.h"

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
    DebugCon *debugcon2;
    uint8_t unimp_seen[65536 / 8]; /* -d unimp: ports already reported */
    PostCode *postcode;
    DebugExit *debugexit;
    Hypercall *hcall; /* guest hypercall port (cfg->hypercall) */
    Port92 *port92;
    VClock *clk;
    PIC *pic;
    PIT *pit;
    RTCState *rtc;
    I8042 *kbc;
    VGAState *vga;
    ATAChannel *ide[2];
    FwCfg *fwcfg;
    PCIBus *pci;
    I440FX *i440fx;
    PIIX3 *piix3;
    PIIX4PM *pm;
    PIIXIDE *ide_pci;
    VGAPCI *vga_pci;
    uint16_t pci_irq_levels; /* ISA IRQ lines driven by the PIIX3 */
    int powered_off;
    DMA *dma;
    FDC *fdc;
    int a20_kbc, a20_p92; /* last value each source wrote */
    int in_slice; /* inside cpu_run(): a kick ends the slice */
    PCSerialPort serial[PC_MAX_SERIAL];
    uint16_t irq_levels; /* bit n: ISA IRQ line n asserted */
    int exit_requested, exit_status;
    int reset_requested;
    unsigned resets; /* guest-caused resets so far */
    int cpu_stop;    /* CPU_STOP_* of the last slice (pc_cpu_stop) */
    uint64_t stop_icount; /* slices end here (pc_set_stop_icount); 0: none */
};

#endif
