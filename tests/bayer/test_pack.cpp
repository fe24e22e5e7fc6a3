// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "support/mosaics.hpp"

#include <doctest/doctest.h>
#include <utility>

using namespace n2n;
using bayer::BayerPhase;

using test::coordinate_mosaic;

TEST_CASE("pack puts each colour of a GRBG cell in its canonical plane (hand example)") {
    // 2x4 GRBG mosaic:  Gr R  Gr R      values 0 1 2 3
    //                   B  Gb B  Gb            1000 1001 1002 1003
    const auto m = coordinate_mosaic(2, 4);
    const auto p = bayer::pack(m.view(), BayerPhase::GRBG);
    REQUIRE(p.channels() == 4);
    REQUIRE(p.height() == 1);
    REQUIRE(p.width() == 2);
    CHECK(p.plane(0)(0, 0) == 1);     // R
    CHECK(p.plane(0)(0, 1) == 3);
    CHECK(p.plane(1)(0, 0) == 0);     // Gr
    CHECK(p.plane(2)(0, 0) == 1001);  // Gb
    CHECK(p.plane(3)(0, 1) == 1002);  // B
}

TEST_CASE("every phase x crop parity x orientation: pack/unpack round trip and colour identity") {
    const auto scene = coordinate_mosaic(10, 14);
    for (BayerPhase phase : bayer::kAllPhases)
        for (int dr = 0; dr < 2; ++dr)
            for (int dc = 0; dc < 2; ++dc)
                for (int o = 0; o < 8; ++o) {
                    CAPTURE(phase.name());
                    CAPTURE(dr);
                    CAPTURE(dc);
                    CAPTURE(o);
                    const auto cropped = bayer::crop(scene.view(), phase, {dr, dc, 8, 12});
                    const auto oriented = bayer::orient(cropped.pixels, cropped.phase, bayer::Orientation::from_index(o));
                    const auto packed = bayer::pack(oriented.pixels.view(), oriented.phase);
                    // Every packed sample must come from a scene pixel of that same CFA colour.
                    for (int ch = 0; ch < 4; ++ch)
                        for (std::ptrdiff_t i = 0; i < packed.height(); ++i)
                            for (std::ptrdiff_t j = 0; j < packed.width(); ++j) {
                                const auto v = static_cast<long>(packed.plane(ch)(i, j));
                                const auto colour = phase.color_at(v / 1000, v % 1000);
                                const auto expected = bayer::PackedChannel(ch);
                                const auto expected_colour =
                                    expected == bayer::PackedChannel::R   ? bayer::CfaColor::Red
                                    : expected == bayer::PackedChannel::B ? bayer::CfaColor::Blue
                                                                          : bayer::CfaColor::Green;
                                REQUIRE(colour == expected_colour);
                            }
                    const auto back = bayer::unpack(packed, oriented.phase);
                    REQUIRE(back.pixels() == oriented.pixels.pixels());
                }
}

TEST_CASE("Gr and Gb stay distinct; transposition swaps them") {
    const auto scene = coordinate_mosaic(4, 4);  // read as RGGB: Gr at odd columns of even rows
    const auto t = bayer::orient(scene.view(), BayerPhase::RGGB, {true, false, false});
    CHECK(t.phase == BayerPhase::RGGB);
    const auto before = bayer::pack(scene.view(), BayerPhase::RGGB);
    const auto after = bayer::pack(t.pixels.view(), t.phase);
    // Scene pixel (0,1) is Gr before; after transposing it sits at (1,0), in the blue row: Gb.
    CHECK(before.plane(1)(0, 0) == 1.F);
    CHECK(after.plane(2)(0, 0) == 1.F);
}

TEST_CASE("odd sizes follow the stated rule") {
    const auto m = coordinate_mosaic(5, 6);
    CHECK_THROWS_AS(bayer::pack(m.view(), BayerPhase::RGGB), ConfigError);
    try {
        bayer::pack(m.view(), BayerPhase::RGGB);
    } catch (const ConfigError& e) {
        CHECK(e.field() == "height");
    }
    const auto p = bayer::pack(m.view(), BayerPhase::RGGB, bayer::OddSize::TrimTrailing);
    CHECK(p.height() == 2);
    CHECK(p.width() == 3);
    CHECK(p.plane(3)(1, 2) == 3005.F);  // B of the last whole cell: row 3, col 5
}

TEST_CASE("unpack rejects mismatched plane sizes") {
    PlanarImage<float> p(4, 2, 3);
    Image<float> wrong(4, 4);
    CHECK_THROWS_AS(bayer::unpack_into(bayer::planes_of(std::as_const(p)), BayerPhase::RGGB, wrong.view()), ConfigError);
    PlanarImage<float> three(3, 2, 2);
    CHECK_THROWS_AS(bayer::unpack(three, BayerPhase::RGGB), ConfigError);
}
