/* Whole-machine snapshots: savevm/loadvm (see pc.h and README
 * "Snapshots").
 *
 * File format, version 1 (all integers little-endian):
 *     8  "X86PCSNP"
 *     4  format version (1)
 *     8  RAM size in bytes
 *     4  length F of the configuration fingerprint, then F bytes of it:
 *        a text line naming every part of the configuration a snapshot
 *        depends on ("clock=icount:10 ide0=disk:1048576 ... bios=CRC")
 *     then two compressed blocks, each: 8 length N of the data, 4 CRC-32
 *     of the data, 8 length Z of the zlib stream, Z bytes of one zlib
 *     stream of the N bytes:
 *     1. the machine state: a sequence of tagged sections (devices/snap.h
 *        conventions):
 *          "CPU " the CPU record (cpu_save, cpu/cpu.h)
 *          "CLK " clock mode, current virtual time (ns), the armed
 *                 timers in firing order (creation index, expiry)
 *          "BORD" the board: ISA/PCI IRQ line levels, A20 sources and
 *                 gate, pending reset/exit requests
 *          then each device's X_save in a fixed order (port 92h, POST
 *          port, hypercall port, i8042, RTC, VGA, IDE channels, disk
 *          overlays, DMA, FDC, PCI bus, i440FX, PIIX3, PIIX4 PM, PIIX IDE,
 *          VGA PCI, fw_cfg, UARTs, PIT, PIC), and "END "
 *     2. the RAM (N = the RAM size): below 4 GiB from address 0 including
 *        the shadow RAM under the PC hole, then the RAM above 4 GiB
 *
 * Loading checks the header, the fingerprint, both CRCs and the RAM
 * length before it touches the machine, keeps a copy of the current state
 * (not RAM), loads the sections, and on a failing section loads the copy
 * back; RAM is replaced only once everything else has loaded. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "devices/pc_internal.h"
#include "devices/snap.h"

#define SNAP_MAGIC "X86PCSNP"
#define SNAP_VERSION 1u
#define ZCHUNK ((size_t)1 << 20)

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* CRC-32 (zlib's) of a buffer of any size. */
static uint32_t crc_buf(const uint8_t *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n) {
        uInt k = n > (1u << 30) ? (1u << 30) : (uInt)n;
        crc = crc32(crc, p, k);
        p += k;
        n -= k;
    }
    return (uint32_t)crc;
}

static uint8_t *ram_host(PC *pc) { return phys_fast(pc->mem)->ram; }

/* The configuration a snapshot depends on, as one line of text. */
static void fingerprint(PC *pc, char *buf, size_t len)
{
    const PCConfig *c = &pc->cfg;
    size_t n = 0;
#define ADD(...)                                                             \
    do {                                                                     \
        if (n < len)                                                         \
            n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);            \
    } while (0)
    ADD("ram=%llu", (unsigned long long)c->ram_size);
    if (c->clock == PC_CLOCK_ICOUNT)
        ADD(" clock=icount:%u", c->icount_shift);
    else
        ADD(" clock=realtime");
    for (int i = 0; i < PC_MAX_IDE; i++) {
        int k = c->drive[i].kind;
        const BlockDev *bd = c->drive[i].bd;
        ADD(" ide%d=%s", i, k == PC_DRIVE_DISK ? "disk" :
                            k == PC_DRIVE_CDROM ? "cdrom" : "none");
        if (k != PC_DRIVE_NONE)
            ADD(":%llu", bd ? (unsigned long long)blockdev_size(bd) : 0ull);
    }
    for (int i = 0; i < 2; i++) {
        if (c->floppy[i])
            ADD(" fd%d=%llu", i,
                (unsigned long long)blockdev_size(c->floppy[i]));
        else
            ADD(" fd%d=none", i);
    }
    ADD(" com=");
    for (int i = 0; i < PC_MAX_SERIAL; i++)
        ADD("%d", c->serial[i].present ? 1 : 0);
    ADD(" debugcon=%d%d", c->debugcon ? 1 : 0, c->debugcon2 ? 1 : 0);
    if (c->debug_exit)
        ADD(" debug-exit=0x%X/%u", c->debug_exit_base, c->debug_exit_size);
    else
        ADD(" debug-exit=none");
    ADD(" hypercall=%d", c->hypercall ? 1 : 0);
    ADD(" kernel=%llu", c->kernel ? (unsigned long long)c->kernel_size : 0ull);
    ADD(" vgabios=%llu", (unsigned long long)c->vgabios_size);
    /* The BIOS ROM as mapped below 4 GiB (a ROM region never changes). */
    {
        uLong crc = crc32(0L, Z_NULL, 0);
        uint64_t base = 0x100000000ull - c->bios_size;
        uint8_t b[8];
        for (uint64_t a = 0; a < c->bios_size; a += 8) {
            uint64_t v = phys_read(pc->mem, base + a, 8);
            for (int k = 0; k < 8; k++)
                b[k] = (uint8_t)(v >> (8 * k));
            crc = crc32(crc, b, 8);
        }
        ADD(" bios=%u:%08lX", (unsigned)c->bios_size, (unsigned long)crc);
    }
