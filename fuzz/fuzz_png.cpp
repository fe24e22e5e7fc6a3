// SPDX-License-Identifier: MIT
// libFuzzer target: PNG files through libpng, as a 16-bit mosaic and as 8-bit RGB.
#include "fuzz_support.hpp"
#include "n2n_raw/io/png_file.hpp"

N2N_FUZZ_TARGET(png) {
    const auto& path = n2n::fuzz::write_input("input.png", {data, size});
    using n2n::fuzz::accept_or_refuse;
    accept_or_refuse([&] { (void)n2n::io::read_png_mosaic(path, n2n::io::MosaicSpec{}); });
    accept_or_refuse([&] { (void)n2n::io::read_png_rgb8(path); });
    return 0;
}
