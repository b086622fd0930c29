#!/usr/bin/env python3
"""Applies the edits of a Qt mutant (fuzz/instrumented/targets/qt/qsemaphore.edits) to Qt's qsemaphore.cpp.

    apply_edits.py --edits EDITS --source QSEMAPHORE_CPP --out OUT

Qt's text is never in semfuzz's repository, so a mutant of Qt's own code is kept as an edit: a
block of lines to find and the lines that replace them, which the build applies to the file it
fetched (fuzz/instrumented/targets/qt/fetch_source.py). The edits file, whose format its header
describes, is empty of edits in the repository; a mutant (fuzz/mutants/QT-*.patch) adds one, so
`scripts/semfuzz mutants` applies it like any other mutant. Each block must match exactly one place
(lines compared without their leading and trailing blanks), else the build fails naming it.
"""

from __future__ import annotations

import argparse
import os
import sys


def parse(path: str) -> list[tuple[str, list[str], list[str]]]:
    edits, name, find, put = [], None, [], []
    for number, line in enumerate(open(path).read().splitlines(), 1):
        if line.startswith("@@"):
            if name is not None:
                edits.append((name, find, put))
            name, find, put = line[2:].strip() or f"line {number}", [], []
        elif line.startswith(("-", "+")) and name is None:
            raise SystemExit(f"{path}:{number}: an edit starts with a line '@@ NAME'")
        elif line.startswith("-"):
            find.append(line[1:].strip())
        elif line.startswith("+"):
            put.append(line[1:])
        elif line.strip() and not line.startswith("#"):
            raise SystemExit(f"{path}:{number}: not '@@ NAME', '-FIND', '+PUT' or '# comment'")
    if name is not None:
        edits.append((name, find, put))
    for name, find, _ in edits:
        if not find:
            raise SystemExit(f"{path}: edit '{name}' has no '-' line to find")
    return edits


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--edits", required=True)
    p.add_argument("--source", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    lines = open(a.source).read().split("\n")
    for name, find, put in parse(a.edits):
        stripped = [line.strip() for line in lines]
        at = [i for i in range(len(lines) - len(find) + 1) if stripped[i:i + len(find)] == find]
        if len(at) != 1:
            print(f"apply_edits.py: edit '{name}' of {a.edits} matches {len(at)} places of "
                  f"{a.source}, not one: re-make the mutant on this Qt's code", file=sys.stderr)
            return 1
        i = at[0]
        indent = lines[i][:len(lines[i]) - len(lines[i].lstrip())]
        lines[i:i + len(find)] = [indent + text for text in put]
    with open(a.out + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.replace(a.out + ".tmp", a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
