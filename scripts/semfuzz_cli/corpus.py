"""corpus/TARGET: merging new inputs in, minimising it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .common import Failure, files_in, rel, say, sha1_of
from .libfuzzer import libfuzzer_merge
from .targets import TARGETS, Target, sanitizer_env, target


def merge_target(t: Target) -> Target:
    """The target whose coverage decides a merge into t's corpus (TARGETS' `merge_by`), built."""
    other = TARGETS[t.name].get("merge_by")
    return target(other).build() if other else t


def add_to_corpus(t: Target, new_inputs: Path, env: dict) -> list[Path]:
    """Adds to corpus/TARGET, named by SHA-1, the new inputs that bring coverage it lacks. The
    merge runs on a copy, so an interrupted merge leaves the corpus as it was."""
    t.corpus.mkdir(parents=True, exist_ok=True)
    if not files_in(new_inputs):
        return []
    known = {sha1_of(f) for f in files_in(t.corpus)}
    added = []
    with tempfile.TemporaryDirectory(prefix="semfuzz-merge-") as tmp:
        merged = Path(tmp) / "corpus"
        shutil.copytree(t.corpus, merged)
        libfuzzer_merge(merge_target(t), merged, [new_inputs], env)
        for f in files_in(merged):
            digest = sha1_of(f)
            if digest not in known:
                known.add(digest)
                shutil.copyfile(f, t.corpus / digest)
                added.append(t.corpus / digest)
    return added


def cmd_merge(args) -> int:
    t = target(args.target).build()
    before = files_in(t.corpus)
    if not before:
        say(f"{rel(t.corpus)} is empty; nothing to merge")
        return 0
    with tempfile.TemporaryDirectory(prefix="semfuzz-merge-") as tmp:
        merged = Path(tmp) / "corpus"
        merged.mkdir()
        libfuzzer_merge(merge_target(t), merged, [t.corpus], sanitizer_env())
        kept = {sha1_of(f): f for f in files_in(merged)}
        if not kept:
            raise Failure("the merge kept no input; the corpus is left as it was")
        for f in before:
            if f.name not in kept or f.parent != t.corpus:
                f.unlink()
        for digest, f in kept.items():
            if not (t.corpus / digest).exists():
                shutil.copyfile(f, t.corpus / digest)
    say(f"{rel(t.corpus)}: {len(before)} -> {len(kept)} files")
    return 0
