// SPDX-License-Identifier: MIT
// Data loading (even-offset crops, Bayer-preserving augmentation, determinism, bad files) and
// the training loop's checkpoints: 1 epoch + resume + 1 epoch == 2 epochs, bit for bit.
#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"
#include "n2n_raw/train/trainer.hpp"
#include "support/mosaics.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <torch/torch.h>

using namespace n2n::train;
namespace fs = std::filesystem;

namespace {

// Synthetic frames: a mosaic of `phase` whose every pixel holds its packed channel index
// (0 = R, 1 = Gr, 2 = Gb, 3 = B) plus a small seeded noise, 200 x 180 pixels.
n2n::bayer::Mosaic channel_mosaic(n2n::bayer::BayerPhase phase, unsigned seed, float noise = 0.01F) {
    n2n::Image<float> m(200, 180);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.F, noise);
    for (std::ptrdiff_t r = 0; r < m.height(); ++r)
        for (std::ptrdiff_t c = 0; c < m.width(); ++c)
            m(r, c) = static_cast<float>(static_cast<int>(phase.channel_at(r, c))) + u(rng);
    return {m, phase};
}

// A dataset of "files" whose names choose the phase; "bad" files throw like a broken RAW.
FrameDataset synthetic_dataset(std::vector<std::string> names, BadFilePolicy policy = BadFilePolicy::Skip) {
    std::vector<fs::path> files(names.begin(), names.end());
    DatasetOptions options;
    options.bad_files = policy;
    return FrameDataset(files, options, [](const fs::path& p) {
        const auto name = p.string();
        if (name.starts_with("bad")) throw n2n::FormatError(name, "LibRaw", "unsupported file format");
        const auto phase = n2n::bayer::BayerPhase::parse(name.substr(0, 4)).value();
        return channel_mosaic(phase, static_cast<unsigned>(std::hash<std::string>{}(name)));
    });
}

}  // namespace

TEST_CASE("batches: mixed phases unified to R, Gr, Gb, B; with and without flips") {
    auto data = synthetic_dataset({"RGGB_a", "GRBG_b", "GBRG_c", "BGGR_d"});
    for (const auto augment : {Augment::None, Augment::Flips}) {
        LoaderOptions o;
        o.batch = 4;
        o.patch = 32;
        o.patches_per_frame = 3;
        o.augment = augment;
        CHECK(batches_per_epoch(data, o) == 3);
        for (int e = 1; e <= 3; ++e) {
            const auto batch = make_batch(data, o, e, 1).input;
            CHECK((batch.sizes() == torch::IntArrayRef({4, 4, 32, 32})));
            // Channel c holds only pixels of colour c: the CFA phase survived crop and flips.
            const auto channel = batch.floor();
            const auto expected = torch::arange(4, torch::kFloat32).view({1, 4, 1, 1}).expand_as(channel);
            CHECK(torch::equal(channel, expected));
        }
    }
}

TEST_CASE("flips keep the packed planes' sample geometry (re-aligned to the original phase)") {
    // Pixel value = 1000 * row + col of the mosaic: after a left-right flip re-aligned to the
    // original phase, horizontal neighbours in R must still be 2 apart and R must sit left of Gr.
    std::vector<fs::path> files{"x"};
    FrameDataset data(files, {}, [](const fs::path&) {
        return n2n::bayer::Mosaic{n2n::test::coordinate_mosaic(100, 100), n2n::bayer::BayerPhase::RGGB};
    });
    LoaderOptions o;
    o.batch = 1;
    o.patch = 16;
    o.patches_per_frame = 64;
    o.augment = Augment::Flips;
    int flipped_h = 0;
    for (std::int64_t i = 0; i < 64; ++i) {
        const auto b = make_batch(data, o, 1, i).input[0];
        const auto col = torch::remainder(b, 1000.F);
        const auto row = torch::floor(b / 1000.F);
        // R (channel 0) at even rows and columns, Gr (1) on R's row, B (3) at odd/odd.
        CHECK(torch::equal(torch::remainder(col[0], 2.F), torch::zeros({16, 16})));
        CHECK(torch::equal(torch::remainder(row[0], 2.F), torch::zeros({16, 16})));
        CHECK(torch::equal(row[1], row[0]));
        CHECK(torch::equal(torch::remainder(col[3], 2.F), torch::ones({16, 16})));
        const float step = (col[0][0][1] - col[0][0][0]).item<float>();
        CHECK(std::abs(step) == 2.F);
        // Gr lies one pixel from R, on the side the flip put it.
        const float gr_offset = (col[1][0][0] - col[0][0][0]).item<float>();
        CHECK(gr_offset == doctest::Approx(step / 2));
        flipped_h += step < 0 ? 1 : 0;
    }
    CHECK(flipped_h > 10);
    CHECK(flipped_h < 54);
}

