"""Paths, messages and small helpers every module uses."""

from __future__ import annotations

import datetime
import hashlib
import os
import platform
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent.parent  # the repository


class Failure(Exception):
    """An error meant for the user: printed as one message, no traceback."""


def say(message: str = "") -> None:
    print(message, flush=True)


def rel(path: Path) -> str:
    """`path` relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


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
