"""Reproducers: minimised findings in reproducers/TARGET/, their index, triage of a run's
crashes, and reproducers as GoogleTest cases."""

from __future__ import annotations

import contextlib
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Optional

from .builds import build, ensure_packages, no_aslr_prefix
from .common import Failure, UsageError, data_dir, files_in, rel, say, sha1_of, write_atomic
from .targets import (DEFAULT_TARGET, LIBFUZZER_LIMITS, MAX_ARTIFACTS_REPLAYED, Outcome, TARGETS,
                      Target, crash_signature, run_input, sanitizer_env)


MINIMIZE_SECONDS = 60
MINIMIZE_ROUNDS = 6

REPRODUCER_TABLE_HEADER = ("| file | verdict | what it shows | how found |", "|---|---|---|---|")


def _table_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def reproducer_index() -> Path:
    return data_dir("reproducers") / "README.md"


def index_reproducer(reproducer: Path, outcome: Outcome, how_found: str) -> None:
    """Adds a row to the table in reproducers/README.md, creating the table when missing."""
    index = reproducer_index()
    lines = index.read_text().splitlines() if index.exists() else [
        "# Reproducers", "",
        "Minimised inputs that make a fuzz target fail, or did before the bug was fixed. "
        "Replay one with `scripts/semfuzz replay FILE`.", ""]
    header = next((i for i, line in enumerate(lines) if line.lower().startswith("| file")), None)
    if header is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += REPRODUCER_TABLE_HEADER
        end = len(lines)
    else:
        end = header + 1
        while end < len(lines) and lines[end].startswith("|"):
            end += 1
    cells = [f"`{reproducer.relative_to(index.parent)}`", outcome.verdict, outcome.details,
             how_found]
    lines.insert(end, "| " + " | ".join(_table_cell(c) for c in cells) + " |")
    index.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(index, "\n".join(lines) + "\n")


def save_reproducer(t: Target, data_file: Path, outcome: Outcome, how_found: str,
                    name: Optional[str] = None) -> Path:
    """Saves as reproducers/TARGET/NAME, by default <verdict>-<sha1>; a finding in a
    third-party library (TARGETS' `third_party`) goes to reproducers/TARGET/unfixed/, outside
    the folder ctest replays as a regression gate."""
    folder = t.reproducers / "unfixed" if TARGETS[t.name].get("third_party") else t.reproducers
    reproducer = folder / (name or f"{outcome.verdict}-{sha1_of(data_file)}")
    if reproducer.exists():
        say(f"  {rel(reproducer)} is already there")
        return reproducer
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(reproducer, data_file.read_bytes())
    index_reproducer(reproducer, outcome, how_found)
    return reproducer


