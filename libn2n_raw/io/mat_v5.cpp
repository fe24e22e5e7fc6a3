// SPDX-License-Identifier: MIT
// MAT v5 through matio: numeric arrays, SIDD's `metadata` struct and the block position table.
#include "mat_detail.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <matio.h>
#include <memory>
#include <mutex>

namespace n2n::io {
namespace detail {
namespace {

thread_local std::string last_matio_message;

// matio's default logger aborts the process on errors; ours only remembers the text so the
// caller can put it into the exception.
void matio_log(int level, char* message) {
    if ((level & (MATIO_LOG_LEVEL_ERROR | MATIO_LOG_LEVEL_CRITICAL)) && message) last_matio_message = message;
}
void install_matio_logger() {
    static std::once_flag once;
    std::call_once(once, [] { Mat_LogInitFunc("n2n_raw", matio_log); });
}
std::string matio_message() {
    return last_matio_message.empty() ? std::string("matio reported no detail") : last_matio_message;
}

struct MatCloser {
    void operator()(mat_t* m) const { Mat_Close(m); }
};
struct VarFreer {
    void operator()(matvar_t* v) const { Mat_VarFree(v); }
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

MatFile open_v5(const std::filesystem::path& path) {
    install_matio_logger();
    if (mat_version(path) != MatVersion::V5) throw FormatError(path.string(), "header", "not a MAT v5 file");
    last_matio_message.clear();
    MatFile mat(Mat_Open(path.string().c_str(), MAT_ACC_RDONLY));
    if (!mat) throw FormatError(path.string(), "header", fmt::format("matio cannot open it: {}", matio_message()));
    return mat;
}

bool is_numeric(const matvar_t* v) {
    switch (v->class_type) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
        return true;
    default:
        return false;
    }
}

// Number of elements, saturated so that a damaged header cannot wrap it around.
std::size_t numel_of(const matvar_t* v) {
    std::size_t n = 1;
    for (int k = 0; k < v->rank; ++k) {
        if (v->dims[k] != 0 && n > SIZE_MAX / v->dims[k]) return SIZE_MAX;
        n *= v->dims[k];
    }
    return n;
}

// Converts a numeric matvar's data to `T`, column-major as stored. The element type is the
// data_type matio decoded (it can be narrower than the class, e.g. a double class in uint8).
template <class T>
std::vector<T> numeric_data(const std::string& file, const std::string& field, const matvar_t* v) {
    if (!is_numeric(v) || v->isComplex) throw FormatError(file, field, "is not a real numeric array");
    const std::size_t n = numel_of(v);
    if (n > kMaxElements) throw FormatError(file, field, fmt::format("{} elements is beyond any SIDD array", n));
    // Even compressed (zlib, at best ~1000:1) the data must come from the file's bytes.
    std::error_code ec;
    const std::uintmax_t file_bytes = std::filesystem::file_size(file, ec);
    if (!ec && n > file_bytes * 1032)
        throw FormatError(file, field, fmt::format("{} elements cannot come from a {}-byte file", n, file_bytes));
    std::vector<T> out;
    if (n == 0) return out;
    if (v->data == nullptr) throw FormatError(file, field, "has no data");
    const auto convert = [&](const auto* src) {
        using S = std::remove_cv_t<std::remove_pointer_t<decltype(src)>>;
        // Checked before allocating: the dimensions come from the (possibly damaged) header.
        if (v->nbytes / sizeof(S) < n) throw FormatError(file, field, "data shorter than its dimensions");
        out.resize(n);
        for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<T>(src[k]);
    };
    switch (v->data_type) {
    case MAT_T_DOUBLE:
        convert(static_cast<const double*>(v->data));
        break;
    case MAT_T_SINGLE:
        convert(static_cast<const float*>(v->data));
        break;
    case MAT_T_INT8:
        convert(static_cast<const std::int8_t*>(v->data));
        break;
    case MAT_T_UINT8:
        convert(static_cast<const std::uint8_t*>(v->data));
        break;
    case MAT_T_INT16:
        convert(static_cast<const std::int16_t*>(v->data));
        break;
    case MAT_T_UINT16:
        convert(static_cast<const std::uint16_t*>(v->data));
        break;
    case MAT_T_INT32:
        convert(static_cast<const std::int32_t*>(v->data));
        break;
    case MAT_T_UINT32:
        convert(static_cast<const std::uint32_t*>(v->data));
        break;
    case MAT_T_INT64:
        convert(static_cast<const std::int64_t*>(v->data));
        break;
    case MAT_T_UINT64:
        convert(static_cast<const std::uint64_t*>(v->data));
        break;
    default:
        throw FormatError(file, field, fmt::format("unsupported element type {}", static_cast<int>(v->data_type)));
    }
    return out;
}

MatClass class_of(const matvar_t* v) {
    switch (v->class_type) {
    case MAT_C_SINGLE:
        return MatClass::Single;
    case MAT_C_DOUBLE:
        return MatClass::Double;
    case MAT_C_UINT8:
        return MatClass::UInt8;
    case MAT_C_UINT16:
        return MatClass::UInt16;
    default:
        return MatClass::Other;
    }
}

// True when a struct (array) really holds `elements` x fields field pointers: matio trusts the
// header's dimensions when indexing, so a damaged file could otherwise make it read past them.
bool struct_holds(matvar_t* v, std::size_t elements) {
    if (!v || v->class_type != MAT_C_STRUCT || !v->data) return false;
    const std::size_t fields = Mat_VarGetNumberOfFields(v);
    return fields > 0 && elements <= kMaxElements && v->nbytes / sizeof(matvar_t*) / fields >= elements;
}

// Field `name` of element `index` of a struct array, or nullptr. Our own lookup: matio's
// by-name lookup dereferences field names that a damaged file may leave null.
matvar_t* struct_field(matvar_t* v, const char* name, std::size_t index) {
    if (!struct_holds(v, index + 1)) return nullptr;
    const unsigned fields = Mat_VarGetNumberOfFields(v);
    char* const* names = Mat_VarGetStructFieldnames(v);
    if (!names) return nullptr;
    for (unsigned f = 0; f < fields; ++f)
        if (names[f] && std::strcmp(names[f], name) == 0) return static_cast<matvar_t**>(v->data)[index * fields + f];
    return nullptr;
}

// A string field (MATLAB char array, stored as UTF-8 or UTF-16 code units); empty if absent.
std::string char_field(const matvar_t* v) {
    if (!v || v->class_type != MAT_C_CHAR || !v->data) return {};
    const std::size_t n = numel_of(v);
    std::string out;
    if (v->data_type == MAT_T_UINT16 || v->data_type == MAT_T_UTF16) {
        const auto* s = static_cast<const std::uint16_t*>(v->data);
        for (std::size_t k = 0; k < n && k * 2 < v->nbytes; ++k)
            out.push_back(s[k] < 128 ? static_cast<char>(s[k]) : '?');
    } else {
        const auto* s = static_cast<const char*>(v->data);
        out.assign(s, std::min(n, v->nbytes));
    }
    return out;
}

}  // namespace

MatVersion mat_version(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path.string(), "open", std::strerror(errno));
    char header[128] = {};
    in.read(header, 128);
    if (in.gcount() != 128 || std::memcmp(header, "MATLAB", 6) != 0) return MatVersion::Unknown;
    // Bytes 124..125 hold the version: 0x0100 for v5, 0x0200 for v7.3 (either byte order).
    const unsigned v = static_cast<unsigned char>(header[124]) | (static_cast<unsigned char>(header[125]) << 8);
    if (v == 0x0200 || v == 0x0002) {
        char sig[8] = {};
        in.seekg(512);
        in.read(sig, 8);
        return (in.gcount() == 8 && std::memcmp(sig, "\x89HDF\r\n\x1a\n", 8) == 0) ? MatVersion::V73
                                                                                   : MatVersion::Unknown;
    }
    return (v == 0x0100 || v == 0x0001) ? MatVersion::V5 : MatVersion::Unknown;
}

std::size_t MatArray::numel() const {
    std::size_t n = 1;
    for (auto d : dims) {
        if (d != 0 && n > SIZE_MAX / d) return SIZE_MAX;
        n *= d;
    }
    return n;
}

void require_finite(const std::string& file, const MatArray& array) {
    for (std::size_t k = 0; k < array.data.size(); ++k)
        if (!std::isfinite(array.data[k])) {
            // MATLAB's 1-based subscripts of the column-major index.
            std::vector<std::size_t> sub;
            std::size_t rest = k;
            for (const auto d : array.dims) {
                sub.push_back(rest % d + 1);
                rest /= d;
            }
            throw FormatError(file, array.name, fmt::format("element ({}) is {}", fmt::join(sub, ", "), array.data[k]));
        }
}

MatArray read_mat_v5_array(const std::filesystem::path& path, const std::string& name, std::size_t rank) {
    const std::string file = path.string();
    MatFile mat = open_v5(path);
    std::string chosen = name;
    if (chosen.empty()) {
        // The only numeric variable of the wanted rank.
        std::vector<std::string> candidates;
        while (MatVar info{Mat_VarReadNextInfo(mat.get())}) {
            if (is_numeric(info.get()) && static_cast<std::size_t>(info->rank) == rank && info->name)
                candidates.emplace_back(info->name);
        }
        if (candidates.size() != 1)
            throw FormatError(
                file, fmt::format("{}-D variable", rank),
                fmt::format("expected exactly one numeric {}-D variable, found {}", rank, candidates.size()));
        chosen = candidates.front();
    }
    last_matio_message.clear();
    MatVar var(Mat_VarRead(mat.get(), chosen.c_str()));
    if (!var) throw FormatError(file, chosen, fmt::format("no such variable or unreadable: {}", matio_message()));
    MatArray out;
    out.name = chosen;
    out.dims.assign(var->dims, var->dims + var->rank);
    out.stored_class = class_of(var.get());
    out.floating = var->class_type == MAT_C_SINGLE || var->class_type == MAT_C_DOUBLE;
    out.data = numeric_data<float>(file, chosen, var.get());
    if (out.data.empty()) throw FormatError(file, chosen, "is empty");
    return out;
}

MatArray read_mat_array(const std::filesystem::path& path, const std::string& name, std::size_t rank) {
    switch (mat_version(path)) {
    case MatVersion::V5:
        return read_mat_v5_array(path, name, rank);
    case MatVersion::V73:
        return read_mat_v73_array(path, name, rank);
    default:
        throw FormatError(path.string(), "header", "not a MATLAB v5 or v7.3 MAT file");
    }
}

}  // namespace detail

