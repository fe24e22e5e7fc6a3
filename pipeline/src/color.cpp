// SPDX-License-Identifier: MIT
#include "n2n_raw/pipeline/color.hpp"

#include "n2n_raw/error.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace n2n::pipeline {
namespace {

using Mat = Eigen::Matrix<double, 3, 3, Eigen::RowMajor>;

Mat to_eigen(const Matrix3& m) { return Eigen::Map<const Mat>(m.data()); }
Matrix3 from_eigen(const Mat& m) {
    Matrix3 out{};
    Eigen::Map<Mat>(out.data()) = m;
    return out;
}

Mat checked_inverse(const Mat& m) {
    // Colour matrices are well scaled (entries of order 1), so an absolute threshold is safe.
    if (std::abs(m.determinant()) < 1e-12)
        throw FormatError("", "ColorMatrix", "the colour matrix is singular");
    return m.inverse();
}

// Robertson (1968) isotemperature lines, as tabulated in Wyszecki & Stiles: reciprocal
// megakelvin (mired), CIE 1960 u, v of the Planckian locus, and the slope t of the isotherm.
struct Isotherm {
    double mired, u, v, t;
};
constexpr Isotherm kIsotherms[] = {
    {0, 0.18006, 0.26352, -0.24341},   {10, 0.18066, 0.26589, -0.25479},  {20, 0.18133, 0.26846, -0.26876},
    {30, 0.18208, 0.27119, -0.28539},  {40, 0.18293, 0.27407, -0.30470},  {50, 0.18388, 0.27709, -0.32675},
    {60, 0.18494, 0.28021, -0.35156},  {70, 0.18611, 0.28342, -0.37915},  {80, 0.18740, 0.28668, -0.40955},
    {90, 0.18880, 0.28997, -0.44278},  {100, 0.19032, 0.29326, -0.47888}, {125, 0.19462, 0.30141, -0.58204},
    {150, 0.19962, 0.30921, -0.70471}, {175, 0.20525, 0.31647, -0.84901}, {200, 0.21142, 0.32312, -1.0182},
    {225, 0.21807, 0.32909, -1.2168},  {250, 0.22511, 0.33439, -1.4512},  {275, 0.23247, 0.33904, -1.7298},
    {300, 0.24010, 0.34308, -2.0637},  {325, 0.24792, 0.34655, -2.4681},  {350, 0.25591, 0.34951, -2.9641},
    {375, 0.26400, 0.35200, -3.5814},  {400, 0.27218, 0.35407, -4.3633},  {425, 0.28039, 0.35577, -5.3762},
    {450, 0.28863, 0.35714, -6.7262},  {475, 0.29685, 0.35823, -8.5955},  {500, 0.30505, 0.35907, -11.324},
    {525, 0.31320, 0.35968, -15.628},  {550, 0.32129, 0.36011, -23.325},  {575, 0.32931, 0.36038, -40.770},
    {600, 0.33724, 0.36051, -116.45},
};

}  // namespace

double cct_from_xy(Chromaticity xy) {
    const double denom = -2 * xy.x + 12 * xy.y + 3;
    const double u = 4 * xy.x / denom, v = 6 * xy.y / denom;
    // Signed distance of (u, v) from each isotherm; the temperature lies where the sign flips.
    auto distance = [&](const Isotherm& l) { return ((v - l.v) - l.t * (u - l.u)) / std::sqrt(1 + l.t * l.t); };
    double previous = distance(kIsotherms[0]);
    // Without a sign change the point lies beyond an end of the table: clamp to that end.
    double mired = u < kIsotherms[0].u ? 0.0 : kIsotherms[std::size(kIsotherms) - 1].mired;
    for (std::size_t i = 1; i < std::size(kIsotherms); ++i) {
        const double d = distance(kIsotherms[i]);
        if (d == 0 || (d < 0) != (previous < 0)) {
            const double f = previous / (previous - d);
            mired = kIsotherms[i - 1].mired + f * (kIsotherms[i].mired - kIsotherms[i - 1].mired);
            break;
        }
        previous = d;
    }
    return mired <= 1 ? 1e6 : 1e6 / mired;
}

