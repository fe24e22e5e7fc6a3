// SPDX-License-Identifier: MIT
// `n2n synth`: clean sRGB photographs (unprocessed to raw) or clean raw captures -> noisy/clean
// raw pairs at SIDD's measured noise levels or a user's own, for `n2n eval` and `n2n train`.
#include "cli_common.hpp"
#include "commands.hpp"

#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/io/file_names.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/io/png_file.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "n2n_raw/io/rgb_file.hpp"
#include "n2n_raw/synth/unprocess.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace n2n::cli {

namespace {

namespace fs = std::filesystem;


// Every input file: folders are searched (sorted) for PNG photographs and raw files.
std::vector<fs::path> expand_inputs(const std::vector<std::string>& inputs) {
    std::vector<fs::path> files;
    for (const auto& in : inputs) {
        if (fs::is_directory(in)) {
            std::vector<fs::path> found;
            for (const auto& entry : fs::directory_iterator(in))
                if (entry.is_regular_file() && entry.path().filename().string().front() != '.') found.push_back(entry.path());
            std::sort(found.begin(), found.end());
            for (auto& f : found)
                if (io::lowercase_extension(f) != ".txt" && io::lowercase_extension(f) != ".md" &&
                    f.filename().string().rfind("LICENSE", 0) != 0)
                    files.push_back(f);
        } else {
            files.emplace_back(in);
        }
    }
    if (files.empty()) throw ConfigError("", "inputs", "no input files");
    return files;
}

Image<float> copy_of(ImageView<const float> view) {
    Image<float> out(view.height(), view.width());
    for (std::ptrdiff_t r = 0; r < view.height(); ++r) std::copy(view.row(r), view.row(r) + view.width(), out.view().row(r));
    return out;
}

void write_mosaic_png(const fs::path& path, ImageView<const float> mosaic) {
    bayer::Levels sixteen_bits;
    sixteen_bits.white = 65535.F;
    const Image<std::uint16_t> dn = bayer::denormalize(mosaic, sixteen_bits);
    io::write_png_gray16(path, dn.view());
}

}  // namespace

