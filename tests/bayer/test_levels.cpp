// SPDX-License-Identifier: MIT
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"

#include <cstdint>
#include <doctest/doctest.h>

using namespace n2n;

TEST_CASE("normalize applies the black level of each cell position (hand computed)") {
    // Black 600/610/620/630 per 2x2 position, white 15520 (D750-like numbers).
    const bayer::Levels lv{{600.F, 610.F, 620.F, 630.F}, 15520.F};
    Image<std::uint16_t> raw(2, 3);
    raw(0, 0) = 600;    // -> 0
    raw(0, 1) = 15520;  // -> 1
    raw(0, 2) = 8060;   // (8060-600)/14920 = 0.5
    raw(1, 0) = 620 + 14900 / 2;  // (8070-620)/14900 = 0.5
    raw(1, 1) = 500;              // below black: clipped to 0, or negative without clip
    raw(1, 2) = 16000;            // above white: clipped to 1
    const auto n = bayer::normalize(raw.view(), lv);
    CHECK(n(0, 0) == doctest::Approx(0.0));
    CHECK(n(0, 1) == doctest::Approx(1.0));
    CHECK(n(0, 2) == doctest::Approx(0.5));
    CHECK(n(1, 0) == doctest::Approx(0.5));
    CHECK(n(1, 1) == 0.F);
    CHECK(n(1, 2) == 1.F);
    const auto unclipped = bayer::normalize(raw.view(), lv, bayer::Clip::None);
    CHECK(unclipped(1, 1) == doctest::Approx((500.0 - 630.0) / (15520.0 - 630.0)));
}

TEST_CASE("denormalize inverts normalize on in-range DN") {
    const bayer::Levels lv{{127.F, 128.F, 128.F, 127.F}, 4095.F};
    Image<std::uint16_t> raw(4, 4);
    for (int k = 0; k < 16; ++k) raw.pixels()[k] = static_cast<std::uint16_t>(130 + 250 * k);
    const auto back = bayer::denormalize(bayer::normalize(raw.view(), lv).view(), lv);
    CHECK(back.pixels() == raw.pixels());
}

TEST_CASE("cropped levels follow the moved 2x2 pattern") {
    const bayer::Levels lv{{1.F, 2.F, 3.F, 4.F}, 100.F};
    CHECK(lv.cropped(0, 1).black == std::array<float, 4>{2.F, 1.F, 4.F, 3.F});
    CHECK(lv.cropped(1, 1).black == std::array<float, 4>{4.F, 3.F, 2.F, 1.F});
    CHECK(lv.cropped(2, 2).black == lv.black);
}

TEST_CASE("inconsistent levels are a ConfigError naming the field") {
    Image<float> raw(2, 2);
    bayer::Levels bad{{100.F, 100.F, 100.F, 100.F}, 50.F};
    CHECK_THROWS_AS(bayer::normalize(raw.view(), bad), ConfigError);
    try {
        bayer::normalize(raw.view(), bad);
    } catch (const Error& e) {
        CHECK(e.field() == "white level");
    }
}

TEST_CASE("dn_levels: sensor DN kept, data without DN scaled to the full 16 bits") {
    const bayer::Levels sensor{{600.F, 610.F, 620.F, 630.F}, 15520.F};
    const auto kept = bayer::dn_levels(sensor);
    CHECK(kept.black == sensor.black);
    CHECK(kept.white == sensor.white);
    // SIDD's frames: black 0, white 1. Normalised 0.5 must come back as mid-scale, not 0 or 1.
    const auto unit = bayer::dn_levels(bayer::Levels::unit());
    CHECK(unit.white == 65535.F);
    CHECK(unit.black == std::array<float, 4>{0.F, 0.F, 0.F, 0.F});
    Image<float> half(2, 2);
    for (float& v : half.pixels()) v = 0.5F;
    half(1, 1) = 1.F;
    const auto dn = bayer::denormalize(half.view(), unit);
    CHECK(dn(0, 0) == 32768);  // 0.5 * 65535 = 32767.5, rounded half away from zero
    CHECK(dn(1, 1) == 65535);
    // Levels below 1 scale black too: (0.1, 0.5) -> (13107, 65535).
    const auto scaled = bayer::dn_levels({{0.1F, 0.1F, 0.1F, 0.1F}, 0.5F});
    CHECK(scaled.white == 65535.F);
    CHECK(scaled.black[0] == doctest::Approx(13107.F));
}