#undef ADD
}

/* Most timers a machine has (PIT, RTC, PM timer, ... : a handful). */
#define PC_SNAP_MAX_TIMERS 64

static void board_log_snap(PC *pc, const char *line)
{
    if (pc->cfg.log)
        pc->cfg.log(pc->cfg.host, line);
}

/* ---------------------------------------------------------------- state */

static void save_state(PC *pc, SnapWriter *w)
{
    size_t n = cpu_save(pc->cpu, NULL, 0);
    uint8_t *cb = malloc(n ? n : 1);
    if (!cb) {
        w->err = 1;
        return;
    }
    cpu_save(pc->cpu, cb, n);
    snap_begin(w, "CPU ", 1);
    snap_put_u32(w, (uint32_t)n);
    snap_put_bytes(w, cb, n);
    free(cb);

    snap_begin(w, "CLK ", 1);
    snap_put_u8(w, (uint8_t)vclock_mode(pc->clk));
    snap_put_u64(w, vclock_now(pc->clk));
    /* The armed timers: devices re-arm theirs on load; this list checks
     * they did so at the same times and restores the firing order of
     * timers due at the same moment. */
    {
        uint32_t ids[PC_SNAP_MAX_TIMERS];
        uint64_t exp[PC_SNAP_MAX_TIMERS];
        size_t nt = vclock_pending(pc->clk, ids, exp, PC_SNAP_MAX_TIMERS);
        if (nt > PC_SNAP_MAX_TIMERS)
            nt = PC_SNAP_MAX_TIMERS;
        snap_put_u32(w, (uint32_t)nt);
        for (size_t i = 0; i < nt; i++) {
            snap_put_u32(w, ids[i]);
            snap_put_u64(w, exp[i]);
        }
    }

    snap_begin(w, "BORD", 1);
    snap_put_u16(w, pc->irq_levels);
    snap_put_u16(w, pc->pci_irq_levels);
    snap_put_u8(w, (uint8_t)pc->a20_kbc);
    snap_put_u8(w, (uint8_t)pc->a20_p92);
    snap_put_u8(w, (uint8_t)phys_get_a20(pc->mem));
    snap_put_u8(w, (uint8_t)pc->powered_off);
    snap_put_u8(w, (uint8_t)pc->exit_requested);
    snap_put_u32(w, (uint32_t)pc->exit_status);
    snap_put_u8(w, (uint8_t)pc->reset_requested);
    snap_put_u32(w, pc->resets);

    port92_save(pc->port92, w);
    postcode_save(pc->postcode, w);
    if (pc->hcall)
        hypercall_save(pc->hcall, w);
    i8042_save(pc->kbc, w);
    rtc_save(pc->rtc, w);
    vga_save(pc->vga, w);
    for (int c = 0; c < 2; c++)
        ata_save(pc->ide[c], w);
    for (int i = 0; i < PC_MAX_IDE; i++)
        if (pc->cfg.drive[i].bd)
            blockdev_save(pc->cfg.drive[i].bd, w);
    for (int i = 0; i < 2; i++)
        if (pc->cfg.floppy[i])
            blockdev_save(pc->cfg.floppy[i], w);
    dma_save(pc->dma, w);
    fdc_save(pc->fdc, w);
    pci_bus_save(pc->pci, w);
    i440fx_save(pc->i440fx, w);
    piix3_save(pc->piix3, w);
    piix4pm_save(pc->pm, w);
    piix_ide_save(pc->ide_pci, w);
    vga_pci_save(pc->vga_pci, w);
    fw_cfg_save(pc->fwcfg, w);
    for (int i = 0; i < PC_MAX_SERIAL; i++)
        if (pc->serial[i].uart)
            serial_save(pc->serial[i].uart, w);
    pit_save(pc->pit, w);
    pic_save(pc->pic, w); /* last: re-derives the CPU's INTR on load */
    snap_begin(w, "END ", 1);
}

