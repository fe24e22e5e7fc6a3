// SPDX-License-Identifier: MIT
#include "n2n_raw/train/training_sink.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace n2n::train {

namespace fs = std::filesystem;

TrainingFolder::TrainingFolder(fs::path dir, int keep_every, bool resume)
    : dir_(std::move(dir)), keep_every_(keep_every) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw IoError(dir_.string(), "output folder", fmt::format("cannot create: {}", ec.message()));
    const auto log_path = dir_ / "train_log.jsonl";
    log_.open(log_path, resume ? std::ios::app : std::ios::trunc);
    if (!log_) throw IoError(log_path.string(), "training log", "cannot open for writing");
}

fs::path TrainingFolder::last_checkpoint(const fs::path& dir) { return dir / "checkpoint_last.pt"; }

std::string TrainingFolder::log_line(const EpochRecord& r) {
    nlohmann::json j{{"epoch", r.epoch},   {"loss", r.loss},     {"reconstruction", r.reconstruction},
                     {"regularizer", r.regularizer}, {"lambda", r.lambda}, {"lr", r.lr},
                     {"images_per_s", r.images_per_s}, {"seconds", r.seconds}, {"batches", r.batches},
                     {"bad_files", r.bad_files}};
    if (!r.validation.empty()) j["validation"] = r.validation;
    return j.dump();
}

void TrainingFolder::save_checkpoint(model::Denoiser& net, const model::NetConfig& config,
                                     torch::optim::Optimizer& optimizer, int epoch, const std::string& train_state) {
    model::save_checkpoint(last_checkpoint(dir_), net, config, &optimizer, epoch, train_state);
    if (keep_every_ > 0 && epoch % keep_every_ == 0)
        model::save_checkpoint(dir_ / fmt::format("checkpoint_epoch_{:04}.pt", epoch), net, config, &optimizer, epoch,
                               train_state);
}

void TrainingFolder::append_log(const EpochRecord& record) {
    log_ << log_line(record) << '\n' << std::flush;
    if (!log_) throw IoError((dir_ / "train_log.jsonl").string(), "training log", "write failed");
}

}  // namespace n2n::train
