/* pngcheck FILE W H [X,Y=RRGGBB ...] [X0,Y0-X1,Y1=RRGGBB ...]
 * Decodes FILE (tests/frontend/pngread.h: CRCs checked), checks its size
 * and the colour of single pixels or of every pixel in a rectangle
 * (inclusive).  Exit 0 if everything matches, 1 otherwise (with a reason). */
#include <stdio.h>
#include <stdlib.h>

#include "tests/frontend/pngread.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: pngcheck FILE W H [X,Y=RRGGBB]...\n");
        return 2;
    }
    size_t len;
    uint8_t *buf = read_whole(argv[1], &len);
    if (!buf) {
        fprintf(stderr, "pngcheck: cannot read %s\n", argv[1]);
        return 1;
    }
    int w, h, chunks;
    char err[200];
    uint32_t *px = png_read(buf, len, &w, &h, &chunks, err, sizeof(err));
    if (!px) {
        fprintf(stderr, "pngcheck: %s: %s\n", argv[1], err);
        return 1;
    }
    if (w != atoi(argv[2]) || h != atoi(argv[3])) {
        fprintf(stderr, "pngcheck: %s is %dx%d, expected %sx%s\n", argv[1], w,
                h, argv[2], argv[3]);
        return 1;
    }
    int bad = 0;
    for (int i = 4; i < argc; i++) {
        int x0, y0, x1, y1;
        unsigned rgb;
        if (sscanf(argv[i], "%d,%d-%d,%d=%x", &x0, &y0, &x1, &y1, &rgb) != 5) {
            if (sscanf(argv[i], "%d,%d=%x", &x0, &y0, &rgb) != 3) {
                fprintf(stderr, "pngcheck: bad spec %s\n", argv[i]);
                return 2;
            }
            x1 = x0;
            y1 = y0;
        }
        for (int y = y0; y <= y1 && !bad; y++)
            for (int x = x0; x <= x1 && !bad; x++) {
                if (x < 0 || y < 0 || x >= w || y >= h) {
                    fprintf(stderr, "pngcheck: %d,%d outside\n", x, y);
                    bad = 1;
                } else if (px[(size_t)y * w + x] != rgb) {
                    fprintf(stderr, "pngcheck: pixel %d,%d is %06X, expected "
                            "%06X (%s)\n", x, y, px[(size_t)y * w + x], rgb,
                            argv[i]);
                    bad = 1;
                }
            }
    }
    free(px);
    free(buf);
    return bad;
}
