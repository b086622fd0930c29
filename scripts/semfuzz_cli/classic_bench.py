"""`bench --classic`: the classic concurrency-bug benchmark (bench/classic/).

Every program there is built twice as a whole-program target (bench/classic/CMakeLists.txt):
classic_NAME (the bug) and classic_NAME_fixed (-DFIXED). For each bug and chooser it measures the
schedules to the first finding over SEEDS seeds, capped at CAP:
  libfuzzer   NAME_fuzzer -seed=S -runs=CAP from an empty corpus: libFuzzer's executions up to
              and including the crash (stat::number_of_executed_units);
  pct:2 pct:3 random   NAME_replay -random_schedules=CAP -stop_at_failure=1 -chooser=C
              -random_seed=S*2^32 on an empty input (a whole program's input is all choice
              bytes): the index of the first failing schedule.
and for each fixed twin the findings in FIXED schedules per chooser (libFuzzer stops at its
first, so it says 0 or 1), which must be 0. It prints a table (median and max per chooser, ">CAP"
when a seed found nothing) and can write it as JSON."""

from __future__ import annotations

import datetime
import json
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from .builds import build, config, no_aslr_prefix
from .common import Failure, ROOT, check_output_file, machine, markdown_table, print_table, say
from .targets import sanitizer_env

PRESET = "asan-fuzz"
PROGRAMS_DIR = ROOT / "bench" / "classic"
BUILD_SUBDIR = Path("bench") / "classic"  # in the preset's build directory
CHOOSERS = ("libfuzzer", "pct:2", "pct:3", "random")
SEEDS, CAP, FIXED = 20, 100_000, 100_000
SEED_STRIDE = 2**32  # seed S's schedules use seeds S*2^32, S*2^32+1, ...: no overlap
RUN_TIMEOUT_S = 1800
EXECUTED = re.compile(r"^stat::number_of_executed_units:\s*(\d+)\s*$", re.MULTILINE)
SUMMARY = re.compile(r"^random schedules: (\d+) run, (\d+) failed(?:, first at schedule (\d+))?",
                     re.MULTILINE)


def programs(only: Optional[list] = None) -> list[str]:
    """The benchmark's program names (bench/classic/NAME.cc), in name order; `only` must name
    some of them."""
    names = sorted(p.stem for p in PROGRAMS_DIR.glob("*.cc"))
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise Failure(f"no classic program {', '.join(unknown)} (bench/classic/ has "
                          f"{', '.join(names)})")
        names = [n for n in names if n in only]
    return names


def target_name(program: str, fixed: bool) -> str:
    return f"classic_{program}" + ("_fixed" if fixed else "")


def parse_libfuzzer(output: str, returncode: int) -> tuple[Optional[int], int]:
    """(executions to the crash or None when it did not crash, executions run)."""
    counts = EXECUTED.findall(output)
    if not counts:
        raise Failure("libFuzzer printed no stat::number_of_executed_units (-print_final_stats)")
    executed = int(counts[-1])
    return (executed if returncode != 0 else None), executed


def parse_schedules(output: str) -> tuple[int, int, Optional[int]]:
    """(schedules run, failed, the first failing one's 1-based index or None)."""
    found = SUMMARY.findall(output)
    if not found:
        raise Failure("the replay binary printed no `random schedules: N run, K failed` line")
    runs, failed, first = found[-1]
    return int(runs), int(failed), (int(first) if first else None)


def bench_env() -> dict:
    """The sanitizers' settings without leak detection: a run that ends in a finding abandons its
    simulated threads' stacks, whose temporaries LeakSanitizer would report, and leaks are not
    what the benchmark measures."""
    env = sanitizer_env()
    env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "").replace("detect_leaks=1", "detect_leaks=0")
    if "detect_leaks=0" not in env["ASAN_OPTIONS"]:
        env["ASAN_OPTIONS"] += ":detect_leaks=0"
    return env


def run_libfuzzer(fuzzer: Path, seed: int, runs: int, work: Path, env: dict,
                  prefix: list) -> tuple[Optional[int], int]:
    corpus = work / "empty"
    corpus.mkdir(exist_ok=True)
    command = [*prefix, str(fuzzer), f"-seed={seed}", f"-runs={runs}", "-print_final_stats=1", "-detect_leaks=0",
               f"-artifact_prefix={work}/", str(corpus)]
    result = subprocess.run(command, cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace",
                            timeout=RUN_TIMEOUT_S)
    return parse_libfuzzer(result.stdout, result.returncode)


def run_chooser(replay: Path, chooser: str, seed: int, schedules: int, stop: bool, work: Path,
                env: dict, prefix: list) -> tuple[int, int, Optional[int]]:
    empty = work / "empty-input"
    empty.write_bytes(b"")
    command = [*prefix, str(replay), f"-random_schedules={schedules}",
               f"-random_seed={seed * SEED_STRIDE}", f"-chooser={chooser}",
               f"-stop_at_failure={int(stop)}", f"-artifact_prefix={work}/", str(empty)]
    result = subprocess.run(command, cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace",
                            timeout=RUN_TIMEOUT_S)
    if result.returncode not in (0, 1):
        raise Failure(f"{replay.name} -chooser={chooser} exited {result.returncode}:\n"
                      + "\n".join(result.stdout.splitlines()[-5:]))
    return parse_schedules(result.stdout)


