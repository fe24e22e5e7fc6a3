#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# `n2n eval` on a SIDD Medium Raw tree written here with the independent writers of
# make_sidd_fixtures (h5py frames, scipy METADATA): two cameras at two ISOs, each frame noised by
# its metadata's NoiseProfile. The noisy column's PSNR must equal the PSNR numpy computes from the
# files, and every per-group mean (JSON and CSV) the mean of that group's rows, grouped here by
# the fixture's own table, not by the rows' group field. A removed GT file, a METADATA without
# NoiseProfile, one that is not a MAT file and one with a non-Bayer CFAPattern fail with the
# documented status (3 missing file, 2 malformed), naming file and field.
# Usage: cli_eval_test.py N2N_BINARY SHARED_DATA_DIR WORKDIR.
import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "io", "fixtures"))
from make_sidd_fixtures import mat73, metadata  # noqa: E402

n2n, _shared, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
BAD_INPUT, IO_FAILURE = 2, 3
failures = []
# Scene folder -> (phone, ISO, CFAPattern, NoiseProfile (S, O)): two S6 ISO 100 scenes, one IP ISO 800.
SCENES = {
    "0001_001_S6_00100_00060_3200_L": ("S6", 100, (2, 1, 1, 0), (4e-4, 2e-6)),
    "0003_002_S6_00100_00125_5500_N": ("S6", 100, (2, 1, 1, 0), (4e-4, 2e-6)),
    "0002_001_IP_00800_01000_5500_N": ("IP", 800, (0, 1, 1, 2), (3e-3, 4e-5)),
}
ROWS, COLS = 32, 48


def run(args):
    return subprocess.run([n2n, *args], capture_output=True, text=True, timeout=300)


def expect(name, ok, output=""):
    print(f"{'ok  ' if ok else 'FAIL'} {name}")
    if not ok:
        failures.append(name)
        print(output)


def write_tree(root):
    rng = np.random.default_rng(17)
    r, c = np.meshgrid(np.arange(ROWS), np.arange(COLS), indexing="ij")
    for k, (scene, (_phone, iso, cfa, profile)) in enumerate(SCENES.items()):
        folder = os.path.join(root, scene)
        os.makedirs(folder)
        inst = scene[:4]
        for index in ("010", "011"):
            clean = (0.1 + 0.6 * (r + 2 * c + 10 * k) / (ROWS + 2 * COLS + 30)).astype(np.float32)
            sigma = np.sqrt(profile[0] * clean + profile[1])
            noisy = np.clip(clean + sigma * rng.standard_normal(clean.shape), 0, 1).astype(np.float32)
            mat73(os.path.join(folder, f"{inst}_GT_RAW_{index}.MAT"), {"x": clean})
            mat73(os.path.join(folder, f"{inst}_NOISY_RAW_{index}.MAT"), {"x": noisy})
            metadata(os.path.join(folder, f"{inst}_METADATA_RAW_{index}.MAT"), cfa=cfa, iso=iso, noise_profile=profile)
    os.makedirs(os.path.join(root, "notes"))  # not a scene folder: passed over


def read_x(path):
    with h5py.File(path, "r") as f:
        return np.asarray(f["x"], dtype=np.float64).T  # HDF5 holds the transpose of the MATLAB matrix


def psnr(a, b):
    return 10 * math.log10(1.0 / np.mean((a - b) ** 2))


tree = os.path.join(work, "tree")
write_tree(tree)
report_json, report_csv = os.path.join(work, "report.json"), os.path.join(work, "groups.csv")
p = run(["eval", tree, "--classical", "--nlm-search", "2", "--json", report_json, "--csv", report_csv])
expect("eval on a SIDD tree succeeds", p.returncode == 0 and os.path.exists(report_json) and os.path.exists(report_csv),
       p.stdout + p.stderr)
if failures:
    sys.exit(1)
report = json.load(open(report_json))
rows = report["rows"]
names = {f"{scene}_{index}" for scene in SCENES for index in ("010", "011")}
expect("one row per capture and method", len(rows) == 2 * len(names)
       and {r["image"] for r in rows} == names and {r["method"] for r in rows} == {"noisy", "classical"}, rows)

# The noisy column against numpy's PSNR of the files themselves.
worst = 0.0
for r in (r for r in rows if r["method"] == "noisy"):
    scene, index = r["image"].rsplit("_", 1)
    folder = os.path.join(tree, scene)
    truth = psnr(read_x(os.path.join(folder, f"{scene[:4]}_NOISY_RAW_{index}.MAT")),
                 read_x(os.path.join(folder, f"{scene[:4]}_GT_RAW_{index}.MAT")))
    worst = max(worst, abs(r["scores"]["psnr_db"] - truth))
