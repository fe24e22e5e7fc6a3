// SPDX-License-Identifier: MIT
// What the training loop reports and stores: events in order with the numbers the result holds,
// the sink called once per completed epoch, the file-backed sink's files, skipped data files.
#include "n2n_raw/error.hpp"
#include "n2n_raw/model/checkpoint.hpp"
#include "n2n_raw/train/trainer.hpp"
#include "support/test_data.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <torch/torch.h>

#include <string>
#include <variant>
#include <vector>

using namespace n2n::train;
namespace fs = std::filesystem;

namespace {

// Frames of seeded uniform noise, 132 x 140; files named "bad..." fail like a broken RAW.
FrameDataset noise_dataset(std::vector<std::string> names, DatasetOptions options = {}) {
    std::vector<fs::path> files(names.begin(), names.end());
    return FrameDataset(files, std::move(options), [](const fs::path& p) {
        if (p.string().starts_with("bad")) throw n2n::FormatError(p.string(), "LibRaw", "unsupported file format");
        n2n::Image<float> m(132, 140);
        std::mt19937 rng(static_cast<unsigned>(std::hash<std::string>{}(p.string())));
        std::uniform_real_distribution<float> u(0.F, 1.F);
        for (float& v : m.pixels()) v = u(rng);
        return n2n::bayer::Mosaic{m, n2n::bayer::BayerPhase::RGGB};
    });
}

TrainOptions tiny_run() {
    TrainOptions o;
    o.net = {"unet", 4, 4, 4};
    o.epochs = 2;
    o.lr = 1e-3;
    o.loader.batch = 2;
    o.loader.patch = 64;
    o.loader.patches_per_frame = 2;
    o.loader.workers = 0;
    return o;
}

// Remembers what the trainer handed over, in order.
struct RecordingSink : TrainingSink {
    std::vector<std::string> calls;
    void save_checkpoint(n2n::model::Denoiser&, const n2n::model::NetConfig&, torch::optim::Optimizer&, int epoch,
                         const std::string& train_state) override {
        calls.push_back("checkpoint " + std::to_string(epoch));
        CHECK(nlohmann::json::parse(train_state).contains("seed"));
    }
    void append_log(const EpochRecord& record) override { calls.push_back("log " + std::to_string(record.epoch)); }
};

}  // namespace

TEST_CASE("train reports epoch start, every step and epoch end, matching the result") {
    torch::set_num_threads(1);
    auto data = noise_dataset({"a", "b"});
    auto o = tiny_run();
    std::vector<TrainEvent> events;
    o.on_event = [&](const TrainEvent& e) { events.push_back(e); };
    RecordingSink sink;
    const auto result = train(data, o, &sink);
    REQUIRE(result.history.size() == 2);
    const std::int64_t steps = batches_per_epoch(data, o.loader);
    REQUIRE(steps == 2);
    REQUIRE(events.size() == static_cast<std::size_t>(2 * (steps + 2)));
    std::size_t k = 0;
    for (int epoch = 1; epoch <= 2; ++epoch) {
        const auto& started = std::get<EpochStarted>(events[k++]);
        CHECK(started.epoch == epoch);
        CHECK(started.epochs == 2);
        CHECK(started.steps == steps);
        CHECK(started.lr == doctest::Approx(1e-3));
        CHECK(started.lambda == doctest::Approx(epoch / 2.0));
        double last_mean = 0;
        for (std::int64_t step = 1; step <= steps; ++step) {
            const auto& done = std::get<StepDone>(events[k++]);
            CHECK(done.epoch == epoch);
            CHECK(done.step == step);
            CHECK(done.steps == steps);
            CHECK(done.images_per_s > 0);
            last_mean = done.mean_loss;
            if (epoch == 2 && step == steps) CHECK(done.seconds_left == 0);
        }
        const auto& finished = std::get<EpochFinished>(events[k++]);
        CHECK(finished.record.epoch == epoch);
        CHECK(finished.record.loss == doctest::Approx(last_mean));
        CHECK(finished.record.loss == result.history[static_cast<std::size_t>(epoch - 1)].loss);
        CHECK(finished.record.batches == steps);
    }
    CHECK(sink.calls == std::vector<std::string>{"checkpoint 1", "log 1", "checkpoint 2", "log 2"});
}

