// SPDX-License-Identifier: MIT
#include "n2n_raw/train/sampler.hpp"

#include "n2n_raw/error.hpp"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/torch.h>

namespace n2n::train {
namespace {

void check_sizes(std::int64_t n, std::int64_t height, std::int64_t width) {
    if (n <= 0 || height <= 0 || width <= 0 || height % 2 != 0 || width % 2 != 0)
        throw ConfigError("", "size",
                          fmt::format("the sub-sampler needs a positive batch and even H, W; got {} x {} x {}", n,
                                      height, width));
}

void check_input(const torch::Tensor& x, const torch::Tensor& choices) {
    if (x.dim() != 4) throw ConfigError("", "input", fmt::format("expected N x C x H x W, got {} dims", x.dim()));
    check_sizes(x.size(0), x.size(2), x.size(3));
    if (choices.dim() != 3 || choices.size(0) != x.size(0) || choices.size(1) * 2 != x.size(2) ||
        choices.size(2) * 2 != x.size(3))
        throw ConfigError("", "choices", "the choices do not match the input's N x H/2 x W/2");
}

// Offset in the flat H × W plane of cell position k relative to the cell's top-left pixel.
std::int64_t position_offset(int k, std::int64_t width) { return (k >> 1) * width + (k & 1); }

// The fast CPU path: one pass over the output, reading both pair members per cell.
SubImages subsample_cpu_float(const torch::Tensor& x_in, const torch::Tensor& choices_in) {
    const auto x = x_in.contiguous();
    const auto choices = choices_in.to(torch::kUInt8).contiguous();
    const std::int64_t n = x.size(0), c = x.size(1), height = x.size(2), width = x.size(3);
    const std::int64_t h = height / 2, w = width / 2;
    auto g1 = torch::empty({n, c, h, w}, x.options());
    auto g2 = torch::empty({n, c, h, w}, x.options());
    std::array<std::int64_t, 8> off1{}, off2{};
    for (int i = 0; i < 8; ++i) {
        off1[i] = position_offset(kNeighborPairs[i][0], width);
        off2[i] = position_offset(kNeighborPairs[i][1], width);
    }
    const float* src = x.data_ptr<float>();
    const std::uint8_t* choice = choices.data_ptr<std::uint8_t>();
    float* out1 = g1.data_ptr<float>();
    float* out2 = g2.data_ptr<float>();
    // One task = one output row of one image, all channels (the choice row is shared).
    at::parallel_for(0, n * h, 16, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t task = begin; task < end; ++task) {
            const std::int64_t b = task / h, i = task % h;
            const std::uint8_t* crow = choice + (b * h + i) * w;
            for (std::int64_t ch = 0; ch < c; ++ch) {
                const float* plane_row = src + ((b * c + ch) * height + 2 * i) * width;
                float* o1 = out1 + ((b * c + ch) * h + i) * w;
                float* o2 = out2 + ((b * c + ch) * h + i) * w;
                for (std::int64_t j = 0; j < w; ++j) {
                    const float* cell = plane_row + 2 * j;
                    const int k = crow[j] & 7;
                    o1[j] = cell[off1[k]];
                    o2[j] = cell[off2[k]];
                }
            }
        }
    });
    return {g1, g2};
}

}  // namespace

torch::Tensor draw_pair_choices(std::int64_t n, std::int64_t height, std::int64_t width, SamplerKind kind,
                                at::Generator& generator, const torch::Device& device) {
    check_sizes(n, height, width);
    const auto options = torch::TensorOptions().dtype(torch::kUInt8);
    torch::Tensor choices;
    if (kind == SamplerKind::Random) {
        choices = torch::randint(0, 8, {n, height / 2, width / 2}, generator, options);
    } else {
        choices = torch::randint(0, 8, {n, 1, 1}, generator, options).expand({n, height / 2, width / 2}).contiguous();
    }
    return choices.to(device);
}

