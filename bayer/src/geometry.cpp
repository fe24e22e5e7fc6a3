// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/geometry.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

namespace n2n::bayer {
namespace {
template <class T>
PhasedView<T> crop_impl(ImageView<T> mosaic, BayerPhase phase, const Rect& r) {
    if (r.height <= 0 || r.width <= 0 || r.row < 0 || r.col < 0 || r.row + r.height > mosaic.height() ||
        r.col + r.width > mosaic.width())
        throw ConfigError("", "crop",
                          fmt::format("rectangle {}x{} at ({}, {}) does not fit in a {}x{} mosaic", r.height, r.width,
                                      r.row, r.col, mosaic.height(), mosaic.width()));
    return {mosaic.sub(r.row, r.col, r.height, r.width), phase.cropped(r.row, r.col)};
}
}  // namespace

PhasedView<const float> crop(ImageView<const float> mosaic, BayerPhase phase, const Rect& rect) {
    return crop_impl(mosaic, phase, rect);
}
PhasedView<float> crop(ImageView<float> mosaic, BayerPhase phase, const Rect& rect) {
    return crop_impl(mosaic, phase, rect);
}

PhasedView<const float> align_phase(ImageView<const float> mosaic, BayerPhase phase, BayerPhase target,
                                    bool even_size) {
    const std::ptrdiff_t dr = (phase.row_shift() ^ target.row_shift());
    const std::ptrdiff_t dc = (phase.col_shift() ^ target.col_shift());
    std::ptrdiff_t h = mosaic.height() - dr, w = mosaic.width() - dc;
    if (even_size) {
        h -= h % 2;
        w -= w % 2;
    }
    return crop(mosaic, phase, Rect{dr, dc, h, w});
}

Orientation Orientation::from_index(int index) {
    if (index < 0 || index > 7) throw ConfigError("", "orientation", fmt::format("index {} is not in 0..7", index));
    return {(index & 4) != 0, (index & 2) != 0, (index & 1) != 0};
}

int Orientation::index() const { return (transpose ? 4 : 0) | (flip_horizontal ? 2 : 0) | (flip_vertical ? 1 : 0); }

// Mirrors undone first, then the transpose, equals the transpose followed by the swapped mirrors.
Orientation Orientation::inverse() const {
    return transpose ? Orientation{true, flip_vertical, flip_horizontal} : *this;
}

BayerPhase oriented_phase(BayerPhase phase, std::ptrdiff_t height, std::ptrdiff_t width, Orientation o) {
    if (o.transpose) {
        phase = phase.transposed();
        std::swap(height, width);
    }
    if (o.flip_horizontal) phase = phase.flipped_horizontally(width);
    if (o.flip_vertical) phase = phase.flipped_vertically(height);
    return phase;
}

Mosaic orient(ImageView<const float> mosaic, BayerPhase phase, Orientation o) {
    const std::ptrdiff_t out_h = o.transpose ? mosaic.width() : mosaic.height();
    const std::ptrdiff_t out_w = o.transpose ? mosaic.height() : mosaic.width();
    Mosaic out{Image<float>(out_h, out_w), oriented_phase(phase, mosaic.height(), mosaic.width(), o)};
    auto dst = out.pixels.view();
    for (std::ptrdiff_t r = 0; r < out_h; ++r) {
        const std::ptrdiff_t tr = o.flip_vertical ? out_h - 1 - r : r;  // row in the transposed image
        for (std::ptrdiff_t c = 0; c < out_w; ++c) {
            const std::ptrdiff_t tc = o.flip_horizontal ? out_w - 1 - c : c;
            dst(r, c) = o.transpose ? mosaic(tc, tr) : mosaic(tr, tc);
        }
    }
    return out;
}

}  // namespace n2n::bayer
