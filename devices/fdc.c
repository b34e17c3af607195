/* 82077AA floppy disk controller.  See fdc.h. */
#include "devices/fdc.h"

#include <stdlib.h>
#include <string.h>

#include "devices/blockdev.h"

#define SECTOR 512
#define NDRIVES 4

/* DOR */
#define DOR_SEL 0x03
#define DOR_NRESET 0x04
#define DOR_DMAEN 0x08
/* MSR */
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_NDMA 0x20
#define MSR_CB 0x10
/* ST0 */
#define ST0_ABN 0x40
#define ST0_INVAL 0x80
#define ST0_READY_CHG 0xC0
#define ST0_SE 0x20
#define ST0_EC 0x10
/* ST1 */
#define ST1_MA 0x01
#define ST1_NW 0x02
#define ST1_ND 0x04
#define ST1_DE 0x20
#define ST1_EN 0x80
/* ST2 */
#define ST2_BC 0x02
#define ST2_WC 0x10
#define ST2_DD 0x20

enum { PH_CMD = 0, PH_EXEC, PH_RESULT };
enum { X_NONE = 0, X_READ, X_WRITE, X_FORMAT };

/* Command opcodes (low 5 bits). */
enum {
    C_SPECIFY = 0x03, C_SENSE_DRIVE = 0x04, C_WRITE = 0x05, C_READ = 0x06,
    C_RECAL = 0x07, C_SENSE_INT = 0x08, C_READ_ID = 0x0A, C_FORMAT = 0x0D,
    C_DUMPREG = 0x0E, C_SEEK = 0x0F, C_VERSION = 0x10, C_PERP = 0x12,
    C_CONFIGURE = 0x13, C_LOCK = 0x14
};

typedef struct FDDrive {
    struct BlockDev *bd; /* media (host attachment, not saved) */
    int type;            /* FDC_TYPE_*; NONE = no drive fitted */
    FDCGeometry geo;     /* of the media; tracks == 0: none */
    int ro;
    uint8_t track;       /* head position = PCN */
    uint8_t changed;     /* disk-change line */
    uint8_t next_r;      /* sector passing under the head next (READ ID) */
} FDDrive;

struct FDC {
    FDCOps ops;
    FDDrive d[NDRIVES];
    uint8_t dor, tdr, dsr, rate;
    uint8_t spec1, spec2;          /* SPECIFY bytes (SRT/HUT, HLT/ND) */
    uint8_t config, pretrk, lock;  /* CONFIGURE, LOCK */
    uint8_t perp;                  /* D3-D0 << 2 | GAP << 1 | WGATE */
    uint8_t last_eot;              /* for DUMPREG */
    uint8_t phase;
    uint8_t cmd[9], cmd_len, cmd_pos;
    uint8_t res[10], res_len, res_pos;
    /* execution phase */
    uint8_t xfer, dma, have_sector, seeked;
    uint8_t ds, hd, c, h, r, n, eot, mt;
    uint8_t fmt_sc, fmt_fill, fmt_done;
    uint8_t buf[SECTOR];
    uint16_t buf_pos;
    /* interrupts */
    uint8_t res_intr;     /* result phase / non-DMA data interrupt */
    uint8_t sense_pending; /* drives with a SENSE INTERRUPT status */
    uint8_t sense_st0[NDRIVES];
    uint8_t busy;         /* MSR drive busy bits */
    int irq_level;        /* output as last signalled */
    int dreq_level;       /* output as last signalled */
};

/* ------------------------------------------------------------ geometry */

static const struct {
    uint32_t kib;
    FDCGeometry g;
    uint8_t rates; /* accepted data-rate codes (bit n: rate n) */
} formats[] = {
    {160, {40, 1, 8, FDC_TYPE_360K}, 0x06},
    {180, {40, 1, 9, FDC_TYPE_360K}, 0x06},
    {320, {40, 2, 8, FDC_TYPE_360K}, 0x06},
    {360, {40, 2, 9, FDC_TYPE_360K}, 0x06},
    {720, {80, 2, 9, FDC_TYPE_720K}, 0x04},
    {1200, {80, 2, 15, FDC_TYPE_1200K}, 0x01},
    {1440, {80, 2, 18, FDC_TYPE_1440K}, 0x01},
    {1680, {80, 2, 21, FDC_TYPE_1440K}, 0x01},
    {2880, {80, 2, 36, FDC_TYPE_2880K}, 0x08},
};