/* Loads the state sections.  Returns 0, or -1 with a message; the
 * machine is then partly loaded (the caller restores a copy). */
static int load_state(PC *pc, const uint8_t *buf, size_t len, char *err,
                      size_t errlen)
{
    SnapReader rd, *r = &rd;
    snap_reader_init(r, buf, len);
    const char *sec = "CPU";

    snap_expect(r, "CPU ", 1);
    uint32_t n = snap_get_u32(r);
    if (r->err || n > r->len - r->pos)
        goto bad;
    {
        char cerr[160];
        if (cpu_load(pc->cpu, r->buf + r->pos, n, cerr, sizeof(cerr)) < 0) {
            seterr(err, errlen, "bad CPU state in the snapshot: %s", cerr);
            return -1;
        }
        r->pos += n;
    }

    sec = "clock";
    snap_expect(r, "CLK ", 1);
    uint8_t mode = snap_get_u8(r);
    uint64_t now = snap_get_u64(r);
    uint32_t ntim = snap_get_u32(r);
    uint32_t tid[PC_SNAP_MAX_TIMERS];
    uint64_t texp[PC_SNAP_MAX_TIMERS];
    if (r->err || ntim > PC_SNAP_MAX_TIMERS)
        goto bad;
    for (uint32_t i = 0; i < ntim; i++) {
        tid[i] = snap_get_u32(r);
        texp[i] = snap_get_u64(r);
    }
    if (r->err || mode != vclock_mode(pc->clk) ||
        vclock_restore(pc->clk, now) < 0)
        goto bad;

    sec = "board";
    snap_expect(r, "BORD", 1);
    uint16_t irq = snap_get_u16(r), pirq = snap_get_u16(r);
    uint8_t a20k = snap_get_u8(r), a20p = snap_get_u8(r),
            a20 = snap_get_u8(r), off = snap_get_u8(r),
            exreq = snap_get_u8(r);
    uint32_t exst = snap_get_u32(r);
    uint8_t rreq = snap_get_u8(r);
    uint32_t resets = snap_get_u32(r);
    snap_check(r, a20k <= 1 && a20p <= 1 && a20 <= 1 && off <= 1 &&
                      exreq <= 1 && rreq <= 1);
    if (r->err)
        goto bad;
    pc->irq_levels = irq;
    pc->pci_irq_levels = pirq;
    pc->a20_kbc = a20k;
    pc->a20_p92 = a20p;
    pc->powered_off = off;
    pc->exit_requested = exreq;
    pc->exit_status = (int)exst;
    pc->reset_requested = rreq;
    pc->resets = resets;

#define DEV(name, call)                                                      \
    do {                                                                     \
        sec = name;                                                          \
        if ((call) < 0 || r->err)                                            \
            goto bad;                                                        \
    } while (0)
    DEV("port 92h", port92_load(pc->port92, r));
    DEV("POST port", postcode_load(pc->postcode, r));
    if (pc->hcall)
        DEV("hypercall port", hypercall_load(pc->hcall, r));
    DEV("keyboard controller", i8042_load(pc->kbc, r));
    DEV("RTC", rtc_load(pc->rtc, r));
    DEV("VGA", vga_load(pc->vga, r));
    DEV("IDE channel 0", ata_load(pc->ide[0], r));
    DEV("IDE channel 1", ata_load(pc->ide[1], r));
    for (int i = 0; i < PC_MAX_IDE; i++)
        if (pc->cfg.drive[i].bd)
            DEV("disk overlay", blockdev_load(pc->cfg.drive[i].bd, r));
    for (int i = 0; i < 2; i++)
        if (pc->cfg.floppy[i])
            DEV("floppy overlay", blockdev_load(pc->cfg.floppy[i], r));
    DEV("DMA controller", dma_load(pc->dma, r));
    DEV("floppy controller", fdc_load(pc->fdc, r));
    DEV("PCI bus", pci_bus_load(pc->pci, r));
    DEV("i440FX", i440fx_load(pc->i440fx, r));
    DEV("PIIX3", piix3_load(pc->piix3, r));
    DEV("PIIX4 PM", piix4pm_load(pc->pm, r));
    DEV("PIIX IDE", piix_ide_load(pc->ide_pci, r));
    DEV("VGA PCI", vga_pci_load(pc->vga_pci, r));
    DEV("fw_cfg", fw_cfg_load(pc->fwcfg, r));
    for (int i = 0; i < PC_MAX_SERIAL; i++)
        if (pc->serial[i].uart)
            DEV("serial port", serial_load(pc->serial[i].uart, r));
    DEV("PIT", pit_load(pc->pit, r));
    DEV("PIC", pic_load(pc->pic, r));
#undef DEV
    sec = "end marker";
    snap_expect(r, "END ", 1);
    if (r->err || r->pos != r->len)
        goto bad;
    /* The A20 gate as it was (the sources' last writes are restored
     * above; device loads do not call the A20 callbacks). */
    phys_set_a20(pc->mem, a20);
    /* The timers the devices re-armed must be the saved ones (else a
     * device's load is not exact: say so, the machine still runs); then
     * put timers due at the same time back in their saved order. */
    {
        uint32_t ids[PC_SNAP_MAX_TIMERS];
        uint64_t exp[PC_SNAP_MAX_TIMERS];
        size_t nt = vclock_pending(pc->clk, ids, exp, PC_SNAP_MAX_TIMERS);
        int same = nt == ntim;
        for (size_t i = 0; same && i < nt; i++) {
            size_t j = 0;
            while (j < ntim && tid[j] != ids[i])
                j++;
            same = j < ntim && texp[j] == exp[i];
        }
        if (!same || vclock_set_pending_order(pc->clk, tid, ntim) < 0)
            board_log_snap(pc, "loadvm: the devices re-armed their timers "
                           "differently from the snapshot; the continuation "
                           "may differ");
    }
    return 0;
bad:
    seterr(err, errlen, "bad or mismatched %s section in the snapshot", sec);
    return -1;
}