def to_first_bug(binaries: dict, chooser: str, seed: int, cap: int, work: Path, env: dict,
                 prefix: list) -> Optional[int]:
    """Schedules (executions) to the first finding of one seed; None when none within cap."""
    if chooser == "libfuzzer":
        return run_libfuzzer(binaries["fuzzer"], seed, cap, work, env, prefix)[0]
    return run_chooser(binaries["replay"], chooser, seed, cap, True, work, env, prefix)[2]


def findings(binaries: dict, chooser: str, schedules: int, work: Path, env: dict,
             prefix: list) -> int:
    """Findings of a fixed twin in `schedules` schedules (libFuzzer: 0 or 1, it stops)."""
    if chooser == "libfuzzer":
        return 0 if run_libfuzzer(binaries["fuzzer"], 1, schedules, work, env,
                                  prefix)[0] is None else 1
    return run_chooser(binaries["replay"], chooser, 1, schedules, False, work, env, prefix)[1]


def summarise(values: list, cap: int) -> str:
    """"median / max" of schedules to the first bug; a seed that found nothing counts as more
    than cap (">cap")."""
    keyed = [v if v is not None else cap + 1 for v in values]
    median, most = statistics.median_low(keyed), max(keyed)
    show = (lambda v: f">{cap:,}" if v > cap else f"{v:,}")
    return f"{show(median)} / {show(most)}"


def table(results: list, cap: int, fixed: int, choosers=CHOOSERS) -> list[list[str]]:
    head = ["program"] + [f"{c} median / max" for c in choosers] + [
        f"fixed: findings in {fixed:,} ({', '.join(choosers)})"]
    rows = [head]
    for r in results:
        rows.append([r["program"]] + [summarise(r["bug"][c], cap) for c in choosers]
                    + [" / ".join(str(r["fixed"][c]) for c in choosers)])
    return rows


def cmd_classic(args) -> int:
    if args.json:
        check_output_file(args.json, "--json")
    names = programs(args.only)
    cfg = config(PRESET)
    binaries_dir = cfg.build_dir / BUILD_SUBDIR
    targets = [f"{target_name(n, f)}_{kind}" for n in names for f in (False, True)
               for kind in ("fuzzer", "replay")]
    if not build(cfg, targets):
        raise Failure(f"could not build the classic programs (preset {PRESET})")
    env, prefix = bench_env(), no_aslr_prefix(cfg)
    date, started = datetime.datetime.now(datetime.timezone.utc), time.monotonic()
    before = machine()["load_average"]
    choosers = tuple(args.choosers or CHOOSERS)
    command = (f"scripts/semfuzz bench --classic --seeds {args.seeds} --cap {args.cap} "
               f"--fixed {args.fixed}" + (f" --only {' '.join(args.only)}" if args.only else "")
               + (f" --choosers {' '.join(choosers)}" if args.choosers else ""))
    say(f"{date:%Y-%m-%d %H:%M} UTC: {command}; load average {' '.join(map(str, before))}")
    results = []
    with tempfile.TemporaryDirectory(prefix="semfuzz-classic-") as tmp:
        work = Path(tmp)
        for name in names:
            row = {"program": name, "bug": {}, "fixed": {}}
            for fixed in (False, True):
                base = binaries_dir / target_name(name, fixed)
                binaries = {"fuzzer": Path(f"{base}_fuzzer"), "replay": Path(f"{base}_replay")}
                for chooser in choosers:
                    if fixed:
                        row["fixed"][chooser] = findings(binaries, chooser, args.fixed, work, env,
                                                         prefix)
                    else:
                        row["bug"][chooser] = [to_first_bug(binaries, chooser, seed, args.cap,
                                                            work, env, prefix)
                                               for seed in range(1, args.seeds + 1)]
            say(f"  {name}: " + ", ".join(f"{c} {summarise(row['bug'][c], args.cap)}"
                                          for c in choosers)
                + "; fixed: " + " / ".join(str(row["fixed"][c]) for c in choosers))
            results.append(row)
    rows = table(results, args.cap, args.fixed, choosers)
    after = machine()["load_average"]
    say()
    print_table(rows)
    elapsed = time.monotonic() - started
    say(f"\n{len(results)} programs in {elapsed:.0f} s; load average "
        f"{' '.join(map(str, before))} before, {' '.join(map(str, after))} after")
    missed = [r["program"] for r in results
              if all(v is None for c in choosers for v in r["bug"][c])]
    false_alarms = [r["program"] for r in results if any(r["fixed"].values())]
    if missed:
        say(f"no chooser found the bug of: {', '.join(missed)}")
    if false_alarms:
        say(f"a fixed twin failed: {', '.join(false_alarms)}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "date": date.isoformat(timespec="seconds"), "command": command,
            "load_average_before": before, "load_average_after": after,
            "seconds": round(elapsed), "results": results,
            "table_markdown": markdown_table(rows)}, indent=2) + "\n")
        say(f"wrote {args.json}")
    return 1 if missed or false_alarms else 0