using detail::char_field;
using detail::numeric_data;

RawMetadata read_sidd_metadata(const std::filesystem::path& path) {
    const std::string file = path.string();
    auto mat = detail::open_v5(path);
    detail::last_matio_message.clear();
    detail::MatVar md(Mat_VarRead(mat.get(), "metadata"));
    if (!md) throw FormatError(file, "metadata", fmt::format("no such variable: {}", detail::matio_message()));
    if (md->class_type != MAT_C_STRUCT || detail::numel_of(md.get()) < 1 || !detail::struct_holds(md.get(), 1))
        throw FormatError(file, "metadata", "is not a struct");

    const auto field = [&](const char* name) { return detail::struct_field(md.get(), name, 0); };
    const auto numbers = [&](const char* name) -> std::vector<double> {
        const matvar_t* v = field(name);
        if (!v || !detail::is_numeric(v)) return {};
        return numeric_data<double>(file, name, v);
    };
    RawMetadata m;
    m.source = file;
    const std::string make = char_field(field("Make")), model = char_field(field("Model"));
    m.camera = make.empty() ? model : model.empty() ? make : make + " " + model;

    // UnknownTags: a struct array with fields ID and Value.
    std::optional<std::array<int, 4>> cfa;
    if (matvar_t* tags = field("UnknownTags"); tags && tags->class_type == MAT_C_STRUCT) {
        const std::size_t n = detail::numel_of(tags);
        if (!detail::struct_holds(tags, n)) throw FormatError(file, "UnknownTags", "damaged struct array");
        for (std::size_t k = 0; k < n; ++k) {
            const matvar_t* id_var = detail::struct_field(tags, "ID", k);
            const matvar_t* value_var = detail::struct_field(tags, "Value", k);
            if (!id_var || !value_var || !detail::is_numeric(id_var) || !detail::is_numeric(value_var)) continue;
            const auto id = numeric_data<double>(file, "UnknownTags.ID", id_var);
            if (id.size() != 1) continue;
            const auto value = numeric_data<double>(file, "UnknownTags.Value", value_var);
            if (id[0] == 33421 && !(value.size() == 2 && value[0] == 2 && value[1] == 2))
                throw FormatError(file, "CFARepeatPatternDim", "the CFA does not repeat every 2x2 pixels");
            if (id[0] == 33422) {
                if (value.size() != 4)
                    throw FormatError(file, "CFAPattern", fmt::format("{} values, expected 4", value.size()));
                cfa = std::array<int, 4>{static_cast<int>(value[0]), static_cast<int>(value[1]),
                                         static_cast<int>(value[2]), static_cast<int>(value[3])};
            }
            if (id[0] == 51041) m.noise_profile = value;
        }
    }
    if (!cfa) throw FormatError(file, "CFAPattern", "UnknownTags has no CFAPattern (tag 33422)");
    const auto phase = bayer::BayerPhase::from_cfa_pattern(*cfa);
    if (!phase)
        throw FormatError(
            file, "CFAPattern",
            fmt::format("[{} {} {} {}] is not a Bayer pattern", (*cfa)[0], (*cfa)[1], (*cfa)[2], (*cfa)[3]));
    m.phase = *phase;

    const auto white = numbers("WhiteLevel");
    if (white.size() != 1) throw FormatError(file, "WhiteLevel", "missing or not a scalar");
    const auto black = numbers("BlackLevel");
    if (black.size() == 1) {
        m.levels.black.fill(static_cast<float>(black[0]));
    } else if (black.size() == 4) {
        // With BlackLevelRepeatDim [2 2] the four values are row-major over the 2x2 cell.
        for (int k = 0; k < 4; ++k) m.levels.black[k] = static_cast<float>(black[k]);
    } else if (!black.empty()) {
        throw FormatError(file, "BlackLevel", fmt::format("{} values; expected 1 or 4", black.size()));
    }
    m.levels.white = static_cast<float>(white[0]);
    try {
        m.levels.validate();
    } catch (const ConfigError& e) {
        throw FormatError(file, e.field(), e.detail());
    }
    m.bits_per_sample = std::max(1, static_cast<int>(std::ceil(std::log2(white[0] + 1))));

    if (const auto n = numbers("AsShotNeutral"); n.size() == 3)
        m.as_shot_neutral = std::array<double, 3>{n[0], n[1], n[2]};
    const auto matrix = [&](const char* name) -> std::optional<Matrix3> {
        const auto v = numbers(name);
        if (v.size() != 9) return std::nullopt;
        Matrix3 out{};
        std::copy(v.begin(), v.end(), out.begin());  // DNG order: row-major
        return out;
    };
    m.color_matrix1 = matrix("ColorMatrix1");
    m.color_matrix2 = matrix("ColorMatrix2");
    if (const auto v = numbers("CalibrationIlluminant1"); v.size() == 1)
        m.calibration_illuminant1 = static_cast<int>(v[0]);
    if (const auto v = numbers("CalibrationIlluminant2"); v.size() == 1)
        m.calibration_illuminant2 = static_cast<int>(v[0]);
    if (const auto v = numbers("ISOSpeedRatings"); !v.empty()) m.iso = v[0];
    if (const auto v = numbers("ExposureTime"); v.size() == 1) m.exposure_time_s = v[0];
    if (const auto v = numbers("Orientation"); v.size() == 1 && v[0] >= 1 && v[0] <= 8)
        m.orientation = static_cast<int>(v[0]);
    return m;
}

