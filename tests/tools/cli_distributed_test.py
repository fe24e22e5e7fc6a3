#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# Data-parallel `n2n train` on loopback (issue 16):
#   1. two ranks (set by hand, as a scheduler would) end with bit-identical parameters (their
#      printed digests) that equal, within 1e-6, a single process trained with the same global
#      batch and seed; the logs' losses agree too. Parameters are compared by Debian's
#      python3-torch on the exported TorchScript modules.
#   2. the same through torchrun (`-r 1 -t 1 --no_python`), as users launch it.
#   3. a rank killed mid-run makes the other exit non-zero within the timeout, naming the lost
#      rank; the last checkpoint is intact and a world-size-1 resume finishes the run.
# Usage: cli_distributed_test.py N2N_BINARY SHARED_DATA_DIR WORKDIR. Exit 77 = no shared D750 crop.
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

from d750_frames import GEOMETRY, fresh_frames

n2n, shared, work = sys.argv[1:4]
frames = fresh_frames(shared, work)


def train_args(out, epochs=3, ppf=2):
    return ["train", "--data", frames, "-o", out, *GEOMETRY, "--features", "8", "--patch", "64", "--batch", "4",
            "--epochs", str(epochs), "--lr-step", "2", "--lr", "1e-3", "--patches-per-frame", str(ppf),
            "--workers", "0", "--threads", "1", "--seed", "11", "--dist-timeout", "15"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rank_env(rank, world, port):
    env = dict(os.environ)
    env.update(RANK=str(rank), WORLD_SIZE=str(world), LOCAL_RANK=str(rank), MASTER_ADDR="127.0.0.1",
               MASTER_PORT=str(port))
    return env


def losses(out):
    with open(os.path.join(out, "train_log.jsonl")) as f:
        return [json.loads(line)["loss"] for line in f]


def export(out, name):
    target = os.path.join(work, name)
    subprocess.run([n2n, "export", os.path.join(out, "checkpoint_last.pt"), "-o", target], check=True,
                   capture_output=True)
    return target


def max_parameter_difference(a, b):
    script = ("import sys, torch\n"
              "a = dict(torch.jit.load(sys.argv[1]).named_parameters())\n"
              "b = dict(torch.jit.load(sys.argv[2]).named_parameters())\n"
              "assert a.keys() == b.keys() and len(a) > 0, (len(a), len(b))\n"
              "print(max((a[k] - b[k]).abs().max().item() for k in a))\n")
    p = subprocess.run(["/usr/bin/python3", "-c", script, a, b], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    return float(p.stdout.strip())


failures = []

# 1. Single process against two ranks with the same global batch.
single = os.path.join(work, "single")
p = subprocess.run([n2n, *train_args(single)], capture_output=True, text=True)
if p.returncode != 0:
    print(p.stderr)
    sys.exit(1)
port = free_port()
dist = os.path.join(work, "dist")
ranks = [subprocess.Popen([n2n, *train_args(dist)], env=rank_env(r, 2, port), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) for r in (0, 1)]
outputs = [r.communicate(timeout=600) for r in ranks]
for r, (out, err) in zip(ranks, outputs):
    if r.returncode != 0:
        failures.append(f"a rank failed ({r.returncode}): {err[-800:]}")
if not failures:
    digests = [re.search(r"parameters digest ([0-9a-f]+)", out).group(1) for out, _ in outputs]
    shares = [re.search(r"rank \d+: ([\d.]+) s of ([\d.]+) s in collectives \(([\d.]+) %\)", out) for out, _ in outputs]
    print("ranks:", [o.strip().splitlines()[-1] for o, _ in outputs])
    if digests[0] != digests[1]:
        failures.append(f"ranks end with different parameters: {digests}")
    if os.listdir(dist) and os.path.exists(os.path.join(dist, "checkpoint_last.pt")):
        diff = max_parameter_difference(export(single, "single.pt"), export(dist, "dist.pt"))
        print(f"max |parameter difference| single vs 2 ranks: {diff:.3g}")
        if diff > 1e-6:
            failures.append(f"2 ranks differ from one process by {diff}")
        a, b = losses(single), losses(dist)
        print("losses single", a, "ranks", b)
        if len(a) != len(b) or any(abs(x - y) > 1e-6 * max(1.0, abs(x)) for x, y in zip(a, b)):
            failures.append(f"logged losses differ: {a} vs {b}")
    else:
        failures.append("rank 0 wrote no checkpoint")

# 2. torchrun, as the README tells users to launch it.
torchrun = shutil.which("torchrun")
if torchrun is None:
    failures.append("torchrun is missing (apt-get install python3-torch)")
else:
    launched = os.path.join(work, "torchrun")
    p = subprocess.run([torchrun, "--nproc_per_node=2", "-r", "1", "-t", "1", "--master_port", str(free_port()),
                        "--no_python", n2n, *train_args(launched, epochs=2)], capture_output=True, text=True,
                       timeout=600)
    if p.returncode != 0 or not os.path.exists(os.path.join(launched, "checkpoint_last.pt")):
        failures.append(f"torchrun launch failed ({p.returncode}): {p.stderr[-1500:]}")
    else:
        print("torchrun: ok,", len(losses(launched)), "epochs logged")

# 3. Rank 1 killed (it dies) or stopped (it hangs) during epoch 2 or later: rank 0 must fail
# within the timeout, name it, and keep its checkpoint.
def lose_rank_1(out, how):
    port = free_port()
    ranks = [subprocess.Popen([n2n, *train_args(out, epochs=40, ppf=4)], env=rank_env(r, 2, port),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for r in (0, 1)]
    deadline = time.monotonic() + 300
    log = os.path.join(out, "train_log.jsonl")
    while time.monotonic() < deadline and ranks[0].poll() is None:
        if os.path.exists(log) and len(open(log).read().splitlines()) >= 2:
            break
        time.sleep(0.05)
    ranks[1].send_signal(how)
    lost_at = time.monotonic()
    try:
        _, err0 = ranks[0].communicate(timeout=120)
        waited = time.monotonic() - lost_at
        print(f"{signal.Signals(how).name}: rank 0 exited {ranks[0].returncode} {waited:.1f} s later: "
              f"{err0.strip().splitlines()[-1]}")
        if ranks[0].returncode == 0:
            failures.append(f"{how}: rank 0 succeeded although rank 1 was lost")
        if "rank 1" not in err0:
            failures.append(f"{how}: rank 0's error does not name rank 1: {err0[-500:]}")
        if waited > 15 + 30:
            failures.append(f"{how}: rank 0 took {waited:.0f} s to notice (timeout 15 s)")
    except subprocess.TimeoutExpired:
        ranks[0].kill()
        failures.append(f"{how}: rank 0 hung after rank 1 was lost")
    ranks[1].kill()
    ranks[1].communicate()
    if [n for n in os.listdir(out) if ".tmp-" in n]:
        failures.append(f"{how}: a partial checkpoint was left")


lose_rank_1(os.path.join(work, "hung"), signal.SIGSTOP)
killed = os.path.join(work, "killed")
lose_rank_1(killed, signal.SIGKILL)
done_epochs = len(losses(killed))
resumed = subprocess.run([n2n, *train_args(killed, epochs=40, ppf=4), "--resume"],
                         capture_output=True, text=True, timeout=900)
if resumed.returncode != 0:
    failures.append(f"a world-size-1 resume failed: {resumed.stderr[-800:]}")
elif len(losses(killed)) != 40:
    failures.append(f"the resumed log holds {len(losses(killed))} epochs, not 40")
else:
    print(f"resumed with world size 1 from epoch {done_epochs}: ok")

if failures:
    print("FAILED:\n" + "\n".join(failures))
    sys.exit(1)
print("ok: data-parallel training matches one process, torchrun launches it, a lost rank stops the run cleanly")
