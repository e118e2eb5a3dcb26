#!/usr/bin/env python3
"""PNG in and out with the standard library only (zlib), for the report's browser check.

  png.py count SHOT.png COLOUR...       pixels within a small distance of each #rrggbb colour
  png.py thumb SHOT.png OUT.png WIDTH HEIGHT
                                        the top WIDTH x HEIGHT of SHOT, halved (2x2 averages)
"""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise SystemExit(f"{path}: only 8-bit RGB/RGBA, not interlaced (depth {depth}, colour type {colour})")
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels:x * channels + 3]) for x in range(width)])
        previous = line
    return width, height, rows


def write(path, rows):
    height, width = len(rows), len(rows[0])
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in rows)
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                  + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    if sys.argv[1] == "count":
        _, _, rows = read(sys.argv[2])
        targets = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in sys.argv[3:]]
        counts = [0] * len(targets)
        for row in rows:
            for px in row:
                for k, t in enumerate(targets):
                    if abs(px[0] - t[0]) + abs(px[1] - t[1]) + abs(px[2] - t[2]) <= 24:
                        counts[k] += 1
        print(" ".join(str(n) for n in counts))
    elif sys.argv[1] == "thumb":
        _, _, rows = read(sys.argv[2])
        w, h = int(sys.argv[4]), int(sys.argv[5])
        rows = [r[:w] for r in rows[:h]]
        half = [[tuple((rows[y][x][k] + rows[y][x + 1][k] + rows[y + 1][x][k] + rows[y + 1][x + 1][k] + 2) // 4
                       for k in range(3)) for x in range(0, w - 1, 2)] for y in range(0, h - 1, 2)]
        write(sys.argv[3], half)
    else:
        raise SystemExit(__doc__)


main()
