"""libFuzzer runs: fuzzing with progress, and its coverage-preserving merge."""

from __future__ import annotations

import collections
import dataclasses
import queue
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional

from .common import Failure, output_tail, say
from .progress import PROGRESS_STATS, Sampler
from .stopping import (GROUP_GRACE_S, Signals, end_group, run_group, signal_group, signal_name,
                       start_group)
from .targets import LIBFUZZER_LIMITS, Target


FUZZ_OVERRUN_S = 300  # `fuzz`: a run still going this long past its --time is killed


@dataclasses.dataclass
class FuzzRun:
    returncode: int
    seconds: float
    execs: int
    exec_per_sec: int
    tail: str  # the last lines of libFuzzer's output
    # (seconds, execs, cov, ft, corpus inputs): see progress.Sampler
    samples: list = dataclasses.field(default_factory=list)
    hung: bool = False  # killed by the backstop, past its time limit
    stopped_by: Optional[int] = None  # the signal that stopped it early


PROGRESS_LINE = re.compile(r"^#(\d+)")
NOTABLE_LINE = re.compile(r"semfuzz: VERDICT|^SUMMARY: |ERROR: libFuzzer|INFO: fuzzed for")
FINAL_STAT = re.compile(r"^stat::(number_of_executed_units|average_exec_per_sec):\s*(\d+)")
POLL_S = 0.25  # how often the loop looks at the clock when libFuzzer is quiet


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def run_libfuzzer(t: Target, seconds: int, corpus_dirs: list[Path], artifacts: Path, log: Path,
                  env: dict, jobs: int = 1, signals: Optional[Signals] = None) -> FuzzRun:
    """Fuzzes for `seconds`; libFuzzer writes new inputs into corpus_dirs[0] only. Its output goes
    to `log`; progress lines (at most one every 2 s) and each distinct finding reach the
    terminal. libFuzzer runs in a process group of its own, with its temporary files (fork
    mode's) in log's folder under tmp/, removed afterwards. With `signals`, a stop signal ends
    the group (SIGTERM, then SIGKILL after a grace period) and the run returns early."""
    command = t.command(f"-max_total_time={seconds}", *LIBFUZZER_LIMITS,
                        f"-artifact_prefix={artifacts}/", "-print_final_stats=1")
    if jobs > 1:
        command += [f"-fork={jobs}", "-ignore_crashes=1"]
    command += [str(d) for d in corpus_dirs]
    stats, tail, shown, sampler = {}, collections.deque(maxlen=200), set(), Sampler()
    last_progress, execs, stopped_by, kill_at = 0.0, 0, None, None
    scratch = log.parent / "tmp"
    scratch.mkdir(exist_ok=True)
    started = time.monotonic()
    # The backstop for a hang libFuzzer's -timeout misses (its alarm handler deadlocked in TSan
    # builds before fuzz/engine/tsan_options.cc). SIGKILL, since such a process may never handle SIGTERM.
    backstop = started + seconds + FUZZ_OVERRUN_S
    hung = False
    with open(log, "w") as log_file:
        fuzzer = start_group(command, cwd=log.parent, env=dict(env, TMPDIR=str(scratch)),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             errors="replace")
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=_read_lines, args=(fuzzer.stdout, lines), daemon=True).start()

        def stop(signum: int) -> None:
            nonlocal stopped_by, kill_at
            stopped_by, kill_at = signum, time.monotonic() + GROUP_GRACE_S
            say(f"  {signal_name(signum)}: stopping libFuzzer, then merging what it found")
            signal_group(fuzzer, signal.SIGTERM)

        if signals is not None:
            signals.on_stop = stop
            if signals.received:  # arrived before libFuzzer started
                stop(signals.received)
        try:
            while True:
                try:
                    line = lines.get(timeout=POLL_S)
                except queue.Empty:
                    line = ""
                if line is None:
                    break
                now = time.monotonic()
                sampler.tick(now - started)
                if now >= backstop and not hung:
                    hung = True
                    signal_group(fuzzer, signal.SIGKILL)
                if kill_at is not None and now >= kill_at:
                    signal_group(fuzzer, signal.SIGKILL)
                if not line:
                    continue
                log_file.write(line)
                tail.append(line)
                progress, stat = PROGRESS_LINE.match(line), FINAL_STAT.match(line)
                if progress:
                    execs = int(progress[1])
                if stat:
                    stats[stat[1]] = int(stat[2])
                covered = PROGRESS_STATS.search(line) if progress else None
                if covered:
                    sampler.add((round(now - started, 1), execs, *map(int, covered.groups())))
                if progress and now - last_progress >= 2 and stopped_by is None:
                    last_progress = now
                    say("  " + line.rstrip())
                elif NOTABLE_LINE.search(line):
                    without_pid = re.sub(r"==\d+==\s*", "", line.strip())
                    if without_pid not in shown:  # fork mode reports every occurrence
                        shown.add(without_pid)
                        say("  " + without_pid)
        finally:
            if signals is not None:
                signals.on_stop = None
            returncode = end_group(fuzzer, grace=1.0)
            fuzzer.stdout.close()
            shutil.rmtree(scratch, ignore_errors=True)
    elapsed = time.monotonic() - started
    if hung:
        say(f"  HANG: libFuzzer was still running {FUZZ_OVERRUN_S} s past its time limit and was "
            "killed; the input it was running is lost (see the end of its log)")
        tail.append(f"semfuzz: VERDICT hang: libFuzzer still running {FUZZ_OVERRUN_S} s past "
                    "-max_total_time, killed\n")
    execs, rate = final_counts(stats, execs, elapsed)
    return FuzzRun(returncode, elapsed, execs, rate, "".join(tail), sampler.samples, hung,
                   stopped_by)


def final_counts(stats: dict, progress_execs: int, elapsed: float) -> tuple[int, int]:
    """Executions and exec/s of a run, from its final stats (`stats`: number_of_executed_units,
    average_exec_per_sec) and the count on its last progress line. A fork-mode parent that is
    interrupted prints final stats of its own, zero (its jobs ran the inputs), so the larger
    count wins. libFuzzer's own rate leaves out start-up, but it rounds a run under a second
    down to 0; a missing or zero rate is the count over the run's wall time."""
    execs = max(stats.get("number_of_executed_units", 0), progress_execs)
    rate = stats.get("average_exec_per_sec") or (int(execs / elapsed) if elapsed > 0 else 0)
    return execs, rate


def libfuzzer_merge(t: Target, output_dir: Path, input_dirs: list[Path], env: dict) -> None:
    """Coverage-preserving merge: output_dir gains the inputs that add coverage to it. libFuzzer's
    own temporary files (its merge control file) go to output_dir's parent, which the caller
    removes; the merge and the process it spawns are one process group, stopped together."""
    work = output_dir.parent
    result = run_group(t.command("-merge=1", *LIBFUZZER_LIMITS,
                                 f"-merge_control_file={work / 'merge-control'}",
                                 str(output_dir), *map(str, input_dirs)),
                       cwd=work, env=dict(env, TMPDIR=str(work)))
    if result.returncode != 0:
        raise Failure(f"libFuzzer merge failed (exit {result.returncode}):\n"
                      + output_tail(result.stdout))
