#!/usr/bin/env python3
"""Rewrites committed inputs between format versions (fuzz/input/FORMAT.md).

  format_version.py keep-v1 FILE...   clears header bit 7 of v1 inputs (FORMAT.md, "How v1 files
                                      keep their meaning"): bit 7 was ignored in v1 and marks v2
                                      now; cleared, the same program, run, verdict and trace hash.
                                      Never give it a v2 input: it would become v1.
  format_version.py to-v2 FILE...     makes v1 inputs v2 with no option set (the options byte 0):
                                      the same program, run with stutter elision, so its choice
                                      bytes mean another schedule (its verdict may change: replay
                                      it). v2 inputs are left as they are.

A file under corpus/ is renamed (git mv) to the SHA-1 of its new bytes, or removed (git rm) when
that file exists already; any other file keeps its name. Run from the repository root; then
re-record the golden hashes if corpus/schedule or reproducers/schedule changed
(`build/asan-fuzz/fuzz/golden --record hashes`).
"""
import hashlib
import os
import subprocess
import sys

FORMAT_V2_BIT = 0x80


def keep_v1(data: bytes) -> bytes:
    return bytes([data[0] & 0x7F]) + data[1:]


def to_v2(data: bytes) -> bytes:
    return bytes([data[0] | FORMAT_V2_BIT, 0]) + data[1:]


def rewrite(paths: list, change) -> str:
    """Applies `change` to every non-empty input whose header bit 7 is set (keep_v1) or clear
    (to_v2), renaming corpus files by their new SHA-1; says what it did."""
    renamed = dropped = rewritten = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        if not data or bool(data[0] & FORMAT_V2_BIT) != (change is keep_v1):
            continue
        new = change(data)
        if not os.path.normpath(path).startswith("corpus" + os.sep):
            with open(path, "wb") as f:
                f.write(new)
            rewritten += 1
            continue
        target = os.path.join(os.path.dirname(path), hashlib.sha1(new).hexdigest())
        if os.path.exists(target):
            subprocess.check_call(["git", "rm", "-q", path])
            dropped += 1
            continue
        subprocess.check_call(["git", "mv", path, target])
        with open(target, "wb") as f:
            f.write(new)
        renamed += 1
    return f"{renamed} corpus files renamed, {dropped} duplicates removed, {rewritten} rewritten"


def main(argv: list) -> int:
    changes = {"keep-v1": keep_v1, "to-v2": to_v2}
    if len(argv) < 2 or argv[0] not in changes:
        sys.stderr.write("usage: format_version.py keep-v1|to-v2 FILE... "
                         "(run from the repository root)\n")
        return 2
    print(rewrite(argv[1:], changes[argv[0]]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
