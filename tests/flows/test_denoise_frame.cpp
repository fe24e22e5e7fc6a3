// SPDX-License-Identifier: MIT
// The whole-frame flow with a network whose output is known (identity): what comes back in the
// files is the input, in the input's DN; data without DN (SIDD's unit levels) fills 16 bits.
#include "n2n_raw/flows/before_after.hpp"
#include "n2n_raw/flows/denoise_frame.hpp"
#include "n2n_raw/io/camera_raw.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace n2n;
using bayer::BayerPhase;

namespace {

class Identity : public model::Denoiser {
public:
    torch::Tensor forward(const torch::Tensor& x) override { return x.clone(); }
    n2n::model::Geometry geometry() const override { return {32, 0}; }
};

infer::Model identity_model() {
    return infer::Model::from_module(std::make_shared<Identity>(), model::NetConfig{}, torch::kCPU,
                                     infer::Backend::Eager);
}

// A 40 x 50 ramp over [0, 1] with unit levels, as read_sidd_frame returns SIDD's frames.
io::RawFrame unit_level_frame() {
    io::RawFrame f;
    f.mosaic = Image<float>(40, 50);
    for (std::ptrdiff_t r = 0; r < 40; ++r)
        for (std::ptrdiff_t c = 0; c < 50; ++c) f.mosaic(r, c) = static_cast<float>(r * 50 + c) / (40.F * 50.F - 1.F);
    f.meta.phase = BayerPhase::GRBG;
    f.meta.levels = bayer::Levels::unit();
    f.meta.as_shot_neutral = std::array<double, 3>{0.5, 1.0, 0.6};
    return f;
}

}  // namespace

TEST_CASE("a unit-level frame (SIDD MAT) becomes a 16-bit PNG and DNG with the full range") {
    test::TempDir dir;
    const auto input = unit_level_frame();
    const auto frame = flows::denoise_frame(identity_model(), input);
    CHECK(frame.noisy.pixels() == input.mosaic.pixels());
    CHECK(frame.denoised.pixels() == input.mosaic.pixels());
    CHECK(frame.megapixels() == doctest::Approx(0.002));
    const auto files = flows::write_outputs(dir.path(), "x_denoised", frame,
                                            {.png16 = true, .npy = true, .mat = true, .dng = true, .render = true});
    REQUIRE(files.size() == 5);
    for (const auto& f : files) CHECK(std::filesystem::file_size(f) > 0);

    // The PNG holds round(v * 65535): 0 at the first pixel, 65535 at the last, not 0..1.
    io::MosaicSpec spec;
    spec.phase = BayerPhase::GRBG;
    const auto png = io::read_png_mosaic(dir / "x_denoised.png", spec);
    CHECK(png.mosaic(0, 0) == 0.F);
    CHECK(png.mosaic(39, 49) == 65535.F);
    CHECK(png.mosaic(20, 25) == std::round(input.mosaic(20, 25) * 65535.F));

    // LibRaw reads the DNG back with white 65535 and the same DN.
    const auto dng = io::read_camera_raw(dir / "x_denoised.dng");
    CHECK(dng.meta.levels.white == 65535.F);
    CHECK(dng.meta.phase == BayerPhase::GRBG);
    CHECK(dng.mosaic.pixels() == png.mosaic.pixels());
}

TEST_CASE("a frame in sensor DN comes back in the same DN") {
    test::TempDir dir;
    io::RawFrame input;
    input.mosaic = Image<float>(40, 50);  // LibRaw refuses much smaller DNGs
    const auto dn_at = [](std::size_t k) { return static_cast<std::uint16_t>(64 + (7 * k) % 960); };
    for (std::size_t k = 0; k < input.mosaic.pixels().size(); ++k) input.mosaic.pixels()[k] = dn_at(k);
    input.meta.phase = BayerPhase::RGGB;
    input.meta.levels = {{64.F, 64.F, 64.F, 64.F}, 1023.F};
    const auto frame = flows::denoise_frame(identity_model(), input);
    const auto dn = flows::to_dn(frame.denoised.view(), frame.meta);
    CHECK(dn.meta.levels.white == 1023.F);
    int wrong = 0;
    for (std::size_t k = 0; k < dn.mosaic.pixels().size(); ++k) wrong += dn.mosaic.pixels()[k] == dn_at(k) ? 0 : 1;
    CHECK(wrong == 0);
    const auto files = flows::write_outputs(dir.path(), "dn", frame, {.png16 = false, .npy = false, .dng = true});
    REQUIRE(files.size() == 1);
    CHECK(files[0] == dir / "dn.dng");
    const auto back = io::read_camera_raw(files[0]);
    CHECK(back.meta.levels.white == 1023.F);
    CHECK(back.mosaic(0, 1) == 71.F);
}

TEST_CASE("before/after renders share one exposure; the identity leaves the noise as it was") {
    test::TempDir dir;
    const auto frame = flows::denoise_frame(identity_model(), unit_level_frame());
    const auto pictures = flows::write_before_after(dir.path(), "x", frame, 0.5, 16);
    CHECK(pictures.exposure_ev == 0.5);
    CHECK(pictures.sigma_before == pictures.sigma_after);
    REQUIRE(pictures.files.size() == 3);
    CHECK(pictures.files[2] == dir / "x_side_by_side.png");
    for (const auto& f : pictures.files) CHECK(std::filesystem::file_size(f) > 0);
    const auto metered = flows::write_before_after(dir.path(), "y", frame);
    CHECK(metered.exposure_ev >= -3.0);
    CHECK(metered.exposure_ev <= 4.0);

    pipeline::RgbImage rgb(3, 5, 9);
    for (std::size_t k = 0; k < rgb.pixels().size(); ++k) rgb.pixels()[k] = static_cast<float>(k);
    const auto crop = flows::centre_crop(rgb, 3);
    CHECK(crop.height() == 3);
    CHECK(crop.width() == 3);
    CHECK(crop.plane(1)(0, 0) == rgb.plane(1)(1, 3));
    CHECK(flows::centre_crop(rgb, 100).width() == 9);
}
