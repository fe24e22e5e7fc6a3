// SPDX-License-Identifier: MIT
#include "n2n_raw/io/mosaic_spec.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>

namespace n2n::io {

bayer::Levels MosaicSpec::levels() const {
    if (bits < 1 || bits > 16) throw ConfigError("", "bits", fmt::format("bit depth {} is not in 1..16", bits));
    bayer::Levels out;
    out.black = {black, black, black, black};
    out.white = white ? *white : static_cast<float>((1U << bits) - 1U);
    out.validate();
    return out;
}

}  // namespace n2n::io
