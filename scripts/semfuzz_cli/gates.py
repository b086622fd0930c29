"""`test`'s cheap gates, run before any build: every tracked C++ file is formatted as the
repository's .clang-format says (clang-format 14, `--dry-run -Werror`), every tracked Python
file compiles (`py_compile`) and passes pyflakes (undefined names, unused imports: the mistakes a
verb that no test runs would otherwise hide until a user runs it). Each problem is one line."""

from __future__ import annotations

import py_compile
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .builds import ensure
from .common import ROOT, Failure

CLANG_FORMAT_VERSION = "14"
CLANG_FORMAT_PACKAGES = (f"clang-format-{CLANG_FORMAT_VERSION}",)
FORMAT_VIOLATION = re.compile(r"^(?P<file>[^:\n]+):\d+:\d+: (?:error|warning): code should be "
                              r"clang-formatted", re.MULTILINE)


def tracked(root: Path, *patterns: str) -> list[str]:
    """Files git tracks under root that match the patterns, relative to root."""
    listing = subprocess.run(["git", "ls-files", "-z", "--", *patterns], cwd=root,
                             capture_output=True, text=True)
    if listing.returncode != 0:
        raise Failure(f"git ls-files failed in {root}: {listing.stderr.strip()}")
    return [name for name in listing.stdout.split("\0") if name]


def clang_format() -> str:
    """clang-format of the pinned major version (another version formats differently)."""
    for candidate in (f"clang-format-{CLANG_FORMAT_VERSION}", "clang-format"):
        path = shutil.which(candidate)
        if path:
            version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
            if re.search(rf"version {CLANG_FORMAT_VERSION}\.", version):
                return path
    ensure(CLANG_FORMAT_PACKAGES, "format gate")
    path = shutil.which(f"clang-format-{CLANG_FORMAT_VERSION}")
    if not path:
        raise Failure(f"clang-format {CLANG_FORMAT_VERSION} is not installed "
                      f"(apt-get install {' '.join(CLANG_FORMAT_PACKAGES)})")
    return path


def format_problems(root: Path = ROOT, tool: str = "") -> list[str]:
    """One line per tracked .cc / .h file that clang-format would change."""
    files = tracked(root, "*.cc", "*.h")
    if not files:
        return []
    result = subprocess.run([tool or clang_format(), "--dry-run", "-Werror", *files], cwd=root,
                            capture_output=True, text=True, errors="replace")
    counts: dict[str, int] = {}
    for match in FORMAT_VIOLATION.finditer(result.stderr):
        counts[match["file"]] = counts.get(match["file"], 0) + 1
    if result.returncode != 0 and not counts:
        raise Failure(f"clang-format failed: {result.stderr.strip().splitlines()[-1:]}")
    return [f"{name}: differs from .clang-format in {n} place{'s' * (n > 1)} "
            f"(fix: clang-format -i {name})" for name, n in sorted(counts.items())]


def python_files(root: Path) -> list[str]:
    """Tracked *.py files and tracked scripts whose first line names python."""
    names = []
    for name in tracked(root):
        path = root / name
        if name.endswith(".py"):
            names.append(name)
        elif not path.suffix and path.is_file() and not path.is_symlink():
            with open(path, "rb") as f:
                first = f.readline(200)
            if first.startswith(b"#!") and b"python" in first:
                names.append(name)
    return names


def python_problems(root: Path = ROOT) -> list[str]:
    """One line per tracked Python file that does not compile."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="semfuzz-py-compile-") as tmp:
        for name in python_files(root):
            try:
                py_compile.compile(str(root / name), cfile=str(Path(tmp) / "out.pyc"),
                                   doraise=True)
            except py_compile.PyCompileError as error:
                detail = error.exc_value
                line = getattr(detail, "lineno", None)
                problems.append(f"{name}" + (f":{line}" if line else "") + ": does not compile: "
                                + str(getattr(detail, "msg", detail)))
    return problems


PYFLAKES_PACKAGES = ("pyflakes3",)
PYFLAKES_MESSAGE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<message>.+)$",
                              re.MULTILINE)


def pyflakes_problems(root: Path = ROOT, tool: str = "") -> list[str]:
    """One line per pyflakes message about a tracked Python file."""
    files = python_files(root)
    if not files:
        return []
    if not tool:
        ensure(PYFLAKES_PACKAGES, "pyflakes gate")
        tool = shutil.which("pyflakes3") or ""
        if not tool:
            raise Failure(f"pyflakes is not installed (apt-get install {' '.join(PYFLAKES_PACKAGES)})")
    result = subprocess.run([tool, *files], cwd=root, capture_output=True, text=True,
                            errors="replace")
    problems = [f"{m['file']}:{m['line']}: {m['message']}"
                for m in PYFLAKES_MESSAGE.finditer(result.stdout)]
    if result.returncode != 0 and not problems:
        raise Failure(f"pyflakes failed: {(result.stderr or result.stdout).strip()[-200:]}")
    return problems


def size_problems(root: Path = ROOT) -> list[str]:
    """fuzz/tools/size_rules.py: no C++ file of fuzz/ outside tests over 400 lines, no function
    over 60; one line per offender."""
    run = subprocess.run([sys.executable, str(root / "fuzz" / "tools" / "size_rules.py")],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise Failure(f"fuzz/tools/size_rules.py failed: {run.stderr.strip()}")
    return run.stdout.splitlines()


def include_problems(root: Path = ROOT) -> list[str]:
    """fuzz/tools/include_rules.py: each folder of fuzz/ includes only itself and the folders
    below it (engine < input < sim < oracles < tests < schedule < threads < instrumented <
    tools), code includes no test, semaphore/ nothing of fuzz/; one line per offending include."""
    run = subprocess.run([sys.executable, str(ROOT / "fuzz" / "tools" / "include_rules.py"),
                          str(root)], capture_output=True, text=True)
    if run.returncode not in (0, 1):
        raise Failure(f"fuzz/tools/include_rules.py failed: {run.stderr.strip()}")
    return run.stdout.splitlines()
