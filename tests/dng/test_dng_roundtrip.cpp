// SPDX-License-Identifier: MIT
// DNG round trip through readers we did not write: LibRaw's own API, the project's LibRaw-based
// reader, `dcraw -D -4` (mosaic) and `dcraw -i -v` (pattern, multipliers, capture EXIF), and
// tifffile for tags LibRaw does not expose (NoiseReductionApplied, DNGVersion).
#include "n2n_raw/dng/dng_writer.hpp"
#include "n2n_raw/error.hpp"
#include "n2n_raw/flows/denoise_frame.hpp"
#include "n2n_raw/io/camera_raw.hpp"
#include "n2n_raw/io/headerless.hpp"
#include "n2n_raw/noise/noise_estimate.hpp"
#include "n2n_raw/noise/noise_model.hpp"
#include "n2n_raw/train/dataset.hpp"
#include "support/process.hpp"
#include "support/test_data.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <libraw/libraw.h>
#include <memory>
#include <random>
#include <sstream>

using namespace n2n;
using bayer::BayerPhase;

namespace {

bool have_dcraw() { return test::require_tool("/usr/bin/dcraw", "dcraw"); }

using test::capture;

// `dcraw -D -4 -t 0 -c`: the untouched 16-bit mosaic as a binary PGM (big-endian samples).
Image<std::uint16_t> dcraw_mosaic(const std::filesystem::path& dng) {
    const std::string pgm = capture(fmt::format("/usr/bin/dcraw -D -4 -t 0 -c '{}'", dng.string()));
    std::istringstream in(pgm);
    std::string magic;
    long w = 0, h = 0, maxval = 0;
    in >> magic >> w >> h >> maxval;
    in.get();
    REQUIRE(magic == "P5");
    REQUIRE(maxval == 65535);
    Image<std::uint16_t> out(h, w);
    for (auto& v : out.pixels()) {
        const int hi = in.get(), lo = in.get();
        v = static_cast<std::uint16_t>((hi << 8) | lo);
    }
    REQUIRE(in.good());
    return out;
}

io::RawMetadata example_metadata(BayerPhase phase) {
    io::RawMetadata meta;
    meta.camera = "n2n test camera";
    meta.phase = phase;
    meta.levels.black = {100, 101, 102, 103};
    meta.levels.white = 16000;
    meta.as_shot_neutral = std::array<double, 3>{0.5, 1.0, 0.7};
    meta.color_matrix1 = Matrix3{1.2, -0.3, -0.1, -0.5, 1.4, 0.1, -0.1, 0.2, 0.7};
    meta.calibration_illuminant1 = 17;
    meta.color_matrix2 = Matrix3{0.9, -0.29, -0.07, -0.45, 1.24, 0.23, -0.09, 0.19, 0.71};
    meta.calibration_illuminant2 = 21;
    meta.orientation = 6;
    return meta;
}

}  // namespace

