#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The layering checker on small trees made here: it passes a clean graph, and names the file,
the header and the component for a forbidden include, an unknown component and a cycle.

Usage: layering_test.py CHECKER WORK_DIR
"""
import json
import pathlib
import shutil
import subprocess
import sys

checker, work = sys.argv[1], pathlib.Path(sys.argv[2])
shutil.rmtree(work, ignore_errors=True)
for folder in ("core", "low", "high"):
    (work / folder).mkdir(parents=True)
(work / "core" / "error.hpp").write_text("#pragma once\n")
(work / "low" / "low.cpp").write_text('#include "n2n_raw/error.hpp"\n')
(work / "high" / "high.cpp").write_text('#include "n2n_raw/low/low.hpp"\n#include "n2n_raw/error.hpp"\n')


def run(spec: dict) -> subprocess.CompletedProcess:
    path = work / "layering.json"
    path.write_text(json.dumps(spec))
    return subprocess.run([checker, str(path)], capture_output=True, text=True)


def component(folder: str, deps: list[str]) -> dict:
    return {"dirs": [str(work / folder)], "files": [], "deps": deps}


failures = []
clean = {"core": component("core", []), "low": component("low", ["core"]), "high": component("high", ["low"])}
r = run(clean)
if r.returncode != 0:
    failures.append(f"clean graph refused: {r.stderr}")

# high reaches core only through low: allowed (transitive). low including high is not.
(work / "low" / "bad.cpp").write_text('#include "n2n_raw/high/high.hpp"\n')
r = run(clean)
if r.returncode == 0 or "bad.cpp" not in r.stderr or "'low' includes n2n_raw/high/high.hpp of 'high'" not in r.stderr:
    failures.append(f"upward include not reported: rc {r.returncode}, {r.stderr}")
(work / "low" / "bad.cpp").unlink()

(work / "low" / "stray.cpp").write_text('#include "n2n_raw/nowhere/x.hpp"\n')
r = run(clean)
if r.returncode == 0 or "no component owns" not in r.stderr:
    failures.append(f"unknown component not reported: rc {r.returncode}, {r.stderr}")
(work / "low" / "stray.cpp").unlink()

cyclic = dict(clean, low=component("low", ["core", "high"]))
r = run(cyclic)
if r.returncode == 0 or "cycle" not in (r.stderr + r.stdout):
    failures.append(f"cycle not reported: rc {r.returncode}, {r.stderr}")

for f in failures:
    print(f"FAIL: {f}")
print(f"{4 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
