// SPDX-License-Identifier: MIT
#include "n2n_raw/model/checkpoint.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"

#include <fmt/format.h>
#include <torch/torch.h>
#include <sstream>
#include <zlib.h>


namespace n2n::model {
namespace {

constexpr const char* kFormat = "n2n_raw-checkpoint";
constexpr std::int64_t kVersion = 2;
constexpr std::int64_t kFirstVersionWithDigest = 2;

std::int64_t crc32_of(const void* data, std::size_t size) {
    return static_cast<std::int64_t>(crc32_z(crc32(0L, Z_NULL, 0), static_cast<const Bytef*>(data), size));
}

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

// The checkpoint's records, read from the verified payload (version 2) or from the file itself
// (version 1, which has no digest). The payload bytes stay alive as long as the archive.
struct OpenedArchive {
    torch::serialize::InputArchive archive;
    torch::Tensor payload;
};

OpenedArchive open_archive(const std::filesystem::path& path, const torch::Device& device) {
    const std::string file = path.string();
    if (!std::filesystem::exists(path)) throw IoError(file, "checkpoint", "no such file");
    OpenedArchive opened;
    auto& outer = opened.archive;
    try {
        outer.load_from(file, device);
    } catch (const c10::Error& e) {
        throw FormatError(file, "checkpoint", fmt::format("not a torch archive: {}", e.what_without_backtrace()));
    }
    if (read_string(outer, "format", file) != kFormat) throw FormatError(file, "format", "not an n2n_raw checkpoint");
    const auto version = read_int(outer, "version", file);
    if (version < 1 || version > kVersion)
        throw FormatError(file, "version", fmt::format("version {} is not supported (1 to {})", version, kVersion));
    if (version < kFirstVersionWithDigest) return opened;
    const std::int64_t stored = read_int(outer, "digest", file);
    if (!outer.try_read("payload", opened.payload) || opened.payload.scalar_type() != torch::kUInt8)
        throw FormatError(file, "payload", "missing: the file is damaged");
    opened.payload = opened.payload.to(torch::kCPU).contiguous();
    const std::int64_t actual = crc32_of(opened.payload.data_ptr(), static_cast<std::size_t>(opened.payload.numel()));
    if (stored != actual)
        throw FormatError(file, "digest",
                          fmt::format("the file is damaged: its contents give CRC-32 {:08x}, it stores {:08x}", actual,
                                      stored));
    torch::serialize::InputArchive inner;
    try {
        inner.load_from(static_cast<const char*>(opened.payload.data_ptr()),
                        static_cast<std::size_t>(opened.payload.numel()), device);
    } catch (const c10::Error& e) {
        throw FormatError(file, "payload", fmt::format("not a torch archive: {}", e.what_without_backtrace()));
    }
    opened.archive = std::move(inner);
    return opened;
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
    // The digest needs the bytes, so the records are serialised first and stored, with their
    // CRC-32, as one byte tensor of an outer archive.
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string payload = bytes.str();
    torch::serialize::OutputArchive file_archive;
    file_archive.write("format", c10::IValue(std::string(kFormat)));
    file_archive.write("version", c10::IValue(kVersion));
    file_archive.write("digest", c10::IValue(crc32_of(payload.data(), payload.size())));
    file_archive.write("payload",
                       torch::from_blob(const_cast<char*>(payload.data()), {static_cast<std::int64_t>(payload.size())},
                                        torch::kUInt8));
    // LibTorch writes by file name; io's helper makes the file appear whole (a crash leaves the old one).
    io::write_file_atomically(path, [&](const std::filesystem::path& tmp) {
        try {
            file_archive.save_to(tmp.string());
        } catch (const c10::Error& e) {
            throw IoError(path.string(), "checkpoint", fmt::format("cannot write: {}", e.what_without_backtrace()));
        }
    });
}

LoadedModel load_checkpoint(const std::filesystem::path& path, const torch::Device& device) {
    auto opened = open_archive(path, torch::kCPU);
    auto& archive = opened.archive;
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
    for (const auto& p : out.net->parameters())
        if (!torch::isfinite(p).all().item<bool>())
            throw FormatError(path.string(), "model", "the weights hold NaN or Inf (saved from a diverged run?)");
    out.net->to(device);
    out.net->eval();
    return out;
}

std::uint32_t parameters_digest(Denoiser& net) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (const auto& p : net.parameters()) {
        const torch::Tensor t = p.detach().to(torch::kCPU).contiguous();
        crc = crc32_z(crc, static_cast<const Bytef*>(t.data_ptr()), t.nbytes());
    }
    return static_cast<std::uint32_t>(crc);
}

void load_optimizer_state(const std::filesystem::path& path, torch::optim::Optimizer& optimizer) {
    // The state must land on the parameters' device.
    torch::Device device = torch::kCPU;
    for (const auto& group : optimizer.param_groups())
        if (!group.params().empty()) device = group.params().front().device();
    auto opened = open_archive(path, device);
    torch::serialize::InputArchive optimizer_archive;
    if (!opened.archive.try_read("optimizer", optimizer_archive))
        throw FormatError(path.string(), "optimizer", "the checkpoint holds no optimizer state (weights-only export?)");
    try {
        optimizer.load(optimizer_archive);
    } catch (const c10::Error& e) {
        throw FormatError(path.string(), "optimizer", fmt::format("does not match: {}", e.what_without_backtrace()));
    }
}

}  // namespace n2n::model