TEST_CASE("synthetic DNG: LibRaw reads back the mosaic and every colour tag, all phases") {
    test::TempDir dir;
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> dn(100, 16000);
    for (BayerPhase phase : bayer::kAllPhases) {
        CAPTURE(phase.name());
        Image<std::uint16_t> mosaic(64, 96);
        for (auto& v : mosaic.pixels()) v = static_cast<std::uint16_t>(dn(rng));
        const auto meta = example_metadata(phase);
        const auto path = dir / fmt::format("synthetic_{}.dng", phase.name());
        dng::DngOptions options;
        options.noise_reduction_applied = 1.0;
        dng::write_dng(path, mosaic.view(), meta, options);

        LibRaw raw;
        REQUIRE(raw.open_file(path.string().c_str()) == LIBRAW_SUCCESS);
        REQUIRE(raw.unpack() == LIBRAW_SUCCESS);
        const auto& s = raw.imgdata.sizes;
        REQUIRE(s.raw_width == 96);
        REQUIRE(s.raw_height == 64);
        REQUIRE(s.width == 96);
        REQUIRE(s.height == 64);
        const std::size_t pitch = s.raw_pitch / 2;
        bool same = true;
        for (int r = 0; r < 64; ++r)
            for (int c = 0; c < 96; ++c) same = same && raw.imgdata.rawdata.raw_image[r * pitch + c] == mosaic(r, c);
        CHECK(same);
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 2; ++c) {
                // LibRaw colours: 0 R, 1 G, 2 B, 3 second G.
                const int lr = raw.COLOR(r, c);
                CHECK((lr == 3 ? 1 : lr) == static_cast<int>(phase.color_at(r, c)));
            }
        const auto& levels = raw.imgdata.color.dng_levels;
        CHECK(levels.dng_whitelevel[0] == 16000);
        REQUIRE(levels.dng_cblack[4] == 2);
        REQUIRE(levels.dng_cblack[5] == 2);
        for (int k = 0; k < 4; ++k) CHECK(levels.dng_black + levels.dng_cblack[6 + k] == 100 + k);
        CHECK(levels.asshotneutral[0] == doctest::Approx(0.5));
        CHECK(levels.asshotneutral[2] == doctest::Approx(0.7));
        const auto& dc = raw.imgdata.color.dng_color;
        CHECK(dc[0].illuminant == 17);
        CHECK(dc[1].illuminant == 21);
        for (int k = 0; k < 9; ++k) {
            CHECK(dc[0].colormatrix[k / 3][k % 3] == doctest::Approx((*meta.color_matrix1)[k]).epsilon(1e-6));
            CHECK(dc[1].colormatrix[k / 3][k % 3] == doctest::Approx((*meta.color_matrix2)[k]).epsilon(1e-6));
        }
        CHECK(s.flip == 6);  // LibRaw's code for EXIF 6 (90° clockwise) is also 6

        // The project's reader (LibRaw-based, written by someone else).
        const io::RawFrame frame = io::read_camera_raw(path);
        CHECK(frame.meta.phase == phase);
        CHECK(frame.meta.orientation == 6);
        CHECK(frame.meta.levels.white == 16000);
        for (int k = 0; k < 4; ++k) CHECK(frame.meta.levels.black[static_cast<std::size_t>(k)] == 100 + k);
        REQUIRE(frame.meta.as_shot_neutral.has_value());
        CHECK((*frame.meta.as_shot_neutral)[0] == doctest::Approx(0.5).epsilon(1e-4));
        CHECK((*frame.meta.as_shot_neutral)[2] == doctest::Approx(0.7).epsilon(1e-4));
        bool same_frame = true;
        for (std::size_t k = 0; k < mosaic.pixels().size(); ++k)
            same_frame = same_frame && frame.mosaic.pixels()[k] == mosaic.pixels()[k];
        CHECK(same_frame);

        if (have_dcraw()) {
            const auto d = dcraw_mosaic(path);
            CHECK(d.pixels() == mosaic.pixels());
            const std::string info = capture(fmt::format("/usr/bin/dcraw -i -v '{}'", path.string()));
            const auto pattern = phase.name();  // e.g. "GRBG" -> dcraw prints "GR/BG"
            CHECK(info.find(fmt::format("Filter pattern: {}/{}", pattern.substr(0, 2), pattern.substr(2, 2))) !=
                  std::string::npos);
            CHECK(info.find("Camera multipliers: 2.000000 1.000000 1.428571") != std::string::npos);
        }
        if (phase == BayerPhase::RGGB && test::require_tool("/usr/bin/python3", "python3-numpy")) {
            const std::string tags = capture(fmt::format(
                "{} -c \"import tifffile; p = tifffile.TiffFile('{}').pages[0]; "
                "print(p.tags[50935].value, p.tags[50706].value, p.tags[33422].value, p.tags[50708].value)\"",
                test::python(), path.string()));
            INFO(tags);
            CHECK(tags.find("(1, 1)") != std::string::npos);
            CHECK(tags.find("b'\\x01\\x04\\x00\\x00'") != std::string::npos);  // DNGVersion 1.4.0.0
            CHECK(tags.find("b'\\x00\\x01\\x01\\x02'") != std::string::npos);  // CFAPattern R G G B
            CHECK(tags.find("n2n test camera") != std::string::npos);
        }
    }
}

