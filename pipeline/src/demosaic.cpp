// SPDX-License-Identifier: MIT
#include "n2n_raw/pipeline/demosaic.hpp"

#include "n2n_raw/error.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <string>

namespace n2n::pipeline {
namespace {

constexpr std::ptrdiff_t kPad = 2;  // the widest kernel (5x5) reaches 2 pixels out

// Mirror about the edge pixel (-1 -> 1, n -> n-2): the mirrored pixel has the same CFA colour.
std::ptrdiff_t mirror(std::ptrdiff_t i, std::ptrdiff_t n) {
    if (i < 0) return -i;
    if (i >= n) return 2 * (n - 1) - i;
    return i;
}

Image<float> pad_mirrored(ImageView<const float> m) {
    Image<float> out(m.height() + 2 * kPad, m.width() + 2 * kPad);
    for (std::ptrdiff_t r = 0; r < out.height(); ++r) {
        const float* src = m.row(mirror(r - kPad, m.height()));
        float* dst = out.view().row(r);
        std::copy(src, src + m.width(), dst + kPad);
        for (std::ptrdiff_t k = 1; k <= kPad; ++k) {
            dst[kPad - k] = src[mirror(-k, m.width())];
            dst[kPad + m.width() - 1 + k] = src[mirror(m.width() - 1 + k, m.width())];
        }
    }
    return out;
}

// Each kernel estimates a missing colour at the centre p of a padded mosaic with row stride s:
//  green_at_rb: green at a red or blue site;   diagonal: blue at red / red at blue;
//  along_row:   at a green site, the colour sharing its row;   along_col: the one sharing its column.
struct Bilinear {
    static float green_at_rb(const float* p, std::ptrdiff_t s) { return 0.25F * (p[-1] + p[1] + p[-s] + p[s]); }
    static float diagonal(const float* p, std::ptrdiff_t s) {
        return 0.25F * (p[-s - 1] + p[-s + 1] + p[s - 1] + p[s + 1]);
    }
    static float along_row(const float* p, std::ptrdiff_t) { return 0.5F * (p[-1] + p[1]); }
    static float along_col(const float* p, std::ptrdiff_t s) { return 0.5F * (p[-s] + p[s]); }
};

// Malvar, He & Cutler (ICASSP 2004): bilinear plus a scaled Laplacian of the centre's own colour,
// coefficients in eighths as in their Figure 2.
struct Mhc {
    static float green_at_rb(const float* p, std::ptrdiff_t s) {
        return (4.F * p[0] + 2.F * (p[-1] + p[1] + p[-s] + p[s]) - (p[-2] + p[2] + p[-2 * s] + p[2 * s])) * 0.125F;
    }
    static float diagonal(const float* p, std::ptrdiff_t s) {
        return (6.F * p[0] + 2.F * (p[-s - 1] + p[-s + 1] + p[s - 1] + p[s + 1]) -
                1.5F * (p[-2] + p[2] + p[-2 * s] + p[2 * s])) *
               0.125F;
    }
    static float along_row(const float* p, std::ptrdiff_t s) {
        return (5.F * p[0] + 4.F * (p[-1] + p[1]) - (p[-2] + p[2]) - (p[-s - 1] + p[-s + 1] + p[s - 1] + p[s + 1]) +
                0.5F * (p[-2 * s] + p[2 * s])) *
               0.125F;
    }
    static float along_col(const float* p, std::ptrdiff_t s) {
        return (5.F * p[0] + 4.F * (p[-s] + p[s]) - (p[-2 * s] + p[2 * s]) -
                (p[-s - 1] + p[-s + 1] + p[s - 1] + p[s + 1]) + 0.5F * (p[-2] + p[2])) *
               0.125F;
    }
};

template <class Kernel>
void demosaic_rows(const Image<float>& padded, bayer::BayerPhase phase, RgbImage& out, std::ptrdiff_t r0,
                   std::ptrdiff_t r1) {
    const std::ptrdiff_t s = padded.width(), w = out.width();
    for (std::ptrdiff_t r = r0; r < r1; ++r) {
        const float* centre_row = padded.data() + (r + kPad) * s + kPad;
        float* planes[3] = {out.plane(0).row(r), out.plane(1).row(r), out.plane(2).row(r)};
        for (std::ptrdiff_t parity = 0; parity < 2; ++parity) {
            const int own = static_cast<int>(phase.color_at(r, parity));
            const int neighbour = static_cast<int>(phase.color_at(r, parity + 1));
            float* own_plane = planes[own];
            if (own == static_cast<int>(bayer::CfaColor::Green)) {
                // The row's other colour is `neighbour`; the third colour lies above and below.
                float* row_plane = planes[neighbour];
                float* col_plane = planes[2 - neighbour];
                for (std::ptrdiff_t c = parity; c < w; c += 2) {
                    const float* p = centre_row + c;
                    own_plane[c] = p[0];
                    row_plane[c] = Kernel::along_row(p, s);
                    col_plane[c] = Kernel::along_col(p, s);
                }
            } else {
                float* green_plane = planes[1];
                float* other_plane = planes[2 - own];
                for (std::ptrdiff_t c = parity; c < w; c += 2) {
                    const float* p = centre_row + c;
                    own_plane[c] = p[0];
                    green_plane[c] = Kernel::green_at_rb(p, s);
                    other_plane[c] = Kernel::diagonal(p, s);
                }
            }
        }
    }
}

}  // namespace

std::optional<DemosaicMethod> parse_demosaic(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "bilinear") return DemosaicMethod::Bilinear;
    if (lower == "mhc" || lower == "malvar") return DemosaicMethod::Mhc;
    return std::nullopt;
}

RgbImage demosaic(ImageView<const float> mosaic, bayer::BayerPhase phase, DemosaicMethod method) {
    // Mirroring needs a partner pixel of the same colour 2 away: at least 3 rows and columns.
    if (mosaic.height() < 3 || mosaic.width() < 3)
        throw ConfigError("", "size", fmt::format("cannot demosaic a {}x{} mosaic (need at least 3x3)", mosaic.width(),
                                                  mosaic.height()));
    const Image<float> padded = pad_mirrored(mosaic);
    RgbImage out(3, mosaic.height(), mosaic.width());
    detail::parallel_rows(mosaic.height(), [&](std::ptrdiff_t r0, std::ptrdiff_t r1) {
        if (method == DemosaicMethod::Bilinear)
            demosaic_rows<Bilinear>(padded, phase, out, r0, r1);
        else
            demosaic_rows<Mhc>(padded, phase, out, r0, r1);
    });
    return out;
}

Image<float> mosaic_of(const RgbImage& rgb, bayer::BayerPhase phase) {
    Image<float> out(rgb.height(), rgb.width());
    for (std::ptrdiff_t r = 0; r < rgb.height(); ++r)
        for (std::ptrdiff_t c = 0; c < rgb.width(); ++c)
            out(r, c) = rgb.plane(static_cast<int>(phase.color_at(r, c)))(r, c);
    return out;
}

}  // namespace n2n::pipeline
