"""The everyday verbs: fuzz, replay, minimize."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .builds import config
from .common import Failure, ROOT, UsageError, files_in, rel, say, utc_stamp
from .corpus import add_to_corpus
from .libfuzzer import FUZZ_OVERRUN_S, run_libfuzzer
from .progress import write_progress
from .reproducers import reproducer_index, minimize, print_as_tests, replay_command, triage
from .schedules import cmd_random_schedules
from .targets import TARGETS, input_files, run_input, sanitizer_env, target


DEFAULT_FUZZ_SECONDS = 600


def list_targets() -> int:
    """`fuzz --list`: every target, and whether its binary exists in its preset's build."""
    for name, spec in TARGETS.items():
        binary = config(spec["preset"]).build_dir / spec["binary"]
        state = "built" if binary.exists() else "not built yet (fuzzing it builds it)"
        say(f"{name:14} {spec['preset']:10} {state:36} {spec.get('about', '')}")
    return 0


def cmd_fuzz(args) -> int:
    if args.list:
        return list_targets()
    t = target(args.target).build()
    env = sanitizer_env()
    run_dir = ROOT / "runs" / f"{utc_stamp()}-{t.name}"
    new_corpus, artifacts = run_dir / "new_corpus", run_dir / "artifacts"
    new_corpus.mkdir(parents=True)
    artifacts.mkdir()
    seeds = [d for d in (t.corpus, t.reproducers) if d.is_dir()]
    say(f"fuzzing {t.name} for {args.time} s with {args.jobs} job(s); log: {rel(run_dir)}/fuzz.log")
    run = run_libfuzzer(t, args.time, [new_corpus, *seeds], artifacts, run_dir / "fuzz.log", env,
                        jobs=args.jobs)
    added = add_to_corpus(t, new_corpus, env)
    crashes = triage(t, artifacts, env, how_found=f"`scripts/semfuzz fuzz`, run {run_dir.name}")
    corpus_files = len(files_in(t.corpus))

    say(f"\n{t.name}: {run.seconds:.0f} s, {run.execs} execs ({run.exec_per_sec}/s), "
        f"{rel(t.corpus)}: {corpus_files} files ({len(added)} new)")
    say(f"crashes: {len(crashes)}" + ("" if crashes else " (none)"))
    if run.hung:
        say(f"hang: libFuzzer was killed {FUZZ_OVERRUN_S} s past its time limit; the end of "
            f"{rel(run_dir / 'fuzz.log')} shows what it was doing")
    for outcome, reproducer in crashes:
        say(f"  {outcome.verdict}: {outcome.details}")
        say(f"    reproducer: {rel(reproducer)}")
        say(f"    replay:     {replay_command(reproducer, t.name)}")
    plot = write_progress(run_dir, run.samples, f"{t.name}, {args.jobs} job(s), {run_dir.name}")
    report = {"target": t.name, "seconds": round(run.seconds), "execs": run.execs,
              "exec_per_sec": run.exec_per_sec, "corpus_files": corpus_files,
              "new_corpus_files": len(added), "run_dir": rel(run_dir),
              "crashes": [{"verdict": o.verdict, "reproducer": rel(r)} for o, r in crashes],
              "jobs": args.jobs, "log": rel(run_dir / "fuzz.log"), "hung": run.hung,
              "final": dict(zip(("cov", "ft", "corpus"), run.samples[-1][2:])) if run.samples
              else None, "plot": rel(plot) if plot else None}
    (run_dir / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    say(f"run directory: {rel(run_dir)} (fuzz.log, summary.json"
        f"{', progress.tsv, progress.png' if plot else ''})")
    return 1 if crashes or run.hung else 0


def cmd_replay(args) -> int:
    t = target(args.target)
    files = input_files(args.inputs)
    if args.random_schedules:
        if args.as_test:
            raise UsageError("--as-test and --random-schedules do not go together")
        return cmd_random_schedules(t.name, files, args.random_schedules,
                                    1 if args.seed is None else args.seed)
    if args.seed is not None:
        raise UsageError("--seed picks the random schedules; it needs --random-schedules N")
    if args.as_test:
        return print_as_tests(t, files)
    t.build()
    env = sanitizer_env(SEMFUZZ_TRACE="1")
    failures = 0
    for path in files:
        outcome = run_input(t, path, env)
        sys.stdout.write(outcome.output)
        if outcome.verdict:
            failures += 1
            say(f"FAIL {rel(path)}: {outcome.verdict}" + (f": {outcome.details}"
                                                           if outcome.details else ""))
        else:
            say(f"PASS {rel(path)}")
    if len(files) != 1:
        say(f"replay: {len(files) - failures} passed, {failures} failed")
    return 1 if failures or not files else 0


def cmd_minimize(args) -> int:
    t = target(args.target)
    crash = Path(args.crash).resolve()
    if not crash.is_file():
        raise Failure(f"no such file: {args.crash}")
    t.build()
    outcome, reproducer = minimize(t, crash, sanitizer_env(),
                                   how_found=f"`scripts/semfuzz minimize` of {crash.name}")
    say(f"{outcome.verdict}: {outcome.details}")
    say(f"reproducer: {rel(reproducer)} (indexed in {rel(reproducer_index())})")
    say(f"replay:     {replay_command(reproducer, t.name)}")
    return 0
