"""`mutants`: re-inject each historical bug, time how fast it is found, keep a reproducer; and
`test`'s check that each mutant still fails its reproducer."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import json
import math
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from .builds import Config, aslr_off_prefix, config, ensure_packages, no_aslr_prefix
from .cliargs import add_verb, positive
from .common import (Failure, ROOT, check_output_file, files_in, markdown_table, new_run_dir,
                     print_table, rel, say)
from .common import machine as machine_info
from .libfuzzer import FINAL_STAT
from .mutant_tree import (FINDING_LINE, MUTANT_BUDGET_S, MUTANT_KILL_AFTER_S, MUTANT_SEEDS, Mutant,
                          MutantTree, all_mutants, fuzz_tree, replay_tree)
from .ossfuzz import libfuzzer_option_args
from .reproducers import index_reproducer, minimize, unindex_reproducer
from .targets import (DEFAULT_TARGET, LIBFUZZER_LIMITS, Outcome, TARGETS, Target, classify,
                      run_input, sanitizer_env)


@dataclasses.dataclass
class Attempt:
    seed: int
    found: bool
    seconds: float  # to the first finding, or the whole run
    verdict: Optional[str]
    details: str
    artifact: Optional[Path] = None
    # libFuzzer's executions up to and including the finding, or in the whole run
    # (stat::number_of_executed_units): unlike the seconds, not changed by the machine's load.
    # None for the stress test, which does not count.
    execs: Optional[int] = None


def timed_run(command: list, env: dict, cwd: Path, limit: float, log: Path) -> Attempt:
    """Runs a fuzzer or the stress test; a finding is a non-zero exit, timed at its first line."""
    started, first, tail = time.monotonic(), None, collections.deque(maxlen=300)
    execs = None
    with open(log, "w") as log_file, subprocess.Popen(
            command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace") as process:
        killer = threading.Timer(limit, process.kill)
        killer.start()
        for line in process.stdout:
            log_file.write(line)
            tail.append(line)
            if first is None and FINDING_LINE.search(line):
                first = time.monotonic() - started
            stat = FINAL_STAT.match(line)
            if stat and stat[1] == "number_of_executed_units":
                execs = int(stat[2])
        returncode = process.wait()
        killer.cancel()
    wall = time.monotonic() - started
    if returncode == 0:
        return Attempt(0, False, wall, None, "", execs=execs)
    outcome = classify("".join(tail), returncode)
    return Attempt(0, True, first if first is not None else wall, outcome.verdict, outcome.details,
                   execs=execs)


def _median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def kill_stats(attempts: list, budget: int) -> dict:
    """Median time to kill over the seeds, and median executions where every seed counted them
    (a seed that found nothing counts as infinite)."""
    times = [a.seconds if a.found else math.inf for a in attempts]
    verdicts = collections.Counter(a.verdict for a in attempts if a.found)
    median = _median(times) if times else math.inf
    counted = attempts and all(a.execs is not None for a in attempts)
    execs = _median([a.execs if a.found else math.inf for a in attempts]) if counted else math.inf
    return {"found": sum(a.found for a in attempts), "runs": len(attempts),
            "median_s": None if math.isinf(median) else round(median, 2),
            "median_execs": None if math.isinf(execs) else int(execs),
            "verdict": verdicts.most_common(1)[0][0] if verdicts else None,
            "attempts": [{"seed": a.seed, "found": a.found, "seconds": round(a.seconds, 2),
                          "execs": a.execs, "verdict": a.verdict, "details": a.details}
                         for a in attempts]}


def _seconds(stats: dict, budget: int) -> str:
    return f">{budget} s" if stats["median_s"] is None else f"{stats['median_s']:.1f} s"


def _ratio(semfuzz: dict, baseline: dict, budget: int) -> Optional[str]:
    if semfuzz["median_s"] is None:
        return None
    fast = max(semfuzz["median_s"], 0.01)
    if baseline["median_s"] is None:
        return f">{budget / fast:.0f}x"
    return f"{baseline['median_s'] / fast:.1f}x"


def mutant_row(result: dict, budget: int) -> list[str]:
    semfuzz, baseline = result["semfuzz"], result["baseline"]
    if result.get("error"):
        return [result["id"], result["origin"], result["algorithm"], result["target"],
                "ERROR: " + result["error"], "-", "-", "-", "-"]
    fired = semfuzz["verdict"] or "-"
    if semfuzz["verdict"] and semfuzz["verdict"] != result["expected"]:
        fired += f" (expected {result['expected']})"
    if not baseline["runs"]:  # the patch leaves semaphore/, all the baseline runs, unchanged
        return [result["id"], result["origin"], result["algorithm"], result["target"], fired,
                f"{_seconds(semfuzz, budget)} ({semfuzz['found']}/{semfuzz['runs']})",
                "- (semaphore/ unchanged)", "-", "-"]
    return [result["id"], result["origin"], result["algorithm"], result["target"], fired,
            f"{_seconds(semfuzz, budget)} ({semfuzz['found']}/{semfuzz['runs']})",
            f"{_seconds(baseline, budget)} ({baseline['found']}/{baseline['runs']})",
            result["ratio"] or "-", baseline["verdict"] or "-"]


MUTANT_TABLE_HEADER = ["mutant", "origin", "algorithm", "target", "oracle that fired",
                       "semfuzz median (found)", "baseline median (found)", "baseline / semfuzz",
                       "baseline verdict"]


def fuzz_attempt(fuzzer: Path, target_name: str, seed: int, args, env: dict,
                 run: Path) -> Attempt:
    """One libFuzzer run of a mutant's fuzzer from an EMPTY corpus, with the target's .options
    and .dict, up to the budget; its smallest crash artifact, if any, is the attempt's.
    Repeatable: a seed's run of one build is the same every time (the same executions to the
    same kill), so that two builds compare seed by seed. Two things would break that: libFuzzer
    re-reads its corpus folder every second (-reload=0 stops it), and address randomisation
    (the values of compared pointers reach libFuzzer's table of recent comparisons, which its
    mutations draw from; aslr_off_prefix)."""
    spec = Path(TARGETS[target_name]["binary"])
    options = libfuzzer_option_args(ROOT / spec.with_suffix(".options"))
    dictionary = ROOT / spec.with_suffix(".dict")
    options += [f"-dict={dictionary}"] if dictionary.is_file() else []
    corpus, artifacts = run / "corpus", run / "artifacts"
    corpus.mkdir(parents=True)
    artifacts.mkdir()
    command = [*aslr_off_prefix(), str(fuzzer), f"-seed={seed}", "-reload=0",
               f"-max_total_time={args.budget}", "-print_final_stats=1", *LIBFUZZER_LIMITS, *options,
               f"-artifact_prefix={artifacts}/", str(corpus)]  # starts from nothing
    attempt = timed_run(command, env, run, args.budget + MUTANT_KILL_AFTER_S, run / "fuzz.log")
    attempt.seed = seed
    found = sorted(files_in(artifacts), key=lambda f: f.stat().st_size)
    attempt.artifact = found[0] if found else None
    shutil.rmtree(corpus)
    return attempt


def _found(attempt: Attempt) -> str:
    return f"{attempt.verdict} in {attempt.seconds:.1f} s" if attempt.found else "nothing"


def measure_mutant(m: Mutant, fuzzer: Path, stress: Optional[Path], cfg: Config, args,
                   env: dict, work: Path) -> tuple[list, list]:
    """Each seed's fuzzing attempt and stress attempt (none without a stress binary: a mutant
    that leaves semaphore/ unchanged, Mutant.changes_semaphore, has no baseline to measure)."""
    fuzzing, baseline = [], []
    for seed in range(1, args.seeds + 1):
        run = work / f"seed-{seed}"
        fuzzing.append(fuzz_attempt(fuzzer, m.target, seed, args, env, run))
        if stress is None:
            say(f"  seed {seed}: semfuzz {_found(fuzzing[-1])}; no baseline")
            continue
        command = [*no_aslr_prefix(cfg), str(stress), "--algorithm", m.algorithm, "--seconds",
                   str(args.budget), "--seed", str(seed)]
        attempt = timed_run(command, env, run, args.budget + MUTANT_KILL_AFTER_S,
                            run / "stress.log")
        attempt.seed = seed
        baseline.append(attempt)
        say(f"  seed {seed}: semfuzz {_found(fuzzing[-1])}; baseline {_found(attempt)}")
    return fuzzing, baseline


def save_mutant_reproducer(m: Mutant, tree: MutantTree, fuzzer: Path, correct: Path,
                           attempt: Attempt, env: dict) -> Optional[Path]:
    """Minimises the killing input into reproducers/TARGET/mutant-ID, kept if the correct
    semaphore passes it. One that fires another oracle than the patch header's is kept too (a
    found input is never thrown away), with what to change; `test` reports the mismatch."""
    mutant_t = Target(m.target, tree.config, fuzzer)
    correct_t = Target(m.target, tree.config, correct)
    how = (f"kills fuzz/mutants/{m.id}.patch ({m.origin}); `scripts/semfuzz mutants`, seed "
           f"{attempt.seed}, {attempt.seconds:.1f} s from an empty corpus; -minimize_crash")
    try:
        outcome, reproducer = minimize(mutant_t, attempt.artifact, env, how,
                                       name=m.reproducer.name)
    except Failure as error:  # e.g. a real-thread finding that does not happen again
        say(f"  no reproducer: {error}")
        return None
    if run_input(correct_t, reproducer, env).verdict is not None:
        say(f"  not kept: {rel(reproducer)}: the correct semaphore fails it too")
        reproducer.unlink()
        unindex_reproducer(reproducer)
        return None
    if outcome.verdict != m.oracle:
        say(f"  note: {rel(reproducer)} fails the mutant with {outcome.verdict}, not the "
            f"header's {m.oracle}: if that is how this bug shows, set `oracle: "
            f"{outcome.verdict}` in {rel(m.patch)}; `test` reports the mismatch until then")
    unindex_reproducer(reproducer)  # the row again, saying which mutant it kills
    index_reproducer(reproducer, Outcome(outcome.verdict, f"Mutant {m.id} ({m.origin}): "
                                         f"{m.fields['mistake'].rstrip('.')}. "
                                         f"On it: {outcome.details}. "
                                         "The real semaphore passes.", ""), how)
    say(f"  reproducer: {rel(reproducer)} ({reproducer.stat().st_size} bytes)")
    return reproducer


def cmd_mutants(args) -> int:
    if args.json:
        check_output_file(args.json, "--json")
    mutants = all_mutants(args.only)
    env = sanitizer_env()
    run_dir = new_run_dir("mutants")
    machine = machine_info()
    if args.target:
        return mutants_on_targets(mutants, list(dict.fromkeys(args.target)), args, env, run_dir,
                                  machine)
    say(f"mutants: {len(mutants)}, each fuzzed from an empty corpus for up to {args.budget} s "
        f"with seeds 1..{args.seeds}, and stress-tested (fuzz/mutants/stress.cc) for as long; "
        f"{machine['nproc']} x {machine['cpu']}; logs in {rel(run_dir)}")
    results, broken = [], 0
    for target_name in dict.fromkeys(m.target for m in mutants):
        group = [m for m in mutants if m.target == target_name]
        if target_name not in TARGETS:
            for m in group:
                results.append(_mutant_result(m, error=f"no fuzz target {target_name!r}"))
            continue
        ensure_packages([config(TARGETS[target_name]["preset"])])
        with fuzz_tree(target_name) as tree:
            correct = tree.build("correct", target_name)
            for m in group:
                say(f"== {m.id} ({m.origin}; {m.fields['algorithm']}; expected {m.oracle})")
                try:
                    tree.apply(m)
                    fuzzer = tree.build(m.id, target_name)
                    stress = tree.build_stress(m.id) if m.changes_semaphore else None
                except Failure as error:
                    say(f"  {error}")
                    broken += 1
                    results.append(_mutant_result(m, error=str(error).splitlines()[0]))
                    continue
                finally:
                    tree.sync()
                fuzzing, baseline = measure_mutant(m, fuzzer, stress, tree.config, args, env,
                                                   run_dir / m.id)
                result = _mutant_result(m, kill_stats(fuzzing, args.budget),
                                        kill_stats(baseline, args.budget), args.budget)
                killing = [a for a in fuzzing if a.found and a.artifact]
                if killing and not m.reproducer.exists() and not args.no_reproducers:
                    smallest = min(killing, key=lambda a: a.artifact.stat().st_size)
                    saved = save_mutant_reproducer(m, tree, fuzzer, correct, smallest, env)
                    result["reproducer"] = rel(saved) if saved else None
                elif m.reproducer.exists():
                    result["reproducer"] = rel(m.reproducer)
                results.append(result)
    killed = sum(1 for r in results if r["killed"])
    table = [MUTANT_TABLE_HEADER] + [mutant_row(r, args.budget) for r in results]
    say()
    print_table(table)
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": machine, "budget_s": args.budget, "seeds": args.seeds,
              "command": "scripts/semfuzz mutants " + " ".join(sys.argv[2:]),
              "killed": killed, "total": len(results), "mutants": results,
              "markdown": markdown_table(table)}
    (run_dir / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    say(f"killed {killed}/{len(results)}")
    return 1 if broken else 0


def on_target_row(result: dict, targets: list, budget: int) -> list[str]:
    """--target's table row: the mutant, then per target its kill time and the oracle that fired,
    or why it does not apply there."""
    row = [result["id"], result["algorithm"], result["expected"]]
    for name in targets:
        outcome = result["targets"][name]
        if outcome.get("skipped") or outcome.get("error"):
            row += [("n/a: " + outcome["skipped"]) if outcome.get("skipped")
                    else "ERROR: " + outcome["error"], "-"]
            continue
        fired = outcome["verdict"] or "-"
        if outcome["verdict"] and outcome["verdict"] != result["expected"]:
            fired += f" (expected {result['expected']})"
        row += [f"{_seconds(outcome, budget)} ({outcome['found']}/{outcome['runs']})", fired]
    return row


def on_target_header(targets: list) -> list[str]:
    header = ["mutant", "algorithm", "oracle expected"]
    for name in targets:
        header += [f"{name} median (found)", f"{name}: oracle that fired"]
    return header


def mutants_on_targets(mutants: list, targets: list, args, env: dict, run_dir: Path,
                       machine: dict) -> int:
    """--target: each mutant fuzzed through each named target instead of its own target, from
    an empty corpus (no baseline). A mutant whose code a target never runs is a row saying so.
    Only a mutant's own target gets a reproducer (its `test` check replays that one)."""
    say(f"mutants: {len(mutants)} through {', '.join(targets)}, each fuzzed from an empty corpus "
        f"for up to {args.budget} s with seeds 1..{args.seeds}; {machine['nproc']} x "
        f"{machine['cpu']}; logs in {rel(run_dir)}")
    results = {m.id: dict(_mutant_result(m), targets={}) for m in mutants}
    broken = 0
    by_preset = {}
    for name in targets:
        by_preset.setdefault(TARGETS[name]["preset"], []).append(name)
    for names in by_preset.values():
        ensure_packages([config(TARGETS[names[0]]["preset"])])
        with fuzz_tree(names[0]) as tree:
            correct = {name: tree.build("correct", name) for name in names}
            for m in mutants:
                say(f"== {m.id} ({m.origin}; {m.fields['algorithm']}; expected {m.oracle})")
                outcomes = results[m.id]["targets"]
                try:
                    tree.apply(m)
                    for name in names:
                        skipped = m.applies_to(name)
                        if skipped:
                            outcomes[name] = {"skipped": skipped}
                            say(f"  {name}: n/a: {skipped}")
                            continue
                        fuzzer = tree.build(m.id, name)
                        attempts = [fuzz_attempt(fuzzer, name, seed, args, env,
                                                 run_dir / m.id / name / f"seed-{seed}")
                                    for seed in range(1, args.seeds + 1)]
                        outcomes[name] = kill_stats(attempts, args.budget)
                        say(f"  {name}: " + "; ".join(f"seed {a.seed}: {_found(a)}"
                                                      for a in attempts))
                        killing = [a for a in attempts if a.found and a.artifact]
                        if (name == m.target and killing and not m.reproducer.exists()
                                and not args.no_reproducers):
                            smallest = min(killing, key=lambda a: a.artifact.stat().st_size)
                            save_mutant_reproducer(m, tree, fuzzer, correct[name], smallest, env)
                except Failure as error:
                    say(f"  {error}")
                    broken += 1
                    for name in names:
                        outcomes.setdefault(name, {"error": str(error).splitlines()[0]})
                finally:
                    tree.sync()
    rows = list(results.values())
    table = [on_target_header(targets)] + [on_target_row(r, targets, args.budget) for r in rows]
    say()
    print_table(table)
    killed = {name: sum(1 for r in rows if r["targets"][name].get("found")) for name in targets}
    applicable = {name: sum(1 for r in rows if "found" in r["targets"][name]) for name in targets}
    report = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": machine, "budget_s": args.budget, "seeds": args.seeds,
              "command": "scripts/semfuzz mutants " + " ".join(sys.argv[2:]),
              "targets": targets, "killed": killed, "applicable": applicable, "mutants": rows,
              "markdown": markdown_table(table)}
    (run_dir / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    say("; ".join(f"{name}: killed {killed[name]}/{applicable[name]}" for name in targets))
    return 1 if broken else 0


def _mutant_result(m: Mutant, semfuzz: Optional[dict] = None, baseline: Optional[dict] = None,
                   budget: int = 0, error: Optional[str] = None) -> dict:
    none = {"found": 0, "runs": 0, "median_s": None, "verdict": None, "attempts": []}
    semfuzz, baseline = semfuzz or none, baseline or none
    return {"id": m.id, "origin": m.origin, "algorithm": m.fields["algorithm"],
            "target": m.target, "expected": m.oracle, "mistake": m.fields["mistake"],
            "killed": semfuzz["found"] > 0, "semfuzz": semfuzz, "baseline": baseline,
            "ratio": _ratio(semfuzz, baseline, budget) if budget and baseline["runs"] else None,
            "error": error,
            "reproducer": rel(m.reproducer) if m.reproducer.exists() else None}


def check_mutant_reproducers(env: dict) -> tuple[int, int]:
    """`test`: each mutant still fails its reproducer with the verdict its header names, so a
    harness change that loses a bug class fails CI (ctest's schedule_reproducers_replay checks
    that the correct semaphore passes them). Returns (passed, failed)."""
    say("== mutants: each still fails its own reproducer")
    started = time.monotonic()
    try:
        ensure_packages([config(TARGETS[DEFAULT_TARGET]["preset"])])  # its compiler
        mutants = all_mutants()
    except Failure as error:
        say(f"  FAILED: {error}")
        return 0, 1
    passed = failed = 0
    by_sanitizer = {}
    for m in mutants:
        if m.reproducer.exists():
            by_sanitizer.setdefault((m.replay_sanitizer, m.replay_optimized), []).append(m)
        elif m.target == DEFAULT_TARGET:
            say(f"  {m.id}: FAILED: no {rel(m.reproducer)} (`scripts/semfuzz mutants --only "
                f"{m.id}` makes it)")
            failed += 1
        else:
            say(f"  {m.id}: no reproducer for the {m.target} target; not checked")
    for (sanitizer, optimized), group in by_sanitizer.items():
        with replay_tree(sanitizer, optimized) as tree:
            for m in group:
                try:
                    tree.apply(m)
                    binary = tree.build(m.id, m.target, replay=True)
                except Failure as error:
                    say(f"  {m.id}: FAILED: {error}")
                    failed += 1
                    continue
                finally:
                    tree.sync()
                outcome = run_input(Target(m.target, tree.config, binary), m.reproducer, env)
                ok = outcome.verdict == m.oracle
                passed, failed = passed + ok, failed + (not ok)
                say(f"  {m.id}: {'ok' if ok else 'FAILED'}: {rel(m.reproducer)} gives "
                    f"{outcome.verdict or 'a pass'}" + ("" if ok else f", not {m.oracle} (the "
                                                        f"`oracle:` of {rel(m.patch)})"))
    say(f"  {passed} ok, {failed} failed ({time.monotonic() - started:.0f} s)")
    return passed, failed


def register(verbs) -> None:
    """Adds `mutants` and its arguments to the command line (cli.py)."""
    mutants_verb = add_verb(
        verbs, "mutants", cmd_mutants,
        "re-inject historical semaphore bugs; time how fast each is found",
        "For each fuzz/mutants/ID.patch (a historical bug of QSemaphore, glibc or libc++ re-made "
        "in our code;\nits header names the origin, the algorithm and the oracle expected): "
        "applies it to a copy of the\ntree in build/mutants/ (a patch that no longer applies is "
        "an error), builds the patch's target\nas `fuzz` does plus fuzz/mutants/stress.cc, a "
        "naive real-thread stress test with the same\nsanitizers, then for seeds 1..K fuzzes "
        "from an EMPTY corpus (with the target's .options and\n.dict) and stress-tests, each for "
        "up to the budget, stopping at the first finding. Prints a\ntable (median time to kill "
        "of each, their ratio, the verdicts) and `killed K/N`; a killed mutant\nwithout a "
        "reproducer gets one: the killing input, minimised, as reproducers/TARGET/mutant-ID\n"
        "(kept only if the correct semaphore passes it), which `test` replays against the "
        "mutant.\nLogs and summary.json go to runs/<UTC time>-mutants/. Exits 1 when a patch "
        "does not apply or\nbuild.")
    mutants_verb.add_argument("--budget", type=positive, default=MUTANT_BUDGET_S, metavar="S",
                              help=f"seconds per seed for the fuzzer and for the stress test "
                                   f"(default {MUTANT_BUDGET_S})")
    mutants_verb.add_argument("--seeds", type=positive, default=MUTANT_SEEDS, metavar="K",
                              help=f"libFuzzer -seed=1..K, stress --seed 1..K (default "
                                   f"{MUTANT_SEEDS})")
    mutants_verb.add_argument("--only", action="append", metavar="ID",
                              help="only this mutant (repeatable)")
    mutants_verb.add_argument("--json", metavar="FILE",
                              help="also write the table's data, per mutant and seed, to FILE")
    mutants_verb.add_argument("--no-reproducers", action="store_true",
                              help="do not minimise killing inputs into reproducers/")
    mutants_verb.add_argument("--target", action="append", choices=TARGETS, metavar="TARGET",
                              help="instead, fuzz every mutant through TARGET rather than its own "
                                   "target, without the stress baseline (repeatable: one column "
                                   "per target, e.g. --target schedule --target "
                                   "schedule_production); a mutant of an algorithm TARGET does "
                                   "not run is a row saying so; reproducers are kept for a "
                                   f"mutant's own target only. Choices: {', '.join(TARGETS)}")
