/* Unit test of frontend/png.c: images written by the encoder are decoded
 * back with zlib's inflate (tests/frontend/pngread.h, which also checks
 * every chunk CRC) and compared pixel by pixel.  TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/png.h"
#include "tests/frontend/pngread.h"

static int test_no, failures;

static void ok(int cond, const char *what)
{
    test_no++;
    if (!cond)
        failures++;
    printf("%sok %d - %s\n", cond ? "" : "not ", test_no, what);
}

static uint32_t rng = 12345;
static uint32_t rnd(void)
{
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
}

/* Writes a w x h image (stride with padding) and reads it back. */
static void roundtrip(int w, int h, int random, const char *what)
{
    char path[64];
    snprintf(path, sizeof(path), "test_png_%d.tmp.png", test_no);
    int stride_px = w + 3; /* padding that must not leak into the file */
    uint32_t *px = malloc((size_t)stride_px * (size_t)h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < stride_px; x++)
            px[(size_t)y * stride_px + x] =
                x >= w ? 0xFFDEAD00u
                       : random ? (rnd() & 0xFFFFFF)
                                : (uint32_t)((x * 7) & 0xFF) << 16 |
                                      (uint32_t)((y * 3) & 0xFF) << 8 |
                                      (uint32_t)((x ^ y) & 0xFF);
    char err[200];
    int r = png_save(path, w, h, px, stride_px * 4, err, sizeof(err));
    size_t len = 0;
    uint8_t *buf = read_whole(path, &len);
    int rw, rh, chunks;
    uint32_t *back = buf ? png_read(buf, len, &rw, &rh, &chunks, err,
                                    sizeof(err))
                         : NULL;
    int same = back && rw == w && rh == h;
    for (int y = 0; same && y < h; y++)
        for (int x = 0; same && x < w; x++)
            same = back[(size_t)y * w + x] == px[(size_t)y * stride_px + x];
    if (!back)
        printf("# decode: %s\n", err);
    printf("# %dx%d: %zu bytes, %d chunks\n", w, h, len, chunks);
    ok(r == 0 && same, what);
    if (random)
        ok(chunks > 3, "a large incompressible image spans several IDATs");
    /* A flipped bit in the data must be caught by the chunk CRC. */
    if (buf && len > 60) {
        buf[50] ^= 0x10;
        uint32_t *bad = png_read(buf, len, &rw, &rh, &chunks, err,
                                 sizeof(err));
        ok(!bad && strstr(err, "CRC"), "a corrupted byte fails its CRC");
        free(bad);
    }
    free(back);
    free(buf);
    free(px);
    remove(path);
}

int main(void)
{
    roundtrip(1, 1, 0, "1x1 image round trip");
    roundtrip(37, 23, 0, "37x23 gradient round trip (padded stride)");
    roundtrip(720, 400, 0, "720x400 gradient round trip");
    roundtrip(640, 480, 1, "640x480 random image round trip");

    /* Header fields. */
    uint32_t one = 0x123456;
    FILE *f = tmpfile();
    int r = f ? png_write_file(f, 1, 1, &one, 4) : -1;
    uint8_t hdr[33];
    if (f) {
        rewind(f);
        r |= fread(hdr, 1, 33, f) != 33;
        fclose(f);
    }
    ok(r == 0 && !memcmp(hdr + 12, "IHDR", 4) && pr_be32(hdr + 8) == 13 &&
           pr_be32(hdr + 16) == 1 && pr_be32(hdr + 20) == 1 &&
           hdr[24] == 8 && hdr[25] == 2 && hdr[28] == 0,
       "IHDR: 1x1, 8-bit RGB, no interlace");
    f = tmpfile();
    ok(f && png_write_file(f, 0, 5, &one, 4) < 0 &&
           png_write_file(f, 40000, 1, &one, 160000) < 0 &&
           png_write_file(f, 2, 1, &one, 4) < 0,
       "bad sizes and a short stride are refused");
    if (f)
        fclose(f);
    char err[200];
    ok(png_save("/nonexistent-dir/x.png", 1, 1, &one, 4, err,
                sizeof(err)) < 0 && strstr(err, "cannot create"),
       "unwritable path: error message");
    printf("1..%d\n", test_no);
    return failures ? 1 : 0;
}
