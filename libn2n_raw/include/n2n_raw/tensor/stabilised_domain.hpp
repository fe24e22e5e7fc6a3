// SPDX-License-Identifier: MIT
// The input and output domain of noise-conditioned networks (model::NetConfig::input == "gat").
//
// Raw noise grows with the signal (var = beta1·x + beta2) and differs by camera and ISO, so one
// network trained on raw values must guess the level from the image. In this domain it does not:
//   network input  = 8 planes: z_c = (f_c(y_c) − f_c(0)) / s_c for the 4 packed channels, where
//                    f_c is the channel's generalised Anscombe transform (noise/anscombe.hpp) and
//                    s_c = f_c(1) − f_c(0), so z lies in about [0, 1] with noise of standard
//                    deviation sigma_c = 1 / s_c everywhere; then 4 constant planes sigma_c
//                    (the noise-level map of FFDNet, Zhang et al. 2018);
//   network output = 4 planes, the estimate of E[z | x]; decode() maps it back to raw by the exact
//                    unbiased inverse, so dark pixels come back without the transform's bias.
// Supervised training targets are expected(clean) = E[z | x]; Neighbor2Neighbor targets are
// other noisy z, whose expectation is the same.
#pragma once

#include "n2n_raw/noise/anscombe.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <torch/types.h>

#include <array>
#include <memory>

namespace n2n {

/// Planes the network sees in the stabilised domain: 4 data planes and 4 noise-level planes.
inline constexpr int kStabilisedChannels = 8;

class StabilisedDomain {
public:
    /// Throws ConfigError (field "beta1"/"beta2") for an invalid model.
    explicit StabilisedDomain(const noise::NoiseModel& noise);

    /// Packed noisy raw, 4 × H × W or N × 4 × H × W (one noise model for all), any device →
    /// the 8-plane network input on the same device.
    torch::Tensor encode(const torch::Tensor& noisy) const;
    /// Packed clean raw → E[z | x], the 4-plane target of supervised training.
    torch::Tensor expected(const torch::Tensor& clean) const;
    /// The network's 4 planes → packed raw in [0, 1] by the exact unbiased inverse.
    torch::Tensor decode(const torch::Tensor& z) const;

    /// Noise standard deviation of the data planes, per channel (what the level planes hold).
    const std::array<double, 4>& sigma() const { return sigma_; }
    const noise::NoiseModel& noise() const { return noise_; }

private:
    noise::NoiseModel noise_;
    std::array<std::shared_ptr<const noise::Anscombe>, 4> gat_;
    std::array<double, 4> offset_{};  ///< f_c(0)
    std::array<double, 4> scale_{};   ///< s_c
    std::array<double, 4> sigma_{};   ///< 1 / s_c
};

}  // namespace n2n
