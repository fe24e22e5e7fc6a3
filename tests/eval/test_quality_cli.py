#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`n2n synth` + `n2n eval` end to end (exit 77 = skipped for missing data):
  * two Kodak photographs unprocessed to GRBG raw at N6 ISO 800: the pair files, the sidecar
    and the noise statistics are checked independently of the C++ code;
  * the CR2 crop of the issue (rows 406-1941, columns 736-2783, black 128, white 4095) with N6
    ISO 800 noise: the classical baseline must reach 46.5 dB.
usage: test_quality_cli.py N2N SHARED_DATA_DIR WORK_DIR"""
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import zlib

n2n, shared, work = sys.argv[1:4]
nlf = os.path.join(shared, "sidd/noise-level-functions/cam_iso_nlf.txt")
kodak = [os.path.join(shared, f"clean/kodak24/kodim0{k}.png") for k in (1, 3)]
cr2 = "/usr/share/doc/rawtran/IMG_5952.CR2"
if not os.path.exists(nlf) or not all(os.path.exists(k) for k in kodak):
    print("N2N_SKIP_ALL: shared NLF table or Kodak24 absent")
    sys.exit(77)
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def read_png16(path):
    """A 16-bit grey PNG as a list of rows (Debian's python has no numpy here: plain zlib)."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 16 and colour == 0, (depth, colour)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = 2 * width
    rows, prev = [], bytearray(stride)
    for r in range(height):
        f, line = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 2] if i >= 2 else 0
            b = prev[i]
            c = prev[i - 2] if i >= 2 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(struct.unpack(f">{width}H", bytes(line)))
        prev = line
    return rows


def run(args):
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


run([n2n, "synth", *kodak, "-o", os.path.join(work, "kodak"), "--nlf", nlf, "--level", "N6:800", "--cfa", "GRBG",
     "--seed", "5"])
index = json.load(open(os.path.join(work, "kodak/pairs.json")))
assert index["format"] == "n2n-synth-pairs"
assert [p["name"] for p in index["pairs"]] == ["kodim01_N6-800", "kodim03_N6-800"], index["pairs"]
pair = index["pairs"][0]
assert pair["phase"] == "GRBG" and pair["level"] == "N6:800"
assert pair["beta1"] == [0.003476] * 4 and pair["beta2"] == [0.000052] * 4
clean = read_png16(os.path.join(work, "kodak", pair["clean"]))
noisy = read_png16(os.path.join(work, "kodak", pair["noisy"]))
assert len(clean) == 512 and len(clean[0]) == 768
# Noise statistics against the NLF: bin the residual variance by clean value (unclipped range).
bins = {}
for rc, rn in zip(clean, noisy):
    for c, y in zip(rc, rn):
        x = c / 65535
        if 0.1 < x < 0.5:
            b = bins.setdefault(int(x * 10), [0, 0.0, 0.0])
            b[0] += 1
            b[1] += x
            b[2] += (y / 65535 - x) ** 2
for k, (n, sx, se) in sorted(bins.items()):
    if n < 2000:
        continue
    expected = 0.003476 * sx / n + 0.000052
    print(f"clean {sx / n:.3f}: noise variance {se / n:.3e}, NLF {expected:.3e}")
    assert abs(se / n / expected - 1) < 0.05, (k, se / n, expected)
# Red pixels (GRBG: row 0, odd columns) are darker than the greens beside them (inverse WB).
red = sum(clean[r][c] for r in range(0, 512, 2) for c in range(1, 768, 2))
green = sum(clean[r][c] for r in range(0, 512, 2) for c in range(0, 768, 2))
assert red < green, (red, green)

out = run([n2n, "eval", os.path.join(work, "kodak/pairs.json"), "--classical", "--json", os.path.join(work, "k.json")])
print(out)
report = json.load(open(os.path.join(work, "k.json")))
rows = {(r["image"], r["method"]): r["scores"] for r in report["rows"]}
# Our own PSNR of the noisy input from the PNGs.
mse = sum((a - b) ** 2 for rc, rn in zip(clean, noisy) for a, b in zip(rc, rn)) / (512 * 768) / 65535 ** 2
assert abs(rows[("kodim01_N6-800", "noisy")]["psnr_db"] - 10 * math.log10(1 / mse)) < 0.01
names = ("kodim01_N6-800", "kodim03_N6-800")
for name in names:
    assert rows[(name, "classical")]["psnr_db"] > rows[(name, "noisy")]["psnr_db"], rows
    assert rows[(name, "classical")]["ssim"] > rows[(name, "noisy")]["ssim"], rows
gain = sum(rows[(n, "classical")]["psnr_db"] - rows[(n, "noisy")]["psnr_db"] for n in names) / len(names)
assert gain > 1.5, gain  # kodim01's foliage is hard for any filter; kodim03 gains > 4 dB

# Training on the pair set's noisy side with each frame's stated noise (--kind pairs), by the SURE
# objective, keeping the best epoch by SURE; then every row's blind SURE estimate beside the truth.
start_model = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../models/start_gat_unet16.pt")
run([n2n, "train", "--kind", "pairs", "--data", os.path.join(work, "kodak/pairs.json"), "-o", os.path.join(work, "run"),
     "--init", start_model, "--objective", "sure", "--budget-steps", "16", "--patch", "64", "--lr", "1e-4",
     "--select-checks", "2", "--seed", "2"])
assert os.path.exists(os.path.join(work, "run/checkpoint_best.pt"))
log = [json.loads(line) for line in open(os.path.join(work, "run/train_log.jsonl"))]
assert any("sure_psnr_db" in e.get("validation", {}) for e in log), log
run([n2n, "eval", os.path.join(work, "kodak/pairs.json"), "--classical", "--sure", "--model",
     os.path.join(work, "run/checkpoint_best.pt"), "--json", os.path.join(work, "s.json")])
for r in json.load(open(os.path.join(work, "s.json")))["rows"]:
    truth, estimate = r["scores"]["psnr_db"], r["risk_estimate"]["psnr_db"]
    print(f"{r['image']} {r['method']}: PSNR {truth:.2f} dB, SURE {estimate:.2f} dB")
    assert abs(truth - estimate) < 1.0, r

if not os.path.exists(cr2):
    print("N2N_SKIP_ALL: the CR2 part needs rawtran-doc")
    sys.exit(77)
run([n2n, "synth", cr2, "-o", os.path.join(work, "cr2"), "--nlf", nlf, "--level", "N6:800", "--crop",
     "406,736,1536,2048", "--raw-black", "128", "--raw-white", "4095"])
print(run([n2n, "eval", os.path.join(work, "cr2/pairs.json"), "--classical", "--json", os.path.join(work, "c.json")]))
cr = {r["method"]: r["scores"] for r in json.load(open(os.path.join(work, "c.json")))["rows"]}
assert cr["noisy"]["psnr_db"] == cr["noisy"]["psnr_db"] and abs(cr["noisy"]["psnr_db"] - 36.1) < 0.2, cr
assert cr["classical"]["psnr_db"] >= 46.5, cr
# Shadows no brighter than the noisy input's own clipping floor.
assert cr["classical"]["dark_mean_error"] <= cr["noisy"]["dark_mean_error"], cr
print("ok")