TEST_CASE("real D750 mosaic: DNG round trip through dcraw -D is bit exact") {
    const auto file = test::shared_file("raw/mushfiqulalam-isp-d750-crop/DSC_1339_768x512_rggb.raw");
    if (!file) return;
    io::HeaderlessSpec spec{768, 512, io::Endian::Little, {BayerPhase::RGGB, 14, 600.F, 15520.F}};
    const io::RawFrame frame = io::read_headerless(*file, spec);
    test::TempDir dir;
    const auto path = dir / "d750.dng";
    dng::write_dng(path, frame, {});
    const io::RawFrame back = io::read_camera_raw(path);
    CHECK(back.mosaic.pixels() == frame.mosaic.pixels());
    CHECK(back.meta.phase == BayerPhase::RGGB);
    CHECK(back.meta.levels.black[0] == 600);
    CHECK(back.meta.levels.white == 15520);
    if (have_dcraw()) {
        const auto d = dcraw_mosaic(path);
        bool same = d.height() == 512 && d.width() == 768;
        for (std::size_t k = 0; same && k < d.pixels().size(); ++k) same = d.pixels()[k] == frame.mosaic.pixels()[k];
        CHECK(same);
    }
}

TEST_CASE("DNG writer rejects what it cannot represent") {
    io::RawMetadata meta = example_metadata(BayerPhase::RGGB);
    Image<std::uint16_t> mosaic(4, 4, 200);
    meta.levels.white = 70000;
    CHECK_THROWS_AS(dng::encode_dng(mosaic.view(), meta), ConfigError);
    meta = example_metadata(BayerPhase::RGGB);
    meta.orientation = 0;
    CHECK_THROWS_AS(dng::encode_dng(mosaic.view(), meta), ConfigError);
    CHECK_THROWS_AS(dng::encode_dng(Image<std::uint16_t>().view(), example_metadata(BayerPhase::RGGB)), ConfigError);
}

TEST_CASE("Canon CR2 -> DNG -> LibRaw: same mosaic, phase, levels, neutral, matrix, orientation") {
    const auto file = test::system_file("/usr/share/doc/rawtran/IMG_5952.CR2", "rawtran-doc");
    if (!file) return;
    const io::RawFrame frame = io::read_camera_raw(*file);
    test::TempDir dir;
    dng::DngOptions options;
    options.noise_reduction_applied = 0.0;
    dng::write_dng(dir / "canon.dng", frame, options);
    const io::RawFrame back = io::read_camera_raw(dir / "canon.dng");
    CHECK(back.mosaic.pixels() == frame.mosaic.pixels());
    CHECK(back.meta.phase == frame.meta.phase);
    CHECK(back.meta.orientation == frame.meta.orientation);
    CHECK(back.meta.levels.white == frame.meta.levels.white);
    for (std::size_t k = 0; k < 4; ++k) CHECK(back.meta.levels.black[k] == frame.meta.levels.black[k]);
    REQUIRE(back.meta.as_shot_neutral.has_value());
    for (std::size_t k = 0; k < 3; ++k)
        CHECK((*back.meta.as_shot_neutral)[k] == doctest::Approx((*frame.meta.as_shot_neutral)[k]).epsilon(1e-5));
    REQUIRE(back.meta.color_matrix1.has_value());
    for (std::size_t k = 0; k < 9; ++k)
        CHECK((*back.meta.color_matrix1)[k] == doctest::Approx((*frame.meta.color_matrix1)[k]).epsilon(1e-4));
    CHECK(back.meta.camera.find("30D") != std::string::npos);
}

