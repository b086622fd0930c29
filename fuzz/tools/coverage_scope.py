#!/usr/bin/env python3
"""Checks that fuzz/cmake/harness_coverage.ignorelist splits the fuzz targets' functions right.

The list leaves the harness's functions out of libFuzzer's edge coverage, one name at the top of
namespace semfuzz per line (`fun:_Z*7semfuzz3sim*`: semfuzz::sim and all it holds). The
production semaphore lives in the same namespace (semfuzz::basic_semaphore, semfuzz::internal,
...) and must keep its coverage. This tool reads the mangled names of the given binaries or
object files (nm) and fails when a name at the top of semfuzz is
  - in neither the list nor semaphore/include (a new part of the harness, not yet listed: the
    targets would spend coverage and time on it), or
  - in both (the list would hide the semaphore's own code from the fuzzer).
The semaphore's names are those that semaphore/include/semfuzz declares: its classes, structs,
enums, aliases, concepts, namespaces and functions.

Usage: fuzz/tools/coverage_scope.py [--root ROOT] FILE... (binaries or object files). Prints one
line per misplaced name and exits 1 if there is any, 0 if none.
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path

TOP_NAME = re.compile(r"7semfuzz(\d+)")
LISTED = re.compile(r"^fun:_Z\*7semfuzz(\d+)(\w+)\*$")
DECLARED = re.compile(r"\b(?:class|struct|enum class|using|concept|namespace)\s+(?:semfuzz::)?(\w+)"
                      r"|^[\w:<> ]*?\b(\w+)\(", re.M)


def listed_names(ignorelist: Path) -> set[str]:
    names = set()
    for line in ignorelist.read_text().splitlines():
        m = LISTED.match(line.strip())
        if m:
            if int(m.group(1)) != len(m.group(2)):
                raise SystemExit(f"{ignorelist}: {line.strip()}: the length {m.group(1)} is not "
                                 f"that of {m.group(2)}")
            names.add(m.group(2))
    return names


def semaphore_names(include: Path) -> set[str]:
    names = set()
    for header in include.rglob("*.h"):
        for m in DECLARED.finditer(header.read_text()):
            names.add(m.group(1) or m.group(2))
    return names - {"semfuzz"}


def top_names(files: list[str]) -> set[str]:
    names = set()
    for f in files:
        out = subprocess.run(["nm", "--defined-only", f], capture_output=True, text=True,
                             check=True).stdout
        for line in out.splitlines():
            symbol = line.rsplit(" ", 1)[-1]
            for m in TOP_NAME.finditer(symbol):
                n = int(m.group(1))
                names.add(symbol[m.end():m.end() + n])
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[2])
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    listed = listed_names(args.root / "fuzz" / "cmake" / "harness_coverage.ignorelist")
    production = semaphore_names(args.root / "semaphore" / "include" / "semfuzz")
    found = top_names(args.files)
    bad = [f"semfuzz::{n}: in the fuzz targets, but neither in harness_coverage.ignorelist nor "
           f"declared by semaphore/include" for n in sorted(found - listed - production)]
    bad += [f"semfuzz::{n}: declared by semaphore/include, yet harness_coverage.ignorelist "
            f"leaves it out of coverage" for n in sorted(listed & production)]
    for line in bad:
        print(line)
    print(f"coverage scope: {len(found)} names at the top of semfuzz, {len(found & listed)} of "
          f"the harness, {len(found & production)} of the semaphore, {len(bad)} misplaced")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
