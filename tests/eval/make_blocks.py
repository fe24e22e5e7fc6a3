# SPDX-License-Identifier: MIT
"""Builds small SIDD-layout block files (MAT v5, as SIDD ships them) with scipy, independently of
n2n_raw: blocks cut from a real raw capture, GT = clean normalised crop, noisy = GT + Gaussian noise.

usage: make_blocks.py RAW_U16LE WIDTH HEIGHT BLACK WHITE OUTDIR IMAGES BLOCKS SIZE
writes OUTDIR/{ValidationNoisyBlocksRaw,ValidationGtBlocksRaw,BenchmarkNoisyBlocksRaw}.mat
"""
import sys

import numpy as np
import scipy.io

raw_path, width, height, black, white, out = sys.argv[1], *map(int, sys.argv[2:6]), sys.argv[6]
images, blocks, size = map(int, sys.argv[7:10])
raw = np.fromfile(raw_path, dtype='<u2').reshape(height, width).astype(np.float64)
clean = np.clip((raw - black) / (white - black), 0, 1)
rng = np.random.default_rng(3)
gt = np.zeros((images, blocks, size, size), np.float32)
for i in range(images):
    for b in range(blocks):
        # Even offsets keep the capture's CFA phase, as SIDD's block positions keep the frame's.
        r = 2 * int(rng.integers(0, (height - size) // 2))
        c = 2 * int(rng.integers(0, (width - size) // 2))
        gt[i, b] = clean[r:r + size, c:c + size]
noisy = np.clip(gt + rng.normal(0, 0.03, gt.shape), 0, 1).astype(np.float32)
scipy.io.savemat(out + '/ValidationGtBlocksRaw.mat', {'ValidationGtBlocksRaw': gt})
scipy.io.savemat(out + '/ValidationNoisyBlocksRaw.mat', {'ValidationNoisyBlocksRaw': noisy})
scipy.io.savemat(out + '/BenchmarkNoisyBlocksRaw.mat', {'BenchmarkNoisyBlocksRaw': noisy})
