// SPDX-License-Identifier: MIT
// The generalised Anscombe transform (GAT) for Poisson-Gaussian noise with a known level, and
// its exact unbiased inverse, so that a Gaussian-noise filter can run on raw data.
#pragma once

#include "n2n_raw/noise/noise_model.hpp"

#include <memory>
#include <vector>

namespace n2n::noise {

/// GAT for var(y | x) = beta1·x + beta2 on normalised raw values:
///   f(y) = (2 / beta1) · sqrt(max(0, beta1·y + 3/8·beta1² + beta2))
/// (Murtagh, Starck & Bijaoui 1995 with gain beta1 and Gaussian variance beta2), which gives
/// noise of unit variance wherever the signal is well above the read noise; y / sqrt(beta2)
/// when beta1 is 0.
///
/// The inverse is the *exact unbiased* one of Makitalo & Foi (2013), computed numerically
/// rather than by their closed-form approximation: E[f(y) | x] is tabulated on a dense grid of
/// x in [0, 1] by quadrature over the Gaussian noise, including the sensor's clipping of y to
/// [0, 1] (so dark and saturated pixels come back unbiased too), and inverted by monotone
/// interpolation. 16-bit quantisation is not modelled (its variance, 1/(12·65535²), is far below
/// any real read noise).
class Anscombe {
public:
    /// `clipped`: the noisy values were clipped to [0, 1] (as add_noise and real sensors do).
    explicit Anscombe(NoiseLevel level, bool clipped = true);

    /// f(y), in units of the (unit) noise standard deviation.
    double forward(double y) const;
    /// The clean value x in [0, 1] with E[f(y) | x] = d (0 below the table, 1 above it).
    double inverse(double d) const;
    /// E[f(y) | x] by quadrature (the function the inverse inverts).
    double expected_forward(double x) const;
    /// The same from the table, by linear interpolation (fast; x clamped to [0, 1]).
    double expected_forward_tabulated(double x) const;

    /// One table per (level, clipped), built on first use and shared (building one costs tens of
    /// milliseconds, too much per training patch). Thread-safe.
    static std::shared_ptr<const Anscombe> shared(NoiseLevel level, bool clipped = true);

    const NoiseLevel& level() const { return level_; }

private:
    NoiseLevel level_;
    bool clipped_;
    std::vector<double> grid_x_;  ///< increasing clean values in [0, 1]
    std::vector<double> grid_d_;  ///< E[f(y) | x], non-decreasing
};

}  // namespace n2n::noise