static int format_index(uint64_t bytes)
{
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
        if (bytes == (uint64_t)formats[i].kib * 1024u)
            return (int)i;
    return -1;
}

int fdc_geometry(uint64_t bytes, FDCGeometry *g)
{
    int i = format_index(bytes);
    if (i < 0)
        return -1;
    if (g)
        *g = formats[i].g;
    return 0;
}

static int rate_ok(const FDC *f, const FDDrive *d)
{
    if (!d->bd)
        return 0;
    int i = format_index(blockdev_size(d->bd));
    return i >= 0 && ((formats[i].rates >> (f->rate & 3)) & 1);
}

/* ------------------------------------------------------------ lines */

static void irq_update(FDC *f)
{
    int level = (f->res_intr || f->sense_pending) && (f->dor & DOR_DMAEN) &&
                (f->dor & DOR_NRESET);
    if (level != f->irq_level) {
        f->irq_level = level;
        irq_set(&f->ops.irq, level);
    }
}

static void dreq_update(FDC *f)
{
    int level = f->phase == PH_EXEC && f->dma && (f->dor & DOR_DMAEN);
    if (level != f->dreq_level) {
        f->dreq_level = level;
        if (f->ops.dreq)
            f->ops.dreq(f->ops.opaque, level);
    }
}

int fdc_irq_level(const FDC *f) { return f->irq_level; }

/* ------------------------------------------------------------ reset */

static void controller_reset(FDC *f)
{
    f->phase = PH_CMD;
    f->cmd_pos = f->cmd_len = 0;
    f->res_pos = f->res_len = 0;
    f->xfer = X_NONE;
    f->have_sector = 0;
    f->res_intr = 0;
    f->sense_pending = 0;
    f->busy = 0;
    f->perp &= 0x3C; /* GAP and WGATE cleared, D3-D0 kept */
    if (!f->lock) {
        f->config = 0x20; /* EIS 0, FIFO disabled, polling on, thr 0 */
        f->pretrk = 0;
    }
}

/* The end of a reset: the ready-change statuses (polling). */
static void reset_done(FDC *f)
{
    int n = (f->config & 0x10) ? 1 : NDRIVES;
    for (int i = 0; i < n; i++) {
        f->sense_pending |= (uint8_t)(1u << i);
        f->sense_st0[i] = (uint8_t)(ST0_READY_CHG | i);
    }
}

void fdc_reset(FDC *f)
{
    f->lock = 0;
    f->spec1 = f->spec2 = 0;
    f->perp = 0;
    f->last_eot = 0;
    controller_reset(f);
    f->dor = 0;
    f->tdr = 0;
    f->dsr = 0x02; /* hardware reset: 250 kbit/s */
    f->rate = 0x02;
    for (int i = 0; i < NDRIVES; i++) {
        f->d[i].track = 0;
        f->d[i].next_r = 1;
    }
    irq_update(f);
    dreq_update(f);
}

FDC *fdc_new(const FDCOps *ops)
{
    FDC *f = calloc(1, sizeof(*f));
    if (!f)
        return NULL;
    if (ops)
        f->ops = *ops;
    for (int i = 0; i < NDRIVES; i++)
        f->d[i].changed = 1;
    fdc_reset(f);
    return f;
}

void fdc_free(FDC *f) { free(f); }

int fdc_add_drive(FDC *f, unsigned drive, int type)
{
    if (drive > 1 || type < FDC_TYPE_360K || type > FDC_TYPE_2880K)
        return -1;
    f->d[drive].type = type;
    f->d[drive].changed = 1;
    return 0;
}

int fdc_insert(FDC *f, unsigned drive, struct BlockDev *bd)
{
    if (drive > 1 || f->d[drive].type == FDC_TYPE_NONE)
        return -1;
    FDDrive *d = &f->d[drive];
    if (bd) {
        FDCGeometry g;
        if (fdc_geometry(blockdev_size(bd), &g) < 0)
            return -1;
        d->geo = g;
        d->ro = blockdev_is_readonly(bd);
    } else {
        memset(&d->geo, 0, sizeof(d->geo));
        d->ro = 0;
    }
    d->bd = bd;
    d->changed = 1;
    d->next_r = 1;
    return 0;
}