TEST_CASE("the time limit ends the call inside an epoch: reported, nothing stored") {
    auto data = noise_dataset({"a", "b"});
    auto o = tiny_run();
    o.max_minutes = 1e-9;
    std::vector<TrainEvent> events;
    o.on_event = [&](const TrainEvent& e) { events.push_back(e); };
    RecordingSink sink;
    const auto result = train(data, o, &sink);
    CHECK(result.stopped_early);
    CHECK(result.last_epoch == 0);
    CHECK(result.history.empty());
    CHECK(sink.calls.empty());
    REQUIRE(events.size() == 3);  // started, one step, the limit
    CHECK(std::holds_alternative<EpochStarted>(events[0]));
    CHECK(std::holds_alternative<StepDone>(events[1]));
    const auto& limit = std::get<TimeLimitReached>(events[2]);
    CHECK(limit.epoch == 1);
    CHECK(limit.minutes == 1e-9);
}

TEST_CASE("TrainingFolder: checkpoints kept every N epochs, log started afresh or appended to") {
    n2n::test::TempDir dir;
    auto data = noise_dataset({"a", "b"});
    auto o = tiny_run();
    {
        TrainingFolder folder(dir / "run", 1);
        CHECK(folder.dir() == dir / "run");
        train(data, o, &folder);
    }
    CHECK(fs::exists(TrainingFolder::last_checkpoint(dir / "run")));
    CHECK(TrainingFolder::last_checkpoint(dir / "run") == dir / "run" / "checkpoint_last.pt");
    CHECK(n2n::model::load_checkpoint(dir / "run" / "checkpoint_epoch_0001.pt").epoch == 1);
    CHECK(n2n::model::load_checkpoint(dir / "run" / "checkpoint_epoch_0002.pt").epoch == 2);
    CHECK(n2n::model::load_checkpoint(TrainingFolder::last_checkpoint(dir / "run")).epoch == 2);

    const auto log_lines = [&] {
        std::ifstream in(dir / "run" / "train_log.jsonl");
        std::vector<nlohmann::json> lines;
        for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
        return lines;
    };
    CHECK(log_lines().size() == 2);
    EpochRecord r;
    r.epoch = 7;
    r.loss = 0.25;
    r.validation = {{"psnr_db", 40.5}};
    {
        TrainingFolder appended(dir / "run", 0, ExistingRun::Resume);
        appended.append_log(r);
    }
    const auto lines = log_lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[2].at("epoch") == 7);
    CHECK(lines[2].at("loss") == 0.25);
    CHECK(lines[2].at("validation").at("psnr_db") == 40.5);
    CHECK(nlohmann::json::parse(TrainingFolder::log_line(r)) == lines[2]);
    // The resume made the log agree with the checkpoint (epoch 2): epoch 7's line is gone.
    {
        TrainingFolder resumed_again(dir / "run", 0, ExistingRun::Resume);
        CHECK(log_lines().size() == 2);
    }
    // A new run never replaces an old one silently.
    CHECK_THROWS_AS(TrainingFolder(dir / "run"), n2n::ConfigError);
    { TrainingFolder fresh(dir / "run", 0, ExistingRun::Overwrite); }
    CHECK(log_lines().empty());
    // A folder that cannot be created names itself.
    std::ofstream(dir / "file") << "x";
    CHECK_THROWS_AS(TrainingFolder(dir / "file" / "sub"), n2n::IoError);
}

TEST_CASE("skipped data files are reported once each, with the reader's reason") {
    std::vector<SkippedFile> skipped;
    DatasetOptions options;
    options.on_skip = [&](const SkippedFile& s) { skipped.push_back(s); };
    auto data = noise_dataset({"a", "bad_one", "b"}, options);
    LoaderOptions o;
    o.batch = 3;
    o.patch = 32;
    o.patches_per_frame = 2;
    for (int epoch = 1; epoch <= 2; ++epoch)
        for (std::int64_t i = 0; i < batches_per_epoch(data, o); ++i) make_batch(data, o, epoch, i);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0].file == "bad_one");
    CHECK(skipped[0].reason.find("unsupported file format") != std::string::npos);
    CHECK(data.bad_files() == 1);
}
