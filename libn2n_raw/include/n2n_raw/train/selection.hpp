// SPDX-License-Identifier: MIT
// Which epoch to keep, without clean frames. A short fine-tune can make a good starting model
// worse (Neighbor2Neighbor's neighbour target teaches a blur where neighbouring samples differ by
// more than the noise), and its loss cannot show it. Stein's unbiased risk estimate can
// (eval/risk_estimate.hpp): on a fixed set of crops of the training frames, with each frame's
// noise level function, it estimates every checkpoint's raw-space MSE, and the trainer keeps the
// lowest, the starting network included (TrainOptions::keep_best).
#pragma once

#include "n2n_raw/eval/risk_estimate.hpp"
#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/dataset.hpp"
#include "n2n_raw/train/trainer.hpp"
#include "n2n_raw/train/training_events.hpp"

#include <torch/types.h>

#include <memory>
#include <vector>

namespace n2n::train {

/// Noisy crops the checkpoints are compared on, with what SURE needs of them.
struct SelectionSet {
    torch::Tensor packed;                  ///< K × 4 × S × S packed raw (normalised, phase-unified), CPU
    std::vector<noise::NoiseModel> noise;  ///< each crop's frame's noise level function
    eval::RiskOptions risk;                ///< the probe seed and the clip limits found in the crops
};

/// `crops` crops of `side` packed pixels from the dataset's frames (seeded from loader.seed,
/// loader.unify_by_shift as in training, no augmentation), scored without their outer `margin`
/// pixels: a network tuned on small patches may learn their borders, which a full frame does not
/// have, so the scored part sees context as it would inside a frame. Data with no value below 0
/// but some at 0 is taken as clipped at 0 (synthetic and SIDD pairs), at 1 likewise (white).
/// Throws ConfigError when side is not positive, the margin leaves nothing or no frame is
/// large enough.
SelectionSet make_selection_set(FrameDataset& data, const LoaderOptions& loader, int crops, int side, int margin = 0);

/// The metric names score_selection returns: the estimated MSE ("sure_mse", lower is better,
/// the one selection uses) and the same as PSNR in dB ("sure_psnr_db").
inline constexpr const char* kSureMse = "sure_mse";
inline constexpr const char* kSurePsnr = "sure_psnr_db";

/// SURE of `net` (raw-input, or noise-conditioned: each crop stabilised with its noise model and
/// decoded back) over the set, the crops' MSE averaged. `device`: where the net lives.
Metrics score_selection(model::Denoiser& net, const model::NetConfig& config, const SelectionSet& set,
                        const torch::Device& device);

/// Makes `options` keep the best epoch by SURE on `set` (validate every `every` epochs and at
/// the last, keep_best on "sure_mse"), the starting network included.
void keep_best_by_sure(TrainOptions& options, std::shared_ptr<const SelectionSet> set, int every);

/// Seconds one score_selection of a fresh network of `config` takes on `set`: what each check
/// costs a time budget.
double probe_selection_seconds(const model::NetConfig& config, const SelectionSet& set, const torch::Device& device);

}  // namespace n2n::train
