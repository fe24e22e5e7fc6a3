#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# End-to-end test of the main job, `n2n demo`, on the default capture (Debian's Canon CR2),
# checked with independent tools:
#   * the denoised DNG decoded by `dcraw -D -4` has the CR2's size and CFA pattern and stays close
#     to the noisy mosaic (a denoiser, not another picture), without being a copy of it;
#   * the summary's noise estimates agree with a numpy implementation of Donoho's estimator run
#     on dcraw's decodes of the CR2 and of the DNG;
#   * the PNGs are the frame's size; a missing input fails with exit 2 naming the file.
# Usage: cli_demo_test.py N2N_BINARY WORKDIR. Exit 77 = skipped (no CR2: apt-get install rawtran-doc).
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

CR2 = "/usr/share/doc/rawtran/IMG_5952.CR2"
n2n, work = sys.argv[1], sys.argv[2]
if not os.path.exists(CR2):
    print(f"SKIPPED: {CR2} missing (apt-get install rawtran-doc)")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def check(ok, what):
    if not ok:
        print(f"FAIL: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def dcraw_mosaic(path):
    """Raw DN as dcraw -D -4 decodes them (no scaling, no black subtraction)."""
    pgm = subprocess.run(["dcraw", "-D", "-4", "-c", path], capture_output=True, check=True).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    w, h = int(header.group(1)), int(header.group(2))
    return np.frombuffer(pgm[header.end():], dtype=">u2").reshape(h, w).astype(np.float64)


def dcraw_pattern(path):
    info = subprocess.run(["dcraw", "-i", "-v", path], capture_output=True, text=True, check=True).stdout
    return re.search(r"Filter pattern: (\S+)", info).group(1)


def donoho_sigma(mosaic, black, white):
    """Per 2x2 position: median(|a - b - c + d| / 2) / 0.6745 on the same-colour plane."""
    x = (mosaic - black) / (white - black)
    sigmas = []
    for dr in (0, 1):
        for dc in (0, 1):
            p = x[dr::2, dc::2]
            p = p[: p.shape[0] // 2 * 2, : p.shape[1] // 2 * 2]
            hh = (p[0::2, 0::2] - p[0::2, 1::2] - p[1::2, 0::2] + p[1::2, 1::2]) / 2
            sigmas.append(np.median(np.abs(hh)) / 0.6745)
    return np.array(sigmas)


out = os.path.join(work, "out")
run = subprocess.run([n2n, "demo", "-o", out, "--minutes", "0.25"], capture_output=True, text=True)
print(run.stdout[-2000:], run.stderr[-1000:])
check(run.returncode == 0, "n2n demo exits 0 on the default capture")
summary = json.load(open(os.path.join(out, "summary.json")))
frame = summary["frames"][0]
check(frame["file"] == CR2, "the default input is the CR2")
check(summary["net"]["input"] == "gat", "the demo fine-tunes the noise-conditioned starting model")
removed = frame["removed"]
print("removed:", removed, "noise level function:", frame["noise_level_function"])
# An identity removes nothing (ratio 0); a blur removes image too (ratio well above 1, clearly
# positive neighbour correlation). Measured on the default run: 0.92 and -0.046.
check(0.6 < removed["ratio"] < 1.3, "what the demo removed has about the fitted noise's sigma")
check(abs(removed["neighbour_correlation"]) < 0.15, "what the demo removed is nearly white")
for name in frame["outputs"]:
    check(os.path.getsize(os.path.join(out, name)) > 0, f"{name} written")
check(os.path.exists(os.path.join(out, "training", "checkpoint_last.pt")), "training checkpoint kept")
check(os.path.exists(os.path.join(out, "training", "checkpoint_best.pt")), "the network kept by SURE is saved")
check(summary["objective"] == "neighbor2neighbor" and 0 <= summary["kept_epoch"] <= summary["epochs"],
      f"the Neighbor2Neighbor fine-tune ran and SURE kept epoch {summary['kept_epoch']} of {summary['epochs']}")
# The blind estimate of the output's PSNR: a denoiser gains several dB on this ISO 400 capture
# (measured on the default run: see README), a copy or a blur would not.
estimated = frame["estimated_psnr_db"]
print("estimated PSNR:", estimated)
check(estimated["denoised"] > estimated["noisy"] + 3, "SURE estimates a gain of more than 3 dB")

noisy = dcraw_mosaic(CR2)
dng = os.path.join(out, "IMG_5952_denoised.dng")
denoised = dcraw_mosaic(dng)
check(denoised.shape == noisy.shape, f"DNG mosaic {denoised.shape} == CR2 mosaic {noisy.shape}")
check(dcraw_pattern(dng) == dcraw_pattern(CR2), f"CFA pattern kept ({dcraw_pattern(CR2)})")
check(abs(frame["megapixels"] - noisy.size / 1e6) < 1e-6, "summary megapixels = dcraw's mosaic size")

# The CR2's levels as the pack summary of `n2n` and dcraw agree on: black per position, white 4095.
black, white = 128.0, 4095.0
diff = (denoised - noisy) / (white - black)
psnr = 10 * np.log10(1.0 / np.mean(diff ** 2))
print(f"PSNR(denoised DNG vs noisy CR2) = {psnr:.2f} dB, max |diff| = {np.abs(diff).max():.4f}")
check(psnr > 30, "the denoised mosaic stays close to the capture (> 30 dB)")
check(np.abs(diff).max() > 0, "the denoised mosaic is not a copy of the capture")

# Noise estimates: numpy on dcraw's decodes vs the summary (DNG rounding to DN adds < 1e-4).
before_np, after_np = donoho_sigma(noisy, black, white), donoho_sigma(denoised, black, white)
before, after = np.array(frame["noise_sigma_before"]), np.array(frame["noise_sigma_after"])
print("sigma before", before, "numpy", before_np)
print("sigma after ", after, "numpy", after_np)
check(np.allclose(before, before_np, rtol=0.03, atol=2e-5), "noise before matches numpy's estimate")
check(np.allclose(after, after_np, rtol=0.05, atol=1e-4), "noise after matches numpy's estimate")
check(after.mean() <= before.mean() * 1.02, "denoising does not add noise")

for name in ("IMG_5952_noisy.png", "IMG_5952_denoised.png"):
    size = Image.open(os.path.join(out, name)).size
    check(sorted(size) == sorted(noisy.shape), f"{name} is the frame's size {size}")

missing = os.path.join(work, "no_such_capture.CR2")
bad = subprocess.run([n2n, "demo", missing, "-o", out], capture_output=True, text=True)
check(bad.returncode == 3 and missing in bad.stderr, "a missing input: exit 3 (I/O failure) and its name")
