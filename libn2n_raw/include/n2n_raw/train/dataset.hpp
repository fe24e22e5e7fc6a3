// SPDX-License-Identifier: MIT
// Training data: a list of noisy raw frames read lazily (bounded cache), and the loader that
// turns them into batches of packed patches with deterministic per-sample seeds and a pool of
// prefetching worker threads.
#pragma once

#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/io/read_any.hpp"
#include "n2n_raw/noise/noise_model.hpp"

#include <torch/types.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace n2n::train {

enum class DatasetKind : std::uint8_t {
    RawFolder,   ///< every file LibRaw (or read_any) can read in a folder tree: the user's own captures
    SiddMedium,  ///< a SIDD Medium tree: <scene folder>/<inst>_NOISY_RAW_<nnn>.MAT, NOISY frames only
    ListFile,    ///< a text file with one path per line (relative to the list's folder; '#' comments)
    PairSet,     ///< an `n2n synth` pairs.json: its noisy frames, each with the noise it was made with
};

enum class BadFilePolicy : std::uint8_t {
    Skip,  ///< warn once per file, count it, and use the next readable frame instead
    Stop,  ///< rethrow the reader's error
};

/// A file the dataset found unreadable or too small and skips from now on.
struct SkippedFile {
    std::filesystem::path file;
    std::string reason;  ///< the reader's error message
};

struct DatasetOptions {
    io::ReadOptions read;                            ///< passed to io::read_any
    BadFilePolicy bad_files = BadFilePolicy::Skip;
    std::size_t cache_bytes = std::size_t{2} << 30;  ///< decoded frames kept in memory (least recently used go)
    /// Told once per skipped file (BadFilePolicy::Skip), from whichever loader thread found it,
    /// one call at a time. Empty: skip silently (bad_files() still counts).
    std::function<void(const SkippedFile&)> on_skip;
    /// The noise level function of every frame (a calibration, SIDD's table); empty: each
    /// frame's NoiseProfile when its file has one (DNG, SIDD metadata; default reader only),
    /// else its own blind estimate (noise/noise_estimate.hpp). Used by noise-conditioned training.
    std::optional<noise::NoiseModel> noise;
    /// Per file (parallel to the file list; empty or nullopt entries: unknown): the noise level
    /// function the file set itself states (a pair set's). Below `noise`, above the files' own.
    std::vector<std::optional<noise::NoiseModel>> frame_noise;
};

/// The noisy frames of a training set, normalised to [0, 1] by their black/white levels (not
/// clipped, so the noise below black stays unbiased), each with its own CFA phase.
/// Frames are read on first use and kept in a bounded cache; safe to use from several threads.
class FrameDataset {
public:
    /// Reads one file into a normalised mosaic with its phase.
    using Reader = std::function<bayer::Mosaic(const std::filesystem::path&)>;

    /// `reader` empty: io::read_any with options.read, normalised by the frame's levels (and the
    /// file's NoiseProfile kept for noise_model).
    /// Throws ConfigError (field "data") when `files` is empty.
    FrameDataset(std::vector<std::filesystem::path> files, DatasetOptions options = {}, Reader reader = {});

    /// Finds the files of a dataset (sorted, so the order does not depend on the file system).
    /// Throws ConfigError naming the folder/list when it does not exist or holds no usable file.
    static FrameDataset scan(DatasetKind kind, const std::filesystem::path& where, DatasetOptions options = {});

    std::size_t size() const { return files_.size(); }
    const std::filesystem::path& file(std::size_t i) const { return files_.at(i); }

    /// The frame of `index`, whose both sides must be at least min_height × min_width mosaic
    /// pixels. With BadFilePolicy::Skip an unreadable or too small file yields nullptr (reported
    /// once through DatasetOptions::on_skip, counted in bad_files()); with Stop the error is thrown.
    std::shared_ptr<const bayer::Mosaic> frame(std::size_t index, std::ptrdiff_t min_height = 0,
                                               std::ptrdiff_t min_width = 0);

    /// Files found unreadable or too small so far.
    std::size_t bad_files() const;