/* ------------------------------------------------------------ phases */

static void enter_result(FDC *f, const uint8_t *res, unsigned n, int intr)
{
    memcpy(f->res, res, n);
    f->res_len = (uint8_t)n;
    f->res_pos = 0;
    f->phase = PH_RESULT;
    f->xfer = X_NONE;
    f->have_sector = 0;
    f->res_intr = (uint8_t)(intr != 0);
    dreq_update(f);
    irq_update(f);
}

static uint8_t st0_of(const FDC *f, uint8_t ic)
{
    return (uint8_t)(ic | (f->seeked ? ST0_SE : 0) | (f->hd << 2) | f->ds);
}

/* Ends a READ/WRITE/FORMAT/READ ID with the seven-byte result. */
static void finish(FDC *f, uint8_t ic, uint8_t st1, uint8_t st2)
{
    uint8_t res[7] = {st0_of(f, ic), st1, st2, f->c, f->h, f->r, f->n};
    enter_result(f, res, 7, 1);
}

static void invalid(FDC *f)
{
    uint8_t r = ST0_INVAL;
    enter_result(f, &r, 1, 0);
}

/* The drive's media can be read at all at the current rate/track/head:
 * 0, or the ST1 error. */
static uint8_t media_error(FDC *f, const FDDrive *d, int mfm)
{
    if (d->type == FDC_TYPE_NONE || !d->bd || !d->geo.tracks)
        return ST1_MA;
    if (!mfm || !rate_ok(f, d))
        return ST1_MA;
    if (d->track >= d->geo.tracks || f->hd >= d->geo.heads)
        return ST1_MA;
    return 0;
}

static uint64_t lba_of(const FDDrive *d, unsigned hd, unsigned r)
{
    return ((uint64_t)d->track * d->geo.heads + hd) * d->geo.sectors +
           (r - 1);
}

/* Finds sector (c, h, r, n) under the head for the next transfer and, for
 * a read, loads it.  Returns 1, or 0 after ending the command. */
static int prepare_sector(FDC *f)
{
    FDDrive *d = &f->d[f->ds];
    uint8_t st1 = media_error(f, d, 1);
    if (st1) {
        finish(f, ST0_ABN, st1, 0);
        return 0;
    }
    if (f->c != d->track) {
        finish(f, ST0_ABN, ST1_ND, f->c == 0xFF ? ST2_BC : ST2_WC);
        return 0;
    }
    if (f->h != f->hd || f->n != 2 || f->r == 0 || f->r > d->geo.sectors) {
        finish(f, ST0_ABN, ST1_ND, 0);
        return 0;
    }
    if (f->xfer == X_WRITE && d->ro) {
        finish(f, ST0_ABN, ST1_NW, 0);
        return 0;
    }
    if (f->xfer == X_READ &&
        blockdev_read(d->bd, lba_of(d, f->hd, f->r), 1, f->buf) < 0) {
        finish(f, ST0_ABN, ST1_DE, ST2_DD);
        return 0;
    }
    f->buf_pos = 0;
    f->have_sector = 1;
    if (!f->dma) { /* non-DMA: data ready / wanted */
        f->res_intr = 1;
        irq_update(f);
    }
    return 1;
}

/* A sector is done: step to the next one.  Returns 1 if the command goes
 * on (and the next sector is prepared), 0 if it ended. */
static int sector_done(FDC *f, int tc)
{
    FDDrive *d = &f->d[f->ds];
    int more = 1;
    f->have_sector = 0;
    d->next_r = (uint8_t)(f->r % (d->geo.sectors ? d->geo.sectors : 1) + 1);
    if (f->r != f->eot) {
        f->r++;
    } else if (f->mt && !(f->hd & 1)) {
        f->hd = 1;
        f->h ^= 1;
        f->r = 1;
    } else {
        if (f->mt) { /* ST0 then reports the toggled head, as Bochs and
                      * QEMU do */
            f->h ^= 1;
            f->hd ^= 1;
        }
        f->c++;
        f->r = 1;
        more = 0;
    }
    if (tc) {
        finish(f, 0, 0, 0);
        return 0;
    }
    if (!more) {
        finish(f, ST0_ABN, ST1_EN, 0);
        return 0;
    }
    return prepare_sector(f);
}

