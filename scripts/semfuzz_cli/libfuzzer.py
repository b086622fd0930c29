"""libFuzzer runs: fuzzing with progress, and its coverage-preserving merge."""

from __future__ import annotations

import collections
import dataclasses
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

from .common import Failure, output_tail, say
from .progress import PROGRESS_STATS
from .targets import LIBFUZZER_LIMITS, Target


FUZZ_OVERRUN_S = 300  # `fuzz`: a run still going this long past its --time is killed


@dataclasses.dataclass
class FuzzRun:
    returncode: int
    seconds: float
    execs: int
    exec_per_sec: int
    tail: str  # the last lines of libFuzzer's output
    # (seconds, execs, cov, ft, corpus inputs) from libFuzzer's status lines, at most one a 0.5 s
    samples: list = dataclasses.field(default_factory=list)
    hung: bool = False  # killed by the backstop, past its time limit


PROGRESS_LINE = re.compile(r"^#(\d+)")
NOTABLE_LINE = re.compile(r"semfuzz: VERDICT|^SUMMARY: |ERROR: libFuzzer|INFO: fuzzed for")
FINAL_STAT = re.compile(r"^stat::(number_of_executed_units|average_exec_per_sec):\s*(\d+)")


def run_libfuzzer(t: Target, seconds: int, corpus_dirs: list[Path], artifacts: Path, log: Path,
                  env: dict, jobs: int = 1) -> FuzzRun:
    """Fuzzes for `seconds`; libFuzzer writes new inputs into corpus_dirs[0] only. Its output goes
    to `log`; progress lines (at most one every 2 s) and each distinct finding reach the
    terminal."""
    command = t.command(f"-max_total_time={seconds}", *LIBFUZZER_LIMITS,
                        f"-artifact_prefix={artifacts}/", "-print_final_stats=1")
    if jobs > 1:
        command += [f"-fork={jobs}", "-ignore_crashes=1"]
    command += [str(d) for d in corpus_dirs]
    stats, tail, shown, samples = {}, collections.deque(maxlen=200), set(), []
    last_progress, execs = 0.0, 0
    started = time.monotonic()
    with open(log, "w") as log_file, subprocess.Popen(
            command, cwd=log.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace") as fuzzer:
        # The backstop for a hang libFuzzer's -timeout misses: its alarm handler can deadlock
        # (under TSan it allocates inside a signal handler, which TSan reports and then blocks
        # on). SIGKILL, since such a process never gets to handle SIGTERM.
        backstop = threading.Timer(seconds + FUZZ_OVERRUN_S, fuzzer.kill)
        backstop.daemon = True
        backstop.start()
        lines = iter(fuzzer.stdout)
        while True:
            try:
                line = next(lines, None)
            except KeyboardInterrupt:  # libFuzzer got the SIGINT too and is wrapping up
                say("  interrupted: letting libFuzzer stop, then merging what it found")
                continue
            if line is None:
                break
            log_file.write(line)
            tail.append(line)
            progress, stat = PROGRESS_LINE.match(line), FINAL_STAT.match(line)
            if progress:
                execs = int(progress[1])
            if stat:
                stats[stat[1]] = int(stat[2])
            now = time.monotonic()
            covered = PROGRESS_STATS.search(line) if progress else None
            if covered:
                sample = (round(now - started, 1), execs, *map(int, covered.groups()))
                if samples and sample[0] - samples[-1][0] < 0.5:
                    samples[-1] = sample
                else:
                    samples.append(sample)
            if progress and now - last_progress >= 2:
                last_progress = now
                say("  " + line.rstrip())
            elif NOTABLE_LINE.search(line):
                without_pid = re.sub(r"==\d+==\s*", "", line.strip())
                if without_pid not in shown:  # fork mode reports every occurrence
                    shown.add(without_pid)
                    say("  " + without_pid)
        returncode = fuzzer.wait()
        backstop.cancel()
    elapsed = time.monotonic() - started
    hung = returncode == -signal.SIGKILL and elapsed >= seconds + FUZZ_OVERRUN_S
    if hung:
        say(f"  HANG: libFuzzer was still running {FUZZ_OVERRUN_S} s past its time limit and was "
            "killed; the input it was running is lost (see the end of its log)")
        tail.append(f"semfuzz: VERDICT hang: libFuzzer still running {FUZZ_OVERRUN_S} s past "
                    "-max_total_time, killed\n")
    execs = stats.get("number_of_executed_units", execs)
    # libFuzzer's own rate leaves out start-up, but it rounds a run under a second down to 0.
    rate = stats.get("average_exec_per_sec") or (int(execs / elapsed) if elapsed > 0 else 0)
    return FuzzRun(returncode, elapsed, execs, rate, "".join(tail), samples, hung)


def libfuzzer_merge(t: Target, output_dir: Path, input_dirs: list[Path], env: dict) -> None:
    """Coverage-preserving merge: output_dir gains the inputs that add coverage to it."""
    result = subprocess.run(t.command("-merge=1", *LIBFUZZER_LIMITS, str(output_dir),
                                      *map(str, input_dirs)), cwd=output_dir.parent, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="replace")
    if result.returncode != 0:
        raise Failure(f"libFuzzer merge failed (exit {result.returncode}):\n"
                      + output_tail(result.stdout))
