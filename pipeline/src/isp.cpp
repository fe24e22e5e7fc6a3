// SPDX-License-Identifier: MIT
#include "n2n_raw/pipeline/isp.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/pipeline/color.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <string>

namespace n2n::pipeline {

WhiteBalance WhiteBalance::parse(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (lower == "as-shot" || lower == "asshot" || lower == "camera") return {};
    if (lower == "gray-world" || lower == "grey-world") return {Mode::GrayWorld, {1.F, 1.F, 1.F}};
    WhiteBalance wb{Mode::Gains, {}};
    std::size_t start = 0;
    for (int k = 0; k < 3; ++k) {
        const std::size_t end = k < 2 ? lower.find(',', start) : lower.size();
        if (end == std::string::npos) throw ConfigError("", "wb", fmt::format("'{}': expected as-shot, gray-world or R,G,B", text));
        const std::string item = lower.substr(start, end - start);
        char* stop = nullptr;
        const double v = std::strtod(item.c_str(), &stop);
        if (item.empty() || *stop != '\0' || !std::isfinite(v) || v <= 0)
            throw ConfigError("", "wb", fmt::format("'{}': gain '{}' is not a positive number", text, item));
        wb.gains[static_cast<std::size_t>(k)] = static_cast<float>(v);
        start = end + 1;
    }
    return wb;
}

IspParams params_from_metadata(const io::RawMetadata& meta) {
    IspParams p;
    p.phase = meta.phase;
    p.levels = meta.levels;
    p.orientation = meta.orientation;
    p.as_shot_neutral = meta.as_shot_neutral;
    // ColorMatrix2 alone is still a calibration; make it the first one.
    std::optional<Calibration> first, second;
    if (meta.color_matrix1) first = Calibration{*meta.color_matrix1, meta.calibration_illuminant1};
    if (meta.color_matrix2) second = Calibration{*meta.color_matrix2, meta.calibration_illuminant2};
    if (!first && second) std::swap(first, second);
    if (first) {
        const Chromaticity white = meta.as_shot_neutral ? neutral_to_xy(*meta.as_shot_neutral, *first, second) : kD65;
        p.camera_to_srgb = camera_to_srgb(interpolate_color_matrix(white, *first, second));
    }
    return p;
}

std::array<float, 3> resolve_gains(const IspParams& params, ImageView<const float> normalized_mosaic) {
    switch (params.white_balance.mode) {
        case WhiteBalance::Mode::Gains: return params.white_balance.gains;
        case WhiteBalance::Mode::AsShot:
            if (params.as_shot_neutral) return gains_from_neutral(*params.as_shot_neutral);
            [[fallthrough]];  // no neutral in the file: the frame's own grey
        case WhiteBalance::Mode::GrayWorld: return gray_world_gains(normalized_mosaic, params.phase);
    }
    return {1.F, 1.F, 1.F};
}

namespace {
// The exposure gain folded into the colour matrix: one pass over the image instead of two.
Matrix3 exposed(Matrix3 m, double ev) {
    const double gain = std::exp2(ev);
    for (double& v : m) v *= gain;
    return m;
}
}  // namespace

double auto_exposure_ev(ImageView<const float> mosaic, const IspParams& p) {
    const Image<float> x = bayer::normalize(mosaic, p.levels, bayer::Clip::ZeroOne);
    const auto gains = resolve_gains(p, x.view());
    // Mean white-balanced camera RGB; the matrix is linear, so it maps means to means.
    std::array<double, 3> sum{}, count{};
    for (std::ptrdiff_t r = 0; r < x.height(); ++r)
        for (std::ptrdiff_t c = 0; c < x.width(); ++c) {
            const auto ch = static_cast<std::size_t>(p.phase.color_at(r, c));
            sum[ch] += std::min(1.0, static_cast<double>(x(r, c)) * gains[ch]);
            count[ch] += 1;
        }
    std::array<double, 3> mean{};
    for (std::size_t ch = 0; ch < 3; ++ch) mean[ch] = count[ch] > 0 ? sum[ch] / count[ch] : 0.0;
    const Matrix3& m = p.camera_to_srgb;
    constexpr std::array<double, 3> kLuma{0.2126, 0.7152, 0.0722};  // Rec. 709 / sRGB luminance
    double luminance = 0;
    for (std::size_t row = 0; row < 3; ++row)
        luminance += kLuma[row] * (m[3 * row] * mean[0] + m[3 * row + 1] * mean[1] + m[3 * row + 2] * mean[2]);
    if (!(luminance > 0)) return 0.0;
    return std::clamp(std::log2(0.18 / luminance), -3.0, 4.0);
}

RgbImage render(ImageView<const float> mosaic, const IspParams& p) {
    // A non-finite exposure would turn every pixel into NaN, which the transfer curve's table
    // cannot index.
    if (!std::isfinite(p.exposure_ev) || std::fabs(p.exposure_ev) > kMaxExposureEv)
        throw ConfigError("", "exposure (--ev)",
                          fmt::format("{} stops is outside [-{}, {}]", p.exposure_ev, kMaxExposureEv, kMaxExposureEv));
    Image<float> x = bayer::normalize(mosaic, p.levels, bayer::Clip::ZeroOne);  // black/white level -> [0, 1]
    white_balance(x.view(), p.phase, resolve_gains(p, x.view()), true);        // WB on the mosaic, clipped
    const bayer::Mosaic upright = bayer::orient(x.view(), p.phase, exif_orientation(p.orientation));  // see header
    RgbImage rgb = demosaic(upright.pixels.view(), upright.phase, p.demosaic);  // camera RGB, linear
    apply_matrix(rgb, exposed(p.camera_to_srgb, p.exposure_ev));                // -> linear sRGB
    clip(rgb, 0.F, 1.F);                                                         // out-of-gamut and overshoot
    apply_transfer(rgb, p.transfer, p.tone);                                    // sRGB curve (+ tone curve)
    return rgb;
}

RgbImage render_linear(ImageView<const float> mosaic, const IspParams& params) {
    IspParams linear = params;
    linear.orientation = 1;
    linear.transfer = Transfer::Linear;
    linear.tone = ToneCurve::None;
    return render(mosaic, linear);
}

}  // namespace n2n::pipeline
