#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Communication overhead of data-parallel `n2n train` (issue 16), measured in one run: the paper's
# 48-feature U-Net trained by one process and by 2 ranks on loopback (Gloo), same global batch,
# same threads per process. Each rank reports the seconds it spent inside collectives (allreduce
# of the gradients and of the loss, including waiting for the other rank); the report gives that
# share of the step, the step times, and what a ring allreduce of the same gradients would cost
# between machines at a stated bandwidth (computed, not measured: 2 (N-1)/N x bytes / bandwidth).
# Usage: bench_data_parallel.py N2N_BINARY FRAMES_DIR [--json OUT] [--threads T] [--steps S]
import argparse
import json
import os
import re
import socket
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("n2n")
parser.add_argument("frames", help="folder of headerless 768x512 RGGB 14-bit dumps (the shared D750 crop)")
parser.add_argument("--json")
parser.add_argument("--threads", type=int, default=1, help="LibTorch threads per process")
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--bandwidth-gbit", type=float, default=10.0)
args = parser.parse_args()

GEOMETRY = ["--width", "768", "--height", "512", "--phase", "RGGB", "--bits", "14", "--black", "600", "--white",
            "15520"]


def command(out):
    return [args.n2n, "train", "--data", args.frames, "-o", out, *GEOMETRY, "--features", "48", "--patch", "128",
            "--batch", "4", "--epochs", str(args.epochs), "--patches-per-frame", "2", "--workers", "0", "--threads",
            str(args.threads), "--seed", "1", "-q"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seconds_per_step(out):
    with open(os.path.join(out, "train_log.jsonl")) as f:
        records = [json.loads(line) for line in f]
    return sum(r["seconds"] for r in records) / sum(r["batches"] for r in records)


with tempfile.TemporaryDirectory() as work:
    t0 = time.monotonic()
    subprocess.run(command(os.path.join(work, "one")), check=True, capture_output=True)
    single_wall = time.monotonic() - t0
    single_step = seconds_per_step(os.path.join(work, "one"))
    port = free_port()
    ranks = []
    for rank in (0, 1):
        env = dict(os.environ, RANK=str(rank), WORLD_SIZE="2", LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1",
                   MASTER_PORT=str(port))
        ranks.append(subprocess.Popen(command(os.path.join(work, "two")), env=env, stdout=subprocess.PIPE, text=True))
    shares = []
    for r in ranks:
        out, _ = r.communicate()
        m = re.search(r"rank (\d+): ([\d.]+) s of ([\d.]+) s in collectives", out)
        shares.append({"rank": int(m.group(1)), "collective_s": float(m.group(2)), "total_s": float(m.group(3))})
    two_step = seconds_per_step(os.path.join(work, "two"))
    # The gradient size, counted by Debian's python3-torch on the exported network.
    exported = os.path.join(work, "net.pt")
    subprocess.run([args.n2n, "export", os.path.join(work, "one", "checkpoint_last.pt"), "-o", exported], check=True,
                   capture_output=True)
    import torch
    parameters = sum(p.numel() for p in torch.jit.load(exported).parameters())

gradient_bytes = parameters * 4
bandwidth = args.bandwidth_gbit * 1e9 / 8
ring = {str(n): 2 * (n - 1) / n * gradient_bytes / bandwidth for n in (2, 4, 8, 16)}
report = {
    "threads_per_process": args.threads,
    "cpu_cores": os.cpu_count(),
    "network": "unet, 48 features, patch 128 (packed), global batch 4",
    "parameters": parameters,
    "single_process_s_per_step": single_step,
    "two_ranks_s_per_step": two_step,
    "ranks": shares,
    "collective_share_of_run": [s["collective_s"] / s["total_s"] for s in shares],
    "ring_allreduce_s_at_bandwidth": {"gbit_per_s": args.bandwidth_gbit, "seconds_by_machines": ring},
    "scaling_efficiency_if_step_is_single_process_step": {
        n: single_step / (single_step + t) for n, t in ring.items()},
}
print(json.dumps(report, indent=2))
if args.json:
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2)
