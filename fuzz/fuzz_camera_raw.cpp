// SPDX-License-Identifier: MIT
// libFuzzer target: camera RAW files through LibRaw (io::read_camera_raw), with and without the
// maker's inset crop (chosen by the input's length, so every input byte stays file content).
#include "fuzz_support.hpp"
#include "n2n_raw/io/camera_raw.hpp"

N2N_FUZZ_TARGET(camera_raw) {
    const auto& path = n2n::fuzz::write_input("input.dng", {data, size});
    n2n::io::CameraRawOptions options;
    options.inset_crop = (size & 1U) != 0;
    n2n::fuzz::accept_or_refuse([&] { (void)n2n::io::read_camera_raw(path, options); });
    return 0;
}