TEST_CASE("Canon CR2 -> DNG keeps the capture EXIF: dcraw reads the same ISO, shutter, aperture, focal length, date") {
    const auto file = test::system_file("/usr/share/doc/rawtran/IMG_5952.CR2", "rawtran-doc");
    if (!file || !have_dcraw()) return;
    const io::RawFrame frame = io::read_camera_raw(*file);
    test::TempDir dir;
    dng::write_dng(dir / "canon.dng", frame, {});
    // dcraw's reading of the original CR2 is the expectation, not our reader.
    const auto capture_fields = [](const std::filesystem::path& path) {
        std::istringstream info(capture(fmt::format("/usr/bin/dcraw -i -v '{}'", path.string())));
        std::map<std::string, std::string> fields;
        for (std::string line; std::getline(info, line);)
            if (const auto colon = line.find(": "); colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 2);
        return fields;
    };
    const auto original = capture_fields(*file), written = capture_fields(dir / "canon.dng");
    for (const char* field : {"Timestamp", "ISO speed", "Shutter", "Aperture", "Focal length"}) {
        INFO(field);
        REQUIRE(original.count(field) == 1);
        CHECK(written.count(field) == 1);
        if (written.count(field) == 1) CHECK(written.at(field) == original.at(field));
    }
    CHECK(original.at("ISO speed") == "640");  // by hand: the CR2's EXIF says ISO 640, 1/400 s, f/22
    // dcraw and LibRaw read ISO only from the EXIF IFD; the TIFF/EP copy in IFD 0 is for tifffile
    // (and exiftool).
    if (test::require_tool("/usr/bin/python3", "python3-tifffile")) {
        const std::string iso = capture(fmt::format(
            "/usr/bin/python3 -c \"import tifffile; print(tifffile.TiffFile('{}').pages[0].tags[34855].value)\"",
            (dir / "canon.dng").string()));
        CHECK(iso.find("640") == 0);
    }
    const io::RawFrame back = io::read_camera_raw(dir / "canon.dng");
    CHECK(back.meta.make == "Canon");
    CHECK(back.meta.model == frame.meta.model);
    CHECK(back.meta.capture_time == frame.meta.capture_time);
    CHECK(frame.meta.capture_time == "2009:07:21 13:03:20");
}

namespace {

// Awkward doubles on purpose: the tag stores IEEE doubles, so they must come back to the bit.
const std::vector<double> kProfile{1.0 / 3 * 1e-4, 2.0 / 7 * 1e-6, 5.5e-5, 1.0 / 9 * 1e-5, 7.25e-5, 3.0e-6};

io::RawMetadata capture_metadata() {
    io::RawMetadata meta = example_metadata(BayerPhase::RGGB);
    meta.iso = 1600;
    meta.exposure_time_s = 1.0 / 250;
    meta.f_number = 2.8;
    meta.focal_length_mm = 35;
    meta.capture_time = "2026:03:14 15:09:26";
    meta.noise_profile = kProfile;
    return meta;
}

Image<std::uint16_t> noisy_mosaic(std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(4000, 120);
    Image<std::uint16_t> mosaic(64, 96);
    for (auto& v : mosaic.pixels()) v = static_cast<std::uint16_t>(std::clamp(noise(rng), 100.0, 16000.0));
    return mosaic;
}

}  // namespace

TEST_CASE("DNG NoiseProfile and capture EXIF: our reader, LibRaw and dcraw read them back") {
    test::TempDir dir;
    const auto path = dir / "iso1600.dng";
    dng::write_dng(path, noisy_mosaic(1).view(), capture_metadata());

    const io::RawFrame back = io::read_camera_raw(path);
    REQUIRE(back.meta.noise_profile.size() == kProfile.size());
    for (std::size_t k = 0; k < kProfile.size(); ++k)
        CHECK(std::abs(back.meta.noise_profile[k] - kProfile[k]) <= 1e-12 * kProfile[k]);
    REQUIRE(back.meta.iso.has_value());
    CHECK(*back.meta.iso == 1600);
    CHECK(back.meta.exposure_time_s.value_or(0) == doctest::Approx(1.0 / 250).epsilon(1e-6));
    CHECK(back.meta.f_number.value_or(0) == doctest::Approx(2.8).epsilon(1e-6));
    CHECK(back.meta.focal_length_mm.value_or(0) == doctest::Approx(35).epsilon(1e-6));
    CHECK(back.meta.capture_time == "2026:03:14 15:09:26");
    // R, G, B pairs: both greens get G's.
    const auto model = noise::NoiseModel::from_dng_noise_profile(back.meta.noise_profile);
    REQUIRE(model.has_value());
    CHECK(model->channels[1].beta1 == kProfile[2]);
    CHECK(model->channels[2].beta2 == kProfile[3]);
    CHECK(model->channels[3].beta1 == kProfile[4]);

    // LibRaw's own API, not our reader.
    LibRaw raw;
    REQUIRE(raw.open_file(path.string().c_str()) == LIBRAW_SUCCESS);
    CHECK(raw.imgdata.other.iso_speed == doctest::Approx(1600));
    CHECK(raw.imgdata.other.shutter == doctest::Approx(1.0 / 250).epsilon(1e-5));
    CHECK(raw.imgdata.other.aperture == doctest::Approx(2.8).epsilon(1e-5));
    CHECK(raw.imgdata.other.focal_len == doctest::Approx(35).epsilon(1e-5));

    REQUIRE(have_dcraw());
    const std::string info = capture(fmt::format("/usr/bin/dcraw -i -v '{}'", path.string()));
    INFO(info);
    CHECK(info.find("ISO speed: 1600\n") != std::string::npos);
    CHECK(info.find("Shutter: 1/250.0 sec") != std::string::npos);
    CHECK(info.find("Aperture: f/2.8") != std::string::npos);
    CHECK(info.find("Focal length: 35.0 mm") != std::string::npos);
}

