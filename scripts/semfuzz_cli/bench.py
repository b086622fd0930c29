"""Benchmarks: the semaphore against its peers, and the harness's own throughput."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

from . import classic_bench
from .builds import Config, build, config, ensure_packages, no_aslr_prefix
from .cliargs import add_verb, natural, positive
from .common import (Failure, ROOT, check_output_file, data_dir, files_in, markdown_table,
                     print_table, rel, say)
from .common import machine as machine_info
from .targets import (DEFAULT_TARGET, LIBFUZZER_LIMITS, TARGETS, built_by, classify, sanitizer_env,
                      target)


BENCH_PRESET = "release"
BENCH_BINARY = "semaphore/semaphore_bench"  # in the preset's build directory; also its target
BENCH_REFERENCE = "sem_t"
# Implementation names in the benchmark binary -> table names, in table order.
BENCH_IMPLS = {
    "split64": "semfuzz split64",
    "word32": "semfuzz word32",
    "condvar": "semfuzz condvar",
    "sem_t": "glibc sem_t",
    "std_counting": "std::counting_semaphore",
    "mutex_cv": "mutex+condvar",
}
# Case -> (what it measures, metric). Metrics: cpu (ns of CPU time per op: one thread, so
# robust against other load), wall (ns of wall time per op), rate (items/s), syscalls (a count),
# wake (threads woken). contended_tN and wake_nN_kK are described by _bench_case().
BENCH_CASES = {
    "pair_1to0": ("acquire+release, count 1<->0", "cpu"),
    "pair_high": ("acquire+release, count 1000", "cpu"),
    "try_pair": ("try_acquire+release", "cpu"),
    "timed_pair": ("try_acquire_for(1 s)+release, token there", "cpu"),
    "syscalls_100k": ("futex syscalls, 100k uncontended pairs", "syscalls"),
    "pingpong": ("ping-pong round trip, 2 threads", "wall"),
    "pc_ring64": ("producer/consumer, 64-slot ring", "rate"),
    "pc_ring4096": ("producer/consumer, 4096-slot ring", "rate"),
    "oversub_6c1p": ("oversubscribed: 1 producer + 6 consumers", "rate"),
}
BENCH_REPETITIONS = {"quick": 7, "full": 11}
BENCH_RUNS = 3  # whole runs of the benchmark binary; the table gives their median and range
BENCH_MAX_LOAD = 256  # --load: busy threads the binary may start (its own limit)
BENCH_BINARY_TIMEOUT_S = 3600
# Replays of the whole sample: (the default target, the other deterministic ones, the real-thread
# targets threads*, which are far slower).
HARNESS_RUNS = {"quick": (40, 5, 1), "full": (200, 20, 5)}
# Untimed executions before the timed ones (the replay's -warmup_runs, whole passes over the
# sample): the first ~2,000 executions of an ASan process allocate fresh memory until the
# quarantine (8 MB, targets.SANITIZER_OPTIONS) has filled, and cost up to 3x more than the rest;
# a campaign is past them within its first seconds. Not for the real-thread targets.
HARNESS_WARMUP_EXECS = 2000
HARNESS_TIME_LIMIT_S = {"quick": 15, "full": 300}  # per replay binary
HARNESS_QUICK_BUDGET_S = 45  # --quick: all the replays together; the rest are skipped
HARNESS_PRESETS = (BENCH_PRESET, "asan-fuzz", "tsan-fuzz")  # no sanitizer, ASan+UBSan, TSan
HARNESS_SAMPLE = 150  # inputs per corpus that throughput is measured over (see corpus_sample)
SCALING_SECONDS = 20
REPLAY_RATE = re.compile(r"\(([\d.]+) exec/s\)")
FORK_PROGRESS = re.compile(r"^#(\d+):.*?exec/s:? (\d+)")


def _bench_case(case: str) -> tuple[str, str]:
    if case in BENCH_CASES:
        return BENCH_CASES[case]
    contended = re.fullmatch(r"contended_t(\d+)", case)
    if contended:
        producers = int(contended[1]) // 2
        consumers = int(contended[1]) - producers
        return (f"contended: {producers} producer{'s' * (producers > 1)} + {consumers} "
                f"consumer{'s' * (consumers > 1)}, 64 slots", "rate")
    wake = re.fullmatch(r"wake_n(\d+)_k(\d+)", case)
    if wake:
        return f"release({wake[1]}) with {wake[2]} sleepers", "wake"
    return case, "wall"


def _bench_case_order(case: str) -> tuple:
    """Table order: BENCH_CASES' order, then contended_tN by N, then wake_nN_kK by K and N."""
    known = list(BENCH_CASES)
    if case in known:
        return known.index(case), 0, 0, case
    contended = re.fullmatch(r"contended_t(\d+)", case)
    if contended:
        return len(known), int(contended[1]), 0, case
    wake = re.fullmatch(r"wake_n(\d+)_k(\d+)", case)
    if wake:
        return len(known) + 1, int(wake[2]), int(wake[1]), case
    return len(known) + 2, 0, 0, case


