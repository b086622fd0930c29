"""corpus/TARGET: adding a run's new inputs, minimising it in place, resuming cut-off runs, and
the lock that keeps two semfuzz processes off one corpus.

Nothing found is lost, whatever stops the work: a merge runs in a hidden folder beside the
corpus (same file system), each kept input reaches the corpus under its SHA-1 by fsync + rename,
and inputs are deleted only after what replaces them is in place. A run's new_corpus/ is deleted
only after its inputs are merged, so one that is still there after its run was cut off is merged
by the next `fuzz` of that target or by `merge --resume`."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Iterator, Optional

from .cliargs import add_verb
from .common import (Failure, UsageError, data_dir, files_in, fsync_dir, place, rel, say,
                     sha1_of)
from .libfuzzer import libfuzzer_merge
from .stopping import Signals
from .targets import DEFAULT_TARGET, TARGETS, Target, sanitizer_env, target

RUN_INFO = "run.json"  # in a run directory: {"target": ...}, written when the run starts
# A testing aid: seconds to wait between the file operations of a merge's commit phase, so that a
# test can kill the merge inside it.
STEP_DELAY_ENV = "SEMFUZZ_MERGE_STEP_DELAY"


def merge_target(t: Target) -> Target:
    """The target whose coverage decides a merge into t's corpus (TARGETS' `merge_by`), built."""
    other = TARGETS[t.name].get("merge_by")
    return target(other).build() if other else t


def _lock_path(t: Target) -> Path:
    return t.corpus.parent / f".{t.name}.lock"


@contextlib.contextmanager
def corpus_lock(t: Target, verb: str) -> Iterator[None]:
    """Holds corpus/TARGET for one semfuzz process; a second one is refused with who holds it.
    Merge folders left by a killed process are removed once the lock is held."""
    root = t.corpus.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(_lock_path(t), "a+")
    except OSError as error:
        raise UsageError(f"cannot use {rel(root)}: {error.strerror}") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another semfuzz process"
            raise UsageError(f"{rel(t.corpus)} is in use by {holder}; wait for it to finish "
                             "(`fuzz --jobs N` runs more processes in one run)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"`semfuzz {verb}` (pid {os.getpid()}, since "
                     f"{datetime.datetime.now():%H:%M:%S})\n")
        handle.flush()
        for stale in root.glob(f".{t.name}-merge-*"):
            shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        handle.close()


@contextlib.contextmanager
def merge_space(t: Target) -> Iterator[Path]:
    """A hidden folder beside corpus/TARGET (so renames from it are atomic), removed afterwards
    even when a signal stops the merge; one left by a kill -9 goes at the next lock."""
    folder = Path(tempfile.mkdtemp(prefix=f".{t.name}-merge-", dir=t.corpus.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _step_delay() -> None:
    delay = float(os.environ.get(STEP_DELAY_ENV) or 0)
    if delay > 0:
        time.sleep(delay)


def add_to_corpus(t: Target, new_inputs: Path, env: dict) -> list[Path]:
    """Adds to corpus/TARGET, named by SHA-1, the inputs of new_inputs that bring coverage it
    lacks; returns them. new_inputs is left alone (the caller deletes it once this returns)."""
    t.corpus.mkdir(parents=True, exist_ok=True)
    if not files_in(new_inputs):
        return []
    added = []
    with merge_space(t) as work:
        merged = work / "corpus"
        shutil.copytree(t.corpus, merged, copy_function=_link_or_copy)
        already = {f.relative_to(merged) for f in files_in(merged)}
        known = {sha1_of(f) for f in files_in(t.corpus)}
        libfuzzer_merge(merge_target(t), merged, [new_inputs], env)
        for f in files_in(merged):
            if f.relative_to(merged) in already:
                continue
            digest = sha1_of(f)
            if digest not in known:
                known.add(digest)
                place(f, t.corpus / digest)
                added.append(t.corpus / digest)
                _step_delay()
        fsync_dir(t.corpus)
    return added


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def minimise_in_place(t: Target, env: dict) -> tuple[int, int]:
    """Keeps the inputs of corpus/TARGET that libFuzzer's merge needs, named by SHA-1. Each kept
    input is in place under its SHA-1 before any file is deleted. Returns (before, after)."""
    before = files_in(t.corpus)
    with merge_space(t) as work:
        merged = work / "corpus"
        merged.mkdir()
        libfuzzer_merge(merge_target(t), merged, [t.corpus], env)
        kept = {sha1_of(f): f for f in files_in(merged)}
        if not kept:
            raise Failure("the merge kept no input; the corpus is left as it was")
        for digest, f in kept.items():
            if not (t.corpus / digest).exists():
                place(f, t.corpus / digest)
                _step_delay()
        fsync_dir(t.corpus)
        for f in before:  # delete last
            if f.name not in kept or f.parent != t.corpus:
                f.unlink()
                _step_delay()
    return len(before), len(kept)


def run_target(run_dir: Path) -> Optional[str]:
    """The target a run directory belongs to: its run.json, else its name (<time>-<target>)."""
    try:
        name = json.loads((run_dir / RUN_INFO).read_text()).get("target")
    except (OSError, ValueError):
        name = next((n for n in sorted(TARGETS, key=len, reverse=True)
                     if run_dir.name.split("-", 1)[-1].startswith(n)), None)
    return name if name in TARGETS else None


def stranded_runs(name: Optional[str] = None) -> list[tuple[Path, str]]:
    """(run directory, target) of the runs whose new_corpus/ was never merged."""
    runs = data_dir("runs")
    found = []
    for new_corpus in sorted(runs.glob("*/new_corpus")) if runs.is_dir() else []:
        owner = run_target(new_corpus.parent)
        if owner and (name is None or owner == name):
            found.append((new_corpus.parent, owner))
    return found


def merge_run(t: Target, run_dir: Path, env: dict) -> list[Path]:
    """Merges a run's new_corpus/ into corpus/TARGET, then deletes it."""
    new_corpus = run_dir / "new_corpus"
    added = add_to_corpus(t, new_corpus, env) if new_corpus.is_dir() else []
    shutil.rmtree(new_corpus, ignore_errors=True)
    return added


