// SPDX-License-Identifier: MIT
#include "n2n_raw/train/dataset.hpp"

#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/bayer/pack.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/file_names.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/tensor/packed_tensor.hpp"
#include "n2n_raw/eval/quality.hpp"
#include "n2n_raw/io/sidd_scenes.hpp"
#include "n2n_raw/tensor/stabilised_domain.hpp"
#include "n2n_raw/train/seeding.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <torch/torch.h>

namespace n2n::train {
namespace {

namespace fs = std::filesystem;


// Side files that sit beside camera RAW files and that LibRaw would only fail on.
bool is_side_file(const fs::path& p) {
    static const std::set<std::string> skip{".jpg", ".jpeg", ".xmp", ".txt", ".json", ".jsonl", ".md", ".pp3",
                                            ".thm", ".csv",  ".pdf", ".html", ".pt",  ".py",    ".dop", ".tif",
                                            ".tiff", ".heic", ".mov", ".mp4"};
    return skip.contains(io::lowercase_extension(p));
}

bool hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string().front() == '.'; }

std::vector<fs::path> scan_folder(const fs::path& root, const std::function<bool(const fs::path&)>& keep) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw ConfigError(root.string(), "data", "is not a folder");
    std::vector<fs::path> files;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw IoError(root.string(), "data", fmt::format("cannot list the folder: {}", ec.message()));
        if (hidden(it->path())) {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && keep(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<fs::path> read_list(const fs::path& list) {
    std::ifstream in(list);
    if (!in) throw ConfigError(list.string(), "list", "cannot open the list file");
    std::vector<fs::path> files;
    std::string line;
    while (std::getline(in, line)) {
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#') continue;
        const auto last = line.find_last_not_of(" \t\r");
        fs::path p = line.substr(first, last - first + 1);
        files.push_back(p.is_absolute() ? p : list.parent_path() / p);
    }
    return files;
}

std::size_t frame_bytes(const bayer::Mosaic& m) { return m.pixels.pixels().size() * sizeof(float); }

}  // namespace

FrameDataset::FrameDataset(std::vector<fs::path> files, DatasetOptions options, Reader reader)
    : files_(std::move(files)), options_(std::move(options)), reader_(std::move(reader)), bad_(files_.size(), false) {
    if (files_.empty()) throw ConfigError("", "data", "the training set holds no file");
}

bayer::Mosaic FrameDataset::read(std::size_t index) {
    if (reader_) return reader_(files_[index]);
    io::RawFrame f = io::read_any(files_[index], options_.read);
    // The file's own NoiseProfile (DNG, SIDD metadata) ranks below DatasetOptions::noise and
    // above the blind estimate; kept apart from the frame cache, which may evict the frame.
    if (auto profile = noise::NoiseModel::from_dng_noise_profile(f.meta.noise_profile)) {
        std::lock_guard lock(mutex_);
        file_noise_.insert_or_assign(index, *profile);
    }
    // No clipping: the noise below black must keep its zero mean for the loss.
    return bayer::Mosaic{bayer::normalize(f.mosaic.view(), f.meta.levels, bayer::Clip::None), f.meta.phase};
}

FrameDataset FrameDataset::scan(DatasetKind kind, const fs::path& where, DatasetOptions options) {
    std::vector<fs::path> files;
    switch (kind) {
        case DatasetKind::RawFolder:
            files = scan_folder(where, [](const fs::path& p) { return !is_side_file(p); });
            break;
        case DatasetKind::SiddMedium:
            // Self-supervised training sees only the noisy frames; GT and METADATA are skipped.
            files = scan_folder(where, [](const fs::path& p) {
                const auto name = io::parse_sidd_file_name(p.filename().string());
                return name && name->kind == io::SiddFileKind::Noisy;
            });
            break;
        case DatasetKind::ListFile:
            files = read_list(where);
            break;
        case DatasetKind::PairSet: {
            // The noisy side only (self-supervised), with the phase and noise each pair states.
            std::map<fs::path, bayer::BayerPhase> phases;
            for (const auto& pair : eval::read_pair_set(where)) {
                files.push_back(pair.noisy);
                phases.emplace(pair.noisy, pair.phase);
                options.frame_noise.emplace_back(pair.model);
            }
            return FrameDataset(std::move(files), std::move(options), [phases](const fs::path& p) {
                const auto phase = phases.at(p);
                return bayer::Mosaic{eval::read_pair_mosaic(p, phase), phase};
            });
        }
    }
    if (files.empty())
        throw ConfigError(where.string(), "data",
                          kind == DatasetKind::SiddMedium
                              ? "no *_NOISY_RAW_*.MAT frame found (expected SIDD Medium's <scene>/<inst>_NOISY_RAW_<nnn>.MAT)"
                              : "no raw file found (searched the folder and its sub-folders; .jpg/.xmp/.txt side files are ignored)");
    return FrameDataset(std::move(files), std::move(options));
}

std::shared_ptr<const bayer::Mosaic> FrameDataset::frame(std::size_t index, std::ptrdiff_t min_height,
                                                         std::ptrdiff_t min_width) {
    {
        std::lock_guard lock(mutex_);
        if (bad_.at(index)) return nullptr;
        if (auto it = cache_.find(index); it != cache_.end()) {
            std::erase(lru_, index);
            lru_.push_back(index);
            return it->second;
        }
    }
    // Decoding happens outside the lock so workers read different files in parallel.
    std::shared_ptr<const bayer::Mosaic> frame;
    try {
        auto m = std::make_shared<bayer::Mosaic>(read(index));
        if (m->pixels.height() < min_height || m->pixels.width() < min_width)
            throw ConfigError(files_[index].string(), "patch",
                              fmt::format("frame is {} x {}, smaller than the {} x {} mosaic crop a patch needs",
                                          m->pixels.width(), m->pixels.height(), min_width, min_height));
        frame = std::move(m);
    } catch (const Error& e) {
        if (options_.bad_files == BadFilePolicy::Stop) throw;
        std::lock_guard lock(mutex_);
        if (!bad_[index] && options_.on_skip) options_.on_skip({files_[index], e.what()});
        bad_[index] = true;
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(index); it != cache_.end()) return it->second;  // another thread won
    cache_[index] = frame;
    lru_.push_back(index);
    cached_bytes_ += frame_bytes(*frame);
    while (cached_bytes_ > options_.cache_bytes && lru_.size() > 1) {
        const auto victim = lru_.front();
        lru_.erase(lru_.begin());
        cached_bytes_ -= frame_bytes(*cache_[victim]);
        cache_.erase(victim);  // workers still holding it keep their shared_ptr
    }
    return frame;
}

noise::NoiseModel FrameDataset::noise_model(std::size_t index, const bayer::Mosaic& frame) {
    if (options_.noise) return *options_.noise;
    if (index < options_.frame_noise.size() && options_.frame_noise[index]) return *options_.frame_noise[index];
    {
        std::lock_guard lock(mutex_);
        if (const auto it = file_noise_.find(index); it != file_noise_.end()) return it->second;
        if (const auto it = noise_.find(index); it != noise_.end()) return it->second;
    }
    const auto estimate = noise::estimate_noise_model(frame.pixels.view(), frame.phase);
    std::lock_guard lock(mutex_);
    return noise_.emplace(index, estimate).first->second;
}

std::size_t FrameDataset::bad_files() const {
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count(bad_.begin(), bad_.end(), true));
}

std::int64_t batches_per_epoch(const FrameDataset& data, const LoaderOptions& options) {
    if (options.batch <= 0) throw ConfigError("", "batch", fmt::format("must be positive, got {}", options.batch));
    if (options.patches_per_frame <= 0)
        throw ConfigError("", "patches per frame", fmt::format("must be positive, got {}", options.patches_per_frame));
    const auto samples = static_cast<std::int64_t>(data.size()) * options.patches_per_frame;
    if (samples < options.batch)
        throw ConfigError("", "batch",
                          fmt::format("batch {} is larger than the {} patches an epoch has ({} frames x {} per frame); "
                                      "lower the batch size or raise the patches per frame",
                                      options.batch, samples, data.size(), options.patches_per_frame));
    return samples / options.batch;
}

Batch make_batch(FrameDataset& data, const LoaderOptions& options, int epoch, std::int64_t index) {
    if (options.patch <= 0) throw ConfigError("", "patch", fmt::format("must be positive, got {}", options.patch));
    const std::int64_t n_frames = static_cast<std::int64_t>(data.size());
    const std::int64_t samples = n_frames * options.patches_per_frame;
    // The epoch's order of samples: a seeded permutation, identical whoever builds the batch.
    std::vector<std::int64_t> order(static_cast<std::size_t>(samples));
    for (std::int64_t i = 0; i < samples; ++i) order[i] = i % n_frames;
    SplitMix64 shuffle_rng(mix_seed(options.seed, 0x5eed0001ULL, static_cast<std::uint64_t>(epoch)));
    for (std::int64_t i = samples - 1; i > 0; --i) std::swap(order[i], order[shuffle_rng.below(i + 1)]);

    const std::ptrdiff_t side = 2 * static_cast<std::ptrdiff_t>(options.patch);
    // Re-aligning the phase after a flip drops up to one row/column on each side: crop 2 more.
    const std::ptrdiff_t need = options.augment == Augment::None ? side : side + 2;
    const std::int64_t p = options.patch;
    const bool synthetic = !options.synthetic_noise.empty();
    Batch out;
    out.input = torch::empty({options.batch, bayer::kPackedChannels, p, p}, torch::kFloat32);
    if (synthetic) out.target = torch::empty_like(out.input);
    std::vector<noise::NoiseModel> noise_of_patch;
    for (int b = 0; b < options.batch; ++b) {
        const std::int64_t sample = index * options.batch + b;
        SplitMix64 rng(mix_seed(options.seed, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(sample)));
        // An unreadable frame is replaced by the next readable one: deterministic, whatever
        // thread first found it bad.
        std::shared_ptr<const bayer::Mosaic> frame;
        std::size_t frame_index = 0;
        for (std::int64_t k = 0; k < n_frames && !frame; ++k) {
            frame_index = static_cast<std::size_t>((order[sample] + k) % n_frames);
            frame = data.frame(frame_index, need + (options.unify_by_shift ? 1 : 0), need + (options.unify_by_shift ? 1 : 0));
        }
        if (!frame)
            throw ConfigError("", "data",
                              fmt::format("no readable frame of at least {} x {} pixels (patch {})", need, need, p));
        const auto& img = frame->pixels;
        // Even offsets keep the frame's phase at the crop's origin; the unifying shift then moves
        // it to RGGB (one row/column more is needed for that).
        const std::ptrdiff_t dr = options.unify_by_shift ? frame->phase.row_shift() : 0;
        const std::ptrdiff_t dc = options.unify_by_shift ? frame->phase.col_shift() : 0;
        const std::ptrdiff_t r0 = dr + 2 * static_cast<std::ptrdiff_t>(rng.below((img.height() - need - dr) / 2 + 1));
        const std::ptrdiff_t c0 = dc + 2 * static_cast<std::ptrdiff_t>(rng.below((img.width() - need - dc) / 2 + 1));
        auto crop = bayer::crop(img.view(), frame->phase, {r0, c0, need, need});
        bayer::Mosaic oriented;
        if (options.augment != Augment::None) {
            bayer::Orientation flips;
            if (options.augment == Augment::Flips) {
                const auto bits = rng.below(4);
                flips = {false, (bits & 1U) != 0, (bits & 2U) != 0};
            } else {
                flips = bayer::Orientation::from_index(static_cast<int>(rng.below(8)));
            }
            // Mirroring moves the CFA pattern; cropping back to the original phase keeps every
            // packed plane's sample geometry exactly that of un-augmented patches.
            oriented = bayer::orient(crop.pixels, crop.phase, flips);
            const auto aligned = bayer::align_phase(oriented.pixels.view(), oriented.phase, crop.phase);
            crop = {aligned.pixels.sub(0, 0, side, side), aligned.phase};
        }
        auto slot = out.input[b];
        if (synthetic) {
            // The frame is clean: its patch is the target, the same patch with drawn noise the input.
            const auto& level = options.synthetic_noise[rng.below(options.synthetic_noise.size())];
            const auto noisy = noise::add_noise(crop.pixels, crop.phase, level, rng.next());
            pack_into_tensor(noisy.view(), crop.phase, slot);
            auto target = out.target[b];
            pack_into_tensor(crop.pixels, crop.phase, target);
            noise_of_patch.push_back(level);
        } else {
            pack_into_tensor(crop.pixels, crop.phase, slot);
            if (options.stabilised || options.noise_models) noise_of_patch.push_back(data.noise_model(frame_index, *frame));
        }
    }
    if (options.stabilised) {
        std::vector<torch::Tensor> inputs, targets;
        for (int b = 0; b < options.batch; ++b) {
            const StabilisedDomain domain(noise_of_patch[static_cast<std::size_t>(b)]);
            inputs.push_back(domain.encode(out.input[b]));
            if (synthetic) targets.push_back(domain.expected(out.target[b]));
        }
        out.input = torch::stack(inputs);
        if (synthetic) out.target = torch::stack(targets);
    }
    out.noise = std::move(noise_of_patch);
    return out;
}

BatchLoader::BatchLoader(FrameDataset& data, LoaderOptions options, int epoch)
    : data_(data), options_(options), epoch_(epoch), batches_(batches_per_epoch(data, options)) {
    for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
}

void BatchLoader::work() {
    for (;;) {
        std::int64_t index = 0;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [&] { return stop_ || claimed_ >= batches_ || claimed_ < consumed_ + options_.prefetch; });
            if (stop_ || claimed_ >= batches_) return;
            index = claimed_++;
        }
        Batch batch;
        std::exception_ptr error;
        try {
            batch = make_batch(data_, options_, epoch_, index);
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            if (error && !error_) error_ = error;
            ready_[index] = batch;
        }
        cv_.notify_all();
    }
}

Batch BatchLoader::next() {
    if (consumed_ >= batches_) return {};
    if (threads_.empty()) return make_batch(data_, options_, epoch_, consumed_++);
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return error_ || ready_.contains(consumed_); });
    if (error_) std::rethrow_exception(error_);
    auto batch = std::move(ready_[consumed_]);
    ready_.erase(consumed_);
    ++consumed_;
    lock.unlock();
    cv_.notify_all();
    return batch;
}

}  // namespace n2n::train
