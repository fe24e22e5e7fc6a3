# SPDX-License-Identifier: MIT
# Independent comparison of two renders (16-bit RGB TIFFs in *linear* sRGB, as our render_linear
# and `dcraw -4 -o 1` write them): PSNR in linear light and mean CIEDE2000 after sRGB encoding,
# using tifffile and scikit-image only. Optional crop "top,left,height,width" per image aligns
# frames of different sizes. Prints "psnr=<dB> deltaE=<mean> shape=<h>x<w>".
import sys

import numpy as np
import tifffile
from skimage import color


def load(path, crop):
    img = tifffile.imread(path).astype(np.float64) / 65535.0
    if crop:
        t, l, h, w = (int(v) for v in crop.split(","))
        img = img[t:t + h, l:l + w]
    return img


def srgb_encode(x):
    x = np.clip(x, 0, 1)
    return np.where(x <= 0.0031308, 12.92 * x, 1.055 * np.power(x, 1 / 2.4) - 0.055)


a = load(sys.argv[1], sys.argv[3] if len(sys.argv) > 3 else "")
b = load(sys.argv[2], sys.argv[4] if len(sys.argv) > 4 else "")
border = int(sys.argv[5]) if len(sys.argv) > 5 else 4
if a.shape != b.shape:
    sys.exit(f"shapes differ: {a.shape} vs {b.shape}")
a = a[border:a.shape[0] - border, border:a.shape[1] - border]
b = b[border:b.shape[0] - border, border:b.shape[1] - border]
mse = np.mean((a - b) ** 2)
psnr = 10 * np.log10(1 / mse) if mse > 0 else float("inf")
de = color.deltaE_ciede2000(color.rgb2lab(srgb_encode(a)), color.rgb2lab(srgb_encode(b)))
print(f"psnr={psnr:.3f} deltaE={np.mean(de):.4f} shape={a.shape[0]}x{a.shape[1]}")
