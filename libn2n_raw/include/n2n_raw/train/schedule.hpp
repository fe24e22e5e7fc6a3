// SPDX-License-Identifier: MIT
// Fitting the paper's schedule (5 learning-rate halvings, Λ ramp to γ) into a time budget: measure
// one training step on this machine, then choose the epoch count from it, so a bounded run ends
// on a finished schedule instead of being cut off in the middle of it.
#pragma once

#include "n2n_raw/model/denoiser.hpp"
#include "n2n_raw/train/loss.hpp"

#include <torch/types.h>

#include <cstdint>

namespace n2n::train {

/// Median seconds of one training step of `net` on `device`: the objective's loss (loss.hpp) on a
/// batch of `batch` random packed patches of side `patch`, its backward and one Adam step. Runs
/// 6 steps and ignores the first 2 (they pay for allocations).
double probe_step_seconds(const model::NetConfig& net, int batch, int patch, const torch::Device& device,
                          Objective objective = Objective::Neighbor2Neighbor);

/// The schedule a time budget allows.
struct TimeBudgetPlan {
    int patches_per_frame = 1;        ///< so that an epoch has about the requested steps
    std::int64_t steps_per_epoch = 0;  ///< full batches per epoch with that
    int epochs = 2;
    double lr = 2e-3;                 ///< first learning rate
    int lr_step = 1;                  ///< epochs between halvings: 5 halvings over the run
    double max_minutes = 0;           ///< hard stop, for a probe that was optimistic
};

/// Plans a run of about `minutes` over `frames` frames in batches of `batch`, given one step's
/// seconds: about `steps_per_epoch` steps per epoch whatever the number of frames; as many epochs
/// as fit with a 15 % margin (at least 2); the lr halved 5 times; a hard stop at 1.5 × minutes.
/// The first lr is 2e-3, not the paper's 1e-4: minutes, not SIDD's 100 epochs. Throws
/// ConfigError for non-positive inputs.
TimeBudgetPlan plan_time_budget(double step_seconds, double minutes, int frames, int batch, int steps_per_epoch = 8);

/// The same schedule for a budget of `steps` training steps instead of minutes (no time limit):
/// what a benchmark uses, so that a busy machine changes how long a run takes, not what it
/// learns. Throws ConfigError for non-positive inputs.
TimeBudgetPlan plan_step_budget(std::int64_t steps, int frames, int batch, int steps_per_epoch = 8);

}  // namespace n2n::train
