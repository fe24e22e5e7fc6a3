// SPDX-License-Identifier: MIT
// Internal to io/: MAT v5 files through matio. matio's own logger would abort the process on
// errors; ours keeps the message for the exception. Not installed.
#pragma once

#include "mat_array.hpp"

#include <filesystem>
#include <matio.h>
#include <memory>
#include <string>
#include <vector>

namespace n2n::io::detail {

struct MatCloser {
    void operator()(mat_t* m) const;
};
struct VarFreer {
    void operator()(matvar_t* v) const;
};
using MatFile = std::unique_ptr<mat_t, MatCloser>;
using MatVar = std::unique_ptr<matvar_t, VarFreer>;

/// Opens a MAT v5 file read-only. Throws FormatError (field "header") when it is not one.
MatFile open_v5(const std::filesystem::path& path);

/// Variable `name` of `mat`, or null (matio_message() then says why).
MatVar read_variable(mat_t* mat, const std::string& name);

/// matio's last error message on this thread, or a placeholder.
std::string matio_message();

/// True for the real numeric classes (double, single, (u)int8..64).
bool is_numeric(const matvar_t* v);

/// Number of elements, saturated so that a damaged header cannot wrap it around.
std::size_t numel_of(const matvar_t* v);

/// A numeric variable's data converted to T (float or double), column-major as stored. Throws
/// FormatError (field `field`) for non-numeric, complex, oversized or short data.
template <class T>
std::vector<T> numeric_data(const std::string& file, const std::string& field, const matvar_t* v);

/// True when a struct (array) really holds `elements` × fields field pointers.
bool struct_holds(matvar_t* v, std::size_t elements);

/// Field `name` of element `index` of a struct array, or nullptr.
matvar_t* struct_field(matvar_t* v, const char* name, std::size_t index);

/// A char field as ASCII (non-ASCII UTF-16 units become '?'); empty if absent.
std::string char_field(const matvar_t* v);

}  // namespace n2n::io::detail
