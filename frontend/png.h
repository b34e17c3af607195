/* Minimal PNG writer: 8-bit RGB (colour type 2), no interlace, filter
 * type 0 on every row, one or more IDAT chunks from zlib's deflate, CRCs
 * from zlib's crc32.  Pixels are host-endian uint32_t 0x00RRGGBB (the VGA
 * frame buffer format), stride in bytes. */
#ifndef X86PC_PNG_H
#define X86PC_PNG_H
#include <stdint.h>
#include <stdio.h>

/* Writes the image to f.  0, or -1 on a write/zlib error or a bad size
 * (w, h from 1 to 32768). */
int png_write_file(FILE *f, int w, int h, const uint32_t *pixels,
                   int stride);
/* The same to a new file at path.  On failure err gets a one-line reason. */
int png_save(const char *path, int w, int h, const uint32_t *pixels,
             int stride, char *err, size_t errlen);
#endif
