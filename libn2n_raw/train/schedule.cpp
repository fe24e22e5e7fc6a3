// SPDX-License-Identifier: MIT
#include "n2n_raw/train/schedule.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/train/sampler.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <fmt/format.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace n2n::train {

double probe_step_seconds(const model::NetConfig& config, int batch, int patch, const torch::Device& device,
                          Objective objective) {
    using Clock = std::chrono::steady_clock;
    auto net = model::make_denoiser(config);
    net->to(device);
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-4));
    auto generator = at::detail::createCPUGenerator(1);
    std::vector<double> times;
    for (int k = 0; k < 6; ++k) {
        const auto y = torch::rand({batch, config.in_channels, patch, patch}, device);
        const auto t0 = Clock::now();
        adam.zero_grad();
        const LossTerms terms =
            objective == Objective::Sure
                ? sure_loss(*net, y, torch::randn({batch, 4, patch, patch}, device))
                : neighbor2neighbor_loss(*net, y, draw_pair_choices(batch, patch, patch, SamplerKind::Random, generator, device), 1.0);
        terms.total.backward();
        adam.step();
        if (device.is_cuda()) torch::cuda::synchronize();
        if (k >= 2) times.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

namespace {

// Epochs of about `steps_per_epoch` steps whatever the number of frames.
TimeBudgetPlan epoch_shape(int frames, int batch, int steps_per_epoch) {
    if (frames <= 0) throw ConfigError("", "frames", fmt::format("must be positive, got {}", frames));
    if (batch <= 0) throw ConfigError("", "batch", fmt::format("must be positive, got {}", batch));
    if (steps_per_epoch <= 0)
        throw ConfigError("", "steps per epoch", fmt::format("must be positive, got {}", steps_per_epoch));
    TimeBudgetPlan plan;
    plan.patches_per_frame = std::max(1, (steps_per_epoch * batch + frames - 1) / frames);
    plan.steps_per_epoch = static_cast<std::int64_t>(frames) * plan.patches_per_frame / batch;
    return plan;
}

}  // namespace

TimeBudgetPlan plan_time_budget(double step_seconds, double minutes, int frames, int batch, int steps_per_epoch) {
    if (!(step_seconds > 0)) throw ConfigError("", "step time", fmt::format("must be positive, got {}", step_seconds));
    if (!(minutes > 0)) throw ConfigError("", "time budget", fmt::format("must be positive, got {}", minutes));
    TimeBudgetPlan plan = epoch_shape(frames, batch, steps_per_epoch);
    const double epoch_seconds = step_seconds * static_cast<double>(plan.steps_per_epoch) * 1.15;
    plan.epochs = std::max(2, static_cast<int>(minutes * 60.0 / epoch_seconds));
    plan.lr_step = std::max(1, plan.epochs / 5);
    plan.max_minutes = minutes * 1.5;
    return plan;
}

TimeBudgetPlan plan_step_budget(std::int64_t steps, int frames, int batch, int steps_per_epoch) {
    if (steps <= 0) throw ConfigError("", "step budget", fmt::format("must be positive, got {}", steps));
    TimeBudgetPlan plan = epoch_shape(frames, batch, steps_per_epoch);
    plan.epochs = std::max(2, static_cast<int>(steps / plan.steps_per_epoch));
    plan.lr_step = std::max(1, plan.epochs / 5);
    plan.max_minutes = 0;
    return plan;
}

}  // namespace n2n::train
