#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `n2n data verify` on a synthetic SIDD Medium tree written here with independent writers (h5py
# for the v7.3 frames, scipy for the v5 METADATA): a whole tree passes with exit 0; one missing,
# truncated, wrongly shaped, integer-typed or extra file, or a folder name that does not parse,
# is reported by name with exit 2. `n2n data info` on a SIDD frame, a METADATA file, Debian's CR2
# and the shared D750 crop (skipped, and said so, when absent) prints the expected fields.
# `n2n denoise --noise-json` gives the calibration's level to the noise-conditioned start model.
# Usage: cli_data_test.py N2N_BINARY SHARED_DATA_DIR MODEL_DIR WORKDIR.
import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import scipy.io as sio
from PIL import Image

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "fixtures"))
from make_sidd_fixtures import frame, mat73, metadata  # noqa: E402
import d750_frames  # noqa: E402

n2n, shared, model_dir, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
BAD_INPUT = 2
failures = []
SCENES = ["0001_001_GP_00100_00060_3200_L", "0002_002_IP_00800_01000_5500_N", "0003_003_G4_00400_00160_5500_H"]


def run(args):
    return subprocess.run([n2n, *args], capture_output=True, text=True, timeout=600)


def expect(name, ok, output):
    print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if not ok:
        failures.append(name)
        print(output)


def write_tree(root):
    for scene in SCENES:
        folder = os.path.join(root, scene)
        os.makedirs(folder)
        inst = scene[:4]
        for index in ("010", "011"):
            for kind in ("NOISY", "GT"):
                mat73(os.path.join(folder, f"{inst}_{kind}_RAW_{index}.MAT"), {"x": frame(8, 12)}, compress=True)
            metadata(os.path.join(folder, f"{inst}_METADATA_RAW_{index}.MAT"))


good = os.path.join(work, "good")
write_tree(good)
p = run(["data", "verify", good])
expect("a whole tree passes", p.returncode == 0 and "3 scene folders, 18 files checked, 0 problems" in p.stdout,
       p.stdout + p.stderr)

# Each fault on a fresh copy: (name, change, file or folder that must be named, kind).
s1, s2, s3 = (os.path.join("{root}", s) for s in SCENES)


def truncate(path):
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) // 2)


faults = [
    ("missing file", lambda r: os.remove(f"{s2}/0002_GT_RAW_011.MAT".format(root=r)), f"{s2}/0002_GT_RAW_011.MAT",
     "file: missing"),
    ("truncated file", lambda r: truncate(f"{s1}/0001_NOISY_RAW_010.MAT".format(root=r)),
     f"{s1}/0001_NOISY_RAW_010.MAT", "HDF5: unreadable: truncated file"),
    ("wrong shape", lambda r: mat73(f"{s3}/0003_GT_RAW_010.MAT".format(root=r), {"x": frame(8, 14)}),
     f"{s3}/0003_GT_RAW_010.MAT", "x: shape: shape 8x14, its NOISY frame 0003_NOISY_RAW_010.MAT is 8x12"),
    ("integer frame", lambda r: mat73(f"{s1}/0001_GT_RAW_011.MAT".format(root=r),
                                      {"x": (frame(8, 12) * 1000).astype(np.uint16)}),
     f"{s1}/0001_GT_RAW_011.MAT", "x: type"),
    ("v5 frame", lambda r: sio.savemat(f"{s2}/0002_NOISY_RAW_010.MAT".format(root=r), {"x": frame(8, 12)}),
     f"{s2}/0002_NOISY_RAW_010.MAT", "header: type"),
    ("unreadable METADATA", lambda r: truncate(f"{s3}/0003_METADATA_RAW_011.MAT".format(root=r)),
     f"{s3}/0003_METADATA_RAW_011.MAT", "metadata: unreadable"),
    ("extra file", lambda r: open(f"{s1}/notes.txt".format(root=r), "w").close(), f"{s1}/notes.txt", "file: extra"),
    ("bad folder name", lambda r: os.makedirs(os.path.join(r, "0004_004_XX_00100_00060_3200_L")),
     os.path.join("{root}", "0004_004_XX_00100_00060_3200_L"), "folder name: folder name"),
]
for name, change, named, kind in faults:
    root = os.path.join(work, name.replace(" ", "_"))
    shutil.copytree(good, root)
    change(root)
    p = run(["data", "verify", root])
    problem_lines = [line for line in p.stdout.splitlines() if not line.startswith(root + ":")]
    expected = f"{named.format(root=root)}: {kind}"
    ok = (p.returncode == BAD_INPUT and len(problem_lines) == 1 and problem_lines[0].startswith(expected)
          and "1 problems" in p.stdout and re.search(r"SIDD tree", p.stderr) is not None)
    expect(f"verify: {name} is named ({expected})", ok, p.stdout + p.stderr)

