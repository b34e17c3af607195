/* ATA/ATAPI channel and bus-master IDE (see ata.h). */
#include "devices/ata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory/endian.h"

/* status register */
#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DF 0x20
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ST_READY (ST_DRDY | ST_DSC)
/* error register */
#define ER_UNC 0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
/* device control */
#define CTL_NIEN 0x02
#define CTL_SRST 0x04
#define CTL_HOB 0x80
/* bus master */
#define BM_CMD_START 0x01
#define BM_CMD_READ 0x08 /* bus master writes memory (device -> memory) */
#define BM_ST_ACTIVE 0x01
#define BM_ST_ERR 0x02
#define BM_ST_INT 0x04
/* ATAPI interrupt reason (sector count register) */
#define IR_COD 0x01
#define IR_IO 0x02
/* sense keys */
#define SK_NOT_READY 0x02
#define SK_MEDIUM_ERROR 0x03
#define SK_ILLEGAL_REQUEST 0x05
#define SK_UNIT_ATTENTION 0x06

#define MAX_MULT 16
#define IOBUF (MAX_MULT * 512)
#define CD_SECT 2048u

enum {
    X_NONE,
    X_PIO_IN,    /* disk or IDENTIFY data to the host */
    X_PIO_OUT,   /* disk data from the host */
    X_PACKET,    /* receiving the 12-byte ATAPI command packet */
    X_ATAPI_IN,  /* ATAPI data to the host by PIO */
    X_DMA_IN,    /* disk read waiting for / doing bus-master DMA */
    X_DMA_OUT,   /* disk write by DMA */
    X_ATAPI_DMA, /* ATAPI data to the host by DMA */
    X_MAX = X_ATAPI_DMA
};

typedef struct Drive {
    int kind;
    BlockDev *bd;
    /* task file (each drive's own copy) */
    uint8_t feature, nsector, sector, lcyl, hcyl, select;
    uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
    uint8_t status, error;
    /* disk */
    uint64_t nsect; /* 512-byte sectors */
    uint16_t cyls, heads, spt;             /* default geometry */
    uint16_t cur_cyls, cur_heads, cur_spt; /* INITIALIZE DEVICE PARAMETERS */
    uint8_t mult;      /* sectors per DRQ block in multiple mode, 0 = off */
    uint8_t xfer_mode; /* SET FEATURES 03h value: 0x08|n PIO, 0x20|n MWDMA, 0x40|n UDMA */
    uint8_t wcache;    /* write cache enabled: no fsync after each write */
    uint8_t power;     /* 0xFF active/idle, 0x00 standby */
    /* ATAPI */
    uint8_t sense_key, asc, ascq;
    uint8_t ua;          /* unit attention pending (medium changed) */
    uint8_t locked;      /* PREVENT MEDIUM REMOVAL */
    uint8_t tray_open;   /* ejected by the guest */
    uint8_t media_event; /* GESN media event code pending (0 none) */
} Drive;

struct ATAChannel {
    ATAOps ops;
    unsigned id; /* for serial numbers */
    Drive d[2];
    uint8_t ctl;
    uint8_t irq_pending;
    /* transfer in progress */
    uint8_t xfer, xdrive, cmd, lba48, at_dma;
    uint64_t lba;    /* next sector to load/store */
    uint32_t remain; /* sectors still to load/store */
    uint32_t block;  /* disk: sectors in the current DRQ block */
    uint8_t io[IOBUF];
    uint32_t io_pos, io_len;
    uint64_t at_total; /* ATAPI: bytes still to deliver */
    uint32_t at_chunk; /* ATAPI PIO: bytes left in this DRQ chunk */
    uint16_t at_bcl;   /* ATAPI byte count limit of the packet */
    uint8_t cdb[12];
    /* bus master */
    uint8_t bm_cmd, bm_status;
    uint32_t bm_prd;
    /* ports */
    uint16_t base, ctl_port, bm_base;
};

static void dma_run(ATAChannel *ch);

/* ---------------------------------------------------------------- IRQ */

static void update_irq(ATAChannel *ch)
{
    irq_set(&ch->ops.irq, ch->irq_pending && !(ch->ctl & CTL_NIEN));
}

static void raise_irq(ATAChannel *ch)
{
    ch->irq_pending = 1;
    ch->bm_status |= BM_ST_INT;
    update_irq(ch);
}

int ata_irq_level(const ATAChannel *ch)
{
    return ch->irq_pending && !(ch->ctl & CTL_NIEN);
}

/* ---------------------------------------------------------------- drives */

static int sel(const ATAChannel *ch) { return (ch->d[0].select >> 4) & 1; }

static void set_signature(Drive *d)
{
    d->nsector = 1;
    d->sector = 1;
    if (d->kind == ATA_CDROM) {
        d->lcyl = 0x14;
        d->hcyl = 0xEB;
    } else {
        d->lcyl = 0;
        d->hcyl = 0;
    }
    d->hob_nsector = d->hob_sector = d->hob_lcyl = d->hob_hcyl = 0;
}

/* After SRST, EXECUTE DEVICE DIAGNOSTIC or DEVICE RESET. */
static void drive_soft_reset(Drive *d)
{
    set_signature(d);
    d->select = 0;
    d->error = 0x01; /* diagnostics passed */
    d->status = d->kind == ATA_DISK ? ST_READY : 0;
    d->power = 0xFF;
}

static void disk_default_geometry(Drive *d)
{
    uint64_t c = d->nsect / (16 * 63);
    if (c > 16383)
        c = 16383;
    if (c < 1)
        c = 1;
    d->cyls = (uint16_t)c;
    d->heads = 16;
    d->spt = 63;
    d->cur_cyls = d->cyls;
    d->cur_heads = d->heads;
    d->cur_spt = d->spt;
}

/* Power-on / hardware reset of one drive: defaults restored. */
static void drive_hard_reset(Drive *d)
{
    drive_soft_reset(d);
    d->feature = d->hob_feature = 0;
    d->mult = 0;
    d->xfer_mode = 0x40 | 2; /* UDMA2 selected, as a BIOS would leave it */
    d->wcache = 1;
    d->sense_key = d->asc = d->ascq = 0;
    d->locked = 0;
    d->tray_open = 0;
    d->media_event = 0;
    d->ua = 0;
    if (d->kind == ATA_DISK)
        disk_default_geometry(d);
}

static void xfer_stop(ATAChannel *ch)
{
    ch->xfer = X_NONE;
    ch->io_pos = ch->io_len = 0;
    ch->remain = 0;
    ch->block = 0;
    ch->at_total = 0;
    ch->at_chunk = 0;
}

void ata_reset(ATAChannel *ch)
{
    for (int i = 0; i < 2; i++)
        drive_hard_reset(&ch->d[i]);
    ch->ctl = 0;
    ch->irq_pending = 0;
    xfer_stop(ch);
    ch->cmd = 0;
    ch->lba48 = ch->at_dma = 0;
    ch->lba = 0;
    ch->at_bcl = 0;
    memset(ch->cdb, 0, sizeof ch->cdb);
    ch->bm_cmd = 0;
    ch->bm_status = 0;
    ch->bm_prd = 0;
    update_irq(ch);
}

ATAChannel *ata_new(const ATAOps *ops)
{
    ATAChannel *ch = calloc(1, sizeof *ch);
    if (!ch)
        return NULL;
    if (ops) {
        ch->ops = *ops;
        ch->id = ops->id;
    }
    ata_reset(ch);
    return ch;
}

void ata_free(ATAChannel *ch) { free(ch); }

int ata_attach(ATAChannel *ch, int unit, int kind, BlockDev *bd)
{
    if (unit < 0 || unit > 1)
        return -1;
    if (kind != ATA_NONE && kind != ATA_DISK && kind != ATA_CDROM)
        return -1;
    if (kind == ATA_DISK && !bd)
        return -1;
    Drive *d = &ch->d[unit];
    memset(d, 0, sizeof *d);
    d->kind = kind;
    d->bd = kind == ATA_NONE ? NULL : bd;
    if (kind == ATA_DISK)
        d->nsect = blockdev_sectors(bd);
    drive_hard_reset(d);
    return 0;
}

