// SPDX-License-Identifier: MIT
#include "n2n_raw/infer/denoise.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"

#include <fmt/format.h>
#include <torch/nn/functional/padding.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <vector>

namespace n2n::infer {
namespace {

std::int64_t round_up(std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; }

// Pads H and W (dims 2, 3) up to multiples of m as the untiled run does: reflection, or edge
// replication for planes too small to reflect.
torch::Tensor pad_to_multiple(const torch::Tensor& x, std::int64_t m) {
    const std::int64_t h = x.size(2), w = x.size(3);
    const std::int64_t pad_h = round_up(h, m) - h, pad_w = round_up(w, m) - w;
    if (pad_h == 0 && pad_w == 0) return x;
    namespace F = torch::nn::functional;
    const bool can_reflect = pad_h < h && pad_w < w;
    F::PadFuncOptions::mode_t mode = torch::kReflect;
    if (!can_reflect) mode = torch::kReplicate;
    return F::pad(x, F::PadFuncOptions({0, pad_w, 0, pad_h}).mode(mode));
}

// One tile: the core [y0, y1) × [x0, x1) and its window, the core plus `halo` of context on each
// side clipped to the image. All bounds are multiples of 32 (the pooling grid of the full frame).
struct Tile {
    std::int64_t y0, y1, x0, x1, wy0, wy1, wx0, wx1;
};

std::vector<Tile> make_tiles(std::int64_t hp, std::int64_t wp, std::int64_t tile, std::int64_t halo) {
    std::vector<Tile> tiles;
    for (std::int64_t y0 = 0; y0 < hp; y0 += tile)
        for (std::int64_t x0 = 0; x0 < wp; x0 += tile) {
            const std::int64_t y1 = std::min(hp, y0 + tile), x1 = std::min(wp, x0 + tile);
            tiles.push_back({y0, y1, x0, x1, std::max<std::int64_t>(0, y0 - halo), std::min(hp, y1 + halo),
                             std::max<std::int64_t>(0, x0 - halo), std::min(wp, x1 + halo)});
        }
    return tiles;
}

// The part of `t` (a map at 1/scale resolution) under the tile's window.
torch::Tensor window_of(const torch::Tensor& t, const Tile& k, std::int64_t scale) {
    return t.slice(2, k.wy0 / scale, k.wy1 / scale).slice(3, k.wx0 / scale, k.wx1 / scale);
}

// Copies the core of `result` (computed on the tile's window, at 1/scale) into `dst`.
void copy_core(torch::Tensor& dst, const torch::Tensor& result, const Tile& k, std::int64_t scale) {
    dst.slice(2, k.y0 / scale, k.y1 / scale)
        .slice(3, k.x0 / scale, k.x1 / scale)
        .copy_(result.slice(2, (k.y0 - k.wy0) / scale, (k.y1 - k.wy0) / scale)
                   .slice(3, (k.x0 - k.wx0) / scale, (k.x1 - k.wx0) / scale));
}

// Whole network per tile, with a halo covering its full receptive field.
torch::Tensor run_tiled(const Model& model, const torch::Tensor& padded, std::int64_t tile, std::int64_t halo) {
    torch::Tensor out;
    for (const auto& k : make_tiles(padded.size(2), padded.size(3), tile, halo)) {
        const torch::Tensor result = model.forward(window_of(padded, k, 1));
        if (!out.defined()) out = torch::empty({padded.size(0), result.size(1), padded.size(2), padded.size(3)}, result.options());
        copy_core(out, result, k, 1);
    }
    return out;
}

// Stages A and C per tile with a small halo, stage B (1/8 scale and below, where the large
// receptive field comes from) once on the whole frame. The full-frame intermediates are the
// pooled features at 1/2, 1/4 and 1/8 scale: about 0.4 of the input's size times 48/4 channels.
torch::Tensor run_staged(const Model& model, const torch::Tensor& padded, std::int64_t tile, std::int64_t halo_a,
                         std::int64_t halo_c) {
    const std::int64_t n = padded.size(0), hp = padded.size(2), wp = padded.size(3);
    std::array<torch::Tensor, 3> pooled;  // p1, p2, p3 of the whole frame
    for (const auto& k : make_tiles(hp, wp, tile, halo_a)) {
        const auto parts = model.stage_a(window_of(padded, k, 1));
        for (std::size_t level = 0; level < 3; ++level) {
            const std::int64_t scale = std::int64_t{2} << level;
            if (!pooled[level].defined())
                pooled[level] = torch::empty({n, parts[level].size(1), hp / scale, wp / scale}, parts[level].options());
            copy_core(pooled[level], parts[level], k, scale);
        }
    }
    const torch::Tensor deep = model.stage_b(pooled[2]);
    pooled[2] = torch::Tensor();  // stage C starts from `deep`: free p3 before the peak
    torch::Tensor out;
    for (const auto& k : make_tiles(hp, wp, tile, halo_c)) {
        const torch::Tensor result = model.stage_c(window_of(deep, k, 8), window_of(pooled[1], k, 4),
                                                   window_of(pooled[0], k, 2), window_of(padded, k, 1));
        if (!out.defined()) out = torch::empty({n, result.size(1), hp, wp}, result.options());
        copy_core(out, result, k, 1);
    }
    return out;
}

}  // namespace

torch::Tensor denoise_packed(const Model& model, const torch::Tensor& packed, const TileOptions& options) {
    const bool batched = packed.dim() == 4;
    if ((!batched && packed.dim() != 3) || packed.size(batched ? 1 : 0) != 4)
        throw ConfigError("", "input", fmt::format("expected a packed N x 4 x H x W or 4 x H x W tensor, got {}",
                                                   fmt::join(packed.sizes(), " x ")));
    c10::InferenceMode guard;
    const torch::Tensor x = (batched ? packed : packed.unsqueeze(0)).to(model.device(), torch::kFloat32);
    const std::int64_t h = x.size(2), w = x.size(3), m = model.required_multiple();
    const torch::Tensor padded = pad_to_multiple(x, m);
    const std::int64_t hp = padded.size(2), wp = padded.size(3);
    const std::int64_t tile = options.tile <= 0 ? 0 : round_up(options.tile, m);
    torch::Tensor out;
    if (tile == 0 || (hp <= tile && wp <= tile)) {
        out = model.forward(padded);
    } else if (model.has_stages()) {
        const auto halo = [&](std::int64_t fallback) {
            return round_up(options.halo < 0 ? fallback : options.halo, Model::kStageGrid);
        };
        out = run_staged(model, padded, tile, halo(Model::kStageHaloA), halo(Model::kStageHaloC));
    } else {
        out = run_tiled(model, padded, tile, round_up(options.halo < 0 ? model.receptive_radius() : options.halo, m));
    }
    // In place saves a full-frame copy, but only on a buffer we own: a loaded module may return
    // (a view of) its input, which can be the caller's tensor.
    if (options.clip) out = out.is_alias_of(packed) ? out.clamp(0.0, 1.0) : out.clamp_(0.0, 1.0);
    out = out.slice(2, 0, h).slice(3, 0, w).contiguous().to(packed.device());
    return batched ? out : out.squeeze(0);
}

Image<float> denoise_mosaic(const Model& model, ImageView<const float> mosaic, bayer::BayerPhase phase,
                            const TileOptions& options) {
    if (mosaic.height() < 2 || mosaic.width() < 2)
        throw ConfigError("", "size", fmt::format("mosaic {}x{} is smaller than one 2x2 cell", mosaic.height(),
                                                  mosaic.width()));
    const std::ptrdiff_t h = mosaic.height(), w = mosaic.width();
    // An odd last row/column gets a partner: the same-colour row/column two before it.
    Image<float> even;
    ImageView<const float> input = mosaic;
    if (h % 2 != 0 || w % 2 != 0) {
        even = Image<float>(h + h % 2, w + w % 2);
        for (std::ptrdiff_t r = 0; r < even.height(); ++r)
            for (std::ptrdiff_t c = 0; c < even.width(); ++c)
                even(r, c) = mosaic(r < h ? r : r - 2 < 0 ? 0 : r - 2, c < w ? c : c - 2 < 0 ? 0 : c - 2);
        input = even.view();
    }
    const torch::Tensor packed = pack_to_tensor(input, phase);
    const torch::Tensor denoised = denoise_packed(model, packed, options).to(torch::kCPU);
    Image<float> full = unpack_from_tensor(denoised, phase);
    if (full.height() == h && full.width() == w) return full;
    Image<float> out(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r) std::copy_n(full.view().row(r), w, out.view().row(r));
    return out;
}

}  // namespace n2n::infer
