// SPDX-License-Identifier: MIT
#include "n2n_raw/tensor/packed_tensor.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/torch.h>

namespace n2n {
namespace {

// A CPU, contiguous float32 C×H×W tensor, whatever came in (device, dtype, batch axis of 1).
torch::Tensor as_cpu_chw(const torch::Tensor& t, const char* field) {
    torch::Tensor chw = t;
    if (chw.dim() == 4 && chw.size(0) == 1) chw = chw.squeeze(0);
    if (chw.dim() != 3)
        throw ConfigError("", field, fmt::format("expected a C x H x W tensor, got {} dimensions", t.dim()));
    if (!chw.is_floating_point()) throw ConfigError("", field, "expected a floating-point tensor");
    return chw.to(torch::kCPU, torch::kFloat32).contiguous();
}

}  // namespace

torch::Tensor pack_to_tensor(ImageView<const float> mosaic, bayer::BayerPhase phase, bayer::OddSize odd) {
    const auto [h, w] = bayer::packed_size(mosaic.height(), mosaic.width(), odd);
    torch::Tensor out = torch::empty({bayer::kPackedChannels, h, w}, torch::kFloat32);
    pack_into_tensor(mosaic, phase, out, odd);
    return out;
}

void pack_into_tensor(ImageView<const float> mosaic, bayer::BayerPhase phase, torch::Tensor& dst, bayer::OddSize odd) {
    const auto [h, w] = bayer::packed_size(mosaic.height(), mosaic.width(), odd);
    if (dst.dim() != 3 || dst.size(0) != bayer::kPackedChannels || dst.size(1) != h || dst.size(2) != w)
        throw ConfigError("", "packed tensor",
                          fmt::format("expected 4 x {} x {}, got {}", h, w, fmt::join(dst.sizes(), " x ")));
    if (dst.scalar_type() != torch::kFloat32 || !dst.device().is_cpu() || !dst.is_contiguous())
        throw ConfigError("", "packed tensor", "expected a contiguous float32 CPU tensor");
    float* base = dst.data_ptr<float>();
    bayer::PackedPlanes planes;
    for (int c = 0; c < bayer::kPackedChannels; ++c) planes[c] = ImageView<float>(base + c * h * w, h, w);
    bayer::pack_into(mosaic, phase, planes, odd);
}

Image<float> unpack_from_tensor(const torch::Tensor& packed, bayer::BayerPhase phase) {
    torch::Tensor chw = as_cpu_chw(packed, "packed tensor");
    if (chw.size(0) != bayer::kPackedChannels)
        throw ConfigError("", "packed tensor", fmt::format("has {} channels, expected 4", chw.size(0)));
    const std::ptrdiff_t h = chw.size(1), w = chw.size(2);
    const float* base = chw.data_ptr<float>();
    bayer::ConstPackedPlanes planes;
    for (int c = 0; c < bayer::kPackedChannels; ++c) planes[c] = ImageView<const float>(base + c * h * w, h, w);
    Image<float> out(2 * h, 2 * w);
    bayer::unpack_into(planes, phase, out.view());
    return out;
}

torch::Tensor to_tensor(const PlanarImage<float>& planes) {
    // from_blob does not own the memory: clone so the tensor outlives `planes`.
    return torch::from_blob(const_cast<float*>(planes.data()), {planes.channels(), planes.height(), planes.width()},
                            torch::kFloat32)
        .clone();
}

PlanarImage<float> to_planar(const torch::Tensor& chw_in) {
    torch::Tensor chw = as_cpu_chw(chw_in, "tensor");
    PlanarImage<float> out(chw.size(0), chw.size(1), chw.size(2));
    std::copy_n(chw.data_ptr<float>(), chw.numel(), out.data());
    return out;
}

}  // namespace n2n
