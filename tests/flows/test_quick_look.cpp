// SPDX-License-Identifier: MIT
// The pack preview goes through the simple ISP at half resolution.
#include "n2n_raw/flows/quick_look.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

using namespace n2n;

TEST_CASE("quick_look: half size (odd sides rounded down), a grey card stays grey") {
    // A flat grey card as the camera sees it: R and B weaker by the as-shot neutral (0.5, 1, 0.25).
    for (const auto& [h, w] : {std::pair<std::ptrdiff_t, std::ptrdiff_t>{40, 60}, {41, 63}}) {
        io::RawFrame f;
        f.mosaic = Image<float>(h, w);
        f.meta.phase = bayer::BayerPhase::BGGR;
        f.meta.levels = {{100.F, 100.F, 100.F, 100.F}, 4000.F};
        f.meta.as_shot_neutral = std::array<double, 3>{0.5, 1.0, 0.25};
        f.meta.orientation = 6;  // ignored: the preview keeps the sensor's orientation
        const float grey = 0.3F;
        const std::array<float, 3> seen{0.5F * grey, grey, 0.25F * grey};
        for (std::ptrdiff_t r = 0; r < h; ++r)
            for (std::ptrdiff_t c = 0; c < w; ++c)
                f.mosaic(r, c) = 100.F + 3900.F * seen[static_cast<std::size_t>(f.meta.phase.color_at(r, c))];
        const auto rgb = flows::quick_look(f);
        REQUIRE(rgb.channels() == 3);
        CHECK(rgb.height() == h / 2);
        CHECK(rgb.width() == w / 2);
        float spread = 0;
        const float ref = rgb.plane(0)(0, 0);
        for (std::ptrdiff_t ch = 0; ch < 3; ++ch)
            for (std::ptrdiff_t r = 0; r < rgb.height(); ++r)
                for (std::ptrdiff_t c = 0; c < rgb.width(); ++c) spread = std::max(spread, std::abs(rgb.plane(ch)(r, c) - ref));
        CHECK(spread < 1e-3F);
        // Metered to 18 % grey: sRGB encoding of 0.18 is about 0.46.
        CHECK(ref == doctest::Approx(0.46).epsilon(0.03));
    }
}
