"""`fuzz`: a corpus-growth run. Checks what it needs before any work (one line and exit 2 when
something is wrong), holds the corpus lock, merges the cut-off runs of earlier, fuzzes, merges
the new inputs, triages crashes, and writes summary.json. Stop signals end it early without
losing what was found: see stopping.py and corpus.py."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Optional

from .builds import config
from .cliargs import add_target, add_verb, positive
from .common import (Failure, UsageError, check_output_file, data_dir, files_in, new_run_dir, rel,
                     say, write_atomic)
from .corpus import RUN_INFO, corpus_lock, merge_run, resume_stranded
from .libfuzzer import FUZZ_OVERRUN_S, FuzzRun, run_libfuzzer
from .progress import write_progress
from .reproducers import minimize_command, replay_command, triage
from .stopping import Signals, Stopped, signal_name
from .targets import TARGETS, Target, sanitizer_env, target

DEFAULT_FUZZ_SECONDS = 600
MIN_FREE_MB = 200  # in runs/ and corpus/ before a run starts
# Input format v2 (fuzz/input/FORMAT.md): header bit 7, then the options byte: bit 0 the weak-memory
# model, bit 1 (with bit 0) the futex calls are no fence.
FORMAT_V2_BIT, WEAK_MEMORY_BIT, FUTEX_NO_FENCE_BIT = 0x80, 0x01, 0x02


def with_weak_memory(data: bytes, futex_fence: bool) -> Optional[bytes]:
    """The input as format v2 with the weak-memory option on: a v1 input gets the options byte
    (the futex a full barrier, or no fence); a v2 input keeps its futex view. None for an empty
    input (it has no header to mark)."""
    if not data:
        return None
    if data[0] & FORMAT_V2_BIT:
        options = data[1] if len(data) > 1 else 0
        return data[:1] + bytes([options | WEAK_MEMORY_BIT]) + data[2:]
    options = WEAK_MEMORY_BIT | (0 if futex_fence else FUTEX_NO_FENCE_BIT)
    return bytes([data[0] | FORMAT_V2_BIT, options]) + data[1:]


def weak_memory_seeds(folders: list, out: Path) -> int:
    """Writes every input of `folders` into `out` with the weak-memory option on, the v1 ones
    alternately in both futex views (by file name, so a rerun seeds the same files); returns how
    many."""
    out.mkdir()
    written = 0
    for i, f in enumerate(sorted((f for d in folders for f in files_in(d)), key=lambda f: f.name)):
        data = with_weak_memory(f.read_bytes(), futex_fence=i % 2 == 0)
        if data is not None:
            (out / f"{i:06d}-{f.name}").write_bytes(data)
            written += 1
    return written


def list_targets() -> int:
    """`fuzz --list`: every target, and whether its binary exists in its preset's build."""
    width = max(map(len, TARGETS))
    for name, spec in TARGETS.items():
        binary = config(spec["preset"]).build_dir / spec["binary"]
        state = "built" if binary.exists() else "not built yet (fuzzing it builds it)"
        say(f"{name:{width}} {spec['preset']:10} {state:36} {spec.get('about', '')}")
    return 0


