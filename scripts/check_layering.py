#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Fails when a component includes a header of a component it does not depend on.

The allowed direction is the one the build declares: each folder is a CMake component whose DEPS
(n2n_add_component) name the components it may use. CMake writes them, with each component's
folders (and, for core, its header files), to a JSON file; this script closes the graph transitively, refuses cycles, and checks
every `#include "n2n_raw/..."` in each component's sources and public headers.

Usage: check_layering.py LAYERING_JSON
"""
import json
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"n2n_raw/([^"]+)"', re.MULTILINE)
SOURCE_SUFFIXES = {".cpp", ".hpp", ".h", ".cc"}


def owner_of(header: str, components: set[str]) -> str | None:
    """n2n_raw/<name>/x.hpp belongs to component <name>; n2n_raw/x.hpp to core."""
    parts = header.split("/")
    if len(parts) == 1:
        return "core"
    return parts[0] if parts[0] in components else None


def closure(graph: dict[str, list[str]]) -> dict[str, set[str]]:
    done: dict[str, set[str]] = {}

    def visit(name: str, path: list[str]) -> set[str]:
        if name in path:
            raise SystemExit(f"layering: dependency cycle: {' -> '.join(path + [name])}")
        if name not in done:
            reach: set[str] = set()
            for dep in graph.get(name, []):
                reach |= {dep} | visit(dep, path + [name])
            done[name] = reach
        return done[name]

    for name in graph:
        visit(name, [])
    return done


def main() -> int:
    spec = json.loads(pathlib.Path(sys.argv[1]).read_text())
    graph = {name: c["deps"] for name, c in spec.items()}
    allowed = closure(graph)
    names = set(spec)
    errors = []
    for name, component in spec.items():
        files = [pathlib.Path(f) for f in component.get("files", [])]
        for folder in component["dirs"]:
            root = pathlib.Path(folder)
            if root.is_dir():
                files += [p for p in root.rglob("*") if p.suffix in SOURCE_SUFFIXES]
        for path in files:
            for header in INCLUDE.findall(path.read_text(errors="replace")):
                owner = owner_of(header, names)
                if owner is None:
                    errors.append(f"{path}: includes n2n_raw/{header}, which no component owns")
                elif owner != name and owner not in allowed[name]:
                    errors.append(f"{path}: component '{name}' includes n2n_raw/{header} of '{owner}', "
                                  f"but does not depend on it (its DEPS: {', '.join(sorted(graph[name])) or 'none'})")
    for e in errors:
        print(f"layering: {e}", file=sys.stderr)
    if errors:
        print(f"layering: {len(errors)} forbidden include(s); change the include or the component's DEPS "
              "(and the README's dependency drawing)", file=sys.stderr)
        return 1
    print(f"layering: {len(spec)} components, includes follow the declared dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
