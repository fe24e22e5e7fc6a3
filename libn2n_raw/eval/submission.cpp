// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/submission.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/mat_v73.hpp"

#include <fmt/format.h>
#include <matio.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

namespace n2n::eval {
namespace {

namespace fs = std::filesystem;

void check_blocks(const fs::path& path, const io::SiddBlocks& b) {
    const auto expected = static_cast<std::size_t>(b.images * b.blocks * b.height * b.width);
    if (b.images <= 0 || b.blocks <= 0 || b.height <= 0 || b.width <= 0 || b.data.size() != expected)
        throw ConfigError(path.string(), "DenoisedBlocksRaw",
                          fmt::format("inconsistent block array {}x{}x{}x{} holding {} values", b.images, b.blocks,
                                      b.height, b.width, b.data.size()));
}

const float* block_data(const io::SiddBlocks& b, std::ptrdiff_t image, std::ptrdiff_t block) {
    return b.data.data() + (image * b.blocks + block) * b.height * b.width;
}

// ---- MAT v7.3 ----------------------------------------------------------------------------

void write_v73(const fs::path& tmp, const fs::path& path, const io::SiddBlocks& d, double time_mp,
               const SubmissionInfo& info) {
    io::MatV73Writer mat(tmp, path.string());
    mat.write_single_cell("DenoisedBlocksRaw", d.images, d.blocks,
                          [&](std::ptrdiff_t i, std::ptrdiff_t b) { return d.block(i, b); });
    mat.write_double_scalar("TimeMPRaw", time_mp);
    mat.write_char_struct("OptionalData", {{"MethodName", info.method_name},
                                           {"Authors", info.authors},
                                           {"PaperTitle", info.paper_title},
                                           {"Venue", info.venue},
                                           {"MachineSpecs", info.machine_specs}});
    mat.close();
}

// ---- matio (MAT v5) ---------------------------------------------------------------------

void write_v5(const fs::path& file, const io::SiddBlocks& d, double time_mp) {
    mat_t* mat = Mat_CreateVer(file.c_str(), nullptr, MAT_FT_MAT5);
    if (mat == nullptr) throw IoError(file.string(), "create", "matio cannot create the file");
    const auto close = [&] { Mat_Close(mat); };
    try {
        // MATLAB order: the first index varies fastest.
        std::vector<float> column_major(d.data.size());
        const std::ptrdiff_t n = d.images, nb = d.blocks, h = d.height;
        for (std::ptrdiff_t i = 0; i < n; ++i)
            for (std::ptrdiff_t b = 0; b < nb; ++b) {
                const float* src = block_data(d, i, b);
                for (std::ptrdiff_t r = 0; r < h; ++r)
                    for (std::ptrdiff_t c = 0; c < d.width; ++c)
                        column_major[i + n * (b + nb * (r + h * c))] = src[r * d.width + c];
            }
        std::array<std::size_t, 4> dims{static_cast<std::size_t>(n), static_cast<std::size_t>(nb),
                                        static_cast<std::size_t>(h), static_cast<std::size_t>(d.width)};
        matvar_t* blocks = Mat_VarCreate("DenoisedBlocksRaw", MAT_C_SINGLE, MAT_T_SINGLE, 4, dims.data(),
                                         column_major.data(), MAT_F_DONT_COPY_DATA);
        if (blocks == nullptr) throw IoError(file.string(), "DenoisedBlocksRaw", "matio cannot create the variable");
        const int status = Mat_VarWrite(mat, blocks, MAT_COMPRESSION_NONE);
        Mat_VarFree(blocks);
        if (status != 0) throw IoError(file.string(), "DenoisedBlocksRaw", "matio cannot write the variable");

        std::array<std::size_t, 2> scalar{1, 1};
        matvar_t* time = Mat_VarCreate("TimeMPRaw", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, scalar.data(), &time_mp,
                                       MAT_F_DONT_COPY_DATA);
        if (time == nullptr) throw IoError(file.string(), "TimeMPRaw", "matio cannot create the variable");
        const int time_status = Mat_VarWrite(mat, time, MAT_COMPRESSION_NONE);
        Mat_VarFree(time);
        if (time_status != 0) throw IoError(file.string(), "TimeMPRaw", "matio cannot write the variable");
    } catch (...) {
        close();
        throw;
    }
    close();
}

// ---- CSV --------------------------------------------------------------------------------

template <class T>
void append_converted(std::vector<unsigned char>& bytes, const float* src, std::size_t count) {
    bytes.resize(count * sizeof(T));
    for (std::size_t k = 0; k < count; ++k) {
        T v;
        if constexpr (std::is_integral_v<T>) {
            const double lo = 0, hi = static_cast<double>(std::numeric_limits<T>::max());
            v = static_cast<T>(std::clamp(std::round(static_cast<double>(src[k])), lo, hi));
        } else {
            v = static_cast<T>(src[k]);
        }
        std::memcpy(bytes.data() + k * sizeof(T), &v, sizeof(T));  // x86-64 and ARM: little-endian
    }
}

}  // namespace

double seconds_per_megapixel(double seconds, const io::SiddBlocks& blocks) {
    const double samples = static_cast<double>(blocks.images * blocks.blocks * blocks.height * blocks.width);
    return samples > 0 ? seconds * 1024.0 * 1024.0 / samples : 0.0;
}

std::string base64_encode(const void* data, std::size_t size) {
    static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const auto* p = static_cast<const unsigned char*>(data);
    std::string out;
    out.reserve((size + 2) / 3 * 4);
    for (std::size_t i = 0; i < size; i += 3) {
        const std::uint32_t n = (std::uint32_t{p[i]} << 16) | (i + 1 < size ? std::uint32_t{p[i + 1]} << 8 : 0U) |
                                (i + 2 < size ? std::uint32_t{p[i + 2]} : 0U);
        out.push_back(kDigits[(n >> 18) & 63]);
        out.push_back(kDigits[(n >> 12) & 63]);
        out.push_back(i + 1 < size ? kDigits[(n >> 6) & 63] : '=');
        out.push_back(i + 2 < size ? kDigits[n & 63] : '=');
    }
    return out;
}

void write_submission_mat_v73(const fs::path& path, const io::SiddBlocks& denoised, double time_mp_raw,
                              const SubmissionInfo& info) {
    check_blocks(path, denoised);
    io::write_file_atomically(path, [&](const fs::path& tmp) { write_v73(tmp, path, denoised, time_mp_raw, info); });
}

void write_submission_mat_v5(const fs::path& path, const io::SiddBlocks& denoised, double time_mp_raw) {
    check_blocks(path, denoised);
    io::write_file_atomically(path, [&](const fs::path& tmp) { write_v5(tmp, denoised, time_mp_raw); });
}

void write_submission_csv(const fs::path& path, const io::SiddBlocks& denoised) {
    check_blocks(path, denoised);
    io::write_atomically(path, [&](std::ostream& out) {
        out << "ID,BLOCK\n";
        const auto count = static_cast<std::size_t>(denoised.height * denoised.width);
        std::vector<unsigned char> bytes;
        for (std::ptrdiff_t i = 0; i < denoised.images; ++i)
            for (std::ptrdiff_t b = 0; b < denoised.blocks; ++b) {
                const float* src = block_data(denoised, i, b);
                switch (denoised.stored_class) {
                    case io::MatClass::Double: append_converted<double>(bytes, src, count); break;
                    case io::MatClass::UInt8: append_converted<std::uint8_t>(bytes, src, count); break;
                    case io::MatClass::UInt16: append_converted<std::uint16_t>(bytes, src, count); break;
                    default: append_converted<float>(bytes, src, count); break;
                }
                out << (i * denoised.blocks + b) << ',' << base64_encode(bytes.data(), bytes.size()) << '\n';
            }
    });
}

}  // namespace n2n::eval
