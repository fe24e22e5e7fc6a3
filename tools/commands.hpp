// SPDX-License-Identifier: MIT
// Every sub-command of `n2n` registers itself on the top-level CLI11 app here.
#pragma once

#include <CLI/CLI.hpp>

namespace n2n::cli {

// Each register_* adds one sub-command (with its options and callback) to `app`.
// (Sub-commands are added here as their issues land.)

}  // namespace n2n::cli
