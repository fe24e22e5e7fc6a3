// SPDX-License-Identifier: MIT
// Writes small seed files for the fuzz targets with the project's own writers (they know every
// field the readers look for): n2n_fuzz_seeds OUTDIR creates OUTDIR/<target>/... . Run by
// fuzz/run_fuzzers.sh next to seeds from real captures and the test fixtures.
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/eval/submission.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/io/sidd.hpp"
#include "n2n_raw/model/checkpoint.hpp"

#include <torch/optim/adam.h>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace n2n;

namespace {

// A mosaic whose values depend on row and column, so compressed and raw bytes are not trivial.
template <class T>
Image<T> ramp(std::ptrdiff_t h, std::ptrdiff_t w, double scale) {
    Image<T> img(h, w);
    for (std::ptrdiff_t r = 0; r < h; ++r)
        for (std::ptrdiff_t c = 0; c < w; ++c) img(r, c) = static_cast<T>(((37 * r + 11 * c) % 97) * scale);
    return img;
}

void write_bytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
}

// The v7.3 target puts its own MATLAB header in front: its seeds are the HDF5 part only.
void strip_user_block(const fs::path& from, const fs::path& to) {
    std::ifstream in(from, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    write_bytes(to, std::vector<std::uint8_t>(bytes.begin() + std::min<std::ptrdiff_t>(512, std::ssize(bytes)), bytes.end()));
}

io::SiddBlocks small_blocks() {
    io::SiddBlocks b;
    b.images = 2;
    b.blocks = 2;
    b.height = 4;
    b.width = 6;
    b.data.resize(static_cast<std::size_t>(b.images * b.blocks * b.height * b.width));
    for (std::size_t k = 0; k < b.data.size(); ++k) b.data[k] = static_cast<float>(k % 50) / 50.F;
    return b;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const fs::path out = argv[1];
    for (const char* target : {"camera_raw", "mat_v73", "mat_v5", "png", "checkpoint", "net_config", "json"})
        fs::create_directories(out / target);
    const fs::path tmp = out / "tmp";
    fs::create_directories(tmp);

    // DNGs: every phase, with a black pattern, colour matrices and exposure data.
    for (const auto phase : bayer::kAllPhases) {
        io::RawMetadata meta;
        meta.phase = phase;
        meta.levels.black = {60, 61, 62, 63};
        meta.levels.white = 4000;
        meta.as_shot_neutral = std::array<double, 3>{0.5, 1.0, 0.25};
        meta.color_matrix1 = Matrix3{0.9, -0.3, -0.1, -0.4, 1.2, 0.2, -0.1, 0.2, 0.6};
        meta.calibration_illuminant1 = 21;
        meta.iso = 400;
        meta.exposure_time_s = 0.01;
        meta.orientation = 6;
        dng::DngOptions options;
        options.noise_reduction_applied = 0.0;
        const auto mosaic = ramp<std::uint16_t>(12, 16, 40);
        write_bytes(out / "camera_raw" / (std::string(phase.name()) + ".dng"),
                    dng::encode_dng(mosaic.view(), meta, options));
    }

    // MAT v7.3: a frame and a submission (cell array of blocks, struct of char fields).
    io::write_sidd_frame(tmp / "frame.MAT", ramp<float>(6, 10, 0.01).view());
    strip_user_block(tmp / "frame.MAT", out / "mat_v73" / "frame.h5");
    eval::SubmissionInfo info;
    info.method_name = "seed";
    eval::write_submission_mat_v73(tmp / "submit.MAT", small_blocks(), 0.5, info);
    strip_user_block(tmp / "submit.MAT", out / "mat_v73" / "submission.h5");

    // MAT v5: a 4-D block file (matio's writer).
    eval::write_submission_mat_v5(out / "mat_v5" / "blocks.MAT", small_blocks(), 0.5);

    // PNG: the mosaic kind (16-bit grey) and both RGB depths.
    io::write_png_gray16(out / "png" / "gray16.png", ramp<std::uint16_t>(8, 12, 600).view());
    std::vector<std::uint8_t> rgb8(5 * 7 * 3);
    std::vector<std::uint16_t> rgb16(5 * 7 * 3);
    for (std::size_t k = 0; k < rgb8.size(); ++k) {
        rgb8[k] = static_cast<std::uint8_t>(k * 7);
        rgb16[k] = static_cast<std::uint16_t>(k * 977);
    }
    io::write_png_rgb8(out / "png" / "rgb8.png", 5, 7, rgb8, true);
    io::write_png_rgb16(out / "png" / "rgb16.png", 5, 7, rgb16);

    // Checkpoints: a tiny network with Adam state after one step, and a weights-only export.
    torch::manual_seed(1);
    model::NetConfig config;
    config.features = 2;
    auto net = model::make_denoiser(config);
    torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
    net->forward(torch::rand({1, 4, 32, 32})).mean().backward();
    adam.step();
    model::save_checkpoint(out / "checkpoint" / "train.pt", *net, config, &adam, 1, R"({"seed":1})");
    model::save_checkpoint(out / "checkpoint" / "weights.pt", *net, config, nullptr, 3);

    // JSON: a pair set, a phases list in both forms, a scene name; network descriptions.
    std::vector<eval::QualityPair> pairs(2);
    for (std::size_t k = 0; k < pairs.size(); ++k) {
        pairs[k].name = "pair" + std::to_string(k);
        pairs[k].noisy = out / "json" / ("noisy" + std::to_string(k) + ".png");
        pairs[k].clean = out / "json" / ("clean" + std::to_string(k) + ".png");
        pairs[k].phase = bayer::kAllPhases[k];
        pairs[k].level = "N6:800";
        pairs[k].model = noise::NoiseModel::uniform({1e-3, 1e-5});
        pairs[k].seed = 42 + k;
    }
    eval::write_pair_set(out / "json" / "pairs.json", pairs);
    std::ofstream(out / "json" / "phases.txt") << "# one phase per image\nRGGB\ngrbg  # S6\nBGGR\n";
    std::ofstream(out / "json" / "phases.json") << R"({"scenes": [{"cfa": "GRBG"}, {"cfa": "RGGB", "phone": "IP"}]})";
    std::ofstream(out / "net_config" / "small.json") << config.to_json();
    model::NetConfig gat;
    gat.in_channels = 8;
    gat.input = "gat";
    gat.residual = true;
    std::ofstream(out / "net_config" / "gat.json") << gat.to_json();
    std::ofstream(out / "json" / "scene.txt") << "0001_001_S6_00100_00060_3200_L";
    fs::remove_all(tmp);
    return 0;
}