    /// The noise level function of a frame: DatasetOptions::noise, else its frame_noise entry,
    /// else the NoiseProfile of its file (read with the frame), else the blind estimate of the
    /// whole frame (computed once).
    /// `frame` is that index's frame as frame() returned it.
    noise::NoiseModel noise_model(std::size_t index, const bayer::Mosaic& frame);

private:
    std::vector<std::filesystem::path> files_;
    DatasetOptions options_;
    Reader reader_;
    mutable std::mutex mutex_;
    std::map<std::size_t, std::shared_ptr<const bayer::Mosaic>> cache_;
    std::vector<std::size_t> lru_;  ///< most recently used last
    std::size_t cached_bytes_ = 0;
    std::vector<bool> bad_;
    std::map<std::size_t, noise::NoiseModel> noise_;       ///< blind estimates, per frame index
    std::map<std::size_t, noise::NoiseModel> file_noise_;  ///< files' own NoiseProfiles, per frame index

    /// files_[index] through reader_, or io::read_any noting the file's NoiseProfile.
    bayer::Mosaic read(std::size_t index);
};

/// Bayer-preserving augmentation of the training patches.
enum class Augment : std::uint8_t {
    None,
    Flips,           ///< mirror left-right / top-bottom, then re-align to the original CFA phase
    FlipsTranspose,  ///< also transpose; note this moves Gr-filter pixels into the Gb plane
};

struct LoaderOptions {
    int batch = 4;
    int patch = 256;            ///< side of a packed patch (the mosaic crop is 2·patch)
    int patches_per_frame = 1;  ///< samples per frame and epoch
    Augment augment = Augment::None;
    std::uint64_t seed = 0;
    int workers = 2;   ///< prefetching threads; 0 = build batches on the caller's thread
    int prefetch = 4;  ///< batches built ahead at most
    /// Build inputs (and targets) in the stabilised domain of noise-conditioned networks
    /// (tensor/stabilised_domain.hpp), each patch with its frame's noise level function.
    bool stabilised = false;
    /// Bayer unification by shift (Liu et al. 2019): crop every patch one row and/or column off
    /// the even grid where needed so that it starts on an R pixel, i.e. every patch is RGGB and
    /// the packed planes have RGGB's sub-pixel geometry whatever the frame's phase (the same as
    /// infer::PhaseAlignment::Shift). Off: patches keep the frame's phase (planes reordered).
    bool unify_by_shift = true;
    /// Supervised training on synthetic pairs: the frames are *clean*; every patch gets noise of
    /// one of these models (drawn per patch, seeded; noise::add_noise: clipped, quantised) and the
    /// batch carries the clean target. Empty: the frames are noisy (Neighbor2Neighbor).
    std::vector<noise::NoiseModel> synthetic_noise;
    /// Also return each patch's noise model (Batch::noise) when training would not need it.
    bool noise_models = false;
};

/// One training batch, CPU float32.
struct Batch {
    /// batch × C × patch × patch: 4 packed raw planes R, Gr, Gb, B, or 8 stabilised planes.
    torch::Tensor input;
    /// batch × 4 × patch × patch: the clean target (synthetic pairs; in the stabilised domain its
    /// expectation E[z | x]); undefined for Neighbor2Neighbor.
    torch::Tensor target;
    /// The noise level function of each patch (its frame's, or the drawn synthetic one), when the
    /// batch is stabilised, synthetic or LoaderOptions::noise_models asks for it; else empty.
    std::vector<noise::NoiseModel> noise;
};

/// Number of full batches in an epoch (the last partial batch is dropped).
std::int64_t batches_per_epoch(const FrameDataset& data, const LoaderOptions& options);

/// Builds batch `index` of `epoch` (both from their own seeds, so any thread can build any
/// batch). Each patch is a 2·patch square cropped at even mosaic offsets (phase kept) from a
/// frame chosen by the epoch's seeded permutation, then (noise added, for synthetic pairs)
/// packed in R, Gr, Gb, B order and, for noise-conditioned networks, stabilised.
Batch make_batch(FrameDataset& data, const LoaderOptions& options, int epoch, std::int64_t index);

/// Delivers the batches of one epoch in order, built ahead by `options.workers` threads.
class BatchLoader {
public:
    BatchLoader(FrameDataset& data, LoaderOptions options, int epoch);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    std::int64_t size() const { return batches_; }
    /// The next batch; one with an undefined input after the last. Rethrows a worker's error.
    Batch next();

private:
    void work();

    FrameDataset& data_;
    LoaderOptions options_;
    int epoch_;
    std::int64_t batches_;
    std::int64_t consumed_ = 0;
    std::int64_t claimed_ = 0;
    bool stop_ = false;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::map<std::int64_t, Batch> ready_;
    std::exception_ptr error_;
    std::vector<std::thread> threads_;
};

}  // namespace n2n::train
