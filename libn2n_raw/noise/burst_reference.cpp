// SPDX-License-Identifier: MIT
#include "n2n_raw/noise/burst_reference.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace n2n::noise {
namespace {

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

// Mean |moved(r + 2·dy, c + 2·dx) − anchor(r, c)| over the interior that every searched shift
// covers (margin: the largest shift).
double shifted_mad(ImageView<const float> anchor, ImageView<const float> moved, int dy, int dx, int margin) {
    double sum = 0;
    std::size_t n = 0;
    for (std::ptrdiff_t r = margin; r < anchor.height() - margin; ++r) {
        const float* a = anchor.row(r);
        const float* m = moved.row(r + 2 * dy) + 2 * dx;
        for (std::ptrdiff_t c = margin; c < anchor.width() - margin; ++c, ++n) sum += std::abs(m[c] - a[c]);
    }
    return n > 0 ? sum / static_cast<double>(n) : 0.0;
}

Image<float> shifted_copy(ImageView<const float> frame, int dy, int dx) {
    Image<float> out(frame.height(), frame.width(), kMissing);
    for (std::ptrdiff_t r = 0; r < frame.height(); ++r) {
        const std::ptrdiff_t sr = r + 2 * dy;
        if (sr < 0 || sr >= frame.height()) continue;
        for (std::ptrdiff_t c = 0; c < frame.width(); ++c) {
            const std::ptrdiff_t sc = c + 2 * dx;
            if (sc >= 0 && sc < frame.width()) out(r, c) = frame(sr, sc);
        }
    }
    return out;
}

double median_in_place(std::vector<float>& v) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    if (v.size() % 2 == 1) return *mid;
    return 0.5 * (static_cast<double>(*mid) + *std::max_element(v.begin(), mid));
}

}  // namespace

