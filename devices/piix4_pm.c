/* PIIX4 ACPI power management function (see piix4_pm.h).
 *
 * Timer overflow bookkeeping: `epoch` is bit 23 and up of the PM timer tick
 * count when the status was last brought up to date; whenever the current
 * tick count has a different epoch, bit 23 has toggled since and TMROF_STS
 * is set (sync_sts).  The VTimer, armed only while TMROF_EN is set, fires
 * at the start of the next epoch. */
#include "devices/piix4_pm.h"

#include <stdlib.h>

#define PM_PMBA 0x40
#define PM_PMREGMISC 0x80
#define PM_SMBBA 0x90
#define PM_IO_SIZE 64

#define STS_TMROF 0x0001
#define STS_BM 0x0010
#define STS_GBL 0x0020
#define STS_PWRBTN 0x0100
#define STS_RTC 0x0400
#define STS_WAK 0x8000
#define STS_MASK (STS_TMROF | STS_BM | STS_GBL | STS_PWRBTN | STS_RTC | STS_WAK)
#define EN_MASK 0x0521 /* TMROF, GBL, PWRBTN, RTC */

#define CNT_SCI_EN 0x0001
#define CNT_BM_RLD 0x0002
#define CNT_GBL_RLS 0x0004
#define CNT_SLP_EN 0x2000
#define CNT_STORE_MASK 0x1C03 /* SCI_EN, BM_RLD, SLP_TYP */

/* Snapshot sanity bound on the epoch (2^30 epochs = 80 years of guest
 * time): keeps every tick/ns conversion far from 64-bit overflow. */
#define PM_EPOCH_LIMIT (1ull << 30)

#define ACPI_ENABLE 0xF1
#define ACPI_DISABLE 0xF0

struct PIIX4PM {
    PCIDevice *pci;
    PCIBus *bus;
    IOBus *io;
    VClock *clock;
    VTimer *timer;
    PIIX4PMOps ops;
    uint16_t io_base; /* 0: PM block not registered */
    uint16_t sts, en, cnt;
    uint64_t epoch;
    uint8_t gpe_sts[2], gpe_en[2];
    uint8_t apmc, apms;
    int sci;
    IOBus *apm_io, *gpe_io;
    uint16_t apm_base, gpe_base;
};

static uint64_t ticks_now(PIIX4PM *pm)
{
    return vclock_ns_to_ticks(vclock_now(pm->clock), PIIX4PM_TIMER_HZ);
}

uint32_t piix4pm_timer(PIIX4PM *pm)
{
    return (uint32_t)(ticks_now(pm) & 0xFFFFFFu);
}

/* The first ns at which the tick count reaches t. */
static uint64_t tick_time(uint64_t t)
{
    uint64_t ns = vclock_ticks_to_ns(t, PIIX4PM_TIMER_HZ);
    while (vclock_ns_to_ticks(ns, PIIX4PM_TIMER_HZ) < t)
        ns++;
    return ns;
}

static void sync_sts(PIIX4PM *pm)
{
    uint64_t e = ticks_now(pm) >> 23;
    if (e != pm->epoch) {
        pm->sts |= STS_TMROF;
        pm->epoch = e;
    }
}

static void update_sci(PIIX4PM *pm)
{
    int lv = (pm->sts & pm->en & EN_MASK) != 0 ||
             (pm->gpe_sts[0] & pm->gpe_en[0]) != 0 ||
             (pm->gpe_sts[1] & pm->gpe_en[1]) != 0;
    if (lv != pm->sci) {
        pm->sci = lv;
        irq_set(&pm->ops.sci, lv);
    }
}

static void arm_timer(PIIX4PM *pm)
{
    if (pm->en & STS_TMROF)
        vclock_timer_mod(pm->timer, tick_time((pm->epoch + 1) << 23));
    else
        vclock_timer_del(pm->timer);
}

static void timer_cb(void *opaque)
{
    PIIX4PM *pm = opaque;
    sync_sts(pm);
    update_sci(pm);
    arm_timer(pm);
}

/* ------------------------------------------------------------ PM block */