int ata_drive_kind(const ATAChannel *ch, int unit)
{
    return unit >= 0 && unit <= 1 ? ch->d[unit].kind : ATA_NONE;
}

BlockDev *ata_blockdev(const ATAChannel *ch, int unit)
{
    return unit >= 0 && unit <= 1 ? ch->d[unit].bd : NULL;
}

/* ---------------------------------------------------------------- helpers */

static void put_str(uint8_t *id, unsigned word, unsigned nwords, const char *s)
{
    size_t n = strlen(s);
    for (unsigned i = 0; i < nwords * 2; i++) {
        char c = i < n ? s[i] : ' ';
        /* first character of each pair in the high byte of the word */
        id[(word + i / 2) * 2 + ((i & 1) ? 0 : 1)] = (uint8_t)c;
    }
}

static void put_w(uint8_t *id, unsigned word, uint16_t v)
{
    stw_le(id + word * 2, v);
}

static void finish_identify(uint8_t *id)
{
    put_w(id, 255, 0x00A5);
    uint8_t sum = 0;
    for (int i = 0; i < 511; i++)
        sum = (uint8_t)(sum + id[i]);
    id[511] = (uint8_t)(0 - sum);
}

static void identify_common(ATAChannel *ch, Drive *d, uint8_t *id,
                            const char *model)
{
    char serial[24];
    snprintf(serial, sizeof serial, "X86PC%04u",
             (unsigned)((ch->id * 2 + (unsigned)(d - ch->d)) % 10000));
    put_str(id, 10, 10, serial);
    put_str(id, 23, 4, "1.0");
    put_str(id, 27, 20, model);
    put_w(id, 51, 0x0200);
    put_w(id, 52, 0x0200);
    put_w(id, 63, (uint16_t)(0x0007 | ((d->xfer_mode & 0xF8) == 0x20
                                           ? 0x0100 << (d->xfer_mode & 7)
                                           : 0)));
    put_w(id, 64, 0x0003); /* PIO 3 and 4 */
    put_w(id, 65, 120);
    put_w(id, 66, 120);
    put_w(id, 67, 120);
    put_w(id, 68, 120);
    put_w(id, 80, 0x00F0); /* ATA/ATAPI-4 to -7 */
    put_w(id, 88, (uint16_t)(0x003F | ((d->xfer_mode & 0xF8) == 0x40
                                           ? 0x0100 << (d->xfer_mode & 7)
                                           : 0)));
    /* hardware reset result; bit 13: 80-conductor cable detected */
    put_w(id, 93, (uint16_t)(0x6000 | (d == &ch->d[0] ? 0x0009 : 0x0100)));
}

static void identify_disk(ATAChannel *ch, Drive *d, uint8_t *id)
{
    memset(id, 0, 512);
    put_w(id, 0, 0x0040); /* fixed device */
    put_w(id, 1, d->cyls);
    put_w(id, 3, d->heads);
    put_w(id, 6, d->spt);
    identify_common(ch, d, id, "x86pc HARDDISK");
    put_w(id, 47, 0x8000 | MAX_MULT);
    put_w(id, 49, 0x0B00); /* IORDY, LBA, DMA */
    put_w(id, 50, 0x4000);
    put_w(id, 53, 0x0007); /* words 54-58, 64-70 and 88 valid */
    uint32_t cur_cap = (uint32_t)d->cur_cyls * d->cur_heads * d->cur_spt;
    put_w(id, 54, d->cur_cyls);
    put_w(id, 55, d->cur_heads);
    put_w(id, 56, d->cur_spt);
    put_w(id, 57, (uint16_t)cur_cap);
    put_w(id, 58, (uint16_t)(cur_cap >> 16));
    put_w(id, 59, d->mult ? (uint16_t)(0x0100 | d->mult) : 0);
    uint64_t l28 = d->nsect > 0x0FFFFFFF ? 0x0FFFFFFF : d->nsect;
    put_w(id, 60, (uint16_t)l28);
    put_w(id, 61, (uint16_t)(l28 >> 16));
    put_w(id, 82, 0x0028); /* write cache, power management */
    put_w(id, 83, 0x7400); /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit */
    put_w(id, 84, 0x4000);
    put_w(id, 85, (uint16_t)(0x0008 | (d->wcache ? 0x0020 : 0)));
    put_w(id, 86, 0x3400);
    put_w(id, 87, 0x4000);
    for (int i = 0; i < 4; i++)
        put_w(id, 100 + i, (uint16_t)(d->nsect >> (16 * i)));
    put_w(id, 106, 0x4000); /* one 512-byte logical sector per physical */
    finish_identify(id);
}

static void identify_packet(ATAChannel *ch, Drive *d, uint8_t *id)
{
    memset(id, 0, 512);
    /* ATAPI, CD-ROM, removable, 50us DRQ, 12-byte packets */
    put_w(id, 0, 0x85C0);
    identify_common(ch, d, id, "x86pc CD-ROM");
    put_w(id, 49, 0x0B00);
    put_w(id, 53, 0x0006);
    put_w(id, 82, 0x0210); /* DEVICE RESET, PACKET */
    put_w(id, 83, 0x4000);
    put_w(id, 84, 0x4000);
    put_w(id, 85, 0x0210);
    put_w(id, 87, 0x4000);
    finish_identify(id);
}

/* Ends a command with an error (ATA). */
static void cmd_error(ATAChannel *ch, Drive *d, uint8_t err)
{
    xfer_stop(ch);
    d->error = err;
    d->status = ST_READY | ST_ERR;
    raise_irq(ch);
}

static void cmd_ok(ATAChannel *ch, Drive *d)
{
    xfer_stop(ch);
    d->status = ST_READY;
    raise_irq(ch);
}

/* Starts a data-in phase from ch->io (IDENTIFY). */
static void pio_in_buffer(ATAChannel *ch, Drive *d, uint32_t len)
{
    ch->xfer = X_PIO_IN;
    ch->io_pos = 0;
    ch->io_len = len;
    ch->remain = 0;
    ch->block = 0;
    d->status = ST_READY | ST_DRQ;
    raise_irq(ch);
}

/* ---------------------------------------------------------------- disk */

/* Decodes the task file into a sector range; -1 if it is out of range. */
static int disk_range(Drive *d, int lba48, uint64_t *lba, uint32_t *count)
{
    uint64_t l;
    uint32_t n;
    if (lba48) {
        n = (uint32_t)d->hob_nsector << 8 | d->nsector;
        if (!n)
            n = 65536;
        l = (uint64_t)d->hob_hcyl << 40 | (uint64_t)d->hob_lcyl << 32 |
            (uint64_t)d->hob_sector << 24 | (uint64_t)d->hcyl << 16 |
            (uint64_t)d->lcyl << 8 | d->sector;
    } else {
        n = d->nsector ? d->nsector : 256;
        if (d->select & 0x40) {
            l = (uint64_t)(d->select & 0x0F) << 24 | (uint64_t)d->hcyl << 16 |
                (uint64_t)d->lcyl << 8 | d->sector;
        } else {
            uint32_t cyl = (uint32_t)d->hcyl << 8 | d->lcyl;
            uint32_t head = d->select & 0x0F;
            uint32_t s = d->sector;
            if (s == 0 || s > d->cur_spt || head >= d->cur_heads ||
                cyl >= d->cur_cyls)
                return -1;
            l = ((uint64_t)cyl * d->cur_heads + head) * d->cur_spt + (s - 1);
        }
    }
    *lba = l;
    *count = n;
    if (l >= d->nsect || n > d->nsect - l)
        return -1;
    return 0;
}

/* Writes a sector address back into the task file in the command's mode. */
static void disk_set_lba(ATAChannel *ch, Drive *d, uint64_t l)
{
    if (ch->lba48) {
        d->sector = (uint8_t)l;
        d->lcyl = (uint8_t)(l >> 8);
        d->hcyl = (uint8_t)(l >> 16);
        d->hob_sector = (uint8_t)(l >> 24);
        d->hob_lcyl = (uint8_t)(l >> 32);
        d->hob_hcyl = (uint8_t)(l >> 40);
    } else if (d->select & 0x40) {
        d->sector = (uint8_t)l;
        d->lcyl = (uint8_t)(l >> 8);
        d->hcyl = (uint8_t)(l >> 16);
        d->select = (uint8_t)((d->select & 0xF0) | ((l >> 24) & 0x0F));
    } else if (d->cur_spt && d->cur_heads) {
        uint64_t t = l / d->cur_spt;
        d->sector = (uint8_t)(l % d->cur_spt + 1);
        d->select = (uint8_t)((d->select & 0xF0) | (t % d->cur_heads));
        uint64_t c = t / d->cur_heads;
        d->lcyl = (uint8_t)c;
        d->hcyl = (uint8_t)(c >> 8);
    }
}