TEST_CASE("the loader is deterministic whatever the number of workers") {
    auto data = synthetic_dataset({"RGGB_a", "GRBG_b", "BGGR_c"});
    LoaderOptions o;
    o.batch = 2;
    o.patch = 32;
    o.patches_per_frame = 4;
    o.workers = 0;
    std::vector<torch::Tensor> serial;
    BatchLoader a(data, o, 2);
    for (auto t = a.next().input; t.defined(); t = a.next().input) serial.push_back(t);
    CHECK(serial.size() == 6);
    o.workers = 3;
    o.prefetch = 2;
    BatchLoader b(data, o, 2);
    for (const auto& t : serial) CHECK(torch::equal(b.next().input, t));
    CHECK_FALSE(b.next().input.defined());
    // Another epoch draws other crops.
    CHECK_FALSE(torch::equal(make_batch(data, o, 3, 0).input, serial[0]));
}

TEST_CASE("bad files: skipped and counted, or stop; errors for empty data and oversized batches") {
    auto data = synthetic_dataset({"RGGB_a", "bad_file", "GRBG_b"});
    LoaderOptions o;
    o.batch = 3;
    o.patch = 32;
    o.patches_per_frame = 2;
    for (std::int64_t i = 0; i < batches_per_epoch(data, o); ++i) CHECK(make_batch(data, o, 1, i).input.size(0) == 3);
    CHECK(data.bad_files() == 1);
    auto strict = synthetic_dataset({"bad_file", "RGGB_a"}, BadFilePolicy::Stop);
    o.batch = 2;
    o.patches_per_frame = 1;
    CHECK_THROWS_AS(make_batch(strict, o, 1, 0), n2n::FormatError);
    o.batch = 5;
    CHECK_THROWS_AS(batches_per_epoch(data, o), n2n::ConfigError);
    CHECK_THROWS_AS(synthetic_dataset({}), n2n::ConfigError);
    n2n::test::TempDir empty;
    CHECK_THROWS_AS(FrameDataset::scan(DatasetKind::RawFolder, empty.path()), n2n::ConfigError);
    CHECK_THROWS_AS(FrameDataset::scan(DatasetKind::SiddMedium, empty.path()), n2n::ConfigError);
    CHECK_THROWS_AS(FrameDataset::scan(DatasetKind::RawFolder, empty / "missing"), n2n::ConfigError);
    // A patch too large for every frame is an error naming the data.
    o.batch = 1;
    o.patch = 128;
    CHECK_THROWS_AS(make_batch(data, o, 1, 0), n2n::ConfigError);
}

