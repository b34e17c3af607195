/* Minimal PNG writer: see png.h. */
#include "frontend/png.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define IDAT_MAX 65536

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* length, type, data, CRC over type + data */
static int put_chunk(FILE *f, const char *type, const uint8_t *data,
                     uint32_t len)
{
    uint8_t hdr[8], crc[4];
    be32(hdr, len);
    memcpy(hdr + 4, type, 4);
    uLong c = crc32(0L, Z_NULL, 0);
    c = crc32(c, hdr + 4, 4);
    if (len)
        c = crc32(c, data, len);
    be32(crc, (uint32_t)c);
    if (fwrite(hdr, 1, 8, f) != 8)
        return -1;
    if (len && fwrite(data, 1, len, f) != len)
        return -1;
    return fwrite(crc, 1, 4, f) == 4 ? 0 : -1;
}

int png_write_file(FILE *f, int w, int h, const uint32_t *pixels, int stride)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A,
                                   '\n'};
    if (w < 1 || h < 1 || w > 32768 || h > 32768 || stride < w * 4)
        return -1;
    if (fwrite(sig, 1, 8, f) != 8)
        return -1;
    uint8_t ihdr[13];
    be32(ihdr, (uint32_t)w);
    be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 2;  /* RGB */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* filter method 0 */
    ihdr[12] = 0; /* no interlace */
    if (put_chunk(f, "IHDR", ihdr, 13) < 0)
        return -1;

    size_t rowlen = 1 + (size_t)w * 3;
    uint8_t *row = malloc(rowlen);
    uint8_t *out = malloc(IDAT_MAX);
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    int rc = -1;
    if (!row || !out || deflateInit(&zs, 6) != Z_OK) {
        free(row);
        free(out);
        return -1;
    }
    zs.next_out = out;
    zs.avail_out = IDAT_MAX;
    for (int y = 0; y <= h; y++) {
        int flush = Z_NO_FLUSH;
        if (y < h) {
            const uint8_t *src = (const uint8_t *)pixels + (size_t)y * stride;
            row[0] = 0; /* filter: none */
            for (int x = 0; x < w; x++) {
                uint32_t p;
                memcpy(&p, src + (size_t)x * 4, 4);
                row[1 + x * 3] = (uint8_t)(p >> 16);
                row[2 + x * 3] = (uint8_t)(p >> 8);
                row[3 + x * 3] = (uint8_t)p;
            }
            zs.next_in = row;
            zs.avail_in = (uInt)rowlen;
        } else {
            zs.next_in = NULL;
            zs.avail_in = 0;
            flush = Z_FINISH;
        }
        for (;;) {
            int zr = deflate(&zs, flush);
            if (zr == Z_STREAM_ERROR)
                goto done;
            if (zs.avail_out == 0 || (flush == Z_FINISH && zr == Z_STREAM_END)) {
                uint32_t n = IDAT_MAX - zs.avail_out;
                if (n && put_chunk(f, "IDAT", out, n) < 0)
                    goto done;
                zs.next_out = out;
                zs.avail_out = IDAT_MAX;
                if (zr == Z_STREAM_END)
                    break;
                continue;
            }
            if (flush != Z_FINISH && zs.avail_in == 0)
                break;
        }
    }
    if (put_chunk(f, "IEND", NULL, 0) < 0)
        goto done;
    rc = 0;
done:
    deflateEnd(&zs);
    free(row);
    free(out);
    return rc;
}

int png_save(const char *path, int w, int h, const uint32_t *pixels,
             int stride, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    int r = png_write_file(f, w, h, pixels, stride);
    if (fclose(f) != 0)
        r = -1;
    if (r < 0) {
        snprintf(err, errlen, "%s: write error", path);
        remove(path);
    }
    return r;
}