static int is_multiple(uint8_t cmd)
{
    return cmd == 0xC4 || cmd == 0xC5 || cmd == 0x29 || cmd == 0x39;
}

static uint32_t block_size(ATAChannel *ch)
{
    return is_multiple(ch->cmd) ? ch->d[ch->xdrive].mult : 1;
}

/* Loads the next DRQ block of a PIO read. */
static void disk_pio_in_next(ATAChannel *ch, Drive *d)
{
    uint32_t n = block_size(ch);
    if (n > ch->remain)
        n = ch->remain;
    if (blockdev_read(d->bd, ch->lba, n, ch->io) < 0) {
        disk_set_lba(ch, d, ch->lba);
        cmd_error(ch, d, ER_UNC);
        return;
    }
    disk_set_lba(ch, d, ch->lba + n - 1);
    ch->lba += n;
    ch->remain -= n;
    ch->block = n;
    ch->io_pos = 0;
    ch->io_len = n * 512;
    d->status = ST_READY | ST_DRQ;
    raise_irq(ch);
}

static void disk_pio_out_next(ATAChannel *ch, Drive *d)
{
    uint32_t n = block_size(ch);
    if (n > ch->remain)
        n = ch->remain;
    ch->block = n;
    ch->io_pos = 0;
    ch->io_len = n * 512;
    d->status = ST_READY | ST_DRQ;
}

static void disk_write_done(ATAChannel *ch, Drive *d)
{
    if (!d->wcache && blockdev_flush(d->bd) < 0) {
        xfer_stop(ch);
        d->error = ER_ABRT;
        d->status = ST_READY | ST_DF | ST_ERR;
        raise_irq(ch);
        return;
    }
    cmd_ok(ch, d);
}

/* The host filled a DRQ block of a PIO write. */
static void disk_pio_out_block(ATAChannel *ch, Drive *d)
{
    if (blockdev_write(d->bd, ch->lba, ch->block, ch->io) < 0) {
        disk_set_lba(ch, d, ch->lba);
        cmd_error(ch, d, ER_ABRT);
        return;
    }
    disk_set_lba(ch, d, ch->lba + ch->block - 1);
    ch->lba += ch->block;
    ch->remain -= ch->block;
    if (ch->remain) {
        disk_pio_out_next(ch, d);
        raise_irq(ch);
    } else {
        disk_write_done(ch, d);
    }
}

static int set_features(Drive *d)
{
    switch (d->feature) {
    case 0x03: { /* set transfer mode */
        uint8_t v = d->nsector, m = v & 7;
        switch (v & 0xF8) {
        case 0x00:
            if (m > 1)
                return -1;
            d->xfer_mode = 0x08; /* PIO default */
            return 0;
        case 0x08:
            if (m > 4)
                return -1;
            break;
        case 0x20:
            if (m > 2)
                return -1;
            break;
        case 0x40:
            if (m > 5)
                return -1;
            break;
        default:
            return -1;
        }
        d->xfer_mode = v;
        return 0;
    }
    case 0x02: /* enable write cache */
        d->wcache = 1;
        return 0;
    case 0x82: /* disable write cache */
        d->wcache = 0;
        return 0;
    case 0x66: /* disable reverting to power-on defaults */
    case 0xCC:
    case 0xAA: /* read look-ahead */
    case 0x55:
        return 0;
    default:
        return -1;
    }
}

static void exec_diag(ATAChannel *ch)
{
    xfer_stop(ch);
    for (int i = 0; i < 2; i++) {
        Drive *d = &ch->d[i];
        if (d->kind != ATA_NONE)
            drive_soft_reset(d);
        d->select = 0;
    }
    raise_irq(ch);
}

static void disk_cmd(ATAChannel *ch, Drive *d, uint8_t cmd)
{
    uint64_t lba;
    uint32_t count;
    int lba48 = 0;
    switch (cmd) {
    case 0xEC: /* IDENTIFY DEVICE */
        identify_disk(ch, d, ch->io);
        pio_in_buffer(ch, d, 512);
        return;
    case 0x24: case 0x29: case 0x34: case 0x39: case 0x25: case 0x35:
    case 0x42:
        lba48 = 1;
        break;
    default:
        break;
    }
    ch->lba48 = (uint8_t)lba48;
    switch (cmd) {
    case 0x20: case 0x21: case 0x24: /* READ SECTORS (EXT) */
    case 0xC4: case 0x29:            /* READ MULTIPLE (EXT) */
        if (is_multiple(cmd) && !d->mult)
            break;
        if (disk_range(d, lba48, &lba, &count) < 0) {
            cmd_error(ch, d, ER_IDNF);
            return;
        }
        d->power = 0xFF;
        ch->xfer = X_PIO_IN;
        ch->lba = lba;
        ch->remain = count;
        disk_pio_in_next(ch, d);
        return;
    case 0x30: case 0x31: case 0x34: /* WRITE SECTORS (EXT) */
    case 0xC5: case 0x39:            /* WRITE MULTIPLE (EXT) */
        if (is_multiple(cmd) && !d->mult)
            break;
        if (disk_range(d, lba48, &lba, &count) < 0) {
            cmd_error(ch, d, ER_IDNF);
            return;
        }
        if (blockdev_is_readonly(d->bd))
            break;
        d->power = 0xFF;
        ch->xfer = X_PIO_OUT;
        ch->lba = lba;
        ch->remain = count;
        disk_pio_out_next(ch, d);
        return;
    case 0xC8: case 0xC9: case 0x25: /* READ DMA (EXT) */
    case 0xCA: case 0xCB: case 0x35: { /* WRITE DMA (EXT) */
        int wr = cmd == 0xCA || cmd == 0xCB || cmd == 0x35;
        if (!ch->ops.mem)
            break;
        if (disk_range(d, lba48, &lba, &count) < 0) {
            cmd_error(ch, d, ER_IDNF);
            return;
        }
        if (wr && blockdev_is_readonly(d->bd))
            break;
        d->power = 0xFF;
        ch->xfer = wr ? X_DMA_OUT : X_DMA_IN;
        ch->lba = lba;
        ch->remain = count;
        ch->io_pos = ch->io_len = 0;
        ch->block = 0;
        if (wr) {
            ch->block = count < MAX_MULT ? count : MAX_MULT;
            ch->io_len = ch->block * 512;
        }
        d->status = ST_READY | ST_DRQ;
        dma_run(ch);
        return;
    }
    case 0x40: case 0x41: case 0x42: /* READ VERIFY SECTORS (EXT) */
        if (disk_range(d, lba48, &lba, &count) < 0) {
            cmd_error(ch, d, ER_IDNF);
            return;
        }
        d->power = 0xFF;
        disk_set_lba(ch, d, lba + count - 1);
        cmd_ok(ch, d);
        return;
    case 0xC6: /* SET MULTIPLE MODE */
        if (d->nsector > MAX_MULT || (d->nsector & (d->nsector - 1)))
            break;
        d->mult = d->nsector;
        cmd_ok(ch, d);
        return;
    case 0x91: { /* INITIALIZE DEVICE PARAMETERS */
        uint32_t heads = (d->select & 0x0F) + 1u, spt = d->nsector;
        if (!spt)
            break;
        uint64_t cap = d->nsect < 16514064 ? d->nsect : 16514064;
        uint64_t c = cap / (heads * spt);
        if (c > 65535)
            c = 65535;
        d->cur_heads = (uint16_t)heads;
        d->cur_spt = (uint16_t)spt;
        d->cur_cyls = (uint16_t)c;
        cmd_ok(ch, d);
        return;
    }
    case 0xEF: /* SET FEATURES */
        if (set_features(d) < 0)
            break;
        cmd_ok(ch, d);
        return;
    case 0xE7: case 0xEA: /* FLUSH CACHE (EXT) */
        if (blockdev_flush(d->bd) < 0) {
            xfer_stop(ch);
            d->error = ER_ABRT;
            d->status = ST_READY | ST_DF | ST_ERR;
            raise_irq(ch);
            return;
        }
        cmd_ok(ch, d);
        return;
    case 0xE0: case 0x94: /* STANDBY IMMEDIATE */
    case 0xE2: case 0x96: /* STANDBY */
        d->power = 0x00;
        cmd_ok(ch, d);
        return;
    case 0xE1: case 0x95: /* IDLE IMMEDIATE */
    case 0xE3: case 0x97: /* IDLE */
        d->power = 0xFF;
        cmd_ok(ch, d);
        return;
    case 0xE5: case 0x98: /* CHECK POWER MODE */
        d->nsector = d->power;
        cmd_ok(ch, d);
        return;
    case 0x90: /* EXECUTE DEVICE DIAGNOSTIC */
        exec_diag(ch);
        return;
    case 0x70: case 0x71: case 0x72: case 0x73: /* SEEK */
    case 0x74: case 0x75: case 0x76: case 0x77:
    case 0x78: case 0x79: case 0x7A: case 0x7B:
    case 0x7C: case 0x7D: case 0x7E: case 0x7F: {
        uint8_t save = d->nsector;
        d->nsector = 1;
        int bad = disk_range(d, 0, &lba, &count) < 0;
        d->nsector = save;
        if (bad) {
            cmd_error(ch, d, ER_IDNF);
            return;
        }
        cmd_ok(ch, d);
        return;
    }
    default:
        if (cmd >= 0x10 && cmd <= 0x1F) { /* RECALIBRATE */
            d->lcyl = d->hcyl = 0;
            cmd_ok(ch, d);
            return;
        }
        break;
    }
    cmd_error(ch, d, ER_ABRT);
}