TEST_CASE("folder scans: SIDD Medium keeps only NOISY frames; list files resolve relative paths") {
    n2n::test::TempDir dir;
    const auto scene = dir / "0001_001_S6_00100_00060_3200_L";
    fs::create_directories(scene);
    for (const char* f : {"0001_NOISY_RAW_010.MAT", "0001_GT_RAW_010.MAT", "0001_METADATA_RAW_010.MAT",
                          "0001_NOISY_RAW_011.MAT"})
        std::ofstream(scene / f) << "x";
    const auto sidd = FrameDataset::scan(DatasetKind::SiddMedium, dir.path());
    REQUIRE(sidd.size() == 2);
    CHECK(sidd.file(0).filename() == "0001_NOISY_RAW_010.MAT");
    std::ofstream(dir / "list.txt") << "# my frames\n0001_001_S6_00100_00060_3200_L/0001_NOISY_RAW_010.MAT\n\n  /abs/b.dng  \n";
    const auto list = FrameDataset::scan(DatasetKind::ListFile, dir / "list.txt");
    REQUIRE(list.size() == 2);
    CHECK(list.file(0) == scene / "0001_NOISY_RAW_010.MAT");
    CHECK(list.file(1) == fs::path("/abs/b.dng"));
    std::ofstream(dir / "IMG_1.CR2") << "x";
    std::ofstream(dir / "IMG_1.JPG") << "x";
    const auto folder = FrameDataset::scan(DatasetKind::RawFolder, dir.path());
    CHECK(folder.size() == 5);  // the 4 MAT files and the CR2; list.txt and the JPG are side files
}

TEST_CASE("resume: 1 epoch + resume + 1 epoch gives bit-identical parameters to 2 epochs") {
    torch::set_num_threads(1);
    auto data = synthetic_dataset({"RGGB_a", "GRBG_b", "BGGR_c"});
    n2n::test::TempDir dir;
    TrainOptions o;
    o.net = {"unet", 4, 4, 8};
    o.epochs = 2;
    o.lr = 1e-3;
    o.loader.batch = 2;
    o.loader.patch = 64;
    o.loader.patches_per_frame = 2;
    o.loader.seed = 77;
    o.loader.workers = 2;
    int validations = 0;
    o.validate = [&](n2n::model::Denoiser&, const n2n::model::NetConfig&, int epoch) {
        ++validations;
        return Metrics{{"epoch_seen", epoch}};
    };
    TrainingFolder straight_folder(dir / "straight");
    const auto straight = train(data, o, &straight_folder);
    CHECK(straight.last_epoch == 2);
    CHECK(validations == 2);

    o.stop_after_epoch = 1;
    {
        TrainingFolder first_part(dir / "resumed");
        CHECK(train(data, o, &first_part).last_epoch == 1);
    }
    o.stop_after_epoch = 0;
    o.resume_from = TrainingFolder::last_checkpoint(dir / "resumed");
    o.loader.seed = 12345;  // ignored: the checkpoint's seed wins
    TrainingFolder second_part(dir / "resumed", 0, ExistingRun::Resume);
    const auto resumed = train(data, o, &second_part);
    CHECK(resumed.last_epoch == 2);
    CHECK(resumed.history.size() == 1);

    const auto a = n2n::model::load_checkpoint(dir / "straight" / "checkpoint_last.pt");
    const auto b = n2n::model::load_checkpoint(dir / "resumed" / "checkpoint_last.pt");
    CHECK(a.epoch == 2);
    CHECK(b.epoch == 2);
    const auto pa = a.net->parameters(), pb = b.net->parameters();
    REQUIRE(pa.size() == pb.size());
    bool identical = true;
    for (std::size_t i = 0; i < pa.size(); ++i) identical &= torch::equal(pa[i], pb[i]);
    CHECK(identical);
    // Training moved the weights away from the initialisation.
    torch::manual_seed(77);
    const auto init = n2n::model::make_denoiser(o.net);
    CHECK_FALSE(torch::equal(init->parameters().front(), pa.front()));

    // The log has one JSON line per epoch, across the resume.
    std::ifstream log(dir / "resumed" / "train_log.jsonl");
    std::string line;
    int lines = 0;
    while (std::getline(log, line)) {
        const auto j = nlohmann::json::parse(line);
        ++lines;
        CHECK(j.at("epoch").get<int>() == lines);
        CHECK(j.at("lambda").get<double>() == doctest::Approx(lines / 2.0));
        CHECK(j.at("validation").at("epoch_seen").get<double>() == lines);
        CHECK(j.contains("images_per_s"));
    }
    CHECK(lines == 2);

    // Option errors.
    o.resume_from.clear();
    o.loader.patch = 48;
    CHECK_THROWS_AS(train(data, o), n2n::ConfigError);
    o.loader.patch = 64;
    o.device = "tpu";
    CHECK_THROWS_AS(train(data, o), n2n::ConfigError);
    o.device = "cpu";
    o.resume_from = TrainingFolder::last_checkpoint(dir / "nothing_here");
    CHECK_THROWS_AS(train(data, o), n2n::ConfigError);
}