def resume_stranded(t: Target, env: dict, exclude: Optional[Path] = None) -> int:
    """Merges the new inputs of t's earlier runs that were cut off (the lock must be held);
    returns how many runs it merged."""
    resumed = 0
    for run_dir, _ in stranded_runs(t.name):
        if exclude is not None and run_dir == exclude:
            continue
        count = len(files_in(run_dir / "new_corpus"))
        added = merge_run(t, run_dir, env)
        resumed += 1
        say(f"resumed {rel(run_dir)}: {count} new input(s) of a run that was cut off, "
            f"{len(added)} added to {rel(t.corpus)}")
    return resumed


def cmd_merge(args) -> int:
    names = [args.target] if args.target else ([n for n in dict.fromkeys(
        owner for _, owner in stranded_runs())] if args.resume else [next(iter(TARGETS))])
    if args.resume and not names:
        say(f"merge --resume: no run in {rel(data_dir('runs'))} was cut off before its merge")
        return 0
    with Signals():
        for name in names:
            t = target(name)
            if t.corpus.exists() and not t.corpus.is_dir():
                raise UsageError(f"corpus folder {rel(t.corpus)} is a file, not a folder")
            with corpus_lock(t, "merge"):
                t.build()
                env = sanitizer_env()
                if args.resume:
                    if not resume_stranded(t, env) and args.target:
                        say(f"merge --resume: no {name} run was cut off before its merge")
                    continue
                if not files_in(t.corpus):
                    say(f"{rel(t.corpus)} is empty; nothing to merge")
                    continue
                before, after = minimise_in_place(t, env)
                say(f"{rel(t.corpus)}: {before} -> {after} files")
    return 0


def register(verbs) -> None:
    """Adds `merge` and its arguments to the command line (cli.py)."""
    merge = add_verb(
        verbs, "merge", cmd_merge,
        "minimise corpus/TARGET in place; --resume: finish cut-off runs",
        "Keeps only the inputs of corpus/TARGET that libFuzzer's -merge=1 needs to "
        "preserve coverage,\nnamed by the SHA-1 of their content. Crash-safe: each kept "
        "input is in place under its SHA-1\n(fsync, rename) before anything is deleted, "
        "so a merge stopped at any moment loses nothing;\nrun it again to finish. "
        "A second semfuzz on the same corpus is refused (exit 2).")
    merge.add_argument("target", nargs="?", choices=TARGETS,
                       help=f"fuzz target (default {DEFAULT_TARGET}; with --resume: every "
                            "target with a cut-off run)")
    merge.add_argument("--resume", action="store_true",
                       help="instead, merge the new inputs of runs that were cut off before "
                            "their merge (runs/*/new_corpus/); `fuzz` does this at start for "
                            "its target")
