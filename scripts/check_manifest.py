#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a data set on disk against a manifest in data_manifests/.

  check_manifest.py samples data_manifests/shared_samples.json [DATA_ROOT]
      every listed file: present (else SKIPPED), size and SHA-256 equal (else FAILED).
  check_manifest.py sidd-medium data_manifests/sidd_raw.json SIDD_MEDIUM_RAW_DIR
      every scene folder: name matches the pattern, the six files exist; counts against the manifest.
Exit 0 when nothing failed (missing files only skip), 1 otherwise. Standard library only.
"""
import hashlib
import json
import os
import re
import sys


def check_samples(manifest, root):
    failed = skipped = ok = 0
    entries = [(os.path.join(root, e["path"]), e) for e in manifest["files"]]
    entries += [(e["path"], e) for e in manifest.get("system_files", [])]
    for path, entry in entries:
        if not os.path.exists(path):
            print(f"SKIPPED {path}: absent")
            skipped += 1
            continue
        size = os.path.getsize(path)
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                digest.update(chunk)
        if size != entry["bytes"] or digest.hexdigest() != entry["sha256"]:
            print(f"FAILED {path}: size {size} sha256 {digest.hexdigest()} do not match the manifest")
            failed += 1
        else:
            ok += 1
    print(f"{ok} passed, {failed} failed, {skipped} skipped")
    return failed == 0


def check_sidd_medium(manifest, root):
    medium = manifest["medium"]
    pattern = re.compile(medium["folder_pattern"])
    failed = ok = 0
    folders = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
    for folder in folders:
        match = pattern.match(folder)
        if not match:
            print(f"FAILED {folder}: folder name does not match {medium['folder_pattern']}")
            failed += 1
            continue
        missing = [f.format(instance=match.group(1)) for f in medium["files_per_folder"]
                   if not os.path.exists(os.path.join(root, folder, f.format(instance=match.group(1))))]
        if missing:
            print(f"FAILED {folder}: missing {', '.join(missing)}")
            failed += 1
        else:
            ok += 1
    if ok + failed != medium["scene_instances"]:
        print(f"note: {ok + failed} scene folders, the full SIDD Medium has {medium['scene_instances']}")
    print(f"{ok} passed, {failed} failed")
    return failed == 0


def main(argv):
    if len(argv) < 3 or argv[1] not in ("samples", "sidd-medium"):
        print(__doc__)
        return 2
    with open(argv[2]) as f:
        manifest = json.load(f)
    if argv[1] == "samples":
        here = os.path.dirname(os.path.abspath(__file__))
        default_root = os.environ.get("N2N_SHARED_DIR", os.path.join(here, "..", "..", "shared"))
        root = argv[3] if len(argv) > 3 else os.path.join(default_root, "data")
        return 0 if check_samples(manifest, root) else 1
    if len(argv) < 4:
        print("sidd-medium needs the data folder")
        return 2
    return 0 if check_sidd_medium(manifest, argv[3]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