/* ---------------------------------------------------------------- file */

static void put_raw64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* A compressed block: u64 length, u32 CRC-32 and u64 compressed length of
 * the data, then one zlib stream (fed in chunks: uInt is 32 bits). */
static int zput(SnapWriter *w, const uint8_t *p, uint64_t n)
{
    snap_put_u64(w, n);
    snap_put_u32(w, crc_buf(p, (size_t)n));
    size_t zpos = w->len;
    snap_put_u64(w, 0); /* compressed length, patched below */
    size_t zstart = w->len;
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    uint8_t *chunk = malloc(ZCHUNK);
    if (!chunk || deflateInit(&zs, Z_BEST_SPEED) != Z_OK) {
        free(chunk);
        return -1;
    }
    uint64_t left = n;
    int zr, bad = 0;
    while (!w->err) {
        if (zs.avail_in == 0 && left) {
            uInt k = left > (1u << 30) ? (1u << 30) : (uInt)left;
            zs.next_in = (Bytef *)(uintptr_t)p;
            zs.avail_in = k;
            p += k;
            left -= k;
        }
        zs.next_out = chunk;
        zs.avail_out = (uInt)ZCHUNK;
        zr = deflate(&zs, left ? Z_NO_FLUSH : Z_FINISH);
        if (zr == Z_STREAM_ERROR) {
            bad = 1;
            break;
        }
        snap_put_bytes(w, chunk, ZCHUNK - zs.avail_out);
        if (zr == Z_STREAM_END)
            break;
    }
    deflateEnd(&zs);
    free(chunk);
    if (bad || w->err)
        return -1;
    put_raw64(w->buf + zpos, (uint64_t)(w->len - zstart));
    return 0;
}

