// SPDX-License-Identifier: MIT
// Colour maths against published values and self-consistency: Robertson CCT at the CIE
// illuminants, inverse-mired weights by hand, the DNG neutral search as a fixed point, and the
// camera -> sRGB matrix for cameras whose answer is known (a camera that *is* sRGB).
#include "n2n_raw/error.hpp"
#include "n2n_raw/pipeline/color.hpp"

#include <cmath>
#include <doctest/doctest.h>

using namespace n2n::pipeline;
using n2n::Matrix3;

namespace {
// McCamy's cubic (1992), an independent approximation good to a few kelvin near the locus.
double mccamy(Chromaticity xy) {
    const double n = (xy.x - 0.3320) / (0.1858 - xy.y);
    return 449 * n * n * n + 3525 * n * n + 6823.3 * n + 5520.33;
}
std::array<double, 3> apply(const Matrix3& m, const std::array<double, 3>& v) {
    return {m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
            m[6] * v[0] + m[7] * v[1] + m[8] * v[2]};
}
std::array<double, 3> xyz_of(Chromaticity c) { return {c.x / c.y, 1.0, (1 - c.x - c.y) / c.y}; }
}  // namespace

TEST_CASE("Robertson CCT of the CIE standard illuminants") {
    CHECK(cct_from_xy(kD65) == doctest::Approx(6504).epsilon(0.003));
    CHECK(cct_from_xy(kD50) == doctest::Approx(5003).epsilon(0.003));
    CHECK(cct_from_xy({0.44757, 0.40745}) == doctest::Approx(2856).epsilon(0.003));  // Standard A
    for (Chromaticity xy : {Chromaticity{0.38, 0.38}, Chromaticity{0.30, 0.31}, Chromaticity{0.42, 0.40}})
        CHECK(cct_from_xy(xy) == doctest::Approx(mccamy(xy)).epsilon(0.01));
    CHECK(cct_from_xy({0.20, 0.20}) >= 1e5);  // bluer than the table: clamps to "infinite"
}

TEST_CASE("illuminant codes and the inverse-mired weight") {
    CHECK(*illuminant_temperature(21) == 6504);
    CHECK(*illuminant_temperature(17) == 2856);
    CHECK_FALSE(illuminant_temperature(0).has_value());
    CHECK(inverse_mired_weight(2856, 2856, 6504) == doctest::Approx(1));
    CHECK(inverse_mired_weight(6504, 2856, 6504) == doctest::Approx(0));
    const double mid = 1 / ((1 / 2856.0 + 1 / 6504.0) / 2);  // half way in mired
    CHECK(inverse_mired_weight(mid, 2856, 6504) == doctest::Approx(0.5));
    CHECK(inverse_mired_weight(2000, 2856, 6504) == 1);
    CHECK(inverse_mired_weight(10000, 2856, 6504) == 0);
}

TEST_CASE("a camera with sRGB primaries gives the identity, whatever its channel gains") {
    const Matrix3 xyz_to_srgb = inverse(srgb_to_xyz());
    const Matrix3 m = camera_to_srgb(xyz_to_srgb);
    for (int k = 0; k < 9; ++k) CHECK(m[k] == doctest::Approx(k % 4 == 0 ? 1.0 : 0.0).epsilon(1e-9));
    // Per-channel sensitivities are what white balance removes: same answer.
    const Matrix3 scaled = multiply({2, 0, 0, 0, 1, 0, 0, 0, 0.5}, xyz_to_srgb);
    const Matrix3 m2 = camera_to_srgb(scaled);
    for (int k = 0; k < 9; ++k) CHECK(m2[k] == doctest::Approx(m[k]).epsilon(1e-9));
}

TEST_CASE("camera -> sRGB maps white to white for a real camera matrix") {
    // Nikon D750 XYZ -> camera (D65), the matrix of the shared D750 sample.
    const Matrix3 d750{0.9020, -0.2890, -0.0715, -0.4535, 1.2436, 0.2348, -0.0934, 0.1919, 0.7086};
    const Matrix3 m = camera_to_srgb(d750);
    const auto white = apply(m, {1, 1, 1});
    for (double v : white) CHECK(v == doctest::Approx(1).epsilon(1e-12));
    CHECK(m[0] > 1);  // a real sensor's overlapping responses need saturation boost on the diagonal
    CHECK_THROWS_AS(camera_to_srgb({1, 1, 1, 1, 1, 1, 1, 1, 1}), n2n::FormatError);
}

TEST_CASE("the neutral search finds the white that produced the neutral") {
    const Calibration d65{inverse(srgb_to_xyz()), 21};
    // Single matrix: the neutral of D65 white is (1, 1, 1) for an sRGB camera.
    const Chromaticity w = neutral_to_xy({1, 1, 1}, d65, std::nullopt);
    CHECK(w.x == doctest::Approx(0.3127).epsilon(2e-4));
    CHECK(w.y == doctest::Approx(0.3290).epsilon(2e-4));

    // Two calibrations: a made-up tungsten matrix and the D65 one; a scene at about 4000 K.
    const Calibration tungsten{multiply({1.4, 0.1, -0.1, -0.2, 1.1, 0.1, 0.05, -0.15, 0.7}, d65.xyz_to_camera), 17};
    const Chromaticity truth{0.3805, 0.3768};
    const Matrix3 cm = interpolate_color_matrix(truth, tungsten, d65);
    const auto neutral = apply(cm, xyz_of(truth));
    const Chromaticity found = neutral_to_xy(neutral, tungsten, d65);
    CHECK(found.x == doctest::Approx(truth.x).epsilon(1e-5));
    CHECK(found.y == doctest::Approx(truth.y).epsilon(1e-5));
    // And the interpolation really blended: the weight at ~4000 K lies strictly inside (0, 1).
    const double w1 = inverse_mired_weight(cct_from_xy(truth), 2856, 6504);
    CHECK(w1 > 0.2);
    CHECK(w1 < 0.8);
    CHECK(cm[0] == doctest::Approx(w1 * tungsten.xyz_to_camera[0] + (1 - w1) * d65.xyz_to_camera[0]));
}
