// SPDX-License-Identifier: MIT
// The Neighbor2Neighbor training loop: Adam, the paper's lr schedule and Λ ramp, exact resume.
// It reports progress through events (training_events.hpp) and hands checkpoints and log lines
// to a sink (training_sink.hpp); it prints and writes nothing itself.
#pragma once

#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/data_parallel.hpp"
#include "n2n_raw/train/dataset.hpp"
#include "n2n_raw/train/loss.hpp"
#include "n2n_raw/train/sampler.hpp"
#include "n2n_raw/train/training_events.hpp"
#include "n2n_raw/train/training_sink.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace n2n::train {

struct TrainOptions {
    model::NetConfig net;          ///< the architecture to train (ignored on resume: the checkpoint's)
    int epochs = 100;
    double lr = 1e-4;              ///< Adam learning rate of epochs 1..lr_step
    int lr_step = 20;              ///< epochs between lr reductions (0: constant lr)
    double lr_factor = 0.5;        ///< multiplier at each reduction
    double gamma = 1.0;            ///< Λ at the last epoch (1 for real raw)
    Objective objective = Objective::Neighbor2Neighbor;  ///< on noisy frames (loss.hpp)
    LoaderOptions loader;          ///< batch, patch (packed pixels), augmentation, seed, workers
    SamplerKind sampler = SamplerKind::Random;
    std::string device = "cpu";    ///< "cpu", "cuda", "cuda:N" (parse_device)
    int threads = 0;               ///< LibTorch CPU threads (set_threads); 0 leaves the current setting
    /// Checkpoint to continue from (its network, optimizer state, epoch, seed and schedule);
    /// empty: a new run.
    std::filesystem::path resume_from;
    /// On resume, the checkpoint's schedule (apply_checkpoint_schedule) replaces the one given
    /// here, so a resumed run is the run it continues. false: the schedule given here (an
    /// explicit override of the stored one).
    bool resume_keeps_schedule = true;
    /// A new run that starts from this checkpoint's network and weights (its NetConfig replaces
    /// `net`; optimizer, epochs and schedule start afresh): fine-tuning a starting model.
    std::filesystem::path init_from;
    double max_minutes = 0;        ///< stop (between steps) after this wall time; 0 = no limit
    int max_steps_per_epoch = 0;   ///< cap on batches per epoch (quick runs); 0 = all
    int stop_after_epoch = 0;      ///< end this call after that epoch (the schedule still spans `epochs`); 0 = no
    int val_every = 1;             ///< call `validate` every N epochs (and after the last)
    /// Validation hook, called with the network (and its configuration) in eval mode under
    /// NoGradGuard.
    std::function<Metrics(model::Denoiser& net, const model::NetConfig& config, int epoch)> validate;
    /// Keep the best network by `best_metric` of `validate` (lower is better), the starting one
    /// (validated as epoch 0 before training) included: the sink's save_best receives it
    /// (TrainingFolder: checkpoint_best.pt). A resume continues from the best the checkpoint
    /// recorded. Needs `validate`.
    bool keep_best = false;
    std::string best_metric = "sure_mse";
    TrainEventHandler on_event;    ///< progress events; empty: none
    /// Data-parallel membership (empty: one process). loader.batch is then the global batch: every
    /// rank draws the same batch from the seed and trains on its 1/world share (batch must divide
    /// evenly), gradients are averaged, so the run equals one process with the same batch. Only
    /// rank 0 should pass a sink.
    std::shared_ptr<DataParallel> data_parallel;
};

struct TrainResult {
    std::shared_ptr<model::Denoiser> net;  ///< the trained network, on the training device
    model::NetConfig config;
    int last_epoch = 0;                    ///< last completed epoch
    bool stopped_early = false;            ///< max_minutes reached before the last epoch ended
    std::vector<EpochRecord> history;      ///< epochs run by this call
    /// keep_best: the epoch kept (0: the starting network) and its validation metrics.
    int best_epoch = -1;
    Metrics best_validation;
    Metrics start_validation;  ///< keep_best: the network this call started from (empty on a resume that had it)
};

/// Writes the schedule a checkpoint's train_state JSON stores (epochs, lr, lr_step, lr_factor,
/// gamma, batch, patch, patches_per_frame, sampler, augment, alignment, objective, seed) into `options`;
/// keys an older checkpoint lacks leave the options as they are. Throws FormatError (field
/// "train_state") when the text is not a JSON object.
void apply_checkpoint_schedule(const std::string& train_state, TrainOptions& options);

/// Trains a network on `data` (Neighbor2Neighbor on noisy frames, or supervised when
/// loader.synthetic_noise is set; noise-conditioned networks, NetConfig::input "gat", get their
/// batches in the stabilised domain); after every completed epoch its checkpoint and log line go to
/// `sink` (none when null). Throws ConfigError for inconsistent options (patch not a multiple of
/// 64 — g1 must pass the U-Net's 5 poolings —, batch larger than the data, a resume checkpoint
/// that does not exist), the dataset's errors and the sink's; NumericError naming the epoch and
/// step when the loss or the weights become non-finite (nothing is saved from such a step, so
/// the sink keeps the last finite checkpoint).
TrainResult train(FrameDataset& data, const TrainOptions& options, TrainingSink* sink = nullptr);

}  // namespace n2n::train
