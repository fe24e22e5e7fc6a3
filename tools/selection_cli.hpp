// SPDX-License-Identifier: MIT
// The SURE selection of `n2n train` and `n2n demo` (train/selection.hpp): build the crop set,
// price one check, and give the time it takes back out of the run's budget.
#pragma once

#include "n2n_raw/train/selection.hpp"

#include <memory>

namespace n2n::cli {

/// Crops and their size: 16 crops (from 16 frames when there are, so that a set of many scenes
/// and noise levels is represented) of 128 packed pixels, their inner 80 scored: about a second
/// per check on 2 cores for the 16-feature U-Net (bench/quality, README).
struct SelectionSetup {
    int crops = 16;
    int side = 128;
    int margin = 24;
    int checks = 12;  ///< over the whole run: the interval follows from the epoch count
};

/// A prepared selection: the set, and what one check costs.
struct PreparedSelection {
    std::shared_ptr<const train::SelectionSet> set;
    double seconds_per_check = 0;
    /// How many of `wanted` checks fit in a tenth of `minutes` (at least 1): short runs check
    /// less often rather than train less.
    int affordable_checks(double minutes, int wanted) const;
    /// The budget left for training when `checks` (plus the starting network's) must fit in `minutes`.
    double training_minutes(double minutes, int checks) const {
        return minutes - (checks + 1) * seconds_per_check / 60.0;
    }
};

/// Builds the set from `data` and times one check of a network of `net`. Frames too small for
/// the crops get crops of the training patch (frames are at least twice that, or training
/// refuses them), without margin.
PreparedSelection prepare_selection(train::FrameDataset& data, const train::LoaderOptions& loader,
                                    const model::NetConfig& net, const torch::Device& device,
                                    const SelectionSetup& setup = {});

/// Installs it into `t` with an interval of t.epochs / checks epochs (at least 1).
void install_selection(train::TrainOptions& t, const PreparedSelection& selection, int checks);

}  // namespace n2n::cli