def minimize(t: Target, crash: Path, env: dict, how_found: str,
             name: Optional[str] = None) -> tuple[Outcome, Path]:
    """Shrinks a failing input while it keeps its verdict, and saves it as a reproducer.

    libFuzzer's -minimize_crash accepts any crash (its dedup tokens are the same for every abort),
    so it runs in rounds and a round whose result fails differently is dropped."""
    original = run_input(t, crash, env)
    if original.verdict is None:
        raise Failure(f"{rel(crash)} passes; there is nothing to minimise")
    say(f"  {rel(crash)}: {original.verdict}; minimising for up to {MINIMIZE_SECONDS} s")
    best, outcome = crash, original
    with tempfile.TemporaryDirectory(prefix="semfuzz-minimize-") as tmp:
        for round_number in range(MINIMIZE_ROUNDS):
            candidate = Path(tmp) / f"round-{round_number}"
            subprocess.run(t.command("-minimize_crash=1", *LIBFUZZER_LIMITS,
                                     f"-max_total_time={MINIMIZE_SECONDS // MINIMIZE_ROUNDS}",
                                     f"-exact_artifact_path={candidate}", str(best)),
                           cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not candidate.exists() or candidate.stat().st_size >= best.stat().st_size:
                break
            result = run_input(t, candidate, env)
            if result.verdict != original.verdict:
                say(f"  a smaller input gives {result.verdict or 'a pass'}, not "
                    f"{original.verdict}: stopping at {best.stat().st_size} bytes")
                break
            best, outcome = candidate, result
        say(f"  minimised {crash.stat().st_size} -> {best.stat().st_size} bytes")
        return outcome, save_reproducer(t, best, outcome, how_found, name)


def _target_option(target_name: str) -> str:
    return "" if target_name == DEFAULT_TARGET else f" --target {target_name}"


def replay_command(path: Path, target_name: str) -> str:
    """The command that replays `path` on the target it was found on."""
    return f"scripts/semfuzz replay{_target_option(target_name)} {shlex.quote(rel(path))}"


def minimize_command(path: Path, target_name: str) -> str:
    return f"scripts/semfuzz minimize{_target_option(target_name)} {shlex.quote(rel(path))}"


def triage(t: Target, artifacts: Path, env: dict, how_found: str) -> list[tuple[Outcome, Path]]:
    """Groups crash artifacts by verdict and top frames (libFuzzer's fork mode saves every
    occurrence) and turns the smallest of each group into a minimised reproducer."""
    found = sorted(files_in(artifacts), key=lambda f: f.stat().st_size)
    if not found:
        return []
    say(f"\ntriage: {len(found)} artifact(s)")
    first_by_signature = {}
    for artifact in found[:MAX_ARTIFACTS_REPLAYED]:
        outcome = run_input(t, artifact, env)
        if outcome.verdict is None:
            say(f"  {rel(artifact)} does not fail again (flaky); left in place")
            continue
        signature = crash_signature(outcome)
        if signature in first_by_signature:
            say(f"  {rel(artifact)}: {outcome.verdict}, a duplicate")
        else:
            first_by_signature[signature] = artifact
            say(f"  {rel(artifact)}: {outcome.verdict}, new: "
                + (" < ".join(signature[1:]) or "no symbolised stack"))
    if len(found) > MAX_ARTIFACTS_REPLAYED:
        say(f"  replayed the {MAX_ARTIFACTS_REPLAYED} smallest; the rest stay in {rel(artifacts)}")
    return [minimize(t, artifact, env, how_found) for artifact in first_by_signature.values()]


AS_TEST_TOOL = "fuzz/as_test"  # in the preset's build directory; also its CMake target


TEST_LINE = re.compile(r"^TEST\((\w+), (\w+)\) \{$", re.MULTILINE)


def unique_test_names(source: str) -> str:
    """Test names come from file names, and two folders may hold files of the same name: the
    second and later get _2, _3, ... so the printed tests compile together."""
    seen: dict = {}

    def rename(match: re.Match) -> str:
        key = (match[1], match[2])
        seen[key] = seen.get(key, 0) + 1
        suffix = f"_{seen[key]}" if seen[key] > 1 else ""
        return f"TEST({match[1]}, {match[2]}{suffix}) {{"

    return TEST_LINE.sub(rename, source)


def print_as_tests(t: Target, files: list) -> int:
    printable = [name for name, spec in TARGETS.items() if spec.get("as_test")]
    if t.name not in printable:
        raise UsageError(f"--as-test prints tests of the deterministic targets only "
                         f"({', '.join(printable)}: a program and its schedule); a {t.name} "
                         f"finding cannot be written that way: replay it with `scripts/semfuzz "
                         f"replay --target {t.name}`")
    tool = t.config.build_dir / AS_TEST_TOOL
    with contextlib.redirect_stdout(sys.stderr):  # stdout is the test, ready to paste
        ensure_packages([t.config])
        if not build(t.config, [tool.name]) or not tool.exists():
            raise Failure(f"could not build {rel(tool)} (preset {t.config.name})")
    result = subprocess.run([*no_aslr_prefix(t.config), str(tool), "--target", t.name,
                             *map(str, files)],
                            env=sanitizer_env(), stdout=subprocess.PIPE, text=True,
                            errors="replace")
    sys.stdout.write(unique_test_names(result.stdout))
    return result.returncode


def unindex_reproducer(reproducer: Path) -> None:
    cell = f"| `{reproducer.relative_to(reproducer_index().parent)}` |"
    lines = reproducer_index().read_text().splitlines()
    write_atomic(reproducer_index(), "\n".join(l for l in lines if not l.startswith(cell)) + "\n")
