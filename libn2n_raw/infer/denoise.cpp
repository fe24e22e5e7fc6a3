// SPDX-License-Identifier: MIT
#include "n2n_raw/infer/denoise.hpp"

#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"

#include <fmt/format.h>
#include <torch/nn/functional/padding.h>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

namespace n2n::infer {
namespace {

std::int64_t round_up(std::int64_t v, std::int64_t m) { return (v + m - 1) / m * m; }

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

// The head and the tail per tile with their small halos, the body (the coarse scales, where the
// wide receptive field comes from) once on the whole frame. The full-frame intermediates are
// the head's maps: for the U-Net, the pooled features at 1/2, 1/4 and 1/8 scale.
torch::Tensor run_staged(const Model& model, const model::StagePlan& plan, const torch::Tensor& padded,
                         std::int64_t tile, std::int64_t halo_head, std::int64_t halo_tail) {
    const std::int64_t n = padded.size(0), hp = padded.size(2), wp = padded.size(3);
    const std::size_t levels = plan.head_scales.size();
    std::vector<torch::Tensor> maps(levels);  // the head's maps of the whole frame
    for (const auto& k : make_tiles(hp, wp, tile, halo_head)) {
        const auto parts = model.head(window_of(padded, k, 1));
        if (parts.size() != levels)
            throw FormatError("", "stage_head", fmt::format("returned {} maps, the stage plan says {}", parts.size(), levels));
        for (std::size_t level = 0; level < levels; ++level) {
            const std::int64_t scale = plan.head_scales[level];
            if (!maps[level].defined())
                maps[level] = torch::empty({n, parts[level].size(1), hp / scale, wp / scale},
                                           parts[level].options().memory_format(parts[level].suggest_memory_format()));
            copy_core(maps[level], parts[level], k, scale);
        }
    }
    const torch::Tensor deep = model.body(maps.back());
    maps.pop_back();  // the tail starts from `deep`: free the coarsest map before the peak
    const std::int64_t deep_scale = plan.grid();
    torch::Tensor out;
    for (const auto& k : make_tiles(hp, wp, tile, halo_tail)) {
        std::vector<torch::Tensor> skips;
        for (std::size_t level = 0; level < maps.size(); ++level)
            skips.push_back(window_of(maps[level], k, plan.head_scales[level]));
        const torch::Tensor result = model.tail(window_of(deep, k, deep_scale), skips, window_of(padded, k, 1));
        if (!out.defined()) out = torch::empty({n, result.size(1), hp, wp}, result.options());
        copy_core(out, result, k, 1);
    }
    return out;
}

}  // namespace

namespace {

// The network on a packed N × C × H × W batch already on the model's device: pad, run (tiled
// when larger than one tile), crop.
torch::Tensor run_network(const Model& model, const torch::Tensor& x, const TileOptions& options) {
    const std::int64_t h = x.size(2), w = x.size(3), m = model.required_multiple();
    const torch::Tensor padded = model::pad_to_multiple(x, m);
    const std::int64_t hp = padded.size(2), wp = padded.size(3);
    const std::int64_t tile = options.tile <= 0 ? 0 : round_up(options.tile, m);
    torch::Tensor out;
    if (tile == 0 || (hp <= tile && wp <= tile)) {
        out = model.forward(padded);
    } else if (const auto& plan = model.stage_plan()) {
        // Tile edges on the stage grid keep every pooled cell whole; halos round up to it too.
        const std::int64_t grid = plan->grid();
        const auto halo = [&](std::int64_t exact) { return round_up(options.halo < 0 ? exact : options.halo, grid); };
        out = run_staged(model, *plan, padded, round_up(tile, grid), halo(plan->halo_head), halo(plan->halo_tail));
    } else {
        out = run_tiled(model, padded, tile, round_up(options.halo < 0 ? model.receptive_radius() : options.halo, m));
    }
    return out.slice(2, 0, h).slice(3, 0, w);
}

// Noise-conditioned models: into the stabilised domain with the given (or each frame's blindly
// estimated) noise model, the network, and back by the exact unbiased inverse.
torch::Tensor run_stabilised(const Model& model, const torch::Tensor& x, const TileOptions& options) {
    if (options.noise) {
        const StabilisedDomain domain(*options.noise);
        return domain.decode(run_network(model, domain.encode(x), options));
    }
    std::vector<torch::Tensor> frames;
    for (std::int64_t i = 0; i < x.size(0); ++i) {
        const auto frame = x.slice(0, i, i + 1);
        const Image<float> mosaic = unpack_from_tensor(frame.to(torch::kCPU), bayer::BayerPhase::RGGB);
        const StabilisedDomain domain(noise::estimate_noise_model(mosaic.view(), bayer::BayerPhase::RGGB));
        frames.push_back(domain.decode(run_network(model, domain.encode(frame), options)));
    }
    return torch::cat(frames, 0);
}

}  // namespace

std::int64_t exact_halo(const Model& model) {
    if (const auto& plan = model.stage_plan()) return std::max(plan->halo_head, plan->halo_tail);
    return model.receptive_radius();
}

torch::Tensor denoise_packed(const Model& model, const torch::Tensor& packed, const TileOptions& options) {
    const bool batched = packed.dim() == 4;
    if ((!batched && packed.dim() != 3) || packed.size(batched ? 1 : 0) != 4)
        throw ConfigError("", "input", fmt::format("expected a packed N x 4 x H x W or 4 x H x W tensor, got {}",
                                                   fmt::join(packed.sizes(), " x ")));
    if (options.tile < 0 || options.tile % model.required_multiple() != 0)
        throw ConfigError("", "tile",
                          fmt::format("{} is not 0 (whole frame) or a multiple of {}, the network's multiple",
                                      options.tile, model.required_multiple()));
    if (options.halo < -1) throw ConfigError("", "halo", fmt::format("{} is neither -1 (exact) nor a width >= 0", options.halo));
    c10::InferenceMode guard;
    const torch::Tensor x = (batched ? packed : packed.unsqueeze(0)).to(model.device(), torch::kFloat32);
    torch::Tensor out = model.noise_conditioned() ? run_stabilised(model, x, options) : run_network(model, x, options);
    if (!torch::isfinite(out).all().item<bool>())
        throw NumericError("", "model output",
                           "the network produced NaN or Inf: the model is broken (a diverged training run?)");
    // In place saves a full-frame copy, but only on a buffer we own: a loaded module may return
    // (a view of) its input, which can be the caller's tensor.
    if (options.clip) out = out.is_alias_of(packed) ? out.clamp(0.0, 1.0) : out.clamp_(0.0, 1.0);
    out = out.contiguous().to(packed.device());
    return batched ? out : out.squeeze(0);
}

namespace {

// The mosaic with `top`/`left`/`bottom`/`right` (0 or 1) extra rows and columns by reflection:
// the mirrored pixel two steps away has the colour the new position needs, so the CFA continues.
Image<float> reflect_pad(ImageView<const float> mosaic, int top, int left, int bottom, int right) {
    const std::ptrdiff_t h = mosaic.height(), w = mosaic.width();
    Image<float> out(h + top + bottom, w + left + right);
    const auto source = [](std::ptrdiff_t i, std::ptrdiff_t n) { return i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i; };
    for (std::ptrdiff_t r = 0; r < out.height(); ++r) {
        const float* in = mosaic.row(source(r - top, h));
        float* dst = out.view().row(r);
        for (std::ptrdiff_t c = 0; c < out.width(); ++c) dst[c] = in[source(c - left, w)];
    }
    return out;
}

}  // namespace

namespace {

// One pass of denoise_mosaic, in the mosaic's own orientation.
Image<float> denoise_oriented(const Model& model, ImageView<const float> mosaic, bayer::BayerPhase phase,
                              const TileOptions& options, PhaseAlignment alignment) {
    const std::ptrdiff_t h = mosaic.height(), w = mosaic.width();
    // Shift: one mirrored row/column on top/left brings the first cell to RGGB. Either way an odd
    // last row/column gets its mirrored partner.
    const bool shift = alignment == PhaseAlignment::Shift;
    const int top = shift ? phase.row_shift() : 0, left = shift ? phase.col_shift() : 0;
    const int bottom = static_cast<int>((h + top) % 2), right = static_cast<int>((w + left) % 2);
    const bayer::BayerPhase packed_phase = shift ? bayer::BayerPhase::RGGB : phase;
    Image<float> padded;
    ImageView<const float> input = mosaic;
    if (top + left + bottom + right > 0) {
        padded = reflect_pad(mosaic, top, left, bottom, right);
        input = padded.view();
    }
    const torch::Tensor packed = pack_to_tensor(input, packed_phase);
    const torch::Tensor denoised = denoise_packed(model, packed, options).to(torch::kCPU);
    Image<float> full = unpack_from_tensor(denoised, packed_phase);
    if (full.height() == h && full.width() == w) return full;
    Image<float> out(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r) std::copy_n(full.view().row(r + top) + left, w, out.view().row(r));
    return out;
}

}  // namespace

Image<float> denoise_mosaic(const Model& model, ImageView<const float> mosaic, bayer::BayerPhase phase,
                            const TileOptions& options, PhaseAlignment alignment) {
    if (mosaic.height() < 2 || mosaic.width() < 2)
        throw ConfigError("", "size", fmt::format("mosaic {}x{} is smaller than one 2x2 cell", mosaic.height(),
                                                  mosaic.width()));
    const int n = options.ensemble;
    if (n != 1 && n != 2 && n != 4 && n != 8)
        throw ConfigError("", "ensemble", fmt::format("must be 1, 2, 4 or 8 orientations, got {}", n));
    if (n == 1) return denoise_oriented(model, mosaic, phase, options, alignment);
    // Orientation index bits are (transpose, mirror left-right, mirror top-bottom): the first 2
    // and 4 are mirrors only, the 8 add the transposes.
    Image<float> sum(mosaic.height(), mosaic.width());
    for (int k = 0; k < n; ++k) {
        const bayer::Orientation o = bayer::Orientation::from_index(n == 2 ? 2 * k : k);
        const bayer::Mosaic turned = bayer::orient(mosaic, phase, o);
        TileOptions pass = options;
        // A transpose moves red-row greens (Gr) into blue rows: their noise levels swap too.
        if (o.transpose && pass.noise) std::swap(pass.noise->channels[1], pass.noise->channels[2]);
        const Image<float> denoised = denoise_oriented(model, turned.pixels.view(), turned.phase, pass, alignment);
        const bayer::Mosaic back = bayer::orient(denoised.view(), turned.phase, o.inverse());
        std::transform(sum.pixels().begin(), sum.pixels().end(), back.pixels.pixels().begin(), sum.pixels().begin(),
                       std::plus<>());
    }
    for (float& v : sum.pixels()) v /= static_cast<float>(n);
    return sum;
}

}  // namespace n2n::infer