static int write_sector(FDC *f)
{
    FDDrive *d = &f->d[f->ds];
    /* Checked again: the media may have gone (eject, snapshot load) since
     * prepare_sector. */
    if (!d->bd || !d->geo.tracks || d->track >= d->geo.tracks ||
        f->hd >= d->geo.heads || f->r == 0 || f->r > d->geo.sectors) {
        finish(f, ST0_ABN, ST1_ND, 0);
        return 0;
    }
    if (blockdev_write(d->bd, lba_of(d, f->hd, f->r), 1, f->buf) < 0) {
        finish(f, ST0_ABN, ST1_DE, 0);
        return 0;
    }
    return 1;
}

/* FORMAT: one 4-byte ID (C, H, R, N) has arrived in buf[0..3]. */
static int format_one(FDC *f)
{
    FDDrive *d = &f->d[f->ds];
    f->c = f->buf[0];
    f->h = f->buf[1];
    f->r = f->buf[2];
    f->n = f->buf[3];
    /* A raw image holds only the standard layout: (track, head, 1..spt,
     * 512 bytes). */
    if (f->c != d->track || f->h != f->hd || f->n != 2 || f->r == 0 ||
        f->r > d->geo.sectors) {
        finish(f, ST0_ABN, ST1_ND, 0);
        return 0;
    }
    if (!d->bd || d->track >= d->geo.tracks || f->hd >= d->geo.heads) {
        finish(f, ST0_ABN, ST1_MA, 0);
        return 0;
    }
    uint8_t fill[SECTOR];
    memset(fill, f->fmt_fill, sizeof(fill));
    if (blockdev_write(d->bd, lba_of(d, f->hd, f->r), 1, fill) < 0) {
        finish(f, ST0_ABN, ST1_DE, 0);
        return 0;
    }
    f->buf_pos = 0;
    if (++f->fmt_done == f->fmt_sc) {
        finish(f, 0, 0, 0);
        return 0;
    }
    if (!f->dma) {
        f->res_intr = 1;
        irq_update(f);
    }
    return 1;
}

void fdc_dma_service(FDC *f)
{
    while (f->phase == PH_EXEC && f->dma && (f->dor & DOR_DMAEN) &&
           f->ops.dma_write_memory && f->ops.dma_read_memory) {
        int tc = 0;
        size_t n;
        if (f->xfer == X_READ) {
            if (!f->have_sector && !prepare_sector(f))
                return;
            n = f->ops.dma_write_memory(f->ops.opaque, f->buf + f->buf_pos,
                                        SECTOR - f->buf_pos, &tc);
            f->buf_pos = (uint16_t)(f->buf_pos + n);
            if (f->buf_pos < SECTOR && !tc)
                return; /* channel stalled: wait for the next DACK */
            if (!sector_done(f, tc))
                return;
        } else if (f->xfer == X_WRITE) {
            if (!f->have_sector && !prepare_sector(f))
                return;
            n = f->ops.dma_read_memory(f->ops.opaque, f->buf + f->buf_pos,
                                       SECTOR - f->buf_pos, &tc);
            f->buf_pos = (uint16_t)(f->buf_pos + n);
            if (f->buf_pos < SECTOR && !tc)
                return;
            if (f->buf_pos < SECTOR) /* TC in mid-sector: zero fill */
                memset(f->buf + f->buf_pos, 0, SECTOR - f->buf_pos);
            if (!write_sector(f) || !sector_done(f, tc))
                return;
        } else if (f->xfer == X_FORMAT) {
            n = f->ops.dma_read_memory(f->ops.opaque, f->buf + f->buf_pos,
                                       4u - f->buf_pos, &tc);
            f->buf_pos = (uint16_t)(f->buf_pos + n);
            if (f->buf_pos < 4) {
                if (tc)
                    finish(f, 0, 0, 0);
                return;
            }
            if (!format_one(f))
                return;
            if (tc) {
                finish(f, 0, 0, 0);
                return;
            }
        } else {
            return;
        }
    }
}

/* ------------------------------------------------------------ commands */

