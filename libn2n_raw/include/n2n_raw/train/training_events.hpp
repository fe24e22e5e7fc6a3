// SPDX-License-Identifier: MIT
// What the training loop tells its caller while it runs. The library draws and prints nothing:
// a command line renders these as a progress line, a service might log or stream them.
#pragma once

#include "n2n_raw/train/dataset.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>

namespace n2n::train {

/// Metric name → value, as a validation hook returns them (e.g. {"psnr_db": 48.1}).
using Metrics = std::map<std::string, double>;

/// One epoch's summary (also one line of the training log).
struct EpochRecord {
    int epoch = 0;
    double loss = 0, reconstruction = 0, regularizer = 0;  ///< means over the epoch's batches
    double lambda = 0, lr = 0;
    double images_per_s = 0, seconds = 0;
    std::int64_t batches = 0;
    std::size_t bad_files = 0;
    Metrics validation;
};

/// An epoch begins: its schedule values.
struct EpochStarted {
    int epoch = 0, epochs = 0;  ///< this epoch (1-based) and the schedule's last
    std::int64_t steps = 0;     ///< batches this epoch will run
    double lr = 0, lambda = 0;
};

/// A training step (one batch) is done.
struct StepDone {
    int epoch = 0, epochs = 0;
    std::int64_t step = 0, steps = 0;  ///< steps done in this epoch (1-based) and in all
    double mean_loss = 0;              ///< mean total loss over this epoch's steps so far
    double lr = 0;
    double images_per_s = 0;   ///< patches per second since the call started
    double seconds_left = 0;   ///< estimate for the rest of the schedule at that rate
};

/// An epoch completed (and was handed to the sink, when there is one).
struct EpochFinished {
    EpochRecord record;
    int epochs = 0;
};

/// The wall-time limit was reached inside `epoch`: that epoch's partial progress is dropped
/// (not checkpointed); the result holds the epochs before it.
struct TimeLimitReached {
    int epoch = 0;
    double minutes = 0;  ///< the limit
};

using TrainEvent = std::variant<EpochStarted, StepDone, EpochFinished, TimeLimitReached, SkippedFile>;

/// Receives the events of one training call on the training thread (SkippedFile: see
/// DatasetOptions::on_skip, which a caller can point at the same handler).
using TrainEventHandler = std::function<void(const TrainEvent&)>;

}  // namespace n2n::train
