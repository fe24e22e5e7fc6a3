#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A 1:1 figure for the README: the same box cut from each render, side by side, no resampling.

  bench/quality/crop_figure.py out/IMG_5952_noisy.png out/IMG_5952_denoised.png \
      --box ROW,COL,HEIGHT,WIDTH -o bench/quality/figures/cr2_foliage_1to1.png
"""
import argparse
from PIL import Image


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("images", nargs="+", help="renders of the same frame, left to right")
    ap.add_argument("--box", required=True, help="ROW,COL,HEIGHT,WIDTH in pixels of the renders")
    ap.add_argument("--gap", type=int, default=8, help="white pixels between the crops")
    ap.add_argument("-o", "--out", required=True)
    args = ap.parse_args()
    row, col, height, width = (int(v) for v in args.box.split(","))
    crops = [Image.open(path).convert("RGB").crop((col, row, col + width, row + height)) for path in args.images]
    figure = Image.new("RGB", (len(crops) * width + (len(crops) - 1) * args.gap, height), "white")
    for k, crop in enumerate(crops):
        figure.paste(crop, (k * (width + args.gap), 0))
    figure.save(args.out)


if __name__ == "__main__":
    main()