int pc_snapshot_save_mem(PC *pc, uint8_t **out, size_t *outlen, char *err,
                         size_t errlen)
{
    char fp[512];
    SnapWriter st, w;
    *out = NULL;
    *outlen = 0;
    fingerprint(pc, fp, sizeof(fp));
    snap_writer_init(&st);
    save_state(pc, &st);
    snap_writer_init(&w);
    snap_put_bytes(&w, SNAP_MAGIC, 8);
    snap_put_u32(&w, SNAP_VERSION);
    snap_put_u64(&w, pc->cfg.ram_size);
    snap_put_u32(&w, (uint32_t)strlen(fp));
    snap_put_bytes(&w, fp, strlen(fp));
    int bad = st.err || zput(&w, st.buf, st.len) < 0 ||
              zput(&w, ram_host(pc), pc->cfg.ram_size) < 0;
    snap_writer_free(&st);
    if (bad || w.err) {
        snap_writer_free(&w);
        seterr(err, errlen, "savevm: out of memory");
        return -1;
    }
    *out = w.buf;
    *outlen = w.len;
    return 0;
}

int pc_snapshot_save(PC *pc, const char *path, char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (pc_snapshot_save_mem(pc, &buf, &len, err, errlen) < 0)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f) {
        seterr(err, errlen, "savevm %s: cannot create the file", path);
        free(buf);
        return -1;
    }
    int ok = fwrite(buf, 1, len, f) == len;
    ok &= fclose(f) == 0;
    free(buf);
    if (!ok) {
        seterr(err, errlen, "savevm %s: write error", path);
        remove(path);
        return -1;
    }
    return 0;
}

static uint64_t get_raw(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* First item of the fingerprint that differs (for the message). */
static void fp_diff(const char *a, size_t alen, const char *b, char *out,
                    size_t outlen, char *out2, size_t out2len)
{
    size_t i = 0, blen = strlen(b);
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    size_t s = i;
    while (s > 0 && a[s - 1] != ' ')
        s--;
    size_t e1 = s, e2 = s;
    while (e1 < alen && a[e1] != ' ')
        e1++;
    while (e2 < blen && b[e2] != ' ')
        e2++;
    snprintf(out, outlen, "%.*s", (int)(e1 - s), a + s);
    snprintf(out2, out2len, "%.*s", (int)(e2 - s), b + s);
    for (char *q = out; *q; q++)
        if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7E)
            *q = '?';
}

/* Inflates one zlib stream of zlen bytes that must hold exactly n bytes,
 * into dst, or (dst NULL) only to check it; *crc gets the CRC-32 of the
 * output.  0, or -1 if the stream is bad or of another length. */
