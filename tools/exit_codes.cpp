// SPDX-License-Identifier: MIT
#include "exit_codes.hpp"

#include "n2n_raw/error.hpp"

#include <fmt/format.h>
#include <iostream>

namespace n2n::cli {

void BatchFailures::add(std::exception_ptr failure) { failures_.push_back(std::move(failure)); }

void BatchFailures::finish(std::size_t total) const {
    if (failures_.empty()) return;
    if (failures_.size() == total) std::rethrow_exception(failures_.front());
    throw SomeInputsFailed(fmt::format("{} of {} inputs failed (reported above)", failures_.size(), total));
}

std::string exit_code_table() {
    return "Exit status:\n"
           "  0  success\n"
           "  1  some inputs failed (a batch went on; each failure was reported)\n"
           "  2  bad input: usage, option values, unreadable or malformed files\n"
           "  3  I/O failure: missing file, permission, disk full\n"
           "  4  non-finite numbers: training diverged or a model produced NaN/Inf\n"
           "  5  internal error (a bug: please report it)\n";
}

int run_and_map_exit_code(CLI::App& app, int argc, char** argv) {
    const auto fail = [](ExitCode code, const std::string& message) {
        std::cerr << message << std::flush;
        return static_cast<int>(code);
    };
    try {
        app.parse(argc, argv);
        return static_cast<int>(ExitCode::Success);
    } catch (const CLI::ParseError& e) {
        // --help and --version arrive as "errors" with status 0; CLI11 prints them itself.
        const int cli11_status = app.exit(e);
        return cli11_status == 0 ? static_cast<int>(ExitCode::Success) : static_cast<int>(ExitCode::BadInput);
    } catch (const SomeInputsFailed& e) {
        return fail(ExitCode::SomeInputsFailed, fmt::format("n2n: {}\n", e.what()));
    } catch (const IoError& e) {
        return fail(ExitCode::IoFailure, fmt::format("n2n: error: {}\n", e.what()));
    } catch (const NumericError& e) {
        return fail(ExitCode::NonFinite, fmt::format("n2n: error: {}\n", e.what()));
    } catch (const Error& e) {
        return fail(ExitCode::BadInput, fmt::format("n2n: error: {}\n", e.what()));
    } catch (const std::exception& e) {
        return fail(ExitCode::Internal, fmt::format("n2n: internal error: {}\n", e.what()));
    } catch (...) {
        return fail(ExitCode::Internal, "n2n: internal error: unknown exception\n");
    }
}

}  // namespace n2n::cli
