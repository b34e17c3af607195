#!/usr/bin/env python3
"""vga_check.py -- reads the text on a VGA text-mode screen image.

x86pc's `screendump` renders a text mode from VGA memory: each character
cell is 9x16 pixels (80x25 cells = 720x400), the glyph comes from the font
in plane 2.  Linux's vgacon keeps the font the VGA BIOS loaded, and x86pc's
VGA BIOS loads the 8x16 font of bios/vgabios-font.inc.  This module decodes
a screen image back to text by matching every cell against that font, taken
from the source file (not from the emulator), so a wrong glyph, a shifted
cell, a wrong scan line, a wrong palette index for ink/paper or a missing
refresh all show up as a mismatch.

    vga_check.py FONT.inc IMAGE.png [EXPECTED-LINE...]

prints the decoded screen; with expected lines, checks that the screen
starts with them and that the rest is blank (the text cursor excepted) and
exits 1 otherwise.  Used by serial_drive.py --mode sdl.

The image may be an integer multiple of 720x400 (a window dump of a scaled
window): it is sampled at the top-left pixel of each block.
Plain Python 3 (zlib); reads 8-bit RGB/RGBA/grey PNGs with any filter.
"""

import re
import struct
import sys
import zlib

CW, CH = 9, 16
COLS, ROWS = 80, 25