/* ---------------------------------------------------------------- ATAPI */

static int cd_present(const Drive *d) { return d->bd && !d->tray_open; }

static uint64_t cd_sectors(const Drive *d)
{
    return d->bd ? blockdev_size(d->bd) / CD_SECT : 0;
}

static void atapi_set_sense(Drive *d, uint8_t key, uint8_t asc, uint8_t ascq)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = ascq;
}

static void atapi_check(ATAChannel *ch, Drive *d, uint8_t key, uint8_t asc,
                        uint8_t ascq)
{
    xfer_stop(ch);
    atapi_set_sense(d, key, asc, ascq);
    d->error = (uint8_t)(key << 4) | (key == SK_ILLEGAL_REQUEST ? ER_ABRT : 0);
    d->status = ST_READY | ST_ERR;
    d->nsector = (uint8_t)((d->nsector & 0xF8) | IR_IO | IR_COD);
    raise_irq(ch);
}

static void atapi_ok(ATAChannel *ch, Drive *d)
{
    xfer_stop(ch);
    if (ch->cdb[0] != 0x03)
        atapi_set_sense(d, 0, 0, 0);
    d->error = 0;
    d->status = ST_READY;
    d->nsector = (uint8_t)((d->nsector & 0xF8) | IR_IO | IR_COD);
    raise_irq(ch);
}

/* Next DRQ chunk of a PIO data-in phase. */
static void atapi_next_chunk(ATAChannel *ch, Drive *d)
{
    uint32_t bcl = ch->at_bcl;
    if (bcl == 0 || bcl == 0xFFFF)
        bcl = 0xFFFE;
    uint32_t n = ch->at_total < bcl ? (uint32_t)ch->at_total : bcl;
    if (n < ch->at_total)
        n &= ~1u; /* an intermediate chunk has an even length */
    if (!n)
        n = 2;
    ch->at_chunk = n;
    d->lcyl = (uint8_t)n;
    d->hcyl = (uint8_t)(n >> 8);
    d->nsector = (uint8_t)((d->nsector & 0xF8) | IR_IO);
    d->status = ST_READY | ST_DRQ;
    raise_irq(ch);
}

static void atapi_start_data(ATAChannel *ch, Drive *d)
{
    if (!ch->at_total) {
        atapi_ok(ch, d);
        return;
    }
    if (ch->at_dma) {
        if (!ch->ops.mem) {
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
            return;
        }
        ch->xfer = X_ATAPI_DMA;
        d->status = ST_READY | ST_DRQ;
        dma_run(ch);
        return;
    }
    ch->xfer = X_ATAPI_IN;
    atapi_next_chunk(ch, d);
}

/* Data already in ch->io (len bytes), truncated to the allocation length. */
static void atapi_reply(ATAChannel *ch, Drive *d, uint32_t len, uint32_t alloc)
{
    if (len > alloc)
        len = alloc;
    ch->io_pos = 0;
    ch->io_len = len;
    ch->remain = 0;
    ch->at_total = len;
    atapi_start_data(ch, d);
}

/* Refills ch->io with the next CD sector; -1 on error (command ended). */
static int atapi_refill(ATAChannel *ch, Drive *d)
{
    if (!ch->remain || !cd_present(d) ||
        blockdev_read(d->bd, ch->lba * 4, 4, ch->io) < 0) {
        atapi_check(ch, d, SK_MEDIUM_ERROR, 0x11, 0);
        return -1;
    }
    ch->lba++;
    ch->remain--;
    ch->io_pos = 0;
    ch->io_len = CD_SECT;
    return 0;
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += 150;
    p[0] = (uint8_t)(lba / (75 * 60));
    p[1] = (uint8_t)((lba / 75) % 60);
    p[2] = (uint8_t)(lba % 75);
}

static void put_be16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static uint32_t be16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

/* Track address (LBA or MSF form) into 4 bytes. */
static void toc_addr(uint8_t *p, uint32_t lba, int msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        put_be32(p, lba);
    }
}

static void atapi_read_toc(ATAChannel *ch, Drive *d)
{
    const uint8_t *c = ch->cdb;
    int msf = (c[1] & 2) != 0;
    unsigned format = c[2] & 0x0F;
    if (!format)
        format = c[9] >> 6;
    unsigned start = c[6];
    uint32_t alloc = be16(c + 7);
    uint8_t *b = ch->io;
    uint32_t total = (uint32_t)(cd_sectors(d) > 0xFFFFFFFFull
                                    ? 0xFFFFFFFFu
                                    : cd_sectors(d));
    memset(b, 0, 64);
    uint32_t len;
    if (format == 0) {
        if (start > 1 && start != 0xAA) {
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
            return;
        }
        b[2] = 1; /* first track */
        b[3] = 1; /* last track */
        len = 4;
        if (start <= 1) {
            b[len + 1] = 0x14; /* ADR 1, data track */
            b[len + 2] = 1;
            toc_addr(b + len + 4, 0, msf);
            len += 8;
        }
        b[len + 1] = 0x14;
        b[len + 2] = 0xAA; /* lead-out */
        toc_addr(b + len + 4, total, msf);
        len += 8;
    } else if (format == 1) { /* multi-session information */
        b[2] = 1;
        b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        toc_addr(b + 8, 0, msf);
        len = 12;
    } else {
        atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
        return;
    }
    put_be16(b, len - 2);
    atapi_reply(ch, d, len, alloc);
}

static uint32_t mode_page(Drive *d, uint8_t *p, unsigned page, int changeable)
{
    if (page == 0x01) {
        memset(p, 0, 8);
        p[0] = 0x01;
        p[1] = 0x06;
        if (!changeable)
            p[3] = 5; /* read retry count */
        return 8;
    }
    if (page == 0x2A) {
        memset(p, 0, 20);
        p[0] = 0x2A;
        p[1] = 0x12;
        if (changeable)
            return 20;
        p[2] = 0x00;                 /* reads CD-ROM only */
        p[4] = 0x40;                 /* multi-session */
        p[5] = 0x00;
        p[6] = (uint8_t)(0x29 | (d->locked ? 0x02 : 0)); /* tray, eject, lock */
        put_be16(p + 8, 16 * 176);   /* max speed (KB/s) */
        put_be16(p + 10, 0);         /* volume levels */
        put_be16(p + 12, 512);       /* buffer size (KB) */
        put_be16(p + 14, 16 * 176);  /* current speed */
        return 20;
    }
    return 0;
}

