// SPDX-License-Identifier: MIT
// LibRaw reader on tiny DNGs written by hand (fixtures/make_dng_fixtures.py): an odd ActiveArea
// checks the visible-area phase against dcraw, X-Trans-like and LinearRaw files must be refused.
#include "io/io_test_util.hpp"
#include "n2n_raw/io/camera_raw.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;
using bayer::BayerPhase;

namespace {
const std::filesystem::path* dng_fixtures() {
    static std::unique_ptr<test::TempDir> dir;
    static bool ok = false;
    if (!dir) {
        dir = std::make_unique<test::TempDir>();
        ok = test::run_python(std::string(N2N_TEST_SOURCE_DIR) + "/io/fixtures/make_dng_fixtures.py " +
                              dir->path().string());
    }
    return ok ? &dir->path() : nullptr;
}
// Full-sensor sample (r, c) as the fixture writer made it.
float sensor(std::ptrdiff_t r, std::ptrdiff_t c) { return static_cast<float>(64 + (37 * r + 11 * c) % 3900); }
}  // namespace

TEST_CASE("camera raw DNG: odd ActiveArea -> pixels and phase agree with the DNG and with dcraw") {
    const auto* dir = dng_fixtures();
    if (!dir) return;
    const auto path = *dir / "bayer.dng";
    const auto f = io::read_camera_raw(path);
    // ActiveArea starts at (1, 1) with CFAPattern R G / G B relative to it (DNG). LibRaw 0.20
    // moves odd margins to the next even row/column, so find the origin from the pixels, then
    // require the phase the DNG implies there: RGGB shifted by (origin - 1).
    std::ptrdiff_t r0 = -1, c0 = -1;
    for (std::ptrdiff_t r = 0; r < 4 && r0 < 0; ++r)
        for (std::ptrdiff_t c = 0; c < 4; ++c)
            if (f.mosaic(0, 0) == sensor(r, c) && f.mosaic(1, 1) == sensor(r + 1, c + 1) &&
                f.mosaic(0, 1) == sensor(r, c + 1)) {
                r0 = r;
                c0 = c;
                break;
            }
    REQUIRE(r0 >= 1);
    REQUIRE(c0 >= 1);
    MESSAGE("visible origin at sensor (" << r0 << ", " << c0 << "), " << f.mosaic.width() << "x" << f.mosaic.height()
                                         << ", phase " << f.meta.phase.name());
    for (std::ptrdiff_t r = 0; r < f.mosaic.height(); ++r)
        for (std::ptrdiff_t c = 0; c < f.mosaic.width(); ++c) REQUIRE(f.mosaic(r, c) == sensor(r + r0, c + c0));
    CHECK(f.meta.phase == BayerPhase(BayerPhase::RGGB).cropped(r0 - 1, c0 - 1));
    CHECK(f.mosaic.height() <= 28);
    CHECK(f.mosaic.width() <= 38);
    CHECK(f.meta.camera == "N2NTest Synthetic");
    CHECK(f.meta.levels.white == 4000.F);
    for (float b : f.meta.levels.black) CHECK((b >= 60.F && b <= 63.F));
    CHECK(f.meta.orientation == 6);
    REQUIRE(f.meta.as_shot_neutral);
    CHECK((*f.meta.as_shot_neutral)[0] == doctest::Approx(0.5));
    CHECK((*f.meta.as_shot_neutral)[2] == doctest::Approx(0.25));
    REQUIRE(f.meta.color_matrix1);
    CHECK((*f.meta.color_matrix1)[0] == doctest::Approx(0.9));
    CHECK((*f.meta.color_matrix1)[3] == doctest::Approx(-0.4));
    CHECK(f.meta.calibration_illuminant1 == 21);

    // dcraw, a second decoder, states the pattern at its own visible origin (the ActiveArea).
    if (test::run("command -v dcraw > /dev/null") == 0) {
        const auto out = *dir / "dcraw.txt";
        REQUIRE(test::run(fmt::format("dcraw -i -v '{}' > '{}'", path.string(), out.string())) == 0);
        std::ifstream in(out);
        std::string line, pattern;
        while (std::getline(in, line))
            if (line.rfind("Filter pattern: ", 0) == 0) pattern = line.substr(16);
        CHECK(pattern == "RG/GB");  // at the ActiveArea origin (1, 1)
    }
}

TEST_CASE("camera raw DNG: X-Trans-like 6x6 CFA and LinearRaw are rejected naming the CFA") {
    const auto* dir = dng_fixtures();
    if (!dir) return;
    for (const char* name : {"xtrans.dng", "linear.dng"}) {
        const auto p = (*dir / name).string();
        test::require_error<FormatError>([&] { io::read_camera_raw(p); }, p, "CFA");
    }
}

TEST_CASE("camera raw DNG: NoiseProfile written by another writer is read exactly, damaged ones are refused") {
    const auto* dir = dng_fixtures();
    if (!dir) return;
    // NOISE_PROFILE of make_dng_fixtures.py, as it packs the doubles.
    const std::vector<double> expected{2.5e-5, 1.5e-6, 3.125e-5, 2.0e-6, 4.0e-5, 3.0e-6};
    CHECK(io::read_camera_raw(*dir / "noise_profile.dng").meta.noise_profile == expected);
    CHECK(io::read_camera_raw(*dir / "bayer.dng").meta.noise_profile.empty());
    // Never silently dropped for a blind estimate: a wrong count, a negative scale, a NaN offset.
    for (const char* name : {"noise_profile_count.dng", "noise_profile_negative.dng", "noise_profile_nan.dng"}) {
        const auto p = (*dir / name).string();
        test::require_error<FormatError>([&] { io::read_camera_raw(p); }, p, "NoiseProfile");
    }
}
