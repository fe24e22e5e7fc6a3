// SPDX-License-Identifier: MIT
// libFuzzer target for every file reader behind io::read_any (PNG, MAT v5 via matio, MAT v7.3
// via HDF5, camera RAW via LibRaw, headerless dumps). The readers take paths, so each input is
// written to a private temp file first. Any exception other than the n2n::Error family, and any
// crash, is a bug. The first byte picks the container so the fuzzer reaches every parser.
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/io/sidd.hpp"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {
const std::filesystem::path& temp_file(const char* ext) {
    static const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("n2n_fuzz_" + std::to_string(::getpid()));
    static std::filesystem::path path;
    std::filesystem::create_directories(dir);
    path = dir / (std::string("input") + ext);
    return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t selector = data[0] % 4;
    static const char* kExt[4] = {".png", ".MAT", ".dng", ".raw"};
    const auto& path = temp_file(kExt[selector]);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
    }
    n2n::io::ReadOptions options;
    options.png = n2n::io::MosaicSpec{};
    if (selector == 3) {
        n2n::io::HeaderlessSpec spec;
        spec.width = 4;
        spec.height = static_cast<std::ptrdiff_t>((size - 1) / 8);
        if (spec.height > 0) options.headerless = spec;
    }
    try {
        (void)n2n::io::read_any(path, options);
    } catch (const n2n::Error&) {
    }
    if (selector == 0) {
        try {
            (void)n2n::io::read_png_rgb8(path);
        } catch (const n2n::Error&) {
        }
    }
    if (selector == 1) {
        try {
            (void)n2n::io::read_sidd_metadata(path);
        } catch (const n2n::Error&) {
        }
        try {
            (void)n2n::io::read_sidd_blocks(path);
        } catch (const n2n::Error&) {
        }
        try {
            (void)n2n::io::read_benchmark_block_positions(path);
        } catch (const n2n::Error&) {
        }
    }
    return 0;
}
