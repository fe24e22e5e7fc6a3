// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/cfa.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace n2n::bayer {

std::string_view BayerPhase::name() const {
    static constexpr std::array<std::string_view, 4> names{"RGGB", "GRBG", "GBRG", "BGGR"};
    return names[value_];
}

std::optional<BayerPhase> BayerPhase::parse(std::string_view text) {
    std::string upper(text);
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    for (BayerPhase p : kAllPhases)
        if (p.name() == upper) return p;
    return std::nullopt;
}

std::array<int, 4> BayerPhase::cfa_pattern() const {
    std::array<int, 4> pattern{};
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c) pattern[2 * r + c] = static_cast<int>(color_at(r, c));
    return pattern;
}

std::optional<BayerPhase> BayerPhase::from_cfa_pattern(const std::array<int, 4>& pattern) {
    for (BayerPhase p : kAllPhases)
        if (p.cfa_pattern() == pattern) return p;
    return std::nullopt;
}

}  // namespace n2n::bayer
