// SPDX-License-Identifier: MIT
// MAT v7.3 through the HDF5 C API. MATLAB writes arrays column-major and HDF5 describes them
// row-major, so HDF5's dimensions are MATLAB's reversed and its row-major buffer *is* MATLAB's
// column-major order: no data movement is needed to reach the common MatArray form.
#include "mat_detail.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <hdf5.h>

namespace n2n::io::detail {
namespace {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Handle {
public:
    H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    ~H5Handle() {
        if (id_ >= 0) close_(id_);
    }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    hid_t get() const { return id_; }
    bool valid() const { return id_ >= 0; }

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

// The description of the innermost HDF5 error on this thread's stack (HDF5's own words).
std::string hdf5_message() {
    std::string text;
    H5Ewalk2(
        H5E_DEFAULT, H5E_WALK_UPWARD,
        [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
            if (n == 0 && err && err->desc) *static_cast<std::string*>(data) = err->desc;
            return 0;
        },
        &text);
    H5Eclear2(H5E_DEFAULT);
    return text.empty() ? std::string("HDF5 reported no detail") : text;
}

// Silences HDF5's automatic stderr printing for this thread; errors become exceptions instead.
void quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

MatClass class_of(hid_t type) {
    const H5T_class_t cls = H5Tget_class(type);
    const std::size_t size = H5Tget_size(type);
    if (cls == H5T_FLOAT) return size == 4 ? MatClass::Single : size == 8 ? MatClass::Double : MatClass::Other;
    if (cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_NONE)
        return size == 1 ? MatClass::UInt8 : size == 2 ? MatClass::UInt16 : MatClass::Other;
    return MatClass::Other;
}

}  // namespace

MatArray read_mat_v73_array(const std::filesystem::path& path, const std::string& name, std::size_t rank) {
    const std::string file = path.string();
    quiet_hdf5();
    if (mat_version(path) != MatVersion::V73) throw FormatError(file, "header", "not a MAT v7.3 (HDF5) file");
    H5Handle h5(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!h5.valid()) throw FormatError(file, "HDF5", hdf5_message());

    std::string chosen = name;
    if (chosen.empty()) {
        // The only dataset of the wanted rank directly under the root group.
        H5G_info_t info{};
        if (H5Gget_info(h5.get(), &info) < 0) throw FormatError(file, "HDF5", hdf5_message());
        std::vector<std::string> candidates;
        for (hsize_t k = 0; k < info.nlinks; ++k) {
            const ssize_t len =
                H5Lget_name_by_idx(h5.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
            if (len <= 0) continue;
            std::string link(static_cast<std::size_t>(len) + 1, '\0');
            H5Lget_name_by_idx(h5.get(), ".", H5_INDEX_NAME, H5_ITER_INC, k, link.data(), link.size(), H5P_DEFAULT);
            link.resize(static_cast<std::size_t>(len));
            H5O_info_t oinfo{};
            if (H5Oget_info_by_name(h5.get(), link.c_str(), &oinfo, H5P_DEFAULT) < 0 || oinfo.type != H5O_TYPE_DATASET)
                continue;
            H5Handle ds(H5Dopen2(h5.get(), link.c_str(), H5P_DEFAULT), H5Dclose);
            H5Handle sp(H5Dget_space(ds.get()), H5Sclose);
            if (ds.valid() && sp.valid() && static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp.get())) == rank)
                candidates.push_back(link);
        }
        H5Eclear2(H5E_DEFAULT);
        if (candidates.size() != 1)
            throw FormatError(file, fmt::format("{}-D variable", rank),
                              fmt::format("expected exactly one {}-D dataset, found {}", rank, candidates.size()));
        chosen = candidates.front();
    }

    if (H5Lexists(h5.get(), chosen.c_str(), H5P_DEFAULT) <= 0) throw FormatError(file, chosen, "no such dataset");
    H5Handle ds(H5Dopen2(h5.get(), chosen.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) throw FormatError(file, chosen, hdf5_message());
    H5Handle type(H5Dget_type(ds.get()), H5Tclose);
    H5Handle space(H5Dget_space(ds.get()), H5Sclose);
    if (!type.valid() || !space.valid()) throw FormatError(file, chosen, hdf5_message());

    MatArray out;
    out.name = chosen;
    const H5T_class_t cls = H5Tget_class(type.get());
    // Complex MATLAB arrays are compound {real, imag}; cell arrays are references; both rejected.
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        throw FormatError(file, chosen, "is not a real numeric array (complex, cell, struct or string)");
    out.stored_class = class_of(type.get());
    out.floating = cls == H5T_FLOAT;

    const int ndims = H5Sget_simple_extent_ndims(space.get());
    if (ndims <= 0) throw FormatError(file, chosen, "has no dimensions (scalar or null dataspace)");
    std::vector<hsize_t> h5dims(static_cast<std::size_t>(ndims));
    H5Sget_simple_extent_dims(space.get(), h5dims.data(), nullptr);
    out.dims.assign(h5dims.rbegin(), h5dims.rend());
    // MATLAB marks empty arrays with an attribute and a dataspace holding their dimensions.
    const std::size_t n = out.numel();
    if (n == 0) throw FormatError(file, chosen, "is empty");
    if (n > kMaxElements) throw FormatError(file, chosen, fmt::format("{} elements is beyond any SIDD array", n));
    // Uncompressed data must be in the file; compressed (chunked) data may be smaller, but not
    // by more than zlib's best ratio (~1000:1).
    std::error_code ec;
    const std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
    if (!ec && n > file_bytes * 1032)
        throw FormatError(file, chosen, fmt::format("{} elements cannot fit in a {}-byte file", n, file_bytes));
    {
        H5Handle empty_attr(
            H5Aexists(ds.get(), "MATLAB_empty") > 0 ? H5Aopen(ds.get(), "MATLAB_empty", H5P_DEFAULT) : -1, H5Aclose);
        if (empty_attr.valid()) {
            unsigned char flag = 0;
            if (H5Aread(empty_attr.get(), H5T_NATIVE_UCHAR, &flag) >= 0 && flag != 0)
                throw FormatError(file, chosen, "is empty (MATLAB_empty)");
        }
    }
    out.data.resize(n);
    // HDF5 converts any stored integer or float type to native float.
    if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()) < 0)
        throw FormatError(file, chosen, fmt::format("cannot read the data: {}", hdf5_message()));
    return out;
}

}  // namespace n2n::io::detail