TEST_CASE("DNG NoiseProfile: one pair for all planes; a malformed one is refused by the writer") {
    test::TempDir dir;
    io::RawMetadata meta = capture_metadata();
    meta.noise_profile = {4.5e-5, 2.25e-6};
    dng::write_dng(dir / "one_pair.dng", noisy_mosaic(2).view(), meta);
    CHECK(io::read_camera_raw(dir / "one_pair.dng").meta.noise_profile == meta.noise_profile);

    for (const auto& bad : {std::vector<double>{1e-5, 1e-6, 1e-5}, std::vector<double>{-1e-5, 1e-6},
                            std::vector<double>{1e-5, std::nan("")}, std::vector<double>{0, 0}}) {
        meta.noise_profile = bad;
        bool refused = false;
        try {
            dng::encode_dng(noisy_mosaic(2).view(), meta, {}, "bad.dng");
        } catch (const ConfigError& e) {
            refused = e.field() == "NoiseProfile" && e.file() == "bad.dng";
        }
        CHECK(refused);
    }
}

TEST_CASE("denoised DNG does not claim the input's NoiseProfile; the noisy frame's DNG keeps it") {
    test::TempDir dir;
    const auto noisy = dir / "noisy.dng";
    dng::write_dng(noisy, noisy_mosaic(3).view(), capture_metadata());
    const io::RawFrame frame = io::read_camera_raw(noisy);
    REQUIRE(frame.meta.noise_profile == kProfile);

    // The passthrough writer keeps what the file said.
    dng::write_dng(dir / "copy.dng", frame);
    CHECK(io::read_camera_raw(dir / "copy.dng").meta.noise_profile == kProfile);

    flows::DenoisedFrame denoised;
    denoised.meta = frame.meta;
    denoised.noisy = frame.normalized();
    denoised.denoised = frame.normalized();
    flows::write_outputs(dir.path(), "out", denoised, {.png16 = false, .npy = false, .dng = true});
    const io::RawFrame out = io::read_camera_raw(dir / "out.dng");
    CHECK(out.meta.noise_profile.empty());
    CHECK(out.meta.iso.value_or(0) == 1600);  // the capture settings stay true after denoising
}

TEST_CASE("training noise model: calibration first, then the file's NoiseProfile, then the blind estimate") {
    test::TempDir dir;
    dng::write_dng(dir / "a_profile.dng", noisy_mosaic(4).view(), capture_metadata());
    io::RawMetadata plain = capture_metadata();
    plain.noise_profile.clear();
    dng::write_dng(dir / "b_plain.dng", noisy_mosaic(5).view(), plain);
    const std::vector<std::filesystem::path> files{dir / "a_profile.dng", dir / "b_plain.dng"};

    train::FrameDataset data(files);
    const auto profile = data.frame(0), blind_frame = data.frame(1);
    REQUIRE(profile);
    REQUIRE(blind_frame);
    const auto from_file = data.noise_model(0, *profile);
    CHECK(from_file.channels[0].beta1 == kProfile[0]);
    CHECK(from_file.channels[3].beta2 == kProfile[5]);
    const auto blind = data.noise_model(1, *blind_frame);
    const auto expected = noise::estimate_noise_model(blind_frame->pixels.view(), blind_frame->phase);
    CHECK(blind.channels[0].beta1 == expected.channels[0].beta1);
    CHECK(blind.channels[0].beta2 == expected.channels[0].beta2);

    train::DatasetOptions calibrated;
    calibrated.noise = noise::NoiseModel::uniform({1e-3, 1e-5});
    train::FrameDataset with_calibration(files, calibrated);
    const auto frame0 = with_calibration.frame(0);
    REQUIRE(frame0);
    CHECK(with_calibration.noise_model(0, *frame0).channels[0].beta1 == 1e-3);
}