static unsigned cmd_length(uint8_t b)
{
    switch (b & 0x1F) {
    case C_SPECIFY: return 3;
    case C_SENSE_DRIVE: return 2;
    case C_WRITE: return 9;
    case C_READ: return 9;
    case C_RECAL: return 2;
    case C_SENSE_INT: return 1;
    case C_READ_ID: return 2;
    case C_FORMAT: return 6;
    case C_DUMPREG: return 1;
    case C_SEEK: return 3;
    case C_VERSION: return 1;
    case C_PERP: return 2;
    case C_CONFIGURE: return 4;
    case C_LOCK: return 1;
    default: return 0;
    }
}

static void select_drive(FDC *f, uint8_t b)
{
    f->ds = b & 3;
    f->hd = (b >> 2) & 1;
    f->seeked = 0;
}

/* SEEK/RECALIBRATE done: the status for SENSE INTERRUPT. */
static void seek_done(FDC *f, unsigned ds, uint8_t st0)
{
    f->sense_pending |= (uint8_t)(1u << ds);
    f->sense_st0[ds] = st0;
    f->busy |= (uint8_t)(1u << ds);
    f->phase = PH_CMD;
    irq_update(f);
}

static void move_head(FDC *f, FDDrive *d, unsigned track)
{
    (void)f;
    d->track = (uint8_t)track;
    if (d->bd) /* a step pulse with a disk in the drive */
        d->changed = 0;
}

static void start_xfer(FDC *f, int kind)
{
    FDDrive *d = &f->d[f->ds];
    f->mt = kind != X_FORMAT && (f->cmd[0] & 0x80);
    int mfm = (f->cmd[0] & 0x40) != 0;
    f->xfer = (uint8_t)kind;
    f->dma = !(f->spec2 & 1);
    f->have_sector = 0;
    f->buf_pos = 0;
    f->phase = PH_EXEC;
    if (kind == X_FORMAT) {
        f->n = f->cmd[2];
        f->fmt_sc = f->cmd[3];
        f->fmt_fill = f->cmd[5];
        f->fmt_done = 0;
        f->last_eot = f->fmt_sc;
        f->c = d->track;
        f->h = f->hd;
        f->r = 1;
        uint8_t st1 = media_error(f, d, mfm);
        if (!st1 && d->ro)
            st1 = ST1_NW;
        if (st1) {
            finish(f, ST0_ABN, st1, 0);
            return;
        }
        if (f->fmt_sc == 0) {
            finish(f, 0, 0, 0);
            return;
        }
        if (!f->dma) {
            f->res_intr = 1;
            irq_update(f);
        }
    } else {
        f->c = f->cmd[2];
        f->h = f->cmd[3];
        f->r = f->cmd[4];
        f->n = f->cmd[5];
        f->eot = f->cmd[6];
        f->last_eot = f->eot;
        if ((f->config & 0x40) && f->c != d->track) { /* implied seek */
            move_head(f, d, f->c);
            f->seeked = 1;
        }
        if (!mfm) {
            finish(f, ST0_ABN, ST1_MA, 0);
            return;
        }
        if (!prepare_sector(f))
            return;
    }
    dreq_update(f); /* may transfer everything at once */
}

static void read_id(FDC *f)
{
    FDDrive *d = &f->d[f->ds];
    int mfm = (f->cmd[0] & 0x40) != 0;
    uint8_t st1 = media_error(f, d, mfm);
    f->c = d->track;
    f->h = f->hd;
    f->n = 2;
    f->r = d->next_r ? d->next_r : 1;
    if (st1) {
        finish(f, ST0_ABN, st1, 0);
        return;
    }
    if (f->r > d->geo.sectors)
        f->r = 1;
    d->next_r = (uint8_t)(f->r % d->geo.sectors + 1);
    finish(f, 0, 0, 0);
}

