#!/usr/bin/env bash
# ONNX Runtime (npm onnxruntime-node) against LibTorch on real packed raw: `n2n export --format
# onnx` of a plain and a residual U-Net with full-scale random weights, and of the shipped
# noise-conditioned starting model; crops of the shared D750 capture at several sizes (square,
# non-square, a batch of 2); max |diff| <= 1e-5 per job.
# Usage: onnx_runtime_test.sh N2N ONNX_FIXTURE SHARED_DATA ORT_PREFIX WORKDIR START_MODEL
# Exit 77 = skipped (shared data absent).
set -euo pipefail
n2n=$1 fixture=$2 shared=$3 ort=$4 work=$5 start_model=$6
here=$(cd "$(dirname "$0")" && pwd)
raw="$shared/raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw"
if [ ! -f "$raw" ]; then
  echo "SKIPPED: $raw is absent (set N2N_SHARED_DIR)"
  exit 77
fi
if [ ! -d "$ort/node_modules/onnxruntime-node" ]; then
  echo "onnxruntime-node is not installed in $ort (the onnxruntime_install test installs it)" >&2
  exit 1
fi
rm -rf "$work" && mkdir -p "$work"
jobs="$work/jobs.jsonl"
sizes=(64x64 96x160 160x96 256x384 64x128x2)
seed=10
for kind in plain residual; do
  seed=$((seed + 1))
  "$fixture" checkpoint "$work/$kind.pt" 8 "$kind" "$seed"
  "$n2n" export --format onnx "$work/$kind.pt" -o "$work/$kind.onnx"
  "$fixture" reference "$work/$kind.pt" "$raw" "$work/$kind" "$jobs" "$work/$kind.onnx" "${sizes[@]}"
done
"$n2n" export --format onnx "$start_model" -o "$work/start_gat.onnx"
"$fixture" reference "$start_model" "$raw" "$work/start_gat" "$jobs" "$work/start_gat.onnx" "${sizes[@]}"
node "$here/ort_compare.js" "$ort" "$jobs" 1e-5 2
# The comparison must be able to fail: the plain network's graph against the residual one's outputs.
grep '_96x160' "$jobs" | grep '/residual' | sed 's|/residual\.onnx|/plain.onnx|' > "$work/mismatch.jsonl"
if node "$here/ort_compare.js" "$ort" "$work/mismatch.jsonl" 1e-5 2; then
  echo "ort_compare accepted a different network's outputs" >&2
  exit 1
fi
echo "control: a different network's outputs are rejected"
