#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The quality benchmark table: noisy input, the classical baseline and trained models on

  * Kodak24 unprocessed to raw (RGGB, Nikon D750 colour) at five SIDD noise levels, low to high:
    GP:100, IP:800, N6:800, S6:1600, S6:3200 (SIDD's cam_iso_nlf.txt);
  * the Canon EOS 30D CR2 of rawtran-doc, rows 406-1941 / columns 736-2783 of the visible mosaic
    (RGGB), black 128 / white 4095, with N6:800 and S6:3200 noise;
  * the Nikon D750 crop of the shared data (black 600 / white 15520, RGGB) with N6:800 noise.

Every pair is made by `n2n synth` (seeded) and scored by `n2n eval` (PSNR/SSIM in raw space,
mean signed error in the darkest quarter) beside the classical baseline (GAT + NLM, given the true
noise model). Model columns, all the same noise-conditioned 16-feature U-Net:

  start       the shipped starting model (models/), trained only on synthetic pairs from Kodak
              kodim01-20 and the shared raw captures: the chart and the colour checker
  n2n         start + Neighbor2Neighbor (gamma 1) on the set's own noisy frames for --minutes,
              the epoch kept by SURE on training crops (the starting model counts as epoch 0)
  n2n_last    the same run's last epoch: what the selection protects against
  n2n_gamma0  n2n with gamma 0 (no regulariser): the paper's Table 3 ablation
  sure        start + Stein's-unbiased-risk-estimate training (--objective sure) on the same noisy
              frames, same budget, kept by SURE: the demo's default
  n2c         start + supervised training on the set's clean frames with the set's noise levels,
              same budget: the bound a self-supervised method can approach
  *_blind     the same model given no noise level: blind fit per frame (as for a new camera)
  *_x8        start, n2n and n2c averaged over 8 orientations (`n2n eval --ensemble 8`, --ensemble)
  scratch     (--scratch) the paper's recipe from scratch: raw input, residual U-Net, same budget

Self-supervised runs read the pair set's noisy side (`n2n train --kind pairs`), so each frame
comes with the noise level function it was made with, as the classical baseline gets it (a
SIDD file's or a DNG's NoiseProfile, or a calibration, in real use). Models get the pair's known
noise level function at evaluation too, unless _blind. Every row also carries the blind SURE
estimate of its PSNR (`n2n eval --sure`) beside the true one.
Kodak images 21-24 were never seen in training; a separate `kodak_heldout` summary reports them.

  bench/quality/run_quality.py --n2n build/tools/n2n --out bench-out/quality --minutes 3
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


# Steps 3 minutes allow on the idle 2-core machine (LibTorch on 2 threads, 16-feature U-Net, batch 4,
# patch 64, SURE checks included): what `n2n demo --minutes 3` plans and runs there for
# Neighbor2Neighbor (1374 epochs of 8 steps; also given to the supervised N2C column), and for SURE
# (two full-size passes and their backward) that scaled by the demo's plans at 0.1 minutes (43
# Neighbor2Neighbor epochs, 15 SURE). Before the layer speed-ups of issue 15 they were 3960 and
# 1260. Budgets in steps make the table independent of whatever else the machine runs.
STEPS_PER_3_MIN = {"n2n": 10992, "sure": 3835}


def train(args, log, run_dir, data, extra, objective="n2n", kept="checkpoint_best.pt"):
    """One training run; `data` is a pairs.json (its noisy side) or a folder of clean frames."""
    source = ["--kind", "pairs", "--data", data] if str(data).endswith(".json") else ["--data", data, "--phase", "RGGB"]
    steps = round(STEPS_PER_3_MIN[objective] * args.minutes / 3.0)
    if args.reuse_runs and (run_dir / kept).exists() and (run_dir / "train_log.jsonl").exists():
        print(f"reusing the finished run in {run_dir}")
        return str(run_dir / kept)
    run([args.n2n, "train", *source, "--out", run_dir, "--budget-steps", steps, "--seed", args.seed,
         "--threads", args.threads, "--overwrite", *extra], log)
    return str(run_dir / kept)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n2n", default="build/tools/n2n", help="the n2n binary")
    ap.add_argument("--out", default="bench-out/quality", help="work and result folder")
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / ".." / "shared" / "data"),
                    help="the shared data folder (kodak24, SIDD NLF table, D750 crop)")
    ap.add_argument("--start", default=str(Path(__file__).resolve().parents[2] / "models" / "start_gat_unet16.pt"),
                    help="the starting model")
    ap.add_argument("--minutes", type=float, default=3.0,
                    help="training budget of every trained column, per set, as the steps it allows on the idle machine")
    ap.add_argument("--no-train", action="store_true", help="only the starting model and the baselines")
    ap.add_argument("--scratch", action="store_true", help="also the paper's recipe from scratch (raw input)")
    ap.add_argument("--seed", type=int, default=1, help="noise and training seed")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--sets", default="kodak,cr2,d750,phases", help="comma-separated subset of kodak,cr2,d750,phases")
    ap.add_argument("--columns", default="n2n,n2n_gamma0,sure,n2c", help="trained columns, a subset of the default")
    ap.add_argument("--ensemble", type=int, default=8, choices=[1, 2, 4, 8],
                    help="also score start, n2n and n2c averaged over this many orientations (1: not)")
    ap.add_argument("--reuse-runs", action="store_true", help="keep training runs already finished in --out")
    args = ap.parse_args()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shared = Path(args.shared).resolve()
    nlf = shared / "sidd/noise-level-functions/cam_iso_nlf.txt"
    if not nlf.exists():
        sys.exit(f"missing {nlf}")
    log = open(out / "commands.txt", "a")
    sets = args.sets.split(",")
    pair_sets = {}  # name -> (pairs.json, levels)
    level_args = lambda levels: [a for l in levels for a in ("--level", l)]

    if "kodak" in sets:
        kodak = shared / "clean/kodak24"
        if kodak.is_dir():
            run([args.n2n, "synth", kodak, "-o", out / "kodak", "--nlf", nlf, "--cfa", "RGGB", "--seed", args.seed,
                 *level_args(KODAK_LEVELS)], log)
            pair_sets["kodak24"] = (out / "kodak/pairs.json", KODAK_LEVELS)
        else:
            print(f"SKIP kodak24: {kodak} absent")
    if "cr2" in sets:
        if Path(CR2).exists():
            run([args.n2n, "synth", CR2, "-o", out / "cr2", "--nlf", nlf, "--crop", "406,736,1536,2048",
                 "--raw-black", 128, "--raw-white", 4095, "--seed", args.seed, *level_args(["N6:800", "S6:3200"])], log)
            pair_sets["cr2"] = (out / "cr2/pairs.json", ["N6:800", "S6:3200"])
        else:
            print(f"SKIP cr2: {CR2} absent (apt-get install rawtran-doc)")
    if "d750" in sets:
        d750 = shared / "raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw"
        if d750.exists():
            run([args.n2n, "synth", d750, "-o", out / "d750", "--nlf", nlf, "--width", 768, "--height", 512,
                 "--phase", "RGGB", "--bits", 14, "--black", 600, "--white", 15520, "--seed", args.seed,
                 *level_args(["N6:800"])], log)
            pair_sets["d750"] = (out / "d750/pairs.json", ["N6:800"])
        else:
            print(f"SKIP d750: {d750} absent")

    results = {}
    trained = {}
    for set_name, (pairs, levels) in pair_sets.items():
        folder = pairs.parent
        models = [("start", args.start)]
        if not args.no_train:
            n2n_args = ["--init", args.start, "--patch", 64, "--batch", 4, "--lr", 2.5e-4, "--augment", "flips"]
            columns = args.columns.split(",")
            if "n2n" in columns:
                n2n = train(args, log, out / f"train_{set_name}_n2n", pairs, n2n_args + ["--gamma", 1])
                models.append(("n2n", n2n))
                models.append(("n2n_last", str(Path(n2n).with_name("checkpoint_last.pt"))))
            if "n2n_gamma0" in columns:
                models.append(("n2n_gamma0", train(args, log, out / f"train_{set_name}_n2n_gamma0", pairs,
                                                   n2n_args + ["--gamma", 0])))
            if "sure" in columns:
                models.append(("sure", train(args, log, out / f"train_{set_name}_sure", pairs,
                                             ["--init", args.start, "--patch", 64, "--batch", 4, "--lr", 1e-4,
                                              "--augment", "flips", "--objective", "sure"], objective="sure")))
            if "n2c" in columns:
                models.append(("n2c", train(args, log, out / f"train_{set_name}_n2c", folder / "clean",
                                            ["--init", args.start, "--supervised", "--nlf", nlf, *level_args(levels),
                                             "--patch", 64, "--batch", 4, "--lr", 2.5e-4, "--augment", "flips"],
                                            kept="checkpoint_last.pt")))
            if args.scratch:
                models.append(("scratch", train(args, log, out / f"train_{set_name}_scratch", pairs,
                                                ["--residual", "--features", 16, "--patch", 64, "--batch", 4, "--lr", 2e-3,
                                                 "--augment", "flips", "--gamma", 1])))
        trained[set_name] = models
        cmd = [args.n2n, "eval", pairs, "--classical", "--sure", "--json", out / f"eval_{set_name}.json",
               "--threads", args.threads]
        for name, path in models:
            cmd += ["--model", path, "--name", name]
        run(cmd, log)
        report = json.load(open(out / f"eval_{set_name}.json"))
        blind = [(name, path) for name, path in models if name in ("start", "n2n", "sure")]
        cmd = [args.n2n, "eval", pairs, "--no-noisy", "--model-noise", "blind", "--json", out / f"eval_{set_name}_blind.json",
               "--threads", args.threads]
        for name, path in blind:
            cmd += ["--model", path, "--name", name + "_blind"]
        run(cmd, log)
        blind_report = json.load(open(out / f"eval_{set_name}_blind.json"))
        report["rows"] += blind_report["rows"]
        report["summary"] += blind_report["summary"]
        if args.ensemble > 1:
            # The self-ensemble (n2n eval --ensemble): the same networks averaged over orientations.
            averaged = [(name, path) for name, path in models if name in ("start", "n2n", "n2c")]
            cmd = [args.n2n, "eval", pairs, "--no-noisy", "--ensemble", args.ensemble, "--json",
                   out / f"eval_{set_name}_x{args.ensemble}.json", "--threads", args.threads]
            for name, path in averaged:
                cmd += ["--model", path, "--name", f"{name}_x{args.ensemble}"]
            run(cmd, log)
            averaged_report = json.load(open(out / f"eval_{set_name}_x{args.ensemble}.json"))
            report["rows"] += averaged_report["rows"]
            report["summary"] += averaged_report["summary"]
        results[set_name] = report
        if set_name == "kodak24":
            results["kodak_heldout"] = heldout(report, ("kodim21", "kodim22", "kodim23", "kodim24"))

    phase_lines = phase_spread(args, log, out, shared, nlf) if "phases" in sets else []

    # The README table: mean PSNR (dB) / SSIM / dark-quarter error per set and level, one column per method.
    methods = list(dict.fromkeys(s["method"] for r in results.values() for s in r["summary"]))
    lines = ["| set | level | " + " | ".join(methods) + " |", "|---|---|" + "---|" * len(methods)]
    for set_name, report in results.items():
        for level in dict.fromkeys(s["level"] for s in report["summary"]):
            cells = []
            for m in methods:
                s = next((s for s in report["summary"] if s["level"] == level and s["method"] == m), None)
                sure = f" ({s['risk_estimate_psnr_db']:.2f})" if s is not None and "risk_estimate_psnr_db" in s else ""
                cells.append("" if s is None else f"{s['mean']['psnr_db']:.2f}{sure} / {s['mean']['ssim']:.4f} / "
                                                  f"{s['mean']['dark_mean_error']:+.5f}")
            lines.append(f"| {set_name} | {level} | " + " | ".join(cells) + " |")
    table = "\n".join(lines) + ("\n\ncells: mean PSNR dB (its blind SURE estimate) / SSIM / mean signed error in the "
                                 "darkest quarter\n")
    table += (f"seed {args.seed}; training budget per trained column and set: {args.minutes} min on the idle 2-core "
              f"machine = {round(STEPS_PER_3_MIN['n2n'] * args.minutes / 3)} steps (n2n, N2C) or "
              f"{round(STEPS_PER_3_MIN['sure'] * args.minutes / 3)} (sure); threads {args.threads}\n")
    if phase_lines:
        table += "\n" + "\n".join(phase_lines) + "\n"
    (out / "table.md").write_text(table)
    json.dump(results, open(out / "results.json", "w"), indent=1)
    print(table)


