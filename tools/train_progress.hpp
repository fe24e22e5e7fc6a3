// SPDX-License-Identifier: MIT
// How `n2n train` and `n2n demo` show a running training: one live line on stderr.
#pragma once

#include "n2n_raw/train/training_events.hpp"

namespace n2n::cli {

/// A handler that draws the training's progress line on stderr (at most once a second, and at
/// each epoch's last step), ends it with each epoch, and prints skipped files and the time
/// limit as they come. Safe to call from the data loader's threads (skipped files).
train::TrainEventHandler progress_printer();

}  // namespace n2n::cli