BurstReference build_reference(const std::vector<ImageView<const float>>& frames, const std::vector<std::string>& names,
                               const ReferenceOptions& options) {
    if (frames.size() < 2) throw ConfigError("", "frames", fmt::format("a burst needs 2 or more frames, got {}", frames.size()));
    const std::ptrdiff_t h = frames[0].height(), w = frames[0].width();
    const auto name_of = [&](std::size_t k) { return k < names.size() ? names[k] : fmt::format("frame {}", k); };
    for (std::size_t k = 1; k < frames.size(); ++k)
        if (frames[k].height() != h || frames[k].width() != w)
            throw ConfigError(name_of(k), "size", fmt::format("{}x{}, the first frame is {}x{}", frames[k].width(),
                                                              frames[k].height(), w, h));
    BurstReference ref;
    std::vector<Image<float>> aligned;
    std::vector<std::size_t> index;  // frame number of each aligned image
    const int search = std::max(options.search, 0);
    for (std::size_t k = 0; k < frames.size(); ++k) {
        ReferenceFrame report{name_of(k), true, "", 0, 0, 0};
        if (search > 0 && k > 0) {
            // One packed pixel beyond the radius is searched too: a best shift there means the
            // frame moved further than the search allows.
            const int reach = search + 1, margin = 2 * reach;
            if (h <= 2 * margin || w <= 2 * margin)
                throw ConfigError(report.name, "--search", fmt::format("a {}x{} frame is too small to search +-{}", w, h, search));
            // On a flat or smooth scene every shift scores about alike and noise would pick one:
            // a shift counts only when it beats the alternative by more than the MAD's own
            // statistical error (about 3 / sqrt(pixels) relative).
            const auto pixels_compared = static_cast<double>((h - 2 * margin) * (w - 2 * margin));
            const double tolerance = 3.0 / std::sqrt(pixels_compared);
            const double unmoved = shifted_mad(frames[0], frames[k], 0, 0, margin);
            double best_inside = unmoved, best_outside = std::numeric_limits<double>::infinity();
            for (int dy = -reach; dy <= reach; ++dy)
                for (int dx = -reach; dx <= reach; ++dx) {
                    if (dy == 0 && dx == 0) continue;
                    const double mad = shifted_mad(frames[0], frames[k], dy, dx, margin);
                    if (std::max(std::abs(dy), std::abs(dx)) > search) {
                        best_outside = std::min(best_outside, mad);
                    } else if (mad < best_inside) {
                        best_inside = mad;
                        report.shift_rows = dy;
                        report.shift_cols = dx;
                    }
                }
            if (best_inside > unmoved * (1 - tolerance)) {
                report.shift_rows = 0;
                report.shift_cols = 0;
                best_inside = unmoved;
            }
            if (best_outside < best_inside * (1 - tolerance)) {
                report.used = false;
                report.reason = fmt::format("moved beyond the alignment search (+-{} packed pixels)", search);
            }
        }
        if (report.used) {
            aligned.push_back(shifted_copy(frames[k], report.shift_rows, report.shift_cols));
            index.push_back(k);
        }
        ref.frames.push_back(report);
    }
    // Outliers: far from the per-pixel median frame compared with the others (a frame that moved
    // without alignment, a flash, a change of exposure).
    const std::size_t pixels = static_cast<std::size_t>(h * w);
    if (aligned.size() >= 3) {
        Image<float> median(h, w);
        std::vector<float> values;
        for (std::size_t i = 0; i < pixels; ++i) {
            values.clear();
            for (const auto& a : aligned)
                if (!std::isnan(a.pixels()[i])) values.push_back(a.pixels()[i]);
            median.pixels()[i] = values.empty() ? kMissing : static_cast<float>(median_in_place(values));
        }
        std::vector<float> mads;
        for (std::size_t j = 0; j < aligned.size(); ++j) {
            double sum = 0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < pixels; ++i) {
                const float v = aligned[j].pixels()[i], m = median.pixels()[i];
                if (!std::isnan(v) && !std::isnan(m)) sum += std::abs(v - m), ++n;
            }
            ref.frames[index[j]].mad_to_median = n > 0 ? sum / static_cast<double>(n) : 0.0;
            mads.push_back(static_cast<float>(ref.frames[index[j]].mad_to_median));
        }
        const double typical = median_in_place(mads);
        std::vector<Image<float>> kept;
        for (std::size_t j = 0; j < aligned.size(); ++j) {
            auto& report = ref.frames[index[j]];
            if (report.mad_to_median > options.outlier_factor * typical) {
                report.used = false;
                report.reason = fmt::format("outlier: mean |difference| to the median frame {:.3g}, {:.1f} x the "
                                            "burst's typical {:.3g}",
                                            report.mad_to_median, report.mad_to_median / typical, typical);
            } else {
                kept.push_back(std::move(aligned[j]));
            }
        }
        aligned = std::move(kept);
    }
    if (aligned.size() < 2)
        throw ConfigError("", "frames", fmt::format("{} of {} frames left after rejection: a reference needs 2 or more",
                                                    aligned.size(), frames.size()));
    ref.used = aligned.size();

    // Per pixel: a mean of the values within clip_sigmas standard deviations of their median.
    ref.mean = Image<float>(h, w);
    ref.variance = Image<float>(h, w);
    ref.count = Image<float>(h, w);
    std::vector<float> values, sorted;
    double residual = 0;
    std::size_t covered = 0;
    for (std::size_t i = 0; i < pixels; ++i) {
        values.clear();
        for (const auto& a : aligned)
            if (!std::isnan(a.pixels()[i])) values.push_back(a.pixels()[i]);
        if (values.empty()) continue;
        sorted = values;
        const double med = median_in_place(sorted);
        double s = 0, ss = 0;
        for (float v : values) s += v, ss += static_cast<double>(v) * v;
        const double n0 = static_cast<double>(values.size());
        const double sd = values.size() > 1 ? std::sqrt(std::max(0.0, (ss - s * s / n0) / (n0 - 1))) : 0.0;
        double sum = 0, sum2 = 0, n = 0;
        for (float v : values)
            if (sd == 0 || std::abs(v - med) <= options.clip_sigmas * sd) sum += v, sum2 += static_cast<double>(v) * v, n += 1;
        const double mean = sum / n;
        const double var = n > 1 ? std::max(0.0, (sum2 - sum * mean) / (n - 1)) : 0.0;
        ref.mean.pixels()[i] = static_cast<float>(mean);
        ref.variance.pixels()[i] = static_cast<float>(var);
        ref.count.pixels()[i] = static_cast<float>(n);
        residual += var / n;
        ++covered;
    }
    ref.residual_sigma = covered > 0 ? std::sqrt(residual / static_cast<double>(covered)) : 0.0;
    return ref;
}

}  // namespace n2n::noise
