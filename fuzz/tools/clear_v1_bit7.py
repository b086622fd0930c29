#!/usr/bin/env python3
"""Keeps v1 inputs v1 under format v2 (fuzz/input/FORMAT.md, "How v1 files keep their meaning").

Header bit 7 was ignored in format v1 and marks format v2 now. Given the v1 input files to keep
(for instance the corpus files a branch grown before format v2 adds:
`git diff --name-only --diff-filter=A BASE -- corpus reproducers`), this clears bit 7 in each,
which v1 allows: same program, same run, same verdict and trace hash. A file under corpus/ is
renamed (git mv) to the SHA-1 of its new bytes, or removed (git rm) when that file exists already;
any other file keeps its name. Then re-record the golden hashes
(`build/asan-fuzz/fuzz/golden --record hashes`). Never give it a v2 input: it would become v1.
"""
import hashlib
import os
import subprocess
import sys


def main(paths: list) -> int:
    renamed = dropped = rewritten = 0
    for path in paths:
        with open(path, "rb") as f:
            data = f.read()
        if not data or not data[0] & 0x80:
            continue
        new = bytes([data[0] & 0x7F]) + data[1:]
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
    print(f"{renamed} corpus files renamed, {dropped} duplicates removed, {rewritten} rewritten")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: clear_v1_bit7.py FILE... (v1 inputs, run from the repository root)")
    sys.exit(main(sys.argv[1:]))
