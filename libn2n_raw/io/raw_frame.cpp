// SPDX-License-Identifier: MIT
#include "n2n_raw/io/raw_frame.hpp"

namespace n2n::io {

Image<float> RawFrame::normalized(bayer::Clip clip) const { return bayer::normalize(mosaic.view(), meta.levels, clip); }

}  // namespace n2n::io