std::vector<bayer::Rect> read_benchmark_block_positions(const std::filesystem::path& path) {
    const std::string file = path.string();
    detail::MatArray a;
    // Prefer the name SIDD uses; fall back to the file's only matrix.
    try {
        a = detail::read_mat_array(path, "BenchmarkBlocks32", 2);
    } catch (const FormatError& e) {
        if (e.field() != "BenchmarkBlocks32") throw;
        a = detail::read_mat_array(path, "", 2);
    }
    if (a.dims.size() != 2 || a.dims[1] != 4 || a.dims[0] == 0)
        throw FormatError(file, a.name,
                          fmt::format("shape {}; expected K x 4 [row col height width]", fmt::join(a.dims, "x")));
    detail::require_finite(file, a);
    const std::size_t k_rows = a.dims[0];
    std::vector<bayer::Rect> out(k_rows);
    for (std::size_t k = 0; k < k_rows; ++k) {
        std::array<std::ptrdiff_t, 4> v{};
        for (std::size_t j = 0; j < 4; ++j) {
            const float x = a.data[k + k_rows * j];  // column-major
            if (x != std::floor(x) || x < 1)
                throw FormatError(file, a.name,
                                  fmt::format("row {} column {}: {} is not a positive integer", k + 1, j + 1, x));
            v[j] = static_cast<std::ptrdiff_t>(x);
        }
        out[k] = bayer::Rect{v[0] - 1, v[1] - 1, v[2], v[3]};
    }
    return out;
}

}  // namespace n2n::io