def _fmt_ns(ns: float) -> str:
    if ns >= 10_000:
        return f"{ns / 1000:,.1f} us"
    return f"{ns:.3g} ns" if ns < 100 else f"{ns:,.0f} ns"


def _fmt_rate(rate: float) -> str:
    for scale, suffix in ((1e6, "M"), (1e3, "k")):
        if rate >= scale:
            return f"{rate / scale:.3g} {suffix}items/s"
    return f"{rate:.3g} items/s"


def _fmt_count(value: Optional[float]) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def run_bench_binary(binary: Path, quick: bool, threads: int, load: int = 0) -> dict:
    """Runs the benchmark binary and returns its JSON report. The repetitions of all cases run in
    random order, so that a change in the machine's other load hits every implementation alike.
    load > 0: the binary keeps that many threads spinning for the whole run (--semfuzz_load)."""
    mode = "quick" if quick else "full"
    command = [str(binary), "--benchmark_format=json",
               f"--benchmark_repetitions={BENCH_REPETITIONS[mode]}",
               "--benchmark_enable_random_interleaving=true",
               "--benchmark_report_aggregates_only=true"]
    command += ["--semfuzz_quick"] if quick else []
    command += [f"--semfuzz_threads={threads}"] if threads else []
    command += [f"--semfuzz_load={load}"] if load else []
    say(f"running {rel(binary)}: {BENCH_REPETITIONS[mode]} repetitions of each case, interleaved "
        f"at random{f', {load} busy threads beside them' if load else ''} "
        f"({'about a minute' if quick else 'a few minutes'})")
    try:  # the binary's stall watchdog ends a stalled case; this is the backstop
        result = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                                errors="replace", timeout=BENCH_BINARY_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise Failure(f"{rel(binary)} ran past {BENCH_BINARY_TIMEOUT_S} s; killed")
    if result.returncode != 0:
        raise Failure(f"{rel(binary)} failed (exit {result.returncode})")
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError as error:
        raise Failure(f"{rel(binary)} printed no valid JSON: {error}")


