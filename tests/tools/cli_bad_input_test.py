#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Table-driven test of what `n2n` does with bad input (issue 14): every case must end with the
# documented exit status (README "Exit status"), a one-line message that names the file and the
# field or option at fault, and no output or temporary file left behind. Cases that need the
# shared raw captures are skipped (and reported) when they are absent; the rest always run.
# Usage: cli_bad_input_test.py N2N_BINARY SHARED_DATA_DIR MODEL_DIR WORKDIR. Exit 77 = all skipped.
import os
import re
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image

n2n, shared, model_dir, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

BAD_INPUT, IO_FAILURE, NON_FINITE, SOME_FAILED = 2, 3, 4, 1
d750 = os.path.join(shared, "raw", "mushfiqulalam-isp-d750-crop", "DSC_1339_768x512_rggb.raw")
cr2 = "/usr/share/doc/rawtran/IMG_5952.CR2"
start_model = os.path.join(model_dir, "start_gat_unet16.pt")
D750_GEOMETRY = ["--width", "768", "--height", "512", "--phase", "RGGB", "--bits", "14", "--black", "600",
                 "--white", "15520"]
failures, ran, skipped = [], 0, []


def run(args, timeout=600):
    return subprocess.run([n2n, *args], capture_output=True, text=True, timeout=timeout)


def files_under(folder):
    found = []
    for root, _, names in os.walk(folder):
        found += [os.path.join(root, n) for n in names]
    return sorted(found)


def case(name, args, status, must_name, out=None, needs=(), keep=()):
    """Runs one case; `must_name` are regexes the error output must contain; `out` is a folder
    that must hold nothing new afterwards except the paths in `keep`."""
    global ran
    missing = [n for n in needs if not os.path.exists(n)]
    if missing:
        skipped.append(f"{name} (missing {', '.join(missing)})")
        return None
    before = set(files_under(out)) if out and os.path.isdir(out) else set()
    p = run(args)
    ran += 1
    problems = []
    if p.returncode != status:
        problems.append(f"exit {p.returncode}, expected {status}")
    for pattern in must_name:
        if not re.search(pattern, p.stderr):
            problems.append(f"message lacks /{pattern}/")
    if "Traceback" in p.stderr or "terminate called" in p.stderr or "Exception raised from" in p.stderr:
        problems.append("raw crash output")
    if out:
        new = [f for f in set(files_under(out)) - before if f not in keep]
        if new:
            problems.append(f"left files: {new}")
    if problems:
        failures.append(f"{name}: {'; '.join(problems)}\n    $ n2n {' '.join(args)}\n    {p.stderr.strip()}")
    else:
        print(f"ok  {name}: exit {p.returncode}: {p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ''}")
    return p


def write_png_mosaic(path, seed):
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 60000, size=(128, 192), dtype=np.uint16)).save(path)


# --- inputs that cannot say what they are -------------------------------------------------------
out = os.path.join(work, "out")
os.makedirs(out)
case("headerless dump without geometry (LibRaw would guess a camera by file size)",
     ["pack", d750, "-o", out], BAD_INPUT, [re.escape(os.path.basename(d750)), "width"], out, needs=[d750])
case("headerless dump without --phase", ["pack", d750, "-o", out, "--width", "768", "--height", "512"],
     BAD_INPUT, ["--phase"], out, needs=[d750])
case("--bits 10 on 14-bit data", ["pack", d750, "-o", out, "--width", "768", "--height", "512", "--phase", "RGGB",
                                  "--bits", "10"],
     BAD_INPUT, [re.escape(os.path.basename(d750)), "white level", r"\d+ of \d+ samples", "--bits"], out, needs=[d750])

