// SPDX-License-Identifier: MIT
#include "n2n_raw/tensor/stabilised_domain.hpp"

#include "n2n_raw/error.hpp"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/torch.h>

namespace n2n {
namespace {

// The 4 packed planes of a 3-D or 4-D tensor as a CPU float32 contiguous N × 4 × H × W tensor
// that shares no memory with `t` (mapped in place next): one copy, whether or not .to() made one.
torch::Tensor planes_of(const torch::Tensor& t, const char* what) {
    const bool batched = t.dim() == 4;
    if ((!batched && t.dim() != 3) || t.size(batched ? 1 : 0) != 4)
        throw ConfigError("", what, fmt::format("expected a packed N x 4 x H x W or 4 x H x W tensor, got {}",
                                                fmt::join(t.sizes(), " x ")));
    const auto planes = (batched ? t : t.unsqueeze(0)).to(torch::kCPU, torch::kFloat32).contiguous();
    return planes.is_alias_of(t) ? planes.clone() : planes;
}

// Applies `per_value(channel, v)` to every value of `planes` (N × 4 × H × W, CPU, contiguous).
template <class F>
void map_values(torch::Tensor& planes, F per_value) {
    const std::int64_t n = planes.size(0), plane = planes.size(2) * planes.size(3);
    float* data = planes.data_ptr<float>();
    at::parallel_for(0, n * 4, 1, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const auto channel = static_cast<std::size_t>(i % 4);
            float* p = data + i * plane;
            for (std::int64_t k = 0; k < plane; ++k) p[k] = static_cast<float>(per_value(channel, p[k]));
        }
    });
}

torch::Tensor like_input(torch::Tensor planes, const torch::Tensor& input) {
    if (input.dim() == 3) planes = planes.squeeze(0);
    return planes.to(input.device());
}

}  // namespace

StabilisedDomain::StabilisedDomain(const noise::NoiseModel& noise) : noise_(noise) {
    noise.validate();
    for (std::size_t c = 0; c < 4; ++c) {
        gat_[c] = noise::Anscombe::shared(noise.channels[c]);
        offset_[c] = gat_[c]->forward(0.0);
        scale_[c] = gat_[c]->forward(1.0) - offset_[c];
        sigma_[c] = 1.0 / scale_[c];
    }
}

torch::Tensor StabilisedDomain::encode(const torch::Tensor& noisy) const {
    auto z = planes_of(noisy, "noisy");
    map_values(z, [&](std::size_t c, float v) { return (gat_[c]->forward(v) - offset_[c]) / scale_[c]; });
    auto levels = torch::empty_like(z);
    for (std::int64_t c = 0; c < 4; ++c) levels.select(1, c).fill_(sigma_[static_cast<std::size_t>(c)]);
    return like_input(torch::cat({z, levels}, 1), noisy);
}

torch::Tensor StabilisedDomain::expected(const torch::Tensor& clean) const {
    auto z = planes_of(clean, "clean");
    map_values(z, [&](std::size_t c, float v) {
        return (gat_[c]->expected_forward_tabulated(v) - offset_[c]) / scale_[c];
    });
    return like_input(z, clean);
}

torch::Tensor StabilisedDomain::decode(const torch::Tensor& z) const {
    auto x = planes_of(z, "network output");
    map_values(x, [&](std::size_t c, float v) { return gat_[c]->inverse(v * scale_[c] + offset_[c]); });
    return like_input(x, z);
}

}  // namespace n2n