def bench_rows(data: dict) -> list[dict]:
    """One row per case and implementation: the median over the repetitions."""
    medians, errors = {}, {}
    for entry in data.get("benchmarks", []):
        case, _, rest = entry.get("run_name", entry["name"]).partition("/")
        impl = rest.split("/")[0]
        if entry.get("error_occurred"):
            errors[(case, impl)] = entry.get("error_message", "error")
        elif entry.get("run_type") == "aggregate" and entry.get("aggregate_name") == "median":
            medians[(case, impl)] = entry
    rows = []
    for case in sorted({case for case, _ in [*medians, *errors]}, key=_bench_case_order):
        description, metric = _bench_case(case)
        for impl, display in BENCH_IMPLS.items():
            entry = medians.get((case, impl))
            error = errors.get((case, impl)) or (None if entry else "no result")
            row = {"case": case, "description": description, "impl": impl, "name": display,
                   "metric": metric, "median": None, "unit": "", "ratio_to_sem_t": None,
                   "syscalls": None, "sleeps": None, "error": error}
            if entry is not None:
                _fill_row(row, entry)
            rows.append(row)
        reference = next((r for r in rows if r["case"] == case and r["impl"] == BENCH_REFERENCE
                          and r["median"]), None)
        if reference and metric in ("cpu", "wall", "rate"):
            for row in rows:
                if row["case"] == case and row["median"] is not None:
                    row["ratio_to_sem_t"] = round(row["median"] / reference["median"], 3)
    return rows


def combine_runs(runs: list[list[dict]]) -> list[dict]:
    """One row per case and implementation over whole runs of the binary (bench_rows of each):
    the median of the runs' medians with its range, the median and range of each run's ratio to
    that run's sem_t (never a ratio across runs), and the median syscalls and sleeps. A row
    failed in any run carries that run's error."""
    if any(len(run) != len(runs[0]) for run in runs):
        raise Failure("bench runs disagree on their rows; were they made by one binary?")
    combined = []
    for index, first in enumerate(runs[0]):
        same = [run[index] for run in runs]
        if any((r["case"], r["impl"]) != (first["case"], first["impl"]) for r in same):
            raise Failure("bench runs disagree on their rows; were they made by one binary?")
        row = dict(first, runs=len(same), range=None, ratio_range=None)
        errors = [r["error"] for r in same if r["error"]]
        row["error"] = errors[0] if errors else None
        for field in ("median", "ratio_to_sem_t", "syscalls", "sleeps",
                      "own_futex_syscalls_per_op", "own_futex_syscalls"):
            values = [r[field] for r in same if r.get(field) is not None]
            row[field] = statistics.median(values) if values else None
            if field in ("median", "ratio_to_sem_t") and values:
                spread = [min(values), max(values)]
                if field == "median":
                    row["range"] = spread
                else:
                    row[field] = round(row[field], 3)
                    row["ratio_range"] = [round(x, 3) for x in spread]
        combined.append(row)
    return combined


def _fill_row(row: dict, entry: dict) -> None:
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[entry.get("time_unit", "ns")]
    metric = row["metric"]
    if metric == "cpu":
        row["median"], row["unit"] = entry["cpu_time"] * scale, "ns"
        row["syscalls"] = entry.get("futex_syscalls")
    elif metric == "wall":
        row["median"], row["unit"] = entry["real_time"] * scale, "ns"
        row["syscalls"] = entry.get("futex_syscalls_per_op")
        row["sleeps"] = entry.get("sleeps_per_op")
        row["own_futex_syscalls_per_op"] = entry.get("own_futex_syscalls_per_op")
    elif metric == "rate":
        row["median"], row["unit"] = entry.get("items_per_second"), "items/s"
        row["syscalls"] = entry.get("futex_syscalls_per_op")
        row["sleeps"] = entry.get("sleeps_per_op")
        row["own_futex_syscalls_per_op"] = entry.get("own_futex_syscalls_per_op")
    elif metric == "syscalls":
        row["median"], row["unit"] = entry.get("syscalls"), "syscalls"
        row["syscalls"] = entry.get("futex_syscalls")  # the library's own count, a cross-check
    elif metric == "wake":
        row["median"], row["unit"] = entry.get("woken"), "threads woken"
        row["syscalls"] = entry.get("wake_syscalls", entry.get("futex_syscalls"))
        row["own_futex_syscalls"] = entry.get("futex_syscalls")