expect(f"noisy PSNR = numpy's from the files (worst |diff| {worst:.2e} dB)", worst < 1e-3)
expect("the classical baseline got the noise model (better than noisy in every row)",
       all(c["scores"]["psnr_db"] > n["scores"]["psnr_db"] + 1
           for n in rows if n["method"] == "noisy"
           for c in rows if c["method"] == "classical" and c["image"] == n["image"]), rows)

# Group means, grouped by the fixture's own table.
expected = {}
for r in rows:
    phone, iso = SCENES[r["image"].rsplit("_", 1)[0]][:2]
    for key in (f"{phone} ISO {iso}", "all"):
        expected.setdefault((key, r["method"]), []).append(r)
groups = report["groups"]
expect("groups: S6 ISO 100, IP ISO 800 and all, per method",
       sorted((g["group"], g["method"]) for g in groups) == sorted(expected), groups)
ok = True
for g in groups:
    chosen = expected.get((g["group"], g["method"]), [])
    ok &= g["images"] == len(chosen) and len(chosen) > 0
    for k in ("psnr_db", "ssim", "dark_mean_error"):
        ok &= abs(g["mean"][k] - sum(r["scores"][k] for r in chosen) / max(1, len(chosen))) < 1e-9
    if g["group"] != "all":
        phone, iso = g["group"].split(" ISO ")
        ok &= g["camera"] == phone and g["iso"] == float(iso)
expect("each group's mean = the mean of its rows", ok, groups)
expect("per-level summary kept (level, method, images, mean)",
       {s["level"] for s in report["summary"]} == {"S6:100", "IP:800", "all"}
       and all({"level", "method", "images", "mean", "seconds"} <= set(s) for s in report["summary"]),
       report["summary"])

table = list(csv.DictReader(io.StringIO(open(report_csv).read())))
ok = len(table) == len(groups)
for line, g in zip(table, groups):
    ok &= (line["group"], line["method"], int(line["images"])) == (g["group"], g["method"], g["images"])
    ok &= all(abs(float(line[k]) - g["mean"][k]) < 1e-12 for k in ("psnr_db", "ssim", "dark_mean_error"))
expect("CSV = the JSON's groups", ok, open(report_csv).read())
expect("the table has the camera / ISO means", "camera / ISO" in p.stdout and "IP ISO 800" in p.stdout, p.stdout)

# Bad trees, each on a fresh copy: (name, change, exit status, texts the error must hold).
s1, s2 = (os.path.join("{root}", s) for s in list(SCENES)[:2])
faults = [
    ("removed GT", lambda root: os.remove(f"{s2}/0003_GT_RAW_011.MAT".format(root=root)), IO_FAILURE,
     [f"{s2}/0003_GT_RAW_011.MAT", "GT", "missing"]),
    ("METADATA without NoiseProfile",
     lambda root: metadata(f"{s1}/0001_METADATA_RAW_010.MAT".format(root=root)), BAD_INPUT,
     [f"{s1}/0001_METADATA_RAW_010.MAT", "NoiseProfile"]),
    ("METADATA not a MAT file", lambda root: open(f"{s1}/0001_METADATA_RAW_011.MAT".format(root=root), "wb").write(
        b"not a MAT file" * 20), BAD_INPUT, [f"{s1}/0001_METADATA_RAW_011.MAT", "header"]),
    ("METADATA with a non-Bayer CFAPattern",
     lambda root: metadata(f"{s2}/0003_METADATA_RAW_010.MAT".format(root=root), cfa=(0, 0, 0, 0),
                           noise_profile=(4e-4, 2e-6)), BAD_INPUT, [f"{s2}/0003_METADATA_RAW_010.MAT", "CFAPattern"]),
]
for name, change, status, texts in faults:
    root = os.path.join(work, name.replace(" ", "_"))
    shutil.copytree(tree, root)
    change(root)
    out = os.path.join(root, "report.json")
    p = run(["eval", root, "--json", out])
    texts = [t.format(root=root) for t in texts]
    expect(f"{name}: exit {status}, naming {texts}",
           p.returncode == status and all(t in p.stderr for t in texts) and not os.path.exists(out), p.stderr)

# One scene folder on its own is a tree too.
p = run(["eval", os.path.join(tree, list(SCENES)[2])])
expect("a single scene folder", p.returncode == 0 and "IP:800" in p.stdout and "S6" not in p.stdout,
       p.stdout + p.stderr)

# SIDD's archive layout: the scene folders under Data/.
archive = os.path.join(work, "archive")
shutil.copytree(tree, os.path.join(archive, "Data"))
out = os.path.join(work, "archive.json")
p = run(["eval", archive, "--json", out])
expect("a tree under Data/",
       p.returncode == 0 and os.path.exists(out) and {r["image"] for r in json.load(open(out))["rows"]} == names,
       p.stdout + p.stderr)

print("FAILED: " + ", ".join(failures) if failures else "all passed")
sys.exit(1 if failures else 0)
