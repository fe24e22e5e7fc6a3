// SPDX-License-Identifier: MIT
// A clean reference from a burst of a static scene (as SIDD built its ground truth): optional
// integer alignment in the packed domain, rejection of frames that moved or differ, and a robust
// per-pixel mean with its variance map.
#pragma once

#include "n2n_raw/bayer/cfa.hpp"
#include "n2n_raw/image.hpp"

#include <string>
#include <vector>

namespace n2n::noise {

struct ReferenceOptions {
    /// Alignment search radius in packed pixels (one packed pixel = 2 mosaic pixels, so the CFA
    /// phase is kept); 0: no alignment.
    int search = 0;
    /// A frame whose mean absolute difference to the per-pixel median frame exceeds this factor
    /// times the median of all frames' such differences is rejected as an outlier.
    double outlier_factor = 2.0;
    /// Per pixel, values further than this many standard deviations (over the kept frames) from
    /// the pixel's median are left out of its mean.
    double clip_sigmas = 3.0;
};

struct ReferenceFrame {
    std::string name;
    bool used = false;
    std::string reason;        ///< why it was rejected (empty when used)
    int shift_rows = 0;        ///< packed pixels: frame(r + 2·rows, c + 2·cols) lines up with frame 0
    int shift_cols = 0;
    double mad_to_median = 0;  ///< mean |frame − median frame| (normalised units)
};

struct BurstReference {
    Image<float> mean;      ///< the reference (normalised, as the frames)
    Image<float> variance;  ///< per-pixel unbiased variance over the values averaged (0 with one)
    Image<float> count;     ///< values averaged per pixel
    std::vector<ReferenceFrame> frames;
    std::size_t used = 0;
    /// Estimated noise left in the reference: sqrt(mean over pixels of variance / count).
    double residual_sigma = 0;
};

/// Builds the reference from normalised frames of one size and phase (names label the report).
/// Frame 0 is the alignment anchor. A frame is rejected when its best shift lies beyond
/// `search` (searched one packed pixel further to tell) or when it is an outlier. Throws
/// ConfigError (field "frames") with fewer than 2 frames, frames of different sizes, or fewer
/// than 2 frames left.
BurstReference build_reference(const std::vector<ImageView<const float>>& frames, const std::vector<std::string>& names,
                               const ReferenceOptions& options = {});

}  // namespace n2n::noise
