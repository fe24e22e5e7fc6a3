// SPDX-License-Identifier: MIT
// Camera RAW through LibRaw's thread-safe C API (libraw_r). LibRaw stores the sensor with its
// masked margins (raw_image, raw_pitch bytes per row) but answers COLOR(row, col) in *visible*
// coordinates, i.e. relative to (top_margin, left_margin): both frames meet in this file only.
#include "n2n_raw/io/camera_raw.hpp"

#include "n2n_raw/bayer/geometry.hpp"
#include "n2n_raw/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <libraw/libraw.h>
#include <memory>
#include <optional>
#include <tiffio.h>
#include <vector>

namespace n2n::io {
namespace {

struct LibRawCloser {
    void operator()(libraw_data_t* data) const { libraw_close(data); }
};
using LibRawHandle = std::unique_ptr<libraw_data_t, LibRawCloser>;

void check(int code, const std::string& file, const char* call) {
    if (code == LIBRAW_SUCCESS) return;
    // Positive codes are errno values from the file layer; negative ones are LibRaw's own.
    if (code > 0) throw IoError(file, call, std::strerror(code));
    // The file was opened already, so LibRaw's I/O error means it ended early or is damaged.
    if (code == LIBRAW_IO_ERROR)
        throw FormatError(file, call, fmt::format("{} (truncated file?)", libraw_strerror(code)));
    throw FormatError(file, call, libraw_strerror(code));
}

// LibRaw reports damaged data through a callback and carries on with zeros; we record it so
// that a truncated or corrupt file becomes an error instead of a silently wrong mosaic.
struct DataErrors {
    int count = 0;
    int first_offset = 0;
};
void on_data_error(void* data, const char* /*file*/, const int offset) {
    auto* errors = static_cast<DataErrors*>(data);
    if (errors->count++ == 0) errors->first_offset = offset;
}

// LibRaw also "identifies" headerless files by their exact byte count (a table of old cameras),
// so a user's sensor dump of a matching size decodes as garbage. Formats with a header do not
// depend on the count: if one trailing byte changes what LibRaw sees, only the size spoke.
// TIFF-based files (DNG, CR2, NEF, ARW, PEF, ...) are recognised by their header and skip the
// probe, which copies the file.
bool identified_only_by_size(const std::string& file, const libraw_data_t& opened) {
    std::ifstream in(file, std::ios::binary);
    char head[4] = {};
    in.read(head, 4);
    if (in.gcount() == 4 && (std::memcmp(head, "II*\0", 4) == 0 || std::memcmp(head, "MM\0*", 4) == 0)) return false;
    in.seekg(0);
    std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    bytes.push_back(0);
    LibRawHandle probe(libraw_init(0));
    if (!probe) return false;
    if (libraw_open_buffer(probe.get(), bytes.data(), bytes.size()) != LIBRAW_SUCCESS) return true;
    return std::strcmp(probe->idata.make, opened.idata.make) != 0 ||
           std::strcmp(probe->idata.model, opened.idata.model) != 0 ||
           probe->sizes.raw_width != opened.sizes.raw_width || probe->sizes.raw_height != opened.sizes.raw_height;
}

// DNG/dcraw "flip" (bit 0 mirror x, bit 1 mirror y, bit 2 transpose) -> EXIF Orientation.
int exif_orientation(int flip) {
    static constexpr int kExif[8] = {1, 2, 4, 3, 5, 8, 6, 7};
    return kExif[flip & 7];
}

// LibRaw 0.20 does not read DNG's NoiseProfile (tag 51041), so libtiff reads it from the raw IFD:
// IFD 0 (as our writer puts it), else the first full-resolution SubIFD (Adobe's converter).
// Nothing when libtiff cannot follow the IFDs: LibRaw decoded the image, the tag is optional.
constexpr ttag_t kNoiseProfile = 51041;
int quiet_tiff_handler(TIFF*, void*, const char*, const char*, va_list) { return 1; }

std::vector<double> read_dng_noise_profile(const std::string& file) {
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, quiet_tiff_handler, nullptr);
    TIFFOpenOptionsSetWarningHandlerExtR(options, quiet_tiff_handler, nullptr);
    std::unique_ptr<TIFF, void (*)(TIFF*)> tiff(TIFFOpenExt(file.c_str(), "r", options), TIFFClose);
    TIFFOpenOptionsFree(options);
    if (!tiff) return {};
    TIFF* t = tiff.get();
    // libtiff 4.5 does not know the tag: it arrives as an anonymous field typed as the file has it.
    const auto read_here = [&]() -> std::optional<std::vector<double>> {
        const TIFFField* field = TIFFFindField(t, kNoiseProfile, TIFF_ANY);
        if (field == nullptr) return std::nullopt;
        if (TIFFFieldDataType(field) != TIFF_DOUBLE)
            throw FormatError(file, "NoiseProfile", fmt::format("stored as TIFF type {}, DNG requires DOUBLE",
                                                                static_cast<int>(TIFFFieldDataType(field))));
        std::uint32_t count = 0;
        std::uint16_t count16 = 0;
        const double* values = nullptr;
        const bool wide = TIFFFieldReadCount(field) == TIFF_VARIABLE2;
        if ((wide ? TIFFGetField(t, kNoiseProfile, &count, &values) : TIFFGetField(t, kNoiseProfile, &count16, &values)) != 1)
            return std::nullopt;
        if (!wide) count = count16;
        return std::vector<double>(values, values + (values ? count : 0));
    };
    if (auto here = read_here()) return *here;
    std::uint16_t subifd_count = 0;
    const std::uint64_t* subifd_offsets = nullptr;
    if (TIFFGetField(t, TIFFTAG_SUBIFD, &subifd_count, &subifd_offsets) != 1) return {};
    // Copied: reading a SubIFD frees the array.
    const std::vector<std::uint64_t> subifds(subifd_offsets, subifd_offsets + subifd_count);
    for (const std::uint64_t offset : subifds) {
        std::uint32_t subfile_type = 1;
        if (TIFFSetSubDirectory(t, offset) != 1) continue;
        if (TIFFGetField(t, TIFFTAG_SUBFILETYPE, &subfile_type) == 1 && subfile_type != 0) continue;
        if (auto here = read_here()) return *here;
    }
    return {};
}

}  // namespace