# --- damaged files -------------------------------------------------------------------------------
if os.path.exists(cr2):
    data = open(cr2, "rb").read()
    for cut in (0, 16, 4096, len(data) // 2):
        damaged = os.path.join(work, f"cut_{cut}.CR2")
        open(damaged, "wb").write(data[:cut])
        case(f"CR2 truncated to {cut} bytes", ["pack", damaged, "-o", out], BAD_INPUT,
             [re.escape(os.path.basename(damaged))], out)
    wrong_magic = os.path.join(work, "wrong_magic.CR2")
    open(wrong_magic, "wb").write(b"\x00not a raw file\x00" * 100)
    case("wrong magic", ["pack", wrong_magic, "-o", out], BAD_INPUT, [re.escape("wrong_magic.CR2")], out)
else:
    skipped.append("damaged CR2 cases (no rawtran-doc CR2)")
odd = os.path.join(work, "odd.raw")
open(odd, "wb").write(b"\x01\x02" * (33 * 17))
# An odd-size frame is legal (sensors have them); packing must say that it dropped the odd row/column.
odd_run = run(["pack", odd, "-o", os.path.join(work, "odd_out"), "--width", "33", "--height", "17", "--phase", "RGGB"])
ran += 1
if odd_run.returncode != 0 or "odd trailing row/column dropped" not in odd_run.stdout:
    failures.append(f"odd-size frame: exit {odd_run.returncode}, {odd_run.stdout} {odd_run.stderr}")
short = os.path.join(work, "short.raw")
open(short, "wb").write(b"\x01\x02" * 100)
case("headerless file shorter than its geometry", ["pack", short, "-o", out, "--width", "64", "--height", "64",
                                                   "--phase", "RGGB"], BAD_INPUT, ["short.raw"], out)
case("absurd dimensions", ["pack", short, "-o", out, "--width", "4000000000", "--height", "4000000000", "--phase",
                           "RGGB"], BAD_INPUT, ["short.raw"], out)
empty = os.path.join(work, "empty.png")
open(empty, "wb").close()
case("zero-size file", ["pack", empty, "-o", out, "--phase", "RGGB"], BAD_INPUT, ["empty.png"], out)
photo = os.path.join(work, "photo.tif")
Image.fromarray(np.random.default_rng(3).integers(0, 255, size=(48, 64, 3), dtype=np.uint8)).save(photo)
case("non-Bayer file (an RGB TIFF)", ["pack", photo, "-o", out], BAD_INPUT, ["photo.tif"], out)
case("missing file", ["pack", os.path.join(work, "absent.CR2"), "-o", out], IO_FAILURE, ["absent.CR2"], out)
# A DNG NoiseProfile that cannot be a noise model is refused, never swapped for a blind estimate.
fixtures = os.path.join(work, "dng_fixtures")
os.makedirs(fixtures)
subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "..", "io", "fixtures", "make_dng_fixtures.py"),
                fixtures], check=True)
for name in ("noise_profile_count.dng", "noise_profile_negative.dng", "noise_profile_nan.dng"):
    case(f"DNG {name}", ["pack", os.path.join(fixtures, name), "-o", out], BAD_INPUT,
         [re.escape(name), "NoiseProfile"], out)

# --- option values: one validation layer -----------------------------------------------------------
render_out = os.path.join(work, "render")
os.makedirs(render_out)
for ev in ("nan", "inf", "1e308", "-1e999"):
    case(f"render --ev {ev}", ["render", cr2, "-o", os.path.join(render_out, "x.png"), "--ev", ev], BAD_INPUT,
         ["--ev"], render_out, needs=[cr2])
train_out = os.path.join(work, "train_bad_options")
for option, value in (("--gamma", "nan"), ("--minutes", "nan"), ("--cache-gb", "nan"), ("--lr", "inf"),
                      ("--workers", "100000"), ("--patch", "63")):
    case(f"train {option} {value}", ["train", "--data", work, "-o", train_out, option, value], BAD_INPUT,
         [re.escape(option)], work)
case("demo --patch 63", ["demo", "-o", os.path.join(work, "demo_patch"), "--patch", "63"], BAD_INPUT, ["--patch"],
     work)
case("demo --ev nan", ["demo", "-o", os.path.join(work, "demo_ev"), "--ev", "nan"], BAD_INPUT, ["--ev"], work)
case("unknown option", ["pack", "--no-such-option"], BAD_INPUT, ["no-such-option"])
case("no sub-command", [], BAD_INPUT, ["subcommand"])

# --- denoise: tiling, names, batches --------------------------------------------------------------
png_a, png_b = os.path.join(work, "a"), os.path.join(work, "b")
os.makedirs(png_a)
os.makedirs(png_b)
write_png_mosaic(os.path.join(png_a, "x.png"), 1)
write_png_mosaic(os.path.join(png_b, "x.png"), 2)
den = os.path.join(work, "denoised")
os.makedirs(den)
denoise = ["denoise", "--model", start_model, "-o", den, "--phase", "RGGB"]
case("denoise --tile 33", [*denoise, os.path.join(png_a, "x.png"), "--tile", "33"], BAD_INPUT, ["--tile"], den,
     needs=[start_model])
case("denoise --halo -5", [*denoise, os.path.join(png_a, "x.png"), "--halo", "-5"], BAD_INPUT, ["--halo"], den,
     needs=[start_model])
