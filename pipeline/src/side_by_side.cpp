// SPDX-License-Identifier: MIT
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/pipeline/side_by_side.hpp"

#include "font.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace n2n::pipeline {

std::ptrdiff_t text_width(std::string_view text, int scale) {
    if (text.empty()) return 0;
    return static_cast<std::ptrdiff_t>(text.size() * (detail::kGlyphWidth + 1) - 1) * scale;
}

void draw_text(RgbImage& rgb, std::string_view text, std::ptrdiff_t row, std::ptrdiff_t col, int scale,
               const std::array<float, 3>& color) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto& rows = detail::glyph(text[i]);
        const std::ptrdiff_t left = col + static_cast<std::ptrdiff_t>(i) * (detail::kGlyphWidth + 1) * scale;
        for (int gy = 0; gy < detail::kGlyphHeight; ++gy)
            for (int gx = 0; gx < detail::kGlyphWidth; ++gx) {
                if (!((rows[static_cast<std::size_t>(gy)] >> (detail::kGlyphWidth - 1 - gx)) & 1)) continue;
                for (int dy = 0; dy < scale; ++dy)
                    for (int dx = 0; dx < scale; ++dx) {
                        const std::ptrdiff_t r = row + gy * scale + dy, c = left + gx * scale + dx;
                        if (r < 0 || c < 0 || r >= rgb.height() || c >= rgb.width()) continue;
                        for (int ch = 0; ch < 3; ++ch) rgb.plane(ch)(r, c) = color[static_cast<std::size_t>(ch)];
                    }
            }
    }
}

RgbImage side_by_side(const std::vector<Panel>& panels, std::ptrdiff_t gap) {
    if (panels.empty()) throw ConfigError("", "panels", "no panel to lay out");
    std::ptrdiff_t width = gap * static_cast<std::ptrdiff_t>(panels.size() - 1), height = 0;
    for (const Panel& p : panels) {
        if (!p.image || p.image->channels() != 3) throw ConfigError("", "panels", "every panel must be a 3-channel image");
        width += p.image->width();
        height = std::max(height, p.image->height());
    }
    // Text about 1/30 of the panel height, at least the font's own size.
    const int base_scale = static_cast<int>(std::clamp<std::ptrdiff_t>(height / 200, 1, 8));
    const std::ptrdiff_t margin = 3 * base_scale;
    const std::ptrdiff_t band = detail::kGlyphHeight * base_scale + 2 * margin;
    RgbImage out(3, height + band, width, 0.F);
    std::ptrdiff_t left = 0;
    for (const Panel& p : panels) {
        const RgbImage& img = *p.image;
        for (int ch = 0; ch < 3; ++ch)
            for (std::ptrdiff_t r = 0; r < img.height(); ++r)
                std::copy(img.plane(ch).row(r), img.plane(ch).row(r) + img.width(), out.plane(ch).row(r) + left);
        // Shrink a caption that would not fit under its panel.
        int scale = base_scale;
        while (scale > 1 && text_width(p.caption, scale) > img.width() - 2 * margin) --scale;
        draw_text(out, p.caption, height + margin, left + margin, scale, {1.F, 1.F, 1.F});
        left += img.width() + gap;
    }
    return out;
}

}  // namespace n2n::pipeline

namespace n2n::pipeline {

ComparisonFigure comparison_figure(const io::RawFrame& noisy, const io::RawFrame& denoised, const io::RawFrame* clean,
                                   const IspParams& params) {
    const auto check_size = [&](const io::RawFrame& f, const char* what) {
        if (f.mosaic.height() != noisy.mosaic.height() || f.mosaic.width() != noisy.mosaic.width())
            throw ConfigError(f.meta.source, "size",
                              fmt::format("{} mosaic is {}x{}, the noisy one {}x{}", what, f.mosaic.width(),
                                          f.mosaic.height(), noisy.mosaic.width(), noisy.mosaic.height()));
    };
    check_size(denoised, "the denoised");
    if (clean) check_size(*clean, "the clean");

    // One set of gains for every panel: resolved on the noisy frame.
    IspParams fixed = params;
    const Image<float> noisy_norm = noisy.normalized();
    fixed.white_balance = {WhiteBalance::Mode::Gains, resolve_gains(params, noisy_norm.view())};
    const auto render_frame = [&](const io::RawFrame& f) {
        IspParams p = fixed;
        p.levels = f.meta.levels;
        return render(f.mosaic.view(), p);
    };
    ComparisonFigure out;
    const RgbImage noisy_rgb = render_frame(noisy), denoised_rgb = render_frame(denoised);
    RgbImage clean_rgb;
    std::vector<Panel> panels{{&noisy_rgb, "NOISY"}, {&denoised_rgb, "DENOISED"}};
    if (clean) {
        const Image<float> clean_norm = clean->normalized();
        out.psnr_noisy = metrics::psnr(noisy_norm.view(), clean_norm.view());
        out.psnr_denoised = metrics::psnr(denoised.normalized().view(), clean_norm.view());
        panels[0].caption = fmt::format("NOISY  PSNR {:.2f} DB", *out.psnr_noisy);
        panels[1].caption = fmt::format("DENOISED  PSNR {:.2f} DB", *out.psnr_denoised);
        clean_rgb = render_frame(*clean);
        panels.push_back({&clean_rgb, "CLEAN"});
    }
    out.image = side_by_side(panels);
    return out;
}

}  // namespace n2n::pipeline
