// SPDX-License-Identifier: MIT
// Real data written by someone else: one Nikon D750 scene saved in all four CFA phases
// (mushfiqulalam/isp). Packed with their phases, all four must give the same planes up to a
// whole-cell offset. The author made the variants by moving values inside each 2x2 cell, not by
// cropping, so which of the two greens lands in the "red row" is the author's choice per file:
// R and B must match exactly, the two green planes as a pair (same or swapped).
#include "n2n_raw/bayer/pack.hpp"
#include "support/test_data.hpp"

#include <cstdint>
#include <doctest/doctest.h>
#include <fstream>
#include <optional>

using namespace n2n;
using bayer::BayerPhase;

namespace {
// Deliberately independent of libn2n_raw/io: a plain little-endian uint16 read.
Image<float> read_u16le(const std::filesystem::path& path, std::ptrdiff_t h, std::ptrdiff_t w) {
    std::ifstream in(path, std::ios::binary);
    std::vector<unsigned char> bytes(static_cast<std::size_t>(2 * h * w));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(in.gcount() == static_cast<std::streamsize>(bytes.size()));
    Image<float> m(h, w);
    for (std::size_t k = 0; k < m.pixels().size(); ++k)
        m.pixels()[k] = static_cast<float>(bytes[2 * k] | (bytes[2 * k + 1] << 8));
    return m;
}

// Whole-cell offset (di, dj) at which the planes `channels` of `a` equal those of `b` shifted, if
// exactly one exists.
std::optional<std::pair<int, int>> matching_offset(const PlanarImage<float>& a, const PlanarImage<float>& b,
                                                   std::array<int, 4> channels = {0, 1, 2, 3}) {
    std::optional<std::pair<int, int>> found;
    int matches = 0;
    for (int di = -2; di <= 2; ++di)
        for (int dj = -2; dj <= 2; ++dj) {
            bool equal = true;
            for (int k = 0; k < 4 && equal; ++k) {
                const int ch = channels[k];
                for (std::ptrdiff_t i = std::max(0, -di); i < a.height() - std::max(0, di) && equal; ++i)
                    for (std::ptrdiff_t j = std::max(0, -dj); j < a.width() - std::max(0, dj); ++j)
                        if (a.plane(ch)(i, j) != b.plane(k)(i + di, j + dj)) {
                            equal = false;
                            break;
                        }
            }
            if (equal) {
                found = std::pair{di, dj};
                ++matches;
            }
        }
    return matches == 1 ? found : std::nullopt;
}
}  // namespace

TEST_CASE("all four phases of the D750 scene pack to the same four planes") {
    const std::string dir = "raw/mushfiqulalam-isp-d750-crop/";
    const auto reference_path = test::shared_file(dir + "DSC_1339_768x512_rggb.raw");
    if (!reference_path) return;
    const auto reference = bayer::pack(read_u16le(*reference_path, 512, 768).view(), BayerPhase::RGGB);
    for (const char* name : {"grbg", "gbrg", "bggr"}) {
        CAPTURE(std::string(name));
        const auto path = test::shared_file(dir + "DSC_1339_768x512_" + name + ".raw");
        REQUIRE(path);
        const auto phase = *BayerPhase::parse(name);
        const auto mosaic = read_u16le(*path, 512, 768);
        const auto packed = bayer::pack(mosaic.view(), phase);
        const auto same = matching_offset(packed, reference);
        const auto greens_swapped = matching_offset(packed, reference, {0, 2, 1, 3});
        REQUIRE((same.has_value() || greens_swapped.has_value()));
        const auto offset = same ? *same : *greens_swapped;
        MESSAGE(std::string(name) << " matches the RGGB planes at cell offset (" << offset.first << ", " << offset.second
                     << ")" << std::string(same ? "" : " with the author's greens swapped"));
        // Packing with a wrong phase must not match: the phase is what makes the planes agree.
        const auto wrong = bayer::pack(mosaic.view(), BayerPhase::RGGB);
        CHECK_FALSE(matching_offset(wrong, reference).has_value());
        CHECK_FALSE(matching_offset(wrong, reference, {0, 2, 1, 3}).has_value());
    }
}