static uint32_t pm_io_read(void *opaque, uint16_t port, unsigned size)
{
    PIIX4PM *pm = opaque;
    unsigned off = (uint16_t)(port - pm->io_base);
    uint8_t regs[12] = {0};
    sync_sts(pm);
    update_sci(pm);
    uint32_t tmr = piix4pm_timer(pm);
    regs[0] = (uint8_t)pm->sts;
    regs[1] = (uint8_t)(pm->sts >> 8);
    regs[2] = (uint8_t)pm->en;
    regs[3] = (uint8_t)(pm->en >> 8);
    regs[4] = (uint8_t)pm->cnt;
    regs[5] = (uint8_t)(pm->cnt >> 8);
    for (int i = 0; i < 4; i++)
        regs[8 + i] = (uint8_t)(tmr >> (8 * i));
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        if (off + i < sizeof regs)
            v |= (uint32_t)regs[off + i] << (8 * i);
    return v;
}

/* The part of a write of `size` bytes at `off` that falls on the 16-bit
 * register at `reg`: returns its byte mask (bits 0-15) and value. */
static uint16_t part(unsigned off, uint32_t val, unsigned size, unsigned reg,
                     uint16_t *v)
{
    uint16_t mask = 0;
    *v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned o = off + i;
        if (o == reg || o == reg + 1) {
            unsigned sh = 8 * (o - reg);
            mask |= (uint16_t)(0xFFu << sh);
            *v |= (uint16_t)(((val >> (8 * i)) & 0xFF) << sh);
        }
    }
    return mask;
}

static void cnt_write(PIIX4PM *pm, uint16_t mask, uint16_t v)
{
    uint16_t n = (uint16_t)((pm->cnt & ~mask) | (v & mask));
    pm->cnt = n & CNT_STORE_MASK;
    if ((mask & CNT_SLP_EN) && (v & CNT_SLP_EN)) {
        unsigned typ = (n >> 10) & 7;
        if ((typ == 0 || typ == 2) && pm->ops.poweroff)
            pm->ops.poweroff(pm->ops.opaque);
        else if (typ == 1 && pm->ops.suspend)
            pm->ops.suspend(pm->ops.opaque);
    }
}

static void pm_io_write(void *opaque, uint16_t port, uint32_t val,
                        unsigned size)
{
    PIIX4PM *pm = opaque;
    unsigned off = (uint16_t)(port - pm->io_base);
    uint16_t v, m;
    sync_sts(pm);
    if ((m = part(off, val, size, 0, &v)) != 0)
        pm->sts &= (uint16_t)~(v & m & STS_MASK);
    if ((m = part(off, val, size, 2, &v)) != 0) {
        pm->en = (uint16_t)(((pm->en & ~m) | (v & m)) & EN_MASK);
        arm_timer(pm);
    }
    update_sci(pm);
    if ((m = part(off, val, size, 4, &v)) != 0)
        cnt_write(pm, m, v);
}

/* Registers the PM block where PMBA/PMREGMISC say. */
static void pm_remap(PIIX4PM *pm)
{
    uint16_t base = 0;
    if ((pci_get_u8(pm->pci, PM_PMREGMISC) & 1) && pm->io)
        base = pci_get_u16(pm->pci, PM_PMBA) & 0xFFC0;
    if (base == pm->io_base)
        return;
    if (pm->io_base)
        iobus_unregister(pm->io, pm->io_base, PM_IO_SIZE);
    pm->io_base = 0;
    if (base && iobus_register(pm->io, base, PM_IO_SIZE, IO_8 | IO_16 | IO_32,
                               pm_io_read, pm_io_write, pm) == 0)
        pm->io_base = base;
}

static void pm_config_write(void *opaque, unsigned off, uint32_t val,
                            unsigned size)
{
    PIIX4PM *pm = opaque;
    if ((off < PM_PMBA + 4 && off + size > PM_PMBA) ||
        (off <= PM_PMREGMISC && off + size > PM_PMREGMISC))
        pm_remap(pm);
}

/* ------------------------------------------------------------ APM, GPE */