static int zinflate(const uint8_t *zin, uint64_t zlen, uint8_t *dst,
                    uint64_t n, uint32_t *crc)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    uint8_t *chunk = dst ? NULL : malloc(ZCHUNK);
    if ((!dst && !chunk) || inflateInit(&zs) != Z_OK) {
        free(chunk);
        return -1;
    }
    uLong c = crc32(0L, Z_NULL, 0);
    uint64_t zleft = zlen, oleft = n;
    uint8_t *op = dst;
    int zr = Z_OK;
    for (;;) {
        if (zs.avail_in == 0 && zleft) {
            uInt k = zleft > (1u << 30) ? (1u << 30) : (uInt)zleft;
            zs.next_in = (Bytef *)(uintptr_t)zin;
            zs.avail_in = k;
            zin += k;
            zleft -= k;
        }
        /* Output: the next piece of dst, or the scratch chunk; never more
         * than the n bytes expected in all. */
        uint8_t *before = NULL;
        if (zs.avail_out == 0 && oleft) {
            uInt k = oleft > (dst ? (1u << 30) : ZCHUNK)
                         ? (uInt)(dst ? (1u << 30) : ZCHUNK)
                         : (uInt)oleft;
            zs.next_out = dst ? op : chunk;
            zs.avail_out = k;
            if (dst)
                op += k;
            oleft -= k;
        }
        before = zs.next_out;
        zr = inflate(&zs, Z_NO_FLUSH);
        if (zs.next_out > before)
            c = crc32(c, before, (uInt)(zs.next_out - before));
        /* Z_BUF_ERROR: no progress possible although both buffers were
         * refilled: the stream is cut short or holds more than n bytes. */
        if (zr != Z_OK)
            break;
    }
    int ok = zr == Z_STREAM_END && zs.avail_out == 0 && oleft == 0 &&
             zs.avail_in == 0 && zleft == 0;
    inflateEnd(&zs);
    free(chunk);
    *crc = (uint32_t)c;
    return ok ? 0 : -1;
}

/* The header of a compressed block at buf[*pos..len): data length, CRC,
 * stream position and length.  0, or -1 with a message. */
static int zblock(const uint8_t *buf, size_t len, size_t *pos, uint64_t *n,
                  uint32_t *crc, const uint8_t **z, uint64_t *zlen,
                  char *err, size_t errlen)
{
    if (len - *pos < 20) {
        seterr(err, errlen, "not a complete x86pc snapshot (file "
               "truncated)");
        return -1;
    }
    *n = get_raw(buf + *pos, 8);
    *crc = (uint32_t)get_raw(buf + *pos + 8, 4);
    *zlen = get_raw(buf + *pos + 12, 8);
    *pos += 20;
    if (*zlen > len - *pos) {
        seterr(err, errlen, "not a complete x86pc snapshot (file "
               "truncated)");
        return -1;
    }
    *z = buf + *pos;
    *pos += (size_t)*zlen;
    return 0;
}

