// SPDX-License-Identifier: MIT
// Where the training loop's lasting output goes: checkpoints and the per-epoch log. The loop
// computes; a sink stores. TrainingFolder stores in files; tests or services may store elsewhere.
//
// Files of a TrainingFolder:
//   checkpoint_last.pt          after every epoch (model/checkpoint.hpp format, with optimizer)
//   checkpoint_epoch_NNNN.pt    every keep_every epochs (when keep_every > 0)
//   checkpoint_best.pt          the best epoch by validation (TrainOptions::keep_best), weights only
//   train_log.jsonl             one JSON object per epoch (loss terms, lr, Λ, images/s, validation)
#pragma once

#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/training_events.hpp"

#include <torch/optim/optimizer.h>

#include <filesystem>
#include <cstdint>
#include <fstream>
#include <string>

namespace n2n::train {

/// Receives what must survive the training call, after every completed epoch.
class TrainingSink {
public:
    virtual ~TrainingSink() = default;
    /// Everything a resume needs: weights, optimizer state, epoch, and `train_state` (JSON text
    /// with the run's seed and schedule).
    virtual void save_checkpoint(model::Denoiser& net, const model::NetConfig& config,
                                 torch::optim::Optimizer& optimizer, int epoch, const std::string& train_state) = 0;
    /// The epoch's summary, after its checkpoint was saved.
    virtual void append_log(const EpochRecord& record) = 0;
    /// The best network so far (TrainOptions::keep_best), weights only; epoch 0 is the start.
    virtual void save_best(model::Denoiser& /*net*/, const model::NetConfig& /*config*/, int /*epoch*/,
                           const std::string& /*train_state*/) {}
};

/// What a TrainingFolder does with a run already in its folder (a checkpoint or a non-empty log).
enum class ExistingRun : std::uint8_t {
    Refuse,     ///< ConfigError naming the folder: a new run never replaces an old one silently
    Resume,     ///< the run goes on: its log is kept, made to agree with checkpoint_last.pt
    Overwrite,  ///< the old run's files are replaced as the new run writes
};

/// The file-backed sink: checkpoints (atomic) and a JSON-lines log in one folder.
class TrainingFolder : public TrainingSink {
public:
    /// Creates `dir` when missing and opens its log. Temporary files left by a checkpoint write
    /// that was killed are removed. On Resume the log keeps exactly the epochs up to the
    /// checkpoint's: later lines (a kill between log and checkpoint) are dropped, and the
    /// checkpoint's own line, stored in it, is restored when a kill came before it reached the
    /// log. `keep_every` > 0 also keeps checkpoint_epoch_NNNN.pt every that many epochs.
    /// Throws IoError naming the folder or the log file, ConfigError for a run that exists
    /// under Refuse or a Resume without a checkpoint.
    explicit TrainingFolder(std::filesystem::path dir, int keep_every = 0, ExistingRun existing = ExistingRun::Refuse);

    /// True when `dir` holds a run: a checkpoint or a non-empty log.
    static bool holds_run(const std::filesystem::path& dir);
    /// The checkpoint a resume of the run in `dir` starts from.
    static std::filesystem::path last_checkpoint(const std::filesystem::path& dir);
    /// Where save_best writes in `dir`.
    static std::filesystem::path best_checkpoint(const std::filesystem::path& dir);
    /// The key of train_state under which the trainer stores the epoch's log line.
    static constexpr const char* kEpochRecordKey = "epoch_record";
    /// The log's line for one epoch: a compact JSON object.
    static std::string log_line(const EpochRecord& record);

    const std::filesystem::path& dir() const { return dir_; }

    void save_checkpoint(model::Denoiser& net, const model::NetConfig& config, torch::optim::Optimizer& optimizer,
                         int epoch, const std::string& train_state) override;
    void append_log(const EpochRecord& record) override;
    void save_best(model::Denoiser& net, const model::NetConfig& config, int epoch,
                   const std::string& train_state) override;

private:
    std::filesystem::path dir_;
    int keep_every_;
    std::ofstream log_;
};

}  // namespace n2n::train
