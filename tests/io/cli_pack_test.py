#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# End-to-end test of `n2n pack`, checked with numpy against independent decoders:
#   * the Canon CR2 against `dcraw -D -4` (raw DN) with the levels the summary line reports;
#   * a D750 headerless dump (../shared) against numpy.fromfile, for the GRBG file;
#   * errors: exit code 2 (bad input) or 3 (missing file) and a message naming the file.
# Usage: cli_pack_test.py N2N_BINARY SHARED_DATA_DIR WORKDIR. Exit 77 = skipped.
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

n2n, shared, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
ran = 0


def pack(*args):
    return subprocess.run([n2n, "pack", *args], capture_output=True, text=True)


def packed_reference(mosaic, phase, black, white):
    """Planes R, Gr, Gb, B of a mosaic of the given phase, normalised per 2x2 position."""
    cells = {}
    names = {"RGGB": ["R", "Gr", "Gb", "B"], "GRBG": ["Gr", "R", "B", "Gb"],
             "GBRG": ["Gb", "B", "R", "Gr"], "BGGR": ["B", "Gb", "Gr", "R"]}[phase]
    for k, name in enumerate(names):
        r, c = divmod(k, 2)
        cells[name] = (mosaic[r::2, c::2].astype(np.float64) - black[k]) / (white - black[k])
    return np.stack([cells["R"], cells["Gr"], cells["Gb"], cells["B"]])


def check(packed_path, preview_path, expected):
    a = np.load(packed_path)
    assert a.dtype == np.float32, a.dtype
    assert a.shape == expected.shape, (a.shape, expected.shape)
    err = np.abs(a - expected).max()
    assert err < 1e-6, err
    im = Image.open(preview_path)
    assert im.mode == "RGB" and im.size == (a.shape[2], a.shape[1]), (im.mode, im.size)


cr2 = "/usr/share/doc/rawtran/IMG_5952.CR2"
if os.path.exists(cr2) and shutil.which("dcraw"):
    p = pack("-o", work + "/cr2")  # the default input is the CR2
    assert p.returncode == 0, p.stderr
    print(p.stdout.strip())
    # The levels are checked against what is known of the camera, not taken on trust from n2n's
    # report: the Canon 30D stores 12-bit data, white 4095, black 128 within 1 DN per CFA position
    # (LibRaw measures it from the masked border), and dcraw -i -v names the CFA pattern.
    m = re.search(r"(\S+) (\d+)x(\d+) (RGGB|GRBG|GBRG|BGGR) black ([\d./]+) white ([\d.]+)", p.stdout)
    assert m, p.stdout
    info = subprocess.run(["dcraw", "-i", "-v", cr2], capture_output=True, text=True, check=True).stdout
    pattern = re.search(r"Filter pattern: (\S+)", info).group(1).replace("/", "")
    assert pattern == m.group(4), (pattern, m.group(4))
    black = [float(x) for x in m.group(5).split("/")]
    white = float(m.group(6))
    assert len(black) == 4 and all(abs(b - 128) <= 1 for b in black) and white == 4095, m.group(0)
    pgm = subprocess.run(["dcraw", "-D", "-4", "-c", cr2], capture_output=True, check=True).stdout
    header = pgm.split(b"\n", 3)
    w, h = map(int, header[1].split())
    dn = np.frombuffer(header[3], dtype=">u2").reshape(h, w)
    check(work + "/cr2/IMG_5952_packed.npy", work + "/cr2/IMG_5952_preview.png",
          packed_reference(dn, m.group(4), black, white))
    ran += 1

d750 = os.path.join(shared, "raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_grbg.raw")
if os.path.exists(d750):
    p = pack(d750, "-o", work + "/d750", "--width", "768", "--height", "512", "--phase", "grbg", "--bits", "14",
             "--black", "600", "--white", "15520")
    assert p.returncode == 0, p.stderr
    print(p.stdout.strip())
    dn = np.fromfile(d750, dtype="<u2").reshape(512, 768)
    check(work + "/d750/DSC_1339_768x512_grbg_packed.npy", work + "/d750/DSC_1339_768x512_grbg_preview.png",
          packed_reference(dn, "GRBG", [600] * 4, 15520))
    # Wrong geometry: exit code 2, message names the file and the size.
    p = pack(d750, "-o", work + "/bad", "--width", "770", "--height", "512", "--phase", "grbg")
    assert p.returncode == 2 and d750 in p.stderr and "size" in p.stderr, (p.returncode, p.stderr)
    p = pack(d750, "-o", work + "/bad", "--width", "768", "--height", "512", "--phase", "xtrans")
    assert p.returncode == 2 and "--phase" in p.stderr, (p.returncode, p.stderr)
    ran += 1

p = pack(work + "/does_not_exist.CR2", "-o", work + "/none")
assert p.returncode == 3 and "does_not_exist.CR2" in p.stderr, (p.returncode, p.stderr)  # I/O failure
print("error path:", p.stderr.strip())
sys.exit(0 if ran else 77)
