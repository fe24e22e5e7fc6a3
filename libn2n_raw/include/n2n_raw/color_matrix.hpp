// SPDX-License-Identifier: MIT
// The 3×3 colour matrix shared by the readers (DNG ColorMatrix1/2), the DNG writer and the ISP.
#pragma once

#include <array>

namespace n2n {

/// Row-major 3×3 matrix acting on column vectors (out = M · in), e.g. XYZ -> camera RGB.
using Matrix3 = std::array<double, 9>;

/// The identity matrix.
inline constexpr Matrix3 kIdentity3{1, 0, 0, 0, 1, 0, 0, 0, 1};

}  // namespace n2n
