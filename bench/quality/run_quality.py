#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The quality benchmark table: noisy input, the classical baseline and trained models on

  * Kodak24 unprocessed to raw (RGGB, Nikon D750 colour) at five SIDD noise levels, low to high:
    GP:100, IP:800, N6:800, S6:1600, S6:3200 (SIDD's cam_iso_nlf.txt);
  * the Canon EOS 30D CR2 of rawtran-doc, rows 406-1941 / columns 736-2783 of the visible mosaic
    (RGGB), black 128 / white 4095, with N6:800 and S6:3200 noise;
  * the Nikon D750 crop of the shared data (black 600 / white 15520, RGGB) with N6:800 noise.

Every pair is made by `n2n synth` (seeded) and scored by `n2n eval` (PSNR/SSIM in raw space,
mean signed error in the darkest quarter). Columns per model given with --model NAME=PATH
(e.g. n2n, n2n_gamma0, n2c). With --train-minutes M, n2n is also trained here on the Kodak
noisy frames (gamma 1 and gamma 0, same seed and budget) before scoring.

  bench/quality/run_quality.py --n2n build/tools/n2n --out bench-out/quality [--model n2n=run/checkpoint_last.pt]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

KODAK_LEVELS = ["GP:100", "IP:800", "N6:800", "S6:1600", "S6:3200"]
CR2 = "/usr/share/doc/rawtran/IMG_5952.CR2"


def run(cmd, log):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    log.write("$ " + " ".join(str(c) for c in cmd) + "\n")
    start = time.time()
    subprocess.run([str(c) for c in cmd], check=True)
    return time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n2n", default="build/tools/n2n", help="the n2n binary")
    ap.add_argument("--out", default="bench-out/quality", help="work and result folder")
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / ".." / "shared" / "data"),
                    help="the shared data folder (kodak24, SIDD NLF table, D750 crop)")
    ap.add_argument("--model", action="append", default=[], help="NAME=PATH of a trained model column (repeat)")
    ap.add_argument("--train-minutes", type=float, default=0,
                    help="also train n2n (gamma 1 and gamma 0) on the Kodak noisy frames for this long each")
    ap.add_argument("--train-epochs", type=int, default=20,
                    help="epochs of those runs (the learning rate halves every epochs/5, the gamma ramp spans them all)")
    ap.add_argument("--seed", type=int, default=1, help="noise and training seed")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--sets", default="kodak,cr2,d750", help="comma-separated subset of kodak,cr2,d750")
    args = ap.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shared = Path(args.shared).resolve()
    nlf = shared / "sidd/noise-level-functions/cam_iso_nlf.txt"
    if not nlf.exists():
        sys.exit(f"missing {nlf}")
    log = open(out / "commands.txt", "a")
    sets = args.sets.split(",")
    pair_sets = {}
    level_args = lambda levels: [a for l in levels for a in ("--level", l)]

    if "kodak" in sets:
        kodak = shared / "clean/kodak24"
        if kodak.is_dir():
            run([args.n2n, "synth", kodak, "-o", out / "kodak", "--nlf", nlf, "--cfa", "RGGB", "--seed", args.seed,
                 *level_args(KODAK_LEVELS)], log)
            pair_sets["kodak24"] = out / "kodak/pairs.json"
        else:
            print(f"SKIP kodak24: {kodak} absent")
    if "cr2" in sets:
        if Path(CR2).exists():
            run([args.n2n, "synth", CR2, "-o", out / "cr2", "--nlf", nlf, "--crop", "406,736,1536,2048",
                 "--raw-black", 128, "--raw-white", 4095, "--seed", args.seed, *level_args(["N6:800", "S6:3200"])], log)
            pair_sets["cr2"] = out / "cr2/pairs.json"
        else:
            print(f"SKIP cr2: {CR2} absent (apt-get install rawtran-doc)")
    if "d750" in sets:
        d750 = shared / "raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw"
        if d750.exists():
            run([args.n2n, "synth", d750, "-o", out / "d750", "--nlf", nlf, "--width", 768, "--height", 512,
                 "--phase", "RGGB", "--bits", 14, "--black", 600, "--white", 15520, "--seed", args.seed,
                 *level_args(["N6:800"])], log)
            pair_sets["d750"] = out / "d750/pairs.json"
        else:
            print(f"SKIP d750: {d750} absent")

    models = [m.split("=", 1) for m in args.model]
    if args.train_minutes > 0 and "kodak24" in pair_sets:
        for name, gamma in (("n2n", 1), ("n2n_gamma0", 0)):
            run_dir = out / f"train_{name}"
            run([args.n2n, "train", "--data", out / "kodak/noisy", "--phase", "RGGB", "--out", run_dir, "--residual",
                 "--features", 16, "--patch", 128, "--gamma", gamma, "--seed", args.seed, "--epochs",
                 args.train_epochs, "--lr-step", max(1, args.train_epochs // 5), "--minutes", args.train_minutes,
                 "--threads", args.threads], log)
            models.append([name, str(run_dir / "checkpoint_last.pt")])

    results = {}
    for set_name, pairs in pair_sets.items():
        cmd = [args.n2n, "eval", pairs, "--classical", "--json", out / f"eval_{set_name}.json", "--threads", args.threads]
        for name, path in models:
            cmd += ["--model", path, "--name", name]
        run(cmd, log)
        results[set_name] = json.load(open(out / f"eval_{set_name}.json"))

    # The README table: mean PSNR (dB) / dark-quarter error per set and level, one column per method.
    methods = ["noisy", "classical"] + [name for name, _ in models]
    lines = ["| set | level | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    for set_name, report in results.items():
        for level in dict.fromkeys(s["level"] for s in report["summary"]):
            cells = []
            for m in methods:
                s = next((s for s in report["summary"] if s["level"] == level and s["method"] == m), None)
                cells.append("" if s is None else f"{s['mean']['psnr_db']:.2f} dB / {s['mean']['ssim']:.4f} / "
                                                  f"{s['mean']['dark_mean_error']:+.5f} ({s['seconds']:.1f} s)")
            lines.append(f"| {set_name} | {level} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + "\n\ncells: mean PSNR / SSIM / mean signed error in the darkest quarter (total time)\n"
    table += f"seed {args.seed}; models: {models if models else 'none'}\n"
    (out / "table.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
