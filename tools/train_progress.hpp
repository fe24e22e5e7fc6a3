// SPDX-License-Identifier: MIT
// How the commands show progress: the training's live line on stderr, per-file lines, and the
// global --quiet that silences them (warnings, errors and results are always printed).
#pragma once

#include "n2n_raw/train/training_events.hpp"

namespace n2n::cli {

/// --quiet: no progress lines from here on.
void set_quiet(bool quiet);
bool quiet();

/// A handler that draws the training's progress line on stderr (at most once a second, and at
/// each epoch's last step), ends it with each epoch, and prints skipped files and the time
/// limit as they come (with quiet(), only the last two). Safe to call from the data loader's
/// threads (skipped files).
train::TrainEventHandler progress_printer();

}  // namespace n2n::cli
