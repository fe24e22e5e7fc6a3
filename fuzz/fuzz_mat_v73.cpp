// SPDX-License-Identifier: MIT
// libFuzzer target: MAT v7.3 files (HDF5 behind MATLAB's 512-byte user block) as SIDD frames,
// block files and block positions. The input is the HDF5 part; the fixed MATLAB header in front
// keeps every mutation inside HDF5 instead of in the magic our version check looks at. The file
// sits in a SIDD scene folder so that a frame that parses also gets its phase (from "S6").
#include "fuzz_support.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <cstdlib>
#include <hdf5.h>

#include <array>
#include <cstring>

namespace {

std::array<std::uint8_t, 512> matlab_v73_header() {
    std::array<std::uint8_t, 512> header{};
    const char text[] = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 .";
    header.fill(' ');
    std::memcpy(header.data(), text, sizeof text - 1);
    for (std::size_t k = 116; k < 124; ++k) header[k] = 0;  // subsystem data offset
    header[124] = 0x00;  // version 0x0200, written as MATLAB does
    header[125] = 0x02;
    header[126] = 'I';
    header[127] = 'M';
    for (std::size_t k = 128; k < header.size(); ++k) header[k] = 0;
    return header;
}

}  // namespace

N2N_FUZZ_TARGET(mat_v73) {
    static const auto header = matlab_v73_header();
    const auto& path =
        n2n::fuzz::write_input("0001_001_S6_00100_00060_3200_L/0001_NOISY_RAW_010.MAT", {data, size}, {header.data(), header.size()});
    using n2n::fuzz::accept_or_refuse;
    accept_or_refuse([&] { (void)n2n::io::read_sidd_frame(path); });
    accept_or_refuse([&] { (void)n2n::io::read_sidd_blocks(path); });
    accept_or_refuse([&] { (void)n2n::io::read_benchmark_block_positions(path); });
    // HDF5 leaks a little on some damaged files by itself (fuzz/lsan.supp); what must not leak
    // is an identifier our readers opened.
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) std::abort();
    return 0;
}
