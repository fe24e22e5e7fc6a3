// SPDX-License-Identifier: MIT
// A fast preview of a raw frame through the simple ISP (pipeline/), at half resolution: the size
// of its packed planes.
#pragma once

#include "n2n_raw/io/raw_frame.hpp"
#include "n2n_raw/pipeline/stages.hpp"

namespace n2n::flows {

/// The frame through pipeline::render with its own metadata (as-shot white balance, colour
/// matrix, sRGB curve), bilinear demosaic, exposure metered to 18 % grey, sensor orientation
/// (EXIF orientation not applied); then each 2 × 2 cell averaged: ⌊H/2⌋ × ⌊W/2⌋ pixels.
pipeline::RgbImage quick_look(const io::RawFrame& frame);

}  // namespace n2n::flows
