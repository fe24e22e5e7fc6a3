// SPDX-License-Identifier: MIT
// Running the independent tools the tests compare against (dcraw, Python scripts).
#pragma once

#include <string>

namespace n2n::test {

/// Runs `command` through the shell and returns its standard output; REQUIREs that it started.
std::string capture(const std::string& command);

}  // namespace n2n::test