static uint32_t apm_read(void *opaque, uint16_t port, unsigned size)
{
    PIIX4PM *pm = opaque;
    return port == pm->apm_base ? pm->apmc : pm->apms;
}

static void apm_write(void *opaque, uint16_t port, uint32_t val,
                      unsigned size)
{
    PIIX4PM *pm = opaque;
    if (port != pm->apm_base) {
        pm->apms = (uint8_t)val;
        return;
    }
    pm->apmc = (uint8_t)val;
    if (val == ACPI_ENABLE)
        pm->cnt |= CNT_SCI_EN;
    else if (val == ACPI_DISABLE)
        pm->cnt &= (uint16_t)~CNT_SCI_EN;
}

static uint32_t gpe_read(void *opaque, uint16_t port, unsigned size)
{
    PIIX4PM *pm = opaque;
    unsigned o = (uint16_t)(port - pm->gpe_base);
    return o < 2 ? pm->gpe_sts[o] : pm->gpe_en[(o - 2) & 1];
}

static void gpe_write(void *opaque, uint16_t port, uint32_t val,
                      unsigned size)
{
    PIIX4PM *pm = opaque;
    unsigned o = (uint16_t)(port - pm->gpe_base);
    if (o < 2)
        pm->gpe_sts[o] &= (uint8_t)~val;
    else
        pm->gpe_en[(o - 2) & 1] = (uint8_t)val;
    update_sci(pm);
}

int piix4pm_register_apm(PIIX4PM *pm, IOBus *io, uint16_t base)
{
    if (pm->apm_io ||
        iobus_register(io, base, 2, IO_8, apm_read, apm_write, pm) < 0)
        return -1;
    pm->apm_io = io;
    pm->apm_base = base;
    return 0;
}

int piix4pm_register_gpe(PIIX4PM *pm, IOBus *io, uint16_t base)
{
    if (pm->gpe_io ||
        iobus_register(io, base, 4, IO_8, gpe_read, gpe_write, pm) < 0)
        return -1;
    pm->gpe_io = io;
    pm->gpe_base = base;
    return 0;
}

/* ------------------------------------------------------------ lifecycle */

PIIX4PM *piix4pm_new(PCIBus *bus, int devfn, VClock *clock,
                     const PIIX4PMOps *ops)
{
    PIIX4PM *pm = calloc(1, sizeof(*pm));
    if (!pm)
        return NULL;
    pm->timer = vclock_timer_new(clock, timer_cb, pm);
    PCIDeviceOps pops = {.opaque = pm, .config_write = pm_config_write};
    if (pm->timer)
        pm->pci = pci_device_new(bus, devfn, 0x8086, 0x7113, 0x068000, 0x03,
                                 &pops);
    if (!pm->pci) {
        if (pm->timer)
            vclock_timer_free(pm->timer);
        free(pm);
        return NULL;
    }
    pm->bus = bus;
    pm->io = pci_bus_io(bus);
    pm->clock = clock;
    if (ops)
        pm->ops = *ops;
    pci_set_wmask(pm->pci, PM_PMBA, 1, 0xC0);
    pci_set_wmask(pm->pci, PM_PMBA + 1, 1, 0xFF);
    pci_set_wmask(pm->pci, PM_PMBA + 2, 2, 0x00);
    pci_set_wmask(pm->pci, PM_PMREGMISC, 1, 0x01);
    pci_set_wmask(pm->pci, PM_SMBBA, 1, 0xF0);
    pci_set_wmask(pm->pci, PM_SMBBA + 1, 1, 0xFF);
    pci_set_wmask(pm->pci, PM_SMBBA + 2, 2, 0x00);
    pci_set_pin(pm->pci, 1);
    pm->epoch = ticks_now(pm) >> 23;
    piix4pm_reset(pm);
    return pm;
}

void piix4pm_free(PIIX4PM *pm)
{
    if (!pm)
        return;
    if (pm->io_base)
        iobus_unregister(pm->io, pm->io_base, PM_IO_SIZE);
    if (pm->apm_io)
        iobus_unregister(pm->apm_io, pm->apm_base, 2);
    if (pm->gpe_io)
        iobus_unregister(pm->gpe_io, pm->gpe_base, 4);
    vclock_timer_free(pm->timer);
    free(pm);
}