static void execute(FDC *f)
{
    uint8_t *c = f->cmd;
    uint8_t res[10];
    switch (c[0] & 0x1F) {
    case C_SPECIFY:
        f->spec1 = c[1];
        f->spec2 = c[2];
        f->phase = PH_CMD;
        break;
    case C_SENSE_DRIVE: {
        select_drive(f, c[1]);
        const FDDrive *d = &f->d[f->ds];
        uint8_t st3 = (uint8_t)(0x28 | (f->hd << 2) | f->ds);
        if (d->type != FDC_TYPE_NONE && d->track == 0)
            st3 |= 0x10;
        if (d->type != FDC_TYPE_NONE && (!d->bd || d->ro))
            st3 |= 0x40;
        enter_result(f, &st3, 1, 0);
        break;
    }
    case C_RECAL: {
        select_drive(f, c[1]);
        f->hd = 0;
        FDDrive *d = &f->d[f->ds];
        if (d->type == FDC_TYPE_NONE) { /* no track-0 signal ever */
            seek_done(f, f->ds, (uint8_t)(ST0_ABN | ST0_SE | ST0_EC | f->ds));
            break;
        }
        move_head(f, d, 0);
        seek_done(f, f->ds, (uint8_t)(ST0_SE | f->ds));
        break;
    }
    case C_SEEK: {
        select_drive(f, c[1]);
        FDDrive *d = &f->d[f->ds];
        int t = c[2];
        if (c[0] & 0x80) { /* relative: DIR bit 6 set = inwards */
            t = (c[0] & 0x40) ? d->track + c[2] : d->track - c[2];
            if (t < 0)
                t = 0;
            if (t > 255)
                t = 255;
        }
        move_head(f, d, (unsigned)t);
        seek_done(f, f->ds, (uint8_t)(ST0_SE | (f->hd << 2) | f->ds));
        break;
    }
    case C_SENSE_INT:
        if (!f->sense_pending) {
            invalid(f);
            break;
        }
        for (int i = 0; i < NDRIVES; i++) {
            if (f->sense_pending & (1u << i)) {
                f->sense_pending &= (uint8_t)~(1u << i);
                f->busy &= (uint8_t)~(1u << i);
                res[0] = f->sense_st0[i];
                res[1] = f->d[i].track;
                break;
            }
        }
        f->res_intr = 0;
        enter_result(f, res, 2, 0);
        break;
    case C_READ:
        select_drive(f, c[1]);
        start_xfer(f, X_READ);
        break;
    case C_WRITE:
        select_drive(f, c[1]);
        start_xfer(f, X_WRITE);
        break;
    case C_FORMAT:
        select_drive(f, c[1]);
        start_xfer(f, X_FORMAT);
        break;
    case C_READ_ID:
        select_drive(f, c[1]);
        read_id(f);
        break;
    case C_VERSION:
        res[0] = 0x90;
        enter_result(f, res, 1, 0);
        break;
    case C_CONFIGURE:
        f->config = c[2] & 0x7F;
        f->pretrk = c[3];
        f->phase = PH_CMD;
        break;
    case C_LOCK:
        f->lock = (c[0] >> 7) & 1;
        res[0] = (uint8_t)(f->lock << 4);
        enter_result(f, res, 1, 0);
        break;
    case C_PERP:
        if (c[1] & 0x80)
            f->perp = (uint8_t)(c[1] & 0x3F);
        else
            f->perp = (uint8_t)((f->perp & 0x3C) | (c[1] & 0x03));
        f->phase = PH_CMD;
        break;
    case C_DUMPREG:
        for (int i = 0; i < NDRIVES; i++)
            res[i] = f->d[i].track;
        res[4] = f->spec1;
        res[5] = f->spec2;
        res[6] = f->last_eot;
        res[7] = (uint8_t)((f->lock << 7) | f->perp);
        res[8] = f->config;
        res[9] = f->pretrk;
        enter_result(f, res, 10, 0);
        break;
    default:
        invalid(f);
        break;
    }
}

static void fifo_write(FDC *f, uint8_t v)
{
    if (f->phase == PH_EXEC) {
        if (f->dma)
            return; /* data goes by DMA */
        f->res_intr = 0;
        irq_update(f);
        if (f->xfer == X_WRITE && f->have_sector) {
            f->buf[f->buf_pos++] = v;
            if (f->buf_pos == SECTOR && write_sector(f))
                sector_done(f, 0);
        } else if (f->xfer == X_FORMAT) {
            f->buf[f->buf_pos++] = v;
            if (f->buf_pos == 4)
                format_one(f);
        }
        return;
    }
    if (f->phase == PH_RESULT)
        return; /* the chip is not asking for bytes */
    if (f->cmd_pos == 0) {
        unsigned len = cmd_length(v);
        f->cmd[0] = v;
        if (!len) {
            invalid(f);
            return;
        }
        f->cmd_len = (uint8_t)len;
        f->cmd_pos = 1;
        /* Writing a command clears a pending result interrupt. */
        f->res_intr = 0;
        irq_update(f);
    } else {
        f->cmd[f->cmd_pos++] = v;
    }
    if (f->cmd_pos == f->cmd_len) {
        f->cmd_pos = 0;
        execute(f);
    }
}

