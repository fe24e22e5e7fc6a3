// SPDX-License-Identifier: MIT
// The Neighbor2Neighbor training loop: Adam, the paper's lr schedule and Λ ramp, per-epoch
// JSON-lines log, atomic checkpoints every epoch and exact resume.
//
// Files in TrainOptions::out_dir:
//   checkpoint_last.pt          after every epoch (model/checkpoint.hpp format, with optimizer)
//   checkpoint_epoch_NNNN.pt    every keep_every epochs (when keep_every > 0)
//   train_log.jsonl             one JSON object per epoch (loss terms, lr, Λ, images/s, validation)
#pragma once

#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/dataset.hpp"
#include "n2n_raw/train/sampler.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace n2n::train {

/// Metric name → value, as a validation hook returns them (e.g. {"psnr_db": 48.1}).
using Metrics = std::map<std::string, double>;

struct TrainOptions {
    model::NetConfig net;          ///< the architecture to train (ignored on resume: the checkpoint's)
    int epochs = 100;
    double lr = 1e-4;              ///< Adam learning rate of epochs 1..lr_step
    int lr_step = 20;              ///< epochs between lr reductions (0: constant lr)
    double lr_factor = 0.5;        ///< multiplier at each reduction
    double gamma = 1.0;            ///< Λ at the last epoch (1 for real raw)
    LoaderOptions loader;          ///< batch, patch (packed pixels), augmentation, seed, workers
    SamplerKind sampler = SamplerKind::Random;
    std::string device = "cpu";    ///< "cpu", "cuda", "cuda:N"
    int threads = 0;               ///< LibTorch CPU threads; 0 leaves the current setting
    std::filesystem::path out_dir; ///< checkpoints and log; empty: write nothing
    bool resume = false;           ///< continue from out_dir/checkpoint_last.pt
    int keep_every = 0;            ///< also keep checkpoint_epoch_NNNN.pt every N epochs
    double max_minutes = 0;        ///< stop (between steps) after this wall time; 0 = no limit
    int max_steps_per_epoch = 0;   ///< cap on batches per epoch (quick runs); 0 = all
    int stop_after_epoch = 0;      ///< end this call after that epoch (the schedule still spans `epochs`); 0 = no
    int val_every = 1;             ///< call `validate` every N epochs (and after the last)
    /// Validation hook, called with the network in eval mode under NoGradGuard.
    std::function<Metrics(model::Denoiser& net, int epoch)> validate;
    bool progress = true;          ///< live progress line on stderr
};

/// One epoch's summary (also one line of train_log.jsonl).
struct EpochRecord {
    int epoch = 0;
    double loss = 0, reconstruction = 0, regularizer = 0;  ///< means over the epoch's batches
    double lambda = 0, lr = 0;
    double images_per_s = 0, seconds = 0;
    std::int64_t batches = 0;
    std::size_t bad_files = 0;
    Metrics validation;
};

struct TrainResult {
    std::shared_ptr<model::Denoiser> net;  ///< the trained network, on the training device
    model::NetConfig config;
    int last_epoch = 0;                    ///< last completed epoch
    bool stopped_early = false;            ///< max_minutes reached before the last epoch ended
    std::vector<EpochRecord> history;      ///< epochs run by this call
};

/// Parses "cpu", "cuda", "cuda:1"; ConfigError (field "device") when unknown or unavailable.
torch::Device parse_device(const std::string& text);

/// Trains a network on `data`. Throws ConfigError for inconsistent options (patch not a multiple
/// of 64 — g1 must pass the U-Net's 5 poolings —, batch larger than the data, resume without a
/// checkpoint), and the dataset's errors.
TrainResult train(FrameDataset& data, const TrainOptions& options);

}  // namespace n2n::train