def phase_spread(args, log, out, shared, nlf):
    """The same content in the four CFA phases: the D750 crop (RGGB) cut one row and/or column
    later (GRBG, GBRG, BGGR), at N6:800, through the starting model with Bayer unification by
    shift and by reordering: the spread of PSNR over the phases. (The shared per-phase D750 files
    are not used: they are different cuts of the scene, not one-pixel shifts of each other.)"""
    raw = shared / "raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw"
    if not raw.exists():
        print(f"SKIP phases: {raw} absent")
        return []
    phases = {"RGGB": "0,0", "GRBG": "0,1", "GBRG": "1,0", "BGGR": "1,1"}
    sets = []
    for phase, origin in phases.items():
        run([args.n2n, "synth", raw, "-o", out / f"phase_{phase}", "--nlf", nlf, "--width", 768, "--height", 512,
             "--phase", "RGGB", "--bits", 14, "--black", 600, "--white", 15520, "--crop", f"{origin},510,766",
             "--seed", args.seed, "--level", "N6:800"], log)
        sets.append(out / f"phase_{phase}/pairs.json")
    lines = ["| D750 at N6:800, same content | " + " | ".join(phases) + " | spread |", "|---|---|---|---|---|---|"]
    for method, extra in (("classical", ["--classical"]),
                          ("start, shift", ["--model", args.start, "--name", "start", "--alignment", "shift"]),
                          ("start, reorder", ["--model", args.start, "--name", "start", "--alignment", "reorder"])):
        report_path = out / f"eval_phases_{method.replace(', ', '_')}.json"
        run([args.n2n, "eval", *sets, "--no-noisy", *extra, "--json", report_path, "--threads", args.threads], log)
        rows = json.load(open(report_path))["rows"]
        psnr = [r["scores"]["psnr_db"] for r in rows]
        lines.append(f"| {method} | " + " | ".join(f"{p:.2f}" for p in psnr) + f" | {max(psnr) - min(psnr):.2f} dB |")
    return lines


def heldout(report, prefixes):
    """Per-level means over the pairs whose names start with one of `prefixes`."""
    rows = [r for r in report["rows"] if r["image"].startswith(prefixes)]
    summary = []
    for level in list(dict.fromkeys(r["level"] for r in rows)) + ["all"]:
        for method in dict.fromkeys(r["method"] for r in rows):
            chosen = [r for r in rows if r["method"] == method and (level == "all" or r["level"] == level)]
            if not chosen:
                continue
            mean = {k: sum(r["scores"][k] for r in chosen) / len(chosen) for k in ("psnr_db", "ssim", "dark_mean_error")}
            summary.append({"level": level, "method": method, "images": len(chosen), "mean": mean,
                            "seconds": sum(r["seconds"] for r in chosen)})
    return {"rows": rows, "summary": summary}


if __name__ == "__main__":
    main()
