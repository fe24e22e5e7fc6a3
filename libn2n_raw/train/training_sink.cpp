// SPDX-License-Identifier: MIT
#include "n2n_raw/train/training_sink.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace n2n::train {

namespace fs = std::filesystem;

namespace {

const char* const kLogName = "train_log.jsonl";

// atomic_file's temporaries are ".<name>.tmp-<pid>-<hex>"; one left behind was killed mid-write.
void remove_stale_temporaries(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with('.') && name.find(".tmp-") != std::string::npos &&
            (name.find("checkpoint_") != std::string::npos || name.find(kLogName) != std::string::npos))
            fs::remove(entry.path(), ec);
    }
}

// The log lines of epochs up to the checkpoint's, ending with the checkpoint's own epoch.
std::vector<std::string> log_agreeing_with(const fs::path& log_path, const model::LoadedModel& checkpoint) {
    std::vector<std::string> kept;
    int last_logged = 0;
    std::ifstream in(log_path);
    for (std::string line; std::getline(in, line);) {
        const auto j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded() || !j.contains("epoch")) continue;  // a torn last line
        const int epoch = j["epoch"].get<int>();
        if (epoch > checkpoint.epoch) continue;
        kept.push_back(line);
        last_logged = epoch;
    }
    if (last_logged < checkpoint.epoch) {
        const auto state = nlohmann::json::parse(checkpoint.train_state, nullptr, false);
        if (!state.is_discarded() && state.contains(TrainingFolder::kEpochRecordKey))
            kept.push_back(state[TrainingFolder::kEpochRecordKey].get<std::string>());
    }
    return kept;
}

}  // namespace

TrainingFolder::TrainingFolder(fs::path dir, int keep_every, ExistingRun existing)
    : dir_(std::move(dir)), keep_every_(keep_every) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) throw IoError(dir_.string(), "output folder", fmt::format("cannot create: {}", ec.message()));
    const auto log_path = dir_ / kLogName;
    if (existing == ExistingRun::Refuse && holds_run(dir_))
        throw ConfigError(dir_.string(), "--out",
                          "holds a training run already: --resume continues it, --overwrite replaces it");
    remove_stale_temporaries(dir_);
    if (existing == ExistingRun::Resume) {
        if (!fs::exists(last_checkpoint(dir_)))
            throw ConfigError(last_checkpoint(dir_).string(), "resume checkpoint", "no checkpoint to resume from");
        const auto lines = log_agreeing_with(log_path, model::load_checkpoint(last_checkpoint(dir_)));
        io::write_atomically(log_path, [&](std::ostream& out) {
            for (const auto& line : lines) out << line << '\n';
        });
    }
    log_.open(log_path, existing == ExistingRun::Resume ? std::ios::app : std::ios::trunc);
    if (!log_) throw IoError(log_path.string(), "training log", "cannot open for writing");
}

bool TrainingFolder::holds_run(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(last_checkpoint(dir), ec)) return true;
    const auto log_path = dir / kLogName;
    return fs::exists(log_path, ec) && fs::file_size(log_path, ec) > 0;
}

fs::path TrainingFolder::last_checkpoint(const fs::path& dir) { return dir / "checkpoint_last.pt"; }
fs::path TrainingFolder::best_checkpoint(const fs::path& dir) { return dir / "checkpoint_best.pt"; }

void TrainingFolder::save_best(model::Denoiser& net, const model::NetConfig& config, int epoch,
                               const std::string& train_state) {
    model::save_checkpoint(best_checkpoint(dir_), net, config, nullptr, epoch, train_state);
}

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
    if (!log_) throw IoError((dir_ / kLogName).string(), "training log", "write failed");
}

}  // namespace n2n::train
