# SPDX-License-Identifier: MIT
# The shared D750 crop as a training folder for the CLI tests: its four CFA-phase variants
# (headerless 768x512, 14-bit, black 600, white 15520) and the options that describe them.
import os
import shutil
import sys

GEOMETRY = ["--width", "768", "--height", "512", "--phase", "RGGB", "--bits", "14", "--black", "600", "--white",
            "15520"]


def crop_dir(shared):
    return os.path.join(shared, "raw", "mushfiqulalam-isp-d750-crop")


def fresh_frames(shared, work):
    """Empties `work` and copies the four D750 variants into work/frames; exits 77 (skipped) when
    the shared crop is absent."""
    source = crop_dir(shared)
    if not os.path.isdir(source):
        print(f"SKIPPED: {source} is absent")
        sys.exit(77)
    shutil.rmtree(work, ignore_errors=True)
    frames = os.path.join(work, "frames")
    os.makedirs(frames)
    for phase in ("rggb", "bggr", "grbg", "gbrg"):
        shutil.copy(os.path.join(source, f"DSC_1339_768x512_{phase}.raw"), frames)
    return frames