std::pair<torch::Tensor, torch::Tensor> pair_indices(const torch::Tensor& choices, std::int64_t width) {
    const auto device = choices.device();
    const std::int64_t h = choices.size(1), w = choices.size(2);
    std::array<std::int64_t, 8> off1{}, off2{};
    for (int i = 0; i < 8; ++i) {
        off1[i] = position_offset(kNeighborPairs[i][0], width);
        off2[i] = position_offset(kNeighborPairs[i][1], width);
    }
    const auto long_opts = torch::TensorOptions().dtype(torch::kInt64);
    const auto lut1 = torch::tensor(std::vector<std::int64_t>(off1.begin(), off1.end()), long_opts).to(device);
    const auto lut2 = torch::tensor(std::vector<std::int64_t>(off2.begin(), off2.end()), long_opts).to(device);
    const auto rows = torch::arange(h, long_opts.device(device)).mul(2 * width).view({h, 1});
    const auto cols = torch::arange(w, long_opts.device(device)).mul(2).view({1, w});
    const auto base = (rows + cols).unsqueeze(0);  // top-left pixel of every cell
    const auto k = choices.to(torch::kInt64);
    return {base + lut1.index({k}), base + lut2.index({k})};
}

SubImages subsample(const torch::Tensor& x, const torch::Tensor& choices) {
    check_input(x, choices);
    if (x.device().is_cpu() && x.scalar_type() == torch::kFloat32 && choices.device().is_cpu())
        return subsample_cpu_float(x, choices);
    // Device-generic path: flat gather indices computed once, shared by all channels.
    const std::int64_t n = x.size(0), c = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2;
    auto [i1, i2] = pair_indices(choices.to(x.device()), x.size(3));
    const auto flat = x.reshape({n, c, -1});
    auto gather = [&](const torch::Tensor& idx) {
        return flat.gather(2, idx.view({n, 1, h * w}).expand({n, c, h * w})).view({n, c, h, w});
    };
    return {gather(i1), gather(i2)};
}

SubImages subsample_reference(const torch::Tensor& x, const torch::Tensor& choices) {
    check_input(x, choices);
    namespace F = torch::nn::functional;
    const std::int64_t n = x.size(0), c = x.size(1), h = x.size(2) / 2, w = x.size(3) / 2;
    const auto dev = x.device();
    // Boolean masks over (cell, position), as the official code builds them.
    const auto pairs = torch::tensor({0, 1, 0, 2, 1, 3, 2, 3, 1, 0, 2, 0, 3, 1, 3, 2}, torch::kInt64).view({8, 2}).to(dev);
    const auto picked = pairs.index({choices.reshape({-1}).to(dev, torch::kInt64)});
    const auto cell_start = torch::arange(0, n * h * w * 4, 4, torch::TensorOptions().dtype(torch::kInt64).device(dev));
    auto mask1 = torch::zeros({n * h * w * 4}, torch::TensorOptions().dtype(torch::kBool).device(dev));
    auto mask2 = torch::zeros_like(mask1);
    mask1.index_put_({picked.select(1, 0) + cell_start}, true);
    mask2.index_put_({picked.select(1, 1) + cell_start}, true);
    auto g1 = torch::empty({n, c, h, w}, x.options());
    auto g2 = torch::empty({n, c, h, w}, x.options());
    for (std::int64_t ch = 0; ch < c; ++ch) {
        // space-to-depth: N × 4 × (h·w), position k = 2·row + col inside the cell.
        const auto cells = F::unfold(x.slice(1, ch, ch + 1), F::UnfoldFuncOptions({2, 2}).stride(2))
                               .view({n, 4, h, w})
                               .permute({0, 2, 3, 1})
                               .reshape({-1});
        g1.select(1, ch).copy_(cells.masked_select(mask1).view({n, h, w}));
        g2.select(1, ch).copy_(cells.masked_select(mask2).view({n, h, w}));
    }
    return {g1, g2};
}

}  // namespace n2n::train
