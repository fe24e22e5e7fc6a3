#!/bin/bash
# SPDX-License-Identifier: MIT
# Retrains models/start_gat_unet16.pt exactly as shipped: synthetic pairs made from Kodak
# kodim01-20 (kodim21-24 stay unseen, for the held-out benchmark) and the two shared raw captures
# that are not benchmark sets (the test chart and the colour checker), then supervised training of
# the noise-conditioned 16-feature residual U-Net with noise drawn per patch from all 15 of
# SIDD's measured noise level functions.
# Usage: models/retrain_start.sh [N2N_BINARY] [WORK_DIR]   (about 56 minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
n2n="${1:-$here/../build/tools/n2n}"
work="${2:-$here/../build/retrain_start}"
shared="$here/../../shared/data"
nlf="$shared/sidd/noise-level-functions/cam_iso_nlf.txt"
raw="$shared/raw"
rm -rf "$work" && mkdir -p "$work/train_clean"
# Clean mosaics only (the noisy half of each pair is not used: noise is drawn per patch).
"$n2n" synth $(for i in $(seq -w 1 20); do echo "$shared/clean/kodak24/kodim$i.png"; done) -o "$work/kodak" \
    --nlf "$nlf" --level GP:100 --cfa RGGB --seed 7
"$n2n" synth "$raw/fast-openisp-test-raw/test.RAW" -o "$work/chart" --nlf "$nlf" --level GP:100 \
    --width 1920 --height 1080 --phase RGGB --bits 10 --black 0 --seed 7
# The checker is BGGR: cropped by one row and column it is RGGB like the rest.
"$n2n" synth "$raw/infinite-isp-colorchecker/ColorCheckerRAW_1920x1080_12bit_BGGR.raw" -o "$work/checker" \
    --nlf "$nlf" --level GP:100 --width 1920 --height 1080 --phase BGGR --bits 12 --white 4092 \
    --crop 1,1,1078,1918 --seed 7
cp "$work"/kodak/clean/*.png "$work/train_clean/"
cp "$work"/chart/clean/*.png "$work/train_clean/chart.png"
cp "$work"/checker/clean/*.png "$work/train_clean/checker.png"
"$n2n" train --data "$work/train_clean" --phase RGGB -o "$work/run" --input gat --residual --supervised \
    --level all --nlf "$nlf" --features 16 --patch 128 --patches-per-frame 8 --epochs 240 --lr 5e-4 \
    --lr-step 48 --minutes 56 --threads 2 --seed 1
echo "retrained: $work/run/checkpoint_last.pt (log: $work/run/train_log.jsonl)"
