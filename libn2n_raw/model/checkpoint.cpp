// SPDX-License-Identifier: MIT
#include "n2n_raw/model/checkpoint.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <fmt/format.h>
#include <torch/torch.h>


namespace n2n::model {
namespace {

constexpr const char* kFormat = "n2n_raw-checkpoint";
constexpr std::int64_t kVersion = 1;

std::string read_string(torch::serialize::InputArchive& archive, const char* key, const std::string& file) {
    c10::IValue v;
    if (!archive.try_read(key, v) || !v.isString())
        throw FormatError(file, key, "missing or not a string: not an n2n_raw checkpoint");
    return v.toStringRef();
}

std::int64_t read_int(torch::serialize::InputArchive& archive, const char* key, const std::string& file) {
    c10::IValue v;
    if (!archive.try_read(key, v) || !v.isInt()) throw FormatError(file, key, "missing or not an integer");
    return v.toInt();
}

torch::serialize::InputArchive open_archive(const std::filesystem::path& path, const torch::Device& device) {
    if (!std::filesystem::exists(path)) throw IoError(path.string(), "checkpoint", "no such file");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path.string(), device);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "checkpoint", fmt::format("not a torch archive: {}", e.what_without_backtrace()));
    }
    if (read_string(archive, "format", path.string()) != kFormat)
        throw FormatError(path.string(), "format", "not an n2n_raw checkpoint");
    if (const auto v = read_int(archive, "version", path.string()); v != kVersion)
        throw FormatError(path.string(), "version", fmt::format("version {} is not supported (expected {})", v, kVersion));
    return archive;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, Denoiser& net, const NetConfig& config,
                     torch::optim::Optimizer* optimizer, int epoch, const std::string& train_state) {
    torch::serialize::OutputArchive archive;
    archive.write("format", c10::IValue(std::string(kFormat)));
    archive.write("version", c10::IValue(kVersion));
    archive.write("net", c10::IValue(config.to_json()));
    archive.write("epoch", c10::IValue(static_cast<std::int64_t>(epoch)));
    archive.write("train_state", c10::IValue(train_state));
    torch::serialize::OutputArchive model_archive;
    net.save(model_archive);
    archive.write("model", model_archive);
    if (optimizer != nullptr) {
        torch::serialize::OutputArchive optimizer_archive;
        optimizer->save(optimizer_archive);
        archive.write("optimizer", optimizer_archive);
    }
    // LibTorch writes by file name; io's helper makes the file appear whole (a crash leaves the old one).
    io::write_file_atomically(path, [&](const std::filesystem::path& tmp) {
        try {
            archive.save_to(tmp.string());
        } catch (const c10::Error& e) {
            throw IoError(path.string(), "checkpoint", fmt::format("cannot write: {}", e.what_without_backtrace()));
        }
    });
}

LoadedModel load_checkpoint(const std::filesystem::path& path, const torch::Device& device) {
    auto archive = open_archive(path, torch::kCPU);
    LoadedModel out;
    out.config = NetConfig::from_json(read_string(archive, "net", path.string()));
    out.epoch = static_cast<int>(read_int(archive, "epoch", path.string()));
    out.train_state = read_string(archive, "train_state", path.string());
    out.net = make_denoiser(out.config);
    torch::serialize::InputArchive model_archive;
    if (!archive.try_read("model", model_archive)) throw FormatError(path.string(), "model", "no network weights");
    try {
        out.net->load(model_archive);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "model",
                          fmt::format("weights do not match {}: {}", out.config.to_json(), e.what_without_backtrace()));
    }
    out.net->to(device);
    out.net->eval();
    return out;
}

void load_optimizer_state(const std::filesystem::path& path, torch::optim::Optimizer& optimizer) {
    // The state must land on the parameters' device.
    torch::Device device = torch::kCPU;
    for (const auto& group : optimizer.param_groups())
        if (!group.params().empty()) device = group.params().front().device();
    auto archive = open_archive(path, device);
    torch::serialize::InputArchive optimizer_archive;
    if (!archive.try_read("optimizer", optimizer_archive))
        throw FormatError(path.string(), "optimizer", "the checkpoint holds no optimizer state (weights-only export?)");
    try {
        optimizer.load(optimizer_archive);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "optimizer", fmt::format("does not match: {}", e.what_without_backtrace()));
    }
}

}  // namespace n2n::model
