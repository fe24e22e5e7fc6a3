// SPDX-License-Identifier: MIT
// Report figures: panels side by side (noisy | denoised | clean) with a caption line, drawn with
// a tiny built-in 5×7 bitmap font.
#pragma once

#include "n2n_raw/io/raw_frame.hpp"
#include "n2n_raw/pipeline/isp.hpp"
#include "n2n_raw/pipeline/stages.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace n2n::pipeline {

/// Draws `text` into `rgb` with the built-in font, top-left corner at (row, col), each font pixel
/// a `scale` × `scale` block, in colour `color` (R, G, B in [0, 1]). Lower-case letters are drawn
/// as capitals; characters without a glyph as a box. Clipped at the image border.
void draw_text(RgbImage& rgb, std::string_view text, std::ptrdiff_t row, std::ptrdiff_t col, int scale,
               const std::array<float, 3>& color);

/// Width in pixels of `text` drawn at `scale` (6 font columns per character, no trailing space).
std::ptrdiff_t text_width(std::string_view text, int scale);

/// One panel of a side-by-side figure and its caption.
struct Panel {
    const RgbImage* image = nullptr;
    std::string caption;
};

/// Panels left to right, `gap` pixels of black between them and a caption band below each one
/// (white text on black, scaled with the panel height). Panels of different heights are
/// top-aligned. Throws ConfigError (field "panels") when empty or a panel is not 3-channel.
RgbImage side_by_side(const std::vector<Panel>& panels, std::ptrdiff_t gap = 8);

/// A report figure and the numbers in its captions.
struct ComparisonFigure {
    RgbImage image;
    std::optional<double> psnr_noisy;     ///< dB, noisy vs clean (when a clean frame is given)
    std::optional<double> psnr_denoised;  ///< dB, denoised vs clean
};

/// noisy | denoised | clean (optional), all rendered with `params` and the white balance gains
/// resolved once on the noisy frame, so the panels differ only by their pixels. PSNR is measured
/// on the mosaics normalised to [0, 1] by each frame's own levels (data range 1, raw domain).
/// Throws ConfigError (field "size") when the mosaics differ in size.
ComparisonFigure comparison_figure(const io::RawFrame& noisy, const io::RawFrame& denoised, const io::RawFrame* clean,
                                   const IspParams& params);

}  // namespace n2n::pipeline