void piix4pm_reset(PIIX4PM *pm)
{
    PCIDevice *d = pm->pci;
    pci_device_reset(d);
    pci_config_set16(d, PCI_STATUS, 0x0280);
    pci_config_set32(d, PM_PMBA, 0x00000001);
    pci_config_set8(d, PM_PMREGMISC, 0);
    pci_config_set32(d, PM_SMBBA, 0x00000001);
    pci_config_set8(d, 0x5F, 0x10); /* DEVRESB: as QEMU */
    pci_config_set8(d, 0x63, 0x60); /* DEVRESD: as QEMU */
    pm_remap(pm);
    sync_sts(pm);
    pm->sts = 0;
    pm->en = 0;
    pm->cnt = pm->ops.sci_en_at_reset ? CNT_SCI_EN : 0;
    pm->gpe_sts[0] = pm->gpe_sts[1] = 0;
    pm->gpe_en[0] = pm->gpe_en[1] = 0;
    pm->apmc = pm->apms = 0;
    arm_timer(pm);
    update_sci(pm);
}

void piix4pm_power_button(PIIX4PM *pm)
{
    pm->sts |= STS_PWRBTN;
    update_sci(pm);
}

uint16_t piix4pm_io_base(const PIIX4PM *pm) { return pm->io_base; }
int piix4pm_sci_level(const PIIX4PM *pm) { return pm->sci; }
PCIDevice *piix4pm_pci(PIIX4PM *pm) { return pm->pci; }

void piix4pm_save(const PIIX4PM *pm, SnapWriter *w)
{
    snap_begin(w, "PIX4", 1);
    pci_device_save(pm->pci, w);
    snap_put_u16(w, pm->sts);
    snap_put_u16(w, pm->en);
    snap_put_u16(w, pm->cnt);
    snap_put_u64(w, pm->epoch);
    snap_put_bytes(w, pm->gpe_sts, 2);
    snap_put_bytes(w, pm->gpe_en, 2);
    snap_put_u8(w, pm->apmc);
    snap_put_u8(w, pm->apms);
}

int piix4pm_load(PIIX4PM *pm, SnapReader *r)
{
    snap_expect(r, "PIX4", 1);
    if (r->err || pci_device_load(pm->pci, r) < 0)
        goto bad;
    uint16_t sts = snap_get_u16(r), en = snap_get_u16(r),
             cnt = snap_get_u16(r);
    uint64_t epoch = snap_get_u64(r);
    uint8_t gs[2], ge[2];
    snap_get_bytes(r, gs, 2);
    snap_get_bytes(r, ge, 2);
    uint8_t apmc = snap_get_u8(r), apms = snap_get_u8(r);
    snap_check(r, (sts & ~STS_MASK) == 0 && (en & ~EN_MASK) == 0 &&
                      (cnt & ~CNT_STORE_MASK) == 0 &&
                      epoch < PM_EPOCH_LIMIT);
    if (r->err)
        goto bad;
    pm->sts = sts;
    pm->en = en;
    pm->cnt = cnt;
    pm->epoch = epoch;
    pm->gpe_sts[0] = gs[0];
    pm->gpe_sts[1] = gs[1];
    pm->gpe_en[0] = ge[0];
    pm->gpe_en[1] = ge[1];
    pm->apmc = apmc;
    pm->apms = apms;
    /* PMBA's bit 0 and reserved bits are the model's. */
    pci_config_set32(pm->pci, PM_PMBA,
                     (pci_get_u32(pm->pci, PM_PMBA) & 0xFFC0u) | 1u);
    pci_config_set8(pm->pci, PM_PMREGMISC,
                    pci_get_u8(pm->pci, PM_PMREGMISC) & 1);
    pm_remap(pm);
    arm_timer(pm);
    update_sci(pm);
    irq_set(&pm->ops.sci, pm->sci); /* drive the line even if unchanged */
    return 0;
bad:
    piix4pm_reset(pm);
    return -1;
}
