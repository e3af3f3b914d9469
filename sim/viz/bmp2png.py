#!/usr/bin/env python3
"""Convert an uncompressed 24- or 32-bit BMP (what SDL_SaveBMP writes) to
a PNG, with only the standard library (zlib), for docs/ pictures when
ImageMagick is not installed.

    bmp2png.py IN.bmp OUT.png
"""

import struct
import sys
import zlib


def read_bmp(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != b"BM":
        raise ValueError("%s: not a BMP" % path)
    off = struct.unpack_from("<I", data, 10)[0]
    hsize = struct.unpack_from("<I", data, 14)[0]
    w, h = struct.unpack_from("<ii", data, 18)
    bpp = struct.unpack_from("<H", data, 28)[0]
    comp = struct.unpack_from("<I", data, 30)[0]
    if bpp not in (24, 32) or comp not in (0, 3):
        raise ValueError("%s: %d bpp, compression %d: unsupported" %
                         (path, bpp, comp))
    # 32 bpp with BI_BITFIELDS: read the masks (SDL writes ARGB8888).
    masks = (0x00ff0000, 0x0000ff00, 0x000000ff)
    if comp == 3:
        base = 14 + 40 if hsize >= 40 else 14 + hsize
        masks = struct.unpack_from("<III", data, base if hsize == 40 else 54)
    top_down = h < 0
    h = abs(h)
    stride = (w * bpp // 8 + 3) & ~3
    rows = []
    for y in range(h):
        src = y if top_down else h - 1 - y
        row = data[off + src * stride: off + src * stride + w * bpp // 8]
        out = bytearray()
        if bpp == 24:
            for x in range(w):
                b, g, r = row[3 * x: 3 * x + 3]
                out += bytes((r, g, b))
        else:
            shifts = [(m & -m).bit_length() - 1 for m in masks]
            for (v,) in struct.iter_unpack("<I", row):
                out += bytes(((v & masks[i]) >> shifts[i]) & 255
                             for i in range(3))
        rows.append(bytes(out))
    return w, h, rows


def write_png(path, w, h, rows):
    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xffffffff
        return struct.pack(">I", len(body)) + kind + body + \
            struct.pack(">I", crc)
    raw = b"".join(b"\0" + r for r in rows)  # filter type 0 per row
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    w, h, rows = read_bmp(argv[1])
    write_png(argv[2], w, h, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
