// SPDX-License-Identifier: MIT
// Demosaic quality on the Kodak set (real photographs, not ours): sample each clean image through
// an RGGB CFA, demosaic, and measure PSNR against the original. The edge-aware method (MHC) must
// beat bilinear by at least 2 dB on average.
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/pipeline/demosaic.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace n2n;
using namespace n2n::pipeline;

TEST_CASE("Kodak24: bilinear vs Malvar-He-Cutler PSNR") {
    double sum_bilinear = 0, sum_mhc = 0;
    int n = 0;
    for (int k = 1; k <= 24; ++k) {
        const auto file = test::shared_file(fmt::format("clean/kodak24/kodim{:02d}.png", k));
        if (!file) return;
        const auto png = io::read_png_rgb8(*file);
        const RgbImage clean = io::from_rgb8(png.samples, png.height, png.width);
        const auto mosaic = mosaic_of(clean, bayer::BayerPhase::RGGB);
        RgbImage bilinear = demosaic(mosaic.view(), bayer::BayerPhase::RGGB, DemosaicMethod::Bilinear);
        RgbImage mhc = demosaic(mosaic.view(), bayer::BayerPhase::RGGB, DemosaicMethod::Mhc);
        clip(bilinear);
        clip(mhc);
        // A 4-pixel border is left out, as demosaic benchmarks usually do.
        const double pb = metrics::psnr(bilinear, clean, 1.0, 4), pm = metrics::psnr(mhc, clean, 1.0, 4);
        MESSAGE(fmt::format("kodim{:02d}: bilinear {:.2f} dB, MHC {:.2f} dB", k, pb, pm));
        sum_bilinear += pb;
        sum_mhc += pm;
        ++n;
    }
    const double mean_bilinear = sum_bilinear / n, mean_mhc = sum_mhc / n;
    MESSAGE(fmt::format("Kodak24 mean PSNR: bilinear {:.2f} dB, MHC {:.2f} dB (+{:.2f} dB)", mean_bilinear, mean_mhc,
                        mean_mhc - mean_bilinear));
    CHECK(mean_mhc - mean_bilinear >= 2.0);
    CHECK(mean_bilinear > 25.0);  // sanity: a broken CFA mapping lands far below
}
