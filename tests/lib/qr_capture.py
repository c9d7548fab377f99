#!/usr/bin/env python3
"""Renders the QR code of a captured wallet receive screen as a PGM image, for an outside decoder.

   qr_capture.py CAPTURE.txt OUT.pgm [--pad light|dark]

The pane draws two QR modules per character cell: U+2588 (full block) both light, U+2580 (upper
half) top light, U+2584 (lower half) bottom light, a space both dark; light is the glyph's ink, as
a terminal with light text on a dark background shows it. Only the standard library: the decoder
(zbarimg) is the oracle, this only turns characters into pixels. Each module becomes SCALE x SCALE
pixels; --pad adds 4 modules around the code (light: a wider quiet zone; dark: the terminal's
background, as a camera would see it).
"""
import sys

SCALE = 6
CELLS = {"\u2588": (1, 1), "\u2580": (1, 0), "\u2584": (0, 1), " ": (0, 0)}


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: qr_capture.py CAPTURE.txt OUT.pgm [--pad light|dark]")
    pad_light = not (len(sys.argv) > 4 and sys.argv[3] == "--pad" and sys.argv[4] == "dark")
    lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
    rows = [i for i, l in enumerate(lines) if any(ch in l for ch in "\u2588\u2580\u2584")]
    if not rows:
        sys.exit("no QR block characters in the capture")
    # the code is the longest run of consecutive lines with block characters
    runs, start = [], rows[0]
    for a, b in zip(rows, rows[1:] + [None]):
        if b != a + 1:
            runs.append((start, a))
            start = b
    first, last = max(runs, key=lambda r: r[1] - r[0])
    block = lines[first:last + 1]
    left = min(min(l.find(ch) for ch in "\u2588\u2580\u2584" if ch in l) for l in block)
    width = max(len(l.rstrip()) for l in block) - left
    modules = []
    for l in block:
        cells = l[left:left + width].ljust(width)
        top = [CELLS.get(c, (0, 0))[0] for c in cells]
        bot = [CELLS.get(c, (0, 0))[1] for c in cells]
        modules += [top, bot]
    pad = 4
    h, w = len(modules) + 2 * pad, width + 2 * pad
    fill = 255 if pad_light else 0
    img = bytearray([fill]) * (h * SCALE * w * SCALE)
    for r, row in enumerate(modules):
        for c, light in enumerate(row):
            v = 255 if light else 0
            for dy in range(SCALE):
                o = ((r + pad) * SCALE + dy) * w * SCALE + (c + pad) * SCALE
                img[o:o + SCALE] = bytes([v]) * SCALE
    with open(sys.argv[2], "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (w * SCALE, h * SCALE))
        f.write(bytes(img))


if __name__ == "__main__":
    main()
