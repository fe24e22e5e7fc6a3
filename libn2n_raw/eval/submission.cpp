// SPDX-License-Identifier: MIT
#include "n2n_raw/eval/submission.hpp"

#include "n2n_raw/error.hpp"
#include "n2n_raw/io/npy.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <hdf5.h>
#include <matio.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <fstream>
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

// ---- HDF5 (MAT v7.3) -------------------------------------------------------------------

// Owns one HDF5 identifier; the close function depends on the kind of object.
class Hid {
public:
    Hid(hid_t id, herr_t (*close)(hid_t), const fs::path& file, const std::string& what) : id_(id), close_(close) {
        if (id < 0) throw IoError(file.string(), what, "HDF5 call failed");
    }
    ~Hid() {
        if (id_ >= 0) close_(id_);
    }
    Hid(const Hid&) = delete;
    Hid& operator=(const Hid&) = delete;
    hid_t get() const { return id_; }
    operator hid_t() const { return id_; }  // NOLINT: reads naturally in HDF5 calls

private:
    hid_t id_;
    herr_t (*close_)(hid_t);
};

void check(herr_t status, const fs::path& file, const std::string& what) {
    if (status < 0) throw IoError(file.string(), what, "HDF5 call failed");
}

void set_string_attribute(hid_t object, const char* name, const std::string& value, const fs::path& file) {
    Hid type(H5Tcopy(H5T_C_S1), H5Tclose, file, name);
    check(H5Tset_size(type, value.size()), file, name);
    Hid space(H5Screate(H5S_SCALAR), H5Sclose, file, name);
    Hid attr(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file, name);
    check(H5Awrite(attr, type, value.data()), file, name);
}

void set_class(hid_t object, const std::string& matlab_class, const fs::path& file) {
    set_string_attribute(object, "MATLAB_class", matlab_class, file);
}

