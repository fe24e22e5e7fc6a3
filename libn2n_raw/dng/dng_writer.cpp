// SPDX-License-Identifier: MIT
#include "n2n_raw/dng/dng_writer.hpp"

#include "n2n_raw/bayer/levels.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/io/atomic_file.hpp"
#include "n2n_raw/io/tiff_memory.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <fmt/format.h>
#include <ostream>

namespace n2n::dng {
namespace {

// Not in libtiff 4.5's IFD 0 tag table: DNG 1.2's NoiseReductionApplied, DNG 1.3's NoiseProfile,
// and the TIFF/EP capture tags that DNG allows in IFD 0. dcraw and LibRaw read ISO only from the
// EXIF IFD (written too, below); the IFD 0 copies hold the same values, for TIFF/EP readers.
constexpr ttag_t kNoiseReductionApplied = 50935, kNoiseProfile = 51041;
constexpr ttag_t kExposureTime = 33434, kFNumber = 33437, kIsoSpeedRatings = 34855, kDateTimeOriginal = 36867,
                 kFocalLength = 37386;
const TIFFFieldInfo kExtraFields[] = {
    {kNoiseReductionApplied, 1, 1, TIFF_RATIONAL, FIELD_CUSTOM, 1, 0, const_cast<char*>("NoiseReductionApplied")},
    {kNoiseProfile, TIFF_VARIABLE, TIFF_VARIABLE, TIFF_DOUBLE, FIELD_CUSTOM, 1, 1, const_cast<char*>("NoiseProfile")},
    {kExposureTime, 1, 1, TIFF_RATIONAL, FIELD_CUSTOM, 1, 0, const_cast<char*>("ExposureTime")},
    {kFNumber, 1, 1, TIFF_RATIONAL, FIELD_CUSTOM, 1, 0, const_cast<char*>("FNumber")},
    {kIsoSpeedRatings, 1, 1, TIFF_SHORT, FIELD_CUSTOM, 1, 0, const_cast<char*>("ISOSpeedRatings")},
    {kDateTimeOriginal, -1, -1, TIFF_ASCII, FIELD_CUSTOM, 1, 0, const_cast<char*>("DateTimeOriginal")},
    {kFocalLength, 1, 1, TIFF_RATIONAL, FIELD_CUSTOM, 1, 0, const_cast<char*>("FocalLength")},
};

bool has_capture_exif(const io::RawMetadata& meta) {
    return meta.iso || meta.exposure_time_s || meta.f_number || meta.focal_length_mm || !meta.capture_time.empty();
}

std::uint16_t iso_value(double iso) { return static_cast<std::uint16_t>(std::clamp(std::lround(iso), 1L, 65535L)); }

// The EXIF IFD, written before IFD 0 so that IFD 0 can point at it when it is written itself
// (libtiff's other order re-reads IFD 0 and loses the tags merged above). Returns its offset.
std::uint64_t write_exif_ifd(io::detail::MemoryTiff& tiff, const io::RawMetadata& meta) {
    TIFF* t = tiff.get();
    tiff.check(TIFFCreateEXIFDirectory(t) == 0, "ExifIFD");
    const std::uint8_t version[4] = {'0', '2', '3', '0'};
    tiff.check(TIFFSetField(t, EXIFTAG_EXIFVERSION, version) == 1, "ExifVersion");
    if (meta.exposure_time_s)
        tiff.check(TIFFSetField(t, EXIFTAG_EXPOSURETIME, *meta.exposure_time_s) == 1, "ExposureTime");
    if (meta.f_number) tiff.check(TIFFSetField(t, EXIFTAG_FNUMBER, *meta.f_number) == 1, "FNumber");
    if (meta.iso) {
        const std::uint16_t iso = iso_value(*meta.iso);
        tiff.check(TIFFSetField(t, EXIFTAG_ISOSPEEDRATINGS, 1, &iso) == 1, "ISOSpeedRatings");
    }
    // EXIF's DateTimeOriginal is exactly "YYYY:MM:DD HH:MM:SS" (20 bytes with the NUL).
    if (meta.capture_time.size() == 19)
        tiff.check(TIFFSetField(t, EXIFTAG_DATETIMEORIGINAL, meta.capture_time.c_str()) == 1, "DateTimeOriginal");
    if (meta.focal_length_mm)
        tiff.check(TIFFSetField(t, EXIFTAG_FOCALLENGTH, *meta.focal_length_mm) == 1, "FocalLength");
    std::uint64_t offset = 0;
    tiff.check(TIFFWriteCustomDirectory(t, &offset) == 1, "ExifIFD");
    // libtiff 4.5's TIFFCreateDirectory does not free the EXIF values itself.
    TIFFFreeDirectory(t);
    tiff.check(TIFFCreateDirectory(t) == 0, "IFD0");
    return offset;
}

void set_matrix(io::detail::MemoryTiff& tiff, ttag_t tag, const Matrix3& m, const char* field) {
    float values[9];
    for (int k = 0; k < 9; ++k) values[k] = static_cast<float>(m[static_cast<std::size_t>(k)]);
    tiff.check(TIFFSetField(tiff.get(), tag, 9, values) == 1, field);
}

}  // namespace

std::vector<std::uint8_t> encode_dng(ImageView<const std::uint16_t> mosaic, const io::RawMetadata& meta,
                                     const DngOptions& options, const std::string& name) {
    if (mosaic.empty()) throw ConfigError(name, "mosaic", "cannot write an empty mosaic");
    meta.levels.validate();
    if (meta.levels.white > 65535.F || *std::min_element(meta.levels.black.begin(), meta.levels.black.end()) < 0.F)
        throw ConfigError(name, "levels", fmt::format("levels must lie in 0..65535 DN (white {})", meta.levels.white));
    if (meta.orientation < 1 || meta.orientation > 8)
        throw ConfigError(name, "orientation", fmt::format("EXIF orientation {} is not in 1..8", meta.orientation));

    if (!meta.noise_profile.empty())
        if (const auto problem = io::noise_profile_problem(meta.noise_profile))
            throw ConfigError(name, "NoiseProfile", *problem);

    io::detail::MemoryTiff tiff(name);
    TIFF* t = tiff.get();
    // 0: no EXIF IFD (offset 0 is the TIFF header, never an IFD).
    const std::uint64_t exif = has_capture_exif(meta) ? write_exif_ifd(tiff, meta) : 0;
    tiff.check(TIFFMergeFieldInfo(t, kExtraFields, static_cast<std::uint32_t>(std::size(kExtraFields))) == 0, "extra tags");

    const auto width = static_cast<std::uint32_t>(mosaic.width()), height = static_cast<std::uint32_t>(mosaic.height());
    // The full-resolution raw image lives in IFD 0 (NewSubFileType 0): LibRaw and dcraw both read it.
    tiff.check(TIFFSetField(t, TIFFTAG_SUBFILETYPE, 0) == 1, "NewSubFileType");
    tiff.check(TIFFSetField(t, TIFFTAG_IMAGEWIDTH, width) == 1, "ImageWidth");
    tiff.check(TIFFSetField(t, TIFFTAG_IMAGELENGTH, height) == 1, "ImageLength");
    tiff.check(TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 16) == 1, "BitsPerSample");
    tiff.check(TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1) == 1, "SamplesPerPixel");
    tiff.check(TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_NONE) == 1, "Compression");
    tiff.check(TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_CFA) == 1, "PhotometricInterpretation");
    tiff.check(TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG) == 1, "PlanarConfiguration");
    const std::uint32_t rows_per_strip = std::max<std::uint32_t>(1, (1U << 20) / (2 * width));
    tiff.check(TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, std::min(rows_per_strip, height)) == 1, "RowsPerStrip");
    tiff.check(TIFFSetField(t, TIFFTAG_ORIENTATION, meta.orientation) == 1, "Orientation");
    tiff.check(TIFFSetField(t, TIFFTAG_SOFTWARE, options.software.c_str()) == 1, "Software");

    const std::uint8_t dng_version[4] = {1, 4, 0, 0}, backward_version[4] = {1, 1, 0, 0};
    tiff.check(TIFFSetField(t, TIFFTAG_DNGVERSION, dng_version) == 1, "DNGVersion");
    tiff.check(TIFFSetField(t, TIFFTAG_DNGBACKWARDVERSION, backward_version) == 1, "DNGBackwardVersion");
    std::string model = options.unique_camera_model;
    if (model.empty()) model = meta.camera.empty() ? "n2n_raw" : meta.camera;
    tiff.check(TIFFSetField(t, TIFFTAG_UNIQUECAMERAMODEL, model.c_str()) == 1, "UniqueCameraModel");
    if (!meta.make.empty()) tiff.check(TIFFSetField(t, TIFFTAG_MAKE, meta.make.c_str()) == 1, "Make");
    if (!meta.model.empty()) tiff.check(TIFFSetField(t, TIFFTAG_MODEL, meta.model.c_str()) == 1, "Model");
    if (!meta.capture_time.empty()) {
        tiff.check(TIFFSetField(t, TIFFTAG_DATETIME, meta.capture_time.c_str()) == 1, "DateTime");
        tiff.check(TIFFSetField(t, kDateTimeOriginal, meta.capture_time.c_str()) == 1, "DateTimeOriginal");
    }
    if (meta.exposure_time_s) tiff.check(TIFFSetField(t, kExposureTime, *meta.exposure_time_s) == 1, "ExposureTime");
    if (meta.f_number) tiff.check(TIFFSetField(t, kFNumber, *meta.f_number) == 1, "FNumber");
    if (meta.focal_length_mm) tiff.check(TIFFSetField(t, kFocalLength, *meta.focal_length_mm) == 1, "FocalLength");
    if (meta.iso) tiff.check(TIFFSetField(t, kIsoSpeedRatings, static_cast<int>(iso_value(*meta.iso))) == 1, "ISOSpeedRatings");
    if (exif != 0) tiff.check(TIFFSetField(t, TIFFTAG_EXIFIFD, exif) == 1, "ExifIFD");

    const std::uint16_t repeat[2] = {2, 2};
    tiff.check(TIFFSetField(t, TIFFTAG_CFAREPEATPATTERNDIM, repeat) == 1, "CFARepeatPatternDim");
    const auto pattern = meta.phase.cfa_pattern();
    std::uint8_t cfa[4];
    for (int k = 0; k < 4; ++k) cfa[k] = static_cast<std::uint8_t>(pattern[static_cast<std::size_t>(k)]);
    tiff.check(TIFFSetField(t, TIFFTAG_CFAPATTERN, 4, cfa) == 1, "CFAPattern");
    const std::uint8_t plane_colors[3] = {0, 1, 2};
    tiff.check(TIFFSetField(t, TIFFTAG_CFAPLANECOLOR, 3, plane_colors) == 1, "CFAPlaneColor");
    tiff.check(TIFFSetField(t, TIFFTAG_CFALAYOUT, 1) == 1, "CFALayout");

    // Black per position of the 2x2 cell at the origin, row-major: exactly BlackLevelRepeatDim 2x2.
    tiff.check(TIFFSetField(t, TIFFTAG_BLACKLEVELREPEATDIM, repeat) == 1, "BlackLevelRepeatDim");
    float black[4];
    for (int k = 0; k < 4; ++k) black[k] = meta.levels.black[static_cast<std::size_t>(k)];
    tiff.check(TIFFSetField(t, TIFFTAG_BLACKLEVEL, 4, black) == 1, "BlackLevel");
    const std::uint32_t white = static_cast<std::uint32_t>(std::lround(meta.levels.white));
    tiff.check(TIFFSetField(t, TIFFTAG_WHITELEVEL, 1, &white) == 1, "WhiteLevel");

    if (meta.as_shot_neutral) {
        float neutral[3];
        for (int k = 0; k < 3; ++k) neutral[k] = static_cast<float>((*meta.as_shot_neutral)[static_cast<std::size_t>(k)]);
        tiff.check(TIFFSetField(t, TIFFTAG_ASSHOTNEUTRAL, 3, neutral) == 1, "AsShotNeutral");
    }
    if (meta.color_matrix1) {
        set_matrix(tiff, TIFFTAG_COLORMATRIX1, *meta.color_matrix1, "ColorMatrix1");
        // DNG requires an illuminant with each matrix; a reader's single matrix is D65 (21).
        tiff.check(TIFFSetField(t, TIFFTAG_CALIBRATIONILLUMINANT1, meta.calibration_illuminant1.value_or(21)) == 1,
                   "CalibrationIlluminant1");
    }
    if (meta.color_matrix2 && meta.color_matrix1) {
        set_matrix(tiff, TIFFTAG_COLORMATRIX2, *meta.color_matrix2, "ColorMatrix2");
        tiff.check(TIFFSetField(t, TIFFTAG_CALIBRATIONILLUMINANT2, meta.calibration_illuminant2.value_or(17)) == 1,
                   "CalibrationIlluminant2");
    }
    if (!meta.noise_profile.empty())
        tiff.check(TIFFSetField(t, kNoiseProfile, static_cast<int>(meta.noise_profile.size()), meta.noise_profile.data()) == 1,
                   "NoiseProfile");
    if (options.noise_reduction_applied)
        tiff.check(TIFFSetField(t, kNoiseReductionApplied, *options.noise_reduction_applied) == 1,
                   "NoiseReductionApplied");

    std::vector<std::uint16_t> row(width);
    for (std::uint32_t r = 0; r < height; ++r) {
        std::copy(mosaic.row(r), mosaic.row(r) + width, row.begin());
        tiff.check(TIFFWriteScanline(t, row.data(), r, 0) == 1, "ImageData");
    }
    tiff.check(TIFFWriteDirectory(t) == 1, "IFD0");
    return tiff.finish();
}

void write_dng(const std::filesystem::path& path, ImageView<const std::uint16_t> mosaic, const io::RawMetadata& meta,
               const DngOptions& options) {
    const auto bytes = encode_dng(mosaic, meta, options, path.string());
    io::write_atomically(path, [&](std::ostream& out) {
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    });
}

void write_dng(const std::filesystem::path& path, const io::RawFrame& frame, const DngOptions& options) {
    io::RawMetadata meta = frame.meta;
    // Normalised frames ([0, 1] with unit levels) become 16-bit DN; DN frames are kept as they are.
    meta.levels = bayer::dn_levels(frame.meta.levels);
    const float scale = meta.levels.white / frame.meta.levels.white;
    const ImageView<const float> src = frame.mosaic.view();
    Image<std::uint16_t> dn(src.height(), src.width());
    for (std::ptrdiff_t r = 0; r < src.height(); ++r)
        for (std::ptrdiff_t c = 0; c < src.width(); ++c)
            dn(r, c) = static_cast<std::uint16_t>(std::clamp(std::lround(src(r, c) * scale), 0L, 65535L));
    write_dng(path, dn.view(), meta, options);
}

}  // namespace n2n::dng