static void atapi_mode_sense(ATAChannel *ch, Drive *d)
{
    const uint8_t *c = ch->cdb;
    unsigned pc = c[2] >> 6, page = c[2] & 0x3F;
    uint32_t alloc = be16(c + 7);
    uint8_t *b = ch->io;
    if (pc == 3) {
        atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x39, 0); /* saving unsupported */
        return;
    }
    memset(b, 0, 8);
    uint32_t len = 8;
    if (page == 0x3F) {
        len += mode_page(d, b + len, 0x01, pc == 1);
        len += mode_page(d, b + len, 0x2A, pc == 1);
    } else {
        uint32_t n = mode_page(d, b + len, page, pc == 1);
        if (!n) {
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
            return;
        }
        len += n;
    }
    put_be16(b, len - 2);
    b[2] = cd_present(d) ? 0x01 : 0x70; /* 120 mm data disc / no disc */
    atapi_reply(ch, d, len, alloc);
}

static void atapi_get_configuration(ATAChannel *ch, Drive *d)
{
    const uint8_t *c = ch->cdb;
    unsigned rt = c[1] & 3;
    uint32_t sfn = be16(c + 2);
    uint32_t alloc = be16(c + 7);
    uint8_t *b = ch->io;
    if (rt == 3) {
        atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
        return;
    }
    int present = cd_present(d);
    memset(b, 0, 64);
    put_be16(b + 6, present ? 0x0008 : 0); /* current profile: CD-ROM */
    uint32_t len = 8;
    /* feature 0000h profile list, 0001h core, 0003h removable medium */
    static const uint16_t codes[3] = {0x0000, 0x0001, 0x0003};
    for (int i = 0; i < 3; i++) {
        uint32_t code = codes[i];
        if (rt == 2 ? code != sfn : code < sfn)
            continue;
        uint8_t *f = b + len;
        put_be16(f, code);
        f[2] = 0x03; /* persistent, current */
        if (code == 0x0000) {
            f[3] = 4;
            put_be16(f + 4, 0x0008);
            f[6] = present ? 0x01 : 0x00;
        } else if (code == 0x0001) {
            f[2] = 0x07; /* version 1 */
            f[3] = 8;
            put_be32(f + 4, 2); /* ATAPI */
        } else {
            f[3] = 4;
            f[4] = (uint8_t)(0x29 | (d->locked ? 0x04 : 0)); /* tray, eject, lock */
        }
        len += 4u + f[3];
    }
    put_be32(b, len - 4);
    atapi_reply(ch, d, len, alloc);
}

static void atapi_gesn(ATAChannel *ch, Drive *d)
{
    const uint8_t *c = ch->cdb;
    uint32_t alloc = be16(c + 7);
    uint8_t *b = ch->io;
    if (!(c[1] & 1)) { /* asynchronous notification is not supported */
        atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
        return;
    }
    memset(b, 0, 8);
    uint32_t len;
    b[3] = 0x10; /* supported classes: media */
    if (c[4] & 0x10) {
        b[2] = 4; /* media class */
        b[4] = d->media_event;
        b[5] = cd_present(d) ? 0x02 : (d->tray_open ? 0x01 : 0x00);
        d->media_event = 0;
        len = 8;
    } else {
        b[2] = 0x80; /* no event available */
        len = 4;
    }
    put_be16(b, len - 2);
    atapi_reply(ch, d, len, alloc);
}

static void atapi_exec(ATAChannel *ch, Drive *d)
{
    const uint8_t *c = ch->cdb;
    uint8_t op = c[0];
    uint8_t *b = ch->io;
    /* Commands that report regardless of a pending unit attention. */
    int ua_exempt = op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4A;
    if (d->ua && !ua_exempt) {
        d->ua = 0;
        atapi_check(ch, d, SK_UNIT_ATTENTION, 0x28, 0);
        return;
    }
    int needs_medium = op == 0x00 || op == 0x25 || op == 0x28 ||
                       op == 0xA8 || op == 0x43 || op == 0x2B;
    if (needs_medium && !cd_present(d)) {
        atapi_check(ch, d, SK_NOT_READY, 0x3A, 0);
        return;
    }
    d->power = 0xFF;
    switch (op) {
    case 0x00: /* TEST UNIT READY */
        atapi_ok(ch, d);
        return;
    case 0x03: { /* REQUEST SENSE */
        memset(b, 0, 18);
        b[0] = 0x70;
        if (!d->sense_key && d->ua) {
            d->ua = 0;
            atapi_set_sense(d, SK_UNIT_ATTENTION, 0x28, 0);
        }
        b[2] = d->sense_key;
        b[7] = 10;
        b[12] = d->asc;
        b[13] = d->ascq;
        atapi_set_sense(d, 0, 0, 0);
        atapi_reply(ch, d, 18, c[4]);
        return;
    }
    case 0x12: /* INQUIRY */
        memset(b, 0, 36);
        b[0] = 0x05; /* CD/DVD device */
        b[1] = 0x80; /* removable */
        b[2] = 0x00;
        b[3] = 0x21; /* ATAPI, response format 1 */
        b[4] = 31;
        memcpy(b + 8, "x86pc   ", 8);
        memcpy(b + 16, "x86pc CD-ROM    ", 16);
        memcpy(b + 32, "1.0 ", 4);
        atapi_reply(ch, d, 36, c[4]);
        return;
    case 0x1B: { /* START STOP UNIT */
        int loej = c[4] & 2, start = c[4] & 1;
        if (loej) {
            if (!start) {
                if (d->locked) {
                    atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x53, 0x02);
                    return;
                }
                if (!d->tray_open && d->bd)
                    d->media_event = 3; /* media removal */
                d->tray_open = 1;
            } else if (d->tray_open) {
                d->tray_open = 0;
                if (d->bd)
                    d->media_event = 2; /* new media */
            }
        }
        atapi_ok(ch, d);
        return;
    }
    case 0x1E: /* PREVENT ALLOW MEDIUM REMOVAL */
        d->locked = c[4] & 1;
        atapi_ok(ch, d);
        return;
    case 0x25: { /* READ CAPACITY */
        uint64_t n = cd_sectors(d);
        put_be32(b, n > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)(n - 1));
        put_be32(b + 4, CD_SECT);
        atapi_reply(ch, d, 8, 8);
        return;
    }
    case 0x28: case 0xA8: { /* READ(10), READ(12) */
        uint64_t lba = be32(c + 2);
        uint64_t count = op == 0x28 ? be16(c + 7) : be32(c + 6);
        uint64_t n = cd_sectors(d);
        if (lba >= n || count > n - lba) {
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x21, 0);
            return;
        }
        ch->lba = lba;
        ch->remain = (uint32_t)count;
        ch->io_pos = ch->io_len = 0;
        ch->at_total = count * CD_SECT;
        atapi_start_data(ch, d);
        return;
    }
    case 0x2B: /* SEEK(10) */
        if (be32(c + 2) >= cd_sectors(d)) {
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x21, 0);
            return;
        }
        atapi_ok(ch, d);
        return;
    case 0x43: /* READ TOC */
        atapi_read_toc(ch, d);
        return;
    case 0x46: /* GET CONFIGURATION */
        atapi_get_configuration(ch, d);
        return;
    case 0x4A: /* GET EVENT STATUS NOTIFICATION */
        atapi_gesn(ch, d);
        return;
    case 0x5A: /* MODE SENSE(10) */
        atapi_mode_sense(ch, d);
        return;
    case 0xBB: /* SET CD SPEED */
        atapi_ok(ch, d);
        return;
    default:
        atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x20, 0); /* invalid opcode */
        return;
    }
}

