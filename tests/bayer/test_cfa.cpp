// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/cfa.hpp"

#include <doctest/doctest.h>

using n2n::bayer::BayerPhase;
using n2n::bayer::CfaColor;
using n2n::bayer::PackedChannel;

TEST_CASE("phase names the colours of its 2x2 cell as the diagrams say") {
    // Hand-written from the phase names: letters are the colours at (0,0) (0,1) (1,0) (1,1).
    struct Expect {
        BayerPhase phase;
        PackedChannel cell[4];
    };
    const Expect table[] = {
        {BayerPhase::RGGB, {PackedChannel::R, PackedChannel::Gr, PackedChannel::Gb, PackedChannel::B}},
        {BayerPhase::GRBG, {PackedChannel::Gr, PackedChannel::R, PackedChannel::B, PackedChannel::Gb}},
        {BayerPhase::GBRG, {PackedChannel::Gb, PackedChannel::B, PackedChannel::R, PackedChannel::Gr}},
        {BayerPhase::BGGR, {PackedChannel::B, PackedChannel::Gb, PackedChannel::Gr, PackedChannel::R}},
    };
    for (const auto& e : table)
        for (int k = 0; k < 4; ++k) {
            CAPTURE(e.phase.name());
            CHECK(e.phase.channel_at(k / 2, k % 2) == e.cell[k]);
            // position_of is the inverse of channel_at within the cell.
            const auto pos = e.phase.position_of(e.cell[k]);
            CHECK(pos[0] == k / 2);
            CHECK(pos[1] == k % 2);
        }
}

TEST_CASE("Gr shares a row with R and Gb with B in every phase") {
    for (BayerPhase p : n2n::bayer::kAllPhases)
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) {
                const auto ch = p.channel_at(r, c);
                const auto neighbour = p.color_at(r, c + 1);
                if (ch == PackedChannel::Gr) CHECK(neighbour == CfaColor::Red);
                if (ch == PackedChannel::Gb) CHECK(neighbour == CfaColor::Blue);
            }
}

TEST_CASE("parse and CFAPattern tags") {
    CHECK(BayerPhase::parse("grbg") == BayerPhase::GRBG);
    CHECK(BayerPhase::parse("BgGr") == BayerPhase::BGGR);
    CHECK_FALSE(BayerPhase::parse("XTRANS").has_value());
    CHECK_FALSE(BayerPhase::parse("").has_value());
    // SIDD S6 metadata stores CFAPattern [1 0 2 1] = G R / B G.
    CHECK(BayerPhase::from_cfa_pattern({1, 0, 2, 1}) == BayerPhase::GRBG);
    CHECK(BayerPhase::from_cfa_pattern({0, 1, 1, 2}) == BayerPhase::RGGB);
    CHECK_FALSE(BayerPhase::from_cfa_pattern({0, 0, 1, 2}).has_value());  // not a Bayer pattern
    CHECK_FALSE(BayerPhase::from_cfa_pattern({1, 1, 0, 2}).has_value());  // greens on a row: not Bayer
    for (BayerPhase p : n2n::bayer::kAllPhases) CHECK(BayerPhase::from_cfa_pattern(p.cfa_pattern()) == p);
}

TEST_CASE("cropped phase agrees with the colour of the pixel at the new origin") {
    for (BayerPhase p : n2n::bayer::kAllPhases)
        for (int dr = 0; dr < 3; ++dr)
            for (int dc = 0; dc < 3; ++dc)
                for (int r = 0; r < 2; ++r)
                    for (int c = 0; c < 2; ++c)
                        CHECK(p.cropped(dr, dc).channel_at(r, c) == p.channel_at(r + dr, c + dc));
}
