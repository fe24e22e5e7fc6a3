// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/levels.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace n2n::bayer {

void Levels::validate() const {
    for (float b : black) {
        if (!std::isfinite(b)) throw ConfigError("", "black level", "is not a finite number");
        if (!(white > b))
            throw ConfigError("", "white level", fmt::format("white level {} must exceed black level {}", white, b));
    }
}

Levels Levels::cropped(std::ptrdiff_t row_offset, std::ptrdiff_t col_offset) const {
    Levels out = *this;
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) out.black[2 * r + c] = black_at(r + row_offset, c + col_offset);
    return out;
}

namespace {
template <class T>
Image<float> normalize_impl(ImageView<const T> raw, const Levels& levels, Clip clip) {
    levels.validate();
    Image<float> out(raw.height(), raw.width());
    // Per row only two black levels alternate, so precompute scale and offset for both parities.
    for (std::ptrdiff_t r = 0; r < raw.height(); ++r) {
        const float b0 = levels.black_at(r, 0), b1 = levels.black_at(r, 1);
        const float s0 = 1.F / (levels.white - b0), s1 = 1.F / (levels.white - b1);
        const T* src = raw.row(r);
        float* dst = out.view().row(r);
        for (std::ptrdiff_t c = 0; c + 1 < raw.width(); c += 2) {
            dst[c] = (static_cast<float>(src[c]) - b0) * s0;
            dst[c + 1] = (static_cast<float>(src[c + 1]) - b1) * s1;
        }
        if (raw.width() % 2) dst[raw.width() - 1] = (static_cast<float>(src[raw.width() - 1]) - b0) * s0;
        if (clip == Clip::ZeroOne)
            for (std::ptrdiff_t c = 0; c < raw.width(); ++c) dst[c] = std::clamp(dst[c], 0.F, 1.F);
    }
    return out;
}
}  // namespace

Image<float> normalize(ImageView<const float> raw, const Levels& levels, Clip clip) {
    return normalize_impl(raw, levels, clip);
}
Image<float> normalize(ImageView<const std::uint16_t> raw, const Levels& levels, Clip clip) {
    return normalize_impl(raw, levels, clip);
}

Levels dn_levels(const Levels& levels) {
    levels.validate();
    if (levels.white > 1.F) return levels;
    // Use the whole 16-bit range: writing [0, 1] data as DN would leave it at values 0 and 1.
    const float scale = 65535.F / levels.white;
    Levels out = levels;
    for (float& b : out.black) b *= scale;
    out.white = 65535.F;
    return out;
}

Image<std::uint16_t> denormalize(ImageView<const float> normalized, const Levels& levels) {
    levels.validate();
    Image<std::uint16_t> out(normalized.height(), normalized.width());
    for (std::ptrdiff_t r = 0; r < normalized.height(); ++r)
        for (std::ptrdiff_t c = 0; c < normalized.width(); ++c) {
            const float black = levels.black_at(r, c);
            const float dn = normalized(r, c) * (levels.white - black) + black;
            out(r, c) = static_cast<std::uint16_t>(std::clamp(std::lround(dn), 0L, 65535L));
        }
    return out;
}

}  // namespace n2n::bayer
