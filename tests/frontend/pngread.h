/* A small PNG reader for the tests (8-bit RGB or RGBA, no interlace, all
 * five row filters): checks the signature and every chunk's CRC, inflates
 * the IDAT stream with zlib and returns the pixels as 0x00RRGGBB.
 * Independent of frontend/png.c (which only writes). */
#ifndef X86PC_TEST_PNGREAD_H
#define X86PC_TEST_PNGREAD_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t pr_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static int pr_paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

/* Returns malloc'd pixels (w*h) or NULL with a reason in err.  *chunks
 * gets the number of chunks whose CRC was checked. */
static uint32_t *png_read(const uint8_t *buf, size_t len, int *w, int *h,
                          int *chunks, char *err, size_t errlen)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A,
                                   '\n'};
    size_t pos = 8, idat_len = 0;
    uint8_t *idat = NULL;
    int have_ihdr = 0, have_iend = 0, bpp = 3;
    *chunks = 0;
    *w = *h = 0;
    if (len < 8 || memcmp(buf, sig, 8)) {
        snprintf(err, errlen, "bad signature");
        return NULL;
    }
    while (pos + 12 <= len && !have_iend) {
        uint32_t n = pr_be32(buf + pos);
        if (n > len - pos - 12) {
            snprintf(err, errlen, "chunk overruns the file");
            goto fail;
        }
        const uint8_t *type = buf + pos + 4, *data = buf + pos + 8;
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, 4 + n);
        if (crc != pr_be32(data + n)) {
            snprintf(err, errlen, "CRC mismatch in %.4s", (const char *)type);
            goto fail;
        }
        (*chunks)++;
        if (!memcmp(type, "IHDR", 4)) {
            if (n != 13 || data[8] != 8 || (data[9] != 2 && data[9] != 6) ||
                data[10] || data[11] || data[12]) {
                snprintf(err, errlen, "unsupported IHDR");
                goto fail;
            }
            *w = (int)pr_be32(data);
            *h = (int)pr_be32(data + 4);
            bpp = data[9] == 6 ? 4 : 3;
            have_ihdr = 1;
        } else if (!memcmp(type, "IDAT", 4)) {
            uint8_t *p = realloc(idat, idat_len + n + 1);
            if (!p)
                goto fail;
            idat = p;
            memcpy(idat + idat_len, data, n);
            idat_len += n;
        } else if (!memcmp(type, "IEND", 4)) {
            have_iend = 1;
        }
        pos += 12 + n;
    }
    if (!have_ihdr || !have_iend || *w <= 0 || *h <= 0 || *w > 32768 ||
        *h > 32768) {
        snprintf(err, errlen, "missing IHDR/IEND or bad size");
        goto fail;
    }
    size_t rowlen = 1 + (size_t)*w * bpp;
    size_t rawlen = rowlen * (size_t)*h;
    uint8_t *raw = malloc(rawlen + 1);
    uLongf got = (uLongf)rawlen + 1;
    if (!raw || uncompress(raw, &got, idat, (uLong)idat_len) != Z_OK ||
        got != rawlen) {
        snprintf(err, errlen, "inflate failed or wrong data length");
        free(raw);
        goto fail;
    }
    free(idat);
    uint32_t *px = malloc((size_t)*w * (size_t)*h * 4);
    uint8_t *prev = calloc(rowlen, 1);
    for (int y = 0; px && prev && y < *h; y++) {
        uint8_t *row = raw + (size_t)y * rowlen;
        int ft = row[0];
        for (size_t i = 1; i < rowlen; i++) {
            int a = i > (size_t)bpp ? row[i - bpp] : 0;
            int b = prev[i], c = i > (size_t)bpp ? prev[i - bpp] : 0;
            int add = ft == 0 ? 0 : ft == 1 ? a : ft == 2 ? b
                      : ft == 3 ? (a + b) / 2 : pr_paeth(a, b, c);
            row[i] = (uint8_t)(row[i] + add);
        }
        if (ft > 4) {
            snprintf(err, errlen, "bad filter type %d", ft);
            free(px);
            px = NULL;
            break;
        }
        for (int x = 0; x < *w; x++) {
            const uint8_t *p = row + 1 + (size_t)x * bpp;
            px[(size_t)y * *w + x] =
                (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        }
        memcpy(prev, row, rowlen);
    }
    free(prev);
    free(raw);
    return px;
fail:
    free(idat);
    return NULL;
}

static uint8_t *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) {
                free(b);
                b = NULL;
            }
            b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}
#endif
