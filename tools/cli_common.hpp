// SPDX-License-Identifier: MIT
// Small helpers shared by the sub-commands: device selection, thread count, atomic output.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace n2n::cli {

/// The capture used when a command gets no input: a Canon EOS 30D CR2 from Debian's rawtran-doc.
inline constexpr const char* kDefaultCapture = "/usr/share/doc/rawtran/IMG_5952.CR2";

/// Options every compute-heavy sub-command takes.
struct ComputeOptions {
    std::string device = "cpu";  ///< "cpu", "cuda" or "cuda:N"
    int threads = 0;             ///< 0: one per hardware core
};

/// Adds --device and --threads to a sub-command.
void add_compute_options(CLI::App& cmd, ComputeOptions& options);

/// Applies the thread count to LibTorch (OpenMP defaults to 1 thread on some machines).
void apply_threads(const ComputeOptions& options);

}  // namespace n2n::cli
