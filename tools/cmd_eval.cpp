// SPDX-License-Identifier: MIT
// `n2n eval`: the quality benchmark on noisy/clean raw pair sets (`n2n synth` output) and SIDD
// Medium Raw folders: the noisy input, the classical baseline and trained models, scored per
// image, per noise level and per camera and ISO.
#include "commands.hpp"
#include "infer_cli.hpp"

#include "n2n_raw/classical/nlm.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <memory>

namespace n2n::cli {

void register_eval(CLI::App& app) {
    struct Options {
        std::vector<std::string> pair_sets, models, names;
        bool classical = false, no_noisy = false, sure = false;
        classical::NlmParams nlm;
        std::string json, csv;
        std::string model_noise = "known";
        std::string alignment = "shift";
        int ensemble = 1;
        std::string precision = "float32";
        ComputeOptions compute;
    };
    auto o = std::make_shared<Options>();
    auto* cmd = app.add_subcommand(
        "eval",
        "Score denoisers on noisy/clean raw pairs (pairs.json from `n2n synth`, or SIDD Medium Raw folders): PSNR "
        "(data range 1), SSIM and the mean signed error in the darkest quarter of the clean pixels, in raw space, per "
        "image, per noise level and per camera and ISO. The noisy input is always a column unless --no-noisy.");
    cmd->add_option("pairs", o->pair_sets,
                    "pairs.json files written by `n2n synth`, or SIDD Medium Raw folders (a scene folder such as "
                    "0001_001_S6_00100_00060_3200_L, a folder of them, or one with Data/): each NOISY frame with its "
                    "GT, the phase and noise model from its METADATA (CFAPattern, NoiseProfile)")
        ->required()
        ->check(CLI::ExistingPath);
    cmd->add_option("--model,-m", o->models, "Trained model (checkpoint or TorchScript); repeat for several")
        ->check(CLI::ExistingFile);
    cmd->add_option("--name", o->names, "Column name of each --model, in order (default n2n, n2n_2, ...)");
    cmd->add_flag("--classical", o->classical, "Also run the classical baseline: GAT + non-local means + exact inverse");
    cmd->add_option("--nlm-h", o->nlm.h, "Baseline strength h, in units of the noise sigma")->capture_default_str();
    cmd->add_option("--nlm-search", o->nlm.search_radius, "Baseline search radius, packed pixels")->capture_default_str();
    cmd->add_option("--nlm-patch", o->nlm.patch_radius, "Baseline patch radius, packed pixels")->capture_default_str();
    cmd->add_option("--model-noise", o->model_noise,
                    "Noise level function given to noise-conditioned models: known (the pair's, as the baseline gets) "
                    "or blind (estimated from the noisy frame, as for an uncalibrated camera)")
        ->check(CLI::IsMember({"known", "blind"}))
        ->capture_default_str();
    cmd->add_option("--alignment", o->alignment,
                    "How non-RGGB mosaics reach the models: reorder (pack by colour) or shift (Bayer unification)")
        ->check(CLI::IsMember({"reorder", "shift"}))
        ->capture_default_str();
    cmd->add_flag("--no-noisy", o->no_noisy, "Leave out the noisy-input column");
    cmd->add_flag("--sure", o->sure,
                  "Also estimate every PSNR blindly (Stein's unbiased risk estimate from the noisy frame and its noise "
                  "model, no clean frame; runs each method twice): shows how far the estimate the demo reports can be "
                  "trusted");
    cmd->add_option("--json", o->json, "Also write the report as JSON (atomically)");
    cmd->add_option("--csv", o->csv, "Also write the means per camera and ISO as CSV (atomically)");
    add_ensemble_option(*cmd, o->ensemble);
    add_precision_option(*cmd, o->precision);
    add_compute_options(*cmd, o->compute);
    cmd->callback([o] {
        std::vector<eval::QualityPair> pairs;
        for (const auto& set : o->pair_sets) {
            auto more = std::filesystem::is_directory(set) ? eval::read_sidd_pairs(set) : eval::read_pair_set(set);
            pairs.insert(pairs.end(), more.begin(), more.end());
        }
        if (!o->names.empty() && o->names.size() != o->models.size())
            throw ConfigError("", "--name", "give one --name per --model");
        std::vector<eval::QualityMethod> methods;
        if (!o->no_noisy)
            methods.push_back({"noisy", [](const eval::QualityPair&, ImageView<const float> noisy) {
                                   Image<float> copy(noisy.height(), noisy.width());
                                   for (std::ptrdiff_t r = 0; r < noisy.height(); ++r)
                                       std::copy(noisy.row(r), noisy.row(r) + noisy.width(), copy.view().row(r));
                                   return copy;
                               }});
        if (o->classical) {
            classical::NlmParams nlm = o->nlm;
            nlm.threads = o->compute.threads;
            methods.push_back({"classical", [nlm](const eval::QualityPair& pair, ImageView<const float> noisy) {
                                   return classical::denoise_gat_nlm(noisy, pair.phase, pair.model, nlm);
                               }});
        }
        for (std::size_t k = 0; k < o->models.size(); ++k) {
            ModelOptions mo;
            mo.path = o->models[k];
            mo.precision = o->precision;
            mo.compute = o->compute;
            auto model = std::make_shared<infer::Model>(load_model(mo));
            const std::string name = !o->names.empty() ? o->names[k] : k == 0 ? "n2n" : fmt::format("n2n_{}", k + 1);
            std::cerr << fmt::format("{}: {} on {}\n", name, model->description(), model->device().str());
            const bool known = o->model_noise == "known";
            const auto alignment = o->alignment == "shift" ? infer::PhaseAlignment::Shift : infer::PhaseAlignment::Reorder;
            methods.push_back({name, [model, known, alignment, ensemble = o->ensemble](const eval::QualityPair& pair,
                                                                                   ImageView<const float> noisy) {
                                   infer::TileOptions tiles;
                                   tiles.ensemble = ensemble;
                                   if (known) tiles.noise = pair.model;
                                   return infer::denoise_mosaic(*model, noisy, pair.phase, tiles, alignment);
                               }});
        }
        if (methods.empty()) throw ConfigError("", "--model", "nothing to score: give --classical or --model");
        eval::QualityOptions quality;
        quality.risk_estimate = o->sure;
        // `n2n synth` pairs, like SIDD's, are clipped to [0, 1].
        quality.risk.clip_low = 0.0;
        quality.risk.clip_high = 1.0;
        const auto report = eval::evaluate_quality(
            pairs, methods,
            [](const eval::QualityRow& r) {
                std::cerr << fmt::format("{} {}: {:.2f} dB ({:.2f} s){}\n", r.pair, r.method, r.scores.psnr, r.seconds,
                                         r.risk ? fmt::format(", SURE {:.2f} dB", r.risk->psnr_db) : std::string());
            },
            quality);
        std::cout << eval::format_quality_table(report);
        if (!o->json.empty()) {
            const std::string text = eval::quality_json(report);
            io::write_atomically(o->json, [&](std::ostream& out) { out << text; });
        }
        if (!o->csv.empty()) {
            const std::string text = eval::quality_groups_csv(report);
            io::write_atomically(o->csv, [&](std::ostream& out) { out << text; });
        }
    });
}

}  // namespace n2n::cli
