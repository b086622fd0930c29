"""`replay --random-schedules N`: one program under N seeded-random schedules.

The schedule target's standalone replay binary does the work (fuzz/standalone_main.cc): with
`-random_schedules=N -random_seed=S` it runs each input's program under N schedules drawn from a
random chooser seeded with S, prints one line per failing schedule and a summary
`random schedules: N run, K failed`, exits non-zero when one failed, and writes each failing run
as an ordinary input `crash-<sha1>` (program bytes plus the choices that failed) under
`-artifact_prefix`. This module builds the command, reads the summary and says what was found."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

from .common import Failure, UsageError, files_in, new_run_dir, rel, say
from .reproducers import replay_command
from .targets import DEFAULT_TARGET, Target, sanitizer_env, target

RANDOM_SCHEDULES_TARGET = DEFAULT_TARGET  # the only target whose runs a chooser decides
SUMMARY = re.compile(r"^random schedules: (\d+) run, (\d+) failed\s*$", re.MULTILINE)
FAILURE_LINE = re.compile(r"^\s*(?:random )?schedule\b|VERDICT")
WALL_LIMIT_S = 600  # per input: a backstop; each schedule is bounded by the runaway oracle


@dataclasses.dataclass
class RandomResult:
    input: Path
    runs: int
    failed: int
    returncode: int
    failures: list  # the binary's lines about failing schedules
    crashes: list  # crash files it wrote


def random_schedules_command(replay: Target, schedules: int, seed: int, artifacts: Path,
                             path: Path) -> list[str]:
    return replay.command(f"-random_schedules={schedules}", f"-random_seed={seed}",
                          f"-artifact_prefix={artifacts}/", str(path))


def parse_summary(output: str) -> tuple[int, int]:
    """(run, failed) from the binary's last summary line; raises when it printed none."""
    matches = SUMMARY.findall(output)
    if not matches:
        raise Failure("the replay binary printed no `random schedules: N run, K failed` line "
                      "(does this build support -random_schedules?)")
    runs, failed = matches[-1]
    return int(runs), int(failed)


def failure_lines(output: str) -> list[str]:
    """The binary's own lines about failing schedules: the lines that name a schedule or a
    verdict, without the summary."""
    return [line.strip() for line in output.splitlines()
            if FAILURE_LINE.search(line) and not SUMMARY.match(line)]


def run_random_schedules(replay: Target, path: Path, schedules: int, seed: int,
                         artifacts: Path, env: dict) -> RandomResult:
    before = set(files_in(artifacts))
    try:
        result = subprocess.run(random_schedules_command(replay, schedules, seed, artifacts, path),
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
    return RandomResult(path, runs, failed, result.returncode, failure_lines(result.stdout),
                        crashes)


def cmd_random_schedules(target_name: str, inputs: list, schedules: int, seed: int) -> int:
    if target_name != RANDOM_SCHEDULES_TARGET:
        raise UsageError(f"--random-schedules runs the {RANDOM_SCHEDULES_TARGET} target only "
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
        result = run_random_schedules(replay, path, schedules, seed, artifacts, env)
        total_runs, total_failed = total_runs + result.runs, total_failed + result.failed
        say(f"{'FAIL' if result.failed else 'PASS'} {rel(path)}: {result.runs} random "
            f"schedules (seed {seed}), {result.failed} failed")
        for line in result.failures:
            say(f"  {line}")
        for crash in result.crashes:
            say(f"  failing schedule: {rel(crash)}\n"
                f"    replay: {replay_command(crash, target_name)}")
    say(f"random schedules: {total_runs} run, {total_failed} failed; run directory {rel(run_dir)}")
    return 1 if total_failed else 0
