// SPDX-License-Identifier: MIT
// PSNR and SSIM: hand-computed values on tiny arrays, and scikit-image (Debian's python3-skimage,
// an independent implementation) on real raw data with synthetic noise.
#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/metrics/metrics.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/npy.hpp"
#include "support/test_data.hpp"

#include <algorithm>
#include <cmath>
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <fstream>
#include <random>

using namespace n2n;

TEST_CASE("psnr: hand-computed values") {
    Image<float> a(2, 2, 0.F), b(2, 2, 0.F);
    b(0, 1) = 0.1F;  // MSE = 0.01 / 4 → PSNR = 10·log10(400)
    CHECK(metrics::psnr(a.view(), b.view()) == doctest::Approx(10.0 * std::log10(400.0)).epsilon(1e-6));
    CHECK(metrics::psnr(a.view(), b.view()) == doctest::Approx(26.0206).epsilon(1e-5));
    // Data range 2: four times the peak power, +6.02 dB.
    CHECK(metrics::psnr(a.view(), b.view(), 2.0) == doctest::Approx(10.0 * std::log10(1600.0)).epsilon(1e-6));
    CHECK(std::isinf(metrics::psnr(a.view(), a.view())));
    Image<float> c(2, 3);
    CHECK_THROWS_AS(metrics::psnr(a.view(), c.view()), ConfigError);
}

TEST_CASE("ssim: hand-computed values on constant images") {
    // 11 × 11: exactly one window position; constant images have zero (co)variance, so
    // SSIM = (2·ux·uy + C1) / (ux² + uy² + C1) with C1 = 0.01², the C2 terms cancel.
    Image<float> a(11, 11, 0.2F), b(11, 11, 0.4F);
    const double ux = 0.2F, uy = 0.4F, c1 = 1e-4;
    CHECK(metrics::ssim(a.view(), b.view()) == doctest::Approx((2 * ux * uy + c1) / (ux * ux + uy * uy + c1)).epsilon(1e-9));
    CHECK(metrics::ssim(a.view(), a.view()) == doctest::Approx(1.0).epsilon(1e-12));
    Image<float> small(10, 10, 0.5F);
    CHECK_THROWS_AS(metrics::ssim(small.view(), small.view()), ConfigError);
    CHECK_THROWS_AS(metrics::ssim(a.view(), small.view()), ConfigError);
}

TEST_CASE("ssim: a structure-only change on an 11 x 11 image") {
    // a constant 0.5, b = 0.5 + 0.1·s with s = ±1 on a checkerboard: with Gaussian weights w,
    // uy = Σ w·b, vy = Σ w·b² − uy², var(a) = cov = 0, so SSIM = (2·ux·uy + C1)(C2) / ((ux² + uy² + C1)(vy + C2)).
    Image<float> a(11, 11, 0.5F), b(11, 11);
    std::array<double, 11> g{};
    double norm = 0;
    for (int k = 0; k < 11; ++k) norm += g[k] = std::exp(-0.5 * (k - 5) * (k - 5) / 2.25);
    double uy = 0, m2 = 0;
    for (int r = 0; r < 11; ++r)
        for (int c = 0; c < 11; ++c) {
            const int s = (r + c) % 2 == 0 ? 1 : -1;
            b(r, c) = 0.5F + 0.1F * static_cast<float>(s);
            const double w = g[r] * g[c] / (norm * norm);
            uy += w * b(r, c);
            m2 += w * static_cast<double>(b(r, c)) * b(r, c);
        }
    const double ux = 0.5;
    const double vy = m2 - uy * uy, c1 = 1e-4, c2 = 9e-4;
    const double expected = (2 * ux * uy + c1) * c2 / ((ux * ux + uy * uy + c1) * (vy + c2));
    CHECK(metrics::ssim(a.view(), b.view()) == doctest::Approx(expected).epsilon(1e-6));
    CHECK(metrics::ssim(b.view(), a.view()) == doctest::Approx(expected).epsilon(1e-6));
}

