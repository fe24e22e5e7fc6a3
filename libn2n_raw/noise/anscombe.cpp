// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/anscombe.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <tuple>
#include <numbers>

namespace n2n::noise {

namespace {
// Quadrature over the standard normal n in [-kSpan, kSpan]: the tails beyond carry < 1e-15.
constexpr double kSpan = 8.0;
constexpr int kNodes = 641;
// Clean-value grid: x = (k / kGrid)², dense in the shadows where E[f | x] bends most.
constexpr int kGrid = 4096;
}  // namespace

Anscombe::Anscombe(NoiseLevel level, bool clipped) : level_(level), clipped_(clipped) {
    NoiseModel::uniform(level).validate();
    grid_x_.resize(kGrid + 1);
    grid_d_.resize(kGrid + 1);
    for (int k = 0; k <= kGrid; ++k) {
        const double t = static_cast<double>(k) / kGrid;
        grid_x_[static_cast<std::size_t>(k)] = t * t;
        grid_d_[static_cast<std::size_t>(k)] = expected_forward(t * t);
    }
    // Exact arithmetic gives a non-decreasing curve; make rounding keep it so.
    for (std::size_t k = 1; k < grid_d_.size(); ++k) grid_d_[k] = std::max(grid_d_[k], grid_d_[k - 1]);
}

double Anscombe::forward(double y) const {
    if (level_.beta1 <= 0) return y / std::sqrt(level_.beta2);
    const double b1 = level_.beta1;
    return 2.0 / b1 * std::sqrt(std::max(0.0, b1 * y + 0.375 * b1 * b1 + level_.beta2));
}

double Anscombe::expected_forward(double x) const {
    const double sd = std::sqrt(level_.variance(x));
    const double step = 2 * kSpan / (kNodes - 1);
    double sum = 0, weight = 0;
    for (int k = 0; k < kNodes; ++k) {
        const double n = -kSpan + step * k;
        // Trapezoid rule: half weight at the two ends.
        const double w = std::exp(-0.5 * n * n) * ((k == 0 || k == kNodes - 1) ? 0.5 : 1.0);
        double y = x + sd * n;
        if (clipped_) y = std::clamp(y, 0.0, 1.0);
        sum += w * forward(y);
        weight += w;
    }
    return sum / weight;
}

double Anscombe::expected_forward_tabulated(double x) const {
    const double t = std::sqrt(std::clamp(x, 0.0, 1.0)) * kGrid;
    const auto k = std::min(static_cast<std::size_t>(t), static_cast<std::size_t>(kGrid - 1));
    const double x0 = grid_x_[k], x1 = grid_x_[k + 1];
    const double f = x1 > x0 ? (std::clamp(x, 0.0, 1.0) - x0) / (x1 - x0) : 0.0;
    return grid_d_[k] + f * (grid_d_[k + 1] - grid_d_[k]);
}

std::shared_ptr<const Anscombe> Anscombe::shared(NoiseLevel level, bool clipped) {
    static std::mutex mutex;
    static std::map<std::tuple<double, double, bool>, std::shared_ptr<const Anscombe>> tables;
    const auto key = std::make_tuple(level.beta1, level.beta2, clipped);
    {
        std::lock_guard lock(mutex);
        if (const auto it = tables.find(key); it != tables.end()) return it->second;
    }
    auto table = std::make_shared<const Anscombe>(level, clipped);  // built outside the lock
    std::lock_guard lock(mutex);
    // Blind estimates give a new level per frame: a bound keeps a long run's memory flat.
    if (tables.size() >= 4096) tables.clear();
    return tables.emplace(key, std::move(table)).first->second;
}

double Anscombe::inverse(double d) const {
    if (!(d > grid_d_.front())) return 0.0;
    if (d >= grid_d_.back()) return 1.0;
    const auto it = std::upper_bound(grid_d_.begin(), grid_d_.end(), d);
    const auto k = static_cast<std::size_t>(it - grid_d_.begin());  // grid_d_[k-1] <= d < grid_d_[k]
    const double d0 = grid_d_[k - 1], d1 = grid_d_[k];
    const double f = d1 > d0 ? (d - d0) / (d1 - d0) : 0.0;
    return grid_x_[k - 1] + f * (grid_x_[k] - grid_x_[k - 1]);
}

}  // namespace n2n::noise
