// SPDX-License-Identifier: MIT
// The validation layer of command-line values: rules that hold for every option live here once,
// and the per-option range rules use these validators (CLI11's Range lets NaN through, since
// every comparison with NaN is false).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>

namespace n2n::cli {

/// Adds to every named option of `app` and of all its sub-commands the rule that no value, nor
/// any comma-separated part of one, is a non-finite number ("nan", "inf", "1e999"). Call once,
/// after every sub-command registered its options.
void refuse_non_finite_numbers(CLI::App& app);

/// 0 or a positive multiple of `m`.
CLI::Validator zero_or_multiple_of(std::int64_t m);

/// A positive multiple of `m`.
CLI::Validator positive_multiple_of(std::int64_t m);

}  // namespace n2n::cli