TEST_CASE("synthetic pairs: clean frames get the drawn noise, stabilised batches carry E[z | x] targets") {
    // Clean frames of a constant 0.4: the target is known exactly, the input's spread is the noise.
    std::vector<fs::path> files{"RGGB_flat"};
    FrameDataset data(files, {}, [](const fs::path&) {
        n2n::Image<float> m(300, 300);
        for (std::ptrdiff_t r = 0; r < 300; ++r)
            for (std::ptrdiff_t c = 0; c < 300; ++c) m(r, c) = 0.4F;
        return n2n::bayer::Mosaic{m, n2n::bayer::BayerPhase::RGGB};
    });
    const auto n6 = n2n::noise::NoiseModel::uniform({0.003476, 0.000052});
    LoaderOptions o;
    o.batch = 2;
    o.patch = 64;
    o.patches_per_frame = 2;
    o.synthetic_noise = {n6};
    const auto raw = make_batch(data, o, 1, 0);
    REQUIRE(raw.target.defined());
    CHECK(torch::allclose(raw.target, torch::full_like(raw.target, 0.4F)));
    CHECK((raw.input - raw.target).std().item<double>() == doctest::Approx(std::sqrt(n6.channels[0].variance(0.4))).epsilon(0.05).scale(0));
    CHECK(torch::equal(make_batch(data, o, 1, 0).input, raw.input));  // seeded

    o.stabilised = true;
    const auto z = make_batch(data, o, 1, 0);
    CHECK(z.input.sizes() == torch::IntArrayRef{2, 8, 64, 64});
    CHECK(z.target.sizes() == torch::IntArrayRef{2, 4, 64, 64});
    const n2n::StabilisedDomain domain(n6);
    CHECK(torch::allclose(z.input, domain.encode(raw.input), 1e-5, 1e-6));
    // The noisy planes scatter around the target with the domain's sigma.
    CHECK((z.input.slice(1, 0, 4) - z.target).mean().item<double>() == doctest::Approx(0).epsilon(2e-3));
    CHECK((z.input.slice(1, 0, 4) - z.target).std().item<double>() == doctest::Approx(domain.sigma()[0]).epsilon(0.05).scale(0));
}

TEST_CASE("init: a new run starts from a checkpoint's network and weights, with a fresh schedule") {
    torch::set_num_threads(1);
    auto data = synthetic_dataset({"RGGB_a", "GRBG_b"});
    n2n::test::TempDir dir;
    TrainOptions o;
    o.net = {"unet", 8, 4, 8, true, "gat"};
    o.epochs = 1;
    o.loader.batch = 2;
    o.loader.patch = 64;
    o.loader.workers = 0;
    o.loader.synthetic_noise = {n2n::noise::NoiseModel::uniform({0.01, 1e-5})};
    TrainingFolder first(dir / "start");
    const auto start = train(data, o, &first);
    CHECK(start.history.at(0).regularizer == 0);  // supervised: no Neighbor2Neighbor term

    // Fine-tune with Neighbor2Neighbor on the (noisy) frames; --net is ignored for --init's.
    TrainOptions fine;
    fine.net = {"unet", 4, 4, 16};
    fine.init_from = TrainingFolder::last_checkpoint(dir / "start");
    fine.epochs = 1;
    fine.lr = 1e-30;  // no visible step: the weights must be the checkpoint's
    fine.loader = o.loader;
    fine.loader.synthetic_noise.clear();
    const auto tuned = train(data, fine);
    CHECK(tuned.config == start.config);
    const auto a = start.net->parameters(), b = tuned.net->parameters();
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(torch::allclose(a[i], b[i], 0, 1e-12));
    CHECK(tuned.history.at(0).epoch == 1);
    fine.init_from = dir / "missing.pt";
    CHECK_THROWS_AS(train(data, fine), n2n::IoError);
}