static uint8_t fifo_read(FDC *f)
{
    if (f->phase == PH_RESULT) {
        uint8_t v = f->res[f->res_pos++];
        if (f->res_intr) {
            f->res_intr = 0;
            irq_update(f);
        }
        if (f->res_pos >= f->res_len) {
            f->phase = PH_CMD;
            f->res_pos = f->res_len = 0;
        }
        return v;
    }
    if (f->phase == PH_EXEC && !f->dma && f->xfer == X_READ &&
        f->have_sector) {
        uint8_t v = f->buf[f->buf_pos++];
        f->res_intr = 0;
        irq_update(f);
        if (f->buf_pos == SECTOR)
            sector_done(f, 0);
        return v;
    }
    return 0;
}

static uint8_t msr(const FDC *f)
{
    if (!(f->dor & DOR_NRESET))
        return 0;
    uint8_t v = f->busy & 0x0F;
    switch (f->phase) {
    case PH_CMD:
        v |= MSR_RQM;
        if (f->cmd_pos)
            v |= MSR_CB;
        break;
    case PH_EXEC:
        v |= MSR_CB;
        if (!f->dma)
            v |= MSR_RQM | MSR_NDMA | (f->xfer == X_READ ? MSR_DIO : 0);
        break;
    case PH_RESULT:
        v |= MSR_RQM | MSR_DIO | MSR_CB;
        break;
    }
    return v;
}

static uint32_t fdc_port_read(void *opaque, uint16_t port, unsigned size)
{
    FDC *f = opaque;
    (void)size;
    switch (port & 7) {
    case 2:
        return f->dor;
    case 3:
        return f->tdr;
    case 4:
        return msr(f);
    case 5:
        return (f->dor & DOR_NRESET) ? fifo_read(f) : 0;
    case 7:
        return f->d[f->dor & DOR_SEL].changed ? 0x80 : 0x00;
    default:
        return 0xFF;
    }
}

static void fdc_port_write(void *opaque, uint16_t port, uint32_t val,
                           unsigned size)
{
    FDC *f = opaque;
    uint8_t v = (uint8_t)val;
    (void)size;
    switch (port & 7) {
    case 2: {
        uint8_t old = f->dor;
        f->dor = v;
        if ((old & DOR_NRESET) && !(v & DOR_NRESET))
            controller_reset(f);
        else if (!(old & DOR_NRESET) && (v & DOR_NRESET))
            reset_done(f);
        irq_update(f);
        dreq_update(f);
        break;
    }
    case 3:
        f->tdr = v & 3;
        break;
    case 4:
        f->dsr = v & 0x7F;
        f->rate = v & 3;
        if ((v & 0x80) && (f->dor & DOR_NRESET)) { /* self-clearing reset */
            controller_reset(f);
            reset_done(f);
            irq_update(f);
            dreq_update(f);
        }
        break;
    case 5:
        if (f->dor & DOR_NRESET)
            fifo_write(f, v);
        break;
    case 7:
        f->rate = v & 3;
        f->dsr = (uint8_t)((f->dsr & ~3u) | (v & 3));
        break;
    }
}

int fdc_register(FDC *f, IOBus *bus, uint16_t base)
{
    if (base & 7)
        return -1;
    if (iobus_register(bus, base, 6, IO_8, fdc_port_read, fdc_port_write,
                       f) < 0 ||
        iobus_register(bus, (uint16_t)(base + 7), 1, IO_8, fdc_port_read,
                       fdc_port_write, f) < 0)
        return -1;
    return 0;
}

/* ------------------------------------------------------------ snapshot */