RawFrame read_camera_raw(const std::filesystem::path& path, const CameraRawOptions& options) {
    const std::string file = path.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw IoError(file, "open", "no such file");

    LibRawHandle raw(libraw_init(0));
    if (!raw) throw IoError(file, "libraw_init", "out of memory");
    DataErrors data_errors;
    libraw_set_dataerror_handler(raw.get(), on_data_error, &data_errors);
    check(libraw_open_file(raw.get(), file.c_str()), file, "libraw_open_file");
    if (identified_only_by_size(file, *raw))
        throw ConfigError(file, "width",
                          fmt::format("LibRaw recognises this file only by its size (as a {} {}); it looks like a "
                                      "headerless dump: give --width, --height, --phase and --bits",
                                      raw->idata.make, raw->idata.model));

    const libraw_iparams_t& id = raw->idata;
    const unsigned filters = id.filters;
    // 0: no CFA (linear DNG, Foveon), 1: Leaf CatchLight, 9: Fuji X-Trans 6x6; otherwise a
    // 2x2-periodic pattern packed into 32 bits (8 rows x 2 columns of 2-bit colour indices).
    if (id.is_foveon || filters == 0 || filters == 1 || filters == 9 || id.colors != 3)
        throw FormatError(file, "CFA",
                          fmt::format("not a Bayer sensor (filters 0x{:x}, colors {}, foveon {}): {} {}", filters,
                                      id.colors, id.is_foveon, id.make, id.model));

    check(libraw_unpack(raw.get()), file, "libraw_unpack");
    if (data_errors.count > 0)
        throw FormatError(file, "libraw_unpack",
                          data_errors.first_offset < 0 ? std::string("unexpected end of file (truncated)")
                                                       : fmt::format("corrupt data near byte 0x{:x} ({} error(s))",
                                                                     data_errors.first_offset, data_errors.count));
    const libraw_image_sizes_t& s = raw->sizes;
    const libraw_rawdata_t& rd = raw->rawdata;
    if (rd.raw_image == nullptr)
        throw FormatError(file, "CFA", "LibRaw decoded no single-plane Bayer data (colour or float raw)");

    // Colour of each position of the 2x2 cell at the visible origin.
    std::array<int, 4> pattern{};
    for (int k = 0; k < 4; ++k) {
        const int idx = libraw_COLOR(raw.get(), k >> 1, k & 1);
        const char letter = (idx >= 0 && idx < 4) ? id.cdesc[idx] : '?';
        pattern[k] = letter == 'R' ? 0 : letter == 'G' ? 1 : letter == 'B' ? 2 : -1;
    }
    const auto phase = bayer::BayerPhase::from_cfa_pattern(pattern);
    if (!phase)
        throw FormatError(file, "CFA",
                          fmt::format("2x2 colour pattern [{} {} {} {}] (cdesc \"{}\") is not a Bayer phase",
                                      pattern[0], pattern[1], pattern[2], pattern[3], id.cdesc));
    // A Bayer 'filters' word must repeat every 2 rows; anything else is not a 2x2 CFA.
    for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c)
            if (libraw_COLOR(raw.get(), r, c) != libraw_COLOR(raw.get(), r & 1, c & 1))
                throw FormatError(file, "CFA", fmt::format("filters 0x{:x} is not 2x2 periodic", filters));

    // Black per position of the visible 2x2 cell: global + per colour + spatial pattern.
    const libraw_colordata_t& color = raw->color;
    bayer::Levels levels;
    const unsigned pat_h = color.cblack[4], pat_w = color.cblack[5];
    const bool has_pattern = pat_h > 0 && pat_w > 0 && 6 + pat_h * pat_w <= LIBRAW_CBLACK_SIZE;
    const auto pattern_at = [&](unsigned r, unsigned c) { return color.cblack[6 + (r % pat_h) * pat_w + c % pat_w]; };
    if (has_pattern)
        // Levels hold a 2x2 repeat: a larger spatial pattern is only accepted when 2x2 periodic.
        for (unsigned r = 0; r < 2 * pat_h; ++r)
            for (unsigned c = 0; c < 2 * pat_w; ++c)
                if (pattern_at(r, c) != pattern_at(r & 1, c & 1))
                    throw FormatError(file, "black level",
                                      fmt::format("{}x{} black pattern is not 2x2 periodic", pat_h, pat_w));
    for (unsigned r = 0; r < 2; ++r)
        for (unsigned c = 0; c < 2; ++c) {
            double b = static_cast<double>(color.black) +
                       color.cblack[libraw_COLOR(raw.get(), static_cast<int>(r), static_cast<int>(c)) & 3];
            if (has_pattern) b += pattern_at(r, c);
            levels.black[2 * r + c] = static_cast<float>(b);
        }
    levels.white = static_cast<float>(color.maximum);
    try {
        levels.validate();
    } catch (const ConfigError& e) {
        throw FormatError(file, e.field(), e.detail());
    }

    // The area to return, in visible coordinates.
    bayer::Rect area{0, 0, s.height, s.width};
    const libraw_raw_inset_crop_t& inset = s.raw_inset_crop;
    if (options.inset_crop && inset.cwidth > 0 && inset.cheight > 0) {
        // The inset crop is stated in full-sensor coordinates (margins included).
        const bayer::Rect crop{static_cast<std::ptrdiff_t>(inset.ctop) - s.top_margin,
                               static_cast<std::ptrdiff_t>(inset.cleft) - s.left_margin, inset.cheight, inset.cwidth};
        if (crop.row >= 0 && crop.col >= 0 && crop.row + crop.height <= s.height && crop.col + crop.width <= s.width)
            area = crop;
    }
    const std::size_t pitch = rd.sizes.raw_pitch / sizeof(unsigned short);
    if (area.height <= 0 || area.width <= 0 || s.top_margin + area.row + area.height > rd.sizes.raw_height ||
        s.left_margin + area.col + area.width > rd.sizes.raw_width || pitch < rd.sizes.raw_width)
        throw FormatError(file, "size",
                          fmt::format("visible area {}x{}+{}+{} exceeds the raw buffer {}x{}", s.width, s.height,
                                      s.left_margin, s.top_margin, rd.sizes.raw_width, rd.sizes.raw_height));

    RawFrame frame;
    frame.mosaic = Image<float>(area.height, area.width);
    for (std::ptrdiff_t r = 0; r < area.height; ++r) {
        const unsigned short* src =
            rd.raw_image + (s.top_margin + area.row + r) * pitch + s.left_margin + static_cast<std::size_t>(area.col);
        float* dst = frame.mosaic.view().row(r);
        for (std::ptrdiff_t c = 0; c < area.width; ++c) dst[c] = src[c];
    }

    RawMetadata& m = frame.meta;
    m.source = file;
    m.camera = fmt::format("{} {}", id.make, id.model);
    m.make = id.make;
    m.model = id.model;
    m.phase = phase->cropped(area.row, area.col);
    m.levels = levels.cropped(area.row, area.col);
    // Bits: enough to hold the white level.
    m.bits_per_sample = std::max(1, static_cast<int>(std::ceil(std::log2(static_cast<double>(color.maximum) + 1))));
    if (color.cam_mul[0] > 0 && color.cam_mul[1] > 0 && color.cam_mul[2] > 0) {
        const double g = color.cam_mul[1];
        m.as_shot_neutral = std::array<double, 3>{g / color.cam_mul[0], 1.0, g / color.cam_mul[2]};
    }
    // DNG files carry their own XYZ -> camera matrices (with illuminants); for other formats
    // LibRaw's cam_xyz comes from its Adobe-derived D65 tables.
    const auto to_matrix = [](const float(*rows)[3]) -> std::optional<Matrix3> {
        Matrix3 out{};
        bool any = false;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) {
                out[3 * r + c] = rows[r][c];
                any = any || rows[r][c] != 0.F;
            }
        return any ? std::optional<Matrix3>(out) : std::nullopt;
    };
    if (id.dng_version != 0) {
        for (int k = 0; k < 2; ++k) {
            const libraw_dng_color_t& dc = color.dng_color[k];
            // LibRaw 0.20 does not flag these in parsedfields: an all-zero matrix means absent.
            auto& matrix = k == 0 ? m.color_matrix1 : m.color_matrix2;
            auto& illuminant = k == 0 ? m.calibration_illuminant1 : m.calibration_illuminant2;
            matrix = to_matrix(dc.colormatrix);
            if (matrix && dc.illuminant != 0) illuminant = dc.illuminant;
        }
    }
    if (!m.color_matrix1) {
        m.color_matrix1 = to_matrix(color.cam_xyz);
        if (m.color_matrix1) m.calibration_illuminant1 = 21;
    }
    if (raw->other.iso_speed > 0) m.iso = raw->other.iso_speed;
    if (raw->other.shutter > 0) m.exposure_time_s = raw->other.shutter;
    if (raw->other.aperture > 0) m.f_number = raw->other.aperture;
    if (raw->other.focal_len > 0) m.focal_length_mm = raw->other.focal_len;
    // LibRaw turns the EXIF date into time_t with mktime (local time); localtime gives it back.
    if (raw->other.timestamp > 0) {
        std::tm local{};
        const std::time_t stamp = raw->other.timestamp;
        if (localtime_r(&stamp, &local) != nullptr) {
            char text[20];
            if (std::strftime(text, sizeof text, "%Y:%m:%d %H:%M:%S", &local) == 19) m.capture_time = text;
        }
    }
    m.orientation = exif_orientation(s.flip);
    if (id.dng_version != 0) {
        m.noise_profile = read_dng_noise_profile(file);
        // A damaged profile is refused, not dropped: a silent blind fit instead would be wrong output.
        if (const auto problem = m.noise_profile.empty() ? std::nullopt : noise_profile_problem(m.noise_profile))
            throw FormatError(file, "NoiseProfile", *problem);
    }
    return frame;
}

}  // namespace n2n::io