case("denoise --halo 0 (seams)", [*denoise, os.path.join(png_a, "x.png"), "--halo", "0"], BAD_INPUT,
     ["--halo", "seams"], den, needs=[start_model])
case("two inputs with one output name", [*denoise, os.path.join(png_a, "x.png"), os.path.join(png_b, "x.png")],
     BAD_INPUT, [re.escape(os.path.join("a", "x.png")), re.escape(os.path.join("b", "x.png"))], den,
     needs=[start_model])
bad_png = os.path.join(png_b, "broken.png")
open(bad_png, "wb").write(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
p = case("a batch with one bad file goes on, exit 1",
         [*denoise, os.path.join(png_a, "x.png"), bad_png, "--no-npy"], SOME_FAILED, ["broken.png", "1 of 2"], den,
         needs=[start_model], keep=[os.path.join(den, "x_denoised.png")])
if p is not None and not os.path.exists(os.path.join(den, "x_denoised.png")):
    failures.append("batch: the good file's output is missing")

# --- checkpoints: integrity, existing runs, resume schedule, divergence ---------------------------
run_dir = os.path.join(work, "run")
frames = os.path.join(work, "frames")
os.makedirs(frames)
for phase in ("rggb", "bggr", "grbg", "gbrg"):
    source = d750.replace("_rggb.raw", f"_{phase}.raw")
    if os.path.exists(source):
        shutil.copy(source, frames)
base = ["train", "--data", frames, "-o", run_dir, *D750_GEOMETRY, "--workers", "0"]
schedule = ["--features", "8", "--patch", "64", "--batch", "2", "--epochs", "3", "--lr-step", "1"]
if os.path.exists(d750):
    first = run([*base, *schedule])
    if first.returncode != 0:
        failures.append(f"training the fixture run failed: {first.stderr}")
    else:
        log = os.path.join(run_dir, "train_log.jsonl")
        log_before = open(log).read()
        case("train into an existing run without --resume", [*base, *schedule], BAD_INPUT,
             [re.escape(run_dir), "--out", "--overwrite"], run_dir)
        if open(log).read() != log_before:
            failures.append("refused training changed the old run's log")
        ckpt = os.path.join(run_dir, "checkpoint_last.pt")
        case("resume with a conflicting schedule", [*base, "--resume", "--epochs", "100", "--patch", "128"],
             BAD_INPUT, ["--epochs", r"the run has 3", "--override-schedule"], run_dir)
        done = run([*base, "--resume"])
        if done.returncode != 0 or "already finished at epoch 3" not in done.stdout:
            failures.append(f"resuming a finished run: exit {done.returncode}, {done.stdout} {done.stderr}")
        case("a diverging run stops naming the epoch and keeps the last finite checkpoint",
             [*base, "--resume", "--override-schedule", "--epochs", "5", "--lr", "1e30"], NON_FINITE,
             ["epoch 4", "diverged", "epoch 3\\) is kept"], run_dir)
        if open(log).read() != log_before:
            failures.append("the diverged run changed the log of the finite epochs")
        check = run(["export", ckpt, "-o", os.path.join(work, "after_divergence.pt")])
        if check.returncode != 0:
            failures.append(f"the checkpoint after divergence does not load: {check.stderr}")
        else:
            os.remove(os.path.join(work, "after_divergence.pt"))
        # Flip bytes in the middle of the weights: the stored digest must catch it.
        damaged = os.path.join(work, "flipped.pt")
        blob = bytearray(open(ckpt, "rb").read())
        middle = len(blob) // 2
        for k in range(middle, middle + 8):
            blob[k] ^= 0x5A
        open(damaged, "wb").write(bytes(blob))
        case("export of a checkpoint with flipped bytes", ["export", damaged, "-o", os.path.join(work, "x.pt")],
             BAD_INPUT, ["flipped.pt", "digest"], work)
        case("denoise with a checkpoint with flipped bytes",
             ["denoise", "--model", damaged, "-o", den, "--phase", "RGGB", os.path.join(png_a, "x.png")], BAD_INPUT,
             ["flipped.pt", "digest"], den)
else:
    skipped.append("checkpoint cases (no shared D750 crop)")

print(f"{ran} cases run, {len(failures)} failed, {len(skipped)} skipped")
for s in skipped:
    print(f"skipped: {s}")
if failures:
    print("\n".join(["FAILED:"] + failures))
    sys.exit(1)
sys.exit(77 if ran == 0 else 0)