def _fmt_value(metric: str, value: float) -> str:
    if metric in ("cpu", "wall"):
        return _fmt_ns(value)
    if metric == "rate":
        return _fmt_rate(value)
    if metric == "wake":
        return f"{_fmt_count(value)} woken"
    return _fmt_count(value)


def _fmt_spread(metric: str, value: float, spread: list[float]) -> str:
    """[low-high] in the unit _fmt_value chose for value (ns, us, items/s, kitems/s ...)."""
    scale = 1.0
    if metric in ("cpu", "wall") and value >= 10_000:
        scale = 1000.0
    elif metric == "rate":
        scale = next((s for s in (1e6, 1e3) if value >= s), 1.0)
    low, high = (x / scale for x in spread)
    return f"[{low:,.3g}-{high:,.3g}]" if max(low, high) < 1000 else f"[{low:,.0f}-{high:,.0f}]"


def bench_table(rows: list[dict]) -> list[list[str]]:
    """The table of bench_rows (one run) or combine_runs (several: median [min-max] where the
    runs differ)."""
    table = [["case", "implementation", "median", "x sem_t", "futex syscalls", "sleeps"]]
    for row in rows:
        value, spread = row["median"], row.get("range")
        if row["error"]:
            shown = "error: " + row["error"]
        elif value is None:
            shown = "n/a"
        else:
            shown = _fmt_value(row["metric"], value)
            if spread and spread[0] != spread[1]:
                shown += " " + _fmt_spread(row["metric"], value, spread)
        ratio = row["ratio_to_sem_t"]
        ratio_spread = row.get("ratio_range")
        if row["metric"] in ("wall", "rate"):
            syscalls = "-" if row["syscalls"] is None else f"{row['syscalls']:.2f}/op"
        elif row["metric"] in ("cpu", "syscalls") and row["syscalls"] is None:
            syscalls = "-"
        else:
            syscalls = _fmt_count(row["syscalls"])
        sleeps = "-" if row["sleeps"] is None else f"{row['sleeps']:.3f}/op"
        shown_ratio = "-" if ratio is None else f"{ratio:.2f}"
        if ratio is not None and ratio_spread and ratio_spread[0] != ratio_spread[1]:
            shown_ratio += f" [{ratio_spread[0]:.2f}-{ratio_spread[1]:.2f}]"
        table.append([row["description"], row["name"], shown, shown_ratio, syscalls, sleeps])
    return table


BENCH_LEGEND = (
    "median: over the repetitions of a run, then the median of the runs' medians, with their "
    "range\n[lowest-highest] (in the median's unit) when several runs differ. "
    "x sem_t: each run's median divided by glibc sem_t's in the same run;\nthe median of those "
    "ratios and their range. For ns rows lower is better "
    "(pairs: CPU time\nper pair; ping-pong: wall time per round trip); for items/s rows higher is "
    "better.\nfutex syscalls: on pair rows and the 100k row, semfuzz's own futex_syscall_count() "
    "delta (split64\nand word32 only), over the whole timed loop; on threaded rows every futex "
    "call of every thread of\nthe case per round trip or item (/op), any library, trapped with "
    "seccomp in an untimed second pass\n(the JSON's own_futex_syscalls_per_op: semfuzz's own count "
    "in the timed pass). The 100k row's\nmedian and the release(n) rows count every futex call "
    "of the measured thread the same way (n/a\nwhere seccomp is unavailable). A threaded case "
    "still running after the binary's stall limit is\nreported as stalled. sleeps: times the "
    "case's threads blocked (voluntary context switches) per\nround trip or item in the timed "
    "pass, any library; on an idle virtual machine each costs a vCPU wake-up\n(tens of "
    "microseconds), which is what sets the threaded figures there.")