std::optional<double> illuminant_temperature(int code) {
    switch (code) {
        case 1: case 4: case 9: return 5500.0;   // daylight, flash, fine weather
        case 2: case 14: return 4150.0;          // fluorescent, cool white fluorescent
        case 3: return 2850.0;                   // tungsten
        case 10: return 6500.0;                  // cloudy
        case 11: return 7500.0;                  // shade
        case 12: return 6430.0;                  // daylight fluorescent
        case 13: return 5000.0;                  // day white fluorescent
        case 15: return 3450.0;                  // white fluorescent
        case 16: return 2940.0;                  // warm white fluorescent
        case 17: return 2856.0;                  // standard light A
        case 18: return 4874.0;                  // standard light B
        case 19: return 6774.0;                  // standard light C
        case 20: return 5503.0;                  // D55
        case 21: return 6504.0;                  // D65
        case 22: return 7504.0;                  // D75
        case 23: return 5003.0;                  // D50
        case 24: return 3200.0;                  // ISO studio tungsten
        default: return std::nullopt;
    }
}

double inverse_mired_weight(double cct, double t1, double t2) {
    if (t1 == t2) return 1.0;
    const double w = (1 / cct - 1 / t2) / (1 / t1 - 1 / t2);
    return std::clamp(w, 0.0, 1.0);
}

Matrix3 interpolate_color_matrix(Chromaticity white, const Calibration& first, const std::optional<Calibration>& second) {
    if (!second || !first.illuminant || !second->illuminant) return first.xyz_to_camera;
    const auto t1 = illuminant_temperature(*first.illuminant);
    const auto t2 = illuminant_temperature(*second->illuminant);
    if (!t1 || !t2 || *t1 == *t2) return first.xyz_to_camera;
    const double w = inverse_mired_weight(cct_from_xy(white), *t1, *t2);
    return from_eigen(w * to_eigen(first.xyz_to_camera) + (1 - w) * to_eigen(second->xyz_to_camera));
}

Chromaticity neutral_to_xy(const std::array<double, 3>& as_shot_neutral, const Calibration& first,
                           const std::optional<Calibration>& second) {
    const Eigen::Vector3d neutral(as_shot_neutral[0], as_shot_neutral[1], as_shot_neutral[2]);
    Chromaticity last = kD50;
    constexpr int kMaxPasses = 30;
    for (int pass = 0; pass < kMaxPasses; ++pass) {
        const Mat xyz_to_camera = to_eigen(interpolate_color_matrix(last, first, second));
        const Eigen::Vector3d xyz = checked_inverse(xyz_to_camera) * neutral;
        const double sum = xyz.sum();
        if (!(sum > 0)) throw FormatError("", "AsShotNeutral", "the neutral maps to no visible colour");
        Chromaticity next{xyz[0] / sum, xyz[1] / sum};
        if (std::abs(next.x - last.x) + std::abs(next.y - last.y) < 1e-7) return next;
        // A weight clamped at the ends can make the search oscillate: settle in the middle.
        if (pass == kMaxPasses - 1) next = {(last.x + next.x) / 2, (last.y + next.y) / 2};
        last = next;
    }
    return last;
}

const Matrix3& srgb_to_xyz() {
    static const Matrix3 m{0.4124564, 0.3575761, 0.1804375, 0.2126729, 0.7151522,
                           0.0721750, 0.0193339, 0.1191920, 0.9503041};
    return m;
}

Matrix3 camera_to_srgb(const Matrix3& xyz_to_camera) {
    Mat srgb_to_camera = to_eigen(xyz_to_camera) * to_eigen(srgb_to_xyz());
    for (int r = 0; r < 3; ++r) {
        const double sum = srgb_to_camera.row(r).sum();
        if (!(std::abs(sum) > 1e-9))
            throw FormatError("", "ColorMatrix", fmt::format("row {} of ColorMatrix·sRGB sums to zero", r));
        srgb_to_camera.row(r) /= sum;
    }
    Mat out = checked_inverse(srgb_to_camera);
    // Already unit row sums in exact arithmetic; renormalise away the rounding.
    for (int r = 0; r < 3; ++r) out.row(r) /= out.row(r).sum();
    return from_eigen(out);
}

Matrix3 multiply(const Matrix3& a, const Matrix3& b) { return from_eigen(to_eigen(a) * to_eigen(b)); }
Matrix3 inverse(const Matrix3& m) { return from_eigen(checked_inverse(to_eigen(m))); }

}  // namespace n2n::pipeline
