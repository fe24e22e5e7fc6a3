// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/error.hpp"
#include "support/mosaics.hpp"

#include <doctest/doctest.h>

using namespace n2n;
using bayer::BayerPhase;

using test::coordinate_mosaic;

TEST_CASE("orient moves pixels as the hand-written 3x2 examples say") {
    // a b        transpose: a c e    flip_h: b a    flip_v: e f
    // c d                   b d f            d c            c d
    // e f                                    f e            a b
    Image<float> m(3, 2);
    for (int k = 0; k < 6; ++k) m.pixels()[k] = static_cast<float>(k);  // a=0 .. f=5
    const auto t = bayer::orient(m.view(), BayerPhase::RGGB, {true, false, false});
    CHECK(t.pixels.height() == 2);
    CHECK(t.pixels.pixels() == std::vector<float>{0, 2, 4, 1, 3, 5});
    const auto h = bayer::orient(m.view(), BayerPhase::RGGB, {false, true, false});
    CHECK(h.pixels.pixels() == std::vector<float>{1, 0, 3, 2, 5, 4});
    const auto v = bayer::orient(m.view(), BayerPhase::RGGB, {false, false, true});
    CHECK(v.pixels.pixels() == std::vector<float>{4, 5, 2, 3, 0, 1});
}

TEST_CASE("the phase after every orientation names the true colour of every moved pixel") {
    // Odd and even sizes both: an odd width flips to the same column parity, an even one does not.
    for (auto [h, w] : {std::pair{6, 8}, std::pair{5, 7}, std::pair{4, 7}})
        for (BayerPhase phase : bayer::kAllPhases)
            for (int o = 0; o < 8; ++o) {
                const auto scene = coordinate_mosaic(h, w);
                const auto out = bayer::orient(scene.view(), phase, bayer::Orientation::from_index(o));
                for (std::ptrdiff_t r = 0; r < out.pixels.height(); ++r)
                    for (std::ptrdiff_t c = 0; c < out.pixels.width(); ++c) {
                        const auto v = static_cast<long>(out.pixels(r, c));
                        REQUIRE(out.phase.color_at(r, c) == phase.color_at(v / 1000, v % 1000));
                    }
            }
}

TEST_CASE("orientation indices cover the 8 symmetries and reject others") {
    for (int i = 0; i < 8; ++i) CHECK(bayer::Orientation::from_index(i).index() == i);
    CHECK_THROWS_AS(bayer::Orientation::from_index(8), ConfigError);
    // Flipping twice is the identity.
    const auto scene = coordinate_mosaic(4, 6);
    const auto once = bayer::orient(scene.view(), BayerPhase::GBRG, {false, true, true});
    const auto twice = bayer::orient(once.pixels.view(), once.phase, {false, true, true});
    CHECK(twice.phase == BayerPhase::GBRG);
    CHECK(twice.pixels.pixels() == scene.pixels());
}

TEST_CASE("crop reports the phase of its origin and rejects rectangles outside the image") {
    const auto scene = coordinate_mosaic(6, 6);
    const auto c = bayer::crop(scene.view(), BayerPhase::RGGB, {1, 0, 4, 4});
    CHECK(c.phase == BayerPhase::GBRG);
    CHECK(c.pixels(0, 0) == 1000.F);
    CHECK(bayer::crop(scene.view(), BayerPhase::RGGB, {1, 1, 2, 2}).phase == BayerPhase::BGGR);
    CHECK_THROWS_AS(bayer::crop(scene.view(), BayerPhase::RGGB, {4, 4, 4, 4}), ConfigError);
    CHECK_THROWS_AS(bayer::crop(scene.view(), BayerPhase::RGGB, {0, 0, 0, 4}), ConfigError);
    CHECK_THROWS_AS(bayer::crop(scene.view(), BayerPhase::RGGB, {-1, 0, 2, 2}), ConfigError);
}

TEST_CASE("align_phase reaches any target phase losing at most one row and column per side") {
    const auto scene = coordinate_mosaic(9, 10);
    for (BayerPhase from : bayer::kAllPhases)
        for (BayerPhase to : bayer::kAllPhases) {
            const auto a = bayer::align_phase(scene.view(), from, to);
            CHECK(a.phase == to);
            CHECK(a.pixels.height() % 2 == 0);
            CHECK(a.pixels.width() % 2 == 0);
            CHECK(a.pixels.height() >= 9 - 2);
            CHECK(a.pixels.width() >= 10 - 2);
        }
}