def corpus_sample(corpus: Path, dest: Path, size: int = HARNESS_SAMPLE) -> Path:
    """The first `size` inputs of a corpus by name (SHA-1s, so a fixed pseudo-random sample),
    copied to dest: throughput figures that do not move as the corpus grows."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(files_in(corpus), key=lambda f: f.name)[:size]:
        shutil.copyfile(f, dest / f.name)
    return dest


def harness_throughput(quick: bool, env: dict) -> list[dict]:
    """exec/s of each fuzz target's standalone replay binary over a fixed sample of its corpus
    (corpus_sample), per build.
    --quick (3 minutes) builds only the default target's replay binary of the bench preset and
    measures the others as they are; otherwise each preset's replay binaries are built first."""
    mode = "quick" if quick else "full"
    limit = HARNESS_TIME_LIMIT_S[mode]
    budget_end = time.monotonic() + HARNESS_QUICK_BUDGET_S if quick else None
    with tempfile.TemporaryDirectory(prefix="semfuzz-bench-sample-") as sample_dir:
        results = _harness_rows(quick, env, mode, limit, budget_end, Path(sample_dir))
    for row in results:  # the schedule target against each other target, per build
        if row["target"] == DEFAULT_TARGET:
            continue
        base = next((r for r in results if r["target"] == DEFAULT_TARGET
                     and r["build"] == row["build"]), None)
        if base and base["exec_per_sec"] and row["exec_per_sec"]:
            row["schedule_ratio"] = round(base["exec_per_sec"] / row["exec_per_sec"], 3)
    return results


def harness_replays(cfg: Config) -> dict:
    """The replay binary of every fuzz target cfg's build defines (TARGETS, built_by: an
    instrumented target added there is measured without further edits), by target name."""
    return {name: cfg.build_dir / Path(TARGETS[name]["binary"]).parent / f"{name}_replay"
            for name in TARGETS if built_by(cfg, name)}