static void atapi_cmd(ATAChannel *ch, Drive *d, uint8_t cmd)
{
    switch (cmd) {
    case 0xA0: /* PACKET */
        if (d->feature & 0x02) /* overlapped: not supported */
            break;
        ch->at_dma = d->feature & 1;
        ch->at_bcl = (uint16_t)(d->hcyl << 8 | d->lcyl);
        ch->xfer = X_PACKET;
        ch->io_pos = 0;
        ch->io_len = 12;
        d->nsector = (uint8_t)((d->nsector & 0xF8) | IR_COD);
        d->status = ST_READY | ST_DRQ;
        return;
    case 0xA1: /* IDENTIFY PACKET DEVICE */
        identify_packet(ch, d, ch->io);
        pio_in_buffer(ch, d, 512);
        return;
    case 0xEC: /* IDENTIFY DEVICE: abort, leaving the signature */
        set_signature(d);
        cmd_error(ch, d, ER_ABRT);
        return;
    case 0x08: /* DEVICE RESET */
        xfer_stop(ch);
        {
            uint8_t s = d->select;
            drive_soft_reset(d);
            d->select = s;
        }
        return;
    case 0x90:
        exec_diag(ch);
        return;
    case 0xEF:
        if (set_features(d) < 0)
            break;
        cmd_ok(ch, d);
        return;
    case 0xE0: case 0xE2: case 0x94: case 0x96:
        d->power = 0x00;
        cmd_ok(ch, d);
        return;
    case 0xE1: case 0xE3: case 0x95: case 0x97:
        d->power = 0xFF;
        cmd_ok(ch, d);
        return;
    case 0xE5: case 0x98:
        d->nsector = d->power;
        cmd_ok(ch, d);
        return;
    default:
        break;
    }
    cmd_error(ch, d, ER_ABRT);
}

int ata_cd_change(ATAChannel *ch, int unit, BlockDev *bd, int force)
{
    if (unit < 0 || unit > 1 || ch->d[unit].kind != ATA_CDROM)
        return -1;
    Drive *d = &ch->d[unit];
    if (d->locked && !force && cd_present(d))
        return -1;
    if (ch->xfer != X_NONE && ch->xdrive == unit &&
        (ch->xfer == X_ATAPI_IN || ch->xfer == X_ATAPI_DMA))
        atapi_check(ch, d, SK_UNIT_ATTENTION, 0x28, 0);
    d->bd = bd;
    d->tray_open = 0;
    d->locked = 0;
    d->ua = 1;
    d->media_event = bd ? 2 : 3;
    return 0;
}

/* ---------------------------------------------------------------- DMA */

static int dma_done(const ATAChannel *ch)
{
    switch (ch->xfer) {
    case X_DMA_IN:
        return ch->remain == 0 && ch->io_pos == ch->io_len;
    case X_DMA_OUT:
        return ch->remain == 0;
    case X_ATAPI_DMA:
        return ch->at_total == 0;
    default:
        return 1;
    }
}

/* Moves data for the pending DMA command while the bus master runs. */
static void dma_run(ATAChannel *ch)
{
    if (!(ch->bm_cmd & BM_CMD_START) || !ch->ops.mem)
        return;
    if (ch->xfer != X_DMA_IN && ch->xfer != X_DMA_OUT &&
        ch->xfer != X_ATAPI_DMA)
        return;
    PhysMem *pm = ch->ops.mem;
    Drive *d = &ch->d[ch->xdrive];
    uint8_t kind = ch->xfer;
    uint32_t prd = ch->bm_prd;
    int eot = 0;
    while (!dma_done(ch) && !eot) {
        uint8_t e[8];
        phys_dma_read(pm, prd, e, 8);
        prd = (prd + 8) & 0xFFFFFFFFu;
        uint32_t addr = ldl_le(e) & ~1u;
        uint32_t cnt = ldw_le(e + 4) & 0xFFFEu;
        if (!cnt)
            cnt = 0x10000;
        eot = (e[7] & 0x80) != 0;
        while (cnt && !dma_done(ch)) {
            uint32_t n;
            if (kind == X_DMA_OUT) {
                n = ch->io_len - ch->io_pos;
                if (n > cnt)
                    n = cnt;
                phys_dma_read(pm, addr, ch->io + ch->io_pos, n);
                ch->io_pos += n;
                if (ch->io_pos == ch->io_len) {
                    if (blockdev_write(d->bd, ch->lba, ch->block, ch->io) < 0) {
                        ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
                        disk_set_lba(ch, d, ch->lba);
                        cmd_error(ch, d, ER_ABRT);
                        return;
                    }
                    ch->lba += ch->block;
                    ch->remain -= ch->block;
                    ch->block = ch->remain < MAX_MULT ? ch->remain : MAX_MULT;
                    ch->io_pos = 0;
                    ch->io_len = ch->block * 512;
                }
            } else {
                if (ch->io_pos == ch->io_len) {
                    if (kind == X_DMA_IN) {
                        uint32_t k = ch->remain < MAX_MULT ? ch->remain : MAX_MULT;
                        if (blockdev_read(d->bd, ch->lba, k, ch->io) < 0) {
                            ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
                            disk_set_lba(ch, d, ch->lba);
                            cmd_error(ch, d, ER_UNC);
                            return;
                        }
                        ch->lba += k;
                        ch->remain -= k;
                        ch->io_pos = 0;
                        ch->io_len = k * 512;
                    } else if (atapi_refill(ch, d) < 0) {
                        ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
                        return;
                    }
                }
                n = ch->io_len - ch->io_pos;
                if (n > cnt)
                    n = cnt;
                if (kind == X_ATAPI_DMA && n > ch->at_total)
                    n = (uint32_t)ch->at_total;
                phys_dma_write(pm, addr, ch->io + ch->io_pos, n);
                ch->io_pos += n;
                if (kind == X_ATAPI_DMA)
                    ch->at_total -= n;
            }
            addr = (addr + n) & 0xFFFFFFFFu;
            cnt -= n;
        }
        /* The last entry used up exactly: the bus master stops. */
        if (eot && cnt == 0)
            ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
    }
    if (!dma_done(ch)) {
        /* PRD table too short for the transfer: end it with an error. */
        ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
        if (kind == X_ATAPI_DMA)
            atapi_check(ch, d, SK_ILLEGAL_REQUEST, 0x24, 0);
        else
            cmd_error(ch, d, ER_ABRT);
        return;
    }
    if (kind == X_ATAPI_DMA) {
        atapi_ok(ch, d);
    } else if (kind == X_DMA_IN) {
        disk_set_lba(ch, d, ch->lba - 1);
        cmd_ok(ch, d);
    } else {
        disk_set_lba(ch, d, ch->lba - 1);
        disk_write_done(ch, d);
    }
}

static uint8_t bm_read8(ATAChannel *ch, unsigned off)
{
    switch (off & 7) {
    case 0:
        return ch->bm_cmd;
    case 2:
        return ch->bm_status;
    case 4: case 5: case 6: case 7:
        return (uint8_t)(ch->bm_prd >> (8 * (off - 4)));
    default:
        return 0;
    }
}

static void bm_write8(ATAChannel *ch, unsigned off, uint8_t v)
{
    switch (off & 7) {
    case 0: {
        uint8_t old = ch->bm_cmd;
        uint8_t nv = v & (BM_CMD_START | BM_CMD_READ);
        if (old & BM_CMD_START) /* direction is fixed while running */
            nv = (uint8_t)((nv & BM_CMD_START) | (old & BM_CMD_READ));
        ch->bm_cmd = nv;
        if ((nv & BM_CMD_START) && !(old & BM_CMD_START)) {
            ch->bm_status |= BM_ST_ACTIVE;
            dma_run(ch);
        } else if (!(nv & BM_CMD_START)) {
            ch->bm_status &= (uint8_t)~BM_ST_ACTIVE;
        }
        break;
    }
    case 2:
        ch->bm_status = (uint8_t)((ch->bm_status & BM_ST_ACTIVE) |
                                  (ch->bm_status & ~v & (BM_ST_ERR | BM_ST_INT)) |
                                  (v & 0x60));
        break;
    case 4: case 5: case 6: case 7: {
        unsigned sh = 8 * (off - 4);
        ch->bm_prd = (ch->bm_prd & ~(0xFFu << sh)) | ((uint32_t)v << sh);
        ch->bm_prd &= ~3u;
        break;
    }
    default:
        break;
    }
}

uint32_t bmdma_read(ATAChannel *ch, unsigned off, unsigned size)
{
    uint32_t v = 0;
    if (size > 4)
        size = 4;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)bm_read8(ch, (off + i) & 7) << (8 * i);
    return v;
}

