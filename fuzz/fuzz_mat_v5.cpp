// SPDX-License-Identifier: MIT
// libFuzzer target: MAT v5 files through matio: SIDD METADATA structs, block files, block
// positions and v5 frames. The whole file is fuzzed, header included (matio reads its byte order
// and version there).
#include "fuzz_support.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <cstdlib>
#include <hdf5.h>

N2N_FUZZ_TARGET(mat_v5) {
    // No _NOISY_/_GT_ in the name: the frame reader must not pick up a sibling METADATA file.
    const auto& path = n2n::fuzz::write_input("0001_001_S6_00100_00060_3200_L/input.MAT", {data, size});
    using n2n::fuzz::accept_or_refuse;
    accept_or_refuse([&] { (void)n2n::io::read_sidd_metadata(path); });
    accept_or_refuse([&] { (void)n2n::io::read_sidd_blocks(path); });
    accept_or_refuse([&] { (void)n2n::io::read_benchmark_block_positions(path); });
    accept_or_refuse([&] { (void)n2n::io::read_sidd_frame(path); });
    // HDF5 leaks a little on some damaged files by itself (fuzz/lsan.supp); what must not leak
    // is an identifier our readers opened.
    if (H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) != 0) std::abort();
    return 0;
}