def _harness_rows(quick: bool, env: dict, mode: str, limit: int, budget_end: Optional[float],
                  sample_dir: Path) -> list[dict]:
    """harness_throughput's measurements, one row per build and target, without the ratios."""
    results = []
    samples = {name: corpus_sample(data_dir("corpus") / name, sample_dir / name)
               for name in TARGETS}
    for preset in HARNESS_PRESETS:
        cfg = config(preset)
        replays = harness_replays(cfg)
        note = ""
        wanted = ([replays[DEFAULT_TARGET].name] if quick else [r.name for r in replays.values()])
        if not quick or preset == BENCH_PRESET:
            try:
                ensure_packages([cfg])
                if not build(cfg, wanted):
                    note = "build failed; any figure is from the binary built before"
            except Failure as error:
                note = str(error).splitlines()[0]
        for name, replay in replays.items():
            corpus = samples[name]
            real_threads = name.startswith("threads")
            runs = HARNESS_RUNS[mode][0 if name == DEFAULT_TARGET else 2 if real_threads else 1]
            row = {"target": name, "build": preset, "sanitizers": cfg.sanitizers,
                   "runs": runs, "inputs": len(files_in(corpus)), "exec_per_sec": None,
                   "note": note}
            results.append(row)
            if not replay.exists():
                row["note"] = note or (f"{rel(replay)} not built; `scripts/semfuzz bench` "
                                       "without --quick builds it")
                continue
            if not row["inputs"]:
                row["note"] = f"{rel(corpus)} is empty"
                continue
            if budget_end and name != DEFAULT_TARGET and time.monotonic() > budget_end:
                row["note"] = f"skipped: --quick spends {HARNESS_QUICK_BUDGET_S} s on replays"
                continue
            try:
                warmup = 0 if real_threads else -(-HARNESS_WARMUP_EXECS // row["inputs"])
                row["warmup_runs"] = warmup
                result = subprocess.run([*no_aslr_prefix(cfg), str(replay), f"-runs={runs}",
                                         f"-warmup_runs={warmup}", str(corpus)], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, errors="replace",
                                        timeout=limit)
            except subprocess.TimeoutExpired:
                row["note"] = f"stopped after {limit} s"
                continue
            rate = REPLAY_RATE.search(result.stdout)
            if result.returncode != 0 or not rate:
                outcome = classify(result.stdout, result.returncode or 1)
                row["note"] = f"replay failed: {outcome.verdict}: {outcome.details}"
                continue
            row["exec_per_sec"] = float(rate[1])
    return results


def fork_scaling(env: dict) -> list[dict]:
    """Fork-mode fuzzing throughput of the default target at 1, 2, 4, ... nproc jobs."""
    t = target(DEFAULT_TARGET).build()
    cores = os.cpu_count() or 1
    jobs, k = [], 1
    while k < cores:
        jobs.append(k)
        k *= 2
    jobs.append(cores)
    results = []
    for k in jobs:
        with tempfile.TemporaryDirectory(prefix="semfuzz-scaling-") as tmp:
            corpus, artifacts = Path(tmp) / "corpus", Path(tmp) / "artifacts"
            corpus_sample(t.corpus, corpus)  # start-up no slower as the corpus grows
            artifacts.mkdir()
            say(f"  -fork={k}: {SCALING_SECONDS} s")
            started = time.monotonic()
            result = subprocess.run(
                t.command(f"-fork={k}", "-ignore_crashes=1", f"-max_total_time={SCALING_SECONDS}",
                          *LIBFUZZER_LIMITS, f"-artifact_prefix={artifacts}/", str(corpus)),
                cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                errors="replace")
            elapsed = time.monotonic() - started
        progress = [m for m in map(FORK_PROGRESS.match, result.stdout.splitlines()) if m]
        execs = int(progress[-1][1]) if progress else 0
        rate = int(progress[-1][2]) if progress else 0
        results.append({"jobs": k, "seconds": round(elapsed, 1), "execs": execs,
                        "exec_per_sec": rate or (int(execs / elapsed) if elapsed else 0),
                        "returncode": result.returncode})
    for row in results:
        first = results[0]["exec_per_sec"]
        row["speedup"] = round(row["exec_per_sec"] / first, 2) if first else None
    return results


def harness_table(harness: list[dict]) -> list[list[str]]:
    table = [["fuzz target", "build", "exec/s", "inputs x runs", f"{DEFAULT_TARGET} / target",
              "note"]]
    for row in harness:
        table.append([row["target"], f"{row['build']} ({row['sanitizers'] or 'no sanitizer'})",
                      f"{row['exec_per_sec']:,.0f}" if row["exec_per_sec"] else "n/a",
                      f"{row['inputs']} x {row['runs']}",
                      f"{row['schedule_ratio']:.1f}" if row.get("schedule_ratio") else "-",
                      row["note"]])
    return table


def scaling_table(scaling: list[dict]) -> list[list[str]]:
    table = [["libFuzzer -fork=K", "exec/s", "x K=1", "execs", "seconds"]]
    for row in scaling:
        table.append([str(row["jobs"]), f"{row['exec_per_sec']:,}",
                      "-" if row["speedup"] is None else f"{row['speedup']:.2f}",
                      f"{row['execs']:,}", str(row["seconds"])])
    return table


def cmd_bench(args) -> int:
    if getattr(args, "classic", False):
        return classic_bench.cmd_classic(args)
    if args.json:
        check_output_file(args.json, "--json")
    started, date = time.monotonic(), datetime.datetime.now().astimezone()
    machine = machine_info()
    runs, load = getattr(args, "runs", BENCH_RUNS), getattr(args, "load", 0)
    if runs < 1 or not 0 <= load <= BENCH_MAX_LOAD:
        raise Failure(f"--runs wants at least 1 and --load 0..{BENCH_MAX_LOAD}")
    command = "scripts/semfuzz bench" + (" --quick" if args.quick else "") + (
        " --scaling" if args.scaling else "") + (f" --runs {runs}" if runs != BENCH_RUNS else "") + (
        f" --load {load}" if load else "")
    say(f"{date:%Y-%m-%d %H:%M %Z}: {machine['nproc']} CPUs, "
        f"{machine['cpu']}, Linux {machine['kernel']}, load average "
        f"{' '.join(map(str, machine['load_average']))}")
    if machine["load_average"][0] > 0.5 * machine["nproc"]:
        say("note: other processes are using the CPUs; threaded figures (ping-pong, rings, "
            "oversubscribed) will be noisy")
    cfg = config(BENCH_PRESET)
    ensure_packages([cfg])
    binary = cfg.build_dir / BENCH_BINARY
    if not build(cfg, [binary.name]) or not binary.exists():
        raise Failure(f"could not build {rel(binary)} (preset {cfg.name})")
    per_run, data, machine["runs"] = [], {}, []
    for number in range(1, runs + 1):
        say(f"bench run {number} of {runs}")
        before = machine_info()["load_average"]
        data = run_bench_binary(binary, args.quick, machine["nproc"] if args.scaling else 0, load)
        per_run.append(bench_rows(data))
        machine["runs"].append({"load_average_before": before,
                                "load_average_after": machine_info()["load_average"]})
    machine["load_average_after"] = machine["runs"][-1]["load_average_after"]
    rows = combine_runs(per_run)
    table = bench_table(rows)

    env = sanitizer_env()
    say("harness throughput: exec/s over the seed corpus (standalone replay binaries)")
    harness = harness_throughput(args.quick, env)
    scaling = []
    if args.scaling:
        say(f"fork-mode scaling of {DEFAULT_TARGET} ({TARGETS[DEFAULT_TARGET]['preset']})")
        scaling = fork_scaling(env)

    say()
    print_table(table)
    say(BENCH_LEGEND)
    say(f"{runs} run{'s' * (runs > 1)} on {machine['nproc']} CPUs ({machine['cpu']})"
        f"{f' with {load} busy threads started by the bench' if load else ''}; load average "
        "before / after each run: " + "; ".join(
            f"{' '.join(map(str, r['load_average_before']))} / "
            f"{' '.join(map(str, r['load_average_after']))}" for r in machine["runs"]))
    say()
    harness_rows = harness_table(harness)
    print_table(harness_rows)
    say(f"exec/s: the replay binary's own figure over corpus/TARGET (inputs x runs), one thread, "
        f"after {HARNESS_WARMUP_EXECS:,} untimed executions (whole passes; none for threads*); "
        f"{DEFAULT_TARGET} / target:\nhow many times faster the {DEFAULT_TARGET} target runs "
        "than that target in the same build.")
    scaling_rows = scaling_table(scaling)
    if scaling:
        say()
        print_table(scaling_rows)
    elapsed = time.monotonic() - started
    say(f"\nsemfuzz bench: {len(rows)} rows in {elapsed:.0f} s; command: {command}; load average "
        f"{' '.join(map(str, machine['load_average']))} before, "
        f"{' '.join(map(str, machine['load_average_after']))} after the benchmarks")
    if args.json:
        report = {"date": date.isoformat(timespec="seconds"),
                  "command": command, "machine": machine, "seconds": round(elapsed),
                  "benchmark_context": data.get("context", {}), "runs": runs, "load": load,
                  "rows": rows, "rows_per_run": per_run,
                  "table_markdown": markdown_table(table), "harness": harness,
                  "harness_markdown": markdown_table(harness_rows), "scaling": scaling,
                  "scaling_markdown": markdown_table(scaling_rows) if scaling else ""}
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        say(f"wrote {args.json}")
    return 1 if any(row["error"] for row in rows) else 0


def register(verbs) -> None:
    """Adds `bench` and its arguments to the command line (cli.py)."""
    bench = add_verb(
        verbs, "bench", cmd_bench,
        "benchmark the semaphores against sem_t and peers; harness exec/s",
        f"Builds the {BENCH_PRESET} preset's {Path(BENCH_BINARY).name} (Google Benchmark; "
        "installs libbenchmark-dev as root\nwhen missing), runs every case for split64, word32, "
        "condvar, glibc sem_t, std::counting_semaphore\nand a mutex+condvar semaphore in one "
        "process, repetitions interleaved at random, and prints a\ntable: case, implementation, "
        "the median, its ratio to sem_t, and futex syscall counts. Then\nthe harness's "
        "throughput: exec/s of each fuzz target's replay binary over its seed corpus,\nin the "
        f"{', '.join(HARNESS_PRESETS)} builds (built first). Exits 1 if a case reported an "
        "error.")
    bench.add_argument("--quick", action="store_true",
                       help=f"{BENCH_REPETITIONS['quick']} repetitions of shorter runs instead of "
                            f"{BENCH_REPETITIONS['full']} (under 3 minutes a run on 2 cores); builds "
                            f"only the {BENCH_PRESET} preset and measures the other replay "
                            "binaries as they are")
    bench.add_argument("--scaling", action="store_true",
                       help=f"also fork-mode fuzzing throughput of {DEFAULT_TARGET} at -fork=1, "
                            f"2, 4, ... up to the number of CPUs ({SCALING_SECONDS} s each, on a "
                            "temporary copy of the corpus) and the contended case at as many "
                            "threads as CPUs")
    bench.add_argument("--runs", type=positive, default=BENCH_RUNS, metavar="R",
                       help=f"whole runs of the benchmark binary (default {BENCH_RUNS}); the table "
                            "gives the median of their medians with the range, and the median "
                            "and range of each run's ratio to that run's sem_t")
    bench.add_argument("--load", type=natural, default=0, metavar="N",
                       help="keep N extra threads busy spinning during every run (started and "
                            "stopped by the benchmark binary, --semfuzz_load), a fixed "
                            f"background load (0..{BENCH_MAX_LOAD})")
    bench.add_argument("--classic", action="store_true",
                       help="instead, the classic concurrency-bug benchmark (bench/classic/, "
                            "docs/whole-programs.md): for each program and chooser (libFuzzer "
                            "bytes from an empty corpus, PCT depth 2 and 3, the random walk), "
                            "schedules to the first bug, median and max over --seeds seeds "
                            "(capped at --cap), and each fixed twin's findings in --fixed "
                            "schedules, which must be 0; exits 1 if a bug was not found or a "
                            "fixed twin failed")
    bench.add_argument("--seeds", type=positive, default=classic_bench.SEEDS, metavar="N",
                       help=f"with --classic: seeds per program and chooser (default "
                            f"{classic_bench.SEEDS})")
    bench.add_argument("--cap", type=positive, default=classic_bench.CAP, metavar="N",
                       help=f"with --classic: the most schedules a seed may take to find a bug "
                            f"(default {classic_bench.CAP:,})")
    bench.add_argument("--fixed", type=positive, default=classic_bench.FIXED, metavar="N",
                       help=f"with --classic: schedules per chooser for each fixed twin (default "
                            f"{classic_bench.FIXED:,}; fewer for a quick run)")
    bench.add_argument("--choosers", nargs="+", choices=classic_bench.CHOOSERS,
                       metavar="CHOOSER",
                       help="with --classic: only these choosers (of "
                            f"{', '.join(classic_bench.CHOOSERS)}; default all)")
    bench.add_argument("--only", nargs="+", metavar="PROGRAM",
                       help="with --classic: only these programs (bench/classic/PROGRAM.cc)")
    bench.add_argument("--json", metavar="FILE",
                       help="also write {date, command, machine, runs, load, rows: [{case, impl, "
                            "metric, median, range, unit, ratio_to_sem_t, ratio_range, syscalls, "
                            "sleeps}], rows_per_run, harness, scaling} to FILE")
