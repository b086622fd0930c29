"""Paths, messages and small helpers every module uses."""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent.parent  # the repository


class Failure(Exception):
    """An error meant for the user: printed as one message, no traceback; exit status 1."""


class UsageError(Failure):
    """A mistake in what the user asked for (target, path, option), found before any work is
    done; exit status 2."""


# Where corpora, reproducers and run directories live: the repository's folders, unless the
# environment names others (the CLI's own shell tests point them at temporary copies).
DATA_DIRS = {"corpus": "SEMFUZZ_CORPUS_DIR", "reproducers": "SEMFUZZ_REPRODUCERS_DIR",
             "runs": "SEMFUZZ_RUNS_DIR"}


def data_dir(kind: str) -> Path:
    """corpus/, reproducers/ or runs/, or the folder $SEMFUZZ_<KIND>_DIR names."""
    override = os.environ.get(DATA_DIRS[kind])
    return Path(override).resolve() if override else ROOT / kind


def new_run_dir(label: str, prefix: str = "") -> Path:
    """Creates runs/<prefix><UTC time>-<label>, or -2, -3, ... after it when a run started in
    the same second already has that name: every run gets its own folder."""
    runs = data_dir("runs")
    runs.mkdir(parents=True, exist_ok=True)
    stem = f"{prefix}{utc_stamp()}-{label}"
    for number in range(1, 1000):
        candidate = runs / (stem if number == 1 else f"{stem}-{number}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise Failure(f"no free run directory name {stem}-N in {runs}")


def say(message: str = "") -> None:
    print(message, flush=True)


def rel(path: Path) -> str:
    """`path` relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def fsync_dir(directory: Path) -> None:
    """Makes renames into `directory` durable."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def place(source: Path, destination: Path) -> None:
    """Moves a file that lies on the same file system as `destination` into place: its data is
    flushed to disk first, and the rename is atomic (no half-written destination, ever)."""
    fd = os.open(source, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(source, destination)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Writes a file by write-then-rename: a temporary name beside it (hidden, so no corpus
    reader takes it for an input), fsync, rename over `path`."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data.encode() if isinstance(data, str) else data)
        place(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_dir(path.parent)


def check_output_file(text: str, option: str) -> None:
    """Raises UsageError unless a file can be written at `text` (checked before the work)."""
    path = Path(text)
    if path.is_dir():
        raise UsageError(f"{option} {text}: is a folder")
    if not path.parent.is_dir():
        raise UsageError(f"{option} {text}: no folder {path.parent}")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {text}: not writable")


def sha1_of(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


def files_in(directory: Path) -> list[Path]:
    """Inputs in a corpus or reproducer folder: plain files, not hidden, not documentation."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*")
                  if p.is_file() and not p.name.startswith(".") and p.suffix != ".md")


def utc_stamp() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def output_tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


def machine() -> dict:
    cpu = "unknown"
    try:
        cpu = next((line.split(":", 1)[1].strip()
                    for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {"nproc": os.cpu_count() or 1, "cpu": cpu, "kernel": platform.release(),
            "load_average": [round(x, 2) for x in load]}


def print_table(table: list[list[str]]) -> None:
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for number, line in enumerate(table):
        say("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if number == 0:
            say("  ".join("-" * width for width in widths))


def markdown_table(table: list[list[str]]) -> str:
    lines = ["| " + " | ".join(table[0]) + " |", "|" + "---|" * len(table[0])]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |"
              for line in table[1:]]
    return "\n".join(lines)
