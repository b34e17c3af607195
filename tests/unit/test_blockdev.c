/* Unit tests for the raw image back-end (devices/blockdev.c) with temporary
 * image files: error messages for bad images, locking, read-only and
 * snapshot modes, bounds checks, flush, overlay save/restore.  TAP output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/blockdev.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static char dir[256];

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

/* Creates a file of len bytes with a position-dependent pattern. */
static void make_image(const char *name, uint64_t len)
{
    char p[512];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "wb");
    for (uint64_t i = 0; i < len; i++)
        fputc((int)((i * 7 + i / 512) & 0xFF), f);
    fclose(f);
}

static uint8_t pattern(uint64_t i) { return (uint8_t)((i * 7 + i / 512) & 0xFF); }

static uint32_t file_sum(const char *name)
{
    char p[512];
    path_of(p, sizeof p, name);
    FILE *f = fopen(p, "rb");
    uint32_t h = 2166136261u;
    int c;
    while ((c = fgetc(f)) != EOF)
        h = (h ^ (uint32_t)c) * 16777619u;
    fclose(f);
    return h;
}

static BlockDev *open_img(const char *name, unsigned flags, char *err)
{
    char p[512];
    path_of(p, sizeof p, name);
    return blockdev_open(p, flags, err, 256);
}

static void test_errors(void)
{
    char err[256];
    BlockDev *bd = open_img("missing.img", 0, err);
    ok(!bd && strstr(err, "missing.img") && strstr(err, "No such file") &&
           !strchr(err, '\n'),
       "missing image: one-line 'No such file' error naming the file");

    make_image("odd.img", 1000);
    bd = open_img("odd.img", 0, err);
    ok(!bd && strstr(err, "not a multiple of 512") && strstr(err, "1000"),
       "disk image of 1000 bytes refused as not a multiple of 512");

    make_image("empty.img", 0);
    bd = open_img("empty.img", 0, err);
    ok(!bd && strstr(err, "is empty"), "empty image refused");

    bd = open_img("", BDEV_READONLY, err);
    ok(!bd, "empty path refused");
    char p[512];
    path_of(p, sizeof p, "sub");
    mkdir(p, 0700);
    bd = open_img("sub", BDEV_READONLY, err);
    ok(!bd && strstr(err, "is a directory"), "directory refused");

    /* An ISO that is not a multiple of 2048 is accepted, padded with 0. */
    make_image("odd.iso", 5000);
    bd = open_img("odd.iso", BDEV_CDROM, err);
    ok(bd && blockdev_size(bd) == 6144 && blockdev_is_readonly(bd),
       "CD image of 5000 bytes accepted as 3 sectors, read-only");
    if (bd) {
        uint8_t b[1024];
        int r = blockdev_read(bd, 9, 2, b);
        int good = r == 0 && b[0] == pattern(4608) && b[391] == pattern(4999);
        for (int i = 392; i < 1024; i++)
            good &= b[i] == 0;
        ok(good, "CD tail past the end of the file reads as zeros");
        blockdev_close(bd);
    } else {
        ok(0, "CD tail past the end of the file reads as zeros");
    }

    /* Unreadable / unwritable (permission checks do not apply to root). */
    make_image("ro.img", 4096);
    path_of(p, sizeof p, "ro.img");
    chmod(p, 0400);
    if (geteuid() != 0) {
        bd = open_img("ro.img", 0, err);
        ok(!bd && strstr(err, "not writable") && strstr(err, "read-only"),
           "read-only file opened read-write: 'not writable' error");
        chmod(p, 0000);
        bd = open_img("ro.img", BDEV_READONLY, err);
        ok(!bd && strstr(err, "Permission denied"),
           "unreadable file: 'Permission denied' error");
    } else {
        printf("ok %d - # SKIP running as root\n", ++test_no);
        printf("ok %d - # SKIP running as root\n", ++test_no);
    }
    chmod(p, 0600);
}

static void test_lock(void)
{
    char err[256];
    make_image("lock.img", 8192);
    BlockDev *a = open_img("lock.img", 0, err);
    ok(a != NULL, "image opened read-write");
    BlockDev *b = open_img("lock.img", 0, err);
    ok(!b && strstr(err, "locked"), "second read-write open: locked error");
    b = open_img("lock.img", BDEV_SNAPSHOT, err);
    ok(!b && strstr(err, "locked"), "snapshot open of a busy image: locked");
    blockdev_close(a);
    a = open_img("lock.img", BDEV_READONLY, err);
    b = open_img("lock.img", BDEV_SNAPSHOT, err);
    ok(a && b, "read-only and snapshot users share an image");
    BlockDev *c = open_img("lock.img", 0, err);
    ok(!c && strstr(err, "locked"), "writer refused while readers hold it");
    blockdev_close(a);
    blockdev_close(b);
    c = open_img("lock.img", 0, err);
    ok(c != NULL, "lock released by close");
    blockdev_close(c);
}

