/* Raw disk image back-end (see blockdev.h). */
#include "devices/blockdev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECT 512u
/* Largest image accepted: 2^48 sectors (the LBA48 limit). */
#define MAX_SECTORS (1ull << 48)

typedef struct OvlEntry {
    uint64_t key; /* sector + 1; 0 = empty slot */
    uint8_t *data;
} OvlEntry;

struct BlockDev {
    int fd;
    unsigned flags;
    char *path;
    uint64_t file_size; /* real length of the file */
    uint64_t size;      /* guest-visible length (CD: rounded up) */
    /* snapshot overlay: open-addressing hash table, power-of-two size */
    OvlEntry *ovl;
    size_t ovl_cap, ovl_used;
};

static void set_err(char *err, size_t errlen, const char *fmt, const char *path,
                    const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, path, what);
}

BlockDev *blockdev_open(const char *path, unsigned flags, char *err,
                        size_t errlen)
{
    if (flags & BDEV_CDROM)
        flags |= BDEV_READONLY;
    int writable = !(flags & (BDEV_READONLY | BDEV_SNAPSHOT));
    int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        if (writable && (e == EACCES || e == EROFS || e == EPERM)) {
            int t = open(path, O_RDONLY | O_CLOEXEC);
            if (t >= 0) {
                close(t);
                set_err(err, errlen,
                        "disk image '%s' is not writable (%s); use read-only "
                        "or snapshot mode",
                        path, strerror(e));
                return NULL;
            }
        }
        set_err(err, errlen, "cannot open disk image '%s': %s", path,
                strerror(e));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        set_err(err, errlen, "cannot open disk image '%s': %s", path,
                strerror(errno));
        close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        set_err(err, errlen, "disk image '%s' is a directory%s", path, "");
        close(fd);
        return NULL;
    }
    if (flock(fd, (writable ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0 &&
        errno == EWOULDBLOCK) {
        set_err(err, errlen,
                "disk image '%s' is locked: another x86pc (or other program) "
                "is using it%s",
                path, "");
        close(fd);
        return NULL;
    }
    /* Other flock errors (no locking on this file system) are ignored. */
    off_t end = lseek(fd, 0, SEEK_END);
    if (end < 0) {
        set_err(err, errlen, "cannot get the size of disk image '%s': %s",
                path, strerror(errno));
        close(fd);
        return NULL;
    }
    uint64_t fsize = (uint64_t)end;
    if (fsize == 0) {
        set_err(err, errlen, "disk image '%s' is empty%s", path, "");
        close(fd);
        return NULL;
    }
    uint64_t size = fsize;
    if (flags & BDEV_CDROM) {
        size = (fsize + 2047) & ~(uint64_t)2047;
    } else if (fsize % SECT) {
        char what[64];
        snprintf(what, sizeof what, "%llu", (unsigned long long)fsize);
        set_err(err, errlen,
                "disk image '%s' is %s bytes, not a multiple of 512 "
                "(truncated?)",
                path, what);
        close(fd);
        return NULL;
    }
    if (size / SECT > MAX_SECTORS) {
        set_err(err, errlen, "disk image '%s' is too large (over %s sectors)",
                path, "2^48");
        close(fd);
        return NULL;
    }
    BlockDev *bd = calloc(1, sizeof *bd);
    char *p = strdup(path);
    if (!bd || !p) {
        free(bd);
        free(p);
        close(fd);
        set_err(err, errlen, "disk image '%s': %s", path, strerror(ENOMEM));
        return NULL;
    }
    bd->fd = fd;
    bd->flags = flags;
    bd->path = p;
    bd->file_size = fsize;
    bd->size = size;
    return bd;
}

static void ovl_clear(BlockDev *bd)
{
    for (size_t i = 0; i < bd->ovl_cap; i++)
        free(bd->ovl[i].data);
    free(bd->ovl);
    bd->ovl = NULL;
    bd->ovl_cap = bd->ovl_used = 0;
}

void blockdev_close(BlockDev *bd)
{
    if (!bd)
        return;
    ovl_clear(bd);
    close(bd->fd); /* releases the lock */
    free(bd->path);
    free(bd);
}

const char *blockdev_path(const BlockDev *bd) { return bd->path; }
unsigned blockdev_flags(const BlockDev *bd) { return bd->flags; }
int blockdev_is_readonly(const BlockDev *bd)
{
    return (bd->flags & BDEV_READONLY) != 0;
}
uint64_t blockdev_size(const BlockDev *bd) { return bd->size; }
uint64_t blockdev_sectors(const BlockDev *bd) { return bd->size / SECT; }
uint64_t blockdev_overlay_sectors(const BlockDev *bd) { return bd->ovl_used; }

static size_t ovl_hash(uint64_t key, size_t cap)
{
    key *= 0x9E3779B97F4A7C15ull;
    return (size_t)(key >> 20) & (cap - 1);
}

static uint8_t *ovl_find(const BlockDev *bd, uint64_t sector)
{
    if (!bd->ovl_used)
        return NULL;
    uint64_t key = sector + 1;
    for (size_t i = ovl_hash(key, bd->ovl_cap);; i = (i + 1) & (bd->ovl_cap - 1)) {
        if (bd->ovl[i].key == key)
            return bd->ovl[i].data;
        if (!bd->ovl[i].key)
            return NULL;
    }
}

/* Inserts (or finds) the overlay block for sector; NULL if out of memory.
 * A new block is returned uninitialised. */
static uint8_t *ovl_get(BlockDev *bd, uint64_t sector)
{
    uint8_t *d = ovl_find(bd, sector);
    if (d)
        return d;
    if ((bd->ovl_used + 1) * 2 > bd->ovl_cap) {
        size_t ncap = bd->ovl_cap ? bd->ovl_cap * 2 : 64;
        OvlEntry *n = calloc(ncap, sizeof *n);
        if (!n)
            return NULL;
        for (size_t i = 0; i < bd->ovl_cap; i++) {
            if (!bd->ovl[i].key)
                continue;
            size_t j = ovl_hash(bd->ovl[i].key, ncap);
            while (n[j].key)
                j = (j + 1) & (ncap - 1);
            n[j] = bd->ovl[i];
        }
        free(bd->ovl);
        bd->ovl = n;
        bd->ovl_cap = ncap;
    }
    d = malloc(SECT);
    if (!d)
        return NULL;
    uint64_t key = sector + 1;
    size_t i = ovl_hash(key, bd->ovl_cap);
    while (bd->ovl[i].key)
        i = (i + 1) & (bd->ovl_cap - 1);
    bd->ovl[i].key = key;
    bd->ovl[i].data = d;
    bd->ovl_used++;
    return d;
}

static int range_ok(const BlockDev *bd, uint64_t sector, uint32_t count)
{
    uint64_t n = bd->size / SECT;
    return sector <= n && count <= n - sector;
}

/* Reads from the base file; bytes past its end read as zeros. */
static int base_read(BlockDev *bd, uint64_t off, uint8_t *buf, size_t len)
{
    while (len) {
        if (off >= bd->file_size) {
            memset(buf, 0, len);
            return 0;
        }
        size_t n = len;
        if (n > bd->file_size - off)
            n = (size_t)(bd->file_size - off);
        ssize_t r = pread(bd->fd, buf, n, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) { /* file shrank under us */
            memset(buf, 0, len);
            return 0;
        }
        off += (uint64_t)r;
        buf += r;
        len -= (size_t)r;
    }
    return 0;
}

int blockdev_read(BlockDev *bd, uint64_t sector, uint32_t count, void *buf)
{
    if (!range_ok(bd, sector, count)) {
        errno = EINVAL;
        return -1;
    }
    uint8_t *b = buf;
    if (!bd->ovl_used)
        return base_read(bd, sector * SECT, b, (size_t)count * SECT);
    uint32_t i = 0;
    while (i < count) {
        const uint8_t *o = ovl_find(bd, sector + i);
        if (o) {
            memcpy(b + (size_t)i * SECT, o, SECT);
            i++;
            continue;
        }
        uint32_t j = i + 1; /* run of sectors not in the overlay */
        while (j < count && !ovl_find(bd, sector + j))
            j++;
        if (base_read(bd, (sector + i) * SECT, b + (size_t)i * SECT,
                      (size_t)(j - i) * SECT) < 0)
            return -1;
        i = j;
    }
    return 0;
}

int blockdev_write(BlockDev *bd, uint64_t sector, uint32_t count,
                   const void *buf)
{
    if (bd->flags & BDEV_READONLY) {
        errno = EROFS;
        return -1;
    }
    if (!range_ok(bd, sector, count)) {
        errno = EINVAL;
        return -1;
    }
    const uint8_t *b = buf;
    if (bd->flags & BDEV_SNAPSHOT) {
        for (uint32_t i = 0; i < count; i++) {
            uint8_t *d = ovl_get(bd, sector + i);
            if (!d) {
                errno = ENOMEM;
                return -1;
            }
            memcpy(d, b + (size_t)i * SECT, SECT);
        }
        return 0;
    }
    uint64_t off = sector * SECT;
    size_t len = (size_t)count * SECT;
    while (len) {
        ssize_t r = pwrite(bd->fd, b, len, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0) {
            errno = EIO;
            return -1;
        }
        off += (uint64_t)r;
        b += r;
        len -= (size_t)r;
    }
    return 0;
}

int blockdev_flush(BlockDev *bd)
{
    if (bd->flags & (BDEV_READONLY | BDEV_SNAPSHOT))
        return 0;
    return fsync(bd->fd);
}

/* ---------------------------------------------------------------- state */

void blockdev_save(const BlockDev *bd, SnapWriter *w)
{
    snap_begin(w, "BDEV", 1);
    snap_put_u64(w, bd->size / SECT);
    snap_put_u64(w, bd->ovl_used);
    for (size_t i = 0; i < bd->ovl_cap; i++) {
        if (!bd->ovl[i].key)
            continue;
        snap_put_u64(w, bd->ovl[i].key - 1);
        snap_put_bytes(w, bd->ovl[i].data, SECT);
    }
}

int blockdev_load(BlockDev *bd, SnapReader *r)
{
    ovl_clear(bd);
    snap_expect(r, "BDEV", 1);
    uint64_t n = snap_get_u64(r);
    uint64_t used = snap_get_u64(r);
    snap_check(r, n == bd->size / SECT);
    /* Each entry takes 520 bytes: the count cannot exceed what is left. */
    snap_check(r, r->pos <= r->len && used <= (r->len - r->pos) / (8 + SECT));
    snap_check(r, used == 0 || (bd->flags & BDEV_SNAPSHOT));
    if (r->err)
        return -1;
    uint8_t tmp[SECT];
    for (uint64_t k = 0; k < used && !r->err; k++) {
        uint64_t s = snap_get_u64(r);
        snap_get_bytes(r, tmp, SECT);
        if (!snap_check(r, s < n))
            break;
        uint8_t *d = ovl_get(bd, s);
        if (!snap_check(r, d != NULL))
            break;
        memcpy(d, tmp, SECT);
    }
    if (!r->err && bd->ovl_used != used)
        snap_check(r, 0); /* duplicate sector numbers */
    if (r->err) {
        ovl_clear(bd);
        return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- -drive */

/* Copies the next ",,"-unescaped token of opt starting at *pos. */
static char *next_token(const char *opt, size_t *pos)
{
    size_t n = strlen(opt);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    size_t k = 0, i = *pos;
    while (i < n) {
        if (opt[i] == ',') {
            if (opt[i + 1] == ',') {
                t[k++] = ',';
                i += 2;
                continue;
            }
            i++;
            break;
        }
        t[k++] = opt[i++];
    }
    t[k] = 0;
    *pos = i;
    return t;
}

static int on_off(const char *v, int *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        *out = 1;
        return 0;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        *out = 0;
        return 0;
    }
    return -1;
}

void drivespec_free(DriveSpec *d)
{
    free(d->path);
    d->path = NULL;
}

int drivespec_parse(const char *opt, DriveSpec *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->index = -1;
    size_t pos = 0, n = strlen(opt);
    int ro = 0, snap = 0;
    const char *fail = NULL;
    char msg[160];
    while (pos < n && !fail) {
        char *t = next_token(opt, &pos);
        if (!t) {
            fail = "out of memory";
            break;
        }
        char *eq = strchr(t, '=');
        if (!eq) {
            snprintf(msg, sizeof msg, "'%.60s' is not KEY=VALUE", t);
            fail = msg;
        } else {
            *eq = 0;
            const char *k = t, *v = eq + 1;
            if (!strcmp(k, "file")) {
                free(out->path);
                out->path = *v ? strdup(v) : NULL;
                if (*v && !out->path)
                    fail = "out of memory";
            } else if (!strcmp(k, "if")) {
                if (!strcmp(v, "ide"))
                    out->floppy = 0;
                else if (!strcmp(v, "floppy"))
                    out->floppy = 1;
                else {
                    snprintf(msg, sizeof msg,
                             "if=%.40s is not supported (if=ide or "
                             "if=floppy)", v);
                    fail = msg;
                }
            } else if (!strcmp(k, "index")) {
                if (strlen(v) != 1 || v[0] < '0' || v[0] > '3') {
                    snprintf(msg, sizeof msg,
                             "index=%.40s: must be 0, 1, 2 or 3", v);
                    fail = msg;
                } else {
                    out->index = v[0] - '0';
                }
            } else if (!strcmp(k, "media")) {
                if (!strcmp(v, "disk"))
                    out->cdrom = 0;
                else if (!strcmp(v, "cdrom"))
                    out->cdrom = 1;
                else {
                    snprintf(msg, sizeof msg,
                             "media=%.40s: use media=disk or media=cdrom", v);
                    fail = msg;
                }
            } else if (!strcmp(k, "format")) {
                if (strcmp(v, "raw")) {
                    snprintf(msg, sizeof msg,
                             "format=%.40s is not supported (raw images only)",
                             v);
                    fail = msg;
                }
            } else if (!strcmp(k, "readonly") || !strcmp(k, "snapshot")) {
                int b;
                if (on_off(v, &b) < 0) {
                    snprintf(msg, sizeof msg, "%s=%.40s: use on or off", k, v);
                    fail = msg;
                } else if (k[0] == 'r') {
                    ro = b;
                } else {
                    snap = b;
                }
            } else {
                snprintf(msg, sizeof msg,
                         "unknown key '%.40s' (file, if, index, media, format, "
                         "readonly, snapshot)",
                         k);
                fail = msg;
            }
        }
        free(t);
    }
    if (!fail && out->floppy && out->cdrom)
        fail = "media=cdrom: a floppy drive takes disk images";
    if (!fail && out->floppy && out->index > 1) {
        snprintf(msg, sizeof msg,
                 "index=%d: a floppy drive is index 0 (A:) or 1 (B:)",
                 out->index);
        fail = msg;
    }
    if (!fail && !out->path && !out->cdrom)
        fail = "file=PATH is required for a disk";
    if (fail) {
        if (err && errlen)
            snprintf(err, errlen, "%s", fail);
        drivespec_free(out);
        return -1;
    }
    out->flags = (ro ? BDEV_READONLY : 0) | (snap ? BDEV_SNAPSHOT : 0) |
                 (out->cdrom ? BDEV_CDROM : 0);
    return 0;
}