def _writable_folder(folder: Path, what: str) -> None:
    """Creates `folder` when missing; raises UsageError unless it is a writable folder."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{what} {rel(folder)} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create {what} {rel(folder)}: {error.strerror}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {rel(folder)} is not writable")


def check_free_space(folder: Path, need_mb: int = MIN_FREE_MB) -> None:
    free_mb = shutil.disk_usage(folder).free // 2**20
    if free_mb < need_mb:
        raise UsageError(f"only {free_mb} MB free on the disk of {rel(folder)}; a fuzz run needs "
                         f"{need_mb} MB")


def check_before_fuzzing(t: Target, json_path: Optional[str]) -> None:
    """Everything a run needs that can be wrong, before any build or fuzzing."""
    _writable_folder(t.corpus, "corpus folder")
    _writable_folder(data_dir("runs"), "runs folder")
    if t.reproducers.exists() and not t.reproducers.is_dir():
        raise UsageError(f"reproducers folder {rel(t.reproducers)} is a file, not a folder")
    if json_path:
        check_output_file(json_path, "--json")
    for folder in (data_dir("runs"), t.corpus):
        check_free_space(folder)


def cmd_fuzz(args) -> int:
    if args.list:
        return list_targets()
    t = target(args.target)
    check_before_fuzzing(t, args.json)
    with Signals() as signals:
        try:
            with corpus_lock(t, "fuzz"):
                try:
                    t.build()
                except Failure as error:
                    raise UsageError(str(error)) from None
                env = sanitizer_env()
                resume_stranded(t, env)
                return campaign(t, args, env, signals)
        except Stopped as stop:
            say(f"fuzz: {signal_name(stop.signum)} before fuzzing started; nothing to keep")
            return stop.exit_status


def campaign(t: Target, args, env: dict, signals: Signals) -> int:
    run_dir = new_run_dir(t.name)
    write_atomic(run_dir / RUN_INFO, json.dumps({"target": t.name, "pid": os.getpid()}) + "\n")
    new_corpus, artifacts = run_dir / "new_corpus", run_dir / "artifacts"
    new_corpus.mkdir()
    artifacts.mkdir()
    seeds = t.seed_folders
    if args.weak_memory:
        weak = run_dir / "weak_memory_seeds"
        say(f"seeds: {weak_memory_seeds(seeds, weak)} inputs of {', '.join(map(rel, seeds))} as "
            f"format v2 with the weak-memory option on, in {rel(weak)}")
        seeds = [weak]
    say(f"fuzzing {t.name} for {args.time} s with {args.jobs} job(s); log: {rel(run_dir)}/fuzz.log")
    run = run_libfuzzer(t, args.time, [new_corpus, *seeds], artifacts, run_dir / "fuzz.log", env,
                        jobs=args.jobs, signals=signals)
    found = len(files_in(new_corpus))
    merged, added, crashes = True, [], []
    try:
        added = merge_run(t, run_dir, env)
        if not signals.received:
            crashes = triage(t, artifacts, env,
                             how_found=f"`scripts/semfuzz fuzz`, run {run_dir.name}")
    except Stopped as stop:
        merged = not new_corpus.exists()
        say(f"  {signal_name(stop.signum)}: stopped" + ("" if merged else (
            f"; the {found} new input(s) stay in {rel(new_corpus)}, and `scripts/semfuzz merge "
            f"--resume` (or the next `fuzz {t.name}`) merges them")))
    signals.hold()  # what follows only writes down what happened
    return report(t, args, run, run_dir, found, merged, added, crashes, signals.received)


def report(t: Target, args, run: FuzzRun, run_dir: Path, found: int, merged: bool, added: list,
           crashes: list, stopped_by: Optional[int]) -> int:
    corpus_files = len(files_in(t.corpus))
    say(f"\n{t.name}: {run.seconds:.0f} s, {run.execs} execs ({run.exec_per_sec}/s), "
        f"{rel(t.corpus)}: {corpus_files} files ({len(added)} new"
        + ("" if merged else f"; {found} found, not merged yet") + ")")
    if stopped_by:
        say(f"stopped by {signal_name(stopped_by)}: kept {len(added)} new input(s) in "
            f"{rel(t.corpus)}" + ("" if merged else f" and {found} in {rel(run_dir)}/new_corpus"))
        for artifact in files_in(run_dir / "artifacts"):
            say(f"  crash artifact, not triaged: {rel(artifact)}\n"
                f"    minimise it: {minimize_command(artifact, t.name)}")
    else:
        say(f"crashes: {len(crashes)}" + ("" if crashes else " (none)"))
    if run.hung:
        say(f"hang: libFuzzer was killed {FUZZ_OVERRUN_S} s past its time limit; the end of "
            f"{rel(run_dir / 'fuzz.log')} shows what it was doing")
    for outcome, reproducer in crashes:
        say(f"  {outcome.verdict}: {outcome.details}")
        say(f"    reproducer: {rel(reproducer)}")
        say(f"    replay:     {replay_command(reproducer, t.name)}")
    plot = write_progress(run_dir, run.samples, f"{t.name}, {args.jobs} job(s), {run_dir.name}")
    summary = {"target": t.name, "seconds": round(run.seconds), "execs": run.execs,
               "exec_per_sec": run.exec_per_sec, "corpus_files": corpus_files,
               "new_corpus_files": len(added), "run_dir": rel(run_dir),
               "crashes": [{"verdict": o.verdict, "reproducer": rel(r)} for o, r in crashes],
               "jobs": args.jobs, "weak_memory": args.weak_memory,
               "log": rel(run_dir / "fuzz.log"), "hung": run.hung,
               "interrupted": bool(stopped_by),
               "signal": signal_name(stopped_by) if stopped_by else None,
               "merged": merged, "unmerged_inputs": 0 if merged else found,
               "final": dict(zip(("cov", "ft", "corpus"), run.samples[-1][2:])) if run.samples
               else None, "samples": len(run.samples), "plot": rel(plot) if plot else None}
    text = json.dumps(summary, indent=2) + "\n"
    write_atomic(run_dir / "summary.json", text)
    if args.json:
        write_atomic(Path(args.json), text)
    say(f"run directory: {rel(run_dir)} (fuzz.log, summary.json"
        f"{', progress.tsv, progress.png' if plot else ''})")
    if stopped_by:
        return 128 + stopped_by
    return 1 if crashes or run.hung else 0


def register(verbs) -> None:
    """Adds `fuzz` and its arguments to the command line (cli.py)."""
    fuzz = add_verb(
        verbs, "fuzz", cmd_fuzz, "grow the corpus; minimise any crash into reproducers/",
        "Builds the target, fuzzes it with libFuzzer in runs/<UTC time>-TARGET/ "
        "(new_corpus/, artifacts/,\nfuzz.log), seeded read-only from corpus/TARGET and "
        "reproducers/TARGET. Then merges the inputs\nthat add coverage into corpus/TARGET "
        "(named by SHA-1), minimises one crash per verdict into\n"
        "reproducers/TARGET/<verdict>-<sha1>, indexes it in reproducers/README.md and "
        "prints its replay\ncommand. The run directory also gets summary.json (what "
        "--json writes), progress.tsv and\nprogress.png (coverage and corpus size over "
        "time; gnuplot, installed as root when missing).\nExits 1 when it found a crash. "
        "Checks the corpus folder, --json, free disk and the build first\n(exit 2 when "
        "one is wrong, or when another semfuzz holds the corpus), and first merges the "
        "new\ninputs of earlier runs that were cut off. Ctrl-C, SIGTERM and SIGHUP stop "
        "libFuzzer, merge what it\nfound, write summary.json with \"interrupted\": true "
        "and exit 128 + the signal; a second signal\nleaves the new inputs for `merge "
        "--resume`.")
    add_target(fuzz)
    fuzz.add_argument("--time", type=positive, default=DEFAULT_FUZZ_SECONDS, metavar="S",
                      help=f"seconds to fuzz (default {DEFAULT_FUZZ_SECONDS})")
    fuzz.add_argument("--jobs", type=positive, default=1, metavar="N",
                      help="parallel fuzzing processes (libFuzzer -fork=N -ignore_crashes=1; "
                           "default 1, which stops at the first crash)")
    fuzz.add_argument("--weak-memory", action="store_true",
                      help="seed the run with the corpus and reproducers rewritten as format v2 "
                           "with the weak-memory option on (fuzz/input/FORMAT.md; v1 inputs alternately "
                           "with the futex a full barrier and no fence), so that the campaign "
                           "explores stale reads; the fuzzer may still clear the option")
    fuzz.add_argument("--list", action="store_true",
                      help="list the fuzz targets, their presets and whether they are built")
    fuzz.add_argument("--json", metavar="FILE",
                      help="also write {target, seconds, execs, exec_per_sec, corpus_files, "
                           "crashes: [{verdict, reproducer}]} to FILE")