static void test_rw(void)
{
    char err[256];
    make_image("rw.img", 64 * 512);
    BlockDev *bd = open_img("rw.img", 0, err);
    ok(bd && blockdev_sectors(bd) == 64, "64-sector image");
    uint8_t buf[4 * 512], chk[4 * 512];
    ok(blockdev_read(bd, 10, 2, buf) == 0 && buf[0] == pattern(5120) &&
           buf[1023] == pattern(6143),
       "read sectors 10-11");
    errno = 0;
    ok(blockdev_read(bd, 63, 2, buf) == -1 && errno == EINVAL,
       "read crossing the end: EINVAL");
    ok(blockdev_read(bd, UINT64_MAX, 1, buf) == -1,
       "read at a huge sector number refused (no overflow)");
    ok(blockdev_read(bd, 64, 0, buf) == 0, "empty read at the end is fine");
    memset(buf, 0xA5, sizeof buf);
    ok(blockdev_write(bd, 62, 2, buf) == 0, "write the last two sectors");
    ok(blockdev_write(bd, 63, 2, buf) == -1 && errno == EINVAL,
       "write crossing the end: EINVAL");
    ok(blockdev_flush(bd) == 0, "flush (fsync) succeeds");
    blockdev_close(bd);
    char p[512];
    path_of(p, sizeof p, "rw.img");
    int fd = open(p, O_RDONLY);
    ok(pread(fd, chk, 1024, 62 * 512) == 1024 && chk[0] == 0xA5 &&
           chk[1023] == 0xA5,
       "written data is in the file");
    close(fd);

    bd = open_img("rw.img", BDEV_READONLY, err);
    errno = 0;
    ok(bd && blockdev_write(bd, 0, 1, buf) == -1 && errno == EROFS,
       "read-only image refuses writes with EROFS");
    blockdev_close(bd);
}

static void test_snapshot(void)
{
    char err[256];
    make_image("snap.img", 128 * 512);
    uint32_t sum = file_sum("snap.img");
    BlockDev *bd = open_img("snap.img", BDEV_SNAPSHOT, err);
    ok(bd && !blockdev_is_readonly(bd), "snapshot image is writable");
    uint8_t w[3 * 512], r[5 * 512];
    for (int i = 0; i < (int)sizeof w; i++)
        w[i] = (uint8_t)(i ^ 0x5C);
    ok(blockdev_write(bd, 20, 3, w) == 0 && blockdev_overlay_sectors(bd) == 3,
       "snapshot write lands in a 3-sector overlay");
    ok(blockdev_read(bd, 19, 5, r) == 0 && r[0] == pattern(19 * 512) &&
           memcmp(r + 512, w, sizeof w) == 0 &&
           r[4 * 512] == pattern(23 * 512),
       "read mixes base and overlay sectors");
    /* many writes to grow the hash table */
    int good = 1;
    for (int s = 0; s < 128; s++) {
        uint8_t x[512];
        memset(x, s, 512);
        good &= blockdev_write(bd, (uint64_t)s, 1, x) == 0;
    }
    for (int s = 0; s < 128; s++) {
        uint8_t x[512];
        good &= blockdev_read(bd, (uint64_t)s, 1, x) == 0 && x[0] == s &&
                x[511] == s;
    }
    ok(good && blockdev_overlay_sectors(bd) == 128,
       "every sector rewritten in the overlay reads back");
    ok(blockdev_flush(bd) == 0, "flush in snapshot mode succeeds");

    /* Overlay save/restore. */
    SnapWriter sw;
    snap_writer_init(&sw);
    blockdev_save(bd, &sw);
    blockdev_close(bd);
    ok(file_sum("snap.img") == sum, "snapshot mode never touched the base file");
    bd = open_img("snap.img", BDEV_SNAPSHOT, err);
    SnapReader sr;
    snap_reader_init(&sr, sw.buf, sw.len);
    ok(bd && blockdev_load(bd, &sr) == 0 && blockdev_overlay_sectors(bd) == 128,
       "overlay restored from the saved state");
    uint8_t x[512];
    ok(blockdev_read(bd, 77, 1, x) == 0 && x[0] == 77, "restored overlay data");
    /* Corrupt: sector number out of range. */
    uint8_t *bad = malloc(sw.len);
    memcpy(bad, sw.buf, sw.len);
    size_t first = 8 + 8 + 8; /* tag+version, size, count */
    bad[first + 7] = 0x80;
    snap_reader_init(&sr, bad, sw.len);
    ok(blockdev_load(bd, &sr) == -1 && blockdev_overlay_sectors(bd) == 0,
       "overlay with an out-of-range sector refused, overlay emptied");
    snap_reader_init(&sr, sw.buf, sw.len - 3);
    ok(blockdev_load(bd, &sr) == -1, "truncated overlay state refused");
    /* A huge claimed count must not allocate or loop. */
    memcpy(bad, sw.buf, sw.len);
    memset(bad + 16, 0xFF, 8);
    snap_reader_init(&sr, bad, sw.len);
    ok(blockdev_load(bd, &sr) == -1, "absurd overlay count refused");
    free(bad);
    blockdev_close(bd);
    snap_writer_free(&sw);
    ok(file_sum("snap.img") == sum, "base file still unchanged");
}


