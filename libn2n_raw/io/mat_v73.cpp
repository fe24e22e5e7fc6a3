// SPDX-License-Identifier: MIT
// MAT v7.3 through the HDF5 C API, reading and writing. MATLAB writes arrays column-major and
// HDF5 describes them row-major, so HDF5's dimensions are MATLAB's reversed and its row-major
// buffer *is* MATLAB's column-major order: reading needs no data movement to reach the common
// MatArray form; writing a row-major image transposes it.
#include "n2n_raw/io/mat_v73.hpp"

#include "mat_array.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fstream>
#include <hdf5.h>
#include <string>
#include <string_view>
#include <vector>

namespace n2n::io {
namespace {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class H5Handle {
public:
    H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
    ~H5Handle() {
        if (id_ >= 0) close_(id_);
    }
    H5Handle(H5Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
    H5Handle(const H5Handle&) = delete;
    H5Handle& operator=(const H5Handle&) = delete;
    H5Handle& operator=(H5Handle&&) = delete;
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

// The names of the links directly under the root group, in name order.
std::vector<std::string> root_links(hid_t h5, const std::string& file) {
    H5G_info_t info{};
    if (H5Gget_info(h5, &info) < 0) throw FormatError(file, "HDF5", hdf5_message());
    std::vector<std::string> links;
    for (hsize_t k = 0; k < info.nlinks; ++k) {
        const ssize_t len = H5Lget_name_by_idx(h5, ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
        if (len <= 0) continue;
        std::string link(static_cast<std::size_t>(len) + 1, '\0');
        H5Lget_name_by_idx(h5, ".", H5_INDEX_NAME, H5_ITER_INC, k, link.data(), link.size(), H5P_DEFAULT);
        link.resize(static_cast<std::size_t>(len));
        links.push_back(std::move(link));
    }
    return links;
}

// The MATLAB_class attribute MATLAB writes on every variable; empty when absent.
std::string matlab_class_attribute(hid_t object) {
    if (H5Aexists(object, "MATLAB_class") <= 0) return {};
    H5Handle attr(H5Aopen(object, "MATLAB_class", H5P_DEFAULT), H5Aclose);
    H5Handle type(attr.valid() ? H5Aget_type(attr.get()) : -1, H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0) return {};
    std::string text(H5Tget_size(type.get()), '\0');
    if (H5Aread(attr.get(), type.get(), text.data()) < 0) return {};
    return text.substr(0, text.find('\0'));
}

}  // namespace

namespace detail {

std::vector<MatVariableInfo> list_mat_v73_variables(const std::filesystem::path& path) {
    const std::string file = path.string();
    quiet_hdf5();
    H5Handle h5(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!h5.valid()) throw FormatError(file, "HDF5", hdf5_message());
    std::vector<MatVariableInfo> out;
    for (const std::string& link : root_links(h5.get(), file)) {
        if (link.starts_with('#')) continue;  // MATLAB's #refs# / #subsystem#: cell contents, not variables
        H5Handle object(H5Oopen(h5.get(), link.c_str(), H5P_DEFAULT), H5Oclose);
        if (!object.valid()) throw FormatError(file, link, hdf5_message());
        MatVariableInfo v{link, {1, 1}, matlab_class_attribute(object.get())};
        H5O_info_t oinfo{};
        if (H5Oget_info(object.get(), &oinfo) >= 0 && oinfo.type == H5O_TYPE_DATASET) {
            H5Handle space(H5Dget_space(object.get()), H5Sclose);
            const int ndims = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
            if (ndims > 0) {
                std::vector<hsize_t> h5dims(static_cast<std::size_t>(ndims));
                H5Sget_simple_extent_dims(space.get(), h5dims.data(), nullptr);
                v.dims.assign(h5dims.rbegin(), h5dims.rend());
            }
            if (v.matlab_class.empty()) {
                H5Handle type(H5Dget_type(object.get()), H5Tclose);
                const MatClass cls = type.valid() ? class_of(type.get()) : MatClass::Other;
                v.matlab_class = cls == MatClass::Single ? "single" : cls == MatClass::Double ? "double" : "unknown";
            }
        } else if (v.matlab_class.empty()) {
            v.matlab_class = "struct";  // a group without MATLAB's attribute
        }
        H5Eclear2(H5E_DEFAULT);
        out.push_back(std::move(v));
    }
    return out;
}

MatArray read_mat_v73_array(const std::filesystem::path& path, const std::string& name, std::size_t rank) {
    const std::string file = path.string();
    quiet_hdf5();
    if (mat_version(path) != MatVersion::V73) throw FormatError(file, "header", "not a MAT v7.3 (HDF5) file");
    H5Handle h5(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!h5.valid()) throw FormatError(file, "HDF5", hdf5_message());

    std::string chosen = name;
    if (chosen.empty()) {
        // The only dataset of the wanted rank directly under the root group.
        std::vector<std::string> candidates;
        for (const std::string& link : root_links(h5.get(), file)) {
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
    // A dataset whose storage was never written reads back as fill values: made-up data, and
    // HDF5 1.10 can crash filling it from a damaged fill-value message (fuzz_regressions/mat_v73/).
    if (H5Dget_storage_size(ds.get()) == 0) throw FormatError(file, chosen, "holds no stored data (fill values only)");
    out.data.resize(n);
    // HDF5 converts any stored integer or float type to native float.
    if (H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()) < 0)
        throw FormatError(file, chosen, fmt::format("cannot read the data: {}", hdf5_message()));
    return out;
}

}  // namespace detail

// ---- writing ----------------------------------------------------------------------------

namespace {

namespace fs = std::filesystem;

// An HDF5 identifier that must be valid: IoError naming the file and variable otherwise.
H5Handle created(hid_t id, herr_t (*close)(hid_t), const std::string& file, const std::string& what) {
    if (id < 0) throw IoError(file, what, fmt::format("HDF5 cannot create it: {}", hdf5_message()));
    return {id, close};
}

void check(herr_t status, const std::string& file, const std::string& what) {
    if (status < 0) throw IoError(file, what, fmt::format("HDF5 write failed: {}", hdf5_message()));
}

void set_string_attribute(hid_t object, const char* name, const std::string& value, const std::string& file) {
    const H5Handle type = created(H5Tcopy(H5T_C_S1), H5Tclose, file, name);
    check(H5Tset_size(type.get(), value.size()), file, name);
    const H5Handle space = created(H5Screate(H5S_SCALAR), H5Sclose, file, name);
    const H5Handle attr =
        created(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file, name);
    check(H5Awrite(attr.get(), type.get(), value.data()), file, name);
}

template <class T>
void set_scalar_attribute(hid_t object, const char* name, hid_t type, T value, const std::string& file) {
    const H5Handle space = created(H5Screate(H5S_SCALAR), H5Sclose, file, name);
    const H5Handle attr = created(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file, name);
    check(H5Awrite(attr.get(), type, &value), file, name);
}

// A dataset of HDF5 dims `dims` (MATLAB's reversed) tagged with its MATLAB class; returns it open.
H5Handle write_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type, std::vector<hsize_t> dims,
                       const void* data, const std::string& matlab_class, const std::string& file) {
    const H5Handle space =
        created(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, file, name);
    H5Handle set = created(H5Dcreate2(parent, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                           H5Dclose, file, name);
    check(H5Dwrite(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, name);
    set_string_attribute(set.get(), "MATLAB_class", matlab_class, file);
    return set;
}

// A height × width single from a row-major image: HDF5 [width][height], element [c][r] = (r, c).
void write_single_matrix(hid_t parent, const std::string& name, ImageView<const float> m, const std::string& file) {
    std::vector<float> column_major(static_cast<std::size_t>(m.height() * m.width()));
    for (std::ptrdiff_t r = 0; r < m.height(); ++r)
        for (std::ptrdiff_t c = 0; c < m.width(); ++c) column_major[static_cast<std::size_t>(c * m.height() + r)] = m(r, c);
    write_dataset(parent, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                  {static_cast<hsize_t>(m.width()), static_cast<hsize_t>(m.height())}, column_major.data(), "single",
                  file);
}

// UTF-8 to UTF-16 code units (MATLAB char is UTF-16); code points beyond the BMP become '?'.
std::vector<std::uint16_t> to_utf16(const std::string& text) {
    std::vector<std::uint16_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
        if (extra < 0 || (extra > 0 && i + static_cast<std::size_t>(extra) >= text.size())) {
            out.push_back('?');
            ++i;
            continue;
        }
        std::uint32_t cp = extra == 0 ? c : (c & (0x3F >> extra));
        for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
        out.push_back(cp > 0xFFFF ? std::uint16_t{'?'} : static_cast<std::uint16_t>(cp));
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

// A MATLAB 1 × n char row: uint16 HDF5 [n][1]; MATLAB writes an empty char as its dims [0 0].
void write_char_field(hid_t parent, const std::string& name, const std::string& value, const std::string& file) {
    const auto units = to_utf16(value);
    if (units.empty()) {
        const std::array<std::uint64_t, 2> dims{0, 0};
        const H5Handle set = write_dataset(parent, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {2}, dims.data(), "char", file);
        set_scalar_attribute<std::uint8_t>(set.get(), "MATLAB_empty", H5T_STD_U8LE, 1, file);
        return;
    }
    const H5Handle set =
        write_dataset(parent, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, {units.size(), 1}, units.data(), "char", file);
    set_scalar_attribute<std::int32_t>(set.get(), "MATLAB_int_decode", H5T_STD_I32LE, 2, file);
}

// MATLAB lists a struct's field names, in order, as a variable-length array of 1-byte strings.
void set_struct_fields(hid_t group, const std::vector<std::string>& names, const std::string& file) {
    const H5Handle char_type = created(H5Tcopy(H5T_C_S1), H5Tclose, file, "MATLAB_fields");
    check(H5Tset_size(char_type.get(), 1), file, "MATLAB_fields");
    const H5Handle vlen = created(H5Tvlen_create(char_type.get()), H5Tclose, file, "MATLAB_fields");
    std::vector<hvl_t> entries;
    entries.reserve(names.size());
    for (const auto& n : names) entries.push_back(hvl_t{n.size(), const_cast<char*>(n.data())});
    const hsize_t count = entries.size();
    const H5Handle space = created(H5Screate_simple(1, &count, nullptr), H5Sclose, file, "MATLAB_fields");
    const H5Handle attr = created(H5Acreate2(group, "MATLAB_fields", vlen.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                  H5Aclose, file, "MATLAB_fields");
    check(H5Awrite(attr.get(), vlen.get(), entries.data()), file, "MATLAB_fields");
}

// Names of the referenced datasets, as MATLAB makes them: a, b, ..., z, A..Z, then two letters.
std::string ref_name(std::size_t index) {
    static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    std::string name;
    do {
        name.insert(name.begin(), kAlphabet[index % kAlphabet.size()]);
        index /= kAlphabet.size();
    } while (index > 0);
    return name;
}

// The 128-byte text/version header MATLAB puts in the HDF5 user block.
void write_matlab_header(const fs::path& path, const std::string& file) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::string text = fmt::format("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: {:%a %b %d %H:%M:%S %Y} "
                                   "HDF5 schema 1.00 .",
                                   utc);
    text.resize(116, ' ');
    std::array<char, 512> header{};  // the whole user block
    std::copy(text.begin(), text.end(), header.begin());
    // bytes 116..123: subsystem data offset (none); 124..125: version 0x0200; 126..127: endian "IM".
    header[124] = 0x00;
    header[125] = 0x02;
    header[126] = 'I';
    header[127] = 'M';
    std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(0);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.flush();
    if (!out) throw IoError(file, "header", "cannot write the MATLAB header");
}

}  // namespace

MatV73Writer::MatV73Writer(const fs::path& path, std::string label) : path_(path), label_(std::move(label)) {
    quiet_hdf5();
    const H5Handle fcpl = created(H5Pcreate(H5P_FILE_CREATE), H5Pclose, label_, "create");
    check(H5Pset_userblock(fcpl.get(), 512), label_, "userblock");
    file_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT);
    if (file_ < 0) throw IoError(label_, "create", fmt::format("HDF5 cannot create the file: {}", hdf5_message()));
}

MatV73Writer::~MatV73Writer() {
    if (file_ >= 0) H5Fclose(file_);
}

void MatV73Writer::write_single(const std::string& name, ImageView<const float> matrix) {
    write_single_matrix(file_, name, matrix, label_);
}

void MatV73Writer::write_double_scalar(const std::string& name, double value) {
    write_dataset(file_, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {1, 1}, &value, "double", label_);
}

void MatV73Writer::write_single_cell(const std::string& name, std::ptrdiff_t rows, std::ptrdiff_t cols,
                                     const std::function<ImageView<const float>(std::ptrdiff_t, std::ptrdiff_t)>& cell) {
    H5Handle refs(H5Lexists(file_, "#refs#", H5P_DEFAULT) > 0 ? H5Gopen2(file_, "#refs#", H5P_DEFAULT)
                                                               : H5Gcreate2(file_, "#refs#", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Gclose);
    if (!refs.valid()) throw IoError(label_, "#refs#", hdf5_message());
    // Cell (i, j) of the rows × cols cell lives at HDF5 [j][i] (column-major).
    std::vector<hobj_ref_t> cells(static_cast<std::size_t>(rows * cols));
    for (std::ptrdiff_t i = 0; i < rows; ++i)
        for (std::ptrdiff_t j = 0; j < cols; ++j) {
            const std::string ref = ref_name(refs_++);
            write_single_matrix(refs.get(), ref, cell(i, j), label_);
            check(H5Rcreate(&cells[static_cast<std::size_t>(j * rows + i)], file_, ("/#refs#/" + ref).c_str(), H5R_OBJECT, -1),
                  label_, name);
        }
    write_dataset(file_, name, H5T_STD_REF_OBJ, H5T_STD_REF_OBJ, {static_cast<hsize_t>(cols), static_cast<hsize_t>(rows)},
                  cells.data(), "cell", label_);
}

void MatV73Writer::write_char_struct(const std::string& name,
                                     const std::vector<std::pair<std::string, std::string>>& fields) {
    const H5Handle group =
        created(H5Gcreate2(file_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, label_, name);
    set_string_attribute(group.get(), "MATLAB_class", "struct", label_);
    std::vector<std::string> names;
    for (const auto& [field, value] : fields) {
        write_char_field(group.get(), field, value, label_);
        names.push_back(field);
    }
    set_struct_fields(group.get(), names, label_);
}

void MatV73Writer::close() {
    if (file_ < 0) return;
    check(H5Fflush(file_, H5F_SCOPE_GLOBAL), label_, "flush");
    const herr_t status = H5Fclose(file_);
    file_ = -1;
    check(status, label_, "close");
    write_matlab_header(path_, label_);
}

}  // namespace n2n::io
