// SPDX-License-Identifier: MIT
#include "cli_common.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/tensor/compute.hpp"

#include <fmt/format.h>

namespace n2n::cli {

void add_mosaic_input_options(CLI::App& cmd, MosaicInputOptions& o) {
    auto* group = cmd.add_option_group("headerless / PNG mosaics", "What such files do not say about themselves");
    group->add_option("--width", o.width, "Headerless dump: pixels per row")->check(CLI::PositiveNumber);
    group->add_option("--height", o.height, "Headerless dump: rows")->check(CLI::PositiveNumber);
    group->add_option("--phase", o.phase, "CFA phase of pixel (0, 0): RGGB, GRBG, GBRG or BGGR");
    group->add_option("--bits", o.bits, "Meaningful bits per sample")->check(CLI::Range(1, 16))->capture_default_str();
    group->add_option("--black", o.black, "Black level, DN")->capture_default_str();
    group->add_option("--white", o.white, "White level, DN (default 2^bits - 1)");
    group->add_flag("--big-endian", o.big_endian, "Headerless samples are big-endian");
}

io::ReadOptions read_options(const MosaicInputOptions& o) {
    io::ReadOptions r;
    io::MosaicSpec spec;
    if (!o.phase.empty()) {
        const auto phase = bayer::BayerPhase::parse(o.phase);
        if (!phase) throw ConfigError("", "--phase", fmt::format("\"{}\" is not RGGB, GRBG, GBRG or BGGR", o.phase));
        spec.phase = *phase;
    }
    spec.bits = o.bits;
    spec.black = o.black;
    if (o.white >= 0) spec.white = o.white;
    if (o.width > 0 || o.height > 0)
        r.headerless = io::HeaderlessSpec{o.width, o.height, o.big_endian ? io::Endian::Big : io::Endian::Little, spec};
    if (!o.phase.empty()) r.png = spec;
    return r;
}

void add_compute_options(CLI::App& cmd, ComputeOptions& options) {
    cmd.add_option("--device", options.device, "Compute device: cpu, cuda or cuda:N")->capture_default_str();
    cmd.add_option("--threads", options.threads, "CPU threads for LibTorch (0 = OMP_NUM_THREADS, else one per core)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
}

torch::Device apply_compute(const ComputeOptions& options) {
    set_threads(options.threads);
    return parse_device(options.device);
}

}  // namespace n2n::cli