void register_synth(CLI::App& app) {
    struct Options {
        std::vector<std::string> inputs;
        std::string out, cfa = "RGGB", like, crop;
        NoiseLevelOptions noise;
        std::uint64_t seed = 1;
        float raw_black = -1, raw_white = -1;
        MosaicInputOptions mosaic;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "synth",
        "Make noisy/clean raw pairs: PNG photographs are unprocessed to raw (inverse sRGB curve, colour matrix and "
        "white balance of the camera, CFA sampling: the ISP renders them back), other files are read as clean raw "
        "mosaics (PNGs too when --phase says they are 16-bit mosaics); then noise var = beta1*x + beta2 is added (SIDD NLF per --level, or --beta1/--beta2), clipped to "
        "[0, 1] and quantised to 16 bits. Writes clean/ and noisy/ 16-bit PNG mosaics and pairs.json.");
    cmd->add_option("inputs", o->inputs, "PNG photographs, raw files or folders of them")->required();
    cmd->add_option("-o,--out", o->out, "Output folder")->required();
    add_noise_level_options(*cmd, o->noise, "the noise added to every input");
    cmd->add_option("--cfa", o->cfa, "CFA phase of the mosaics made from photographs")->capture_default_str();
    cmd->add_option("--like", o->like, "Take the colour matrix and white balance from this raw file (default: Nikon D750)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--crop", o->crop, "Raw inputs: ROW,COL,HEIGHT,WIDTH of the mosaic to keep");
    cmd->add_option("--raw-black", o->raw_black, "Raw inputs: black level in DN (default: the file's)");
    cmd->add_option("--raw-white", o->raw_white, "Raw inputs: white level in DN (default: the file's)");
    cmd->add_option("--seed", o->seed, "Noise seed; pair k of the run uses seed + k")->capture_default_str();
    add_mosaic_input_options(*cmd, o->mosaic);
    cmd->callback([o] {
        const auto levels = noise_levels(o->noise);
        if (levels.empty()) throw ConfigError("", "--level", "give --level PHONE:ISO or --beta1/--beta2");

        synth::UnprocessParams unprocess;
        const auto cfa = bayer::BayerPhase::parse(o->cfa);
        if (!cfa) throw ConfigError("", "--cfa", fmt::format("'{}' is not RGGB, GRBG, GBRG or BGGR", o->cfa));
        unprocess.phase = *cfa;
        const io::ReadOptions read = read_options(o->mosaic);
        if (!o->like.empty()) {
            const auto meta = io::read_any(o->like, read).meta;
            if (!meta.color_matrix1) throw FormatError(o->like, "ColorMatrix", "the file has no colour matrix");
            unprocess.camera.xyz_to_camera = *meta.color_matrix1;
            unprocess.camera.wb_gains = meta.as_shot_neutral ? pipeline::gains_from_neutral(*meta.as_shot_neutral)
                                                             : std::array<float, 3>{1.F, 1.F, 1.F};
        }
        std::optional<bayer::Rect> crop;
        if (!o->crop.empty()) {
            std::array<std::ptrdiff_t, 4> v{};
            if (std::sscanf(o->crop.c_str(), "%td,%td,%td,%td", &v[0], &v[1], &v[2], &v[3]) != 4)
                throw ConfigError("", "--crop", fmt::format("'{}' is not ROW,COL,HEIGHT,WIDTH", o->crop));
            if (v[2] % 2 != 0 || v[3] % 2 != 0)
                throw ConfigError("", "--crop", "HEIGHT and WIDTH must be even (whole 2x2 CFA cells)");
            crop = bayer::Rect{v[0], v[1], v[2], v[3]};
        }

        const fs::path out(o->out);
        fs::create_directories(out / "clean");
        fs::create_directories(out / "noisy");
        std::vector<eval::QualityPair> pairs;
        std::uint64_t pair_index = 0;
        for (const fs::path& file : expand_inputs(o->inputs)) {
            Image<float> clean;
            bayer::BayerPhase phase = unprocess.phase;
            if (io::lowercase_extension(file) == ".png" && !read.png) {
                const auto png = io::read_png_rgb8(file);
                const auto srgb = io::from_rgb8(png.samples, png.height, png.width);
                const Image<float> mosaic = synth::unprocess(srgb, unprocess);
                // Whole 2x2 cells only.
                clean = copy_of(mosaic.view().sub(0, 0, mosaic.height() / 2 * 2, mosaic.width() / 2 * 2));
            } else {
                io::RawFrame frame = io::read_any(file, read);
                if (o->raw_black >= 0) frame.meta.levels.black.fill(o->raw_black);
                if (o->raw_white >= 0) frame.meta.levels.white = o->raw_white;
                frame.meta.levels.validate();
                const Image<float> normalized = frame.normalized();
                const bayer::Rect rect =
                    crop.value_or(bayer::Rect{0, 0, normalized.height() / 2 * 2, normalized.width() / 2 * 2});
                const auto cropped = bayer::crop(normalized.view(), frame.meta.phase, rect);
                clean = copy_of(cropped.pixels);
                phase = cropped.phase;
            }
            // The clean side exactly as its 16-bit file reads back; the noise is added to that.
            for (float& v : clean.pixels()) v = std::round(std::clamp(v, 0.F, 1.F) * 65535.F) / 65535.F;
            const std::string stem = file.stem().string();
            const fs::path clean_path = out / "clean" / (stem + ".png");
            write_mosaic_png(clean_path, clean.view());
            for (const auto& [label, model] : levels) {
                std::string tag = label;
                std::replace(tag.begin(), tag.end(), ':', '-');
                std::replace(tag.begin(), tag.end(), ',', '_');
                const std::uint64_t seed = o->seed + pair_index++;
                const Image<float> noisy = noise::add_noise(clean.view(), phase, model, seed);
                const fs::path noisy_path = out / "noisy" / fmt::format("{}_{}.png", stem, tag);
                write_mosaic_png(noisy_path, noisy.view());
                pairs.push_back({fmt::format("{}_{}", stem, tag), noisy_path, clean_path, phase, label, model, seed});
                std::cerr << fmt::format("{}: {}x{} {} at {}\n", pairs.back().name, clean.width(), clean.height(),
                                         phase.name(), label);
            }
        }
        eval::write_pair_set(out / "pairs.json", pairs);
        std::cout << fmt::format("{} pairs -> {}\n", pairs.size(), (out / "pairs.json").string());
    });
}

}  // namespace n2n::cli