int pc_snapshot_load_mem(PC *pc, const uint8_t *buf, size_t len, char *err,
                         size_t errlen)
{
    size_t pos = 0;
    const char *trunc = "not a complete x86pc snapshot (file truncated)";
    if (len < 8 || memcmp(buf, SNAP_MAGIC, 8) != 0) {
        seterr(err, errlen, "not an x86pc snapshot (bad magic)");
        return -1;
    }
    pos = 8;
    if (len - pos < 4 + 8 + 4) {
        seterr(err, errlen, "%s", trunc);
        return -1;
    }
    uint32_t ver = (uint32_t)get_raw(buf + pos, 4);
    pos += 4;
    if (ver != SNAP_VERSION) {
        seterr(err, errlen, "snapshot format version %u is not supported "
               "(this x86pc reads version %u)", ver, SNAP_VERSION);
        return -1;
    }
    uint64_t ramsz = get_raw(buf + pos, 8);
    pos += 8;
    if (ramsz != pc->cfg.ram_size) {
        seterr(err, errlen, "the snapshot has %llu KiB of RAM, this machine "
               "%llu KiB (use the same -m)", (unsigned long long)(ramsz >> 10),
               (unsigned long long)(pc->cfg.ram_size >> 10));
        return -1;
    }
    uint32_t fplen = (uint32_t)get_raw(buf + pos, 4);
    pos += 4;
    if (fplen > len - pos) {
        seterr(err, errlen, "%s", trunc);
        return -1;
    }
    char fp[512];
    fingerprint(pc, fp, sizeof(fp));
    if (fplen != strlen(fp) || memcmp(buf + pos, fp, fplen) != 0) {
        char a[96], b[96];
        fp_diff((const char *)buf + pos, fplen, fp, a, sizeof(a), b,
                sizeof(b));
        seterr(err, errlen, "the snapshot was saved on another machine "
               "configuration (snapshot: '%s', this machine: '%s')", a, b);
        return -1;
    }
    pos += fplen;

    /* The state can hold VRAM and disk overlays: bound it by those. */
    uint64_t smax = 64ull << 20;
    for (int i = 0; i < PC_MAX_IDE; i++)
        if (pc->cfg.drive[i].bd)
            smax += blockdev_size(pc->cfg.drive[i].bd) * 2;
    for (int i = 0; i < 2; i++)
        if (pc->cfg.floppy[i])
            smax += blockdev_size(pc->cfg.floppy[i]) * 2;
    smax += vga_vram_size(pc->vga);
    uint64_t slen, rlen, szlen, rzlen;
    uint32_t scrc, rcrc, c;
    const uint8_t *sz, *rz;
    if (zblock(buf, len, &pos, &slen, &scrc, &sz, &szlen, err, errlen) < 0 ||
        zblock(buf, len, &pos, &rlen, &rcrc, &rz, &rzlen, err, errlen) < 0)
        return -1;
    if (pos != len) {
        seterr(err, errlen, "the snapshot is corrupted (trailing data)");
        return -1;
    }
    if (slen > smax || slen > (uint64_t)SIZE_MAX - 1 || rlen != ramsz) {
        seterr(err, errlen, "the snapshot is corrupted (%s size)",
               rlen != ramsz ? "RAM image" : "machine state");
        return -1;
    }
    /* The RAM stream is checked now (without a second copy of the RAM)
     * and inflated into guest RAM only once everything else has loaded. */
    if (zinflate(rz, rzlen, NULL, rlen, &c) < 0 || c != rcrc) {
        seterr(err, errlen, "the snapshot is corrupted (RAM image)");
        return -1;
    }
    uint8_t *state = malloc(slen ? (size_t)slen : 1);
    if (!state) {
        seterr(err, errlen, "loadvm: out of memory");
        return -1;
    }
    if (zinflate(sz, szlen, state, slen, &c) < 0 || c != scrc) {
        free(state);
        seterr(err, errlen, "the snapshot is corrupted (machine state)");
        return -1;
    }

    /* Keep the current state to go back to if a section is bad. */
    SnapWriter bk;
    snap_writer_init(&bk);
    save_state(pc, &bk);
    if (bk.err) {
        snap_writer_free(&bk);
        free(state);
        seterr(err, errlen, "loadvm: out of memory");
        return -1;
    }
    int r = load_state(pc, state, (size_t)slen, err, errlen);
    if (r < 0) {
        char e2[160];
        if (load_state(pc, bk.buf, bk.len, e2, sizeof(e2)) < 0)
            seterr(err, errlen, "loadvm: bad snapshot, and the machine "
                   "could not be restored (%s)", e2);
    } else {
        /* Checked above: this cannot fail but for a host memory error. */
        if (zinflate(rz, rzlen, ram_host(pc), ramsz, &c) < 0 || c != rcrc) {
            seterr(err, errlen, "loadvm: RAM image changed while loading");
            r = -1;
        }
        cpu_flush_caches(pc->cpu);
    }
    snap_writer_free(&bk);
    free(state);
    return r;
}

int pc_snapshot_load(PC *pc, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        seterr(err, errlen, "loadvm %s: cannot open the file", path);
        return -1;
    }
    size_t cap = 1 << 20, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (len < cap) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        uint8_t *nb = cap > ((size_t)-1) / 2 ? NULL : realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf) {
        seterr(err, errlen, "loadvm %s: read error", path);
        return -1;
    }
    char e[256];
    int r = pc_snapshot_load_mem(pc, buf, len, e, sizeof(e));
    free(buf);
    if (r < 0)
        seterr(err, errlen, "loadvm %s: %s", path, e);
    return r;
}
