// SPDX-License-Identifier: MIT
// The `n2n` SIDD and inference sub-commands end to end, on small SIDD-layout block files that scipy
// builds from a real raw capture (tests/eval/make_blocks.py), with TorchScript models whose
// output is known: identity (validate must report the noisy input's own PSNR/SSIM, as
// scikit-image computes it) and "halve the red channel" (submit's files must show the red pixels
// of each phone's CFA phase halved, so a wrong phase or orientation fails).
#include "n2n_raw/deploy/torchscript.hpp"
#include "n2n_raw/infer/model.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <torch/script.h>

using namespace n2n;

namespace {

// A pointwise TorchScript model written by hand, as a user's own file would be; it states the
// geometry the tiler needs (any size, no spatial context) as every n2n-loadable module must.
void write_script_model(const std::filesystem::path& path, const std::string& body) {
    torch::jit::Module m("TestModel");
    m.register_attribute("n2n_multiple", c10::IntType::get(), std::int64_t{1});
    m.register_attribute("n2n_receptive_radius", c10::IntType::get(), std::int64_t{0});
    m.define(fmt::format("def forward(self, x: Tensor) -> Tensor:\n    return {}\n", body));
    m.save(path.string());
}

std::string cli() { return N2N_CLI; }

}  // namespace

TEST_CASE("n2n validate / submit on SIDD-layout block files" * doctest::test_suite("samples")) {
    const auto raw = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    const std::string py = test::python();
    if (!raw || py.empty()) return;
    test::TempDir dir;
    const std::string src = N2N_TEST_SOURCE_DIR;
    REQUIRE(test::run(fmt::format("{} {}/eval/make_blocks.py {} 768 512 600 15520 {} 2 3 64", py, src, raw->string(),
                                  dir.path().string())) == 0);
    write_script_model(dir / "identity.pt", "x");
    write_script_model(dir / "half_red.pt", "x * torch.tensor([0.5, 1.0, 1.0, 1.0]).view(1, 4, 1, 1)");

    const auto d = dir.path().string();
    REQUIRE(test::run(fmt::format("{} validate --noisy {d}/ValidationNoisyBlocksRaw.mat --gt {d}/ValidationGtBlocksRaw.mat "
                                  "--model {d}/identity.pt --json {d}/report.json --threads 2",
                                  cli(), fmt::arg("d", d))) == 0);
    CHECK(test::run(fmt::format("{} {}/eval/check_cli_outputs.py validate {} {}/report.json", py, src, d, d)) == 0);

    REQUIRE(test::run(fmt::format("{} submit --noisy {d}/BenchmarkNoisyBlocksRaw.mat --model {d}/half_red.pt "
                                  "--out {d}/out --authors Tester --backend eager",
                                  cli(), fmt::arg("d", d))) == 0);
    CHECK(test::run(fmt::format("{} {}/eval/check_cli_outputs.py submit {}", py, src, d)) == 0);

    // A phases file overrides the scene list; a wrong one is an error, not a crash.
    {
        std::ofstream(dir / "bad_phases.txt") << "RGGB\nXTRANS\n";
    }
    CHECK(test::run(fmt::format("{} validate --noisy {d}/ValidationNoisyBlocksRaw.mat --gt {d}/ValidationGtBlocksRaw.mat "
                                "--model {d}/identity.pt --phases {d}/bad_phases.txt",
                                cli(), fmt::arg("d", d))) != 0);
}

TEST_CASE("n2n export writes a TorchScript module that states its contract") {
    test::TempDir dir;
    torch::manual_seed(2);
    auto net = model::make_denoiser(model::NetConfig{});
    model::save_checkpoint(dir / "ckpt.pt", *net, model::NetConfig{}, nullptr, 1);
    REQUIRE(test::run(fmt::format("{} export {} -o {}", cli(), (dir / "ckpt.pt").string(), (dir / "model.pt").string())) ==
            0);
    auto module = torch::jit::load((dir / "model.pt").string());
    CHECK(module.attr("input_contract").toStringRef() == deploy::input_contract(net->geometry()));
    const auto x = torch::rand({1, 4, 32, 64});
    torch::NoGradGuard no_grad;
    net->eval();
    CHECK((module.forward({x}).toTensor() - net->forward(x)).abs().max().item<float>() < 1e-5F);
    CHECK(test::run(fmt::format("{} export --help | grep -q 'multiples of 32'", cli())) == 0);
    CHECK(test::run(fmt::format("{} export {} -o {}", cli(), (dir / "missing.pt").string(), (dir / "x.pt").string())) != 0);
}

TEST_CASE("n2n denoise: a headerless raw in, a 16-bit mosaic in the input's DN out" * doctest::test_suite("samples")) {
    const auto raw = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    const std::string py = test::python();
    if (!raw || py.empty()) return;
    test::TempDir dir;
    write_script_model(dir / "half_red.pt", "x * torch.tensor([0.5, 1.0, 1.0, 1.0]).view(1, 4, 1, 1)");
    REQUIRE(test::run(fmt::format("{} denoise {} --model {} -o {} --width 768 --height 512 --phase RGGB --bits 14 "
                                  "--black 600 --white 15520 --tile 96 --mat --dng --render",
                                  cli(), raw->string(), (dir / "half_red.pt").string(), dir.path().string())) == 0);
    // Independent check: numpy reads the input, skimage the PNG; greens are unchanged, reds are
    // halved in normalised units (DN = black + (DN_in − black) / 2, input clipped to [black, white]),
    // within rounding.
    const std::string script = fmt::format(
        "import numpy as np, skimage.io as io; "
        "x = np.clip(np.fromfile('{}', '<u2').reshape(512, 768).astype(float), 600, 15520); "
        "y = io.imread('{}').astype(float); assert y.shape == (512, 768), y.shape; "
        "e = x.copy(); e[0::2, 0::2] = 600 + (x[0::2, 0::2] - 600) / 2; "
        "d = np.abs(y - e); assert d.max() <= 1, d.max(); "
        "n = np.load('{}'); assert n.shape == (1, 512, 768) and n.dtype == np.float32; "
        // --mat: h5py reads SIDD's layout (HDF5 holds MATLAB's transpose) with the .npy's values.
        "import h5py; m = np.asarray(h5py.File('{}', 'r')['x']).T; assert m.shape == (512, 768), m.shape; "
        "assert np.array_equal(m, n[0]); "
        // --dng: dcraw decodes the same DN as the 16-bit PNG; --render: an RGB picture of the frame.
        "import subprocess; p = subprocess.run(['dcraw', '-D', '-4', '-c', '{}'], capture_output=True, check=True).stdout; "
        "g = np.frombuffer(p[-512 * 768 * 2:], '>u2').reshape(512, 768); assert np.array_equal(g, y), abs(g - y).max(); "
        "r = io.imread('{}'); assert r.shape == (512, 768, 3) and r.dtype == np.uint8, r.shape; print('ok denoise')",
        raw->string(), (dir / "DSC_1339_768x512_rggb_denoised.png").string(),
        (dir / "DSC_1339_768x512_rggb_denoised.npy").string(), (dir / "DSC_1339_768x512_rggb_denoised.mat").string(),
        (dir / "DSC_1339_768x512_rggb_denoised.dng").string(),
        (dir / "DSC_1339_768x512_rggb_denoised_srgb.png").string());
    CHECK(test::run(fmt::format("{} -c \"{}\"", py, script)) == 0);
}