void fdc_save(const FDC *f, SnapWriter *w)
{
    snap_begin(w, "FDC ", 1);
    for (int i = 0; i < NDRIVES; i++) {
        snap_put_u8(w, f->d[i].track);
        snap_put_u8(w, f->d[i].changed);
        snap_put_u8(w, f->d[i].next_r);
    }
    const uint8_t regs[] = {
        f->dor, f->tdr, f->dsr, f->rate, f->spec1, f->spec2, f->config,
        f->pretrk, f->lock, f->perp, f->last_eot, f->phase, f->cmd_len,
        f->cmd_pos, f->res_len, f->res_pos, f->xfer, f->dma,
        f->have_sector, f->seeked, f->ds, f->hd, f->c, f->h, f->r, f->n,
        f->eot, f->mt, f->fmt_sc, f->fmt_fill, f->fmt_done, f->res_intr,
        f->sense_pending, f->busy};
    snap_put_bytes(w, regs, sizeof(regs));
    snap_put_bytes(w, f->cmd, sizeof(f->cmd));
    snap_put_bytes(w, f->res, sizeof(f->res));
    snap_put_bytes(w, f->sense_st0, sizeof(f->sense_st0));
    snap_put_u16(w, f->buf_pos);
    snap_put_bytes(w, f->buf, sizeof(f->buf));
}

int fdc_load(FDC *f, SnapReader *r)
{
    FDC t = *f;
    snap_expect(r, "FDC ", 1);
    for (int i = 0; i < NDRIVES; i++) {
        t.d[i].track = snap_get_u8(r);
        t.d[i].changed = snap_get_u8(r);
        t.d[i].next_r = snap_get_u8(r);
        snap_check(r, t.d[i].changed <= 1);
    }
    uint8_t g[34];
    snap_get_bytes(r, g, sizeof(g));
    uint8_t *p = g;
    t.dor = *p++; t.tdr = *p++; t.dsr = *p++; t.rate = *p++;
    t.spec1 = *p++; t.spec2 = *p++; t.config = *p++; t.pretrk = *p++;
    t.lock = *p++; t.perp = *p++; t.last_eot = *p++; t.phase = *p++;
    t.cmd_len = *p++; t.cmd_pos = *p++; t.res_len = *p++; t.res_pos = *p++;
    t.xfer = *p++; t.dma = *p++; t.have_sector = *p++; t.seeked = *p++;
    t.ds = *p++; t.hd = *p++; t.c = *p++; t.h = *p++; t.r = *p++;
    t.n = *p++; t.eot = *p++; t.mt = *p++; t.fmt_sc = *p++;
    t.fmt_fill = *p++; t.fmt_done = *p++; t.res_intr = *p++;
    t.sense_pending = *p++; t.busy = *p++;
    snap_get_bytes(r, t.cmd, sizeof(t.cmd));
    snap_get_bytes(r, t.res, sizeof(t.res));
    snap_get_bytes(r, t.sense_st0, sizeof(t.sense_st0));
    t.buf_pos = snap_get_u16(r);
    snap_get_bytes(r, t.buf, sizeof(t.buf));
    snap_check(r, t.tdr <= 3 && t.rate <= 3 && t.lock <= 1 &&
                      t.perp <= 0x3F && t.phase <= PH_RESULT &&
                      t.cmd_len <= sizeof(t.cmd) && t.cmd_pos < 9 &&
                      (t.cmd_pos == 0 || t.cmd_pos < t.cmd_len) &&
                      t.res_len <= sizeof(t.res) &&
                      t.res_pos <= t.res_len &&
                      (t.phase != PH_RESULT || t.res_pos < t.res_len) &&
                      t.xfer <= X_FORMAT && t.dma <= 1 &&
                      t.have_sector <= 1 && t.seeked <= 1 && t.ds <= 3 &&
                      t.hd <= 1 && t.mt <= 1 && t.res_intr <= 1 &&
                      t.sense_pending <= 0x0F && t.busy <= 0x0F &&
                      t.buf_pos <= SECTOR &&
                      (t.xfer != X_FORMAT || t.buf_pos < 4) &&
                      (t.phase != PH_EXEC || t.xfer != X_NONE) &&
                      (t.phase != PH_EXEC || t.xfer == X_FORMAT ||
                       t.have_sector || t.dma) &&
                      (t.buf_pos < SECTOR || !t.have_sector ||
                       t.xfer == X_FORMAT));
    if (r->err) {
        fdc_reset(f);
        return -1;
    }
    /* Host attachments and the output levels stay as they are; then the
     * outputs follow the loaded state. */
    *f = t;
    irq_update(f);
    dreq_update(f);
    return 0;
}
