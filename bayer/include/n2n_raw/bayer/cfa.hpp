// SPDX-License-Identifier: MIT
// The Bayer colour filter array phase as a value type.
//
//   RGGB        GRBG        GBRG        BGGR         row shift = bit 1, column shift = bit 0:
//   R  Gr       Gr R        Gb B        B  Gb        a phase is RGGB seen from an origin moved
//   Gb B        B  Gb       R  Gr       Gr R         down by row_shift and right by col_shift.
//
// Gr is the green that shares a row with red, Gb the green that shares a row with blue; the two
// are kept distinct everywhere because their responses differ on real sensors.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace n2n::bayer {

enum class CfaColor : std::uint8_t { Red = 0, Green = 1, Blue = 2 };

/// The four packed channels, in the one canonical order of n2n_raw: R, Gr, Gb, B.
enum class PackedChannel : std::uint8_t { R = 0, Gr = 1, Gb = 2, B = 3 };
inline constexpr int kPackedChannels = 4;

class BayerPhase {
public:
    enum Value : std::uint8_t { RGGB = 0, GRBG = 1, GBRG = 2, BGGR = 3 };

    constexpr BayerPhase(Value v = RGGB) : value_(v) {}  // NOLINT: implicit from the enumerator
    static constexpr BayerPhase from_shift(int row_shift, int col_shift) {
        return BayerPhase(static_cast<Value>(((row_shift & 1) << 1) | (col_shift & 1)));
    }

    constexpr Value value() const { return value_; }
    constexpr int row_shift() const { return (value_ >> 1) & 1; }
    constexpr int col_shift() const { return value_ & 1; }

    /// Packed channel of the mosaic pixel at (row, col), coordinates relative to the origin that
    /// this phase describes. Negative coordinates are allowed (they only matter modulo 2).
    constexpr PackedChannel channel_at(std::ptrdiff_t row, std::ptrdiff_t col) const {
        const int r = static_cast<int>((row + row_shift()) & 1);
        const int c = static_cast<int>((col + col_shift()) & 1);
        return static_cast<PackedChannel>(2 * r + c);
    }
    constexpr CfaColor color_at(std::ptrdiff_t row, std::ptrdiff_t col) const {
        switch (channel_at(row, col)) {
            case PackedChannel::R: return CfaColor::Red;
            case PackedChannel::B: return CfaColor::Blue;
            default: return CfaColor::Green;
        }
    }
    /// (row, col) of a packed channel inside the 2×2 cell at the origin.
    constexpr std::array<int, 2> position_of(PackedChannel ch) const {
        const int k = static_cast<int>(ch);
        return {((k >> 1) + row_shift()) & 1, ((k & 1) + col_shift()) & 1};
    }

    /// Phase of the sub-image whose origin is (row_offset, col_offset) in this image.
    constexpr BayerPhase cropped(std::ptrdiff_t row_offset, std::ptrdiff_t col_offset) const {
        return from_shift(static_cast<int>(row_shift() + row_offset), static_cast<int>(col_shift() + col_offset));
    }
    /// Phase after mirroring left-right an image `width` pixels wide.
    constexpr BayerPhase flipped_horizontally(std::ptrdiff_t width) const {
        return from_shift(row_shift(), static_cast<int>(col_shift() + width - 1));
    }
    /// Phase after mirroring top-bottom an image `height` pixels high.
    constexpr BayerPhase flipped_vertically(std::ptrdiff_t height) const {
        return from_shift(static_cast<int>(row_shift() + height - 1), col_shift());
    }
    /// Phase after swapping rows and columns. The green that shared a row with red now shares a
    /// column with it, so it becomes Gb: transposition swaps the two greens' roles.
    constexpr BayerPhase transposed() const { return from_shift(col_shift(), row_shift()); }

    /// "RGGB", "GRBG", "GBRG" or "BGGR".
    std::string_view name() const;
    /// Case-insensitive parse of the four names; nullopt for anything else (e.g. "XTRANS").
    static std::optional<BayerPhase> parse(std::string_view text);
    /// From the DNG/EXIF CFAPattern of a 2×2 repeat, row-major, 0 = red, 1 = green, 2 = blue.
    /// nullopt when the pattern is not one of the four Bayer phases.
    static std::optional<BayerPhase> from_cfa_pattern(const std::array<int, 4>& pattern);
    /// The inverse of from_cfa_pattern.
    std::array<int, 4> cfa_pattern() const;

    friend constexpr bool operator==(BayerPhase a, BayerPhase b) { return a.value_ == b.value_; }

private:
    Value value_;
};

inline constexpr std::array<BayerPhase, 4> kAllPhases{BayerPhase::RGGB, BayerPhase::GRBG, BayerPhase::GBRG,
                                                       BayerPhase::BGGR};

}  // namespace n2n::bayer