template <class T>
void set_scalar_attribute(hid_t object, const char* name, hid_t type, T value, const fs::path& file) {
    Hid space(H5Screate(H5S_SCALAR), H5Sclose, file, name);
    Hid attr(H5Acreate2(object, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file, name);
    check(H5Awrite(attr, type, &value), file, name);
}

// A numeric dataset with the given HDF5 dims (already reversed from MATLAB's).
void write_dataset(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type, std::vector<hsize_t> dims,
                   const void* data, const std::string& matlab_class, const fs::path& file) {
    Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, file, name);
    Hid set(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose, file,
            name);
    check(H5Dwrite(set, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), file, name);
    set_class(set, matlab_class, file);
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
void write_char_field(hid_t parent, const std::string& name, const std::string& value, const fs::path& file) {
    const auto units = to_utf16(value);
    if (units.empty()) {
        const std::array<std::uint64_t, 2> dims{0, 0};
        write_dataset(parent, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {2}, dims.data(), "char", file);
        Hid set(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, file, name);
        set_scalar_attribute<std::uint8_t>(set, "MATLAB_empty", H5T_STD_U8LE, 1, file);
        return;
    }
    write_dataset(parent, name, H5T_STD_U16LE, H5T_NATIVE_UINT16, {units.size(), 1}, units.data(), "char", file);
    Hid set(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, file, name);
    set_scalar_attribute<std::int32_t>(set, "MATLAB_int_decode", H5T_STD_I32LE, 2, file);
}

// MATLAB lists a struct's field names, in order, as a variable-length array of 1-byte strings.
void set_struct_fields(hid_t group, const std::vector<std::string>& names, const fs::path& file) {
    Hid char_type(H5Tcopy(H5T_C_S1), H5Tclose, file, "MATLAB_fields");
    check(H5Tset_size(char_type, 1), file, "MATLAB_fields");
    Hid vlen(H5Tvlen_create(char_type), H5Tclose, file, "MATLAB_fields");
    std::vector<hvl_t> entries;
    for (const auto& n : names) entries.push_back(hvl_t{n.size(), const_cast<char*>(n.data())});
    const hsize_t count = entries.size();
    Hid space(H5Screate_simple(1, &count, nullptr), H5Sclose, file, "MATLAB_fields");
    Hid attr(H5Acreate2(group, "MATLAB_fields", vlen, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, file,
             "MATLAB_fields");
    check(H5Awrite(attr, vlen, entries.data()), file, "MATLAB_fields");
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
void write_matlab_header(const fs::path& file) {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::string text = fmt::format("MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: {:%a %b %d %H:%M:%S %Y} "
                                   "HDF5 schema 1.00 .",
                                   utc);
    text.resize(116, ' ');
    std::array<char, 512> header{};
    std::copy(text.begin(), text.end(), header.begin());
    // bytes 116..123: subsystem data offset (none); 124..125: version 0x0200; 126..127: endian "IM".
    header[124] = 0x00;
    header[125] = 0x02;
    header[126] = 'I';
    header[127] = 'M';
    std::fstream out(file, std::ios::in | std::ios::out | std::ios::binary);
    out.seekp(0);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    if (!out) throw IoError(file.string(), "header", "cannot write the MATLAB header");
}

void write_v73(const fs::path& file, const io::SiddBlocks& d, double time_mp, const SubmissionInfo& info) {
    Hid fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, file, "create");
    check(H5Pset_userblock(fcpl, 512), file, "userblock");
    {
        Hid h5(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), H5Fclose, file, "create");
        Hid refs(H5Gcreate2(h5, "#refs#", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, file, "#refs#");

        // Cell (i, b) of the images × blocks cell lives at HDF5 [b][i] (column-major).
        std::vector<hobj_ref_t> cells(static_cast<std::size_t>(d.images * d.blocks));
        std::vector<float> transposed(static_cast<std::size_t>(d.height * d.width));
        for (std::ptrdiff_t i = 0; i < d.images; ++i)
            for (std::ptrdiff_t b = 0; b < d.blocks; ++b) {
                const float* src = block_data(d, i, b);
                // A MATLAB height × width single is HDF5 [width][height]: element [c][r] = (r, c).
                for (std::ptrdiff_t r = 0; r < d.height; ++r)
                    for (std::ptrdiff_t c = 0; c < d.width; ++c) transposed[c * d.height + r] = src[r * d.width + c];
                const std::string name = ref_name(static_cast<std::size_t>(i * d.blocks + b));
                write_dataset(refs, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT,
                              {static_cast<hsize_t>(d.width), static_cast<hsize_t>(d.height)}, transposed.data(),
                              "single", file);
                check(H5Rcreate(&cells[b * d.images + i], h5, ("/#refs#/" + name).c_str(), H5R_OBJECT, -1), file,
                      "DenoisedBlocksRaw");
            }
        write_dataset(h5, "DenoisedBlocksRaw", H5T_STD_REF_OBJ, H5T_STD_REF_OBJ,
                      {static_cast<hsize_t>(d.blocks), static_cast<hsize_t>(d.images)}, cells.data(), "cell", file);

        write_dataset(h5, "TimeMPRaw", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {1, 1}, &time_mp, "double", file);

        Hid optional(H5Gcreate2(h5, "OptionalData", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, file,
                     "OptionalData");
        set_class(optional, "struct", file);
        const std::vector<std::pair<std::string, const std::string*>> fields{{"MethodName", &info.method_name},
                                                                             {"Authors", &info.authors},
                                                                             {"PaperTitle", &info.paper_title},
                                                                             {"Venue", &info.venue},
                                                                             {"MachineSpecs", &info.machine_specs}};
        std::vector<std::string> names;
        for (const auto& [name, value] : fields) {
            write_char_field(optional, name, *value, file);
            names.push_back(name);
        }
        set_struct_fields(optional, names, file);
        check(H5Fflush(h5, H5F_SCOPE_GLOBAL), file, "flush");
    }
    write_matlab_header(file);
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
    io::write_file_atomically(path, [&](const fs::path& tmp) { write_v73(tmp, denoised, time_mp_raw, info); });
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
