"""`replay` and `minimize`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping, Optional

from .cliargs import add_target, add_verb, natural, positive
from .common import UsageError, rel, say
from .reproducers import (MINIMIZE_SECONDS, minimize, print_as_tests, replay_command,
                          reproducer_index)
from .schedules import DEFAULT_CHOOSER, chooser_name, cmd_random_schedules
from .targets import DEFAULT_TARGET, TARGETS, input_files, run_input, sanitizer_env, target


def cmd_replay(args) -> int:
    t = target(args.target)
    files = input_files(args.inputs)
    if args.random_schedules:
        if args.as_test:
            raise UsageError("--as-test and --random-schedules do not go together")
        return cmd_random_schedules(t.name, files, args.random_schedules,
                                    1 if args.seed is None else args.seed,
                                    args.chooser or DEFAULT_CHOOSER)
    if args.seed is not None:
        raise UsageError("--seed picks the random schedules; it needs --random-schedules N")
    if args.chooser is not None:
        raise UsageError("--chooser picks the random schedules; it needs --random-schedules N")
    if args.as_test:
        return print_as_tests(t, files)
    t.build()
    env = sanitizer_env(SEMFUZZ_TRACE="1")
    failures = 0
    for path in files:
        owner = unfixed_owner(path)
        shown = dict(env, **{KNOWN_BUGS: "1"}) if owner and KNOWN_BUGS not in os.environ else env
        outcome = run_input(t, path, shown)
        sys.stdout.write(outcome.output)
        if outcome.verdict:
            failures += 1
            say(f"FAIL {rel(path)}: {outcome.verdict}" + (f": {outcome.details}"
                                                           if outcome.details else ""))
        else:
            say(f"PASS {rel(path)}" + (f": {why_unfixed_passed(owner, t.name, os.environ)}"
                                       if owner else ""))
    if len(files) != 1:
        say(f"replay: {len(files) - failures} passed, {failures} failed")
    return 1 if failures or not files else 0


# The one rule for findings in libraries semfuzz did not write (reproducers/<target>/unfixed/):
# their targets step around such known bugs so that fuzzing goes on past them, unless
# SEMFUZZ_KNOWN_BUGS=1; `replay` of a file under unfixed/ sets it (when the environment does not
# say otherwise), so that the file shows its finding, and says in one line why when it passes.
KNOWN_BUGS = "SEMFUZZ_KNOWN_BUGS"


def unfixed_owner(path: Path) -> Optional[str]:
    """For a file under <target>/unfixed/, that target's name; None for any other file."""
    return path.parent.parent.name if path.parent.name == "unfixed" else None


def why_unfixed_passed(owner: str, replayed_on: str, environ: Mapping[str, str]) -> str:
    """One line: why a third-party finding of target `owner` passed, and what to do about it."""
    if owner != replayed_on:
        return (f"a finding of target {owner} (its folder), replayed on {replayed_on}: "
                f"add --target {owner}")
    if environ.get(KNOWN_BUGS, "1") != "1":
        return (f"{KNOWN_BUGS}={environ[KNOWN_BUGS]} lets {owner} step around known third-party "
                f"bugs; set {KNOWN_BUGS}=1 (or unset it) to see this finding")
    return (f"a third-party finding that this build's library does not show, even with "
            f"{KNOWN_BUGS}=1 (its file name gives the version it was found in)")


def cmd_minimize(args) -> int:
    t = target(args.target)
    if Path(args.crash).is_dir():
        raise UsageError(f"{args.crash} is a folder; minimize takes one crashing input")
    crash, = input_files([args.crash])
    t.build()
    outcome, reproducer = minimize(t, crash, sanitizer_env(),
                                   how_found=f"`scripts/semfuzz minimize` of {crash.name}")
    say(f"{outcome.verdict}: {outcome.details}")
    say(f"reproducer: {rel(reproducer)} (indexed in {rel(reproducer_index())})")
    say(f"replay:     {replay_command(reproducer, t.name)}")
    return 0


def register(verbs) -> None:
    """Adds `replay`, `minimize` and their arguments to the command line (cli.py)."""
    replay = add_verb(
        verbs, "replay", cmd_replay, "run inputs with the trace on; say which oracle failed",
        "Runs each input once with SEMFUZZ_TRACE=1, prints the decoded program, the "
        "interleaving and\nthe result, then `PASS FILE` or `FAIL FILE: VERDICT`. A "
        "directory means every file in it.\nA file under <target>/unfixed/ (a finding in a "
        "library semfuzz did not write) runs with\nSEMFUZZ_KNOWN_BUGS=1 unless the environment "
        "sets it, so that it shows its finding; its PASS line\nsays why it passed. Exits 1 when "
        "any input failed.")
    replay.add_argument("inputs", nargs="+", metavar="FILE|DIR")
    add_target(replay, "--target")
    replay.add_argument("--as-test", action="store_true",
                        help="instead, print each input as a self-contained GoogleTest case "
                             "(the program and the choices spelled out) that replays it on the "
                             "target (the deterministic ones: "
                             f"{', '.join(n for n, s in TARGETS.items() if s.get('as_test'))}) "
                             "and expects a pass; paste it into a test suite")

    replay.add_argument("--random-schedules", type=positive, metavar="N",
                        help="instead, run each input's program under N random schedules (the "
                             f"{DEFAULT_TARGET} target's replay binary, -random_schedules=N, or a "
                             "whole program's, whose input files' bytes are not read); "
                             "each failing schedule is written as an input of its own, "
                             "runs/<UTC time>-schedule-random-schedules/artifacts/crash-<sha1>, "
                             "with its replay command")
    replay.add_argument("--seed", type=natural, metavar="S",
                        help="with --random-schedules: the random chooser's seed (default 1; the "
                             "same seed gives the same schedules)")
    replay.add_argument("--chooser", type=chooser_name, metavar="random|pct[:D]",
                        help="with --random-schedules: who picks each schedule (default random: "
                             "the random walk, each runnable thread equally likely at each step; "
                             "pct[:D]: probabilistic concurrency testing with bug depth D, default "
                             "3, which finds a depth-D bug with probability at least 1/(n k^(D-1)) "
                             "per schedule for n threads and k steps); the summary names the first "
                             "failing schedule")

    minimize_verb = add_verb(
        verbs, "minimize", cmd_minimize, "shrink a crashing input into reproducers/TARGET/",
        "Checks that CRASH fails and with which verdict, shrinks it with libFuzzer "
        f"-minimize_crash for up\nto {MINIMIZE_SECONDS} s, keeps the result only if it fails with "
        "the same verdict, saves it as\nreproducers/TARGET/<verdict>-<sha1>, adds a row to "
        "reproducers/README.md and prints the replay command.")
    minimize_verb.add_argument("crash", metavar="CRASH")
    add_target(minimize_verb, "--target")
