"""`replay --random-schedules N [--chooser C]`: one program under N seeded schedules.

The schedule target's standalone replay binary does the work (fuzz/engine/standalone_main.cc,
fuzz/schedule/schedule_driver.h): with `-random_schedules=N -random_seed=S -chooser=C` it runs each
input's program under N schedules of chooser C (`random`: the random walk; `pct` or `pct:D`:
probabilistic concurrency testing with depth D, default 3) seeded with S, S+1, ..., prints one
line per failing schedule and a summary `random schedules: N run, K failed` (with
`, first at schedule I` when one failed), exits non-zero when one failed, and writes each failing
run as an ordinary input `crash-<sha1>` (program bytes plus the choices that failed) under
`-artifact_prefix`. This module builds the command, reads the summary and says what was found."""

from __future__ import annotations

import argparse
import dataclasses
import re
import subprocess
from pathlib import Path
from typing import Optional

from .common import Failure, UsageError, files_in, new_run_dir, rel, say
from .reproducers import replay_command
from .targets import DEFAULT_TARGET, TARGETS, Target, sanitizer_env, target

RANDOM_SCHEDULES_TARGET = DEFAULT_TARGET  # and the whole programs ("program": True, targets.py)


def chosen_schedules(name: str) -> bool:
    """Whether the target's replay binary runs chosen schedules: the schedule target's program,
    a whole program (its input is all choice bytes: an input file's bytes are not read)."""
    return name == RANDOM_SCHEDULES_TARGET or bool(TARGETS.get(name, {}).get("program"))
SUMMARY = re.compile(r"^random schedules: (\d+) run, (\d+) failed"
                     r"(?:, first at schedule (\d+))?\s*$", re.MULTILINE)
CHOOSER = re.compile(r"^(random|pct)(?::(\d{1,2}))?$")
MAX_PCT_DEPTH = 16  # fuzz/schedule/schedule_driver.h, kMaxPctDepth
DEFAULT_CHOOSER = "random"
FAILURE_LINE = re.compile(r"^\s*(?:random )?schedule\b|VERDICT")
WALL_LIMIT_S = 600  # per input: a backstop; each schedule is bounded by the runaway oracle


def chooser_name(text: str) -> str:
    """An argparse type: `random`, `pct` or `pct:D` (1 <= D <= MAX_PCT_DEPTH), as the replay
    binary's -chooser= takes it."""
    match = CHOOSER.match(text)
    depth = match.group(2) if match else None
    if not match or (depth is not None and (match.group(1) != "pct"
                                            or not 1 <= int(depth) <= MAX_PCT_DEPTH)):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a chooser: random, pct or pct:D with D from 1 to {MAX_PCT_DEPTH}")
    return text


@dataclasses.dataclass
class RandomResult:
    input: Path
    runs: int
    failed: int
    first: Optional[int]  # the first failing schedule's 1-based index, None when none failed
    returncode: int
    failures: list  # the binary's lines about failing schedules
    crashes: list  # crash files it wrote


def random_schedules_command(replay: Target, schedules: int, seed: int, artifacts: Path,
                             path: Path, chooser: str = DEFAULT_CHOOSER) -> list[str]:
    return replay.command(f"-random_schedules={schedules}", f"-random_seed={seed}",
                          f"-chooser={chooser}", f"-artifact_prefix={artifacts}/", str(path))


def parse_summary(output: str) -> tuple[int, int]:
    """(run, failed) from the binary's last summary line; raises when it printed none."""
    matches = SUMMARY.findall(output)
    if not matches:
        raise Failure("the replay binary printed no `random schedules: N run, K failed` line "
                      "(does this build support -random_schedules?)")
    runs, failed, _ = matches[-1]
    return int(runs), int(failed)


def first_failure(output: str) -> Optional[int]:
    """The 1-based index of the first failing schedule, from the summary line; None when none
    failed. Raises when there is no summary."""
    parse_summary(output)
    first = SUMMARY.findall(output)[-1][2]
    return int(first) if first else None


def failure_lines(output: str) -> list[str]:
    """The binary's own lines about failing schedules: the lines that name a schedule or a
    verdict, without the summary."""
    return [line.strip() for line in output.splitlines()
            if FAILURE_LINE.search(line) and not SUMMARY.match(line)]


def run_random_schedules(replay: Target, path: Path, schedules: int, seed: int,
                         artifacts: Path, env: dict,
                         chooser: str = DEFAULT_CHOOSER) -> RandomResult:
    before = set(files_in(artifacts))
    try:
        result = subprocess.run(random_schedules_command(replay, schedules, seed, artifacts, path,
                                                         chooser),
                                cwd=artifacts, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace",
                                timeout=WALL_LIMIT_S)
    except subprocess.TimeoutExpired:
        raise Failure(f"{rel(path)}: still running after {WALL_LIMIT_S} s") from None
    runs, failed = parse_summary(result.stdout)
    if (failed > 0) != (result.returncode != 0):
        raise Failure(f"{rel(path)}: the replay binary says {failed} failed but exits "
                      f"{result.returncode}")
    crashes = sorted(set(files_in(artifacts)) - before)
    return RandomResult(path, runs, failed, first_failure(result.stdout), result.returncode,
                        failure_lines(result.stdout), crashes)


def cmd_random_schedules(target_name: str, inputs: list, schedules: int, seed: int,
                         chooser: str = DEFAULT_CHOOSER) -> int:
    if not chosen_schedules(target_name):
        raise UsageError(f"--random-schedules runs the {RANDOM_SCHEDULES_TARGET} target and whole "
                         "programs only "
                         f"(a chooser decides its schedule); {target_name} has none")
    if not inputs:
        raise UsageError("no input to replay")
    replay = target(target_name).standalone().build()
    run_dir = new_run_dir(f"{target_name}-random-schedules")
    artifacts = run_dir / "artifacts"
    artifacts.mkdir()
    env = sanitizer_env()
    total_runs = total_failed = 0
    for path in inputs:
        result = run_random_schedules(replay, path, schedules, seed, artifacts, env, chooser)
        total_runs, total_failed = total_runs + result.runs, total_failed + result.failed
        first = f", the first at schedule {result.first}" if result.first else ""
        say(f"{'FAIL' if result.failed else 'PASS'} {rel(path)}: {result.runs} {chooser} "
            f"schedules (seed {seed}), {result.failed} failed{first}")
        for line in result.failures:
            say(f"  {line}")
        for crash in result.crashes:
            say(f"  failing schedule: {rel(crash)}\n"
                f"    replay: {replay_command(crash, target_name)}")
    say(f"random schedules: {total_runs} run, {total_failed} failed; run directory {rel(run_dir)}")
    return 1 if total_failed else 0