p = run(["data", "verify", os.path.join(work, "absent")])
expect("verify: an absent root is an I/O failure (3)", p.returncode == 3 and "absent" in p.stderr, p.stderr)

# data info on a SIDD frame: variables and the scene fields of its folder name.
noisy = os.path.join(good, SCENES[0], "0001_NOISY_RAW_010.MAT")
p = run(["data", "info", noisy])
text_ok = p.returncode == 0 and all(s in p.stdout for s in ("format: MAT v7.3", "x  8x12  single", "phone: GP",
                                                               "iso: 100.0", "illuminant_kelvin: 3200", "brightness: L"))
expect("info: SIDD frame (text)", text_ok, p.stdout + p.stderr)
p = run(["data", "info", "--json", noisy])
j = json.loads(p.stdout) if p.returncode == 0 else {}
expect("info: SIDD frame (json)", j.get("variables") == [{"name": "x", "shape": [8, 12], "class": "single"}]
       and j.get("sidd_scene", {}).get("exposure_time_s") == 1 / 60, p.stdout + p.stderr)
p = run(["data", "info", "--json", os.path.join(good, SCENES[1], "0002_METADATA_RAW_011.MAT")])
j = json.loads(p.stdout) if p.returncode == 0 else {}
md = j.get("metadata", {})
expect("info: METADATA file", j.get("format") == "MAT v5" and md.get("cfa") == "RGGB" and md.get("white") == 1023
       and md.get("black") == [64] * 4 and md.get("iso") == 100 and j["sidd_scene"]["phone"] == "IP",
       p.stdout + p.stderr)

# data info on camera raw: Debian's CR2 (a declared dependency) and the shared D750 crop.
p = run(["data", "info", "--json", "/usr/share/doc/rawtran/IMG_5952.CR2"])
j = json.loads(p.stdout) if p.returncode == 0 else {}
expect("info: CR2 camera, ISO, size, levels", j.get("camera") == "Canon EOS 30D" and j.get("iso", 0) > 0
       and j.get("width", 0) > 3000 and j.get("white", 0) > 0 and j.get("cfa") in ("RGGB", "GRBG", "GBRG", "BGGR"),
       p.stdout + p.stderr)
d750 = os.path.join(d750_frames.crop_dir(shared), "DSC_1339_768x512_rggb.raw")
if os.path.exists(d750):
    p = run(["data", "info", d750, *d750_frames.GEOMETRY])
    expect("info: D750 crop", p.returncode == 0 and all(s in p.stdout for s in (
        "height: 512", "width: 768", "cfa: RGGB", "black: 600.0 600.0 600.0 600.0", "white: 15520.0")),
        p.stdout + p.stderr)
else:
    print(f"SKIPPED: info on the D750 crop ({d750} is absent)")

# denoise --noise-json: the log states the calibration's beta1; without it, the blind fit.
rng = np.random.default_rng(7)
ramp = np.linspace(2000, 40000, 64 * 64).reshape(64, 64)
Image.fromarray(np.clip(ramp + rng.normal(0, 300, ramp.shape), 0, 65535).astype(np.uint16)).save(
    os.path.join(work, "mosaic.png"))
cal = os.path.join(work, "cal.json")
with open(cal, "w") as f:
    json.dump({"format": "n2n-noise-calibration", "version": 1,
               "entries": [{"camera": "", "iso": 0, "beta1": 3.25e-4, "beta2": 2e-6}]}, f)
model = os.path.join(model_dir, "start_gat_unet16.pt")
base = ["denoise", os.path.join(work, "mosaic.png"), "--phase", "RGGB", "--model", model, "--no-npy"]
p = run([*base, "-o", os.path.join(work, "cal_out"), "--noise-json", cal])
expect("denoise --noise-json uses the calibration", p.returncode == 0 and
       "noise: calibration @0 beta1=0.000325 beta2=2e-06" in p.stderr, p.stderr)
p = run([*base, "-o", os.path.join(work, "blind_out")])
expect("denoise without it fits blindly", p.returncode == 0 and "noise: blind fit" in p.stderr, p.stderr)

print(f"{len(failures)} failed" if failures else "all passed")
sys.exit(1 if failures else 0)
