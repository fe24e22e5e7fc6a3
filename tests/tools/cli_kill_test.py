#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Kill test of `n2n train` (issue 14): a run SIGKILLed at random moments, once while a checkpoint
# is being written, and restarted each time with `--resume auto` (as a requeue script would) must
# end exactly where an uninterrupted run ends: the same per-epoch losses, bit for bit, the same
# denoised output, every epoch in the log once, and no temporary file left.
# Usage: cli_kill_test.py N2N_BINARY SHARED_DATA_DIR WORKDIR. Exit 77 = the shared D750 crop is absent.
import json
import os
import random
import signal
import subprocess
import sys
import time

import numpy as np

from d750_frames import GEOMETRY, fresh_frames

n2n, shared, work = sys.argv[1:4]
frames = fresh_frames(shared, work)

EPOCHS = 6
SCHEDULE = ["--features", "8", "--patch", "64", "--batch", "2", "--epochs", str(EPOCHS), "--lr-step", "2",
            "--patches-per-frame", "8", "--workers", "0", "--threads", "1", "--seed", "7"]


def train_command(out):
    return [n2n, "train", "--data", frames, "-o", out, *GEOMETRY, *SCHEDULE, "--resume", "auto"]


def log_of(out):
    with open(os.path.join(out, "train_log.jsonl")) as f:
        return [json.loads(line) for line in f]


def denoised(out, name):
    target = os.path.join(work, name)
    subprocess.run([n2n, "denoise", "--model", os.path.join(out, "checkpoint_last.pt"), "-o", target, *GEOMETRY,
                    "--threads", "1", os.path.join(frames, "DSC_1339_768x512_rggb.raw"), "--no-png"],
                   check=True, capture_output=True)
    return np.load(os.path.join(target, "DSC_1339_768x512_rggb_denoised.npy"))


def temporaries(out):
    return [n for n in os.listdir(out) if ".tmp-" in n]


failures = []
straight = os.path.join(work, "straight")
t0 = time.monotonic()
subprocess.run(train_command(straight), check=True, capture_output=True)
run_seconds = time.monotonic() - t0
print(f"uninterrupted run: {run_seconds:.1f} s")

killed = os.path.join(work, "killed")
rng = random.Random(20261202)
kills, during_write, attempts = 0, False, 0
while attempts < 40:
    attempts += 1
    p = subprocess.Popen(train_command(killed), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    this_kill_in_write = False
    if not during_write and kills >= 1:
        # Watch for a checkpoint being written and kill inside the write.
        deadline = time.monotonic() + run_seconds * 2
        while p.poll() is None and time.monotonic() < deadline:
            if os.path.isdir(killed) and any(n.startswith(".checkpoint_last.pt.tmp-") for n in os.listdir(killed)):
                p.send_signal(signal.SIGKILL)
                during_write = this_kill_in_write = True
                break
    elif kills < 4:
        time.sleep(rng.uniform(0.2, run_seconds * 0.6))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
    _, err = p.communicate()
    if p.returncode == 0:
        if kills >= 4:
            break
        continue  # finished before the kill came: the next round kills the resumed run or ends it
    if p.returncode != -signal.SIGKILL:
        failures.append(f"restart {attempts} failed with {p.returncode}: {err.decode()[-500:]}")
        break
    kills += 1
    print(f"kill {kills}{' (during a checkpoint write)' if this_kill_in_write else ''} at attempt {attempts}")

print(f"{kills} kills, one during a checkpoint write: {during_write}")
if kills < 4:
    failures.append(f"only {kills} kills happened in {attempts} attempts")
if not during_write:
    failures.append("no kill landed inside a checkpoint write")
final = subprocess.run(train_command(killed), capture_output=True, text=True)
if final.returncode != 0 or f"already finished at epoch {EPOCHS}" not in final.stdout:
    failures.append(f"the killed run did not finish: {final.returncode} {final.stdout} {final.stderr}")

a, b = log_of(straight), log_of(killed)
if [r["epoch"] for r in b] != list(range(1, EPOCHS + 1)):
    failures.append(f"the killed run's log holds epochs {[r['epoch'] for r in b]}")
elif [r["loss"] for r in a] != [r["loss"] for r in b]:
    failures.append(f"losses differ: {[r['loss'] for r in a]} vs {[r['loss'] for r in b]}")
if temporaries(killed):
    failures.append(f"temporary files remain: {temporaries(killed)}")
if not failures:
    diff = np.abs(denoised(straight, "d_straight") - denoised(killed, "d_killed")).max()
    print(f"max |denoised difference| = {diff}")
    if diff != 0:
        failures.append(f"the resumed model differs from the uninterrupted one (max {diff})")

if failures:
    print("FAILED:\n" + "\n".join(failures))
    sys.exit(1)
print("ok: the killed and resumed run equals the uninterrupted run")
