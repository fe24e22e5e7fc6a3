// SPDX-License-Identifier: MIT
// MAT v5 through matio: numeric arrays in the common MatArray form, and the matio helpers the
// SIDD metadata reader walks structs with.
#include "mat_v5.hpp"

#include "n2n_raw/error.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <fmt/format.h>
#include <mutex>
#include <utility>

namespace n2n::io::detail {

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
}  // namespace

std::string matio_message() {
    return last_matio_message.empty() ? std::string("matio reported no detail") : last_matio_message;
}

void MatCloser::operator()(mat_t* m) const { Mat_Close(m); }
void VarFreer::operator()(matvar_t* v) const { Mat_VarFree(v); }

MatFile open_v5(const std::filesystem::path& path) {
    install_matio_logger();
    if (mat_version(path) != MatVersion::V5) throw FormatError(path.string(), "header", "not a MAT v5 file");
    last_matio_message.clear();
    MatFile mat(Mat_Open(path.string().c_str(), MAT_ACC_RDONLY));
    if (!mat) throw FormatError(path.string(), "header", fmt::format("matio cannot open it: {}", matio_message()));
    return mat;
}

MatVar read_variable(mat_t* mat, const std::string& name) {
    last_matio_message.clear();
    return MatVar(Mat_VarRead(mat, name.c_str()));
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

template std::vector<float> numeric_data<float>(const std::string&, const std::string&, const matvar_t*);
template std::vector<double> numeric_data<double>(const std::string&, const std::string&, const matvar_t*);

namespace {
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

}  // namespace

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

std::vector<MatVariableInfo> list_mat_v5_variables(const std::filesystem::path& path) {
    static constexpr std::array<std::pair<matio_classes, const char*>, 16> kNames{{
        {MAT_C_CELL, "cell"},     {MAT_C_STRUCT, "struct"}, {MAT_C_OBJECT, "object"}, {MAT_C_CHAR, "char"},
        {MAT_C_SPARSE, "sparse"}, {MAT_C_DOUBLE, "double"}, {MAT_C_SINGLE, "single"}, {MAT_C_INT8, "int8"},
        {MAT_C_UINT8, "uint8"},   {MAT_C_INT16, "int16"},   {MAT_C_UINT16, "uint16"}, {MAT_C_INT32, "int32"},
        {MAT_C_UINT32, "uint32"}, {MAT_C_INT64, "int64"},   {MAT_C_UINT64, "uint64"}, {MAT_C_FUNCTION, "function"},
    }};
    MatFile mat = open_v5(path);
    std::vector<MatVariableInfo> out;
    while (MatVar info{Mat_VarReadNextInfo(mat.get())}) {
        MatVariableInfo v;
        v.name = info->name ? info->name : "";
        if (info->dims) v.dims.assign(info->dims, info->dims + info->rank);
        const auto it = std::find_if(kNames.begin(), kNames.end(), [&](const auto& k) { return k.first == info->class_type; });
        v.matlab_class = it != kNames.end() ? it->second : "unknown";
        if (info->isComplex && is_numeric(info.get())) v.matlab_class += " complex";
        out.push_back(std::move(v));
    }
    return out;
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
    MatVar var = read_variable(mat.get(), chosen);
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

}  // namespace n2n::io::detail
