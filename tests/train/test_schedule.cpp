// SPDX-License-Identifier: MIT
// Fitting the paper's schedule into a time or step budget: the planning arithmetic, by hand.
#include "n2n_raw/error.hpp"
#include "n2n_raw/train/schedule.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

using namespace n2n::train;

TEST_CASE("plan_time_budget: about 8 steps per epoch, epochs from the probed step, 5 halvings") {
    // One capture, batch 4: 32 patches from it make 8 steps; 180 s / (0.08 s x 8 x 1.15) = 244.6.
    const auto one = plan_time_budget(0.08, 3.0, 1, 4);
    CHECK(one.patches_per_frame == 32);
    CHECK(one.steps_per_epoch == 8);
    CHECK(one.epochs == 244);
    CHECK(one.lr_step == 48);
    CHECK(one.lr == doctest::Approx(2e-3));
    CHECK(one.max_minutes == doctest::Approx(4.5));
    // Three captures: ceil(32 / 3) = 11 patches each, 33 patches = 8 full batches.
    const auto three = plan_time_budget(0.5, 1.0, 3, 4);
    CHECK(three.patches_per_frame == 11);
    CHECK(three.steps_per_epoch == 8);
    CHECK(three.epochs == 13);  // 60 / (0.5 x 8 x 1.15) = 13.04
    CHECK(three.lr_step == 2);
    // Many captures: one patch each, more steps per epoch than asked for.
    const auto many = plan_time_budget(0.1, 2.0, 40, 4);
    CHECK(many.patches_per_frame == 1);
    CHECK(many.steps_per_epoch == 10);
    CHECK(many.epochs == 104);  // 120 / (0.1 x 10 x 1.15) = 104.3
    // A slow machine still runs the schedule's two ends.
    const auto slow = plan_time_budget(30.0, 0.5, 1, 4);
    CHECK(slow.epochs == 2);
    CHECK(slow.lr_step == 1);
    CHECK_THROWS_AS(plan_time_budget(0, 1, 1, 4), n2n::ConfigError);
    CHECK_THROWS_AS(plan_time_budget(0.1, -1, 1, 4), n2n::ConfigError);
    CHECK_THROWS_AS(plan_time_budget(0.1, 1, 0, 4), n2n::ConfigError);
    CHECK_THROWS_AS(plan_time_budget(0.1, 1, 1, 0), n2n::ConfigError);
}

TEST_CASE("plan_step_budget: the same epoch shape, epochs from the step count, no time limit") {
    // 120 frames, batch 4: one patch each, 30 steps per epoch; 3960 steps = 132 epochs.
    const auto kodak = plan_step_budget(3960, 120, 4);
    CHECK(kodak.patches_per_frame == 1);
    CHECK(kodak.steps_per_epoch == 30);
    CHECK(kodak.epochs == 132);
    CHECK(kodak.lr_step == 26);
    CHECK(kodak.max_minutes == 0);
    // One frame: 8 steps per epoch; 1260 steps = 157.5 -> 157 epochs.
    const auto one = plan_step_budget(1260, 1, 4);
    CHECK(one.steps_per_epoch == 8);
    CHECK(one.epochs == 157);
    CHECK(plan_step_budget(3, 1, 4).epochs == 2);  // both ends of the schedule, always
    CHECK_THROWS_AS(plan_step_budget(0, 1, 4), n2n::ConfigError);
    CHECK_THROWS_AS(plan_step_budget(100, 0, 4), n2n::ConfigError);
}

TEST_CASE("probe_step_seconds measures a real step of the configured network") {
    torch::set_num_threads(1);
    const n2n::model::NetConfig net{"unet", 4, 4, 4};
    const double seconds = probe_step_seconds(net, 1, 64, torch::kCPU);
    CHECK(seconds > 0);
    CHECK(seconds < 10);
}
