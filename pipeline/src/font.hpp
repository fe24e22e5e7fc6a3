// SPDX-License-Identifier: MIT
// The built-in 5×7 bitmap font (internal).
#pragma once

#include <array>
#include <cstdint>

namespace n2n::pipeline::detail {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 7;

/// Rows of the glyph of `ch`, top first; bit 4 is the leftmost column. Lower-case maps to upper
/// case; characters without a glyph get a hollow box.
const std::array<std::uint8_t, kGlyphHeight>& glyph(char ch);

}  // namespace n2n::pipeline::detail
