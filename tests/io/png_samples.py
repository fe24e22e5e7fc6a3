# SPDX-License-Identifier: MIT
# Minimal independent PNG decoder (zlib + the five row filters of the PNG spec), for 8/16-bit
# greyscale/RGB files that Debian's imageio 2.4 would reduce to 8 bits. Writes the samples as
# raw little-endian uint16 to argv[2].
import struct
import sys
import zlib

import numpy as np

data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
assert interlace == 0 and ctype in (0, 2) and depth in (8, 16)
channels = 3 if ctype == 2 else 1
bpp = channels * depth // 8
stride = width * bpp
raw = zlib.decompress(idat)
out = bytearray(height * stride)
prev = bytearray(stride)
for r in range(height):
    f = raw[r * (stride + 1)]
    line = bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1:
            line[i] = (line[i] + a) & 0xFF
        elif f == 2:
            line[i] = (line[i] + b) & 0xFF
        elif f == 3:
            line[i] = (line[i] + (a + b) // 2) & 0xFF
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
    out[r * stride:(r + 1) * stride] = line
    prev = line
samples = np.frombuffer(bytes(out), ">u2" if depth == 16 else "u1")
open(sys.argv[2], "wb").write(samples.astype("<u2").tobytes())
