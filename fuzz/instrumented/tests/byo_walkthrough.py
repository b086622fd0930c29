#!/usr/bin/env python3
"""The README's "Bring your own semaphore" walkthrough, end to end (ctest byo_walkthrough):

    byo_walkthrough.py --build BUILD_DIR --source REPO --cxx CLANG++ --generator G
                       [--fuzz-seconds S]

1. `cmake --install BUILD_DIR --prefix TMP/prefix`: the semfuzz package of this build;
2. configures and builds examples/ against it (find_package(semfuzz CONFIG)), a separate project;
   configured with g++ instead, it must stop with the reason (instrumented targets need clang);
3. replays examples/findings/* with SEMFUZZ_TRACE=1: the planted bug's lost wakeup, with the
   trace that explains it, and the same trace hash on every replay;
4. fuzzes from an empty corpus for at most S seconds (--fuzz-seconds, 0: skip) and must find a
   lost wakeup;
5. the whole program examples/bounded_queue.cc: its committed finding
   (examples/program-findings/*) replays with the failed assertion, and fuzzing from an empty
   corpus (when --fuzz-seconds) finds it;
6. rebuilds the example with its bugs fixed (-DEXAMPLE_FIXED=ON): the findings now pass.
Everything is written under a temporary directory, removed at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], text=True, capture_output=True, **kw)


def check(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    r = run(cmd, **kw)
    if r.returncode != 0:
        sys.exit(f"FAILED (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


def replay(binary: Path, finding: Path) -> tuple[int, str]:
    env = dict(os.environ, SEMFUZZ_TRACE="1")
    r = run([binary, "-runs=1", finding], env=env)
    return r.returncode, r.stderr


def fuzz_until(fuzzer: Path, corpus: Path, seconds: int, verdict: str, what: str) -> None:
    """Fuzzes from an empty corpus with -seed=1 for at most `seconds`: it must find `verdict`."""
    corpus.mkdir()
    started = time.monotonic()
    r = run([fuzzer, "-seed=1", f"-max_total_time={seconds}",
             f"-artifact_prefix={corpus.parent}/", corpus])
    if f"semfuzz: VERDICT {verdict}" not in r.stderr:
        sys.exit(f"no {verdict} in {seconds} s of fuzzing {fuzzer.name}:\n{r.stderr[-3000:]}")
    print(f"fuzzing found {what} in {time.monotonic() - started:.1f} s")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--build", type=Path, required=True)
    p.add_argument("--source", type=Path, required=True)
    p.add_argument("--cxx", required=True)
    p.add_argument("--generator", default="Ninja")
    p.add_argument("--fuzz-seconds", type=int, default=0)
    a = p.parse_args()
    findings = sorted((a.source / "examples" / "findings").iterdir())
    if not findings:
        sys.exit("no committed finding in examples/findings")

    with tempfile.TemporaryDirectory(prefix="semfuzz-byo-") as tmp_name:
        tmp = Path(tmp_name)
        prefix, example = tmp / "prefix", tmp / "example"
        check(["cmake", "--install", a.build, "--prefix", prefix])
        configure = ["cmake", "-S", a.source / "examples", "-B", example, "-G", a.generator,
                     f"-DCMAKE_CXX_COMPILER={a.cxx}", f"-DCMAKE_PREFIX_PATH={prefix}",
                     "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]
        r = check(configure + ["-DEXAMPLE_FIXED=OFF"])
        if "semfuzz package not found" in r.stdout:
            sys.exit("the example did not find the installed package:\n" + r.stdout)
        check(["cmake", "--build", example])

        if shutil.which("g++"):  # the package refuses a compiler without clang's hooks, saying so
            r = run(["cmake", "-S", a.source / "examples", "-B", tmp / "gcc", "-G", a.generator,
                     "-DCMAKE_CXX_COMPILER=g++", f"-DCMAKE_PREFIX_PATH={prefix}"])
            if r.returncode == 0 or "they need clang" not in r.stderr.replace("\n", " "):
                sys.exit(f"configuring the example with g++ should fail, naming clang:\n{r.stderr}")
            print("with g++ the configuration stops: instrumented targets need clang")

        hashes = set()
        for finding in findings:
            for _ in range(2):
                code, trace = replay(example / "futex_semaphore_replay", finding)
                if code == 0 or "semfuzz: VERDICT lost-wakeup" not in trace:
                    sys.exit(f"{finding.name} should fail with lost-wakeup:\n{trace}")
                if "futex_wait" not in trace or "futex_wake" not in trace:
                    sys.exit(f"the trace of {finding.name} does not show the futex calls:\n"
                             + trace)
                hashes.add((finding.name, re.search(r"trace-hash (\w+)", trace).group(1)))
        if len(hashes) != len(findings):
            sys.exit(f"replays differ: {sorted(hashes)}")
        print(f"{len(findings)} finding(s) replay with lost-wakeup, deterministically")

        if a.fuzz_seconds > 0:
            fuzz_until(example / "futex_semaphore_fuzzer", tmp / "corpus", a.fuzz_seconds,
                       "lost-wakeup", "the lost wakeup")

        program_findings = sorted((a.source / "examples" / "program-findings").iterdir())
        for finding in program_findings:
            code, trace = replay(example / "bounded_queue_replay", finding)
            if code == 0 or "VERDICT program-failure: T" not in trace or "items > 0" not in trace:
                sys.exit(f"{finding.name} should fail the assertion items > 0:\n{trace}")
        print(f"{len(program_findings)} finding(s) of the whole program fail its assertion")
        if a.fuzz_seconds > 0:
            fuzz_until(example / "bounded_queue_fuzzer", tmp / "program-corpus", a.fuzz_seconds,
                       "program-failure", "the program's failed assertion")

        check(configure + ["-DEXAMPLE_FIXED=ON"])
        check(["cmake", "--build", example])
        for finding in findings:
            code, trace = replay(example / "futex_semaphore_replay", finding)
            if code != 0 or "semfuzz: verdict pass" not in trace:
                sys.exit(f"{finding.name} should pass on the fixed semaphore:\n{trace}")
        print("the fixed semaphore passes every finding")
        for finding in program_findings:
            code, trace = replay(example / "bounded_queue_replay", finding)
            if code != 0 or "semfuzz: verdict pass" not in trace:
                sys.exit(f"{finding.name} should pass on the fixed program:\n{trace}")
        print("the fixed program passes every finding")
    return 0


if __name__ == "__main__":
    sys.exit(main())
