// SPDX-License-Identifier: MIT
// Camera RAW files (CR2, NEF, ARW, DNG, ...) through LibRaw.
#pragma once

#include "n2n_raw/io/raw_frame.hpp"

#include <filesystem>

namespace n2n::io {

struct CameraRawOptions {
    /// false: LibRaw's visible area (sizes.width × height after top/left margins; what
    /// `dcraw -D` writes). true: additionally the maker's recommended inset crop
    /// (sizes.raw_inset_crop) when the file has one; the phase and black pattern follow the crop.
    bool inset_crop = false;
};

/// Reads the Bayer mosaic of a camera RAW file as sensor DN (float), row 0 the top of the
/// chosen area in sensor read-out order (orientation is reported, not applied). Metadata:
/// phase of the area's origin, per-CFA-position black (color.black + cblack), white
/// (color.maximum), as-shot neutral (1 / cam_mul, normalised to green), cam_xyz as
/// color_matrix1 (D65), ISO, exposure, make/model, EXIF orientation.
/// Throws IoError for unreadable files, FormatError naming LibRaw's message for files LibRaw
/// cannot decode, and FormatError (field "CFA") for non-Bayer sensors (Foveon, X-Trans,
/// linear DNG, four-colour CFAs).
RawFrame read_camera_raw(const std::filesystem::path& path, const CameraRawOptions& options = {});

}  // namespace n2n::io