static void test_drivespec(void)
{
    DriveSpec d;
    char err[256];
    ok(drivespec_parse("file=a.img", &d, err, sizeof err) == 0 &&
           !strcmp(d.path, "a.img") && d.index == -1 && !d.cdrom && d.flags == 0,
       "-drive file=a.img");
    drivespec_free(&d);
    ok(drivespec_parse("file=x,,y.iso,if=ide,index=2,media=cdrom,format=raw",
                       &d, err, sizeof err) == 0 &&
           !strcmp(d.path, "x,y.iso") && d.index == 2 && d.cdrom &&
           d.flags == BDEV_CDROM,
       "-drive with an escaped comma, index and media=cdrom");
    drivespec_free(&d);
    ok(drivespec_parse("file=b.img,snapshot=on,readonly=on", &d, err,
                       sizeof err) == 0 &&
           d.flags == (BDEV_SNAPSHOT | BDEV_READONLY),
       "-drive snapshot=on,readonly=on");
    drivespec_free(&d);
    ok(drivespec_parse("media=cdrom,index=3", &d, err, sizeof err) == 0 &&
           d.path == NULL && d.cdrom,
       "empty CD-ROM drive");
    ok(drivespec_parse("index=1", &d, err, sizeof err) == -1 &&
           strstr(err, "file=PATH is required"),
       "disk without file= refused");
    ok(drivespec_parse("file=a,format=qcow2", &d, err, sizeof err) == -1 &&
           strstr(err, "raw images only"),
       "format=qcow2 refused");
    ok(drivespec_parse("file=a,index=4", &d, err, sizeof err) == -1 &&
           strstr(err, "index=4"),
       "index=4 refused");
    ok(drivespec_parse("file=a,if=scsi", &d, err, sizeof err) == -1 &&
           strstr(err, "if=scsi"),
       "if=scsi refused");
    ok(drivespec_parse("file=f.img,index=1,if=floppy,readonly=on", &d, err,
                       sizeof err) == 0 &&
           d.floppy && d.index == 1 && d.flags == BDEV_READONLY,
       "-drive if=floppy,index=1");
    drivespec_free(&d);
    ok(drivespec_parse("if=floppy,file=f.img,index=2", &d, err,
                       sizeof err) == -1 &&
           strstr(err, "index=2"),
       "floppy index 2 refused");
    ok(drivespec_parse("if=floppy,media=cdrom", &d, err, sizeof err) == -1 &&
           strstr(err, "floppy"),
       "floppy CD-ROM refused");
    ok(drivespec_parse("if=floppy", &d, err, sizeof err) == -1 &&
           strstr(err, "file=PATH is required"),
       "floppy without file= refused");
    ok(drivespec_parse("file=a,bogus=1", &d, err, sizeof err) == -1 &&
           strstr(err, "unknown key 'bogus'"),
       "unknown key refused");
    ok(drivespec_parse("file=a,snapshot=maybe", &d, err, sizeof err) == -1 &&
           strstr(err, "snapshot=maybe"),
       "bad on/off value refused");
    ok(drivespec_parse("a.img", &d, err, sizeof err) == -1 &&
           strstr(err, "not KEY=VALUE"),
       "bare word refused");
}

static void cleanup(void)
{
    const char *names[] = {"odd.img", "empty.img", "odd.iso", "ro.img",
                           "lock.img", "rw.img", "snap.img"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        path_of(p, sizeof p, names[i]);
        unlink(p);
    }
    path_of(p, sizeof p, "sub");
    rmdir(p);
    rmdir(dir);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/bdevXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    printf("1..52\n");
    test_errors();
    test_lock();
    test_rw();
    test_snapshot();
    test_drivespec();
    cleanup();
    if (test_no != 52)
        printf("# planned 52 tests but ran %d\n", test_no);
    return failures || test_no != 52 ? 1 : 0;
}