void bmdma_write(ATAChannel *ch, unsigned off, uint32_t val, unsigned size)
{
    if (size > 4)
        size = 4;
    for (unsigned i = 0; i < size; i++)
        bm_write8(ch, (off + i) & 7, (uint8_t)(val >> (8 * i)));
}

static uint32_t bm_io_read(void *o, uint16_t port, unsigned size)
{
    ATAChannel *ch = o;
    return bmdma_read(ch, (unsigned)(port - ch->bm_base), size);
}

static void bm_io_write(void *o, uint16_t port, uint32_t val, unsigned size)
{
    ATAChannel *ch = o;
    bmdma_write(ch, (unsigned)(port - ch->bm_base), val, size);
}

int bmdma_register(ATAChannel *ch, IOBus *bus, uint16_t base)
{
    if (iobus_register(bus, base, 8, IO_8 | IO_16 | IO_32, bm_io_read,
                       bm_io_write, ch) < 0)
        return -1;
    ch->bm_base = base;
    return 0;
}

/* ---------------------------------------------------------------- ports */

static uint8_t data_in_byte(ATAChannel *ch)
{
    Drive *d = &ch->d[ch->xdrive];
    if (ch->xfer == X_PIO_IN) {
        uint8_t v = ch->io[ch->io_pos++];
        if (ch->io_pos >= ch->io_len) {
            if (ch->remain) {
                disk_pio_in_next(ch, d);
            } else {
                xfer_stop(ch);
                d->status = ST_READY;
            }
        }
        return v;
    }
    if (ch->xfer == X_ATAPI_IN) {
        if (ch->io_pos >= ch->io_len && atapi_refill(ch, d) < 0)
            return 0;
        uint8_t v = ch->io[ch->io_pos++];
        ch->at_total--;
        if (--ch->at_chunk == 0) {
            if (ch->at_total)
                atapi_next_chunk(ch, d);
            else
                atapi_ok(ch, d);
        }
        return v;
    }
    return 0;
}

static void data_out_byte(ATAChannel *ch, uint8_t v)
{
    Drive *d = &ch->d[ch->xdrive];
    if (ch->xfer == X_PIO_OUT) {
        ch->io[ch->io_pos++] = v;
        if (ch->io_pos >= ch->io_len)
            disk_pio_out_block(ch, d);
    } else if (ch->xfer == X_PACKET) {
        ch->cdb[ch->io_pos++] = v;
        if (ch->io_pos >= 12) {
            ch->io_pos = ch->io_len = 0;
            ch->xfer = X_NONE;
            d->status = ST_READY; /* BSY while executing: instantaneous */
            atapi_exec(ch, d);
        }
    }
}

static uint32_t data_read(void *o, uint16_t port, unsigned size)
{
    ATAChannel *ch = o;
    uint32_t v = 0;
    for (unsigned i = 0; i < size && i < 4; i++)
        v |= (uint32_t)data_in_byte(ch) << (8 * i);
    return v;
}

static void data_write(void *o, uint16_t port, uint32_t val, unsigned size)
{
    ATAChannel *ch = o;
    for (unsigned i = 0; i < size && i < 4; i++)
        data_out_byte(ch, (uint8_t)(val >> (8 * i)));
}

static uint32_t cmd_read(void *o, uint16_t port, unsigned size)
{
    ATAChannel *ch = o;
    unsigned reg = (unsigned)(port - ch->base);
    Drive *d = &ch->d[sel(ch)];
    if (d->kind == ATA_NONE)
        return 0; /* absent device: the bus reads as zeros */
    int hob = (ch->ctl & CTL_HOB) != 0;
    switch (reg) {
    case 1:
        return d->error;
    case 2:
        return hob ? d->hob_nsector : d->nsector;
    case 3:
        return hob ? d->hob_sector : d->sector;
    case 4:
        return hob ? d->hob_lcyl : d->lcyl;
    case 5:
        return hob ? d->hob_hcyl : d->hcyl;
    case 6:
        return d->select | 0xA0;
    case 7:
        ch->irq_pending = 0;
        update_irq(ch);
        return d->status;
    default:
        return 0;
    }
}

static void cmd_write(void *o, uint16_t port, uint32_t val, unsigned size)
{
    ATAChannel *ch = o;
    unsigned reg = (unsigned)(port - ch->base);
    uint8_t v = (uint8_t)val;
    if (reg >= 1 && reg <= 5)
        ch->ctl &= (uint8_t)~CTL_HOB;
    for (int i = 0; i < 2; i++) {
        Drive *d = &ch->d[i];
        switch (reg) {
        case 1:
            d->hob_feature = d->feature;
            d->feature = v;
            break;
        case 2:
            d->hob_nsector = d->nsector;
            d->nsector = v;
            break;
        case 3:
            d->hob_sector = d->sector;
            d->sector = v;
            break;
        case 4:
            d->hob_lcyl = d->lcyl;
            d->lcyl = v;
            break;
        case 5:
            d->hob_hcyl = d->hcyl;
            d->hcyl = v;
            break;
        case 6:
            d->select = v & 0x5F; /* bits 7 and 5 are obsolete (read as 1) */
            break;
        default:
            break;
        }
    }
    if (reg != 7)
        return;
    int unit = sel(ch);
    Drive *d = &ch->d[unit];
    if (d->kind == ATA_NONE || (ch->ctl & CTL_SRST))
        return;
    if ((d->status & ST_BSY))
        return;
    ch->irq_pending = 0;
    update_irq(ch);
    xfer_stop(ch);
    ch->xdrive = (uint8_t)unit;
    ch->cmd = v;
    d->error = 0;
    if (d->kind == ATA_CDROM)
        atapi_cmd(ch, d, v);
    else
        disk_cmd(ch, d, v);
}

/* Command block: the data port takes 8/16/32-bit accesses; a wider access
 * to another register is a sequence of byte accesses to consecutive ports. */
static uint32_t block_read(void *o, uint16_t port, unsigned size)
{
    ATAChannel *ch = o;
    if (port == ch->base)
        return data_read(o, port, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint32_t b = p == ch->base ? data_read(o, p, 1)
                     : (uint16_t)(p - ch->base) < 8 ? cmd_read(o, p, 1) : 0xFF;
        v |= (b & 0xFF) << (8 * i);
    }
    return v;
}

static void block_write(void *o, uint16_t port, uint32_t val, unsigned size)
{
    ATAChannel *ch = o;
    if (port == ch->base) {
        data_write(o, port, val, size);
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        uint8_t b = (uint8_t)(val >> (8 * i));
        if (p == ch->base)
            data_write(o, p, b, 1);
        else if ((uint16_t)(p - ch->base) < 8)
            cmd_write(o, p, b, 1);
    }
}

static uint32_t ctl_read(void *o, uint16_t port, unsigned size)
{
    ATAChannel *ch = o;
    Drive *d = &ch->d[sel(ch)];
    return d->kind == ATA_NONE ? 0 : d->status; /* alternate status */
}

static void ctl_write(void *o, uint16_t port, uint32_t val, unsigned size)
{
    ATAChannel *ch = o;
    uint8_t v = (uint8_t)val & (CTL_HOB | CTL_SRST | CTL_NIEN);
    uint8_t old = ch->ctl;
    ch->ctl = v;
    if ((v & CTL_SRST) && !(old & CTL_SRST)) {
        xfer_stop(ch);
        ch->irq_pending = 0;
        for (int i = 0; i < 2; i++)
            if (ch->d[i].kind != ATA_NONE)
                ch->d[i].status = ST_BSY;
    } else if (!(v & CTL_SRST) && (old & CTL_SRST)) {
        for (int i = 0; i < 2; i++) {
            Drive *d = &ch->d[i];
            if (d->kind != ATA_NONE)
                drive_soft_reset(d);
            d->select = 0;
        }
    }
    update_irq(ch);
}

int ata_register(ATAChannel *ch, IOBus *bus, uint16_t base, uint16_t ctl)
{
    /* One registration: the bus only passes a 16/32-bit access whole when
     * it lies inside a single registration. */
    if (iobus_register(bus, base, 8, IO_8 | IO_16 | IO_32, block_read,
                       block_write, ch) < 0)
        return -1;
    if (iobus_register(bus, ctl, 1, IO_8, ctl_read, ctl_write, ch) < 0)
        return -1;
    ch->base = base;
    ch->ctl_port = ctl;
    return 0;
}

