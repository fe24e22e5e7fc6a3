# SPDX-License-Identifier: MIT
"""Checks `n2n validate` and `n2n submit` outputs against numpy/scikit-image computed here.

usage: check_cli_outputs.py validate DIR REPORT_JSON      (model: identity)
       check_cli_outputs.py submit DIR                     (model: R channel x 0.5)
"""
import base64
import json
import sys

import h5py
import numpy as np
import scipy.io
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

kind, d = sys.argv[1], sys.argv[2]
noisy = scipy.io.loadmat(d + '/ValidationNoisyBlocksRaw.mat')['ValidationNoisyBlocksRaw'].astype(np.float64)
gt = scipy.io.loadmat(d + '/ValidationGtBlocksRaw.mat')['ValidationGtBlocksRaw'].astype(np.float64)
phones = ['S6', 'GP', 'N6', 'G4', 'IP']  # SIDD's first evaluation scenes: 0009 S6, 0021 GP, 0024 N6, ...
red_at = {'S6': (0, 1), 'GP': (1, 1), 'N6': (1, 1), 'G4': (1, 1), 'IP': (0, 0)}  # GRBG, BGGR, RGGB

if kind == 'validate':
    report = json.load(open(sys.argv[3]))
    for i, entry in enumerate(report['per_image']):
        p = np.mean([peak_signal_noise_ratio(gt[i, b], noisy[i, b], data_range=1) for b in range(gt.shape[1])])
        s = np.mean([structural_similarity(noisy[i, b], gt[i, b], gaussian_weights=True, sigma=1.5,
                                           use_sample_covariance=False, data_range=1) for b in range(gt.shape[1])])
        assert entry['phone'] == phones[i], entry
        assert abs(entry['psnr'] - p) < 1e-3, (entry, p)
        assert abs(entry['ssim'] - s) < 1e-4, (entry, s)
    assert report['overall']['blocks'] == gt.shape[0] * gt.shape[1]
    assert set(report['per_phone']) == set(phones[:gt.shape[0]])
elif kind == 'submit':
    expected = noisy.copy()
    for i in range(noisy.shape[0]):
        r, c = red_at[phones[i]]
        expected[i, :, r::2, c::2] *= 0.5
    expected = expected.astype(np.float32)
    v5 = scipy.io.loadmat(d + '/out/SubmitRaw_v5.mat')['DenoisedBlocksRaw']
    assert v5.shape == noisy.shape and v5.dtype == np.float32
    assert np.abs(v5 - expected).max() < 1e-6, np.abs(v5 - expected).max()
    with h5py.File(d + '/out/SubmitRaw.mat', 'r') as f:
        cells = f['DenoisedBlocksRaw']
        assert cells.attrs['MATLAB_class'] == b'cell' and cells.shape == noisy.shape[1::-1]
        for i in range(noisy.shape[0]):
            for b in range(noisy.shape[1]):
                assert np.abs(f[cells[b, i]][()].T - expected[i, b]).max() < 1e-6
        assert f['TimeMPRaw'][0, 0] > 0
    lines = open(d + '/out/SubmitRaw.csv').read().splitlines()
    assert lines[0] == 'ID,BLOCK' and len(lines) == 1 + noisy.shape[0] * noisy.shape[1]
    for k, line in enumerate(lines[1:]):
        block = np.frombuffer(base64.b64decode(line.split(',')[1]), '<f4').reshape(noisy.shape[2:])
        assert np.abs(block - expected[k // noisy.shape[1], k % noisy.shape[1]]).max() < 1e-6
print('ok', kind)