def png_read(path):
    """-> (width, height, rows) with rows[y][x] = (r, g, b)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("%s: not a PNG file" % path)
    pos, idat, hdr = 8, bytearray(), None
    while pos + 8 <= len(data):
        ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + ln]
        if len(body) != ln:
            raise ValueError("%s: truncated chunk" % path)
        if typ == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            break
        pos += 12 + ln
    if hdr is None:
        raise ValueError("%s: no IHDR" % path)
    w, h, depth, ctype, _, _, interlace = hdr
    chans = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or chans is None or interlace != 0:
        raise ValueError("%s: unsupported PNG (depth %d, colour type %d, "
                         "interlace %d)" % (path, depth, ctype, interlace))
    if w <= 0 or h <= 0 or w > 16384 or h > 16384:
        raise ValueError("%s: bad size %dx%d" % (path, w, h))
    raw = zlib.decompress(bytes(idat))
    stride = w * chans
    if len(raw) < h * (stride + 1):
        raise ValueError("%s: short image data" % path)
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ft = raw[y * (stride + 1)]
        cur = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = cur[i - chans] if i >= chans else 0
            b = prev[i]
            c = prev[i - chans] if i >= chans else 0
            if ft == 1:
                cur[i] = (cur[i] + a) & 255
            elif ft == 2:
                cur[i] = (cur[i] + b) & 255
            elif ft == 3:
                cur[i] = (cur[i] + (a + b) // 2) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[i] = (cur[i] + pr) & 255
            elif ft != 0:
                raise ValueError("%s: bad filter %d" % (path, ft))
        if chans >= 3:
            rows.append([tuple(cur[x * chans:x * chans + 3]) for x in range(w)])
        else:
            rows.append([(cur[x * chans],) * 3 for x in range(w)])
        prev = cur
    return w, h, rows


def font_read(path, label="font8x16"):
    """The 256 glyphs (16 row bytes each) after `label:` in a NASM .inc."""
    glyphs, on = [], False
    with open(path) as f:
        for line in f:
            s = line.split(";")[0].strip()
            if s == label + ":":
                on = True
                continue
            if not on:
                continue
            if re.match(r"^[A-Za-z_.][\w.]*:", s):
                break
            if s.startswith("db"):
                vals = [int(v, 0) for v in s[2:].split(",") if v.strip()]
                if len(vals) != 16:
                    raise ValueError("%s: a %s row without 16 bytes" % (path, label))
                glyphs.append(tuple(vals))
    if len(glyphs) != 256:
        raise ValueError("%s: %d glyphs under %s, expected 256"
                         % (path, len(glyphs), label))
    return glyphs


def glyph_table(glyphs):
    """bitmap (16 row bytes) -> the character shown; where several codes
    share a glyph, printable ASCII wins (space for the blank ones)."""
    table = {}
    for code in list(range(0x20, 0x7F)) + list(range(0, 0x20)) + list(range(0x7F, 256)):
        table.setdefault(glyphs[code], chr(code) if 0x20 <= code < 0x7F else "\x7f")
    return table


class Cell:
    __slots__ = ("ch", "ink", "paper", "cursor")

    def __init__(self, ch, ink, paper, cursor):
        self.ch, self.ink, self.paper, self.cursor = ch, ink, paper, cursor


def decode(w, h, rows, glyphs):
    """-> 25 lists of 80 Cells.  ch '?' = no glyph matches the cell."""
    if w % (COLS * CW) or h % (ROWS * CH) or w // (COLS * CW) != h // (ROWS * CH):
        raise ValueError("image %dx%d is not a (scaled) 720x400 text screen"
                         % (w, h))
    k = w // (COLS * CW)
    table = glyph_table(glyphs)
    screen = []
    for r in range(ROWS):
        line = []
        for c in range(COLS):
            px = [[rows[(r * CH + y) * k][(c * CW + x) * k] for x in range(CW)]
                  for y in range(CH)]
            line.append(decode_cell(px, table))
        screen.append(line)
    return screen


def decode_cell(px, table):
    colours = {}
    for row in px:
        for p in row:
            colours[p] = colours.get(p, 0) + 1
    if len(colours) == 1:
        p = next(iter(colours))
        return Cell(" ", None, p, False)
    if len(colours) > 2:
        return Cell("?", None, None, False)
    a, b = colours
    for ink, paper in ((a, b), (b, a)):
        bits = [sum(0x80 >> x for x in range(8) if row[x] == ink) for row in px]
        ch = table.get(tuple(bits))
        # the ninth column repeats the eighth only for the line-drawing
        # codes C0h-DFh, never for the ASCII table we decode
        if ch is not None and all(row[8] == paper for row in px):
            return Cell(ch, ink, paper, False)
        # the text cursor: a band of scan lines in ink across the whole
        # cell (Linux's underline cursor covers lines 13-14 of 16); the
        # other lines must be a glyph
        band = [y for y in range(CH) if all(p == ink for p in px[y])]
        if band and band == list(range(band[0], band[-1] + 1)) and \
                len(band) < CH // 2:
            keep = [y for y in range(CH) if y not in band]
            for cand, g in table.items():
                if all(cand[y] == bits[y] and px[y][8] == paper for y in keep):
                    return Cell(g, ink, paper, True)
    return Cell("?", None, None, False)


def text(screen):
    return ["".join(cell.ch for cell in line).rstrip() for line in screen]


def check(screen, expected):
    """Problems (strings) when the screen is not `expected` lines followed
    by blank lines (one cursor cell allowed anywhere)."""
    got = text(screen)
    probs = []
    for i, want in enumerate(expected):
        if got[i] != want:
            probs.append("row %d shows %r, expected %r" % (i, got[i], want))
    for i in range(len(expected), ROWS):
        if got[i].strip():
            probs.append("row %d should be blank, shows %r" % (i, got[i]))
    cursors = [(r, c) for r in range(ROWS) for c in range(COLS)
               if screen[r][c].cursor]
    if len(cursors) > 1:
        probs.append("%d cells look like a cursor: %s" % (len(cursors), cursors[:5]))
    return probs


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    glyphs = font_read(sys.argv[1])
    w, h, rows = png_read(sys.argv[2])
    screen = decode(w, h, rows, glyphs)
    for i, line in enumerate(text(screen)):
        print("%2d|%s" % (i, line))
    probs = check(screen, sys.argv[3:]) if len(sys.argv) > 3 else []
    for p in probs:
        print("FAIL: " + p)
    return 1 if probs else 0


if __name__ == "__main__":
    sys.exit(main())
