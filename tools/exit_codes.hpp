// SPDX-License-Identifier: MIT
// The one table of `n2n` exit statuses. Every failure maps to one row by its exception class, so a
// script can tell bad input from a full disk from a bug without parsing messages.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace n2n::cli {

enum class ExitCode : int {
    Success = 0,
    SomeInputsFailed = 1,  ///< a batch command went on past bad files; each is reported
    BadInput = 2,          ///< usage, option values, unreadable or malformed input (ConfigError, FormatError)
    IoFailure = 3,         ///< reading or writing failed: missing file, permission, disk full (IoError)
    NonFinite = 4,         ///< training diverged or a model produced NaN/Inf (NumericError)
    Internal = 5,          ///< anything else: a bug in n2n, please report it
};

/// Thrown (after every input was tried and each failure reported) when some inputs of a batch
/// failed and others were done: exit status 1.
class SomeInputsFailed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The failures of a batch command that goes on past bad inputs.
class BatchFailures {
public:
    void add(std::exception_ptr failure);
    /// Nothing failed: returns. All `total` inputs failed: rethrows the first failure (its own
    /// status). Otherwise throws SomeInputsFailed.
    void finish(std::size_t total) const;

private:
    std::vector<std::exception_ptr> failures_;
};

/// The table as the help footer and the README show it.
std::string exit_code_table();

/// Runs `app` on the arguments and returns the status of the table; prints one "n2n: error: ..."
/// line for failures (CLI11's own message for usage errors).
int run_and_map_exit_code(CLI::App& app, int argc, char** argv);

}  // namespace n2n::cli
