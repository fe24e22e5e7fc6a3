// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/pack.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

namespace n2n::bayer {
namespace {

void check_even(std::ptrdiff_t extent, const char* what, OddSize odd) {
    if (extent % 2 != 0 && odd == OddSize::Reject)
        throw ConfigError("", what,
                          fmt::format("mosaic {} {} is odd; pack needs whole 2x2 cells (crop it, or choose "
                                      "OddSize::TrimTrailing to drop the last one)",
                                      what, extent));
}

template <class Planes>
void check_planes(const Planes& planes, std::ptrdiff_t h, std::ptrdiff_t w) {
    for (const auto& p : planes)
        if (p.height() != h || p.width() != w)
            throw ConfigError("", "packed planes",
                              fmt::format("plane is {}x{}, expected {}x{}", p.height(), p.width(), h, w));
}

// Which packed plane receives the even and the odd column of a mosaic row of parity `row_parity`.
struct RowRoute {
    int even_plane;
    int odd_plane;
};
RowRoute route(BayerPhase phase, int row_parity) {
    return {static_cast<int>(phase.channel_at(row_parity, 0)), static_cast<int>(phase.channel_at(row_parity, 1))};
}

}  // namespace

std::array<std::ptrdiff_t, 2> packed_size(std::ptrdiff_t height, std::ptrdiff_t width, OddSize odd) {
    check_even(height, "height", odd);
    check_even(width, "width", odd);
    return {height / 2, width / 2};
}

void pack_into(ImageView<const float> mosaic, BayerPhase phase, const PackedPlanes& planes, OddSize odd) {
    const auto [h, w] = packed_size(mosaic.height(), mosaic.width(), odd);
    check_planes(planes, h, w);
    for (int parity = 0; parity < 2; ++parity) {
        const RowRoute rt = route(phase, parity);
        for (std::ptrdiff_t i = 0; i < h; ++i) {
            const float* __restrict src = mosaic.row(2 * i + parity);
            float* __restrict even = planes[rt.even_plane].row(i);
            float* __restrict oddp = planes[rt.odd_plane].row(i);
            for (std::ptrdiff_t j = 0; j < w; ++j) {
                even[j] = src[2 * j];
                oddp[j] = src[2 * j + 1];
            }
        }
    }
}

PlanarImage<float> pack(ImageView<const float> mosaic, BayerPhase phase, OddSize odd) {
    const auto [h, w] = packed_size(mosaic.height(), mosaic.width(), odd);
    PlanarImage<float> out(kPackedChannels, h, w);
    pack_into(mosaic, phase, planes_of(out), odd);
    return out;
}

void unpack_into(const ConstPackedPlanes& planes, BayerPhase phase, ImageView<float> mosaic) {
    const std::ptrdiff_t h = planes[0].height(), w = planes[0].width();
    check_planes(planes, h, w);
    if (mosaic.height() != 2 * h || mosaic.width() != 2 * w)
        throw ConfigError("", "mosaic",
                          fmt::format("mosaic is {}x{}, expected {}x{}", mosaic.height(), mosaic.width(), 2 * h, 2 * w));
    for (int parity = 0; parity < 2; ++parity) {
        const RowRoute rt = route(phase, parity);
        for (std::ptrdiff_t i = 0; i < h; ++i) {
            float* __restrict dst = mosaic.row(2 * i + parity);
            const float* __restrict even = planes[rt.even_plane].row(i);
            const float* __restrict oddp = planes[rt.odd_plane].row(i);
            for (std::ptrdiff_t j = 0; j < w; ++j) {
                dst[2 * j] = even[j];
                dst[2 * j + 1] = oddp[j];
            }
        }
    }
}

Image<float> unpack(const PlanarImage<float>& packed, BayerPhase phase) {
    Image<float> out(2 * packed.height(), 2 * packed.width());
    unpack_into(planes_of(packed), phase, out.view());
    return out;
}

PackedPlanes planes_of(PlanarImage<float>& packed) {
    if (packed.channels() != kPackedChannels)
        throw ConfigError("", "packed", fmt::format("has {} channels, expected 4", packed.channels()));
    return {packed.plane(0), packed.plane(1), packed.plane(2), packed.plane(3)};
}

ConstPackedPlanes planes_of(const PlanarImage<float>& packed) {
    if (packed.channels() != kPackedChannels)
        throw ConfigError("", "packed", fmt::format("has {} channels, expected 4", packed.channels()));
    return {packed.plane(0), packed.plane(1), packed.plane(2), packed.plane(3)};
}

}  // namespace n2n::bayer