TEST_CASE("keep_best: the lowest validation metric wins, the starting network (epoch 0) included, across a resume") {
    auto data = synthetic_dataset({"RGGB_a", "GRBG_b"});
    n2n::test::TempDir dir;
    TrainOptions o;
    o.net = {"unet", 4, 4, 8};
    o.epochs = 5;
    o.lr = 1e-3;
    o.loader.batch = 2;
    o.loader.patch = 64;
    o.loader.seed = 5;
    o.loader.workers = 0;
    o.keep_best = true;
    o.best_metric = "score";
    const auto run = [&](std::vector<double> scores, const fs::path& folder) {
        o.validate = [scores](n2n::model::Denoiser&, const n2n::model::NetConfig&, int epoch) {
            return Metrics{{"score", scores.at(static_cast<std::size_t>(epoch))}};
        };
        TrainingFolder sink(folder, 1);  // keep every epoch's checkpoint to compare against
        return train(data, o, &sink);
    };
    const auto same_weights = [](const fs::path& a, const fs::path& b) {
        const auto pa = n2n::model::load_checkpoint(a).net->parameters();
        const auto pb = n2n::model::load_checkpoint(b).net->parameters();
        bool same = pa.size() == pb.size();
        for (std::size_t i = 0; same && i < pa.size(); ++i) same = torch::equal(pa[i], pb[i]);
        return same;
    };
    SUBCASE("a later epoch is best") {
        const auto result = run({5, 3, 4, 2.5, 6, 2.6}, dir / "later");
        CHECK(result.best_epoch == 3);
        CHECK(result.best_validation.at("score") == 2.5);
        CHECK(result.start_validation.at("score") == 5);
        const auto best = TrainingFolder::best_checkpoint(dir / "later");
        CHECK(n2n::model::load_checkpoint(best).epoch == 3);
        CHECK(same_weights(best, dir / "later" / "checkpoint_epoch_0003.pt"));
        CHECK_FALSE(same_weights(best, TrainingFolder::last_checkpoint(dir / "later")));
    }
    SUBCASE("no epoch beats the start: the start is kept") {
        torch::manual_seed(5);
        const auto result = run({1, 3, 4, 2.5, 6, 2.6}, dir / "start");
        CHECK(result.best_epoch == 0);
        const auto kept = n2n::model::load_checkpoint(TrainingFolder::best_checkpoint(dir / "start"));
        CHECK(kept.epoch == 0);
        torch::manual_seed(o.loader.seed);  // what train() initialised the network with
        const auto init = n2n::model::make_denoiser(o.net);
        CHECK(torch::equal(init->parameters().front(), kept.net->parameters().front()));
    }
    SUBCASE("a resumed run compares against the best its checkpoint recorded") {
        o.stop_after_epoch = 2;
        CHECK(run({5, 3, 4, 2.5, 6, 2.6}, dir / "resumed").best_epoch == 1);
        o.stop_after_epoch = 0;
        o.resume_from = TrainingFolder::last_checkpoint(dir / "resumed");
        o.validate = [](n2n::model::Denoiser&, const n2n::model::NetConfig&, int epoch) {
            return Metrics{{"score", std::vector<double>{9, 9, 9, 3.5, 2.9, 2.95}.at(static_cast<std::size_t>(epoch))}};
        };
        TrainingFolder sink(dir / "resumed", 1, ExistingRun::Resume);
        const auto result = train(data, o, &sink);
        CHECK(result.best_epoch == 4);  // 3.5 does not beat epoch 1's 3; 2.9 does
        CHECK(n2n::model::load_checkpoint(TrainingFolder::best_checkpoint(dir / "resumed")).epoch == 4);
    }
    SUBCASE("keep_best without a validation hook, or a metric the hook does not return, is refused") {
        o.validate = nullptr;
        CHECK_THROWS_AS(train(data, o), n2n::ConfigError);
        o.validate = [](n2n::model::Denoiser&, const n2n::model::NetConfig&, int) { return Metrics{{"other", 1}}; };
        CHECK_THROWS_AS(train(data, o), n2n::ConfigError);
    }
}