/* ---------------------------------------------------------------- state */

static void save_drive(const Drive *d, SnapWriter *w)
{
    snap_put_u8(w, (uint8_t)d->kind);
    snap_put_u64(w, d->nsect);
    const uint8_t regs[] = {d->feature, d->nsector, d->sector, d->lcyl,
                            d->hcyl, d->select, d->hob_feature,
                            d->hob_nsector, d->hob_sector, d->hob_lcyl,
                            d->hob_hcyl, d->status, d->error, d->mult,
                            d->xfer_mode, d->wcache, d->power, d->sense_key,
                            d->asc, d->ascq, d->ua, d->locked, d->tray_open,
                            d->media_event};
    snap_put_bytes(w, regs, sizeof regs);
    snap_put_u16(w, d->cur_cyls);
    snap_put_u16(w, d->cur_heads);
    snap_put_u16(w, d->cur_spt);
}

static int load_drive(Drive *d, SnapReader *r)
{
    uint8_t kind = snap_get_u8(r);
    uint64_t nsect = snap_get_u64(r);
    uint8_t g[24];
    snap_get_bytes(r, g, sizeof g);
    uint16_t cc = snap_get_u16(r), ch_ = snap_get_u16(r), cs = snap_get_u16(r);
    snap_check(r, kind == d->kind);
    snap_check(r, d->kind != ATA_DISK || nsect == d->nsect);
    snap_check(r, g[13] <= MAX_MULT && !(g[13] & (g[13] - 1)));
    snap_check(r, g[16] == 0 || g[16] == 0xFF);
    snap_check(r, g[17] <= 0x0F);
    snap_check(r, g[20] <= 1 && g[21] <= 1 && g[22] <= 1 && g[23] <= 3);
    if (d->kind == ATA_DISK)
        snap_check(r, ch_ >= 1 && ch_ <= 16 && cs >= 1 && cs <= 255);
    else
        snap_check(r, cc == 0 && ch_ == 0 && cs == 0);
    if (r->err)
        return -1;
    d->feature = g[0];
    d->nsector = g[1];
    d->sector = g[2];
    d->lcyl = g[3];
    d->hcyl = g[4];
    d->select = g[5] & 0x5F;
    d->hob_feature = g[6];
    d->hob_nsector = g[7];
    d->hob_sector = g[8];
    d->hob_lcyl = g[9];
    d->hob_hcyl = g[10];
    d->status = g[11];
    d->error = g[12];
    d->mult = g[13];
    d->xfer_mode = g[14];
    d->wcache = g[15] ? 1 : 0;
    d->power = g[16];
    d->sense_key = g[17];
    d->asc = g[18];
    d->ascq = g[19];
    d->ua = g[20];
    d->locked = g[21];
    d->tray_open = g[22];
    d->media_event = g[23];
    d->cur_cyls = cc;
    d->cur_heads = ch_;
    d->cur_spt = cs;
    return 0;
}

void ata_save(const ATAChannel *ch, SnapWriter *w)
{
    snap_begin(w, "ATA0", 1);
    for (int i = 0; i < 2; i++)
        save_drive(&ch->d[i], w);
    snap_put_u8(w, ch->ctl);
    snap_put_u8(w, ch->irq_pending);
    snap_put_u8(w, ch->xfer);
    snap_put_u8(w, ch->xdrive);
    snap_put_u8(w, ch->cmd);
    snap_put_u8(w, ch->lba48);
    snap_put_u8(w, ch->at_dma);
    snap_put_u64(w, ch->lba);
    snap_put_u32(w, ch->remain);
    snap_put_u32(w, ch->block);
    snap_put_u32(w, ch->io_pos);
    snap_put_u32(w, ch->io_len);
    snap_put_bytes(w, ch->io, ch->io_len);
    snap_put_u64(w, ch->at_total);
    snap_put_u32(w, ch->at_chunk);
    snap_put_u16(w, ch->at_bcl);
    snap_put_bytes(w, ch->cdb, sizeof ch->cdb);
    snap_put_u8(w, ch->bm_cmd);
    snap_put_u8(w, ch->bm_status);
    snap_put_u32(w, ch->bm_prd);
}

static int load_channel(ATAChannel *ch, SnapReader *r)
{
    snap_expect(r, "ATA0", 1);
    for (int i = 0; i < 2; i++)
        if (load_drive(&ch->d[i], r) < 0)
            return -1;
    ch->ctl = snap_get_u8(r) & (CTL_HOB | CTL_SRST | CTL_NIEN);
    ch->irq_pending = snap_get_u8(r) ? 1 : 0;
    uint8_t xfer = snap_get_u8(r), xdrive = snap_get_u8(r);
    ch->cmd = snap_get_u8(r);
    ch->lba48 = snap_get_u8(r) ? 1 : 0;
    ch->at_dma = snap_get_u8(r) ? 1 : 0;
    uint64_t lba = snap_get_u64(r);
    uint32_t remain = snap_get_u32(r), block = snap_get_u32(r);
    uint32_t io_pos = snap_get_u32(r), io_len = snap_get_u32(r);
    if (!snap_check(r, xfer <= X_MAX && xdrive <= 1 && io_len <= IOBUF &&
                           io_pos <= io_len && block <= MAX_MULT))
        return -1;
    snap_get_bytes(r, ch->io, io_len);
    uint64_t at_total = snap_get_u64(r);
    uint32_t at_chunk = snap_get_u32(r);
    ch->at_bcl = snap_get_u16(r);
    snap_get_bytes(r, ch->cdb, sizeof ch->cdb);
    ch->bm_cmd = snap_get_u8(r) & (BM_CMD_START | BM_CMD_READ);
    ch->bm_status = snap_get_u8(r) & 0x67;
    ch->bm_prd = snap_get_u32(r) & ~3u;
    if (r->err)
        return -1;
    Drive *d = &ch->d[xdrive];
    /* The transfer must fit the drive it belongs to. */
    switch (xfer) {
    case X_NONE:
        break;
    case X_PIO_IN:
        snap_check(r, d->kind != ATA_NONE && io_len > 0 && io_pos < io_len);
        snap_check(r, remain == 0 || d->kind == ATA_DISK);
        break;
    case X_PIO_OUT:
    case X_DMA_OUT:
        snap_check(r, d->kind == ATA_DISK && block > 0 &&
                          io_len == block * 512 && remain >= block);
        snap_check(r, xfer != X_PIO_OUT || io_pos < io_len);
        break;
    case X_DMA_IN:
        snap_check(r, d->kind == ATA_DISK && io_len % 512 == 0);
        break;
    case X_PACKET:
        snap_check(r, d->kind == ATA_CDROM && io_pos < 12 && io_len == 12);
        break;
    case X_ATAPI_IN:
    case X_ATAPI_DMA:
        snap_check(r, d->kind == ATA_CDROM && at_total > 0);
        snap_check(r, xfer != X_ATAPI_IN || (at_chunk > 0 && at_chunk <= at_total));
        /* buffered bytes beyond io_len are refilled from the disc */
        snap_check(r, remain == 0 ? at_total <= io_len - io_pos
                                  : at_total == (io_len - io_pos) +
                                                    (uint64_t)remain * CD_SECT);
        break;
    default:
        snap_check(r, 0);
    }
    if (d->kind == ATA_DISK && (xfer == X_PIO_IN || xfer == X_PIO_OUT ||
                                xfer == X_DMA_IN || xfer == X_DMA_OUT))
        snap_check(r, lba <= d->nsect && remain <= d->nsect - lba);
    if (r->err)
        return -1;
    ch->xfer = xfer;
    ch->xdrive = xdrive;
    ch->lba = lba;
    ch->remain = remain;
    ch->block = block;
    ch->io_pos = io_pos;
    ch->io_len = io_len;
    ch->at_total = at_total;
    ch->at_chunk = at_chunk;
    return 0;
}

int ata_load(ATAChannel *ch, SnapReader *r)
{
    if (load_channel(ch, r) < 0 || r->err) {
        r->err = 1;
        ata_reset(ch);
        return -1;
    }
    update_irq(ch);
    return 0;
}
