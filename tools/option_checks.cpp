// SPDX-License-Identifier: MIT
#include "option_checks.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fmt/format.h>
#include <sstream>

namespace n2n::cli {
namespace {

// True when the whole of `token` reads as a floating-point number that is NaN, infinite or
// beyond double's range (strtod then returns HUGE_VAL).
bool is_non_finite_number(const std::string& token) {
    if (token.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) return false;  // not a number at all: not our business
    return !std::isfinite(value) || (errno == ERANGE && std::fabs(value) > 1.0);
}

const CLI::Validator& finite_numbers() {
    static const CLI::Validator validator(
        [](std::string& value) -> std::string {
            std::istringstream parts(value);
            for (std::string part; std::getline(parts, part, ',');)
                if (is_non_finite_number(part)) return fmt::format("{} is not a finite number", part);
            return {};
        },
        "", "finite");
    return validator;
}

void add_to_options(CLI::App& app) {
    for (CLI::Option* option : app.get_options())
        if (option->nonpositional() && option->get_expected_max() > 0) option->check(finite_numbers());
    for (CLI::App* sub : app.get_subcommands({})) add_to_options(*sub);
}

std::int64_t parse_integer(const std::string& value, std::string& error) {
    try {
        std::size_t used = 0;
        const long long n = std::stoll(value, &used);
        if (used == value.size()) return n;
    } catch (const std::exception&) {
    }
    error = fmt::format("{} is not an integer", value);
    return 0;
}

}  // namespace

void refuse_non_finite_numbers(CLI::App& app) { add_to_options(app); }

CLI::Validator zero_or_multiple_of(std::int64_t m) {
    return {[m](std::string& value) -> std::string {
                std::string error;
                const auto n = parse_integer(value, error);
                if (!error.empty()) return error;
                if (n < 0 || n % m != 0) return fmt::format("{} is not 0 or a positive multiple of {}", value, m);
                return {};
            },
            fmt::format("0 or a multiple of {}", m)};
}

CLI::Validator positive_multiple_of(std::int64_t m) {
    return {[m](std::string& value) -> std::string {
                std::string error;
                const auto n = parse_integer(value, error);
                if (!error.empty()) return error;
                if (n <= 0 || n % m != 0) return fmt::format("{} is not a positive multiple of {}", value, m);
                return {};
            },
            fmt::format("a multiple of {}", m)};
}

}  // namespace n2n::cli
