// SPDX-License-Identifier: MIT
#include "n2n_raw/io/raw_frame.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace n2n::io {

Image<float> RawFrame::normalized(bayer::Clip clip) const { return bayer::normalize(mosaic.view(), meta.levels, clip); }

std::optional<std::string> noise_profile_problem(const std::vector<double>& pairs) {
    // DNG: 2 values (all planes) or 2 per colour plane; our CFAs have 3 (CFAPlaneColor R, G, B).
    if (pairs.size() != 2 && pairs.size() != 6)
        return fmt::format("{} values, expected 2 (one scale/offset pair) or 6 (R, G, B)", pairs.size());
    for (std::size_t k = 0; k < pairs.size(); ++k)
        if (!std::isfinite(pairs[k]) || pairs[k] < 0)
            return fmt::format("value {} is {}, expected a finite number >= 0", k, pairs[k]);
    for (std::size_t k = 0; k < pairs.size(); k += 2)
        if (pairs[k] == 0 && pairs[k + 1] == 0) return fmt::format("pair {} is (0, 0): no noise at all", k / 2);
    return std::nullopt;
}

namespace {

std::string stated(const std::optional<double>& v, const char* unit) {
    return v ? fmt::format("{:g}{}", *v, unit) : std::string("not stated");
}

// Equal to 0.1 %: the same setting can reach us as 1/60 from one file and 0.016667 from another.
bool same_value(const std::optional<double>& a, const std::optional<double>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || std::abs(*a - *b) <= 1e-3 * std::max(std::abs(*a), std::abs(*b));
}

}  // namespace

void require_same_capture(const RawFrame& first, const RawFrame& other, SameCapture what) {
    const std::string& file = other.meta.source;
    const std::string& ref = first.meta.source;
    if (other.mosaic.height() != first.mosaic.height() || other.mosaic.width() != first.mosaic.width())
        throw ConfigError(file, "size", fmt::format("{}x{}, but {} is {}x{}", other.mosaic.width(), other.mosaic.height(),
                                                    ref, first.mosaic.width(), first.mosaic.height()));
    if (other.meta.phase.value() != first.meta.phase.value())
        throw ConfigError(file, "CFA phase",
                          fmt::format("{}, but {} is {}", other.meta.phase.name(), ref, first.meta.phase.name()));
    if (!same_value(other.meta.iso, first.meta.iso))
        throw ConfigError(file, "ISO",
                          fmt::format("{}, but {} has {}", stated(other.meta.iso, ""), ref, stated(first.meta.iso, "")));
    if (what.exposure && !same_value(other.meta.exposure_time_s, first.meta.exposure_time_s))
        throw ConfigError(file, "exposure",
                          fmt::format("{}, but {} has {}", stated(other.meta.exposure_time_s, " s"), ref,
                                      stated(first.meta.exposure_time_s, " s")));
}

}  // namespace n2n::io