TEST_CASE("ssim and psnr agree with scikit-image on a real raw crop" * doctest::test_suite("samples")) {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    const std::string py = test::python();
    if (!file || py.empty()) return;
    io::HeaderlessSpec spec;
    spec.width = 768;
    spec.height = 512;
    spec.mosaic.bits = 14;
    spec.mosaic.black = 600;
    spec.mosaic.white = 15520;
    const auto frame = io::read_headerless(*file, spec);
    const auto clean = frame.normalized();
    // A non-square crop so a transposed comparison would fail, plus heteroscedastic noise.
    const std::ptrdiff_t h = 160, w = 224;
    PlanarImage<float> pair(2, h, w);
    std::mt19937 rng(7);
    std::normal_distribution<float> normal(0.F, 1.F);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) {
            const float x = clean(100 + r, 200 + c);
            pair.plane(0)(r, c) = x;
            pair.plane(1)(r, c) = x + normal(rng) * std::sqrt(0.002F * x + 1e-4F);
        }
    test::TempDir dir;
    io::write_npy(dir / "pair.npy", pair);
    const auto out = dir / "skimage.txt";
    const std::string script = fmt::format(
        "import numpy as np; from skimage.metrics import structural_similarity as s, peak_signal_noise_ratio as p; "
        "a = np.load('{0}').astype(np.float64); "
        "open('{1}', 'w').write('%.12f %.12f' % (s(a[1], a[0], gaussian_weights=True, sigma=1.5, "
        "use_sample_covariance=False, data_range=1), p(a[0], a[1], data_range=1)))",
        (dir / "pair.npy").string(), out.string());
    REQUIRE(test::run(fmt::format("{} -c \"{}\"", py, script)) == 0);
    std::ifstream in(out);
    double sk_ssim = 0, sk_psnr = 0;
    in >> sk_ssim >> sk_psnr;
    REQUIRE(in);
    const double ours = metrics::ssim(pair.plane(1), pair.plane(0));
    MESSAGE(fmt::format("SSIM ours {:.8f} skimage {:.8f}; PSNR ours {:.6f} skimage {:.6f}", ours, sk_ssim,
                        metrics::psnr(pair.plane(1), pair.plane(0)), sk_psnr));
    CHECK(std::abs(ours - sk_ssim) < 1e-4);
    CHECK(std::abs(metrics::psnr(pair.plane(1), pair.plane(0)) - sk_psnr) < 1e-4);
    CHECK(ours < 0.99);  // the noise is visible to the metric
}

TEST_CASE("PSNR border and multi-plane pooling, by hand") {
    // 4 × 4 planes equal inside, different by 1 on the outer ring: a border of 1 sees no error.
    Image<float> a(4, 4, 0.5F), b(4, 4, 0.5F);
    for (int k = 0; k < 4; ++k) b(0, k) = b(3, k) = b(k, 0) = b(k, 3) = 1.5F;
    CHECK(std::isinf(metrics::psnr(a.view(), b.view(), 1.0, 1)));
    // No border: 12 of 16 pixels off by 1 -> MSE 0.75; data range 2 -> 10 log10(4 / 0.75).
    CHECK(metrics::psnr(a.view(), b.view(), 2.0) == doctest::Approx(10 * std::log10(4 / 0.75)));
    CHECK_THROWS_AS(metrics::psnr(a.view(), b.view(), 1.0, 2), ConfigError);
    // Two planes, errors 0.1 and 0.3 everywhere: pooled MSE (0.01 + 0.09) / 2 = 0.05, not the
    // mean of the two planes' dB.
    PlanarImage<float> x(2, 3, 3, 0.F), y(2, 3, 3, 0.F);
    std::fill_n(y.data(), 9, 0.1F);
    std::fill_n(y.data() + 9, 9, 0.3F);
    CHECK(metrics::psnr(x, y) == doctest::Approx(10 * std::log10(1 / 0.05)).epsilon(1e-6));
    CHECK_THROWS_AS(metrics::psnr(x, PlanarImage<float>(1, 3, 3)), ConfigError);
}
